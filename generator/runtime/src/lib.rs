//! Runtime of the generated Waldur API client.
//!
//! These files are written by hand and copied verbatim into every generated crate (as
//! `src/runtime/`), so modules refer to each other only through `super::`.
//!
//! - [`client`]: base URL, authentication, timeouts, deadline, retries; `Client::execute`.
//! - [`request`] / [`response`]: one request and its response, query and path encoding.
//! - [`body`] / [`redirect`]: bounded body reading, which redirects are followed.
//! - [`error`]: the one error type, with Django REST framework error bodies parsed.
//! - [`retry`]: backoff policy.
//! - [`pagination`]: pages of list responses and a stream over all items.
//! - [`lenient`] / [`raw`] / [`scalars`]: response fields that survive a server not following
//!   its schema, JSON kept verbatim, typed scalars (decimal, UUID, date-time, date).
//! - [`limits`]: decoding memory proportional to the body.
//! - [`nullable`]: request fields distinguishing absent, null and a value.
//! - [`call`]: what generated request builders call (send, decode, stream).
//! - [`model`]: what generated response models share (`Debug`, fields the spec did not promise).
//! - [`support`]: what generated models and operations call (model decoding, multipart).
//! - `blocking` (feature `blocking`): `.wait()` for calls without async.

#[cfg(feature = "blocking")]
pub mod blocking;
pub mod body;
pub mod call;
pub mod client;
pub mod error;
pub mod lenient;
pub mod limits;
pub mod model;
pub mod nullable;
pub mod pagination;
pub mod raw;
pub mod redirect;
pub mod request;
pub mod response;
pub mod retry;
pub mod scalars;
pub mod support;

pub use body::DEFAULT_MAX_RESPONSE_BYTES;
pub use call::{ItemStream, ResponseFuture, decode, missing_field, paging, send, stream_items};
pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_DEADLINE, DEFAULT_TIMEOUT,
    MAX_PAGE_SIZE,
};
pub use error::{
    BodyTooLargeError, DeadlineError, DecodeError, DrfError, ERROR_BODY_LIMIT, Error, FieldError,
    RedirectError, StatusError,
};
pub use lenient::{FromJson, Lenient};
pub use model::{FieldState, ModelFields, debug_model};
pub use nullable::Nullable;
pub use pagination::{Page, PageOptions, paginate, paginate_with};
pub use raw::{Extra, RawJson};
pub use request::{ApiRequest, MultipartValue, Query, QueryValue, encode_path_segment, path_param};
pub use response::{Accepted, ApiResponse};
pub use retry::{RetryPolicy, Sleeper};
pub use scalars::Decimal;
pub use uuid::Uuid;

/// A timezone-aware date-time (`2024-01-02T03:04:05.123456Z`, `...+02:00`), as the API's
/// `date-time` fields hold.
pub type DateTime = chrono::DateTime<chrono::FixedOffset>;

/// A calendar date (`2024-01-02`), as the API's `date` fields hold.
pub type Date = chrono::NaiveDate;
pub use support::{
    FileUpload, LenientModel, MultipartBody, RawBody, deserialize_model, form_fields,
    invalid_fields, model_from_map, multipart_value,
};
