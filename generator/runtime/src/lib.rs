//! Runtime of the generated Waldur API client.
//!
//! These files are written by hand and copied verbatim into every generated crate (as
//! `src/runtime/`), so modules refer to each other only through `super::`.
//!
//! - [`client`]: base URL, authentication, timeouts, retries; `Client::execute`.
//! - [`request`] / [`response`]: one request and its response, query and path encoding.
//! - [`error`]: the one error type, with Django REST framework error bodies parsed.
//! - [`retry`]: backoff policy.
//! - [`pagination`]: pages of list responses and a stream over all items.
//! - [`lenient`]: response fields that survive a server not following its schema.
//! - [`nullable`]: request fields distinguishing absent, null and a value.
//! - [`support`]: what generated models and operations call (model decoding, multipart).
//! - `blocking` (feature `blocking`): synchronous wrappers.

#[cfg(feature = "blocking")]
pub mod blocking;
pub mod call;
pub mod client;
pub mod error;
pub mod lenient;
pub mod model;
pub mod nullable;
pub mod pagination;
pub mod request;
pub mod response;
pub mod retry;
pub mod scalars;
pub mod support;

pub use call::{
    ItemStream, ResponseFuture, decode, missing_field, path_segment, paging, send, stream_items,
};
pub use client::{Client, ClientBuilder, MAX_PAGE_SIZE};
pub use error::{DecodeError, DrfError, Error, StatusError};
pub use lenient::{Decimal, FromJson, Lenient};
pub use model::{FieldState, ModelFields, debug_model};
pub use nullable::Nullable;
pub use pagination::{Page, paginate};
pub use request::{ApiRequest, MultipartValue, Query, QueryValue, encode_path_segment};
pub use response::{Accepted, ApiResponse};
pub use retry::{RetryPolicy, Sleeper};
pub use scalars::{Date, DateTime, Uuid};
pub use support::{
    FileUpload, LenientModel, MultipartBody, RawBody, deserialize_model, form_fields,
    model_from_map, multipart_value,
};
