// request.go — Request, the Go side of ltx_request.

package ltx

/*
#include <stdlib.h>
#include <ltx/ltx.h>
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// Request is one generation to ask for (ltx_request): an endpoint and its
// fields. Unset fields are not sent. The setters only check that the endpoint
// has the field (their error says why they refused); values are checked by Validate, which every sending call runs
// first, so that one error names the field (Error.Field) and the allowed values.
// One goroutine at a time.
type Request struct {
	r *C.ltx_request
}

// NewRequest creates an empty request for endpoint.
func NewRequest(endpoint Endpoint) (*Request, error) {
	var r *C.ltx_request
	if rc := C.ltx_request_new(&r, C.ltx_endpoint(endpoint)); rc != C.LTX_OK {
		return nil, status(rc)
	}
	req := &Request{r: r}
	runtime.SetFinalizer(req, (*Request).Close)
	return req, nil
}

// NewRequestByName creates an empty request for the endpoint with this path
// segment (1 to 64 of a-z, 0-9 and '-'). A name this release does not know
// gives OtherEndpoint: sent to /v2/<name>, its fields unchecked.
func NewRequestByName(name string) (*Request, error) {
	cs, err := cString("endpoint name", name)
	if err != nil {
		return nil, err
	}
	defer free(cs)
	var r *C.ltx_request
	if rc := C.ltx_request_new_by_name(&r, cs); rc != C.LTX_OK {
		if rc == C.LTX_EINVAL {
			return nil, invalid("%q is not an endpoint name (1 to 64 of a-z, 0-9, '-')", name)
		}
		return nil, status(rc)
	}
	req := &Request{r: r}
	runtime.SetFinalizer(req, (*Request).Close)
	return req, nil
}

// setterStatus is a setter's error: the reason it recorded (ltx_request_last_error), naming
// the field, the value and the rule.
func setterStatus(h *C.ltx_request, rc C.int) error {
	if rc == C.LTX_OK {
		return nil
	}
	e := C.ltx_request_last_error(h)
	if e == nil {
		return status(rc)
	}
	return &Error{Code: Code(rc), Message: goStr(C.ltx_error_message(e)),
		Field: goStr(C.ltx_error_field(e)), RetryAfter: -1}
}

// Close frees the request. Safe to call twice.
func (r *Request) Close() {
	if r != nil && r.r != nil {
		C.ltx_request_free(r.r)
		r.r = nil
		runtime.SetFinalizer(r, nil)
	}
}

func (r *Request) handle() (*C.ltx_request, error) {
	if r == nil || r.r == nil {
		return nil, invalid("request is closed")
	}
	return r.r, nil
}

// Endpoint is the request's endpoint.
func (r *Request) Endpoint() Endpoint {
	h, err := r.handle()
	if err != nil {
		return 0
	}
	e := Endpoint(C.ltx_request_endpoint(h))
	runtime.KeepAlive(r)
	return e
}

// EndpointName is the request's endpoint path segment ("text-to-video", or the
// name given to NewRequestByName).
func (r *Request) EndpointName() string {
	h, err := r.handle()
	if err != nil {
		return ""
	}
	name := goStr(C.ltx_request_endpoint_name(h))
	runtime.KeepAlive(r)
	return name
}

func (r *Request) setString(what, s string, set func(*C.ltx_request, *C.char) C.int) error {
	h, err := r.handle()
	if err != nil {
		return err
	}
	cs, err := cString(what, s)
	if err != nil {
		return err
	}
	defer free(cs)
	err = setterStatus(h, set(h, cs))
	runtime.KeepAlive(r)
	return err
}

func (r *Request) set(set func(*C.ltx_request) C.int) error {
	h, err := r.handle()
	if err != nil {
		return err
	}
	err = setterStatus(h, set(h))
	runtime.KeepAlive(r)
	return err
}

// SetPrompt sets the prompt (at most 5000 characters of UTF-8).
func (r *Request) SetPrompt(prompt string) error {
	return r.setString("prompt", prompt, func(h *C.ltx_request, s *C.char) C.int {
		return C.ltx_request_set_prompt(h, s)
	})
}

// SetModel sets the model id (ModelLTX23Fast, ...; unknown ids are passed through).
func (r *Request) SetModel(model string) error {
	return r.setString("model", model, func(h *C.ltx_request, s *C.char) C.int {
		return C.ltx_request_set_model(h, s)
	})
}

// SetDuration sets the duration in seconds (whole seconds on text- and image-to-video).
func (r *Request) SetDuration(seconds float64) error {
	return r.set(func(h *C.ltx_request) C.int { return C.ltx_request_set_duration(h, C.double(seconds)) })
}

// SetDurationAuto asks for an automatic length (ltx-2-5 models, text- and image-to-video).
func (r *Request) SetDurationAuto() error {
	return r.set(func(h *C.ltx_request) C.int { return C.ltx_request_set_duration_auto(h) })
}

// SetResolution sets "WIDTHxHEIGHT", e.g. "1920x1080".
func (r *Request) SetResolution(resolution string) error {
	return r.setString("resolution", resolution, func(h *C.ltx_request, s *C.char) C.int {
		return C.ltx_request_set_resolution(h, s)
	})
}

// SetFPS sets the frame rate.
func (r *Request) SetFPS(fps int) error {
	return r.set(func(h *C.ltx_request) C.int { return C.ltx_request_set_fps(h, C.int(fps)) })
}

// SetGenerateAudio turns audio generation on or off.
func (r *Request) SetGenerateAudio(enable bool) error {
	return r.set(func(h *C.ltx_request) C.int { return C.ltx_request_set_generate_audio(h, cBool(enable)) })
}

// SetCameraMotion sets dolly_in, dolly_out, dolly_left, dolly_right, jib_up, jib_down, static or focus_shift.
func (r *Request) SetCameraMotion(motion string) error {
	return r.setString("camera motion", motion, func(h *C.ltx_request, s *C.char) C.int {
		return C.ltx_request_set_camera_motion(h, s)
	})
}

// SetImageURI sets the input image.
func (r *Request) SetImageURI(uri string) error {
	return r.setString("image URI", uri, func(h *C.ltx_request, s *C.char) C.int {
		return C.ltx_request_set_image_uri(h, s)
	})
}

// SetLastFrameURI sets the image of the last frame.
func (r *Request) SetLastFrameURI(uri string) error {
	return r.setString("last frame URI", uri, func(h *C.ltx_request, s *C.char) C.int {
		return C.ltx_request_set_last_frame_uri(h, s)
	})
}

// SetAudioURI sets the input audio.
func (r *Request) SetAudioURI(uri string) error {
	return r.setString("audio URI", uri, func(h *C.ltx_request, s *C.char) C.int {
		return C.ltx_request_set_audio_uri(h, s)
	})
}

// SetVideoURI sets the input video.
func (r *Request) SetVideoURI(uri string) error {
	return r.setString("video URI", uri, func(h *C.ltx_request, s *C.char) C.int {
		return C.ltx_request_set_video_uri(h, s)
	})
}

// SetInputFile uses a local file for a media field ("image_uri", "last_frame_uri",
// "audio_uri" or "video_uri"): small images and videos go inline, anything else
// is uploaded first when the request is sent. Validate checks the file.
func (r *Request) SetInputFile(field, path string) error {
	h, err := r.handle()
	if err != nil {
		return err
	}
	cf, err := cString("field name", field)
	if err != nil {
		return err
	}
	defer free(cf)
	cp, err := cString("path", path)
	if err != nil {
		return err
	}
	defer free(cp)
	err = setterStatus(h, C.ltx_request_set_input_file(h, cf, cp))
	runtime.KeepAlive(r)
	return err
}

// SetStartTime sets the start time in seconds (retake).
func (r *Request) SetStartTime(seconds float64) error {
	return r.set(func(h *C.ltx_request) C.int { return C.ltx_request_set_start_time(h, C.double(seconds)) })
}

// SetGuidanceScale sets the guidance scale.
func (r *Request) SetGuidanceScale(scale float64) error {
	return r.set(func(h *C.ltx_request) C.int { return C.ltx_request_set_guidance_scale(h, C.double(scale)) })
}

// SetMode sets the mode (retake: replace_audio, replace_video, replace_audio_and_video; extend: start, end).
func (r *Request) SetMode(mode string) error {
	return r.setString("mode", mode, func(h *C.ltx_request, s *C.char) C.int {
		return C.ltx_request_set_mode(h, s)
	})
}

// SetContext sets the context in seconds (extend).
func (r *Request) SetContext(seconds float64) error {
	return r.set(func(h *C.ltx_request) C.int { return C.ltx_request_set_context(h, C.double(seconds)) })
}

// SetJSON sets field name to a JSON value given as text ("true", "12", `"x"`,
// "null"), for fields the API adds later (HDR output_colorspace, reframe placement,
// ...). It replaces a typed field of that name; a name the endpoint does not
// document is sent with a warning in the client's log.
func (r *Request) SetJSON(name, json string) error {
	h, err := r.handle()
	if err != nil {
		return err
	}
	cn, err := cString("field name", name)
	if err != nil {
		return err
	}
	defer free(cn)
	cj, err := cString("JSON value", json)
	if err != nil {
		return err
	}
	defer free(cj)
	err = setterStatus(h, C.ltx_request_set_json(h, cn, cj))
	runtime.KeepAlive(r)
	return err
}

// SetSync selects the synchronous (deprecated) v1 endpoint instead of a v2 job.
func (r *Request) SetSync(sync bool) error {
	return r.set(func(h *C.ltx_request) C.int { return C.ltx_request_set_sync(h, cBool(sync)) })
}

// Validate checks the request without sending anything; a failure is ErrRequest
// with Field naming the field.
func (r *Request) Validate() error {
	h, err := r.handle()
	if err != nil {
		return err
	}
	var e *C.ltx_error
	rc := C.ltx_request_validate(h, &e)
	runtime.KeepAlive(r)
	return takeError(rc, e)
}

// JSON returns the body the request sends, after validation.
func (r *Request) JSON() (string, error) {
	h, err := r.handle()
	if err != nil {
		return "", err
	}
	var out *C.char
	var e *C.ltx_error
	rc := C.ltx_request_to_json(&out, h, &e)
	runtime.KeepAlive(r)
	if rc != C.LTX_OK {
		return "", takeError(rc, e)
	}
	defer C.ltx_free(unsafe.Pointer(out))
	return C.GoString(out), nil
}
