//! `cargo xtask test [ARGS]`: `cargo test --workspace --all-features --exclude waldur-client
//! [ARGS]`, then one line counting the tests that were skipped for want of `../shared`.
//!
//! The generated client is the whole API and has no tests of its own; the suites that use it
//! enable the tags they need. Selecting it here would turn on all of its tags and compile the
//! whole API a second time for the tests; `cargo clippy` and `cargo doc` with all features
//! check it whole (see `.ci/run`).
//!
//! Tests that need the shared corpus call `waldur_test_server::shared_dir`, which leaves a
//! marker file in `$WALDUR_SKIP_DIR` when it skips; this task points that variable at an empty
//! directory under `target/`, runs the tests, and counts the markers.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where the markers go: `<target dir>/waldur-skips`.
fn skip_dir(root: &Path) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let target = if target.is_absolute() {
        target
    } else {
        root.join(target)
    };
    target.join("waldur-skips")
}

pub fn run(args: &[String]) -> Result<(), String> {
    let root = crate::codegen::root();
    let skips = skip_dir(&root);
    if skips.exists() {
        std::fs::remove_dir_all(&skips).map_err(|e| format!("{}: {e}", skips.display()))?;
    }
    let status = crate::cargo()
        .current_dir(&root)
        .args([
            "test",
            "--workspace",
            "--all-features",
            "--exclude",
            "waldur-client",
        ])
        .args(args)
        .env("WALDUR_SKIP_DIR", &skips)
        .status()
        .map_err(|e| format!("cannot run cargo test: {e}"))?;
    let line = summary(&read_markers(&skips));
    println!("{line}");
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo test failed ({status})"))
    }
}

/// `(test, missing directory)` of every marker, in file name order.
fn read_markers(dir: &Path) -> Vec<(String, String)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .map(|text| {
            let mut lines = text.lines();
            let test = lines.next().unwrap_or("").to_owned();
            let missing = lines.next().unwrap_or("").to_owned();
            (test, missing)
        })
        .collect()
}

/// The closing line: `0 tests skipped for want of ../shared`, or with the count, the missing
/// directory and the skipped tests (by corpus, with counts).
fn summary(markers: &[(String, String)]) -> String {
    let n = markers.len();
    let tests = if n == 1 { "test" } else { "tests" };
    if n == 0 {
        return format!("0 {tests} skipped for want of ../shared");
    }
    let mut by_corpus: BTreeMap<&str, usize> = BTreeMap::new();
    for (test, _) in markers {
        let corpus = test.split(':').next().unwrap_or(test);
        *by_corpus.entry(corpus).or_default() += 1;
    }
    let listed: Vec<String> = by_corpus
        .iter()
        .map(|(corpus, k)| {
            if *k == 1 {
                (*corpus).to_owned()
            } else {
                format!("{corpus} x{k}")
            }
        })
        .collect();
    format!(
        "{n} {tests} skipped for want of ../shared ({} not found; set WALDUR_SHARED=<dir>): {}",
        markers[0].1,
        listed.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::summary;

    fn marker(test: &str) -> (String, String) {
        (test.to_owned(), "/work/shared".to_owned())
    }

    #[test]
    fn the_closing_line_counts_skips_by_corpus() {
        assert_eq!(summary(&[]), "0 tests skipped for want of ../shared");
        assert_eq!(
            summary(&[marker("replay: replays_recorded_traffic")]),
            "1 test skipped for want of ../shared (/work/shared not found; set \
             WALDUR_SHARED=<dir>): replay"
        );
        assert_eq!(
            summary(&[
                marker("determinism: a"),
                marker("markdown_corpus: b"),
                marker("determinism: c"),
            ]),
            "3 tests skipped for want of ../shared (/work/shared not found; set \
             WALDUR_SHARED=<dir>): determinism x2, markdown_corpus"
        );
    }
}
