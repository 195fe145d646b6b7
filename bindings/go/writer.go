// writer.go — output to an io.Writer, streamed through a libltx callback sink.

package ltx

/*
#include <stdint.h>
#include <ltx/ltx.h>

int ltxgo_sink_new_writer(ltx_sink **out, uintptr_t h);
int ltxgo_generate(ltx_client *c, const ltx_request *r, ltx_sink *s, uintptr_t h, ltx_error **err);
int ltxgo_job_download(ltx_job *j, ltx_sink *s, uintptr_t h, ltx_error **err);
*/
import "C"

import (
	"context"
	"io"
	"runtime"
	"runtime/cgo"
)

// withWriter runs call with a callback sink that hands each chunk to w as it
// arrives (memory stays bounded by libcurl's buffer, whatever the video's
// size). A Write error stops the transfer: the call then returns an *Error of
// CodeIO whose Cause is that error (errors.Is finds it). A panic in Write stops
// the call and is re-raised when it returns.
func withWriter(w io.Writer, call func(s *C.ltx_sink) error) error {
	if w == nil {
		return invalid("the io.Writer is nil")
	}
	st := &writerState{w: w}
	h := cgo.NewHandle(st)
	defer h.Delete()
	var s *C.ltx_sink
	if rc := C.ltxgo_sink_new_writer(&s, C.uintptr_t(h)); rc != C.LTX_OK {
		return status(rc)
	}
	defer C.ltx_sink_free(s)
	err := call(s)
	if st.panicked {
		panic(st.panicVal)
	}
	if st.err != nil {
		le, ok := err.(*Error)
		if !ok || le.Code != CodeCancelled {
			return err
		}
		le.Code = CodeIO
		le.Message = "writing the output failed"
		le.Cause = st.err
	}
	return err
}

// GenerateTo is Generate writing the video to w as it arrives instead of to a
// file: an *os.File, a bytes.Buffer, an http.ResponseWriter, a hash. Nothing is
// held in memory beyond one chunk. w sees the bytes of one successful transfer
// only, but a call that fails part way leaves what was already written in w:
// buffer or truncate it yourself when that matters (Generate, to a path, never
// leaves a partial file).
func (c *Client) GenerateTo(ctx context.Context, req *Request, w io.Writer,
	progress ProgressFunc) (Report, error) {
	return c.generateInto(ctx, req, progress, func(f func(*C.ltx_sink) error) error {
		return withWriter(w, f)
	})
}

// DownloadTo is Download writing a completed job's result to w as it arrives.
// A call that fails part way leaves what was already written in w.
func (j *Job) DownloadTo(ctx context.Context, w io.Writer, progress ProgressFunc) error {
	h, err := j.handle()
	if err != nil {
		return err
	}
	err = j.watching(ctx, h, func() error {
		return withWriter(w, func(s *C.ltx_sink) error {
			return callWithProgress(progress, func(ud C.uintptr_t, e **C.ltx_error) C.int {
				return C.ltxgo_job_download(h, s, ud, e)
			})
		})
	})
	runtime.KeepAlive(j)
	return err
}
