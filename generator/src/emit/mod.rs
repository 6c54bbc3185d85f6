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

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
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
    let mut per_file: BTreeMap<String, Vec<(&String, Gate)>> = BTreeMap::new();
    for name in api.types.keys() {
        let tags = tags_of_type.get(name).cloned().unwrap_or_default();
        let (file, gate) = match tags.len() {
            1 => (
                names::module_name(tags.iter().next().map(String::as_str).unwrap_or_default()),
                Gate::None,
            ),
            // Used by no operation (an OpenAPI component, a page's alias): compiled when every
            // tag whose types it mentions is enabled, so it never names a type that is cfg'd out.
            0 => {
                let needed: BTreeSet<String> = table
                    .reachable(name)
                    .iter()
                    .filter_map(|r| tags_of_type.get(r))
                    .flatten()
                    .map(|t| names::feature_name(t))
                    .collect();
                let gate = if needed.is_empty() {
                    Gate::None
                } else {
                    Gate::All(needed)
                };
                ("shared".to_string(), gate)
            }
            _ => (
                "shared".to_string(),
                Gate::Any(tags.iter().map(|t| names::feature_name(t)).collect()),
            ),
        };
        per_file.entry(file).or_default().push((name, gate));
    }
    let mut model_mods = Vec::new();
    for file in per_file.keys() {
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
    }
    files.insert(
        "src/models/mod.rs".to_string(),
        header.rust(format_file(quote! {
            //! Request and response models.
            #(#model_mods)*
        })?),
    );

    // Every model file and tag file is independent: render them on all cores. The result is
    // keyed by path, so it does not depend on which thread did what.
    let mut jobs: Vec<Job> = per_file
        .iter()
        .map(|(file, types)| Job::Models { file, types })
        .collect();
    // The biggest job (`shared.rs`) first, so it does not start last on a busy thread.
    jobs.sort_by_key(|j| !matches!(j, Job::Models { file, .. } if file.as_str() == "shared"));
    jobs.extend(by_tag.iter().map(|(tag, ops)| Job::Tag { tag, ops }));
    let render = |job: &Job| -> Result<(String, String), Error> {
        let started = Instant::now();
        let out = match job {
            Job::Models { file, types } => {
                let items = types.iter().map(|(name, gate)| {
                    let item = models::emit_type(
                        &table,
                        name,
                        &api.types[*name],
                        usage.get(*name).copied().unwrap_or_default(),
                    );
                    gate_items(gate.tokens(), item)
                });
                let doc = if file.as_str() == "shared" {
                    " Types used by several tags (or by none), each compiled when one of its tags is enabled.".to_string()
                } else {
                    format!(" Types used only by the `{file}` operations.")
                };
                let text = format_file(quote! {
                    #![doc = #doc]
                    #[allow(unused_imports)]
                    use super::*;
                    #(#items)*
                })?;
                (format!("src/models/{file}.rs"), header.rust(text))
            }
            Job::Tag { tag, ops } => {
                let body = operations::emit_tag(&table, tag, ops);
                let doc = format!("Operations of the `{tag}` tag.");
                let title = api
                    .sources
                    .iter()
                    .find(|s| ops.iter().any(|o| o.span.file == s.path))
                    .and_then(|s| s.title.clone());
                let docs = docs::inner_doc_attrs(&[title.unwrap_or_default(), doc]);
                let text = format_file(quote! {
                    #docs
                    #[allow(unused_imports)]
                    use crate::models::*;
                    #body
                })?;
                (
                    format!("src/{}.rs", names::module_name(tag)),
                    header.rust(text),
                )
            }
        };
        JOB_NANOS.fetch_add(nanos(started.elapsed()), Ordering::Relaxed);
        Ok(out)
    };
    for result in parallel_map(&jobs, render) {
        let (path, text) = result?;
        files.insert(path, text);
    }
    Ok(files)
}

/// One file rendered on a worker thread.
enum Job<'a> {
    Models {
        file: &'a String,
        types: &'a Vec<(&'a String, Gate)>,
    },
    Tag {
        tag: &'a str,
        ops: &'a Vec<&'a Operation>,
    },
}

/// The `cfg` that keeps a model out of builds without the tags that use it.
enum Gate {
    None,
    /// Used by several tags: compiled when any of them is enabled.
    Any(BTreeSet<String>),
    /// Used by no operation: compiled when every tag it mentions is enabled.
    All(BTreeSet<String>),
}

impl Gate {
    fn tokens(&self) -> TokenStream {
        match self {
            Gate::None => quote!(),
            Gate::Any(f) => quote!(#[cfg(any(#(feature = #f),*))]),
            Gate::All(f) => quote!(#[cfg(all(#(feature = #f),*))]),
        }
    }
}

/// Maps `f` over `items` on all cores, results in input order. A panic in a worker is
/// re-raised here (the emitters do not panic on any input; this is for bugs).
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut indexed: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, f(item)));
                    }
                    mine
                })
            })
            .collect();
        let mut all = Vec::with_capacity(items.len());
        for w in workers {
            match w.join() {
                Ok(mine) => all.extend(mine),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    indexed.sort_by_key(|(i, _)| *i);
    indexed.into_iter().map(|(_, r)| r).collect()
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// Puts `gate` in front of every item (a struct and each of its impls) of `items`.
///
/// Items are found on the token level, which is exact for what the model emitters produce:
/// every item ends with its `{ ... }` body or, for a `type` alias, with `;`. (Parsing them with
/// syn only to split them cost a second parse of the biggest file.)
fn gate_items(gate: TokenStream, items: TokenStream) -> TokenStream {
    if gate.is_empty() {
        return items;
    }
    let mut out = TokenStream::new();
    let mut current = TokenStream::new();
    for tt in items {
        let ends_item = match &tt {
            proc_macro2::TokenTree::Group(g) => g.delimiter() == proc_macro2::Delimiter::Brace,
            proc_macro2::TokenTree::Punct(p) => p.as_char() == ';',
            _ => false,
        };
        current.extend(std::iter::once(tt));
        if ends_item {
            out.extend(gate.clone());
            out.extend(std::mem::take(&mut current));
        }
    }
    out.extend(current);
    out
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
    FORMAT_NANOS.fetch_add(nanos(start.elapsed()), Ordering::Relaxed);
    Ok(text)
}

/// CPU time in [`format_file`] and in rendering jobs, summed over threads, for
/// [`generate_timed`]. (Process-wide: concurrent `generate` calls would mix their figures.)
static FORMAT_NANOS: AtomicU64 = AtomicU64::new(0);
static JOB_NANOS: AtomicU64 = AtomicU64::new(0);

/// Where emission spends its time: building token streams vs. formatting them. Files are
/// rendered on all cores, so the two shares are measured as CPU time and scaled to the wall
/// time of the whole call (they add up to it).
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
    FORMAT_NANOS.store(0, Ordering::Relaxed);
    JOB_NANOS.store(0, Ordering::Relaxed);
    let start = Instant::now();
    let files = generate(api, settings)?;
    let wall = start.elapsed();
    let format_cpu = FORMAT_NANOS.load(Ordering::Relaxed) as f64;
    // CPU spent outside formatting: the jobs' time less their formatting, plus the serial part.
    let serial =
        wall.as_nanos() as f64 - JOB_NANOS.load(Ordering::Relaxed) as f64 / threads() as f64;
    let tokens_cpu =
        (JOB_NANOS.load(Ordering::Relaxed) as f64 - format_cpu).max(0.0) + serial.max(0.0);
    let share = if tokens_cpu + format_cpu > 0.0 {
        format_cpu / (tokens_cpu + format_cpu)
    } else {
        0.0
    };
    let format = wall.mul_f64(share);
    Ok((
        files,
        EmitTimings {
            tokens: wall.saturating_sub(format),
            format,
        },
    ))
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
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
