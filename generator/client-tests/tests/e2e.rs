//! Every operation of the seed page, called through the generated client against a loopback
//! server: the exact request on the wire (method, path, query, auth, media type, body) and the
//! exact typed values decoded from the response. Also, through the fixture crate
//! (`fixture_things`): the JSON/multipart choice, explicit `null` in request bodies, calls
//! without parameters and the blank enum value.

use serde_json::json;
use waldur_client::models::{
    Detail, OpenStackSnapshotRequest, OpenStackVolumeExtendRequest, OpenStackVolumeRequest,
    OpenStackVolumeRetypeRequest, PatchedOpenStackVolumeRequest, SetErredRequest, Status,
    VolumeAttachRequest,
};
use waldur_client::runtime::LenientModel;
use waldur_client::{Accepted, Client, DateTime, Lenient, Nullable, Uuid};
use waldur_test_server::{Recorded, Reply, TestServer, json as json_reply, respond};

const UUID: &str = "b9e6da6cb6164cacb584184934744208";
const ID: Uuid = Uuid::from_u128(0xb9e6da6cb6164cacb584184934744208);

fn client(server: &TestServer) -> Client {
    Client::builder(&server.url)
        .token("secret-token")
        .user_agent("e2e-test")
        .build()
        .expect("a loopback client builds")
}

fn things_client(server: &TestServer) -> fixture_things::Client {
    fixture_things::Client::builder(&server.url)
        .token("secret-token")
        .user_agent("e2e-test")
        .build()
        .expect("a loopback client builds")
}

fn date_time(text: &str) -> DateTime {
    DateTime::parse_from_rfc3339(text).expect("a valid RFC 3339 literal")
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
        "created": "2023-11-08T11:47:23.190973+00:00",
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
    reqs.into_iter().next().expect("one request")
}

fn assert_common(r: &Recorded, request_line: &str) {
    assert_eq!(r.request_line(), request_line);
    assert_eq!(r.header("authorization"), Some("Token secret-token"));
    assert_eq!(r.header("user-agent"), Some("e2e-test"));
    assert_eq!(r.header("accept"), Some("application/json"));
}

fn assert_json_body(r: &Recorded, expected: serde_json::Value) {
    assert_eq!(r.header("content-type"), Some("application/json"));
    let body: serde_json::Value =
        serde_json::from_slice(&r.body).expect("the request body is JSON");
    assert_eq!(body, expected);
}

/// A multipart body with its boundary replaced by `B`.
fn multipart_text(r: &Recorded) -> String {
    let content_type = r.header("content-type").expect("a Content-Type header");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not multipart: {content_type}"));
    r.body_text().replace(boundary, "B")
}

#[tokio::test]
async fn list_setters_replace_add_appends_and_unchecked_pairs_go_last_as_given() {
    let (server, c) = one(json_reply("200 OK", "[]")).await;
    let page = c
        .openstack_volumes()
        .list()
        .state(["CREATING"])
        // A list setter replaces what was set before; `add_*` appends one value.
        .state(["OK"])
        .add_state("ERRED")
        .add_field("uuid")
        .add_field("name")
        .query_unchecked("backend_id__startswith", "vol-")
        .query_unchecked("backend_id__startswith", "a&b c")
        .name("data")
        .await
        .expect("an empty page decodes");
    assert!(page.items.is_empty());
    assert_common(
        &only(&server),
        "GET /api/openstack-volumes/?field=uuid&field=name&name=data&state=OK&state=ERRED&backend_id__startswith=vol-&backend_id__startswith=a%26b%20c HTTP/1.1",
    );
}

#[tokio::test]
async fn an_operation_without_query_parameters_sends_unchecked_pairs() {
    let (server, c) = one(json_reply("200 OK", &volume_json().to_string())).await;
    let volume = c
        .openstack_volumes()
        .retrieve(ID)
        .query_unchecked("field", "uuid")
        .await
        .expect("the volume decodes");
    assert_eq!(volume.uuid(), Some(ID));
    assert_common(
        &only(&server),
        &format!("GET /api/openstack-volumes/{UUID}/?field=uuid HTTP/1.1"),
    );
}

#[tokio::test]
async fn list_sends_filters_and_decodes_a_page() {
    let body = serde_json::to_string(&json!([volume_json()])).expect("encodes");
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
    let tenant: Uuid = "a1b2c3d4-e5f6-4a5b-8c9d-0e1f2a3b4c5d"
        .parse()
        .expect("a UUID literal");
    let page = c
        .openstack_volumes()
        .list()
        .name_exact("data volume")
        .state(["OK", "Erred"])
        .field(["uuid", "name"])
        .can_manage(true)
        .tenant_uuid(tenant)
        .page_size(10)
        .await
        .expect("the page decodes");
    let r = only(&server);
    // Parameters go in spec order; a typed UUID goes as Waldur writes it (32 hex digits).
    assert_common(
        &r,
        "GET /api/openstack-volumes/?can_manage=true&field=uuid&field=name&name_exact=data%20volume&page_size=10&state=OK&state=Erred&tenant_uuid=a1b2c3d4e5f64a5b8c9d0e1f2a3b4c5d HTTP/1.1",
    );
    assert!(r.body.is_empty());
    assert_eq!(page.total, Some(41));
    assert_eq!(page.next_page, Some(2));
    assert_eq!((page.page, page.page_size), (1, 10));
    assert_eq!(page.items.len(), 1);
    let v = &page.items[0];
    assert_eq!(v.uuid(), Some(ID));
    assert_eq!(v.size(), Some(20480));
    assert_eq!(v.bootable(), Some(false));
    assert_eq!(v.state(), Some(&json!("OK")));
    assert_eq!(v.created(), Some(date_time("2023-11-08T11:47:23.190973Z")));
    assert_eq!(
        v.type_(),
        Some("http://127.0.0.1:8000/api/openstack-volume-types/1/")
    );
    assert!(v.backend_id.is_absent());
    assert_eq!(v.backend_id(), None);
    assert!(v.invalid_fields().is_empty(), "{v:?}");
    assert!(v.is_as_documented(), "{v:?}");
}

#[tokio::test]
async fn calls_without_parameters_need_no_placeholder() {
    let server = TestServer::start(vec![
        json_reply("200 OK", "[]"),
        respond("200 OK", &[("X-Result-Count", "3")], ""),
        json_reply("200 OK", &volume_json().to_string()),
        json_reply("200 OK", "[]"),
    ])
    .await;
    let c = client(&server);
    let page = c.openstack_volumes().list().await.expect("an empty page");
    assert!(page.items.is_empty());
    // Nothing was requested, so the page size is what came: no items.
    assert_eq!((page.page, page.page_size, page.next_page), (1, 0, None));
    assert_eq!(
        c.openstack_volumes().list().count().await.expect("a count"),
        3
    );
    let v = c.openstack_volumes().retrieve(ID).await.expect("a volume");
    assert_eq!(v.name(), Some("data"));
    let things = things_client(&server);
    let page = things.things().list().await.expect("an empty page");
    assert!(page.items.is_empty());
    let reqs = server.requests();
    let lines: Vec<&str> = reqs.iter().map(Recorded::request_line).collect();
    assert_eq!(
        lines,
        [
            "GET /api/openstack-volumes/ HTTP/1.1".to_string(),
            "HEAD /api/openstack-volumes/ HTTP/1.1".to_string(),
            format!("GET /api/openstack-volumes/{UUID}/ HTTP/1.1"),
            "GET /api/things/ HTTP/1.1".to_string(),
        ]
    );
    for r in &reqs {
        assert!(r.body.is_empty(), "{r:?}");
        assert_eq!(r.header("content-type"), None, "{r:?}");
    }
}

#[tokio::test]
async fn retrieve_writes_the_uuid_dashless_and_sends_field_selection() {
    let (server, c) = one(json_reply("200 OK", &volume_json().to_string())).await;
    let hyphenated: Uuid = "b9e6da6c-b616-4cac-b584-184934744208"
        .parse()
        .expect("a UUID literal");
    assert_eq!(hyphenated, ID);
    let v = c
        .openstack_volumes()
        .retrieve(hyphenated)
        .field(["name"])
        .await
        .expect("a volume");
    assert_common(
        &only(&server),
        &format!("GET /api/openstack-volumes/{UUID}/?field=name HTTP/1.1"),
    );
    assert_eq!(v.name(), Some("data"));
    // Encoding again gives exactly the JSON the server sent: the UUID as 32 hex digits and the
    // date-time with `+00:00`, as Waldur writes them.
    assert_eq!(serde_json::to_value(&v).expect("encodes"), volume_json());
    // Path segments that are not UUIDs are percent-encoded by the runtime (string path
    // parameters elsewhere in the API): `/` and spaces cannot change the path.
    assert_eq!(
        waldur_client::runtime::path_param("uuid", "a/b c").expect("encodes"),
        "a%2Fb%20c"
    );
}

/// `{"status": message}`, as Waldur answers its volume actions (202).
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

#[tokio::test]
async fn pull_decodes_the_documented_detail_and_keeps_an_undocumented_body() {
    let server = TestServer::start(vec![
        // What Waldur answers (`ResourceViewSet.pull`).
        json_reply(
            "202 Accepted",
            r#"{"detail": "Pull operation was successfully scheduled."}"#,
        ),
        // An answer in another shape (the `{status}` of the other actions) is no error: the
        // documented field is absent and the key the page does not document is kept.
        json_reply(
            "202 Accepted",
            r#"{"status": "Pull operation was scheduled"}"#,
        ),
    ])
    .await;
    let c = client(&server);
    let d = c.openstack_volumes().pull(ID).await.expect("scheduled");
    assert_eq!(d, detail("Pull operation was successfully scheduled."));
    assert_eq!(
        d.detail(),
        Some("Pull operation was successfully scheduled.")
    );
    assert!(d.is_as_documented(), "{d:?}");
    let other = c.openstack_volumes().pull(ID).await.expect("scheduled");
    assert_eq!(other.detail(), None);
    assert!(other.detail.is_absent());
    assert_eq!(other.extra_keys(), ["status"]);
    assert_eq!(
        serde_json::to_value(&other).expect("encodes"),
        json!({"status": "Pull operation was scheduled"})
    );
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    for r in &reqs {
        assert_common(
            r,
            &format!("POST /api/openstack-volumes/{UUID}/pull/ HTTP/1.1"),
        );
        assert_eq!(r.header("content-length"), Some("0"));
        assert_eq!(r.header("content-type"), None);
    }
}

#[tokio::test]
async fn set_erred_and_set_ok_decode_the_documented_detail() {
    let server = TestServer::start(vec![
        json_reply(
            "200 OK",
            r#"{"detail": "Resource has been marked as ERRED."}"#,
        ),
        json_reply(
            "200 OK",
            r#"{"detail": "Resource has been marked as ERRED."}"#,
        ),
        json_reply("200 OK", r#"{"detail": "Resource has been marked as OK."}"#),
    ])
    .await;
    let c = client(&server);
    let vols = c.openstack_volumes();
    let body = SetErredRequest {
        error_message: Nullable::Value("stuck in CREATING".into()),
        error_traceback: Nullable::Null,
        ..SetErredRequest::default()
    };
    assert_eq!(
        vols.set_erred(ID).body(body).await.expect("marked"),
        detail("Resource has been marked as ERRED.")
    );
    // The body is optional: without one, nothing is sent.
    assert_eq!(
        vols.set_erred(ID).await.expect("marked").detail(),
        Some("Resource has been marked as ERRED.")
    );
    let ok = vols.set_ok(ID).await.expect("marked");
    assert_eq!(ok, detail("Resource has been marked as OK."));
    assert!(ok.is_as_documented(), "{ok:?}");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    let erred = format!("POST /api/openstack-volumes/{UUID}/set_erred/ HTTP/1.1");
    assert_common(&reqs[0], &erred);
    assert_eq!(
        reqs[0].body_text(),
        r#"{"error_message":"stuck in CREATING","error_traceback":null}"#
    );
    assert_json_body(
        &reqs[0],
        json!({"error_message": "stuck in CREATING", "error_traceback": null}),
    );
    assert_common(&reqs[1], &erred);
    assert_eq!(reqs[1].header("content-type"), None);
    assert_eq!(reqs[1].header("content-length"), Some("0"));
    assert!(reqs[1].body.is_empty());
    assert_common(
        &reqs[2],
        &format!("POST /api/openstack-volumes/{UUID}/set_ok/ HTTP/1.1"),
    );
    assert_eq!(reqs[2].header("content-type"), None);
    assert!(reqs[2].body.is_empty());
}

#[tokio::test]
async fn unlink_accepts_an_empty_204() {
    let (server, c) = one(respond("204 No Content", &[], "")).await;
    let a = c.openstack_volumes().unlink(ID).await.expect("accepted");
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
    body.bootable = Nullable::Value(true);
    let v = c
        .openstack_volumes()
        .update(ID, body)
        .await
        .expect("a volume");
    let r = only(&server);
    assert_common(&r, &format!("PUT /api/openstack-volumes/{UUID}/ HTTP/1.1"));
    assert_json_body(&r, json!({"name": "renamed", "bootable": true}));
    assert_eq!(r.body_text(), r#"{"name":"renamed","bootable":true}"#);
    assert_eq!(v.extend_enabled(), Some(true));
}

#[tokio::test]
async fn partial_update_distinguishes_absent_null_and_value() {
    let server = TestServer::start(vec![
        json_reply("200 OK", &volume_json().to_string()),
        json_reply("200 OK", &volume_json().to_string()),
    ])
    .await;
    let c = client(&server);
    let body = PatchedOpenStackVolumeRequest {
        name: Nullable::Value("x".into()),
        description: Nullable::Null,
        ..PatchedOpenStackVolumeRequest::default()
    };
    c.openstack_volumes()
        .partial_update(ID)
        .body(body)
        .await
        .expect("a volume");
    // The body is optional: without one, nothing is sent.
    c.openstack_volumes()
        .partial_update(ID)
        .await
        .expect("a volume");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let line = format!("PATCH /api/openstack-volumes/{UUID}/ HTTP/1.1");
    assert_common(&reqs[0], &line);
    assert_eq!(reqs[0].header("content-type"), Some("application/json"));
    assert_eq!(reqs[0].body_text(), r#"{"name":"x","description":null}"#);
    assert_common(&reqs[1], &line);
    assert_eq!(reqs[1].header("content-type"), None);
    assert_eq!(reqs[1].header("content-length"), Some("0"));
    assert!(reqs[1].body.is_empty());
}

#[tokio::test]
async fn attach_detach_extend_retype() {
    // Each answered as Waldur does, and as the page documents: 202 with `{"status": ...}`.
    let server = TestServer::start(vec![
        json_reply("202 Accepted", r#"{"status": "attach was scheduled"}"#),
        json_reply("202 Accepted", r#"{"status": "detach was scheduled"}"#),
        json_reply("202 Accepted", r#"{"status": "extend was scheduled"}"#),
        json_reply("202 Accepted", r#"{"status": "retype was scheduled"}"#),
    ])
    .await;
    let c = client(&server);
    let vols = c.openstack_volumes();
    let instance = "http://127.0.0.1:8000/api/openstack-instances/1/";
    assert_eq!(
        vols.attach(ID, VolumeAttachRequest::new(instance))
            .await
            .expect("attached"),
        status("attach was scheduled")
    );
    assert_eq!(
        vols.detach(ID).await.expect("detached"),
        status("detach was scheduled")
    );
    let extended = vols
        .extend(ID, OpenStackVolumeExtendRequest::new(40960))
        .await
        .expect("extended");
    assert_eq!(extended.status(), Some("extend was scheduled"));
    assert!(extended.is_as_documented(), "{extended:?}");
    let retyped = vols
        .retype(ID, OpenStackVolumeRetypeRequest::new("ssd"))
        .await
        .expect("retyped");
    assert_eq!(retyped.status(), Some("retype was scheduled"));
    assert_eq!(
        serde_json::to_value(&retyped).expect("encodes"),
        json!({"status": "retype was scheduled"})
    );
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
        "uuid": "5f1d0c5e7a3b4c2d9e8f7a6b5c4d3e2f",
        "name": "snap",
        "size": 1024,
        "restorations": [
            {
                "uuid": "0c1d2e3f405162738495a6b7c8d9eafb",
                "created": "2024-02-29T23:59:59+02:00",
                "volume_size": 1024,
                "volume_state": "OK"
            },
            null,
            {"uuid": "r1"}
        ],
        "kept_until": null
    });
    let (server, c) = one(json_reply("201 Created", &snapshot.to_string())).await;
    let mut body = OpenStackSnapshotRequest::new("snap");
    body.metadata = Nullable::Value(json!({"k": "v"}));
    body.kept_until = Nullable::Null;
    let s = c
        .openstack_volumes()
        .snapshot(ID, body)
        .await
        .expect("a snapshot");
    let r = only(&server);
    assert_common(
        &r,
        &format!("POST /api/openstack-volumes/{UUID}/snapshot/ HTTP/1.1"),
    );
    assert_eq!(
        r.body_text(),
        r#"{"name":"snap","metadata":{"k":"v"},"kept_until":null}"#
    );
    assert_eq!(
        s.uuid(),
        Some(Uuid::from_u128(0x5f1d0c5e7a3b4c2d9e8f7a6b5c4d3e2f))
    );
    let restorations = s.restorations().expect("restorations");
    assert_eq!(restorations.len(), 3);
    let first = restorations[0].get().expect("a restoration");
    assert_eq!(
        first.uuid(),
        Some(Uuid::from_u128(0x0c1d2e3f405162738495a6b7c8d9eafb))
    );
    assert_eq!(first.created(), Some(date_time("2024-02-29T21:59:59Z")));
    assert_eq!(
        first.created().map(|t| t.offset().to_string()),
        Some("+02:00".to_string())
    );
    assert_eq!(first.volume_size(), Some(1024));
    assert_eq!(first.volume_state(), Some("OK"));
    assert!(first.is_as_documented());
    assert!(restorations[1].is_null());
    // Not a UUID: kept raw, visibly invalid, and written back as it came.
    let third = restorations[2].get().expect("a restoration");
    assert_eq!(third.uuid, Lenient::invalid(json!("r1")));
    assert_eq!(third.invalid_fields(), ["uuid"]);
    assert!(s.kept_until.is_null());
    assert_eq!(s.kept_until(), None);
    assert_eq!(serde_json::to_value(&s).expect("encodes"), snapshot);
}

#[tokio::test]
async fn count_issues_head_with_the_same_filters() {
    let (server, c) = one(respond("200 OK", &[("X-Result-Count", "1234")], "")).await;
    let tenant = Uuid::from_u128(1);
    let n = c
        .openstack_volumes()
        .list()
        .tenant_uuid(tenant)
        .page(3)
        .page_size(5)
        .count()
        .await
        .expect("a count");
    assert_eq!(n, 1234);
    assert_common(
        &only(&server),
        "HEAD /api/openstack-volumes/?tenant_uuid=00000000000000000000000000000001 HTTP/1.1",
    );
}

#[test]
fn blocking_calls_wait_on_the_same_builders() {
    use waldur_client::prelude::*;
    let server = TestServer::start_in_thread(vec![
        json_reply("200 OK", &volume_json().to_string()),
        respond(
            "200 OK",
            &[("Content-Type", "application/json")],
            &json!([volume_json(), volume_json()]).to_string(),
        ),
    ]);
    let c = Client::new(&server.url, "secret-token").expect("a client");
    let v = c.openstack_volumes().retrieve(ID).wait().expect("a volume");
    assert_eq!(v.size(), Some(20480));
    let all: Vec<_> = c
        .openstack_volumes()
        .list()
        .page_size(5)
        .stream()
        .wait_iter()
        .collect::<Result<_, Error>>()
        .expect("every volume");
    assert_eq!(all.len(), 2);
    assert_eq!(all[1].uuid(), Some(ID));
    let reqs = server.requests();
    assert_eq!(
        reqs[0].request_line(),
        format!("GET /api/openstack-volumes/{UUID}/ HTTP/1.1")
    );
    assert_eq!(reqs[0].header("authorization"), Some("Token secret-token"));
    assert_eq!(
        reqs[1].request_line(),
        "GET /api/openstack-volumes/?page=1&page_size=5 HTTP/1.1"
    );
    assert_eq!(reqs.len(), 2);
}

// The JSON/multipart choice, explicit null and the blank enum value, through the fixture
// crate generated from generator/tests/fixtures/things.
mod fixture {
    use super::*;
    // The fixture crate has its own runtime, so its own `Nullable`, `Lenient`, ... types.
    use fixture_things::{Date, DateTime, FileUpload, Lenient, Nullable};

    fn date_time(text: &str) -> DateTime {
        DateTime::parse_from_rfc3339(text).expect("a valid RFC 3339 literal")
    }

    fn thing_json() -> serde_json::Value {
        json!({"uuid": UUID, "state": "OK", "kind": "small"})
    }

    #[tokio::test]
    async fn a_body_without_a_file_goes_as_json_with_its_nulls() {
        use fixture_things::models::ThingRequest;
        let server = TestServer::start(vec![
            json_reply("201 Created", &thing_json().to_string()),
            json_reply("201 Created", &thing_json().to_string()),
        ])
        .await;
        let c = things_client(&server);
        // Absent optional fields are not sent; an explicit null is.
        let mut body = ThingRequest::new("box");
        body.owner_url = Nullable::Value("http://127.0.0.1:8000/api/owners/1/".into());
        body.subnet = Nullable::Null;
        let t = c.things().create(body).await.expect("created");
        assert_eq!(t.uuid(), Some(ID));
        // Only the required field.
        c.things()
            .create(ThingRequest::new("bare"))
            .await
            .expect("created");
        let reqs = server.requests();
        assert_eq!(reqs.len(), 2);
        for r in &reqs {
            assert_eq!(r.request_line(), "POST /api/things/ HTTP/1.1");
            assert_eq!(r.header("content-type"), Some("application/json"));
        }
        assert_eq!(
            reqs[0].body_text(),
            r#"{"name":"box","owner_url":"http://127.0.0.1:8000/api/owners/1/","subnet":null}"#
        );
        assert_eq!(reqs[1].body_text(), r#"{"name":"bare"}"#);
    }

    #[tokio::test]
    async fn an_attached_file_makes_the_same_body_multipart() {
        use fixture_things::models::ThingRequest;
        let server =
            TestServer::start(vec![json_reply("201 Created", &thing_json().to_string())]).await;
        let mut body = ThingRequest::new("box");
        body.image = Nullable::Value(FileUpload {
            file_name: "box.png".into(),
            bytes: b"\x89PNG".to_vec(),
            mime: Some("image/png".into()),
        });
        body.owner_url = Nullable::Value("http://127.0.0.1:8000/api/owners/1/".into());
        let t = things_client(&server)
            .things()
            .create(body)
            .await
            .expect("created");
        assert_eq!(t.kind(), Some(&fixture_things::models::KindEnum::Small));
        let r = only(&server);
        assert_eq!(r.request_line(), "POST /api/things/ HTTP/1.1");
        assert_eq!(
            multipart_text(&r),
            "--B\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nbox\r\n\
             --B\r\nContent-Disposition: form-data; name=\"image\"; filename=\"box.png\"\r\n\
             Content-Type: image/png\r\n\r\n\u{fffd}PNG\r\n\
             --B\r\nContent-Disposition: form-data; name=\"owner_url\"\r\n\r\n\
             http://127.0.0.1:8000/api/owners/1/\r\n\
             --B--\r\n"
        );
        assert!(
            r.body.windows(4).any(|w| w == b"\x89PNG"),
            "the file's bytes are sent as they are"
        );
    }

    #[tokio::test]
    async fn a_multipart_only_operation_sends_multipart_with_a_file() {
        use fixture_things::models::{CoreStates, UploadRequest};
        let server =
            TestServer::start(vec![json_reply("201 Created", &thing_json().to_string())]).await;
        let mut body = UploadRequest::new("report");
        body.file = Nullable::Value(FileUpload::new("a.csv", b"x,y".to_vec()));
        body.kinds = Nullable::Value(vec![CoreStates::Erred, CoreStates::CreatedDesc]);
        body.count = Nullable::Value(2);
        things_client(&server)
            .things()
            .upload(ID, body)
            .await
            .expect("uploaded");
        let r = only(&server);
        assert_eq!(
            r.request_line(),
            format!("POST /api/things/{UUID}/upload/ HTTP/1.1")
        );
        assert_eq!(
            multipart_text(&r),
            "--B\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nreport\r\n\
             --B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nx,y\r\n\
             --B\r\nContent-Disposition: form-data; name=\"kinds\"\r\n\r\nErred\r\n\
             --B\r\nContent-Disposition: form-data; name=\"kinds\"\r\n\r\n-created\r\n\
             --B\r\nContent-Disposition: form-data; name=\"count\"\r\n\r\n2\r\n\
             --B--\r\n"
        );
    }

    #[tokio::test]
    async fn an_explicit_null_survives_a_multipart_body() {
        use fixture_things::models::ThingRequest;
        let server =
            TestServer::start(vec![json_reply("201 Created", &thing_json().to_string())]).await;
        let mut body = ThingRequest::new("box");
        body.image = Nullable::Value(FileUpload::new("box.png", b"png".to_vec()));
        body.subnet = Nullable::Null;
        things_client(&server)
            .things()
            .create(body)
            .await
            .expect("created");
        assert_eq!(
            multipart_text(&only(&server)),
            "--B\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nbox\r\n\
             --B\r\nContent-Disposition: form-data; name=\"image\"; filename=\"box.png\"\r\n\r\npng\r\n\
             --B\r\nContent-Disposition: form-data; name=\"subnet\"\r\n\r\n\r\n\
             --B--\r\n"
        );
    }

    #[tokio::test]
    async fn a_multipart_only_operation_sends_multipart_without_a_file() {
        use fixture_things::models::UploadRequest;
        let server =
            TestServer::start(vec![json_reply("201 Created", &thing_json().to_string())]).await;
        let mut body = UploadRequest::new("report");
        body.count = Nullable::Value(2);
        things_client(&server)
            .things()
            .upload(ID, body)
            .await
            .expect("uploaded");
        let r = only(&server);
        assert_eq!(
            multipart_text(&r),
            "--B\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nreport\r\n\
             --B\r\nContent-Disposition: form-data; name=\"count\"\r\n\r\n2\r\n\
             --B--\r\n"
        );
    }

    #[tokio::test]
    async fn a_patch_sends_an_explicit_null_and_leaves_absent_fields_out() {
        use fixture_things::models::{CoreStates, PatchedThingRequest};
        let server = TestServer::start(vec![
            json_reply("200 OK", &thing_json().to_string()),
            json_reply("200 OK", &thing_json().to_string()),
        ])
        .await;
        let c = things_client(&server);
        c.things()
            .partial_update(ID)
            .body(PatchedThingRequest {
                subnet: Nullable::Null,
                ..Default::default()
            })
            .await
            .expect("patched");
        c.things()
            .partial_update(ID)
            .body(PatchedThingRequest {
                state: Nullable::Value(CoreStates::CreatedDesc),
                subnet: Nullable::from_option(Some("http://127.0.0.1:8000/api/subnets/2/".into())),
                ..Default::default()
            })
            .await
            .expect("patched");
        let reqs = server.requests();
        assert_eq!(reqs.len(), 2);
        for r in &reqs {
            assert_eq!(
                r.request_line(),
                format!("PATCH /api/things/{UUID}/ HTTP/1.1")
            );
            assert_eq!(r.header("content-type"), Some("application/json"));
        }
        assert_eq!(reqs[0].body_text(), r#"{"subnet":null}"#);
        assert_eq!(
            reqs[1].body_text(),
            r#"{"state":"-created","subnet":"http://127.0.0.1:8000/api/subnets/2/"}"#
        );
    }

    #[tokio::test]
    async fn the_blank_enum_value_is_a_variant_and_null_is_null() {
        use fixture_things::models::{KindEnum, Thing};
        let bodies = [
            json!({"kind": ""}),
            json!({"kind": null}),
            json!({"kind": "large"}),
            json!({"kind": "medium"}),
            json!({}),
        ];
        let replies = bodies
            .iter()
            .map(|b| json_reply("200 OK", &b.to_string()))
            .collect();
        let server = TestServer::start(replies).await;
        let c = things_client(&server);
        let mut got: Vec<Thing> = Vec::new();
        for _ in &bodies {
            got.push(c.things().retrieve(ID).await.expect("a thing"));
        }
        assert_eq!(got[0].kind, Lenient::Valid(KindEnum::Blank));
        assert_eq!(got[0].kind(), Some(&KindEnum::Blank));
        assert_eq!(got[1].kind, Lenient::Null);
        assert_eq!(got[1].kind(), None);
        assert_eq!(got[2].kind(), Some(&KindEnum::Large));
        // A value the spec does not list is kept, as an unknown value.
        assert_eq!(got[3].kind(), Some(&KindEnum::Unknown("medium".into())));
        assert!(got[4].kind.is_absent());
        for (t, body) in got.iter().zip(&bodies) {
            assert!(
                fixture_things::runtime::LenientModel::invalid_fields(t).is_empty(),
                "{t:?}"
            );
            assert_eq!(&serde_json::to_value(t).expect("encodes"), body);
        }
        assert_eq!(KindEnum::Blank.as_str(), "");
        assert_eq!(KindEnum::from(""), KindEnum::Blank);
    }

    #[tokio::test]
    async fn typed_scalars_of_a_thing() {
        use fixture_things::models::{CoreStates, RobotState};
        let body = json!({
            "uuid": "B9E6DA6C-B616-4CAC-B584-184934744208",
            "state": "-created",
            "level": 3,
            "price": "12.50",
            "ratio": 0.75,
            "created": "2024-01-02T03:04:05Z",
            "day": "2024-02-29",
            "url": ""
        });
        let server = TestServer::start(vec![json_reply("200 OK", &body.to_string())]).await;
        let t = things_client(&server)
            .things()
            .retrieve(ID)
            .await
            .expect("a thing");
        assert_eq!(t.uuid(), Some(ID));
        assert_eq!(t.state(), Some(&CoreStates::CreatedDesc));
        assert_eq!(t.level(), Some(RobotState::V3));
        let price = t.price().expect("a price");
        assert_eq!(
            (price.as_str(), price.scale(), price.was_number()),
            ("12.50", 2, false)
        );
        let ratio = t.ratio().expect("a ratio");
        assert_eq!((ratio.as_str(), ratio.was_number()), ("0.75", true));
        assert_eq!(t.created(), Some(date_time("2024-01-02T03:04:05+00:00")));
        assert_eq!(t.day(), Date::from_ymd_opt(2024, 2, 29));
        // `uri` stays a string: the server sends "".
        assert_eq!(t.url(), Some(""));
        assert!(
            fixture_things::runtime::LenientModel::is_as_documented(&t),
            "{t:?}"
        );
        // `Debug` prints values, not wrappers, in the spelling they arrived in.
        assert_eq!(
            format!("{t:?}"),
            "Thing { uuid: B9E6DA6C-B616-4CAC-B584-184934744208, state: CreatedDesc, level: V3, \
             price: \"12.50\", ratio: 0.75, created: 2024-01-02T03:04:05Z, day: 2024-02-29, \
             url: \"\" }"
        );
        // Written back exactly as it came: the UUID hyphenated in upper case, the date-time
        // with `Z`.
        assert_eq!(serde_json::to_value(&t).expect("encodes"), body);
    }
}

/// `waldur_client::ClientBuilder` is this crate's builder: what it builds, also from the
/// environment, is `waldur_client::Client` (with the tag accessors), not the runtime's client.
#[test]
fn builders_reached_from_the_crate_build_its_client() {
    let vars = |name: &str| match name {
        "WALDUR_API_URL" => Some(Ok("https://waldur.example.com/api/".to_string())),
        "WALDUR_API_TOKEN" => Some(Ok("secret-token".to_string())),
        _ => None,
    };
    let client: Client = waldur_client::ClientBuilder::from_vars(vars)
        .expect("the variables are valid")
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .expect("a client");
    assert_eq!(
        client.runtime().base_url().as_str(),
        "https://waldur.example.com/"
    );
    let _volumes = client.openstack_volumes();
    // The prelude has what waiting and inspecting need, under the crate's names.
    use waldur_client::prelude::*;
    let _policy: WaitPolicy = WaitPolicy::default();
    let empty: Vec<waldur_client::models::OpenStackVolume> = Vec::new();
    assert!(empty.findings().is_empty());
    let _: fn() -> Result<ClientBuilder, Error> = waldur_client::ClientBuilder::from_env;
}
