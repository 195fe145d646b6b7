package ltx_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	ltx "github.com/libltx/libltx/bindings/go"
)

// baseURL is the ltx-mock server TestMain started.
var baseURL string

// ctx is the context of the calls that are not about cancelling.
var ctx = context.Background()

// TestMain starts `ltx-mock --port 0 --port-file F --quiet` (LTX_MOCK, else
// ltx-mock from PATH) for the whole run, and stops it afterwards.
func TestMain(m *testing.M) {
	os.Exit(runWithMock(m))
}

func runWithMock(m *testing.M) int {
	mock := os.Getenv("LTX_MOCK")
	if mock == "" {
		p, err := exec.LookPath("ltx-mock")
		if err != nil {
			fmt.Fprintln(os.Stderr, "ltx tests: set LTX_MOCK to the ltx-mock program (not found in PATH)")
			return 1
		}
		mock = p
	}
	dir, err := os.MkdirTemp("", "ltx-go-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	portFile := filepath.Join(dir, "port")
	cmd := exec.Command(mock, "--port", "0", "--port-file", portFile, "--quiet")
	cmd.Stderr = os.Stderr // its "listening on" line on stdout is not needed
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "ltx tests: cannot start %s: %v\n", mock, err)
		return 1
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	defer func() {
		cmd.Process.Kill()
		<-exited
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := os.ReadFile(portFile)
		if port, perr := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && perr == nil && port > 0 {
			baseURL = fmt.Sprintf("http://127.0.0.1:%d", port)
			break
		}
		select {
		case <-exited:
			fmt.Fprintf(os.Stderr, "ltx tests: %s exited before listening\n", mock)
			return 1
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			fmt.Fprintf(os.Stderr, "ltx tests: %s wrote no port file in 10 s\n", mock)
			return 1
		}
	}
	return m.Run()
}

func sourceDir() string {
	if d := os.Getenv("LTX_SOURCE_DIR"); d != "" {
		return d
	}
	return filepath.Join("..", "..")
}

func newClient(t *testing.T) *ltx.Client {
	t.Helper()
	c, err := ltx.NewClient("test-key")
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(c.Close)
	if err := c.SetBaseURL(baseURL); err != nil {
		t.Fatalf("SetBaseURL: %v", err)
	}
	if err := c.SetPollInterval(10 * time.Millisecond); err != nil {
		t.Fatalf("SetPollInterval: %v", err)
	}
	if err := c.SetDeadline(60 * time.Second); err != nil {
		t.Fatalf("SetDeadline: %v", err)
	}
	return c
}

func textToVideo(t *testing.T, model string, seconds float64) *ltx.Request {
	t.Helper()
	r, err := ltx.NewRequest(ltx.TextToVideo)
	if err != nil {
		t.Fatalf("NewRequest: %v", err)
	}
	t.Cleanup(r.Close)
	for _, err := range []error{
		r.SetPrompt("A lighthouse at dusk, waves rolling in"),
		r.SetModel(model),
		r.SetDuration(seconds),
		r.SetResolution("1920x1080"),
	} {
		if err != nil {
			t.Fatalf("setter: %v", err)
		}
	}
	return r
}

func sample(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sourceDir(), "tests", "data", "sample.mp4"))
	if err != nil {
		t.Fatalf("sample video (set LTX_SOURCE_DIR to the libltx source tree): %v", err)
	}
	return b
}

func assertSameFile(t *testing.T, path string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("output: %v", err)
	}
	if want := sample(t); !bytes.Equal(got, want) {
		t.Fatalf("%s: %d bytes, not identical to tests/data/sample.mp4 (%d bytes)", path, len(got), len(want))
	}
}

// assertEmptyDir checks that no output and no temporary file was left behind.
func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		t.Errorf("file left behind: %s", filepath.Join(dir, e.Name()))
	}
}

// addFault scripts the running mock through its control API.
func addFault(t *testing.T, spec string) {
	t.Helper()
	resp, err := http.Post(baseURL+"/_mock/faults", "application/json", strings.NewReader(spec))
	if err != nil {
		t.Fatalf("POST /_mock/faults: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("POST /_mock/faults answered %s (does this ltx-mock have the control API?)", resp.Status)
	}
}

func TestVersion(t *testing.T) {
	if v := ltx.Version(); v == "" {
		t.Fatal("empty version")
	}
	if ltx.TextToVideo.String() != "text-to-video" || ltx.EndpointFromName("extend") != ltx.Extend {
		t.Fatal("endpoint names")
	}
}

// A refused setter says why: the field, the value and the rule.
func TestRefusedSetterSaysWhy(t *testing.T) {
	req, err := ltx.NewRequest(ltx.Retake)
	if err != nil {
		t.Fatal(err)
	}
	defer req.Close()
	err = req.SetFPS(24)
	var e *ltx.Error
	if !errors.As(err, &e) || e.Code != ltx.CodeInvalid || e.Field != "fps" ||
		!strings.Contains(e.Message, "not a field of retake") {
		t.Fatalf("SetFPS on retake: %v", err)
	}
	if err := req.SetVideoURI("https://example.com/in.mp4"); err != nil {
		t.Fatalf("a later setter that succeeds: %v", err)
	}
}

// An endpoint this release does not know is made by name; its fields are sent.
func TestRequestByName(t *testing.T) {
	req, err := ltx.NewRequestByName("video-compositing")
	if err != nil {
		t.Fatal(err)
	}
	defer req.Close()
	if req.Endpoint() != ltx.OtherEndpoint || req.EndpointName() != "video-compositing" {
		t.Fatalf("endpoint %v %q", req.Endpoint(), req.EndpointName())
	}
	if err := req.SetFPS(30); err != nil {
		t.Fatalf("SetFPS: %v", err)
	}
	if _, err := ltx.NewRequestByName("../v1/upload"); err == nil {
		t.Fatal("an unsafe endpoint name was accepted")
	}
	if ltx.EndpointFromName("video-compositing") != ltx.OtherEndpoint {
		t.Fatal("EndpointFromName of an unknown name")
	}
}

// (1) a full text-to-video generation writes the mock's video byte for byte.
func TestGenerateTextToVideo(t *testing.T) {
	c := newClient(t)
	req := textToVideo(t, ltx.ModelLTX23Fast, 6)
	out := filepath.Join(t.TempDir(), "out.mp4")
	if err := c.Generate(ctx, req, out, nil); err != nil {
		t.Fatalf("Generate: %v", err)
	}
	assertSameFile(t, out)
}

// A v1 504 retried to success delivers the video and reports it may be billed twice.
func TestGenerateReportPossiblyBilledTwice(t *testing.T) {
	c := newClient(t)
	req := textToVideo(t, ltx.ModelLTX23Fast, 6)
	if err := req.SetSync(true); err != nil {
		t.Fatal(err)
	}
	addFault(t, `{"kind":"status","method":"POST","path_prefix":"/v1/text-to-video","status":504,"times":1}`)
	out := filepath.Join(t.TempDir(), "out.mp4")
	rep, err := c.GenerateReport(ctx, req, out, nil)
	if err != nil {
		t.Fatalf("GenerateReport: %v", err)
	}
	assertSameFile(t, out)
	if !rep.PossiblyBilledTwice || rep.Bytes == 0 {
		t.Fatalf("report %+v: want PossiblyBilledTwice and the size", rep)
	}
	if rep, err = c.GenerateReport(ctx, req, out, nil); err != nil || rep.PossiblyBilledTwice {
		t.Fatalf("a clean run: %+v, %v", rep, err)
	}
}

// (2) a 422 from the API is a typed error, and no file is left.
func TestContentFiltered(t *testing.T) {
	c := newClient(t)
	req := textToVideo(t, ltx.ModelLTX23Fast, 6)
	addFault(t, `{"kind":"status","method":"POST","path_prefix":"/v2/text-to-video","status":422,"times":1}`)
	dir := t.TempDir()
	err := c.Generate(ctx, req, filepath.Join(dir, "out.mp4"), nil)
	if err == nil {
		t.Fatal("Generate succeeded despite the 422 fault")
	}
	if !errors.Is(err, ltx.ErrContentFiltered) {
		t.Fatalf("errors.Is(err, ErrContentFiltered) is false for %v", err)
	}
	if errors.Is(err, ltx.ErrAuth) {
		t.Fatalf("errors.Is(err, ErrAuth) is true for %v", err)
	}
	var le *ltx.Error
	if !errors.As(err, &le) {
		t.Fatalf("not an *ltx.Error: %T", err)
	}
	if le.Code != ltx.CodeContent || le.HTTPStatus != 422 {
		t.Errorf("Code %d HTTPStatus %d, want 422 and 422", le.Code, le.HTTPStatus)
	}
	if le.Type != "content_filtered_error" {
		t.Errorf("Type %q", le.Type)
	}
	if le.RequestID == "" {
		t.Error("no RequestID")
	}
	if le.PossiblyExecuted {
		t.Error("a 422 is not possibly executed")
	}
	assertEmptyDir(t, dir)
}

// (3) progress reaches Go: SUBMITTED with the job id, WAITING per poll, DOWNLOADING.
func TestProgress(t *testing.T) {
	c := newClient(t)
	req := textToVideo(t, ltx.ModelLTX23Fast, 6)
	out := filepath.Join(t.TempDir(), "out.mp4")
	var got []ltx.Progress
	err := c.Generate(ctx, req, out, func(p ltx.Progress) error {
		got = append(got, p)
		return nil
	})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	assertSameFile(t, out)
	if len(got) == 0 || got[0].Stage != ltx.StageSubmitted || got[0].JobID == "" {
		t.Fatalf("first report is not SUBMITTED with a job id: %+v", got)
	}
	id := got[0].JobID
	var statuses []string
	var downloaded uint64
	last := ltx.StageSubmitted
	for _, p := range got {
		if p.Stage < last {
			t.Errorf("stage went back from %v to %v", last, p.Stage)
		}
		last = p.Stage
		switch p.Stage {
		case ltx.StageSubmitted:
		case ltx.StageWaiting:
			if p.JobID != id {
				t.Errorf("WAITING for job %q, submitted %q", p.JobID, id)
			}
			if n := len(statuses); n == 0 || statuses[n-1] != p.Status {
				statuses = append(statuses, p.Status)
			}
		case ltx.StageDownloading:
			downloaded = p.Bytes
		default:
			t.Errorf("unexpected stage %d", p.Stage)
		}
	}
	if strings.Join(statuses, ",") != "pending,processing,completed" {
		t.Errorf("WAITING statuses %v, want pending, processing, completed", statuses)
	}
	if want := uint64(len(sample(t))); downloaded != want {
		t.Errorf("DOWNLOADING reached %d bytes, want %d", downloaded, want)
	}
}

// (4) validation fails before anything is sent, naming the field.
func TestValidation(t *testing.T) {
	c := newClient(t)
	req := textToVideo(t, ltx.ModelLTX23Pro, 20)
	for name, err := range map[string]error{
		"Validate": req.Validate(),
		"Generate": c.Generate(ctx, req, filepath.Join(t.TempDir(), "out.mp4"), nil),
	} {
		var le *ltx.Error
		if !errors.As(err, &le) {
			t.Fatalf("%s: want *ltx.Error, got %v", name, err)
		}
		if le.Code != ltx.CodeRequest || !errors.Is(err, ltx.ErrRequest) {
			t.Errorf("%s: Code %d, want LTX_EREQUEST (%d)", name, le.Code, ltx.CodeRequest)
		}
		if le.Field != "duration" {
			t.Errorf("%s: Field %q, want duration", name, le.Field)
		}
		if le.HTTPStatus != 0 || le.Attempts != 0 {
			t.Errorf("%s: something was sent (HTTP %d, %d attempts)", name, le.HTTPStatus, le.Attempts)
		}
	}
}

// Submit, persist the id, reopen the job, wait and download.
func TestSubmitOpenWaitDownload(t *testing.T) {
	c := newClient(t)
	req := textToVideo(t, ltx.ModelLTX23Fast, 6)
	job, err := c.Submit(ctx, req)
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	id := job.ID()
	job.Close()
	if id == "" {
		t.Fatal("no job id")
	}
	job, err = c.OpenJob(ltx.TextToVideo, id)
	if err != nil {
		t.Fatalf("OpenJob: %v", err)
	}
	defer job.Close()
	c.Close() // the job keeps the client alive
	if job.ID() != id || job.Endpoint() != ltx.TextToVideo {
		t.Fatalf("reopened job %q on %v", job.ID(), job.Endpoint())
	}
	var stages []ltx.Stage
	if err := job.Wait(ctx, func(p ltx.Progress) error { stages = append(stages, p.Stage); return nil }); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if job.State() != ltx.JobCompleted || job.Status() != "completed" || job.ResultURL() == "" {
		t.Fatalf("after Wait: state %d status %q url %q", job.State(), job.Status(), job.ResultURL())
	}
	if len(stages) == 0 || stages[0] != ltx.StageWaiting {
		t.Errorf("Wait reported %v", stages)
	}
	if r := job.Results(); len(r) != 1 || r["video_url"] != job.ResultURL() {
		t.Errorf("Results() = %v", r)
	}
	if job.CompletedAt() == "" || job.RequestID() == "" || job.EndpointName() != "text-to-video" {
		t.Errorf("completed_at %q request id %q endpoint %q", job.CompletedAt(), job.RequestID(),
			job.EndpointName())
	}
	out := filepath.Join(t.TempDir(), "out.mp4")
	if err := job.Download(ctx, out, nil); err != nil {
		t.Fatalf("Download: %v", err)
	}
	assertSameFile(t, out)
}

// An endpoint this release does not know is usable by its name.
func TestOpenJobByName(t *testing.T) {
	c := newClient(t)
	job, err := c.OpenJobByName("video-compositing", "0123-abcd")
	if err != nil {
		t.Fatalf("OpenJobByName: %v", err)
	}
	defer job.Close()
	if job.Endpoint() != ltx.OtherEndpoint || job.EndpointName() != "video-compositing" {
		t.Fatalf("endpoint %v %q", job.Endpoint(), job.EndpointName())
	}
	if _, err := c.OpenJobByName("text/../upload", "abc"); !errors.Is(err, ltx.ErrInvalid) {
		t.Fatalf("a name that is no path segment: %v", err)
	}
}

// A callback returning an error cancels the call, which returns an error that is
// both ErrCancelled and the callback's; a panic in it is re-raised in Go.
func TestProgressCancelAndPanic(t *testing.T) {
	c := newClient(t)
	req := textToVideo(t, ltx.ModelLTX23Fast, 6)
	dir := t.TempDir()
	errEnough := errors.New("enough waiting")
	stopped := false
	err := c.Generate(ctx, req, filepath.Join(dir, "out.mp4"), func(p ltx.Progress) error {
		if stopped {
			t.Errorf("callback ran again after it stopped the call: %+v", p)
		}
		if p.Stage == ltx.StageWaiting {
			stopped = true
			return errEnough
		}
		return nil
	})
	if !errors.Is(err, ltx.ErrCancelled) {
		t.Fatalf("want ErrCancelled, got %v", err)
	}
	if !errors.Is(err, errEnough) {
		t.Fatalf("want the callback's error, got %v", err)
	}
	var le *ltx.Error
	if !errors.As(err, &le) || le.Cause != errEnough || le.JobID == "" {
		t.Fatalf("want an *ltx.Error with the job id and Cause %v, got %#v", errEnough, err)
	}
	if !strings.HasSuffix(err.Error(), ": enough waiting") {
		t.Errorf("message %q does not end with the callback's error", err)
	}
	if !stopped {
		t.Error("the callback never saw a WAITING report")
	}
	assertEmptyDir(t, dir)

	defer func() {
		if r := recover(); r != "boom" {
			t.Fatalf("recovered %v, want the callback's panic", r)
		}
		assertEmptyDir(t, dir)
	}()
	c.Generate(ctx, req, filepath.Join(dir, "out.mp4"), func(ltx.Progress) error { panic("boom") })
	t.Fatal("the panic did not propagate")
}

func TestUnauthorized(t *testing.T) {
	c, err := ltx.NewClient("wrong-key")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetBaseURL(baseURL)
	req := textToVideo(t, ltx.ModelLTX23Fast, 6)
	_, err = c.Submit(ctx, req)
	var le *ltx.Error
	if !errors.Is(err, ltx.ErrAuth) || !errors.As(err, &le) || le.HTTPStatus != 401 {
		t.Fatalf("want a 401 ErrAuth, got %v", err)
	}
}

// One client shared by goroutines, each with its own request.
func TestSharedClient(t *testing.T) {
	c := newClient(t)
	dir := t.TempDir()
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		go func(i int) {
			req, err := ltx.NewRequest(ltx.TextToVideo)
			if err == nil {
				defer req.Close()
				req.SetPrompt("A lighthouse at dusk")
				req.SetModel(ltx.ModelLTX23Fast)
				req.SetDuration(6)
				req.SetResolution("1920x1080")
				err = c.Generate(ctx, req, filepath.Join(dir, fmt.Sprintf("out%d.mp4", i)), nil)
			}
			errs <- err
		}(i)
	}
	for i := 0; i < 4; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	for i := 0; i < 4; i++ {
		assertSameFile(t, filepath.Join(dir, fmt.Sprintf("out%d.mp4", i)))
	}
}

// cancelAfter cancels a context once the mock counted a request matching stat (a key of
// /_mock/stats) more than it did now, plus a little: the call is then inside that state.
func cancelAfter(t *testing.T, stat string) (context.Context, func() time.Time) {
	t.Helper()
	before := mockStat(t, stat)
	c, cancel := context.WithCancel(context.Background())
	fired := make(chan time.Time, 1)
	go func() {
		for i := 0; i < 2000 && mockStat(t, stat) == before; i++ {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond)
		fired <- time.Now()
		cancel()
	}()
	return c, func() time.Time { return <-fired }
}

func mockStat(t *testing.T, key string) float64 {
	resp, err := http.Get(baseURL + "/_mock/stats")
	if err != nil {
		t.Errorf("GET /_mock/stats: %v", err)
		return 0
	}
	defer resp.Body.Close()
	var stats map[string]interface{}
	if err := json.NewDecoder(resp.Body).Decode(&stats); err != nil {
		t.Errorf("stats: %v", err)
	}
	n, _ := stats[key].(float64)
	return n
}

func assertCancelled(t *testing.T, err error, fired func() time.Time) *ltx.Error {
	t.Helper()
	returned := time.Now()
	if took := returned.Sub(fired()); took > 2*time.Second {
		t.Errorf("returned %v after the context was cancelled", took)
	}
	var le *ltx.Error
	if !errors.As(err, &le) || !errors.Is(err, ltx.ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("want ErrCancelled caused by context.Canceled, got %v", err)
	}
	return le
}

func TestContextCancelsASlowSubmit(t *testing.T) {
	c := newClient(t)
	req := textToVideo(t, ltx.ModelLTX23Fast, 6)
	addFault(t, `{"kind": "delay", "method": "POST", "path_prefix": "/v2/", "delay_ms": 3000}`)
	submits := mockStat(t, "submits")
	cctx, fired := cancelAfter(t, "submits")
	job, err := c.Submit(cctx, req)
	le := assertCancelled(t, err, fired)
	if job != nil || !le.PossiblyExecuted {
		t.Errorf("a submit cut short may have run: job %v, PossiblyExecuted %v", job, le.PossiblyExecuted)
	}
	if n := mockStat(t, "submits"); n != submits+1 {
		t.Errorf("the mock counted %v submits, want %v", n, submits+1)
	}
}

func TestContextCancelsAWaitAndADownload(t *testing.T) {
	c := newClient(t)
	req := textToVideo(t, ltx.ModelLTX23Fast, 6)
	if resp, err := http.Post(baseURL+"/_mock/hold", "", nil); err == nil {
		resp.Body.Close()
	}
	job, err := c.Submit(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	defer job.Close()
	cctx, fired := cancelAfter(t, "polls")
	err = job.WaitEvery(cctx, time.Minute, nil)
	le := assertCancelled(t, err, fired)
	if le.JobID != job.ID() {
		t.Errorf("the error names job %q, want %q", le.JobID, job.ID())
	}
	req2, _ := http.NewRequest(http.MethodDelete, baseURL+"/_mock/hold", nil)
	if resp, err := http.DefaultClient.Do(req2); err == nil {
		resp.Body.Close()
	}
	if err := job.Wait(ctx, nil); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	out := filepath.Join(dir, "out.mp4")
	if err := os.WriteFile(out, []byte("an older video"), 0o644); err != nil {
		t.Fatal(err)
	}
	addFault(t, `{"kind": "stall", "method": "GET", "path_prefix": "/results/", "delay_ms": 3000}`)
	cctx, fired = cancelAfter(t, "downloads")
	err = job.Download(cctx, out, nil)
	assertCancelled(t, err, fired)
	if b, _ := os.ReadFile(out); string(b) != "an older video" {
		t.Errorf("the older file was changed: %q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%d files in the directory, want the older one only", len(ents))
	}
}

func TestADoneContextSendsNothing(t *testing.T) {
	c := newClient(t)
	req := textToVideo(t, ltx.ModelLTX23Fast, 6)
	requests := mockStat(t, "requests")
	cctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := c.Generate(cctx, req, filepath.Join(t.TempDir(), "out.mp4"), nil)
	if !errors.Is(err, ltx.ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	if n := mockStat(t, "requests"); n != requests {
		t.Errorf("%v requests were sent", n-requests)
	}
}

// hold makes the mock keep every job pending until the test ends.
func hold(t *testing.T) {
	t.Helper()
	resp, err := http.Post(baseURL+"/_mock/hold", "", nil)
	if err != nil {
		t.Fatalf("POST /_mock/hold: %v", err)
	}
	resp.Body.Close()
	t.Cleanup(func() {
		req, _ := http.NewRequest(http.MethodDelete, baseURL+"/_mock/hold", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	})
}

// Functional options configure the client as NewClient creates it; a refused one fails it.
func TestOptions(t *testing.T) {
	var mu sync.Mutex
	var lines []string
	c, err := ltx.NewClient("test-key",
		ltx.WithBaseURL(baseURL),
		ltx.WithPollInterval(10*time.Millisecond),
		ltx.WithDeadline(time.Minute),
		ltx.WithRetry(2, 10*time.Millisecond, 100*time.Millisecond),
		ltx.WithUserAgentSuffix("ltx-go-test/1"),
		ltx.WithLogger(ltx.LogDebug, func(level ltx.LogLevel, line string) {
			mu.Lock()
			lines = append(lines, level.String()+" "+line)
			mu.Unlock()
		}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if ua := c.UserAgent(); !strings.HasSuffix(ua, "ltx-go-test/1") {
		t.Errorf("User-Agent %q", ua)
	}
	if err := c.Generate(ctx, textToVideo(t, ltx.ModelLTX23Fast, 6),
		filepath.Join(t.TempDir(), "out.mp4"), nil); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	n := len(lines)
	joined := strings.Join(lines, "\n")
	mu.Unlock()
	if n == 0 || strings.Contains(joined, "test-key") {
		t.Errorf("log lines reached the Logger wrongly (%d lines):\n%s", n, joined)
	}

	// A job outlives its client; the closed client's Logger is no longer called.
	job, err := c.Submit(ctx, textToVideo(t, ltx.ModelLTX23Fast, 6))
	if err != nil {
		t.Fatal(err)
	}
	defer job.Close()
	c.Close()
	mu.Lock()
	n = len(lines)
	mu.Unlock()
	if err := job.Wait(ctx, nil); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if len(lines) != n {
		t.Errorf("a closed client's Logger got %d more lines", len(lines)-n)
	}
	mu.Unlock()

	_, err = ltx.NewClient("test-key", ltx.WithBaseURL("ftp://example.com"))
	var le *ltx.Error
	if !errors.As(err, &le) || le.Code != ltx.CodeInvalid || le.Message == "" {
		t.Errorf("a refused option: got %v", err)
	}
	_, err = ltx.NewClient("test-key", ltx.WithRetry(0, 0, 0))
	if !errors.As(err, &le) || le.Code != ltx.CodeInvalid || !strings.Contains(le.Message, "base") {
		t.Errorf("a refused retry policy says why: got %v", err)
	}

	// Without retries, a 503 is final at its first attempt.
	once, err := ltx.NewClient("test-key", ltx.WithBaseURL(baseURL), ltx.WithoutRetries())
	if err != nil {
		t.Fatal(err)
	}
	defer once.Close()
	addFault(t, `{"kind":"status","method":"POST","path_prefix":"/v2/text-to-video","status":503,"times":1}`)
	_, err = once.Submit(ctx, textToVideo(t, ltx.ModelLTX23Fast, 6))
	if !errors.As(err, &le) || !errors.Is(err, ltx.ErrUnavailable) || le.Attempts != 1 {
		t.Errorf("without retries: got %v (attempts %d)", err, le.Attempts)
	}
}

// The video streams into an io.Writer, byte for byte, with progress reaching Go.
func TestGenerateToWriter(t *testing.T) {
	c := newClient(t)
	var buf bytes.Buffer
	var downloading int
	rep, err := c.GenerateTo(ctx, textToVideo(t, ltx.ModelLTX23Fast, 6), &buf, func(p ltx.Progress) error {
		if p.Stage == ltx.StageDownloading {
			downloading++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), sample(t)) || rep.Bytes != uint64(buf.Len()) {
		t.Errorf("the writer got %d bytes (report %d), want the sample's %d", buf.Len(), rep.Bytes, len(sample(t)))
	}
	if downloading == 0 {
		t.Error("no StageDownloading progress reached Go")
	}
}

type failingWriter struct{ n int }

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	return 0, errDiskFull
}

// A Write error stops the transfer; errors.Is finds it and the class is ErrIO.
func TestWriterErrorStops(t *testing.T) {
	c := newClient(t)
	job, err := c.Submit(ctx, textToVideo(t, ltx.ModelLTX23Fast, 6))
	if err != nil {
		t.Fatal(err)
	}
	defer job.Close()
	if err := job.Wait(ctx, nil); err != nil {
		t.Fatal(err)
	}
	w := &failingWriter{}
	err = job.DownloadTo(ctx, w, nil)
	if !errors.Is(err, errDiskFull) || !errors.Is(err, ltx.ErrIO) {
		t.Fatalf("got %v, want ErrIO caused by the writer's error", err)
	}
	var buf bytes.Buffer
	if err := job.DownloadTo(ctx, &buf, nil); err != nil || !bytes.Equal(buf.Bytes(), sample(t)) {
		t.Fatalf("a second DownloadTo: %v, %d bytes", err, buf.Len())
	}
}

// A local file is a media input: the library uploads it (audio always is) and the job runs.
func TestLocalFileInput(t *testing.T) {
	c := newClient(t)
	req, err := ltx.NewRequest(ltx.AudioToVideo)
	if err != nil {
		t.Fatal(err)
	}
	defer req.Close()
	if err := req.SetPrompt("A choir in a cathedral"); err != nil {
		t.Fatal(err)
	}
	if err := req.SetInputFile("audio_uri", filepath.Join(sourceDir(), "tests", "data", "tone.wav")); err != nil {
		t.Fatal(err)
	}
	uploads := mockStat(t, "uploads")
	var buf bytes.Buffer
	if _, err := c.GenerateTo(ctx, req, &buf, nil); err != nil {
		t.Fatal(err)
	}
	if n := mockStat(t, "uploads"); n != uploads+1 {
		t.Errorf("the mock counted %v uploads, want %v", n, uploads+1)
	}
	if !bytes.Equal(buf.Bytes(), sample(t)) {
		t.Error("the output is not the mock's video")
	}

	bad, _ := ltx.NewRequest(ltx.ImageToVideo)
	defer bad.Close()
	bad.SetPrompt("x")
	bad.SetModel(ltx.ModelLTX23Fast)
	bad.SetDuration(6)
	bad.SetResolution("1920x1080")
	bad.SetInputFile("image_uri", filepath.Join(sourceDir(), "tests", "data", "tone.wav"))
	var le *ltx.Error
	err = c.Generate(ctx, bad, filepath.Join(t.TempDir(), "out.mp4"), nil)
	if !errors.As(err, &le) || le.Code != ltx.CodeRequest || le.Field != "image_uri" {
		t.Errorf("a WAV file as an image: got %v", err)
	}
}

// The client's deadline and a context's deadline both end in errors.Is(err, context.DeadlineExceeded).
func TestDeadline(t *testing.T) {
	hold(t)
	c := newClient(t)
	if err := c.SetDeadline(300 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	err := c.Generate(ctx, textToVideo(t, ltx.ModelLTX23Fast, 6), filepath.Join(t.TempDir(), "o.mp4"), nil)
	var le *ltx.Error
	if !errors.As(err, &le) || !errors.Is(err, ltx.ErrTimedOut) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("client deadline: got %v", err)
	}
	if le.JobID == "" {
		t.Error("the deadline error does not name the job to resume")
	}

	c2 := newClient(t)
	dctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	err = c2.Generate(dctx, textToVideo(t, ltx.ModelLTX23Fast, 6), filepath.Join(t.TempDir(), "o.mp4"), nil)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ltx.ErrCancelled) {
		t.Fatalf("context deadline: got %v", err)
	}
}

// A price before paying, and a media file's duration, without the network.
func TestEstimateCost(t *testing.T) {
	est, err := textToVideo(t, ltx.ModelLTX23Fast, 6).EstimateCost()
	if err != nil || !est.Known || est.MicroUSD <= 0 || !strings.Contains(est.Basis, "ltx-2-3-fast") {
		t.Fatalf("estimate %+v, %v", est, err)
	}
	bare, _ := ltx.NewRequest(ltx.TextToVideo)
	defer bare.Close()
	if _, err := bare.EstimateCost(); !errors.Is(err, ltx.ErrRequest) {
		t.Errorf("an invalid request: got %v", err)
	}
	d, err := ltx.MediaDuration(filepath.Join(sourceDir(), "tests", "data", "sample.mp4"))
	if err != nil || d <= 0 {
		t.Errorf("MediaDuration: %v, %v", d, err)
	}
	if _, err := ltx.MediaDuration(filepath.Join(t.TempDir(), "missing.mp4")); !errors.Is(err, ltx.ErrIO) {
		t.Errorf("a missing file: got %v", err)
	}
}
