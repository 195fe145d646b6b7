// options.go — functional options for NewClient and NewClientFromEnv, and the client's logger.

package ltx

/*
#include <stdint.h>
#include <ltx/ltx.h>

int ltxgo_client_set_log(ltx_client *c, int level, uintptr_t h);
*/
import "C"

import (
	"runtime"
	"runtime/cgo"
	"time"
)

// The client's defaults (libltx's LTX_DEFAULT_* macros).
const (
	DefaultBaseURL        = "https://api.ltx.video"
	DefaultConnectTimeout = 10 * time.Second
	DefaultStallTimeout   = 60 * time.Second
	DefaultDeadline       = 30 * time.Minute // per call, retries, polls and download included
	DefaultPollInterval   = 5 * time.Second
	DefaultMaxRetries     = 3
	DefaultRetryBase      = 500 * time.Millisecond
	DefaultRetryCap       = 30 * time.Second
)

// Option configures a Client when NewClient or NewClientFromEnv creates it. An
// option that refuses its value makes the constructor fail with that error
// (the client is then closed).
type Option func(*Client) error

func (c *Client) apply(opts []Option) (*Client, error) {
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(c); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// WithBaseURL sets the API host, e.g. "https://api.ltx.io" or an ltx-mock URL.
func WithBaseURL(url string) Option { return func(c *Client) error { return c.SetBaseURL(url) } }

// WithDeadline bounds each call, retries, polls and download included
// (DefaultDeadline; NoLimit removes the bound). A call that reaches it fails
// with an *Error matching ErrTimedOut and context.DeadlineExceeded.
func WithDeadline(d time.Duration) Option {
	return func(c *Client) error { return c.SetDeadline(d) }
}

// WithRetry sets the retry policy: at most maxRetries extra attempts with
// exponential backoff and full jitter from base, capped at limit (0 < base <=
// limit). Failures that may have run a generation are never retried silently.
func WithRetry(maxRetries uint, base, limit time.Duration) Option {
	return func(c *Client) error { return c.SetRetry(maxRetries, base, limit) }
}

// WithoutRetries makes every failure final at its first attempt.
func WithoutRetries() Option {
	return func(c *Client) error { return c.SetRetry(0, DefaultRetryBase, DefaultRetryCap) }
}

// WithPollInterval sets how often Wait and Generate poll a job (DefaultPollInterval).
func WithPollInterval(d time.Duration) Option {
	return func(c *Client) error { return c.SetPollInterval(d) }
}

// WithConnectTimeout sets the connect timeout per attempt (DefaultConnectTimeout).
func WithConnectTimeout(d time.Duration) Option {
	return func(c *Client) error { return c.SetConnectTimeout(d) }
}

// WithStallTimeout fails a transfer that receives nothing for d (DefaultStallTimeout).
func WithStallTimeout(d time.Duration) Option {
	return func(c *Client) error { return c.SetStallTimeout(d) }
}

// WithUserAgentSuffix appends suffix ("myapp/1.0") to the User-Agent header.
func WithUserAgentSuffix(suffix string) Option {
	return func(c *Client) error { return c.SetUserAgentSuffix(suffix) }
}

// WithProxy sends API and download traffic through a proxy URL.
func WithProxy(url string) Option { return func(c *Client) error { return c.SetProxy(url) } }

// WithCAFile verifies TLS peers against a CA bundle (verification is always on).
func WithCAFile(path string) Option { return func(c *Client) error { return c.SetCAFile(path) } }

// WithRetryUnknownOutcome says whether a v1 generation answered 504 may be sent again.
func WithRetryUnknownOutcome(allow bool) Option {
	return func(c *Client) error { return c.SetRetryUnknownOutcome(allow) }
}

// WithLogger sends the client's log lines at level and more severe to fn.
func WithLogger(level LogLevel, fn Logger) Option {
	return func(c *Client) error { return c.SetLogger(level, fn) }
}

// LogLevel is the severity of a log line (ltx_log_level).
type LogLevel int

// The log levels, most severe first.
const (
	LogError LogLevel = 1
	LogWarn  LogLevel = 2
	LogInfo  LogLevel = 3
	LogDebug LogLevel = 4
)

func (l LogLevel) String() string {
	switch l {
	case LogError:
		return "error"
	case LogWarn:
		return "warn"
	case LogInfo:
		return "info"
	case LogDebug:
		return "debug"
	}
	return "unknown"
}

// Logger receives one log line (UTF-8, no newline). It runs on the goroutine
// that made the call, during the call; a client shared by goroutines calls it
// from each of them at once. Lines never contain the API key, the
// Authorization header, prompts or media URIs.
type Logger func(level LogLevel, line string)

// SetLogger sends log lines at level and more severe to fn; a nil fn turns
// logging off. Like the other setters, it must not run concurrently with calls
// that use the client.
func (c *Client) SetLogger(level LogLevel, fn Logger) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	var nh cgo.Handle
	if fn != nil {
		nh = cgo.NewHandle(fn)
	}
	rc := C.ltxgo_client_set_log(h, C.int(level), C.uintptr_t(nh))
	runtime.KeepAlive(c)
	if rc != C.LTX_OK {
		if nh != 0 {
			nh.Delete()
		}
		return clientSetterStatus(h, rc)
	}
	if c.log != 0 {
		c.log.Delete()
	}
	c.log = nh
	return nil
}

// clientSetterStatus is a client setter's error: the reason it recorded
// (ltx_client_last_error).
func clientSetterStatus(h *C.ltx_client, rc C.int) error {
	if rc == C.LTX_OK {
		return nil
	}
	e := C.ltx_client_last_error(h)
	if e == nil {
		return status(rc)
	}
	return &Error{Code: Code(rc), Message: goStr(C.ltx_error_message(e)), RetryAfter: -1}
}
