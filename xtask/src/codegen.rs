//! `cargo xtask codegen [--check | --bump]`: `spec/` -> `generated-client/`; `--bump` first
//! sets the crate version the API change calls for (`crate::bump`).
//!
//! Write and check share one code path (`output::sync_dir`), so `--check` fails exactly when a
//! plain run would change something. The test at the bottom makes `cargo test` fail on drift.

use std::collections::{BTreeMap, BTreeSet};
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
/// Fixture specs (each a directory with a `codegen.yaml`), generated into [`FIXTURE_OUT`].
pub const FIXTURES: &str = "generator/tests/fixtures";
pub const FIXTURE_OUT: &str = "generator/tests/output";

/// One generated crate: its config and its output directory, relative to the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub config: String,
    pub out: String,
    /// A fixture is built to raise diagnostics (an untagged operation, odd enums): its
    /// warnings are expected, counted, and printed only with `WALDUR_SHOW_WARNINGS=1`.
    pub fixture: bool,
}

/// Every fixture crate (sorted by name), then the client from `spec/`: its line is printed
/// last, where a user who changed `spec/` looks for it.
pub fn targets(root: &Path) -> Result<Vec<Target>, String> {
    let mut out = Vec::new();
    let dir = root.join(FIXTURES);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("codegen.yaml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    out.extend(names.into_iter().map(|name| Target {
        config: format!("{FIXTURES}/{name}/codegen.yaml"),
        out: format!("{FIXTURE_OUT}/{name}"),
        fixture: true,
    }));
    out.push(Target {
        config: CONFIG.to_string(),
        out: OUT.to_string(),
        fixture: false,
    });
    Ok(out)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let mode = match args {
        [] => Mode::Write,
        [flag] if flag == "--check" => Mode::Check,
        [flag] if flag == "--bump" => {
            // Before generating: the version is part of the crate's files.
            println!("{}", crate::bump::run(&root())?);
            Mode::Write
        }
        _ => return Err("usage: cargo xtask codegen [--check | --bump]".to_string()),
    };
    let mut stale = Vec::new();
    let mut client_changed = false;
    let mut renamed = None;
    for target in targets(&root())? {
        // The client's files as they were, to tell what a rewrite removed from its public names.
        let before = (mode == Mode::Write && target.out == OUT).then(|| read_sources(&target.out));
        let changes = sync(&target, mode)?;
        if let Some(before) = before {
            renamed = name_changes(&target.out, &before, &changes).paragraph(10);
        }
        match mode {
            Mode::Check if changes.is_empty() => {
                println!("{}/ is up to date with {}", target.out, target.config)
            }
            Mode::Check => stale.push(describe_drift(&target, &changes)),
            Mode::Write => {
                if changes.is_empty() {
                    println!("{}/ is already up to date", target.out);
                }
                for c in &changes {
                    match c {
                        Change::Created(p) => println!("created {}/{p}", target.out),
                        Change::Updated { path, .. } => println!("updated {}/{path}", target.out),
                        Change::Deleted(p) => println!("deleted {}/{p}", target.out),
                    }
                }
                client_changed |= target.out == OUT && !changes.is_empty();
            }
        }
    }
    if !stale.is_empty() {
        return Err(stale.join("\n"));
    }
    if client_changed {
        // The API change behind the regenerated client, against the committed spec.
        match crate::diff::head_vs_worktree(&root()) {
            Ok(d) => println!("\n{}", waldur_codegen::diff::summary_paragraph(&d)),
            Err(e) => eprintln!("note: no API change summary: {e}"),
        }
    }
    if let Some(paragraph) = renamed {
        println!("\n{paragraph}");
    }
    Ok(())
}

/// The `.rs` files under `out`, by path relative to it (`src/lib.rs`).
fn read_sources(out: &str) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut stack = vec![PathBuf::from(out).join("src")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && let (Ok(text), Ok(rel)) =
                    (std::fs::read_to_string(&path), path.strip_prefix(out))
            {
                files.insert(rel.to_string_lossy().replace('\\', "/"), text);
            }
        }
    }
    files
}

/// The public names the changed files had before (`before`) and have now (on disk, just
/// written). Only changed files are read: a name can move only between files that changed.
fn name_changes(
    out: &str,
    before: &BTreeMap<String, String>,
    changes: &[Change],
) -> crate::surface::NameChanges {
    let per_file = waldur_codegen::parallel::map(changes, |change| {
        let path = change.path();
        let old = before
            .get(path)
            .map(|text| crate::surface::public_names(path, text))
            .unwrap_or_default();
        let new = std::fs::read_to_string(Path::new(out).join(path))
            .map(|text| crate::surface::public_names(path, &text))
            .unwrap_or_default();
        (old, new)
    });
    let mut old = BTreeSet::new();
    let mut new = BTreeSet::new();
    for (o, n) in per_file {
        old.extend(o);
        new.extend(n);
    }
    crate::surface::NameChanges::between(&old, &new)
}

/// Generates one target from its config and syncs its output directory in the given mode.
pub fn sync(target: &Target, mode: Mode) -> Result<Vec<Change>, String> {
    let root = root();
    // Spec paths in headers and spans are relative to the root, the same on every machine.
    std::env::set_current_dir(&root).map_err(|e| format!("{}: {e}", root.display()))?;
    let config_path = Path::new(&target.config);
    let text =
        std::fs::read_to_string(config_path).map_err(|e| format!("{}: {e}", target.config))?;
    let config = Config::load(config_path).map_err(|e| e.to_string())?;
    // Phases on stderr, so that a run is never silent (the cold build before it is cargo's,
    // which prints its own progress).
    let started = Instant::now();
    eprintln!(
        "codegen: generating from {} ({} input(s))...",
        target.config,
        config.specs.len()
    );
    let generated = pipeline::generate_by(&config, Some(&text), "cargo xtask codegen")
        .map_err(|e| e.to_string())?;
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
    let warnings: Vec<_> = generated
        .loaded
        .diagnostics
        .iter()
        .filter(|d| !d.is_error())
        .collect();
    let show = std::env::var_os("WALDUR_SHOW_WARNINGS").is_some_and(|v| v == "1");
    if target.fixture && !show {
        if !warnings.is_empty() {
            eprintln!(
                "codegen: {} diagnostic(s) the fixture is built to raise (WALDUR_SHOW_WARNINGS=1 shows them)",
                warnings.len()
            );
        }
    } else {
        for d in warnings {
            eprintln!("warning: {d}");
        }
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
    let changes = output::sync_dir(Path::new(&target.out), &generated.files, mode)
        .map_err(|e| e.to_string())?;
    eprintln!(
        "codegen: {} {}/ in {:.2} s",
        match mode {
            Mode::Check => "compared with",
            Mode::Write => "synced",
        },
        target.out,
        started.elapsed().as_secs_f64()
    );
    Ok(changes)
}

fn describe_drift(target: &Target, changes: &[Change]) -> String {
    let out_dir = &target.out;
    let mut out = format!(
        "{out_dir}/ is stale: {} files differ from what {} produces\n",
        changes.len(),
        target.config
    );
    for c in changes.iter().take(20) {
        match c {
            Change::Created(p) => out.push_str(&format!("missing: {out_dir}/{p}\n")),
            Change::Deleted(p) => out.push_str(&format!("no longer generated: {out_dir}/{p}\n")),
            Change::Updated { path, diff } => {
                out.push_str(&format!("differs: {out_dir}/{path}\n{diff}"))
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
    /// `cargo test` fails when a checked-in crate (the client or a fixture) is stale, like
    /// `cargo xtask codegen --check`.
    #[test]
    fn generated_crates_are_fresh() {
        let targets = super::targets(&super::root()).unwrap();
        assert!(targets.len() >= 4, "{targets:?}");
        assert_eq!(
            targets.last().map(|t| t.out.as_str()),
            Some(super::OUT),
            "the client's line comes last"
        );
        for target in targets {
            let changes = super::sync(&target, super::Mode::Check).unwrap();
            assert!(
                changes.is_empty(),
                "{}",
                super::describe_drift(&target, &changes)
            );
        }
    }
}
