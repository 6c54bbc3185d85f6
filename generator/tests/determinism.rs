//! Determinism: generating twice gives byte-identical trees, in process and through the real
//! binary, for the seed page and (with `../shared`) for a whole Markdown snapshot and the
//! OpenAPI 8.0.5 schema; and a directory gives the same API as its pages listed one by one.
//!
//! No test here changes the current directory: the in-process runs use absolute paths (the
//! header then names absolute inputs, which is the same in both runs) and the binary is run
//! with `current_dir` set to the workspace root.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use waldur_codegen::config::Config;
use waldur_codegen::pipeline::{self, Generated};
use waldur_codegen::spec::{self, LoadOptions};

const MARKDOWN_SNAPSHOT: &str = "corpus/markdown/2026-06-30-d039cdd6";
const OPENAPI_SCHEMA: &str = "corpus/openapi/waldur-openapi-schema-8.0.5.yaml";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn generate(config: &Config, text: Option<&str>) -> Generated {
    pipeline::generate(config, text).unwrap_or_else(|e| panic!("generate: {e}"))
}

/// Asserts two generated trees are identical, naming the first file that differs (a plain
/// `assert_eq!` on two maps of whole crates prints megabytes).
fn assert_same_tree(what: &str, a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) {
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{what}: file lists differ"
    );
    for (rel, text) in a {
        assert!(b[rel] == *text, "{what}: {rel} differs between runs");
    }
}

/// Files of the seed crate: `Cargo.toml`, `README.md`, `LICENSE`, `src/lib.rs`, two model
/// files and one tag module (the runtime is a dependency).
fn crate_files() -> usize {
    7
}

/// A config for the seed page alone (the generator's fixed example page).
fn seed_config() -> (Config, String) {
    let path = root().join("spec/openstack-volumes.md");
    let mut config = Config::for_specs(vec![path]);
    config.runtime.path = Some("../generator/runtime".to_string());
    (
        config,
        "runtime: {path: ../generator/runtime}\n".to_string(),
    )
}

/// Files of the checked-in client, `generated-client/`.
fn client_files() -> usize {
    read_tree(&root().join("generated-client")).len()
}

#[test]
fn seed_in_process_twice_is_identical() {
    let (config, text) = seed_config();
    let first = generate(&config, Some(&text));
    let second = generate(&config, Some(&text));
    assert_eq!(first.files.len(), crate_files());
    assert_eq!(first.loaded.input_hash, second.loaded.input_hash);
    assert!(
        first.loaded.api == second.loaded.api,
        "IR differs between runs"
    );
    assert_same_tree("seed", &first.files, &second.files);
}

/// A fresh directory under Cargo's per-target temp dir, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("determinism-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every file under `dir` (relative `/`-separated path -> bytes).
fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .path();
            if path.is_dir() {
                walk(base, &path, out);
                continue;
            }
            let rel = path
                .strip_prefix(base)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            out.insert(rel, bytes);
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn cli_generate(out: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_waldur-codegen"))
        .current_dir(root())
        .args(["generate", "--config", "spec/codegen.yaml", "--out"])
        .arg(out)
        .output()
        .unwrap_or_else(|e| panic!("cannot run waldur-codegen: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "note: spec/reference/index.md: skipped: no '## Operations Summary' heading: not an API reference page\n\
             wrote {n} files to {} ({n} changed), 2225 operations, 1752 types\n",
            out.display(),
            n = client_files()
        )
    );
}

/// Two runs of the binary into two fresh directories write the same files, byte for byte;
/// and since `--config` names what `cargo xtask codegen` reads, that is also the checked-in
/// crate (the whole API).
#[test]
fn cli_generate_twice_writes_identical_trees() {
    let scratch = Scratch::new("cli");
    let (one, two) = (scratch.0.join("one"), scratch.0.join("two"));
    cli_generate(&one);
    cli_generate(&two);
    let first = read_tree(&one);
    let second = read_tree(&two);
    assert_eq!(first.len(), client_files());
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (rel, bytes) in &first {
        assert!(second[rel] == *bytes, "{rel} differs between runs");
        let checked_in = std::fs::read(root().join("generated-client").join(rel))
            .unwrap_or_else(|e| panic!("generated-client/{rel}: {e}"));
        // The headers and the crate docs name the command that wrote the files; nothing else
        // may differ.
        let cli = String::from_utf8_lossy(bytes).replace(
            "Generated by `waldur-codegen generate`",
            "Generated by `cargo xtask codegen`",
        );
        assert!(
            checked_in == cli.as_bytes(),
            "{rel}: the CLI writes something else than generated-client/ holds"
        );
    }
}

#[test]
fn markdown_snapshot_twice_is_identical() {
    let Some(shared) = common::shared_dir("determinism") else {
        return;
    };
    let config = Config::for_specs(vec![shared.join(MARKDOWN_SNAPSHOT)]);
    let first = generate(&config, None);
    let second = generate(&config, None);
    assert_eq!(first.loaded.api.operations.len(), 2225);
    assert_same_tree("markdown snapshot", &first.files, &second.files);
}

#[test]
fn openapi_schema_twice_is_identical() {
    let Some(shared) = common::shared_dir("determinism") else {
        return;
    };
    let config = Config::for_specs(vec![shared.join(OPENAPI_SCHEMA)]);
    let first = generate(&config, None);
    let second = generate(&config, None);
    assert_eq!(first.loaded.api.operations.len(), 2311);
    assert_same_tree("openapi 8.0.5", &first.files, &second.files);
}

/// The `.md` files under `dir`, recursively, as the loader would find them.
fn pages_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .path();
        if path.is_dir() {
            pages_under(&path, out);
        } else if path.extension().is_some_and(|x| x == "md") {
            out.push(path);
        }
    }
}

/// Reading a directory equals reading its pages listed explicitly in sorted order (the loader
/// sorts directory entries, so the file system's order never leaks into the output): same IR,
/// same input hash, same crate except the header line naming the inputs.
#[test]
fn directory_equals_its_pages_listed_in_sorted_order() {
    let Some(shared) = common::shared_dir("determinism") else {
        return;
    };
    let dir = shared.join(MARKDOWN_SNAPSHOT);
    let mut pages = Vec::new();
    pages_under(&dir, &mut pages);
    pages.sort();
    assert_eq!(pages.len(), 312);

    let from_dir = generate(&Config::for_specs(vec![dir.clone()]), None);
    let from_list = generate(&Config::for_specs(pages.clone()), None);
    assert_eq!(from_dir.loaded.files, from_list.loaded.files);
    assert_eq!(from_dir.loaded.input_hash, from_list.loaded.input_hash);
    assert_eq!(from_dir.loaded.notices, from_list.loaded.notices);
    assert!(from_dir.loaded.api == from_list.loaded.api, "IR differs");
    let without_inputs_line = |files: &BTreeMap<String, String>| -> BTreeMap<String, String> {
        files
            .iter()
            .map(|(rel, text)| {
                let kept: Vec<&str> = text
                    .split_inclusive('\n')
                    .filter(|l| !l.contains("Generated by `waldur-codegen generate` from "))
                    .collect();
                (rel.clone(), kept.concat())
            })
            .collect()
    };
    assert_same_tree(
        "directory vs sorted list",
        &without_inputs_line(&from_dir.files),
        &without_inputs_line(&from_list.files),
    );

    // Explicit arguments keep their order (the user's order is respected) and operations are
    // read in file order, so a reversed list changes the output by design: `api.sources` and
    // the `## Sources` list of `src/lib.rs`, the input hash in every header, and the order of
    // operations within a tag whose operations come from several pages (`src/admin.rs` in this
    // snapshot). Not asserted. What must not change is what the crate names and contains:
    // the set of operations and every named type (a reordering must never rename a model).
    pages.reverse();
    let reversed = spec::load(&pages, &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let ids = |loaded: &spec::Loaded| -> Vec<String> {
        let mut ids: Vec<String> = loaded
            .api
            .operations
            .iter()
            .map(|o| o.operation_id.clone())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&reversed), ids(&from_dir.loaded));
    assert!(
        reversed.api.types == from_dir.loaded.api.types,
        "reversing the input order changes the named types"
    );
}
