//! The live harness of one whole-API crate, built and run by `cargo xtask live` as the
//! crate's example `live`.
//!
//! Copied next to the generated `calls.rs` (every list operation of the crate that needs no
//! argument) and `live_check.rs` (the report, `xtask/live-check`, tested in the workspace):
//! each list operation the server has is called once with `page_size(2)`, four at a time, and
//! then the write round trips of `writes.rs` run. The findings go to `findings.txt`, the
//! summary line to stdout, and what fails the run (see `live_check::Outcome::is_failure`) to
//! stderr, with exit status 1.
#![forbid(unsafe_code)]
#![deny(warnings)]

mod calls;
mod glue;
// `xtask/live-check`, a crate of its own in the workspace (tested there): the harness uses
// part of its API.
#[allow(dead_code)]
mod live_check;
mod writes;

use std::process::ExitCode;
use std::sync::Arc;

use futures_util::StreamExt;
use live_check::Report;

/// Calls in flight at once: the test server has two workers.
const IN_FLIGHT: usize = 4;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let name = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "crate".to_string());
    let live = glue::Live::from_env();
    let bodies = Arc::new(glue::Bodies::default());
    let client = glue::client(&live, &bodies);
    let server = match glue::server_operations(&live).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("{name}: cannot read the server's operations: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut report = Report::new(&name);
    let mut pending = Vec::new();
    for call in calls::list_calls(&client) {
        if server.has("GET", call.path) {
            pending.push(call);
        } else {
            report
                .not_on_server
                .push((call.op.to_string(), call.path.to_string()));
        }
    }
    for (op, path) in calls::NEED_ARGUMENTS {
        report
            .need_arguments
            .push((op.to_string(), path.to_string()));
    }
    let outcomes: Vec<_> = futures_util::stream::iter(pending)
        .map(|call| glue::run(call, bodies.clone()))
        .buffered(IN_FLIGHT)
        .collect()
        .await;
    for (op, path, outcome) in outcomes {
        report.record(op, path, outcome);
    }
    writes::run(&client, &live, &mut report).await;
    if let Err(e) = std::fs::write("findings.txt", report.findings_text()) {
        eprintln!("{name}: findings.txt: {e}");
        return ExitCode::FAILURE;
    }
    println!("{}", report.summary());
    let failures = report.failures();
    for failure in &failures {
        eprintln!("FAIL {name}: {failure}");
    }
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
