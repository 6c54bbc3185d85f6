//! Which Rust type each spec type becomes, and what the planner needs to know about the named
//! types to decide it (aliases, cycles, uses).
//!
//! Formats map to the types users expect: `uuid` -> `Uuid`, `date-time` -> `DateTime`,
//! `date` -> `Date`, `decimal` -> `Decimal` (and `number` in responses, which the server sends
//! as strings as often as numbers), `binary` -> `FileUpload` in requests. `uri` stays a
//! `String`: the server sends `""` for URLs. Responses wrap every value in `Lenient`, requests
//! are strict.

use std::collections::{BTreeMap, BTreeSet};

use crate::Diagnostic;
use crate::ir::{Api, EnumValue, Scalar, Span, Ty, TypeDef};

use super::{Lenient, RustTy};

/// Where a type is used: it decides leniency and some scalar types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ctx {
    Request,
    Response,
    /// Path and query parameters.
    Param,
}

/// The named types of an API, analysed once.
pub struct Types<'a> {
    pub api: &'a Api,
    /// Rust identifier of each named type.
    pub idents: BTreeMap<String, String>,
    /// For each named type, the named types reachable from it (transitively).
    reach: BTreeMap<String, BTreeSet<String>>,
}

impl<'a> Types<'a> {
    pub fn new(api: &'a Api, idents: BTreeMap<String, String>) -> Types<'a> {
        let direct: BTreeMap<&String, BTreeSet<String>> = api
            .types
            .iter()
            .map(|(name, def)| {
                let mut refs = BTreeSet::new();
                def_refs(def, &mut refs);
                (name, refs)
            })
            .collect();
        let reach = direct
            .keys()
            .map(|&start| {
                let mut seen = BTreeSet::new();
                let mut stack: Vec<&String> = direct[start].iter().collect();
                while let Some(n) = stack.pop() {
                    if seen.insert(n.clone())
                        && let Some(next) = direct.get(n)
                    {
                        stack.extend(next.iter());
                    }
                }
                (start.clone(), seen)
            })
            .collect();
        Types { api, idents, reach }
    }

    /// Named types reachable from `name` (transitively).
    pub fn reachable(&self, name: &str) -> &BTreeSet<String> {
        static EMPTY: BTreeSet<String> = BTreeSet::new();
        self.reach.get(name).unwrap_or(&EMPTY)
    }

    /// Follows aliases to the type they name.
    pub fn resolve<'t>(&'t self, ty: &'t Ty) -> &'t Ty {
        let mut ty = ty;
        for _ in 0..64 {
            match ty {
                Ty::Ref { name } => match self.api.types.get(name) {
                    Some(TypeDef::Alias { ty: inner, .. }) => ty = inner,
                    _ => return ty,
                },
                _ => return ty,
            }
        }
        ty
    }

    /// The definition a type resolves to, if it is a named object or enum.
    pub fn def_of(&self, ty: &Ty) -> Option<(&'a str, &'a TypeDef)> {
        match self.resolve(ty) {
            Ty::Ref { name } => self
                .api
                .types
                .get_key_value(name)
                .map(|(k, d)| (k.as_str(), d)),
            _ => None,
        }
    }

    /// Whether a field of `owner` that refers to `target` closes a cycle and must be boxed.
    fn is_recursive(&self, owner: &str, target: &str) -> bool {
        owner == target || self.reach.get(target).is_some_and(|r| r.contains(owner))
    }

    /// The Rust type of a value of `ty` used in `ctx`, inside `owner` (for boxing cycles).
    /// Inline objects and enums cannot reach here after the passes; if one does, it is a bug
    /// of the passes, reported as an error diagnostic (never silently `serde_json::Value`).
    pub fn rust(
        &self,
        ty: &Ty,
        ctx: Ctx,
        owner: Option<&str>,
        span: &Span,
        diags: &mut Vec<Diagnostic>,
    ) -> RustTy {
        // An alias of a named type keeps its own name, so signatures show the spec's name
        // even when the shape is shared.
        if let Ty::Ref { name } = ty
            && let Some(TypeDef::Alias {
                ty: Ty::Ref { name: target },
                ..
            }) = self.api.types.get(name)
        {
            return self.named(name, owner.is_some_and(|o| self.is_recursive(o, target)));
        }
        match self.resolve(ty) {
            Ty::Scalar { scalar } => scalar_type(scalar, ctx),
            Ty::Any => RustTy::Json,
            Ty::Array { items } => {
                let inner = self.rust(items, ctx, owner, span, diags);
                RustTy::Vec(Box::new(inner), lenient(ctx))
            }
            Ty::Map { values } => {
                let inner = self.rust(values, ctx, owner, span, diags);
                RustTy::Map(Box::new(inner), lenient(ctx))
            }
            Ty::Ref { name } => {
                if !self.api.types.contains_key(name) {
                    diags.push(Diagnostic::new(
                        span.clone(),
                        format!("internal error: reference to unknown type `{name}`"),
                    ));
                    return RustTy::Json;
                }
                self.named(name, owner.is_some_and(|o| self.is_recursive(o, name)))
            }
            Ty::OneOf { variants } => self.one_of(variants, ctx, owner, span, diags),
            Ty::Object { .. } | Ty::Enum { .. } => {
                diags.push(Diagnostic::new(
                    span.clone(),
                    "internal error: an inline object or enum was left after the naming passes"
                        .to_string(),
                ));
                RustTy::Json
            }
        }
    }

    fn named(&self, name: &str, boxed: bool) -> RustTy {
        RustTy::Named {
            ident: self
                .idents
                .get(name)
                .cloned()
                .unwrap_or_else(|| name.to_string()),
            boxed,
        }
    }

    /// `oneOf`: enums joined with blank/null enums or plain strings become the main enum (the
    /// joined values are variants of it, see [`enum_union_values`]; other strings land in its
    /// `Unknown` variant); strings of several formats (`ipv4 | ipv6`) are a `String`; anything
    /// else is any JSON value, with a warning saying so.
    fn one_of(
        &self,
        variants: &[Ty],
        ctx: Ctx,
        owner: Option<&str>,
        span: &Span,
        diags: &mut Vec<Diagnostic>,
    ) -> RustTy {
        if let Some(main) = enum_union_main(self, variants) {
            return self.rust(&Ty::Ref { name: main }, ctx, owner, span, diags);
        }
        let is_string = |v: &Ty| {
            matches!(
                self.resolve(v),
                Ty::Scalar {
                    scalar: Scalar::String { .. }
                }
            )
        };
        if !variants.is_empty() && variants.iter().all(is_string) {
            return RustTy::String;
        }
        let shown: Vec<String> = variants.iter().map(describe).collect();
        diags.push(Diagnostic::warning(
            span.clone(),
            format!(
                "one of {} has no Rust type of its own: it is decoded as any JSON value",
                shown.join(" | ")
            ),
        ));
        RustTy::Json
    }
}

fn lenient(ctx: Ctx) -> Lenient {
    match ctx {
        Ctx::Response => Lenient::Yes,
        Ctx::Request | Ctx::Param => Lenient::No,
    }
}

fn scalar_type(s: &Scalar, ctx: Ctx) -> RustTy {
    match s {
        Scalar::String { format } => match format.as_deref() {
            Some("uuid") => RustTy::Uuid,
            Some("date-time") => RustTy::DateTime,
            Some("date") => RustTy::Date,
            Some("decimal") => RustTy::Decimal,
            Some("binary") if ctx == Ctx::Request => RustTy::FileUpload,
            _ => RustTy::String,
        },
        // `integer (uri)` is an upstream schema quirk on a few path params; still an integer.
        Scalar::Integer { .. } => RustTy::I64,
        Scalar::Number { .. } => match ctx {
            Ctx::Response => RustTy::Decimal,
            Ctx::Request | Ctx::Param => RustTy::F64,
        },
        Scalar::Boolean => RustTy::Bool,
    }
}

/// Every named type a type expression refers to directly.
pub fn collect_refs(ty: &Ty, out: &mut BTreeSet<String>) {
    match ty {
        Ty::Ref { name } => {
            out.insert(name.clone());
        }
        Ty::Array { items } => collect_refs(items, out),
        Ty::Map { values } => collect_refs(values, out),
        Ty::OneOf { variants } => variants.iter().for_each(|v| collect_refs(v, out)),
        Ty::Object { object } => {
            for f in &object.fields {
                collect_refs(&f.ty, out);
            }
            if let Some(a) = &object.additional {
                collect_refs(a, out);
            }
        }
        Ty::Scalar { .. } | Ty::Any | Ty::Enum { .. } => {}
    }
}

fn def_refs(def: &TypeDef, out: &mut BTreeSet<String>) {
    match def {
        TypeDef::Object(o) => {
            for f in &o.fields {
                collect_refs(&f.ty, out);
            }
            if let Some(a) = &o.additional {
                collect_refs(a, out);
            }
        }
        TypeDef::Alias { ty, .. } => collect_refs(ty, out),
        TypeDef::Enum(_) => {}
    }
}

/// A short human description of a type for rustdoc (`string (uuid)`, `array of OpenStackVolume`).
pub fn describe(ty: &Ty) -> String {
    match ty {
        Ty::Scalar { scalar } => {
            let (base, format) = match scalar {
                Scalar::String { format } => ("string", format),
                Scalar::Integer { format } => ("integer", format),
                Scalar::Number { format } => ("number", format),
                Scalar::Boolean => ("boolean", &None),
            };
            match format {
                Some(f) => format!("{base} ({f})"),
                None => base.to_string(),
            }
        }
        Ty::Any => "any JSON value".to_string(),
        Ty::Array { items } => format!("array of {}", describe(items)),
        Ty::Map { values } => format!("map of {}", describe(values)),
        Ty::Object { .. } => "object".to_string(),
        Ty::Enum { .. } => "enum".to_string(),
        Ty::Ref { name } => format!("`{name}`"),
        Ty::OneOf { variants } => variants
            .iter()
            .map(describe)
            .collect::<Vec<_>>()
            .join(" | "),
    }
}

/// Values that join another enum in a `oneOf` without being a type of their own: the blank
/// string (`BlankEnum`) and `null` (`NullEnum`, or `null` as a value).
fn is_blank_or_null_enum(values: &[EnumValue]) -> bool {
    !values.is_empty()
        && values
            .iter()
            .all(|v| matches!(v, EnumValue::Str(s) if s.is_empty()))
}

/// For a `oneOf` of one string enum (after aliases) with enums that hold only the blank value,
/// `any` (a `null`-only schema) or plain strings: the name of the one real enum.
pub fn enum_union_main(types: &Types, variants: &[Ty]) -> Option<String> {
    let mut main = None;
    for v in variants {
        match types.resolve(v) {
            Ty::Ref { name } => match types.api.types.get(name) {
                Some(TypeDef::Enum(e)) if is_blank_or_null_enum(&e.values) => {}
                Some(TypeDef::Enum(e))
                    if main.is_none()
                        && e.values.iter().all(|v| matches!(v, EnumValue::Str(_))) =>
                {
                    main = Some(name.clone())
                }
                _ => return None,
            },
            // `NullEnum` (`enum: [null]`) reads as an alias of any JSON value.
            Ty::Any => {}
            Ty::Scalar {
                scalar: Scalar::String { format: None },
            } => {}
            _ => return None,
        }
    }
    main
}

/// The values an enum has beyond its own list, per enum: the blank `""` of every use marked
/// `blank` (a choice field with `blank=True`: the spec's `oneOf: [XEnum, BlankEnum]`), and the
/// values other enums add through `oneOf` unions. `""` is then a variant, never `Unknown`.
pub fn enum_union_values(types: &Types) -> BTreeMap<String, Vec<EnumValue>> {
    let mut out: BTreeMap<String, Vec<EnumValue>> = BTreeMap::new();
    let mut blank = |ty: &Ty| {
        let mut ty = types.resolve(ty);
        loop {
            match ty {
                Ty::Array { items } => ty = types.resolve(items),
                Ty::Map { values } => ty = types.resolve(values),
                _ => break,
            }
        }
        if let Ty::Ref { name } = ty
            && let Some(TypeDef::Enum(e)) = types.api.types.get(name)
        {
            let blank = EnumValue::Str(String::new());
            let values = out.entry(name.clone()).or_default();
            if !e.values.contains(&blank) && !values.contains(&blank) {
                values.push(blank);
            }
        }
    };
    for op in &types.api.operations {
        for p in op.params.iter().filter(|p| p.blank) {
            blank(&p.ty);
        }
    }
    for def in types.api.types.values() {
        if let TypeDef::Object(o) = def {
            for f in o.fields.iter().filter(|f| f.blank) {
                blank(&f.ty);
            }
        }
    }
    let mut visit = |ty: &Ty| {
        let mut stack = vec![ty];
        while let Some(ty) = stack.pop() {
            match ty {
                Ty::OneOf { variants } => {
                    if let Some(main) = enum_union_main(types, variants) {
                        for v in variants {
                            if let Ty::Ref { name } = types.resolve(v)
                                && let Some(TypeDef::Enum(e)) = types.api.types.get(name)
                                && *name != main
                            {
                                let values = out.entry(main.clone()).or_default();
                                for value in &e.values {
                                    if !values.contains(value) {
                                        values.push(value.clone());
                                    }
                                }
                            }
                        }
                    }
                    stack.extend(variants.iter());
                }
                Ty::Array { items } => stack.push(items),
                Ty::Map { values } => stack.push(values),
                _ => {}
            }
        }
    };
    for op in &types.api.operations {
        for p in &op.params {
            visit(&p.ty);
        }
        if let Some(b) = &op.body {
            visit(&b.ty);
        }
        for r in &op.responses {
            if let crate::ir::ResponseBody::Json { ty } | crate::ir::ResponseBody::NdJson { ty } =
                &r.body
            {
                visit(ty);
            }
        }
    }
    for def in types.api.types.values() {
        match def {
            TypeDef::Object(o) => {
                for f in &o.fields {
                    visit(&f.ty);
                }
            }
            TypeDef::Alias { ty, .. } => visit(ty),
            TypeDef::Enum(_) => {}
        }
    }
    out
}
