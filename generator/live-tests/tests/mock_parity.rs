//! The crate's mock server (feature `mock`) against the real server, side by side: the same
//! calls made to both must see the same statuses, the same paging headers (`X-Result-Count`,
//! `Link`, with only the host differing) and the same error bodies. A mock that answered
//! otherwise would teach its users habits the real server breaks.

use waldur_client::models::{OpenStackSnapshotRequest, OpenStackVolume};
use waldur_client::runtime::ApiRequest;
use waldur_client::runtime::mock::MockServer;
use waldur_client::runtime::reqwest::Method;
use waldur_client::{Client, MockServerExt, Uuid};
use waldur_live_tests::{Live, Recorder, Seen, seeded_volumes};

/// The mock server and a client of it that records its responses.
async fn mock() -> (MockServer, Client, std::sync::Arc<Recorder>) {
    let mock = MockServer::start().await.expect("a mock server");
    let recorder = std::sync::Arc::new(Recorder::default());
    let client = mock
        .client_builder()
        .hook(recorder.clone())
        .build()
        .expect("a mock client");
    (mock, Client::from(client), recorder)
}

fn uuid_of(v: &OpenStackVolume) -> Uuid {
    *v.uuid.required("OpenStackVolume.uuid").expect("a uuid")
}

/// What must agree between the two servers: status, `X-Result-Count`, and `Link` with the
/// server's base URL written as `BASE/`.
fn paging(seen: &Seen, base: &str) -> (u16, Option<String>, Option<String>) {
    (
        seen.status,
        seen.header("x-result-count").map(str::to_owned),
        seen.header("link").map(|l| l.replace(base, "BASE/")),
    )
}

fn with_slash(url: &str) -> String {
    if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    }
}

#[tokio::test]
#[ignore = "needs a live Waldur server: cargo xtask live"]
async fn list_pages_and_retrieve_answer_alike() {
    let live = Live::from_env();
    let (live_client, live_seen) = live.recorded_client();
    let mut volumes = seeded_volumes(&live_client).await.to_vec();
    let project = volumes[0].project_uuid().expect("the seed project");
    // The live list's own order, for the mock to serve the same pages.
    let listed = live_client
        .openstack_volumes()
        .list()
        .project_uuid(project)
        .await
        .expect("list");
    volumes = listed.items;
    let (mock, mock_client, mock_seen) = mock().await;
    mock.openstack_volumes().list().returns_all(&volumes);
    mock.openstack_volumes()
        .retrieve(&uuid_of(&volumes[1]))
        .returns(&volumes[1]);

    for client_seen in [(&live_client, &live_seen), (&mock_client, &mock_seen)] {
        let (client, seen) = client_seen;
        seen.clear();
        for page in 1..=3 {
            let got = client
                .openstack_volumes()
                .list()
                .project_uuid(project)
                .page_size(1)
                .page(page)
                .await
                .expect("a page");
            assert_eq!(got.items.len(), 1);
            assert_eq!(got.total, Some(3));
            assert_eq!(got.next_page, (page < 3).then(|| page as u32 + 1));
        }
        let whole = client
            .openstack_volumes()
            .list()
            .project_uuid(project)
            .await
            .expect("the whole list");
        assert_eq!(whole.items.len(), 3);
        let past = client
            .openstack_volumes()
            .list()
            .project_uuid(project)
            .page_size(1)
            .page(9)
            .await;
        assert_eq!(past.as_ref().err().and_then(|e| e.status()), Some(404));
        client
            .openstack_volumes()
            .retrieve(uuid_of(&volumes[1]))
            .await
            .expect("retrieve");
    }
    let live_base = with_slash(&live.url);
    let mock_base = with_slash(mock.url());
    let live_answers: Vec<_> = live_seen
        .seen()
        .iter()
        .map(|s| paging(s, &live_base))
        .collect();
    let mock_answers: Vec<_> = mock_seen
        .seen()
        .iter()
        .map(|s| paging(s, &mock_base))
        .collect();
    assert_eq!(mock_answers, live_answers);
    // And the page past the end says the same thing in the same shape.
    let live_past = &live_seen.seen()[4];
    let mock_past = &mock_seen.seen()[4];
    assert_eq!(
        live_past.json(),
        serde_json::json!({"detail": "Invalid page."})
    );
    assert_eq!(mock_past.json(), live_past.json());
    // The retrieved volume decodes to the same value from both.
    assert_eq!(
        serde_json::from_slice::<OpenStackVolume>(&mock_seen.last().body).expect("decodes"),
        serde_json::from_slice::<OpenStackVolume>(&live_seen.last().body).expect("decodes"),
    );
}

#[tokio::test]
#[ignore = "needs a live Waldur server: cargo xtask live"]
async fn error_bodies_have_the_servers_shapes() {
    let live = Live::from_env();
    let (live_client, live_seen) = live.recorded_client();
    let volume = seeded_volumes(&live_client).await[1].clone();
    let uuid = uuid_of(&volume);
    let unknown = Uuid::from_u128(7);

    // What the live server answers. (Calls whose answer does not depend on the volume's
    // state, which the other tests change: a snapshot is validated in any state.)
    let calls = |client: Client| async move {
        let volumes = client.openstack_volumes();
        let not_found = volumes.retrieve(unknown).await.map(|_| ());
        let bad = volumes
            .snapshot(uuid, OpenStackSnapshotRequest::new(""))
            .await
            .map(|_| ());
        let conflict = volumes.detach(uuid).await.map(|_| ());
        [not_found, bad, conflict]
    };
    let live_results = calls(live_client).await;
    let live_bodies: Vec<_> = live_seen.seen()[3..].iter().map(Seen::json).collect();
    assert_eq!(
        live_bodies,
        [
            serde_json::json!({"detail": "No Volume matches the given query."}),
            serde_json::json!({"name": ["This field may not be blank."]}),
            serde_json::json!({"detail": "Volume is not attached to an instance."}),
        ]
    );

    // The mock, told the same messages through its typed expectations.
    let (mock, mock_client, mock_seen) = mock().await;
    mock.openstack_volumes()
        .retrieve(&unknown)
        .fails(404, "No Volume matches the given query.");
    mock.openstack_volumes()
        .snapshot(&uuid)
        .fails_on_fields(400, &[("name", "This field may not be blank.")]);
    mock.openstack_volumes()
        .detach(&uuid)
        .fails(409, "Volume is not attached to an instance.");
    let mock_results = calls(mock_client).await;
    let mock_bodies: Vec<_> = mock_seen.seen().iter().map(Seen::json).collect();
    assert_eq!(mock_bodies, live_bodies);
    let statuses = |results: &[Result<(), waldur_client::Error>; 3]| {
        results
            .iter()
            .map(|r| r.as_ref().err().and_then(|e| e.status()))
            .collect::<Vec<_>>()
    };
    assert_eq!(statuses(&live_results), [Some(404), Some(400), Some(409)]);
    assert_eq!(statuses(&mock_results), statuses(&live_results));
    for (live, mock) in live_seen.seen()[3..].iter().zip(mock_seen.seen()) {
        assert_eq!(mock.header("content-type"), live.header("content-type"));
    }
    // The parsed errors agree too (what application code reads).
    for (l, m) in live_results.iter().zip(&mock_results) {
        let (l, m) = (l.as_ref().unwrap_err(), m.as_ref().unwrap_err());
        assert_eq!(m.drf(), l.drf());
    }
}

#[tokio::test]
#[ignore = "needs a live Waldur server: cargo xtask live"]
async fn count_answers_alike() {
    let live = Live::from_env();
    let (live_client, live_seen) = live.recorded_client();
    let project = seeded_volumes(&live_client).await[0]
        .project_uuid()
        .expect("the seed project");
    live_seen.clear();
    let n = live_client
        .openstack_volumes()
        .list()
        .project_uuid(project)
        .count()
        .await
        .expect("count");
    let (mock, mock_client, mock_seen) = mock().await;
    mock.openstack_volumes()
        .list()
        .matching(|e| e.query("project_uuid", project.simple()))
        .returns_count(n);
    let m = mock_client
        .openstack_volumes()
        .list()
        .project_uuid(project)
        .count()
        .await
        .expect("count");
    assert_eq!(m, n);
    let (live, mock) = (live_seen.last(), mock_seen.last());
    assert_eq!(live.status, 200);
    assert_eq!(mock.status, live.status);
    assert_eq!(mock.header("x-result-count"), live.header("x-result-count"));
    assert!(live.body.is_empty() && mock.body.is_empty());
    // A raw HEAD of the list, for the record: the server answers it like the GET, body left out.
    let raw = live_client
        .runtime()
        .execute(ApiRequest::new(
            Method::HEAD,
            "/api/openstack-volumes/".to_string(),
        ))
        .await
        .expect("HEAD");
    assert_eq!(raw.status, 200);
}
