//! Shared by the test files: clients against the loopback server (retries off, or with a retry
//! policy whose sleeper records the delays instead of sleeping), for the client generated from
//! `spec/` (`waldur_client`) and for the fixture crate (`fixture_things`), plus the JSON
//! normalisation used where a decoded response is encoded again.
#![allow(dead_code)] // each test file uses a different part of it

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use waldur_client::{Client, RetryPolicy, Uuid};
use waldur_test_server::TestServer;

/// The API token of every test client; no error text or debug output may contain it.
pub const TOKEN: &str = "s3cr3t-resilience-t0ken";
/// A dashless UUID, as Waldur sends them.
pub const UUID: &str = "b9e6da6cb6164cacb584184934744208";
/// [`UUID`] as the typed path parameter.
pub const ID: Uuid = Uuid::from_u128(0xb9e6da6cb6164cacb584184934744208);

/// Delays the retry policy asked for, in order.
pub type Delays = Arc<Mutex<Vec<Duration>>>;

/// Timeout of the clients below: generous, so that a loaded machine does not turn a prompt
/// answer into a timeout.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Timeout of clients in tests that make the server stall (for 5 s).
pub const SHORT_TIMEOUT: Duration = Duration::from_millis(300);

/// A client that never retries.
pub fn client(server: &TestServer) -> Client {
    client_with_timeout(server, TIMEOUT)
}

/// A client that never retries and gives up after `timeout`.
pub fn client_with_timeout(server: &TestServer, timeout: Duration) -> Client {
    Client::builder(&server.url)
        .token(TOKEN)
        .timeout(timeout)
        .retry(RetryPolicy::none())
        .build()
        .expect("a loopback client builds")
}

/// The fixture crate's client with the settings of [`client`] (each generated crate has its own
/// runtime, so its own `Client` and `RetryPolicy` types).
pub fn things_client(server: &TestServer) -> fixture_things::Client {
    fixture_things::Client::builder(&server.url)
        .token(TOKEN)
        .timeout(TIMEOUT)
        .retry(fixture_things::RetryPolicy::none())
        .build()
        .expect("a loopback client builds")
}

/// The default retry policy without jitter; its sleeper records each delay and returns at once.
pub fn recording_policy() -> (RetryPolicy, Delays) {
    let delays: Delays = Arc::new(Mutex::new(Vec::new()));
    let recorded = delays.clone();
    let policy = RetryPolicy::default().jitter(false).sleeper(move |d| {
        recorded.lock().expect("delays lock").push(d);
        std::future::ready(())
    });
    (policy, delays)
}

/// The same policy for the fixture crate, recording into `delays`.
pub fn things_recording_policy(delays: &Delays) -> fixture_things::RetryPolicy {
    let recorded = delays.clone();
    fixture_things::RetryPolicy::default()
        .jitter(false)
        .sleeper(move |d| {
            recorded.lock().expect("delays lock").push(d);
            std::future::ready(())
        })
}

/// A client with the given (recording) policy.
pub fn retrying_client(server: &TestServer, policy: RetryPolicy) -> Client {
    Client::builder(&server.url)
        .token(TOKEN)
        .timeout(TIMEOUT)
        .retry(policy)
        .build()
        .expect("a loopback client builds")
}

/// The fixture crate's client with the given (recording) policy.
pub fn things_retrying_client(
    server: &TestServer,
    policy: fixture_things::RetryPolicy,
) -> fixture_things::Client {
    fixture_things::Client::builder(&server.url)
        .token(TOKEN)
        .timeout(TIMEOUT)
        .retry(policy)
        .build()
        .expect("a loopback client builds")
}

pub fn delays(d: &Delays) -> Vec<Duration> {
    d.lock().expect("delays lock").clone()
}

pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A volume as the server sends it (shape of the recorded traffic).
pub fn volume_json(uuid: &str, name: &str) -> Value {
    json!({
        "url": format!("http://127.0.0.1:8000/api/openstack-volumes/{uuid}/"),
        "uuid": uuid,
        "name": name,
        "size": 102400,
        "bootable": false,
        "state": "OK",
        "metadata": {},
        "image_metadata": "",
        "access_url": null,
        "backend_id": "9b6927c3-89ee-4d71-bf8f-47517b60aacb",
    })
}

/// Request lines the server received, in order.
pub fn request_lines(server: &TestServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| r.request_line().to_string())
        .collect()
}

/// The JSON of a model encoded again.
pub fn encoded<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("a decoded model encodes")
}

// Calls through the generated API, kept here so that the hostile-server tests do not depend
// on the shape of generated methods and models.

/// `GET /api/openstack-volumes/{uuid}/`.
pub async fn retrieve_volume_call(
    c: &Client,
    uuid: Uuid,
) -> Result<waldur_client::models::OpenStackVolume, waldur_client::Error> {
    c.openstack_volumes().retrieve(uuid).await
}

/// `POST /api/openstack-volumes/{uuid}/extend/` with `{"disk_size": size}`: documented to
/// answer 202 with `{"status": "extend was scheduled"}`.
pub async fn extend_volume_call(
    c: &Client,
    uuid: Uuid,
    size: i64,
) -> Result<waldur_client::models::Status, waldur_client::Error> {
    c.openstack_volumes()
        .extend(
            uuid,
            waldur_client::models::OpenStackVolumeExtendRequest::new(size),
        )
        .await
}

/// `POST /api/openstack-volumes/{uuid}/pull/`: documented to answer 202 with `{"detail": ...}`.
pub async fn pull_volume_call(
    c: &Client,
    uuid: Uuid,
) -> Result<waldur_client::models::Detail, waldur_client::Error> {
    c.openstack_volumes().pull(uuid).await
}

/// One page of `GET /api/openstack-volumes/`, with `page_size` if given.
pub async fn list_volumes_call(
    c: &Client,
    page_size: Option<i64>,
) -> Result<waldur_client::Page<waldur_client::models::OpenStackVolume>, waldur_client::Error> {
    let mut list = c.openstack_volumes().list();
    if let Some(size) = page_size {
        list = list.page_size(size);
    }
    list.await
}

/// Every result of the volume stream, errors included.
pub async fn stream_volumes_call(
    c: &Client,
) -> Vec<Result<waldur_client::models::OpenStackVolume, waldur_client::Error>> {
    use futures_util::StreamExt;
    c.openstack_volumes().list().stream().collect().await
}

/// The name of a decoded volume, `""` when it has none.
pub fn volume_name(v: &waldur_client::models::OpenStackVolume) -> String {
    v.name().unwrap_or_default().to_string()
}
