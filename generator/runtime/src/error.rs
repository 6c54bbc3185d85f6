//! The one error type of the client and the parsed Django REST framework error body.
//!
//! `Display` and `Debug` of everything here are safe to log: the API token is held only by the
//! client (as a sensitive header value) and never copied into an error.
//!
//! # `reqwest` types in this API
//!
//! Errors carry `reqwest`'s [`Method`], [`Url`] and [`HeaderMap`] (re-exports of the `http` and
//! `url` crates) and, for transport failures, the [`reqwest::Error`] itself as the
//! [`std::error::Error::source`]. This is deliberate: they are the types the caller already
//! has when building a client on their own `reqwest::Client` or writing a hook, and wrapping
//! them would lose information (`is_connect`, the TLS error chain). The price is that these
//! types belong to this crate's public API: a `reqwest` release with a new major version is a
//! breaking release of this crate too. The runtime re-exports the `reqwest` it is built with
//! (`runtime::reqwest`), so callers can name the matching types without depending on a second
//! copy.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, Url};

/// Everything that can go wrong while talking to Waldur.
///
/// `Display` is bounded (a few hundred characters whatever the server sent) and safe to log:
/// control characters (newlines, ESC, ...) in server-provided text are escaped.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be sent or the response could not be read (DNS failure, refused
    /// or reset connection, TLS failure, body cut short, invalid HTTP, ...).
    Transport {
        /// The request method.
        method: Method,
        /// The request URL (boxed to keep `Error` small: `Result<T, Error>` stays under
        /// clippy's `result_large_err` bound).
        url: Box<Url>,
        /// What `reqwest` reported.
        source: reqwest::Error,
        /// How many times the request was sent (1 without retries).
        attempts: u32,
    },
    /// One attempt (request and body) took longer than the per-attempt timeout.
    Timeout {
        /// The request method.
        method: Method,
        /// The request URL.
        url: Url,
        /// How many times the request was sent (1 without retries).
        attempts: u32,
    },
    /// The call's overall deadline passed during an attempt (see
    /// [`super::ClientBuilder::deadline`]).
    Deadline(Box<DeadlineError>),
    /// The server answered with a status outside 2xx.
    Status(Box<StatusError>),
    /// A successful response body did not match the expected type, was not JSON where JSON
    /// was expected, held more items than requested, or would take too much memory decoded.
    Decode(Box<DecodeError>),
    /// The response body is larger than the client's limit
    /// ([`super::ClientBuilder::max_response_bytes`]); it was not read further.
    BodyTooLarge(Box<BodyTooLargeError>),
    /// The server redirected the request and the client refused to follow.
    Redirect(Box<RedirectError>),
    /// A paginated listing cannot go on: the server's next page is unusable, does not
    /// advance, or a configured cap was reached while the server announced more.
    Pagination(String),
    /// A field the caller required ([`super::Lenient::required`]) held no valid value.
    Field(FieldError),
    /// The request could not be encoded (body serialisation, invalid header or MIME type, a path
    /// that is not a valid URL path, an empty path parameter).
    Encode(String),
    /// The client is misconfigured (bad base URL, token not usable as a header value, ...).
    Config(String),
    /// A request hook refused the request (see [`super::hooks::Hook::on_request`]).
    Hook {
        /// The operation id of the request, or its method and path when it has none.
        operation: String,
        /// The hook's error message.
        message: String,
    },
}

impl Error {
    /// HTTP status of a [`Error::Status`] or [`Error::Decode`] error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Status(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }

    /// Whether repeating the same request may succeed: transport errors (except invalid HTTP
    /// from the server, which would be the same again), timeouts, 429 and 5xx. Whether the
    /// client actually repeats it also depends on the method and the deadline (see
    /// [`super::retry::RetryPolicy`]).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { source, .. } => {
                !source.is_builder() && !source.is_redirect() && !is_protocol_error(source)
            }
            Error::Timeout { .. } => true,
            Error::Status(e) => e.status == 429 || (500..=599).contains(&e.status),
            Error::Deadline(_)
            | Error::Decode(_)
            | Error::BodyTooLarge(_)
            | Error::Redirect(_)
            | Error::Pagination(_)
            | Error::Field(_)
            | Error::Encode(_)
            | Error::Config(_)
            | Error::Hook { .. } => false,
        }
    }

    /// How many times the request was sent before this error: 1 without retries, more when
    /// the client retried (transport errors, timeouts, 429 and 5xx). 0 for errors raised
    /// before anything was sent (encoding, configuration, hooks) or by the caller (a required
    /// field); errors about a received response count 1.
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Transport { attempts, .. } | Error::Timeout { attempts, .. } => *attempts,
            Error::Status(e) => e.attempts,
            Error::Deadline(e) => e.attempts,
            Error::Decode(_)
            | Error::BodyTooLarge(_)
            | Error::Redirect(_)
            | Error::Pagination(_) => 1,
            Error::Field(_) | Error::Encode(_) | Error::Config(_) | Error::Hook { .. } => 0,
        }
    }

    /// Records how many times the request was sent (called by the client on its final error).
    pub(crate) fn set_attempts(&mut self, n: u32) {
        match self {
            Error::Transport { attempts, .. } | Error::Timeout { attempts, .. } => *attempts = n,
            Error::Status(e) => e.attempts = n,
            // A deadline error counts its attempts itself.
            Error::Deadline(_)
            | Error::Decode(_)
            | Error::BodyTooLarge(_)
            | Error::Redirect(_)
            | Error::Pagination(_)
            | Error::Field(_)
            | Error::Encode(_)
            | Error::Config(_)
            | Error::Hook { .. } => {}
        }
    }

    /// The delay the server asked for with `Retry-After` on a 429 or 503 answer.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Status(e) if e.status == 429 || e.status == 503 => e.retry_after(),
            _ => None,
        }
    }

    /// Whether this is a [`Error::Timeout`] or [`Error::Deadline`].
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. } | Error::Deadline(_))
    }

    /// The status error, if the server answered with a status outside 2xx.
    pub fn as_status(&self) -> Option<&StatusError> {
        match self {
            Error::Status(e) => Some(e),
            _ => None,
        }
    }

    /// The error with every text that came from the server scrubbed of `secret` (the
    /// client's own token), which a server may echo (`{"detail": "Invalid token <token>."}`,
    /// a header, a value in a body that did not decode): the body and its DRF messages, the
    /// headers, decode messages and snippets, pagination and redirect reasons. Each
    /// occurrence becomes `[redacted]`. The client applies this to every error it returns.
    pub fn redacted(mut self, secret: &str) -> Error {
        if secret.is_empty() {
            return self;
        }
        let scrub = |text: &mut String| {
            if text.contains(secret) {
                *text = text.replace(secret, REDACTED);
            }
        };
        match &mut self {
            Error::Status(e) => {
                scrub(&mut e.body);
                if let Some(drf) = &mut e.drf {
                    if let Some(detail) = &mut drf.detail {
                        scrub(detail);
                    }
                    drf.non_field_errors.iter_mut().for_each(scrub);
                    for messages in drf.fields.values_mut() {
                        messages.iter_mut().for_each(scrub);
                    }
                }
                for value in e.headers.values_mut() {
                    if String::from_utf8_lossy(value.as_bytes()).contains(secret) {
                        *value = reqwest::header::HeaderValue::from_static(REDACTED);
                    }
                }
            }
            Error::Decode(e) => {
                scrub(&mut e.message);
                scrub(&mut e.snippet);
                scrub(&mut e.path);
            }
            Error::Redirect(e) => {
                scrub(&mut e.location);
                scrub(&mut e.reason);
            }
            Error::Pagination(message) => scrub(message),
            _ => {}
        }
        self
    }

    /// Whether the server answered 404 (an unknown UUID, an endpoint it does not have):
    /// `client.customers().retrieve(uuid).await` then usually maps to `None`.
    pub fn is_not_found(&self) -> bool {
        self.as_status().is_some_and(StatusError::is_not_found)
    }

    /// Whether the server answered 400 (see [`StatusError::field_errors`] for why).
    pub fn is_bad_request(&self) -> bool {
        self.as_status().is_some_and(StatusError::is_bad_request)
    }

    /// Whether the server answered 401: no token, or one it does not accept.
    pub fn is_unauthorized(&self) -> bool {
        self.as_status().is_some_and(StatusError::is_unauthorized)
    }

    /// Whether the server answered 403: the token's user may not do this.
    pub fn is_forbidden(&self) -> bool {
        self.as_status().is_some_and(StatusError::is_forbidden)
    }

    /// Whether the server answered 409: the resource's state does not allow the action.
    pub fn is_conflict(&self) -> bool {
        self.as_status().is_some_and(StatusError::is_conflict)
    }

    /// Whether the server answered 429 (after the retries the policy allows).
    pub fn is_rate_limited(&self) -> bool {
        self.as_status().is_some_and(StatusError::is_rate_limited)
    }

    /// Whether the server answered 5xx (after the retries the policy allows).
    pub fn is_server_error(&self) -> bool {
        self.as_status().is_some_and(StatusError::is_server_error)
    }

    /// The parsed Django REST framework error body of a status error, if there was one.
    pub fn drf(&self) -> Option<&DrfError> {
        self.as_status().and_then(|e| e.drf.as_ref())
    }
}

/// Whether hyper could not parse what the server sent (a head too large, an invalid status
/// line or header): the same request gets the same answer, so it is not retried.
/// Whether the response broke HTTP's rules in a way the same request would meet again: a
/// head hyper cannot parse, or a body whose framing it refuses (a chunk size that is not a
/// number, chunk extensions over hyper's limit: `InvalidInput` or `InvalidData` under a
/// hyper error). A connection cut short (`UnexpectedEof`, a reset) is not: the next attempt
/// may get through.
fn is_protocol_error(e: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(e);
    let mut under_hyper = false;
    while let Some(cause) = source {
        if let Some(h) = cause.downcast_ref::<hyper::Error>() {
            if h.is_parse() || h.is_parse_status() || h.is_user() {
                return true;
            }
            under_hyper = true;
        }
        if under_hyper
            && cause.downcast_ref::<std::io::Error>().is_some_and(|io| {
                matches!(
                    io.kind(),
                    std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput
                )
            })
        {
            return true;
        }
        source = cause.source();
    }
    false
}

/// Longest server-provided message shown in an error's `Display`, in characters.
pub const MAX_MESSAGE_CHARS: usize = 300;
/// Longest URL shown in an error's `Display`, in characters.
const MAX_URL_CHARS: usize = 300;

/// `text` made safe for a log line: control characters (newlines, ESC, DEL, C1), bidi
/// overrides and line separators escaped as `\n`, `\u{1b}`, ...; cut after `max_chars`
/// characters with the number of bytes left out.
pub fn loggable(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars + 32));
    for (count, (at, c)) in text.char_indices().enumerate() {
        if count == max_chars {
            out.push_str(&format!("... ({} more bytes)", text.len() - at));
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control()
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}') =>
            {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// A URL for an error message: already percent-encoded (no control characters), but its
/// length comes from the server when it redirected.
struct ShortUrl<'a>(&'a Url);

impl fmt::Display for ShortUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&loggable(self.0.as_str(), MAX_URL_CHARS))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Transport {
                method,
                url,
                source,
                attempts,
            } => {
                write!(
                    f,
                    "{method} {} failed: {}",
                    ShortUrl(url),
                    transport_kind(source)
                )?;
                write_source_chain(f, source)?;
                write_attempts(f, *attempts)
            }
            Error::Timeout {
                method,
                url,
                attempts,
            } => {
                write!(f, "{method} {} timed out", ShortUrl(url))?;
                write_attempts(f, *attempts)
            }
            Error::Deadline(e) => e.fmt(f),
            Error::Status(e) => e.fmt(f),
            Error::Decode(e) => e.fmt(f),
            Error::BodyTooLarge(e) => e.fmt(f),
            Error::Redirect(e) => e.fmt(f),
            Error::Pagination(msg) => write!(
                f,
                "pagination stopped: {}",
                loggable(msg, 2 * MAX_MESSAGE_CHARS)
            ),
            Error::Field(e) => e.fmt(f),
            Error::Encode(msg) => write!(
                f,
                "cannot encode the request: {}",
                loggable(msg, 2 * MAX_MESSAGE_CHARS)
            ),
            Error::Config(msg) => write!(
                f,
                "invalid client configuration: {}",
                loggable(msg, 2 * MAX_MESSAGE_CHARS)
            ),
            Error::Hook { operation, message } => write!(
                f,
                "a request hook stopped {operation}: {}",
                loggable(message, 2 * MAX_MESSAGE_CHARS)
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<FieldError> for Error {
    fn from(e: FieldError) -> Self {
        Error::Field(e)
    }
}

/// An attempt cut short by the call's overall deadline.
#[derive(Debug, Clone)]
pub struct DeadlineError {
    pub method: Method,
    pub url: Url,
    pub deadline: Duration,
    /// Attempts made, the one cut short included.
    pub attempts: u32,
}

impl fmt::Display for DeadlineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} did not complete within its deadline of {:?} ({} attempt{})",
            self.method,
            ShortUrl(&self.url),
            self.deadline,
            self.attempts,
            if self.attempts == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for DeadlineError {}

/// A successful response whose body is larger than the client's limit.
#[derive(Debug, Clone)]
pub struct BodyTooLargeError {
    pub method: Method,
    pub url: Url,
    pub limit: u64,
    /// The `Content-Length` the server announced, when it announced one (the body was then
    /// not read at all).
    pub content_length: Option<u64>,
}

impl fmt::Display for BodyTooLargeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the response to {} {} is larger than the limit of {} bytes",
            self.method,
            ShortUrl(&self.url),
            self.limit
        )?;
        match self.content_length {
            Some(len) => write!(f, " (Content-Length: {len}); it was not read"),
            None => write!(f, "; reading stopped at the limit"),
        }
    }
}

impl std::error::Error for BodyTooLargeError {}

/// A required response field without a valid value ([`super::Lenient::required`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// How the caller named the field (`"OpenStackVolume.uuid"`).
    pub field: &'static str,
    /// What arrived: `absent`, `null`, or the kind and start of the invalid value.
    pub found: String,
}

impl FieldError {
    pub fn new(field: &'static str, found: String) -> FieldError {
        FieldError { field, found }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "required field {} has no valid value: {}",
            self.field,
            loggable(&self.found, MAX_MESSAGE_CHARS)
        )
    }
}

impl std::error::Error for FieldError {}

/// A redirect the client refused to follow.
#[derive(Debug, Clone)]
pub struct RedirectError {
    pub method: Method,
    /// The URL that answered with the redirect.
    pub url: Url,
    /// The redirect status; `None` when a caller-supplied HTTP client followed the redirect
    /// itself (`location` is then where it ended).
    pub status: Option<u16>,
    /// The `Location` the server sent, as sent (escaped and cut in `Display`).
    pub location: String,
    /// Why it was refused.
    pub reason: String,
}

impl fmt::Display for RedirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} was redirected", self.method, ShortUrl(&self.url))?;
        if let Some(status) = self.status {
            write!(f, " (HTTP {status})")?;
        }
        write!(
            f,
            " to \"{}\", which the client refused: {}",
            loggable(&self.location, MAX_URL_CHARS),
            self.reason
        )
    }
}

impl std::error::Error for RedirectError {}

/// ` (after N attempts)` when the request was retried; nothing for a single attempt.
fn write_attempts(f: &mut fmt::Formatter<'_>, attempts: u32) -> fmt::Result {
    if attempts > 1 {
        write!(f, " (after {attempts} attempts)")?;
    }
    Ok(())
}

/// A short description of what failed, without the URL reqwest puts in its own message.
fn transport_kind(e: &reqwest::Error) -> &'static str {
    if e.is_connect() {
        "cannot connect"
    } else if e.is_redirect() {
        "error following a redirect"
    } else if e.is_body() || e.is_decode() {
        "error reading the response body"
    } else if e.is_request() {
        "error sending the request"
    } else if e.is_builder() {
        "cannot build the request"
    } else {
        "request failed"
    }
}

/// Appends `: cause` for every error below the reqwest error, skipping reqwest's own wrappers
/// and repeated messages (hyper and std often wrap an error in one with the same text).
fn write_source_chain(f: &mut fmt::Formatter<'_>, e: &reqwest::Error) -> fmt::Result {
    let mut previous = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        source = cause.source();
        if cause.is::<reqwest::Error>() {
            continue;
        }
        let text = cause.to_string();
        if !text.is_empty() && text != previous {
            write!(f, ": {}", loggable(&text, MAX_MESSAGE_CHARS))?;
        }
        previous = text;
    }
    Ok(())
}

/// What stands in an error's text for the client's own token (see [`Error::redacted`]).
pub const REDACTED: &str = "[redacted]";

/// A response with a status outside 2xx.
#[derive(Debug, Clone)]
pub struct StatusError {
    pub status: u16,
    pub method: Method,
    pub url: Url,
    pub headers: HeaderMap,
    /// The response body (at most [`ERROR_BODY_LIMIT`] bytes of it), decoded as UTF-8 with
    /// invalid sequences replaced. Not escaped: use [`StatusError::message`] or `Display` for
    /// logs.
    pub body: String,
    /// Whether the body was longer than [`ERROR_BODY_LIMIT`] and cut (the rest was never read).
    pub body_truncated: bool,
    /// The body parsed as a Django REST framework error, when it was one (and complete).
    pub drf: Option<DrfError>,
    /// How many times the request was sent (1 without retries); see [`Error::attempts`].
    pub attempts: u32,
}

/// How much of an error response's body is read and kept (8 KiB): enough for any Django REST
/// framework validation error, and an error answered with megabytes costs no more. The rest
/// is never downloaded, and every retry reads at most this much again.
pub const ERROR_BODY_LIMIT: usize = 8 * 1024;

impl StatusError {
    /// Builds the error from the raw response parts, parsing a DRF body if there is one. A
    /// body longer than [`ERROR_BODY_LIMIT`] is cut.
    pub fn new(status: u16, method: Method, url: Url, headers: HeaderMap, body: &[u8]) -> Self {
        let truncated = body.len() > ERROR_BODY_LIMIT;
        let kept = &body[..body.len().min(ERROR_BODY_LIMIT)];
        StatusError {
            status,
            method,
            url,
            headers,
            body: String::from_utf8_lossy(kept).into_owned(),
            body_truncated: truncated,
            drf: DrfError::parse(kept),
            attempts: 1,
        }
    }

    /// Like [`StatusError::new`] for a body that was already cut at the limit while reading.
    pub fn with_truncated_body(mut self, truncated: bool) -> Self {
        self.body_truncated |= truncated;
        self
    }

    /// The body as received (up to [`ERROR_BODY_LIMIT`] bytes), unescaped.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// Whether [`StatusError::body`] is only the start of a longer body.
    pub fn body_truncated(&self) -> bool {
        self.body_truncated
    }

    /// The canonical reason phrase of the status (`"Not Found"`), if it has one.
    pub fn reason(&self) -> Option<&'static str> {
        reqwest::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
    }

    /// The human-readable message, safe to log: the DRF summary, else the start of the body
    /// with its whitespace collapsed, else `None`. At most [`MAX_MESSAGE_CHARS`] characters,
    /// control characters escaped.
    pub fn message(&self) -> Option<String> {
        let summary = self.drf.as_ref().map(DrfError::summary);
        if let Some(summary) = summary.filter(|s| !s.is_empty()) {
            return Some(loggable(&summary, MAX_MESSAGE_CHARS));
        }
        // Collapse only what can be shown; the body may be 8 KiB of whitespace.
        let start: String = self.body.chars().take(4 * MAX_MESSAGE_CHARS).collect();
        let collapsed = start.split_whitespace().collect::<Vec<_>>().join(" ");
        if collapsed.is_empty() {
            return None;
        }
        Some(loggable(&collapsed, 200))
    }

    /// The messages for one field (dotted path for nested fields), empty when it has none.
    pub fn field_errors(&self, field: &str) -> &[String] {
        self.drf
            .as_ref()
            .and_then(|d| d.fields.get(field))
            .map_or(&[], Vec::as_slice)
    }

    /// `Retry-After` of this response (seconds or an HTTP date), whatever the status.
    pub fn retry_after(&self) -> Option<Duration> {
        let value = self
            .headers
            .get(reqwest::header::RETRY_AFTER)?
            .to_str()
            .ok()?;
        super::retry::parse_retry_after(value, std::time::SystemTime::now())
    }

    pub fn is_bad_request(&self) -> bool {
        self.status == 400
    }
    pub fn is_unauthorized(&self) -> bool {
        self.status == 401
    }
    pub fn is_forbidden(&self) -> bool {
        self.status == 403
    }
    pub fn is_not_found(&self) -> bool {
        self.status == 404
    }
    pub fn is_conflict(&self) -> bool {
        self.status == 409
    }
    pub fn is_rate_limited(&self) -> bool {
        self.status == 429
    }
    pub fn is_server_error(&self) -> bool {
        (500..=599).contains(&self.status)
    }
}

impl fmt::Display for StatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(reason) = self.reason() {
            write!(f, " {reason}")?;
        }
        write!(f, " from {} {}", self.method, self.url)?;
        if let Some(message) = self.message() {
            write!(f, ": {message}")?;
        }
        write_attempts(f, self.attempts)
    }
}

impl std::error::Error for StatusError {}

/// A Django REST framework error body.
///
/// `{"detail": "..."}` fills `detail`; `{"non_field_errors": [...]}` (or a bare JSON list of
/// messages) fills `non_field_errors`; every other key is a field. Nested serializer errors are
/// flattened to dotted keys: `{"a": {"b": ["x"]}}` gives `a.b`, a list of objects gives `a.0.b`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DrfError {
    pub detail: Option<String>,
    pub non_field_errors: Vec<String>,
    pub fields: BTreeMap<String, Vec<String>>,
}

impl DrfError {
    /// Parses a DRF error body leniently: messages may be strings or lists of strings, values of
    /// any other kind are ignored. `None` when the body is not JSON or holds no message at all.
    pub fn parse(body: &[u8]) -> Option<DrfError> {
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        let mut out = DrfError::default();
        match value {
            serde_json::Value::String(s) => out.detail = Some(s),
            serde_json::Value::Array(items) => collect_messages(&items, &mut out.non_field_errors),
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    match key.as_str() {
                        "detail" => {
                            let mut messages = Vec::new();
                            collect_messages(std::slice::from_ref(&value), &mut messages);
                            if !messages.is_empty() {
                                out.detail = Some(messages.join(" "));
                            }
                        }
                        "non_field_errors" => collect_messages(
                            std::slice::from_ref(&value),
                            &mut out.non_field_errors,
                        ),
                        _ => flatten_field(key, value, &mut out.fields),
                    }
                }
            }
            _ => return None,
        }
        if out.is_empty() { None } else { Some(out) }
    }

    /// Whether no message was found.
    pub fn is_empty(&self) -> bool {
        self.detail.is_none() && self.non_field_errors.is_empty() && self.fields.is_empty()
    }

    /// All messages on one line: detail, non-field errors, then `field: message` in key order,
    /// separated by `"; "`.
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        parts.extend(self.detail.iter().cloned());
        parts.extend(self.non_field_errors.iter().cloned());
        for (field, messages) in &self.fields {
            for message in messages {
                parts.push(format!("{field}: {message}"));
            }
        }
        parts.join("; ")
    }
}

/// Strings in `values`, and strings directly inside lists in `values`.
fn collect_messages(values: &[serde_json::Value], out: &mut Vec<String>) {
    for value in values {
        match value {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(items) => {
                out.extend(items.iter().filter_map(|v| v.as_str().map(str::to_owned)))
            }
            _ => {}
        }
    }
}

fn flatten_field(path: String, value: serde_json::Value, out: &mut BTreeMap<String, Vec<String>>) {
    match value {
        serde_json::Value::String(s) => out.entry(path).or_default().push(s),
        serde_json::Value::Array(items) => {
            for (index, item) in items.into_iter().enumerate() {
                match item {
                    serde_json::Value::String(s) => out.entry(path.clone()).or_default().push(s),
                    serde_json::Value::Object(_) | serde_json::Value::Array(_) => {
                        flatten_field(format!("{path}.{index}"), item, out)
                    }
                    _ => {}
                }
            }
        }
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                flatten_field(format!("{path}.{key}"), item, out);
            }
        }
        _ => {}
    }
}

/// A 2xx response whose body did not decode into the expected type.
#[derive(Debug, Clone)]
pub struct DecodeError {
    pub method: Method,
    pub url: Url,
    pub status: u16,
    /// Path of the offending value (`results[2].name`, `.` for the whole body).
    pub path: String,
    /// serde's message, with line and column.
    pub message: String,
    /// At most 200 characters of the body around the error position.
    pub snippet: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot decode the response of {} {} (HTTP {}) at {}: {}; body near the error: {:?}",
            self.method,
            ShortUrl(&self.url),
            self.status,
            loggable(&self.path, 100),
            loggable(&self.message, MAX_MESSAGE_CHARS),
            // `{:?}` escapes quotes, backslashes and control characters.
            self.snippet.chars().take(200).collect::<String>()
        )
    }
}

impl std::error::Error for DecodeError {}
