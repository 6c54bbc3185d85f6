//! Planned types -> Rust structs, enums and aliases.
//!
//! Response models: every field is `Lenient<T>` (absent, null, valid, or kept raw when it does
//! not match), unknown keys are kept in `extra`, decoding goes through the runtime's one-pass
//! `LenientModel` loop, and each field has an accessor returning `Option<&T>` (or `Option<T>`
//! for `Copy` types). Their trait impls (`LenientModel`, `Serialize`, `Debug`, `Deserialize`,
//! `FromJson`) come from one invocation of the runtime's `response_model!` macro, which lists
//! each field with its wire name. Request models: required fields are plain, optional ones `Nullable<T>`
//! (absent, explicit `null`, or a value). Enums keep unknown values.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::plan::{
    Access, Constructor, EnumPlan, FieldPlan, Presence, RequestModel, ResponseModel, RustTy,
    TypeKind, TypePlan,
};
use crate::ir::EnumValue;
// Interpolated, a runtime name prints its path: `#Error` is `runtime::Error`.
use crate::emit::runtime_api::rt::{
    self, Error, Extra, FromJson, Inspect, Inspector, MultipartBody, MultipartValue, QueryValue,
    RequestFields, missing_field, multipart_value, string_or_integer,
};

use super::docs::doc_attrs;
use super::tokens::{arg, arg_into, element, ident, ty};

/// The items of one planned type. `name` is the type's name in the spec (for messages).
pub fn render_type(name: &str, plan: &TypePlan) -> TokenStream {
    match &plan.kind {
        TypeKind::Response(m) => response_model(name, plan, m),
        TypeKind::Request(m) => request_model(name, plan, m),
        TypeKind::Enum(e) => enum_type(name, plan, e),
        TypeKind::Alias { target, spec_type } => {
            let id = ident(&plan.ident);
            let target = ty(target);
            let docs = type_docs(name, plan, spec_type);
            quote! { #docs pub type #id = #target; }
        }
    }
}

fn type_docs(name: &str, plan: &TypePlan, what: &str) -> TokenStream {
    match &plan.description {
        Some(d) if !d.trim().is_empty() => doc_attrs(&[d.as_str()]),
        _ => doc_attrs(&[format!("`{name}`: {what}.")]),
    }
}

fn field_docs(f: &FieldPlan) -> TokenStream {
    let mut parts = Vec::new();
    if let Some(d) = &f.description {
        parts.push(d.clone());
    }
    let mut facts = Vec::new();
    if f.wire != f.ident {
        facts.push(format!("Wire name `{}`", f.wire));
    }
    facts.push(format!("`{}`", f.spec_type));
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

fn response_model(name: &str, plan: &TypePlan, m: &ResponseModel) -> TokenStream {
    let id = ident(&plan.ident);
    let docs = type_docs(name, plan, "response model");
    let extra = ident(&m.extra);
    let decls = m.fields.iter().map(|f| {
        let fid = ident(&f.ident);
        let t = ty(&f.ty);
        let docs = field_docs(f);
        quote! {
            #docs
            pub #fid: Lenient<#t>,
        }
    });
    let accessors = m.fields.iter().map(accessor);
    let fields = m.fields.iter().map(|f| {
        let fid = ident(&f.ident);
        let wire = &f.wire;
        quote!(#fid(#wire))
    });
    let accessor_impl = (!m.fields.is_empty()).then(|| quote! { impl #id { #(#accessors)* } });
    // The runtime's `response_model!` (this function has its name).
    let impls = rt::response_model;
    quote! {
        #docs
        #[derive(Clone, PartialEq, Default)]
        pub struct #id {
            #(#decls)*
            /// Keys the spec does not describe, kept verbatim so that re-encoding loses nothing.
            pub #extra: #Extra,
        }

        #accessor_impl

        #impls! { #id, #name, #extra, [#(#fields),*] }
    }
}

/// `pub fn size(&self) -> Option<i64>`: the value when it arrived valid.
fn accessor(f: &FieldPlan) -> TokenStream {
    let fid = ident(&f.ident);
    let name = ident(&f.accessor);
    let doc = format!(" `{}` when present and valid.", f.wire);
    // One inherent `Lenient` method per accessor, no closure: thousands of these are
    // type-checked in a whole-API crate.
    let (ret, body) = match (&f.access, &f.ty) {
        (Access::Copied, t) => {
            let t = ty(t);
            (quote!(Option<#t>), quote!(self.#fid.copied()))
        }
        (Access::Str, _) => (quote!(Option<&str>), quote!(self.#fid.as_str())),
        (Access::Slice, RustTy::Vec(item, lenient)) => {
            let elem = element(item, *lenient);
            (quote!(Option<&[#elem]>), quote!(self.#fid.as_slice()))
        }
        (
            _,
            RustTy::Named {
                ident: n,
                boxed: true,
            },
        ) => {
            let t = ident(n);
            (quote!(Option<&models::#t>), quote!(self.#fid.as_deref()))
        }
        (_, t) => {
            let t = ty(t);
            (quote!(Option<&#t>), quote!(self.#fid.get()))
        }
    };
    quote! {
        #[doc = #doc]
        #[inline]
        pub fn #name(&self) -> #ret {
            #body
        }
    }
}

fn request_model(name: &str, plan: &TypePlan, m: &RequestModel) -> TokenStream {
    let id = ident(&plan.ident);
    let docs = type_docs(name, plan, "request model");
    let extra = ident(&m.extra);
    let decls = m.fields.iter().map(|f| {
        let fid = ident(&f.ident);
        let wire = &f.wire;
        let t = ty(&f.ty);
        let docs = field_docs(f);
        let rename = (f.ident != f.wire).then(|| quote!(rename = #wire));
        match f.presence {
            Presence::Required | Presence::Lenient => {
                let attr = rename.map(|r| quote!(#[serde(#r)]));
                quote! { #docs #attr pub #fid: #t, }
            }
            Presence::RequiredNullable => {
                let attr = rename.map(|r| quote!(#[serde(#r)]));
                quote! { #docs #attr pub #fid: Option<#t>, }
            }
            Presence::Optional => {
                let rename = rename.map(|r| quote!(#r,));
                quote! {
                    #docs
                    #[serde(#rename skip_serializing_if = "Nullable::is_absent")]
                    pub #fid: Nullable<#t>,
                }
            }
        }
    });
    let default = matches!(m.constructor, Constructor::Default).then(|| quote!(Default,));
    let deserialize = m.deserialize.then(|| deserialize_request(name, &id, m));
    let constructor = constructor(name, &id, m);
    let from_json = m.in_responses.then(|| {
        quote! {
            /// Request models decode strictly; this lets one appear inside a response too.
            impl #FromJson for #id {
                const ACCEPTS_MAP: bool = true;
                #[inline]
                fn from_map<'de, A: serde::de::MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
                    <Self as serde::Deserialize>::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                }
            }
            /// Decoded strictly: nothing in it can be invalid or unknown.
            impl #Inspect for #id {}
        }
    });
    let multipart = m.has_files.then(|| multipart_impl(&id, m));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default serde::Serialize)]
        pub struct #id {
            #(#decls)*
            /// Fields the spec does not describe (yet), sent as given: the server often accepts
            /// more than its documentation says.
            #[serde(flatten)]
            pub #extra: std::collections::BTreeMap<String, serde_json::Value>,
        }
        #deserialize
        #constructor
        #from_json
        #multipart
    }
}

/// `Deserialize` through the runtime's `RequestFields`: one struct expression taking each
/// field by wire name, instead of serde's derive (see the runtime's `request_json`).
fn deserialize_request(name: &str, id: &proc_macro2::Ident, m: &RequestModel) -> TokenStream {
    let extra = ident(&m.extra);
    let fields = m.fields.iter().map(|f| {
        let fid = ident(&f.ident);
        let wire = &f.wire;
        let take = match f.presence {
            Presence::Required | Presence::Lenient => quote!(required),
            Presence::RequiredNullable => quote!(required_nullable),
            Presence::Optional => quote!(optional),
        };
        quote! { #fid: fields.#take(#wire)?, }
    });
    quote! {
        impl<'de> serde::Deserialize<'de> for #id {
            #[inline]
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #[allow(unused_mut)]
                let mut fields = #RequestFields::new(deserializer, #name)?;
                Ok(Self { #(#fields)* #extra: fields.rest() })
            }
        }
    }
}

fn constructor(name: &str, id: &proc_macro2::Ident, m: &RequestModel) -> TokenStream {
    let extra = ident(&m.extra);
    let required: Vec<&FieldPlan> = m
        .fields
        .iter()
        .filter(|f| f.presence != Presence::Optional)
        .collect();
    let param_ty = |f: &FieldPlan| match f.presence {
        Presence::RequiredNullable => {
            let t = ty(&f.ty);
            quote!(Option<#t>)
        }
        _ => arg(&f.ty),
    };
    let value = |f: &FieldPlan| {
        let fid = ident(&f.ident);
        match f.presence {
            Presence::RequiredNullable => quote!(#fid),
            _ => arg_into(&f.ty, &fid),
        }
    };
    match &m.constructor {
        Constructor::Default => quote!(),
        Constructor::New => {
            let args = required.iter().map(|f| {
                let fid = ident(&f.ident);
                let t = param_ty(f);
                quote!(#fid: #t)
            });
            let inits = m.fields.iter().map(|f| {
                let fid = ident(&f.ident);
                if f.presence == Presence::Optional {
                    quote!(#fid: Nullable::Absent)
                } else {
                    let v = value(f);
                    if fid == v.to_string() {
                        quote!(#fid)
                    } else {
                        quote!(#fid: #v)
                    }
                }
            });
            let allow = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
            quote! {
                impl #id {
                    /// A request with the required fields set and every optional field absent.
                    #allow
                    #[inline]
                    pub fn new(#(#args),*) -> Self {
                        Self { #(#inits,)* #extra: Default::default() }
                    }
                }
            }
        }
        Constructor::Builder { builder } => {
            let b = ident(builder);
            let slots = required.iter().map(|f| {
                let fid = ident(&f.ident);
                let t = ty(&f.ty);
                match f.presence {
                    Presence::RequiredNullable => quote!(#fid: Option<Option<#t>>,),
                    _ => quote!(#fid: Option<#t>,),
                }
            });
            let setters = required.iter().map(|f| {
                let fid = ident(&f.ident);
                let setter = ident(&f.accessor);
                let t = param_ty(f);
                let v = value(f);
                let doc = format!(" Sets `{}` (required).", f.wire);
                quote! {
                    #[doc = #doc]
                    #[inline]
                    pub fn #setter(mut self, #fid: #t) -> Self {
                        self.#fid = Some(#v);
                        self
                    }
                }
            });
            let inits = m.fields.iter().map(|f| {
                let fid = ident(&f.ident);
                let wire = &f.wire;
                match f.presence {
                    Presence::Optional => quote!(#fid: Nullable::Absent,),
                    Presence::RequiredNullable => quote!(#fid: self.#fid.unwrap_or_default(),),
                    _ => quote! {
                        #fid: self.#fid.ok_or_else(|| #missing_field(#name, #wire))?,
                    },
                }
            });
            let doc = format!(
                " Builds a [`{}`] by field name: it has several required fields of one type, \
                 which positional arguments could swap.",
                id
            );
            quote! {
                impl #id {
                    /// A builder that sets the required fields by name.
                    #[inline]
                    pub fn builder() -> #b {
                        #b::default()
                    }
                }

                #[doc = #doc]
                #[derive(Debug, Clone, Default)]
                pub struct #b {
                    #(#slots)*
                }

                impl #b {
                    #(#setters)*

                    /// The request, with every optional field absent; an error names the first
                    /// required field that was not set.
                    #[inline]
                    pub fn build(self) -> Result<#id, #Error> {
                        Ok(#id {
                            #(#inits)*
                            #extra: Default::default(),
                        })
                    }
                }
            }
        }
    }
}

/// `MultipartBody` for a request model: one part per set field, arrays as repeated parts.
fn multipart_impl(id: &proc_macro2::Ident, m: &RequestModel) -> TokenStream {
    let extra = ident(&m.extra);
    let pushes = m.fields.iter().map(|f| {
        let fid = ident(&f.ident);
        let wire = &f.wire;
        let push_one = if matches!(f.ty, RustTy::Vec(..)) {
            quote!(for item in v { parts.push((#wire.to_string(), #multipart_value(#wire, item)?)); })
        } else {
            quote!(parts.push((#wire.to_string(), #multipart_value(#wire, v)?));)
        };
        // An explicit `null` goes as an empty part: Django REST framework reads an empty form
        // value of a nullable field as null.
        let null = quote!(parts.push((#wire.to_string(), #MultipartValue::Text(String::new())));) ;
        match f.presence {
            Presence::Optional => quote! {
                match &self.#fid {
                    Nullable::Value(v) => { #push_one }
                    Nullable::Null => { #null }
                    Nullable::Absent => {}
                }
            },
            Presence::RequiredNullable => quote! {
                match &self.#fid {
                    Some(v) => { #push_one }
                    None => { #null }
                }
            },
            _ => quote!({ let v = &self.#fid; #push_one }),
        }
    });
    let files: Vec<TokenStream> = m
        .fields
        .iter()
        .filter_map(|f| {
            let fid = ident(&f.ident);
            let is_file = |t: &RustTy| matches!(t, RustTy::FileUpload);
            match (&f.ty, f.presence) {
                (RustTy::FileUpload, Presence::Optional) => Some(quote!(self.#fid.is_value())),
                (RustTy::FileUpload, Presence::RequiredNullable) => {
                    Some(quote!(self.#fid.is_some()))
                }
                (RustTy::FileUpload, _) => Some(quote!(true)),
                (RustTy::Vec(item, _), Presence::Optional) if is_file(item) => {
                    Some(quote!(self.#fid.get().is_some_and(|v| !v.is_empty())))
                }
                (RustTy::Vec(item, _), Presence::RequiredNullable) if is_file(item) => {
                    Some(quote!(self.#fid.as_ref().is_some_and(|v| !v.is_empty())))
                }
                (RustTy::Vec(item, _), _) if is_file(item) => Some(quote!(!self.#fid.is_empty())),
                _ => None,
            }
        })
        .collect();
    let files = if files.is_empty() {
        quote!(false)
    } else {
        quote!(#(#files)||*)
    };
    quote! {
        impl #MultipartBody for #id {
            #[inline]
            fn parts(&self) -> Result<Vec<(String, #MultipartValue)>, #Error> {
                let mut parts = Vec::new();
                #(#pushes)*
                for (k, v) in &self.#extra {
                    parts.push((k.clone(), #multipart_value(k, v)?));
                }
                Ok(parts)
            }
            #[inline]
            fn has_files(&self) -> bool {
                #files
            }
        }
    }
}

/// An integer enum whose uses allow the blank `""` too: integers go on the wire as integers,
/// the blank as `""`; either arrives as a JSON integer or string.
fn integer_enum_with_blank(
    id: &proc_macro2::Ident,
    docs: TokenStream,
    decls: Vec<TokenStream>,
    e: &EnumPlan,
    blank: &str,
    inspect: TokenStream,
) -> TokenStream {
    let unknown = ident(&e.unknown);
    let blank = ident(blank);
    let ints: Vec<(proc_macro2::Ident, i64)> = e
        .variants
        .iter()
        .filter_map(|v| match &v.value {
            EnumValue::Int(i) => Some((ident(&v.ident), *i)),
            EnumValue::Str(_) => None,
        })
        .collect();
    let to = ints.iter().map(|(vid, n)| quote!(Self::#vid => Some(#n),));
    let from = ints.iter().map(|(vid, n)| quote!(#n => Self::#vid,));
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #id {
            #(#decls)*
            /// A value this client does not know yet.
            #unknown(i64),
        }
        impl #id {
            /// The integer on the wire; `None` for the blank value (`""` on the wire).
            #[inline]
            pub fn value(self) -> Option<i64> {
                match self { #(#to)* Self::#blank => None, Self::#unknown(v) => Some(v) }
            }
            /// The value read from its text: the blank `""`, or an integer.
            #[inline]
            fn from_text(v: &str) -> Option<Self> {
                if v.is_empty() {
                    Some(Self::#blank)
                } else {
                    v.parse::<i64>().ok().map(Self::from)
                }
            }
        }
        impl From<i64> for #id {
            #[inline]
            fn from(v: i64) -> Self {
                match v { #(#from)* other => Self::#unknown(other) }
            }
        }
        impl std::fmt::Display for #id {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self.value() {
                    Some(v) => write!(f, "{v}"),
                    None => Ok(()),
                }
            }
        }
        impl serde::Serialize for #id {
            #[inline]
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self.value() {
                    Some(v) => serializer.serialize_i64(v),
                    None => serializer.serialize_str(""),
                }
            }
        }
        impl<'de> serde::Deserialize<'de> for #id {
            #[inline]
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = #string_or_integer(deserializer)?;
                Self::from_text(&text).ok_or_else(|| {
                    <D::Error as serde::de::Error>::custom(format!("expected an integer or \"\", found {text:?}"))
                })
            }
        }
        impl #FromJson for #id {
            #[inline]
            fn from_i64(v: i64) -> Option<Self> { Some(Self::from(v)) }
            #[inline]
            fn from_u64(v: u64) -> Option<Self> { i64::try_from(v).ok().map(Self::from) }
            #[inline]
            fn from_str(v: &str) -> Option<Self> { Self::from_text(v) }
        }
        impl #QueryValue for #id {
            #[inline]
            fn query_value(&self) -> std::borrow::Cow<'_, str> { std::borrow::Cow::Owned(self.to_string()) }
        }
        #inspect
    }
}

fn enum_type(name: &str, plan: &TypePlan, e: &EnumPlan) -> TokenStream {
    let id = ident(&plan.ident);
    let docs = type_docs(
        name,
        plan,
        "enum; values the spec does not list are kept in `Unknown`",
    );
    let unknown = ident(&e.unknown);
    let decls = e.variants.iter().map(|v| {
        let vid = ident(&v.ident);
        let doc = match &v.value {
            EnumValue::Int(i) => format!(" `{i}`"),
            EnumValue::Str(s) if s.is_empty() => " `\"\"` (blank)".to_string(),
            EnumValue::Str(s) => format!(" `{s}`"),
        };
        quote!(#[doc = #doc] #vid,)
    });
    let inspect = quote! {
        impl #Inspect for #id {
            #[inline]
            fn inspect(&self, at: &mut #Inspector) {
                if let Self::#unknown(v) = self { at.unknown_enum_value(v) }
            }
        }
    };
    let blank = e
        .variants
        .iter()
        .find(|v| matches!(&v.value, EnumValue::Str(s) if s.is_empty()));
    if e.integer
        && let Some(blank) = blank
    {
        return integer_enum_with_blank(&id, docs, decls.collect(), e, &blank.ident, inspect);
    }
    if e.integer {
        let to = e.variants.iter().map(|v| {
            let vid = ident(&v.ident);
            let n = match &v.value {
                EnumValue::Int(i) => *i,
                EnumValue::Str(_) => 0,
            };
            quote!(Self::#vid => #n,)
        });
        let from = e.variants.iter().map(|v| {
            let vid = ident(&v.ident);
            let n = match &v.value {
                EnumValue::Int(i) => *i,
                EnumValue::Str(_) => 0,
            };
            quote!(#n => Self::#vid,)
        });
        return quote! {
            #docs
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #[non_exhaustive]
            pub enum #id {
                #(#decls)*
                /// A value this client does not know yet.
                #unknown(i64),
            }
            impl #id {
                /// The value on the wire.
                #[inline]
                pub fn value(self) -> i64 {
                    match self { #(#to)* Self::#unknown(v) => v }
                }
            }
            impl From<i64> for #id {
                #[inline]
                fn from(v: i64) -> Self {
                    match v { #(#from)* other => Self::#unknown(other) }
                }
            }
            impl std::fmt::Display for #id {
                #[inline]
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    write!(f, "{}", self.value())
                }
            }
            impl serde::Serialize for #id {
                #[inline]
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_i64(self.value())
                }
            }
            impl<'de> serde::Deserialize<'de> for #id {
                #[inline]
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    <i64 as serde::Deserialize>::deserialize(deserializer).map(Self::from)
                }
            }
            impl #FromJson for #id {
                #[inline]
                fn from_i64(v: i64) -> Option<Self> { Some(Self::from(v)) }
                #[inline]
                fn from_u64(v: u64) -> Option<Self> { i64::try_from(v).ok().map(Self::from) }
            }
            impl #QueryValue for #id {
                #[inline]
                fn query_value(&self) -> std::borrow::Cow<'_, str> { std::borrow::Cow::Owned(self.value().to_string()) }
            }
            #inspect
        };
    }
    // Values such as `"1"` may arrive as JSON numbers, inside a lenient field or not.
    let text = if e.numeric_strings {
        quote!(#string_or_integer(deserializer)?)
    } else {
        quote!(<std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?)
    };
    let numbers = e.numeric_strings.then(|| {
        quote! {
            #[inline]
            fn from_i64(v: i64) -> Option<Self> { Some(Self::from(v.to_string().as_str())) }
            #[inline]
            fn from_u64(v: u64) -> Option<Self> { Some(Self::from(v.to_string().as_str())) }
        }
    });
    let strs: Vec<String> = e
        .variants
        .iter()
        .map(|v| match &v.value {
            EnumValue::Str(s) => s.clone(),
            EnumValue::Int(i) => i.to_string(),
        })
        .collect();
    let to = e.variants.iter().zip(&strs).map(|(v, s)| {
        let vid = ident(&v.ident);
        quote!(Self::#vid => #s,)
    });
    let from = e.variants.iter().zip(&strs).map(|(v, s)| {
        let vid = ident(&v.ident);
        quote!(#s => Self::#vid,)
    });
    let from_body = if e.variants.is_empty() {
        quote!(Self::#unknown(v.to_string()))
    } else {
        quote!(match v { #(#from)* other => Self::#unknown(other.to_string()) })
    };
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #id {
            #(#decls)*
            /// A value this client does not know yet, kept verbatim.
            #unknown(String),
        }
        impl #id {
            /// The value on the wire.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self { #(#to)* Self::#unknown(v) => v }
            }
        }
        impl From<&str> for #id {
            #[inline]
            fn from(v: &str) -> Self {
                #from_body
            }
        }
        impl std::str::FromStr for #id {
            type Err = std::convert::Infallible;
            #[inline]
            fn from_str(v: &str) -> Result<Self, Self::Err> { Ok(Self::from(v)) }
        }
        impl std::fmt::Display for #id {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl serde::Serialize for #id {
            #[inline]
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for #id {
            #[inline]
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = #text;
                Ok(Self::from(s.as_ref()))
            }
        }
        impl #FromJson for #id {
            #[inline]
            fn from_str(v: &str) -> Option<Self> { Some(Self::from(v)) }
            #numbers
        }
        impl #QueryValue for #id {
            #[inline]
            fn query_value(&self) -> std::borrow::Cow<'_, str> { std::borrow::Cow::Borrowed(self.as_str()) }
        }
        #inspect
    }
}
