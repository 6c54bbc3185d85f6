//! Emitters: IR -> the files of the generated crate, in two steps.
//!
//! 1. [`plan::build`] decides everything (names, methods, types, files, feature gates) and
//!    returns a [`plan::Plan`], plain data that tests can inspect;
//! 2. [`render::files`] turns the plan into text with quote and prettyplease.
//!
//! [`generate`] is a function of the IR and the [`Settings`]; it returns every file as a
//! `BTreeMap` from relative path to contents, so the output order (and the bytes) never depend
//! on anything but the input. Writing and drift checking are the caller's job (see `xtask`).
//!
//! Layout of the generated crate:
//! - `Cargo.toml`, `README.md`, `LICENSE`: one feature per tag plus the runtime's features;
//! - `src/lib.rs`: crate docs, the `Client` with one accessor per tag, the prelude, and the
//!   runtime: `pub use waldur_client_runtime as runtime` (a dependency, the default) or
//!   `pub mod runtime` (vendored);
//! - `src/runtime/` (vendored only): the hand-written runtime (`generator/runtime/src`), copied;
//! - `src/models/`: one file per tag for the types only that tag uses, `shared.rs` for the rest;
//! - `src/<tag>.rs`: the operations of a tag: a handle and one request builder per operation.

pub mod plan;
pub mod render;
pub mod runtime_api;
pub mod runtime_crate;

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::ir::{Api, Span};
use crate::{Diagnostic, Error};

/// What the generated crate is called and where its inputs came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub crate_name: String,
    pub crate_version: String,
    pub description: Option<String>,
    /// `repository` of the generated Cargo.toml.
    pub repository: Option<String>,
    /// The spec inputs as the user named them, relative (for the file headers).
    pub inputs: Vec<String>,
    /// Hex digest of every input byte (spec files and config), for the file headers.
    pub input_hash: String,
    /// The command the file headers name as the one that generated the crate.
    pub command: String,
    /// How the crate gets its runtime.
    pub runtime: RuntimeSource,
    /// Tag features on by default (Cargo feature names), with where the list was written;
    /// `None`: every tag.
    pub default_tags: Option<(Span, Vec<String>)>,
}

/// Where a generated crate's runtime comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeSource {
    /// A dependency on the runtime crate with a version requirement (the runtime this
    /// generator was built with, `^` semantics); `path`, relative to the generated crate, adds
    /// a path dependency for a crate built in the runtime's own workspace.
    Dependency { path: Option<String> },
    /// The runtime's sources copied into `src/runtime/`: one self-contained crate.
    Vendored,
}

impl Settings {
    pub fn new(crate_name: impl Into<String>, crate_version: impl Into<String>) -> Settings {
        Settings {
            crate_name: crate_name.into(),
            crate_version: crate_version.into(),
            description: None,
            repository: None,
            inputs: Vec::new(),
            input_hash: String::new(),
            command: "waldur-codegen generate".to_string(),
            runtime: RuntimeSource::Dependency { path: None },
            default_tags: None,
        }
    }

    pub fn with_runtime(mut self, runtime: RuntimeSource) -> Settings {
        self.runtime = runtime;
        self
    }

    /// The tag features on by default (Cargo feature names), with where the list was written
    /// (for its errors); by default every tag.
    pub fn with_default_tags(mut self, tags: Option<(Span, Vec<String>)>) -> Settings {
        self.default_tags = tags;
        self
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

    pub fn with_repository(mut self, repository: Option<String>) -> Settings {
        self.repository = repository;
        self
    }

    /// The command named in the file headers (`cargo xtask codegen`).
    pub fn with_command(mut self, command: impl Into<String>) -> Settings {
        self.command = command.into();
        self
    }
}

/// The version of this generator, printed in every file header.
pub const GENERATOR_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The plan of the crate for `api`, which must have been through [`crate::ir::passes::run`].
pub fn plan(api: &Api, settings: &Settings) -> plan::Plan {
    plan::build(api, settings, runtime_crate::manifest())
}

/// Emits every file of the crate. The IR must have been through [`crate::ir::passes::run`].
/// Warnings of the plan (a type decoded as any JSON value) are returned with the files; an
/// error of the plan is a bug of the passes and fails the call.
pub fn generate(
    api: &Api,
    settings: &Settings,
) -> Result<(BTreeMap<String, String>, Vec<Diagnostic>), Error> {
    let plan = plan(api, settings);
    if plan.diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Error::Invalid(plan.diagnostics));
    }
    let files = render::files(&plan)?;
    Ok((files, plan.diagnostics))
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// Where emission spends its time: planning and building token streams vs. formatting them.
/// Files are rendered on all cores, so the two shares are measured as CPU time and scaled to
/// the wall time of the whole call (they add up to it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EmitTimings {
    /// IR -> plan -> token streams (quote), including everything that is not formatting.
    pub tokens: Duration,
    /// Token streams -> text (syn parsing + prettyplease).
    pub format: Duration,
}

/// [`generate`], also reporting where the time went (for `cargo xtask bench`).
pub fn generate_timed(
    api: &Api,
    settings: &Settings,
) -> Result<(BTreeMap<String, String>, EmitTimings), Error> {
    render::FORMAT_NANOS.store(0, Ordering::Relaxed);
    render::JOB_NANOS.store(0, Ordering::Relaxed);
    let start = Instant::now();
    let (files, _) = generate(api, settings)?;
    let wall = start.elapsed();
    let format_cpu = render::FORMAT_NANOS.load(Ordering::Relaxed) as f64;
    let jobs = render::JOB_NANOS.load(Ordering::Relaxed) as f64;
    // CPU spent outside formatting: the jobs' time less their formatting, plus the serial part.
    let serial = wall.as_nanos() as f64 - jobs / threads() as f64;
    let tokens_cpu = (jobs - format_cpu).max(0.0) + serial.max(0.0);
    let share = if tokens_cpu + format_cpu > 0.0 {
        format_cpu / (tokens_cpu + format_cpu)
    } else {
        0.0
    };
    let format = wall.mul_f64(share);
    let _ = nanos;
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
