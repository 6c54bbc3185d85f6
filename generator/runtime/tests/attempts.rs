//! The final error of a call says how many times the request was sent.

mod support;

use std::time::Duration;

use reqwest::Method;
use support::{Reply, TestServer, json, recording_policy};
use waldur_client_runtime::{ApiRequest, Client, Error, RetryPolicy};

fn get() -> ApiRequest {
    ApiRequest::new(Method::GET, "/api/openstack-volumes/".to_owned())
}

async fn client(server: &TestServer, policy: RetryPolicy) -> Client {
    Client::builder(&server.url)
        .retry(policy)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap()
}

#[tokio::test]
async fn timeouts_after_retries_say_how_many_attempts() {
    let stall = || Reply::Delay(Duration::from_secs(2), Box::new(json("200 OK", "[]")));
    let server = TestServer::start(vec![stall(), stall(), stall()]).await;
    let (policy, _) = recording_policy();
    let err = client(&server, policy.max_retries(2))
        .await
        .execute(get())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "GET {}/api/openstack-volumes/ timed out (after 3 attempts)",
            server.url
        )
    );
    assert!(matches!(err, Error::Timeout { attempts: 3, .. }));
    assert_eq!(err.attempts(), 3);
}

#[tokio::test]
async fn transport_errors_after_retries_say_how_many_attempts() {
    let server = TestServer::start(vec![Reply::Reset, Reply::Reset]).await;
    let (policy, _) = recording_policy();
    let err = client(&server, policy.max_retries(1))
        .await
        .execute(get())
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "GET {}/api/openstack-volumes/ failed: ",
            server.url
        )),
        "{text}"
    );
    assert!(text.ends_with(" (after 2 attempts)"), "{text}");
    assert_eq!(err.attempts(), 2);
}

#[tokio::test]
async fn a_single_attempt_adds_nothing_to_the_message() {
    let server = TestServer::start(vec![
        json("503 Service Unavailable", r#"{"detail":"busy"}"#),
        json("400 Bad Request", r#"{"name":["This field is required."]}"#),
    ])
    .await;
    let (policy, _) = recording_policy();
    let client = client(&server, policy).await;
    // POST is not retried by default.
    let err = client
        .execute(ApiRequest::new(
            Method::POST,
            "/api/openstack-volumes/".to_owned(),
        ))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "HTTP 503 Service Unavailable from POST {}/api/openstack-volumes/: busy",
            server.url
        )
    );
    assert_eq!(err.attempts(), 1);
    // A 400 is not retryable.
    let err = client.execute(get()).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "HTTP 400 Bad Request from GET {}/api/openstack-volumes/: name: This field is required.",
            server.url
        )
    );
    assert_eq!(err.attempts(), 1);
}

#[tokio::test]
async fn errors_before_sending_count_no_attempt() {
    let client = Client::builder("http://127.0.0.1:9").build().unwrap();
    let err = client
        .execute(ApiRequest::new(Method::GET, "/api/x/../y/".to_owned()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Encode(_)), "{err:?}");
    assert_eq!(err.attempts(), 0);
}

#[test]
fn the_error_stays_small() {
    // clippy's `result_large_err` fires on every `Result<T, Error>` of callers at 128 bytes.
    assert!(
        std::mem::size_of::<Error>() < 128,
        "{}",
        std::mem::size_of::<Error>()
    );
}
