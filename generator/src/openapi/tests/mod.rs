//! Unit tests of the OpenAPI front end on small inline fixtures, with exact IR and exact
//! diagnostics.

mod bodies;
mod documents;
mod keep_going;
mod operations;
mod params;
mod responses;
mod schemas;
mod yaml_split;

use std::collections::BTreeMap;

use super::{Lowered, lower};
use crate::ir::{
    Constraints, EnumTy, EnumValue, Field, ObjectTy, Operation, Scalar, Span, Ty, TypeDef,
};

pub const FILE: &str = "t.yaml";

/// Lowers a fixture that must be an OpenAPI document.
pub fn lowered(text: &str) -> Lowered {
    match lower(FILE, text) {
        Ok(l) => l,
        Err(d) => panic!("fixture did not lower: {d}"),
    }
}

/// Lowers a fixture that must produce no diagnostics.
pub fn clean(text: &str) -> Lowered {
    let l = lowered(text);
    assert_eq!(messages(&l), Vec::<String>::new());
    l
}

/// Diagnostics rendered as `file:line: message`.
pub fn messages(l: &Lowered) -> Vec<String> {
    l.diagnostics.iter().map(ToString::to_string).collect()
}

pub fn op<'l>(l: &'l Lowered, id: &str) -> &'l Operation {
    match l.api.operations.iter().find(|o| o.operation_id == id) {
        Some(o) => o,
        None => panic!("no operation {id}"),
    }
}

pub fn ty<'l>(l: &'l Lowered, name: &str) -> &'l TypeDef {
    match l.api.types.get(name) {
        Some(t) => t,
        None => panic!("no type {name}"),
    }
}

pub fn object<'l>(l: &'l Lowered, name: &str) -> &'l ObjectTy {
    match ty(l, name) {
        TypeDef::Object(o) => o,
        other => panic!("{name} is not an object: {other:?}"),
    }
}

pub fn span(line: u32) -> Span {
    Span {
        file: FILE.to_string(),
        line,
    }
}

pub fn string() -> Ty {
    Ty::string()
}

pub fn formatted(format: &str) -> Ty {
    Ty::Scalar {
        scalar: Scalar::String {
            format: Some(format.to_string()),
        },
    }
}

pub fn integer() -> Ty {
    Ty::Scalar {
        scalar: Scalar::Integer { format: None },
    }
}

pub fn boolean() -> Ty {
    Ty::Scalar {
        scalar: Scalar::Boolean,
    }
}

pub fn reference(name: &str) -> Ty {
    Ty::Ref {
        name: name.to_string(),
    }
}

pub fn map(values: Ty) -> Ty {
    Ty::Map {
        values: Box::new(values),
    }
}

pub fn str_values(values: &[&str]) -> Vec<EnumValue> {
    values
        .iter()
        .map(|v| EnumValue::Str(v.to_string()))
        .collect()
}

pub fn inline_enum(values: &[&str]) -> Ty {
    Ty::Enum {
        def: Box::new(EnumTy {
            name_hint: None,
            description: None,
            values: str_values(values),
        }),
    }
}

/// A field with every flag off, at `line`; tests change what they check.
pub fn field(name: &str, ty: Ty, line: u32) -> Field {
    Field {
        name: name.to_string(),
        ty,
        required: false,
        nullable: false,
        read_only: false,
        write_only: false,
        description: None,
        default: None,
        extensions: BTreeMap::new(),
        blank: false,
        constraints: Default::default(),
        span: span(line),
    }
}

/// A document with the given `paths:` and `components: schemas:` bodies (each already
/// indented), so fixtures only spell out what they test. `paths` starts at line 5.
pub fn doc(paths: &str, schemas: &str) -> String {
    format!("openapi: 3.0.3\ninfo:\n  title: T\npaths:\n{paths}components:\n  schemas:\n{schemas}")
}
