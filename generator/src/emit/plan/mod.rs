//! The emission plan: everything the generated crate will contain, as plain data.
//!
//! [`build`] makes every decision once: which operations become which methods (and which get a
//! count and a stream), what every module, type, field, accessor, variant, setter and Cargo
//! feature is called, which Rust type each spec type becomes, which files exist and which
//! feature gates each item. The renderers in [`super::render`] turn a [`Plan`] into tokens and
//! text without deciding anything, so a question such as "what is a paginated list?" or "what
//! may a tag accessor be called?" has one answer, here.
//!
//! Names are allocated per namespace by [`names::Namespace`]: each namespace starts with the
//! names the generated code or Rust itself already uses there (keywords, prelude types, the
//! runtime's items, helper methods), and spec names that collide, also after case conversion,
//! are suffixed deterministically in spec order.

mod build;
mod names;
mod rust_types;

pub use build::build;
pub use names::{DISABLED_FEATURES, Namespace};
pub use rust_types::describe;

use std::collections::BTreeMap;

use crate::Diagnostic;
use crate::ir::{EnumValue, Method};

/// The whole generated crate.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub krate: CratePlan,
    /// The generated `Client` and its tag accessors.
    pub client: ClientPlan,
    /// One module per tag, in tag order.
    pub tags: Vec<TagPlan>,
    /// Every named type, keyed by its IR name.
    pub types: BTreeMap<String, TypePlan>,
    /// Model files (`src/models/<file>.rs`) with the IR names of the types each holds, in
    /// name order.
    pub model_files: Vec<ModelFile>,
    /// The crate-level usage example.
    pub example: Example,
    /// Why an operation got no method, and other decisions worth reporting.
    pub diagnostics: Vec<Diagnostic>,
}

/// Cargo metadata and features.
#[derive(Debug, Clone, PartialEq)]
pub struct CratePlan {
    pub name: String,
    /// The crate name as a Rust path segment (`waldur_client`).
    pub lib_name: String,
    pub version: String,
    pub description: String,
    pub repository: Option<String>,
    /// Tag features, in tag order.
    pub tag_features: Vec<String>,
    /// `[features]` of `Cargo.toml`: the runtime's, as this crate offers them, then one per
    /// tag.
    pub features: Vec<FeaturePlan>,
    /// `default = [..]`: the runtime's defaults (its TLS library), then the default tags.
    pub default_features: Vec<String>,
    /// `[dependencies]`, one TOML entry each (comment lines included), in order.
    pub dependencies: Vec<String>,
    /// How the crate gets its runtime.
    pub runtime: RuntimePlan,
    /// Lines of the "generated, do not edit" header of every file. They name no input and
    /// no hash, so a change to one page rewrites only the files it affects.
    pub header: Vec<String>,
    /// Where the crate comes from (command, inputs, their sha256, generator version): said
    /// once, in the crate docs.
    pub provenance: String,
    /// Spec sources for the crate docs: `(path, title, version, provenance facts)`.
    pub sources: Vec<SourceNote>,
}

/// One Cargo feature of the generated crate.
#[derive(Debug, Clone, PartialEq)]
pub struct FeaturePlan {
    pub name: String,
    /// What it enables (`waldur-client-runtime/blocking`).
    pub enables: Vec<String>,
    /// Comment lines above it, `#` included.
    pub comment: Vec<String>,
}

/// The runtime of the generated crate.
#[derive(Debug, Clone, PartialEq)]
pub enum RuntimePlan {
    /// `pub use <lib> as runtime;` and a compile-time check that the runtime in the build is
    /// `^version`.
    Dependency {
        /// The dependency's library name (`waldur_client_runtime`).
        lib: String,
        /// `(major, minor, patch)` the crate was generated for.
        version: (u64, u64, u64),
    },
    /// `pub mod runtime;` with these files under `src/runtime/` (file name -> text).
    Vendored { files: BTreeMap<String, String> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct SourceNote {
    pub path: String,
    pub title: Option<String>,
    pub version: Option<String>,
    pub facts: Vec<(String, String)>,
}

/// The generated `Client`: a newtype over the runtime client with one accessor per tag.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientPlan {
    pub accessors: Vec<Accessor>,
}

/// `client.openstack_volumes()`, and `mock.openstack_volumes()` on the mock server.
#[derive(Debug, Clone, PartialEq)]
pub struct Accessor {
    pub method: String,
    /// The accessor of the tag's mock handle on `runtime::mock::MockServer` (feature `mock`).
    pub mock_method: String,
    /// Index into [`Plan::tags`].
    pub tag: usize,
    /// The trait in the crate's hidden `disabled` module whose missing impl makes a call of the
    /// accessor, with the tag's feature off, an error naming the feature.
    pub disabled_trait: String,
}

/// The operations of one tag: a module with a handle type.
#[derive(Debug, Clone, PartialEq)]
pub struct TagPlan {
    /// The tag as the spec spells it (`openstack_volumes`).
    pub tag: String,
    /// Module name (`openstack_volumes`).
    pub module: String,
    /// Cargo feature (`openstack-volumes`).
    pub feature: String,
    /// Handle type (`OpenstackVolumesApi`).
    pub handle: String,
    /// Mock handle type, behind the `mock` feature (`OpenstackVolumesMock`).
    pub mock_handle: String,
    /// Page title of the tag's source, if it has one.
    pub title: Option<String>,
    pub operations: Vec<OperationPlan>,
}

/// One operation: a method on the tag handle that returns a request builder.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationPlan {
    /// Index into `Api::operations`.
    pub op: usize,
    pub operation_id: String,
    pub http_method: Method,
    pub path: String,
    /// Method on the handle (`list`).
    pub method: String,
    /// The request builder type (`OpenstackVolumesList`).
    pub builder: String,
    /// Path parameters and required query parameters: arguments of the handle method, in
    /// path order, then query order.
    pub args: Vec<ArgPlan>,
    /// Optional query parameters: setters on the builder.
    pub setters: Vec<ArgPlan>,
    /// Query pairs by wire name, unchecked, after the documented ones.
    pub unchecked_query: UncheckedQuery,
    pub body: Option<BodyPlan>,
    pub output: Output,
    /// The documented success status (what a mock answers by default).
    pub success_status: u16,
    /// For paginated lists: what the builder's `stream` and `count` need.
    pub list: Option<ListPlan>,
    /// A Waldur marketplace order submission that can be awaited to completion.
    pub order_helper: Option<OrderHelper>,
    pub docs: OperationDocs,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OperationDocs {
    pub title: Option<String>,
    pub description: Option<String>,
    /// `(status, description)` of every documented response.
    pub responses: Vec<(u16, Option<String>)>,
    pub deprecated: bool,
}

/// A parameter of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct ArgPlan {
    /// Rust name (argument or builder field and setter).
    pub ident: String,
    /// Name on the wire.
    pub wire: String,
    pub location: ArgLocation,
    pub ty: RustTy,
    /// How the value goes into the query string.
    pub encoding: QueryEncoding,
    pub description: Option<String>,
    /// The spec's type, for docs (`string (uuid)`).
    pub spec_type: String,
    pub default: Option<String>,
    /// For an optional list parameter: the builder method that adds one value to those set
    /// before (`add_state`); the setter itself replaces them.
    pub append: Option<String>,
}

/// The builder method that sends a query pair the spec does not list, and the field that
/// holds such pairs (names claimed in the builder's namespace before any parameter's).
#[derive(Debug, Clone, PartialEq)]
pub struct UncheckedQuery {
    pub method: String,
    pub field: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgLocation {
    Path,
    Query,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryEncoding {
    /// One value.
    Single,
    /// `?state=OK&state=ERRED`.
    Repeated,
    /// `?o=name,-created`.
    CommaJoined,
}

/// The request body.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyPlan {
    pub ty: RustTy,
    /// An optional body is set with a builder method instead of an argument.
    pub required: bool,
    pub encoding: BodyEncoding,
    /// The builder method that sets an optional body, and the argument name of a required one.
    pub ident: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    Json,
    /// JSON, unless the caller attached a file (the model has file fields): then
    /// `multipart/form-data`.
    JsonOrMultipart,
    /// `multipart/form-data` only (the operation accepts nothing else).
    Multipart,
    FormUrlEncoded,
    /// The bytes of a file or a string as they are.
    Raw,
}

/// What an operation's success response decodes into.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// A page of a paginated list.
    Page {
        item: RustTy,
    },
    /// A JSON value; `allow_empty` types decode an empty body as their default.
    Json {
        ty: RustTy,
        allow_empty: bool,
    },
    /// Documented without a body: the status and whatever JSON came back.
    Accepted,
    /// `X-Result-Count` of a `HEAD`.
    Count,
    Text,
    NdJson,
    Binary,
}

/// A paginated list's companions: the builder's `stream()` (every item, page after page) and
/// `count()` (`HEAD` with the same filters). Builder methods are reserved names, so a query
/// parameter never takes them.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPlan {
    /// The builder fields of the `page` and `page_size` query parameters.
    pub page_setter: String,
    pub page_size_setter: String,
    /// The `HEAD` operation of the same path that `count()` stands for, if the spec has one
    /// (index into `Api::operations`).
    pub head_op: Option<usize>,
}

/// The generated `send_and_wait` of `POST /api/marketplace-orders/`: submit the order, then
/// poll it until it is done or erred.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderHelper {
    /// The builder method (`send_and_wait`).
    pub method: String,
    /// The retrieve operation's method on the same handle (`retrieve`).
    pub retrieve_method: String,
    /// The order model (`OrderDetails`).
    pub order_type: String,
    /// Accessors of the order's `uuid`, `state` and `error_message`, and whether `state` and
    /// `error_message` read as `&str` already (else they are enums with `as_str`).
    pub uuid_accessor: String,
    pub state_accessor: String,
    pub state_is_str: bool,
    pub error_accessor: Option<String>,
}

/// One named type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypePlan {
    /// Rust identifier.
    pub ident: String,
    /// Model file it lives in (`openstack_volumes`, `shared`).
    pub file: String,
    pub gate: Gate,
    pub description: Option<String>,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Response(ResponseModel),
    Request(RequestModel),
    Enum(EnumPlan),
    Alias { target: RustTy, spec_type: String },
}

/// A response model: lenient fields, unknown keys kept, accessors.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseModel {
    pub fields: Vec<FieldPlan>,
    /// Rust name of the unknown-keys map (`extra`).
    pub extra: String,
    /// Used as a request body too: gets the strict constructor of request models? No: it is
    /// serialised as it is (every field is lenient).
    pub sent_as_body: bool,
}

/// A request model: plain fields, optional ones tri-state.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestModel {
    pub fields: Vec<FieldPlan>,
    pub extra: String,
    pub constructor: Constructor,
    /// Has `FileUpload` fields: can be sent as `multipart/form-data`.
    pub has_files: bool,
    /// Derives `Deserialize` (strict: required fields must be present, a required nullable
    /// one too; unknown keys go to `extra`), so a request can be built from JSON: every model
    /// without a file field.
    pub deserialize: bool,
    /// Also appears inside a response: decoded there through `FromJson` (strictly).
    pub in_responses: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Constructor {
    /// No required field: `Default`.
    Default,
    /// `new(a, b)` with the required fields, which all have different types.
    New,
    /// Two required fields of the same type: a builder so they are set by name.
    Builder { builder: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldPlan {
    pub ident: String,
    pub wire: String,
    /// The type inside `Lenient<...>` (responses) or as declared (requests, see `presence`).
    pub ty: RustTy,
    pub presence: Presence,
    /// Accessor method (responses) or builder setter (requests with a builder).
    pub accessor: String,
    pub access: Access,
    pub description: Option<String>,
    pub spec_type: String,
    pub required: bool,
    pub read_only: bool,
    pub write_only: bool,
    pub nullable: bool,
    pub default: Option<String>,
}

/// How a request field is present in the struct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// `Lenient<T>` (every response field).
    Lenient,
    /// `T`: required, not nullable.
    Required,
    /// `Option<T>`, always sent (`null` for `None`): required but nullable.
    RequiredNullable,
    /// `Nullable<T>`: absent (not sent), `null`, or a value.
    Optional,
}

/// What a response accessor returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Access {
    /// `Option<T>` for `Copy` types.
    Copied,
    /// `Option<&str>`.
    Str,
    /// `Option<&[E]>` for arrays (elements stay lenient).
    Slice,
    /// `Option<&T>`.
    Ref,
}

/// An enum with a variant per documented value and one for values the spec does not list.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumPlan {
    pub integer: bool,
    /// A string enum whose values are numbers (`"1"`): a JSON number decodes too.
    pub numeric_strings: bool,
    pub variants: Vec<Variant>,
    /// Name of the catch-all variant (`Unknown`).
    pub unknown: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub ident: String,
    pub value: EnumValue,
}

/// The `cfg` that keeps an item out of builds without the tags that use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    None,
    /// Used by several tags: compiled when any of them is enabled.
    Any(Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModelFile {
    pub file: String,
    /// The feature of the tag whose file this is (`None` for `shared`).
    pub feature: Option<String>,
    pub types: Vec<String>,
}

/// The crate docs' example: a call that compiles for this crate.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// `(tag accessor, method, tag feature, prints items)`.
    pub call: Option<ExampleCall>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExampleCall {
    pub accessor: String,
    pub method: String,
    pub feature: String,
    /// The call returns a page, so the example prints its items.
    pub page: bool,
}

/// A Rust type as the generated code spells it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum RustTy {
    String,
    I64,
    F64,
    Bool,
    Uuid,
    DateTime,
    Date,
    Decimal,
    /// Any JSON value.
    Json,
    FileUpload,
    /// A generated type (`crate::models::X`), boxed when it closes a cycle.
    Named {
        ident: String,
        boxed: bool,
    },
    /// `Vec<T>`; in responses the elements are `Lenient<T>`.
    Vec(Box<RustTy>, Lenient),
    /// `BTreeMap<String, T>`; in responses the values are `Lenient<T>`.
    Map(Box<RustTy>, Lenient),
}

/// Whether the elements of a collection are wrapped in `Lenient`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Lenient {
    Yes,
    No,
}

impl RustTy {
    /// Whether the type is `Copy` (accessors return it by value).
    pub fn is_copy(&self) -> bool {
        matches!(
            self,
            RustTy::I64
                | RustTy::F64
                | RustTy::Bool
                | RustTy::Uuid
                | RustTy::DateTime
                | RustTy::Date
        )
    }
}
