//! Hooks: the caller's own code, run on every request before it is sent and on every response
//! before its status is checked and its body decoded.
//!
//! A [`Hook`] can add, replace or remove headers, sign a request, rewrite its URL or body,
//! refuse to send it, and read or repair a response (headers, body, even the status). Hooks are
//! registered with [`super::client::ClientBuilder::hook`] (or the closure shorthands
//! [`super::client::ClientBuilder::on_request`] and
//! [`super::client::ClientBuilder::on_response`]) and run in registration order, once per
//! attempt: a retried request passes through them again.
//!
//! For a fixed header on every request, [`super::client::ClientBuilder::default_header`] is
//! simpler. Hooks see the request as it will be sent, `Authorization` included: a hook that
//! logs requests must leave that header out itself.
//!
//! ```text
//! use waldur_client::runtime::hooks::{Hook, HookError, HookResponse, RequestInfo};
//!
//! /// Adds a correlation id and counts throttled answers.
//! struct Correlate;
//!
//! impl Hook for Correlate {
//!     fn on_request(&self, _: &RequestInfo<'_>, req: &mut reqwest::Request) -> Result<(), HookError> {
//!         req.headers_mut().insert("x-correlation-id", "portal-42".parse()?);
//!         Ok(())
//!     }
//!
//!     fn on_response(&self, info: &RequestInfo<'_>, resp: &mut HookResponse) {
//!         if resp.status == 429 {
//!             eprintln!("{} throttled on attempt {}", info.operation_id.unwrap_or("?"), info.attempt);
//!         }
//!     }
//! }
//!
//! let client = waldur_client::Client::builder("https://waldur.example.com")
//!     .token("<api token>")
//!     .default_header("x-portal", "billing")
//!     .hook(Correlate)
//!     .build()?;
//! ```
//!
//! (The runtime is copied into every generated crate, so its examples are not compiled here;
//! `tests/hooks.rs` of the runtime runs this one.)

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};

use super::error::Error;
use super::request::ApiRequest;

/// The error a request hook returns to stop a request; it becomes [`Error::Hook`] with the
/// error's message.
pub type HookError = Box<dyn std::error::Error + Send + Sync>;

/// What a hook is told about the request it sees.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct RequestInfo<'a> {
    /// The operation id (`"openstack_volumes_list"`), when the request names one (generated
    /// operations always do; see [`ApiRequest::operation`]).
    pub operation_id: Option<&'static str>,
    /// The path template (`"/api/openstack-volumes/{uuid}/"`), when the request names one.
    pub path_template: Option<&'static str>,
    /// The request method.
    pub method: &'a Method,
    /// The attempt number, 1 for the first sending of the request, 2 for the first retry, ...
    pub attempt: u32,
}

impl<'a> RequestInfo<'a> {
    /// The information about `req` for its attempt number `attempt` (1-based).
    pub fn new(req: &'a ApiRequest, attempt: u32) -> RequestInfo<'a> {
        RequestInfo {
            operation_id: req.operation_id(),
            path_template: req.path_template(),
            method: req.method(),
            attempt,
        }
    }
}

/// A response as the response hooks see it: everything has been read, nothing checked or
/// decoded yet. Changes made here are what the client goes on with: a hook may replace the
/// body, add a header, or turn a status into another.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HookResponse {
    /// The status code.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The whole response body.
    pub body: Bytes,
    /// The URL that answered (after redirects).
    pub url: Url,
}

impl HookResponse {
    /// A response with the given parts (the client builds these; tests of hooks may too).
    pub fn new(status: u16, headers: HeaderMap, body: Bytes, url: Url) -> HookResponse {
        HookResponse {
            status,
            headers,
            body,
            url,
        }
    }
}

/// Code run on every request and response of a client. Both methods do nothing by default,
/// so a hook implements only what it needs. Hooks must not block: they run on the async
/// task that sends the request.
pub trait Hook: Send + Sync + 'static {
    /// Called before each attempt is sent, with the request exactly as it will go out (URL
    /// with query, headers including `Authorization`, body). An error stops the request: it
    /// is not sent, not retried, and the call fails with [`Error::Hook`].
    fn on_request(
        &self,
        info: &RequestInfo<'_>,
        request: &mut reqwest::Request,
    ) -> Result<(), HookError> {
        let _ = (info, request);
        Ok(())
    }

    /// Called for every response that arrived (any status, 2xx or not), after its body was
    /// read and before its status is checked. Not called when no response arrived
    /// (connection failure, timeout).
    fn on_response(&self, info: &RequestInfo<'_>, response: &mut HookResponse) {
        let _ = (info, response);
    }
}

/// A shared hook: register an `Arc<H>` and keep a clone to look at what it collected.
impl<H: Hook> Hook for Arc<H> {
    fn on_request(
        &self,
        info: &RequestInfo<'_>,
        request: &mut reqwest::Request,
    ) -> Result<(), HookError> {
        (**self).on_request(info, request)
    }

    fn on_response(&self, info: &RequestInfo<'_>, response: &mut HookResponse) {
        (**self).on_response(info, response)
    }
}

/// A request hook made of a closure ([`super::client::ClientBuilder::on_request`]).
struct RequestFn<F>(F);

impl<F> Hook for RequestFn<F>
where
    F: Fn(&RequestInfo<'_>, &mut reqwest::Request) -> Result<(), HookError> + Send + Sync + 'static,
{
    fn on_request(
        &self,
        info: &RequestInfo<'_>,
        request: &mut reqwest::Request,
    ) -> Result<(), HookError> {
        (self.0)(info, request)
    }
}

/// A response hook made of a closure ([`super::client::ClientBuilder::on_response`]).
struct ResponseFn<F>(F);

impl<F> Hook for ResponseFn<F>
where
    F: Fn(&RequestInfo<'_>, &mut HookResponse) + Send + Sync + 'static,
{
    fn on_response(&self, info: &RequestInfo<'_>, response: &mut HookResponse) {
        (self.0)(info, response)
    }
}

/// Wraps a request closure as a [`Hook`].
pub(crate) fn request_fn<F>(f: F) -> Arc<dyn Hook>
where
    F: Fn(&RequestInfo<'_>, &mut reqwest::Request) -> Result<(), HookError> + Send + Sync + 'static,
{
    Arc::new(RequestFn(f))
}

/// Wraps a response closure as a [`Hook`].
pub(crate) fn response_fn<F>(f: F) -> Arc<dyn Hook>
where
    F: Fn(&RequestInfo<'_>, &mut HookResponse) + Send + Sync + 'static,
{
    Arc::new(ResponseFn(f))
}

/// The default headers and hooks of a client.
#[derive(Clone, Default)]
pub(crate) struct Hooks {
    default_headers: HeaderMap,
    hooks: Vec<Arc<dyn Hook>>,
}

impl fmt::Debug for Hooks {
    /// Header names only: default headers may hold keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hooks")
            .field(
                "default_headers",
                &self
                    .default_headers
                    .keys()
                    .map(HeaderName::as_str)
                    .collect::<Vec<_>>(),
            )
            .field("hooks", &self.hooks.len())
            .finish()
    }
}

impl Hooks {
    /// Validates the builder's default headers. Values are marked sensitive (they may be keys),
    /// which keeps them out of `Debug` output.
    pub(crate) fn new(
        default_headers: &[(String, String)],
        hooks: Vec<Arc<dyn Hook>>,
    ) -> Result<Hooks, Error> {
        let mut map = HeaderMap::new();
        for (name, value) in default_headers {
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::Config(format!(
                    "default header name {name:?} is not a valid HTTP header name"
                ))
            })?;
            if header == reqwest::header::AUTHORIZATION {
                return Err(Error::Config(
                    "default header Authorization: set credentials with ClientBuilder::token, \
                     bearer or auth_scheme, which keep them out of Debug output and errors"
                        .to_owned(),
                ));
            }
            if matches!(
                header,
                reqwest::header::HOST
                    | reqwest::header::CONTENT_LENGTH
                    | reqwest::header::TRANSFER_ENCODING
                    | reqwest::header::CONNECTION
            ) {
                return Err(Error::Config(format!(
                    "default header {name}: it is set by the HTTP client for each request"
                )));
            }
            let mut value = HeaderValue::from_str(value).map_err(|_| {
                Error::Config(format!(
                    "the value of default header {name} is not a valid HTTP header value"
                ))
            })?;
            value.set_sensitive(true);
            map.append(header, value);
        }
        Ok(Hooks {
            default_headers: map,
            hooks,
        })
    }

    /// The default headers, replacing the client's own `Accept` or `User-Agent` if they name
    /// one of those (applied before authentication and the request's own headers).
    pub(crate) fn default_headers(&self, rb: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        if self.default_headers.is_empty() {
            rb
        } else {
            rb.headers(self.default_headers.clone())
        }
    }

    /// Runs every request hook in order; the first error stops the request.
    pub(crate) fn on_request(
        &self,
        req: &ApiRequest,
        info: &RequestInfo<'_>,
        request: &mut reqwest::Request,
    ) -> Result<(), Error> {
        for hook in &self.hooks {
            hook.on_request(info, request).map_err(|e| Error::Hook {
                operation: match req.operation_id() {
                    Some(id) => id.to_owned(),
                    None => format!("{} {}", req.method(), req.path()),
                },
                message: e.to_string(),
            })?;
        }
        Ok(())
    }

    /// Runs every response hook in order.
    pub(crate) fn on_response(&self, info: &RequestInfo<'_>, response: &mut HookResponse) {
        for hook in &self.hooks {
            hook.on_response(info, response);
        }
    }
}
