//! Emitters: IR -> Rust source files of the generated crate.
