//! Response models of the generated client against a server that does not follow its schema:
//! nulls, `""`, dashless UUIDs, decimals as numbers, unknown enum values, unknown fields,
//! values of the wrong type, free-form fields, recursion and maps. Each case goes through a
//! generated operation on the loopback server and checks the exact decoded values and that
//! encoding the model again gives back the JSON that arrived. Request models: PATCH bodies
//! (absent / null / value) and multipart parts.
#![deny(unreachable_patterns)] // `enums_are_non_exhaustive` relies on it

mod common;

use std::collections::BTreeMap;

use common::{TOKEN, UUID, client, volume_json};
use serde_json::{Value, json};
use waldur_client::models::{OpenStackSnapshot, OpenStackVolume};
use waldur_client::openstack_volumes::OpenstackVolumesRetrieveParams;
use waldur_client::runtime::{MultipartBody, MultipartValue, RawJson};
use waldur_client::{Decimal, FileUpload, Lenient, Nullable};
use waldur_client_tests::fixture::{
    CoreStates, Owner, PatchedThingRequest, RobotState, Thing, UploadRequest,
};
use waldur_client_tests::things::ThingsAccess;
use waldur_test_server::{TestServer, json as json_reply};

/// `GET /api/openstack-volumes/{UUID}/` answered with `body`.
async fn retrieve_volume(body: &Value) -> OpenStackVolume {
    let server = TestServer::start(vec![json_reply("200 OK", &body.to_string())]).await;
    client(&server)
        .openstack_volumes()
        .retrieve(UUID, &OpenstackVolumesRetrieveParams::default())
        .await
        .unwrap()
}

/// `GET /api/things/{UUID}/` (fixture operation) answered with `body`.
async fn retrieve_thing(body: &Value) -> Thing {
    let server = TestServer::start(vec![json_reply("200 OK", &body.to_string())]).await;
    client(&server).things().retrieve(UUID).await.unwrap()
}

fn encoded<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap()
}

fn s(v: &str) -> Lenient<String> {
    Lenient::Valid(v.to_string())
}

#[tokio::test]
async fn every_field_is_optional_and_null_and_absence_both_decode() {
    let empty = retrieve_volume(&json!({})).await;
    assert_eq!(empty, OpenStackVolume::default());
    assert!(empty.uuid.is_absent());
    assert_eq!(encoded(&empty), json!({}));

    let nulls = json!({
        "uuid": null, "name": null, "size": null, "bootable": null, "state": null,
        "metadata": null, "backend_id": null, "instance": null, "extend_enabled": null
    });
    let v = retrieve_volume(&nulls).await;
    assert_eq!(v.uuid, Lenient::Null);
    assert_eq!(v.size, Lenient::Null);
    assert_eq!(v.bootable, Lenient::Null);
    assert_eq!(v.state, Lenient::Null);
    assert_eq!(v.metadata, Lenient::Null);
    assert_eq!(v.instance, Lenient::Null);
    assert!(v.url.is_absent());
    assert!(v.extra.is_empty());
    // Null stays null and absent stays absent on the way out.
    assert_eq!(encoded(&v), nulls);
}

#[tokio::test]
async fn empty_strings_are_kept_as_strings_or_raw() {
    let body = json!({
        "type": "", "owner": "", "price": "", "size": "", "level": "", "state": "",
        "tags": "", "labels": "", "children": ""
    });
    let t = retrieve_thing(&body).await;
    // A string field takes "" as a value; everywhere else "" is kept raw, visibly invalid.
    assert_eq!(t.type_, s(""));
    assert_eq!(t.owner, Lenient::invalid(json!("")));
    assert_eq!(t.price, Lenient::invalid(json!("")));
    assert_eq!(t.size, Lenient::invalid(json!("")));
    assert_eq!(t.level, Lenient::invalid(json!("")));
    assert_eq!(t.tags, Lenient::invalid(json!("")));
    assert_eq!(t.labels, Lenient::invalid(json!("")));
    assert_eq!(t.children, Lenient::invalid(json!("")));
    assert_eq!(t.owner.raw_invalid().map(RawJson::get), Some(r#""""#));
    assert_eq!(t.owner.get(), None);
    // A string enum keeps any string, "" included, as an unknown value.
    assert_eq!(t.state, Lenient::Valid(CoreStates::Unknown(String::new())));
    assert_eq!(encoded(&t), body);

    // The recorded volumes have `"image_metadata": ""` and `"description": ""`.
    let v = retrieve_volume(&json!({"image_metadata": "", "description": ""})).await;
    assert_eq!(v.image_metadata, s(""));
    assert_eq!(v.description, s(""));
}

#[tokio::test]
async fn dashless_and_dashed_uuids_pass_through_verbatim() {
    let dashed = "b9e6da6c-b616-4cac-b584-184934744208";
    let server = TestServer::start(vec![
        json_reply("200 OK", &volume_json(UUID, "a").to_string()),
        json_reply("200 OK", &volume_json(dashed, "b").to_string()),
    ])
    .await;
    let c = client(&server);
    let params = OpenstackVolumesRetrieveParams::default();
    let a = c.openstack_volumes().retrieve(UUID, &params).await.unwrap();
    let b = c
        .openstack_volumes()
        .retrieve(dashed, &params)
        .await
        .unwrap();
    assert_eq!(a.uuid, s(UUID));
    assert_eq!(b.uuid, s(dashed));
    assert_eq!(
        a.url,
        s("http://127.0.0.1:8000/api/openstack-volumes/b9e6da6cb6164cacb584184934744208/")
    );
    assert_eq!(
        common::request_lines(&server),
        [
            format!("GET /api/openstack-volumes/{UUID}/ HTTP/1.1"),
            format!("GET /api/openstack-volumes/{dashed}/ HTTP/1.1"),
        ]
    );
}

#[tokio::test]
async fn decimals_as_strings_or_numbers_keep_their_form() {
    let cases: Vec<(Value, &str, bool)> = vec![
        (json!("12.50"), "12.50", false),
        (json!("-0.000100"), "-0.000100", false),
        (json!("1e3"), "1e3", false),
        (json!(12.5), "12.5", true),
        (json!(7), "7", true),
        (json!(-3), "-3", true),
    ];
    for (price, text, was_number) in cases {
        let body = json!({ "price": price });
        let t = retrieve_thing(&body).await;
        let d = t.price.get().unwrap();
        assert_eq!(d.as_str(), text, "{price}");
        assert_eq!(d.was_number(), was_number, "{price}");
        assert_eq!(d.to_string(), text);
        // A number goes back as that number, a string as that string.
        assert_eq!(encoded(&t), body, "{price}");
    }
    assert_eq!(
        retrieve_thing(&json!({"price": "12.50"}))
            .await
            .price
            .get()
            .and_then(Decimal::to_f64),
        Some(12.5)
    );
    for bad in [
        json!("abc"),
        json!("1.2.3"),
        json!(" 1"),
        json!(true),
        json!({}),
    ] {
        let body = json!({ "price": bad });
        let t = retrieve_thing(&body).await;
        assert_eq!(t.price, Lenient::invalid(bad.clone()));
        assert_eq!(encoded(&t), body);
    }
}

#[tokio::test]
async fn unknown_enum_values_round_trip() {
    let body = json!({"state": "NewState", "level": 9});
    let t = retrieve_thing(&body).await;
    assert_eq!(
        t.state,
        Lenient::Valid(CoreStates::Unknown("NewState".into()))
    );
    assert_eq!(t.level, Lenient::Valid(RobotState::Unknown(9)));
    assert_eq!(encoded(&t), body);

    let known = retrieve_thing(&json!({"state": "-created", "level": 2})).await;
    assert_eq!(known.state, Lenient::Valid(CoreStates::CreatedDesc));
    assert_eq!(known.level, Lenient::Valid(RobotState::V2));

    // Integer enums: any integer in i64 is a value (known or not); anything else is raw.
    let cases = [
        (json!(-1), Lenient::Valid(RobotState::Unknown(-1))),
        (json!(3), Lenient::Valid(RobotState::V3)),
        (json!("2"), Lenient::invalid(json!("2"))),
        (json!(2.0), Lenient::invalid(json!(2.0))),
        (json!(u64::MAX), Lenient::invalid(json!(u64::MAX))),
    ];
    for (level, expected) in cases {
        let body = json!({ "level": level });
        let t = retrieve_thing(&body).await;
        assert_eq!(t.level, expected, "{level}");
        assert_eq!(encoded(&t), body);
    }

    // Conversions the enums offer, unknown values included.
    assert_eq!(CoreStates::from("NewState").as_str(), "NewState");
    assert_eq!("OK".parse::<CoreStates>(), Ok(CoreStates::Ok));
    assert_eq!(CoreStates::CreatedDesc.to_string(), "-created");
    assert_eq!(RobotState::from(9).value(), 9);
    assert_eq!(RobotState::Unknown(9).to_string(), "9");
    assert_eq!(
        serde_json::from_value::<Vec<CoreStates>>(json!(["OK", "Gone"])).unwrap(),
        [CoreStates::Ok, CoreStates::Unknown("Gone".into())]
    );
}

/// Outside the defining crate a `match` needs a wildcard arm: with every variant listed, the
/// wildcard is only reachable because the enums are `#[non_exhaustive]` (this file denies
/// unreachable patterns, so losing the attribute fails to compile).
fn describe(state: &CoreStates, level: RobotState) -> String {
    let state = match state {
        CoreStates::Ok => "ok".to_string(),
        CoreStates::Erred => "erred".to_string(),
        CoreStates::Creating => "creating".to_string(),
        CoreStates::CreatedDesc => "-created".to_string(),
        CoreStates::Unknown(v) => format!("unknown {v}"),
        _ => "newer variant".to_string(),
    };
    let level = match level {
        RobotState::V1 | RobotState::V2 | RobotState::V3 => "known".to_string(),
        RobotState::Unknown(v) => format!("unknown {v}"),
        _ => "newer variant".to_string(),
    };
    format!("{state}/{level}")
}

#[test]
fn enums_are_non_exhaustive_with_an_unknown_variant() {
    assert_eq!(
        describe(&CoreStates::from("Frozen"), RobotState::from(42)),
        "unknown Frozen/unknown 42"
    );
    assert_eq!(describe(&CoreStates::Ok, RobotState::V1), "ok/known");
}

#[tokio::test]
async fn unknown_fields_are_kept_and_encoded_again() {
    let mut body = volume_json(UUID, "data");
    let extra = json!({
        "new_text": "x",
        "new_number": 1.25,
        "new_null": null,
        "new_list": [1, "two", null, {"three": 3}],
        "new_object": {"nested": {"deep": [true]}}
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let v = retrieve_volume(&body).await;
    let expected: BTreeMap<String, RawJson> = extra
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), RawJson::from_value(v)))
        .collect();
    assert_eq!(v.extra, expected);
    assert_eq!(v.name, s("data"));
    assert_eq!(encoded(&v), body);

    // A key written with escapes is still the same key.
    let server = TestServer::start(vec![json_reply("200 OK", r#"{"na\u006de": "escaped"}"#)]).await;
    let v = client(&server)
        .openstack_volumes()
        .retrieve(UUID, &OpenstackVolumesRetrieveParams::default())
        .await
        .unwrap();
    assert_eq!(v.name, s("escaped"));
    assert!(v.extra.is_empty());

    // Inside nested models too.
    let thing = json!({"owner": {"name": "o", "email": "o@example.com"}, "since": 2020});
    let t = retrieve_thing(&thing).await;
    let owner: &Owner = t.owner.get().unwrap();
    assert_eq!(owner.name, s("o"));
    assert_eq!(owner.extra["email"], json!("o@example.com"));
    assert_eq!(t.extra["since"], json!(2020));
    assert_eq!(encoded(&t), thing);
}

#[tokio::test]
async fn a_mismatched_field_is_kept_raw_and_the_rest_decodes() {
    let mut body = volume_json(UUID, "data");
    body["size"] = json!("big");
    body["bootable"] = json!("yes");
    body["description"] = json!(42);
    body["url"] = json!({"href": "x"});
    body["extend_enabled"] = json!([true]);
    body["marketplace_plan_uuid"] = json!(20480.0);
    let v = retrieve_volume(&body).await;
    assert_eq!(v.size, Lenient::invalid(json!("big")));
    assert_eq!(v.bootable, Lenient::invalid(json!("yes")));
    assert_eq!(v.description, Lenient::invalid(json!(42)));
    assert_eq!(v.url, Lenient::invalid(json!({"href": "x"})));
    assert_eq!(v.extend_enabled, Lenient::invalid(json!([true])));
    assert_eq!(v.marketplace_plan_uuid, Lenient::invalid(json!(20480.0)));
    assert!(v.size.is_invalid() && v.size.get().is_none());
    // The fields of the right type are all there.
    assert_eq!(v.uuid, s(UUID));
    assert_eq!(v.name, s("data"));
    assert_eq!(v.state, Lenient::Valid(json!("OK")));
    assert_eq!(encoded(&v), body);

    // An integer that does not fit i64, and a float where an integer is declared.
    let v = retrieve_volume(&json!({"size": u64::MAX})).await;
    assert_eq!(v.size, Lenient::invalid(json!(u64::MAX)));
    let v = retrieve_volume(&json!({"size": 1024.0})).await;
    assert_eq!(v.size, Lenient::invalid(json!(1024.0)));

    // In nested arrays each element is lenient on its own.
    let snapshot = json!({
        "restorations": [1, null, {"uuid": "r1", "volume_size": "1 GB"}],
        "size": 1024
    });
    let server = TestServer::start(vec![json_reply("201 Created", &snapshot.to_string())]).await;
    let snap: OpenStackSnapshot = client(&server)
        .openstack_volumes()
        .snapshot(
            UUID,
            &waldur_client::models::OpenStackSnapshotRequest::new("s"),
        )
        .await
        .unwrap();
    let r = snap.restorations.get().unwrap();
    assert_eq!(r[0], Lenient::invalid(json!(1)));
    assert_eq!(r[1], Lenient::Null);
    let third = r[2].get().unwrap();
    assert_eq!(third.uuid, s("r1"));
    assert_eq!(third.volume_size, Lenient::invalid(json!("1 GB")));
    assert_eq!(snap.size, Lenient::Valid(1024));
    assert_eq!(encoded(&snap), snapshot);
}

#[tokio::test]
async fn free_form_fields_are_json_values() {
    for value in [
        json!({"a": [1, {"b": null}]}),
        json!([1, 2]),
        json!("text"),
        json!(1.5),
        json!(false),
    ] {
        let body = json!({"metadata": value, "action_details": value, "state": value});
        let v = retrieve_volume(&body).await;
        assert_eq!(v.metadata, Lenient::Valid(value.clone()));
        assert_eq!(v.action_details, Lenient::Valid(value.clone()));
        assert_eq!(v.state, Lenient::Valid(value.clone()));
        assert_eq!(encoded(&v), body);
    }
}

#[tokio::test]
async fn recursion_arrays_and_maps_are_lenient_per_element() {
    let body = json!({
        "tags": ["a", null, 3],
        "labels": {"env": "prod", "none": null, "n": 1},
        "children": [
            {"state": "OK", "children": [{"level": 1, "extra_key": "kept"}]},
            null,
            "not a thing"
        ]
    });
    let t = retrieve_thing(&body).await;
    assert_eq!(
        t.tags,
        Lenient::Valid(vec![s("a"), Lenient::Null, Lenient::invalid(json!(3))])
    );
    let labels = t.labels.get().unwrap();
    assert_eq!(
        labels.keys().collect::<Vec<_>>(),
        ["env", "n", "none"],
        "a map keeps every key"
    );
    assert_eq!(labels["env"], s("prod"));
    assert_eq!(labels["none"], Lenient::Null);
    assert_eq!(labels["n"], Lenient::invalid(json!(1)));
    let children = t.children.get().unwrap();
    assert_eq!(children.len(), 3);
    let first = children[0].get().unwrap();
    assert_eq!(first.state, Lenient::Valid(CoreStates::Ok));
    let grandchild = first.children.get().unwrap()[0].get().unwrap();
    assert_eq!(grandchild.level, Lenient::Valid(RobotState::V1));
    assert_eq!(grandchild.extra["extra_key"], json!("kept"));
    assert_eq!(children[1], Lenient::Null);
    assert_eq!(children[2], Lenient::invalid(json!("not a thing")));
    assert_eq!(encoded(&t), body);
}

#[tokio::test]
async fn nesting_deeper_than_typed_decoding_allows_is_kept_raw() {
    // 5,000 levels of `children`: far past serde_json's recursion limit of 128. Each typed
    // level is decoded from its own text, so the runtime stops typing at 32 levels (16 things,
    // below the top-level one, each with its `children` array) and keeps the rest verbatim: no stack overflow, no
    // failure, and re-encoding gives the same bytes.
    let depth = 5_000;
    let mut body = String::new();
    for _ in 0..depth {
        body.push_str(r#"{"children":["#);
    }
    for _ in 0..depth {
        body.push_str("]}");
    }
    let server = TestServer::start(vec![json_reply("200 OK", &body)]).await;
    let t = client(&server).things().retrieve(UUID).await.unwrap();
    let mut typed = 1;
    let mut current = &t;
    let raw = loop {
        match &current.children {
            Lenient::Valid(children) => {
                current = children[0].get().unwrap();
                typed += 1;
            }
            Lenient::Invalid(raw) => break raw,
            other => panic!("unexpected {other:?}"),
        }
    };
    assert_eq!(typed, 17);
    // The 17th thing's `children` array, exactly.
    let prefix = 17 * r#"{"children":"#.len() + 16;
    let suffix = 17 + 16;
    assert_eq!(raw.get(), &body[prefix..body.len() - suffix]);
    assert_eq!(serde_json::to_string(&t).unwrap(), body);
}

#[tokio::test]
async fn patch_bodies_distinguish_absent_null_and_value() {
    let cases = [
        (PatchedThingRequest::default(), "{}"),
        (
            PatchedThingRequest {
                name: Nullable::Null,
                ..Default::default()
            },
            r#"{"name":null}"#,
        ),
        (
            PatchedThingRequest {
                name: Nullable::Value("renamed".into()),
                state: Nullable::Value(CoreStates::Unknown("NewState".into())),
                ..Default::default()
            },
            r#"{"name":"renamed","state":"NewState"}"#,
        ),
        (
            PatchedThingRequest {
                state: Nullable::Null,
                extra: BTreeMap::from([("kept_until".to_string(), Value::Null)]),
                ..Default::default()
            },
            r#"{"state":null,"kept_until":null}"#,
        ),
    ];
    for (body, wire) in cases {
        let server = TestServer::start(vec![json_reply("200 OK", r#"{"state": "OK"}"#)]).await;
        let t = client(&server)
            .things()
            .partial_update(UUID, &body)
            .await
            .unwrap();
        assert_eq!(t.state, Lenient::Valid(CoreStates::Ok));
        let r = &server.requests()[0];
        assert_eq!(
            r.request_line(),
            format!("PATCH /api/things/{UUID}/ HTTP/1.1")
        );
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(r.body_text(), wire);
        // And back: a request model decodes the same three cases.
        let back: PatchedThingRequest = serde_json::from_str(wire).unwrap();
        assert_eq!(back, body);
    }
}

#[test]
fn multipart_request_models_list_their_parts_exactly() {
    let mut body = UploadRequest::new("report");
    body.file = Some(FileUpload {
        file_name: "a.csv".into(),
        bytes: b"x,y\n1,2\n".to_vec(),
        mime: Some("text/csv".into()),
    });
    body.kinds = Some(vec![CoreStates::Ok, CoreStates::Unknown("Later".into())]);
    body.count = Some(3);
    body.extra.insert("meta".into(), json!({"k": [1]}));
    assert_eq!(
        body.parts(),
        vec![
            ("name".to_string(), MultipartValue::Text("report".into())),
            (
                "file".to_string(),
                MultipartValue::File {
                    name: "a.csv".into(),
                    bytes: b"x,y\n1,2\n".to_vec(),
                    mime: Some("text/csv".into()),
                }
            ),
            ("kinds".to_string(), MultipartValue::Text("OK".into())),
            ("kinds".to_string(), MultipartValue::Text("Later".into())),
            ("count".to_string(), MultipartValue::Text("3".into())),
            (
                "meta".to_string(),
                MultipartValue::Text(r#"{"k":[1]}"#.into())
            ),
        ]
    );
    // Unset optional fields send no part at all.
    assert_eq!(
        UploadRequest::new("n").parts(),
        vec![("name".to_string(), MultipartValue::Text("n".into()))]
    );
}

#[tokio::test]
async fn multipart_upload_goes_on_the_wire_part_by_part() {
    let server = TestServer::start(vec![json_reply("201 Created", r#"{"type": "csv"}"#)]).await;
    let mut body = UploadRequest::new("report");
    body.file = Some(FileUpload::new("a.csv", b"x,y".to_vec()));
    body.kinds = Some(vec![CoreStates::Erred, CoreStates::CreatedDesc]);
    let t = client(&server).things().upload(UUID, &body).await.unwrap();
    assert_eq!(t.type_, s("csv"));
    let r = &server.requests()[0];
    assert_eq!(
        r.request_line(),
        format!("POST /api/things/{UUID}/upload/ HTTP/1.1")
    );
    assert_eq!(
        r.header("authorization"),
        Some(format!("Token {TOKEN}").as_str())
    );
    let content_type = r.header("content-type").unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap();
    assert_eq!(
        r.body_text().replace(boundary, "B"),
        "--B\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nreport\r\n\
         --B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nx,y\r\n\
         --B\r\nContent-Disposition: form-data; name=\"kinds\"\r\n\r\nErred\r\n\
         --B\r\nContent-Disposition: form-data; name=\"kinds\"\r\n\r\n-created\r\n\
         --B--\r\n"
    );
}
