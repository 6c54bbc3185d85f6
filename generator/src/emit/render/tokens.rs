//! Plan types -> Rust type tokens. Generated code names every type by its full path
//! (`crate::models::X`, `crate::runtime::Uuid`), so no module needs a glob import and no
//! generated name can shadow another.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::emit::plan::{Lenient, RustTy};

/// An identifier the plan allocated (always a valid, non-keyword Rust identifier).
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type.
pub fn ty(t: &RustTy) -> TokenStream {
    match t {
        RustTy::String => quote!(String),
        RustTy::I64 => quote!(i64),
        RustTy::F64 => quote!(f64),
        RustTy::Bool => quote!(bool),
        RustTy::Uuid => quote!(crate::runtime::Uuid),
        RustTy::DateTime => quote!(crate::runtime::DateTime),
        RustTy::Date => quote!(crate::runtime::Date),
        RustTy::Decimal => quote!(crate::runtime::Decimal),
        RustTy::Json => quote!(serde_json::Value),
        RustTy::FileUpload => quote!(crate::runtime::FileUpload),
        RustTy::Named { ident: name, boxed } => {
            let id = ident(name);
            if *boxed {
                quote!(Box<crate::models::#id>)
            } else {
                quote!(crate::models::#id)
            }
        }
        RustTy::Vec(item, lenient) => {
            let inner = element(item, *lenient);
            quote!(Vec<#inner>)
        }
        RustTy::Map(value, lenient) => {
            let inner = element(value, *lenient);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
    }
}

/// An element of a collection: `Lenient<T>` in responses.
pub fn element(t: &RustTy, lenient: Lenient) -> TokenStream {
    let inner = ty(t);
    match lenient {
        Lenient::Yes => quote!(crate::runtime::Lenient<#inner>),
        Lenient::No => inner,
    }
}

/// The type of an argument or setter value: what a caller passes. Strings take anything
/// `Into<String>`; the rest is passed as it is.
pub fn arg(t: &RustTy) -> TokenStream {
    match t {
        RustTy::String => quote!(impl Into<String>),
        other => ty(other),
    }
}

/// Converts an argument of [`arg`] type into the stored value.
pub fn arg_into(t: &RustTy, value: &Ident) -> TokenStream {
    match t {
        RustTy::String => quote!(#value.into()),
        _ => quote!(#value),
    }
}
