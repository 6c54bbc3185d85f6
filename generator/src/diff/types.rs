//! Structural comparison of two types, each resolved through its own side's named types.
//!
//! Both raw front-end output (inline objects and enums) and hoisted output (`Ty::Ref`) are
//! compared by shape, so hoisting or renaming a type alone never shows up as a field change.
//! Nested fields are reported with dotted paths; the dot also steps into array items and `*`
//! names the values of a map, as the Markdown pages do.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use std::cmp::Ordering;

use super::ChangeKind as K;
use super::classify::Bound;
use super::sink::Sink;
use crate::ir::{Api, Constraints, EnumTy, EnumValue, Field, ObjectTy, Scalar, Ty, TypeDef};

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

/// One difference found by [`TypeDiffer`], before it is placed and classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RawChange {
    pub kind: K,
    /// Dotted path; `None` for the root of the compared type.
    pub name: Option<String>,
    pub required: Option<bool>,
    pub old: Option<String>,
    pub new: Option<String>,
    /// For constraint changes: how the allowed values changed.
    pub bound: Option<Bound>,
}

impl RawChange {
    fn new(
        kind: K,
        path: &str,
        required: Option<bool>,
        old: Option<String>,
        new: Option<String>,
    ) -> Self {
        RawChange {
            kind,
            name: opt_name(path).map(str::to_owned),
            required,
            old,
            new,
            bound: None,
        }
    }

    /// The same change seen from `prefix` (the path where a cached comparison is reused).
    fn under(&self, prefix: &str) -> RawChange {
        let name = match (&self.name, prefix.is_empty()) {
            (name, true) => name.clone(),
            (None, false) => Some(prefix.to_owned()),
            (Some(n), false) => Some(join(prefix, n)),
        };
        RawChange {
            name,
            ..self.clone()
        }
    }
}

/// Pushes raw changes into a sink, classifying them for its location.
pub(super) fn emit(sink: &mut Sink<'_>, raw: Vec<RawChange>) {
    for r in raw {
        sink.ctx.bound = r.bound;
        sink.push(r.kind, r.name, r.required, r.old, r.new);
        sink.ctx.bound = None;
    }
}

/// Compares types of two APIs. One differ serves a whole diff: the comparison of a pair of
/// named types reached with no other named type being expanded is cached, so each model
/// that many operations share is walked once. Only such outermost comparisons are cached:
/// deeper ones depend on which types the walk is inside (recursion is cut there), and
/// reusing them would make one operation's report depend on the others.
pub(super) struct TypeDiffer<'a> {
    old: &'a Api,
    new: &'a Api,
    /// Pairs of referenced type names being expanded, to cut recursive types.
    expanding: Vec<(&'a str, &'a str)>,
    /// Outermost comparisons of named pairs, with paths relative to the pair. Only looked
    /// up, never iterated, so its order cannot reach the output.
    cache: HashMap<(&'a str, &'a str), Vec<RawChange>>,
}

impl<'a> TypeDiffer<'a> {
    pub fn new(old: &'a Api, new: &'a Api) -> Self {
        TypeDiffer {
            old,
            new,
            expanding: Vec::new(),
            cache: HashMap::new(),
        }
    }

    /// Compares the types at `path` (empty for the root of a body, else a parameter name).
    pub fn compare(&mut self, path: &str, o: &'a Ty, n: &'a Ty) -> Vec<RawChange> {
        let mut out = Vec::new();
        self.compare_at(path, o, n, 0, &mut out);
        out
    }

    /// Whether two types differ in more than documentation and constraints (type names
    /// included): whether the generated Rust types differ.
    pub fn differ(&mut self, o: &'a Ty, n: &'a Ty) -> bool {
        self.compare("", o, n)
            .iter()
            .any(|c| !c.kind.keeps_rust_types())
    }

    /// The path under which the constraints of `ty`'s items are reported: `a.*` for the
    /// values of a map, `a[]` for the items of an array.
    pub fn items_path(&self, path: &str, ty: &'a Ty) -> String {
        match resolve(self.new, ty).shape {
            Shape::Map(_) => join(path, "*"),
            _ => format!("{path}[]"),
        }
    }

    fn compare_at(
        &mut self,
        path: &str,
        o: &'a Ty,
        n: &'a Ty,
        depth: usize,
        out: &mut Vec<RawChange>,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let ro = resolve(self.old, o);
        let rn = resolve(self.new, n);
        match (ro.named_ref, rn.named_ref, ro.name, rn.name) {
            (true, true, Some(a), Some(b)) => {
                self.compare_named(path, (a, b), &ro, &rn, o, n, depth, out)
            }
            _ => self.compare_resolved(path, &ro, &rn, o, n, depth, out),
        }
    }

    /// Two named types: cut recursion, reuse or fill the cache.
    #[allow(clippy::too_many_arguments)]
    fn compare_named(
        &mut self,
        path: &str,
        key: (&'a str, &'a str),
        ro: &Resolved<'a>,
        rn: &Resolved<'a>,
        o: &'a Ty,
        n: &'a Ty,
        depth: usize,
        out: &mut Vec<RawChange>,
    ) {
        if self.expanding.contains(&key) {
            return;
        }
        let outermost = self.expanding.is_empty();
        if outermost && let Some(cached) = self.cache.get(&key) {
            out.extend(cached.iter().map(|c| c.under(path)));
            return;
        }
        self.expanding.push(key);
        let mut local = Vec::new();
        self.compare_resolved("", ro, rn, o, n, depth, &mut local);
        self.expanding.pop();
        out.extend(local.iter().map(|c| c.under(path)));
        if outermost {
            self.cache.insert(key, local);
        }
    }

    /// Compares resolved types and reports a changed name first.
    #[allow(clippy::too_many_arguments)]
    fn compare_resolved(
        &mut self,
        path: &str,
        ro: &Resolved<'a>,
        rn: &Resolved<'a>,
        o: &'a Ty,
        n: &'a Ty,
        depth: usize,
        out: &mut Vec<RawChange>,
    ) {
        let start = out.len();
        self.compare_shapes(path, ro, rn, o, n, depth, out);
        if let (Some(a), Some(b)) = (ro.name, rn.name)
            && a != b
        {
            let structural = out
                .get(start..)
                .is_some_and(|cs| cs.iter().any(|c| c.kind.is_structural()));
            let kind = if structural {
                K::ModelReplaced
            } else {
                K::ModelRenamed
            };
            out.insert(
                start,
                RawChange::new(kind, path, None, Some(a.to_owned()), Some(b.to_owned())),
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn compare_shapes(
        &mut self,
        path: &str,
        ro: &Resolved<'a>,
        rn: &Resolved<'a>,
        o: &'a Ty,
        n: &'a Ty,
        depth: usize,
        out: &mut Vec<RawChange>,
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
                    out.push(RawChange::new(
                        kind,
                        path,
                        None,
                        Some(render(o)),
                        Some(render(n)),
                    ));
                }
            }
            (Shape::Any, Shape::Any) => {}
            (Shape::Array(a), Shape::Array(b)) => self.compare_at(path, a, b, depth + 1, out),
            (Shape::Map(a), Shape::Map(b)) => {
                let p = join(path, "*");
                self.compare_at(&p, a, b, depth + 1, out);
            }
            (Shape::Object(a), Shape::Object(b)) => self.compare_objects(path, a, b, depth, out),
            (Shape::Enum(a), Shape::Enum(b)) => {
                let (ka, kb) = (enum_kind(a), enum_kind(b));
                if ka != kb && ka.is_some() && kb.is_some() {
                    // `1`, `2` -> `"1"`, `"2"`: every value's JSON type changed.
                    let show = |r: &Resolved<'_>, kind: Option<&str>| {
                        let kind = kind.unwrap_or("enum");
                        match r.name {
                            Some(name) => format!("{name} ({kind})"),
                            None => kind.to_owned(),
                        }
                    };
                    out.push(RawChange::new(
                        K::TypeChanged,
                        path,
                        None,
                        Some(show(ro, ka)),
                        Some(show(rn, kb)),
                    ));
                } else {
                    compare_enums(path, a, b, out);
                }
            }
            (Shape::OneOf(a), Shape::OneOf(b)) if a.len() == b.len() => {
                for (va, vb) in a.iter().zip(b) {
                    self.compare_at(path, va, vb, depth + 1, out);
                }
            }
            (Shape::Unresolved(a), Shape::Unresolved(b)) if a == b => {}
            _ => {
                let (old, new) = (render_resolved(ro, o), render_resolved(rn, n));
                out.push(RawChange::new(
                    K::TypeChanged,
                    path,
                    None,
                    Some(old),
                    Some(new),
                ));
            }
        }
    }

    fn compare_objects(
        &mut self,
        path: &str,
        a: &'a ObjectTy,
        b: &'a ObjectTy,
        depth: usize,
        out: &mut Vec<RawChange>,
    ) {
        let old_fields: BTreeMap<&str, &'a Field> =
            a.fields.iter().map(|f| (f.name.as_str(), f)).collect();
        let mut seen = BTreeSet::new();
        for fb in &b.fields {
            let p = join(path, &fb.name);
            match old_fields.get(fb.name.as_str()) {
                Some(fa) => {
                    seen.insert(fb.name.as_str());
                    self.compare_fields(&p, fa, fb, depth, out);
                }
                None => out.push(RawChange::new(
                    K::FieldAdded,
                    &p,
                    Some(fb.required),
                    None,
                    Some(render(&fb.ty)),
                )),
            }
        }
        for fa in a.fields.iter().filter(|f| !seen.contains(f.name.as_str())) {
            let p = join(path, &fa.name);
            out.push(RawChange::new(
                K::FieldRemoved,
                &p,
                Some(fa.required),
                Some(render(&fa.ty)),
                None,
            ));
        }
        let p = join(path, "*");
        match (&a.additional, &b.additional) {
            (None, None) => {}
            (None, Some(t)) => out.push(RawChange::new(
                K::FieldAdded,
                &p,
                Some(false),
                None,
                Some(render(t)),
            )),
            (Some(t), None) => out.push(RawChange::new(
                K::FieldRemoved,
                &p,
                Some(false),
                Some(render(t)),
                None,
            )),
            (Some(ta), Some(tb)) => self.compare_at(&p, ta, tb, depth + 1, out),
        }
    }

    fn compare_fields(
        &mut self,
        path: &str,
        fa: &'a Field,
        fb: &'a Field,
        depth: usize,
        out: &mut Vec<RawChange>,
    ) {
        if fa.required != fb.required {
            let kind = if fb.required {
                K::BecameRequired
            } else {
                K::BecameOptional
            };
            out.push(RawChange::new(kind, path, None, None, None));
        }
        if fa.nullable != fb.nullable {
            let kind = if fb.nullable {
                K::BecameNullable
            } else {
                K::BecameNotNullable
            };
            out.push(RawChange::new(kind, path, None, None, None));
        }
        if let Some((old, new)) = text_change(&fa.description, &fb.description) {
            out.push(RawChange::new(
                K::DescriptionChanged,
                path,
                None,
                Some(old),
                Some(new),
            ));
        }
        if let Some((old, new)) = json_change(fa.default.as_ref(), fb.default.as_ref()) {
            out.push(RawChange::new(
                K::DefaultChanged,
                path,
                None,
                Some(old),
                Some(new),
            ));
        }
        for (was, is, set, unset) in [
            (
                fa.read_only,
                fb.read_only,
                K::BecameReadOnly,
                K::BecameNotReadOnly,
            ),
            (
                fa.write_only,
                fb.write_only,
                K::BecameWriteOnly,
                K::BecameNotWriteOnly,
            ),
        ] {
            if was != is {
                let kind = if is { set } else { unset };
                out.push(RawChange::new(kind, path, None, None, None));
            }
        }
        blank_change(path, fa.blank, fb.blank, out);
        let items = self.items_path(path, &fb.ty);
        compare_constraints(path, &items, &fa.constraints, &fb.constraints, out);
        self.compare_at(path, &fa.ty, &fb.ty, depth + 1, out);
    }
}

/// `"integer enum"`, `"string enum"`, or `None` for an enum without values or with both.
fn enum_kind(e: &EnumTy) -> Option<&'static str> {
    let ints = e
        .values
        .iter()
        .filter(|v| matches!(v, EnumValue::Int(_)))
        .count();
    match (ints, e.values.len()) {
        (_, 0) => None,
        (i, n) if i == n => Some("integer enum"),
        (0, _) => Some("string enum"),
        _ => None,
    }
}

/// The blank value `""` of `oneOf: [XEnum, BlankEnum]` added or removed: an enum value.
pub(super) fn blank_change(path: &str, old: bool, new: bool, out: &mut Vec<RawChange>) {
    let blank = Some("\"\"".to_owned());
    match (old, new) {
        (false, true) => out.push(RawChange::new(K::EnumValueAdded, path, None, None, blank)),
        (true, false) => out.push(RawChange::new(K::EnumValueRemoved, path, None, blank, None)),
        _ => {}
    }
}

/// The constraint changes of a value at `path`; those of its items (an array's items, a map's
/// values) are reported at `items_path`.
pub(super) fn compare_constraints(
    path: &str,
    items_path: &str,
    a: &Constraints,
    b: &Constraints,
    out: &mut Vec<RawChange>,
) {
    let mut push = |kind, old: Option<String>, new: Option<String>, bound| {
        let mut change = RawChange::new(kind, path, None, old, new);
        change.bound = Some(bound);
        out.push(change);
    };
    // Numeric bounds: (value, exclusive).
    let lower = |c: &Constraints| c.minimum.clone().map(|v| (v, c.exclusive_minimum));
    let upper = |c: &Constraints| c.maximum.clone().map(|v| (v, c.exclusive_maximum));
    if let Some(bound) = number_bound(lower(a), lower(b), Ordering::Greater) {
        let show = |c: &Constraints| lower(c).map(|(v, x)| bound_text(&v, x, ">"));
        push(K::MinimumChanged, show(a), show(b), bound);
    }
    if let Some(bound) = number_bound(upper(a), upper(b), Ordering::Less) {
        let show = |c: &Constraints| upper(c).map(|(v, x)| bound_text(&v, x, "<"));
        push(K::MaximumChanged, show(a), show(b), bound);
    }
    for (kind, old, new, narrower) in [
        (
            K::MinLengthChanged,
            a.min_length,
            b.min_length,
            Ordering::Greater,
        ),
        (
            K::MaxLengthChanged,
            a.max_length,
            b.max_length,
            Ordering::Less,
        ),
        (
            K::MinItemsChanged,
            a.min_items,
            b.min_items,
            Ordering::Greater,
        ),
        (K::MaxItemsChanged, a.max_items, b.max_items, Ordering::Less),
    ] {
        let bound = match (old, new) {
            (None, Some(_)) => Some(Bound::Set),
            (Some(_), None) => Some(Bound::Unset),
            (Some(x), Some(y)) => direction(y.cmp(&x), narrower),
            (None, None) => None,
        };
        if let Some(bound) = bound {
            push(
                kind,
                old.map(|v| v.to_string()),
                new.map(|v| v.to_string()),
                bound,
            );
        }
    }
    let text = |v: &Option<serde_json::Number>| v.as_ref().map(ToString::to_string);
    for (kind, old, new) in [
        (K::PatternChanged, a.pattern.clone(), b.pattern.clone()),
        (
            K::MultipleOfChanged,
            text(&a.multiple_of),
            text(&b.multiple_of),
        ),
    ] {
        let bound = match (&old, &new) {
            (None, Some(_)) => Bound::Set,
            (Some(_), None) => Bound::Unset,
            (Some(x), Some(y)) if x != y => Bound::Replaced,
            _ => continue,
        };
        push(kind, old, new, bound);
    }
    let empty = Constraints::default();
    let (ia, ib) = (
        a.items.as_deref().unwrap_or(&empty),
        b.items.as_deref().unwrap_or(&empty),
    );
    if ia != ib {
        let nested = format!("{items_path}[]");
        compare_constraints(items_path, &nested, ia, ib, out);
    }
}

/// How a numeric bound changed; `narrower` is the ordering of new against old that allows
/// fewer values (`Greater` for a minimum, `Less` for a maximum).
fn number_bound(
    old: Option<(serde_json::Number, bool)>,
    new: Option<(serde_json::Number, bool)>,
    narrower: Ordering,
) -> Option<Bound> {
    match (old, new) {
        (None, None) => None,
        (None, Some(_)) => Some(Bound::Set),
        (Some(_), None) => Some(Bound::Unset),
        (Some((a, xa)), Some((b, xb))) => match compare_numbers(&b, &a) {
            // Same value: only exclusiveness can differ; exclusive allows fewer values.
            Some(Ordering::Equal) => direction(xb.cmp(&xa), Ordering::Greater),
            Some(order) => direction(order, narrower),
            None => Some(Bound::Replaced),
        },
    }
}

/// Narrowed when `order` (new against old) is `narrower`, widened when it is the reverse.
fn direction(order: Ordering, narrower: Ordering) -> Option<Bound> {
    match order {
        Ordering::Equal => None,
        o if o == narrower => Some(Bound::Narrowed),
        _ => Some(Bound::Widened),
    }
}

/// Numbers compared exactly when both are integers, else as floating point.
fn compare_numbers(a: &serde_json::Number, b: &serde_json::Number) -> Option<Ordering> {
    match (a.as_i64(), b.as_i64(), a.as_u64(), b.as_u64()) {
        (Some(x), Some(y), _, _) => Some(x.cmp(&y)),
        (_, _, Some(x), Some(y)) => Some(x.cmp(&y)),
        (Some(_), None, _, Some(_)) => Some(Ordering::Less),
        (None, Some(_), Some(_), _) => Some(Ordering::Greater),
        _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

/// `10`, or `> 0` / `< 10` for an exclusive bound.
fn bound_text(v: &serde_json::Number, exclusive: bool, sign: &str) -> String {
    if exclusive {
        format!("{sign} {v}")
    } else {
        v.to_string()
    }
}

fn compare_enums(path: &str, a: &EnumTy, b: &EnumTy, out: &mut Vec<RawChange>) {
    let old: BTreeSet<&EnumValue> = a.values.iter().collect();
    let new: BTreeSet<&EnumValue> = b.values.iter().collect();
    for v in b.values.iter().filter(|v| !old.contains(v)) {
        out.push(RawChange::new(
            K::EnumValueAdded,
            path,
            None,
            None,
            Some(enum_value(v)),
        ));
    }
    for v in a.values.iter().filter(|v| !new.contains(v)) {
        out.push(RawChange::new(
            K::EnumValueRemoved,
            path,
            None,
            Some(enum_value(v)),
            None,
        ));
    }
}

/// A changed optional text (`None` and empty count as the same: no text).
pub(super) fn text_change(old: &Option<String>, new: &Option<String>) -> Option<(String, String)> {
    let a = old.as_deref().unwrap_or("");
    let b = new.as_deref().unwrap_or("");
    (a != b).then(|| (a.to_owned(), b.to_owned()))
}

/// A changed optional JSON value, printed compactly (`null` when absent).
pub(super) fn json_change(
    old: Option<&serde_json::Value>,
    new: Option<&serde_json::Value>,
) -> Option<(String, String)> {
    (old != new).then(|| (json_text(old), json_text(new)))
}

pub(super) fn json_text(v: Option<&serde_json::Value>) -> String {
    v.map_or_else(|| "null".to_owned(), |v| v.to_string())
}
