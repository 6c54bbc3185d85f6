//! `waldur-codegen diff <OLD> <NEW> [--format markdown|json] [--fail-on breaking|any]`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{ApiDiff, diff, render_json, render_markdown};
use crate::Error;
use crate::ir::Api;
use crate::ir::passes::PassOptions;
use crate::spec::{LoadOptions, load};

/// Compares two specs and prints the changes.
#[derive(Debug, Clone, clap::Args)]
pub struct DiffArgs {
    /// The old spec: a Markdown page, a directory of pages, or an OpenAPI file
    /// (.yaml, .yml, .json).
    pub old: PathBuf,
    /// The new spec, in any of the same forms.
    pub new: PathBuf,
    /// Output format: a Markdown report for a pull-request comment, or the JSON format
    /// documented in `waldur_codegen::diff`.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    pub format: Format,
    /// Exit with status 1 when some change breaks callers on the wire or breaks the generated
    /// crate (`breaking`), or when anything changed at all (`any`).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Markdown,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Breaking,
    Any,
}

/// Runs the command, printing the report to stdout and load warnings to stderr.
/// Exit status 1 when `--fail-on` matches, 0 otherwise.
pub fn run(args: &DiffArgs) -> Result<ExitCode, Error> {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    run_to(args, &mut stdout.lock(), &mut stderr.lock())
}

/// [`run`] with the output streams given.
pub fn run_to(
    args: &DiffArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, Error> {
    let old = load_spec(&args.old, err)?;
    let new = load_spec(&args.new, err)?;
    let d = diff(&old, &new);
    let text = match args.format {
        Format::Markdown => render_markdown(&d),
        Format::Json => render_json(&d),
    };
    out.write_all(text.as_bytes())
        .map_err(|e| Error::io("<stdout>", e))?;
    Ok(if fails(&d, args.fail_on) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Whether `--fail-on` matches the diff.
pub fn fails(d: &ApiDiff, fail_on: Option<FailOn>) -> bool {
    match fail_on {
        None => false,
        Some(FailOn::Breaking) => d.has_breaking(),
        Some(FailOn::Any) => !d.is_empty(),
    }
}

/// Loads one side through the regular loader (front end and passes). Problems in the spec
/// do not stop the diff, since it has to work on specs as they were published: each one is
/// printed to `err` as a warning. Notices (e.g. skipped non-API pages) go to `err` too.
pub fn load_spec(path: &Path, err: &mut dyn Write) -> Result<Api, Error> {
    load_specs(&[path.to_path_buf()], PassOptions::default(), err)
}

/// [`load_spec`] for several inputs read as one API, with the given pass options (the type
/// renames of a `codegen.yaml`, so names match the generated crate).
pub fn load_specs(
    paths: &[PathBuf],
    passes: PassOptions,
    err: &mut dyn Write,
) -> Result<Api, Error> {
    let options = LoadOptions {
        keep_going: true,
        passes,
    };
    let loaded = load(paths, &options)?;
    let io = |e| Error::io("<stderr>", e);
    // Loading keeps going, so even errors only leave their operation out of the comparison.
    for d in &loaded.diagnostics {
        writeln!(err, "warning: {d}").map_err(io)?;
    }
    if loaded.diagnostics.iter().any(|d| d.is_error()) {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        writeln!(
            err,
            "warning: {}: {} problems (above); what they name may be missing from the comparison",
            shown.join(", "),
            loaded.diagnostics.iter().filter(|d| d.is_error()).count()
        )
        .map_err(io)?;
    }
    for n in &loaded.notices {
        writeln!(err, "note: {n}").map_err(io)?;
    }
    Ok(loaded.api)
}
