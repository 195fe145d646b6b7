//! `RequestBuilder`: a request built by chained calls, its first refusal reported by
//! `build()` (the shape of reqwest's `RequestBuilder` and async-openai's `*Args`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::{CancelToken, Endpoint, Request, Result};

/// A [`Request`] under construction. Each method records its value; the first one the
/// library refuses is the error [`build`](RequestBuilder::build) returns, naming the
/// field (`Error::field`). Values are checked as a whole when the request is sent (or by
/// [`Request::validate`]).
///
/// ```no_run
/// # fn main() -> Result<(), ltx::Error> {
/// let req = ltx::Request::text_to_video("A lighthouse at dusk, waves rolling in")
///     .model(ltx::models::LTX_2_3_FAST)
///     .duration(6.0)
///     .resolution("1920x1080")
///     .build()?;
/// # Ok(()) }
/// ```
#[must_use = "a builder does nothing until build() is called"]
#[derive(Debug)]
pub struct RequestBuilder {
    inner: Result<Request>,
}

macro_rules! forward {
    ($($(#[$doc:meta])* $name:ident($arg:ident: $ty:ty) => $setter:ident;)*) => {$(
        $(#[$doc])*
        pub fn $name(self, $arg: $ty) -> Self {
            self.and(|r| r.$setter($arg))
        }
    )*};
}

impl RequestBuilder {
    pub(crate) fn new(endpoint: Endpoint) -> RequestBuilder {
        RequestBuilder { inner: Request::new(endpoint) }
    }

    /// A builder for an endpoint named by its path segment (see [`Request::new_by_name`]).
    pub fn by_name(endpoint_name: &str) -> RequestBuilder {
        RequestBuilder { inner: Request::new_by_name(endpoint_name) }
    }

    fn and(mut self, f: impl FnOnce(&mut Request) -> Result<()>) -> Self {
        if let Ok(r) = &mut self.inner {
            if let Err(e) = f(r) {
                self.inner = Err(e);
            }
        }
        self
    }

    forward! {
        /// The prompt (at most 5000 characters).
        prompt(prompt: &str) => set_prompt;
        /// The model id ([`models`](crate::models); unknown ids are passed through).
        model(model: &str) => set_model;
        /// Seconds: whole seconds on text- and image-to-video, fractions on retake and extend.
        duration(seconds: f64) => set_duration;
        /// `"WIDTHxHEIGHT"`, e.g. `"1920x1080"`.
        resolution(resolution: &str) => set_resolution;
        /// Frames per second.
        fps(fps: i32) => set_fps;
        /// Generate audio or not.
        generate_audio(enable: bool) => set_generate_audio;
        /// dolly_in, dolly_out, dolly_left, dolly_right, jib_up, jib_down, static, focus_shift.
        camera_motion(motion: &str) => set_camera_motion;
        /// The input image as a URI (https:, data:, ltx://).
        image_uri(uri: &str) => set_image_uri;
        /// The image of the last frame as a URI.
        last_frame_uri(uri: &str) => set_last_frame_uri;
        /// The input audio as a URI.
        audio_uri(uri: &str) => set_audio_uri;
        /// The input video as a URI.
        video_uri(uri: &str) => set_video_uri;
        /// Start time in seconds (retake).
        start_time(seconds: f64) => set_start_time;
        /// Guidance scale.
        guidance_scale(scale: f64) => set_guidance_scale;
        /// retake: replace_audio, replace_video, replace_audio_and_video; extend: start, end.
        mode(mode: &str) => set_mode;
        /// Context in seconds (extend).
        context(seconds: f64) => set_context;
        /// Use the synchronous (deprecated) v1 endpoint instead of a v2 job.
        sync(sync: bool) => set_sync;
    }

    /// Automatic length (ltx-2-5 models on text- and image-to-video only).
    pub fn duration_auto(self) -> Self {
        self.and(|r| r.set_duration_auto())
    }

    /// A local file for a media field (`"image_uri"`, `"last_frame_uri"`, `"audio_uri"`,
    /// `"video_uri"`): inline when small, uploaded first otherwise.
    pub fn input_file(self, field: &str, path: impl AsRef<Path>) -> Self {
        self.and(|r| r.set_input_file(field, path))
    }

    /// A local image file for `image_uri`.
    pub fn image_file(self, path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        self.input_file("image_uri", path)
    }

    /// A local audio file for `audio_uri` (always uploaded).
    pub fn audio_file(self, path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        self.input_file("audio_uri", path)
    }

    /// A local video file for `video_uri`.
    pub fn video_file(self, path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        self.input_file("video_uri", path)
    }

    /// Any field, as JSON text (`"true"`, `"12"`, `"\"x\""`): the escape hatch for fields
    /// this binding has no method for.
    pub fn json(self, name: &str, json: &str) -> Self {
        self.and(|r| r.set_json(name, json))
    }

    /// Watch `token` while the request is sent (see [`Request::set_cancel`]).
    pub fn cancel(self, token: &CancelToken) -> Self {
        self.and(|r| r.set_cancel(Some(token)))
    }

    /// A deadline for the calls that send this request, instead of the client's (None: no limit).
    pub fn deadline(self, deadline: Option<Duration>) -> Self {
        self.and(|r| r.set_deadline(deadline))
    }

    /// A retry policy for this request, instead of the client's.
    pub fn retry(self, max_retries: u32, base: Duration, cap: Duration) -> Self {
        self.and(|r| r.set_retry(max_retries, base, cap))
    }

    /// The request, or the first error a method met.
    pub fn build(self) -> Result<Request> {
        self.inner
    }
}

impl Request {
    /// A builder for `endpoint`.
    pub fn builder(endpoint: Endpoint) -> RequestBuilder {
        RequestBuilder::new(endpoint)
    }

    /// A text-to-video request with its prompt.
    pub fn text_to_video(prompt: &str) -> RequestBuilder {
        RequestBuilder::new(Endpoint::TextToVideo).prompt(prompt)
    }

    /// An image-to-video request with its prompt; give the image with
    /// [`image_file`](RequestBuilder::image_file) or [`image_uri`](RequestBuilder::image_uri).
    pub fn image_to_video(prompt: &str) -> RequestBuilder {
        RequestBuilder::new(Endpoint::ImageToVideo).prompt(prompt)
    }

    /// An audio-to-video request with its prompt; give the audio with
    /// [`audio_file`](RequestBuilder::audio_file) or [`audio_uri`](RequestBuilder::audio_uri).
    pub fn audio_to_video(prompt: &str) -> RequestBuilder {
        RequestBuilder::new(Endpoint::AudioToVideo).prompt(prompt)
    }

    /// A retake of part of a video (`video_uri`/`video_file`, `start_time`, `duration`, `mode`).
    pub fn retake() -> RequestBuilder {
        RequestBuilder::new(Endpoint::Retake)
    }

    /// An extension of a video (`video_uri`/`video_file`, `duration`, `mode`).
    pub fn extend() -> RequestBuilder {
        RequestBuilder::new(Endpoint::Extend)
    }
}
