//! A received response and its decoding.

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;

use super::error::{DecodeError, Error};

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
    /// serde message and up to 200 characters of the body around the error.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, Error> {
        // The fast path parses once without path tracking; only a failure pays for a second,
        // path-tracking parse.
        serde_json::from_slice(&self.body).map_err(|e| self.decode_error::<T>(e))
    }

    /// Like [`ApiResponse::decode`], but an empty (or whitespace-only) body gives `None`.
    pub fn decode_optional<T: DeserializeOwned>(&self) -> Result<Option<T>, Error> {
        if self.body.trim_ascii().is_empty() {
            return Ok(None);
        }
        self.decode().map(Some)
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// `X-Result-Count`: the total number of items of a list.
    pub fn result_count(&self) -> Option<u64> {
        self.headers
            .get("x-result-count")?
            .to_str()
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    /// The `page` number of the `rel="next"` link. Only the number is used: behind a proxy the
    /// host in the link can be wrong.
    pub fn next_page(&self) -> Option<u32> {
        self.headers
            .get_all(reqwest::header::LINK)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| link_page(v, "next"))
    }

    /// Whether the response carries a `Link` header at all.
    pub fn has_link_header(&self) -> bool {
        self.headers.contains_key(reqwest::header::LINK)
    }

    fn decode_error<T: DeserializeOwned>(&self, e: serde_json::Error) -> Error {
        let mut de = serde_json::Deserializer::from_slice(&self.body);
        let (path, error) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Err(tracked) => (tracked.path().to_string(), tracked.into_inner()),
            // A second parse cannot succeed where the first failed; keep the first error.
            Ok(_) => (".".to_owned(), e),
        };
        let offset = byte_offset(&self.body, error.line(), error.column());
        Error::Decode(Box::new(DecodeError {
            method: self.method.clone(),
            url: self.url.clone(),
            status: self.status,
            path,
            message: error.to_string(),
            snippet: snippet(&self.body, offset, 200),
        }))
    }
}

/// The page number of the first link with relation `rel` in one `Link` header value
/// (`<https://h/api/x/?page=2&page_size=10>; rel="next", <...>; rel="last"`).
#[doc(hidden)]
pub fn link_page(header: &str, rel: &str) -> Option<u32> {
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
            return query_param(target, "page")?.parse().ok();
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
    /// The JSON body; a body that is not JSON is kept as a JSON string.
    pub body: Option<serde_json::Value>,
}

impl Accepted {
    pub fn from_response(resp: &ApiResponse) -> Accepted {
        let body = if resp.body.trim_ascii().is_empty() {
            None
        } else {
            Some(
                serde_json::from_slice(&resp.body)
                    .unwrap_or_else(|_| serde_json::Value::String(resp.text().into_owned())),
            )
        };
        Accepted {
            status: resp.status,
            body,
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
