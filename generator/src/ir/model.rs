//! The intermediate model: what an HTTP API is, independent of where it was read from
//! (Markdown pages, OpenAPI) and of what is emitted (Rust).
//!
//! Front ends produce an [`Api`] whose types may still be inline ([`Ty::Object`],
//! [`Ty::Enum`]); the passes in [`crate::ir::passes`] hoist them into [`Api::types`] and
//! replace them with [`Ty::Ref`]. Every collection that reaches output is ordered
//! (`Vec` in source order or `BTreeMap`), so output never depends on hash order.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A whole API: every operation read from every spec file, and the named types.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Api {
    /// The spec files this API was read from, in the order they were read.
    pub sources: Vec<SourceFile>,
    /// Operations in source order (file order, then page order).
    pub operations: Vec<Operation>,
    /// Named object and enum types, keyed by their type name (e.g. `OpenStackVolume`).
    pub types: BTreeMap<String, TypeDef>,
}

/// One input file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceFile {
    /// Path as given to the generator (relative paths stay relative, with `/` separators).
    pub path: String,
    /// Page title (`# Openstack Volumes`) or OpenAPI `info.title`.
    pub title: Option<String>,
    /// Free text that introduces the page or schema.
    pub description: Option<String>,
    /// OpenAPI `info.version`, when known.
    pub version: Option<String>,
    /// The `<!-- EXTERNAL DOCUMENT ... -->` header of a synced page, when present.
    pub provenance: Option<Provenance>,
}

/// Where a synced page came from (its `<!-- EXTERNAL DOCUMENT -->` header).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub source: Option<String>,
    pub branch: Option<String>,
    pub remote_path: Option<String>,
    pub local_path: Option<String>,
    pub last_sync: Option<String>,
}

/// A place in an input file, for diagnostics and for tracing generated code back to its spec.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub file: String,
    /// 1-based line number; 0 when the format has no lines (e.g. JSON input).
    pub line: u32,
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
    Options,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
        }
    }

    /// Parses an upper- or lower-case method name.
    pub fn parse(s: &str) -> Option<Method> {
        Some(match s.to_ascii_uppercase().as_str() {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "PATCH" => Method::Patch,
            "DELETE" => Method::Delete,
            "OPTIONS" => Method::Options,
            _ => return None,
        })
    }
}

/// One HTTP operation, identified by `(method, path)` and by its `operation_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// snake_case operation id, e.g. `openstack_volumes_extend`.
    pub operation_id: String,
    /// snake_case tag (the Python API module), e.g. `openstack_volumes`.
    pub tag: String,
    pub method: Method,
    /// Path template, e.g. `/api/openstack-volumes/{uuid}/extend/`.
    pub path: String,
    /// Human title (`### Extend volume size`); not an identifier.
    pub title: Option<String>,
    /// Markdown description, normalised (docstring indentation removed, trailing blanks trimmed).
    pub description: Option<String>,
    /// Cosmetic group of the page (`Core CRUD`, `Other Actions`).
    pub group: Option<String>,
    /// Path parameters in path order, then query and header parameters in spec order.
    pub params: Vec<Param>,
    pub body: Option<RequestBody>,
    /// Responses in spec order.
    pub responses: Vec<Response>,
    pub deprecated: bool,
    /// `None`: the spec says nothing (token auth assumed). `Some(empty)`: public, no auth.
    pub security: Option<Vec<String>>,
    /// Vendor extensions (`x-...`) and other facts the emitters do not need, kept for tools.
    pub extensions: BTreeMap<String, serde_json::Value>,
    /// Where the operation is defined.
    pub span: Span,
}

impl Operation {
    /// An operation with no parameters, body or responses (add them through the public fields
    /// or the `with_*` methods); for hand-built IR in tests and fixtures.
    pub fn new(
        operation_id: impl Into<String>,
        tag: impl Into<String>,
        method: Method,
        path: impl Into<String>,
    ) -> Operation {
        Operation {
            operation_id: operation_id.into(),
            tag: tag.into(),
            method,
            path: path.into(),
            title: None,
            description: None,
            group: None,
            params: Vec::new(),
            body: None,
            responses: Vec::new(),
            deprecated: false,
            security: None,
            extensions: BTreeMap::new(),
            span: Span::default(),
        }
    }

    pub fn with_param(mut self, param: Param) -> Operation {
        self.params.push(param);
        self
    }

    pub fn with_body(mut self, body: RequestBody) -> Operation {
        self.body = Some(body);
        self
    }

    pub fn with_response(mut self, response: Response) -> Operation {
        self.responses.push(response);
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

/// How an array query parameter goes on the wire.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ArrayStyle {
    /// `?state=OK&state=Erred` (OpenAPI `style: form, explode: true`).
    #[default]
    Repeat,
    /// `?o=name,-created` (OpenAPI `style: form, explode: false`).
    CommaJoined,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// Name on the wire, e.g. `cores__gte`, `type`, `o`.
    pub name: String,
    pub location: ParamLocation,
    pub ty: Ty,
    pub required: bool,
    pub description: Option<String>,
    pub default: Option<serde_json::Value>,
    /// Only meaningful for array-typed query parameters.
    pub style: ArrayStyle,
    /// Vendor extensions of the parameter (`x-waldur-operation-id`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extensions: BTreeMap<String, serde_json::Value>,
    /// The value may also be the empty string: see [`Field::blank`].
    #[serde(default, skip_serializing_if = "is_false")]
    pub blank: bool,
    /// Validation constraints of the value (see [`Constraints`]).
    #[serde(default, skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    pub span: Span,
}

impl Param {
    /// A parameter; path parameters are required, others optional (change `required` for a
    /// required query parameter).
    pub fn new(name: impl Into<String>, location: ParamLocation, ty: Ty) -> Param {
        Param {
            name: name.into(),
            location,
            ty,
            required: location == ParamLocation::Path,
            description: None,
            default: None,
            style: ArrayStyle::default(),
            extensions: BTreeMap::new(),
            blank: false,
            constraints: Constraints::default(),
            span: Span::default(),
        }
    }

    pub fn path(name: impl Into<String>, ty: Ty) -> Param {
        Param::new(name, ParamLocation::Path, ty)
    }

    pub fn query(name: impl Into<String>, ty: Ty) -> Param {
        Param::new(name, ParamLocation::Query, ty)
    }
}

/// Media type of a request body.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum BodyMedia {
    #[default]
    Json,
    FormUrlEncoded,
    Multipart,
    OctetStream,
    Text,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestBody {
    /// Whether the body must be sent (`Request Body (required)`).
    pub required: bool,
    /// The media type whose schema the body was read from (JSON where the spec does not say).
    /// It does not decide how the body is sent: the emission plan does, from the accepted
    /// media and whether the body carries a file.
    pub media: BodyMedia,
    /// All media types the spec accepts, in spec order; empty when the spec does not say
    /// (Markdown pages never print one).
    pub accepted_media: Vec<BodyMedia>,
    /// The schema name the spec gives the body (`OpenStackVolumeExtendRequest`), if any.
    pub model_name: Option<String>,
    pub ty: Ty,
    pub span: Span,
}

impl RequestBody {
    /// A required JSON body of the given type.
    pub fn json(ty: Ty) -> RequestBody {
        RequestBody {
            required: true,
            media: BodyMedia::Json,
            accepted_media: vec![BodyMedia::Json],
            model_name: None,
            ty,
            span: Span::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// HTTP status code, e.g. 200. `0` means the OpenAPI `default` response.
    pub status: u16,
    pub description: Option<String>,
    pub body: ResponseBody,
    /// Documented response headers (name lower-cased -> type).
    pub headers: BTreeMap<String, Ty>,
    pub span: Span,
}

impl Response {
    pub fn new(status: u16, body: ResponseBody) -> Response {
        Response {
            status,
            description: None,
            body,
            headers: BTreeMap::new(),
            span: Span::default(),
        }
    }

    /// A JSON response of the given type.
    pub fn json(status: u16, ty: Ty) -> Response {
        Response::new(status, ResponseBody::Json { ty })
    }
}

/// What a response carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ResponseBody {
    /// Documented as having no body (`No response body`).
    None,
    /// A JSON body of a known shape.
    Json { ty: Ty },
    /// A body the spec does not describe (bare status line); decoded as free JSON when present.
    Unknown,
    /// `text/plain` or another text type.
    Text,
    /// `application/x-ndjson`: one JSON value per line.
    NdJson { ty: Ty },
    /// Binary download.
    Binary,
}

/// Scalar formats that change the Rust type or its documentation.
///
/// Internally tagged like the other IR enums, so the YAML dump reads back (serde_yaml cannot
/// read `!tag` values inside tagged enums).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Scalar {
    /// `string` with an optional format (`uuid`, `uri`, `date-time`, `date`, `decimal`,
    /// `email`, `binary`, `ipv4`, ...). Unknown formats are kept verbatim.
    String {
        format: Option<String>,
    },
    /// `integer` with an optional format (`int32`, `int64`, `uri`).
    Integer {
        format: Option<String>,
    },
    /// `number` with an optional format (`double`, `float`).
    Number {
        format: Option<String>,
    },
    Boolean,
}

/// A type as the spec describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Ty {
    Scalar {
        scalar: Scalar,
    },
    /// Any JSON value (`any`, `object (free-form)`, composed schemas the spec does not resolve).
    Any,
    Array {
        items: Box<Ty>,
    },
    /// A JSON object with arbitrary keys (`additionalProperties`, the `*` field).
    Map {
        values: Box<Ty>,
    },
    /// An object defined in place; hoisted into [`Api::types`] by the naming pass.
    Object {
        object: Box<ObjectTy>,
    },
    /// An enum defined in place; hoisted into [`Api::types`] by the naming pass.
    Enum {
        def: Box<EnumTy>,
    },
    /// A named type in [`Api::types`].
    Ref {
        name: String,
    },
    /// One of several types (OpenAPI `oneOf`/`anyOf` that is not a nullable wrapper).
    OneOf {
        variants: Vec<Ty>,
    },
}

impl Ty {
    pub fn string() -> Ty {
        Ty::Scalar {
            scalar: Scalar::String { format: None },
        }
    }
    pub fn array(items: Ty) -> Ty {
        Ty::Array {
            items: Box::new(items),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// Name on the wire, verbatim (`type`, `companyName`, `MAX_SIZE`).
    pub name: String,
    pub ty: Ty,
    /// Must be present in a request / is always present in a response (per the spec).
    pub required: bool,
    /// The spec allows `null`. Response decoding is lenient whatever this says.
    pub nullable: bool,
    pub read_only: bool,
    pub write_only: bool,
    pub description: Option<String>,
    pub default: Option<serde_json::Value>,
    /// Vendor extensions of the property, if any.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extensions: BTreeMap<String, serde_json::Value>,
    /// The value may also be the empty string `""`, a documented value besides those of the
    /// field's enum type: the spec says `oneOf: [$ref XEnum, $ref BlankEnum]` (drf-spectacular's
    /// spelling of a choice field with `blank=True`). The type stays [`Ty::Ref`] `XEnum`;
    /// this flag applies to the enum the field holds, whether the field's type is the enum
    /// itself or an array of it (`items: {oneOf: [XEnum, BlankEnum]}`). `null`
    /// (`NullEnum`) is [`Field::nullable`], as for any other type.
    ///
    /// Emitters must accept and send `""` as a value of its own (a variant of the enum, or a
    /// wrapper around it), never as an unknown value.
    #[serde(default, skip_serializing_if = "is_false")]
    pub blank: bool,
    /// Validation constraints of the value (see [`Constraints`]).
    #[serde(default, skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    pub span: Span,
}

impl Field {
    /// An optional field with no description or flags (set the public fields for the rest).
    pub fn new(name: impl Into<String>, ty: Ty) -> Field {
        Field {
            name: name.into(),
            ty,
            required: false,
            nullable: false,
            read_only: false,
            write_only: false,
            description: None,
            default: None,
            extensions: BTreeMap::new(),
            blank: false,
            constraints: Constraints::default(),
            span: Span::default(),
        }
    }
}

/// The validation keywords of a value (JSON Schema / OpenAPI names in parentheses). The
/// OpenAPI front end reads them from the schema; the Markdown front end from a
/// `_Constraints:` annotation when the page prints one. Everything unset means "no
/// constraint". Emitters may document them; the generated client does not enforce them
/// (the server does), and the spec diff rates their changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Constraints {
    /// Lower bound of a number (`minimum`); exclusive when `exclusive_minimum`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<serde_json::Number>,
    /// OpenAPI 3.0 `exclusiveMinimum: true` (or a 3.1 numeric `exclusiveMinimum`, which is
    /// read into `minimum`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub exclusive_minimum: bool,
    /// Upper bound of a number (`maximum`); exclusive when `exclusive_maximum`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<serde_json::Number>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub exclusive_maximum: bool,
    /// The number must be a multiple of this (`multipleOf`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiple_of: Option<serde_json::Number>,
    /// String length bounds in characters (`minLength`, `maxLength`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// A regular expression the string must match (`pattern`), verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Array length bounds (`minItems`, `maxItems`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    /// The constraints of each array item or map value (`items`, `additionalProperties`),
    /// when the value is an array or a map and its items are constrained.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Constraints>>,
}

impl Constraints {
    /// No constraint at all.
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ObjectTy {
    /// A name the spec suggests for this object (schema name, request model name), if any.
    pub name_hint: Option<String>,
    pub description: Option<String>,
    pub fields: Vec<Field>,
    /// Type of extra keys, when the object also allows arbitrary keys.
    pub additional: Option<Box<Ty>>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EnumValue {
    Int(i64),
    Str(String),
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EnumTy {
    /// The name the spec gives this enum (`CoreStates`), if any.
    pub name_hint: Option<String>,
    pub description: Option<String>,
    /// The values in spec order, of the type the spec declares: an enum declared
    /// `type: string` holds strings even where the schema writes numbers
    /// (`enum: [1, 2]` -> `"1"`, `"2"`), as the Markdown pages print it; an integer enum holds
    /// integers. `""` is a value only when the enum itself lists it (OpenAPI `BlankEnum`);
    /// a `oneOf` that adds `BlankEnum` to another enum is [`Field::blank`] instead, and
    /// `null` is never a value ([`Field::nullable`]). Empty only for an enum that allows
    /// nothing but `null` (OpenAPI `NullEnum`, `enum: [null]`).
    pub values: Vec<EnumValue>,
}

/// A named type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeDef {
    Object(ObjectTy),
    Enum(EnumTy),
    /// A named alias of another type (e.g. an OpenAPI schema that is just an array).
    Alias {
        ty: Ty,
        description: Option<String>,
    },
}
