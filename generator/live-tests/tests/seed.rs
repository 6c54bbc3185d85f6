//! Every operation of the seed page (`waldur-client`) against a real Waldur server: reads,
//! writes, the server's own error answers, and each remaining action once. What the server
//! answers is asserted exactly: items, totals, statuses, messages and field names.
//!
//! Run by `cargo xtask live` (see the crate docs for which test owns which volume).

use std::collections::BTreeSet;

use futures_util::TryStreamExt;
use waldur_client::models::{
    OpenStackSnapshotRequest, OpenStackVolumeExtendRequest, OpenStackVolumeRequest,
    OpenStackVolumeRetypeRequest, PatchedOpenStackVolumeRequest, VolumeAttachRequest,
};
use waldur_client::runtime::{ApiRequest, Inspect, reqwest::Method};
use waldur_client::{Error, Nullable, Uuid};
use waldur_live_tests::{Live, seeded_volumes};

fn uuid_of(v: &waldur_client::models::OpenStackVolume) -> Uuid {
    *v.uuid
        .required("OpenStackVolume.uuid")
        .expect("a volume has a uuid")
}

/// The status error inside `result`, with its exact status; panics on anything else.
fn status_error<T: std::fmt::Debug>(
    result: Result<T, Error>,
    status: u16,
) -> Box<waldur_client::runtime::StatusError> {
    match result {
        Err(Error::Status(e)) if e.status == status => e,
        other => panic!("expected HTTP {status} as Error::Status, got {other:?}"),
    }
}

#[tokio::test]
#[ignore = "needs a live Waldur server: cargo xtask live"]
async fn list_filters_return_exactly_the_matching_seeded_volumes() {
    let live = Live::from_env();
    let client = live.client();
    let seeded = seeded_volumes(&client).await;
    let all: BTreeSet<Uuid> = seeded.iter().map(uuid_of).collect();
    let project = seeded[0].project_uuid().expect("the seed project");

    let by_project = client
        .openstack_volumes()
        .list()
        .project_uuid(project)
        .await
        .expect("list by project");
    assert_eq!(by_project.total, Some(3));
    assert_eq!(
        by_project
            .items
            .iter()
            .map(uuid_of)
            .collect::<BTreeSet<_>>(),
        all
    );
    for v in &by_project.items {
        assert_eq!(v.project_name(), Some("Seed Project"));
        assert_eq!(v.customer_name(), Some("Seed Org"));
    }

    // `name` matches a part of the name (Django's icontains), `name_exact` the whole of it.
    let by_name = client
        .openstack_volumes()
        .list()
        .name("seed-volume-1")
        .await
        .expect("list by name");
    assert_eq!(by_name.total, Some(1));
    assert_eq!(by_name.items.len(), 1);
    assert_eq!(by_name.items[0].name(), Some("seed-volume-1"));
    assert_eq!(by_name.items[0].uuid(), Some(uuid_of(&seeded[1])));

    let other_project = client
        .openstack_volumes()
        .list()
        .project_uuid(Uuid::from_u128(1))
        .await
        .expect("list by another project");
    assert_eq!(other_project.total, Some(0));
    assert!(other_project.items.is_empty());
    assert_eq!(other_project.next_page, None);
}

#[tokio::test]
#[ignore = "needs a live Waldur server: cargo xtask live"]
async fn stream_walks_three_pages_through_the_servers_link_headers() {
    let live = Live::from_env();
    let (client, recorder) = live.recorded_client();
    let project = seeded_volumes(&live.client()).await[0]
        .project_uuid()
        .expect("the seed project");
    let volumes: Vec<_> = client
        .openstack_volumes()
        .list()
        .project_uuid(project)
        .page_size(1)
        .stream()
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(volumes.len(), 3);
    let uuids: BTreeSet<Uuid> = volumes.iter().map(uuid_of).collect();
    assert_eq!(uuids.len(), 3, "three different volumes");

    let seen = recorder.seen();
    let pages: Vec<String> = seen
        .iter()
        .map(|s| {
            let url = s.url.replace(&live.url, "/");
            url.replace(&project.simple().to_string(), "P")
        })
        .collect();
    assert_eq!(
        pages,
        [
            "/api/openstack-volumes/?page=1&page_size=1&project_uuid=P",
            "/api/openstack-volumes/?page=2&page_size=1&project_uuid=P",
            "/api/openstack-volumes/?page=3&page_size=1&project_uuid=P",
        ]
    );
    // The server's own links: sorted parameters, page 1 without `page`.
    let base = format!("{}api/openstack-volumes/", live.url);
    let p = project.simple().to_string();
    assert_eq!(
        seen[0].header("link"),
        Some(
            format!(
                "<{base}?page_size=1&project_uuid={p}>; rel=\"first\", \
                 <{base}?page=2&page_size=1&project_uuid={p}>; rel=\"next\", \
                 <{base}?page=3&page_size=1&project_uuid={p}>; rel=\"last\""
            )
            .as_str()
        )
    );
    for s in &seen {
        assert_eq!(s.status, 200);
        assert_eq!(s.header("x-result-count"), Some("3"));
    }
}

#[tokio::test]
#[ignore = "needs a live Waldur server: cargo xtask live"]
async fn count_equals_the_lists_total() {
    let live = Live::from_env();
    let client = live.client();
    let project = seeded_volumes(&client).await[0]
        .project_uuid()
        .expect("the seed project");
    let page = client
        .openstack_volumes()
        .list()
        .project_uuid(project)
        .await
        .expect("list");
    let count = client
        .openstack_volumes()
        .list()
        .project_uuid(project)
        .count()
        .await
        .expect("count");
    assert_eq!(Some(count), page.total);
    assert_eq!(count, 3);
    let one = client
        .openstack_volumes()
        .list()
        .name_exact("seed-volume-1")
        .count()
        .await
        .expect("count by name");
    assert_eq!(one, 1);
}

#[tokio::test]
#[ignore = "needs a live Waldur server: cargo xtask live"]
async fn retrieve_decodes_every_volume_as_documented() {
    let live = Live::from_env();
    let client = live.client();
    for listed in seeded_volumes(&client).await {
        let uuid = uuid_of(&listed);
        let v = client
            .openstack_volumes()
            .retrieve(uuid)
            .await
            .expect("retrieve");
        assert_eq!(v.uuid(), Some(uuid));
        assert_eq!(v.name(), listed.name());
        assert_eq!(
            v.url(),
            Some(
                live.api_url(&format!("openstack-volumes/{}/", uuid.simple()))
                    .as_str()
            )
        );
        assert_eq!(v.type_name(), Some("ssd"));
        assert_eq!(v.project_name(), Some("Seed Project"));
        assert_eq!(v.size(), listed.size());
        assert!(v.size().is_some_and(|s| s > 0), "a size: {v:?}");
        // Nothing of the wrong type, no enum value the client does not know. (Keys the seed
        // page does not document are allowed: the server is an older version.)
        let surprises: Vec<String> = v
            .findings()
            .iter()
            .filter(|f| f.kind != waldur_client::runtime::FindingKind::Undocumented)
            .map(|f| f.to_string())
            .collect();
        assert_eq!(surprises, Vec::<String>::new(), "{v:?}");
    }
}

/// `seed-volume-0`: a partial update answers 200 and shows in a later retrieve. The update
/// schedules work on the backend (which never runs here), so the volume then refuses a full
/// update with 409, while a snapshot, allowed in any state, still answers 201.
#[tokio::test]
#[ignore = "needs a live Waldur server: cargo xtask live"]
async fn partial_update_changes_what_retrieve_shows() {
    let live = Live::from_env();
    let client = live.client();
    let volume = &seeded_volumes(&client).await[0];
    let uuid = uuid_of(volume);
    let volumes = client.openstack_volumes();

    // The name stays: the other tests find the volumes by name.
    let body = PatchedOpenStackVolumeRequest {
        name: Nullable::Value("seed-volume-0".to_string()),
        description: Nullable::Value("patched by the live tests".to_string()),
        ..Default::default()
    };
    let patched = volumes
        .partial_update(uuid)
        .body(body)
        .await
        .expect("PATCH");
    assert_eq!(patched.name(), Some("seed-volume-0"));
    assert_eq!(patched.description(), Some("patched by the live tests"));
    let read = volumes.retrieve(uuid).await.expect("retrieve");
    assert_eq!(read.description(), Some("patched by the live tests"));
    assert_eq!(read.state(), Some(&serde_json::json!("Update Scheduled")));

    let e = status_error(
        volumes
            .update(uuid, OpenStackVolumeRequest::new("seed-volume-0"))
            .await,
        409,
    );
    assert_eq!(
        e.drf.as_ref().and_then(|d| d.detail.as_deref()),
        Some("Valid states for operation: OK.")
    );
    let snapshot = volumes
        .snapshot(uuid, OpenStackSnapshotRequest::new("live-snapshot-0"))
        .await
        .expect("snapshot");
    assert_eq!(snapshot.source_volume_name(), Some("seed-volume-0"));
    assert_eq!(
        snapshot.state(),
        Some(&serde_json::json!("Creation Scheduled"))
    );
}

/// `seed-volume-1`: a full update answers 200 and shows in a later retrieve. (The name stays:
/// the read tests filter by it.)
#[tokio::test]
#[ignore = "needs a live Waldur server: cargo xtask live"]
async fn update_changes_what_retrieve_shows() {
    let live = Live::from_env();
    let client = live.client();
    let volume = &seeded_volumes(&client).await[1];
    let uuid = uuid_of(volume);
    let mut body = OpenStackVolumeRequest::new("seed-volume-1");
    body.description = Nullable::Value("updated by the live tests".to_string());
    let updated = client
        .openstack_volumes()
        .update(uuid, body)
        .await
        .expect("PUT");
    assert_eq!(updated.name(), Some("seed-volume-1"));
    assert_eq!(updated.description(), Some("updated by the live tests"));
    let read = client
        .openstack_volumes()
        .retrieve(uuid)
        .await
        .expect("retrieve");
    assert_eq!(read.description(), Some("updated by the live tests"));
    assert_eq!(read.size(), volume.size());
}

/// `seed-volume-2`'s actions, in an order whose outcomes are fixed: validation while the
/// volume is in state OK (the server checks the state first), then an action that schedules
/// work, then what the scheduled state refuses. (`pull` is accepted only in states OK and
/// Erred; every volume has left OK by the time it could run, so its 409 is what is asserted.)
#[tokio::test]
#[ignore = "needs a live Waldur server: cargo xtask live"]
async fn actions_answer_as_the_server_decides() {
    let live = Live::from_env();
    let (client, recorder) = live.recorded_client();
    let volume = &seeded_volumes(&client).await[2];
    let uuid = uuid_of(volume);
    let volumes = client.openstack_volumes();

    // A body the server rejects: a typed 400 with the field's message.
    let missing = live.api_url("openstack-instances/00000000000000000000000000000000/");
    let e = status_error(
        volumes
            .attach(uuid, VolumeAttachRequest::new(missing.as_str()))
            .await,
        400,
    );
    assert_eq!(
        e.field_errors("instance"),
        ["Invalid hyperlink - Object does not exist."]
    );
    assert_eq!(
        e.drf.as_ref().map(|d| d.fields.keys().collect::<Vec<_>>()),
        Some(vec![&"instance".to_string()])
    );
    // Extending below the server's minimum: another 400 naming the field.
    let e = status_error(
        volumes
            .extend(uuid, OpenStackVolumeExtendRequest::new(1))
            .await,
        400,
    );
    assert_eq!(e.field_errors("disk_size").len(), 1, "{e}");
    assert!(
        e.field_errors("disk_size")[0].starts_with("Disk size should be greater or equal to "),
        "{e}"
    );

    // Detaching a volume that is not attached: 409 with the server's reason.
    let e = status_error(volumes.detach(uuid).await, 409);
    assert_eq!(
        e.drf.as_ref().and_then(|d| d.detail.as_deref()),
        Some("Volume is not attached to an instance.")
    );

    // A snapshot of a volume in state OK: 201 and the new snapshot, decoded.
    let snapshot = volumes
        .snapshot(uuid, OpenStackSnapshotRequest::new("live-snapshot"))
        .await
        .expect("snapshot");
    assert_eq!(snapshot.name(), Some("live-snapshot"));
    assert_eq!(snapshot.source_volume_name(), Some("seed-volume-2"));
    assert_eq!(snapshot.size(), volume.size());

    // Extend: 202, then the volume waits for a backend that never runs.
    let size = volume.size().expect("a size");
    let accepted = volumes
        .extend(uuid, OpenStackVolumeExtendRequest::new(size + 2048))
        .await
        .expect("extend");
    // The answer decodes as the typed `Status`, whole: the one field, nothing else.
    assert_eq!(accepted.status(), Some("extend was scheduled"));
    assert_eq!(
        serde_json::to_value(&accepted).expect("re-encodes"),
        serde_json::json!({"status": "extend was scheduled"})
    );
    assert!(accepted.findings().is_empty(), "{accepted:?}");
    // And the server said so with a 202 (the typed answer does not carry the status).
    let answer = recorder.last();
    assert_eq!(answer.operation, Some("openstack_volumes_extend"));
    assert_eq!(answer.method, "POST");
    assert_eq!(answer.status, 202);
    assert_eq!(
        answer.json(),
        serde_json::json!({"status": "extend was scheduled"})
    );
    let e = status_error(
        volumes
            .extend(uuid, OpenStackVolumeExtendRequest::new(size + 4096))
            .await,
        409,
    );
    assert_eq!(
        e.drf.as_ref().and_then(|d| d.detail.as_deref()),
        Some("Valid states for operation: OK.")
    );
    assert_eq!(
        e.to_string(),
        format!(
            "HTTP 409 Conflict from POST {}: Valid states for operation: OK.",
            live.api_url(&format!("openstack-volumes/{}/extend/", uuid.simple()))
        )
    );
    // The same state refuses the other actions.
    let e = status_error(volumes.pull(uuid).await, 409);
    assert_eq!(
        e.drf.as_ref().and_then(|d| d.detail.as_deref()),
        Some("Valid states for operation: OK, Erred.")
    );
    let ssd = volume.type_().expect("a volume type").to_string();
    let e = status_error(
        volumes
            .retype(uuid, OpenStackVolumeRetypeRequest::new(ssd))
            .await,
        409,
    );
    assert_eq!(
        e.drf.as_ref().and_then(|d| d.detail.as_deref()),
        Some("Valid states for operation: OK.")
    );
    let read = volumes.retrieve(uuid).await.expect("retrieve");
    assert_eq!(read.state(), Some(&serde_json::json!("Update Scheduled")));
}

#[tokio::test]
#[ignore = "needs a live Waldur server: cargo xtask live"]
async fn unknown_uuid_is_a_typed_404_with_the_servers_message() {
    let live = Live::from_env();
    let unknown = Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
    let e = status_error(
        live.client().openstack_volumes().retrieve(unknown).await,
        404,
    );
    assert_eq!(
        e.drf.as_ref().and_then(|d| d.detail.as_deref()),
        Some("No Volume matches the given query.")
    );
    assert!(e.is_not_found());
}

#[tokio::test]
#[ignore = "needs a live Waldur server: cargo xtask live"]
async fn a_wrong_token_is_a_typed_401() {
    let live = Live::from_env();
    let client = waldur_client::Client::builder(&live.url)
        .token("0000000000000000000000000000000000000000")
        .build()
        .expect("a client");
    let e = status_error(client.openstack_volumes().list().await, 401);
    assert_eq!(
        e.drf.as_ref().and_then(|d| d.detail.as_deref()),
        Some("Invalid token.")
    );
    assert_eq!(
        e.headers.get("www-authenticate").map(|v| v.as_bytes()),
        Some(&b"Token"[..])
    );
    assert_eq!(e.attempts, 1, "a 401 is not retried");
}

#[tokio::test]
#[ignore = "needs a live Waldur server: cargo xtask live"]
async fn an_endpoint_the_server_does_not_have_is_a_typed_404() {
    let live = Live::from_env();
    let client = live.client();
    let result = client
        .runtime()
        .execute(ApiRequest::new(
            Method::GET,
            "/api/no-such-endpoint/".to_string(),
        ))
        .await;
    let e = status_error(result, 404);
    // Django's own HTML page: no DRF error in it, and the message says what the page says.
    assert!(e.drf.is_none());
    assert_eq!(
        e.headers.get("content-type").map(|v| v.as_bytes()),
        Some(&b"text/html; charset=utf-8"[..])
    );
    assert!(
        e.body()
            .contains("The requested resource was not found on this server."),
        "{}",
        e.body()
    );
}

/// `set_erred` and `set_ok` (staff-only state changes) are newer than the server: it has no
/// such route, so each is Django's HTML 404, not the JSON 404 of an unknown volume (the UUID
/// is unknown, so a server that had them would change nothing either).
#[tokio::test]
#[ignore = "needs a live Waldur server: cargo xtask live"]
async fn set_erred_and_set_ok_are_not_on_this_server() {
    let live = Live::from_env();
    let (client, recorder) = live.recorded_client();
    let volumes = client.openstack_volumes();
    let unknown = Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
    let errors = [
        (
            "set_erred",
            status_error(volumes.set_erred(unknown).await, 404),
        ),
        ("set_ok", status_error(volumes.set_ok(unknown).await, 404)),
    ];
    for (action, e) in errors {
        assert!(e.drf.is_none(), "{action}: {e}");
        assert_eq!(
            e.headers.get("content-type").map(|v| v.as_bytes()),
            Some(&b"text/html; charset=utf-8"[..]),
            "{action}"
        );
        assert!(
            e.body()
                .contains("The requested resource was not found on this server."),
            "{action}: {}",
            e.body()
        );
        assert_eq!(e.attempts, 1, "{action}: a POST is not retried");
    }
    let seen: Vec<_> = recorder
        .seen()
        .iter()
        .map(|s| (s.operation, s.method.clone(), s.url.replace(&live.url, "/")))
        .collect();
    assert_eq!(
        seen,
        [
            (
                Some("openstack_volumes_set_erred"),
                "POST".to_string(),
                "/api/openstack-volumes/0123456789abcdef0123456789abcdef/set_erred/".to_string()
            ),
            (
                Some("openstack_volumes_set_ok"),
                "POST".to_string(),
                "/api/openstack-volumes/0123456789abcdef0123456789abcdef/set_ok/".to_string()
            ),
        ]
    );
}
