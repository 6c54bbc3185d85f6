//! `cargo xtask codegen [--check]`: `spec/` -> `generated-client/`.
//!
//! Write and check share one code path (`output::sync_dir`), so `--check` fails exactly when a
//! plain run would change something. The test at the bottom makes `cargo test` fail on drift.

use std::path::{Path, PathBuf};
use std::time::Instant;

use waldur_codegen::config::Config;
use waldur_codegen::output::{self, Change, Mode};
use waldur_codegen::pipeline;

/// The workspace root (this crate lives in `<root>/xtask`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

pub const CONFIG: &str = "spec/codegen.yaml";
pub const OUT: &str = "generated-client";

pub fn run(args: &[String]) -> Result<(), String> {
    let mode = match args {
        [] => Mode::Write,
        [flag] if flag == "--check" => Mode::Check,
        _ => return Err("usage: cargo xtask codegen [--check]".to_string()),
    };
    let changes = sync(mode)?;
    match mode {
        Mode::Check if changes.is_empty() => {
            println!("{OUT}/ is up to date with {CONFIG}");
            Ok(())
        }
        Mode::Check => Err(describe_drift(&changes)),
        Mode::Write => {
            if changes.is_empty() {
                println!("{OUT}/ is already up to date");
            }
            for c in &changes {
                match c {
                    Change::Created(p) => println!("created {OUT}/{p}"),
                    Change::Updated { path, .. } => println!("updated {OUT}/{path}"),
                    Change::Deleted(p) => println!("deleted {OUT}/{p}"),
                }
            }
            if !changes.is_empty() {
                // The API change behind the regenerated client, against the committed spec.
                match crate::diff::head_vs_worktree(&root()) {
                    Ok(d) => println!("\n{}", waldur_codegen::diff::summary_paragraph(&d)),
                    Err(e) => eprintln!("note: no API change summary: {e}"),
                }
            }
            Ok(())
        }
    }
}

/// Generates from `spec/codegen.yaml` and syncs `generated-client/` in the given mode.
pub fn sync(mode: Mode) -> Result<Vec<Change>, String> {
    let root = root();
    // Spec paths in headers and spans are relative to the root, the same on every machine.
    std::env::set_current_dir(&root).map_err(|e| format!("{}: {e}", root.display()))?;
    let text = std::fs::read_to_string(CONFIG).map_err(|e| format!("{CONFIG}: {e}"))?;
    let config = Config::load(Path::new(CONFIG)).map_err(|e| e.to_string())?;
    // Phases on stderr, so that a run is never silent (the cold build before it is cargo's,
    // which prints its own progress).
    let started = Instant::now();
    eprintln!(
        "codegen: generating from {CONFIG} ({} input(s))...",
        config.specs.len()
    );
    let generated = pipeline::generate(&config, Some(&text)).map_err(|e| e.to_string())?;
    eprintln!(
        "codegen: generated {} files ({} operations, {} types) in {:.2} s",
        generated.files.len(),
        generated.loaded.api.operations.len(),
        generated.loaded.api.types.len(),
        started.elapsed().as_secs_f64()
    );
    for n in &generated.loaded.notices {
        eprintln!("note: {n}");
    }
    for d in generated
        .loaded
        .diagnostics
        .iter()
        .filter(|d| !d.is_error())
    {
        eprintln!("warning: {d}");
    }
    let errors: Vec<String> = generated
        .loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("error: {d}"))
        .collect();
    if !errors.is_empty() {
        // `keep_going: true` in the config gets here: the client must not silently lose
        // operations, so the checked-in crate is never written from a partial spec.
        return Err(format!(
            "{}\n{} problems: the operations they are in could not be generated",
            errors.join("\n"),
            errors.len()
        ));
    }
    let started = Instant::now();
    let changes =
        output::sync_dir(Path::new(OUT), &generated.files, mode).map_err(|e| e.to_string())?;
    eprintln!(
        "codegen: {} {OUT}/ in {:.2} s",
        match mode {
            Mode::Check => "compared with",
            Mode::Write => "synced",
        },
        started.elapsed().as_secs_f64()
    );
    Ok(changes)
}

fn describe_drift(changes: &[Change]) -> String {
    let mut out = format!(
        "{OUT}/ is stale: {} files differ from what {CONFIG} produces\n",
        changes.len()
    );
    for c in changes.iter().take(20) {
        match c {
            Change::Created(p) => out.push_str(&format!("missing: {OUT}/{p}\n")),
            Change::Deleted(p) => out.push_str(&format!("no longer generated: {OUT}/{p}\n")),
            Change::Updated { path, diff } => {
                out.push_str(&format!("differs: {OUT}/{path}\n{diff}"))
            }
        }
    }
    if changes.len() > 20 {
        out.push_str(&format!("... and {} more files\n", changes.len() - 20));
    }
    out.push_str("run `cargo xtask codegen` and commit the result");
    out
}

#[cfg(test)]
mod tests {
    /// `cargo test` fails when the checked-in client is stale, like `cargo xtask codegen --check`.
    #[test]
    fn generated_client_is_fresh() {
        let changes = super::sync(super::Mode::Check).unwrap();
        assert!(changes.is_empty(), "{}", super::describe_drift(&changes));
    }
}
