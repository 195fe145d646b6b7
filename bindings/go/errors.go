// errors.go — the Go side of ltx_error: a *Error value per failure, and sentinels for errors.Is.

package ltx

/*
#include <stdlib.h>
#include <ltx/ltx.h>
*/
import "C"

import (
	"context"
	"fmt"
	"time"
	"unsafe"
)

// Code is an ltx_status class. The numbers are libltx's ABI: client-side classes are
// negative, HTTP classes equal the HTTP status they stand for.
type Code int

// The ltx_status values (see libltx(7), "ERROR CODES").
const (
	CodeOK             Code = 0
	CodeInvalid        Code = -1  // an argument is invalid
	CodeRequest        Code = -2  // the request failed validation; nothing was sent
	CodeNoMem          Code = -3  // out of memory
	CodeIO             Code = -4  // local I/O failed
	CodeNetwork        Code = -5  // DNS, connect, TLS or a dropped connection
	CodeTimedOut       Code = -6  // connect timeout, stall or deadline
	CodeCancelled      Code = -7  // a callback asked to stop
	CodeProtocol       Code = -8  // an answer the API does not define
	CodeJobFailed      Code = -9  // the job ended in "failed"
	CodeSinkFull       Code = -10 // a memory sink reached its cap
	CodeInit           Code = -11 // ltx_global_init() failed
	CodeHTTP           Code = -12 // an HTTP status with no class of its own
	CodeHeader         Code = -13 // a response header too large (not retried)
	CodeTLS            Code = -14 // TLS verification failed (not retried)
	CodeURL            Code = -15 // a malformed URL (not retried)
	CodeBadRequest     Code = 400 // 400 invalid_request_error
	CodeAuth           Code = 401 // 401 authentication_error
	CodeFunds          Code = 402 // 402 insufficient_funds_error
	CodeForbidden      Code = 403 // 403 permission_error
	CodeNotFound       Code = 404 // 404 not_found_error
	CodeTooLarge       Code = 413 // 413 request_too_large
	CodeContent        Code = 422 // 422 content_filtered_error
	CodeRateLimit      Code = 429 // 429 rate_limit_error / concurrency_limit_error
	CodeServer         Code = 500 // 500 api_error
	CodeBadGateway     Code = 502 // 502
	CodeUnavailable    Code = 503 // 503 service_unavailable
	CodeGatewayTimeout Code = 504 // 504
)

// String is ltx_strerror(code): a short English description.
func (c Code) String() string {
	return C.GoString(C.ltx_strerror(C.int(c)))
}

// Error is everything libltx reported about a failure (ltx_error(3)). Every error
// returned by this package is an *Error. Compare classes with errors.Is and the
// Err* sentinels, or read Code directly.
type Error struct {
	Code             Code          // the ltx_status class
	HTTPStatus       int           // the HTTP status answered, 0 when none was received
	Type             string        // the API's error.type ("content_filtered_error"), or ""
	Message          string        // the full message, with the request id when there is one
	APIMessage       string        // the API's error.message as sent, or ""
	RequestID        string        // the x-request-id header, or ""
	JobID            string        // the job the error concerns, or ""
	Field            string        // the request field that failed validation, or ""
	PossiblyExecuted bool          // the server may have started (and will bill) a generation
	RetryAfter       time.Duration // Retry-After of the last answer, or -1 when absent
	Attempts         uint          // HTTP attempts made (0 when nothing was sent)
	TransportMessage string        // libcurl's error text, or ""
	Body             []byte        // a bounded copy of the response body, or nil
	Cause            error         // the error a ProgressFunc stopped the call with, or nil
}

// Error returns the message libltx built (it names the request id when there is
// one), followed by the Cause when there is one.
func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Code.String()
	}
	if e.Cause != nil {
		msg += ": " + e.Cause.Error()
	}
	return "ltx: " + msg
}

// Is reports whether target is an *Error of the same Code, so that
// errors.Is(err, ltx.ErrContentFiltered) works on any error of that class.
//
// An error of CodeTimedOut (the client's deadline, connect or stall timeout) also
// matches context.DeadlineExceeded, as a timeout of net/http does; a call stopped
// by a context's own deadline matches it through Cause.
func (e *Error) Is(target error) bool {
	if target == context.DeadlineExceeded {
		return e.Code == CodeTimedOut
	}
	t, ok := target.(*Error)
	return ok && t != nil && t.Code == e.Code
}

// Unwrap returns the Cause, so that errors.Is and errors.As also find the error
// a ProgressFunc stopped the call with.
func (e *Error) Unwrap() error { return e.Cause }

func sentinel(c Code) *Error { return &Error{Code: c, RetryAfter: -1} }

// Sentinels, one per class, for errors.Is. Only their Code is meaningful.
var (
	ErrInvalid           = sentinel(CodeInvalid)
	ErrRequest           = sentinel(CodeRequest)
	ErrNoMem             = sentinel(CodeNoMem)
	ErrIO                = sentinel(CodeIO)
	ErrNetwork           = sentinel(CodeNetwork)
	ErrTimedOut          = sentinel(CodeTimedOut)
	ErrCancelled         = sentinel(CodeCancelled)
	ErrProtocol          = sentinel(CodeProtocol)
	ErrJobFailed         = sentinel(CodeJobFailed)
	ErrSinkFull          = sentinel(CodeSinkFull)
	ErrInit              = sentinel(CodeInit)
	ErrHTTP              = sentinel(CodeHTTP)
	ErrHeader            = sentinel(CodeHeader)
	ErrTLS               = sentinel(CodeTLS)
	ErrURL               = sentinel(CodeURL)
	ErrBadRequest        = sentinel(CodeBadRequest)
	ErrAuth              = sentinel(CodeAuth)
	ErrInsufficientFunds = sentinel(CodeFunds)
	ErrForbidden         = sentinel(CodeForbidden)
	ErrNotFound          = sentinel(CodeNotFound)
	ErrTooLarge          = sentinel(CodeTooLarge)
	ErrContentFiltered   = sentinel(CodeContent)
	ErrRateLimited       = sentinel(CodeRateLimit)
	ErrServer            = sentinel(CodeServer)
	ErrBadGateway        = sentinel(CodeBadGateway)
	ErrUnavailable       = sentinel(CodeUnavailable)
	ErrGatewayTimeout    = sentinel(CodeGatewayTimeout)
)

func goStr(s *C.char) string {
	if s == nil {
		return ""
	}
	return C.GoString(s)
}

// takeError turns a status code and the ltx_error it came with (which may be nil,
// for calls that report no details) into an *Error, freeing the C object.
func takeError(rc C.int, e *C.ltx_error) error {
	if e == nil {
		if rc == C.LTX_OK {
			return nil
		}
		return &Error{Code: Code(rc), Message: Code(rc).String(), RetryAfter: -1}
	}
	defer C.ltx_error_free(e)
	out := &Error{
		Code:             Code(C.ltx_error_code(e)),
		HTTPStatus:       int(C.ltx_error_http_status(e)),
		Type:             goStr(C.ltx_error_type(e)),
		Message:          goStr(C.ltx_error_message(e)),
		APIMessage:       goStr(C.ltx_error_api_message(e)),
		RequestID:        goStr(C.ltx_error_request_id(e)),
		JobID:            goStr(C.ltx_error_job_id(e)),
		Field:            goStr(C.ltx_error_field(e)),
		PossiblyExecuted: C.ltx_error_possibly_executed(e) != 0,
		RetryAfter:       -1,
		Attempts:         uint(C.ltx_error_attempts(e)),
		TransportMessage: goStr(C.ltx_error_transport_message(e)),
	}
	if ms := int64(C.ltx_error_retry_after_ms(e)); ms >= 0 {
		out.RetryAfter = time.Duration(ms) * time.Millisecond
	}
	var n C.size_t
	if p := C.ltx_error_body(e, &n); p != nil {
		out.Body = C.GoBytes(p, C.int(n))
	}
	if out.Code == CodeOK { // never report success as an error
		out.Code = Code(rc)
	}
	return out
}

// status is takeError for calls that return only a code.
func status(rc C.int) error {
	if rc == C.LTX_OK {
		return nil
	}
	return takeError(rc, nil)
}

// invalid is the error for arguments rejected before reaching C.
func invalid(format string, args ...interface{}) error {
	return &Error{Code: CodeInvalid, Message: fmt.Sprintf(format, args...), RetryAfter: -1}
}

// cString copies s for C, refusing strings with a NUL byte (C would truncate them).
// The caller frees the result with C.free.
func cString(what, s string) (*C.char, error) {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return nil, invalid("%s contains a NUL byte", what)
		}
	}
	return C.CString(s), nil
}

func free(p *C.char) { C.free(unsafe.Pointer(p)) }
