//! What generated request builders call: send a request, decode the answer by
//! what the operation documents, page through a list.
//!
//! Everything generic lives here once, so each generated operation is a few lines of plain
//! (non-async) code: the compiler type-checks one `async` body per decoding kind instead of
//! one per operation.

use std::future::Future;
use std::pin::Pin;

use futures_core::Stream;
use serde::de::DeserializeOwned;

use super::client::Client;
use super::error::Error;
use super::pagination::Page;
use super::request::ApiRequest;
use super::response::{Accepted, ApiResponse};

/// The future of a sent request (what `.await` on a request builder runs).
pub type ResponseFuture<T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'static>>;

/// A stream of every item of a paginated list.
pub type ItemStream<T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'static>>;

/// The error of a request-model builder whose required field was not set.
pub fn missing_field(model: &str, field: &str) -> Error {
    Error::Encode(format!(
        "cannot build `{model}`: its required field `{field}` was not set"
    ))
}

/// Sends `req` (when it could be built) and decodes the success response with `decode`.
pub fn send<T, D>(client: Client, req: Result<ApiRequest, Error>, decode: D) -> ResponseFuture<T>
where
    T: Send + 'static,
    D: FnOnce(ApiResponse) -> Result<T, Error> + Send + 'static,
{
    Box::pin(async move {
        let resp = client.execute(req?).await?;
        decode(resp).map_err(|e| client.redact(e))
    })
}

/// How success responses decode, by what the operation documents. Each is a `decode`
/// argument of [`send`].
pub mod decode {
    use super::*;

    /// A JSON body of type `T`; an empty body is an error.
    pub fn json<T: DeserializeOwned>(resp: ApiResponse) -> Result<T, Error> {
        resp.decode()
    }

    /// A JSON body of any shape (documented as any JSON value); an empty body is an error.
    /// Unlike `json::<serde_json::Value>`, it is built within the decode memory budget.
    pub fn json_value(resp: ApiResponse) -> Result<serde_json::Value, Error> {
        resp.decode_value()
    }

    /// A JSON body of type `T`; an empty body gives `T::default()` (a list without items, a
    /// model without fields).
    pub fn json_or_default<T: DeserializeOwned + Default>(resp: ApiResponse) -> Result<T, Error> {
        Ok(resp.decode_optional()?.unwrap_or_default())
    }

    /// A response documented without a body: its status and whatever JSON came back (a body
    /// that is not JSON, such as an HTML page, is an error).
    pub fn accepted(resp: ApiResponse) -> Result<Accepted, Error> {
        Accepted::try_from_response(&resp)
    }

    /// `X-Result-Count` of a `HEAD`.
    pub fn count(resp: ApiResponse) -> Result<u64, Error> {
        resp.required_result_count()
    }

    /// A text body.
    pub fn text(resp: ApiResponse) -> Result<String, Error> {
        Ok(resp.text().into_owned())
    }

    /// One JSON value per line (`application/x-ndjson`).
    pub fn ndjson(resp: ApiResponse) -> Result<Vec<serde_json::Value>, Error> {
        resp.ndjson()
    }

    /// The body's bytes.
    pub fn bytes(resp: ApiResponse) -> Result<bytes::Bytes, Error> {
        Ok(resp.body)
    }

    /// A page of a list fetched as page `page` of size `page_size`.
    pub fn page<T: DeserializeOwned + 'static>(
        page: u32,
        page_size: u32,
    ) -> impl FnOnce(ApiResponse) -> Result<Page<T>, Error> {
        move |resp| Page::from_response(&resp, page, page_size)
    }
}

/// The page number and size a list request asks for: the caller's `page` and `page_size`
/// (when set and positive), else page 1 and the client's default size, capped at the server
/// maximum.
pub fn paging(client: &Client, page: Option<i64>, page_size: Option<i64>) -> (u32, u32) {
    let page = page
        .and_then(|p| u32::try_from(p).ok())
        .filter(|p| *p > 0)
        .unwrap_or(1);
    let size = page_size
        .and_then(|s| u32::try_from(s).ok())
        .filter(|s| *s > 0)
        .unwrap_or(client.default_page_size())
        .min(super::client::MAX_PAGE_SIZE);
    (page, size)
}

/// Every item of a paginated list, page after page, from page 1, under the client's page cap
/// (see [`Client::paginate`]). `request(page, page_size)` builds the request of one page;
/// `page_size` is the caller's or the client's default. At most one page is held in memory.
pub fn stream_items<T, F>(client: Client, page_size: u32, request: F) -> ItemStream<T>
where
    T: DeserializeOwned + Send + 'static,
    F: Fn(u32, u32) -> Result<ApiRequest, Error> + Send + Sync + 'static,
{
    let request = std::sync::Arc::new(request);
    let fetcher = client.clone();
    Box::pin(client.paginate(page_size, None, move |page, page_size| {
        let client = fetcher.clone();
        let req = request(page, page_size);
        async move {
            let resp = client.execute(req?).await?;
            Page::from_response(&resp, page, page_size).map_err(|e| client.redact(e))
        }
    }))
}

/// What every generated request builder has in common, written once here instead of in each
/// of a whole-API crate's two thousand builders: the method adding a query pair by its wire
/// name, `IntoFuture` (so a builder is sent with `.await`), and, for an operation that is not a
/// list, `send` itself.
///
/// `request_builder!(Builder -> Output = GET json; query_unchecked(unchecked_query))`: the
/// builder has a `client` field, a `request(&self, reqwest::Method)` method, and keeps the
/// unchecked query pairs in the field in parentheses; the method adding one gets the name
/// before it. `= GET json` adds `send`, which sends with that HTTP method and decodes with that
/// function of [`decode`]; without it, the builder's own `send` is used (a list's, which pages).
///
/// Paths in the expansion start with `$crate`, as in `response_model!`.
#[doc(hidden)]
#[macro_export]
macro_rules! __request_builder {
    ($builder:ident -> $output:ty = $method:ident $decoder:ident; $query:ident($field:ident)) => {
        impl $builder {
            /// Sends the request (what `.await` does).
            #[inline]
            pub fn send(self) -> $crate::ResponseFuture<$output> {
                let req = self.request($crate::reqwest::Method::$method);
                $crate::send(self.client, req, $crate::decode::$decoder)
            }
        }
        $crate::request_builder!($builder -> $output; $query($field));
    };
    ($builder:ident -> $output:ty; $query:ident($field:ident)) => {
        impl $builder {
            /// Adds the query pair `name=value` as it is, after the documented ones, for a
            /// filter the spec does not list. Unchecked: a server ignores a filter it does not
            /// know.
            #[inline]
            pub fn $query(
                mut self,
                name: impl ::core::convert::Into<::std::string::String>,
                value: impl ::core::convert::Into<::std::string::String>,
            ) -> Self {
                self.$field.push((name.into(), value.into()));
                self
            }
        }
        impl ::core::future::IntoFuture for $builder {
            type Output = ::core::result::Result<$output, $crate::Error>;
            type IntoFuture = $crate::ResponseFuture<$output>;
            #[inline]
            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }
    };
}
