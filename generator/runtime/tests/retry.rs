//! Retries with a fake sleeper: which requests are repeated, how often, and the exact delays.

mod support;

use std::time::Duration;

use reqwest::Method;
use support::{Reply, TestServer, json, recording_policy, respond};
use waldur_client_runtime::retry::is_idempotent;
use waldur_client_runtime::{ApiRequest, Client, Error, RetryPolicy};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

async fn client_for(server: &TestServer, policy: RetryPolicy) -> Client {
    Client::builder(&server.url)
        .token("tok")
        .retry(policy)
        .timeout(ms(150))
        .build()
        .unwrap()
}

#[tokio::test]
async fn get_is_retried_after_503_with_the_first_backoff() {
    let server = TestServer::start(vec![
        json("503 Service Unavailable", r#"{"detail":"maintenance"}"#),
        json("200 OK", r#"{"ok":true}"#),
    ])
    .await;
    let (policy, delays) = recording_policy();
    let client = client_for(&server, policy).await;
    let resp = client
        .execute(ApiRequest::new(Method::GET, "/api/x/".to_owned()))
        .await
        .unwrap();
    assert_eq!(&resp.body[..], br#"{"ok":true}"#);
    assert_eq!(*delays.lock().unwrap(), [ms(500)]);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0], requests[1]);
}

#[tokio::test]
async fn retries_stop_after_max_retries_with_doubling_delays() {
    let replies = (0..4)
        .map(|_| json("502 Bad Gateway", r#"{"detail":"upstream"}"#))
        .collect();
    let server = TestServer::start(replies).await;
    let (policy, delays) = recording_policy();
    let client = client_for(&server, policy).await;
    let err = client
        .execute(ApiRequest::new(Method::DELETE, "/api/x/1/".to_owned()))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "HTTP 502 Bad Gateway from DELETE {}/api/x/1/: upstream (after 4 attempts)",
            server.url
        )
    );
    assert_eq!(err.attempts(), 4);
    assert_eq!(err.as_status().map(|e| e.attempts), Some(4));
    assert_eq!(*delays.lock().unwrap(), [ms(500), ms(1000), ms(2000)]);
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn retry_after_on_429_is_honoured_exactly_and_capped() {
    let server = TestServer::start(vec![
        respond("429 Too Many Requests", &[("Retry-After", "7")], ""),
        respond("429 Too Many Requests", &[("Retry-After", "100")], ""),
        respond("503 Service Unavailable", &[("Retry-After", "2")], ""),
        json("200 OK", "[]"),
    ])
    .await;
    let (policy, delays) = recording_policy();
    let client = client_for(&server, policy).await;
    client
        .execute(ApiRequest::new(Method::GET, "/api/x/".to_owned()))
        .await
        .unwrap();
    assert_eq!(
        *delays.lock().unwrap(),
        [
            Duration::from_secs(7),
            Duration::from_secs(30),
            Duration::from_secs(2)
        ]
    );
}

#[tokio::test]
async fn post_is_not_retried_by_default() {
    let server = TestServer::start(vec![
        json("503 Service Unavailable", "{}"),
        json("200 OK", "{}"),
    ])
    .await;
    let (policy, delays) = recording_policy();
    let client = client_for(&server, policy).await;
    let err = client
        .execute(ApiRequest::new(Method::POST, "/api/x/".to_owned()))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(delays.lock().unwrap().is_empty());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn post_is_retried_when_allowed() {
    let server = TestServer::start(vec![Reply::Reset, json("201 Created", "{}")]).await;
    let (policy, delays) = recording_policy();
    let client = client_for(&server, policy.retry_non_idempotent(true)).await;
    let req = ApiRequest::new(Method::POST, "/api/x/".to_owned())
        .json(&serde_json::json!({"name": "a"}))
        .unwrap();
    let resp = client.execute(req).await.unwrap();
    assert_eq!(resp.status, 201);
    assert_eq!(*delays.lock().unwrap(), [ms(500)]);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].body_text(), r#"{"name":"a"}"#);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = TestServer::start(vec![json("404 Not Found", r#"{"detail":"Not found."}"#)]).await;
    let (policy, delays) = recording_policy();
    let client = client_for(&server, policy).await;
    let err = client
        .execute(ApiRequest::new(Method::GET, "/api/x/".to_owned()))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert!(delays.lock().unwrap().is_empty());
}

#[tokio::test]
async fn transport_errors_and_timeouts_are_retried_for_get() {
    let server = TestServer::start(vec![
        Reply::Reset,
        Reply::Delay(Duration::from_secs(3), Box::new(json("200 OK", "{}"))),
        json("200 OK", r#"{"third":1}"#),
    ])
    .await;
    let (policy, delays) = recording_policy();
    let client = client_for(&server, policy).await;
    let resp = client
        .execute(ApiRequest::new(Method::GET, "/api/x/".to_owned()))
        .await
        .unwrap();
    assert_eq!(&resp.body[..], br#"{"third":1}"#);
    assert_eq!(*delays.lock().unwrap(), [ms(500), ms(1000)]);
}

#[tokio::test]
async fn none_policy_never_retries() {
    let server = TestServer::start(vec![json("503 Service Unavailable", "{}")]).await;
    let client = client_for(&server, RetryPolicy::none()).await;
    let err = client
        .execute(ApiRequest::new(Method::GET, "/api/x/".to_owned()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Status(_)));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn backoff_bounds_double_up_to_the_cap() {
    let policy = RetryPolicy::default().jitter(false);
    let delays: Vec<Duration> = (0..8).map(|n| policy.delay(n, None)).collect();
    assert_eq!(
        delays,
        [
            ms(500),
            ms(1000),
            ms(2000),
            ms(4000),
            ms(8000),
            ms(16000),
            ms(30000),
            ms(30000)
        ]
    );
    assert_eq!(policy.delay(u32::MAX, None), ms(30000));
    assert_eq!(
        policy.delay(0, Some(Duration::from_secs(7))),
        Duration::from_secs(7)
    );
    assert_eq!(policy.delay(0, Some(Duration::from_secs(31))), ms(30000));
}

#[test]
fn jitter_stays_within_the_bound_and_varies() {
    let policy = RetryPolicy::default()
        .initial_backoff(ms(100))
        .max_backoff(ms(800));
    let samples: Vec<Duration> = (0..2000).map(|i| policy.delay(i % 5, None)).collect();
    for (i, d) in samples.iter().enumerate() {
        let bound = ms(100 * (1 << (i % 5))).min(ms(800));
        assert!(*d <= bound, "sample {i}: {d:?} > {bound:?}");
    }
    let first_retry: Vec<&Duration> = samples.iter().step_by(5).collect();
    let below_half = first_retry.iter().filter(|d| ***d < ms(50)).count();
    // Uniform on [0, 100 ms]: about half of 400 samples are below 50 ms.
    assert!(
        (120..=280).contains(&below_half),
        "{below_half} of 400 below half"
    );
    // Retry-After is never jittered.
    assert_eq!(policy.delay(3, Some(ms(250))), ms(250));
}

#[test]
fn policy_settings_and_debug() {
    let policy = RetryPolicy::default()
        .max_retries(5)
        .initial_backoff(ms(10))
        .max_backoff(ms(20))
        .retry_non_idempotent(true)
        .jitter(false);
    assert_eq!(
        format!("{policy:?}"),
        "RetryPolicy { max_retries: 5, initial_backoff: 10ms, max_backoff: 20ms, \
         retry_non_idempotent: true, jitter: false, .. }"
    );
    assert!(policy.allows_method(&Method::POST));
    assert_eq!(RetryPolicy::none().max_retries, 0);
    let default = RetryPolicy::default();
    assert_eq!(
        (
            default.max_retries,
            default.initial_backoff,
            default.max_backoff,
            default.retry_non_idempotent,
            default.jitter
        ),
        (3, ms(500), ms(30000), false, true)
    );
    let idempotent: Vec<bool> = [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::POST,
        Method::PATCH,
    ]
    .iter()
    .map(is_idempotent)
    .collect();
    assert_eq!(idempotent, [true, true, true, true, true, false, false]);
    assert!(!default.allows_method(&Method::PATCH));
}
