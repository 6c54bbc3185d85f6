//! Structural comparison of two types, each resolved through its own side's named types.
//!
//! Both raw front-end output (inline objects and enums) and hoisted output (`Ty::Ref`) are
//! compared by shape, so hoisting or renaming a type alone never shows up as a field change.
//! Nested fields are reported with dotted paths; the dot also steps into array items and `*`
//! names the values of a map, as the Markdown pages do.

use std::collections::{BTreeMap, BTreeSet};

use super::ChangeKind as K;
use super::sink::Sink;
use crate::ir::{Api, EnumTy, EnumValue, Field, ObjectTy, Scalar, Ty, TypeDef};

/// Nesting limit: a guard against pathological inline nesting. Recursive named types are cut
/// earlier, when a pair of names repeats on the walk.
const MAX_DEPTH: usize = 64;
/// Longest chain of aliases followed before a reference counts as unresolved.
const MAX_ALIASES: usize = 16;

/// What a type is once references and aliases are followed.
#[derive(Clone, Copy)]
enum Shape<'a> {
    Scalar(&'a Scalar),
    Any,
    Array(&'a Ty),
    Map(&'a Ty),
    Object(&'a ObjectTy),
    Enum(&'a EnumTy),
    OneOf(&'a [Ty]),
    /// A reference to a name the side does not define (or an alias cycle).
    Unresolved(&'a str),
}

#[derive(Clone, Copy)]
struct Resolved<'a> {
    shape: Shape<'a>,
    /// The type's name: the first `Ty::Ref` followed, else an inline name hint.
    name: Option<&'a str>,
    /// The name comes from a `Ty::Ref` (so the type may be recursive).
    named_ref: bool,
}

fn resolve<'a>(api: &'a Api, ty: &'a Ty) -> Resolved<'a> {
    let mut ty = ty;
    let mut name = None;
    for _ in 0..MAX_ALIASES {
        let shape = match ty {
            Ty::Scalar { scalar } => Shape::Scalar(scalar),
            Ty::Any => Shape::Any,
            Ty::Array { items } => Shape::Array(items),
            Ty::Map { values } => Shape::Map(values),
            Ty::Object { object } => {
                let hint = name.or(object.name_hint.as_deref());
                return Resolved {
                    shape: Shape::Object(object),
                    name: hint,
                    named_ref: name.is_some(),
                };
            }
            Ty::Enum { def } => {
                let hint = name.or(def.name_hint.as_deref());
                return Resolved {
                    shape: Shape::Enum(def),
                    name: hint,
                    named_ref: name.is_some(),
                };
            }
            Ty::OneOf { variants } => Shape::OneOf(variants),
            Ty::Ref { name: target } => {
                name = name.or(Some(target.as_str()));
                match api.types.get(target) {
                    Some(TypeDef::Object(object)) => {
                        return Resolved {
                            shape: Shape::Object(object),
                            name,
                            named_ref: true,
                        };
                    }
                    Some(TypeDef::Enum(def)) => {
                        return Resolved {
                            shape: Shape::Enum(def),
                            name,
                            named_ref: true,
                        };
                    }
                    Some(TypeDef::Alias { ty: aliased, .. }) => {
                        ty = aliased;
                        continue;
                    }
                    None => Shape::Unresolved(target),
                }
            }
        };
        return Resolved {
            shape,
            name,
            named_ref: name.is_some(),
        };
    }
    let target = name.unwrap_or("?");
    Resolved {
        shape: Shape::Unresolved(target),
        name,
        named_ref: true,
    }
}

/// A type as the pages print it: `string (uuid)`, `array of Volume`, `map of integer`.
pub(super) fn render(ty: &Ty) -> String {
    let mut out = String::new();
    render_into(ty, &mut out);
    out
}

fn render_into(ty: &Ty, out: &mut String) {
    match ty {
        Ty::Scalar { scalar } => render_scalar(scalar, out),
        Ty::Any => out.push_str("any"),
        Ty::Array { items } => {
            out.push_str("array of ");
            render_into(items, out);
        }
        Ty::Map { values } => {
            out.push_str("map of ");
            render_into(values, out);
        }
        Ty::Object { object } => out.push_str(object.name_hint.as_deref().unwrap_or("object")),
        Ty::Enum { def } => out.push_str(def.name_hint.as_deref().unwrap_or("enum")),
        Ty::Ref { name } => out.push_str(name),
        Ty::OneOf { variants } => {
            out.push_str("one of ");
            for (i, v) in variants.iter().enumerate() {
                if i > 0 {
                    out.push_str(" | ");
                }
                render_into(v, out);
            }
        }
    }
}

fn render_scalar(scalar: &Scalar, out: &mut String) {
    let (base, format) = scalar_parts(scalar);
    out.push_str(base);
    if let Some(f) = format {
        out.push_str(" (");
        out.push_str(f);
        out.push(')');
    }
}

fn scalar_parts(scalar: &Scalar) -> (&'static str, Option<&str>) {
    match scalar {
        Scalar::String { format } => ("string", format.as_deref()),
        Scalar::Integer { format } => ("integer", format.as_deref()),
        Scalar::Number { format } => ("number", format.as_deref()),
        Scalar::Boolean => ("boolean", None),
    }
}

/// How a resolved type is shown when its kind changed: its name when it has one.
fn render_resolved(r: &Resolved<'_>, ty: &Ty) -> String {
    match (r.name, r.shape) {
        (Some(name), Shape::Object(_) | Shape::Enum(_)) => name.to_owned(),
        _ => render(ty),
    }
}

pub(super) fn enum_value(v: &EnumValue) -> String {
    match v {
        EnumValue::Int(i) => i.to_string(),
        EnumValue::Str(s) => s.clone(),
    }
}

/// Joins a dotted field path; the root path is empty.
pub(super) fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        let mut p = String::with_capacity(path.len() + 1 + name.len());
        p.push_str(path);
        p.push('.');
        p.push_str(name);
        p
    }
}

fn opt_name(path: &str) -> Option<&str> {
    if path.is_empty() { None } else { Some(path) }
}

/// Walks two types side by side and pushes every difference into a [`Sink`].
pub(super) struct Walker<'a, 's, 'o> {
    old: &'a Api,
    new: &'a Api,
    sink: &'s mut Sink<'o>,
    /// Pairs of referenced type names being expanded, to cut recursive types.
    expanding: Vec<(&'a str, &'a str)>,
}

impl<'a, 's, 'o> Walker<'a, 's, 'o> {
    pub fn new(old: &'a Api, new: &'a Api, sink: &'s mut Sink<'o>) -> Self {
        Walker {
            old,
            new,
            sink,
            expanding: Vec::new(),
        }
    }

    /// Compares the types at `path` (empty for the root of a body or a parameter name).
    pub fn compare(&mut self, path: &str, o: &'a Ty, n: &'a Ty) {
        self.compare_at(path, o, n, 0);
    }

    fn compare_at(&mut self, path: &str, o: &'a Ty, n: &'a Ty, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let ro = resolve(self.old, o);
        let rn = resolve(self.new, n);

        let cycle_key = match (ro.named_ref, rn.named_ref, ro.name, rn.name) {
            (true, true, Some(a), Some(b)) => Some((a, b)),
            _ => None,
        };
        if let Some(key) = cycle_key {
            if self.expanding.contains(&key) {
                return;
            }
            self.expanding.push(key);
        }

        let renamed = match (ro.name, rn.name) {
            (Some(a), Some(b)) if a != b => Some((a, b)),
            _ => None,
        };
        let start = self.sink.len();
        self.compare_shapes(path, &ro, &rn, o, n, depth);
        if let Some((a, b)) = renamed {
            let kind = if self.sink.structural_since(start) {
                K::ModelReplaced
            } else {
                K::ModelRenamed
            };
            let change = self.sink.make(
                kind,
                opt_name(path).map(str::to_owned),
                None,
                Some(a.to_owned()),
                Some(b.to_owned()),
            );
            self.sink.out.insert(start, change);
        }

        if cycle_key.is_some() {
            self.expanding.pop();
        }
    }

    fn compare_shapes(
        &mut self,
        path: &str,
        ro: &Resolved<'a>,
        rn: &Resolved<'a>,
        o: &'a Ty,
        n: &'a Ty,
        depth: usize,
    ) {
        match (ro.shape, rn.shape) {
            (Shape::Scalar(a), Shape::Scalar(b)) => {
                if a != b {
                    let same_base = scalar_parts(a).0 == scalar_parts(b).0;
                    let kind = if same_base {
                        K::FormatChanged
                    } else {
                        K::TypeChanged
                    };
                    self.sink
                        .changed(kind, opt_name(path), render(o), render(n));
                }
            }
            (Shape::Any, Shape::Any) => {}
            (Shape::Array(a), Shape::Array(b)) => self.compare_at(path, a, b, depth + 1),
            (Shape::Map(a), Shape::Map(b)) => {
                let p = join(path, "*");
                self.compare_at(&p, a, b, depth + 1);
            }
            (Shape::Object(a), Shape::Object(b)) => self.compare_objects(path, a, b, depth),
            (Shape::Enum(a), Shape::Enum(b)) => self.compare_enums(path, a, b),
            (Shape::OneOf(a), Shape::OneOf(b)) if a.len() == b.len() => {
                for (va, vb) in a.iter().zip(b) {
                    self.compare_at(path, va, vb, depth + 1);
                }
            }
            (Shape::Unresolved(a), Shape::Unresolved(b)) if a == b => {}
            _ => {
                let old = render_resolved(ro, o);
                let new = render_resolved(rn, n);
                self.sink.changed(K::TypeChanged, opt_name(path), old, new);
            }
        }
    }

    fn compare_objects(&mut self, path: &str, a: &'a ObjectTy, b: &'a ObjectTy, depth: usize) {
        let old_fields: BTreeMap<&str, &'a Field> =
            a.fields.iter().map(|f| (f.name.as_str(), f)).collect();
        let mut seen = BTreeSet::new();
        for fb in &b.fields {
            let p = join(path, &fb.name);
            match old_fields.get(fb.name.as_str()) {
                Some(fa) => {
                    seen.insert(fb.name.as_str());
                    self.compare_fields(&p, fa, fb, depth);
                }
                None => self.sink.push(
                    K::FieldAdded,
                    Some(p),
                    Some(fb.required),
                    None,
                    Some(render(&fb.ty)),
                ),
            }
        }
        for fa in &a.fields {
            if !seen.contains(fa.name.as_str()) {
                let p = join(path, &fa.name);
                self.sink.push(
                    K::FieldRemoved,
                    Some(p),
                    Some(fa.required),
                    Some(render(&fa.ty)),
                    None,
                );
            }
        }
        let p = join(path, "*");
        match (&a.additional, &b.additional) {
            (None, None) => {}
            (None, Some(t)) => {
                self.sink
                    .push(K::FieldAdded, Some(p), Some(false), None, Some(render(t)))
            }
            (Some(t), None) => {
                self.sink
                    .push(K::FieldRemoved, Some(p), Some(false), Some(render(t)), None)
            }
            (Some(ta), Some(tb)) => self.compare_at(&p, ta, tb, depth + 1),
        }
    }

    fn compare_fields(&mut self, path: &str, fa: &'a Field, fb: &'a Field, depth: usize) {
        let name = Some(path);
        if fa.required != fb.required {
            let kind = if fb.required {
                K::BecameRequired
            } else {
                K::BecameOptional
            };
            self.sink.toggled(kind, name);
        }
        if fa.nullable != fb.nullable {
            let kind = if fb.nullable {
                K::BecameNullable
            } else {
                K::BecameNotNullable
            };
            self.sink.toggled(kind, name);
        }
        compare_text(
            self.sink,
            K::DescriptionChanged,
            name,
            &fa.description,
            &fb.description,
        );
        compare_json(
            self.sink,
            K::DefaultChanged,
            name,
            fa.default.as_ref(),
            fb.default.as_ref(),
        );
        self.compare_at(path, &fa.ty, &fb.ty, depth + 1);
    }

    fn compare_enums(&mut self, path: &str, a: &EnumTy, b: &EnumTy) {
        let old: BTreeSet<&EnumValue> = a.values.iter().collect();
        let new: BTreeSet<&EnumValue> = b.values.iter().collect();
        for v in b.values.iter().filter(|v| !old.contains(v)) {
            self.sink.push(
                K::EnumValueAdded,
                opt_name(path).map(str::to_owned),
                None,
                None,
                Some(enum_value(v)),
            );
        }
        for v in a.values.iter().filter(|v| !new.contains(v)) {
            self.sink.push(
                K::EnumValueRemoved,
                opt_name(path).map(str::to_owned),
                None,
                Some(enum_value(v)),
                None,
            );
        }
    }
}

/// Reports a changed optional text (`None` and empty count as the same: no text).
pub(super) fn compare_text(
    sink: &mut Sink<'_>,
    kind: K,
    name: Option<&str>,
    old: &Option<String>,
    new: &Option<String>,
) {
    let a = old.as_deref().unwrap_or("");
    let b = new.as_deref().unwrap_or("");
    if a != b {
        sink.changed(kind, name, a.to_owned(), b.to_owned());
    }
}

/// Reports a changed optional JSON value, printed compactly (`null` when absent).
pub(super) fn compare_json(
    sink: &mut Sink<'_>,
    kind: K,
    name: Option<&str>,
    old: Option<&serde_json::Value>,
    new: Option<&serde_json::Value>,
) {
    if old != new {
        sink.changed(kind, name, json_text(old), json_text(new));
    }
}

pub(super) fn json_text(v: Option<&serde_json::Value>) -> String {
    v.map_or_else(|| "null".to_owned(), |v| v.to_string())
}
