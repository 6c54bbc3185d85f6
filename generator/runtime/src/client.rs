//! The HTTP client: base URL, authentication, user agent, timeouts and retries.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures_core::Stream;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue, USER_AGENT};
use reqwest::{Method, Url};

use super::body::{self, DEFAULT_MAX_RESPONSE_BYTES};
use super::connections::{ConnectionLimit, Hop};
use super::error::{DeadlineError, ERROR_BODY_LIMIT, Error, StatusError};
use super::hooks::{Hook, HookError, HookResponse, Hooks, RequestInfo};
use super::pagination::{Page, PageOptions, paginate_with};
use super::redirect;
use super::request::ApiRequest;
use super::response::{self, ApiResponse};
use super::retry::{CallClock, RetryPolicy};
use super::trace::Trace;

/// Largest `page_size` the Waldur server honours (it silently clamps larger values).
pub const MAX_PAGE_SIZE: u32 = 300;

/// Default per-attempt timeout (request and body): 60 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time to establish a connection: 10 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default overall deadline of one call, all attempts and waits between them included: 120 s
/// (two full 60 s attempts at most, instead of four plus `Retry-After` waits).
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(120);
/// Default limit of calls in flight on one client (and its clones): 16. A Waldur server runs a
/// handful of workers; a program firing thousands of calls at once would otherwise open as
/// many connections and queue them all there. 16 is more than a program waiting on its
/// answers one by one, or streaming a list, ever uses.
pub const DEFAULT_MAX_CONCURRENT_REQUESTS: usize = 16;

/// A Waldur API client. Cheap to clone (shared state behind an `Arc`).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    /// Path of the base URL without its trailing slash ("" or "/waldur").
    base_path: String,
    auth: Option<Auth>,
    user_agent: HeaderValue,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    retry: RetryPolicy,
    page_size: u32,
    max_response_bytes: u64,
    max_pages: Option<u32>,
    hooks: Hooks,
    /// Calls in flight ([`ClientBuilder::max_concurrent_requests`]); `None`: no limit.
    in_flight: Option<Arc<tokio::sync::Semaphore>>,
    /// Connections per host, as many as calls in flight; `None` without a limit, or with a
    /// caller-supplied `reqwest::Client` (its connector cannot be reached).
    connections: Option<Arc<ConnectionLimit>>,
}

/// The `Authorization` header; only the scheme is ever shown.
#[derive(Clone)]
pub(crate) struct Auth {
    scheme: String,
    header: HeaderValue,
    /// The token itself, to scrub from errors (see [`Error::redacted`]).
    secret: String,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url.as_str())
            .field("auth", &inner.auth.as_ref().map(|a| redacted(&a.scheme)))
            .field("user_agent", &inner.user_agent)
            .field("timeout", &inner.timeout)
            .field("deadline", &inner.deadline)
            .field("retry", &inner.retry)
            .field("page_size", &inner.page_size)
            .field("max_response_bytes", &inner.max_response_bytes)
            .field("max_pages", &inner.max_pages)
            .field("hooks", &inner.hooks)
            .finish()
    }
}

fn redacted(scheme: &str) -> String {
    format!("{scheme} <redacted>")
}

impl Client {
    /// A client sending `Authorization: Token <token>`.
    pub fn new(base_url: &str, token: &str) -> Result<Client, Error> {
        Client::builder(base_url).token(token).build()
    }

    /// A builder for a client of the Waldur server at `base_url`: the server root
    /// (`https://waldur.example.com`), or its API root (`https://waldur.example.com/api/`), whose
    /// trailing `api` segment is dropped because every operation path starts with `/api/`.
    /// A deployment below a prefix works the same way (`https://example.com/waldur/api/`).
    pub fn builder(base_url: &str) -> ClientBuilder {
        ClientBuilder::new(base_url)
    }

    /// The base URL requests are joined to: the server root, always ending in `/` (a trailing
    /// `api` segment of the configured URL removed).
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Page size used by `list_all`-style streams (default 300, the server maximum).
    pub fn default_page_size(&self) -> u32 {
        self.inner.page_size
    }

    /// Largest successful response body accepted, in bytes.
    pub fn max_response_bytes(&self) -> u64 {
        self.inner.max_response_bytes
    }

    /// The overall deadline of one call, if any.
    pub fn call_deadline(&self) -> Option<Duration> {
        self.inner.deadline
    }

    /// How a stream with this client's settings walks pages: `page_size` and `limit` as given,
    /// the page cap from [`ClientBuilder::max_pages`].
    pub fn page_options(&self, page_size: u32, limit: Option<u64>) -> PageOptions {
        PageOptions {
            page_size,
            limit,
            max_pages: self.inner.max_pages,
        }
    }

    /// [`super::pagination::paginate_with`] with this client's page cap: the stream generated
    /// `list_stream` methods return.
    pub fn paginate<T, F, Fut>(
        &self,
        page_size: u32,
        limit: Option<u64>,
        fetch: F,
    ) -> impl Stream<Item = Result<T, Error>> + Send + Unpin + use<T, F, Fut>
    where
        F: FnMut(u32, u32) -> Fut + Send,
        Fut: Future<Output = Result<Page<T>, Error>> + Send,
        T: Send,
    {
        paginate_with(self.page_options(page_size, limit), fetch)
    }

    /// The full URL of a request: base URL + path + encoded query.
    pub fn url_for(&self, req: &ApiRequest) -> Result<Url, Error> {
        let path = req.path();
        let mut joined = String::with_capacity(self.inner.base_path.len() + path.len() + 1);
        joined.push_str(&self.inner.base_path);
        if !path.starts_with('/') {
            joined.push('/');
        }
        joined.push_str(path);
        let mut url = self.inner.base_url.clone();
        url.set_path(&joined);
        if req.query_pairs().is_empty() {
            url.set_query(None);
        } else {
            url.set_query(Some(&req.query_string()));
        }
        // `set_path` resolves `.`/`..` segments and escapes characters such as `?` and `#`;
        // either means the path was not a properly encoded path and would hit another URL.
        if url.path() != joined {
            return Err(Error::Encode(format!(
                "request path {path:?} is not a percent-encoded URL path (it would be sent as {:?}); \
                 a path parameter may be empty, \".\" or \"..\"",
                url.path()
            )));
        }
        Ok(url)
    }

    /// Sends one request with auth, user agent, hooks, the retry policy and the limits applied.
    /// Any status outside 2xx is returned as [`Error::Status`]; the final error says how many
    /// attempts were made ([`Error::attempts`]).
    ///
    /// Each attempt is bounded by the per-attempt timeout, and the whole call (attempts and the
    /// waits between them) by the deadline: a retry whose wait would end past the deadline is
    /// not made (the last error is returned), and an attempt cut by the deadline gives
    /// [`Error::Deadline`]. Successful bodies are limited to
    /// [`ClientBuilder::max_response_bytes`], error bodies to [`ERROR_BODY_LIMIT`]; an HTML
    /// page answering 2xx is an [`Error::Decode`]. Redirects: see [`super::redirect`].
    pub async fn execute(&self, req: ApiRequest) -> Result<ApiResponse, Error> {
        let trace = Trace::start(&req);
        let mut clock = CallClock::start(req.deadline_override().unwrap_or(self.inner.deadline));
        let result = trace
            .instrument(async {
                // Waiting for a slot counts against the call's deadline.
                let _slot = self.admit(&req, &clock).await?;
                let result = self.execute_traced(&req, &trace, &mut clock).await;
                // The body has been read, and reqwest hands the connection back to its pool
                // on a task of its own. Yielding once, before the slot is given up, lets that
                // task run before the next call looks for an idle connection; otherwise that
                // call would wait for this one at the limit of connections (see
                // `connections`), or, on a caller-supplied reqwest::Client, open another.
                tokio::task::yield_now().await;
                result
            })
            .await
            .map_err(|e| self.redact(e));
        trace.finish(&result);
        result
    }

    /// A slot among the calls in flight, waiting for one while the limit is reached, up to the
    /// call's deadline (then [`Error::Deadline`], with no attempt made).
    async fn admit(
        &self,
        req: &ApiRequest,
        clock: &CallClock,
    ) -> Result<Option<tokio::sync::OwnedSemaphorePermit>, Error> {
        let Some(in_flight) = &self.inner.in_flight else {
            return Ok(None);
        };
        let acquire = in_flight.clone().acquire_owned();
        let permit = match clock.remaining() {
            None => acquire.await,
            Some(left) => match tokio::time::timeout(left, acquire).await {
                Ok(permit) => permit,
                Err(_) => {
                    return Err(Error::Deadline(Box::new(DeadlineError {
                        method: req.method().clone(),
                        url: self.url_for(req)?,
                        deadline: clock.deadline().unwrap_or_default(),
                        attempts: 0,
                    })));
                }
            },
        };
        // The semaphore is never closed.
        Ok(permit.ok())
    }

    /// `e` without the client's token in any text the server sent (see [`Error::redacted`]).
    /// Errors of [`Client::execute`] are redacted already; decoding a response it returned
    /// can make new ones, and the generated operations pass those through here too.
    pub fn redact(&self, e: Error) -> Error {
        match &self.inner.auth {
            Some(auth) => e.redacted(&auth.secret),
            None => e,
        }
    }

    async fn execute_traced(
        &self,
        req: &ApiRequest,
        trace: &Trace,
        clock: &mut CallClock,
    ) -> Result<ApiResponse, Error> {
        let url = self.url_for(req)?;
        let policy = &self.inner.retry;
        let may_retry = policy.allows_method(req.method());
        let mut attempt = 1;
        loop {
            trace.attempt(attempt);
            let mut error = match self.attempt(req, &url, clock, attempt).await {
                Ok(resp) => return Ok(resp),
                // Before the retry event traces it.
                Err(e) => self.redact(e),
            };
            let retry = attempt - 1;
            if !may_retry || retry >= policy.max_retries || !error.is_retryable() {
                error.set_attempts(attempt);
                return Err(error);
            }
            let delay = policy.delay(retry, error.retry_after());
            if !clock.has_time_for(delay) {
                error.set_attempts(attempt);
                return Err(error);
            }
            clock.record_sleep(delay);
            trace.retry(attempt, &error, delay);
            policy.sleep(delay).await;
            attempt += 1;
        }
    }

    /// One attempt under the per-attempt timeout, cut short by the call's deadline.
    async fn attempt(
        &self,
        req: &ApiRequest,
        url: &Url,
        clock: &CallClock,
        attempt: u32,
    ) -> Result<ApiResponse, Error> {
        let per_attempt = req.timeout_override().or(self.inner.timeout);
        let (limit, by_deadline) = clock.attempt_limit(per_attempt);
        let timed_out = || match (by_deadline, clock.deadline()) {
            (true, Some(deadline)) => Error::Deadline(Box::new(DeadlineError {
                method: req.method().clone(),
                url: url.clone(),
                deadline,
                attempts: attempt,
            })),
            _ => Error::Timeout {
                method: req.method().clone(),
                url: url.clone(),
                attempts: attempt,
            },
        };
        let Some(limit) = limit else {
            return self.send_following(req, url, attempt).await;
        };
        if limit.is_zero() {
            return Err(timed_out());
        }
        match tokio::time::timeout(limit, self.send_following(req, url, attempt)).await {
            Err(_) => Err(timed_out()),
            // A timeout inside the attempt (the connect timeout, or a caller-supplied client's
            // own) is a timeout, retryable, even when the deadline is what bounds the attempt.
            Ok(Err(Error::Timeout { .. })) => Err(Error::Timeout {
                method: req.method().clone(),
                url: url.clone(),
                attempts: attempt,
            }),
            Ok(result) => result,
        }
    }

    /// Sends the request, follows same-origin redirects of GET and HEAD, reads the body.
    async fn send_following(
        &self,
        req: &ApiRequest,
        url: &Url,
        attempt: u32,
    ) -> Result<ApiResponse, Error> {
        let info = RequestInfo::new(req, attempt);
        let method = req.method();
        let mut target = url.clone();
        let mut hops = 0;
        loop {
            // The hop ends (its connection is counted as handed back, when it stays open)
            // with the response it came with, here or once `read_response` has read the body.
            let (resp, hop) = self.send_once(req, &target, &info).await?;
            redirect::check_followed(method, &target, &resp)?;
            match redirect::next_hop(method, &target, &resp, hops)? {
                Some(next) => {
                    target = next;
                    hops += 1;
                }
                None => return self.read_response(method, resp, hop, &info).await,
            }
        }
    }

    /// One request on the wire: the client's headers, the caller's default headers and
    /// request hooks applied. With the response, the [`Hop`] that counts its connection until
    /// the body has been read (`None` when connections are not counted).
    async fn send_once(
        &self,
        req: &ApiRequest,
        url: &Url,
        info: &RequestInfo<'_>,
    ) -> Result<(reqwest::Response, Option<Hop>), Error> {
        let inner = &self.inner;
        let method = req.method().clone();
        let mut rb = inner
            .http
            .request(method.clone(), url.clone())
            .header(ACCEPT, "application/json")
            .header(USER_AGENT, inner.user_agent.clone());
        rb = inner.hooks.default_headers(rb);
        if let Some(auth) = &inner.auth {
            rb = rb.header(AUTHORIZATION, auth.header.clone());
        }
        let rb = req.apply_to(rb)?;
        let transport = |source: reqwest::Error| map_reqwest_error(source, &method, url);
        let mut request = rb.build().map_err(transport)?;
        inner.hooks.on_request(req, info, &mut request)?;
        let Some(connections) = &inner.connections else {
            let resp = inner.http.execute(request).await.map_err(transport)?;
            return Ok((resp, None));
        };
        // Counted against the origin the request goes to after the hooks.
        let mut hop = connections.begin(request.url());
        let resp = hop
            .send(inner.http.execute(request))
            .await
            .map_err(transport)?;
        hop.responded(&resp);
        Ok((resp, Some(hop)))
    }

    /// The body of a final answer: bounded (a few KB of an error), passed through the response
    /// hooks, and refused when a success is an HTML page.
    async fn read_response(
        &self,
        method: &Method,
        resp: reqwest::Response,
        mut hop: Option<Hop>,
        info: &RequestInfo<'_>,
    ) -> Result<ApiResponse, Error> {
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let url = resp.url().clone();
        let (body, truncated) = if (200..300).contains(&status) {
            match body::read_limited(resp, self.inner.max_response_bytes, method, &url).await {
                Ok(body) => (body, false),
                Err(e) => {
                    // Left unread, the rest of the body closes the connection.
                    hop.iter_mut().for_each(Hop::not_reusable);
                    return Err(e);
                }
            }
        } else {
            let (body, truncated) = body::read_prefix(resp, ERROR_BODY_LIMIT).await;
            if truncated {
                hop.iter_mut().for_each(Hop::not_reusable);
            }
            (body, truncated)
        };
        // The body is read: the connection is on its way back to the pool.
        drop(hop);
        let mut hooked = HookResponse::new(status, headers, body, url);
        self.inner.hooks.on_response(info, &mut hooked);
        let HookResponse {
            status,
            headers,
            body,
            url,
            ..
        } = hooked;
        if !(200..300).contains(&status) {
            let error = StatusError::new(status, method.clone(), url, headers, &body);
            return Err(Error::Status(Box::new(
                error.with_truncated_body(truncated),
            )));
        }
        let resp = ApiResponse {
            status,
            headers,
            body,
            method: method.clone(),
            url,
        };
        if response::is_html(&resp.headers, &resp.body) {
            return Err(resp.html_error());
        }
        Ok(resp)
    }
}

pub(super) fn map_reqwest_error(source: reqwest::Error, method: &Method, url: &Url) -> Error {
    if source.is_timeout() {
        return Error::Timeout {
            method: method.clone(),
            url: url.clone(),
            attempts: 1,
        };
    }
    if source.is_builder() {
        return Error::Encode(format!(
            "cannot build the request {method} {url}: {}",
            source.without_url()
        ));
    }
    Error::Transport {
        method: method.clone(),
        url: Box::new(url.clone()),
        source,
        attempts: 1,
    }
}

/// Configures a [`Client`]. Errors (bad URL, token not usable in a header) surface in
/// [`ClientBuilder::build`], which returns a `C`: the runtime client, or the generated crate's
/// `Client` that wraps it (`C: From<Client>`).
pub struct ClientBuilder<C = Client> {
    base_url: String,
    auth: Option<(String, String)>,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    default_user_agent: String,
    http_client: Option<reqwest::Client>,
    /// PEM texts given to [`ClientBuilder::root_certificate`], parsed in `build`.
    root_certificates: Vec<Vec<u8>>,
    retry: RetryPolicy,
    max_concurrent_requests: Option<usize>,
    page_size: u32,
    max_response_bytes: u64,
    max_pages: Option<u32>,
    default_headers: Vec<(String, String)>,
    hooks: Vec<Arc<dyn Hook>>,
    into: std::marker::PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field(
                "auth",
                &self.auth.as_ref().map(|(scheme, _)| redacted(scheme)),
            )
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("default_user_agent", &self.default_user_agent)
            .field("http_client", &self.http_client.is_some())
            .field("root_certificates", &self.root_certificates.len())
            .field("retry", &self.retry)
            .field("max_concurrent_requests", &self.max_concurrent_requests)
            .field("page_size", &self.page_size)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_pages", &self.max_pages)
            .field(
                "default_headers",
                &self
                    .default_headers
                    .iter()
                    .map(|(name, _)| name.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("hooks", &self.hooks.len())
            .finish()
    }
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder with the defaults: no authentication, 60 s per attempt, 120 s per call, the
    /// default retry policy, pages of 300.
    pub fn new(base_url: &str) -> Self {
        ClientBuilder {
            base_url: base_url.to_owned(),
            auth: None,
            timeout: Some(DEFAULT_TIMEOUT),
            deadline: Some(DEFAULT_DEADLINE),
            connect_timeout: None,
            user_agent: None,
            default_user_agent: concat!("waldur-client-rust/", env!("CARGO_PKG_VERSION")).into(),
            http_client: None,
            root_certificates: Vec::new(),
            retry: RetryPolicy::default(),
            max_concurrent_requests: Some(DEFAULT_MAX_CONCURRENT_REQUESTS),
            page_size: MAX_PAGE_SIZE,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_pages: None,
            default_headers: Vec::new(),
            hooks: Vec::new(),
            into: std::marker::PhantomData,
        }
    }

    /// `Authorization: Token <key>` (Waldur API tokens).
    pub fn token(self, key: &str) -> Self {
        self.auth_scheme("Token", key)
    }

    /// `Authorization: Bearer <token>` (OIDC access tokens, personal access tokens).
    pub fn bearer(self, token: &str) -> Self {
        self.auth_scheme("Bearer", token)
    }

    /// `Authorization: <prefix> <key>`. Surrounding whitespace of the key (a trailing newline
    /// from a token file) is removed.
    pub fn auth_scheme(mut self, prefix: &str, key: &str) -> Self {
        self.auth = Some((prefix.to_owned(), key.trim().to_owned()));
        self
    }

    /// Total time for one attempt, redirects and body included (default 60 s,
    /// [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// No per-attempt timeout (the deadline still applies).
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// Overall time for one call: every attempt and every wait between attempts (backoff,
    /// `Retry-After`) together (default 120 s, [`DEFAULT_DEADLINE`]). A retry whose wait would
    /// end past it is not made; an attempt it cuts short fails with [`Error::Deadline`].
    pub fn deadline(mut self, d: Duration) -> Self {
        self.deadline = Some(d);
        self
    }

    /// No overall deadline (each attempt still has its timeout).
    pub fn no_deadline(mut self) -> Self {
        self.deadline = None;
        self
    }

    /// Largest successful response body accepted (default 32 MiB,
    /// [`super::body::DEFAULT_MAX_RESPONSE_BYTES`]). A body announced larger by its
    /// `Content-Length` is not read at all; others are read until they pass the limit. Either
    /// way the call fails with [`Error::BodyTooLarge`]. Error bodies are always cut at
    /// [`ERROR_BODY_LIMIT`].
    pub fn max_response_bytes(mut self, n: u64) -> Self {
        self.max_response_bytes = n;
        self
    }

    /// At most `n` calls of this client (and its clones) in flight at once, default
    /// [`DEFAULT_MAX_CONCURRENT_REQUESTS`]: more wait for a slot, and the wait counts against
    /// each call's deadline. A call holds its slot from its first attempt until its body has
    /// been read. `n` must be at least 1 (checked in `build`).
    ///
    /// The client also opens at most `n` connections to one host (scheme, host and port) at a
    /// time: a call that finds no idle connection while `n` may be open waits for one to come
    /// back to the pool (at most a tenth of a second for one the server closed without saying
    /// so). Not with [`ClientBuilder::http_client`], whose connector the runtime cannot reach.
    pub fn max_concurrent_requests(mut self, n: usize) -> Self {
        self.max_concurrent_requests = Some(n);
        self
    }

    /// No limit on calls in flight (see [`ClientBuilder::max_concurrent_requests`]).
    pub fn no_concurrency_limit(mut self) -> Self {
        self.max_concurrent_requests = None;
        self
    }

    /// At most this many pages per stream ([`Client::paginate`]); a server still announcing
    /// more after them ends the stream with [`Error::Pagination`]. Default: no cap (a stream
    /// still ends with an error when the server's pages stop advancing or outrun its own
    /// count).
    pub fn max_pages(mut self, n: u32) -> Self {
        self.max_pages = Some(n);
        self
    }

    /// Time to establish a connection (default 10 s). Not available with
    /// [`ClientBuilder::http_client`], whose connector is already built.
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = Some(d);
        self
    }

    /// `User-Agent` sent with every request.
    pub fn user_agent(mut self, ua: &str) -> Self {
        self.user_agent = Some(ua.to_owned());
        self
    }

    /// `User-Agent` used when [`ClientBuilder::user_agent`] is not called (the generated crate
    /// passes its name and version).
    pub fn default_user_agent(mut self, ua: &str) -> Self {
        self.default_user_agent = ua.to_owned();
        self
    }

    /// Uses a caller-supplied `reqwest::Client` (a proxy, client certificates, ...; for a
    /// private CA [`ClientBuilder::root_certificate`] is enough). Timeouts and user
    /// agent are still applied per request. Build it with
    /// `redirect(reqwest::redirect::Policy::none())`: its own redirect policy acts before this
    /// client sees an answer, and reqwest's default one keeps the `Authorization` header on a
    /// redirect that only changes the scheme (`https` -> `http` on the same host and port).
    /// Whatever its policy, an answer it fetched from another origin, or a redirected
    /// non-GET/HEAD request, is refused with [`Error::Redirect`]. Calls in flight are still
    /// limited ([`ClientBuilder::max_concurrent_requests`]), but connections are not: its pool
    /// may open a few more than the calls in flight.
    pub fn http_client(mut self, c: reqwest::Client) -> Self {
        self.http_client = Some(c);
        self
    }

    /// Also trusts the certificates in `pem` (one or several `-----BEGIN CERTIFICATE-----`
    /// blocks, as in a CA bundle file; other blocks are ignored) as roots, besides the built-in
    /// ones: for a Waldur site behind an internal CA. Calling it again adds more. With it the
    /// client keeps building its own `reqwest::Client`, so redirects stay under its own policy
    /// (see [`super::redirect`]). `from_env` reads it from `WALDUR_CA_BUNDLE`.
    ///
    /// [`ClientBuilder::build`] reports, as [`Error::Config`], a `pem` holding no certificate
    /// or one that does not decode, a crate built without a TLS feature, and this setting
    /// combined with [`ClientBuilder::http_client`] (whose roots are already set).
    pub fn root_certificate(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.root_certificates.push(pem.as_ref().to_vec());
        self
    }

    /// The retry policy (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, p: RetryPolicy) -> Self {
        self.retry = p;
        self
    }

    /// A header sent with every request (`x-portal: billing`). A name given twice is sent with
    /// both values. It replaces the client's own `Accept` or `User-Agent` when it names one;
    /// a request's own headers are added after it. Values are kept out of `Debug` output.
    /// `Authorization` is refused (use [`ClientBuilder::token`], [`ClientBuilder::bearer`] or
    /// [`ClientBuilder::auth_scheme`]), and so are `Host`, `Content-Length`,
    /// `Transfer-Encoding` and `Connection`; invalid names and values are reported by
    /// [`ClientBuilder::build`].
    pub fn default_header(mut self, name: &str, value: &str) -> Self {
        self.default_headers
            .push((name.to_owned(), value.to_owned()));
        self
    }

    /// Adds a [`Hook`]: it sees, and may change, every request before it is sent and every
    /// response before it is checked (see [`super::hooks`]). Hooks run in the order added.
    pub fn hook(mut self, hook: impl Hook) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// Adds a request hook made of a closure (see [`Hook::on_request`]).
    pub fn on_request<F>(mut self, f: F) -> Self
    where
        F: Fn(&RequestInfo<'_>, &mut reqwest::Request) -> Result<(), HookError>
            + Send
            + Sync
            + 'static,
    {
        self.hooks.push(super::hooks::request_fn(f));
        self
    }

    /// Adds a response hook made of a closure (see [`Hook::on_response`]).
    pub fn on_response<F>(mut self, f: F) -> Self
    where
        F: Fn(&RequestInfo<'_>, &mut HookResponse) + Send + Sync + 'static,
    {
        self.hooks.push(super::hooks::response_fn(f));
        self
    }

    /// Page size of `list_all`-style streams; must be 1..=300 (checked in `build`).
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = n;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<C, Error> {
        let mut base_url = parse_base_url(&self.base_url)?;
        let base_path = server_root(base_url.path()).to_owned();
        base_url.set_path(&format!("{base_path}/"));
        if base_url.scheme() == "https"
            && self.http_client.is_none()
            && !cfg!(any(feature = "rustls-tls", feature = "native-tls"))
        {
            return Err(Error::Config(format!(
                "base URL {:?} uses https, but this crate was built without TLS: enable its \
                 feature rustls-tls (a default feature) or native-tls",
                self.base_url
            )));
        }
        let hooks = Hooks::new(&self.default_headers, self.hooks)?;
        let auth = match self.auth {
            None => None,
            Some((scheme, key)) => Some(auth_header(scheme, &key)?),
        };
        let ua_text = self.user_agent.unwrap_or(self.default_user_agent);
        let user_agent = HeaderValue::from_str(&ua_text).map_err(|_| {
            Error::Config(format!(
                "user agent {ua_text:?} is not a valid HTTP header value"
            ))
        })?;
        if self.max_response_bytes == 0 {
            return Err(Error::Config(
                "max_response_bytes must be at least 1".to_owned(),
            ));
        }
        if self.max_pages == Some(0) {
            return Err(Error::Config("max_pages must be at least 1".to_owned()));
        }
        if self.max_concurrent_requests == Some(0) {
            return Err(Error::Config(
                "max_concurrent_requests must be at least 1".to_owned(),
            ));
        }
        if !(1..=MAX_PAGE_SIZE).contains(&self.page_size) {
            return Err(Error::Config(format!(
                "page size {} is outside 1..={MAX_PAGE_SIZE} (the server clamps larger pages)",
                self.page_size
            )));
        }
        // Only a reqwest client built here has a connector the runtime can reach.
        let connections = match (&self.http_client, self.max_concurrent_requests) {
            (None, Some(n)) => Some(ConnectionLimit::new(n)),
            _ => None,
        };
        let http = match self.http_client {
            Some(http) => {
                if self.connect_timeout.is_some() {
                    return Err(Error::Config(
                        "connect_timeout cannot be applied to a caller-supplied http_client; \
                         set it on that reqwest::Client instead"
                            .to_owned(),
                    ));
                }
                if !self.root_certificates.is_empty() {
                    return Err(Error::Config(
                        "root_certificate cannot be applied to a caller-supplied http_client; \
                         add the certificate to that reqwest::Client instead, or leave \
                         http_client out"
                            .to_owned(),
                    ));
                }
                http
            }
            // Redirects are decided by the runtime (see `redirect`), never by reqwest.
            None => {
                let builder =
                    add_root_certificates(reqwest::Client::builder(), &self.root_certificates)?
                        .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                        .redirect(reqwest::redirect::Policy::none());
                // No more connections to one host than calls in flight (see `connections`).
                match &connections {
                    Some(limit) => builder.connector_layer(limit.layer()),
                    None => builder,
                }
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?
            }
        };
        Ok(C::from(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                base_path,
                auth,
                user_agent,
                timeout: self.timeout,
                deadline: self.deadline,
                retry: self.retry,
                page_size: self.page_size,
                max_response_bytes: self.max_response_bytes,
                max_pages: self.max_pages,
                hooks,
                in_flight: self
                    .max_concurrent_requests
                    .map(|n| Arc::new(tokio::sync::Semaphore::new(n))),
                connections,
            }),
        }))
    }
}

/// The path of the server root below which `/api/...` paths go, without its trailing slash:
/// `/` and `/api/` give `""`, `/waldur/api` gives `"/waldur"`.
fn server_root(path: &str) -> &str {
    let path = path.trim_end_matches('/');
    match path.strip_suffix("/api") {
        Some(root) => root,
        None => path,
    }
}

pub(crate) fn parse_base_url(text: &str) -> Result<Url, Error> {
    let url = Url::parse(text.trim())
        .map_err(|e| Error::Config(format!("base URL {text:?} is not a valid URL: {e}")))?;
    // Credentials in the URL would end up in every error message.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(
            "base URL must not contain credentials; use ClientBuilder::token or bearer".to_owned(),
        ));
    }
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(Error::Config(format!(
            "base URL {text:?} must use http or https, not {:?}",
            url.scheme()
        )));
    }
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(Error::Config(format!("base URL {text:?} has no host")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "base URL {text:?} must not have a query or fragment"
        )));
    }
    Ok(url)
}

pub(crate) fn auth_header(scheme: String, key: &str) -> Result<Auth, Error> {
    if key.is_empty() {
        return Err(Error::Config(format!("the {scheme} credential is empty")));
    }
    let mut header = HeaderValue::from_str(&format!("{scheme} {key}")).map_err(|_| {
        Error::Config(format!(
            "the {scheme} credential contains characters not allowed in an HTTP header"
        ))
    })?;
    header.set_sensitive(true);
    Ok(Auth {
        scheme,
        header,
        secret: key.to_owned(),
    })
}

/// What a PEM text given as root certificates must hold, for error messages.
#[cfg(any(feature = "rustls-tls", feature = "native-tls"))]
const PEM_EXPECTED: &str = "expected one or more PEM blocks from \
     \"-----BEGIN CERTIFICATE-----\" to \"-----END CERTIFICATE-----\"";

/// `builder` trusting the certificates of [`ClientBuilder::root_certificate`] too.
#[cfg(any(feature = "rustls-tls", feature = "native-tls"))]
fn add_root_certificates(
    mut builder: reqwest::ClientBuilder,
    pems: &[Vec<u8>],
) -> Result<reqwest::ClientBuilder, Error> {
    for (i, pem) in pems.iter().enumerate() {
        let certificates = pem_certificates(pem).map_err(|e| {
            Error::Config(if pems.len() == 1 {
                format!("root_certificate: {e}")
            } else {
                format!("root_certificate (call {} of {}): {e}", i + 1, pems.len())
            })
        })?;
        for certificate in certificates {
            builder = builder.add_root_certificate(certificate);
        }
    }
    Ok(builder)
}

/// Without TLS there is nothing to trust them for; an `http` base URL does not need them.
#[cfg(not(any(feature = "rustls-tls", feature = "native-tls")))]
fn add_root_certificates(
    builder: reqwest::ClientBuilder,
    pems: &[Vec<u8>],
) -> Result<reqwest::ClientBuilder, Error> {
    if pems.is_empty() {
        return Ok(builder);
    }
    Err(Error::Config(
        "root_certificate needs TLS, but this crate was built without it: enable its feature \
         rustls-tls (a default feature) or native-tls"
            .to_owned(),
    ))
}

/// The certificates of a PEM text, at least one, each a well-formed X.509 certificate; `Err`
/// says what is wrong with the text (without naming where it came from).
#[cfg(any(feature = "rustls-tls", feature = "native-tls"))]
pub(crate) fn pem_certificates(pem: &[u8]) -> Result<Vec<reqwest::Certificate>, String> {
    let broken = || {
        format!(
            "a CERTIFICATE block does not decode to an X.509 certificate (broken base64 or \
             DER); {PEM_EXPECTED}"
        )
    };
    let certificates = reqwest::Certificate::from_pem_bundle(pem).map_err(|_| broken())?;
    if certificates.is_empty() {
        return Err(format!("no certificate found; {PEM_EXPECTED}"));
    }
    // native-tls parses each certificate above, rustls only when the client is built (where
    // its error would not say which setting is wrong): a client trusting just these
    // certificates tells the same for both.
    let probe = certificates
        .iter()
        .fold(
            reqwest::Client::builder().tls_built_in_root_certs(false),
            |b, c| b.add_root_certificate(c.clone()),
        )
        .build();
    if probe.is_err() {
        return Err(broken());
    }
    Ok(certificates)
}
