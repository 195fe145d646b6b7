// Package ltx is a thin Go binding of libltx, the C client library for the LTX
// video generation API. It links the system library through cgo and pkg-config
// (`pkg-config ltx`).
//
// A Client holds the API key and settings and may be shared by goroutines once
// configured; a Request and a Job are used by one goroutine at a time. Every
// error is an *Error; compare classes with errors.Is and the Err* sentinels.
// Handles are freed by Close (and, as a fallback, by a finalizer).
package ltx

/*
#cgo pkg-config: ltx
#include <stdint.h>
#include <stdlib.h>
#include <ltx/ltx.h>

extern int ltxgoProgress(ltx_progress *p, uintptr_t handle);

// The C trampoline: userdata carries a runtime/cgo.Handle.
static int ltxgo_progress(const ltx_progress *p, void *userdata)
{
	return ltxgoProgress((ltx_progress *)p, (uintptr_t)userdata);
}

int ltxgo_generate(ltx_client *c, const ltx_request *r, ltx_sink *s, uintptr_t h,
			  ltx_error **err)
{
	return ltx_generate(c, r, s, h ? ltxgo_progress : NULL, (void *)h, err);
}

static int ltxgo_job_wait(ltx_job *j, uint32_t ms, uintptr_t h, ltx_error **err)
{
	return ltx_job_wait(j, ms, h ? ltxgo_progress : NULL, (void *)h, err);
}

int ltxgo_job_download(ltx_job *j, ltx_sink *s, uintptr_t h, ltx_error **err)
{
	return ltx_job_download(j, s, h ? ltxgo_progress : NULL, (void *)h, err);
}

extern int ltxgoWrite(void *data, size_t len, uintptr_t handle);

static int ltxgo_write(const void *data, size_t len, void *userdata)
{
	return ltxgoWrite((void *)data, len, (uintptr_t)userdata);
}

int ltxgo_sink_new_writer(ltx_sink **out, uintptr_t h)
{
	return ltx_sink_new_callback(out, ltxgo_write, (void *)h);
}

extern void ltxgoLog(int level, char *line, uintptr_t handle);

static void ltxgo_log(int level, const char *line, void *userdata)
{
	ltxgoLog(level, (char *)line, (uintptr_t)userdata);
}

int ltxgo_client_set_log(ltx_client *c, int level, uintptr_t h)
{
	return ltx_client_set_log(c, level, h ? ltxgo_log : NULL, (void *)h);
}
*/
import "C"

import (
	"context"
	"math"
	"runtime"
	"runtime/cgo"
	"sync"
	"time"
)

// Version is the version of the libltx loaded at run time (ltx_version(3)).
func Version() string { return C.GoString(C.ltx_version()) }

// NoLimit, given to a timeout setter, removes that limit (LTX_NO_LIMIT).
const NoLimit time.Duration = -1

var (
	initOnce sync.Once
	initErr  error
)

// globalInit calls ltx_global_init() once per process. It is never paired with
// ltx_global_cleanup(): jobs and clients may outlive any Go scope, and libcurl
// is cleaned up when the process exits.
func globalInit() error {
	initOnce.Do(func() {
		initErr = status(C.ltx_global_init(C.LTX_GLOBAL_DEFAULT))
	})
	return initErr
}

// Endpoint is a generation endpoint (ltx_endpoint).
type Endpoint int

const (
	OtherEndpoint       Endpoint = 0 // not known to this release: NewRequestByName
	TextToVideo         Endpoint = 1
	ImageToVideo        Endpoint = 2
	AudioToVideo        Endpoint = 3
	Retake              Endpoint = 4
	Extend              Endpoint = 5
	VideoToVideoHDR     Endpoint = 6
	VideoToVideoReframe Endpoint = 7
)

// String is the endpoint's path segment ("text-to-video"), or "" when unknown.
func (e Endpoint) String() string {
	if e < 0 {
		return ""
	}
	return goStr(C.ltx_endpoint_name(C.ltx_endpoint(e)))
}

// EndpointFromName maps a path segment to its Endpoint, or OtherEndpoint when unknown.
func EndpointFromName(name string) Endpoint {
	cs, err := cString("endpoint name", name)
	if err != nil {
		return OtherEndpoint
	}
	defer free(cs)
	var e C.ltx_endpoint
	C.ltx_endpoint_from_name(&e, cs)
	return Endpoint(e)
}

// Model ids known to this release; unknown ids are passed through to the API.
const (
	ModelLTX23Fast = "ltx-2-3-fast"
	ModelLTX23Pro  = "ltx-2-3-pro"
	ModelLTX25Fast = "ltx-2-5-fast"
	ModelLTX25Pro  = "ltx-2-5-pro"
)

// Stage says what a progress report is about (ltx_stage).
type Stage int

const (
	StageSubmitted   Stage = 1 // the job id is known: persist it
	StageWaiting     Stage = 2 // after each poll: Status is set
	StageDownloading Stage = 3 // bytes arrived: Bytes/Total
	StageSubmitting  Stage = 4 // before each submit attempt
)

func (s Stage) String() string {
	switch s {
	case StageSubmitted:
		return "submitted"
	case StageWaiting:
		return "waiting"
	case StageDownloading:
		return "downloading"
	case StageSubmitting:
		return "submitting"
	}
	return "unknown"
}

// Progress is a copy of an ltx_progress report; it stays valid after the callback.
type Progress struct {
	Stage   Stage
	JobID   string // "" on v1
	Status  string // the raw status of the last poll ("pending"), or ""
	Bytes   uint64
	Total   uint64 // 0 when unknown
	Elapsed time.Duration
}

// ProgressFunc is called on the calling goroutine during Generate, Wait and
// Download. Return nil to go on, as a callback that only observes does. A
// non-nil error stops the call, which returns an *Error that matches both
// ErrCancelled and the callback's error with errors.Is (the job itself keeps
// running on the server and is billed). A panic in the callback stops the call
// and is re-raised when it returns.
type ProgressFunc func(Progress) error

// ---------------------------------------------------------------------- Client

// Client is an ltx_client: the API key, host, timeouts and retry policy. After
// it is configured it may be used by any number of goroutines at once; its
// setters must not run concurrently with calls that use it.
type Client struct {
	c   *C.ltx_client
	log cgo.Handle // the Logger given to WithLogger / SetLogger, or 0
}

func newClient(c *C.ltx_client) *Client {
	cl := &Client{c: c}
	runtime.SetFinalizer(cl, (*Client).Close)
	return cl
}

// NewClient creates a client for apiKey, talking to DefaultBaseURL unless
// WithBaseURL says otherwise, and applies opts in order. It reads no
// environment variable.
//
//	c, err := ltx.NewClient(key, ltx.WithDeadline(10*time.Minute), ltx.WithRetry(5, time.Second, time.Minute))
func NewClient(apiKey string, opts ...Option) (*Client, error) {
	if err := globalInit(); err != nil {
		return nil, err
	}
	key, err := cString("API key", apiKey)
	if err != nil {
		return nil, err
	}
	defer free(key)
	var c *C.ltx_client
	var e *C.ltx_error
	if rc := C.ltx_client_new(&c, key, &e); rc != C.LTX_OK {
		return nil, takeError(rc, e)
	}
	return newClient(c).apply(opts)
}

// NewClientFromEnv creates a client from LTX_API_KEY (or LTXV_API_KEY),
// LTX_BASE_URL and LTX_LOG (ltx_client_new_from_env(3)), then applies opts,
// which override what the environment set.
func NewClientFromEnv(opts ...Option) (*Client, error) {
	if err := globalInit(); err != nil {
		return nil, err
	}
	var c *C.ltx_client
	var e *C.ltx_error
	if rc := C.ltx_client_new_from_env(&c, &e); rc != C.LTX_OK {
		return nil, takeError(rc, e)
	}
	return newClient(c).apply(opts)
}

// Close releases the client. Jobs opened from it stay usable. Safe to call twice.
func (c *Client) Close() {
	if c != nil && c.c != nil {
		if c.log != 0 {
			// Jobs keep the C client alive and may log after this: detach the
			// logger before its handle goes.
			C.ltxgo_client_set_log(c.c, 0, 0)
			c.log.Delete()
			c.log = 0
		}
		C.ltx_client_free(c.c)
		c.c = nil
		runtime.SetFinalizer(c, nil)
	}
}

func (c *Client) handle() (*C.ltx_client, error) {
	if c == nil || c.c == nil {
		return nil, invalid("client is closed")
	}
	return c.c, nil
}

func (c *Client) setString(what string, s string, set func(*C.ltx_client, *C.char) C.int) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cs, err := cString(what, s)
	if err != nil {
		return err
	}
	defer free(cs)
	rc := set(h, cs)
	runtime.KeepAlive(c)
	return clientSetterStatus(h, rc)
}

// millis converts d for the *_ms setters; negative means NoLimit.
func millis(d time.Duration) (C.uint32_t, error) {
	if d < 0 {
		return C.uint32_t(math.MaxUint32), nil
	}
	ms := d.Milliseconds()
	if ms == 0 && d > 0 {
		ms = 1
	}
	if ms >= math.MaxUint32 {
		return 0, invalid("duration %v out of range", d)
	}
	return C.uint32_t(ms), nil
}

func (c *Client) setMillis(d time.Duration, set func(*C.ltx_client, C.uint32_t) C.int) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	ms, err := millis(d)
	if err != nil {
		return err
	}
	rc := set(h, ms)
	runtime.KeepAlive(c)
	return clientSetterStatus(h, rc)
}

// SetBaseURL sets the API host, e.g. "https://api.ltx.io" or an ltx-mock URL.
func (c *Client) SetBaseURL(url string) error {
	return c.setString("base URL", url, func(h *C.ltx_client, s *C.char) C.int {
		return C.ltx_client_set_base_url(h, s)
	})
}

// SetUserAgentSuffix appends suffix ("myapp/1.0") to the User-Agent.
func (c *Client) SetUserAgentSuffix(suffix string) error {
	return c.setString("user agent suffix", suffix, func(h *C.ltx_client, s *C.char) C.int {
		return C.ltx_client_set_user_agent_suffix(h, s)
	})
}

// UserAgent is the User-Agent header the client sends.
func (c *Client) UserAgent() string {
	h, err := c.handle()
	if err != nil {
		return ""
	}
	s := goStr(C.ltx_client_user_agent(h))
	runtime.KeepAlive(c)
	return s
}

// SetProxy sets a proxy URL for API and download traffic.
func (c *Client) SetProxy(url string) error {
	return c.setString("proxy URL", url, func(h *C.ltx_client, s *C.char) C.int {
		return C.ltx_client_set_proxy(h, s)
	})
}

// SetCAFile sets a CA bundle for TLS verification (which is always on).
func (c *Client) SetCAFile(path string) error {
	return c.setString("CA file", path, func(h *C.ltx_client, s *C.char) C.int {
		return C.ltx_client_set_ca_file(h, s)
	})
}

// SetPollInterval sets how often Wait and Generate poll a job (default 5 s).
func (c *Client) SetPollInterval(d time.Duration) error {
	return c.setMillis(d, func(h *C.ltx_client, ms C.uint32_t) C.int {
		return C.ltx_client_set_poll_interval_ms(h, ms)
	})
}

// SetPollFixed chooses the poll schedule: true polls every poll interval, false (the
// default) adaptively, learning how long jobs of each kind run.
func (c *Client) SetPollFixed(fixed bool) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	mode := C.int(C.LTX_POLL_ADAPTIVE)
	if fixed {
		mode = C.int(C.LTX_POLL_FIXED)
	}
	rc := C.ltx_client_set_poll_mode(h, mode)
	runtime.KeepAlive(c)
	return status(rc)
}

// SetConnectTimeout sets the connect timeout per attempt (default 10 s; NoLimit accepted).
func (c *Client) SetConnectTimeout(d time.Duration) error {
	return c.setMillis(d, func(h *C.ltx_client, ms C.uint32_t) C.int {
		return C.ltx_client_set_connect_timeout_ms(h, ms)
	})
}

// SetStallTimeout fails a transfer that receives nothing for d (default 60 s).
func (c *Client) SetStallTimeout(d time.Duration) error {
	return c.setMillis(d, func(h *C.ltx_client, ms C.uint32_t) C.int {
		return C.ltx_client_set_stall_timeout_ms(h, ms)
	})
}

// SetDeadline bounds each call, retries, polls and download included (default 30 min).
func (c *Client) SetDeadline(d time.Duration) error {
	return c.setMillis(d, func(h *C.ltx_client, ms C.uint32_t) C.int {
		return C.ltx_client_set_deadline_ms(h, ms)
	})
}

// SetRetry sets the retry policy for retryable failures: at most maxRetries
// extra attempts with exponential backoff and full jitter from base, capped at
// limit. maxRetries 0 turns retries off.
func (c *Client) SetRetry(maxRetries uint, base, limit time.Duration) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	b, err := millis(base)
	if err != nil {
		return err
	}
	l, err := millis(limit)
	if err != nil {
		return err
	}
	rc := C.ltx_client_set_retry(h, C.uint(maxRetries), b, l)
	runtime.KeepAlive(c)
	return clientSetterStatus(h, rc)
}

// SetRetryUnknownOutcome says whether a v1 generation answered 504 may be sent again.
func (c *Client) SetRetryUnknownOutcome(allow bool) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	rc := C.ltx_client_set_retry_unknown_outcome(h, cBool(allow))
	runtime.KeepAlive(c)
	return clientSetterStatus(h, rc)
}

func cBool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// withSink opens a path sink, runs call with it, and frees it. On failure the
// sink removes its temporary file and leaves path as it was.
func withSink(path string, call func(s *C.ltx_sink) error) error {
	cp, err := cString("path", path)
	if err != nil {
		return err
	}
	defer free(cp)
	var s *C.ltx_sink
	if rc := C.ltx_sink_new_path(&s, cp); rc != C.LTX_OK {
		return status(rc)
	}
	defer C.ltx_sink_free(s)
	return call(s)
}

// Generate validates req, submits it, waits for the job and writes the video
// to path atomically (a temporary file renamed over path when every byte
// arrived). progress may be nil. When ctx is done the call stops within about
// 100 ms, wherever it is, with ErrCancelled (its Cause is ctx.Err()); the API has
// no cancel endpoint, so an accepted job keeps running and is billed, and the
// error's JobID resumes it.
func (c *Client) Generate(ctx context.Context, req *Request, path string,
	progress ProgressFunc) error {
	_, err := c.GenerateReport(ctx, req, path, progress)
	return err
}

// Report tells what a successful generation delivered.
type Report struct {
	// Bytes is the size of the output written.
	Bytes uint64
	// PossiblyBilledTwice is true when the video came from a request sent again after
	// an attempt whose outcome was unknown (a v1 504, retried by default): that
	// attempt may also have been billed. Check your account.
	PossiblyBilledTwice bool
}

// GenerateReport is Generate that also returns what was delivered.
func (c *Client) GenerateReport(ctx context.Context, req *Request, path string,
	progress ProgressFunc) (Report, error) {
	return c.generateInto(ctx, req, progress, func(f func(*C.ltx_sink) error) error {
		return withSink(path, f)
	})
}

// generateInto runs one generation into the sink that sink opens (a path, a writer),
// and reports what that sink was given.
func (c *Client) generateInto(ctx context.Context, req *Request, progress ProgressFunc,
	sink func(func(*C.ltx_sink) error) error) (Report, error) {
	var rep Report
	h, err := c.handle()
	if err != nil {
		return rep, err
	}
	r, err := req.handle()
	if err != nil {
		return rep, err
	}
	err = withContext(ctx, func(cc *C.ltx_cancel) { C.ltx_request_set_cancel(r, cc) },
		func() { C.ltx_request_set_cancel(r, nil) }, func() error {
			return sink(func(s *C.ltx_sink) error {
				err := callWithProgress(progress, func(ud C.uintptr_t, e **C.ltx_error) C.int {
					return C.ltxgo_generate(h, r, s, ud, e)
				})
				if err == nil {
					rep.Bytes = uint64(C.ltx_sink_bytes_written(s))
					rep.PossiblyBilledTwice = C.ltx_sink_possibly_billed_twice(s) != 0
				}
				return err
			})
		})
	runtime.KeepAlive(c)
	runtime.KeepAlive(req)
	return rep, err
}

// Submit submits req as a v2 job and returns as soon as the API accepted it.
// Persist Job.ID() to resume with OpenJob after a restart. When ctx is done the
// transfer is abandoned (ErrCancelled): the job may have been created
// (Error.PossiblyExecuted).
func (c *Client) Submit(ctx context.Context, req *Request) (*Job, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	r, err := req.handle()
	if err != nil {
		return nil, err
	}
	var j *C.ltx_job
	err = withContext(ctx, func(cc *C.ltx_cancel) { C.ltx_request_set_cancel(r, cc) },
		func() { C.ltx_request_set_cancel(r, nil) }, func() error {
			var e *C.ltx_error
			return takeError(C.ltx_submit(&j, h, r, &e), e)
		})
	runtime.KeepAlive(c)
	runtime.KeepAlive(req)
	if err != nil {
		return nil, err
	}
	return newJob(j), nil
}

// OpenJob returns a job handle for the id of an earlier submit. No network.
func (c *Client) OpenJob(endpoint Endpoint, id string) (*Job, error) {
	name := endpoint.String()
	if name == "" {
		return nil, invalid("unknown endpoint %d; use OpenJobByName", int(endpoint))
	}
	return c.OpenJobByName(name, id)
}

// OpenJobByName is OpenJob for an endpoint named by its path segment, also one this
// release does not know ("video-compositing").
func (c *Client) OpenJobByName(endpoint, id string) (*Job, error) {
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	cname, err := cString("endpoint name", endpoint)
	if err != nil {
		return nil, err
	}
	defer free(cname)
	cid, err := cString("job id", id)
	if err != nil {
		return nil, err
	}
	defer free(cid)
	var j *C.ltx_job
	var e *C.ltx_error
	rc := C.ltx_job_open_by_name(&j, h, cname, cid, &e)
	runtime.KeepAlive(c)
	if rc != C.LTX_OK {
		return nil, takeError(rc, e)
	}
	return newJob(j), nil
}

// ---------------------------------------------------------------------- Job

// JobState is a job's state as last seen (ltx_state).
type JobState int

const (
	JobSubmitted  JobState = 0
	JobPending    JobState = 1
	JobProcessing JobState = 2
	JobCompleted  JobState = 3
	JobFailed     JobState = 4
	JobUnknown    JobState = 5
)

// Job is a v2 generation on the server (ltx_job). One goroutine at a time.
// It keeps its client alive, so the Client may be closed first.
type Job struct {
	j *C.ltx_job
}

func newJob(j *C.ltx_job) *Job {
	job := &Job{j: j}
	runtime.SetFinalizer(job, (*Job).Close)
	return job
}

// Close releases the job handle (the job on the server is not affected).
func (j *Job) Close() {
	if j != nil && j.j != nil {
		C.ltx_job_free(j.j)
		j.j = nil
		runtime.SetFinalizer(j, nil)
	}
}

func (j *Job) handle() (*C.ltx_job, error) {
	if j == nil || j.j == nil {
		return nil, invalid("job is closed")
	}
	return j.j, nil
}

func (j *Job) str(get func(*C.ltx_job) *C.char) string {
	h, err := j.handle()
	if err != nil {
		return ""
	}
	s := goStr(get(h))
	runtime.KeepAlive(j)
	return s
}

// ID is the job id.
func (j *Job) ID() string {
	return j.str(func(h *C.ltx_job) *C.char { return C.ltx_job_id(h) })
}

// Endpoint is the endpoint the job runs on (OtherEndpoint for one opened by a name
// this release does not know).
func (j *Job) Endpoint() Endpoint {
	return EndpointFromName(j.EndpointName())
}

// EndpointName is the path segment of the job's endpoint.
func (j *Job) EndpointName() string {
	return j.str(func(h *C.ltx_job) *C.char { return C.ltx_job_endpoint_name(h) })
}

// CreatedAt and CompletedAt are the API's timestamps (ISO 8601), or "".
func (j *Job) CreatedAt() string {
	return j.str(func(h *C.ltx_job) *C.char { return C.ltx_job_created_at(h) })
}

// CompletedAt is when the job ended, as the API sent it, or "".
func (j *Job) CompletedAt() string {
	return j.str(func(h *C.ltx_job) *C.char { return C.ltx_job_completed_at(h) })
}

// RequestID is the x-request-id of the last successful call on the job, or "".
func (j *Job) RequestID() string {
	return j.str(func(h *C.ltx_job) *C.char { return C.ltx_job_request_id(h) })
}

// StatusJSON is the last status answer as received, or "" before a poll.
func (j *Job) StatusJSON() string {
	return j.str(func(h *C.ltx_job) *C.char { return C.ltx_job_status_json(h) })
}

// Results maps every result key of a completed job to its URL.
func (j *Job) Results() map[string]string {
	h, err := j.handle()
	if err != nil {
		return nil
	}
	out := map[string]string{}
	n := C.ltx_job_result_count(h)
	for i := C.size_t(0); i < n; i++ {
		k := C.ltx_job_result_key(h, i)
		out[goStr(k)] = goStr(C.ltx_job_result_url(h, k))
	}
	runtime.KeepAlive(j)
	return out
}

// State is the state of the last poll.
func (j *Job) State() JobState {
	h, err := j.handle()
	if err != nil {
		return JobUnknown
	}
	s := JobState(C.ltx_job_state(h))
	runtime.KeepAlive(j)
	return s
}

// Status is the raw status string of the last poll, or "" before the first.
func (j *Job) Status() string {
	return j.str(func(h *C.ltx_job) *C.char { return C.ltx_job_status(h) })
}

// ResultURL is the primary result's URL once the job completed (HDR's EXR frames ZIP,
// the video otherwise), or "".
func (j *Job) ResultURL() string {
	return j.str(func(h *C.ltx_job) *C.char { return C.ltx_job_result_url(h, nil) })
}

// ErrorType is a failed job's error.type, or "".
func (j *Job) ErrorType() string {
	return j.str(func(h *C.ltx_job) *C.char { return C.ltx_job_error_type(h) })
}

// ErrorMessage is a failed job's error.message, or "".
func (j *Job) ErrorMessage() string {
	return j.str(func(h *C.ltx_job) *C.char { return C.ltx_job_error_message(h) })
}

// watching runs call with the job watching ctx (see Client.Generate).
func (j *Job) watching(ctx context.Context, h *C.ltx_job, call func() error) error {
	return withContext(ctx, func(cc *C.ltx_cancel) { C.ltx_job_set_cancel(h, cc) },
		func() { C.ltx_job_set_cancel(h, nil) }, call)
}

// Refresh polls the job once.
func (j *Job) Refresh(ctx context.Context) error {
	h, err := j.handle()
	if err != nil {
		return err
	}
	err = j.watching(ctx, h, func() error {
		var e *C.ltx_error
		return takeError(C.ltx_job_refresh(h, &e), e)
	})
	runtime.KeepAlive(j)
	return err
}

// Wait polls at the client's interval until the job completed (nil) or failed
// (ErrJobFailed), within the client's deadline. progress may be nil. When ctx
// is done it returns within about 100 ms (ErrCancelled); the job keeps running.
func (j *Job) Wait(ctx context.Context, progress ProgressFunc) error {
	return j.WaitEvery(ctx, 0, progress)
}

// WaitEvery is Wait with its own poll interval (0: the client's).
func (j *Job) WaitEvery(ctx context.Context, interval time.Duration, progress ProgressFunc) error {
	h, err := j.handle()
	if err != nil {
		return err
	}
	var ms C.uint32_t
	if interval != 0 {
		if ms, err = millis(interval); err != nil {
			return err
		}
	}
	err = j.watching(ctx, h, func() error {
		return callWithProgress(progress, func(ud C.uintptr_t, e **C.ltx_error) C.int {
			return C.ltxgo_job_wait(h, ms, ud, e)
		})
	})
	runtime.KeepAlive(j)
	return err
}

// Download writes a completed job's result to path atomically, resuming after
// dropped connections. progress may be nil. When ctx is done it stops within
// about 100 ms (ErrCancelled) and path is left as it was.
func (j *Job) Download(ctx context.Context, path string, progress ProgressFunc) error {
	h, err := j.handle()
	if err != nil {
		return err
	}
	err = j.watching(ctx, h, func() error {
		return withSink(path, func(s *C.ltx_sink) error {
			return callWithProgress(progress, func(ud C.uintptr_t, e **C.ltx_error) C.int {
				return C.ltxgo_job_download(h, s, ud, e)
			})
		})
	})
	runtime.KeepAlive(j)
	return err
}
