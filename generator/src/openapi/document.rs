//! The subset of OpenAPI 3.0 the front end reads, as serde structs, and parsing the text.
//!
//! The text is parsed once, into [`Document`]. Its skeleton is typed; the units that can be
//! wrong on their own (each path item, each component) stay as JSON values there and are read
//! into the typed structs one at a time with [`read`]. A malformed operation then costs one
//! diagnostic instead of the whole schema (serde cannot resume a stream after an error), and
//! on Waldur's 4 MB schema the extra step costs a few tens of milliseconds.
//!
//! [`Schema`], [`Operation`] and [`Parameter`] implement `Deserialize` by hand: they keep every
//! `x-*` key (serde's `flatten` would buffer each nested schema once per level and lose the
//! error path), and they skip the keywords the IR has no place for (`example`, `title`, ...).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::Diagnostic;
use crate::ir::Span;

/// The whole document. Path items and components are read later, one by one.
#[derive(Debug, Deserialize)]
pub struct Document {
    pub openapi: Option<Value>,
    pub swagger: Option<Value>,
    #[serde(default)]
    pub info: Info,
    #[serde(default)]
    pub paths: Map<String, Value>,
    #[serde(default)]
    pub components: RawComponents,
    /// Document-wide security requirements, inherited by operations that have none.
    pub security: Option<Vec<SecurityRequirement>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Info {
    pub title: Option<String>,
    pub description: Option<String>,
    /// `version: 1.0` is a YAML float; it is kept as written.
    #[serde(default, deserialize_with = "string_like")]
    pub version: Option<String>,
}

/// `components`, each entry still a JSON value.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawComponents {
    #[serde(default)]
    pub schemas: Map<String, Value>,
    #[serde(default)]
    pub parameters: Map<String, Value>,
    #[serde(default)]
    pub responses: Map<String, Value>,
    #[serde(default)]
    pub headers: Map<String, Value>,
    #[serde(default)]
    pub request_bodies: Map<String, Value>,
}

/// One operation (`paths./api/x/.get`).
#[derive(Debug, Default)]
pub struct Operation {
    pub operation_id: Option<String>,
    pub tags: Vec<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub parameters: Vec<Parameter>,
    pub request_body: Option<RequestBody>,
    pub responses: OrderedMap<Response>,
    pub security: Option<Vec<SecurityRequirement>>,
    pub extensions: BTreeMap<String, Value>,
}

/// A parameter or a `$ref` to one (then only `reference` is set).
#[derive(Debug, Clone, Default)]
pub struct Parameter {
    pub reference: Option<String>,
    pub name: Option<String>,
    pub location: Option<String>,
    pub description: Option<String>,
    pub required: bool,
    pub schema: Option<Schema>,
    pub content: Option<OrderedMap<MediaType>>,
    pub style: Option<String>,
    pub explode: Option<bool>,
    pub extensions: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RequestBody {
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub content: OrderedMap<MediaType>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Response {
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub headers: OrderedMap<Header>,
    #[serde(default)]
    pub content: OrderedMap<MediaType>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Header {
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    pub schema: Option<Schema>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MediaType {
    pub schema: Option<Schema>,
}

/// The scheme names of one security requirement object; `{}` (anonymous) has none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecurityRequirement(pub Vec<String>);

/// A schema object, or a `$ref` to one (siblings of `$ref` are kept: Waldur puts `default`
/// and `readOnly` next to it).
#[derive(Debug, Clone, Default)]
pub struct Schema {
    pub reference: Option<String>,
    pub ty: Option<TypeKeyword>,
    pub format: Option<String>,
    pub description: Option<String>,
    pub nullable: bool,
    pub read_only: bool,
    pub write_only: bool,
    /// `Some(Value::Null)` for an explicit `default: null`.
    pub default: Option<Value>,
    pub enum_values: Option<Vec<Value>>,
    pub properties: Option<OrderedMap<Schema>>,
    pub required: Vec<String>,
    pub items: Option<Box<Schema>>,
    pub additional_properties: Option<AdditionalProperties>,
    pub all_of: Vec<Schema>,
    pub one_of: Vec<Schema>,
    pub any_of: Vec<Schema>,
    /// `not` is present (the IR cannot express it).
    pub has_not: bool,
    /// The validation keywords, as written (read into [`crate::ir::Constraints`]).
    pub minimum: Option<serde_json::Number>,
    pub maximum: Option<serde_json::Number>,
    /// `exclusiveMinimum`: a boolean in OpenAPI 3.0, a number (the bound itself) in 3.1.
    pub exclusive_minimum: Option<Value>,
    pub exclusive_maximum: Option<Value>,
    pub multiple_of: Option<serde_json::Number>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub extensions: BTreeMap<String, Value>,
}

impl Schema {
    /// True when the schema only annotates (`readOnly`, `description`, `nullable`, ...) and
    /// says nothing about the shape, like the extra members of `allOf: [{$ref}, {readOnly}]`.
    pub fn is_annotation_only(&self) -> bool {
        self.reference.is_none()
            && self.ty.is_none()
            && self.format.is_none()
            && self.enum_values.is_none()
            && self.properties.is_none()
            && self.items.is_none()
            && self.additional_properties.is_none()
            && self.all_of.is_empty()
            && self.one_of.is_empty()
            && self.any_of.is_empty()
            && !self.has_not
    }
}

/// `type: string` (OpenAPI 3.0) or `type: [string, "null"]` (3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeKeyword {
    One(String),
    Many(Vec<String>),
}

/// `additionalProperties: true | false | {schema}`.
#[derive(Debug, Clone)]
pub enum AdditionalProperties {
    Bool(bool),
    Schema(Box<Schema>),
}

/// A mapping whose key order matters (properties, responses, content types).
#[derive(Debug, Clone)]
pub struct OrderedMap<T>(pub Vec<(String, T)>);

impl<T> Default for OrderedMap<T> {
    fn default() -> Self {
        OrderedMap(Vec::new())
    }
}

impl<T> OrderedMap<T> {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &T)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

/// Input syntax, decided by the first non-blank character (`{` means JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

/// Why a unit could not be read: where inside it (JSON pointer segments relative to the
/// unit) and serde's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub path: Vec<String>,
    pub message: String,
}

/// Reads one unit (an operation, a component) into its typed struct.
///
/// The first attempt runs without path tracking; only a failure is replayed through
/// `serde_path_to_error` to say where inside the unit it went wrong.
pub fn read<T: DeserializeOwned>(value: &Value) -> Result<T, ReadError> {
    if let Ok(t) = T::deserialize(value) {
        return Ok(t);
    }
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(t) => Ok(t),
        Err(e) => {
            let path = e
                .path()
                .iter()
                .filter_map(|seg| match seg {
                    serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
                    serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                    serde_path_to_error::Segment::Enum { variant } => Some(variant.clone()),
                    serde_path_to_error::Segment::Unknown => None,
                })
                .collect();
            Err(ReadError {
                path,
                message: e.into_inner().to_string(),
            })
        }
    }
}

/// Parses the text into a [`Document`], or explains why it is not an OpenAPI 3 document.
pub fn parse(file: &str, text: &str) -> Result<(Document, Format), Diagnostic> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let format = if body.trim_start().starts_with('{') {
        Format::Json
    } else {
        Format::Yaml
    };
    let at = |line: usize| Span {
        file: file.to_string(),
        line: u32::try_from(line).unwrap_or(0),
    };
    let parsed = match format {
        Format::Json => {
            serde_json::from_str::<Document>(body).map_err(|e| (e.line(), e.to_string()))
        }
        Format::Yaml => match (body.len() >= super::yaml_split::MIN_DOCUMENT_BYTES)
            .then(|| super::yaml_split::parse(body, super::yaml_split::PIECE_BYTES))
            .flatten()
        {
            Some(doc) => Ok(doc),
            None => serde_yaml::from_str::<Document>(body)
                .map_err(|e| (e.location().map_or(0, |l| l.line()), e.to_string())),
        },
    };
    let doc = match parsed {
        Ok(doc) => doc,
        Err((line, message)) => return Err(explain_failure(file, body, format, line, message)),
    };
    let version = match (&doc.openapi, &doc.swagger) {
        (Some(v), _) => scalar_text(v),
        (None, Some(v)) => {
            return Err(Diagnostic::new(
                at(key_line(body, "swagger")),
                format!(
                    "expected an OpenAPI 3 document, found Swagger `{}` (OpenAPI 2 is not supported)",
                    scalar_text(v)
                ),
            ));
        }
        (None, None)
            if body
                .lines()
                .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')) =>
        {
            return Err(Diagnostic::new(
                at(1),
                "expected an OpenAPI 3 document (a mapping with a top-level `openapi: 3.x` key), found an empty document",
            ));
        }
        (None, None) => {
            return Err(Diagnostic::new(
                at(1),
                "expected an OpenAPI 3 document (a top-level `openapi: 3.x` key), found no `openapi` key",
            ));
        }
    };
    if !version.starts_with("3.") {
        return Err(Diagnostic::new(
            at(key_line(body, "openapi")),
            format!("expected `openapi: 3.x`, found `openapi: {version}`"),
        ));
    }
    Ok((doc, format))
}

/// The typed parse failed: tell a syntax error from a document that is not OpenAPI 3 and from
/// an OpenAPI document whose skeleton is malformed.
fn explain_failure(
    file: &str,
    body: &str,
    format: Format,
    line: usize,
    message: String,
) -> Diagnostic {
    let lang = match format {
        Format::Yaml => "YAML",
        Format::Json => "JSON",
    };
    let span = |line: usize| Span {
        file: file.to_string(),
        line: u32::try_from(line).unwrap_or(0),
    };
    let value: Result<Value, (usize, String)> = match format {
        Format::Json => serde_json::from_str(body).map_err(|e| (e.line(), e.to_string())),
        Format::Yaml => serde_yaml::from_str(body)
            .map_err(|e| (e.location().map_or(0, |l| l.line()), e.to_string())),
    };
    let value = match value {
        Ok(v) => v,
        Err((line, message)) => {
            return Diagnostic::new(
                span(line),
                format!("expected a {lang} document, found invalid {lang}: {message}"),
            );
        }
    };
    let found = match &value {
        Value::Object(map) if map.contains_key("openapi") || map.contains_key("swagger") => {
            // serde_json does not say where in the document; replay with path tracking.
            let message = match format {
                Format::Yaml => message,
                Format::Json => {
                    let mut de = serde_json::Deserializer::from_str(body);
                    match serde_path_to_error::deserialize::<_, Document>(&mut de) {
                        Err(e)
                            if !e.path().to_string().is_empty() && e.path().to_string() != "." =>
                        {
                            format!("{}: {}", e.path(), e.inner())
                        }
                        _ => message,
                    }
                }
            };
            return Diagnostic::new(span(line), format!("invalid OpenAPI document: {message}"));
        }
        Value::Object(_) => "a mapping without an `openapi` key",
        Value::Null => "an empty document",
        Value::Array(_) => "a sequence",
        Value::String(_) | Value::Number(_) | Value::Bool(_) => "a scalar",
    };
    Diagnostic::new(
        span(1),
        format!(
            "expected an OpenAPI 3 document (a mapping with a top-level `openapi: 3.x` key), found {found}"
        ),
    )
}

/// 1-based line of a top-level `key:` in YAML text, else 1.
fn key_line(body: &str, key: &str) -> usize {
    body.lines()
        .position(|l| {
            l.strip_prefix(key)
                .or_else(|| {
                    l.strip_prefix('"')
                        .and_then(|r| r.strip_prefix(key)?.strip_prefix('"'))
                })
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map_or(1, |i| i + 1)
}

/// A scalar as written (`3.0.3`, `3.1`, `true`); other values as compact JSON.
pub fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn string_like<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => None,
        Some(v @ (Value::String(_) | Value::Number(_) | Value::Bool(_))) => Some(scalar_text(&v)),
        Some(other) => {
            return Err(de::Error::invalid_type(
                unexpected(&other),
                &"a string or a number",
            ));
        }
    })
}

fn unexpected(v: &Value) -> de::Unexpected<'_> {
    match v {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(_) => de::Unexpected::Other("a number"),
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

// ---------------------------------------------------------------------------------------------
// Hand-written `Deserialize` impls.

/// A mapping key, borrowed from the input when possible.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// A struct read key by key from a mapping.
trait FromFields: Default {
    const EXPECTING: &'static str;
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error>;
}

struct FieldsVisitor<T>(PhantomData<T>);

impl<'de, T: FromFields> Visitor<'de> for FieldsVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut out = T::default();
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            out.field(&key, &mut map)?;
        }
        Ok(out)
    }
}

fn deserialize_fields<'de, D: Deserializer<'de>, T: FromFields>(d: D) -> Result<T, D::Error> {
    d.deserialize_map(FieldsVisitor(PhantomData))
}

/// Keeps an `x-*` key, skips any other unknown key.
fn other_key<'de, A: MapAccess<'de>>(
    extensions: &mut BTreeMap<String, Value>,
    key: &str,
    map: &mut A,
) -> Result<(), A::Error> {
    if key.starts_with("x-") {
        extensions.insert(key.to_owned(), map.next_value()?);
    } else {
        map.next_value::<IgnoredAny>()?;
    }
    Ok(())
}

impl FromFields for Schema {
    const EXPECTING: &'static str = "a schema object";
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "$ref" => self.reference = map.next_value()?,
            "type" => self.ty = map.next_value()?,
            "format" => self.format = map.next_value()?,
            "description" => self.description = map.next_value()?,
            "nullable" => self.nullable = map.next_value()?,
            "readOnly" => self.read_only = map.next_value()?,
            "writeOnly" => self.write_only = map.next_value()?,
            "default" => self.default = Some(map.next_value()?),
            "enum" => self.enum_values = map.next_value()?,
            "properties" => self.properties = map.next_value()?,
            "required" => self.required = map.next_value()?,
            "items" => self.items = map.next_value()?,
            "additionalProperties" => self.additional_properties = map.next_value()?,
            "allOf" => self.all_of = map.next_value()?,
            "oneOf" => self.one_of = map.next_value()?,
            "anyOf" => self.any_of = map.next_value()?,
            "not" => {
                map.next_value::<IgnoredAny>()?;
                self.has_not = true;
            }
            "minimum" => self.minimum = map.next_value()?,
            "maximum" => self.maximum = map.next_value()?,
            "exclusiveMinimum" => self.exclusive_minimum = map.next_value()?,
            "exclusiveMaximum" => self.exclusive_maximum = map.next_value()?,
            "multipleOf" => self.multiple_of = map.next_value()?,
            "minLength" => self.min_length = map.next_value()?,
            "maxLength" => self.max_length = map.next_value()?,
            "pattern" => self.pattern = map.next_value()?,
            "minItems" => self.min_items = map.next_value()?,
            "maxItems" => self.max_items = map.next_value()?,
            _ => other_key(&mut self.extensions, key, map)?,
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Schema {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_fields(d)
    }
}

impl FromFields for Operation {
    const EXPECTING: &'static str = "an operation object";
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "operationId" => self.operation_id = map.next_value()?,
            "tags" => self.tags = map.next_value()?,
            "summary" => self.summary = map.next_value()?,
            "description" => self.description = map.next_value()?,
            "deprecated" => self.deprecated = map.next_value()?,
            "parameters" => self.parameters = map.next_value()?,
            "requestBody" => self.request_body = map.next_value()?,
            "responses" => self.responses = map.next_value()?,
            "security" => self.security = map.next_value()?,
            _ => other_key(&mut self.extensions, key, map)?,
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Operation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_fields(d)
    }
}

impl FromFields for Parameter {
    const EXPECTING: &'static str = "a parameter object";
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "$ref" => self.reference = map.next_value()?,
            "name" => self.name = map.next_value()?,
            "in" => self.location = map.next_value()?,
            "description" => self.description = map.next_value()?,
            "required" => self.required = map.next_value()?,
            "schema" => self.schema = map.next_value()?,
            "content" => self.content = map.next_value()?,
            "style" => self.style = map.next_value()?,
            "explode" => self.explode = map.next_value()?,
            _ => other_key(&mut self.extensions, key, map)?,
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Parameter {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_fields(d)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OrderedMap<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct MapVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for MapVisitor<T> {
            type Value = OrderedMap<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedMap<T>, A::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    let value = map.next_value()?;
                    out.push((key.into_owned(), value));
                }
                Ok(OrderedMap(out))
            }
        }
        d.deserialize_map(MapVisitor(PhantomData))
    }
}

impl<'de> Deserialize<'de> for SecurityRequirement {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ReqVisitor;
        impl<'de> Visitor<'de> for ReqVisitor {
            type Value = SecurityRequirement;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a security requirement (scheme name -> scopes)")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<SecurityRequirement, A::Error> {
                let mut names = Vec::new();
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    map.next_value::<IgnoredAny>()?;
                    names.push(key.into_owned());
                }
                Ok(SecurityRequirement(names))
            }
        }
        d.deserialize_map(ReqVisitor)
    }
}

impl<'de> Deserialize<'de> for TypeKeyword {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TypeVisitor;
        impl<'de> Visitor<'de> for TypeVisitor {
            type Value = TypeKeyword;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a type name or a list of type names")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TypeKeyword, E> {
                Ok(TypeKeyword::One(v.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TypeKeyword, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element::<String>()? {
                    names.push(name);
                }
                Ok(TypeKeyword::Many(names))
            }
        }
        d.deserialize_any(TypeVisitor)
    }
}

impl<'de> Deserialize<'de> for AdditionalProperties {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ApVisitor;
        impl<'de> Visitor<'de> for ApVisitor {
            type Value = AdditionalProperties;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a boolean or a schema object")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<AdditionalProperties, E> {
                Ok(AdditionalProperties::Bool(v))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<AdditionalProperties, A::Error> {
                let schema = Schema::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(AdditionalProperties::Schema(Box::new(schema)))
            }
        }
        d.deserialize_any(ApVisitor)
    }
}
