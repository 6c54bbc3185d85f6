//! The whole generator as one call: config -> IR -> files. Used by the CLI and by `xtask`.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::emit::{self, Settings};
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

/// Loads the specs a config names, applies its overrides and emits the crate.
/// `config_text` (the config file's bytes, when there is one) is part of the input hash.
pub fn generate(config: &Config, config_text: Option<&str>) -> Result<Generated, Error> {
    let options = LoadOptions {
        keep_going: config.keep_going,
        passes: PassOptions {
            rename_types: config.overrides.types.clone(),
        },
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
    let inputs = config
        .specs
        .iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    let settings = Settings::new(&config.krate.name, &config.krate.version)
        .with_description(config.krate.description.clone())
        .with_inputs(inputs, hash);
    let files = emit::generate(&loaded.api, &settings)?;
    Ok(Generated { files, loaded })
}
