//! insta snapshots of the seed page (`spec/openstack-volumes.md`, the generator's fixed
//! example) in the IR: as the front end reads it and after the passes. The generated files have no snapshots
//! of their own: the checked-in `generated-client/` and `generator/tests/output/` are the
//! snapshots, and they must equal the generator's output byte for byte (here and in
//! `cargo xtask codegen --check`). The crate docs must carry the provenance, and a vendored
//! runtime must be exactly the runtime's sources.
//!
//! Paths in spans and headers are relative to the workspace root (that is how `cargo xtask
//! codegen` runs), so every test switches the process's current directory to the root while
//! holding [`AT_ROOT`]: tests of one binary run in parallel threads that share the directory.
//!
//! Update snapshots with `INSTA_UPDATE=always cargo test -p waldur-codegen --test
//! seed_snapshots`, then review the `.snap` diffs; with `CI=true` a mismatch fails instead.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use sha2::{Digest, Sha256};
use waldur_codegen::config::Config;
use waldur_codegen::pipeline::{self, Generated};
use waldur_codegen::spec::{self, LoadOptions};

/// The page the project started from: its IR is snapshotted.
const SEED: &str = "spec/openstack-volumes.md";
/// The orders fixture generated with the runtime vendored.
const VENDORED: &str = "generator/tests/output/orders-vendored";
const CONFIG: &str = "spec/codegen.yaml";
const CLIENT: &str = "generated-client";
const RUNTIME_SRC: &str = "generator/runtime/src";

/// Serialises the tests that change the current directory.
static AT_ROOT: Mutex<()> = Mutex::new(());

/// Locks [`AT_ROOT`] and makes the workspace root the current directory until the guard drops.
fn at_root() -> MutexGuard<'static, ()> {
    // A test that panicked while holding the lock left the directory at the root all the same.
    let guard = AT_ROOT.lock().unwrap_or_else(|e| e.into_inner());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::env::set_current_dir(&root).unwrap_or_else(|e| panic!("{}: {e}", root.display()));
    guard
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn generate_from_config() -> Generated {
    let config = Config::load(Path::new(CONFIG)).unwrap_or_else(|e| panic!("{CONFIG}: {e}"));
    pipeline::generate_by(&config, Some(&read(CONFIG)), "cargo xtask codegen")
        .unwrap_or_else(|e| panic!("generate: {e}"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn ir_after_passes() {
    let _root = at_root();
    let loaded = spec::load(&[PathBuf::from(SEED)], &LoadOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    assert!(loaded.notices.is_empty(), "{:?}", loaded.notices);
    assert_eq!(loaded.files, vec![SEED.to_string()]);
    let yaml = serde_yaml::to_string(&loaded.api).unwrap_or_else(|e| panic!("{e}"));
    insta::assert_snapshot!("ir_after_passes", yaml);
}

#[test]
fn raw_front_end_ir() {
    let _root = at_root();
    let loaded = spec::read(&[PathBuf::from(SEED)], &LoadOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    // The front end names nothing: every type is still inline until the passes hoist it.
    assert!(loaded.api.types.is_empty(), "{:?}", loaded.api.types.keys());
    let yaml = serde_yaml::to_string(&loaded.api).unwrap_or_else(|e| panic!("{e}"));
    insta::assert_snapshot!("raw_front_end_ir", yaml);
}

/// The crate docs of `generated-client` (the whole reference) say where the crate comes from: the command, every input, the sha256 over
/// them (recomputed here from the bytes on disk) and the config, and the generator's version.
#[test]
fn crate_docs_carry_the_provenance() {
    let _root = at_root();
    let generated = generate_from_config();
    // sha256 over (path, 0, bytes, 0) of each input in read order, then over that hex and the
    // config text.
    let mut inputs = Sha256::new();
    for file in &generated.loaded.files {
        inputs.update(file.as_bytes());
        inputs.update([0]);
        inputs.update(std::fs::read(file).unwrap_or_else(|e| panic!("{file}: {e}")));
        inputs.update([0]);
    }
    let input_hash = hex(&inputs.finalize());
    assert_eq!(generated.loaded.input_hash, input_hash);
    assert!(
        generated.loaded.files.len() > 300,
        "{}",
        generated.loaded.files.len()
    );
    assert!(
        generated
            .loaded
            .files
            .iter()
            .all(|f| f.starts_with("spec/reference/"))
    );
    let mut all = Sha256::new();
    all.update(input_hash.as_bytes());
    all.update(read(CONFIG).as_bytes());
    let provenance = format!(
        "//! Generated by `cargo xtask codegen` from spec/reference (inputs sha256 {}) with \
         waldur-codegen {}.\n",
        hex(&all.finalize()),
        env!("CARGO_PKG_VERSION"),
    );
    assert!(
        generated.files["src/lib.rs"].contains(&provenance),
        "{provenance}"
    );
    // The header of every other file names no input and no hash: a doc change rewrites only
    // the files it affects.
    let header = "// Generated by `cargo xtask codegen`; its inputs, their sha256 and the generator's \
                  version are in the crate docs (src/lib.rs).\n\
                  // Do not edit by hand: change the spec or the generator and regenerate.\n";
    for (rel, text) in &generated.files {
        if rel.ends_with(".rs") {
            assert!(text.starts_with(header), "{rel}");
        }
    }
    // The runtime is a dependency: no copy of it in the crate.
    assert!(
        !generated
            .files
            .keys()
            .any(|rel| rel.starts_with("src/runtime/"))
    );
}

/// A crate that vendors the runtime (the orders fixture, built both ways) holds each runtime
/// file as the header plus its source, byte for byte (`lib.rs` as `mod.rs`), its exported
/// macro's `$crate::` paths going through the `runtime` module.
#[test]
fn vendored_runtime_files_are_header_plus_runtime_source() {
    let _root = at_root();
    let header = "// Generated by `cargo xtask codegen`; its inputs, their sha256 and the generator's \
                  version are in the crate docs (src/lib.rs).\n\
                  // Do not edit by hand: change the spec or the generator and regenerate.\n\n";
    let mut runtime_sources: Vec<String> = std::fs::read_dir(RUNTIME_SRC)
        .unwrap_or_else(|e| panic!("{RUNTIME_SRC}: {e}"))
        .map(|e| {
            e.unwrap_or_else(|e| panic!("{RUNTIME_SRC}: {e}"))
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    runtime_sources.sort();
    let mut expected = BTreeMap::new();
    for name in &runtime_sources {
        let source = read(&format!("{RUNTIME_SRC}/{name}"));
        let target = if name == "lib.rs" { "mod.rs" } else { name };
        expected.insert(
            target.to_string(),
            format!(
                "{header}{}",
                source.replace("$crate::", "$crate::runtime::")
            ),
        );
    }
    let mut actual = BTreeMap::new();
    let dir = Path::new(VENDORED).join("src/runtime");
    collect(&dir, &dir, &mut actual);
    assert_eq!(
        actual.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (rel, want) in &expected {
        assert!(
            actual[rel] == want.as_bytes(),
            "{VENDORED}/src/runtime/{rel} is not the header plus its runtime source: run `cargo xtask codegen`"
        );
    }
    assert!(expected["model.rs"].contains("impl $crate::runtime::LenientModel for $model"));
}

/// What `cargo xtask codegen --check` checks: the checked-in crate is exactly what the
/// pipeline produces (so it also equals the snapshots above), with no extra files.
#[test]
fn generated_client_on_disk_is_byte_identical() {
    let _root = at_root();
    let generated = generate_from_config();
    let mut on_disk = BTreeMap::new();
    collect(Path::new(CLIENT), Path::new(CLIENT), &mut on_disk);
    assert_eq!(
        on_disk.keys().collect::<Vec<_>>(),
        generated.files.keys().collect::<Vec<_>>(),
        "files of {CLIENT}/"
    );
    for (rel, bytes) in &on_disk {
        assert!(
            *bytes == generated.files[rel].as_bytes(),
            "{CLIENT}/{rel} differs from the generator's output: run `cargo xtask codegen`"
        );
    }
}

/// Every file under `dir` except `target/` and dot-files (which `output::sync_dir` also
/// leaves alone), keyed by its `/`-separated path relative to `base`.
fn collect(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.starts_with('.') || (dir == base && name == "target") {
            continue;
        }
        if path.is_dir() {
            collect(base, &path, out);
        } else {
            let rel = path
                .strip_prefix(base)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            out.insert(rel, bytes);
        }
    }
}
