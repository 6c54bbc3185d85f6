//! Typed expectations for the mock server (feature `mock`): what the generated mock handles
//! return (`mock.openstack_volumes().retrieve(uuid)`), so a test says what an operation returns
//! in the operation's own types.
//!
//! A [`MockOperation<T>`] knows the operation's method, path template, path parameters and
//! documented success status; `T` is what the operation returns, so `returns` takes exactly
//! that type, a list operation takes a page of its items, an action without a body is
//! accepted with its status. Errors are set the same way for every operation.

use std::fmt;
use std::marker::PhantomData;

use reqwest::Method;
use serde::Serialize;

use super::error::DrfError;
use super::mock::{Expectation, ExpectationBuilder, MockServer};
use super::pagination::Page;
use super::request::QueryValue;
use super::response::Accepted;

/// An expectation for one operation, answering with its return type `T`. Created by the
/// generated mock handles; answered with one of the `returns*`, `accepts*`, `fails*` methods,
/// which register it.
#[must_use = "an expectation is registered only by one of its returns/accepts/fails methods"]
pub struct MockOperation<'a, T> {
    /// The expectation belongs to the server it was made on (registered there when answered).
    server: PhantomData<&'a MockServer>,
    /// Method, template, operation and every matcher so far (its `Debug` shows them).
    builder: ExpectationBuilder,
    /// The documented success status (200, 201, 202, 204).
    status: u16,
    output: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for MockOperation<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockOperation")
            .field("expectation", &self.builder)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

impl<'a, T> MockOperation<'a, T> {
    /// An expectation of `method template` for operation `operation`, whose documented success
    /// status is `status`.
    pub fn new(
        server: &'a MockServer,
        method: Method,
        template: &'static str,
        operation: &'static str,
        status: u16,
    ) -> Self {
        MockOperation {
            server: PhantomData,
            builder: server.expect(method, template).operation(operation),
            status,
            output: PhantomData,
        }
    }

    /// Matches only this value of path parameter `name` (as the client writes it).
    pub fn path_param<V: QueryValue + ?Sized>(mut self, name: &'static str, value: &V) -> Self {
        self.builder = self.builder.path_param(name, value.query_value());
        self
    }

    /// Matches only requests with this query parameter value (as the client writes it).
    pub fn query<V: QueryValue + ?Sized>(mut self, name: &str, value: &V) -> Self {
        self.builder = self.builder.query(name, value.query_value());
        self
    }

    /// Adds matchers or settings of the underlying [`ExpectationBuilder`] (a body, a header,
    /// a query parameter, a delay).
    pub fn matching(mut self, f: impl FnOnce(ExpectationBuilder) -> ExpectationBuilder) -> Self {
        self.builder = f(self.builder);
        self
    }

    /// Answers at most `n` requests (then the next matching expectation answers).
    pub fn times(mut self, n: usize) -> Self {
        self.builder = self.builder.times(n);
        self
    }

    /// Answers with `status` and `{"detail": message}`.
    pub fn fails(self, status: u16, message: &str) -> Expectation {
        self.builder.respond_detail(status, message)
    }

    /// Answers with `status` and the Django REST framework error body of `error`.
    pub fn fails_with(self, status: u16, error: &DrfError) -> Expectation {
        self.builder.respond_error(status, error)
    }

    /// Answers with `status` and one message per field (`400` validation errors).
    pub fn fails_on_fields(self, status: u16, errors: &[(&str, &str)]) -> Expectation {
        self.builder.respond_field_errors(status, errors)
    }

    /// Answers with `status` and no body.
    pub fn responds_empty(self, status: u16) -> Expectation {
        self.builder.respond_empty(status)
    }

    /// The underlying expectation, for answers this type has no method for.
    pub fn into_builder(self) -> ExpectationBuilder {
        self.builder
    }
}

impl<T: Serialize> MockOperation<'_, T> {
    /// Answers with the documented success status and `value`.
    pub fn returns(self, value: &T) -> Expectation {
        let status = self.status;
        self.builder.respond_json(status, value)
    }

    /// Answers with `status` and `value`.
    pub fn returns_with_status(self, status: u16, value: &T) -> Expectation {
        self.builder.respond_json(status, value)
    }
}

impl<I: Serialize> MockOperation<'_, Page<I>> {
    /// Answers with `items` as one page of a list of `total` items (`X-Result-Count`, and a
    /// `Link` to the next page while there are more).
    pub fn returns_page(self, items: &[I], total: u64) -> Expectation {
        self.builder.respond_page(items, total)
    }

    /// Answers every page of the whole list `items`, paginated as Waldur does (the request's
    /// `page` and `page_size`), so a stream over the list sees all of them.
    pub fn returns_all(self, items: &[I]) -> Expectation {
        self.builder.respond_list(items)
    }

    /// Expects the list's count (`HEAD` of the same path, with the same path parameters,
    /// filters and other matchers) instead, answered `total`.
    pub fn returns_count(self, total: u64) -> Expectation {
        self.builder.with_method(Method::HEAD).respond_count(total)
    }
}

impl MockOperation<'_, u64> {
    /// Answers a count (`HEAD`) with `total` in `X-Result-Count`.
    pub fn returns_count(self, total: u64) -> Expectation {
        self.builder.respond_count(total)
    }
}

impl MockOperation<'_, Accepted> {
    /// Answers with the documented status and no body.
    pub fn accepts(self) -> Expectation {
        let status = self.status;
        self.builder.respond_empty(status)
    }

    /// Answers with `status` and a JSON body (Waldur's actions answer
    /// `{"status": "... was scheduled"}`).
    pub fn accepts_with(self, status: u16, body: &impl Serialize) -> Expectation {
        self.builder.respond_json(status, body)
    }
}

/// One method of a generated mock handle, written once here instead of in each of a whole-API
/// crate's two thousand operations: it expects the operation and returns its typed
/// [`MockOperation`].
///
/// `mock_operation!(retrieve(uuid: &Uuid = path_param "uuid") -> models::Volume = GET
/// "/api/volumes/{uuid}/" "volumes_retrieve" 200u16)`: each argument is matched as a path
/// parameter (`path_param`) or a query parameter (`query`) of the given wire name. The handle
/// holds the server in a field `server` and has the lifetime `'a`.
///
/// Paths in the expansion start with `$crate`, as in `response_model!`.
#[doc(hidden)]
#[macro_export]
macro_rules! __mock_operation {
    (
        $name:ident($($arg:ident: &$ty:ty = $matcher:ident $wire:literal),* $(,)?) -> $out:ty
        = $method:ident $template:literal $operation:literal $status:literal
    ) => {
        #[doc = concat!(
            " Expects `", stringify!($method), " ", $template, "` (operation `", $operation,
            "`); answer it with `returns`, `fails`, ... The arguments it takes must match; add \
             other matchers with `matching`."
        )]
        #[inline]
        pub fn $name(&self, $($arg: &$ty),*) -> $crate::mock_ops::MockOperation<'a, $out> {
            $crate::mock_ops::MockOperation::new(
                self.server,
                $crate::reqwest::Method::$method,
                $template,
                $operation,
                $status,
            )
            $(.$matcher($wire, $arg))*
        }
    };
}
