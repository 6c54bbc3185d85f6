//! Decoding successful responses: error path and snippet, empty bodies, accepted actions.

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde::Deserialize;
use serde_json::json;
use waldur_client_runtime::{Accepted, ApiResponse, Error, Lenient};

fn response(status: u16, body: &str) -> ApiResponse {
    ApiResponse {
        status,
        headers: HeaderMap::new(),
        body: Bytes::from(body.to_owned()),
        method: Method::GET,
        url: "https://waldur.example.com/api/openstack-volumes/"
            .parse()
            .unwrap(),
    }
}

#[derive(Debug, Deserialize, PartialEq)]
struct Strict {
    results: Vec<Item>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Item {
    size: i64,
}

fn decode_error<T: serde::de::DeserializeOwned + std::fmt::Debug>(
    resp: &ApiResponse,
) -> waldur_client_runtime::DecodeError {
    match resp.decode::<T>() {
        Err(Error::Decode(e)) => *e,
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[test]
fn decode_error_names_the_path_and_shows_the_body_around_it() {
    let resp = response(200, r#"{"results": [{"size": 1}, {"size": "x"}]}"#);
    let err = decode_error::<Strict>(&resp);
    assert_eq!(err.path, "results[1].size");
    assert_eq!(
        err.message,
        "invalid type: string \"x\", expected i64 at line 1 column 38"
    );
    assert_eq!(err.snippet, r#"{"results": [{"size": 1}, {"size": "x"}]}"#);
    assert_eq!(
        Error::Decode(Box::new(err)).to_string(),
        "cannot decode the response of GET https://waldur.example.com/api/openstack-volumes/ \
         (HTTP 200) at results[1].size: invalid type: string \"x\", expected i64 at line 1 \
         column 38; body near the error: \"{\\\"results\\\": [{\\\"size\\\": 1}, {\\\"size\\\": \\\"x\\\"}]}\""
    );
}

#[test]
fn snippet_is_a_window_of_at_most_200_characters() {
    let filler = "é".repeat(150);
    let body = format!(
        "[\n{{\"size\": 1, \"pad\": \"{filler}\"}},\n{{\"size\": true, \"pad\": \"{filler}\"}}\n]"
    );
    let resp = response(200, &body);
    let err = decode_error::<Vec<Item>>(&resp);
    assert_eq!(err.path, "[1].size");
    assert_eq!(
        err.message,
        "invalid type: boolean `true`, expected i64 at line 3 column 13"
    );
    // Byte offset of the error is the end of `true`; the window is 100 bytes either side,
    // minus the halves of two-byte characters cut at its edges.
    let offset = body.find("true").unwrap() + 4;
    let expected: String = String::from_utf8_lossy(&body.as_bytes()[offset - 100..offset + 100])
        .trim_matches('\u{FFFD}')
        .to_owned();
    assert_eq!(err.snippet, expected);
    assert!(err.snippet.chars().count() <= 200);
    assert!(err.snippet.contains("{\"size\": true"));
}

#[test]
fn syntax_error_at_the_end_of_a_truncated_body() {
    let resp = response(200, r#"{"results": [{"size": 1}, {"si"#);
    let err = decode_error::<Strict>(&resp);
    // serde_path_to_error marks a key that was cut off with `?`.
    assert_eq!(err.path, "results[1].?");
    assert_eq!(
        err.message,
        "EOF while parsing a string at line 1 column 30"
    );
    assert_eq!(err.snippet, r#"{"results": [{"size": 1}, {"si"#);
}

#[test]
fn decode_errors_inside_lenient_models_keep_the_path() {
    let resp = response(200, r#"[{"a": 1}, {"a": [1, 2}]"#);
    let err =
        decode_error::<Vec<std::collections::BTreeMap<String, Lenient<serde_json::Value>>>>(&resp);
    assert_eq!(err.path, "[1].a");
    assert_eq!(err.message, "expected `,` or `]` at line 1 column 23");
}

#[test]
fn decode_optional_treats_blank_bodies_as_none() {
    assert_eq!(response(204, "").decode_optional::<Item>().unwrap(), None);
    assert_eq!(
        response(200, " \r\n\t").decode_optional::<Item>().unwrap(),
        None
    );
    assert_eq!(
        response(200, r#"{"size": 3}"#)
            .decode_optional::<Item>()
            .unwrap(),
        Some(Item { size: 3 })
    );
    let err = response(200, "").decode::<Item>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot decode the response of GET https://waldur.example.com/api/openstack-volumes/ \
         (HTTP 200) at .: the response body is empty; the operation documents a JSON value; \
         body near the error: \"\""
    );
}

#[test]
fn accepted_keeps_whatever_came_back() {
    let scheduled = Accepted::from_response(&response(202, r#"{"status": "pull was scheduled"}"#));
    assert_eq!(
        scheduled,
        Accepted {
            status: 202,
            body: Some(json!({"status": "pull was scheduled"})),
        }
    );
    assert_eq!(scheduled.message(), Some("pull was scheduled"));
    let detail = Accepted::from_response(&response(200, r#"{"detail": "done"}"#));
    assert_eq!(detail.message(), Some("done"));
    let empty = Accepted::from_response(&response(204, ""));
    assert_eq!(
        empty,
        Accepted {
            status: 204,
            body: None
        }
    );
    assert_eq!(empty.message(), None);
    let text = Accepted::from_response(&response(200, "OK"));
    assert_eq!(text.body, Some(json!("OK")));
    assert_eq!(response(200, "héllo").text(), "héllo");
}
