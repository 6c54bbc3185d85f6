//! Test support: the shared loopback server, plus a retry policy that records its delays.
#![allow(dead_code)] // each test file uses a different part of it

use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use waldur_test_server::*;

/// A retry policy whose sleeper records every delay and returns at once.
pub fn recording_policy() -> (
    waldur_client_runtime::RetryPolicy,
    Arc<Mutex<Vec<Duration>>>,
) {
    let delays = Arc::new(Mutex::new(Vec::new()));
    let recorded = delays.clone();
    let policy = waldur_client_runtime::RetryPolicy::default()
        .jitter(false)
        .sleeper(move |d| {
            recorded.lock().expect("lock").push(d);
            std::future::ready(())
        });
    (policy, delays)
}
