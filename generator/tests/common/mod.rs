//! Locating `../shared` (the corpus, schemas and recordings) for integration tests; see
//! `waldur_test_server::shared_dir` for the skip / require rules.
#![allow(dead_code)]

pub use waldur_test_server::shared_dir;

use std::path::{Path, PathBuf};

/// Every `.md` file below `dir`, depth first in sorted order (the loader's order).
pub fn md_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            e.unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .path()
        })
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            md_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}
