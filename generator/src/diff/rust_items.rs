//! The Rust items a change hits: each side's API is planned as the generator would emit it,
//! and the public items each operation reaches (its method on the tag handle, the builder's
//! setters, and every model it takes or returns, with their constructors, fields, accessors
//! and variants) are compared by name.
//!
//! The IR comparison says what the specs changed; this says what a user's code meets. The two
//! differ: the naming passes choose a shared shape's name from every operation that uses it, so
//! a change on one page can rename a model another page returns, which the specs' comparison
//! cannot see. An operation whose items changed is listed even when its spec did not change.

use std::collections::{BTreeMap, BTreeSet};

use super::{ApiDiff, OperationDiff, OperationStatus, RustEffect, RustItemChange, SemverBump};
use crate::emit::plan::{self, ArgLocation, Constructor, Output, Plan, RustTy, TypeKind, TypePlan};
use crate::emit::{self, Settings};
use crate::ir::passes::{self, PassOptions};
use crate::ir::{Api, Method};

/// The public items of one side, as the crate generated from it has them.
#[derive(Debug, Default)]
pub struct Surface {
    /// `(method, path)` -> the operation's own items and the models it reaches.
    ops: BTreeMap<(Method, String), OpItems>,
    /// Model ident -> its items (`Model::new`, `Model::field()`, `Enum::Variant`) and their
    /// signatures.
    types: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(Debug)]
struct OpItems {
    feature: String,
    tag: String,
    operation_id: String,
    /// The handle method and the builder's setters, by name.
    items: BTreeMap<String, String>,
    /// Every model the operation's arguments, body and output reach.
    models: BTreeSet<String>,
}

/// The surface of the crate generated from `api` (before the passes, as the diff reads it) with
/// the configured type renames. An API the passes reject has no surface: the error says why.
pub fn surface(api: &Api, options: &PassOptions) -> Result<Surface, String> {
    let mut api = api.clone();
    passes::run(&mut api, options).map_err(|diagnostics| {
        let first = diagnostics
            .first()
            .map_or_else(String::new, |d| format!(": {d}"));
        format!("the naming passes failed{first}")
    })?;
    Ok(surface_of_plan(&emit::plan(
        &api,
        &Settings::new("waldur-client", "0.0.0"),
    )))
}

fn surface_of_plan(plan: &Plan) -> Surface {
    let mut out = Surface::default();
    for (ident, ty) in plan.types.values().map(|t| (&t.ident, t)) {
        out.types.insert(ident.clone(), type_items(ty));
    }
    let by_ident: BTreeMap<&str, &TypePlan> =
        plan.types.values().map(|t| (t.ident.as_str(), t)).collect();
    for accessor in &plan.client.accessors {
        let Some(tag) = plan.tags.get(accessor.tag) else {
            continue;
        };
        for op in &tag.operations {
            let call = format!("client.{}().{}", accessor.method, op.method);
            let mut items = BTreeMap::new();
            let mut args: Vec<String> = op
                .args
                .iter()
                .map(|a| format!("{}: {}", a.ident, ty_text(&a.ty)))
                .collect();
            let mut roots = Vec::new();
            for a in op.args.iter().chain(&op.setters) {
                roots.push(&a.ty);
            }
            if let Some(body) = &op.body {
                roots.push(&body.ty);
                if body.required {
                    args.push(format!("{}: {}", body.ident, ty_text(&body.ty)));
                } else {
                    items.insert(
                        format!("{call}().{}", body.ident),
                        format!("{call}().{}({})", body.ident, ty_text(&body.ty)),
                    );
                }
            }
            let output = match &op.output {
                Output::Page { item } => {
                    roots.push(item);
                    format!("Page<{}>", ty_text(item))
                }
                Output::Json { ty, .. } => {
                    roots.push(ty);
                    ty_text(ty)
                }
                Output::Accepted => "Accepted".to_owned(),
                Output::Count => "u64".to_owned(),
                Output::Text => "String".to_owned(),
                Output::NdJson => "Vec<Value>".to_owned(),
                Output::Binary => "Bytes".to_owned(),
            };
            items.insert(
                call.clone(),
                format!("{call}({}) -> {output}", args.join(", ")),
            );
            for s in &op.setters {
                let kind = match s.location {
                    ArgLocation::Query => "",
                    ArgLocation::Path => " (path)",
                };
                items.insert(
                    format!("{call}().{}", s.ident),
                    format!("{call}().{}({}){kind}", s.ident, ty_text(&s.ty)),
                );
            }
            let mut models = BTreeSet::new();
            for ty in roots {
                reach(ty, &by_ident, &mut models);
            }
            out.ops.insert(
                (op.http_method, op.path.clone()),
                OpItems {
                    feature: tag.feature.clone(),
                    tag: tag.tag.clone(),
                    operation_id: op.operation_id.clone(),
                    items,
                    models,
                },
            );
        }
    }
    out
}

/// The models `ty` names, and the models their fields name, transitively.
fn reach(ty: &RustTy, types: &BTreeMap<&str, &TypePlan>, out: &mut BTreeSet<String>) {
    match ty {
        RustTy::Named { ident, .. } => {
            if !out.insert(ident.clone()) {
                return;
            }
            let Some(t) = types.get(ident.as_str()) else {
                return;
            };
            match &t.kind {
                TypeKind::Response(m) => m.fields.iter().for_each(|f| reach(&f.ty, types, out)),
                TypeKind::Request(m) => m.fields.iter().for_each(|f| reach(&f.ty, types, out)),
                TypeKind::Alias { target, .. } => reach(target, types, out),
                TypeKind::Enum(_) => {}
            }
        }
        RustTy::Vec(inner, _) | RustTy::Map(inner, _) => reach(inner, types, out),
        _ => {}
    }
}

/// A model's public items: `type X` itself, then its members, each with a signature.
fn type_items(t: &TypePlan) -> BTreeMap<String, String> {
    let x = &t.ident;
    let mut items = BTreeMap::new();
    let kind = match &t.kind {
        TypeKind::Response(m) => {
            for f in &m.fields {
                items.insert(
                    format!("{x}::{}()", f.accessor),
                    format!("{x}::{}(): {}", f.accessor, ty_text(&f.ty)),
                );
            }
            "struct"
        }
        TypeKind::Request(m) => {
            let required: Vec<&plan::FieldPlan> = m
                .fields
                .iter()
                .filter(|f| f.presence == plan::Presence::Required)
                .collect();
            let ctor = match &m.constructor {
                Constructor::Default => format!("{x}::default()"),
                Constructor::New => format!(
                    "{x}::new({})",
                    required
                        .iter()
                        .map(|f| f.ident.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Constructor::Builder { builder } => format!(
                    "{builder}::new(){}",
                    required
                        .iter()
                        .map(|f| format!(".{}(..)", f.ident))
                        .collect::<String>()
                ),
            };
            items.insert(format!("{x} constructor"), ctor);
            for f in &m.fields {
                let ty = ty_text(&f.ty);
                let ty = match f.presence {
                    plan::Presence::Required | plan::Presence::Lenient => ty,
                    plan::Presence::RequiredNullable => format!("Option<{ty}>"),
                    plan::Presence::Optional => format!("Nullable<{ty}>"),
                };
                items.insert(format!("{x}.{}", f.ident), format!("{x}.{}: {ty}", f.ident));
            }
            "struct"
        }
        TypeKind::Enum(e) => {
            for v in &e.variants {
                items.insert(format!("{x}::{}", v.ident), format!("{x}::{}", v.ident));
            }
            "enum"
        }
        TypeKind::Alias { target, .. } => {
            items.insert(
                format!("type {x}"),
                format!("type {x} = {}", ty_text(target)),
            );
            return items;
        }
    };
    items.insert(format!("type {x}"), format!("{kind} {x}"));
    items
}

/// A type as a user writes it (models by name, without their module).
fn ty_text(ty: &RustTy) -> String {
    match ty {
        RustTy::String => "String".to_owned(),
        RustTy::I64 => "i64".to_owned(),
        RustTy::F64 => "f64".to_owned(),
        RustTy::Bool => "bool".to_owned(),
        RustTy::Uuid => "Uuid".to_owned(),
        RustTy::DateTime => "DateTime<FixedOffset>".to_owned(),
        RustTy::Date => "NaiveDate".to_owned(),
        RustTy::Decimal => "Decimal".to_owned(),
        RustTy::Json => "Value".to_owned(),
        RustTy::FileUpload => "FileUpload".to_owned(),
        RustTy::Named { ident, .. } => ident.clone(),
        RustTy::Vec(inner, _) => format!("Vec<{}>", ty_text(inner)),
        RustTy::Map(inner, _) => format!("BTreeMap<String, {}>", ty_text(inner)),
    }
}

/// Adds to `d` the Rust items each operation's changes hit, and the operations whose items
/// changed though their specs did not; a changed or removed item is a compile break, and
/// raises the suggested bump accordingly.
pub fn annotate(d: &mut ApiDiff, old: &Surface, new: &Surface) {
    let type_changes = type_changes(old, new);
    let mut listed: BTreeSet<(Method, String)> = BTreeSet::new();
    for op in &mut d.operations {
        let old_path = op.old_path.clone().unwrap_or_else(|| op.path.clone());
        let o = old.ops.get(&(op.method, old_path));
        let n = new.ops.get(&(op.method, op.path.clone()));
        listed.insert((op.method, op.path.clone()));
        op.feature = n.or(o).map(|x| x.feature.clone());
        op.rust_items = op_changes(o, n, &type_changes);
    }
    for (key, n) in &new.ops {
        if listed.contains(key) {
            continue;
        }
        let Some(o) = old.ops.get(key) else {
            continue;
        };
        let items = op_changes(Some(o), Some(n), &type_changes);
        if items.is_empty() {
            continue;
        }
        let rust = if items.iter().any(RustItemChange::is_break) {
            RustEffect::Break
        } else {
            RustEffect::Additive
        };
        d.operations.push(OperationDiff {
            method: key.0,
            path: key.1.clone(),
            old_path: None,
            operation_id: n.operation_id.clone(),
            tag: n.tag.clone(),
            status: OperationStatus::Modified,
            wire: super::WireEffect::Compatible,
            rust,
            feature: Some(n.feature.clone()),
            changes: Vec::new(),
            rust_items: items,
        });
    }
    d.operations
        .sort_by(|a, b| (&a.tag, &a.path, a.method).cmp(&(&b.tag, &b.path, b.method)));
    let s = &mut d.summary;
    s.operations_modified = d
        .operations
        .iter()
        .filter(|o| o.status == OperationStatus::Modified)
        .count();
    let mut broken = BTreeSet::new();
    let mut added = BTreeSet::new();
    for op in &d.operations {
        for c in &op.rust_items {
            if c.is_break() {
                broken.insert(&c.item);
            } else if c.new.is_some() {
                added.insert(&c.item);
            }
        }
    }
    s.rust_items_broken = Some(broken.len());
    s.rust_items_added = Some(added.len());
    if !broken.is_empty() {
        s.suggested_bump = s.suggested_bump.max(SemverBump::Minor);
        s.suggested_bump_stable = s.suggested_bump_stable.max(SemverBump::Major);
    } else if !added.is_empty() {
        s.suggested_bump = s.suggested_bump.max(SemverBump::Patch);
        s.suggested_bump_stable = s.suggested_bump_stable.max(SemverBump::Minor);
    }
}

/// Per model ident (on either side): its changed items. A model gone from one side is one
/// item (`type X`), not one per member.
fn type_changes(old: &Surface, new: &Surface) -> BTreeMap<String, Vec<RustItemChange>> {
    let mut out = BTreeMap::new();
    let idents: BTreeSet<&String> = old.types.keys().chain(new.types.keys()).collect();
    for ident in idents {
        let (o, n) = (old.types.get(ident), new.types.get(ident));
        let changes = match (o, n) {
            (Some(o), Some(n)) => item_changes(o, n),
            _ => {
                let key = format!("type {ident}");
                let side =
                    |s: Option<&BTreeMap<String, String>>| s.and_then(|m| m.get(&key)).cloned();
                vec![RustItemChange {
                    item: key.clone(),
                    old: side(o),
                    new: side(n),
                }]
            }
        };
        if !changes.is_empty() {
            out.insert(ident.clone(), changes);
        }
    }
    out
}

fn item_changes(o: &BTreeMap<String, String>, n: &BTreeMap<String, String>) -> Vec<RustItemChange> {
    let keys: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
    keys.into_iter()
        .filter_map(|k| {
            let (a, b) = (o.get(k), n.get(k));
            (a != b).then(|| RustItemChange {
                item: k.clone(),
                old: a.cloned(),
                new: b.cloned(),
            })
        })
        .collect()
}

fn op_changes(
    o: Option<&OpItems>,
    n: Option<&OpItems>,
    types: &BTreeMap<String, Vec<RustItemChange>>,
) -> Vec<RustItemChange> {
    let none = BTreeMap::new();
    let mut out = item_changes(o.map_or(&none, |x| &x.items), n.map_or(&none, |x| &x.items));
    // A removed or added operation is its method; the models it reached are another
    // operation's business unless they changed themselves.
    if let (Some(o), Some(n)) = (o, n) {
        let models: BTreeSet<&String> = o.models.iter().chain(&n.models).collect();
        for m in models {
            if let Some(changes) = types.get(m) {
                out.extend(changes.iter().cloned());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Api;

    fn items(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// One operation returning `model`, whose type has one accessor.
    fn side(model: &str) -> Surface {
        let mut s = Surface::default();
        s.ops.insert(
            (Method::Get, "/api/a/".to_owned()),
            OpItems {
                feature: "a".to_owned(),
                tag: "a".to_owned(),
                operation_id: "a_list".to_owned(),
                items: items(&[(
                    "client.a().list",
                    &format!("client.a().list() -> Page<{model}>"),
                )]),
                models: [model.to_owned()].into(),
            },
        );
        s.types.insert(
            model.to_owned(),
            items(&[
                (&format!("type {model}"), &format!("struct {model}")),
                (
                    &format!("{model}::name()"),
                    &format!("{model}::name(): String"),
                ),
            ]),
        );
        s
    }

    #[test]
    fn an_operation_whose_spec_did_not_change_is_listed_when_its_model_was_renamed() {
        // The specs compare equal (a shared shape was renamed because another page changed).
        let mut d = crate::diff::diff(&Api::default(), &Api::default());
        annotate(&mut d, &side("Detail"), &side("ADetail"));
        assert_eq!(d.operations.len(), 1);
        let op = &d.operations[0];
        assert_eq!(
            (op.status, op.rust, op.feature.as_deref(), op.changes.len()),
            (OperationStatus::Modified, RustEffect::Break, Some("a"), 0)
        );
        let item = |item: &str, old: Option<&str>, new: Option<&str>| RustItemChange {
            item: item.to_owned(),
            old: old.map(str::to_owned),
            new: new.map(str::to_owned),
        };
        assert_eq!(
            op.rust_items,
            vec![
                item(
                    "client.a().list",
                    Some("client.a().list() -> Page<Detail>"),
                    Some("client.a().list() -> Page<ADetail>")
                ),
                item("type ADetail", None, Some("struct ADetail")),
                item("type Detail", Some("struct Detail"), None),
            ]
        );
        assert_eq!(
            (d.summary.rust_items_broken, d.summary.rust_items_added),
            (Some(2), Some(1))
        );
        assert_eq!(d.summary.operations_modified, 1);
        assert_eq!(d.suggested_bump(), SemverBump::Minor);
        assert_eq!(d.suggested_bump_stable(), SemverBump::Major);
    }

    #[test]
    fn equal_surfaces_change_nothing() {
        let mut d = crate::diff::diff(&Api::default(), &Api::default());
        annotate(&mut d, &side("Detail"), &side("Detail"));
        assert!(d.operations.is_empty());
        assert_eq!(d.suggested_bump(), SemverBump::None);
        assert_eq!(d.summary.rust_items_broken, Some(0));
    }
}
