//! Observability: with the `tracing` feature, one span per API call and one event per retry.
//!
//! The span is named `waldur_request`, at `INFO` level, and has these fields:
//!
//! | field | value |
//! |---|---|
//! | `operation` | the operation id (`"openstack_volumes_list"`); unset for requests that name none |
//! | `method` | `"GET"`, `"POST"`, ... |
//! | `path` | the path template (`"/api/openstack-volumes/{uuid}/"`), or the request path when the request names no template |
//! | `attempt` | the number of the attempt in flight, then the number of attempts made |
//! | `status` | the HTTP status of the last response; unset when none arrived |
//! | `elapsed_ms` | milliseconds from the start of the call to its end, retries and waits included |
//! | `error` | the final error's message, when the call failed |
//!
//! Before each retry a `WARN` event with the message `"retrying"` is emitted inside the span,
//! with the fields `attempt` (the attempt that failed), `delay_ms` (the wait before the next
//! one), `status` (when a response arrived) and `error` (the failure's message).
//!
//! Between two polls of [`super::wait::wait_for`] a `DEBUG` event `"waiting"` has the fields
//! `what`, `polls` (made so far) and `delay_ms`.
//!
//! Nothing else is recorded: no header (so never the `Authorization` token), no query string
//! and no body. Error messages name the request URL, which never holds credentials (the client
//! refuses a base URL with a user or password). Events and spans use the module path as
//! target, so `RUST_LOG=waldur_client=info` (with the generated crate's name) selects them.
//!
//! Without the feature every function here compiles to nothing.

use std::future::Future;
use std::time::Duration;

use super::error::Error;
use super::request::ApiRequest;
use super::response::ApiResponse;

/// The span of one API call and its start time.
#[cfg(feature = "tracing")]
pub(crate) struct Trace {
    span: tracing::Span,
    start: std::time::Instant,
}

#[cfg(feature = "tracing")]
impl Trace {
    pub(crate) fn start(req: &ApiRequest) -> Trace {
        let path = req.path_template().unwrap_or(req.path());
        let span = tracing::info_span!(
            "waldur_request",
            operation = tracing::field::Empty,
            method = req.method().as_str(),
            path = path,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
            error = tracing::field::Empty,
        );
        if let Some(id) = req.operation_id() {
            span.record("operation", id);
        }
        Trace {
            span,
            start: std::time::Instant::now(),
        }
    }

    /// Runs the call inside the span.
    pub(crate) fn instrument<F: Future>(&self, f: F) -> impl Future<Output = F::Output> {
        tracing::Instrument::instrument(f, self.span.clone())
    }

    pub(crate) fn attempt(&self, n: u32) {
        self.span.record("attempt", n);
    }

    pub(crate) fn retry(&self, attempt: u32, error: &Error, delay: Duration) {
        let delay_ms = millis(delay);
        match error.status() {
            Some(status) => tracing::warn!(
                attempt,
                delay_ms,
                status,
                error = %error,
                "retrying"
            ),
            None => tracing::warn!(attempt, delay_ms, error = %error, "retrying"),
        }
    }

    pub(crate) fn finish(&self, result: &Result<ApiResponse, Error>) {
        match result {
            Ok(resp) => {
                self.span.record("status", resp.status);
            }
            Err(e) => {
                if let Some(status) = e.status() {
                    self.span.record("status", status);
                }
                self.span.record("error", tracing::field::display(e));
            }
        }
        self.span.record("elapsed_ms", millis(self.start.elapsed()));
    }
}

/// A `DEBUG` event `"waiting"` between two polls of [`super::wait::wait_for`].
#[cfg(feature = "tracing")]
pub(crate) fn wait_pending(what: &str, polls: u32, delay: Duration) {
    tracing::debug!(what, polls, delay_ms = millis(delay), "waiting");
}

/// A `WARN` event `"conflicting X-Result-Count headers"`: the total is unknown.
#[cfg(feature = "tracing")]
pub(crate) fn conflicting_counts(values: &[String]) {
    tracing::warn!(
        values = %values.join(", "),
        "conflicting X-Result-Count headers; the total is unknown"
    );
}

#[cfg(feature = "tracing")]
fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Without the `tracing` feature: nothing.
#[cfg(not(feature = "tracing"))]
pub(crate) struct Trace;

#[cfg(not(feature = "tracing"))]
impl Trace {
    #[inline]
    pub(crate) fn start(_: &ApiRequest) -> Trace {
        Trace
    }

    #[inline]
    pub(crate) fn instrument<F: Future>(&self, f: F) -> F {
        f
    }

    #[inline]
    pub(crate) fn attempt(&self, _: u32) {}

    #[inline]
    pub(crate) fn retry(&self, _: u32, _: &Error, _: Duration) {}

    #[inline]
    pub(crate) fn finish(&self, _: &Result<ApiResponse, Error>) {}
}

/// Without the `tracing` feature: nothing.
#[cfg(not(feature = "tracing"))]
#[inline]
pub(crate) fn wait_pending(_: &str, _: u32, _: Duration) {}

/// Without the `tracing` feature: nothing.
#[cfg(not(feature = "tracing"))]
#[inline]
pub(crate) fn conflicting_counts(_: &[String]) {}
