//! One API request as the generated code describes it: method, encoded path, query, body.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};

use super::error::Error;

/// Everything outside the RFC 3986 unreserved set (`A-Z a-z 0-9 - . _ ~`).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Query names and values: unreserved plus `, : / @`, which are legal in a query and keep
/// joined lists (`o=name,-created`), timestamps and URLs readable. `+`, `&`, `=`, `#`, `%`
/// and spaces are encoded.
const QUERY_COMPONENT: &AsciiSet = &PATH_SEGMENT
    .remove(b',')
    .remove(b':')
    .remove(b'/')
    .remove(b'@');

/// Percent-encodes one path segment (a UUID, slug or name) so it cannot change the path.
pub fn encode_path_segment(s: &str) -> String {
    utf8_percent_encode(s, PATH_SEGMENT).to_string()
}

/// A path parameter, percent-encoded for its segment (`/`, `?`, `#`, `%` cannot change the
/// path). An empty value, `.` or `..` is an [`Error::Encode`] naming the parameter: the path
/// would name another endpoint (`POST /api/openstack-volumes//extend/`). Typed values use
/// their [`QueryValue`] text (UUIDs in Waldur's 32-hex-digit form).
///
/// Generated request builders call it inside `format!`:
/// `format!("/api/x/{}/", crate::runtime::path_param("uuid", uuid)?)`.
pub fn path_param<V: QueryValue + ?Sized>(name: &str, value: &V) -> Result<String, Error> {
    let text = value.query_value();
    let problem = match text.as_ref() {
        "" => "is empty",
        "." | ".." => "is a dot segment",
        _ => return Ok(encode_path_segment(&text)),
    };
    Err(Error::Encode(format!(
        "path parameter `{name}` {problem}; it would change the request path"
    )))
}

#[doc(hidden)]
pub fn encode_query_component(s: &str) -> Cow<'_, str> {
    utf8_percent_encode(s, QUERY_COMPONENT).into()
}

/// A query parameter value.
pub trait QueryValue {
    fn query_value(&self) -> Cow<'_, str>;
}

impl QueryValue for str {
    fn query_value(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl QueryValue for String {
    fn query_value(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl QueryValue for bool {
    fn query_value(&self) -> Cow<'_, str> {
        Cow::Borrowed(if *self { "true" } else { "false" })
    }
}

macro_rules! display_query_value {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            fn query_value(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
        }
    )*};
}

display_query_value!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64
);

impl<T: QueryValue + ?Sized> QueryValue for &T {
    fn query_value(&self) -> Cow<'_, str> {
        (**self).query_value()
    }
}

/// Query parameters in the order they were added (names and values not yet encoded).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    pub fn push<V: QueryValue + ?Sized>(&mut self, name: &str, v: &V) {
        self.pairs
            .push((name.to_owned(), v.query_value().into_owned()));
    }

    pub fn push_opt<V: QueryValue>(&mut self, name: &str, v: Option<&V>) {
        if let Some(v) = v {
            self.push(name, v);
        }
    }

    /// The pairs a caller added by name (`query_unchecked` on a request builder), as they
    /// are, after the documented ones.
    pub fn push_unchecked(&mut self, pairs: &[(String, String)]) {
        self.pairs.extend(pairs.iter().cloned());
    }

    /// One pair per value: `state=OK&state=ERRED`.
    pub fn push_repeated<V: QueryValue>(&mut self, name: &str, vs: &[V]) {
        for v in vs {
            self.push(name, v);
        }
    }

    /// One pair with the values joined by commas: `o=name,-created`; nothing for no values.
    pub fn push_joined<V: QueryValue>(&mut self, name: &str, vs: &[V]) {
        if vs.is_empty() {
            return;
        }
        let mut joined = String::new();
        for (i, v) in vs.iter().enumerate() {
            if i > 0 {
                joined.push(',');
            }
            joined.push_str(&v.query_value());
        }
        self.pairs.push((name.to_owned(), joined));
    }

    /// Replaces every pair named `name` by one pair (used by pagination for `page`).
    pub fn set<V: QueryValue + ?Sized>(&mut self, name: &str, v: &V) {
        self.pairs.retain(|(n, _)| n != name);
        self.push(name, v);
    }

    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// `a=1&b=x%20y`, names and values percent-encoded.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        for (i, (name, value)) in self.pairs.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            out.push_str(&encode_query_component(name));
            out.push('=');
            out.push_str(&encode_query_component(value));
        }
        out
    }
}

/// A part of a `multipart/form-data` body.
#[derive(Clone, PartialEq, Eq)]
pub enum MultipartValue {
    Text(String),
    File {
        name: String,
        bytes: Vec<u8>,
        mime: Option<String>,
    },
}

impl fmt::Debug for MultipartValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MultipartValue::Text(s) => f.debug_tuple("Text").field(s).finish(),
            MultipartValue::File { name, bytes, mime } => f
                .debug_struct("File")
                .field("name", name)
                .field("len", &bytes.len())
                .field("mime", mime)
                .finish(),
        }
    }
}

/// A multipart part kept in a form cheap to turn into a new `reqwest` form for every attempt.
#[derive(Debug, Clone)]
enum StoredPart {
    Text(String),
    File {
        name: String,
        bytes: Bytes,
        mime: Option<String>,
    },
}

/// The operation of a request: `operation_id` and path template from the API schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Operation {
    id: &'static str,
    path_template: &'static str,
}

#[derive(Debug, Clone)]
enum Body {
    Empty,
    /// Already encoded (JSON or urlencoded form) with its content type.
    Encoded {
        content_type: &'static str,
        bytes: Bytes,
    },
    Multipart(Vec<(String, StoredPart)>),
}

/// One request: method, percent-encoded path (below the base URL), query and body, plus the
/// operation it performs (for tracing, hooks and error messages).
#[derive(Debug, Clone)]
pub struct ApiRequest {
    method: Method,
    path: String,
    operation: Option<Operation>,
    query: Query,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Body,
    timeout: Option<Duration>,
    deadline: Option<Option<Duration>>,
}

impl ApiRequest {
    /// `path` must already be percent-encoded (see [`encode_path_segment`]) and start with `/`.
    pub fn new(method: Method, path: String) -> ApiRequest {
        ApiRequest {
            method,
            path,
            operation: None,
            query: Query::default(),
            headers: Vec::new(),
            body: Body::Empty,
            timeout: None,
            deadline: None,
        }
    }

    /// Names the operation this request performs: its `operation_id` in the API schema
    /// (`"openstack_volumes_list"`) and its path template as the schema writes it
    /// (`"/api/openstack-volumes/{uuid}/"`). Tracing spans and hooks report these instead of
    /// the concrete path, so identifiers in the path never become span names or metric labels.
    /// Generated code sets them on every request.
    pub fn operation(mut self, id: &'static str, path_template: &'static str) -> ApiRequest {
        self.operation = Some(Operation { id, path_template });
        self
    }

    /// The operation id set with [`ApiRequest::operation`], if any.
    pub fn operation_id(&self) -> Option<&'static str> {
        self.operation.map(|o| o.id)
    }

    /// The path template set with [`ApiRequest::operation`], if any.
    pub fn path_template(&self) -> Option<&'static str> {
        self.operation.map(|o| o.path_template)
    }

    /// The query parameters, to add to.
    pub fn query(&mut self) -> &mut Query {
        &mut self.query
    }

    /// Serialises `body` as JSON now.
    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Result<ApiRequest, Error> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::Encode(format!("cannot serialise the JSON body: {e}")))?;
        self.body = Body::Encoded {
            content_type: "application/json",
            bytes: Bytes::from(bytes),
        };
        Ok(self)
    }

    /// An `application/x-www-form-urlencoded` body.
    pub fn form(mut self, fields: Vec<(String, String)>) -> ApiRequest {
        let mut out = String::new();
        for (i, (name, value)) in fields.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            out.push_str(&encode_path_segment(name));
            out.push('=');
            out.push_str(&encode_path_segment(value));
        }
        self.body = Body::Encoded {
            content_type: "application/x-www-form-urlencoded",
            bytes: Bytes::from(out),
        };
        self
    }

    /// A body sent as given (`application/octet-stream` uploads, `text/plain`).
    pub fn raw(mut self, content_type: &'static str, bytes: Vec<u8>) -> ApiRequest {
        self.body = Body::Encoded {
            content_type,
            bytes: Bytes::from(bytes),
        };
        self
    }

    /// A `multipart/form-data` body; it is rebuilt for every attempt, so retries resend it.
    pub fn multipart(mut self, parts: Vec<(String, MultipartValue)>) -> ApiRequest {
        let stored = parts
            .into_iter()
            .map(|(name, value)| {
                let part = match value {
                    MultipartValue::Text(s) => StoredPart::Text(s),
                    MultipartValue::File { name, bytes, mime } => StoredPart::File {
                        name,
                        bytes: Bytes::from(bytes),
                        mime,
                    },
                };
                (name, part)
            })
            .collect();
        self.body = Body::Multipart(stored);
        self
    }

    /// Adds a request header (after the client's own headers).
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> ApiRequest {
        self.headers.push((name, value));
        self
    }

    /// Overrides the client's per-attempt timeout for this request.
    pub fn timeout(mut self, d: Duration) -> ApiRequest {
        self.timeout = Some(d);
        self
    }

    /// Overrides the client's overall deadline for this request (`None`: no deadline).
    pub fn deadline(mut self, d: Option<Duration>) -> ApiRequest {
        self.deadline = Some(d);
        self
    }

    pub fn method(&self) -> &Method {
        &self.method
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn query_pairs(&self) -> &[(String, String)] {
        self.query.pairs()
    }

    /// The encoded query string (`a=1&b=x%20y`), empty without parameters.
    pub fn query_string(&self) -> String {
        self.query.encode()
    }

    /// The encoded body and its content type, for JSON and form bodies.
    pub fn encoded_body(&self) -> Option<(&'static str, &Bytes)> {
        match &self.body {
            Body::Encoded {
                content_type,
                bytes,
            } => Some((content_type, bytes)),
            Body::Empty | Body::Multipart(_) => None,
        }
    }

    #[doc(hidden)]
    pub fn timeout_override(&self) -> Option<Duration> {
        self.timeout
    }

    #[doc(hidden)]
    pub fn deadline_override(&self) -> Option<Option<Duration>> {
        self.deadline
    }

    /// Adds headers and body to a `reqwest` request builder (called once per attempt).
    #[doc(hidden)]
    pub fn apply_to(
        &self,
        mut rb: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder, Error> {
        for (name, value) in &self.headers {
            rb = rb.header(name, value);
        }
        match &self.body {
            // hyper omits the length of an empty body; some proxies answer 411 Length Required
            // to a POST without it.
            Body::Empty if matches!(self.method, Method::POST | Method::PUT | Method::PATCH) => {
                Ok(rb.header(reqwest::header::CONTENT_LENGTH, "0"))
            }
            Body::Empty => Ok(rb),
            Body::Encoded {
                content_type,
                bytes,
            } => Ok(rb
                .header(reqwest::header::CONTENT_TYPE, *content_type)
                .body(bytes.clone())),
            Body::Multipart(parts) => Ok(rb.multipart(build_form(parts)?)),
        }
    }
}

fn build_form(parts: &[(String, StoredPart)]) -> Result<reqwest::multipart::Form, Error> {
    let mut form = reqwest::multipart::Form::new();
    for (field, part) in parts {
        let part = match part {
            StoredPart::Text(s) => reqwest::multipart::Part::text(s.clone()),
            StoredPart::File { name, bytes, mime } => {
                let len = bytes.len() as u64;
                let part = reqwest::multipart::Part::stream_with_length(bytes.clone(), len)
                    .file_name(name.clone());
                match mime {
                    Some(m) => part.mime_str(m).map_err(|_| {
                        Error::Encode(format!(
                            "invalid MIME type {m:?} for multipart field {field:?}"
                        ))
                    })?,
                    None => part,
                }
            }
        };
        form = form.part(field.clone(), part);
    }
    Ok(form)
}
