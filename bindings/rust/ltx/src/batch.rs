//! `Batch`: many generations at once from one thread, over the client's connections.

use std::ops::ControlFlow;
use std::os::raw::{c_char, c_int, c_uint, c_void};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::ptr::{self, NonNull};

use ltx_sys as sys;

use crate::error::opt_string;
use crate::{
    check, check_err, progress_trampoline, CancelToken, Client, Error, Job, ProgressCtx, ProgressFn,
    Request, Result, Sink,
};

/// How one entry of a [`Batch`] ended, as [`Batch::run`] reports it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Done {
    /// The entry, numbered from 0 in the order of [`Batch::add`] / [`Batch::add_job`].
    pub index: usize,
    /// Ok, or what went wrong with this entry.
    pub result: Result<()>,
    /// The job id, once the API accepted one: persist it to resume.
    pub job_id: Option<String>,
}

/// An `ltx_batch`: generations submitted within a concurrency bound, polled and downloaded
/// together by [`run`](Batch::run) on the calling thread, with the client's retry policy
/// for each and the client's deadline for the whole run. The batch keeps its client alive.
///
/// ```no_run
/// # fn main() -> Result<(), ltx::Error> {
/// let client = ltx::Client::from_env()?;
/// let mut batch = ltx::Batch::new(&client)?;
/// for (i, prompt) in ["A red kite", "A blue kite"].iter().enumerate() {
///     let req = ltx::Request::text_to_video(prompt)
///         .model(ltx::models::LTX_2_3_FAST).duration(6.0).resolution("1920x1080").build()?;
///     batch.add(&req, format!("kite-{}.mp4", i))?;
/// }
/// batch.run(Some(&mut |d: &ltx::Done| {
///     println!("{}: {:?}", d.index, d.result);
///     std::ops::ControlFlow::Continue(())
/// }), None)?;
/// # Ok(()) }
/// ```
pub struct Batch {
    raw: NonNull<sys::ltx_batch>,
    sinks: Vec<Sink>, // borrowed by the C batch until it is freed (in Drop, before these)
    cancel: Option<CancelToken>,
}

// Safety: a batch is used by one thread at a time (&mut self for everything that runs);
// moving it to another thread is allowed.
unsafe impl Send for Batch {}

impl Drop for Batch {
    fn drop(&mut self) {
        // Safety: we own it; the sinks and the cancel token are freed after it.
        unsafe { sys::ltx_batch_free(self.raw.as_ptr()) }
    }
}

impl std::fmt::Debug for Batch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch").field("entries", &self.sinks.len()).finish()
    }
}

/// A batch's done callback: `Continue(())` goes on, `Break(())` stops the run.
pub type DoneFn<'a> = &'a mut dyn FnMut(&Done) -> ControlFlow<()>;

struct DoneCtx<'a> {
    f: Option<DoneFn<'a>>,
    panic: Option<Box<dyn std::any::Any + Send + 'static>>,
}

unsafe extern "C" fn done_trampoline(index: usize, status: c_int, err: *const sys::ltx_error,
                                     job_id: *const c_char, userdata: *mut c_void) -> c_int {
    // Safety: userdata is the DoneCtx that run() lent for this call.
    let ctx = &mut *(userdata as *mut DoneCtx<'_>);
    if ctx.panic.is_some() {
        return 1;
    }
    let f = match ctx.f.as_mut() {
        Some(f) => f,
        None => return 0,
    };
    let done = Done {
        index,
        result: if status == sys::LTX_OK { Ok(()) } else { Err(Error::copy(status, err)) },
        job_id: opt_string(job_id),
    };
    match panic::catch_unwind(AssertUnwindSafe(|| f(&done))) {
        Ok(ControlFlow::Continue(())) => 0,
        Ok(ControlFlow::Break(())) => 1,
        Err(payload) => {
            ctx.panic = Some(payload);
            1
        }
    }
}

impl Batch {
    /// An empty batch on `client`.
    pub fn new(client: &Client) -> Result<Batch> {
        let mut raw = ptr::null_mut();
        // Safety: a live client (the batch takes its own reference) and an out-pointer.
        check(unsafe { sys::ltx_batch_new(&mut raw, client.raw.as_ptr()) })?;
        let raw = NonNull::new(raw).ok_or_else(|| Error::from_code(sys::LTX_ENOMEM))?;
        Ok(Batch { raw, sinks: Vec::new(), cancel: None })
    }

    /// At most this many generations submitted and not yet finished at once (default 2,
    /// the API's limit per account).
    pub fn set_concurrency(&mut self, max_in_flight: u32) -> Result<()> {
        // Safety: a live handle.
        let rc = unsafe { sys::ltx_batch_set_concurrency(self.raw.as_ptr(), max_in_flight as c_uint) };
        if rc == sys::LTX_OK {
            return Ok(());
        }
        // Safety: borrowed until the next setter; copied at once.
        Err(unsafe { Error::copy(rc, sys::ltx_batch_last_error(self.raw.as_ptr())) })
    }

    /// Watch `token` (None: stop watching) in [`run`](Batch::run): once cancelled, every
    /// entry still running ends with `Cancelled` and the run returns `Cancelled`.
    pub fn set_cancel(&mut self, token: Option<&CancelToken>) -> Result<()> {
        let raw = token.map_or(ptr::null_mut(), |t| t.0.raw.as_ptr());
        // Safety: a live handle; the token is kept alive by self.cancel while attached.
        check(unsafe { sys::ltx_batch_set_cancel(self.raw.as_ptr(), raw) })?;
        self.cancel = token.cloned();
        Ok(())
    }

    /// Add a generation whose video goes to `path` (atomically). `req` is validated and its
    /// body built now (local input files are uploaded now), so it may be changed or dropped
    /// afterwards. Returns the entry's number.
    pub fn add(&mut self, req: &Request, path: impl AsRef<Path>) -> Result<usize> {
        let sink = Sink::path(path)?;
        self.add_to(req, sink)
    }

    /// [`add`](Batch::add) into any [`Sink`] (a memory sink: read it with
    /// [`sink`](Batch::sink) after the run).
    pub fn add_to(&mut self, req: &Request, sink: Sink) -> Result<usize> {
        let mut index = 0usize;
        let mut err = ptr::null_mut();
        // Safety: live handles; the sink is kept in self until the batch is freed.
        unsafe {
            check_err(sys::ltx_batch_add(&mut index, self.raw.as_ptr(), req.raw.as_ptr(),
                                         sink.raw.as_ptr(), &mut err), err)?;
        }
        self.keep(index, sink);
        Ok(index)
    }

    /// Add a job accepted earlier ([`Client::submit`], [`Client::open_job`]): it is polled
    /// and its result downloaded to `path`, never submitted again.
    pub fn add_job(&mut self, job: &Job, path: impl AsRef<Path>) -> Result<usize> {
        let sink = Sink::path(path)?;
        let mut index = 0usize;
        let mut err = ptr::null_mut();
        // Safety: live handles; the batch copies the job's endpoint and id.
        unsafe {
            check_err(sys::ltx_batch_add_job(&mut index, self.raw.as_ptr(), job.raw.as_ptr(),
                                             sink.raw.as_ptr(), &mut err), err)?;
        }
        self.keep(index, sink);
        Ok(index)
    }

    fn keep(&mut self, index: usize, sink: Sink) {
        debug_assert_eq!(index, self.sinks.len(), "entries are numbered in order");
        self.sinks.push(sink);
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.sinks.len()
    }

    /// Whether the batch has no entry.
    pub fn is_empty(&self) -> bool {
        self.sinks.is_empty()
    }

    /// The sink of entry `index` (for a memory sink's data after the run).
    pub fn sink(&self, index: usize) -> Option<&Sink> {
        self.sinks.get(index)
    }

    /// Run every entry that has not ended to its end. `done` is called once per entry as it
    /// ends (`Break` stops the run: jobs in flight keep running on the server); `progress`
    /// receives every entry's reports, with [`Progress::batch_index`](crate::Progress)
    /// (`Break` cancels that entry only). Returns Ok when every entry succeeded,
    /// [`ErrorKind::JobFailed`](crate::ErrorKind) when some failed (see `done`,
    /// [`status`](Batch::status)), or why the run itself stopped (`Cancelled`, `TimedOut`
    /// at the client's deadline). A panic in a callback stops the run and resumes once
    /// libltx has returned.
    pub fn run(&mut self, done: Option<DoneFn<'_>>,
               progress: Option<ProgressFn<'_>>) -> Result<()> {
        let mut dctx = DoneCtx { f: done, panic: None };
        let mut pctx = progress.map(|f| ProgressCtx { f, panic: None });
        let raw = self.raw.as_ptr();
        // Safety: the contexts outlive the run, and the progress callback is detached
        // before they go.
        let (rc, err) = unsafe {
            if let Some(p) = pctx.as_mut() {
                let ud = p as *mut ProgressCtx<'_> as *mut c_void;
                check(sys::ltx_batch_set_progress(raw, Some(progress_trampoline), ud))?;
            }
            let mut err = ptr::null_mut();
            let ud = &mut dctx as *mut DoneCtx<'_> as *mut c_void;
            let rc = sys::ltx_batch_run(raw, Some(done_trampoline), ud, &mut err);
            if pctx.is_some() {
                sys::ltx_batch_set_progress(raw, None, ptr::null_mut());
            }
            (rc, err)
        };
        let payload = dctx.panic.take().or_else(|| pctx.as_mut().and_then(|p| p.panic.take()));
        if let Some(payload) = payload {
            if !err.is_null() {
                // Safety: ours, not used again.
                unsafe { sys::ltx_error_free(err) };
            }
            panic::resume_unwind(payload);
        }
        // Safety: err is NULL or ours.
        unsafe { check_err(rc, err) }
    }

    /// Entry `index`'s outcome: None while it has not ended (or past the last entry).
    pub fn status(&self, index: usize) -> Option<Result<()>> {
        if index >= self.sinks.len() {
            return None;
        }
        // Safety: a live handle; the error is borrowed until the batch is freed, copied here.
        unsafe {
            match sys::ltx_batch_status(self.raw.as_ptr(), index) {
                sys::LTX_OK => Some(Ok(())),
                rc => {
                    let e = sys::ltx_batch_error(self.raw.as_ptr(), index);
                    if e.is_null() && rc == sys::LTX_EINVAL {
                        None // not ended yet
                    } else {
                        Some(Err(Error::copy(rc, e)))
                    }
                }
            }
        }
    }

    /// Entry `index`'s error: None on success, before it ended, or past the last entry.
    pub fn error(&self, index: usize) -> Option<Error> {
        self.status(index).and_then(|r| r.err())
    }

    /// Entry `index`'s job id, once the API accepted one.
    pub fn job_id(&self, index: usize) -> Option<String> {
        // Safety: a live handle; copied at once.
        unsafe { opt_string(sys::ltx_batch_job_id(self.raw.as_ptr(), index)) }
    }
}
