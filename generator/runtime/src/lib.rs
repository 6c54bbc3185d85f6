//! Runtime of the generated Waldur API client.
//!
//! These files are written by hand and copied verbatim into every generated crate (as
//! `src/runtime/`), so modules refer to each other only through `super::`.
//!
//! - [`client`]: base URL, authentication, timeouts, deadline, retries, default headers and
//!   hooks; `Client::execute`.
//! - [`env`](mod@env): `Client::from_env` and the environment variables it reads.
//! - [`hooks`]: the caller's code run on every request and response.
//! - [`request`] / [`response`]: one request and its response, query and path encoding.
//! - [`body`] / [`redirect`]: bounded body reading, which redirects are followed.
//! - [`error`]: the one error type, with Django REST framework error bodies parsed.
//! - [`retry`]: backoff policy.
//! - [`pagination`]: pages of list responses and a stream over all items.
//! - [`lenient`] / [`raw`] / [`scalars`] / [`spelling`]: response fields that survive a server
//!   not following its schema, JSON kept verbatim, typed scalars (decimal, date), and UUIDs and
//!   date-times that keep the server's spelling.
//! - `scan`: the members of objects and elements of arrays inside a response, found by walking
//!   text serde_json has already checked (nested values are decoded from it, not parsed again).
//! - [`limits`]: decoding memory proportional to the body.
//! - [`nullable`]: request fields distinguishing absent, null and a value.
//! - [`request_json`]: request models decoded from JSON.
//! - [`call`]: what generated request builders call (send, decode, stream).
//! - [`model`]: what generated response models share (`Debug`, fields the spec did not promise).
//! - [`inspect`]: every value of a decoded response the spec did not promise, with its path.
//! - [`support`]: what generated models and operations call (model decoding, multipart).
//! - [`wait`]: polling an operation until its result is done, failed or out of time.
//! - [`trace`]: what the `tracing` feature records (one span per call, an event per retry).
//! - [`version`]: the runtime version a generated crate needs, checked when it compiles.
//! - [`prelude`]: the client, its error and the stream traits, in one import.
//! - `blocking` (feature `blocking`): `.wait()` for calls without async.
//! - `mock` (feature `mock`): a mock Waldur server for the caller's own tests; `mock_ops`
//!   gives its expectations the types of each operation (the generated mock handles).
//!
//! Features: `rustls-tls` (default) or `native-tls` select the TLS library; `tracing`,
//! `mock` and `blocking` add what their names say.

#[cfg(feature = "blocking")]
pub mod blocking;
pub mod body;
pub mod call;
pub mod client;
mod connections;
pub mod env;
pub mod error;
pub mod hooks;
pub mod inspect;
pub mod lenient;
pub mod limits;
#[cfg(feature = "mock")]
pub mod mock;
#[cfg(feature = "mock")]
pub mod mock_ops;
pub mod model;
pub mod nullable;
pub mod pagination;
pub mod raw;
pub mod redirect;
pub mod request;
pub mod request_json;
pub mod response;
pub mod retry;
pub mod scalars;
mod scan;
pub mod spelling;
pub mod support;
pub mod trace;
pub mod version;
pub mod wait;

/// The `reqwest` this runtime is built with: its types appear in errors and hooks (see
/// [`error`]), and naming them through this re-export keeps them the same version.
pub use reqwest;

/// The `serde_json` this runtime is built with: bodies recorded by the mock server
/// (`RecordedRequest::json`), free-form fields and `extra` keys are its values.
pub use serde_json;

pub use body::DEFAULT_MAX_RESPONSE_BYTES;
pub use call::{ItemStream, ResponseFuture, decode, missing_field, paging, send, stream_items};
pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_DEADLINE,
    DEFAULT_MAX_CONCURRENT_REQUESTS, DEFAULT_TIMEOUT, MAX_PAGE_SIZE,
};
pub use error::{
    BodyTooLargeError, DeadlineError, DecodeError, DrfError, ERROR_BODY_LIMIT, Error, FieldError,
    REDACTED, RedirectError, StatusError,
};
pub use inspect::{Finding, FindingKind, Inspect, Inspector};
pub use lenient::{FromJson, Lenient};
pub use model::{FieldState, debug_model, serialize_model};
// The impls of every generated response model (see the macro), under the name generated code
// calls it by: `runtime::response_model!`.
#[doc(hidden)]
pub use crate::__response_model as response_model;
// What every generated request builder shares (see the macro): `runtime::request_builder!`.
#[doc(hidden)]
pub use crate::__request_builder as request_builder;
// One method of a generated mock handle (see the macro): `runtime::mock_operation!`.
#[cfg(feature = "mock")]
#[doc(hidden)]
pub use crate::__mock_operation as mock_operation;
pub use nullable::Nullable;
pub use pagination::{Page, PageOptions, paginate, paginate_with};
pub use raw::{Extra, RawJson};
pub use request::{ApiRequest, MultipartValue, Query, QueryValue, encode_path_segment, path_param};
pub use request_json::RequestFields;
pub use response::{Accepted, ApiResponse};
pub use retry::{RetryPolicy, Sleeper};
pub use scalars::{Decimal, ParseDecimalError};
pub use spelling::{DateTime, DateTimeForm, Uuid, UuidForm, UuidLayout};

/// The `chrono` this runtime is built with: a [`DateTime`] is a `chrono::DateTime<FixedOffset>`
/// with its spelling, and converts from and into chrono's types.
pub use chrono;

/// The `uuid` this runtime is built with: a [`Uuid`] is a `uuid::Uuid` with its spelling.
pub use uuid;

/// A calendar date (`2024-01-02`), as the API's `date` fields hold.
pub type Date = chrono::NaiveDate;
pub use support::{
    FileUpload, LenientModel, MultipartBody, RawBody, deserialize_model, form_fields,
    model_from_map, multipart_value, string_or_integer,
};
pub use wait::{WaitError, WaitPolicy, WaitState, order_state, wait_for, wait_until};

/// One import for code using the client: `use waldur_client::prelude::*;`.
///
/// Brings the client and its error, [`WaitPolicy`] (for `wait_for` and `send_and_wait`),
/// [`Inspect`] (`findings()`), and the stream traits a list builder's `stream()` needs:
/// [`TryStreamExt`](prelude::TryStreamExt) for `try_next`, `try_collect`, `try_filter`;
/// [`StreamExt`](prelude::StreamExt) for `next`, `take`, `boxed`; and
/// [`BoxStream`](prelude::BoxStream) to store a stream in a struct (`stream.boxed()`).
pub mod prelude {
    pub use super::{
        Client, ClientBuilder, Error, Inspect, Lenient, LenientModel, Page, WaitPolicy,
    };
    pub use futures_core::Stream;
    pub use futures_util::stream::BoxStream;
    pub use futures_util::{StreamExt, TryStreamExt};
}
