//! Every operation of the seed page, called through the generated client against a loopback
//! server: the exact request on the wire (method, path, query, auth, body) and the exact values
//! decoded from the response.

use serde_json::json;
use waldur_client::models::{
    OpenStackSnapshotRequest, OpenStackVolumeExtendRequest, OpenStackVolumeRequest,
    OpenStackVolumeRetypeRequest, PatchedOpenStackVolumeRequest, VolumeAttachRequest,
};
use waldur_client::openstack_volumes::{
    OpenstackVolumesListParams, OpenstackVolumesRetrieveParams,
};
use waldur_client::{Accepted, Client, Nullable};
use waldur_test_server::{Recorded, Reply, TestServer, json as json_reply, respond};

const UUID: &str = "b9e6da6cb6164cacb584184934744208";

fn client(server: &TestServer) -> Client {
    Client::builder(&server.url)
        .token("secret-token")
        .user_agent("e2e-test")
        .build()
        .unwrap()
}

fn volume_json() -> serde_json::Value {
    json!({
        "url": format!("http://127.0.0.1:8000/api/openstack-volumes/{UUID}/"),
        "uuid": UUID,
        "name": "data",
        "size": 20480,
        "bootable": false,
        "state": "OK",
        "metadata": {},
        "type": "http://127.0.0.1:8000/api/openstack-volume-types/1/",
        "extend_enabled": true
    })
}

/// One exchange: the request the server saw, after a single call.
async fn one(reply: Reply) -> (TestServer, Client) {
    let server = TestServer::start(vec![reply]).await;
    let c = client(&server);
    (server, c)
}

fn only(server: &TestServer) -> Recorded {
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1, "exactly one request: {reqs:#?}");
    reqs.into_iter().next().unwrap()
}

fn assert_common(r: &Recorded, request_line: &str) {
    assert_eq!(r.request_line(), request_line);
    assert_eq!(r.header("authorization"), Some("Token secret-token"));
    assert_eq!(r.header("user-agent"), Some("e2e-test"));
    assert_eq!(r.header("accept"), Some("application/json"));
}

fn assert_json_body(r: &Recorded, expected: serde_json::Value) {
    assert_eq!(r.header("content-type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(body, expected);
}

#[tokio::test]
async fn list_sends_filters_and_decodes_a_page() {
    let body = serde_json::to_string(&json!([volume_json()])).unwrap();
    let (server, c) = one(respond(
        "200 OK",
        &[
            ("Content-Type", "application/json"),
            ("X-Result-Count", "41"),
            (
                "Link",
                "<http://wrong-host/api/openstack-volumes/?page=2>; rel=\"next\"",
            ),
        ],
        &body,
    ))
    .await;
    let params = OpenstackVolumesListParams::default()
        .name_exact("data volume")
        .state(["OK", "Erred"])
        .field(["uuid", "name"])
        .can_manage(true)
        .page_size(10);
    let page = c.openstack_volumes().list(&params).await.unwrap();
    let r = only(&server);
    assert_common(
        &r,
        "GET /api/openstack-volumes/?can_manage=true&field=uuid&field=name&name_exact=data%20volume&page_size=10&state=OK&state=Erred HTTP/1.1",
    );
    assert!(r.body.is_empty());
    assert_eq!(page.total, Some(41));
    assert_eq!(page.next_page, Some(2));
    assert_eq!((page.page, page.page_size), (1, 10));
    assert_eq!(page.items.len(), 1);
    let v = &page.items[0];
    assert_eq!(v.uuid.get().map(String::as_str), Some(UUID));
    assert_eq!(v.size.get(), Some(&20480));
    assert_eq!(v.bootable.get(), Some(&false));
    assert_eq!(v.state.get(), Some(&json!("OK")));
    assert_eq!(
        v.type_.get().map(String::as_str),
        Some("http://127.0.0.1:8000/api/openstack-volume-types/1/")
    );
    assert!(v.backend_id.is_absent());
}

#[tokio::test]
async fn retrieve_encodes_the_path_and_field_selection() {
    let (server, c) = one(json_reply("200 OK", &volume_json().to_string())).await;
    let v = c
        .openstack_volumes()
        .retrieve(
            "a/b c",
            &OpenstackVolumesRetrieveParams::default().field(["name"]),
        )
        .await
        .unwrap();
    assert_common(
        &only(&server),
        "GET /api/openstack-volumes/a%2Fb%20c/?field=name HTTP/1.1",
    );
    assert_eq!(v.name.get().map(String::as_str), Some("data"));
    assert_eq!(serde_json::to_value(&v).unwrap(), volume_json());
}

#[tokio::test]
async fn pull_returns_the_accepted_body_even_where_none_is_documented() {
    let (server, c) = one(json_reply(
        "202 Accepted",
        r#"{"status": "Pull operation was scheduled"}"#,
    ))
    .await;
    let a = c.openstack_volumes().pull(UUID).await.unwrap();
    let r = only(&server);
    assert_common(
        &r,
        &format!("POST /api/openstack-volumes/{UUID}/pull/ HTTP/1.1"),
    );
    assert_eq!(r.header("content-length"), Some("0"));
    assert_eq!(
        a,
        Accepted {
            status: 202,
            body: Some(json!({"status": "Pull operation was scheduled"}))
        }
    );
    assert_eq!(a.message(), Some("Pull operation was scheduled"));
}

#[tokio::test]
async fn unlink_accepts_an_empty_204() {
    let (server, c) = one(respond("204 No Content", &[], "")).await;
    let a = c.openstack_volumes().unlink(UUID).await.unwrap();
    assert_common(
        &only(&server),
        &format!("POST /api/openstack-volumes/{UUID}/unlink/ HTTP/1.1"),
    );
    assert_eq!(
        a,
        Accepted {
            status: 204,
            body: None
        }
    );
}

#[tokio::test]
async fn update_sends_required_fields_and_skips_unset_ones() {
    let (server, c) = one(json_reply("200 OK", &volume_json().to_string())).await;
    let mut body = OpenStackVolumeRequest::new("renamed");
    body.bootable = Some(true);
    let v = c.openstack_volumes().update(UUID, &body).await.unwrap();
    let r = only(&server);
    assert_common(&r, &format!("PUT /api/openstack-volumes/{UUID}/ HTTP/1.1"));
    assert_json_body(&r, json!({"name": "renamed", "bootable": true}));
    assert_eq!(v.extend_enabled.get(), Some(&true));
}

#[tokio::test]
async fn partial_update_distinguishes_absent_null_and_value() {
    let (server, c) = one(json_reply("200 OK", &volume_json().to_string())).await;
    let body = PatchedOpenStackVolumeRequest {
        name: Nullable::Value("x".into()),
        description: Nullable::Null,
        ..PatchedOpenStackVolumeRequest::default()
    };
    c.openstack_volumes()
        .partial_update(UUID, &body)
        .await
        .unwrap();
    let r = only(&server);
    assert_common(
        &r,
        &format!("PATCH /api/openstack-volumes/{UUID}/ HTTP/1.1"),
    );
    assert_eq!(r.body_text(), r#"{"name":"x","description":null}"#);
}

#[tokio::test]
async fn attach_detach_extend_retype() {
    let server = TestServer::start(vec![
        respond("200 OK", &[], ""),
        json_reply("202 Accepted", r#"{"status": "detach was scheduled"}"#),
        respond("200 OK", &[], ""),
        json_reply("200 OK", r#"{"detail": "ok"}"#),
    ])
    .await;
    let c = client(&server);
    let vols = c.openstack_volumes();
    let instance = "http://127.0.0.1:8000/api/openstack-instances/1/";
    assert_eq!(
        vols.attach(UUID, &VolumeAttachRequest::new(instance))
            .await
            .unwrap(),
        Accepted {
            status: 200,
            body: None
        }
    );
    assert_eq!(
        vols.detach(UUID).await.unwrap(),
        Accepted {
            status: 202,
            body: Some(json!({"status": "detach was scheduled"}))
        }
    );
    assert_eq!(
        vols.extend(UUID, &OpenStackVolumeExtendRequest::new(40960))
            .await
            .unwrap()
            .status,
        200
    );
    let retyped = vols
        .retype(UUID, &OpenStackVolumeRetypeRequest::new("ssd"))
        .await
        .unwrap();
    assert_eq!(retyped.message(), Some("ok"));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 4);
    assert_common(
        &reqs[0],
        &format!("POST /api/openstack-volumes/{UUID}/attach/ HTTP/1.1"),
    );
    assert_json_body(&reqs[0], json!({"instance": instance}));
    assert_common(
        &reqs[1],
        &format!("POST /api/openstack-volumes/{UUID}/detach/ HTTP/1.1"),
    );
    assert!(reqs[1].body.is_empty());
    assert_common(
        &reqs[2],
        &format!("POST /api/openstack-volumes/{UUID}/extend/ HTTP/1.1"),
    );
    assert_json_body(&reqs[2], json!({"disk_size": 40960}));
    assert_common(
        &reqs[3],
        &format!("POST /api/openstack-volumes/{UUID}/retype/ HTTP/1.1"),
    );
    assert_json_body(&reqs[3], json!({"type": "ssd"}));
}

#[tokio::test]
async fn snapshot_decodes_nested_restorations() {
    let snapshot = json!({
        "uuid": "5f1d",
        "name": "snap",
        "size": 1024,
        "restorations": [
            {"uuid": "r1", "volume_size": 1024, "volume_state": "OK"},
            null
        ],
        "kept_until": null
    });
    let (server, c) = one(json_reply("201 Created", &snapshot.to_string())).await;
    let mut body = OpenStackSnapshotRequest::new("snap");
    body.metadata = Some(json!({"k": "v"}));
    let s = c.openstack_volumes().snapshot(UUID, &body).await.unwrap();
    let r = only(&server);
    assert_common(
        &r,
        &format!("POST /api/openstack-volumes/{UUID}/snapshot/ HTTP/1.1"),
    );
    assert_json_body(&r, json!({"name": "snap", "metadata": {"k": "v"}}));
    let restorations = s.restorations.get().unwrap();
    assert_eq!(restorations.len(), 2);
    let first = restorations[0].get().unwrap();
    assert_eq!(first.volume_size.get(), Some(&1024));
    assert_eq!(first.volume_state.get().map(String::as_str), Some("OK"));
    assert!(restorations[1].is_null());
    assert!(s.kept_until.is_null());
    assert_eq!(serde_json::to_value(&s).unwrap(), snapshot);
}

#[tokio::test]
async fn count_issues_head_with_the_same_filters() {
    let (server, c) = one(respond("200 OK", &[("X-Result-Count", "1234")], "")).await;
    let params = OpenstackVolumesListParams::default()
        .tenant_uuid("t1")
        .page(3)
        .page_size(5);
    assert_eq!(c.openstack_volumes().count(&params).await.unwrap(), 1234);
    assert_common(
        &only(&server),
        "HEAD /api/openstack-volumes/?tenant_uuid=t1 HTTP/1.1",
    );
}

#[test]
fn blocking_client_has_the_same_api() {
    let server =
        TestServer::start_in_thread(vec![json_reply("200 OK", &volume_json().to_string())]);
    let c = waldur_client::runtime::blocking::Client::new(&server.url, "secret-token").unwrap();
    let v = c
        .openstack_volumes()
        .retrieve(UUID, &OpenstackVolumesRetrieveParams::default())
        .unwrap();
    assert_eq!(v.size.get(), Some(&20480));
    let reqs = server.requests();
    assert_eq!(
        reqs[0].request_line(),
        format!("GET /api/openstack-volumes/{UUID}/ HTTP/1.1")
    );
    assert_eq!(reqs[0].header("authorization"), Some("Token secret-token"));
}
