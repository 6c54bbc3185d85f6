//! Runtime of the generated Waldur API client.
//!
//! These files are written by hand and copied verbatim into every generated crate (as
//! `src/runtime/`), so modules refer to each other only through `super::`.
//!
//! - [`client`]: base URL, authentication, timeouts, retries, default headers and hooks;
//!   `Client::execute`.
//! - [`env`](mod@env): `Client::from_env` and the environment variables it reads.
//! - [`hooks`]: the caller's code run on every request and response.
//! - [`request`] / [`response`]: one request and its response, query and path encoding.
//! - [`error`]: the one error type, with Django REST framework error bodies parsed.
//! - [`retry`]: backoff policy.
//! - [`pagination`]: pages of list responses and a stream over all items.
//! - [`lenient`]: response fields that survive a server not following its schema.
//! - [`nullable`]: request fields distinguishing absent, null and a value.
//! - [`support`]: what generated models and operations call (model decoding, multipart).
//! - [`wait`]: polling an operation until its result is done, failed or out of time.
//! - [`trace`]: what the `tracing` feature records (one span per call, an event per retry).
//! - [`prelude`]: the client, its error and the stream traits, in one import.
//! - `blocking` (feature `blocking`): synchronous wrappers.
//! - `mock` (feature `mock`): a mock Waldur server for the caller's own tests.
//!
//! Features: `rustls-tls` (default) or `native-tls` select the TLS library; `tracing`,
//! `mock` and `blocking` add what their names say.

#[cfg(feature = "blocking")]
pub mod blocking;
pub mod client;
pub mod env;
pub mod error;
pub mod hooks;
pub mod lenient;
#[cfg(feature = "mock")]
pub mod mock;
pub mod nullable;
pub mod pagination;
pub mod request;
pub mod response;
pub mod retry;
pub mod support;
pub mod trace;
pub mod wait;

/// The `reqwest` this runtime is built with: its types appear in errors and hooks (see
/// [`error`]), and naming them through this re-export keeps them the same version.
pub use reqwest;

pub use client::{Client, ClientBuilder, MAX_PAGE_SIZE};
pub use error::{DecodeError, DrfError, Error, StatusError};
pub use lenient::{Decimal, FromJson, Lenient};
pub use nullable::Nullable;
pub use pagination::{Page, paginate};
pub use request::{ApiRequest, MultipartValue, Query, QueryValue, encode_path_segment};
pub use response::{Accepted, ApiResponse};
pub use retry::{RetryPolicy, Sleeper};
pub use support::{
    FileUpload, LenientModel, MultipartBody, RawBody, deserialize_model, form_fields,
    model_from_map, multipart_value,
};
pub use wait::{WaitError, WaitPolicy, WaitState, wait_for, wait_until};

/// One import for code using the client: `use waldur_client::prelude::*;`.
///
/// Brings the client and its error, and the stream traits the `*_stream` methods need:
/// [`TryStreamExt`](prelude::TryStreamExt) for `try_next`, `try_collect`, `try_filter`;
/// [`StreamExt`](prelude::StreamExt) for `next`, `take`, `boxed`; and
/// [`BoxStream`](prelude::BoxStream) to store a stream in a struct (`stream.boxed()`).
pub mod prelude {
    pub use super::{Client, ClientBuilder, Error, Lenient, Page};
    pub use futures_core::Stream;
    pub use futures_util::stream::BoxStream;
    pub use futures_util::{StreamExt, TryStreamExt};
}
