//! `cargo xtask live`: the generated clients against a real Waldur server.
//!
//! `../shared/waldur-server/` holds a Waldur Mastermind (source tarball, migrated database,
//! seed data, scripts). This task:
//!
//! 1. sets it up under `target/waldur-home/` (`setup.sh`; a database left by an earlier run is
//!    thrown away first, so every run starts from the same seed) and starts it on loopback
//!    (`start.sh`), while, on the other thread, it builds the live tests and generates and
//!    builds the whole-API harnesses;
//! 2. runs the live tests of the seed client (`generator/live-tests`: reads, writes, the
//!    server's errors, every other seed operation, the mock side by side with the server, 200
//!    calls 16 at a time), then the harness of each whole-API crate (every list operation
//!    the server has, the write round trips; see `xtask/live-harness`, built as an example of
//!    the crate);
//! 3. stops the server (by its PID files, through `stop.sh`) whatever happened, also on
//!    Ctrl-C or SIGTERM, and prints the time of each phase and one summary line.
//!
//! Findings of the whole-API crates go to `target/live/findings.txt`. Without
//! `../shared/waldur-server` the task is skipped and says so; with
//! `WALDUR_REQUIRE_SHARED=1` a missing or broken server fails it with the script's message.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use waldur_codegen::emit::plan::{Output, Plan, RustTy};
use waldur_codegen::emit::{self, Settings};

use crate::codegen::root;
use crate::whole_api::{self, INPUTS};

/// The seed tests, run together; `teardown` runs after them (it deletes a volume).
const SEED_TESTS: &[&str] = &["seed", "mock_parity", "load"];
const TEARDOWN_TESTS: &[&str] = &["teardown"];
/// The workspace with every feature, as `cargo xtask test` builds it (the generated client
/// excluded, with the tags its users ask for), so that the live tests reuse that build (a build
/// of one package resolves features differently and would rebuild reqwest and the client);
/// `--test` then picks the live tests' targets.
const LIVE_TEST_SELECTION: &[&str] = &[
    "--workspace",
    "--all-features",
    "--exclude",
    "waldur-client",
];

pub fn run(args: &[String]) -> Result<(), String> {
    if !args.is_empty() {
        return Err("usage: cargo xtask live".to_string());
    }
    let root = root();
    let start = Instant::now();
    let scripts = match server_scripts(crate::shared::locate(&root), crate::shared::required())? {
        Ok(scripts) => scripts,
        Err(skipped) => {
            println!("{skipped}");
            return Ok(());
        }
    };
    let phases = Phases::default();
    let server = Server::new(&root, &scripts)?;
    // The server and the builds are independent: the server's setup mostly waits on PyPI,
    // PostgreSQL and Django, the builds on the compiler.
    let (started, built) = std::thread::scope(|s| {
        let starting = s.spawn(|| server.set_up_and_start(&phases));
        let built = build(&root, &phases);
        let started = starting
            .join()
            .unwrap_or_else(|_| Err("the server thread panicked".to_string()));
        (started, built)
    });
    let live = started?;
    let harnesses = built?;
    let summary = exercise(&root, &live, &harnesses, &phases);
    server.stop(&phases);
    let summary = summary?;
    println!("{}", phases.report());
    println!(
        "live: {summary}; {:.0} s in all",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Where the server's scripts are: `Ok(Ok(dir))`; `Ok(Err(line))` when they are missing and
/// the task is skipped (the line says so); `Err` when they are missing and required.
fn server_scripts(
    shared: Result<PathBuf, PathBuf>,
    required: bool,
) -> Result<Result<PathBuf, String>, String> {
    let scripts = match shared {
        Ok(shared) => shared.join("waldur-server"),
        Err(missing) => missing.join("waldur-server"),
    };
    if scripts.join("setup.sh").is_file() {
        return Ok(Ok(scripts));
    }
    if required {
        return Err(format!(
            "WALDUR_REQUIRE_SHARED=1 but {} has no setup.sh: the live tests cannot run",
            scripts.display()
        ));
    }
    Ok(Err(format!(
        "live: skipped for want of {} (set WALDUR_SHARED): 0 live tests run",
        scripts.display()
    )))
}

/// The running server's URL and token.
struct LiveServer {
    url: String,
    token: String,
}

/// The seed tests and each whole-API harness, built and ready to run.
struct Harness {
    name: String,
    dir: PathBuf,
}

/// Builds the seed tests and, for each whole-API input, generates the crate and its harness
/// and builds it.
fn build(root: &Path, phases: &Phases) -> Result<Vec<Harness>, String> {
    phases.time("build live tests", || {
        let status = crate::cargo()
            .current_dir(root)
            .args(["test", "--quiet", "--no-run"])
            .args(LIVE_TEST_SELECTION)
            .args(
                SEED_TESTS
                    .iter()
                    .chain(TEARDOWN_TESTS)
                    .flat_map(|t| ["--test", t]),
            )
            .status()
            .map_err(|e| format!("running cargo test --no-run: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("building the live tests failed ({status})"))
        }
    })?;
    let shared = crate::shared::locate(root).map_err(|d| format!("{} not found", d.display()))?;
    let mut harnesses = Vec::new();
    for (name, input) in INPUTS {
        let dir = phases.time(&format!("generate {name} harness"), || {
            generate_harness(root, name, &shared.join(input))
        })?;
        phases.time(&format!("build {name} harness"), || {
            let status = harness_cargo(root, &dir, "build")
                .status()
                .map_err(|e| format!("building the {name} harness: {e}"))?;
            if status.success() {
                Ok(())
            } else {
                Err(format!("building the {name} harness failed ({status})"))
            }
        })?;
        harnesses.push(Harness {
            name: name.to_string(),
            dir,
        });
    }
    Ok(harnesses)
}

/// Runs everything against the server; the summary, or the first failure.
fn exercise(
    root: &Path,
    live: &LiveServer,
    harnesses: &[Harness],
    phases: &Phases,
) -> Result<String, String> {
    let mut seed = TestCounts::default();
    let mut failures = Vec::new();
    for (label, tests) in [
        ("seed tests", SEED_TESTS),
        ("teardown test", TEARDOWN_TESTS),
    ] {
        let counts = phases.time(label, || run_tests(root, live, tests));
        match counts {
            Ok(c) => seed.add(&c),
            Err(e) => failures.push(e),
        }
    }
    let out_dir = root.join("target/live");
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let mut findings = String::new();
    let mut lines = Vec::new();
    for harness in harnesses {
        let result = phases.time(&format!("{} harness", harness.name), || {
            run_harness(root, live, harness)
        });
        match result {
            Ok((line, text, failure)) => {
                lines.push(line);
                findings.push_str(&text);
                findings.push('\n');
                failures.extend(failure);
            }
            Err(e) => failures.push(e),
        }
    }
    let findings_file = out_dir.join("findings.txt");
    std::fs::write(&findings_file, &findings)
        .map_err(|e| format!("{}: {e}", findings_file.display()))?;
    let mut summary = format!(
        "seed client {} passed, {} failed{}",
        seed.passed,
        seed.failed,
        seed.load
            .as_deref()
            .map(|l| format!(" ({l})"))
            .unwrap_or_default()
    );
    for line in &lines {
        let _ = write!(summary, "; {line}");
    }
    let _ = write!(summary, "; findings in {}", findings_file.display());
    if failures.is_empty() {
        Ok(summary)
    } else {
        Err(format!("{}\nlive: {summary}", failures.join("\n")))
    }
}

#[derive(Debug, Default)]
struct TestCounts {
    passed: usize,
    failed: usize,
    /// The load test's figures line.
    load: Option<String>,
}

impl TestCounts {
    fn add(&mut self, other: &TestCounts) {
        self.passed += other.passed;
        self.failed += other.failed;
        if other.load.is_some() {
            self.load.clone_from(&other.load);
        }
    }
}

/// `cargo test -p waldur-live-tests --test <t>... -- --ignored` against the server, its
/// output passed through; the counts of its `test result:` lines.
fn run_tests(root: &Path, live: &LiveServer, tests: &[&str]) -> Result<TestCounts, String> {
    let mut cmd = crate::cargo();
    cmd.current_dir(root)
        .arg("test")
        .args(LIVE_TEST_SELECTION)
        .env("WALDUR_LIVE_URL", &live.url)
        .env("WALDUR_LIVE_TOKEN", &live.token);
    for t in tests {
        cmd.args(["--test", t]);
    }
    cmd.args(["--", "--ignored", "--nocapture"]);
    let (status, lines) = run_echoed(cmd)?;
    let mut counts = TestCounts::default();
    for line in &lines {
        if let Some(rest) = line.strip_prefix("test result: ") {
            counts.passed += count_before(rest, " passed");
            counts.failed += count_before(rest, " failed");
        }
        if let Some(figures) = line.strip_prefix("live load: ") {
            counts.load = Some(figures.to_string());
        }
    }
    if status.success() {
        Ok(counts)
    } else {
        Err(format!(
            "live tests {} failed: {} passed, {} failed (above)",
            tests.join(", "),
            counts.passed,
            counts.failed
        ))
    }
}

/// `3` from `"ok. 3 passed; 0 failed"` and `" passed"`.
fn count_before(text: &str, label: &str) -> usize {
    text.find(label)
        .and_then(|end| {
            let start = text[..end].rfind(' ').map_or(0, |i| i + 1);
            text[start..end].parse().ok()
        })
        .unwrap_or(0)
}

/// Runs `cmd` with its stdout echoed line by line; its status and the lines.
fn run_echoed(mut cmd: Command) -> Result<(std::process::ExitStatus, Vec<String>), String> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("running {cmd:?}: {e}"))?;
    let mut lines = Vec::new();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines() {
            let line = line.map_err(|e| format!("reading the output of {cmd:?}: {e}"))?;
            println!("{line}");
            lines.push(line);
        }
    }
    let status = child.wait().map_err(|e| format!("{cmd:?}: {e}"))?;
    Ok((status, lines))
}

/// Runs one whole-API harness: its summary line, its findings, and why it failed if it did
/// (`Err` only when it could not run at all).
fn run_harness(
    root: &Path,
    live: &LiveServer,
    harness: &Harness,
) -> Result<(String, String, Option<String>), String> {
    // The harness writes it in its working directory; one from an earlier run must not pass
    // for this one's.
    let findings_file = harness.dir.join("findings.txt");
    let _ = std::fs::remove_file(&findings_file);
    let mut cmd = harness_cargo(root, &harness.dir, "run");
    cmd.args(["--", &harness.name])
        .env("WALDUR_LIVE_URL", &live.url)
        .env("WALDUR_LIVE_TOKEN", &live.token);
    let (status, lines) = run_echoed(cmd)?;
    let findings = std::fs::read_to_string(&findings_file).unwrap_or_default();
    let _ = std::fs::remove_file(&findings_file);
    let summary = lines
        .iter()
        .rev()
        .find(|l| l.starts_with(&format!("{}: ", harness.name)))
        .cloned()
        .unwrap_or_else(|| format!("{}: no summary", harness.name));
    let failure =
        (!status.success()).then(|| format!("the {} harness failed: {summary}", harness.name));
    Ok((summary, findings, failure))
}

/// Cargo for a harness, in its whole-API crate: the target directory and flags of `cargo
/// xtask whole-api`, which built the crate with every feature already (in CI). The harness is
/// an example of that crate, so its library is the very unit `whole-api` built (a crate of
/// its own depending on it would hash the library's path differently and build it again).
fn harness_cargo(root: &Path, dir: &Path, command: &str) -> Command {
    let mut cmd = crate::cargo();
    cmd.current_dir(dir)
        .args([command, "--quiet", "--all-features", "--example", HARNESS]);
    for (key, value) in whole_api::build_env(root) {
        cmd.env(key, value);
    }
    cmd
}

/// The example the harness is, in each whole-API crate.
const HARNESS: &str = "live";

/// Generates the whole-API crate of `input` into `target/whole-api/<name>/` (as `cargo xtask
/// whole-api` does), with the harness as its example `live`: the hand-written files of
/// `xtask/live-harness/src/`, the report of `xtask/live-check` as a module, and the generated
/// `calls.rs`.
fn generate_harness(root: &Path, name: &str, input: &Path) -> Result<PathBuf, String> {
    let dir = root.join("target/whole-api").join(name);
    let read = |path: PathBuf| {
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
    };
    let sources = root.join("xtask/live-harness/src");
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for file in ["main.rs", "glue.rs", "writes.rs"] {
        files.insert(
            format!("examples/{HARNESS}/{file}"),
            read(sources.join(file))?,
        );
    }
    files.insert(
        format!("examples/{HARNESS}/live_check.rs"),
        read(root.join("xtask/live-check/src/lib.rs"))?,
    );
    whole_api::generate_with(input, &dir, |config, generated| {
        let plan = emit::plan(
            &generated.loaded.api,
            &Settings::new(&config.krate.name, &config.krate.version),
        );
        files.insert(format!("examples/{HARNESS}/calls.rs"), calls_rs(&plan)?);
        let manifest = generated
            .files
            .get("Cargo.toml")
            .ok_or("the generated crate has no Cargo.toml")?;
        files.insert(
            "Cargo.toml".to_string(),
            format!("{manifest}\n{HARNESS_DEV_DEPENDENCIES}"),
        );
        Ok(files)
    })?;
    Ok(dir)
}

/// What the harness needs beyond the generated crate (which reaches tokio and serde_json only
/// through its runtime). The features are those `--all-features` already turns on in the
/// runtime (`blocking`, `mock`), so the library built by `whole-api` is not built again.
const HARNESS_DEV_DEPENDENCIES: &str = "\
[dev-dependencies]
futures-util = { version = \"0.3\", default-features = false, features = [\"alloc\"] }
serde_json = { version = \"1\", features = [\"raw_value\"] }
tokio = { version = \"1\", features = [\"macros\", \"rt\", \"rt-multi-thread\", \"sync\", \"time\"] }
";

/// `calls.rs` of a harness: every GET list operation without a path parameter (paginated, or
/// answering a JSON array), the ones needing other arguments listed instead, and how to
/// filter projects by customer (the filter's type differs between inputs).
fn calls_rs(plan: &Plan) -> Result<String, String> {
    let lib = &plan.krate.lib_name;
    let mut calls = String::new();
    let mut need = String::new();
    let mut projects_filter = None;
    for accessor in &plan.client.accessors {
        let tag = &plan.tags[accessor.tag];
        for op in &tag.operations {
            if op.http_method.as_str() != "GET" {
                continue;
            }
            if op.operation_id == "projects_list"
                && let Some(setter) = op.setters.iter().find(|s| s.wire == "customer")
            {
                projects_filter = Some((tag.module.clone(), op.builder.clone(), setter.clone()));
            }
            let page = matches!(op.output, Output::Page { .. });
            let array = matches!(
                &op.output,
                Output::Json {
                    ty: RustTy::Vec(..),
                    ..
                }
            ) && op.operation_id.ends_with("_list");
            if !page && !array {
                continue;
            }
            let has_path = op.path.contains('{');
            if has_path {
                continue;
            }
            if !op.args.is_empty() {
                let _ = writeln!(need, "    ({:?}, {:?}),", op.operation_id, op.path);
                continue;
            }
            let size = op
                .list
                .as_ref()
                .map(|l| format!(".{}(2)", l.page_size_setter))
                .unwrap_or_default();
            let make = if page { "list_call" } else { "array_call" };
            let _ = writeln!(
                calls,
                "        glue::{make}({:?}, {:?}, client.{}().{}(){size}.send()),",
                op.operation_id, op.path, accessor.method, op.method
            );
        }
    }
    let Some((module, builder, setter)) = projects_filter else {
        return Err("the crate has no `projects_list` with a `customer` filter".to_string());
    };
    let value = match &setter.ty {
        RustTy::Vec(item, _) if **item == RustTy::Uuid => "[customer]",
        RustTy::Vec(..) => "[customer.simple().to_string()]",
        RustTy::Uuid => "customer",
        _ => "customer.simple().to_string()",
    };
    Ok(format!(
        "//! Generated by `cargo xtask live` from the plan of the crate: its list operations.\n\n\
         /// The whole-API crate the harness is an example of.\n\
         pub use {lib} as api;\n\nuse crate::glue;\n\n\
         /// Every GET list operation without arguments, in tag order.\n\
         pub fn list_calls(client: &api::Client) -> Vec<glue::Call> {{\n    vec![\n{calls}    ]\n}}\n\n\
         /// List operations not called: they take required arguments.\n\
         pub const NEED_ARGUMENTS: &[(&str, &str)] = &[\n{need}];\n\n\
         /// `projects().list()` filtered by a customer.\n\
         pub fn projects_of_customer(\n    list: api::{module}::{builder},\n    customer: api::Uuid,\n\
         ) -> api::{module}::{builder} {{\n    list.{}({value})\n}}\n",
        setter.ident
    ))
}

/// One timed phase after another, printed at the end.
#[derive(Default)]
struct Phases(Mutex<Vec<(String, f64, bool)>>);

impl Phases {
    fn time<T>(&self, name: &str, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
        let start = Instant::now();
        eprintln!("live: {name}...");
        let result = f();
        let secs = start.elapsed().as_secs_f64();
        eprintln!(
            "live: {name}: {} in {secs:.1} s",
            if result.is_ok() { "done" } else { "FAILED" }
        );
        self.0
            .lock()
            .expect("phases lock")
            .push((name.to_string(), secs, result.is_ok()));
        result
    }

    fn report(&self) -> String {
        let phases = self.0.lock().expect("phases lock");
        let parts: Vec<String> = phases
            .iter()
            .map(|(name, secs, ok)| {
                format!("{name} {secs:.1} s{}", if *ok { "" } else { " (failed)" })
            })
            .collect();
        format!("live phases: {}", parts.join(", "))
    }
}

/// The Waldur server of `../shared/waldur-server`, living in `target/waldur-home`. Stopped
/// when dropped, and on Ctrl-C or SIGTERM.
struct Server {
    scripts: PathBuf,
    home: PathBuf,
}

impl Server {
    fn new(root: &Path, scripts: &Path) -> Result<Server, String> {
        let home = root.join("target/waldur-home");
        std::fs::create_dir_all(&home).map_err(|e| format!("{}: {e}", home.display()))?;
        let server = Server {
            scripts: scripts.to_path_buf(),
            home,
        };
        let stop = server.stop_command();
        let stopping = Arc::new(Mutex::new(stop));
        ctrlc::set_handler(move || {
            eprintln!("live: interrupted: stopping the Waldur server");
            if let Ok(mut stop) = stopping.lock() {
                let _ = stop.status();
            }
            std::process::exit(130);
        })
        .map_err(|e| format!("cannot install the signal handler: {e}"))?;
        Ok(server)
    }

    fn script(&self, name: &str) -> Command {
        let mut cmd = Command::new("bash");
        cmd.arg(self.scripts.join(name))
            .env("WALDUR_HOME", &self.home);
        cmd
    }

    fn stop_command(&self) -> Command {
        let mut cmd = self.script("stop.sh");
        cmd.stdin(Stdio::null());
        cmd
    }

    /// Throws away the database of an earlier run, sets the server up, starts it.
    fn set_up_and_start(&self, phases: &Phases) -> Result<LiveServer, String> {
        phases.time("server setup", || {
            let pg = self.home.join("pg");
            if pg.exists() {
                let _ = self.stop_command().status();
                std::fs::remove_dir_all(&pg).map_err(|e| format!("{}: {e}", pg.display()))?;
            }
            let (status, _, stderr) = run_captured(self.script("setup.sh"))?;
            if status.success() {
                Ok(())
            } else {
                Err(format!(
                    "waldur-server setup.sh failed ({status}):\n{}",
                    tail(&stderr, 20)
                ))
            }
        })?;
        phases.time("server start", || {
            let (status, stdout, stderr) = run_captured(self.script("start.sh"))?;
            if !status.success() {
                return Err(format!(
                    "waldur-server start.sh failed ({status}):\n{}",
                    tail(&stderr, 20)
                ));
            }
            let value = |key: &str| {
                stdout
                    .lines()
                    .find_map(|l| l.strip_prefix(key))
                    .map(str::to_owned)
                    .ok_or_else(|| format!("start.sh printed no {key}: {stdout}"))
            };
            Ok(LiveServer {
                url: value("WALDUR_URL=")?,
                token: value("WALDUR_TOKEN=")?,
            })
        })
    }

    fn stop(&self, phases: &Phases) {
        let _ = phases.time("server stop", || {
            let status = self
                .stop_command()
                .status()
                .map_err(|e| format!("stop.sh: {e}"))?;
            if status.success() {
                Ok(())
            } else {
                Err(format!("stop.sh failed ({status})"))
            }
        });
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Stopping twice is harmless: stop.sh does nothing without PID files.
        let _ = self.stop_command().stdout(Stdio::null()).status();
    }
}

/// Runs `cmd` with its stderr echoed and kept; status, stdout, stderr.
fn run_captured(mut cmd: Command) -> Result<(std::process::ExitStatus, String, String), String> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("running {cmd:?}: {e}"))?;
    let stderr = child.stderr.take();
    let echo = std::thread::spawn(move || {
        let mut kept = String::new();
        if let Some(err) = stderr {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                eprintln!("{line}");
                kept.push_str(&line);
                kept.push('\n');
            }
        }
        kept
    });
    let mut stdout = String::new();
    if let Some(mut out) = child.stdout.take() {
        use std::io::Read;
        out.read_to_string(&mut stdout)
            .map_err(|e| format!("reading the output of {cmd:?}: {e}"))?;
    }
    let status = child.wait().map_err(|e| format!("{cmd:?}: {e}"))?;
    let stderr = echo.join().unwrap_or_default();
    Ok((status, stdout, stderr))
}

/// The last `n` lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_server_is_a_skip_or_required() {
        let missing = PathBuf::from("/nonexistent/shared");
        assert_eq!(
            server_scripts(Err(missing.clone()), false),
            Ok(Err(
                "live: skipped for want of /nonexistent/shared/waldur-server (set \
                    WALDUR_SHARED): 0 live tests run"
                    .to_string()
            ))
        );
        assert_eq!(
            server_scripts(Ok(missing), true),
            Err(
                "WALDUR_REQUIRE_SHARED=1 but /nonexistent/shared/waldur-server has no setup.sh: \
                 the live tests cannot run"
                    .to_string()
            )
        );
    }

    #[test]
    fn counts_from_test_result_lines() {
        let rest = "ok. 12 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out";
        assert_eq!(count_before(rest, " passed"), 12);
        assert_eq!(count_before(rest, " failed"), 1);
        assert_eq!(count_before("nothing", " passed"), 0);
        assert_eq!(tail("a\nb\nc", 2), "b\nc");
    }
}
