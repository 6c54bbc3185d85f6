//! Retries of the generated operations, with time under the test's control: the retry
//! policy's sleeper records each delay and returns at once, so nothing really sleeps and the
//! delays are checked exactly (jitter off) or by their bounds (jitter on).

mod common;

use std::time::{Duration, Instant};

use common::{
    ID, UUID, delays, ms, recording_policy, retrying_client, things_recording_policy,
    things_retrying_client, volume_json,
};
use waldur_client::RetryPolicy;
use waldur_client::models::{
    OpenStackVolumeExtendRequest, OpenStackVolumeRequest, PatchedOpenStackVolumeRequest,
};
use waldur_test_server::{Reply, TestServer, json as json_reply, respond, truncated};

fn volume() -> String {
    volume_json(UUID, "data").to_string()
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

#[tokio::test]
async fn rate_limited_requests_wait_as_long_as_retry_after_says() {
    let throttled = r#"{"detail": "Request was throttled. Expected available in 7 seconds."}"#;
    let server = TestServer::start(vec![
        respond(
            "429 Too Many Requests",
            &[("Retry-After", "7"), ("Content-Type", "application/json")],
            throttled,
        ),
        // A wait above max_backoff (30 s) is capped.
        respond("429 Too Many Requests", &[("Retry-After", "120")], ""),
        // An HTTP date far ahead: capped too.
        respond(
            "503 Service Unavailable",
            &[("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT")],
            "",
        ),
        // A date in the past: retry at once.
        respond(
            "503 Service Unavailable",
            &[("Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT")],
            "",
        ),
        json_reply("200 OK", "[]"),
    ])
    .await;
    let (policy, recorded) = recording_policy();
    let c = retrying_client(&server, policy.max_retries(4));
    let started = Instant::now();
    let page = c.openstack_volumes().list().await.unwrap();
    assert!(page.items.is_empty());
    assert_eq!(
        delays(&recorded),
        [secs(7), secs(30), secs(30), Duration::ZERO]
    );
    assert_eq!(server.requests().len(), 5);
    // 67 s of waiting were only recorded.
    assert!(started.elapsed() < secs(10), "{:?}", started.elapsed());
}

#[tokio::test]
async fn server_errors_back_off_exponentially_then_give_up_with_the_last_error() {
    let server = TestServer::start(vec![
        json_reply("500 Internal Server Error", ""),
        json_reply("502 Bad Gateway", ""),
        // Retry-After counts only on 429 and 503.
        respond("500 Internal Server Error", &[("Retry-After", "9")], ""),
        json_reply("504 Gateway Timeout", r#"{"detail": "upstream timed out"}"#),
        json_reply("200 OK", "{}"),
    ])
    .await;
    let (policy, recorded) = recording_policy();
    let err = retrying_client(&server, policy)
        .openstack_volumes()
        .retrieve(ID)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "HTTP 504 Gateway Timeout from GET {}/api/openstack-volumes/{UUID}/: upstream timed out \
             (after 4 attempts)",
            server.url
        )
    );
    assert_eq!(err.attempts(), 4);
    assert!(err.is_retryable());
    // Default policy: 3 retries, 500 ms doubling.
    assert_eq!(delays(&recorded), [ms(500), ms(1000), ms(2000)]);
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn put_delete_and_head_are_retried_on_5xx_and_429() {
    let server = TestServer::start(vec![
        json_reply("503 Service Unavailable", ""),
        json_reply("200 OK", &volume()),
        json_reply("502 Bad Gateway", ""),
        respond("204 No Content", &[], ""),
        respond("429 Too Many Requests", &[("Retry-After", "2")], ""),
        respond("200 OK", &[("X-Result-Count", "3")], ""),
    ])
    .await;
    let (policy, recorded) = recording_policy();
    let c = retrying_client(&server, policy);
    let things = things_retrying_client(&server, things_recording_policy(&recorded));
    let v = c
        .openstack_volumes()
        .update(ID, OpenStackVolumeRequest::new("renamed"))
        .await
        .unwrap();
    assert_eq!(v.name(), Some("data"));
    assert_eq!(things.things().destroy(ID).await.unwrap().status, 204);
    assert_eq!(c.openstack_volumes().list().count().await.unwrap(), 3);
    assert_eq!(delays(&recorded), [ms(500), ms(500), secs(2)]);
    let requests = server.requests();
    let lines: Vec<&str> = requests.iter().map(|r| r.request_line()).collect();
    let put = format!("PUT /api/openstack-volumes/{UUID}/ HTTP/1.1");
    let delete = format!("DELETE /api/things/{UUID}/ HTTP/1.1");
    let head = "HEAD /api/openstack-volumes/ HTTP/1.1";
    assert_eq!(lines, [&put, &put, &delete, &delete, head, head]);
    // The retried PUT sends the same body again.
    assert_eq!(requests[0].body_text(), r#"{"name":"renamed"}"#);
    assert_eq!(requests[1].body_text(), r#"{"name":"renamed"}"#);
}

#[tokio::test]
async fn post_and_patch_are_not_retried_by_default() {
    let server = TestServer::start(vec![
        json_reply("503 Service Unavailable", ""),
        respond("429 Too Many Requests", &[("Retry-After", "1")], ""),
        json_reply("502 Bad Gateway", ""),
        Reply::Reset,
    ])
    .await;
    let (policy, recorded) = recording_policy();
    let c = retrying_client(&server, policy);
    let vols = c.openstack_volumes();
    let extend = vols
        .extend(ID, OpenStackVolumeExtendRequest::new(10))
        .await
        .unwrap_err();
    assert_eq!(extend.status(), Some(503));
    assert!(extend.is_retryable(), "retryable, but not for a POST");
    assert_eq!(vols.pull(ID).await.unwrap_err().status(), Some(429));
    let patch = vols
        .partial_update(ID)
        .body(PatchedOpenStackVolumeRequest::default())
        .await
        .unwrap_err();
    assert_eq!(patch.status(), Some(502));
    let reset = vols.detach(ID).await.unwrap_err();
    assert!(matches!(reset, waldur_client::Error::Transport { .. }));
    assert_eq!(delays(&recorded), []);
    assert_eq!(
        common::request_lines(&server),
        [
            format!("POST /api/openstack-volumes/{UUID}/extend/ HTTP/1.1"),
            format!("POST /api/openstack-volumes/{UUID}/pull/ HTTP/1.1"),
            format!("PATCH /api/openstack-volumes/{UUID}/ HTTP/1.1"),
            format!("POST /api/openstack-volumes/{UUID}/detach/ HTTP/1.1"),
        ]
    );
}

#[tokio::test]
async fn non_idempotent_retries_can_be_turned_on() {
    let server = TestServer::start(vec![
        json_reply("503 Service Unavailable", ""),
        json_reply("202 Accepted", r#"{"status": "extend was scheduled"}"#),
    ])
    .await;
    let (policy, recorded) = recording_policy();
    let c = retrying_client(&server, policy.retry_non_idempotent(true));
    let scheduled = c
        .openstack_volumes()
        .extend(ID, OpenStackVolumeExtendRequest::new(10))
        .await
        .unwrap();
    assert_eq!(scheduled.status(), Some("extend was scheduled"));
    assert_eq!(delays(&recorded), [ms(500)]);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        assert_eq!(r.body_text(), r#"{"disk_size":10}"#);
    }
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    for status in [
        "400 Bad Request",
        "401 Unauthorized",
        "404 Not Found",
        "409 Conflict",
    ] {
        let server =
            TestServer::start(vec![json_reply(status, "{}"), json_reply("200 OK", "{}")]).await;
        let (policy, recorded) = recording_policy();
        let err = retrying_client(&server, policy)
            .openstack_volumes()
            .retrieve(ID)
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(status[..3].parse().unwrap()));
        assert!(!err.is_retryable());
        assert_eq!(delays(&recorded), [], "{status}");
        assert_eq!(server.requests().len(), 1, "{status}");
    }
}

#[tokio::test]
async fn resets_truncated_bodies_and_timeouts_are_retried_on_get() {
    let server = TestServer::start(vec![
        Reply::Reset,
        truncated(300, r#"{"uuid": "b9e6"#),
        Reply::Delay(secs(5), Box::new(json_reply("200 OK", "{}"))),
        json_reply("200 OK", &volume()),
    ])
    .await;
    let (policy, recorded) = recording_policy();
    let c = waldur_client::Client::builder(&server.url)
        .timeout(common::SHORT_TIMEOUT)
        .retry(policy)
        .build()
        .expect("a loopback client builds");
    let v = c.openstack_volumes().retrieve(ID).await.unwrap();
    assert_eq!(v.uuid(), Some(ID));
    assert_eq!(delays(&recorded), [ms(500), ms(1000), ms(2000)]);
}

#[tokio::test]
async fn a_malformed_body_is_not_retried() {
    let server = TestServer::start(vec![
        json_reply("200 OK", "{"),
        json_reply("200 OK", &volume()),
    ])
    .await;
    let (policy, recorded) = recording_policy();
    let err = retrying_client(&server, policy)
        .openstack_volumes()
        .retrieve(ID)
        .await
        .unwrap_err();
    assert!(matches!(err, waldur_client::Error::Decode(_)));
    assert_eq!(delays(&recorded), []);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn backoff_is_capped_and_jittered_below_its_bound() {
    let failures = || {
        (0..5)
            .map(|_| json_reply("503 Service Unavailable", ""))
            .collect::<Vec<_>>()
    };
    let policy = |jitter: bool| {
        let (p, recorded) = recording_policy();
        let p = p
            .jitter(jitter)
            .max_retries(4)
            .initial_backoff(secs(1))
            .max_backoff(secs(3));
        (p, recorded)
    };
    let bounds = [secs(1), secs(2), secs(3), secs(3)];

    let server = TestServer::start(failures()).await;
    let (exact, recorded) = policy(false);
    let err = retrying_client(&server, exact)
        .openstack_volumes()
        .list()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(delays(&recorded), bounds);

    let server = TestServer::start(failures()).await;
    let (jittered, recorded) = policy(true);
    retrying_client(&server, jittered)
        .openstack_volumes()
        .list()
        .await
        .unwrap_err();
    let got = delays(&recorded);
    assert_eq!(got.len(), 4);
    // Full jitter: uniform in [0, bound), so strictly below the bound.
    for (delay, bound) in got.iter().zip(bounds) {
        assert!(*delay < bound, "{got:?}");
    }
    assert_eq!(server.requests().len(), 5);
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let server = TestServer::start(vec![
        json_reply("503 Service Unavailable", ""),
        json_reply("200 OK", "[]"),
    ])
    .await;
    let (policy, recorded) = recording_policy();
    assert_eq!(RetryPolicy::none().max_retries, 0);
    let c = retrying_client(&server, policy.max_retries(0));
    let err = c.openstack_volumes().list().await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(delays(&recorded), []);
    assert_eq!(server.requests().len(), 1);
}
