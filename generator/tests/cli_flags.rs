//! The command line as a new user meets it: every option of every subcommand has help text in
//! `--help`, and `generate` names the crate without a config file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_waldur-codegen"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run waldur-codegen: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The entries of the `Arguments:` and `Options:` sections of a help text, each with its help
/// (the rest of its line, or the next line when clap puts the help below the flag).
fn entries(help: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = help.lines().collect();
    let mut out = Vec::new();
    let mut in_section = false;
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            in_section = matches!(*line, "Arguments:" | "Options:" | "Commands:");
            continue;
        }
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        // Entries are indented 2 (`-h`, `<OLD>`, commands) or 6 (`--long`); help text of
        // long-form help sits at 10.
        if !in_section || indent > 6 || trimmed.is_empty() {
            continue;
        }
        let (name, rest) = match trimmed.split_once("  ") {
            Some((name, rest)) => (name.trim(), rest.trim()),
            None => (trimmed, ""),
        };
        let help = if rest.is_empty() {
            lines.get(i + 1).map_or("", |l| l.trim()).to_owned()
        } else {
            rest.to_owned()
        };
        out.push((name.to_owned(), help));
    }
    out
}

#[test]
fn every_option_of_every_subcommand_has_help_text() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let mut seen = Vec::new();
    for sub in [&[][..], &["parse"], &["generate"], &["diff"]] {
        let mut args = sub.to_vec();
        args.push("--help");
        let out = run(dir, &args);
        assert_eq!(out.status.code(), Some(0));
        let help = text(&out.stdout);
        let entries = entries(&help);
        assert!(!entries.is_empty(), "no options found in:\n{help}");
        for (name, description) in &entries {
            assert!(
                !description.is_empty() && !description.starts_with('-'),
                "`waldur-codegen {} --help`: {name} has no help text:\n{help}",
                sub.join(" ")
            );
            seen.push(format!("{} {name}", sub.join(" ")));
        }
    }
    // The parser found the options that matter (so an empty check cannot pass by accident).
    for wanted in [
        " parse",
        " generate",
        "parse --spec <SPECS>...",
        "parse --format <FORMAT>",
        "generate --out <OUT>",
        "generate --crate-name <CRATE_NAME>",
        "generate --crate-version <CRATE_VERSION>",
        "generate --keep-going",
        "generate --vendor-runtime",
        "generate --runtime-path <RUNTIME_PATH>",
        "diff <OLD>",
        "diff --fail-on <FAIL_ON>",
    ] {
        assert!(
            seen.iter().any(|s| s == wanted),
            "{wanted} not in {seen:#?}"
        );
    }
}

/// A fresh directory under Cargo's per-target temp dir, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("cli-flags-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn seed() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../spec/openstack-volumes.md")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn generate_names_the_crate_without_a_config_file() {
    let scratch = Scratch::new("name");
    let seed = seed();
    let out = run(
        &scratch.0,
        &[
            "generate",
            "--spec",
            &seed,
            "--out",
            "out",
            "--crate-name",
            "acme-waldur",
            "--crate-version",
            "2.3.0-rc.1",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let cargo = std::fs::read_to_string(scratch.0.join("out/Cargo.toml")).unwrap();
    assert!(
        cargo.contains("\nname = \"acme-waldur\"\nversion = \"2.3.0-rc.1\"\n"),
        "{cargo}"
    );
    let lib = std::fs::read_to_string(scratch.0.join("out/src/lib.rs")).unwrap();
    assert!(lib.contains("//! # acme-waldur\n"), "{lib}");
    assert!(lib.contains("acme_waldur::Client::new("), "{lib}");
}

#[test]
fn the_flags_override_the_config_and_change_the_recorded_hash() {
    let scratch = Scratch::new("override");
    let seed = seed();
    std::fs::write(
        scratch.0.join("codegen.yaml"),
        format!("specs: [{seed:?}]\ncrate:\n  name: from-config\n  version: 0.9.0\n"),
    )
    .unwrap();
    let generate = |extra: &[&str], out: &str| {
        let mut args = vec!["generate", "--config", "codegen.yaml", "--out", out];
        args.extend_from_slice(extra);
        let o = run(&scratch.0, &args);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        std::fs::read_to_string(scratch.0.join(out).join("Cargo.toml")).unwrap()
    };
    let plain = generate(&[], "a");
    let flagged = generate(&["--crate-version", "1.0.0"], "b");
    assert!(
        plain.contains("\nname = \"from-config\"\nversion = \"0.9.0\"\n"),
        "{plain}"
    );
    assert!(
        flagged.contains("\nname = \"from-config\"\nversion = \"1.0.0\"\n"),
        "{flagged}"
    );
    // The provenance, with the hash of the inputs and the settings, is in the crate docs.
    let hash = |out: &str| {
        let lib = std::fs::read_to_string(scratch.0.join(out).join("src/lib.rs")).unwrap();
        lib.lines()
            .find(|l| l.contains("(inputs sha256 "))
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("no provenance in {out}/src/lib.rs: {lib}"))
    };
    assert_ne!(hash("a"), hash("b"));
}

#[test]
fn invalid_crate_names_and_versions_are_refused_with_the_rule() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let seed = seed();
    let out = run(
        dir,
        &[
            "generate",
            "--spec",
            &seed,
            "--out",
            "x",
            "--crate-name",
            "9lives",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: invalid value '9lives' for '--crate-name <CRATE_NAME>': a crate name is 1 to 64 \
         ASCII letters, digits, '-' or '_', starting with a letter\n\n\
         For more information, try '--help'.\n"
    );
    for bad in ["1.0", "01.0.0", "1.0.0-", "1.0.0+b!", "v1.0.0"] {
        let out = run(
            dir,
            &[
                "generate",
                "--spec",
                &seed,
                "--out",
                "x",
                "--crate-version",
                bad,
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert_eq!(
            text(&out.stderr),
            format!(
                "error: invalid value '{bad}' for '--crate-version <CRATE_VERSION>': {bad:?} is \
                 not a semantic version such as 0.1.0 or 1.2.3-rc.1\n\n\
                 For more information, try '--help'.\n"
            )
        );
    }
    assert!(!dir.join("x").exists());
}

/// By default the crate depends on the runtime crate by version (what a user outside this
/// workspace gets from crates.io); `--runtime-path` adds a path; `--vendor-runtime` copies the
/// runtime in, with its dependencies and features, and no dependency on the runtime crate.
#[test]
fn the_runtime_is_a_dependency_or_vendored() {
    let scratch = Scratch::new("runtime");
    let seed = seed();
    let generate = |extra: &[&str], out: &str| {
        let mut args = vec!["generate", "--spec", &seed, "--out", out];
        args.extend_from_slice(extra);
        let output = run(&scratch.0, &args);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        let cargo = std::fs::read_to_string(scratch.0.join(out).join("Cargo.toml")).unwrap();
        let lib = std::fs::read_to_string(scratch.0.join(out).join("src/lib.rs")).unwrap();
        (cargo, lib, scratch.0.join(out).join("src/runtime").exists())
    };
    let (cargo, lib, vendored) = generate(&[], "dep");
    assert!(
        cargo.contains(
            "\nwaldur-client-runtime = { version = \"0.2.0\", default-features = false }\n"
        ),
        "{cargo}"
    );
    assert!(
        cargo.contains("\nblocking = [\"waldur-client-runtime/blocking\"]\n"),
        "{cargo}"
    );
    assert!(cargo.contains("\nserde = { version = \"1\", features = [\"derive\"] }\n"));
    assert!(!cargo.contains("\nreqwest = "), "{cargo}");
    assert!(
        lib.contains("pub use waldur_client_runtime as runtime;"),
        "{lib}"
    );
    assert!(
        lib.contains(
            "const _: () = runtime::version::require(\"waldur-client\", 0u64, 2u64, 0u64);"
        ),
        "{lib}"
    );
    assert!(!vendored);

    let (cargo, _, _) = generate(&["--runtime-path", "../runtime"], "path");
    assert!(
        cargo.contains("\nwaldur-client-runtime = { version = \"0.2.0\", path = \"../runtime\", default-features = false }\n"),
        "{cargo}"
    );

    let (cargo, lib, vendored) = generate(&["--vendor-runtime"], "vendored");
    assert!(!cargo.contains("waldur-client-runtime"), "{cargo}");
    assert!(
        cargo.contains("\nblocking = [\"tokio/rt-multi-thread\"]\n"),
        "{cargo}"
    );
    assert!(
        cargo.contains("\nreqwest = { version = \"0.12\""),
        "{cargo}"
    );
    assert!(lib.contains("pub mod runtime;"), "{lib}");
    assert!(vendored);
    let model = std::fs::read_to_string(scratch.0.join("vendored/src/runtime/model.rs")).unwrap();
    assert!(model.contains("impl $crate::runtime::LenientModel for $model"));

    let output = run(
        &scratch.0,
        &[
            "generate",
            "--spec",
            &seed,
            "--out",
            "x",
            "--vendor-runtime",
            "--runtime-path",
            "y",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains(
            "the argument '--vendor-runtime' cannot be used with '--runtime-path <RUNTIME_PATH>'"
        ),
        "{}",
        text(&output.stderr)
    );
}

/// `crate.default_tags` picks the tags on by default; one that is not a tag is an error that
/// points at the config line and names a real feature; a call of an accessor whose feature is
/// off is a compile error naming the feature (the crate's hidden `disabled` traits).
#[test]
fn default_tags_choose_the_default_features() {
    let scratch = Scratch::new("default-tags");
    let seed = seed();
    let config = |tags: &str| {
        std::fs::write(
            scratch.0.join("codegen.yaml"),
            format!("specs: [{seed:?}]\ncrate:\n  name: x\n  default_tags: [{tags}]\n"),
        )
        .unwrap();
        run(
            &scratch.0,
            &["generate", "--config", "codegen.yaml", "--out", "out"],
        )
    };
    let output = config("");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let cargo = std::fs::read_to_string(scratch.0.join("out/Cargo.toml")).unwrap();
    assert!(cargo.contains("\ndefault = [\"rustls-tls\"]\n"), "{cargo}");
    assert!(cargo.contains("\nopenstack-volumes = []\n"), "{cargo}");
    let lib = std::fs::read_to_string(scratch.0.join("out/src/lib.rs")).unwrap();
    assert!(
        lib.contains("message = \"`Client::openstack_volumes()` needs the Cargo feature `openstack-volumes` of `x`\""),
        "{lib}"
    );
    assert!(
        lib.contains("note = \"enable it in Cargo.toml: add \\\"openstack-volumes\\\" to the `features` of the `x` dependency\""),
        "{lib}"
    );
    assert!(
        lib.contains("for<'a> &'a Client: disabled::OpenstackVolumesFeature"),
        "{lib}"
    );

    let output = config("openstack-volumes");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let cargo = std::fs::read_to_string(scratch.0.join("out/Cargo.toml")).unwrap();
    assert!(
        cargo.contains("\ndefault = [\"rustls-tls\", \"openstack-volumes\"]\n"),
        "{cargo}"
    );

    let output = config("volumes");
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stderr).lines().next(),
        Some(
            "error: codegen.yaml:4: default tag feature `volumes` is not a tag feature of this crate (the features are the tags' names in kebab case, such as `openstack-volumes`)"
        )
    );
}

/// `tags: {include, exclude}` generates only some tags; a tag is named as the spec writes it or
/// as its feature; a name that is no tag is an error, never an empty or a full crate.
#[test]
fn tags_include_and_exclude_choose_what_is_generated() {
    let scratch = Scratch::new("tags");
    let things = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pages/gadgets.md")
        .to_string_lossy()
        .into_owned();
    let seed = seed();
    let generate = |tags: &str| {
        std::fs::write(
            scratch.0.join("codegen.yaml"),
            format!("specs: [{seed:?}, {things:?}]\ncrate: {{name: x}}\ntags: {tags}\n"),
        )
        .unwrap();
        let _ = std::fs::remove_dir_all(scratch.0.join("out"));
        run(
            &scratch.0,
            &["generate", "--config", "codegen.yaml", "--out", "out"],
        )
    };
    let features = |out: &Output| {
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let cargo = std::fs::read_to_string(scratch.0.join("out/Cargo.toml")).unwrap();
        cargo
            .lines()
            .skip_while(|l| !l.starts_with("# One feature per tag"))
            .skip(1)
            .take_while(|l| !l.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        features(&generate("{}")),
        ["gadgets = []", "openstack-volumes = []"]
    );
    assert_eq!(
        features(&generate("{include: [openstack_volumes]}")),
        ["openstack-volumes = []"]
    );
    assert_eq!(
        features(&generate("{exclude: [openstack-volumes]}")),
        ["gadgets = []"]
    );
    let out = generate("{include: [volumes]}");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "error: codegen.yaml: invalid config: tags.include: `volumes` is no tag of the spec (a tag as the spec writes it, or its feature name, such as `gadgets`)\n"
    );
}
