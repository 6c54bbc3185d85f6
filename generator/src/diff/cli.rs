//! `waldur-codegen diff <OLD> <NEW> [--format markdown|json] [--fail-on breaking|any]
//! [--allow-broken]`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{ApiDiff, render_json, render_markdown, with_rust_items};
use crate::Error;
use crate::ir::Api;
use crate::ir::passes::PassOptions;
use crate::spec::{LoadOptions, read};

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
    /// Compare a spec even when it loaded with errors (the operations they name are left out
    /// and show as removed or added) or holds no operation at all. Without it, such a spec is
    /// an error. `--keep-going` is accepted as another name, as for `generate`.
    #[arg(long, visible_alias = "keep-going")]
    pub allow_broken: bool,
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

/// Which spec of a comparison is loaded, and how strictly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Side {
    /// `old` or `new`, for messages.
    pub name: &'static str,
    /// Accept a spec that loaded with errors or holds no operation (`--allow-broken`).
    pub allow_broken: bool,
}

impl Side {
    pub const OLD: Side = Side {
        name: "old",
        allow_broken: false,
    };
    pub const NEW: Side = Side {
        name: "new",
        allow_broken: false,
    };

    pub fn allow_broken(self, allow: bool) -> Side {
        Side {
            allow_broken: allow,
            ..self
        }
    }
}

/// Runs the command, printing the report to stdout and load problems to stderr.
/// Exit status 1 when `--fail-on` matches, 0 otherwise; a spec that cannot be compared is an
/// error (see [`load_specs`]).
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
    let old = load_spec(&args.old, Side::OLD.allow_broken(args.allow_broken), err)?;
    let new = load_spec(&args.new, Side::NEW.allow_broken(args.allow_broken), err)?;
    let (d, unplanned) = with_rust_items(&old, &new, &PassOptions::default());
    if let Some(why) = unplanned {
        writeln!(err, "note: Rust items not compared: {why}")
            .map_err(|e| Error::io("<stderr>", e))?;
    }
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

/// Loads one spec for a comparison; see [`load_specs`].
pub fn load_spec(path: &Path, side: Side, err: &mut dyn Write) -> Result<Api, Error> {
    load_specs(&[path.to_path_buf()], side, err)
}

/// Loads inputs read as one API for a comparison: the front ends' output as it is, before the
/// passes (hoisting, deduplication and naming), so each operation is compared with what its
/// own spec says, whichever other pages are loaded with it. Configured type and field
/// overrides are not applied either: the diff compares the specs.
///
/// Every problem is printed to `err` with its severity, notices (skipped non-API pages) as
/// `note:`. A spec that loaded with errors (operations were left out, and would show as
/// removed or added) or that holds no operation is an error naming the side and its paths,
/// unless `side.allow_broken`, when it is compared as loaded after a `note:`.
pub fn load_specs(paths: &[PathBuf], side: Side, err: &mut dyn Write) -> Result<Api, Error> {
    let options = LoadOptions {
        keep_going: true,
        ..LoadOptions::default()
    };
    let io = |e| Error::io("<stderr>", e);
    let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let shown = shown.join(", ");
    let loaded = match read(paths, &options) {
        Ok(loaded) => loaded,
        // Not a document at all (invalid YAML, not OpenAPI 3): nothing to compare.
        Err(Error::Invalid(diagnostics)) => {
            for d in &diagnostics {
                writeln!(err, "{}: {d}", d.severity).map_err(io)?;
            }
            return Err(Error::Other(format!(
                "the {} spec {shown} cannot be read (above)",
                side.name
            )));
        }
        Err(e) => return Err(e),
    };
    for d in &loaded.diagnostics {
        writeln!(err, "{}: {d}", d.severity).map_err(io)?;
    }
    for n in &loaded.notices {
        writeln!(err, "note: {n}").map_err(io)?;
    }
    let errors = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
    let problem = if errors > 0 {
        Some(format!(
            "the {} spec {shown} did not load cleanly: {} (above) left operations out, which \
             would show as removed or added",
            side.name,
            plural(errors, "error", "errors")
        ))
    } else if loaded.api.operations.is_empty() {
        let why = if loaded.files.is_empty() {
            "no spec file was found".to_owned()
        } else if !loaded.notices.is_empty() {
            format!(
                "{} skipped (above)",
                plural(loaded.notices.len(), "file", "files")
            )
        } else {
            format!(
                "{} read, none defines an operation",
                plural(loaded.files.len(), "file", "files")
            )
        };
        Some(format!(
            "the {} spec {shown} holds no operation: {why}",
            side.name
        ))
    } else {
        None
    };
    match problem {
        Some(problem) if side.allow_broken => {
            writeln!(err, "note: {problem}; compared anyway (--allow-broken)").map_err(io)?;
        }
        Some(problem) => {
            return Err(Error::Other(format!(
                "{problem}. Fix it, or pass --allow-broken to compare it anyway."
            )));
        }
        None => {}
    }
    Ok(loaded.api)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
