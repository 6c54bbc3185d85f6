//! `waldur-codegen`: the command line of the generator.
//!
//! - `parse --spec <path>... [--format json|yaml] [--raw]` prints the IR;
//! - `generate --spec <path>... --out <dir> [--config <file>] [--crate-name <name>]
//!   [--crate-version <version>] [--keep-going]` writes a crate;
//! - `diff <OLD> <NEW> [--format markdown|json] [--fail-on breaking|any]` compares two specs.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use waldur_codegen::config::Config;
use waldur_codegen::output::{self, Mode};
use waldur_codegen::spec::{self, LoadOptions};
use waldur_codegen::{Diagnostic, Error, diff, pipeline};

#[derive(Parser)]
#[command(
    name = "waldur-codegen",
    version,
    about = "Generates a typed Rust client for the Waldur API"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read specs and print the intermediate model.
    Parse {
        /// Markdown pages, directories of pages, or OpenAPI files.
        #[arg(long = "spec", required = true, num_args = 1..)]
        specs: Vec<PathBuf>,
        /// Output format of the printed model.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Print the front ends' output before the naming passes.
        #[arg(long)]
        raw: bool,
        /// Report operations that cannot be read and leave them out instead of failing.
        #[arg(long)]
        keep_going: bool,
    },
    /// Generate the client crate into a directory.
    Generate {
        /// Spec inputs; default: the `specs` of `--config`.
        #[arg(long = "spec", num_args = 1..)]
        specs: Vec<PathBuf>,
        /// The generator config (`spec/codegen.yaml`): crate name, version, overrides.
        #[arg(long)]
        config: Option<PathBuf>,
        /// The directory to write the crate to (created if missing; files no longer generated are removed).
        #[arg(long)]
        out: PathBuf,
        /// Package name of the generated crate (default `waldur-client`; overrides `crate.name`
        /// of `--config`).
        #[arg(long, value_parser = crate_name)]
        crate_name: Option<String>,
        /// Version of the generated crate, semver (default `0.1.0`; overrides `crate.version`
        /// of `--config`).
        #[arg(long, value_parser = crate_version)]
        crate_version: Option<String>,
        /// Leave out operations that cannot be generated, list them, and exit with status 2.
        #[arg(long)]
        keep_going: bool,
        /// Copy the runtime into the crate (`src/runtime/`) instead of depending on the
        /// `waldur-client-runtime` crate: one self-contained crate (`runtime.vendor` of
        /// `--config`).
        #[arg(long, conflicts_with = "runtime_path")]
        vendor_runtime: bool,
        /// Depend on the runtime crate at this path too, relative to `--out` (`runtime.path`
        /// of `--config`), e.g. a checkout of the generator.
        #[arg(long)]
        runtime_path: Option<String>,
    },
    /// Report what changed between two spec versions and what it breaks.
    Diff(diff::cli::DiffArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Pretty-printed JSON.
    Json,
    /// YAML (reads back into the same model).
    Yaml,
}

/// See the `mimalloc` dependency in Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A Cargo package name: ASCII letters, digits, `-` and `_`, starting with a letter, at most
/// 64 characters.
fn crate_name(s: &str) -> Result<String, String> {
    let valid = s.len() <= 64
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if valid {
        Ok(s.to_owned())
    } else {
        Err(
            "a crate name is 1 to 64 ASCII letters, digits, '-' or '_', starting with a letter"
                .to_owned(),
        )
    }
}

/// A semantic version: `MAJOR.MINOR.PATCH`, optionally `-pre.release` and `+build`, numbers
/// without leading zeros.
fn crate_version(s: &str) -> Result<String, String> {
    let err = || format!("{s:?} is not a semantic version such as 0.1.0 or 1.2.3-rc.1");
    let (rest, build) = match s.split_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (s, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (rest, None),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    let number = |n: &&str| {
        !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
            && (n.len() == 1 || !n.starts_with('0'))
    };
    let ident =
        |i: &str| !i.is_empty() && i.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let idents_ok = |part: Option<&str>| part.is_none_or(|p| p.split('.').all(ident));
    if numbers.len() == 3 && numbers.iter().all(number) && idents_ok(pre) && idents_ok(build) {
        Ok(s.to_owned())
    } else {
        Err(err())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}", render_error(&e));
            ExitCode::FAILURE
        }
    }
}

fn render_error(e: &Error) -> String {
    match e {
        Error::Invalid(_) => e.to_string(),
        other => format!("error: {other}"),
    }
}

fn run(command: Command) -> Result<ExitCode, Error> {
    match command {
        Command::Parse {
            specs,
            format,
            raw,
            keep_going,
        } => {
            let options = LoadOptions {
                keep_going,
                ..LoadOptions::default()
            };
            let loaded = if raw {
                spec::read(&specs, &options)?
            } else {
                spec::load(&specs, &options)?
            };
            report(&loaded.notices, &loaded.diagnostics);
            let text = match format {
                Format::Json => serde_json::to_string_pretty(&loaded.api)
                    .map_err(|e| Error::Other(e.to_string()))?,
                Format::Yaml => {
                    serde_yaml::to_string(&loaded.api).map_err(|e| Error::Other(e.to_string()))?
                }
            };
            print_stdout(&text)?;
            Ok(if !loaded.diagnostics.iter().any(Diagnostic::is_error) {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            })
        }
        Command::Generate {
            specs,
            config,
            out,
            crate_name,
            crate_version,
            keep_going,
            vendor_runtime,
            runtime_path,
        } => {
            let (mut cfg, mut text) = match &config {
                Some(path) => {
                    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
                    (Config::load(path)?, Some(text))
                }
                None => (Config::for_specs(Vec::new()), None),
            };
            if !specs.is_empty() {
                cfg.specs = specs;
            }
            if cfg.specs.is_empty() {
                return Err(Error::Other(
                    "no spec inputs: pass --spec or a --config that lists specs".into(),
                ));
            }
            cfg.keep_going |= keep_going;
            // The flags win over the config; they count as input of the recorded hash.
            let mut flags = String::new();
            if let Some(name) = crate_name {
                flags.push_str(&format!("--crate-name {name}\n"));
                cfg.krate.name = name;
            }
            if let Some(version) = crate_version {
                flags.push_str(&format!("--crate-version {version}\n"));
                cfg.krate.version = version;
            }
            if vendor_runtime {
                flags.push_str("--vendor-runtime\n");
                cfg.runtime.vendor = true;
                cfg.runtime.path = None;
            }
            if let Some(path) = runtime_path {
                flags.push_str(&format!("--runtime-path {path}\n"));
                cfg.runtime.vendor = false;
                cfg.runtime.path = Some(path);
            }
            if !flags.is_empty() {
                text = Some(format!("{}{flags}", text.unwrap_or_default()));
            }
            let generated = pipeline::generate(&cfg, text.as_deref())?;
            report(&generated.loaded.notices, &generated.loaded.diagnostics);
            let changes = output::sync_dir(&out, &generated.files, Mode::Write)?;
            eprintln!(
                "wrote {} files to {} ({} changed), {} operations, {} types",
                generated.files.len(),
                out.display(),
                changes.len(),
                generated.loaded.api.operations.len(),
                generated.loaded.api.types.len()
            );
            Ok(
                if !generated
                    .loaded
                    .diagnostics
                    .iter()
                    .any(Diagnostic::is_error)
                {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(2)
                },
            )
        }
        Command::Diff(args) => diff::cli::run(&args),
    }
}

fn report(notices: &[String], diagnostics: &[Diagnostic]) {
    for n in notices {
        eprintln!("note: {n}");
    }
    for d in diagnostics {
        eprintln!("{}: {d}", d.severity);
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        eprintln!("{}", left_out_summary(errors));
    }
}

/// One operation can have several problems, so this counts problems, not operations.
fn left_out_summary(problems: usize) -> String {
    let s = if problems == 1 { "" } else { "s" };
    format!("{problems} problem{s} found (see above); the operations they are in were left out")
}

/// Prints to stdout; a closed pipe (`waldur-codegen parse ... | head`) ends quietly.
fn print_stdout(text: &str) -> Result<(), Error> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::Other(format!("writing to stdout: {e}")))
        }
        _ => Ok(()),
    }
}
