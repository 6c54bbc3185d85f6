//! IR types -> Rust type tokens, for the two contexts a type can be used in.
//!
//! Responses decode leniently: every field is a `Lenient<T>` and collections hold `Lenient`
//! elements, because the real server sends nulls, `""` and wrong types where the spec promises
//! otherwise. Requests serialise strictly: plain types, so the compiler checks what is sent.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Api, Scalar, Ty, TypeDef};

use super::names;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ctx {
    Request,
    Response,
}

/// What the emitters know about the named types of an API.
pub struct TypeTable<'a> {
    pub api: &'a Api,
    /// Rust identifier of each named type.
    idents: BTreeMap<String, String>,
    /// For each object type, the named types reachable from its fields (for boxing cycles).
    reach: BTreeMap<String, BTreeSet<String>>,
}

impl<'a> TypeTable<'a> {
    pub fn new(api: &'a Api) -> TypeTable<'a> {
        let mut scope = names::Scope::new();
        let idents = api
            .types
            .keys()
            .map(|name| (name.clone(), scope.claim(names::camel_ident(name))))
            .collect();
        let direct: BTreeMap<String, BTreeSet<String>> = api
            .types
            .iter()
            .map(|(name, def)| {
                let mut refs = BTreeSet::new();
                match def {
                    TypeDef::Object(o) => {
                        for f in &o.fields {
                            collect_refs(&f.ty, &mut refs);
                        }
                        if let Some(a) = &o.additional {
                            collect_refs(a, &mut refs);
                        }
                    }
                    TypeDef::Alias { ty, .. } => collect_refs(ty, &mut refs),
                    TypeDef::Enum(_) => {}
                }
                (name.clone(), refs)
            })
            .collect();
        // Transitive closure by a walk from each type; the graph is small (one node per type).
        let reach = direct
            .keys()
            .map(|start| {
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
        TypeTable { api, idents, reach }
    }

    pub fn ident(&self, name: &str) -> proc_macro2::Ident {
        format_ident!(
            "{}",
            self.idents.get(name).map(String::as_str).unwrap_or(name)
        )
    }

    /// Named types reachable from the fields of `name` (transitively).
    pub fn reachable(&self, name: &str) -> &BTreeSet<String> {
        static EMPTY: BTreeSet<String> = BTreeSet::new();
        self.reach.get(name).unwrap_or(&EMPTY)
    }

    /// Whether a field of `owner` that refers to `target` closes a cycle and must be boxed.
    pub fn is_recursive(&self, owner: &str, target: &str) -> bool {
        self.reach.get(target).is_some_and(|r| r.contains(owner))
    }

    /// Follows aliases to the type they name.
    pub fn resolve<'t>(&'t self, ty: &'t Ty) -> &'t Ty {
        let mut ty = ty;
        for _ in 0..32 {
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

    /// The Rust type of a value of `ty` (inside `Lenient<...>` for response fields).
    /// `owner` is the type holding the field, for boxing recursive references.
    pub fn rust(&self, ty: &Ty, ctx: Ctx, owner: Option<&str>) -> TokenStream {
        // An alias of a named type is a `pub type`: keep its name, so signatures show the
        // spec's name (`PatchedOpenStackVolumeRequest`) even when the shape is shared.
        if let Ty::Ref { name } = ty
            && let Some(TypeDef::Alias {
                ty: Ty::Ref { name: target },
                ..
            }) = self.api.types.get(name)
        {
            let ident = self.ident(name);
            return if owner.is_some_and(|o| self.is_recursive(o, target) || o == target) {
                quote!(Box<#ident>)
            } else {
                quote!(#ident)
            };
        }
        match self.resolve(ty) {
            Ty::Scalar { scalar } => scalar_type(scalar, ctx),
            Ty::Any | Ty::OneOf { .. } | Ty::Object { .. } | Ty::Enum { .. } => {
                quote!(serde_json::Value)
            }
            Ty::Array { items } => {
                let inner = self.element(items, ctx, owner);
                quote!(Vec<#inner>)
            }
            Ty::Map { values } => {
                let inner = self.element(values, ctx, owner);
                quote!(std::collections::BTreeMap<String, #inner>)
            }
            Ty::Ref { name } => {
                let ident = self.ident(name);
                if owner.is_some_and(|o| self.is_recursive(o, name)) {
                    quote!(Box<#ident>)
                } else {
                    quote!(#ident)
                }
            }
        }
    }

    /// Element of a collection: lenient in responses (arrays really contain `null`).
    fn element(&self, ty: &Ty, ctx: Ctx, owner: Option<&str>) -> TokenStream {
        let inner = self.rust(ty, ctx, owner);
        match ctx {
            Ctx::Response => quote!(crate::runtime::Lenient<#inner>),
            Ctx::Request => inner,
        }
    }
}

fn scalar_type(s: &Scalar, ctx: Ctx) -> TokenStream {
    match s {
        Scalar::String { format } => match (format.as_deref(), ctx) {
            (Some("decimal"), Ctx::Response) => quote!(crate::runtime::Decimal),
            (Some("binary"), Ctx::Request) => quote!(crate::runtime::FileUpload),
            _ => quote!(String),
        },
        // `integer (uri)` is an upstream schema quirk on a few path params; still an integer.
        Scalar::Integer { .. } => quote!(i64),
        Scalar::Number { .. } => quote!(f64),
        Scalar::Boolean => quote!(bool),
    }
}

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
        }
        Ty::Scalar { .. } | Ty::Any | Ty::Enum { .. } => {}
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
