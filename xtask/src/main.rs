//! `cargo xtask <task>`: project automation, in Rust so it runs wherever cargo does.
//!
//! - `codegen [--check | --bump]`: regenerate `generated-client/` from `spec/codegen.yaml`, or
//!   (with `--check`) change nothing and fail when the checked-in client is stale; `--bump`
//!   first sets `crate.version` to the semver bump the API change calls for;
//! - `diff [<OLD> <NEW>]`: what changed between two spec versions (default: `spec/` at HEAD vs
//!   the working tree);
//! - `test [ARGS]`: `cargo test --workspace --all-features [ARGS]`, ending with one line that
//!   counts the tests skipped for want of `../shared`;
//! - `whole-api`: generate the whole API from `../shared` and `cargo check` it (CI);
//! - `roundtrip`: decode schema-built samples of every response type of the OpenAPI whole-API
//!   crate, check nothing is invalid or unknown and that they encode back (CI);
//! - `live`: the generated clients against a real Waldur server from `../shared` (CI);
//! - `bench`: whole-API generation, diff and crate check figures (see `bench.rs`); decoding
//!   figures come from `cargo run --release -p waldur-client-tests --bin decode-bench`.
#![forbid(unsafe_code)]

mod bench;
mod bump;
mod codegen;
mod diff;
mod live;
mod roundtrip;
mod shared;
mod surface;
mod test;
mod whole_api;

use std::process::{Command, ExitCode};

/// See the `mimalloc` dependency in Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The cargo that runs this task (`$CARGO`), for the cargo commands tasks run in turn.
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(&args[1..]),
        Some("diff") => diff::run(&args[1..]),
        Some("test") => test::run(&args[1..]),
        Some("whole-api") => whole_api::run(&args[1..]),
        Some("roundtrip") => roundtrip::run(&args[1..]),
        Some("live") => live::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("bench-one") => bench::run_one(&args[1..]),
        _ => Err("usage: cargo xtask <task>\n\ntasks:\n  codegen [--check | --bump]\n                      regenerate generated-client/ from spec/ (or check it is fresh; or first\n                      set crate.version to the bump the API change calls for)\n  diff [OLD NEW]      report API changes between two spec versions\n  test [ARGS]         cargo test --workspace --all-features, then count tests skipped for want of ../shared\n  whole-api           generate and cargo-check the whole-API crates (needs ../shared)\n  roundtrip           decode schema-built samples of every response type of the whole-API crate (needs ../shared)\n  live                the generated clients against a real Waldur server (needs ../shared/waldur-server)\n  bench [--runs N] [--check-crates]\n                      print whole-API generation, diff and crate check timings".to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
