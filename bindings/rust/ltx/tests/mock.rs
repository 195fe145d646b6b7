//! The binding against a real ltx-mock server: each test starts its own
//! (`LTX_MOCK`, else `ltx-mock` from PATH, with `--port 0 --port-file F --quiet`),
//! so tests may run in parallel threads.

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::ops::ControlFlow;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use ltx::{models, Client, Endpoint, ErrorKind, JobState, Progress, Request, Sink, Stage};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A scratch directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let p = std::env::temp_dir().join(format!("ltx-rs-{}-{}-{}", std::process::id(), tag, n));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    /// Names of the files in the directory.
    fn files(&self) -> Vec<String> {
        fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// One ltx-mock process, killed on drop.
struct Mock {
    child: Child,
    port: u16,
    _dir: TempDir,
}

impl Mock {
    fn start() -> Mock {
        let program = std::env::var_os("LTX_MOCK").unwrap_or_else(|| "ltx-mock".into());
        let dir = TempDir::new("mock");
        let port_file = dir.path().join("port");
        let mut child = Command::new(&program)
            .args(["--port", "0", "--quiet", "--port-file"])
            .arg(&port_file)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {:?} (set LTX_MOCK to the ltx-mock program): {}", program, e));
        let start = Instant::now();
        loop {
            if let Ok(s) = fs::read_to_string(&port_file) {
                if let Ok(port) = s.trim().parse::<u16>() {
                    if port > 0 {
                        return Mock { child, port, _dir: dir };
                    }
                }
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("{:?} exited before listening: {}", program, status);
            }
            if start.elapsed() > Duration::from_secs(10) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{:?} wrote no port file in 10 s", program);
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn client(&self) -> Client {
        let mut c = Client::new("test-key").unwrap();
        c.set_base_url(&self.base_url()).unwrap();
        c.set_poll_interval(Duration::from_millis(10)).unwrap();
        c.set_deadline(Some(Duration::from_secs(60))).unwrap();
        c
    }

    /// Script a fault through the mock's control API (POST /_mock/faults, no auth).
    fn add_fault(&self, json: &str) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            s,
            "POST /_mock/faults HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{}",
            self.port,
            json.len(),
            json
        )
        .unwrap();
        let mut answer = Vec::new();
        let _ = s.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer);
        let status_line = answer.lines().next().unwrap_or("");
        let ok = status_line.split_whitespace().nth(1).map_or(false, |c| c.starts_with('2'));
        assert!(ok, "POST /_mock/faults answered {:?} (does this ltx-mock have the control API?)", status_line);
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn source_dir() -> PathBuf {
    match std::env::var_os("LTX_SOURCE_DIR") {
        Some(d) => PathBuf::from(d),
        // CARGO_MANIFEST_DIR is bindings/rust/ltx.
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.."),
    }
}

fn sample() -> Vec<u8> {
    let p = source_dir().join("tests/data/sample.mp4");
    fs::read(&p).unwrap_or_else(|e| panic!("{} (set LTX_SOURCE_DIR to the libltx source tree): {}", p.display(), e))
}

fn text_to_video(model: &str, seconds: f64) -> Request {
    let mut r = Request::new(Endpoint::TextToVideo).unwrap();
    r.set_prompt("A lighthouse at dusk, waves rolling in").unwrap();
    r.set_model(model).unwrap();
    r.set_duration(seconds).unwrap();
    r.set_resolution("1920x1080").unwrap();
    r
}

fn assert_sample(path: &Path) {
    let got = fs::read(path).unwrap();
    let want = sample();
    assert!(got == want, "{}: {} bytes, not identical to tests/data/sample.mp4 ({} bytes)",
            path.display(), got.len(), want.len());
}

/// (1) A full text-to-video generation writes the mock's video byte for byte.
#[test]
fn generate_text_to_video() {
    let mock = Mock::start();
    let client = mock.client();
    let dir = TempDir::new("gen");
    let out = dir.path().join("out.mp4");
    client.generate(&text_to_video(models::LTX_2_3_FAST, 6.0), &out, None).unwrap();
    assert_sample(&out);
    assert_eq!(dir.files(), vec!["out.mp4".to_string()]);
}

/// (2) A 422 from the API is a typed error, and no file is left.
#[test]
fn content_filtered() {
    let mock = Mock::start();
    let client = mock.client();
    mock.add_fault(r#"{"kind":"status","method":"POST","path_prefix":"/v2/text-to-video","status":422,"times":1}"#);
    let dir = TempDir::new("422");
    let err = client
        .generate(&text_to_video(models::LTX_2_3_FAST, 6.0), dir.path().join("out.mp4"), None)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ContentFiltered, "{}", err);
    assert_eq!(err.code(), 422);
    assert_eq!(err.http_status(), Some(422));
    assert_eq!(err.error_type(), Some("content_filtered_error"));
    assert!(err.request_id().map_or(false, |id| !id.is_empty()), "no request id: {:?}", err);
    assert!(!err.possibly_executed());
    assert!(dir.files().is_empty(), "files left behind: {:?}", dir.files());
}

/// (3) Progress reaches Rust: SUBMITTED with the job id, WAITING per poll, DOWNLOADING.
#[test]
fn progress_stages() {
    let mock = Mock::start();
    let client = mock.client();
    let dir = TempDir::new("progress");
    let out = dir.path().join("out.mp4");
    let mut seen: Vec<Progress> = Vec::new();
    let mut record = |p: &Progress| {
        seen.push(p.clone());
        ControlFlow::Continue(())
    };
    client.generate(&text_to_video(models::LTX_2_3_FAST, 6.0), &out, Some(&mut record)).unwrap();
    assert_sample(&out);

    assert!(!seen.is_empty(), "no progress report");
    assert_eq!(seen[0].stage, Stage::Submitted);
    let id = seen[0].job_id.clone().expect("SUBMITTED without a job id");
    assert!(!id.is_empty());
    let mut statuses: Vec<String> = Vec::new();
    let mut downloaded = 0;
    for pair in seen.windows(2) {
        assert!(pair[0].stage <= pair[1].stage, "stage went back: {:?}", pair);
    }
    for p in &seen {
        match p.stage {
            Stage::Submitted => {}
            Stage::Waiting => {
                assert_eq!(p.job_id.as_deref(), Some(id.as_str()));
                let s = p.status.clone().unwrap_or_default();
                if statuses.last() != Some(&s) {
                    statuses.push(s);
                }
            }
            Stage::Downloading => downloaded = p.bytes,
            other => panic!("unexpected stage {:?}", other),
        }
    }
    assert_eq!(statuses, ["pending", "processing", "completed"]);
    assert_eq!(downloaded, sample().len() as u64);
}

/// (4) Validation fails before anything is sent, naming the field.
#[test]
fn validation_error() {
    let mock = Mock::start();
    let client = mock.client();
    let req = text_to_video(models::LTX_2_3_PRO, 20.0);
    let dir = TempDir::new("validate");
    for err in [
        req.validate().unwrap_err(),
        client.generate(&req, dir.path().join("out.mp4"), None).unwrap_err(),
    ] {
        assert_eq!(err.kind(), ErrorKind::Request, "{}", err);
        assert_eq!(err.code(), -2); // LTX_EREQUEST
        assert_eq!(err.field(), Some("duration"), "{:?}", err);
        assert_eq!((err.http_status(), err.attempts()), (None, 0), "something was sent: {:?}", err);
    }
    assert!(dir.files().is_empty());
}

/// Submit, keep the id, reopen the job with the client gone, wait and download.
#[test]
fn submit_open_wait_download() {
    let mock = Mock::start();
    let client = mock.client();
    let id = client.submit(&text_to_video(models::LTX_2_3_FAST, 6.0)).unwrap().id();
    assert!(!id.is_empty());
    let mut job = client.open_job(Endpoint::TextToVideo, &id).unwrap();
    drop(client); // the job keeps the client alive
    assert_eq!((job.id(), job.endpoint()), (id, Some(Endpoint::TextToVideo)));
    let mut stages = Vec::new();
    job.wait(Some(&mut |p: &Progress| {
        stages.push(p.stage);
        ControlFlow::Continue(())
    }))
    .unwrap();
    assert_eq!(job.state(), JobState::Completed);
    assert_eq!(job.status().as_deref(), Some("completed"));
    assert!(job.result_url().is_some());
    assert_eq!(job.results(), vec![("video_url".to_string(), job.result_url().unwrap())]);
    assert!(job.completed_at().is_some() && job.request_id().is_some());
    assert!(job.status_json().unwrap().contains("\"completed\""));
    assert_eq!(stages.first(), Some(&Stage::Waiting));
    let dir = TempDir::new("job");
    let out = dir.path().join("out.mp4");
    job.download(&out, None).unwrap();
    assert_sample(&out);
}

/// A v1 504 retried to success delivers the video and says it may be billed twice.
#[test]
fn possibly_billed_twice() {
    let mock = Mock::start();
    let client = mock.client();
    mock.add_fault(r#"{"kind":"status","method":"POST","path_prefix":"/v1/text-to-video","status":504,"times":1}"#);
    let mut req = text_to_video(models::LTX_2_3_FAST, 6.0);
    req.set_sync(true).unwrap();
    let dir = TempDir::new("twice");
    let out = dir.path().join("out.mp4");
    let mut sink = Sink::path(&out).unwrap();
    client.generate_to(&req, &mut sink, None).unwrap();
    assert!(sink.possibly_billed_twice());
    assert_sample(&out);
    client.generate_to(&req, &mut sink, None).unwrap();
    assert!(!sink.possibly_billed_twice());
}

/// An endpoint this release does not know is usable by its name.
#[test]
fn open_job_by_name() {
    let mock = Mock::start();
    let client = mock.client();
    let job = client.open_job_by_name("video-compositing", "0123-abcd").unwrap();
    assert_eq!(job.endpoint(), None);
    assert_eq!(job.endpoint_name().as_deref(), Some("video-compositing"));
    assert!(client.open_job_by_name("text/../upload", "abc").is_err());
}

/// A callback returning Break cancels; a panic in it resumes after libltx returned.
#[test]
fn cancel_and_panic() {
    let mock = Mock::start();
    let client = mock.client();
    let req = text_to_video(models::LTX_2_3_FAST, 6.0);
    let dir = TempDir::new("cancel");
    let out = dir.path().join("out.mp4");
    let mut stopped = false;
    let mut stop_when_waiting = |p: &Progress| {
        assert!(!stopped, "the callback ran again after it stopped the call: {:?}", p);
        if p.stage == Stage::Waiting {
            stopped = true;
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    };
    let err = client.generate(&req, &out, Some(&mut stop_when_waiting)).unwrap_err();
    assert!(stopped, "the callback never saw a WAITING report");
    assert_eq!(err.kind(), ErrorKind::Cancelled, "{}", err);
    assert!(err.job_id().is_some(), "a cancelled wait names its job: {:?}", err);
    assert!(dir.files().is_empty());

    let caught = panic::catch_unwind(AssertUnwindSafe(|| {
        let _ = client.generate(&req, &out, Some(&mut |_: &Progress| -> ControlFlow<()> { panic!("boom") }));
    }));
    let payload = caught.expect_err("the panic did not propagate");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
    assert!(dir.files().is_empty());
}

#[test]
fn unauthorized() {
    let mock = Mock::start();
    let mut client = Client::new("wrong-key").unwrap();
    client.set_base_url(&mock.base_url()).unwrap();
    let err = client.submit(&text_to_video(models::LTX_2_3_FAST, 6.0)).unwrap_err();
    assert_eq!((err.kind(), err.http_status()), (ErrorKind::Auth, Some(401)), "{}", err);
}

/// One client shared by threads.
#[test]
fn shared_client() {
    let mock = Mock::start();
    let client = mock.client();
    let dir = TempDir::new("threads");
    thread::scope(|s| {
        for i in 0..4 {
            let (client, dir) = (&client, &dir);
            s.spawn(move || {
                let out = dir.path().join(format!("out{}.mp4", i));
                client.generate(&text_to_video(models::LTX_2_3_FAST, 6.0), &out, None).unwrap();
                assert_sample(&out);
            });
        }
    });
}

/// A control API call without a body to the mock on port; the answer's body.
fn control_at(port: u16, method: &str, path: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "{} {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", method, path, port)
        .unwrap();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    answer.split("\r\n\r\n").nth(1).unwrap_or("").to_string()
}

/// A counter of GET /_mock/stats of the mock on port.
fn stat_at(port: u16, key: &str) -> u64 {
    let body = control_at(port, "GET", "/_mock/stats");
    let at = body.find(&format!("\"{}\":", key)).expect("no such counter");
    body[at + key.len() + 3..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .unwrap()
}

impl Mock {
    fn control(&self, method: &str, path: &str) -> String {
        control_at(self.port, method, path)
    }
}

#[test]
fn cancel_from_another_thread() {
    let mock = Mock::start();
    let mut client = mock.client();
    client.set_poll_interval(Duration::from_secs(60)).unwrap();
    mock.control("POST", "/_mock/hold");
    let token = ltx::CancelToken::new().unwrap();
    let mut req = text_to_video(models::LTX_2_3_FAST, 6.0);
    req.set_cancel(Some(&token)).unwrap();
    let dir = TempDir::new("cancel");
    let out = dir.path().join("out.mp4");
    let (remote, port) = (token.clone(), mock.port);
    let canceller = thread::spawn(move || {
        while stat_at(port, "polls") == 0 {
            thread::sleep(Duration::from_millis(5));
        }
        thread::sleep(Duration::from_millis(50));
        let at = Instant::now();
        remote.cancel(); // from this thread: the token is Send + Sync
        at
    });
    let err = client.generate(&req, &out, None).unwrap_err();
    let returned = Instant::now();
    let fired = canceller.join().unwrap();
    assert!(returned.duration_since(fired) < Duration::from_secs(2), "took {:?}", returned.duration_since(fired));
    assert_eq!(err.kind(), ErrorKind::Cancelled);
    assert!(err.job_id().is_some(), "{:?}", err);
    assert!(err.message().contains("billed"), "{}", err.message());
    assert!(token.is_cancelled());
    token.reset();
    assert!(!token.is_cancelled());
    assert!(dir.files().is_empty());
}

/// A minimal executor: poll on this thread, park until woken.
fn block_on<F: std::future::Future>(fut: F) -> F::Output {
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};
    struct Unpark(thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut fut = Box::pin(fut);
    loop {
        match fut.as_mut().poll(&mut cx) {
            Poll::Ready(v) => return v,
            Poll::Pending => thread::park(),
        }
    }
}

#[test]
fn a_generation_future_on_a_minimal_executor() {
    let mock = Mock::start();
    let client = std::sync::Arc::new(mock.client());
    let dir = TempDir::new("future");
    let out = dir.path().join("out.mp4");
    let fut = client.generate_future(text_to_video(models::LTX_2_3_FAST, 6.0), &out).unwrap();
    block_on(fut).unwrap();
    assert_sample(&out);

    // and one cancelled through its token while the executor waits
    let mut slow = mock.client();
    slow.set_poll_interval(Duration::from_secs(60)).unwrap();
    let slow = std::sync::Arc::new(slow);
    mock.control("POST", "/_mock/hold");
    let out2 = dir.path().join("held.mp4");
    let fut = slow.generate_future(text_to_video(models::LTX_2_3_FAST, 6.0), &out2).unwrap();
    let token = fut.cancel_token().clone();
    let t = thread::spawn(move || {
        thread::sleep(Duration::from_millis(300));
        token.cancel();
    });
    let err = block_on(fut).unwrap_err();
    t.join().unwrap();
    assert_eq!(err.kind(), ErrorKind::Cancelled);
    assert!(!out2.exists());
}

fn data_file(name: &str) -> PathBuf {
    source_dir().join("tests/data").join(name)
}

/// A builder with a local file as input (audio is always uploaded), the video into a writer.
#[test]
fn builder_local_file_into_a_writer() {
    let mock = Mock::start();
    let client = mock.client();
    let req = Request::audio_to_video("A choir in a cathedral").audio_file(data_file("tone.wav")).build().unwrap();
    let mut out: Vec<u8> = Vec::new();
    let mut downloading = 0;
    let mut count = |p: &Progress| {
        if p.stage == Stage::Downloading {
            downloading += 1;
        }
        ControlFlow::Continue(())
    };
    let n = client.generate_to_writer(&req, &mut out, Some(&mut count)).unwrap();
    assert!(out == sample(), "{} bytes, not the mock's video", out.len());
    assert_eq!(n, out.len() as u64);
    assert!(downloading > 0, "no Downloading progress reached Rust");
    assert_eq!(stat_at(mock.port, "uploads"), 1);

    // a refused value: build() reports the first error, naming the field
    let err = Request::retake().fps(24).build().unwrap_err();
    assert_eq!((err.kind(), err.field()), (ErrorKind::Invalid, Some("fps")));
    // a wrong file is refused before anything is sent
    let bad = Request::image_to_video("x").model(models::LTX_2_3_FAST).duration(6.0)
        .resolution("1920x1080").image_file(data_file("tone.wav")).build().unwrap();
    let err = client.generate_bytes(&bad, 1 << 20, None).unwrap_err();
    assert_eq!((err.kind(), err.field()), (ErrorKind::Request, Some("image_uri")), "{:?}", err);
}

/// Bytes in memory, bounded.
#[test]
fn generate_bytes_bounded() {
    let mock = Mock::start();
    let client = mock.client();
    let req = Request::text_to_video("A lighthouse").model(models::LTX_2_3_FAST).duration(6.0)
        .resolution("1920x1080").build().unwrap();
    assert!(client.generate_bytes(&req, 1 << 20, None).unwrap() == sample());
    assert_eq!(client.generate_bytes(&req, 100, None).unwrap_err().kind(), ErrorKind::SinkFull);
}

struct FailingWriter;

impl Write for FailingWriter {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::new(std::io::ErrorKind::Other, "disk full"))
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A writer's error stops the download and is the error's source.
#[test]
fn a_failing_writer() {
    let mock = Mock::start();
    let client = mock.client();
    let mut job = client.submit(&text_to_video(models::LTX_2_3_FAST, 6.0)).unwrap();
    job.wait(None).unwrap();
    let err = job.download_to_writer(&mut FailingWriter, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{:?}", err);
    let source = std::error::Error::source(&err).expect("no source");
    assert_eq!(source.to_string(), "disk full");
    let mut out = Vec::new();
    job.download_to_writer(&mut out, None).unwrap();
    assert!(out == sample());
}

/// The client's deadline ends a wait with a timeout naming the job to resume.
#[test]
fn deadline() {
    let mock = Mock::start();
    let mut client = mock.client();
    mock.control("POST", "/_mock/hold");
    client.set_deadline(Some(Duration::from_millis(300))).unwrap();
    let dir = TempDir::new("deadline");
    let started = Instant::now();
    let err = client.generate(&text_to_video(models::LTX_2_3_FAST, 6.0), dir.path().join("o.mp4"), None)
        .unwrap_err();
    assert!(err.is_timeout() && err.kind() == ErrorKind::TimedOut, "{:?}", err);
    assert!(err.job_id().is_some(), "{:?}", err);
    assert!(started.elapsed() < Duration::from_secs(20));
    let io: std::io::Error = err.into();
    assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
    // a per-request deadline overrides the client's
    client.set_deadline(None).unwrap();
    let req = Request::text_to_video("x").model(models::LTX_2_3_FAST).duration(6.0).resolution("1920x1080")
        .deadline(Some(Duration::from_millis(300))).build().unwrap();
    assert_eq!(client.generate(&req, dir.path().join("o.mp4"), None).unwrap_err().kind(), ErrorKind::TimedOut);
}

/// A batch: three entries, one refused by the API; done per entry, progress with its index.
#[test]
fn batch() {
    let mock = Mock::start();
    let client = mock.client();
    mock.add_fault(r#"{"kind":"status","method":"POST","path_prefix":"/v2/text-to-video","status":422,"times":1}"#);
    let dir = TempDir::new("batch");
    let mut batch = ltx::Batch::new(&client).unwrap();
    batch.set_concurrency(1).unwrap();
    assert_eq!(batch.set_concurrency(0).unwrap_err().kind(), ErrorKind::Invalid);
    let req = text_to_video(models::LTX_2_3_FAST, 6.0);
    for i in 0..2 {
        assert_eq!(batch.add(&req, dir.path().join(format!("{}.mp4", i))).unwrap(), i);
    }
    assert_eq!(batch.add_to(&req, Sink::memory(1 << 20).unwrap()).unwrap(), 2);
    let mut done = Vec::new();
    let mut indexes = std::collections::BTreeSet::new();
    let mut on_done = |d: &ltx::Done| {
        done.push(d.clone());
        ControlFlow::Continue(())
    };
    let mut on_progress = |p: &Progress| {
        indexes.insert(p.batch_index.expect("a batch report without its index"));
        ControlFlow::Continue(())
    };
    let err = batch.run(Some(&mut on_done), Some(&mut on_progress)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::JobFailed, "{:?}", err);
    assert_eq!(done.len(), 3);
    let failed: Vec<_> = done.iter().filter(|d| d.result.is_err()).collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].result.as_ref().unwrap_err().kind(), ErrorKind::ContentFiltered);
    assert_eq!(indexes.into_iter().collect::<Vec<_>>(), vec![0, 1, 2]);
    for d in &done {
        let status = batch.status(d.index).expect("ended");
        assert_eq!(status.is_ok(), d.result.is_ok());
        assert_eq!(batch.error(d.index).map(|e| e.kind()), d.result.as_ref().err().map(|e| e.kind()));
        assert_eq!(batch.job_id(d.index), d.job_id);
    }
    if failed[0].index != 2 {
        assert!(batch.sink(2).unwrap().data().unwrap() == sample().as_slice());
    }
    assert!(batch.status(3).is_none());
}

/// A batch resumes a job submitted earlier, and a cancel token stops a run.
#[test]
fn batch_add_job_and_cancel() {
    let mock = Mock::start();
    let client = mock.client();
    let dir = TempDir::new("batchjob");
    let job = client.submit(&text_to_video(models::LTX_2_3_FAST, 6.0)).unwrap();
    let mut batch = ltx::Batch::new(&client).unwrap();
    batch.add_job(&job, dir.path().join("resumed.mp4")).unwrap();
    batch.run(None, None).unwrap();
    assert_sample(&dir.path().join("resumed.mp4"));
    assert_eq!(batch.job_id(0).as_deref(), Some(job.id().as_str()));

    mock.control("POST", "/_mock/hold");
    let token = ltx::CancelToken::new().unwrap();
    let mut held = ltx::Batch::new(&client).unwrap();
    held.set_cancel(Some(&token)).unwrap();
    held.add(&text_to_video(models::LTX_2_3_FAST, 6.0), dir.path().join("held.mp4")).unwrap();
    let (remote, port) = (token.clone(), mock.port);
    let polls = stat_at(port, "polls");
    let canceller = thread::spawn(move || {
        while stat_at(port, "polls") == polls {
            thread::sleep(Duration::from_millis(5));
        }
        remote.cancel();
    });
    let err = held.run(None, None).unwrap_err();
    canceller.join().unwrap();
    assert_eq!(err.kind(), ErrorKind::Cancelled, "{:?}", err);
    assert_eq!(held.status(0).unwrap().unwrap_err().kind(), ErrorKind::Cancelled);
    assert!(held.job_id(0).is_some());
}

/// An upload returns the storage URI to use in later requests.
#[test]
fn upload() {
    let mock = Mock::start();
    let client = mock.client();
    let up = client.upload_file(data_file("frame.png"), None).unwrap();
    assert!(!up.storage_uri().is_empty(), "{:?}", up);
    assert!(up.expires_at().is_some(), "{:?}", up);
    assert_eq!(stat_at(mock.port, "uploads"), 1);
    let err = client.upload_file(data_file("missing.png"), None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{:?}", err);
}

/// Log lines reach a Rust closure, without the key; a job outliving its client logs nowhere.
#[test]
fn logger() {
    let mock = Mock::start();
    let mut client = mock.client();
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = std::sync::Arc::clone(&lines);
    client.set_logger(ltx::LogLevel::Debug, move |level, line| {
        sink.lock().unwrap().push(format!("{:?} {}", level, line));
    }).unwrap();
    let mut job = client.submit(&text_to_video(models::LTX_2_3_FAST, 6.0)).unwrap();
    let logged = lines.lock().unwrap().len();
    assert!(logged > 0, "no log line reached Rust");
    assert!(!lines.lock().unwrap().iter().any(|l| l.contains("test-key")));
    drop(client);
    job.wait(None).unwrap();
    assert_eq!(lines.lock().unwrap().len(), logged, "a dropped client's logger was called");
}
