//! The shapes of `generator/tests/fixtures/shapes`, each of which once broke the generated
//! crate: an integer enum offered with the blank value (`oneOf: [LevelEnum, BlankEnum]`), a file
//! nested in a request model, and a tag named `shared` beside the models several tags use.

use fixture_shapes::models::{
    Alarm, AlarmRequest, LevelEnum, ReportRequest, ReportRequestAttachment,
};
use fixture_shapes::prelude::LenientModel as _;
use fixture_shapes::{Client, Error, FileUpload, Nullable, RetryPolicy};
use waldur_test_server::{TestServer, json as json_reply};

fn client(server: &TestServer) -> Client {
    Client::builder(&server.url)
        .token("t")
        .retry(RetryPolicy::none())
        .build()
        .expect("a loopback client builds")
}

#[tokio::test]
async fn an_integer_enum_with_the_blank_value_sends_integers_as_integers() {
    let server = TestServer::start(vec![
        json_reply("201 Created", r#"{"name":"a","level":2}"#),
        json_reply("201 Created", r#"{"name":"b","level":""}"#),
    ])
    .await;
    let c = client(&server);
    let mut body = AlarmRequest::new("a");
    body.level = Nullable::Value(LevelEnum::V2);
    let alarm: Alarm = c.alarms().create(body).await.expect("decodes");
    // The accessor returns the `Copy` enum by value.
    assert_eq!(alarm.level(), Some(LevelEnum::V2));
    let mut blank = AlarmRequest::new("b");
    blank.level = Nullable::Value(LevelEnum::Blank);
    let alarm = c.alarms().create(blank).await.expect("decodes");
    assert_eq!(alarm.level(), Some(LevelEnum::Blank));
    let bodies: Vec<String> = server.requests().iter().map(|r| r.body_text()).collect();
    assert_eq!(
        bodies,
        [r#"{"name":"a","level":2}"#, r#"{"name":"b","level":""}"#]
    );
    assert_eq!(LevelEnum::V3.value(), Some(3));
    assert_eq!(LevelEnum::Blank.value(), None);
}

#[tokio::test]
async fn integer_enum_values_decode_from_integers_numeric_strings_and_blank() {
    let server = TestServer::start(vec![json_reply(
        "200 OK",
        r#"[{"level":3},{"level":"1"},{"level":""},{"level":7},{"level":"high"}]"#,
    )])
    .await;
    let alarms = client(&server)
        .alarms()
        .list()
        .level(LevelEnum::V2)
        .await
        .expect("decodes");
    let alarms: Vec<&Alarm> = alarms.iter().filter_map(|a| a.get()).collect();
    let levels: Vec<Option<LevelEnum>> = alarms.iter().map(|a| a.level()).collect();
    assert_eq!(
        levels,
        [
            Some(LevelEnum::V3),
            Some(LevelEnum::V1),
            Some(LevelEnum::Blank),
            Some(LevelEnum::Unknown(7)),
            // Neither an integer nor blank: kept raw, reported invalid.
            None,
        ]
    );
    assert_eq!(alarms[4].invalid_fields(), ["level"]);
    assert_eq!(
        server.requests()[0].request_line(),
        "GET /api/alarms/?level=2 HTTP/1.1"
    );
}

#[tokio::test]
async fn a_file_nested_in_a_request_model_is_refused_not_dropped() {
    let server = TestServer::start(vec![]).await;
    let body = ReportRequest {
        attachment: Nullable::Value(ReportRequestAttachment::new(FileUpload::new(
            "scan.pdf",
            b"%PDF-1.7".to_vec(),
        ))),
        ..ReportRequest::new("monthly")
    };
    let err = client(&server)
        .reports()
        .create(body)
        .await
        .expect_err("a nested file cannot be sent");
    assert!(matches!(err, Error::Encode(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "cannot encode the request: cannot serialise the JSON body: the file `scan.pdf` (8 \
         bytes) cannot be sent inside a JSON value: only a top-level field of a \
         multipart/form-data body carries a file"
    );
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_tag_named_shared_keeps_its_own_models_apart_from_the_shared_ones() {
    let server = TestServer::start(vec![
        json_reply("200 OK", r#"[{"name":"x"}]"#),
        json_reply("200 OK", r#"{"name":"y","level":1}"#),
    ])
    .await;
    let c = client(&server);
    let things = c.shared().list().await.expect("decodes");
    assert_eq!(things[0].get().and_then(|t| t.name()), Some("x"));
    let alarm = c
        .shared()
        .alarm(fixture_shapes::Uuid::nil())
        .await
        .expect("decodes");
    assert_eq!(alarm.level(), Some(LevelEnum::V1));
}

/// The crate's module of feature-off markers is `disabled`: the tag of that name has the module
/// `disabled_api`, and both compile side by side.
#[tokio::test]
async fn a_tag_named_disabled_lives_beside_the_feature_off_markers() {
    let server = TestServer::start(vec![json_reply("200 OK", r#"[{"name":"z","level":3}]"#)]).await;
    let alarms = client(&server).disabled().list().await.expect("decodes");
    assert_eq!(alarms[0].get().and_then(|a| a.level()), Some(LevelEnum::V3));
    let _: Option<fixture_shapes::disabled_api::DisabledListBuilder> = None;
    assert_eq!(
        server.requests()[0].request_line(),
        "GET /api/disabled/ HTTP/1.1"
    );
}
