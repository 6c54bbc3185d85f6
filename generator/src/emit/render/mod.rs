//! Renderers: [`Plan`] -> the text of every file. Nothing here decides anything; each function
//! spells out in tokens what the plan says.
//!
//! Every function of generated code with a body is `#[inline]`, and so are the non-generic
//! methods the runtime's `response_model!` adds. That is not about speed at run time: rustc
//! generates machine code for an `#[inline]` function only in a crate that calls it. Built with
//! every tag, the crate itself is then type-checked but generates the code of no operation;
//! a program generates the code of the operations and models it uses (a cold debug build of
//! the whole-API crate with all tags takes less than half the time and a third less memory).

pub mod crate_files;
pub mod docs;
pub mod models;
pub mod operations;
pub mod tokens;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use proc_macro2::TokenStream;
use quote::quote;

use crate::Error;
use crate::emit::plan::{Gate, Plan};

use self::crate_files::Header;

/// One file rendered on a worker thread.
enum Job<'a> {
    /// `src/lib.rs`: the client, its tag accessors and the crate docs.
    Lib,
    /// `src/models/mod.rs`.
    ModelsMod,
    Models(&'a crate::emit::plan::ModelFile),
    Tag(usize),
}

/// Every file of the crate, keyed by relative path.
pub fn files(plan: &Plan) -> Result<BTreeMap<String, String>, Error> {
    let header = Header::new(&plan.krate);
    let mut files = BTreeMap::new();
    files.insert(
        "Cargo.toml".to_string(),
        crate_files::cargo_toml(plan, &header),
    );
    files.insert("README.md".to_string(), crate_files::readme(plan, &header));
    files.insert("LICENSE".to_string(), crate_files::LICENSE.to_string());
    if let crate::emit::plan::RuntimePlan::Vendored { files: runtime } = &plan.krate.runtime {
        for (name, text) in runtime {
            files.insert(format!("src/runtime/{name}"), header.rust_source(text));
        }
    }

    // Every model file and tag file is independent: render them on all cores. The result is
    // keyed by path, so it does not depend on which thread did what.
    let mut jobs: Vec<Job> = plan.model_files.iter().map(Job::Models).collect();
    // The biggest job (`shared.rs`) first, so it does not start last on a busy thread.
    jobs.sort_by_key(|j| !matches!(j, Job::Models(f) if f.feature.is_none()));
    jobs.extend([Job::Lib, Job::ModelsMod]);
    jobs.extend((0..plan.tags.len()).map(Job::Tag));
    let render = |job: &Job| -> Result<(String, String), Error> {
        let started = Instant::now();
        let out = match job {
            Job::Lib => (
                "src/lib.rs".to_string(),
                header.rust(format_file(crate_files::lib_rs(plan))?),
            ),
            Job::ModelsMod => (
                "src/models/mod.rs".to_string(),
                header.rust(format_file(crate_files::models_mod(plan))?),
            ),
            Job::Models(file) => {
                let items = file.types.iter().filter_map(|name| {
                    let t = plan.types.get(name)?;
                    Some(gate_items(
                        gate_tokens(&t.gate),
                        models::render_type(name, t),
                    ))
                });
                let doc = match &file.feature {
                    None => " Types used by several tags, each compiled when one of its tags is enabled.".to_string(),
                    Some(_) => format!(" Types used only by the `{}` operations.", file.file),
                };
                let imports = tokens::file_imports();
                let head = quote! {
                    #![doc = #doc]
                    #imports
                };
                let text = format_chunks(std::iter::once(head).chain(items))?;
                (format!("src/models/{}.rs", file.file), header.rust(text))
            }
            Job::Tag(t) => {
                let tag = &plan.tags[*t];
                let accessor = plan
                    .client
                    .accessors
                    .iter()
                    .find(|a| a.tag == *t)
                    .map(|a| a.method.as_str())
                    .unwrap_or_default();
                let chunks = operations::render_tag(tag, accessor);
                let docs = docs::inner_doc_attrs(&[
                    tag.title.clone().unwrap_or_default(),
                    format!("Operations of the `{}` tag.", tag.tag),
                ]);
                let imports = tokens::file_imports();
                let head = quote! {
                    #docs
                    #imports
                };
                let text = format_chunks(std::iter::once(head).chain(chunks))?;
                (format!("src/{}.rs", tag.module), header.rust(text))
            }
        };
        JOB_NANOS.fetch_add(nanos(started.elapsed()), Ordering::Relaxed);
        Ok(out)
    };
    for result in crate::parallel::map(&jobs, render) {
        let (path, text) = result?;
        files.insert(path, text);
    }
    Ok(files)
}

/// The `cfg` attribute of a gate.
pub fn gate_tokens(gate: &Gate) -> TokenStream {
    match gate {
        Gate::None => quote!(),
        Gate::Any(f) => quote!(#[cfg(any(#(feature = #f),*))]),
    }
}

/// Puts `gate` in front of every item (a struct and each of its impls) of `items`.
///
/// Items are found on the token level, which is exact for what the model renderers produce:
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

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// Formats a file given in chunks of items (the first may start with inner attributes): each
/// chunk is parsed on its own and the items printed together. A token stream of a whole file
/// (hundreds of thousands of tokens in a whole-API crate) is never built.
pub fn format_chunks(chunks: impl IntoIterator<Item = TokenStream>) -> Result<String, Error> {
    let start = Instant::now();
    let mut file: Option<syn::File> = None;
    for chunk in chunks {
        let part: syn::File = syn::parse2(chunk).map_err(|e| {
            Error::Other(format!(
                "internal error: generated code does not parse: {e}"
            ))
        })?;
        match &mut file {
            None => file = Some(part),
            Some(file) => {
                file.attrs.extend(part.attrs);
                file.items.extend(part.items);
            }
        }
    }
    let text = file
        .map(|f| docs::expand_block_docs(&prettyplease::unparse(&f)))
        .unwrap_or_default();
    FORMAT_NANOS.fetch_add(nanos(start.elapsed()), Ordering::Relaxed);
    Ok(text)
}

/// Formats tokens as a Rust file with prettyplease.
pub fn format_file(tokens: TokenStream) -> Result<String, Error> {
    format_chunks(std::iter::once(tokens))
}

/// CPU time in [`format_file`] and in rendering jobs, summed over threads, for
/// [`crate::emit::generate_timed`]. (Process-wide: concurrent `generate` calls would mix their
/// figures.)
pub(crate) static FORMAT_NANOS: AtomicU64 = AtomicU64::new(0);
pub(crate) static JOB_NANOS: AtomicU64 = AtomicU64::new(0);
