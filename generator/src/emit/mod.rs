//! Emitters: IR -> the files of the generated crate.
//!
//! [`generate`] is a function of the IR and the [`Settings`]; it returns every file as a
//! `BTreeMap` from relative path to contents, so the output order (and the bytes) never depend on
//! anything but the input. Writing and drift checking are the caller's job (see `xtask`).
//!
//! Layout of the generated crate:
//! - `Cargo.toml`: one feature per tag (all on by default) plus `blocking`;
//! - `src/lib.rs`: crate docs (with the spec's provenance), re-exports;
//! - `src/runtime/`: the hand-written runtime (`generator/runtime/src`), copied verbatim;
//! - `src/models/`: one file per tag for the types only that tag uses, `shared.rs` for the rest;
//! - `src/<tag>.rs`: the operations of a tag.

pub mod crate_files;
pub mod docs;
pub mod models;
pub mod names;
pub mod operations;
pub mod runtime_files;
pub mod types;

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use proc_macro2::TokenStream;
use quote::quote;

use crate::Error;
use crate::ir::{Api, BodyMedia, Method, Operation, ParamLocation, ResponseBody, Ty};

use self::models::TypeUse;
use self::types::{TypeTable, collect_refs};

/// What the generated crate is called and where its inputs came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub crate_name: String,
    pub crate_version: String,
    pub description: Option<String>,
    /// The spec inputs as the user named them (for the file headers).
    pub inputs: Vec<String>,
    /// Hex digest of every input byte (spec files and config), for the file headers.
    pub input_hash: String,
}

impl Settings {
    pub fn new(crate_name: impl Into<String>, crate_version: impl Into<String>) -> Settings {
        Settings {
            crate_name: crate_name.into(),
            crate_version: crate_version.into(),
            description: None,
            inputs: Vec::new(),
            input_hash: String::new(),
        }
    }

    pub fn with_inputs(mut self, inputs: Vec<String>, input_hash: String) -> Settings {
        self.inputs = inputs;
        self.input_hash = input_hash;
        self
    }

    pub fn with_description(mut self, description: Option<String>) -> Settings {
        self.description = description;
        self
    }
}

/// The version of this generator, printed in every file header.
pub const GENERATOR_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Emits every file of the crate. The IR must have been through [`crate::ir::passes::run`].
pub fn generate(api: &Api, settings: &Settings) -> Result<BTreeMap<String, String>, Error> {
    let table = TypeTable::new(api);
    let ops = emitted_operations(api);
    let mut by_tag: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in &ops {
        by_tag.entry(op.tag.as_str()).or_default().push(op);
    }
    let usage = type_usage(&table, &ops);
    let tags_of_type = tags_of_types(&table, &ops);

    let mut files = BTreeMap::new();
    let header = crate_files::Header::new(settings);
    files.insert(
        "Cargo.toml".to_string(),
        crate_files::cargo_toml(settings, &header, by_tag.keys().copied()),
    );
    files.insert(
        "src/lib.rs".to_string(),
        header.rust(crate_files::lib_rs(api, settings, &by_tag)?),
    );
    for (name, text) in runtime_files::files() {
        files.insert(format!("src/runtime/{name}"), header.rust_source(text));
    }

    // Models: a type used by exactly one tag lives in that tag's file (compiled only with its
    // feature); everything else in `shared.rs`, gated on the features of the tags that use it.
    let mut per_file: BTreeMap<String, Vec<TokenStream>> = BTreeMap::new();
    for (name, def) in &api.types {
        let tags = tags_of_type.get(name).cloned().unwrap_or_default();
        let item = models::emit_type(
            &table,
            name,
            def,
            usage.get(name).copied().unwrap_or_default(),
        );
        let (file, gate) = match tags.len() {
            1 => (
                names::module_name(tags.iter().next().map(String::as_str).unwrap_or_default()),
                quote!(),
            ),
            // Used by no operation (an OpenAPI component, a page's alias): compiled when every
            // tag whose types it mentions is enabled, so it never names a type that is cfg'd out.
            0 => {
                let needed: BTreeSet<&String> = table
                    .reachable(name)
                    .iter()
                    .filter_map(|r| tags_of_type.get(r))
                    .flatten()
                    .collect();
                let feats = needed.iter().map(|t| names::feature_name(t));
                let gate = if needed.is_empty() {
                    quote!()
                } else {
                    quote!(#[cfg(all(#(feature = #feats),*))])
                };
                ("shared".to_string(), gate)
            }
            _ => {
                let feats = tags.iter().map(|t| names::feature_name(t));
                (
                    "shared".to_string(),
                    quote!(#[cfg(any(#(feature = #feats),*))]),
                )
            }
        };
        per_file
            .entry(file)
            .or_default()
            .push(gate_items(gate, item));
    }
    let mut model_mods = Vec::new();
    for (file, items) in &per_file {
        let module = quote::format_ident!("{}", file);
        let gate = by_tag
            .keys()
            .find(|t| names::module_name(t) == *file)
            .map(|t| {
                let f = names::feature_name(t);
                quote!(#[cfg(feature = #f)])
            })
            .unwrap_or_default();
        model_mods.push(quote! {
            #gate
            mod #module;
            #gate
            pub use #module::*;
        });
        let doc = if file == "shared" {
            " Types used by several tags (or by none), each compiled when one of its tags is enabled.".to_string()
        } else {
            format!(" Types used only by the `{file}` operations.")
        };
        files.insert(
            format!("src/models/{file}.rs"),
            header.rust(format_file(quote! {
                #![doc = #doc]
                #[allow(unused_imports)]
                use super::*;
                #(#items)*
            })?),
        );
    }
    files.insert(
        "src/models/mod.rs".to_string(),
        header.rust(format_file(quote! {
            //! Request and response models.
            #(#model_mods)*
        })?),
    );

    for (tag, tag_ops) in &by_tag {
        let body = operations::emit_tag(&table, tag, tag_ops);
        let doc = format!("Operations of the `{tag}` tag.");
        let title = api
            .sources
            .iter()
            .find(|s| tag_ops.iter().any(|o| o.span.file == s.path))
            .and_then(|s| s.title.clone());
        let docs = docs::inner_doc_attrs(&[title.unwrap_or_default(), doc]);
        files.insert(
            format!("src/{}.rs", names::module_name(tag)),
            header.rust(format_file(quote! {
                #docs
                #[allow(unused_imports)]
                use crate::models::*;
                #body
            })?),
        );
    }
    Ok(files)
}

fn gate_items(gate: TokenStream, items: TokenStream) -> TokenStream {
    if gate.is_empty() {
        return items;
    }
    // A gate must precede every item (struct and each of its impls).
    let file: syn::File = match syn::parse2(items.clone()) {
        Ok(f) => f,
        Err(_) => return items,
    };
    let gated = file.items.iter().map(|i| quote!(#gate #i));
    quote!(#(#gated)*)
}

/// Formats tokens as a Rust file with prettyplease.
pub fn format_file(tokens: TokenStream) -> Result<String, Error> {
    let start = Instant::now();
    // No clone of the tokens for the error message: that copy cost ~2% of generation.
    let file: syn::File = syn::parse2(tokens).map_err(|e| {
        Error::Other(format!(
            "internal error: generated code does not parse: {e}"
        ))
    })?;
    let text = prettyplease::unparse(&file);
    FORMAT_TIME.set(FORMAT_TIME.get() + start.elapsed());
    Ok(text)
}

thread_local! {
    /// Time spent in [`format_file`] on this thread, for [`generate_timed`].
    static FORMAT_TIME: Cell<Duration> = const { Cell::new(Duration::ZERO) };
}

/// Where emission spends its time: building token streams vs. formatting them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EmitTimings {
    /// IR -> token streams (quote), including everything that is not formatting.
    pub tokens: Duration,
    /// Token streams -> text (syn parsing + prettyplease).
    pub format: Duration,
}

/// [`generate`], also reporting where the time went (for `cargo xtask bench`).
pub fn generate_timed(
    api: &Api,
    settings: &Settings,
) -> Result<(BTreeMap<String, String>, EmitTimings), Error> {
    FORMAT_TIME.set(Duration::ZERO);
    let start = Instant::now();
    let files = generate(api, settings)?;
    let total = start.elapsed();
    let format = FORMAT_TIME.get();
    Ok((
        files,
        EmitTimings {
            tokens: total.saturating_sub(format),
            format,
        },
    ))
}

/// Operations that get their own method. A `HEAD` operation on the path of a paginated list is
/// the list's count, which every list gets anyway, so it is not emitted twice.
pub fn emitted_operations(api: &Api) -> Vec<&Operation> {
    let list_paths: BTreeSet<&str> = api
        .operations
        .iter()
        .filter(|o| o.method == Method::Get && is_paginated(o))
        .map(|o| o.path.as_str())
        .collect();
    api.operations
        .iter()
        .filter(|o| !(o.method == Method::Head && list_paths.contains(o.path.as_str())))
        .collect()
}

pub fn is_paginated(op: &Operation) -> bool {
    let q = |n: &str| {
        op.params
            .iter()
            .any(|p| p.location == ParamLocation::Query && p.name == n)
    };
    q("page") && q("page_size")
}

/// Every named type a type expression reaches, directly or through other types.
fn reached(table: &TypeTable, ty: &Ty) -> BTreeSet<String> {
    let mut direct = BTreeSet::new();
    collect_refs(ty, &mut direct);
    let mut all = direct.clone();
    for name in &direct {
        all.extend(table.reachable(name).iter().cloned());
    }
    all
}

fn type_usage(table: &TypeTable, ops: &[&Operation]) -> BTreeMap<String, TypeUse> {
    let mut usage: BTreeMap<String, TypeUse> = BTreeMap::new();
    for op in ops {
        let mut request = BTreeSet::new();
        for p in &op.params {
            request.extend(reached(table, &p.ty));
        }
        if let Some(b) = &op.body {
            request.extend(reached(table, &b.ty));
            let mut direct = BTreeSet::new();
            collect_refs(&b.ty, &mut direct);
            for n in direct {
                let u = usage.entry(n).or_default();
                u.patch |= op.method == Method::Patch;
                u.multipart |= b.media == BodyMedia::Multipart;
            }
        }
        for n in request {
            usage.entry(n).or_default().request = true;
        }
        for r in &op.responses {
            if let ResponseBody::Json { ty } | ResponseBody::NdJson { ty } = &r.body {
                for n in reached(table, ty) {
                    usage.entry(n).or_default().response = true;
                }
            }
        }
    }
    usage
}

/// The tags whose operations reach each named type.
fn tags_of_types(table: &TypeTable, ops: &[&Operation]) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for op in ops {
        let mut names = BTreeSet::new();
        for p in &op.params {
            names.extend(reached(table, &p.ty));
        }
        if let Some(b) = &op.body {
            names.extend(reached(table, &b.ty));
        }
        for r in &op.responses {
            if let ResponseBody::Json { ty } | ResponseBody::NdJson { ty } = &r.body {
                names.extend(reached(table, ty));
            }
        }
        for name in names {
            out.entry(name).or_default().insert(op.tag.clone());
        }
    }
    out
}
