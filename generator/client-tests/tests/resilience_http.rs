//! The generated operations against a loopback server that answers with unexpected status
//! codes, error bodies of every Django REST framework shape, broken bodies and broken
//! connections. Every error is checked by its exact message and parts; none may panic and
//! none may show the API token. Also: `HEAD` counts and query encoding.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{
    ID, SHORT_TIMEOUT, TOKEN, UUID, client, client_with_timeout, things_client, volume_json,
};
use fixture_things::models::{CoreStates, RobotState};
use serde_json::json;
use waldur_client::models::{
    OpenStackSnapshotRequest, OpenStackVolume, OpenStackVolumeExtendRequest,
    PatchedOpenStackVolumeRequest,
};
use waldur_client::runtime::DrfError;
use waldur_client::{Accepted, Client, Error};
use waldur_test_server::{Reply, TestServer, json as json_reply, respond, truncated};

async fn retrieve(reply: Reply) -> (Result<OpenStackVolume, Error>, TestServer) {
    retrieve_within(reply, common::TIMEOUT).await
}

async fn retrieve_within(
    reply: Reply,
    timeout: Duration,
) -> (Result<OpenStackVolume, Error>, TestServer) {
    let server = TestServer::start(vec![reply]).await;
    let result = client_with_timeout(&server, timeout)
        .openstack_volumes()
        .retrieve(ID)
        .await;
    (result, server)
}

fn volume_url(server: &TestServer) -> String {
    format!("{}/api/openstack-volumes/{UUID}/", server.url)
}

/// Every text a caller could log about this error.
fn assert_no_token(err: &Error) {
    for text in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
        assert!(!text.contains(TOKEN), "token leaked: {text}");
    }
}

#[tokio::test]
async fn any_2xx_is_success_and_a_body_is_decoded_whatever_the_documented_code() {
    let body = volume_json(UUID, "data").to_string();
    let server = TestServer::start(vec![
        // retrieve is documented as 200
        json_reply("203 Non-Authoritative Information", &body),
        json_reply("299 Whatever", &body),
        // snapshot is documented as 201
        json_reply("200 OK", r#"{"name": "snap"}"#),
        // unlink is documented as 204 without a body: a 202 with a body is kept
        json_reply("202 Accepted", r#"{"status": "unlink was scheduled"}"#),
        // extend is documented as 202 with `{"status": ...}`
        json_reply("200 OK", r#"{"status": "extend was scheduled"}"#),
        // a body that is not JSON, where the operation returns JSON or nothing, is an error
        respond(
            "202 Accepted",
            &[("Content-Type", "text/plain")],
            "unlink scheduled",
        ),
    ])
    .await;
    let c = client(&server);
    let vols = c.openstack_volumes();
    for _ in 0..2 {
        let v = vols.retrieve(ID).await.unwrap();
        assert_eq!(common::encoded(&v), volume_json(UUID, "data"));
        assert_eq!(v.uuid(), Some(ID));
    }
    let snap = vols
        .snapshot(ID, OpenStackSnapshotRequest::new("snap"))
        .await
        .unwrap();
    assert_eq!(snap.name(), Some("snap"));
    let unlinked = vols.unlink(ID).await.unwrap();
    assert_eq!(
        unlinked,
        Accepted {
            status: 202,
            body: Some(json!({"status": "unlink was scheduled"}))
        }
    );
    assert_eq!(unlinked.message(), Some("unlink was scheduled"));
    let extended = vols
        .extend(ID, OpenStackVolumeExtendRequest::new(2048))
        .await
        .unwrap();
    assert_eq!(extended.status(), Some("extend was scheduled"));
    let err = vols
        .unlink(ID)
        .await
        .expect_err("a text body is not an action's answer");
    assert_eq!(
        err.to_string(),
        format!(
            "cannot decode the response of POST {}/api/openstack-volumes/{UUID}/unlink/ (HTTP 202) \
             at .: the operation returns JSON or nothing, but the body (Content-Type: text/plain) \
             is not JSON (expected value at line 1 column 1); body near the error: \"unlink scheduled\"",
            server.url
        )
    );
    assert_eq!(server.requests().len(), 6);
}

#[tokio::test]
async fn empty_bodies_are_fine_where_nothing_is_documented() {
    let server = TestServer::start(vec![
        respond("204 No Content", &[], ""),
        json_reply("200 OK", " \r\n "),
        respond("201 Created", &[], ""),
        respond("202 Accepted", &[], ""),
        respond("204 No Content", &[], ""),
        respond("204 No Content", &[], ""),
        respond("200 OK", &[], ""),
        respond("204 No Content", &[], ""),
    ])
    .await;
    let c = client(&server);
    let vols = c.openstack_volumes();
    // A model answered without a body (204, blank, 201, 202) is no model: an error that says
    // so, not a model with every field absent. Actions documented with a body (`{"status"}`,
    // `{"detail"}`) are answered by such a model too.
    let empty = |result: Result<_, Error>| match result {
        Err(Error::Decode(d)) => (d.status, d.message),
        other => panic!("expected a decode error, got {other:?}"),
    };
    let message = "the response body is empty; the operation documents a JSON value";
    assert_eq!(
        empty(vols.retrieve(ID).await.map(drop)),
        (204, message.to_string())
    );
    assert_eq!(
        empty(vols.retrieve(ID).await.map(drop)),
        (200, message.to_string())
    );
    assert_eq!(
        empty(
            vols.snapshot(ID, OpenStackSnapshotRequest::new("s"))
                .await
                .map(drop)
        ),
        (201, message.to_string())
    );
    assert_eq!(
        empty(vols.detach(ID).await.map(drop)),
        (202, message.to_string())
    );
    assert_eq!(
        empty(vols.pull(ID).await.map(drop)),
        (204, message.to_string())
    );
    // Where nothing is documented (unlink: 204 without a body), an empty body is fine,
    // whatever the 2xx.
    assert_eq!(
        vols.unlink(ID).await.unwrap(),
        Accepted {
            status: 204,
            body: None
        }
    );
    assert_eq!(
        vols.unlink(ID).await.unwrap(),
        Accepted {
            status: 200,
            body: None
        }
    );
    assert_eq!(
        things_client(&server).things().destroy(ID).await.unwrap(),
        fixture_things::Accepted {
            status: 204,
            body: None
        }
    );
    assert_eq!(
        server.requests()[7].request_line(),
        format!("DELETE /api/things/{UUID}/ HTTP/1.1")
    );
}

#[tokio::test]
async fn a_list_answered_without_a_body_is_an_empty_page() {
    let server = TestServer::start(vec![respond("200 OK", &[("X-Result-Count", "0")], "")]).await;
    let page = client(&server).openstack_volumes().list().await;
    let page = page.unwrap();
    assert!(page.items.is_empty());
    assert_eq!(page.total, Some(0));
    assert_eq!(page.next_page, None);
}

/// One error status with its body, through `extend` (a POST, so never retried).
struct DrfCase {
    status: &'static str,
    body: &'static str,
    /// `Display` after `HTTP <code> <reason> from POST <url>`.
    message: &'static str,
    drf: Option<DrfError>,
}

fn drf(detail: Option<&str>, non_field: &[&str], fields: &[(&str, &[&str])]) -> Option<DrfError> {
    Some(DrfError {
        detail: detail.map(str::to_string),
        non_field_errors: non_field.iter().map(|s| s.to_string()).collect(),
        fields: fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect::<BTreeMap<_, _>>(),
    })
}

#[tokio::test]
async fn drf_error_bodies_of_each_shape() {
    let cases = [
        DrfCase {
            status: "404 Not Found",
            body: r#"{"detail": "Not found."}"#,
            message: "HTTP 404 Not Found from POST {url}: Not found.",
            drf: drf(Some("Not found."), &[], &[]),
        },
        DrfCase {
            status: "400 Bad Request",
            body: r#"{"disk_size": ["Ensure this value is greater than or equal to 1.", "Must be larger than the current size."]}"#,
            message: "HTTP 400 Bad Request from POST {url}: \
                      disk_size: Ensure this value is greater than or equal to 1.; \
                      disk_size: Must be larger than the current size.",
            drf: drf(
                None,
                &[],
                &[(
                    "disk_size",
                    &[
                        "Ensure this value is greater than or equal to 1.",
                        "Must be larger than the current size.",
                    ],
                )],
            ),
        },
        DrfCase {
            status: "400 Bad Request",
            body: r#"{"non_field_errors": ["Volume is attached."], "disk_size": "Too big."}"#,
            message: "HTTP 400 Bad Request from POST {url}: Volume is attached.; disk_size: Too big.",
            drf: drf(
                None,
                &["Volume is attached."],
                &[("disk_size", &["Too big."])],
            ),
        },
        DrfCase {
            status: "409 Conflict",
            body: r#"["Volume must be in OK state."]"#,
            message: "HTTP 409 Conflict from POST {url}: Volume must be in OK state.",
            drf: drf(None, &["Volume must be in OK state."], &[]),
        },
        DrfCase {
            status: "400 Bad Request",
            body: r#"{"metadata": {"owner": {"email": ["Enter a valid email address."]}}, "attributes": [{}, {"size": ["Bad."]}]}"#,
            message: "HTTP 400 Bad Request from POST {url}: attributes.1.size: Bad.; \
                      metadata.owner.email: Enter a valid email address.",
            drf: drf(
                None,
                &[],
                &[
                    ("attributes.1.size", &["Bad."]),
                    ("metadata.owner.email", &["Enter a valid email address."]),
                ],
            ),
        },
        DrfCase {
            status: "403 Forbidden",
            body: r#""You do not have permission to perform this action.""#,
            message: "HTTP 403 Forbidden from POST {url}: You do not have permission to perform this action.",
            drf: drf(
                Some("You do not have permission to perform this action."),
                &[],
                &[],
            ),
        },
        DrfCase {
            status: "502 Bad Gateway",
            body: "<html>\n<body>\n<h1>502 Bad Gateway</h1>\n</body>\n</html>\n",
            message: "HTTP 502 Bad Gateway from POST {url}: <html> <body> <h1>502 Bad Gateway</h1> </body> </html>",
            drf: None,
        },
        DrfCase {
            status: "500 Internal Server Error",
            body: "",
            message: "HTTP 500 Internal Server Error from POST {url}",
            drf: None,
        },
    ];
    for case in cases {
        let server = TestServer::start(vec![json_reply(case.status, case.body)]).await;
        let err = client(&server)
            .openstack_volumes()
            .extend(ID, OpenStackVolumeExtendRequest::new(0))
            .await
            .unwrap_err();
        let url = format!("{}/api/openstack-volumes/{UUID}/extend/", server.url);
        assert_eq!(err.to_string(), case.message.replace("{url}", &url));
        let status = err.as_status().unwrap();
        let code: u16 = case.status[..3].parse().unwrap();
        assert_eq!(status.status, code);
        assert_eq!(err.status(), Some(code));
        assert_eq!(status.method, reqwest::Method::POST);
        assert_eq!(status.url.as_str(), url);
        assert_eq!(
            status.headers.get("content-type").unwrap(),
            "application/json"
        );
        assert_eq!(status.body, case.body);
        assert_eq!(status.drf, case.drf);
        assert_eq!(err.drf(), case.drf.as_ref());
        assert_eq!(err.is_retryable(), code >= 500, "{}", case.status);
        assert_no_token(&err);
        // POST is not repeated, whatever the status.
        assert_eq!(server.requests().len(), 1);
    }
}

#[tokio::test]
async fn field_errors_of_a_patch_are_reachable_by_field() {
    let server = TestServer::start(vec![json_reply(
        "400 Bad Request",
        r#"{"name": ["This field may not be blank."], "bootable": ["Must be a valid boolean."]}"#,
    )])
    .await;
    let body = PatchedOpenStackVolumeRequest {
        name: "".to_string().into(),
        ..Default::default()
    };
    let err = client(&server)
        .openstack_volumes()
        .partial_update(ID)
        .body(body)
        .await
        .unwrap_err();
    let status = err.as_status().unwrap();
    assert!(status.is_bad_request());
    assert_eq!(
        status.field_errors("name"),
        ["This field may not be blank."]
    );
    assert_eq!(
        status.field_errors("bootable"),
        ["Must be a valid boolean."]
    );
    assert!(status.field_errors("description").is_empty());
    assert_eq!(
        status.message().as_deref(),
        Some("bootable: Must be a valid boolean.; name: This field may not be blank.")
    );
    assert_eq!(server.requests()[0].body_text(), r#"{"name":""}"#);
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_with_path_and_snippet() {
    let (result, server) = retrieve(json_reply(
        "200 OK",
        r#"{"uuid": "b9e6", "size": 10, "name": tru}"#,
    ))
    .await;
    let err = result.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "cannot decode the response of GET {} (HTTP 200) at name: expected ident at line 1 \
             column 41; body near the error: \"{{\\\"uuid\\\": \\\"b9e6\\\", \\\"size\\\": 10, \
             \\\"name\\\": tru}}\"",
            volume_url(&server)
        )
    );
    let Error::Decode(d) = &err else {
        panic!("expected a decode error: {err:?}")
    };
    assert_eq!(d.path, "name");
    assert_eq!(d.status, 200);
    assert_eq!(d.method, reqwest::Method::GET);
    assert_eq!(d.message, "expected ident at line 1 column 41");
    assert_eq!(d.snippet, r#"{"uuid": "b9e6", "size": 10, "name": tru}"#);
    assert_eq!(err.status(), Some(200));
    assert!(!err.is_retryable());
    assert_no_token(&err);
}

#[tokio::test]
async fn a_broken_item_of_a_page_names_its_index() {
    let good = volume_json(UUID, "ok").to_string();
    let body = format!("[{good}, {{\"uuid\": \"x\", \"size\": -}}]");
    let server = TestServer::start(vec![json_reply("200 OK", &body)]).await;
    let err = client(&server)
        .openstack_volumes()
        .list()
        .await
        .unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("expected a decode error: {err:?}")
    };
    assert_eq!(d.path, "[1].size");
    let column = body.len() - 1;
    assert_eq!(
        d.message,
        format!("invalid number at line 1 column {column}")
    );
    // The snippet is the 200 characters around the error: the tail of the body here.
    assert_eq!(d.snippet, body[body.len() - 101..]);
    assert_eq!(
        d.url.as_str(),
        format!("{}/api/openstack-volumes/", server.url)
    );
}

#[tokio::test]
async fn a_null_item_of_a_page_is_a_decode_error_naming_it() {
    // Fields are lenient, list items are not: a page holding `null` cannot be a page of
    // volumes, and the error says which item broke it.
    let good = volume_json(UUID, "ok").to_string();
    let body = format!("[{good},null]");
    let server = TestServer::start(vec![json_reply("200 OK", &body)]).await;
    let err = client(&server)
        .openstack_volumes()
        .list()
        .await
        .unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("expected a decode error: {err:?}")
    };
    assert_eq!(d.path, "[1]");
    assert_eq!(
        d.message,
        format!(
            "invalid type: null, expected a JSON object (OpenStackVolume) at line 1 column {}",
            body.len() - 1
        )
    );
}

#[tokio::test]
async fn a_body_that_is_not_an_object_is_a_decode_error() {
    for (body, message) in [
        (
            "<html><body>Login</body></html>",
            "expected value at line 1 column 1",
        ),
        (
            "[]",
            "invalid type: sequence, expected a JSON object (OpenStackVolume) at line 1 column 0",
        ),
        (
            "null",
            "invalid type: null, expected a JSON object (OpenStackVolume) at line 1 column 4",
        ),
    ] {
        let (result, server) = retrieve(json_reply("200 OK", body)).await;
        let err = result.unwrap_err();
        let Error::Decode(d) = &err else {
            panic!("expected a decode error for {body}: {err:?}")
        };
        assert_eq!(d.path, ".", "{body}");
        assert_eq!(d.message, message, "{body}");
        assert_eq!(d.snippet, body);
        assert_eq!(d.url.as_str(), volume_url(&server));
    }
}

#[tokio::test]
async fn truncated_body_is_a_retryable_transport_error() {
    let (result, server) = retrieve(truncated(500, r#"{"uuid": "b9e6da6c"#)).await;
    let err = result.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "GET {} failed: error reading the response body: error reading a body from \
             connection: end of file before message length reached",
            volume_url(&server)
        )
    );
    assert!(matches!(err, Error::Transport { .. }));
    assert!(err.is_retryable());
    assert_eq!(err.status(), None);
    assert_no_token(&err);
}

#[tokio::test]
async fn connection_reset_is_a_retryable_transport_error() {
    let (result, server) = retrieve(Reply::Reset).await;
    let err = result.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "GET {} failed: error sending the request: client error (SendRequest): connection \
             error: Connection reset by peer (os error 104)",
            volume_url(&server)
        )
    );
    assert!(matches!(err, Error::Transport { .. }));
    assert!(err.is_retryable());
    assert!(std::error::Error::source(&err).is_some());
    assert_no_token(&err);
}

#[tokio::test]
async fn a_stalled_answer_is_a_retryable_timeout() {
    // The client timeout is 300 ms; the server answers after 5 s.
    let (result, server) = retrieve_within(
        Reply::Delay(Duration::from_secs(5), Box::new(json_reply("200 OK", "{}"))),
        SHORT_TIMEOUT,
    )
    .await;
    let err = result.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("GET {} timed out", volume_url(&server))
    );
    assert!(err.is_timeout());
    assert!(err.is_retryable());
    assert_no_token(&err);
    // A body that stops after the headers times out too.
    let (result, _server) = retrieve_within(
        Reply::Stall(
            b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"uuid\":".to_vec(),
            Duration::from_secs(5),
        ),
        SHORT_TIMEOUT,
    )
    .await;
    assert!(result.unwrap_err().is_timeout());
}

#[tokio::test]
async fn head_count_sends_the_filters_without_paging() {
    let server = TestServer::start(vec![
        respond("200 OK", &[("X-Result-Count", "1234")], ""),
        respond("200 OK", &[], ""),
        respond("200 OK", &[("X-Result-Count", "many")], ""),
        json_reply("403 Forbidden", ""),
    ])
    .await;
    let c = client(&server);
    let list = || {
        c.openstack_volumes()
            .list()
            .tenant_uuid(ID)
            .state(["OK", "ERRED"])
            .page(4)
            .page_size(50)
    };
    assert_eq!(list().count().await.unwrap(), 1234);
    let url = format!(
        "{}/api/openstack-volumes/?state=OK&state=ERRED&tenant_uuid={UUID}",
        server.url
    );
    for _ in 0..2 {
        let err = list().count().await.unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "cannot decode the response of HEAD {url} (HTTP 200) at X-Result-Count: the \
                 response has no usable X-Result-Count header (none, not a count, or several \
                 that disagree); body near the error: \"\""
            )
        );
    }
    let err = list().count().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("HTTP 403 Forbidden from HEAD {url}")
    );
    let expected =
        format!("HEAD /api/openstack-volumes/?state=OK&state=ERRED&tenant_uuid={UUID} HTTP/1.1");
    assert_eq!(common::request_lines(&server), vec![expected; 4]);
}

#[tokio::test]
async fn query_arrays_repeat_their_key_except_ordering_which_is_comma_joined() {
    let server = TestServer::start(vec![
        json_reply("200 OK", "[]"),
        json_reply("200 OK", "[]"),
        json_reply("200 OK", "[]"),
    ])
    .await;
    let c = client(&server);
    let things = things_client(&server);
    let created = fixture_things::DateTime::parse_from_rfc3339("2024-01-02T05:04:05.5+02:00")
        .expect("an RFC 3339 literal");
    let page = things
        .things()
        .list()
        .o([
            CoreStates::CreatedDesc,
            CoreStates::Ok,
            CoreStates::Unknown("name".into()),
        ])
        .level(RobotState::Unknown(9))
        .state(["OK", "a b&c=d", "ü"])
        .created(created)
        .await
        .unwrap();
    assert_eq!(page.items, vec![]);
    // No values: no key at all.
    things
        .things()
        .list()
        .o([])
        .state(Vec::<String>::new())
        .await
        .unwrap();
    c.openstack_volumes()
        .list()
        .field(["uuid", "name"])
        .state(["OK"])
        .name("x,y")
        .await
        .unwrap();
    assert_eq!(
        common::request_lines(&server),
        [
            // A date-time goes as RFC 3339 with its offset (`+` percent-encoded).
            "GET /api/things/?o=-created,OK,name&level=9&state=OK&state=a%20b%26c%3Dd&state=%C3%BC&created=2024-01-02T05:04:05.500%2B02:00 HTTP/1.1",
            "GET /api/things/ HTTP/1.1",
            "GET /api/openstack-volumes/?field=uuid&field=name&name=x,y&state=OK HTTP/1.1",
        ]
    );
}

#[tokio::test]
async fn the_token_is_sent_but_never_shown() {
    let server = TestServer::start(vec![
        json_reply("401 Unauthorized", r#"{"detail": "Invalid token."}"#),
        json_reply("200 OK", "{"),
        Reply::Reset,
    ])
    .await;
    let builder = Client::builder(&server.url)
        .token(&format!("  {TOKEN}\n"))
        .retry(waldur_client::RetryPolicy::none());
    assert!(!format!("{builder:?}").contains(TOKEN));
    let c = builder.build().unwrap();
    assert!(!format!("{c:?}").contains(TOKEN));
    let vols = c.openstack_volumes();
    let unauthorized = vols.retrieve(ID).await.unwrap_err();
    assert_eq!(
        unauthorized.to_string(),
        format!(
            "HTTP 401 Unauthorized from GET {}: Invalid token.",
            volume_url(&server)
        )
    );
    assert!(unauthorized.as_status().unwrap().is_unauthorized());
    let decode = vols.retrieve(ID).await.unwrap_err();
    let transport = vols.retrieve(ID).await.unwrap_err();
    for err in [&unauthorized, &decode, &transport] {
        assert_no_token(err);
    }
    // The token went out on every request, trimmed.
    for r in server.requests() {
        assert_eq!(
            r.header("authorization"),
            Some(format!("Token {TOKEN}").as_str())
        );
    }
}

#[test]
fn blocking_calls_report_the_same_errors() {
    use waldur_client::prelude::*;
    let server = TestServer::start_in_thread(vec![
        json_reply("404 Not Found", r#"{"detail": "Not found."}"#),
        respond("200 OK", &[("X-Result-Count", "7")], ""),
    ]);
    let c = Client::builder(&server.url)
        .token(TOKEN)
        .retry(waldur_client::RetryPolicy::none())
        .build()
        .unwrap();
    let err = c.openstack_volumes().retrieve(ID).wait().unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "HTTP 404 Not Found from GET {}: Not found.",
            volume_url(&server)
        )
    );
    assert_eq!(c.openstack_volumes().list().count().wait().unwrap(), 7);
    assert_no_token(&err);
}
