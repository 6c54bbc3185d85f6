//! The generated client against the runtime's `MockServer` (feature `mock`), the way a user's
//! own tests use it: typed models in, typed models out, pages, streams, counts, actions and
//! DRF errors, with the requests asserted afterwards. Hooks see the operation ids the
//! generated code names.

use std::sync::{Arc, Mutex};

use serde_json::json;
use waldur_client::Nullable;
use waldur_client::models::{
    OpenStackSnapshot, OpenStackSnapshotRequest, OpenStackVolume, OpenStackVolumeExtendRequest,
    OpenStackVolumeRequest, OpenStackVolumeRetypeRequest, PatchedOpenStackVolumeRequest,
    VolumeAttachRequest,
};
use waldur_client::openstack_volumes::{
    OpenstackVolumesListParams, OpenstackVolumesRetrieveParams,
};
use waldur_client::prelude::*;
use waldur_client::runtime::mock::MockServer;
use waldur_client::runtime::reqwest::Method;

const UUID: &str = "b9e6da6cb6164cacb584184934744208";

fn volume(name: &str, size: i64) -> OpenStackVolume {
    serde_json::from_value(json!({"uuid": UUID, "name": name, "size": size, "state": "OK"}))
        .unwrap()
}

#[tokio::test]
async fn retrieve_returns_the_model_the_mock_was_given() {
    let mock = MockServer::start().await.unwrap();
    let expected = volume("data", 20480);
    let retrieve = mock
        .expect(Method::GET, "/api/openstack-volumes/{uuid}/")
        .operation("openstack_volumes_retrieve")
        .path_param("uuid", UUID)
        .respond_json(200, &expected);
    let got = mock
        .client()
        .openstack_volumes()
        .retrieve(UUID, &OpenstackVolumesRetrieveParams::default())
        .await
        .unwrap();
    assert_eq!(got, expected);
    assert_eq!(got.name.get().map(String::as_str), Some("data"));
    retrieve.assert_hits(1);
    mock.verify();
}

#[tokio::test]
async fn list_stream_and_count_page_through_the_mock() {
    let mock = MockServer::start().await.unwrap();
    let volumes: Vec<OpenStackVolume> = (1..=5).map(|n| volume(&format!("v{n}"), n)).collect();
    let list = mock
        .expect(Method::GET, "/api/openstack-volumes/")
        .query("name", "v")
        .respond_list(&volumes);
    let count = mock
        .expect(Method::HEAD, "/api/openstack-volumes/")
        .query("name", "v")
        .query_missing("page")
        .respond_count(5);
    let client = mock.client();
    let api = client.openstack_volumes();
    let params = OpenstackVolumesListParams::default().name("v").page_size(2);
    let page = api.list(&params).await.unwrap();
    assert_eq!(page.items, volumes[..2]);
    assert_eq!((page.total, page.next_page), (Some(5), Some(2)));
    let all: Vec<OpenStackVolume> = api.list_stream(&params, None).try_collect().await.unwrap();
    assert_eq!(all, volumes);
    assert_eq!(
        api.count(&OpenstackVolumesListParams::default().name("v"))
            .await
            .unwrap(),
        5
    );
    // `list` sends no page (the server's default is the first), the stream asks for each.
    let pages: Vec<String> = list
        .requests()
        .iter()
        .map(|r| format!("{:?}", r.query_value("page")))
        .collect();
    assert_eq!(pages, ["None", "Some(\"1\")", "Some(\"2\")", "Some(\"3\")"]);
    count.assert_hits(1);
    mock.verify();
}

#[tokio::test]
async fn actions_bodies_and_drf_errors() {
    let mock = MockServer::start().await.unwrap();
    let extend = mock
        .expect(Method::POST, "/api/openstack-volumes/{uuid}/extend/")
        .path_param("uuid", UUID)
        .json_body(&json!({"disk_size": 40960}))
        .respond_json(202, &json!({"status": "extend was scheduled"}));
    mock.expect(Method::POST, "/api/openstack-volumes/{uuid}/extend/")
        .respond_field_errors(
            400,
            &[("disk_size", "Disk size should be greater than 40960.")],
        );
    let client = mock.client();
    let api = client.openstack_volumes();
    let accepted = api
        .extend(UUID, &OpenStackVolumeExtendRequest::new(40960))
        .await
        .unwrap();
    assert_eq!(accepted.status, 202);
    assert_eq!(accepted.message(), Some("extend was scheduled"));
    assert_eq!(
        extend.single_request().json::<serde_json::Value>().unwrap(),
        json!({"disk_size": 40960})
    );
    let err = api
        .extend(UUID, &OpenStackVolumeExtendRequest::new(1024))
        .await
        .unwrap_err();
    assert_eq!(
        err.as_status().unwrap().field_errors("disk_size"),
        ["Disk size should be greater than 40960."]
    );
    assert_eq!(err.attempts(), 1);
}

#[tokio::test]
async fn hooks_see_the_operation_ids_of_generated_calls() {
    let mock = MockServer::start().await.unwrap();
    mock.expect(Method::GET, "/api/openstack-volumes/{uuid}/")
        .respond_json(200, &volume("data", 1));
    mock.expect(Method::HEAD, "/api/openstack-volumes/")
        .respond_count(1);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let client = mock
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
        .unwrap();
    let api = client.openstack_volumes();
    api.retrieve(UUID, &OpenstackVolumesRetrieveParams::default())
        .await
        .unwrap();
    api.count(&OpenstackVolumesListParams::default())
        .await
        .unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "GET openstack_volumes_retrieve /api/openstack-volumes/{uuid}/",
            "HEAD openstack_volumes_list /api/openstack-volumes/",
        ]
    );
}

/// Every operation of the seed page answered by the mock: method, path template and body as
/// the generated code sends them, the typed answer as the mock was given it.
#[tokio::test]
async fn every_seed_operation_against_the_mock() {
    let mock = MockServer::start().await.unwrap();
    let item = "/api/openstack-volumes/{uuid}/";
    let renamed = volume("renamed", 1);
    let snapshot: OpenStackSnapshot =
        serde_json::from_value(json!({"uuid": "5f1d", "name": "snap", "size": 1024})).unwrap();
    let accepted = |action: &str| json!({"status": format!("{action} was scheduled")});
    let expectations = [
        mock.expect(Method::GET, "/api/openstack-volumes/")
            .respond_page(&[volume("a", 1)], 1),
        mock.expect(Method::HEAD, "/api/openstack-volumes/")
            .respond_count(1),
        mock.expect(Method::GET, item)
            .path_param("uuid", UUID)
            .respond_json(200, &volume("a", 1)),
        mock.expect(Method::PUT, item)
            .json_body(&json!({"name": "renamed"}))
            .respond_json(200, &renamed),
        mock.expect(Method::PATCH, item)
            .json_body(&json!({"description": null}))
            .respond_json(200, &renamed),
        mock.expect(Method::POST, "/api/openstack-volumes/{uuid}/pull/")
            .respond_json(202, &accepted("pull")),
        mock.expect(Method::POST, "/api/openstack-volumes/{uuid}/unlink/")
            .respond_empty(204),
        mock.expect(Method::POST, "/api/openstack-volumes/{uuid}/attach/")
            .json_body(
                &json!({"instance": "https://waldur.example.com/api/openstack-instances/1/"}),
            )
            .respond_json(202, &accepted("attach")),
        mock.expect(Method::POST, "/api/openstack-volumes/{uuid}/detach/")
            .respond_json(202, &accepted("detach")),
        mock.expect(Method::POST, "/api/openstack-volumes/{uuid}/extend/")
            .json_body(&json!({"disk_size": 40960}))
            .respond_json(202, &accepted("extend")),
        mock.expect(Method::POST, "/api/openstack-volumes/{uuid}/retype/")
            .json_body(&json!({"type": "ssd"}))
            .respond_json(202, &accepted("retype")),
        mock.expect(Method::POST, "/api/openstack-volumes/{uuid}/snapshot/")
            .json_body_includes(&json!({"name": "snap"}))
            .respond_json(201, &snapshot),
    ];
    let client = mock.client();
    let api = client.openstack_volumes();
    let none = OpenstackVolumesListParams::default();
    assert_eq!(api.list(&none).await.unwrap().items, [volume("a", 1)]);
    assert_eq!(api.count(&none).await.unwrap(), 1);
    assert_eq!(
        api.retrieve(UUID, &OpenstackVolumesRetrieveParams::default())
            .await
            .unwrap(),
        volume("a", 1)
    );
    assert_eq!(
        api.update(UUID, &OpenStackVolumeRequest::new("renamed"))
            .await
            .unwrap(),
        renamed
    );
    let patch = PatchedOpenStackVolumeRequest {
        description: Nullable::Null,
        ..PatchedOpenStackVolumeRequest::default()
    };
    assert_eq!(api.partial_update(UUID, &patch).await.unwrap(), renamed);
    assert_eq!(
        api.pull(UUID).await.unwrap().message(),
        Some("pull was scheduled")
    );
    assert_eq!(api.unlink(UUID).await.unwrap().status, 204);
    let instance = "https://waldur.example.com/api/openstack-instances/1/";
    assert_eq!(
        api.attach(UUID, &VolumeAttachRequest::new(instance))
            .await
            .unwrap()
            .message(),
        Some("attach was scheduled")
    );
    assert_eq!(api.detach(UUID).await.unwrap().status, 202);
    assert_eq!(
        api.extend(UUID, &OpenStackVolumeExtendRequest::new(40960))
            .await
            .unwrap()
            .message(),
        Some("extend was scheduled")
    );
    assert_eq!(
        api.retype(UUID, &OpenStackVolumeRetypeRequest::new("ssd"))
            .await
            .unwrap()
            .message(),
        Some("retype was scheduled")
    );
    assert_eq!(
        api.snapshot(UUID, &OpenStackSnapshotRequest::new("snap"))
            .await
            .unwrap(),
        snapshot
    );
    for e in &expectations {
        e.assert_hits(1);
    }
    mock.verify();
}
