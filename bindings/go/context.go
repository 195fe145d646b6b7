// context.go — a context.Context stops a blocking call through a libltx cancel handle.

package ltx

/*
#include <ltx/ltx.h>
*/
import "C"

import (
	"context"
	"errors"
	"sync"
)

// withContext runs call while ctx is watched: when ctx is done, a cancel handle attached
// with attach (and detached with detach before it is freed) is triggered, and the call
// returns within about 100 ms with an *Error of CodeCancelled whose Cause is ctx.Err()
// (so errors.Is(err, context.Canceled) and errors.Is(err, ltx.ErrCancelled) both hold).
// A context that can never be done costs nothing.
func withContext(ctx context.Context, attach func(*C.ltx_cancel), detach func(),
	call func() error) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if ctx.Done() == nil {
		return call()
	}
	if err := ctx.Err(); err != nil {
		return &Error{Code: CodeCancelled, Message: "not started: the context is done",
			RetryAfter: -1, Cause: err}
	}
	var h *C.ltx_cancel
	if rc := C.ltx_cancel_new(&h); rc != C.LTX_OK {
		return status(rc)
	}
	attach(h)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-ctx.Done():
			C.ltx_cancel_trigger(h)
		case <-done:
		}
	}()
	err := call()
	close(done)
	wg.Wait() // the handle outlives its last trigger
	detach()
	C.ltx_cancel_free(h)
	var le *Error
	if err != nil && ctx.Err() != nil && errors.As(err, &le) && le.Code == CodeCancelled &&
		le.Cause == nil {
		le.Cause = ctx.Err()
	}
	return err
}
