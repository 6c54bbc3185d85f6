//! Every error variant with its exact message, DRF error bodies of every shape, retryability
//! and `Retry-After`.

mod support;

use std::collections::BTreeMap;
use std::time::{Duration, UNIX_EPOCH};

use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use support::{Reply, TestServer, json, truncated};
use waldur_client_runtime::retry::parse_retry_after;
use waldur_client_runtime::{ApiRequest, Client, DrfError, Error, RetryPolicy, StatusError};

fn get(path: &str) -> ApiRequest {
    ApiRequest::new(Method::GET, path.to_owned())
}

async fn failing(reply: Reply, path: &str) -> (Error, TestServer) {
    let server = TestServer::start(vec![reply]).await;
    let client = Client::builder(&server.url)
        .token("tok")
        .retry(RetryPolicy::none())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = client.execute(get(path)).await.unwrap_err();
    (err, server)
}

fn status_error(status: u16, headers: &[(&str, &str)], body: &str) -> Error {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.insert(
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    Error::Status(Box::new(StatusError::new(
        status,
        Method::GET,
        "https://waldur.example.com/api/x/".parse().unwrap(),
        map,
        body.as_bytes(),
    )))
}

#[tokio::test]
async fn not_found_with_detail() {
    let (err, server) = failing(
        json("404 Not Found", r#"{"detail": "Not found."}"#),
        "/api/projects/abc/",
    )
    .await;
    assert_eq!(
        err.to_string(),
        format!(
            "HTTP 404 Not Found from GET {}/api/projects/abc/: Not found.",
            server.url
        )
    );
    assert_eq!(err.status(), Some(404));
    assert!(!err.is_retryable());
    assert_eq!(err.retry_after(), None);
    let status = err.as_status().unwrap();
    assert!(status.is_not_found());
    assert_eq!(status.reason(), Some("Not Found"));
    assert_eq!(status.body, r#"{"detail": "Not found."}"#);
    assert_eq!(
        status.headers.get("content-type").unwrap(),
        "application/json"
    );
    assert_eq!(
        err.drf(),
        Some(&DrfError {
            detail: Some("Not found.".to_owned()),
            non_field_errors: vec![],
            fields: BTreeMap::new(),
        })
    );
}

#[tokio::test]
async fn validation_error_with_nested_fields_and_non_field_errors() {
    let body = r#"{
        "name": ["This field is required."],
        "limits": {"cpu": ["Must be positive."], "ram": "Too large."},
        "attributes": [{}, {"size": ["Too big.", "Must be even."]}],
        "non_field_errors": ["Quota exceeded."],
        "ignored": 5
    }"#;
    let (err, server) = failing(json("400 Bad Request", body), "/api/x/").await;
    assert_eq!(
        err.to_string(),
        format!(
            "HTTP 400 Bad Request from GET {}/api/x/: Quota exceeded.; \
             attributes.1.size: Too big.; attributes.1.size: Must be even.; \
             limits.cpu: Must be positive.; limits.ram: Too large.; \
             name: This field is required.",
            server.url
        )
    );
    let status = err.as_status().unwrap();
    assert!(status.is_bad_request());
    assert_eq!(status.field_errors("name"), ["This field is required."]);
    assert_eq!(
        status.field_errors("attributes.1.size"),
        ["Too big.", "Must be even."]
    );
    assert!(status.field_errors("ignored").is_empty());
    let drf = err.drf().unwrap();
    assert_eq!(drf.detail, None);
    assert_eq!(drf.non_field_errors, ["Quota exceeded."]);
    assert_eq!(
        drf.fields.keys().collect::<Vec<_>>(),
        ["attributes.1.size", "limits.cpu", "limits.ram", "name"]
    );
}

#[test]
fn drf_bodies_of_every_shape() {
    let fields = |pairs: &[(&str, &[&str])]| -> BTreeMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect()
    };
    let drf = |detail: Option<&str>, nfe: &[&str], f: BTreeMap<String, Vec<String>>| DrfError {
        detail: detail.map(str::to_owned),
        non_field_errors: nfe.iter().map(|s| s.to_string()).collect(),
        fields: f,
    };
    let cases: Vec<(&str, Option<DrfError>)> = vec![
        (
            r#"{"detail":"Authentication credentials were not provided."}"#,
            Some(drf(
                Some("Authentication credentials were not provided."),
                &[],
                fields(&[]),
            )),
        ),
        (
            r#"{"detail":["a","b"]}"#,
            Some(drf(Some("a b"), &[], fields(&[]))),
        ),
        (
            r#"["Resource is not in a valid state."]"#,
            Some(drf(
                None,
                &["Resource is not in a valid state."],
                fields(&[]),
            )),
        ),
        (r#""plain""#, Some(drf(Some("plain"), &[], fields(&[])))),
        (
            r#"{"non_field_errors":"single"}"#,
            Some(drf(None, &["single"], fields(&[]))),
        ),
        (
            r#"{"a":[["x"],{"b":["y"]},7,null]}"#,
            Some(drf(
                None,
                &[],
                fields(&[("a.0", &["x"]), ("a.1.b", &["y"])]),
            )),
        ),
        (
            r#"{"a":{"b":{"c":"deep"}}}"#,
            Some(drf(None, &[], fields(&[("a.b.c", &["deep"])]))),
        ),
        (r#"{}"#, None),
        (r#"{"a":[1,2],"b":null}"#, None),
        (r#"<html>502</html>"#, None),
        (r#""#, None),
        (r#"42"#, None),
    ];
    for (body, expected) in cases {
        assert_eq!(DrfError::parse(body.as_bytes()), expected, "body {body}");
    }
    assert_eq!(
        drf(Some("d"), &["n"], fields(&[("f", &["x", "y"])])).summary(),
        "d; n; f: x; f: y"
    );
}

#[test]
fn status_messages_without_drf_body() {
    let html = status_error(
        502,
        &[],
        "<html>\n  <body>\n    <h1>502 Bad Gateway</h1>\n  </body>\n</html>\n",
    );
    assert_eq!(
        html.to_string(),
        "HTTP 502 Bad Gateway from GET https://waldur.example.com/api/x/: \
         <html> <body> <h1>502 Bad Gateway</h1> </body> </html>"
    );
    let empty = status_error(500, &[], "");
    assert_eq!(
        empty.to_string(),
        "HTTP 500 Internal Server Error from GET https://waldur.example.com/api/x/"
    );
    let unknown = status_error(599, &[], "");
    assert_eq!(
        unknown.to_string(),
        "HTTP 599 from GET https://waldur.example.com/api/x/"
    );
    let long = status_error(500, &[], &"x".repeat(300));
    assert_eq!(
        long.to_string(),
        format!(
            "HTTP 500 Internal Server Error from GET https://waldur.example.com/api/x/: \
             {}... (100 more bytes)",
            "x".repeat(200)
        )
    );
}

#[test]
fn retryable_statuses() {
    let expected = [
        (400, false),
        (401, false),
        (403, false),
        (404, false),
        (409, false),
        (429, true),
        (500, true),
        (501, true),
        (502, true),
        (503, true),
        (504, true),
    ];
    for (status, retryable) in expected {
        assert_eq!(
            status_error(status, &[], "").is_retryable(),
            retryable,
            "status {status}"
        );
    }
    assert!(!Error::Encode("x".to_owned()).is_retryable());
    assert!(!Error::Config("x".to_owned()).is_retryable());
}

#[test]
fn retry_after_only_on_429_and_503() {
    let rate_limited = status_error(429, &[("retry-after", "7")], "");
    assert_eq!(rate_limited.retry_after(), Some(Duration::from_secs(7)));
    let unavailable = status_error(503, &[("retry-after", " 120 ")], "");
    assert_eq!(unavailable.retry_after(), Some(Duration::from_secs(120)));
    let bad_request = status_error(400, &[("retry-after", "7")], "");
    assert_eq!(bad_request.retry_after(), None);
    assert_eq!(
        bad_request.as_status().unwrap().retry_after(),
        Some(Duration::from_secs(7))
    );
    let garbage = status_error(429, &[("retry-after", "soon")], "");
    assert_eq!(garbage.retry_after(), None);
    assert_eq!(status_error(429, &[], "").retry_after(), None);
    assert_eq!(RETRY_AFTER.as_str(), "retry-after");
}

#[test]
fn retry_after_http_dates() {
    // Sun, 06 Nov 1994 08:49:37 GMT is 784111777 seconds after the epoch.
    let now = UNIX_EPOCH + Duration::from_secs(784_111_777 - 10);
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
        Some(Duration::from_secs(10))
    );
    assert_eq!(
        parse_retry_after(
            "Sun, 06 Nov 1994 08:49:37 GMT",
            now + Duration::from_secs(60)
        ),
        Some(Duration::ZERO)
    );
    // 2000-03-01 (after a leap day in a year divisible by 400) is 951868800.
    let now = UNIX_EPOCH + Duration::from_secs(951_868_800);
    assert_eq!(
        parse_retry_after("Wed, 01 Mar 2000 00:00:05 GMT", now),
        Some(Duration::from_secs(5))
    );
    for bad in [
        "",
        "-1",
        "1.5",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 32 Nov 1994 08:49:37 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 9223372036854775807 08:49:37 GMT",
        "Sun, 06 Nov 1969 08:49:37 GMT",
    ] {
        assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
    }
}

#[tokio::test]
async fn connection_reset_is_a_retryable_transport_error() {
    let (err, server) = failing(Reply::Reset, "/api/x/").await;
    assert_eq!(
        err.to_string(),
        format!(
            "GET {}/api/x/ failed: error sending the request: client error (SendRequest): \
             connection error: Connection reset by peer (os error 104)",
            server.url
        )
    );
    assert!(matches!(err, Error::Transport { .. }));
    assert!(err.is_retryable());
    assert_eq!(err.status(), None);
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn truncated_body_is_a_transport_error() {
    let (err, server) = failing(truncated(100, r#"[{"uuid": "a"#), "/api/x/").await;
    assert_eq!(
        err.to_string(),
        format!(
            "GET {}/api/x/ failed: error reading the response body: \
             error reading a body from connection: end of file before message length reached",
            server.url
        )
    );
    assert!(err.is_retryable());
}

#[tokio::test]
async fn refused_connection_is_a_transport_error() {
    // A port that was just free: bind, note it, close.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = Client::builder(&url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.execute(get("/api/x/")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "GET {url}/api/x/ failed: cannot connect: client error (Connect): \
             tcp connect error: Connection refused (os error 111)"
        )
    );
    assert!(err.is_retryable());
}

#[tokio::test]
async fn stalled_response_is_a_timeout() {
    let (err, server) = failing(
        Reply::Delay(Duration::from_secs(3), Box::new(json("200 OK", "[]"))),
        "/api/slow/",
    )
    .await;
    assert_eq!(
        err.to_string(),
        format!("GET {}/api/slow/ timed out", server.url)
    );
    assert!(err.is_timeout());
    assert!(err.is_retryable());
}

#[tokio::test]
async fn body_stalling_after_headers_is_a_timeout() {
    // Headers arrive at once, the rest of the promised body never does.
    let (err, server) = failing(
        Reply::Stall(
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n[1,".to_vec(),
            Duration::from_secs(3),
        ),
        "/api/body/",
    )
    .await;
    assert_eq!(
        err.to_string(),
        format!("GET {}/api/body/ timed out", server.url)
    );
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_with_status() {
    let server = TestServer::start(vec![json("200 OK", r#"{"uuid": "a", "size": }"#)]).await;
    let client = Client::builder(&server.url).build().unwrap();
    let resp = client.execute(get("/api/x/")).await.unwrap();
    let err = resp.decode::<serde_json::Value>().unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "cannot decode the response of GET {}/api/x/ (HTTP 200) at size: \
             expected value at line 1 column 23; body near the error: \
             \"{{\\\"uuid\\\": \\\"a\\\", \\\"size\\\": }}\"",
            server.url
        )
    );
    assert_eq!(err.status(), Some(200));
    assert!(!err.is_retryable());
}

/// A status and the shortcut that names it.
type Shortcut = (u16, fn(&Error) -> bool);

#[test]
fn shortcuts_name_the_status_of_a_status_error_only() {
    let checks: [Shortcut; 7] = [
        (400, Error::is_bad_request),
        (401, Error::is_unauthorized),
        (403, Error::is_forbidden),
        (404, Error::is_not_found),
        (409, Error::is_conflict),
        (429, Error::is_rate_limited),
        (503, Error::is_server_error),
    ];
    for (status, _) in &checks {
        let e = status_error(*status, &[], "{}");
        let hits: Vec<u16> = checks
            .iter()
            .filter(|(_, check)| check(&e))
            .map(|(s, _)| *s)
            .collect();
        assert_eq!(hits, [*status], "HTTP {status}");
        assert_eq!(e.status(), Some(*status));
    }
    // Not a status error: no shortcut holds.
    let config = Error::Config("bad".to_string());
    assert!(checks.iter().all(|(_, check)| !check(&config)));
    assert_eq!(config.status(), None);
}
