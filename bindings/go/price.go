// price.go — a price before paying: request estimates and media durations (ltx/price.h).

package ltx

/*
#include <stdlib.h>
#include <ltx/ltx.h>
*/
import "C"

import (
	"runtime"
	"time"
)

// Estimate is what sending a request would cost, from the built-in price table.
type Estimate struct {
	Known    bool   // whether the table knows the price
	MicroUSD int64  // the price in millionths of a US dollar; -1 when unknown
	Basis    string // "6 s x $0.06/s (ltx-2-3-fast, 1080p, text-to-video)", or why it is unknown
	Source   string // the source of the price row used, or ""
	Date     string // the row's date, or the table's when the price is unknown
}

// EstimateCost estimates what sending r would cost (ltx_request_estimate_cost(3)), with
// no network. The request is validated first (ErrRequest); an unknown price is not an
// error (Known is false). Local input files are read for input-priced endpoints.
func (r *Request) EstimateCost() (Estimate, error) {
	h, err := r.handle()
	if err != nil {
		return Estimate{}, err
	}
	var est *C.ltx_estimate
	var e *C.ltx_error
	rc := C.ltx_request_estimate_cost(&est, h, nil, &e)
	runtime.KeepAlive(r)
	if rc != C.LTX_OK {
		return Estimate{}, takeError(rc, e)
	}
	defer C.ltx_estimate_free(est)
	return Estimate{
		Known:    C.ltx_estimate_known(est) != 0,
		MicroUSD: int64(C.ltx_estimate_micro_usd(est)),
		Basis:    goStr(C.ltx_estimate_basis(est)),
		Source:   goStr(C.ltx_estimate_source(est)),
		Date:     goStr(C.ltx_estimate_date(est)),
	}, nil
}

// MediaDuration is the duration of a local MP4/MOV, WAV or MP3 file, read from its
// headers (ltx_media_duration_ms(3)).
func MediaDuration(path string) (time.Duration, error) {
	cp, err := cString("path", path)
	if err != nil {
		return 0, err
	}
	defer free(cp)
	var ms C.int64_t
	var e *C.ltx_error
	if rc := C.ltx_media_duration_ms(&ms, cp, &e); rc != C.LTX_OK {
		return 0, takeError(rc, e)
	}
	return time.Duration(ms) * time.Millisecond, nil
}
