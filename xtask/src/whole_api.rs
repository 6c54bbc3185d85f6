//! `cargo xtask whole-api`: the whole Waldur API as one generated crate, checked by the compiler.
//!
//! Generates a crate from the newest Markdown snapshot and one from the OpenAPI 8.0.5 schema
//! (both in `../shared`) into `target/whole-api/`, then runs `cargo build` on each with all
//! features (a build, not only a check: `cargo xtask live` links its harnesses against it),
//! `cargo check` with a single tag feature, and `cargo doc` with rustdoc's warnings denied (the
//! spec's own text is in the docs: it must be escaped so that rustdoc reads it as text; the
//! Markdown crate's docs are those of `generated-client/`, which CI documents). Any
//! error, any warning in the generated crate, or any operation left out fails the task. CI runs
//! it; the crates are never committed.

use std::collections::BTreeMap;
use std::path::Path;

use waldur_codegen::config::Config;
use waldur_codegen::output::{self, Mode};
use waldur_codegen::pipeline::{self, Generated};

use crate::codegen::root;

/// The inputs, relative to `../shared`.
pub const INPUTS: &[(&str, &str)] = &[
    ("markdown", "corpus/markdown/2026-06-30-d039cdd6"),
    ("openapi", "corpus/openapi/waldur-openapi-schema-8.0.5.yaml"),
];

/// The tag compiled alone to show that features really cut the crate down.
const ONE_TAG: &str = "openstack-volumes";

pub fn run(args: &[String]) -> Result<(), String> {
    if !args.is_empty() {
        return Err("usage: cargo xtask whole-api".to_string());
    }
    let root = root();
    let Some(shared) = crate::shared::locate_for(&root, "whole-api")? else {
        return Ok(());
    };
    let work = root.join("target/whole-api");
    for (name, input) in INPUTS {
        let crate_dir = work.join(name);
        generate(&shared.join(input), &crate_dir)?;
        check(&root, &crate_dir, &["build", "--all-features"])?;
        check(
            &root,
            &crate_dir,
            &["check", "--no-default-features", "--features", ONE_TAG],
        )?;
        if *name == "markdown" {
            // The checked-in client is this same snapshot (`spec/reference/`), and CI
            // documents it with all features, rustdoc warnings denied: once is enough.
            println!(
                "cargo doc {}: skipped, generated-client/ is the same reference and CI documents it",
                crate_dir.display()
            );
        } else {
            doc(&root, &crate_dir)?;
        }
    }
    println!("whole-API crates compile without errors or warnings");
    Ok(())
}

/// Generates the crate of `input` into `out`, with the workspace's `Cargo.lock` (so that it
/// builds with the same dependency versions, and so the same built dependencies, as the
/// workspace); returns the config it used and what it generated.
pub fn generate(input: &Path, out: &Path) -> Result<(Config, Generated), String> {
    generate_with(input, out, |_, _| Ok(BTreeMap::new()))
}

/// [`generate`], with files of the caller's (`extra`, given the config and what was
/// generated) written into the crate too. Files already as they should be are left alone, so
/// cargo finds nothing to rebuild.
pub fn generate_with(
    input: &Path,
    out: &Path,
    extra: impl FnOnce(&Config, &Generated) -> Result<BTreeMap<String, String>, String>,
) -> Result<(Config, Generated), String> {
    let mut config = Config::for_specs(vec![input.to_path_buf()]);
    config.runtime.path = Some(runtime_path_from(out));
    let generated = pipeline::generate(&config, None).map_err(|e| e.to_string())?;
    if generated.loaded.diagnostics.iter().any(|d| d.is_error()) {
        return Err(format!(
            "{}: {} diagnostics",
            input.display(),
            generated.loaded.diagnostics.len()
        ));
    }
    let mut files = generated.files.clone();
    let lock = root().join("Cargo.lock");
    files.insert(
        "Cargo.lock".to_string(),
        std::fs::read_to_string(&lock).map_err(|e| format!("{}: {e}", lock.display()))?,
    );
    files.extend(extra(&config, &generated)?);
    output::sync_dir(out, &files, Mode::Write).map_err(|e| e.to_string())?;
    let lines: usize = generated.files.values().map(|f| f.lines().count()).sum();
    println!(
        "generated {} ({} operations, {} types, {} files, {lines} lines) from {}",
        out.display(),
        generated.loaded.api.operations.len(),
        generated.loaded.api.types.len(),
        generated.files.len(),
        input.display()
    );
    Ok((config, generated))
}

/// The path of this workspace's runtime crate as a crate generated into `out` names it
/// (relative, as in a checked-in `Cargo.toml`).
pub fn runtime_path_from(out: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let out = if out.is_absolute() {
        out.to_path_buf()
    } else {
        cwd.join(out)
    };
    pipeline::relative_display(&root().join("generator/runtime"), &out)
}

/// The environment of every cargo command on the whole-API crates (and of the live harnesses
/// that link against them): their own target directory, no debug info (most of a debug build
/// of a 16 MB crate, and nobody debugs it), no incremental state.
pub fn build_env(root: &Path) -> [(&'static str, std::ffi::OsString); 3] {
    [
        (
            "CARGO_TARGET_DIR",
            root.join("target/whole-api/target").into_os_string(),
        ),
        ("CARGO_PROFILE_DEV_DEBUG", "false".into()),
        ("CARGO_INCREMENTAL", "0".into()),
    ]
}

/// `cargo <command> <flags>`; fails on any diagnostic of the generated crate (dependencies'
/// lints are capped by cargo, so what is printed is ours).
fn check(root: &Path, crate_dir: &Path, command: &[&str]) -> Result<(), String> {
    let start = std::time::Instant::now();
    let out = crate::cargo()
        .args(&command[..1])
        .args(["--quiet", "--message-format=short"])
        .args(&command[1..])
        .current_dir(crate_dir)
        .envs(build_env(root))
        .output()
        .map_err(|e| format!("running cargo check: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let problems: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("warning") || l.contains("error"))
        .collect();
    let label = format!("{} ({})", crate_dir.display(), command[1..].join(" "));
    if !out.status.success() || !problems.is_empty() {
        return Err(format!("cargo {} of {label} failed:\n{stderr}", command[0]));
    }
    println!(
        "cargo {} {label}: clean in {:.1} s",
        command[0],
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `cargo doc --no-deps --all-features` with `RUSTDOCFLAGS=-D warnings`.
fn doc(root: &Path, crate_dir: &Path) -> Result<(), String> {
    let start = std::time::Instant::now();
    let out = crate::cargo()
        .args(["doc", "--quiet", "--no-deps", "--all-features"])
        .current_dir(crate_dir)
        .envs(build_env(root))
        .env("RUSTDOCFLAGS", "-D warnings")
        .output()
        .map_err(|e| format!("running cargo doc: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() || stderr.lines().any(|l| l.contains("warning")) {
        return Err(format!(
            "cargo doc of {} failed:\n{stderr}",
            crate_dir.display()
        ));
    }
    println!(
        "cargo doc {} (rustdoc warnings denied): clean in {:.1} s",
        crate_dir.display(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
