//! `cargo xtask diff [--format markdown|json] [--allow-broken] [<OLD> <NEW>]`.
//!
//! Without paths it compares `spec/` as committed at `HEAD` with `spec/` in the working tree:
//! the committed files are written (via `git show HEAD:spec/<file>`) into a temporary
//! directory, which is removed afterwards. With two paths it compares those. Like
//! `waldur-codegen diff`, a spec that loaded with errors or holds no operation is an error
//! unless `--allow-broken` is given.

use std::path::{Path, PathBuf};
use std::process::Command;

use waldur_codegen::config::Config;
use waldur_codegen::diff::cli::{Side, load_spec, load_specs};
use waldur_codegen::diff::{ApiDiff, render_json, render_markdown, with_rust_items};
use waldur_codegen::ir::Api;
use waldur_codegen::ir::passes::PassOptions;

const USAGE: &str = "usage: cargo xtask diff [--format markdown|json] [--allow-broken] [<OLD> <NEW>]\n\
                     without paths: compares spec/ at HEAD with the working tree";

pub fn run(args: &[String]) -> Result<(), String> {
    let mut json = false;
    let mut allow_broken = false;
    let mut paths = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            "--format" => match it.next().map(String::as_str) {
                Some("markdown") => json = false,
                Some("json") => json = true,
                other => {
                    return Err(format!(
                        "--format: expected `markdown` or `json`, found {}\n{USAGE}",
                        other.map_or_else(|| "nothing".to_owned(), |o| format!("`{o}`"))
                    ));
                }
            },
            "--allow-broken" | "--keep-going" => allow_broken = true,
            flag if flag.starts_with('-') => {
                return Err(format!("unknown option `{flag}`\n{USAGE}"));
            }
            path => paths.push(PathBuf::from(path)),
        }
    }
    let d = match paths.as_slice() {
        [] => head_vs_worktree(&workspace_root())?,
        [old, new] => with_items(
            &load_api(old, Side::OLD.allow_broken(allow_broken))?,
            &load_api(new, Side::NEW.allow_broken(allow_broken))?,
            &PassOptions::default(),
        ),
        _ => {
            return Err(format!(
                "expected no paths or two paths, found {}\n{USAGE}",
                paths.len()
            ));
        }
    };
    print!(
        "{}",
        if json {
            render_json(&d)
        } else {
            render_markdown(&d)
        }
    );
    Ok(())
}

/// The workspace root: the parent of this package's manifest directory.
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Compares `spec/` at `HEAD` of the repository at `root` with `spec/` in its working tree.
/// `cargo xtask codegen` prints [`waldur_codegen::diff::summary_paragraph`] of this.
pub fn head_vs_worktree(root: &Path) -> Result<ApiDiff, String> {
    let tmp = TempDir::new("waldur-xtask-diff")?;
    let old_spec = materialise_head_spec(root, tmp.path())?;
    let (old, _) = load_spec_dir(&old_spec, Side::OLD)?;
    let (new, options) = load_spec_dir(&root.join("spec"), Side::NEW)?;
    Ok(with_items(&old, &new, &options))
}

/// [`with_rust_items`], saying on stderr when the Rust items could not be compared.
fn with_items(old: &Api, new: &Api, options: &PassOptions) -> ApiDiff {
    let (d, unplanned) = with_rust_items(old, new, options);
    if let Some(why) = unplanned {
        eprintln!("note: Rust items not compared: {why}");
    }
    d
}

/// The API a `spec/` directory describes: the inputs its `codegen.yaml` lists (every page in
/// the directory without one), and the type renames the config gives the crate's models. The
/// config's field overrides are not applied: the diff compares what the specs say
/// (`waldur_codegen::diff::cli::load_specs`).
fn load_spec_dir(spec: &Path, side: Side) -> Result<(Api, PassOptions), String> {
    let config_path = spec.join("codegen.yaml");
    if !config_path.is_file() {
        return Ok((load_api(spec, side)?, PassOptions::default()));
    }
    let config = Config::load(&config_path).map_err(|e| e.to_string())?;
    let api = load_specs(&config.specs, side, &mut std::io::stderr()).map_err(|e| e.to_string())?;
    Ok((
        api,
        PassOptions {
            rename_types: config.overrides.types.clone(),
        },
    ))
}

/// Writes the files of `spec/` at `HEAD` below `dest`; returns `dest/spec`.
fn materialise_head_spec(root: &Path, dest: &Path) -> Result<PathBuf, String> {
    let listing = git(
        root,
        &["ls-tree", "-r", "-z", "--name-only", "HEAD", "--", "spec/"],
    )?;
    let spec = dest.join("spec");
    std::fs::create_dir_all(&spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    for name in listing.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let name = std::str::from_utf8(name)
            .map_err(|_| format!("git ls-tree: a file name under spec/ is not UTF-8: {name:?}"))?;
        let contents = git(root, &["show", &format!("HEAD:{name}")])?;
        let target = dest.join(name);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&target, contents).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    Ok(spec)
}

pub fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {} failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out.stdout)
}

/// Loads a spec the way `waldur-codegen diff` does: problems are printed to stderr, and a spec
/// that loaded with errors or holds no operation fails unless the side allows it.
fn load_api(path: &Path, side: Side) -> Result<Api, String> {
    let mut stderr = std::io::stderr();
    load_spec(path, side, &mut stderr).map_err(|e| e.to_string())
}

/// A directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(prefix: &str) -> Result<TempDir, String> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(TempDir(dir))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Best effort: a leftover temp dir is harmless and must not hide the real result.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_git(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "git {args:?} failed in {}", dir.display());
    }

    #[test]
    fn materialises_the_committed_spec() {
        let repo = TempDir::new("xtask-diff-test").unwrap_or_else(|e| panic!("{e}"));
        let root = repo.path();
        std::fs::create_dir_all(root.join("spec/sub")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(root.join("spec/a.md"), "committed a\n").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(root.join("spec/sub/b.md"), "committed b\n")
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(root.join("other.md"), "not spec\n").unwrap_or_else(|e| panic!("{e}"));
        run_git(root, &["init", "-q"]);
        run_git(root, &["add", "."]);
        run_git(root, &["commit", "-q", "-m", "init"]);
        std::fs::write(root.join("spec/a.md"), "edited a\n").unwrap_or_else(|e| panic!("{e}"));

        let out = TempDir::new("xtask-diff-out").unwrap_or_else(|e| panic!("{e}"));
        let spec = materialise_head_spec(root, out.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(spec, out.path().join("spec"));
        let read = |p: &str| std::fs::read_to_string(out.path().join(p)).unwrap_or_default();
        assert_eq!(read("spec/a.md"), "committed a\n");
        assert_eq!(read("spec/sub/b.md"), "committed b\n");
        assert!(!out.path().join("other.md").exists());
    }

    #[test]
    fn rejects_bad_arguments() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            run(&args(&["only-one"])),
            Err(format!("expected no paths or two paths, found 1\n{USAGE}"))
        );
        assert_eq!(
            run(&args(&["--format", "yaml"])),
            Err(format!(
                "--format: expected `markdown` or `json`, found `yaml`\n{USAGE}"
            ))
        );
        assert_eq!(
            run(&args(&["--fast"])),
            Err(format!("unknown option `--fast`\n{USAGE}"))
        );
        assert_eq!(
            run(&args(&["--allow-broken", "one"])),
            Err(format!("expected no paths or two paths, found 1\n{USAGE}"))
        );
    }
}
