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
//!   nullable, members that only allow `""` (`BlankEnum`) set [`Field::blank`] (`""` is a
//!   documented value); one remaining member is the type, several are [`Ty::OneOf`]. So
//!   `oneOf: [$ref XEnum, $ref BlankEnum, $ref NullEnum]` is `Ref(XEnum)`, blank and nullable,
//!   also as the items of an array.
//! - `NullEnum` itself (`enum: [null]`) is an enum without values: it allows only `null`.
//! - Enum values take the declared `type`: `type: string, enum: [1, 2]` holds `"1"`, `"2"`
//!   (with a warning), as the Markdown pages print it.
//! - Validation keywords (`minimum`, `maxLength`, `pattern`, `minItems`, ...) become
//!   [`Constraints`]: the schema's own, those of `allOf` annotation members, of a schema it
//!   refers to, and of its items (array items, map values) nested in [`Constraints::items`].
//!
//! Anything the IR cannot express is diagnosed and lowered as [`Ty::Any`].

use serde_json::Value;

use super::context::{Components, Cx, Lookup, ref_name, text};
use super::document::{AdditionalProperties, Schema, TypeKeyword};
use super::pointer::Ptr;
use crate::ir::{Constraints, EnumTy, EnumValue, Field, ObjectTy, Scalar, Ty, TypeDef};

/// A lowered schema: its type and the facets of its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Lowered {
    pub ty: Ty,
    /// The value may be `null`.
    pub nullable: bool,
    /// The value, or each item of an array or value of a map, may also be `""`
    /// (`oneOf: [.., BlankEnum]`): see [`Field::blank`].
    pub blank: bool,
}

/// What a walk over a schema learns besides its type.
#[derive(Debug, Clone, Copy, Default)]
struct Facets {
    nullable: bool,
    blank: bool,
}

/// Lowers a schema used in place (a property, a parameter, a body).
pub fn lower_ty(cx: &mut Cx, s: &Schema, at: &Ptr, line: u32) -> Lowered {
    let mut facets = Facets {
        nullable: s.nullable,
        blank: false,
    };
    let ty = shape(cx, s, at, line, &mut facets);
    Lowered {
        ty,
        nullable: facets.nullable,
        blank: facets.blank,
    }
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
        let mut facets = Facets::default();
        let lowered = enum_values(cx, s, values, &at, line, &mut facets);
        // `NullEnum` (`enum: [null]`) allows only `null`: an enum without values. Fields that
        // refer to it are nullable (see `reference_ty`), so nothing refers to it by name.
        if !lowered.is_empty() || facets.nullable {
            return TypeDef::Enum(EnumTy {
                name_hint: Some(name.to_string()),
                description,
                values: lowered,
            });
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
        blank: lowered.blank,
        constraints: constraints_of(cx.components, p),
        span: cx.span(line),
    }
}

/// The validation keywords of a schema used in place: its own, those of its `allOf`
/// annotation members (`allOf: [{$ref: X}, {maxLength: 5}]`), of the one schema it stands for
/// (a `$ref`, a single structural `allOf` member, the one non-null, non-blank `oneOf` member),
/// and of its array items or map values ([`Constraints::items`]). The first value found wins,
/// so the schema's own keywords override those of what it refers to.
pub fn constraints_of(components: &Components, s: &Schema) -> Constraints {
    let mut c = Constraints::default();
    collect_constraints(components, s, &mut c, 0);
    c
}

/// A `$ref` chain longer than this is a cycle.
const MAX_REF_DEPTH: usize = 16;

fn collect_constraints(components: &Components, s: &Schema, c: &mut Constraints, depth: usize) {
    if depth > MAX_REF_DEPTH {
        return;
    }
    own_constraints(s, c);
    for member in s.all_of.iter().filter(|m| m.is_annotation_only()) {
        own_constraints(member, c);
    }
    let items = s.items.as_deref().or(match &s.additional_properties {
        Some(AdditionalProperties::Schema(values)) if !has_properties(s) => Some(values.as_ref()),
        _ => None,
    });
    if c.items.is_none()
        && let Some(items) = items
    {
        let inner = constraints_of(components, items);
        if !inner.is_empty() {
            c.items = Some(Box::new(inner));
        }
    }
    let target = if let Some(reference) = &s.reference {
        components.schema_of_ref(reference).map(|(_, t)| t)
    } else {
        let mut structural = s.all_of.iter().filter(|m| !m.is_annotation_only());
        let one_of = s
            .one_of
            .iter()
            .chain(&s.any_of)
            .filter(|m| !is_null_like(components, m) && !is_blank_like(components, m));
        match (structural.next(), structural.next()) {
            (Some(only), None) => Some(only),
            _ => {
                let mut members = one_of;
                match (members.next(), members.next()) {
                    (Some(only), None) => Some(only),
                    _ => None,
                }
            }
        }
    };
    if let Some(target) = target {
        collect_constraints(components, target, c, depth + 1);
    }
}

/// A schema's own validation keywords, where `c` has none yet.
fn own_constraints(s: &Schema, c: &mut Constraints) {
    fn set<T: Clone>(slot: &mut Option<T>, value: &Option<T>) {
        if slot.is_none() {
            slot.clone_from(value);
        }
    }
    // 3.1 writes an exclusive bound as the number itself; 3.0 as a flag next to the bound.
    let bound = |value: &Option<serde_json::Number>, exclusive: &Option<Value>| match exclusive {
        Some(Value::Number(n)) => (Some(n.clone()), true),
        Some(Value::Bool(b)) => (value.clone(), *b && value.is_some()),
        _ => (value.clone(), false),
    };
    if c.minimum.is_none() {
        (c.minimum, c.exclusive_minimum) = bound(&s.minimum, &s.exclusive_minimum);
    }
    if c.maximum.is_none() {
        (c.maximum, c.exclusive_maximum) = bound(&s.maximum, &s.exclusive_maximum);
    }
    set(&mut c.multiple_of, &s.multiple_of);
    set(&mut c.min_length, &s.min_length);
    set(&mut c.max_length, &s.max_length);
    set(&mut c.pattern, &s.pattern);
    set(&mut c.min_items, &s.min_items);
    set(&mut c.max_items, &s.max_items);
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

fn shape(cx: &mut Cx, s: &Schema, at: &Ptr, line: u32, facets: &mut Facets) -> Ty {
    if s.has_not {
        cx.warn(line, at, "`not` is not supported; lowered as any");
        return Ty::Any;
    }
    if let Some(reference) = &s.reference {
        return reference_ty(cx, reference, at, line, facets);
    }
    if !s.all_of.is_empty() {
        for member in s.all_of.iter().filter(|m| m.is_annotation_only()) {
            facets.nullable |= member.nullable;
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
            facets.nullable |= member.nullable;
            return shape(cx, member, &all_of.index(i), line, facets);
        }
    }
    if !s.one_of.is_empty() || !s.any_of.is_empty() {
        return one_of(cx, s, at, line, facets);
    }
    if let Some(values) = &s.enum_values {
        let lowered = enum_values(cx, s, values, at, line, facets);
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
            object_or_map(cx, s, at, line, facets)
        }
        None if s.items.is_some() => array(cx, s, at, line, facets),
        None => Ty::Any,
        Some(TypeKeyword::One(name)) => named_type(cx, name, s, at, line, facets),
        Some(TypeKeyword::Many(names)) => {
            let mut variants = Vec::new();
            for name in names {
                let ty = named_type(cx, name, s, at, line, facets);
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

fn named_type(cx: &mut Cx, name: &str, s: &Schema, at: &Ptr, line: u32, facets: &mut Facets) -> Ty {
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
        "array" => array(cx, s, at, line, facets),
        "object" => object_or_map(cx, s, at, line, facets),
        "null" => {
            facets.nullable = true;
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

fn reference_ty(cx: &mut Cx, reference: &str, at: &Ptr, line: u32, facets: &mut Facets) -> Ty {
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
            facets.nullable = true;
            Ty::Any
        }
        Lookup::Found(_) | Lookup::Unreadable => Ty::Ref {
            name: name.to_string(),
        },
    }
}

/// An array; `""` allowed in its items makes the array's value blank (see [`Field::blank`]).
fn array(cx: &mut Cx, s: &Schema, at: &Ptr, line: u32, facets: &mut Facets) -> Ty {
    let items = match &s.items {
        // The IR has no nullable items: `nullable` of an item is lost here.
        Some(items) => {
            let lowered = lower_ty(cx, items, &at.key("items"), line);
            facets.blank |= lowered.blank;
            lowered.ty
        }
        None => Ty::Any,
    };
    Ty::Array {
        items: Box::new(items),
    }
}

fn has_properties(s: &Schema) -> bool {
    s.properties.as_ref().is_some_and(|p| !p.is_empty())
}

/// `type: object`: an object with fields, or a map when it has no properties (`""` allowed in
/// its values makes the map's value blank, as for arrays).
fn object_or_map(cx: &mut Cx, s: &Schema, at: &Ptr, line: u32, facets: &mut Facets) -> Ty {
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
            let values = lower_ty(cx, values, &at.key("additionalProperties"), line);
            facets.blank |= values.blank;
            Ty::Map {
                values: Box::new(values.ty),
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

/// `oneOf`/`anyOf`: `null`-only members make the value nullable, `""`-only members blank.
fn one_of(cx: &mut Cx, s: &Schema, at: &Ptr, line: u32, facets: &mut Facets) -> Ty {
    let mut variants = Vec::new();
    // The first `""`-only member: (list key, index).
    let mut blank_member: Option<(&str, usize)> = None;
    for (key, members) in [("oneOf", &s.one_of), ("anyOf", &s.any_of)] {
        let list_at = at.key(key);
        for (i, member) in members.iter().enumerate() {
            if is_null_like(cx.components, member) {
                facets.nullable = true;
                continue;
            }
            if is_blank_like(cx.components, member) {
                blank_member.get_or_insert((key, i));
                continue;
            }
            facets.nullable |= member.nullable;
            variants.push(shape(cx, member, &list_at.index(i), line, facets));
        }
    }
    if let Some((key, i)) = blank_member {
        if variants.is_empty() {
            // `oneOf: [BlankEnum, NullEnum]`: the blank member is the type itself.
            let members = if key == "oneOf" { &s.one_of } else { &s.any_of };
            if let Some(member) = members.get(i) {
                let list_at = at.key(key);
                return shape(cx, member, &list_at.index(i), line, facets);
            }
        }
        facets.blank = true;
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
/// anything else is diagnosed and left out. The declared `type` decides how a value is read:
/// an integer of a `type: string` enum is read as its string (the server compares text, and
/// the Markdown pages print it so), a numeric string of a `type: integer` enum as its
/// integer; both with a warning, since the schema contradicts itself.
fn enum_values(
    cx: &mut Cx,
    s: &Schema,
    values: &[Value],
    at: &Ptr,
    line: u32,
    facets: &mut Facets,
) -> Vec<EnumValue> {
    let declared = match &s.ty {
        Some(TypeKeyword::One(t)) => Some(t.as_str()),
        Some(TypeKeyword::Many(ts)) => {
            let mut non_null = ts.iter().filter(|t| *t != "null");
            match (non_null.next(), non_null.next()) {
                (Some(t), None) => Some(t.as_str()),
                _ => None,
            }
        }
        None => None,
    };
    let mut out = Vec::with_capacity(values.len());
    let mut converted = Vec::new();
    let enum_at = at.key("enum");
    for (i, v) in values.iter().enumerate() {
        match (v, declared) {
            (Value::Null, _) => facets.nullable = true,
            (Value::Number(n), Some("string")) if n.as_i64().is_some() => {
                converted.push(format!("`{n}`"));
                out.push(EnumValue::Str(n.to_string()));
            }
            (Value::String(text), Some("integer")) if text.parse::<i64>().is_ok() => {
                converted.push(format!("`{text}`"));
                out.push(EnumValue::Int(text.parse().unwrap_or_default()));
            }
            (Value::String(text), _) => out.push(EnumValue::Str(text.clone())),
            (Value::Number(n), _) if n.as_i64().is_some() => {
                out.push(EnumValue::Int(n.as_i64().unwrap_or_default()))
            }
            (other, _) => cx.warn(
                line,
                &enum_at.index(i),
                format!("expected an enum value that is a string or an integer, found `{other}`; value left out"),
            ),
        }
    }
    if !converted.is_empty() {
        let (found, read_as) = match declared {
            Some("string") => ("numbers", "strings"),
            _ => ("strings", "integers"),
        };
        cx.warn(
            line,
            &enum_at,
            format!(
                "enum values {} are {found} but the schema declares `type: {}`; read as {read_as}",
                converted.join(", "),
                declared.unwrap_or_default()
            ),
        );
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
