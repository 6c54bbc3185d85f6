//! Waiting for an asynchronous change, with a recording sleeper: the exact intervals, the
//! timeout with the last value, failed states, failed polls, cancellation, and a marketplace
//! order polled through the client against the loopback server.

mod support;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::Method;
use support::{TestServer, json};
use waldur_client_runtime::{
    ApiRequest, Client, Error, RetryPolicy, WaitError, WaitPolicy, WaitState, wait_for, wait_until,
};

fn secs(n: f64) -> Duration {
    Duration::from_secs_f64(n)
}

/// A policy whose sleeper records every wait and returns at once.
fn recording(policy: WaitPolicy) -> (WaitPolicy, Arc<Mutex<Vec<Duration>>>) {
    let waits = Arc::new(Mutex::new(Vec::new()));
    let recorded = waits.clone();
    let policy = policy.sleeper(move |d| {
        recorded.lock().unwrap().push(d);
        std::future::ready(())
    });
    (policy, waits)
}

/// A fetch returning 1, 2, 3, ... and counting its calls.
fn counter() -> (
    Arc<AtomicU32>,
    impl FnMut() -> std::future::Ready<Result<u32, Error>>,
) {
    let calls = Arc::new(AtomicU32::new(0));
    let counted = calls.clone();
    let fetch = move || std::future::ready(Ok(counted.fetch_add(1, Ordering::SeqCst) + 1));
    (calls, fetch)
}

#[tokio::test]
async fn intervals_grow_by_the_multiplier_up_to_the_maximum() {
    let (policy, waits) = recording(WaitPolicy::default());
    let (calls, fetch) = counter();
    let value = wait_until(&policy, "the eighth poll", fetch, |n| *n == 8)
        .await
        .unwrap();
    assert_eq!(value, 8);
    assert_eq!(calls.load(Ordering::SeqCst), 8);
    assert_eq!(
        *waits.lock().unwrap(),
        [
            secs(2.0),
            secs(3.0),
            secs(4.5),
            secs(6.75),
            secs(10.125),
            secs(15.1875),
            secs(22.78125)
        ]
    );
    let (policy, waits) = recording(
        WaitPolicy::default()
            .initial_interval(secs(10.0))
            .max_interval(secs(25.0))
            .multiplier(2.0),
    );
    let (_, fetch) = counter();
    wait_until(&policy, "the fifth poll", fetch, |n| *n == 5)
        .await
        .unwrap();
    assert_eq!(
        *waits.lock().unwrap(),
        [secs(10.0), secs(20.0), secs(25.0), secs(25.0)]
    );
}

#[tokio::test]
async fn the_timeout_carries_the_last_value_after_a_final_poll_at_the_deadline() {
    let (policy, waits) = recording(
        WaitPolicy::default()
            .timeout(secs(10.0))
            .initial_interval(secs(1.0))
            .multiplier(2.0),
    );
    let (calls, fetch) = counter();
    let err = wait_until(&policy, "volume 4d5c to be OK", fetch, |_| false)
        .await
        .unwrap_err();
    // Polls at 0, 1, 3 and 7 s, then a shortened wait so that the last poll is at 10 s.
    assert_eq!(calls.load(Ordering::SeqCst), 5);
    let waits = waits.lock().unwrap().clone();
    assert_eq!(waits[..3], [secs(1.0), secs(2.0), secs(4.0)]);
    assert!(waits[3] <= secs(3.0) && waits[3] > secs(2.9), "{waits:?}");
    assert!(err.is_timeout());
    assert_eq!(err.last(), Some(&5));
    assert_eq!(
        err.to_string(),
        "gave up waiting for volume 4d5c to be OK after 10 s (5 polls)"
    );
    match err {
        WaitError::TimedOut {
            what,
            last,
            polls,
            elapsed,
        } => {
            assert_eq!((what.as_str(), last, polls), ("volume 4d5c to be OK", 5, 5));
            assert!(
                elapsed >= secs(10.0) && elapsed < secs(10.05),
                "{elapsed:?}"
            );
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn a_zero_timeout_polls_once() {
    let (policy, waits) = recording(WaitPolicy::default().timeout(Duration::ZERO));
    let (calls, fetch) = counter();
    let err = wait_until(&policy, "anything", fetch, |_| false)
        .await
        .unwrap_err();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert!(waits.lock().unwrap().is_empty());
    assert_eq!(err.into_last(), Some(1));
}

#[tokio::test]
async fn a_failed_state_ends_the_wait_with_its_message_and_value() {
    let (policy, waits) = recording(WaitPolicy::default().every(secs(5.0)));
    let (_, fetch) = counter();
    let err = wait_for(&policy, "order 7c1f to be done", fetch, |n| match n {
        3 => WaitState::Failed("the order erred: Quota exceeded".to_owned()),
        _ => WaitState::Pending,
    })
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "waiting for order 7c1f to be done failed after 3 polls: the order erred: Quota exceeded"
    );
    assert!(matches!(
        &err,
        WaitError::Failed { last: 3, polls: 3, message, .. } if message == "the order erred: Quota exceeded"
    ));
    assert_eq!(*waits.lock().unwrap(), [secs(5.0), secs(5.0)]);
}

#[tokio::test]
async fn a_failed_poll_ends_the_wait_with_the_previous_value() {
    let (policy, _) = recording(WaitPolicy::default());
    let calls = Arc::new(AtomicU32::new(0));
    let counted = calls.clone();
    let err = wait_until(
        &policy,
        "volume 4d5c to be OK",
        move || {
            let n = counted.fetch_add(1, Ordering::SeqCst) + 1;
            std::future::ready(if n < 3 {
                Ok(n)
            } else {
                Err(Error::Config("gone".to_owned()))
            })
        },
        |_| false,
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "waiting for volume 4d5c to be OK: poll 3 failed: invalid client configuration: gone"
    );
    assert_eq!(err.last(), Some(&2));
    assert!(std::error::Error::source(&err).is_some());
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn dropping_the_wait_cancels_it() {
    let slept = Arc::new(AtomicU32::new(0));
    let counted = slept.clone();
    // A sleeper that never wakes: the wait is parked between polls when it is dropped.
    let policy = WaitPolicy::default().sleeper(move |_| {
        counted.fetch_add(1, Ordering::SeqCst);
        std::future::pending::<()>()
    });
    let (calls, fetch) = counter();
    let outcome = tokio::time::timeout(
        Duration::from_millis(50),
        wait_until(&policy, "never", fetch, |_| false),
    )
    .await;
    assert!(outcome.is_err(), "the wait cannot finish");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(slept.load(Ordering::SeqCst), 1);
}

#[test]
fn odd_multipliers_never_panic() {
    let policy = WaitPolicy::default().multiplier(f64::NAN);
    assert!(format!("{policy:?}").contains("multiplier: 1.0"));
    let policy = WaitPolicy::default().multiplier(0.5);
    assert!(format!("{policy:?}").contains("multiplier: 1.0"));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (policy, waits) = recording(
        WaitPolicy::default()
            .multiplier(f64::MAX)
            .max_interval(Duration::MAX)
            .timeout(Duration::MAX),
    );
    let (_, fetch) = counter();
    rt.block_on(wait_until(&policy, "x", fetch, |n| *n == 3))
        .unwrap();
    // 2 s times f64::MAX overflows a Duration: the wait is the maximum interval, less the
    // time spent so far (the budget is Duration::MAX too).
    let waits = waits.lock().unwrap().clone();
    assert_eq!(waits[0], secs(2.0));
    assert!(waits[1] > Duration::from_secs(u64::MAX - 10), "{waits:?}");
}

#[tokio::test]
async fn a_marketplace_order_is_polled_through_the_client_until_done() {
    let order = |state: &str| {
        json(
            "200 OK",
            &format!(r#"{{"uuid":"7c1f","state":"{state}","error_message":""}}"#),
        )
    };
    let server = TestServer::start(vec![
        order("pending-provider"),
        order("executing"),
        order("done"),
    ])
    .await;
    let client = Client::builder(&server.url)
        .token("tok")
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let (policy, waits) = recording(WaitPolicy::default());
    let done = wait_for(
        &policy,
        "marketplace order 7c1f to be done",
        || {
            let client = client.clone();
            async move {
                let req = ApiRequest::new(Method::GET, "/api/marketplace-orders/7c1f/".to_owned())
                    .operation(
                        "marketplace_orders_retrieve",
                        "/api/marketplace-orders/{uuid}/",
                    );
                client.execute(req).await?.decode::<serde_json::Value>()
            }
        },
        |o| match o["state"].as_str() {
            Some("done") => WaitState::Done,
            Some("erred") => WaitState::Failed(o["error_message"].to_string()),
            _ => WaitState::Pending,
        },
    )
    .await
    .unwrap();
    assert_eq!(done["state"], "done");
    assert_eq!(*waits.lock().unwrap(), [secs(2.0), secs(3.0)]);
    let lines: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.request_line().to_owned())
        .collect();
    assert_eq!(lines, vec!["GET /api/marketplace-orders/7c1f/ HTTP/1.1"; 3]);
}
