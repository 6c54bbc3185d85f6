//! A received response and its decoding.

use std::any::{Any, TypeId};
use std::fmt;
use std::marker::PhantomData;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, Url};
use serde::Deserialize;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, SeqAccess, Visitor,
};

use super::error::{DecodeError, Error, MAX_MESSAGE_CHARS, loggable};
use super::lenient::{BudgetedValue, budgeted_value};
use super::limits::{self, BudgetScope};

/// A 2xx response with its whole body.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub method: Method,
    pub url: Url,
}

impl ApiResponse {
    /// Decodes the JSON body. On failure the error names the path of the offending value, the
    /// serde message and up to 200 characters of the body around the error. Decoded structures
    /// are limited to [`super::limits::decode_memory_limit`] of the body's length. An empty
    /// body is an error that says so: it holds no value (a model decoded from it would have
    /// every field absent, as if the server had sent `{}`).
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, Error> {
        if self.body.trim_ascii().is_empty() {
            return Err(self.empty_body_error());
        }
        let _budget = BudgetScope::enter(self.body.len());
        // The fast path parses once without path tracking; only a failure pays for a second,
        // path-tracking parse. Valid UTF-8 (checked once) lets serde_json skip its own check
        // of every string.
        let result = match std::str::from_utf8(&self.body) {
            Ok(text) => serde_json::from_str(text),
            Err(_) => serde_json::from_slice(&self.body),
        };
        result.map_err(|e| self.decode_error(e, |de| T::deserialize(de).map(drop)))
    }

    /// A body of any JSON (what an operation documenting any JSON value returns), like
    /// `decode::<serde_json::Value>()` but within the decode memory budget, which serde_json's
    /// own `Value` decoding escapes: 30 MiB of `[{"":0},...]` would take 90 times that.
    pub fn decode_value(&self) -> Result<serde_json::Value, Error> {
        if self.body.trim_ascii().is_empty() {
            return Err(self.empty_body_error());
        }
        let _budget = BudgetScope::enter(self.body.len());
        let result = match std::str::from_utf8(&self.body) {
            Ok(text) => budgeted_value(text),
            Err(_) => {
                let mut de = serde_json::Deserializer::from_slice(&self.body);
                BudgetedValue
                    .deserialize(&mut de)
                    .and_then(|v| de.end().map(|()| v))
            }
        };
        result.map_err(|e| self.decode_error(e, |de| BudgetedValue.deserialize(de).map(drop)))
    }

    fn empty_body_error(&self) -> Error {
        self.decode_failure(
            ".".to_string(),
            "the response body is empty; the operation documents a JSON value".to_string(),
            "",
        )
    }

    /// Like [`ApiResponse::decode`], but an empty (or whitespace-only) body gives `None`.
    pub fn decode_optional<T: DeserializeOwned>(&self) -> Result<Option<T>, Error> {
        if self.body.trim_ascii().is_empty() {
            return Ok(None);
        }
        self.decode().map(Some)
    }

    /// Decodes a JSON array of at most `max_items` items; one more is an error (the page is
    /// never held whole). An empty body is an empty list.
    pub fn decode_list<T: DeserializeOwned + 'static>(
        &self,
        max_items: usize,
    ) -> Result<Vec<T>, Error> {
        if self.body.trim_ascii().is_empty() {
            return Ok(Vec::new());
        }
        let _budget = BudgetScope::enter(self.body.len());
        let overflow = std::cell::Cell::new(false);
        let seed = BoundedList::<T> {
            max: max_items,
            overflow: &overflow,
            item: PhantomData,
        };
        let result = match std::str::from_utf8(&self.body) {
            Ok(text) => {
                let mut de = serde_json::Deserializer::from_str(text);
                seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v))
            }
            Err(_) => {
                let mut de = serde_json::Deserializer::from_slice(&self.body);
                seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v))
            }
        };
        result.map_err(|e| {
            if overflow.get() {
                return self.decode_failure(
                    format!("[{max_items}]"),
                    format!(
                        "the server sent more than the {max_items} items per page that were \
                         requested; the page was refused"
                    ),
                    "",
                );
            }
            self.decode_error(e, |de| {
                let overflow = std::cell::Cell::new(false);
                BoundedList::<T> {
                    max: max_items,
                    overflow: &overflow,
                    item: PhantomData,
                }
                .deserialize(de)
                .map(drop)
            })
        })
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// `X-Result-Count`: the total number of items of a list. `None` without one, when it is
    /// not a count, or when the server sent several that disagree (`5` and `7`: neither can
    /// be trusted; with feature `tracing` a warning says so). Several that agree are one.
    pub fn result_count(&self) -> Option<u64> {
        let values: Vec<&reqwest::header::HeaderValue> =
            self.headers.get_all("x-result-count").iter().collect();
        let parse = |v: &reqwest::header::HeaderValue| -> Option<u64> {
            v.to_str().ok()?.trim().parse().ok()
        };
        let first = parse(values.first()?)?;
        if values.iter().skip(1).any(|v| parse(v) != Some(first)) {
            let texts: Vec<String> = values
                .iter()
                .map(|v| loggable(&String::from_utf8_lossy(v.as_bytes()), 40))
                .collect();
            super::trace::conflicting_counts(&texts);
            return None;
        }
        Some(first)
    }

    /// The `page` number of the `rel="next"` link; `None` also when the link is unusable (see
    /// [`ApiResponse::next_page_link`]). Only the number is used: behind a proxy the host in
    /// the link can be wrong.
    pub fn next_page(&self) -> Option<u32> {
        self.next_page_link().ok().flatten()
    }

    /// The `page` number of the `rel="next"` link: `Ok(None)` without one, `Err` (with the
    /// reason) when the server sent one that cannot be followed (no `page`, not a number,
    /// beyond `u32`), or a `Link` header that is not text (a raw non-ASCII byte): it may hold
    /// the next page, and passing over it would end a listing early without a word.
    pub fn next_page_link(&self) -> Result<Option<u32>, String> {
        for value in self.headers.get_all(reqwest::header::LINK) {
            let Ok(value) = value.to_str() else {
                return Err(format!(
                    "a Link header is not readable text (its bytes start {:?})",
                    loggable(&String::from_utf8_lossy(value.as_bytes()), 80)
                ));
            };
            if let Some(target) = link_target(value, "next") {
                let page = query_param(target, "page").ok_or_else(|| {
                    format!(
                        "the rel=\"next\" link {:?} has no page number",
                        loggable(target, 200)
                    )
                })?;
                return page.parse::<u32>().map(Some).map_err(|_| {
                    format!(
                        "the rel=\"next\" link names page {:?}, which is not a page number \
                         the client can request (1 to {})",
                        loggable(page, 50),
                        u32::MAX
                    )
                });
            }
        }
        Ok(None)
    }

    /// Whether the response carries a `Link` header at all.
    pub fn has_link_header(&self) -> bool {
        self.headers.contains_key(reqwest::header::LINK)
    }

    /// A query parameter of the URL that was requested (`page_size`, `page`).
    pub fn request_query_param(&self, name: &str) -> Option<String> {
        self.url
            .query_pairs()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.into_owned())
    }

    /// A second parse with path tracking, for the path of the error.
    fn decode_error(
        &self,
        first: serde_json::Error,
        retrace: impl FnOnce(
            serde_path_to_error::Deserializer<
                &mut serde_json::Deserializer<serde_json::de::SliceRead<'_>>,
            >,
        ) -> Result<(), serde_json::Error>,
    ) -> Error {
        let _budget = BudgetScope::enter(self.body.len());
        let mut de = serde_json::Deserializer::from_slice(&self.body);
        let mut track = serde_path_to_error::Track::new();
        let retraced = retrace(serde_path_to_error::Deserializer::new(&mut de, &mut track));
        let (path, error) = match retraced {
            Err(e) => (track.path().to_string(), e),
            // A second parse cannot succeed where the first failed; keep the first error.
            Ok(()) => (".".to_owned(), first),
        };
        let offset = byte_offset(&self.body, error.line(), error.column());
        Error::Decode(Box::new(DecodeError {
            method: self.method.clone(),
            url: self.url.clone(),
            status: self.status,
            path,
            message: loggable(&error.to_string(), MAX_MESSAGE_CHARS),
            snippet: snippet(&self.body, offset, 200),
        }))
    }

    /// A decode error at `path` with `message`, showing the start of the body (or `near`).
    pub(super) fn decode_failure(&self, path: String, message: String, near: &str) -> Error {
        let snippet = if near.is_empty() {
            // The start of the body (4 bytes per character at most).
            let start = &self.body[..self.body.len().min(800)];
            let text = String::from_utf8_lossy(start);
            text.trim_end_matches('\u{FFFD}')
                .chars()
                .take(200)
                .collect()
        } else {
            near.chars().take(200).collect()
        };
        Error::Decode(Box::new(DecodeError {
            method: self.method.clone(),
            url: self.url.clone(),
            status: self.status,
            path,
            message,
            snippet,
        }))
    }
}

/// A JSON array decoded item by item, failing at item `max + 1` without decoding it.
struct BoundedList<'a, T> {
    max: usize,
    overflow: &'a std::cell::Cell<bool>,
    item: PhantomData<T>,
}

impl<'de, T: Deserialize<'de> + 'static> DeserializeSeed<'de> for BoundedList<'_, T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de> + 'static> Visitor<'de> for BoundedList<'_, T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a JSON array of at most {} items", self.max)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::with_capacity(self.max.min(seq.size_hint().unwrap_or(16)).min(1024));
        // Items documented as any JSON value are built within the decode memory budget, which
        // `Value`'s own decoding escapes (see `BudgetedValue`).
        if TypeId::of::<T>() == TypeId::of::<serde_json::Value>() {
            while items.len() < self.max {
                let Some(value) = seq.next_element_seed(BudgetedValue)? else {
                    return Ok(items);
                };
                // `T` is `Value`: the cast cannot fail.
                match (Box::new(value) as Box<dyn Any>).downcast::<T>() {
                    Ok(item) => items.push(*item),
                    Err(_) => return Err(de::Error::custom("a free-form item of another type")),
                }
            }
        } else {
            while items.len() < self.max {
                match seq.next_element()? {
                    Some(item) => items.push(item),
                    None => return Ok(items),
                }
            }
        }
        // Skipping one more value is cheap and tells a full page from an overlong one.
        if seq.next_element::<IgnoredAny>()?.is_some() {
            self.overflow.set(true);
            return Err(de::Error::custom(format!("more than {} items", self.max)));
        }
        Ok(items)
    }
}

/// The page number of the first link with relation `rel` in one `Link` header value
/// (`<https://h/api/x/?page=2&page_size=10>; rel="next", <...>; rel="last"`).
#[doc(hidden)]
pub fn link_page(header: &str, rel: &str) -> Option<u32> {
    query_param(link_target(header, rel)?, "page")?.parse().ok()
}

/// The target of the first link with relation `rel` in one `Link` header value.
fn link_target<'a>(header: &'a str, rel: &str) -> Option<&'a str> {
    let mut rest = header;
    loop {
        let start = rest.find('<')?;
        let end = start + rest[start..].find('>')?;
        let target = &rest[start + 1..end];
        rest = &rest[end + 1..];
        // The parameters of this link run to the next comma outside quotes.
        let params_end = find_unquoted(rest, b',').unwrap_or(rest.len());
        let params = &rest[..params_end];
        rest = &rest[params_end..];
        if has_rel(params, rel) {
            return Some(target);
        }
    }
}

/// Byte index of the first `needle` outside double quotes (backslash escapes honoured).
fn find_unquoted(s: &str, needle: u8) -> Option<usize> {
    let mut quoted = false;
    let mut escaped = false;
    for (i, b) in s.bytes().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if quoted => escaped = true,
            b'"' => quoted = !quoted,
            _ if b == needle && !quoted => return Some(i),
            _ => {}
        }
    }
    None
}

/// Whether `; rel="a b"` (quoted or not, case-insensitive) in `params` lists `rel`.
fn has_rel(params: &str, rel: &str) -> bool {
    let mut rest = params;
    while !rest.is_empty() {
        let end = find_unquoted(rest, b';').unwrap_or(rest.len());
        let param = &rest[..end];
        rest = rest.get(end + 1..).unwrap_or("");
        let Some((name, value)) = param.split_once('=') else {
            continue;
        };
        if !name.trim().eq_ignore_ascii_case("rel") {
            continue;
        }
        let value = value.trim().trim_matches('"');
        if value
            .split_ascii_whitespace()
            .any(|r| r.eq_ignore_ascii_case(rel))
        {
            return true;
        }
    }
    false
}

fn query_param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// Byte offset of serde_json's 1-based line and column (column 0 means "at the line start").
fn byte_offset(body: &[u8], line: usize, column: usize) -> usize {
    let mut line_start = 0;
    for _ in 1..line {
        match body[line_start..].iter().position(|b| *b == b'\n') {
            Some(p) => line_start += p + 1,
            None => return body.len(),
        }
    }
    (line_start + column).min(body.len())
}

/// At most `max` characters of the body around byte `offset`, on character boundaries.
fn snippet(body: &[u8], offset: usize, max: usize) -> String {
    let half = max / 2;
    let start = offset.saturating_sub(half);
    let end = offset.saturating_add(half).min(body.len());
    let text = String::from_utf8_lossy(body.get(start..end).unwrap_or_default());
    // Cut bytes of a split multi-byte character become U+FFFD at either end; drop them.
    let text = text
        .trim_start_matches('\u{FFFD}')
        .trim_end_matches('\u{FFFD}');
    text.chars().take(max).collect()
}

/// What an operation documented without a response body returns: the status and whatever
/// came back (Waldur actions answer `202 {"status": "... was scheduled"}`).
#[derive(Debug, Clone, PartialEq)]
pub struct Accepted {
    pub status: u16,
    /// The JSON body, `None` for an empty one. (With the legacy
    /// [`Accepted::from_response`], a body that is not JSON is kept as a JSON string.)
    pub body: Option<serde_json::Value>,
}

impl Accepted {
    /// The response of an operation documented to return JSON or nothing: an empty body is
    /// fine, a JSON body is kept, and anything else (an HTML page, plain text) is
    /// [`Error::Decode`] with the start of the body: a proxy or login page answering 200 is
    /// not the action succeeding. So is JSON that would take more memory than the decode budget
    /// ([`super::limits`]) allows.
    pub fn try_from_response(resp: &ApiResponse) -> Result<Accepted, Error> {
        if resp.body.trim_ascii().is_empty() {
            return Ok(Accepted {
                status: resp.status,
                body: None,
            });
        }
        let raw: Box<serde_json::value::RawValue> = match serde_json::from_slice(&resp.body) {
            Ok(raw) => raw,
            Err(e) => {
                return Err(resp.decode_failure(
                    ".".to_owned(),
                    format!(
                        "the operation returns JSON or nothing, but the body{} is not JSON ({})",
                        content_type_note(&resp.headers),
                        loggable(&e.to_string(), MAX_MESSAGE_CHARS)
                    ),
                    "",
                ));
            }
        };
        // Valid JSON that a `Value` cannot hold exactly (a number beyond f64) is not worth
        // failing a successful action for; one that would take more memory than any decoded
        // body may is refused like them.
        let text = raw.get();
        let body = if super::raw::has_inexact_number(text) {
            None
        } else {
            let _budget = BudgetScope::enter(resp.body.len());
            match budgeted_value(text) {
                Ok(value) => Some(value),
                Err(_) if limits::exhausted() => {
                    return Err(resp.decode_failure(
                        ".".to_owned(),
                        limits::exhausted_message(),
                        "",
                    ));
                }
                Err(_) => None,
            }
        };
        Ok(Accepted {
            status: resp.status,
            body,
        })
    }

    /// Lenient legacy form of [`Accepted::try_from_response`]: a body that is not JSON is kept
    /// as a JSON string instead of being an error. (An HTML body never gets here:
    /// [`super::Client::execute`] refuses HTML answers.)
    pub fn from_response(resp: &ApiResponse) -> Accepted {
        match Accepted::try_from_response(resp) {
            Ok(accepted) => accepted,
            Err(_) => Accepted {
                status: resp.status,
                body: Some(serde_json::Value::String(resp.text().into_owned())),
            },
        }
    }

    /// The `status` or `detail` message of the body, if it has one.
    pub fn message(&self) -> Option<&str> {
        let body = self.body.as_ref()?;
        body.get("status")
            .or_else(|| body.get("detail"))
            .and_then(serde_json::Value::as_str)
    }
}

/// ` (Content-Type: text/plain)`, or nothing without the header.
fn content_type_note(headers: &HeaderMap) -> String {
    headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|ct| format!(" (Content-Type: {})", loggable(ct, 100)))
        .unwrap_or_default()
}

/// Whether a successful answer is an HTML page (by `Content-Type`, or by its first bytes
/// when it has none): the client asked for JSON, and no API operation answers HTML, so it is
/// a login page, a proxy's error page or the browsable API, never the result.
pub(super) fn is_html(headers: &HeaderMap, body: &[u8]) -> bool {
    if let Some(ct) = headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    {
        let essence = ct.split(';').next().unwrap_or("").trim();
        return essence.eq_ignore_ascii_case("text/html")
            || essence.eq_ignore_ascii_case("application/xhtml+xml");
    }
    let start = body.trim_ascii_start();
    let start = start.strip_prefix(b"\xef\xbb\xbf").unwrap_or(start);
    let head = &start[..start.len().min(15)];
    head.len() >= 5
        && (head.to_ascii_lowercase().starts_with(b"<!doctype html")
            || head.to_ascii_lowercase().starts_with(b"<html"))
}

impl ApiResponse {
    /// The error for an HTML answer to a request that asked for JSON.
    pub(super) fn html_error(&self) -> Error {
        self.decode_failure(
            ".".to_owned(),
            format!(
                "expected JSON (the request asked for application/json), got an HTML page{}",
                content_type_note(&self.headers)
            ),
            "",
        )
    }
}
