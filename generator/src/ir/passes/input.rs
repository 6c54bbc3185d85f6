//! Checks and normalises what a front end hands over, before anything is rewritten: every
//! reference must resolve, and named types must carry names Rust can use.

use std::collections::BTreeMap;

use super::names::{is_type_name, type_name};
use super::visit;
use crate::Diagnostic;
use crate::ir::{Api, Span, Ty, TypeDef};

/// Runs the checks; on success the API's named types have valid names (references follow)
/// and no named type is an alias of an inline object or enum.
pub(super) fn prepare(api: &mut Api) -> Result<(), Vec<Diagnostic>> {
    let mut diags = unknown_refs(api);
    let renames = sanitised_names(api, &mut diags);
    if !diags.is_empty() {
        return Err(diags);
    }
    if !renames.is_empty() {
        let types = std::mem::take(&mut api.types);
        api.types = types
            .into_iter()
            .map(|(name, def)| (renames.get(&name).cloned().unwrap_or(name), def))
            .collect();
        visit::rewrite_refs(api, &mut |name| {
            if let Some(new) = renames.get(name.as_str()) {
                *name = new.clone();
            }
        });
    }
    inline_aliases(api);
    Ok(())
}

/// One diagnostic per reference that names no type in `api.types`.
fn unknown_refs(api: &Api) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut check = |name: &str, span: &Span| {
        if !api.types.contains_key(name) {
            diags.push(Diagnostic::new(
                span.clone(),
                format!("reference to unknown type `{name}`: no schema of that name is defined"),
            ));
        }
    };
    for op in &api.operations {
        visit::op_types(op, &mut |ty, span, _| visit::refs(ty, span, &mut check));
    }
    for def in api.types.values() {
        visit::def_refs(def, &mut check);
    }
    diags
}

/// Names of input types that are not valid type names (`Foo.Bar`, `foo`), with the name each
/// is given instead (`FooBar`, `Foo`). Two names that would become one are an error.
fn sanitised_names(api: &Api, diags: &mut Vec<Diagnostic>) -> BTreeMap<String, String> {
    let mut renames = BTreeMap::new();
    for (name, def) in api.types.iter().filter(|(name, _)| !is_type_name(name)) {
        let span = def_span(def);
        let Some(new) = type_name(name) else {
            diags.push(Diagnostic::new(
                span,
                format!(
                    "type name `{name}` has no letters or digits to make a Rust type name from"
                ),
            ));
            continue;
        };
        if api.types.contains_key(&new) {
            diags.push(Diagnostic::new(
                span,
                format!(
                    "type name `{name}` becomes `{new}` in Rust, which another type already has"
                ),
            ));
            continue;
        }
        if let Some((other, _)) = renames.iter().find(|(_, to)| **to == new) {
            diags.push(Diagnostic::new(
                span,
                format!("type names `{other}` and `{name}` both become `{new}` in Rust"),
            ));
            continue;
        }
        renames.insert(name.clone(), new);
    }
    renames
}

/// Where a named type is defined, as far as the IR knows: its first field.
pub(super) fn def_span(def: &TypeDef) -> Span {
    match def {
        TypeDef::Object(object) => object
            .fields
            .first()
            .map(|f| f.span.clone())
            .unwrap_or_default(),
        TypeDef::Enum(_) | TypeDef::Alias { .. } => Span::default(),
    }
}

/// A named alias of an inline object or enum is that object or enum.
fn inline_aliases(api: &mut Api) {
    for def in api.types.values_mut() {
        let TypeDef::Alias { ty, description } = def else {
            continue;
        };
        let new = match ty {
            Ty::Object { object } => {
                let mut object = std::mem::take(&mut **object);
                if object.description.is_none() {
                    object.description = description.take();
                }
                TypeDef::Object(object)
            }
            Ty::Enum { def: inner } => {
                let mut inner = std::mem::take(&mut **inner);
                if inner.description.is_none() {
                    inner.description = description.take();
                }
                TypeDef::Enum(inner)
            }
            _ => continue,
        };
        *def = new;
    }
}
