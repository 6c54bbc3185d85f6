//! `waldur-codegen`: reads the Waldur API reference (Markdown pages or an OpenAPI schema),
//! lowers it into an intermediate model ([`ir`]) and emits a typed async Rust client crate.
//!
//! The stages are separate modules that talk only through the IR:
//!
//! - [`markdown`] and [`openapi`]: front ends, input text -> [`ir::Api`];
//! - [`ir::passes`]: hoisting, deduplication and naming of types;
//! - [`emit`]: [`ir::Api`] -> Rust files (quote + prettyplease);
//! - [`diff`]: compares two [`ir::Api`]s and classifies the changes.
#![forbid(unsafe_code)]

pub mod config;
pub mod diagnostic;
pub mod diff;
pub mod emit;
pub mod ir;
pub mod markdown;
pub mod openapi;
pub mod output;
pub mod overrides;
pub mod parallel;
pub mod pipeline;
pub mod spec;

pub use diagnostic::{Diagnostic, Error, Severity};
