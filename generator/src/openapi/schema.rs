//! Schemas -> IR types.
//!
//! References stay [`Ty::Ref`] (so recursive schemas are fine), inline objects and enums stay
//! inline for the naming pass. Compositions, as drf-spectacular writes them:
//!
//! - `allOf: [{$ref: X}]` with siblings (`readOnly`, `description`, `default`) -> `Ref(X)`; the
//!   siblings annotate the field.
//! - `allOf` of several objects -> one inline object with the members' properties merged in
//!   order (a later property of the same name wins) and every member's `required`. The IR has
//!   no intersection type, and for objects the intersection is exactly the merged object.
//! - `oneOf`/`anyOf`: members that only allow `null` (`NullEnum`, `type: 'null'`) make the field
//!   nullable, members that only allow `""` (`BlankEnum`) are dropped (generated enums accept
//!   unknown values, so `""` still decodes); one remaining member is the type, several are
//!   [`Ty::OneOf`].
//!
//! Anything the IR cannot express is diagnosed and lowered as [`Ty::Any`].

use serde_json::Value;

use super::context::{Components, Cx, Lookup, ref_name, text};
use super::document::{AdditionalProperties, Schema, TypeKeyword};
use super::pointer::Ptr;
use crate::ir::{EnumTy, EnumValue, Field, ObjectTy, Scalar, Ty, TypeDef};

/// A lowered schema: its type and whether it allows `null`.
#[derive(Debug, Clone, PartialEq)]
pub struct Lowered {
    pub ty: Ty,
    pub nullable: bool,
}

/// Lowers a schema used in place (a property, a parameter, a body).
pub fn lower_ty(cx: &mut Cx, s: &Schema, at: &Ptr, line: u32) -> Lowered {
    let mut nullable = s.nullable;
    let ty = shape(cx, s, at, line, &mut nullable);
    Lowered { ty, nullable }
}

/// Lowers one entry of `components/schemas` into a named type.
pub fn lower_component(cx: &mut Cx, name: &str, s: &Schema) -> TypeDef {
    let root = Ptr::Root;
    let comps = root.key("components");
    let schemas = comps.key("schemas");
    let at = schemas.key(name);
    let line = cx.lines.schema(name);
    let description = text(&s.description);
    let plain = s.reference.is_none()
        && s.all_of.is_empty()
        && s.one_of.is_empty()
        && s.any_of.is_empty()
        && !s.has_not;
    if plain && let Some(values) = &s.enum_values {
        let mut nullable = false;
        let lowered = enum_values(cx, values, &at, line, &mut nullable);
        if !lowered.is_empty() {
            return TypeDef::Enum(EnumTy {
                name_hint: Some(name.to_string()),
                description,
                values: lowered,
            });
        }
        // `NullEnum` (`enum: [null]`): a value that is always null.
        if nullable {
            return TypeDef::Alias {
                ty: Ty::Any,
                description,
            };
        }
    }
    if plain && has_properties(s) {
        return TypeDef::Object(object(cx, s, Some(name.to_string()), &at, line, true));
    }
    if merges_objects(s) {
        return match merge_all_of(cx, s, Some(name), &at, line) {
            Some(mut obj) => {
                obj.name_hint = Some(name.to_string());
                TypeDef::Object(obj)
            }
            None => TypeDef::Alias {
                ty: Ty::Any,
                description,
            },
        };
    }
    TypeDef::Alias {
        ty: lower_ty(cx, s, &at, line).ty,
        description,
    }
}

/// One property of an object.
pub fn field(cx: &mut Cx, name: &str, p: &Schema, required: bool, at: &Ptr, line: u32) -> Field {
    let lowered = lower_ty(cx, p, at, line);
    // `allOf: [{$ref: X}, {readOnly: true}]` puts annotations in members of their own.
    let notes: Vec<&Schema> = std::iter::once(p)
        .chain(p.all_of.iter().filter(|m| m.is_annotation_only()))
        .collect();
    Field {
        name: name.to_string(),
        ty: lowered.ty,
        required,
        nullable: lowered.nullable,
        read_only: notes.iter().any(|n| n.read_only),
        write_only: notes.iter().any(|n| n.write_only),
        description: notes.iter().find_map(|n| text(&n.description)),
        default: notes.iter().find_map(|n| n.default.clone()),
        extensions: p.extensions.clone(),
        span: cx.span(line),
    }
}

/// The `default` of a schema used in place, including one given in an annotation member.
pub fn default_of(s: &Schema) -> Option<Value> {
    s.default.clone().or_else(|| {
        s.all_of
            .iter()
            .filter(|m| m.is_annotation_only())
            .find_map(|m| m.default.clone())
    })
}

fn shape(cx: &mut Cx, s: &Schema, at: &Ptr, line: u32, nullable: &mut bool) -> Ty {
    if s.has_not {
        cx.warn(line, at, "`not` is not supported; lowered as any");
        return Ty::Any;
    }
    if let Some(reference) = &s.reference {
        return reference_ty(cx, reference, at, line, nullable);
    }
    if !s.all_of.is_empty() {
        for member in s.all_of.iter().filter(|m| m.is_annotation_only()) {
            *nullable |= member.nullable;
        }
        if merges_objects(s) {
            return match merge_all_of(cx, s, None, at, line) {
                Some(obj) => Ty::Object {
                    object: Box::new(obj),
                },
                None => Ty::Any,
            };
        }
        let all_of = at.key("allOf");
        if let Some((i, member)) = s
            .all_of
            .iter()
            .enumerate()
            .find(|(_, m)| !m.is_annotation_only())
        {
            *nullable |= member.nullable;
            return shape(cx, member, &all_of.index(i), line, nullable);
        }
    }
    if !s.one_of.is_empty() || !s.any_of.is_empty() {
        return one_of(cx, s, at, line, nullable);
    }
    if let Some(values) = &s.enum_values {
        let lowered = enum_values(cx, values, at, line, nullable);
        if !lowered.is_empty() {
            return Ty::Enum {
                def: Box::new(EnumTy {
                    name_hint: None,
                    description: text(&s.description),
                    values: lowered,
                }),
            };
        }
        if values.iter().all(Value::is_null) {
            return Ty::Any;
        }
    }
    match &s.ty {
        None if has_properties(s) || s.additional_properties.is_some() => {
            object_or_map(cx, s, at, line)
        }
        None if s.items.is_some() => array(cx, s, at, line),
        None => Ty::Any,
        Some(TypeKeyword::One(name)) => named_type(cx, name, s, at, line, nullable),
        Some(TypeKeyword::Many(names)) => {
            let mut variants = Vec::new();
            for name in names {
                let ty = named_type(cx, name, s, at, line, nullable);
                if name != "null" {
                    variants.push(ty);
                }
            }
            single_or_one_of(variants)
        }
    }
}

fn single_or_one_of(mut variants: Vec<Ty>) -> Ty {
    match variants.len() {
        0 => Ty::Any,
        1 => variants.pop().unwrap_or(Ty::Any),
        _ => Ty::OneOf { variants },
    }
}

fn named_type(cx: &mut Cx, name: &str, s: &Schema, at: &Ptr, line: u32, nullable: &mut bool) -> Ty {
    let format = s.format.clone();
    match name {
        "string" => Ty::Scalar {
            scalar: Scalar::String { format },
        },
        "integer" => Ty::Scalar {
            scalar: Scalar::Integer { format },
        },
        "number" => Ty::Scalar {
            scalar: Scalar::Number { format },
        },
        "boolean" => Ty::Scalar {
            scalar: Scalar::Boolean,
        },
        "array" => array(cx, s, at, line),
        "object" => object_or_map(cx, s, at, line),
        "null" => {
            *nullable = true;
            Ty::Any
        }
        other => {
            cx.warn(
                line,
                at,
                format!(
                    "expected `type` to be one of string, integer, number, boolean, array, object, null, found `{other}`; lowered as any"
                ),
            );
            Ty::Any
        }
    }
}

fn reference_ty(cx: &mut Cx, reference: &str, at: &Ptr, line: u32, nullable: &mut bool) -> Ty {
    let Some(name) = ref_name(reference, "schemas") else {
        cx.warn(
            line,
            at,
            format!("expected a `$ref` to `#/components/schemas/<name>`, found `{reference}`; lowered as any"),
        );
        return Ty::Any;
    };
    match cx.components.schema(name) {
        Lookup::Missing => {
            cx.warn(
                line,
                at,
                format!("dangling `$ref`: `{reference}` does not exist; lowered as any"),
            );
            Ty::Any
        }
        Lookup::Found(target) if is_null_only(target) => {
            *nullable = true;
            Ty::Any
        }
        Lookup::Found(_) | Lookup::Unreadable => Ty::Ref {
            name: name.to_string(),
        },
    }
}

fn array(cx: &mut Cx, s: &Schema, at: &Ptr, line: u32) -> Ty {
    let items = match &s.items {
        // The IR has no nullable items: `nullable` of an item is lost here.
        Some(items) => lower_ty(cx, items, &at.key("items"), line).ty,
        None => Ty::Any,
    };
    Ty::Array {
        items: Box::new(items),
    }
}

fn has_properties(s: &Schema) -> bool {
    s.properties.as_ref().is_some_and(|p| !p.is_empty())
}

/// `type: object`: an object with fields, or a map when it has no properties.
fn object_or_map(cx: &mut Cx, s: &Schema, at: &Ptr, line: u32) -> Ty {
    if has_properties(s) {
        return Ty::Object {
            object: Box::new(object(cx, s, None, at, line, true)),
        };
    }
    match &s.additional_properties {
        // `{type: object}` alone is a free-form object: any keys.
        None | Some(AdditionalProperties::Bool(true)) => Ty::Map {
            values: Box::new(Ty::Any),
        },
        Some(AdditionalProperties::Bool(false)) => Ty::Object {
            object: Box::new(ObjectTy {
                description: text(&s.description),
                ..ObjectTy::default()
            }),
        },
        Some(AdditionalProperties::Schema(values)) => {
            let values = lower_ty(cx, values, &at.key("additionalProperties"), line).ty;
            Ty::Map {
                values: Box::new(values),
            }
        }
    }
}

/// An object with properties. `check_required` reports `required` names that are not
/// properties (not done for `allOf` members, whose `required` may name a sibling's property).
fn object(
    cx: &mut Cx,
    s: &Schema,
    name_hint: Option<String>,
    at: &Ptr,
    line: u32,
    check_required: bool,
) -> ObjectTy {
    let mut fields = Vec::new();
    if let Some(props) = &s.properties {
        let props_at = at.key("properties");
        fields.reserve(props.0.len());
        for (name, p) in props.iter() {
            let required = s.required.iter().any(|r| r == name);
            fields.push(field(cx, name, p, required, &props_at.key(name), line));
        }
    }
    if check_required {
        for r in &s.required {
            if !fields.iter().any(|f| &f.name == r) {
                cx.warn(
                    line,
                    &at.key("required"),
                    format!("`required` names `{r}`, which is not a property; ignored"),
                );
            }
        }
    }
    let additional = match &s.additional_properties {
        None | Some(AdditionalProperties::Bool(false)) => None,
        Some(AdditionalProperties::Bool(true)) => Some(Box::new(Ty::Any)),
        Some(AdditionalProperties::Schema(values)) => Some(Box::new(
            lower_ty(cx, values, &at.key("additionalProperties"), line).ty,
        )),
    };
    ObjectTy {
        name_hint,
        description: text(&s.description),
        fields,
        additional,
    }
}

/// True when `allOf` must be merged: several members that say something about the shape,
/// or one such member next to the schema's own `properties`.
fn merges_objects(s: &Schema) -> bool {
    let structural = s.all_of.iter().filter(|m| !m.is_annotation_only()).count();
    structural > 1 || (structural == 1 && has_properties(s))
}

/// Merges the members of `allOf` (and the schema's own properties) into one object; `None`
/// after diagnostics when a member is not an object or the schema includes itself. `name` is
/// the component being lowered, if any.
fn merge_all_of(
    cx: &mut Cx,
    s: &Schema,
    name: Option<&str>,
    at: &Ptr,
    line: u32,
) -> Option<ObjectTy> {
    let mut merged = ObjectTy {
        description: text(&s.description),
        ..ObjectTy::default()
    };
    let mut required = Vec::new();
    let mut visiting: Vec<String> = name.map(str::to_string).into_iter().collect();
    if !merge_schema(cx, s, at, line, &mut merged, &mut required, &mut visiting) {
        return None;
    }
    for name in &required {
        match merged.fields.iter_mut().find(|f| &f.name == name) {
            Some(f) => f.required = true,
            None => cx.warn(
                line,
                at,
                format!("`required` names `{name}`, which no `allOf` member defines"),
            ),
        }
    }
    Some(merged)
}

fn merge_schema(
    cx: &mut Cx,
    s: &Schema,
    at: &Ptr,
    line: u32,
    merged: &mut ObjectTy,
    required: &mut Vec<String>,
    visiting: &mut Vec<String>,
) -> bool {
    if let Some(reference) = &s.reference {
        return merge_reference(cx, reference, at, line, merged, required, visiting);
    }
    required.extend(s.required.iter().cloned());
    let all_of = at.key("allOf");
    // Every member is visited, so that all problems are reported at once.
    let mut ok = true;
    for (i, member) in s.all_of.iter().enumerate() {
        if member.is_annotation_only() {
            required.extend(member.required.iter().cloned());
            continue;
        }
        ok &= merge_schema(
            cx,
            member,
            &all_of.index(i),
            line,
            merged,
            required,
            visiting,
        );
    }
    let is_object = has_properties(s) || s.ty == Some(TypeKeyword::One("object".into()));
    if is_object {
        let obj = object(cx, s, None, at, line, false);
        for f in obj.fields {
            match merged.fields.iter_mut().find(|m| m.name == f.name) {
                Some(existing) => *existing = f,
                None => merged.fields.push(f),
            }
        }
        if obj.additional.is_some() {
            merged.additional = obj.additional;
        }
        return ok;
    }
    if !s.all_of.is_empty() {
        return ok;
    }
    cx.warn(
        line,
        at,
        "expected every `allOf` member to be an object, found another schema; lowered as any",
    );
    false
}

fn merge_reference(
    cx: &mut Cx,
    reference: &str,
    at: &Ptr,
    line: u32,
    merged: &mut ObjectTy,
    required: &mut Vec<String>,
    visiting: &mut Vec<String>,
) -> bool {
    let components: &Components = cx.components;
    let Some(name) = ref_name(reference, "schemas") else {
        cx.warn(
            line,
            at,
            format!("expected a `$ref` to `#/components/schemas/<name>`, found `{reference}`; lowered as any"),
        );
        return false;
    };
    let target = match components.schema(name) {
        Lookup::Found(t) => t,
        Lookup::Unreadable => return false,
        Lookup::Missing => {
            cx.warn(
                line,
                at,
                format!("dangling `$ref`: `{reference}` does not exist; lowered as any"),
            );
            return false;
        }
    };
    if visiting.iter().any(|v| v == name) {
        cx.warn(
            line,
            at,
            format!("`allOf` includes itself through `{reference}`; lowered as any"),
        );
        return false;
    }
    visiting.push(name.to_string());
    let root = Ptr::Root;
    let comps = root.key("components");
    let schemas = comps.key("schemas");
    let target_at = schemas.key(name);
    let target_line = cx.lines.schema(name);
    let ok = merge_schema(
        cx,
        target,
        &target_at,
        target_line,
        merged,
        required,
        visiting,
    );
    visiting.pop();
    ok
}

fn one_of(cx: &mut Cx, s: &Schema, at: &Ptr, line: u32, nullable: &mut bool) -> Ty {
    let mut variants = Vec::new();
    for (key, members) in [("oneOf", &s.one_of), ("anyOf", &s.any_of)] {
        let list_at = at.key(key);
        for (i, member) in members.iter().enumerate() {
            if is_null_like(cx.components, member) {
                *nullable = true;
                continue;
            }
            if is_blank_like(cx.components, member) {
                continue;
            }
            *nullable |= member.nullable;
            variants.push(shape(cx, member, &list_at.index(i), line, nullable));
        }
    }
    single_or_one_of(variants)
}

/// `NullEnum`, `{enum: [null]}`, `{type: 'null'}`.
fn is_null_like(components: &Components, s: &Schema) -> bool {
    if let Some(reference) = &s.reference {
        return components
            .schema_of_ref(reference)
            .is_some_and(|(_, t)| is_null_only(t));
    }
    is_null_only(s) || s.ty == Some(TypeKeyword::One("null".into()))
}

/// `BlankEnum`, `{enum: [""]}`.
fn is_blank_like(components: &Components, s: &Schema) -> bool {
    let target = match &s.reference {
        Some(reference) => match components.schema_of_ref(reference) {
            Some((_, t)) => t,
            None => return false,
        },
        None => s,
    };
    matches!(target.enum_values.as_deref(), Some([Value::String(v)]) if v.is_empty())
}

fn is_null_only(s: &Schema) -> bool {
    s.enum_values
        .as_ref()
        .is_some_and(|v| !v.is_empty() && v.iter().all(Value::is_null))
}

/// Enum values as the IR holds them: `null` sets `nullable`, strings and integers are kept,
/// anything else is diagnosed and left out.
fn enum_values(
    cx: &mut Cx,
    values: &[Value],
    at: &Ptr,
    line: u32,
    nullable: &mut bool,
) -> Vec<EnumValue> {
    let mut out = Vec::with_capacity(values.len());
    let enum_at = at.key("enum");
    for (i, v) in values.iter().enumerate() {
        match v {
            Value::Null => *nullable = true,
            Value::String(s) => out.push(EnumValue::Str(s.clone())),
            Value::Number(n) if n.as_i64().is_some() => out.push(EnumValue::Int(n.as_i64().unwrap_or_default())),
            other => cx.warn(
                line,
                &enum_at.index(i),
                format!("expected an enum value that is a string or an integer, found `{other}`; value left out"),
            ),
        }
    }
    out
}

/// True when the schema itself is a `format: binary` string (following `$ref`s).
pub fn is_binary(components: &Components, s: &Schema) -> bool {
    let mut current = s;
    // A chain longer than this is a cycle.
    for _ in 0..16 {
        if current.format.as_deref() == Some("binary") {
            return true;
        }
        match current
            .reference
            .as_deref()
            .and_then(|r| components.schema_of_ref(r))
        {
            Some((_, target)) => current = target,
            None => return false,
        }
    }
    false
}

/// True when the schema has a `format: binary` string at any depth (following `$ref`s).
pub fn has_binary(components: &Components, s: &Schema) -> bool {
    binary_in(components, s, &mut Vec::new())
}

fn binary_in<'c>(components: &'c Components, s: &Schema, visiting: &mut Vec<&'c str>) -> bool {
    if s.format.as_deref() == Some("binary") {
        return true;
    }
    if let Some(reference) = &s.reference {
        let Some((name, target)) = components.schema_of_ref(reference) else {
            return false;
        };
        if visiting.contains(&name) {
            return false;
        }
        visiting.push(name);
        let found = binary_in(components, target, visiting);
        visiting.pop();
        return found;
    }
    let props = s.properties.iter().flat_map(|p| p.0.iter().map(|(_, v)| v));
    let additional = match &s.additional_properties {
        Some(AdditionalProperties::Schema(v)) => Some(v.as_ref()),
        _ => None,
    };
    let mut children = props
        .chain(s.items.as_deref())
        .chain(additional)
        .chain(s.all_of.iter())
        .chain(s.one_of.iter())
        .chain(s.any_of.iter());
    children.any(|child| binary_in(components, child, visiting))
}
