//! The whole generator as one call: config -> IR -> files. Used by the CLI and by `xtask`.

use std::collections::BTreeMap;
use std::path::{Component, Path};

use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::emit::{self, RuntimeSource, Settings};
use crate::ir::Span;
use crate::ir::passes::PassOptions;
use crate::spec::{self, LoadOptions, Loaded};
use crate::{Error, overrides};

/// What one run produced.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Relative path -> contents of every file of the crate.
    pub files: BTreeMap<String, String>,
    pub loaded: Loaded,
}

/// Loads the specs a config names, applies its overrides and emits the crate; the file headers
/// name `waldur-codegen generate` as the command. `config_text` (the config file's bytes, when
/// there is one) is part of the input hash.
pub fn generate(config: &Config, config_text: Option<&str>) -> Result<Generated, Error> {
    generate_by(config, config_text, "waldur-codegen generate")
}

/// [`generate`], with the file headers naming `command` (`cargo xtask codegen`).
pub fn generate_by(
    config: &Config,
    config_text: Option<&str>,
    command: &str,
) -> Result<Generated, Error> {
    let options = LoadOptions {
        keep_going: config.keep_going,
        passes: PassOptions {
            rename_types: config.overrides.types.clone(),
        },
        tags: config.tags.clone(),
    };
    let mut loaded = spec::load(&config.specs, &options)?;
    overrides::apply_field_types(&mut loaded.api, &config.overrides.fields)?;
    let mut hasher = Sha256::new();
    hasher.update(loaded.input_hash.as_bytes());
    if let Some(text) = config_text {
        hasher.update(text.replace("\r\n", "\n").as_bytes());
    }
    let hash: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let cwd = std::env::current_dir().unwrap_or_default();
    let inputs = config
        .specs
        .iter()
        .map(|p| relative_display(p, &cwd))
        .collect();
    let settings = Settings::new(&config.krate.name, &config.krate.version)
        .with_description(config.krate.description.clone())
        .with_repository(config.krate.repository.clone())
        .with_inputs(inputs, hash)
        .with_command(command)
        .with_runtime(if config.runtime.vendor {
            RuntimeSource::Vendored
        } else {
            RuntimeSource::Dependency {
                path: config.runtime.path.clone(),
            }
        })
        .with_default_tags(
            config
                .krate
                .default_tags
                .clone()
                .map(|tags| (default_tags_span(config, config_text), tags)),
        );
    let (files, warnings) = emit::generate(&loaded.api, &settings)?;
    loaded.diagnostics.extend(warnings);
    Ok(Generated { files, loaded })
}

/// Where `default_tags` is written in the config (its errors point there).
fn default_tags_span(config: &Config, text: Option<&str>) -> Span {
    let line = text
        .and_then(|t| {
            t.lines()
                .position(|l| l.trim_start().starts_with("default_tags"))
        })
        .map_or(0, |i| i as u32 + 1);
    Span {
        file: config
            .path
            .as_ref()
            .map_or_else(|| "codegen.yaml".to_string(), |p| p.display().to_string()),
        line,
    }
}

/// `path` relative to `base` (with `..` where needed), `/`-separated: file headers never
/// carry a machine's absolute paths.
pub fn relative_display(path: &Path, base: &Path) -> String {
    let joined;
    let path = if path.is_absolute() {
        path
    } else {
        joined = base.join(path);
        &joined
    };
    let normal = |p: &Path| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in p.components() {
            match c {
                Component::ParentDir => {
                    out.pop();
                }
                Component::Normal(s) => out.push(s.to_string_lossy().into_owned()),
                Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
            }
        }
        out
    };
    let (p, b) = (normal(path), normal(base));
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_string(); b.len() - common];
    parts.extend(p[common..].iter().cloned());
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_paths_are_shown_relative() {
        let base = Path::new("/work/main");
        assert_eq!(relative_display(Path::new("spec/a.md"), base), "spec/a.md");
        assert_eq!(
            relative_display(Path::new("/work/shared/corpus/x.yaml"), base),
            "../shared/corpus/x.yaml"
        );
        assert_eq!(
            relative_display(Path::new("/work/main/./spec/../spec/a.md"), base),
            "spec/a.md"
        );
    }
}
