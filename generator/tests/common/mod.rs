//! Locating `../shared` (the corpus, schemas and recordings) for integration tests.
//!
//! A user's clone has no `../shared`: tests that need it print that they were skipped. CI sets
//! `WALDUR_REQUIRE_SHARED=1`, which turns a missing `../shared` into a failure.
#![allow(dead_code)]

use std::path::PathBuf;

/// `$WALDUR_SHARED`, else `<workspace>/../shared`; `None` (after printing a skip notice) when
/// it is missing and not required.
pub fn shared_dir(test: &str) -> Option<PathBuf> {
    let dir = match std::env::var_os("WALDUR_SHARED") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    };
    if dir.join("corpus").is_dir() {
        return Some(dir);
    }
    if std::env::var_os("WALDUR_REQUIRE_SHARED").is_some_and(|v| v == "1") {
        panic!(
            "{test}: WALDUR_REQUIRE_SHARED=1 but {} has no corpus/",
            dir.display()
        );
    }
    eprintln!(
        "{test}: skipped: {} not found (set WALDUR_SHARED to run it)",
        dir.display()
    );
    None
}
