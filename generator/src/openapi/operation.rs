//! Path items and operations -> IR operations.
//!
//! An operation that cannot be lowered faithfully (no `operationId`, an unreadable or dangling
//! parameter, an undeclared path parameter, an unsupported serialisation style) becomes one
//! diagnostic ending in `operation left out`; smaller problems are diagnosed and lowered with a
//! fallback ([`Ty::Any`], [`ResponseBody::Unknown`]).

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use super::context::{Cx, ref_name, resolve, text};
use super::document::{self, MediaType, OrderedMap, SecurityRequirement, read};
use super::pointer::Ptr;
use super::schema::{Lowered, constraints_of, default_of, has_binary, is_binary, lower_ty};
use crate::Diagnostic;
use crate::ir::{
    ArrayStyle, BodyMedia, Constraints, Method, Operation, Param, ParamLocation, RequestBody,
    Response, ResponseBody, Scalar, Ty, TypeDef,
};

/// Extension key set when a security list also allows anonymous access (`- {}` next to
/// named schemes). Not an `x-` key: it is a fact derived from the spec, not a vendor extension.
pub const SECURITY_OPTIONAL: &str = "security_optional";

/// Lowers every path item, in document order, each operation in the order its method appears.
pub fn lower_paths(
    cx: &mut Cx,
    paths: &Map<String, Value>,
    doc_security: Option<&[SecurityRequirement]>,
    types: &BTreeMap<String, TypeDef>,
) -> Vec<Operation> {
    let mut operations = Vec::new();
    // operationId -> (method, path) of its first operation, to reject duplicates.
    let mut seen: HashMap<String, String> = HashMap::new();
    let root = Ptr::Root;
    let paths_at = root.key("paths");
    for (path, item) in paths {
        let at = paths_at.key(path);
        let line = cx.lines.path(path);
        let Some(item) = item.as_object() else {
            cx.warn(
                line,
                &at,
                format!(
                    "expected a path item (a mapping), found {}; path left out",
                    kind_of(item)
                ),
            );
            continue;
        };
        let shared = match item.get("parameters").map(read::<Vec<document::Parameter>>) {
            None => Vec::new(),
            Some(Ok(params)) => params,
            Some(Err(e)) => {
                let d = Diagnostic::new(
                    cx.span(line),
                    format!(
                        "{}: {}; every operation of `{path}` left out",
                        at.key("parameters").render_with(&e.path),
                        e.message
                    ),
                );
                cx.push(d);
                continue;
            }
        };
        for (key, value) in item {
            let Some(method) = method_of(key) else {
                match key.as_str() {
                    "parameters" | "summary" | "description" | "servers" => {}
                    k if k.starts_with("x-") => {}
                    "trace" => cx.warn(
                        line,
                        &at.key(key),
                        "TRACE is not supported; operation left out",
                    ),
                    "$ref" => cx.warn(
                        line,
                        &at.key(key),
                        "a path item `$ref` is not supported; path left out",
                    ),
                    other => cx.warn(
                        line,
                        &at.key(key),
                        format!("unknown path item key `{other}` ignored"),
                    ),
                }
                continue;
            };
            let op_at = at.key(key);
            let unit = Unit {
                method,
                path,
                line,
                at: &op_at,
                shared: &shared,
                doc_security,
                types,
            };
            match operation(cx, &unit, value) {
                Ok(op) => {
                    let here = format!("{} {}", method.as_str(), path);
                    if let Some(first) = seen.get(&op.operation_id) {
                        let d = cx.diagnostic(
                            line,
                            &op_at,
                            format!(
                                "duplicate operationId `{}` (first used by {first}); operation left out",
                                op.operation_id
                            ),
                        );
                        cx.push(d);
                        continue;
                    }
                    seen.insert(op.operation_id.clone(), here);
                    operations.push(op);
                }
                Err(d) => cx.push(d),
            }
        }
    }
    operations
}

/// What an operation is lowered against.
struct Unit<'u> {
    method: Method,
    path: &'u str,
    line: u32,
    at: &'u Ptr<'u>,
    shared: &'u [document::Parameter],
    doc_security: Option<&'u [SecurityRequirement]>,
    types: &'u BTreeMap<String, TypeDef>,
}

fn method_of(key: &str) -> Option<Method> {
    Some(match key {
        "get" => Method::Get,
        "put" => Method::Put,
        "post" => Method::Post,
        "delete" => Method::Delete,
        "options" => Method::Options,
        "head" => Method::Head,
        "patch" => Method::Patch,
        _ => return None,
    })
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a sequence",
        Value::Object(_) => "a mapping",
    }
}

fn left_out(
    cx: &Cx,
    unit: &Unit,
    at: impl std::fmt::Display,
    why: impl std::fmt::Display,
) -> Diagnostic {
    Diagnostic::new(
        cx.span(unit.line),
        format!("{at}: {why}; operation left out"),
    )
}

fn operation(cx: &mut Cx, unit: &Unit, value: &Value) -> Result<Operation, Diagnostic> {
    let op: document::Operation =
        read(value).map_err(|e| left_out(cx, unit, unit.at.render_with(&e.path), &e.message))?;
    let Some(operation_id) = op.operation_id.clone() else {
        return Err(left_out(
            cx,
            unit,
            unit.at,
            "expected an `operationId`, found none",
        ));
    };
    let tag = match op.tags.first() {
        Some(tag) => tag.replace('-', "_"),
        None => {
            cx.warn(
                unit.line,
                unit.at,
                "expected at least one tag, found none; tag `default` used",
            );
            "default".to_string()
        }
    };
    let params = params(cx, unit, &op)?;
    let body = match &op.request_body {
        Some(body) => request_body(cx, unit, body)?,
        None => None,
    };
    let responses = responses(cx, unit, &op.responses);
    let mut extensions = op.extensions;
    let security = match op.security.as_deref().or(unit.doc_security) {
        None => None,
        Some(requirements) => {
            let mut names: Vec<String> = Vec::new();
            for name in requirements.iter().flat_map(|r| r.0.iter()) {
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
            if !names.is_empty() && requirements.iter().any(|r| r.0.is_empty()) {
                extensions.insert(SECURITY_OPTIONAL.to_string(), Value::Bool(true));
            }
            Some(names)
        }
    };
    Ok(Operation {
        operation_id,
        tag,
        method: unit.method,
        path: unit.path.to_string(),
        title: text(&op.summary),
        description: text(&op.description),
        group: None,
        params,
        body,
        responses,
        deprecated: op.deprecated,
        security,
        extensions,
        span: cx.span(unit.line),
    })
}

/// `{name}` segments of a path template, in order.
fn template_names(path: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        names.push(&after[..end]);
        rest = &after[end + 1..];
    }
    names
}

fn params(cx: &mut Cx, unit: &Unit, op: &document::Operation) -> Result<Vec<Param>, Diagnostic> {
    let components = cx.components;
    let root = Ptr::Root;
    let paths = root.key("paths");
    let item_at = paths.key(unit.path);
    let shared_at = item_at.key("parameters");
    let own_at = unit.at.key("parameters");
    // Path-level parameters first; an operation-level parameter with the same name and
    // location replaces one in place.
    let mut merged: Vec<Merged> = Vec::new();
    for (list, shared) in [(unit.shared, true), (op.parameters.as_slice(), false)] {
        for (index, raw) in list.iter().enumerate() {
            let at = if shared {
                shared_at.index(index)
            } else {
                own_at.index(index)
            };
            let p = resolve(components, raw).map_err(|why| left_out(cx, unit, at, why))?;
            let Some(name) = p.name.as_deref() else {
                return Err(left_out(
                    cx,
                    unit,
                    at,
                    "expected a parameter `name`, found none",
                ));
            };
            let location = p.location.as_deref().unwrap_or("");
            let entry = Merged {
                name,
                location,
                param: p,
                shared,
                index,
            };
            match merged
                .iter_mut()
                .find(|m| m.name == name && m.location == location)
            {
                Some(slot) => *slot = entry,
                None => merged.push(entry),
            }
        }
    }
    let template = template_names(unit.path);
    for var in &template {
        if !merged
            .iter()
            .any(|m| m.name == *var && m.location == "path")
        {
            return Err(left_out(
                cx,
                unit,
                unit.at,
                format!("path parameter `{var}` of `{}` is not declared", unit.path),
            ));
        }
    }
    let mut out = Vec::with_capacity(merged.len());
    for m in merged {
        let at = if m.shared {
            shared_at.index(m.index)
        } else {
            own_at.index(m.index)
        };
        let name = m.name;
        let location = match m.location {
            "path" if !template.contains(&name) => {
                cx.warn(
                    unit.line,
                    &at,
                    format!(
                        "path parameter `{name}` is not in the path `{}`; parameter left out",
                        unit.path
                    ),
                );
                continue;
            }
            "path" => ParamLocation::Path,
            "query" => ParamLocation::Query,
            // OpenAPI: these header parameters "SHALL be ignored" (the client sets them).
            "header"
                if ["accept", "content-type", "authorization"]
                    .contains(&name.to_ascii_lowercase().as_str()) =>
            {
                continue;
            }
            "header" => ParamLocation::Header,
            "cookie" => {
                cx.warn(
                    unit.line,
                    &at,
                    format!("cookie parameters are not supported; parameter `{name}` left out"),
                );
                continue;
            }
            other => {
                return Err(left_out(
                    cx,
                    unit,
                    at,
                    format!(
                        "expected `in` to be one of path, query, header, cookie, found `{other}`"
                    ),
                ));
            }
        };
        out.push(param(cx, unit, name, location, m.param, &at)?);
    }
    // Path parameters in template order, then query, then header, each in spec order.
    out.sort_by_key(|p| match p.location {
        ParamLocation::Path => (
            0,
            template
                .iter()
                .position(|t| *t == p.name)
                .unwrap_or(usize::MAX),
        ),
        ParamLocation::Query => (1, 0),
        ParamLocation::Header => (2, 0),
    });
    Ok(out)
}

/// A parameter after `$ref` resolution, with where it was listed.
struct Merged<'p> {
    name: &'p str,
    location: &'p str,
    param: &'p document::Parameter,
    shared: bool,
    index: usize,
}

fn param(
    cx: &mut Cx,
    unit: &Unit,
    name: &str,
    location: ParamLocation,
    p: &document::Parameter,
    at: &Ptr,
) -> Result<Param, Diagnostic> {
    let schema_at = at.key("schema");
    let schema = p
        .schema
        .as_ref()
        .or_else(|| p.content.as_ref().and_then(first_schema));
    let (lowered, default, constraints) = match schema {
        Some(s) => (
            lower_ty(cx, s, &schema_at, unit.line),
            default_of(s),
            constraints_of(cx.components, s),
        ),
        None => {
            cx.warn(
                unit.line,
                at,
                format!("expected a `schema` for parameter `{name}`, found none; lowered as any"),
            );
            (
                Lowered {
                    ty: Ty::Any,
                    nullable: false,
                    blank: false,
                },
                None,
                Constraints::default(),
            )
        }
    };
    let ty = lowered.ty;
    let expected_style = match location {
        ParamLocation::Query => "form",
        ParamLocation::Path | ParamLocation::Header => "simple",
    };
    if let Some(style) = p.style.as_deref()
        && style != expected_style
    {
        return Err(left_out(
            cx,
            unit,
            at,
            format!(
                "style `{style}` of parameter `{name}` is not supported (expected `{expected_style}`)"
            ),
        ));
    }
    let style = match (&ty, location, p.explode) {
        (Ty::Array { .. }, ParamLocation::Query, Some(false)) => ArrayStyle::CommaJoined,
        _ => ArrayStyle::Repeat,
    };
    Ok(Param {
        name: name.to_string(),
        location,
        ty,
        required: location == ParamLocation::Path || p.required,
        description: text(&p.description),
        default,
        style,
        extensions: p.extensions.clone(),
        blank: lowered.blank,
        constraints,
        span: cx.span(unit.line),
    })
}

fn first_schema(content: &OrderedMap<MediaType>) -> Option<&document::Schema> {
    content.iter().find_map(|(_, m)| m.schema.as_ref())
}

/// Media type of a request body content key (parameters like `; charset=utf-8` ignored).
fn body_media(content_type: &str) -> BodyMedia {
    let essence = essence(content_type);
    if is_json(&essence) {
        BodyMedia::Json
    } else if essence.starts_with("multipart/") {
        BodyMedia::Multipart
    } else if essence == "application/x-www-form-urlencoded" {
        BodyMedia::FormUrlEncoded
    } else if essence.starts_with("text/") {
        BodyMedia::Text
    } else {
        BodyMedia::OctetStream
    }
}

fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn is_json(essence: &str) -> bool {
    essence == "application/json" || essence.ends_with("+json")
}

/// The body's schema and the media it was read from: JSON's when offered, else multipart's,
/// form's, octet-stream's, text's. Where a file (`format: binary`, at any depth) appears in the
/// JSON or the multipart schema, the multipart schema is read unless it is the JSON schema's
/// twin: Waldur's file uploads are `XRequestMultipart` bodies, whose JSON twin may lack the
/// file. A JSON body that is itself binary (`{type: string, format: binary}`, Waldur's image
/// upload) is not a form with a file field but raw bytes: octet-stream. How the body is sent
/// (JSON, multipart when a file is attached) is the emission plan's decision, not this one.
fn request_body(
    cx: &mut Cx,
    unit: &Unit,
    body: &document::RequestBody,
) -> Result<Option<RequestBody>, Diagnostic> {
    let at = unit.at.key("requestBody");
    let components = cx.components;
    let body = resolve(components, body).map_err(|why| left_out(cx, unit, at, why))?;
    if body.content.is_empty() {
        cx.warn(
            unit.line,
            &at,
            "expected at least one media type in `content`, found none; body left out",
        );
        return Ok(None);
    }
    let mut accepted: Vec<BodyMedia> = Vec::new();
    for (content_type, _) in body.content.iter() {
        let media = body_media(content_type);
        if !accepted.contains(&media) {
            accepted.push(media);
        }
    }
    let schema_for = |media: BodyMedia| {
        body.content
            .iter()
            .find(|(ct, _)| body_media(ct) == media)
            .map(|(ct, m)| (ct, m.schema.as_ref()))
    };
    let json = schema_for(BodyMedia::Json);
    let multipart = schema_for(BodyMedia::Multipart);
    let raw_bytes = json.is_some_and(|(_, s)| s.is_some_and(|s| is_binary(components, s)));
    let binary = [json, multipart]
        .into_iter()
        .flatten()
        .any(|(_, s)| s.is_some_and(|s| has_binary(components, s)));
    let preference = [
        BodyMedia::Json,
        BodyMedia::Multipart,
        BodyMedia::FormUrlEncoded,
        BodyMedia::OctetStream,
        BodyMedia::Text,
    ];
    let Some(mut media) = preference.into_iter().find(|m| accepted.contains(m)) else {
        return Ok(None);
    };
    if raw_bytes {
        media = BodyMedia::OctetStream;
    } else if binary {
        media = BodyMedia::Multipart;
    }
    let content_at = at.key("content");
    let (content_type, schema) = match (media, json, multipart) {
        // The multipart schema when there is one, unless it is the JSON schema's twin
        // (`XRequestMultipart` with the same fields as `XRequest`): then the JSON model is used,
        // so both media share one generated type.
        (BodyMedia::Multipart, Some(j), Some(m)) if same_shape(cx, unit, j.1, m.1) => {
            media = BodyMedia::Json;
            j
        }
        (BodyMedia::Multipart, _, Some(m)) => m,
        (BodyMedia::Multipart, Some(j), None) => {
            media = BodyMedia::Json;
            j
        }
        (BodyMedia::OctetStream, Some(j), _) if raw_bytes => j,
        (media, _, _) => schema_for(media).unwrap_or(("", None)),
    };
    let schema_at = content_at.key(content_type);
    let schema_at = schema_at.key("schema");
    let ty = match schema {
        Some(s) => lower_ty(cx, s, &schema_at, unit.line).ty,
        None if media == BodyMedia::OctetStream => Ty::Scalar {
            scalar: Scalar::String {
                format: Some("binary".into()),
            },
        },
        None => Ty::Any,
    };
    let model_name = schema
        .and_then(|s| s.reference.as_deref())
        .and_then(|r| ref_name(r, "schemas"))
        .map(str::to_string);
    Ok(Some(RequestBody {
        required: body.required,
        media,
        accepted_media: accepted,
        model_name,
        ty,
        span: cx.span(unit.line),
    }))
}

/// Whether two body schemas describe the same fields: both `$ref`s to objects whose fields
/// are equal (ignoring spans), or the same inline schema.
fn same_shape(
    cx: &Cx,
    unit: &Unit,
    a: Option<&document::Schema>,
    b: Option<&document::Schema>,
) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return false;
    };
    let name = |s: &document::Schema| {
        s.reference
            .as_deref()
            .and_then(|r| ref_name(r, "schemas"))
            .map(str::to_string)
    };
    match (name(a), name(b)) {
        (Some(x), Some(y)) => match (unit.types.get(&x), unit.types.get(&y)) {
            (Some(TypeDef::Object(x)), Some(TypeDef::Object(y))) => {
                x.additional == y.additional
                    && x.fields.len() == y.fields.len()
                    && x.fields.iter().zip(&y.fields).all(|(f, g)| {
                        f.name == g.name
                            && f.ty == g.ty
                            && f.required == g.required
                            && f.nullable == g.nullable
                            && f.read_only == g.read_only
                            && f.write_only == g.write_only
                            && f.description == g.description
                            && f.default == g.default
                            && f.extensions == g.extensions
                            && f.blank == g.blank
                            && f.constraints == g.constraints
                    })
            }
            _ => x == y,
        },
        (None, None) => {
            // Inline schemas: compare what they lower to, in a scratch context so that their
            // diagnostics are reported once, when the chosen schema is lowered.
            let mut scratch = Cx {
                file: cx.file,
                lines: cx.lines,
                components: cx.components,
                diagnostics: Vec::new(),
                seen: Default::default(),
            };
            let root = Ptr::Root;
            lower_ty(&mut scratch, a, &root, unit.line)
                == lower_ty(&mut scratch, b, &root, unit.line)
        }
        _ => false,
    }
}

fn responses(
    cx: &mut Cx,
    unit: &Unit,
    responses: &OrderedMap<document::Response>,
) -> Vec<Response> {
    let components = cx.components;
    let list_at = unit.at.key("responses");
    let mut out = Vec::with_capacity(responses.0.len());
    for (code, raw) in responses.iter() {
        let at = list_at.key(code);
        let status = match code {
            "default" => 0,
            _ => match code.parse::<u16>() {
                Ok(s) if (100..=599).contains(&s) => s,
                _ => {
                    cx.warn(
                        unit.line,
                        &at,
                        format!("expected an HTTP status code (100-599) or `default`, found `{code}`; response left out"),
                    );
                    continue;
                }
            },
        };
        let r = match resolve(components, raw) {
            Ok(r) => r,
            Err(why) => {
                cx.warn(
                    unit.line,
                    &at,
                    format!("{why}; response body lowered as unknown"),
                );
                out.push(Response {
                    status,
                    description: None,
                    body: ResponseBody::Unknown,
                    headers: BTreeMap::new(),
                    span: cx.span(unit.line),
                });
                continue;
            }
        };
        let body = response_body(cx, unit, &r.content, &at.key("content"));
        let headers = headers(cx, unit, &r.headers, &at.key("headers"));
        out.push(Response {
            status,
            description: text(&r.description),
            body,
            headers,
            span: cx.span(unit.line),
        });
    }
    out
}

/// JSON (or `+json`) first, then NDJSON, text, anything else as binary.
fn response_body(
    cx: &mut Cx,
    unit: &Unit,
    content: &OrderedMap<MediaType>,
    at: &Ptr,
) -> ResponseBody {
    #[derive(PartialEq, PartialOrd)]
    enum Kind {
        Json,
        NdJson,
        Text,
        Binary,
    }
    let kind_of = |ct: &str| {
        let e = essence(ct);
        if is_json(&e) {
            Kind::Json
        } else if e == "application/x-ndjson" || e == "application/ndjson" {
            Kind::NdJson
        } else if e.starts_with("text/") {
            Kind::Text
        } else {
            Kind::Binary
        }
    };
    let Some((content_type, media, kind)) = content
        .iter()
        .map(|(ct, m)| (ct, m, kind_of(ct)))
        .min_by(|a, b| a.2.partial_cmp(&b.2).unwrap_or(std::cmp::Ordering::Equal))
    else {
        return ResponseBody::None;
    };
    let media_at = at.key(content_type);
    let schema_at = media_at.key("schema");
    let mut ty = || match &media.schema {
        Some(s) => lower_ty(cx, s, &schema_at, unit.line).ty,
        None => Ty::Any,
    };
    match kind {
        Kind::Json => ResponseBody::Json { ty: ty() },
        Kind::NdJson => ResponseBody::NdJson { ty: ty() },
        Kind::Text => ResponseBody::Text,
        Kind::Binary => ResponseBody::Binary,
    }
}

fn headers(
    cx: &mut Cx,
    unit: &Unit,
    headers: &OrderedMap<document::Header>,
    at: &Ptr,
) -> BTreeMap<String, Ty> {
    let components = cx.components;
    let mut out = BTreeMap::new();
    for (name, raw) in headers.iter() {
        let header_at = at.key(name);
        let ty = match resolve(components, raw) {
            Ok(h) => match &h.schema {
                Some(s) => lower_ty(cx, s, &header_at.key("schema"), unit.line).ty,
                None => Ty::Any,
            },
            Err(why) => {
                cx.warn(
                    unit.line,
                    &header_at,
                    format!("{why}; header lowered as any"),
                );
                Ty::Any
            }
        };
        out.insert(name.to_ascii_lowercase(), ty);
    }
    out
}
