//! The hand-written runtime (`generator/runtime`, the crate `waldur-client-runtime`) as the
//! generator sees it: its version, features and dependencies, read from its own `Cargo.toml`,
//! and its source files, for a crate that vendors it instead of depending on it.
//!
//! Both are embedded when the generator is built, so a generator binary always emits crates
//! for the runtime it was built with.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use toml_edit::{DocumentMut, Item, Table};

/// The runtime's package name: what a generated crate depends on.
pub const PACKAGE: &str = "waldur-client-runtime";

/// Every `runtime/src/*.rs` file, `(file name, text)`, sorted by name (see `build.rs`).
static FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/runtime_files.rs"));

const CARGO_TOML: &str = include_str!("../../runtime/Cargo.toml");

/// What the runtime's `Cargo.toml` says that a generated crate repeats.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    pub version: String,
    /// `major.minor.patch` of [`Manifest::version`].
    pub semver: (u64, u64, u64),
    /// `[features]` in the file's order, `default` excluded.
    pub features: Vec<Feature>,
    /// The entries of `default = [..]`.
    pub default_features: Vec<String>,
    /// `[dependencies]`, in the file's order.
    pub dependencies: Vec<Dependency>,
}

/// One dependency of the runtime: `name = value`, and the comment above it.
#[derive(Debug, Clone, PartialEq)]
pub struct Dependency {
    pub name: String,
    /// The requirement as TOML (`"1"`, `{ version = "1", features = ["derive"] }`).
    pub value: String,
    /// The comment lines above it, `#` included.
    pub comment: Vec<String>,
}

/// One feature of the runtime: its name, what it enables, and the comment above it.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub name: String,
    pub enables: Vec<String>,
    /// The comment lines above it, `#` included.
    pub comment: Vec<String>,
}

impl Manifest {
    /// A dependency by name.
    pub fn dependency(&self, name: &str) -> Option<&Dependency> {
        self.dependencies.iter().find(|d| d.name == name)
    }

    /// The features' names, `default` excluded.
    pub fn feature_names(&self) -> Vec<String> {
        self.features.iter().map(|f| f.name.clone()).collect()
    }
}

/// The runtime's manifest, parsed once.
pub fn manifest() -> &'static Manifest {
    static MANIFEST: OnceLock<Manifest> = OnceLock::new();
    // The text is the runtime's own Cargo.toml, embedded at build time and parsed by a test:
    // it is part of this program, not an input.
    MANIFEST.get_or_init(|| parse(CARGO_TOML).expect("the runtime's Cargo.toml parses"))
}

fn parse(text: &str) -> Result<Manifest, String> {
    let doc: DocumentMut = text.parse().map_err(|e| format!("Cargo.toml: {e}"))?;
    let version = doc
        .get("package")
        .and_then(|p| p.get("version"))
        .and_then(Item::as_str)
        .ok_or("Cargo.toml: no package.version")?
        .to_string();
    let semver = {
        let core = version.split(['-', '+']).next().unwrap_or_default();
        let parts: Vec<u64> = core.split('.').filter_map(|p| p.parse().ok()).collect();
        match parts[..] {
            [a, b, c] => (a, b, c),
            _ => {
                return Err(format!(
                    "Cargo.toml: version {version:?} is not major.minor.patch"
                ));
            }
        }
    };
    let table = |name: &str| -> Result<&Table, String> {
        doc.get(name)
            .and_then(Item::as_table)
            .ok_or_else(|| format!("Cargo.toml: no [{name}] table"))
    };
    let strings = |item: &Item| -> Vec<String> {
        item.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut features = Vec::new();
    let mut default_features = Vec::new();
    for (key, item) in table("features")?.iter() {
        if key == "default" {
            default_features = strings(item);
            continue;
        }
        let comment = table("features")?
            .key(key)
            .and_then(|k| k.leaf_decor().prefix())
            .and_then(|p| p.as_str())
            .map(comment_lines)
            .unwrap_or_default();
        features.push(Feature {
            name: key.to_string(),
            enables: strings(item),
            comment,
        });
    }
    let deps = table("dependencies")?;
    let dependencies = deps
        .iter()
        .map(|(key, item)| {
            let comment = deps
                .key(key)
                .and_then(|k| k.leaf_decor().prefix())
                .and_then(|p| p.as_str())
                .map(comment_lines)
                .unwrap_or_default();
            let value = item
                .as_value()
                .map(|v| v.to_string().trim().to_string())
                .unwrap_or_default();
            Dependency {
                name: key.to_string(),
                value,
                comment,
            }
        })
        .collect();
    Ok(Manifest {
        version,
        semver,
        features,
        default_features,
        dependencies,
    })
}

/// The `#` lines of a key's leading decor, trimmed.
fn comment_lines(prefix: &str) -> Vec<String> {
    prefix
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// The runtime's source files as they are: `(file name, text)`, sorted by name.
pub fn source_files() -> &'static [(&'static str, &'static str)] {
    FILES
}

/// The runtime's source files as a vendored `src/runtime/` module: `lib.rs` becomes `mod.rs`,
/// and the paths of its exported macro go through the module (`$crate` is then the generated
/// crate, which holds the runtime as `runtime`). Keyed by file name.
pub fn vendored_files() -> BTreeMap<String, String> {
    FILES
        .iter()
        .map(|(name, text)| {
            let name = if *name == "lib.rs" { "mod.rs" } else { name };
            (
                name.to_string(),
                text.replace("$crate::", "$crate::runtime::"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embeds_every_runtime_file() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/runtime/src");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let embedded: Vec<&str> = FILES.iter().map(|(n, _)| *n).collect();
        assert_eq!(embedded, on_disk);
        let vendored = vendored_files();
        assert!(vendored.contains_key("mod.rs") && !vendored.contains_key("lib.rs"));
    }

    #[test]
    fn reads_the_runtime_manifest() {
        let m = manifest();
        let (major, minor, patch) = m.semver;
        assert_eq!(m.version, format!("{major}.{minor}.{patch}"));
        assert_eq!(m.default_features, ["rustls-tls"]);
        assert_eq!(
            m.feature_names(),
            ["blocking", "rustls-tls", "native-tls", "tracing", "mock"]
        );
        let blocking = &m.features[0];
        assert_eq!(blocking.enables, ["tokio/rt-multi-thread"]);
        assert_eq!(
            blocking.comment,
            [
                "# `.wait()` on request builders: calls without async (a shared multi-threaded tokio runtime)."
            ]
        );
        let serde = m.dependency("serde").unwrap();
        assert_eq!(serde.value, "{ version = \"1\", features = [\"derive\"] }");
        assert!(serde.comment.is_empty());
        let chrono = m.dependency("chrono").unwrap();
        assert_eq!(chrono.comment.len(), 2, "{chrono:?}");
        assert!(m.dependency("reqwest").is_some());
    }

    #[test]
    fn vendored_macro_paths_go_through_the_module() {
        let files = vendored_files();
        let model = &files["model.rs"];
        assert!(model.contains("impl $crate::runtime::LenientModel for $model"));
        assert!(!model.contains("$crate::LenientModel"));
    }
}
