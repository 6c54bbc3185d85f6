//! Bounded concurrency against the live server: 200 list calls with at most 16 in flight on
//! one client. Every call must succeed, the server must never serve more than 16 of them at
//! once, and the client must reuse its connections instead of opening one per call.
//! Connections and requests are counted on the server's side of the client, by a keep-alive
//! proxy in between (the test server itself closes every connection after its response; see
//! `CountingProxy`).
//!
//! The client opens at most as many connections to one host as it lets calls in flight: a call
//! that finds no idle connection while that many may be open waits for one to come back to the
//! pool instead of opening another (the runtime's `connections`). The proxy must therefore have
//! accepted at most 16 connections (200 calls without reuse would open 200); the number is
//! printed.

use std::time::Instant;

use futures_util::StreamExt;
use waldur_live_tests::{CountingProxy, Live};

const CALLS: usize = 200;
const IN_FLIGHT: usize = 16;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a live Waldur server: cargo xtask live"]
async fn two_hundred_list_calls_sixteen_at_a_time() {
    let live = Live::from_env();
    let proxy = CountingProxy::start(live.addr()).await.expect("a proxy");
    let client = waldur_client::Client::builder(&proxy.url)
        .token(&live.token)
        .build()
        .expect("a client");
    let start = Instant::now();
    let results: Vec<_> = futures_util::stream::iter(0..CALLS)
        .map(|_| {
            let client = client.clone();
            async move { client.openstack_volumes().list().page_size(2).await }
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    let elapsed = start.elapsed();
    let mut failures = Vec::new();
    for r in &results {
        match r {
            Ok(page) => {
                assert_eq!(page.items.len(), 2);
                assert_eq!(page.total, Some(3));
            }
            Err(e) => failures.push(e.to_string()),
        }
    }
    assert_eq!(failures, Vec::<String>::new());
    assert_eq!(results.len(), CALLS);
    assert!(
        proxy.max_requests_at_once() <= IN_FLIGHT,
        "the server served {} requests at once",
        proxy.max_requests_at_once()
    );
    assert!(
        proxy.opened() <= IN_FLIGHT,
        "{} connections opened for {IN_FLIGHT} calls in flight",
        proxy.opened()
    );
    assert_eq!(
        proxy.requests(),
        CALLS,
        "one request per call, none retried"
    );
    // Figures for the closing summary of `cargo xtask live` (it greps this line).
    println!(
        "live load: {CALLS} calls, at most {IN_FLIGHT} in flight: {} connections opened, at \
         most {} requests served at once, {:.1} s, {:.1} calls/s",
        proxy.opened(),
        proxy.max_requests_at_once(),
        elapsed.as_secs_f64(),
        CALLS as f64 / elapsed.as_secs_f64()
    );
}
