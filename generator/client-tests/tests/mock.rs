//! The generated client against the mock server (feature `mock`) through the generated typed
//! expectations, the way a user's own tests use it: typed models in, typed models out, pages,
//! streams, counts, actions and DRF errors, with the requests asserted afterwards. Every
//! operation of the seed page is exercised. Hooks see the operation ids the generated code
//! names.

use std::sync::{Arc, Mutex};

use serde_json::json;
use waldur_client::models::{
    Detail, OpenStackSnapshot, OpenStackSnapshotRequest, OpenStackVolume,
    OpenStackVolumeExtendRequest, OpenStackVolumeRequest, OpenStackVolumeRetypeRequest,
    PatchedOpenStackVolumeRequest, SetErredRequest, Status, VolumeAttachRequest,
};
use waldur_client::prelude::*;
use waldur_client::runtime::mock::MockServer;
use waldur_client::{Nullable, Uuid};

const UUID: &str = "b9e6da6cb6164cacb584184934744208";

fn id() -> Uuid {
    UUID.parse().unwrap()
}

fn volume(name: &str, size: i64) -> OpenStackVolume {
    OpenStackVolume {
        uuid: id().into(),
        name: name.to_string().into(),
        size: size.into(),
        state: json!("OK").into(),
        ..OpenStackVolume::default()
    }
}

/// `{"status": message}`, as Waldur answers its volume actions.
fn status(message: &str) -> Status {
    Status {
        status: message.to_string().into(),
        ..Status::default()
    }
}

/// `{"detail": message}`, as Waldur answers pull, set_erred and set_ok.
fn detail(message: &str) -> Detail {
    Detail {
        detail: message.to_string().into(),
        ..Detail::default()
    }
}

fn client(mock: &MockServer) -> Client {
    Client::from(mock.client())
}

/// A client of the mock whose response hook records the status of every answer, in order.
fn client_recording_statuses(mock: &MockServer) -> (Client, Arc<Mutex<Vec<u16>>>) {
    let statuses = Arc::new(Mutex::new(Vec::new()));
    let record = statuses.clone();
    let c = mock
        .client_builder()
        .on_response(move |_, resp| record.lock().unwrap().push(resp.status))
        .build()
        .map(Client::from)
        .unwrap();
    (c, statuses)
}

#[tokio::test]
async fn retrieve_returns_the_model_the_mock_was_given() {
    let mock = MockServer::start().await.unwrap();
    let expected = volume("data", 20480);
    let retrieve = mock.openstack_volumes().retrieve(&id()).returns(&expected);
    let got = client(&mock)
        .openstack_volumes()
        .retrieve(id())
        .await
        .unwrap();
    assert_eq!(got, expected);
    assert_eq!((got.name(), got.size()), (Some("data"), Some(20480)));
    retrieve.assert_hits(1);
    assert_eq!(
        retrieve.single_request().path,
        format!("/api/openstack-volumes/{UUID}/")
    );
    mock.verify();
}

#[tokio::test]
async fn a_mock_matches_its_path_arguments() {
    let mock = MockServer::start().await.unwrap();
    // Sends a request no expectation matches, on purpose.
    mock.allow_unmatched();
    let other: Uuid = "00000000000000000000000000000001".parse().unwrap();
    mock.openstack_volumes()
        .retrieve(&other)
        .returns(&volume("other", 1));
    let err = client(&mock)
        .openstack_volumes()
        .retrieve(id())
        .await
        .unwrap_err();
    // Not a 404, which code under test could take for "no such volume".
    assert_eq!(err.status(), Some(501));
    assert_eq!(mock.unmatched().len(), 1);
}

#[tokio::test]
async fn list_stream_and_count_page_through_the_mock() {
    let mock = MockServer::start().await.unwrap();
    let volumes: Vec<OpenStackVolume> = (1..=5).map(|n| volume(&format!("v{n}"), n)).collect();
    let list = mock
        .openstack_volumes()
        .list()
        .query("name", "v")
        .returns_all(&volumes);
    let count = mock
        .openstack_volumes()
        .list()
        .query("name", "v")
        .matching(|b| b.query_missing("page"))
        .returns_count(5);
    let api = client(&mock);
    let api = api.openstack_volumes();
    let page = api.list().name("v").page_size(2).await.unwrap();
    assert_eq!(page.items, volumes[..2]);
    assert_eq!((page.total, page.next_page), (Some(5), Some(2)));
    let all: Vec<OpenStackVolume> = api
        .list()
        .name("v")
        .page_size(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all, volumes);
    assert_eq!(api.list().name("v").count().await.unwrap(), 5);
    // `send` asks for no page (the server's default is the first), the stream for each.
    let asked: Vec<String> = list
        .requests()
        .iter()
        .map(|r| format!("{:?}", r.query_value("page")))
        .collect();
    assert_eq!(asked, ["None", "Some(\"1\")", "Some(\"2\")", "Some(\"3\")"]);
    count.assert_hits(1);
    mock.verify();
}

#[tokio::test]
async fn actions_bodies_and_drf_errors() {
    let mock = MockServer::start().await.unwrap();
    let extend = mock
        .openstack_volumes()
        .extend(&id())
        .matching(|b| b.json_body(&json!({"disk_size": 40960})))
        .returns(&status("extend was scheduled"));
    mock.openstack_volumes().extend(&id()).fails_on_fields(
        400,
        &[("disk_size", "Disk size should be greater than 40960.")],
    );
    let (c, statuses) = client_recording_statuses(&mock);
    let api = c.openstack_volumes();
    let scheduled = api
        .extend(id(), OpenStackVolumeExtendRequest::new(40960))
        .await
        .unwrap();
    // `returns` answers the documented status of `extend`, 202.
    assert_eq!(*statuses.lock().unwrap(), [202]);
    assert_eq!(scheduled, status("extend was scheduled"));
    assert_eq!(scheduled.status(), Some("extend was scheduled"));
    assert_eq!(
        extend.single_request().json::<serde_json::Value>().unwrap(),
        json!({"disk_size": 40960})
    );
    let err = api
        .extend(id(), OpenStackVolumeExtendRequest::new(1024))
        .await
        .unwrap_err();
    assert_eq!(
        err.as_status().unwrap().field_errors("disk_size"),
        ["Disk size should be greater than 40960."]
    );
    assert_eq!(err.attempts(), 1);

    mock.openstack_volumes()
        .pull(&id())
        .fails(409, "Pull is already in progress.");
    let err = api.pull(id()).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "HTTP 409 Conflict from POST {}/api/openstack-volumes/{UUID}/pull/: Pull is already in progress.",
            mock.url()
        )
    );
}

#[tokio::test]
async fn hooks_see_the_operation_ids_of_generated_calls() {
    let mock = MockServer::start().await.unwrap();
    mock.openstack_volumes()
        .retrieve(&id())
        .returns(&volume("data", 1));
    mock.openstack_volumes().list().returns_count(1);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let c: Client = mock
        .client_builder()
        .on_request(move |info, _| {
            record.lock().unwrap().push(format!(
                "{} {} {}",
                info.method,
                info.operation_id.unwrap_or("-"),
                info.path_template.unwrap_or("-")
            ));
            Ok(())
        })
        .build()
        .map(Client::from)
        .unwrap();
    let api = c.openstack_volumes();
    api.retrieve(id()).await.unwrap();
    api.list().count().await.unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "GET openstack_volumes_retrieve /api/openstack-volumes/{uuid}/",
            "HEAD openstack_volumes_list /api/openstack-volumes/",
        ]
    );
}

/// Every operation of the seed page answered by its typed expectation: method, path and body
/// as the generated code sends them, the typed answer as the mock was given it.
#[tokio::test]
async fn every_seed_operation_against_the_mock() {
    let mock = MockServer::start().await.unwrap();
    let renamed = volume("renamed", 1);
    let snapshot = OpenStackSnapshot {
        name: "snap".to_string().into(),
        size: 1024.into(),
        ..OpenStackSnapshot::default()
    };
    let scheduled = |action: &str| status(&format!("{action} was scheduled"));
    let instance = "https://waldur.example.com/api/openstack-instances/1/";
    let m = mock.openstack_volumes();
    let expectations = [
        m.list().returns_page(&[volume("a", 1)], 1),
        m.list().returns_count(1),
        m.retrieve(&id()).returns(&volume("a", 1)),
        m.update(&id())
            .matching(|b| b.json_body(&json!({"name": "renamed"})))
            .returns(&renamed),
        m.partial_update(&id())
            .matching(|b| b.json_body(&json!({"description": null})))
            .returns(&renamed),
        m.pull(&id())
            .returns(&detail("Pull operation was successfully scheduled.")),
        m.unlink(&id()).accepts(),
        m.attach(&id())
            .matching(|b| b.json_body(&json!({ "instance": instance })))
            .returns(&scheduled("attach")),
        m.detach(&id()).returns(&scheduled("detach")),
        m.extend(&id())
            .matching(|b| b.json_body(&json!({"disk_size": 40960})))
            .returns(&scheduled("extend")),
        m.retype(&id())
            .matching(|b| b.json_body(&json!({"type": "ssd"})))
            .returns(&scheduled("retype")),
        m.set_erred(&id())
            .matching(|b| b.json_body(&json!({"error_message": "stuck"})))
            .returns(&detail("Resource has been marked as ERRED.")),
        m.set_ok(&id())
            .returns(&detail("Resource has been marked as OK.")),
        m.snapshot(&id())
            .matching(|b| b.json_body_includes(&json!({"name": "snap"})))
            .returns(&snapshot),
    ];
    let (c, statuses) = client_recording_statuses(&mock);
    let api = c.openstack_volumes();
    assert_eq!(api.list().await.unwrap().items, [volume("a", 1)]);
    assert_eq!(api.list().count().await.unwrap(), 1);
    assert_eq!(api.retrieve(id()).await.unwrap(), volume("a", 1));
    assert_eq!(
        api.update(id(), OpenStackVolumeRequest::new("renamed"))
            .await
            .unwrap(),
        renamed
    );
    let patch = PatchedOpenStackVolumeRequest {
        description: Nullable::Null,
        ..PatchedOpenStackVolumeRequest::default()
    };
    assert_eq!(api.partial_update(id()).body(patch).await.unwrap(), renamed);
    assert_eq!(
        api.pull(id()).await.unwrap().detail(),
        Some("Pull operation was successfully scheduled.")
    );
    // `accepts` answers the documented status of `unlink` (204, no body).
    let unlinked = api.unlink(id()).await.unwrap();
    assert_eq!((unlinked.status, unlinked.body), (204, None));
    assert_eq!(
        api.attach(id(), VolumeAttachRequest::new(instance))
            .await
            .unwrap()
            .status(),
        Some("attach was scheduled")
    );
    assert_eq!(api.detach(id()).await.unwrap(), scheduled("detach"));
    assert_eq!(
        api.extend(id(), OpenStackVolumeExtendRequest::new(40960))
            .await
            .unwrap()
            .status(),
        Some("extend was scheduled")
    );
    assert_eq!(
        api.retype(id(), OpenStackVolumeRetypeRequest::new("ssd"))
            .await
            .unwrap()
            .status(),
        Some("retype was scheduled")
    );
    let erred = SetErredRequest {
        error_message: "stuck".to_string().into(),
        ..SetErredRequest::default()
    };
    assert_eq!(
        api.set_erred(id()).body(erred).await.unwrap().detail(),
        Some("Resource has been marked as ERRED.")
    );
    assert_eq!(
        api.set_ok(id()).await.unwrap(),
        detail("Resource has been marked as OK.")
    );
    assert_eq!(
        api.snapshot(id(), OpenStackSnapshotRequest::new("snap"))
            .await
            .unwrap(),
        snapshot
    );
    // Each typed expectation answers its operation's documented status.
    assert_eq!(
        *statuses.lock().unwrap(),
        [
            200, 200, 200, 200, 200, 202, 204, 202, 202, 202, 202, 200, 200, 201
        ]
    );
    for e in &expectations {
        e.assert_hits(1);
    }
    mock.verify();
}

#[tokio::test]
async fn a_count_expectation_keeps_its_filters() {
    let mock = MockServer::start().await.unwrap();
    mock.allow_unmatched();
    let (p1, p2) = (Uuid::from_u128(1), Uuid::from_u128(2));
    let count = mock
        .openstack_volumes()
        .list()
        .query("project_uuid", &p2)
        .returns_count(7);
    let client = client(&mock);
    let volumes = client.openstack_volumes();
    let n = volumes.list().project_uuid(p2).count().await.unwrap();
    assert_eq!(n, 7);
    count.assert_hits(1);
    assert_eq!(
        count.single_request().query_value("project_uuid"),
        Some("00000000000000000000000000000002")
    );
    // Another project's count is not what the test set up: no expectation answers it.
    let err = volumes.list().project_uuid(p1).count().await.unwrap_err();
    assert_eq!(err.status(), Some(501));
    assert_eq!(mock.unmatched().len(), 1);
    assert_eq!(
        mock.unmatched()[0].query_value("project_uuid"),
        Some("00000000000000000000000000000001")
    );
}
