//! Plan types -> Rust type tokens. Every generated file imports the same names
//! ([`file_imports`]): the runtime's types the models use (`Lenient`, `Uuid`, ...), listed in
//! the runtime's table (`emit::runtime_api`) and reserved from there so no generated name can
//! shadow them, and the `models` and `runtime` modules, through which everything else is named
//! (`models::OpenStackVolume`, `runtime::send`). No glob import: name resolution stays cheap
//! in a crate of thousands of types.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::emit::plan::{Lenient, RustTy};
use crate::emit::runtime_api;

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
        RustTy::Uuid => quote!(Uuid),
        RustTy::DateTime => quote!(DateTime),
        RustTy::Date => quote!(Date),
        RustTy::Decimal => quote!(Decimal),
        RustTy::Json => quote!(serde_json::Value),
        RustTy::FileUpload => quote!(FileUpload),
        RustTy::Named { ident: name, boxed } => {
            let id = ident(name);
            if *boxed {
                quote!(Box<models::#id>)
            } else {
                quote!(models::#id)
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
        Lenient::Yes => quote!(Lenient<#inner>),
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

/// The imports at the top of every generated model and tag file (see the module docs).
pub fn file_imports() -> TokenStream {
    let runtime = ident(runtime_api::MODULE);
    let names = runtime_api::file_imports().into_iter().map(ident);
    quote! {
        #[allow(unused_imports)]
        use crate::#runtime::{self, #(#names),*};
        #[allow(unused_imports)]
        use crate::models;
    }
}
