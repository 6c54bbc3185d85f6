//! `spec/codegen.yaml`: what to read and how to name the generated crate.
//!
//! ```yaml
//! specs: [openstack-volumes.md]     # pages, directories of pages or OpenAPI files, relative to this file
//! crate:
//!   name: waldur-client
//!   version: 0.1.0
//!   default_tags: [customers, projects]   # tag features on by default (default: every tag)
//! runtime:
//!   path: ../generator/runtime   # path dependency on the runtime, relative to the generated crate
//!   vendor: false                # true: copy the runtime into the crate instead
//! tags:                          # generate only some tags (default: all)
//!   include: [customers, projects]   # and/or exclude: [..]
//! overrides:
//!   types: { GeneratedName: WantedName }
//!   fields: { "OpenStackVolume.metadata": "object (free-form)" }
//! ```
//! Unknown keys are errors, so a typo never silently does nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::Error;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Spec inputs, relative to the config file's directory.
    pub specs: Vec<PathBuf>,
    #[serde(rename = "crate", default)]
    pub krate: CrateConfig,
    #[serde(default)]
    pub overrides: Overrides,
    /// Keep going past operations that cannot be generated (they are reported and left out).
    #[serde(default)]
    pub keep_going: bool,
    #[serde(default)]
    pub runtime: RuntimeConfig,
    /// Generate only some tags: `tags: {include: [customers, projects]}` or `{exclude: [..]}`.
    #[serde(default)]
    pub tags: crate::spec::TagFilter,
    /// The file this config was read from (for diagnostics), as the caller named it.
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

/// How the generated crate gets its runtime.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimeConfig {
    /// Copy the runtime's sources into the crate (`src/runtime/`) instead of depending on the
    /// runtime crate.
    #[serde(default)]
    pub vendor: bool,
    /// A path dependency on the runtime crate besides the version requirement, relative to the
    /// generated crate's directory (as Cargo reads it).
    #[serde(default)]
    pub path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrateConfig {
    #[serde(default = "default_crate_name")]
    pub name: String,
    #[serde(default = "default_crate_version")]
    pub version: String,
    /// `description` of the generated Cargo.toml.
    #[serde(default)]
    pub description: Option<String>,
    /// `repository` of the generated Cargo.toml (where the generated crate is published from).
    #[serde(default)]
    pub repository: Option<String>,
    /// The tag features on by default; absent: every tag.
    #[serde(default)]
    pub default_tags: Option<Vec<String>>,
}

impl Default for CrateConfig {
    fn default() -> Self {
        CrateConfig {
            name: default_crate_name(),
            version: default_crate_version(),
            description: None,
            repository: None,
            default_tags: None,
        }
    }
}

fn default_crate_name() -> String {
    "waldur-client".to_string()
}

fn default_crate_version() -> String {
    "0.1.0".to_string()
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    /// Generated type name -> wanted type name.
    #[serde(default)]
    pub types: BTreeMap<String, String>,
    /// `"TypeName.field"` -> type string in the pages' grammar (`string (uuid)`, `any`, ...).
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

impl Config {
    /// A config for plain `--spec` arguments, with defaults for everything else.
    pub fn for_specs(specs: Vec<PathBuf>) -> Config {
        Config {
            specs,
            krate: CrateConfig::default(),
            overrides: Overrides::default(),
            keep_going: false,
            runtime: RuntimeConfig::default(),
            tags: crate::spec::TagFilter::default(),
            path: None,
        }
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config, Error> {
        let config: Config = serde_yaml::from_str(text).map_err(|e| {
            let message = e.to_string();
            match e.location() {
                // The location goes in front, `file:line:column`, as in every other diagnostic.
                Some(loc) => Error::Config {
                    path: format!("{}:{}:{}", path.display(), loc.line(), loc.column()),
                    message: message
                        .rsplit_once(" at line ")
                        .map_or(message.clone(), |(m, _)| m.to_string()),
                },
                None => Error::Config {
                    path: path.display().to_string(),
                    message,
                },
            }
        })?;
        if config.specs.is_empty() {
            return Err(Error::Config {
                path: path.display().to_string(),
                message: "`specs` lists no inputs".into(),
            });
        }
        Ok(config)
    }

    /// Reads a config file; its `specs` become paths relative to the current directory.
    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let mut config = Config::parse(path, &text)?;
        config.path = Some(path.to_path_buf());
        let base = path.parent().unwrap_or(Path::new(""));
        for spec in &mut config.specs {
            *spec = base.join(&*spec);
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_keys() {
        let c = Config::parse(
            Path::new("codegen.yaml"),
            "specs: [a.md, pages/]\ncrate: {name: x, version: 1.2.3}\noverrides:\n  types: {A: B}\n  fields: {\"A.f\": any}\n",
        )
        .unwrap();
        assert_eq!(
            c.specs,
            vec![PathBuf::from("a.md"), PathBuf::from("pages/")]
        );
        assert_eq!(c.krate.name, "x");
        assert_eq!(c.overrides.types["A"], "B");
        assert_eq!(c.overrides.fields["A.f"], "any");
    }

    #[test]
    fn rejects_unknown_keys_with_line() {
        let err = Config::parse(
            Path::new("codegen.yaml"),
            "specs: [a.md]\ncrate:\n  nmae: x\n",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "codegen.yaml:3:3: invalid config: crate: unknown field `nmae`, expected one of `name`, `version`, `description`, `repository`, `default_tags`"
        );
    }
}
