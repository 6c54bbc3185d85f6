//! Checks and normalises what a front end hands over, before anything is rewritten: every
//! reference must resolve, and named types must carry names Rust can use.

use std::collections::BTreeMap;

use super::names::{is_type_name, type_name};
use super::visit;
use crate::Diagnostic;
use crate::ir::{Api, Span, Ty, TypeDef};

/// Runs the checks; on success the API's named types have valid names (references follow)
/// and no named type is an alias of an inline object or enum. Returns warnings: input type
/// names that had to become something else than their plain Rust form.
pub(super) fn prepare(api: &mut Api) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    let diags = unknown_refs(api);
    if !diags.is_empty() {
        return Err(diags);
    }
    let mut warnings = Vec::new();
    let renames = sanitised_names(api, &mut warnings);
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
    Ok(warnings)
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
/// is given instead (`FooBar`, `Foo`).
///
/// Valid names keep their names. The others are renamed in name order, each to the first free
/// name of `<Name>`, `<Name>2`, `<Name>3`, ...: a spec may hold `foo` and `Foo` (component
/// keys are case-sensitive), or `Foo.Bar` and `FooBar`, and one such pair must not stop the
/// whole API from generating. A name with no letters or digits (`_`) becomes `Unnamed`. Each
/// rename that is not the plain Rust form of the name gets a warning.
fn sanitised_names(api: &Api, warnings: &mut Vec<Diagnostic>) -> BTreeMap<String, String> {
    let mut taken: std::collections::BTreeSet<String> = api
        .types
        .keys()
        .filter(|name| is_type_name(name))
        .cloned()
        .collect();
    let mut renames = BTreeMap::new();
    for (name, def) in api.types.iter().filter(|(name, _)| !is_type_name(name)) {
        let plain = type_name(name);
        let base = plain.clone().unwrap_or_else(|| "Unnamed".to_string());
        let mut new = base.clone();
        let mut n = 2;
        while taken.contains(&new) {
            new = format!("{base}{n}");
            n += 1;
        }
        match &plain {
            None => warnings.push(Diagnostic::warning(
                def_span(def),
                format!(
                    "type name `{name}` has no letters or digits; it is called `{new}` in Rust"
                ),
            )),
            Some(plain) if *plain != new => warnings.push(Diagnostic::warning(
                def_span(def),
                format!(
                    "type name `{name}` becomes `{new}` in Rust: `{plain}` is another type's name"
                ),
            )),
            Some(_) => {}
        }
        taken.insert(new.clone());
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
