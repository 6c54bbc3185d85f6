//! The HTTP client: base URL, authentication, user agent, timeouts and retries.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue, USER_AGENT};
use reqwest::{Method, Url};

use super::error::{Error, StatusError};
use super::hooks::{Hook, HookError, HookResponse, Hooks, RequestInfo};
use super::request::ApiRequest;
use super::response::ApiResponse;
use super::retry::RetryPolicy;
use super::trace::Trace;

/// Largest `page_size` the Waldur server honours (it silently clamps larger values).
pub const MAX_PAGE_SIZE: u32 = 300;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

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
    retry: RetryPolicy,
    page_size: u32,
    hooks: Hooks,
}

/// The `Authorization` header; only the scheme is ever shown.
#[derive(Clone)]
pub(crate) struct Auth {
    scheme: String,
    header: HeaderValue,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url.as_str())
            .field("auth", &inner.auth.as_ref().map(|a| redacted(&a.scheme)))
            .field("user_agent", &inner.user_agent)
            .field("timeout", &inner.timeout)
            .field("retry", &inner.retry)
            .field("page_size", &inner.page_size)
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
        ClientBuilder {
            base_url: base_url.to_owned(),
            auth: None,
            timeout: Some(DEFAULT_TIMEOUT),
            connect_timeout: None,
            user_agent: None,
            default_user_agent: concat!("waldur-client-rust/", env!("CARGO_PKG_VERSION")).into(),
            http_client: None,
            retry: RetryPolicy::default(),
            page_size: MAX_PAGE_SIZE,
            default_headers: Vec::new(),
            hooks: Vec::new(),
        }
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

    /// Sends one request with auth, user agent and the retry policy applied. Any status outside
    /// 2xx is returned as [`Error::Status`].
    /// The final error says how many attempts were made ([`Error::attempts`]).
    pub async fn execute(&self, req: ApiRequest) -> Result<ApiResponse, Error> {
        let trace = Trace::start(&req);
        let result = trace.instrument(self.execute_traced(&req, &trace)).await;
        trace.finish(&result);
        result
    }

    async fn execute_traced(&self, req: &ApiRequest, trace: &Trace) -> Result<ApiResponse, Error> {
        let url = self.url_for(req)?;
        let policy = &self.inner.retry;
        let may_retry = policy.allows_method(req.method());
        let mut attempt = 1;
        loop {
            trace.attempt(attempt);
            let mut error = match self.send_once(req, &url, attempt).await {
                Ok(resp) => return Ok(resp),
                Err(e) => e,
            };
            let retry = attempt - 1;
            if !may_retry || retry >= policy.max_retries || !error.is_retryable() {
                error.set_attempts(attempt);
                return Err(error);
            }
            let delay = policy.delay(retry, error.retry_after());
            trace.retry(attempt, &error, delay);
            policy.sleep(delay).await;
            attempt += 1;
        }
    }

    async fn send_once(
        &self,
        req: &ApiRequest,
        url: &Url,
        attempt: u32,
    ) -> Result<ApiResponse, Error> {
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
        if let Some(timeout) = req.timeout_override().or(inner.timeout) {
            rb = rb.timeout(timeout);
        }
        let rb = req.apply_to(rb)?;
        let transport = |source: reqwest::Error| map_reqwest_error(source, &method, url);
        let info = RequestInfo::new(req, attempt);
        let mut request = rb.build().map_err(transport)?;
        inner.hooks.on_request(req, &info, &mut request)?;
        let resp = inner.http.execute(request).await.map_err(transport)?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let final_url = resp.url().clone();
        let body = resp.bytes().await.map_err(transport)?;
        let mut hooked = HookResponse::new(status, headers, body, final_url);
        inner.hooks.on_response(&info, &mut hooked);
        let HookResponse {
            status,
            headers,
            body,
            url: final_url,
            ..
        } = hooked;
        if !(200..300).contains(&status) {
            return Err(Error::Status(Box::new(StatusError::new(
                status, method, final_url, headers, &body,
            ))));
        }
        Ok(ApiResponse {
            status,
            headers,
            body,
            method,
            url: final_url,
        })
    }
}

fn map_reqwest_error(source: reqwest::Error, method: &Method, url: &Url) -> Error {
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
/// [`ClientBuilder::build`].
pub struct ClientBuilder {
    base_url: String,
    auth: Option<(String, String)>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    default_user_agent: String,
    http_client: Option<reqwest::Client>,
    retry: RetryPolicy,
    page_size: u32,
    default_headers: Vec<(String, String)>,
    hooks: Vec<Arc<dyn Hook>>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field(
                "auth",
                &self.auth.as_ref().map(|(scheme, _)| redacted(scheme)),
            )
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("default_user_agent", &self.default_user_agent)
            .field("http_client", &self.http_client.is_some())
            .field("retry", &self.retry)
            .field("page_size", &self.page_size)
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

impl ClientBuilder {
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

    /// Total time for one attempt, body included (default 60 s).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// No total timeout.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
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

    /// Uses a caller-supplied `reqwest::Client` (proxies, custom TLS roots, ...). Timeout and
    /// user agent are then set on each request.
    pub fn http_client(mut self, c: reqwest::Client) -> Self {
        self.http_client = Some(c);
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
    pub fn build(self) -> Result<Client, Error> {
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
        if !(1..=MAX_PAGE_SIZE).contains(&self.page_size) {
            return Err(Error::Config(format!(
                "page size {} is outside 1..={MAX_PAGE_SIZE} (the server clamps larger pages)",
                self.page_size
            )));
        }
        let http = match self.http_client {
            Some(http) => {
                if self.connect_timeout.is_some() {
                    return Err(Error::Config(
                        "connect_timeout cannot be applied to a caller-supplied http_client; \
                         set it on that reqwest::Client instead"
                            .to_owned(),
                    ));
                }
                http
            }
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                base_path,
                auth,
                user_agent,
                timeout: self.timeout,
                retry: self.retry,
                page_size: self.page_size,
                hooks,
            }),
        })
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
    Ok(Auth { scheme, header })
}
