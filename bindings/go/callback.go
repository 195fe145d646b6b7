// callback.go — the exported Go function the C progress trampoline (ltx.go) calls.
//
// A file with //export may only declare C things in its preamble, so the
// trampoline itself is defined in ltx.go.

package ltx

/*
#include <stdint.h>
#include <ltx/ltx.h>
*/
import "C"

import (
	"io"
	"runtime/cgo"
	"time"
	"unsafe"
)

// progressState travels to C as a runtime/cgo.Handle in the void *userdata.
type progressState struct {
	fn       ProgressFunc
	stop     error // what fn returned to stop the call
	panicked bool
	panicVal interface{}
}

//export ltxgoProgress
func ltxgoProgress(p *C.ltx_progress, h C.uintptr_t) (rc C.int) {
	st, ok := cgo.Handle(h).Value().(*progressState)
	if !ok || st.stop != nil || st.panicked {
		return 1
	}
	// A panic must not unwind through libltx's C frames: keep it, stop the
	// call (LTX_ECANCELLED), and re-raise it once the C call has returned.
	defer func() {
		if r := recover(); r != nil {
			st.panicked, st.panicVal = true, r
			rc = 1
		}
	}()
	pr := Progress{
		Stage:   Stage(C.ltx_progress_stage(p)),
		JobID:   goStr(C.ltx_progress_job_id(p)),
		Status:  goStr(C.ltx_progress_status(p)),
		Bytes:   uint64(C.ltx_progress_bytes(p)),
		Total:   uint64(C.ltx_progress_total(p)),
		Elapsed: time.Duration(C.ltx_progress_elapsed_ms(p)) * time.Millisecond,
	}
	if err := st.fn(pr); err != nil {
		st.stop = err
		return 1
	}
	return 0
}

// callWithProgress runs call with a handle for fn (0, meaning no callback, when
// fn is nil) and an error out-pointer, and turns the result into an error. The
// error fn stopped the call with becomes the Cause of the ErrCancelled it
// returns. A panic of the callback is re-raised after libltx returned and the
// error was freed.
func callWithProgress(fn ProgressFunc, call func(h C.uintptr_t, e **C.ltx_error) C.int) error {
	var e *C.ltx_error
	if fn == nil {
		return takeError(call(0, &e), e)
	}
	st := &progressState{fn: fn}
	h := cgo.NewHandle(st)
	defer h.Delete()
	rc := call(C.uintptr_t(h), &e)
	if st.panicked {
		if e != nil {
			C.ltx_error_free(e)
		}
		panic(st.panicVal)
	}
	err := takeError(rc, e)
	if le, ok := err.(*Error); ok && st.stop != nil && le.Code == CodeCancelled {
		le.Cause = st.stop
	}
	return err
}

// writerState travels to C as a runtime/cgo.Handle in a callback sink's userdata.
type writerState struct {
	w        io.Writer
	err      error // what w.Write returned, which stopped the transfer
	panicked bool
	panicVal interface{}
}

//export ltxgoWrite
func ltxgoWrite(data unsafe.Pointer, n C.size_t, h C.uintptr_t) (rc C.int) {
	st, ok := cgo.Handle(h).Value().(*writerState)
	if !ok || st.err != nil || st.panicked {
		return 1
	}
	defer func() {
		if r := recover(); r != nil {
			st.panicked, st.panicVal = true, r
			rc = 1
		}
	}()
	// The bytes are handed over without a copy: io.Writer must not keep p.
	p := unsafe.Slice((*byte)(data), int(n))
	for len(p) > 0 {
		k, err := st.w.Write(p)
		if err == nil && k == 0 {
			err = io.ErrShortWrite
		}
		if err != nil {
			st.err = err
			return 1
		}
		p = p[k:]
	}
	return 0
}

//export ltxgoLog
func ltxgoLog(level C.int, line *C.char, h C.uintptr_t) {
	if fn, ok := cgo.Handle(h).Value().(Logger); ok {
		fn(LogLevel(level), C.GoString(line))
	}
}
