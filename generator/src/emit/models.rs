//! Named IR types -> Rust structs, enums and aliases.
//!
//! Response models: every field is `Lenient<T>` (absent, null, valid, or kept raw when it does
//! not match), unknown keys are kept in `extra`, and decoding goes through the runtime's
//! one-pass `LenientModel` loop. Request models: required fields are plain, optional fields are
//! `Option<T>` (skipped when unset) or, in PATCH bodies and nullable fields, `Nullable<T>`, so
//! `null` is only sent when the caller asks for it. Enums keep unknown values.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{EnumTy, EnumValue, Field, ObjectTy, Scalar, Ty, TypeDef};

use super::docs::doc_attrs;
use super::names::{self, Scope};
use super::types::{Ctx, TypeTable, describe};

/// How the emitters use a named type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TypeUse {
    pub request: bool,
    pub response: bool,
    /// Used as the body of a PATCH operation: optional fields get three states.
    pub patch: bool,
    /// Sent as `multipart/form-data`: the model also lists its fields as form parts.
    pub multipart: bool,
}

pub fn emit_type(table: &TypeTable, name: &str, def: &TypeDef, usage: TypeUse) -> TokenStream {
    match def {
        TypeDef::Object(o) if usage.response || !usage.request => response_struct(table, name, o),
        TypeDef::Object(o) => {
            let st = request_struct(table, name, o, usage.patch);
            let parts = usage
                .multipart
                .then(|| multipart_impl(table, name, o, usage.patch));
            quote!(#st #parts)
        }
        TypeDef::Enum(e) => enum_type(table, name, e),
        TypeDef::Alias { ty, description } => {
            let ident = table.ident(name);
            let ctx = if usage.response || !usage.request {
                Ctx::Response
            } else {
                Ctx::Request
            };
            let target = table.rust(ty, ctx, None);
            let docs = doc_attrs(&[description
                .clone()
                .unwrap_or_else(|| format!("`{name}`: {}.", describe(ty)))]);
            quote! { #docs pub type #ident = #target; }
        }
    }
}

struct FieldOut {
    ident: proc_macro2::Ident,
    wire: String,
    field: Field,
}

fn field_idents(fields: &[Field], reserved: &[&str]) -> Vec<FieldOut> {
    let mut scope = Scope::new();
    for r in reserved {
        scope.reserve(r);
    }
    fields
        .iter()
        .map(|f| FieldOut {
            ident: format_ident!("{}", scope.claim(names::snake_ident(&f.name))),
            wire: f.name.clone(),
            field: f.clone(),
        })
        .collect()
}

fn field_docs(f: &Field) -> TokenStream {
    let mut parts = Vec::new();
    if let Some(d) = &f.description {
        parts.push(d.clone());
    }
    let mut facts = vec![format!("Wire name `{}`, {}", f.name, describe(&f.ty))];
    if f.required {
        facts.push("required".into());
    }
    if f.read_only {
        facts.push("read-only".into());
    }
    if f.write_only {
        facts.push("write-only".into());
    }
    if f.nullable {
        facts.push("nullable".into());
    }
    if let Some(d) = &f.default {
        facts.push(format!("default `{d}`"));
    }
    parts.push(format!("{}.", facts.join(", ")));
    doc_attrs(&parts)
}

fn type_docs(name: &str, description: &Option<String>, what: &str) -> TokenStream {
    match description {
        Some(d) if !d.trim().is_empty() => doc_attrs(&[d.as_str()]),
        _ => doc_attrs(&[format!("`{name}` {what}.")]),
    }
}

fn response_struct(table: &TypeTable, name: &str, o: &ObjectTy) -> TokenStream {
    let ident = table.ident(name);
    let docs = type_docs(name, &o.description, "(response model)");
    let fields = field_idents(&o.fields, &["extra"]);
    let decls = fields.iter().map(|f| {
        let FieldOut { ident, wire, field } = f;
        let ty = table.rust(&field.ty, Ctx::Response, Some(name));
        let docs = field_docs(field);
        let rename = (*ident != wire).then(|| quote!(rename = #wire,));
        quote! {
            #docs
            #[serde(#rename skip_serializing_if = "crate::runtime::Lenient::is_absent")]
            pub #ident: crate::runtime::Lenient<#ty>,
        }
    });
    let arms = fields.iter().map(|f| {
        let FieldOut { ident, wire, .. } = f;
        quote!(#wire => self.#ident = map.next_value()?,)
    });
    let name_lit = name;
    // A model with no documented fields keeps everything in `extra`.
    let decode_body = if fields.is_empty() {
        quote! {
            let _ = (key, map);
            Ok(false)
        }
    } else {
        quote! {
            match key {
                #(#arms)*
                _ => return Ok(false),
            }
            Ok(true)
        }
    };
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
        pub struct #ident {
            #(#decls)*
            /// Keys the spec does not describe, kept verbatim so that re-encoding loses nothing.
            #[serde(flatten)]
            pub extra: crate::runtime::Extra,
        }

        impl crate::runtime::LenientModel for #ident {
            const NAME: &'static str = #name_lit;
            fn decode_field<'de, A: serde::de::MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
                #decode_body
            }
            fn extra_mut(&mut self) -> &mut crate::runtime::Extra {
                &mut self.extra
            }
        }

        impl<'de> serde::Deserialize<'de> for #ident {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::deserialize_model(deserializer)
            }
        }

        impl crate::runtime::FromJson for #ident {
            const ACCEPTS_MAP: bool = true;
            fn from_map<'de, A: serde::de::MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
                crate::runtime::model_from_map(map)
            }
        }
    }
}

fn request_struct(table: &TypeTable, name: &str, o: &ObjectTy, patch: bool) -> TokenStream {
    let ident = table.ident(name);
    let docs = type_docs(name, &o.description, "(request model)");
    let fields = field_idents(&o.fields, &["extra"]);
    let all_optional = fields.iter().all(|f| !f.field.required);
    let decls = fields.iter().map(|f| {
        let FieldOut { ident, wire, field } = f;
        let ty = table.rust(&field.ty, Ctx::Request, Some(name));
        let docs = field_docs(field);
        let rename = (*ident != wire).then(|| quote!(rename = #wire));
        if field.required {
            let attr = rename.map(|r| quote!(#[serde(#r)]));
            quote! { #docs #attr pub #ident: #ty, }
        } else if patch || field.nullable {
            let rename = rename.map(|r| quote!(#r,));
            quote! {
                #docs
                #[serde(#rename default, skip_serializing_if = "crate::runtime::Nullable::is_absent")]
                pub #ident: crate::runtime::Nullable<#ty>,
            }
        } else {
            let rename = rename.map(|r| quote!(#r,));
            quote! {
                #docs
                #[serde(#rename default, skip_serializing_if = "Option::is_none")]
                pub #ident: Option<#ty>,
            }
        }
    });
    let derive_default = all_optional.then(|| quote!(Default,));
    let constructor = (!all_optional).then(|| {
        let required: Vec<&FieldOut> = fields.iter().filter(|f| f.field.required).collect();
        let args = required.iter().map(|f| {
            let id = &f.ident;
            let ty = table.rust(&f.field.ty, Ctx::Request, Some(name));
            if is_plain_string(table, &f.field.ty) {
                quote!(#id: impl Into<String>)
            } else {
                quote!(#id: #ty)
            }
        });
        let inits = fields.iter().map(|f| {
            let id = &f.ident;
            if !f.field.required {
                quote!(#id: Default::default())
            } else if is_plain_string(table, &f.field.ty) {
                quote!(#id: #id.into())
            } else {
                quote!(#id)
            }
        });
        let allow = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        quote! {
            impl #ident {
                /// A request with the required fields set and every optional field unset.
                #allow
                pub fn new(#(#args),*) -> Self {
                    Self { #(#inits,)* extra: Default::default() }
                }
            }
        }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #derive_default serde::Serialize, serde::Deserialize)]
        pub struct #ident {
            #(#decls)*
            /// Fields the spec does not describe (yet), sent as given: the server often accepts
            /// more than its documentation says.
            #[serde(flatten)]
            pub extra: std::collections::BTreeMap<String, serde_json::Value>,
        }
        #constructor

        /// Request models decode strictly; this lets one appear inside a response too.
        impl crate::runtime::FromJson for #ident {
            const ACCEPTS_MAP: bool = true;
            fn from_map<'de, A: serde::de::MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
                <Self as serde::Deserialize>::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
    }
}

/// `MultipartBody` for a request model: one part per set field, arrays as repeated parts.
fn multipart_impl(table: &TypeTable, name: &str, o: &ObjectTy, patch: bool) -> TokenStream {
    let ident = table.ident(name);
    let fields = field_idents(&o.fields, &["extra"]);
    let pushes = fields.iter().map(|f| {
        let FieldOut { ident, wire, field } = f;
        let is_array = matches!(table.resolve(&field.ty), Ty::Array { .. });
        let push_one = if is_array {
            quote!(for item in v { parts.push((#wire.to_string(), crate::runtime::multipart_value(item))); })
        } else {
            quote!(parts.push((#wire.to_string(), crate::runtime::multipart_value(v)));)
        };
        if field.required {
            quote!({ let v = &self.#ident; #push_one })
        } else if patch || field.nullable {
            quote!(if let crate::runtime::Nullable::Value(v) = &self.#ident { #push_one })
        } else {
            quote!(if let Some(v) = &self.#ident { #push_one })
        }
    });
    quote! {
        impl crate::runtime::MultipartBody for #ident {
            fn parts(&self) -> Vec<(String, crate::runtime::MultipartValue)> {
                let mut parts = Vec::new();
                #(#pushes)*
                for (k, v) in &self.extra {
                    parts.push((k.clone(), crate::runtime::multipart_value(v)));
                }
                parts
            }
        }
    }
}

fn is_plain_string(table: &TypeTable, ty: &Ty) -> bool {
    match table.resolve(ty) {
        Ty::Scalar {
            scalar: Scalar::String { format },
        } => format.as_deref() != Some("binary"),
        _ => false,
    }
}

fn enum_type(table: &TypeTable, name: &str, e: &EnumTy) -> TokenStream {
    let ident = table.ident(name);
    let docs = type_docs(
        name,
        &e.description,
        "(enum; values the spec does not list are kept in `Unknown`)",
    );
    let is_int = e.values.iter().all(|v| matches!(v, EnumValue::Int(_))) && !e.values.is_empty();
    let mut scope = Scope::new();
    scope.reserve("Unknown");
    let mut seen = BTreeSet::new();
    let variants: Vec<(proc_macro2::Ident, EnumValue)> = e
        .values
        .iter()
        .filter(|v| seen.insert((*v).clone()))
        .map(|v| {
            let raw = match v {
                EnumValue::Int(i) => format!("V{i}").replace('-', "Minus"),
                EnumValue::Str(s) => {
                    // `-created` is a descending ordering: keep that in the name.
                    match s.strip_prefix('-') {
                        Some(rest) => format!("{}Desc", names::camel_ident(rest)),
                        None => names::camel_ident(s),
                    }
                }
            };
            (format_ident!("{}", scope.claim_camel(raw)), v.clone())
        })
        .collect();
    let decls = variants.iter().map(|(id, v)| {
        let doc = match v {
            EnumValue::Int(i) => format!(" `{i}`"),
            EnumValue::Str(s) => format!(" `{s}`"),
        };
        quote!(#[doc = #doc] #id,)
    });
    if is_int {
        let to = variants.iter().map(|(id, v)| {
            let n = match v {
                EnumValue::Int(i) => *i,
                EnumValue::Str(_) => 0,
            };
            quote!(Self::#id => #n,)
        });
        let from = variants.iter().map(|(id, v)| {
            let n = match v {
                EnumValue::Int(i) => *i,
                EnumValue::Str(_) => 0,
            };
            quote!(#n => Self::#id,)
        });
        return quote! {
            #docs
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #[non_exhaustive]
            pub enum #ident {
                #(#decls)*
                /// A value this client does not know yet.
                Unknown(i64),
            }
            impl #ident {
                /// The value on the wire.
                pub fn value(self) -> i64 {
                    match self { #(#to)* Self::Unknown(v) => v }
                }
            }
            impl From<i64> for #ident {
                fn from(v: i64) -> Self {
                    match v { #(#from)* other => Self::Unknown(other) }
                }
            }
            impl std::fmt::Display for #ident {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    write!(f, "{}", self.value())
                }
            }
            impl serde::Serialize for #ident {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_i64(self.value())
                }
            }
            impl<'de> serde::Deserialize<'de> for #ident {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    <i64 as serde::Deserialize>::deserialize(deserializer).map(Self::from)
                }
            }
            impl crate::runtime::FromJson for #ident {
                fn from_i64(v: i64) -> Option<Self> { Some(Self::from(v)) }
                fn from_u64(v: u64) -> Option<Self> { i64::try_from(v).ok().map(Self::from) }
            }
            impl crate::runtime::QueryValue for #ident {
                fn query_value(&self) -> std::borrow::Cow<'_, str> { std::borrow::Cow::Owned(self.value().to_string()) }
            }
        };
    }
    let strs: Vec<String> = variants
        .iter()
        .map(|(_, v)| match v {
            EnumValue::Str(s) => s.clone(),
            EnumValue::Int(i) => i.to_string(),
        })
        .collect();
    let to = variants
        .iter()
        .zip(&strs)
        .map(|((id, _), s)| quote!(Self::#id => #s,));
    let from = variants
        .iter()
        .zip(&strs)
        .map(|((id, _), s)| quote!(#s => Self::#id,));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #ident {
            #(#decls)*
            /// A value this client does not know yet, kept verbatim.
            Unknown(String),
        }
        impl #ident {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self { #(#to)* Self::Unknown(v) => v }
            }
        }
        impl From<&str> for #ident {
            fn from(v: &str) -> Self {
                match v { #(#from)* other => Self::Unknown(other.to_string()) }
            }
        }
        impl std::str::FromStr for #ident {
            type Err = std::convert::Infallible;
            fn from_str(v: &str) -> Result<Self, Self::Err> { Ok(Self::from(v)) }
        }
        impl std::fmt::Display for #ident {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl serde::Serialize for #ident {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for #ident {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(s.as_ref()))
            }
        }
        impl crate::runtime::FromJson for #ident {
            fn from_str(v: &str) -> Option<Self> { Some(Self::from(v)) }
        }
        impl crate::runtime::QueryValue for #ident {
            fn query_value(&self) -> std::borrow::Cow<'_, str> { std::borrow::Cow::Borrowed(self.as_str()) }
        }
    }
}
