//! A mock Waldur server for the caller's own tests (feature `mock`).
//!
//! [`MockServer::start`] listens on a loopback port. Tests register expectations: a method and
//! a path template as the API reference writes it (`/api/openstack-volumes/{uuid}/`), optional
//! path parameter, query, header and body matchers, and the response: a JSON value, a page of
//! items with `X-Result-Count` and `Link: rel="next"`, a count, a Django REST framework error,
//! or no body. The server records every request, so tests assert on what their code sent.
//!
//! ```text
//! use waldur_client::runtime::mock::MockServer;
//! use waldur_client::runtime::reqwest::Method;
//!
//! let mock = MockServer::start().await?;
//! let volume = mock
//!     .expect(Method::GET, "/api/openstack-volumes/{uuid}/")
//!     .path_param("uuid", "4d5c0f0c7a0e4bd7b8e5a0d1f2c3b4a5")
//!     .respond_json(200, &serde_json::json!({"uuid": "4d5c0f0c7a0e4bd7b8e5a0d1f2c3b4a5", "name": "data"}));
//! mock.expect(Method::GET, "/api/openstack-volumes/")
//!     .query("name", "data")
//!     .respond_page(&[serde_json::json!({"name": "data"})], 1);
//!
//! my_portal::sync_volumes(&mock.client()).await?;   // the code under test
//!
//! volume.assert_hits(1);
//! mock.verify();                                      // no request went unmatched
//! ```
//!
//! Expectations are tried in the order they were registered; the first that matches and is
//! not used up ([`ExpectationBuilder::times`]) answers. A request no expectation matches is a
//! mistake of the test, and fails it loudly: it is answered `501 Not Implemented` (never a
//! 404, which the code under test may well read as "no such resource" and carry on) with the
//! header `x-mock-unmatched: true` and a DRF body whose `detail` names the request and, for
//! every expectation, why it did not match (the client's [`Error`](super::error::Error) shows
//! that message); and dropping the server then panics, listing such requests, unless the test
//! said it expects them ([`MockServer::allow_unmatched`]) or is already failing.
//!
//! Every connection is answered with `Connection: close`. The server stops when the
//! [`MockServer`] is dropped.
//!
//! The `expect_*`, `assert_*` and `verify` functions are test assertions: they panic, with a
//! message saying what differed, on a failed assertion or a misconfigured expectation (a path
//! parameter the template does not have, a status outside 100..=599, a body that does not
//! serialize). Nothing panics on what a client sends: malformed requests are answered `400`.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::client::{Client, ClientBuilder};
use super::error::DrfError;
use super::retry::RetryPolicy;

/// The token of [`MockServer::client`] (`Authorization: Token mock-token`).
pub const MOCK_TOKEN: &str = "mock-token";

/// The page size Waldur uses when a list request names none.
const DEFAULT_PAGE_SIZE: u64 = 10;
/// The largest page Waldur serves.
const MAX_PAGE_SIZE: u64 = 300;
/// Longest request head accepted (request line and headers).
const MAX_HEAD: usize = 64 * 1024;
/// Longest request body accepted.
const MAX_BODY: usize = 32 * 1024 * 1024;

/// A mock Waldur server on a loopback port. See the [module docs](self).
pub struct MockServer {
    url: String,
    shared: Arc<Shared>,
    client: Client,
    server: tokio::task::AbortHandle,
    /// The server's own thread ([`MockServer::start_in_thread`]), joined on drop.
    thread: Option<std::thread::JoinHandle<()>>,
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.shared.lock();
        f.debug_struct("MockServer")
            .field("url", &self.url)
            .field("expectations", &state.expectations.len())
            .field("requests", &state.requests.len())
            .finish()
    }
}

impl Drop for MockServer {
    /// Stops the server. A server on its own thread has closed its port when this returns.
    /// Then panics if some request matched no expectation (see the module docs), unless
    /// [`MockServer::allow_unmatched`] was called or the thread is panicking already.
    fn drop(&mut self) {
        self.server.abort();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        let allowed = self.shared.lock().allow_unmatched;
        if !allowed && !std::thread::panicking() {
            self.verify();
        }
    }
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
}

impl Shared {
    /// The state; a panic elsewhere while it was locked (a failed assertion) does not poison
    /// the server.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[derive(Default)]
struct State {
    /// Counts [`MockServer::reset`] calls: handles from before a reset see nothing.
    generation: u64,
    expectations: Vec<ExpectationData>,
    requests: Vec<RecordedRequest>,
    /// [`MockServer::allow_unmatched`]: dropping the server does not check.
    allow_unmatched: bool,
}

impl State {
    /// The expectation of a handle, unless a reset removed it.
    fn expectation(&self, handle: &Expectation) -> Option<&ExpectationData> {
        if self.generation == handle.generation {
            self.expectations.get(handle.index)
        } else {
            None
        }
    }
}

struct ExpectationData {
    matcher: Matcher,
    response: MockResponse,
    times: Option<usize>,
    hits: usize,
}

impl MockServer {
    /// Starts a server on `127.0.0.1` with a free port, on the current tokio runtime (which
    /// must have I/O and time enabled, as `#[tokio::test]` runtimes do). Errors when called
    /// outside a tokio runtime or when no port can be bound.
    pub async fn start() -> std::io::Result<MockServer> {
        let handle = tokio::runtime::Handle::try_current().map_err(|_| {
            std::io::Error::other("MockServer::start must be called inside a tokio runtime")
        })?;
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let shared = Arc::new(Shared::default());
        let url = format!("http://{}", listener.local_addr()?);
        let task = handle.spawn(serve(listener, shared.clone()));
        MockServer::new(url, shared, task.abort_handle(), None)
    }

    /// Starts a server on a thread of its own, for tests without an async runtime (the
    /// blocking client). It stops when the returned server is dropped.
    pub fn start_in_thread() -> std::io::Result<MockServer> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let url = format!("http://{}", listener.local_addr()?);
        let shared = Arc::new(Shared::default());
        let (tx, rx) = std::sync::mpsc::channel();
        let server_shared = shared.clone();
        let thread = std::thread::Builder::new()
            .name("waldur-mock-server".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = match TcpListener::from_std(listener) {
                        Ok(listener) => listener,
                        Err(e) => {
                            let _ = tx.send(Err(e));
                            return;
                        }
                    };
                    let task = tokio::spawn(serve(listener, server_shared));
                    if tx.send(Ok(task.abort_handle())).is_err() {
                        task.abort();
                    }
                    // Ends when the server task is aborted by MockServer::drop.
                    let _ = task.await;
                });
            })?;
        let abort = rx
            .recv()
            .map_err(|_| std::io::Error::other("the mock server thread stopped"))??;
        MockServer::new(url, shared, abort, Some(thread))
    }

    fn new(
        url: String,
        shared: Arc<Shared>,
        server: tokio::task::AbortHandle,
        thread: Option<std::thread::JoinHandle<()>>,
    ) -> std::io::Result<MockServer> {
        let client = Client::builder(&url)
            .token(MOCK_TOKEN)
            .retry(RetryPolicy::none())
            .build()
            .map_err(|e| std::io::Error::other(e.to_string()));
        let client = match client {
            Ok(client) => client,
            Err(e) => {
                server.abort();
                if let Some(thread) = thread {
                    let _ = thread.join();
                }
                return Err(e);
            }
        };
        Ok(MockServer {
            url,
            shared,
            client,
            server,
            thread,
        })
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A client of this server: token [`MOCK_TOKEN`], no retries (each request the code under
    /// test makes is one request the server sees), other settings default.
    pub fn client(&self) -> Client {
        self.client.clone()
    }

    /// A builder for a client of this server with [`MOCK_TOKEN`], to configure further.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder(&self.url).token(MOCK_TOKEN)
    }

    /// Starts an expectation for requests with this method and path. `path_template` is the
    /// path as the API reference writes it: `{name}` stands for one path segment (any
    /// non-empty value, or the one given to [`ExpectationBuilder::path_param`]); a segment may
    /// also be `prefix{name}suffix`. Nothing is registered until a `respond_*` call.
    pub fn expect(&self, method: Method, path_template: &str) -> ExpectationBuilder {
        ExpectationBuilder {
            shared: self.shared.clone(),
            matcher: Matcher {
                operation: None,
                method,
                template: PathTemplate::parse(path_template),
                path_params: Vec::new(),
                query: Vec::new(),
                headers: Vec::new(),
                body: None,
            },
            times: None,
            delay: None,
            headers: Vec::new(),
        }
    }

    /// Every request received, in order of arrival.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// The requests no expectation matched.
    pub fn unmatched(&self) -> Vec<RecordedRequest> {
        self.shared
            .lock()
            .requests
            .iter()
            .filter(|r| r.expectation.is_none())
            .cloned()
            .collect()
    }

    /// Removes every expectation and recorded request. Existing [`Expectation`] handles then
    /// report no hits.
    pub fn reset(&self) {
        let mut state = self.shared.lock();
        state.generation += 1;
        state.expectations.clear();
        state.requests.clear();
    }

    /// Lets requests that no expectation matches go unremarked when the server is dropped,
    /// for a test about such requests (they are still answered `501` and recorded).
    pub fn allow_unmatched(&self) {
        self.shared.lock().allow_unmatched = true;
    }

    /// Panics when some request matched no expectation, listing those requests. Dropping the
    /// server does the same (see [`MockServer::allow_unmatched`]).
    pub fn verify(&self) {
        let unmatched = self.unmatched();
        if !unmatched.is_empty() {
            let list: Vec<String> = unmatched.iter().map(RecordedRequest::summary).collect();
            panic!(
                "the mock server received {} request(s) no expectation matched:\n  {}",
                list.len(),
                list.join("\n  ")
            );
        }
    }
}

/// An expectation being configured: matchers first, then one `respond_*` call, which
/// registers it. Dropping it without a `respond_*` call registers nothing.
#[must_use = "an expectation is registered only by one of the respond_* methods"]
pub struct ExpectationBuilder {
    shared: Arc<Shared>,
    matcher: Matcher,
    times: Option<usize>,
    delay: Option<Duration>,
    headers: Vec<(String, String)>,
}

impl fmt::Debug for ExpectationBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExpectationBuilder")
            .field("matcher", &self.matcher.describe())
            .field("times", &self.times)
            .field("delay", &self.delay)
            .finish_non_exhaustive()
    }
}

impl ExpectationBuilder {
    /// The same expectation for another method, every matcher kept (a list's count is the
    /// `HEAD` of its `GET`, with the same filters).
    pub(crate) fn with_method(mut self, method: Method) -> Self {
        self.matcher.method = method;
        self
    }

    /// Names the operation (`"openstack_volumes_retrieve"`) in messages about this
    /// expectation.
    pub fn operation(mut self, id: &str) -> Self {
        self.matcher.operation = Some(id.to_owned());
        self
    }

    /// Matches only requests whose path parameter `name` is `value` (compared after
    /// percent-decoding the request path).
    ///
    /// # Panics
    /// When the path template has no parameter `name`.
    pub fn path_param(mut self, name: &str, value: impl fmt::Display) -> Self {
        if !self.matcher.template.has_param(name) {
            panic!(
                "path_param({name:?}): the path template {} has no parameter {{{name}}}",
                self.matcher.template.text
            );
        }
        self.matcher
            .path_params
            .push((name.to_owned(), value.to_string()));
        self
    }

    /// Matches only requests whose query has the pair `name=value` (after decoding; other
    /// parameters may be present too). Given twice for one name, both pairs must be present.
    pub fn query(mut self, name: &str, value: impl fmt::Display) -> Self {
        self.matcher
            .query
            .push(QueryRule::Has(name.to_owned(), value.to_string()));
        self
    }

    /// Matches only requests whose query has no parameter `name`.
    pub fn query_missing(mut self, name: &str) -> Self {
        self.matcher.query.push(QueryRule::Missing(name.to_owned()));
        self
    }

    /// Matches only requests with the header `name: value` (name case-insensitive, value
    /// exact).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.matcher
            .headers
            .push((name.to_ascii_lowercase(), value.to_owned()));
        self
    }

    /// Matches only requests whose body is JSON equal to `body`.
    ///
    /// # Panics
    /// When `body` does not serialize to JSON.
    pub fn json_body(mut self, body: &impl Serialize) -> Self {
        self.matcher.body = Some(BodyRule::JsonEq(to_json("json_body", body)));
        self
    }

    /// Matches only requests whose JSON body includes `body`: every key of an object in
    /// `body` must be present with a matching value (recursively); other values must be equal.
    ///
    /// # Panics
    /// When `body` does not serialize to JSON.
    pub fn json_body_includes(mut self, body: &impl Serialize) -> Self {
        self.matcher.body = Some(BodyRule::JsonIncludes(to_json("json_body_includes", body)));
        self
    }

    /// Matches only requests whose body is exactly these bytes.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.matcher.body = Some(BodyRule::Bytes(body.into()));
        self
    }

    /// Answers at most `n` requests; later ones fall through to the expectations registered
    /// after this one (for sequences: "executing" twice, then "done").
    pub fn times(mut self, n: usize) -> Self {
        self.times = Some(n);
        self
    }

    /// Waits this long before answering (for timeout tests).
    pub fn delay(mut self, d: Duration) -> Self {
        self.delay = Some(d);
        self
    }

    /// Adds a header to the response.
    pub fn response_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Answers with `status` and `body` as JSON.
    ///
    /// # Panics
    /// When `body` does not serialize, or `status` is outside 100..=599.
    pub fn respond_json(self, status: u16, body: &impl Serialize) -> Expectation {
        let value = to_json("respond_json", body);
        self.register(status, Body::Json(value))
    }

    /// Answers `200` with `items` as one page of a list of `total` items: the header
    /// `X-Result-Count: total`, and a `Link` header with `rel="next"` while
    /// `(page - 1) * page_size + items.len() < total` (`page` and `page_size` from the
    /// request's query; `page` defaults to 1, `page_size` to the number of items).
    ///
    /// # Panics
    /// When an item does not serialize.
    pub fn respond_page<T: Serialize>(self, items: &[T], total: u64) -> Expectation {
        let items = items.iter().map(|i| to_json("respond_page", i)).collect();
        self.register(200, Body::Page { items, total })
    }

    /// Answers with the whole list `items`, paginated as Waldur does: the page and page size
    /// from the request's query (default 10, at most 300), `X-Result-Count` with the length
    /// of the list, and `Link` with `first`/`prev`/`next`/`last`. A page past the end is
    /// `404 {"detail": "Invalid page."}`.
    ///
    /// # Panics
    /// When an item does not serialize.
    pub fn respond_list<T: Serialize>(self, items: &[T]) -> Expectation {
        let items = items.iter().map(|i| to_json("respond_list", i)).collect();
        self.register(200, Body::List(items))
    }

    /// Answers `200` without a body and with `X-Result-Count: total`: the answer to the `HEAD`
    /// request of a count.
    pub fn respond_count(self, total: u64) -> Expectation {
        self.register(200, Body::Count(total))
    }

    /// Answers with `status` and a Django REST framework error body built from `error`:
    /// `{"detail": ...}`, `{"non_field_errors": [...]}` and one key per field, each with a
    /// list of messages; the client's [`DrfError`] reads back the same.
    ///
    /// # Panics
    /// When `status` is outside 100..=599.
    pub fn respond_error(self, status: u16, error: &DrfError) -> Expectation {
        self.register(status, Body::Json(drf_json(error)))
    }

    /// Answers with `status` and `{"detail": message}` (DRF's shape for 401, 403, 404, ...).
    ///
    /// # Panics
    /// When `status` is outside 100..=599.
    pub fn respond_detail(self, status: u16, message: &str) -> Expectation {
        self.register(status, Body::Json(serde_json::json!({ "detail": message })))
    }

    /// Answers with `status` and DRF field errors: `{"field": ["message", ...], ...}`, one
    /// list per field, messages in the order given.
    ///
    /// # Panics
    /// When `status` is outside 100..=599.
    pub fn respond_field_errors(self, status: u16, errors: &[(&str, &str)]) -> Expectation {
        let mut drf = DrfError::default();
        for (field, message) in errors {
            drf.fields
                .entry((*field).to_owned())
                .or_default()
                .push((*message).to_owned());
        }
        self.respond_error(status, &drf)
    }

    /// Answers with `status` and no body (`204` after a delete, `202` for an action).
    ///
    /// # Panics
    /// When `status` is outside 100..=599.
    pub fn respond_empty(self, status: u16) -> Expectation {
        self.register(status, Body::Empty)
    }

    /// Answers with `status`, this content type and body, as given.
    ///
    /// # Panics
    /// When `status` is outside 100..=599.
    pub fn respond_bytes(
        self,
        status: u16,
        content_type: &str,
        body: impl Into<Bytes>,
    ) -> Expectation {
        self.register(
            status,
            Body::Bytes {
                content_type: content_type.to_owned(),
                bytes: body.into(),
            },
        )
    }

    fn register(self, status: u16, body: Body) -> Expectation {
        if !(100..=599).contains(&status) {
            panic!(
                "{}: status {status} is not an HTTP status (100..=599)",
                self.matcher.describe()
            );
        }
        let mut state = self.shared.lock();
        let index = state.expectations.len();
        let generation = state.generation;
        state.expectations.push(ExpectationData {
            matcher: self.matcher,
            response: MockResponse {
                status,
                headers: self.headers,
                body,
                delay: self.delay,
            },
            times: self.times,
            hits: 0,
        });
        drop(state);
        Expectation {
            shared: self.shared,
            index,
            generation,
        }
    }
}

/// A registered expectation: how often it answered, and what it was sent.
#[derive(Clone)]
pub struct Expectation {
    shared: Arc<Shared>,
    index: usize,
    generation: u64,
}

impl fmt::Debug for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expectation")
            .field("expectation", &self.describe())
            .field("hits", &self.hits())
            .finish()
    }
}

impl Expectation {
    /// How many requests it answered.
    pub fn hits(&self) -> usize {
        self.shared.lock().expectation(self).map_or(0, |e| e.hits)
    }

    /// The requests it answered, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        let state = self.shared.lock();
        if state.generation != self.generation {
            return Vec::new();
        }
        state
            .requests
            .iter()
            .filter(|r| r.expectation == Some(self.index))
            .cloned()
            .collect()
    }

    /// The one request it answered.
    ///
    /// # Panics
    /// When it answered none or more than one.
    pub fn single_request(&self) -> RecordedRequest {
        let mut requests = self.requests();
        if requests.len() != 1 {
            panic!("{}", self.hits_message(1, &requests));
        }
        requests.remove(0)
    }

    /// Panics unless it answered exactly `n` requests; the message lists what the server
    /// received.
    pub fn assert_hits(&self, n: usize) {
        let requests = self.requests();
        if requests.len() != n {
            panic!("{}", self.hits_message(n, &requests));
        }
    }

    fn hits_message(&self, n: usize, requests: &[RecordedRequest]) -> String {
        let all: Vec<String> = self
            .shared
            .lock()
            .requests
            .iter()
            .map(RecordedRequest::summary)
            .collect();
        let received = if all.is_empty() {
            "the server received no request".to_owned()
        } else {
            format!("the server received:\n  {}", all.join("\n  "))
        };
        format!(
            "expected {} to be hit {n} time(s), it was hit {} time(s); {received}",
            self.describe(),
            requests.len()
        )
    }

    fn describe(&self) -> String {
        self.shared.lock().expectation(self).map_or_else(
            || "an expectation removed by MockServer::reset".to_owned(),
            |e| e.matcher.describe(),
        )
    }
}

/// One request as the server received it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The method.
    pub method: Method,
    /// The path as sent (percent-encoded), without the query.
    pub path: String,
    /// The query parameters, decoded, in order.
    pub query: Vec<(String, String)>,
    /// The headers.
    pub headers: HeaderMap,
    /// The body (after chunked transfer decoding).
    pub body: Bytes,
    /// The path parameters captured by the expectation that answered, decoded.
    pub path_params: Vec<(String, String)>,
    expectation: Option<usize>,
}

impl RecordedRequest {
    /// The first value of query parameter `name`.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of header `name`, if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The path parameter `name` captured by the expectation that answered.
    pub fn path_param(&self, name: &str) -> Option<&str> {
        self.path_params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The body decoded from JSON.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// Whether an expectation answered it.
    pub fn matched(&self) -> bool {
        self.expectation.is_some()
    }

    /// `GET /api/x/?a=1`, for messages.
    fn summary(&self) -> String {
        let mut out = format!("{} {}", self.method, self.path);
        if !self.query.is_empty() {
            out.push('?');
            let pairs: Vec<String> = self.query.iter().map(|(n, v)| format!("{n}={v}")).collect();
            out.push_str(&pairs.join("&"));
        }
        out
    }
}

// ---- matching ---------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct PathTemplate {
    text: String,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone)]
enum Segment {
    Literal(String),
    Param {
        prefix: String,
        name: String,
        suffix: String,
    },
}

impl PathTemplate {
    fn parse(text: &str) -> PathTemplate {
        let segments = text
            .split('/')
            .map(|segment| {
                let param = segment.find('{').and_then(|open| {
                    let close = open + segment[open..].find('}')?;
                    let name = &segment[open + 1..close];
                    (!name.is_empty()).then(|| Segment::Param {
                        prefix: segment[..open].to_owned(),
                        name: name.to_owned(),
                        suffix: segment[close + 1..].to_owned(),
                    })
                });
                param.unwrap_or_else(|| Segment::Literal(segment.to_owned()))
            })
            .collect();
        PathTemplate {
            text: text.to_owned(),
            segments,
        }
    }

    fn has_param(&self, wanted: &str) -> bool {
        self.segments
            .iter()
            .any(|s| matches!(s, Segment::Param { name, .. } if name == wanted))
    }

    /// The decoded parameters of `path`, or `None` when it does not fit the template.
    fn capture(&self, path: &str) -> Option<Vec<(String, String)>> {
        let parts: Vec<&str> = path.split('/').collect();
        if parts.len() != self.segments.len() {
            return None;
        }
        let mut params = Vec::new();
        for (segment, part) in self.segments.iter().zip(parts) {
            let decoded = percent_decode(part, false);
            match segment {
                Segment::Literal(literal) => {
                    if *literal != decoded {
                        return None;
                    }
                }
                Segment::Param {
                    prefix,
                    name,
                    suffix,
                } => {
                    let value = decoded
                        .strip_prefix(prefix.as_str())?
                        .strip_suffix(suffix.as_str())?;
                    if value.is_empty() {
                        return None;
                    }
                    params.push((name.clone(), value.to_owned()));
                }
            }
        }
        Some(params)
    }
}

#[derive(Debug, Clone)]
enum QueryRule {
    Has(String, String),
    Missing(String),
}

#[derive(Debug, Clone)]
enum BodyRule {
    JsonEq(serde_json::Value),
    JsonIncludes(serde_json::Value),
    Bytes(Bytes),
}

#[derive(Debug, Clone)]
struct Matcher {
    operation: Option<String>,
    method: Method,
    template: PathTemplate,
    path_params: Vec<(String, String)>,
    query: Vec<QueryRule>,
    headers: Vec<(String, String)>,
    body: Option<BodyRule>,
}

impl Matcher {
    /// `GET /api/x/{uuid}/ (op) with uuid=1, query a=b, header h: v, JSON body {...}`.
    fn describe(&self) -> String {
        let mut out = format!("{} {}", self.method, self.template.text);
        if let Some(op) = &self.operation {
            out.push_str(&format!(" ({op})"));
        }
        let mut conditions: Vec<String> = Vec::new();
        for (name, value) in &self.path_params {
            conditions.push(format!("{name}={value}"));
        }
        for rule in &self.query {
            conditions.push(match rule {
                QueryRule::Has(name, value) => format!("query {name}={value}"),
                QueryRule::Missing(name) => format!("no query {name}"),
            });
        }
        for (name, value) in &self.headers {
            conditions.push(format!("header {name}: {value}"));
        }
        match &self.body {
            Some(BodyRule::JsonEq(v)) => conditions.push(format!("JSON body {v}")),
            Some(BodyRule::JsonIncludes(v)) => conditions.push(format!("JSON body including {v}")),
            Some(BodyRule::Bytes(b)) => conditions.push(format!("body of {} bytes", b.len())),
            None => {}
        }
        if !conditions.is_empty() {
            out.push_str(" with ");
            out.push_str(&conditions.join(", "));
        }
        out
    }

    /// The captured path parameters, or why the request does not match.
    fn check(&self, req: &RecordedRequest) -> Result<Vec<(String, String)>, String> {
        if req.method != self.method {
            return Err(format!("method is {}", req.method));
        }
        let Some(params) = self.template.capture(&req.path) else {
            return Err("path differs".to_owned());
        };
        for (name, wanted) in &self.path_params {
            let got = params.iter().find(|(n, _)| n == name).map(|(_, v)| v);
            if got != Some(wanted) {
                return Err(format!(
                    "{name} is {}",
                    got.map_or("missing", |v| v.as_str())
                ));
            }
        }
        for rule in &self.query {
            match rule {
                QueryRule::Has(name, value) => {
                    let values: Vec<&str> = req
                        .query
                        .iter()
                        .filter(|(n, _)| n == name)
                        .map(|(_, v)| v.as_str())
                        .collect();
                    if !values.contains(&value.as_str()) {
                        return Err(if values.is_empty() {
                            format!("query {name} is missing")
                        } else {
                            format!("query {name} is {}", values.join(","))
                        });
                    }
                }
                QueryRule::Missing(name) => {
                    if let Some(value) = req.query_value(name) {
                        return Err(format!("query {name} is {value}"));
                    }
                }
            }
        }
        for (name, wanted) in &self.headers {
            match req.header(name) {
                Some(value) if value == wanted => {}
                Some(value) => return Err(format!("header {name} is {value}")),
                None => return Err(format!("header {name} is missing")),
            }
        }
        match &self.body {
            None => {}
            Some(BodyRule::Bytes(bytes)) if req.body != *bytes => {
                return Err("body differs".to_owned());
            }
            Some(BodyRule::Bytes(_)) => {}
            Some(BodyRule::JsonEq(wanted)) => {
                let body = json_of(req)?;
                if body != *wanted {
                    return Err(format!("JSON body is {body}"));
                }
            }
            Some(BodyRule::JsonIncludes(wanted)) => {
                let body = json_of(req)?;
                if !json_includes(&body, wanted) {
                    return Err(format!("JSON body is {body}"));
                }
            }
        }
        Ok(params)
    }
}

/// The request body as JSON, or why it is not.
fn json_of(req: &RecordedRequest) -> Result<serde_json::Value, String> {
    serde_json::from_slice(&req.body).map_err(|_| {
        if req.body.is_empty() {
            "body is empty".to_owned()
        } else {
            format!("body is not JSON: {:?}", truncate(&req.text(), 100))
        }
    })
}

/// At most `max` characters of `s`, with `...` when cut.
fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((end, _)) => format!("{}...", &s[..end]),
        None => s.to_owned(),
    }
}

/// Whether `have` includes `want`: objects by key, recursively; anything else by equality.
fn json_includes(have: &serde_json::Value, want: &serde_json::Value) -> bool {
    match (have, want) {
        (serde_json::Value::Object(have), serde_json::Value::Object(want)) => want
            .iter()
            .all(|(k, w)| have.get(k).is_some_and(|h| json_includes(h, w))),
        _ => have == want,
    }
}

fn to_json(what: &str, value: &impl Serialize) -> serde_json::Value {
    match serde_json::to_value(value) {
        Ok(v) => v,
        Err(e) => panic!("{what}: the value does not serialize to JSON: {e}"),
    }
}

/// The DRF error body for `error`.
fn drf_json(error: &DrfError) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    if let Some(detail) = &error.detail {
        map.insert("detail".to_owned(), detail.clone().into());
    }
    if !error.non_field_errors.is_empty() {
        map.insert(
            "non_field_errors".to_owned(),
            error.non_field_errors.clone().into(),
        );
    }
    for (field, messages) in &error.fields {
        map.insert(field.clone(), messages.clone().into());
    }
    serde_json::Value::Object(map)
}

// ---- responses --------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct MockResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Body,
    delay: Option<Duration>,
}

#[derive(Debug, Clone)]
enum Body {
    Empty,
    Json(serde_json::Value),
    Bytes {
        content_type: String,
        bytes: Bytes,
    },
    Page {
        items: Vec<serde_json::Value>,
        total: u64,
    },
    List(Vec<serde_json::Value>),
    Count(u64),
}

/// A response ready to be written.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Option<(String, Vec<u8>)>,
}

impl Reply {
    fn json(status: u16, value: &serde_json::Value) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Some((
                "application/json".to_owned(),
                value.to_string().into_bytes(),
            )),
        }
    }

    fn detail(status: u16, message: &str) -> Reply {
        Reply::json(status, &serde_json::json!({ "detail": message }))
    }
}

/// The page and page size a list request asks for: `(page, page_size)`, each `None` when
/// absent; `Err` when present but not a positive integer.
fn paging(req: &RecordedRequest) -> Result<(Option<u64>, Option<u64>), String> {
    let number = |name: &str| -> Result<Option<u64>, String> {
        match req.query_value(name) {
            None => Ok(None),
            Some(text) => match text.parse::<u64>() {
                Ok(n) if n > 0 => Ok(Some(n)),
                _ => Err(format!("{name}={text} is not a positive integer")),
            },
        }
    };
    Ok((number("page")?, number("page_size")?))
}

/// `<url?...>; rel="rel"` as Waldur (Django REST framework) writes it: the request's query
/// with `page` set to `page`, or removed for `None` (DRF links to page 1 without it), and the
/// parameters sorted by name (DRF re-encodes the query sorted; repeated values keep their
/// order).
fn link(base: &str, req: &RecordedRequest, page: Option<u64>, rel: &str) -> String {
    let mut pairs: Vec<(&str, String)> = req
        .query
        .iter()
        .filter(|(n, _)| n != "page")
        .map(|(n, v)| (n.as_str(), v.clone()))
        .collect();
    if let Some(page) = page {
        pairs.push(("page", page.to_string()));
    }
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    let query: Vec<String> = pairs
        .iter()
        .map(|(n, v)| {
            format!(
                "{}={}",
                super::request::encode_query_component(n),
                super::request::encode_query_component(v)
            )
        })
        .collect();
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{}", query.join("&"))
    };
    format!("<{base}{}{query}>; rel=\"{rel}\"", req.path)
}

/// `first`, `prev` (after page 1), `next` (before the last page) and `last`, in that order,
/// with page 1 written without `page`, as Waldur sends them.
fn page_links(base: &str, req: &RecordedRequest, page: u64, last: u64) -> String {
    let number = |n: u64| (n > 1).then_some(n);
    let mut links = vec![link(base, req, None, "first")];
    if page > 1 {
        links.push(link(base, req, number(page - 1), "prev"));
    }
    if page < last {
        links.push(link(base, req, number(page + 1), "next"));
    }
    links.push(link(base, req, number(last), "last"));
    links.join(", ")
}

impl MockResponse {
    fn reply(&self, base: &str, req: &RecordedRequest) -> Reply {
        let mut reply = match &self.body {
            Body::Empty => Reply {
                status: self.status,
                headers: Vec::new(),
                body: None,
            },
            Body::Json(value) => Reply::json(self.status, value),
            Body::Bytes {
                content_type,
                bytes,
            } => Reply {
                status: self.status,
                headers: Vec::new(),
                body: Some((content_type.clone(), bytes.to_vec())),
            },
            Body::Count(total) => Reply {
                status: self.status,
                headers: vec![("X-Result-Count".to_owned(), total.to_string())],
                body: None,
            },
            Body::Page { items, total } => {
                let (page, size) = match paging(req) {
                    Ok(p) => p,
                    Err(message) => return Reply::detail(400, &message),
                };
                let page = page.unwrap_or(1);
                let size = size.unwrap_or(items.len() as u64).max(1);
                let seen = (page - 1)
                    .saturating_mul(size)
                    .saturating_add(items.len() as u64);
                let last = total.div_ceil(size).max(1);
                let mut reply = Reply::json(self.status, &serde_json::Value::Array(items.clone()));
                reply
                    .headers
                    .push(("X-Result-Count".to_owned(), total.to_string()));
                let next = !items.is_empty() && seen < *total;
                reply.headers.push((
                    "Link".to_owned(),
                    page_links(
                        base,
                        req,
                        page,
                        if next { last.max(page + 1) } else { page },
                    ),
                ));
                reply
            }
            Body::List(items) => {
                let (page, size) = match paging(req) {
                    Ok(p) => p,
                    Err(message) => return Reply::detail(400, &message),
                };
                let page = page.unwrap_or(1);
                let size = size.unwrap_or(DEFAULT_PAGE_SIZE).min(MAX_PAGE_SIZE);
                let total = items.len() as u64;
                let last = total.div_ceil(size).max(1);
                if page > last {
                    return Reply::detail(404, "Invalid page.");
                }
                let start = usize::try_from((page - 1).saturating_mul(size)).unwrap_or(usize::MAX);
                let chunk: Vec<serde_json::Value> = items
                    .iter()
                    .skip(start)
                    .take(usize::try_from(size).unwrap_or(usize::MAX))
                    .cloned()
                    .collect();
                let mut reply = Reply::json(self.status, &serde_json::Value::Array(chunk));
                reply
                    .headers
                    .push(("X-Result-Count".to_owned(), total.to_string()));
                reply
                    .headers
                    .push(("Link".to_owned(), page_links(base, req, page, last)));
                reply
            }
        };
        reply.headers.extend(self.headers.iter().cloned());
        reply
    }
}

// ---- the server -------------------------------------------------------------------------------

async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let base = listener
        .local_addr()
        .map(|a| format!("http://{a}"))
        .unwrap_or_default();
    // Dropped (aborting every connection) when this task is aborted.
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(connection(stream, shared.clone(), base.clone()));
                }
                // Out of file descriptors, say: wait instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn connection(mut stream: TcpStream, shared: Arc<Shared>, base: String) {
    let reply = match read_request(&mut stream).await {
        Ok(Some(req)) => {
            let (reply, delay) = answer(&shared, &base, req);
            if let Some(d) = delay {
                tokio::time::sleep(d).await;
            }
            reply
        }
        // The client went away before sending a whole request.
        Ok(None) => return,
        Err((status, message)) => (Reply::detail(status, &message), false),
    };
    let (reply, head_only) = reply;
    let _ = stream.write_all(&render(&reply, head_only)).await;
    let _ = stream.flush().await;
    let _ = stream.shutdown().await;
}

/// Records the request and finds its answer: `((reply, is HEAD), delay)`.
fn answer(
    shared: &Shared,
    base: &str,
    mut req: RecordedRequest,
) -> ((Reply, bool), Option<Duration>) {
    let head_only = req.method == Method::HEAD;
    let mut state = shared.lock();
    let mut reasons = Vec::new();
    let mut chosen = None;
    for (index, e) in state.expectations.iter().enumerate() {
        match e.matcher.check(&req) {
            Ok(params) if e.times.is_none_or(|t| e.hits < t) => {
                chosen = Some((index, params));
                break;
            }
            Ok(_) => reasons.push(format!(
                "[{}] {}: used up after {} answer(s)",
                index + 1,
                e.matcher.describe(),
                e.hits
            )),
            Err(why) => reasons.push(format!("[{}] {}: {why}", index + 1, e.matcher.describe())),
        }
    }
    let Some((index, params)) = chosen else {
        let summary = req.summary();
        state.requests.push(req);
        let detail = if reasons.is_empty() {
            format!("no mock expectation matches {summary} (none registered)")
        } else {
            format!(
                "no mock expectation matches {summary}; {}",
                reasons.join("; ")
            )
        };
        let mut reply = Reply::detail(501, &detail);
        reply
            .headers
            .push(("x-mock-unmatched".to_owned(), "true".to_owned()));
        return ((reply, head_only), None);
    };
    req.expectation = Some(index);
    req.path_params = params;
    let (reply, delay) = match state.expectations.get_mut(index) {
        Some(e) => {
            e.hits += 1;
            (e.response.reply(base, &req), e.response.delay)
        }
        None => (Reply::detail(500, "mock expectation vanished"), None),
    };
    state.requests.push(req);
    ((reply, head_only), delay)
}

fn render(reply: &Reply, head_only: bool) -> Vec<u8> {
    let reason = reqwest::StatusCode::from_u16(reply.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown");
    let mut out = format!("HTTP/1.1 {} {reason}\r\n", reply.status).into_bytes();
    let no_body = matches!(reply.status, 100..=199 | 204 | 304);
    let mut header = |name: &str, value: &str| {
        // Header names and values come from the test; keep CR and LF out of the response.
        let clean = |s: &str| s.replace(['\r', '\n'], " ");
        out.extend_from_slice(format!("{}: {}\r\n", clean(name), clean(value)).as_bytes());
    };
    for (name, value) in &reply.headers {
        header(name, value);
    }
    let body: &[u8] = match &reply.body {
        Some((content_type, bytes)) if !no_body => {
            header("Content-Type", content_type);
            bytes
        }
        _ => &[],
    };
    if !no_body {
        header("Content-Length", &body.len().to_string());
    }
    header("Connection", "close");
    out.extend_from_slice(b"\r\n");
    if !head_only {
        out.extend_from_slice(body);
    }
    out
}

/// Reads one request; `Ok(None)` when the connection closed first, `Err((status, message))`
/// for a request that cannot be read.
async fn read_request(stream: &mut TcpStream) -> Result<Option<RecordedRequest>, (u16, String)> {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(pos) = find(&buf, b"\r\n\r\n") {
            break pos + 4;
        }
        if buf.len() > MAX_HEAD {
            return Err((431, "request head too large".to_owned()));
        }
        if !read_more(stream, &mut buf).await {
            return Ok(None);
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut rest = buf.split_off(head_end);
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or("");
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(_version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err((400, format!("malformed request line {request_line:?}")));
    };
    let method = Method::from_bytes(method.as_bytes())
        .map_err(|_| (400, format!("malformed method {method:?}")))?;
    let mut headers = HeaderMap::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let Some((name, value)) = line.split_once(':') else {
            return Err((400, format!("malformed header line {line:?}")));
        };
        let name = HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| (400, format!("malformed header name {name:?}")))?;
        let value = HeaderValue::from_str(value.trim())
            .map_err(|_| (400, format!("malformed value of header {name}")))?;
        headers.append(name, value);
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let body = if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        match read_chunked(stream, rest).await? {
            Some(body) => body,
            None => return Ok(None),
        }
    } else if let Some(len) = header("content-length") {
        let len: usize = len
            .trim()
            .parse()
            .map_err(|_| (400, format!("malformed Content-Length {len:?}")))?;
        if len > MAX_BODY {
            return Err((413, format!("request body of {len} bytes is too large")));
        }
        while rest.len() < len {
            if !read_more(stream, &mut rest).await {
                return Ok(None);
            }
        }
        rest.truncate(len);
        rest
    } else {
        Vec::new()
    };
    // Origin form (`/api/x/?a=1`); an absolute form (`http://host/api/x/`) loses its host.
    let target = match target.strip_prefix("http://") {
        Some(rest) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => target,
    };
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, query),
        None => (target, ""),
    };
    let query = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name, true), percent_decode(value, true))
        })
        .collect();
    Ok(Some(RecordedRequest {
        method,
        path: path.to_owned(),
        query,
        headers,
        body: Bytes::from(body),
        path_params: Vec::new(),
        expectation: None,
    }))
}

async fn read_chunked(
    stream: &mut TcpStream,
    mut buf: Vec<u8>,
) -> Result<Option<Vec<u8>>, (u16, String)> {
    let mut body = Vec::new();
    loop {
        let line_end = loop {
            if let Some(pos) = find(&buf, b"\r\n") {
                break pos;
            }
            if buf.len() > MAX_HEAD {
                return Err((400, "malformed chunk size line".to_owned()));
            }
            if !read_more(stream, &mut buf).await {
                return Ok(None);
            }
        };
        let size_line = String::from_utf8_lossy(&buf[..line_end]).into_owned();
        let size_text = size_line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| (400, format!("malformed chunk size {size_text:?}")))?;
        if size > MAX_BODY || body.len() + size > MAX_BODY {
            return Err((413, "request body is too large".to_owned()));
        }
        let needed = line_end + 2 + size + 2;
        while buf.len() < needed {
            if !read_more(stream, &mut buf).await {
                return Ok(None);
            }
        }
        body.extend_from_slice(&buf[line_end + 2..line_end + 2 + size]);
        buf.drain(..needed);
        if size == 0 {
            // Trailers are not used by HTTP clients of this API; the final CRLF was consumed.
            return Ok(Some(body));
        }
    }
}

/// Reads more bytes into `buf`; false at end of stream or on an error.
async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> bool {
    let mut chunk = [0u8; 8192];
    match stream.read(&mut chunk).await {
        Ok(0) | Err(_) => false,
        Ok(n) => {
            buf.extend_from_slice(&chunk[..n]);
            true
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Percent-decodes `s` (and `+` as a space in a query), invalid UTF-8 replaced.
fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let s: Cow<'_, str> = if plus_is_space && s.contains('+') {
        Cow::Owned(s.replace('+', " "))
    } else {
        Cow::Borrowed(s)
    };
    percent_encoding::percent_decode_str(&s)
        .decode_utf8_lossy()
        .into_owned()
}
