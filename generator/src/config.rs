//! `spec/codegen.yaml`: what to read and how to name the generated crate.
