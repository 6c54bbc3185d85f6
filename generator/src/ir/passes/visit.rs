//! Walking every type reference of an [`Api`], with the span of the place it appears in.

use crate::ir::{Api, Operation, ResponseBody, Span, Ty, TypeDef};

/// Which side of an operation a type is used on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Request,
    Response,
}

/// Calls `f` with every type of an operation (parameters, body, response bodies and headers),
/// in source order, with the span of the parameter, body or response.
pub(super) fn op_types<'a>(op: &'a Operation, f: &mut dyn FnMut(&'a Ty, &'a Span, Side)) {
    for param in &op.params {
        f(&param.ty, &param.span, Side::Request);
    }
    if let Some(body) = &op.body {
        f(&body.ty, &body.span, Side::Request);
    }
    for resp in &op.responses {
        if let ResponseBody::Json { ty } | ResponseBody::NdJson { ty } = &resp.body {
            f(ty, &resp.span, Side::Response);
        }
        for ty in resp.headers.values() {
            f(ty, &resp.span, Side::Response);
        }
    }
}

/// Mutable twin of [`op_types`].
pub(super) fn op_types_mut(op: &mut Operation, f: &mut dyn FnMut(&mut Ty, &Span)) {
    for param in &mut op.params {
        f(&mut param.ty, &param.span);
    }
    if let Some(body) = &mut op.body {
        f(&mut body.ty, &body.span);
    }
    for resp in &mut op.responses {
        if let ResponseBody::Json { ty } | ResponseBody::NdJson { ty } = &mut resp.body {
            f(ty, &resp.span);
        }
        for ty in resp.headers.values_mut() {
            f(ty, &resp.span);
        }
    }
}

/// Calls `f` with the name of every reference inside `ty` (also inside inline objects), with
/// the span of the innermost field that holds it (`span` outside any field).
pub(super) fn refs<'a>(ty: &'a Ty, span: &'a Span, f: &mut dyn FnMut(&'a str, &'a Span)) {
    match ty {
        Ty::Ref { name } => f(name, span),
        Ty::Array { items } => refs(items, span, f),
        Ty::Map { values } => refs(values, span, f),
        Ty::OneOf { variants } => variants.iter().for_each(|v| refs(v, span, f)),
        Ty::Object { object } => {
            for field in &object.fields {
                refs(&field.ty, &field.span, f);
            }
            if let Some(additional) = &object.additional {
                refs(additional, span, f);
            }
        }
        Ty::Scalar { .. } | Ty::Any | Ty::Enum { .. } => {}
    }
}

/// Mutable twin of [`refs`] (without spans).
pub(super) fn refs_mut(ty: &mut Ty, f: &mut dyn FnMut(&mut String)) {
    match ty {
        Ty::Ref { name } => f(name),
        Ty::Array { items } => refs_mut(items, f),
        Ty::Map { values } => refs_mut(values, f),
        Ty::OneOf { variants } => variants.iter_mut().for_each(|v| refs_mut(v, f)),
        Ty::Object { object } => {
            for field in &mut object.fields {
                refs_mut(&mut field.ty, f);
            }
            if let Some(additional) = &mut object.additional {
                refs_mut(additional, f);
            }
        }
        Ty::Scalar { .. } | Ty::Any | Ty::Enum { .. } => {}
    }
}

/// Calls `f` with every reference inside a named type.
pub(super) fn def_refs<'a>(def: &'a TypeDef, f: &mut dyn FnMut(&'a str, &'a Span)) {
    static NO_SPAN: Span = Span {
        file: String::new(),
        line: 0,
    };
    match def {
        TypeDef::Object(object) => {
            for field in &object.fields {
                refs(&field.ty, &field.span, f);
            }
            if let Some(additional) = &object.additional {
                refs(additional, &NO_SPAN, f);
            }
        }
        TypeDef::Alias { ty, .. } => refs(ty, &NO_SPAN, f),
        TypeDef::Enum(_) => {}
    }
}

/// Rewrites every reference of the API (operations and named types) with `f`.
pub(super) fn rewrite_refs(api: &mut Api, f: &mut dyn FnMut(&mut String)) {
    for op in &mut api.operations {
        op_types_mut(op, &mut |ty, _| refs_mut(ty, f));
    }
    for def in api.types.values_mut() {
        def_refs_mut(def, f);
    }
}

/// Mutable twin of [`def_refs`] (without spans).
pub(super) fn def_refs_mut(def: &mut TypeDef, f: &mut dyn FnMut(&mut String)) {
    match def {
        TypeDef::Object(object) => {
            for field in &mut object.fields {
                refs_mut(&mut field.ty, f);
            }
            if let Some(additional) = &mut object.additional {
                refs_mut(additional, f);
            }
        }
        TypeDef::Alias { ty, .. } => refs_mut(ty, f),
        TypeDef::Enum(_) => {}
    }
}
