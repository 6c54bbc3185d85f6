//! Where `../shared` (the page snapshots, schemas and recordings) is, as the tests find it.

use std::path::{Path, PathBuf};

/// `$WALDUR_SHARED`, else `<workspace>/../shared`, when it holds `corpus/`; absolute, so
/// spans and messages name it plainly.
pub fn locate(root: &Path) -> Result<PathBuf, PathBuf> {
    let dir = std::env::var_os("WALDUR_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared"));
    if dir.join("corpus").is_dir() {
        Ok(std::fs::canonicalize(&dir).unwrap_or(dir))
    } else {
        Err(dir)
    }
}

/// CI sets `WALDUR_REQUIRE_SHARED=1`: there a missing corpus is a failure, never a skip.
pub fn required() -> bool {
    std::env::var_os("WALDUR_REQUIRE_SHARED").is_some_and(|v| v == "1")
}

/// `../shared` for `task`, or `None` after printing that the task is skipped; with
/// [`required`], a missing corpus is an error instead.
pub fn locate_for(root: &Path, task: &str) -> Result<Option<PathBuf>, String> {
    match locate(root) {
        Ok(dir) => Ok(Some(dir)),
        Err(dir) if required() => Err(format!(
            "WALDUR_REQUIRE_SHARED=1 but {} has no corpus/",
            dir.display()
        )),
        Err(dir) => {
            println!(
                "{task}: skipped: {} not found (set WALDUR_SHARED)",
                dir.display()
            );
            Ok(None)
        }
    }
}
