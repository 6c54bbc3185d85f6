//! Response models of the generated client against a server that does not follow its schema:
//! nulls, `""`, dashless UUIDs, decimals as numbers, unknown enum values, unknown fields,
//! values of the wrong type, free-form fields, recursion and maps. Each case goes through a
//! generated operation on the loopback server and checks the exact decoded values and that
//! encoding the model again gives back the JSON that arrived. Request models: PATCH bodies
//! (absent / null / value) and multipart parts.
#![deny(unreachable_patterns)] // `enums_are_non_exhaustive` relies on it

mod common;

use std::collections::BTreeMap;

use common::{ID, TOKEN, UUID, client, things_client, volume_json};
use fixture_things::models::{
    CoreStates, KindEnum, Owner, PatchedThingRequest, RobotState, Thing, UploadRequest,
};
// One trait for both crates: they share the runtime crate.
use fixture_things::runtime::{LenientModel as _, MultipartBody, MultipartValue};
use fixture_things::{Date, DateTime, Decimal, FileUpload, Nullable};
use serde_json::{Value, json};
use waldur_client::Uuid;
use waldur_client::models::{OpenStackSnapshot, OpenStackVolume};
use waldur_client::runtime::RawJson;
use waldur_test_server::{TestServer, json as json_reply};

/// Response fields of the fixture crate (each generated crate has its own runtime types).
type Lenient<T> = fixture_things::Lenient<T>;
/// Response fields of the client generated from `spec/`.
type VLenient<T> = waldur_client::Lenient<T>;

/// `GET /api/openstack-volumes/{UUID}/` answered with `body`.
async fn retrieve_volume(body: &Value) -> OpenStackVolume {
    let server = TestServer::start(vec![json_reply("200 OK", &body.to_string())]).await;
    client(&server)
        .openstack_volumes()
        .retrieve(ID)
        .await
        .unwrap_or_else(|e| panic!("{body} does not decode: {e}"))
}

/// `GET /api/things/{UUID}/` (fixture operation) answered with `body`.
async fn retrieve_thing(body: &Value) -> Thing {
    let server = TestServer::start(vec![json_reply("200 OK", &body.to_string())]).await;
    things_client(&server)
        .things()
        .retrieve(ID)
        .await
        .unwrap_or_else(|e| panic!("{body} does not decode: {e}"))
}

fn encoded<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("a decoded model encodes")
}

fn s(v: &str) -> Lenient<String> {
    Lenient::Valid(v.to_string())
}

fn vs(v: &str) -> VLenient<String> {
    VLenient::Valid(v.to_string())
}

fn date_time(text: &str) -> DateTime {
    DateTime::parse_from_rfc3339(text).expect("a valid RFC 3339 literal")
}

#[tokio::test]
async fn every_field_is_optional_and_null_and_absence_both_decode() {
    let empty = retrieve_volume(&json!({})).await;
    assert_eq!(empty, OpenStackVolume::default());
    assert!(empty.uuid.is_absent());
    assert_eq!(empty.uuid(), None);
    assert_eq!(encoded(&empty), json!({}));

    let nulls = json!({
        "uuid": null, "name": null, "size": null, "bootable": null, "state": null,
        "metadata": null, "backend_id": null, "instance": null, "extend_enabled": null,
        "created": null
    });
    let v = retrieve_volume(&nulls).await;
    assert_eq!(v.uuid, VLenient::Null);
    assert_eq!(v.size, VLenient::Null);
    assert_eq!(v.bootable, VLenient::Null);
    assert_eq!(v.state, VLenient::Null);
    assert_eq!(v.metadata, VLenient::Null);
    assert_eq!(v.instance, VLenient::Null);
    assert_eq!(v.created, VLenient::Null);
    assert_eq!((v.uuid(), v.size(), v.created()), (None, None, None));
    assert!(v.url.is_absent());
    assert!(v.extra.is_empty());
    // Null is a documented absence of a value, not a value the spec did not promise.
    assert!(v.is_as_documented());
    // Null stays null and absent stays absent on the way out.
    assert_eq!(encoded(&v), nulls);
}

#[tokio::test]
async fn empty_strings_are_kept_as_strings_or_raw() {
    let body = json!({
        "type": "", "owner": "", "price": "", "size": "", "level": "", "state": "",
        "tags": "", "labels": "", "children": "", "uuid": "", "created": "", "day": "",
        "ratio": "", "kind": "", "url": ""
    });
    let t = retrieve_thing(&body).await;
    // A string field takes "" as a value (`uri` stays a string for that reason); everywhere
    // else "" is kept raw, visibly invalid.
    assert_eq!(t.type_, s(""));
    assert_eq!(t.url, s(""));
    assert_eq!(t.owner, Lenient::invalid(json!("")));
    assert_eq!(t.price, Lenient::invalid(json!("")));
    assert_eq!(t.ratio, Lenient::invalid(json!("")));
    assert_eq!(t.size, Lenient::invalid(json!("")));
    assert_eq!(t.level, Lenient::invalid(json!("")));
    assert_eq!(t.tags, Lenient::invalid(json!("")));
    assert_eq!(t.labels, Lenient::invalid(json!("")));
    assert_eq!(t.children, Lenient::invalid(json!("")));
    assert_eq!(t.uuid, Lenient::invalid(json!("")));
    assert_eq!(t.created, Lenient::invalid(json!("")));
    assert_eq!(t.day, Lenient::invalid(json!("")));
    assert_eq!(
        t.owner
            .raw_invalid()
            .map(fixture_things::runtime::RawJson::get),
        Some(r#""""#)
    );
    assert_eq!(t.owner.get(), None);
    // A string enum keeps any string it does not list as an unknown value; the blank value is
    // documented for `kind` (`oneOf: [KindEnum, BlankEnum, NullEnum]`), so it is a variant.
    assert_eq!(t.state, Lenient::Valid(CoreStates::Unknown(String::new())));
    assert_eq!(t.kind, Lenient::Valid(KindEnum::Blank));
    assert_eq!(
        t.invalid_fields(),
        [
            "uuid", "level", "size", "price", "ratio", "created", "day", "tags", "children",
            "labels", "owner"
        ]
    );
    // `Debug` shows what arrived: values as themselves, raw ones marked invalid.
    let debug = format!("{t:?}");
    for part in [
        r#"Thing { uuid: invalid(""), state: Unknown(""), level: invalid(""), "#,
        r#"type: "", kind: Blank, url: "" }"#,
    ] {
        assert!(debug.contains(part), "{part} not in {debug}");
    }
    assert_eq!(encoded(&t), body);

    // The recorded volumes have `"image_metadata": ""` and `"description": ""`.
    let v = retrieve_volume(&json!({"image_metadata": "", "description": ""})).await;
    assert_eq!(v.image_metadata, vs(""));
    assert_eq!(v.description, vs(""));
    assert_eq!((v.image_metadata(), v.description()), (Some(""), Some("")));
}

#[tokio::test]
async fn uuids_in_any_spelling_decode_to_the_same_value_and_go_out_dashless() {
    let dashed = "b9e6da6c-b616-4cac-b584-184934744208";
    let spellings = [
        UUID.to_string(),
        dashed.to_string(),
        dashed.to_uppercase(),
        format!("{{{dashed}}}"),
        format!("urn:uuid:{dashed}"),
    ];
    let replies = spellings
        .iter()
        .map(|u| json_reply("200 OK", &volume_json(u, "a").to_string()))
        .collect();
    let server = TestServer::start(replies).await;
    let c = client(&server);
    for (i, spelling) in spellings.iter().enumerate() {
        // Path parameters are typed: any spelling parses to the same value.
        let id: Uuid = spelling
            .parse()
            .unwrap_or_else(|e| panic!("{spelling}: {e}"));
        assert_eq!(id, ID);
        let v = c
            .openstack_volumes()
            .retrieve(id)
            .await
            .unwrap_or_else(|e| panic!("{spelling}: {e}"));
        assert_eq!(v.uuid(), Some(ID), "{spelling}");
        assert!(v.invalid_fields().is_empty(), "{i}: {v:?}");
        // The URL is a string and stays verbatim.
        assert_eq!(
            v.url(),
            Some(format!("http://127.0.0.1:8000/api/openstack-volumes/{spelling}/").as_str())
        );
        // Written back in the spelling it arrived in.
        assert_eq!(encoded(&v)["uuid"], json!(spelling));
    }
    let expected = format!("GET /api/openstack-volumes/{UUID}/ HTTP/1.1");
    assert_eq!(
        common::request_lines(&server),
        vec![expected; spellings.len()]
    );

    // Not a UUID: kept raw, with its text.
    for bad in [json!("b9e6"), json!(42), json!(format!("{UUID}0"))] {
        let v = retrieve_volume(&json!({ "uuid": bad })).await;
        assert_eq!(v.uuid, VLenient::invalid(bad.clone()));
        assert_eq!(v.invalid_fields(), ["uuid"]);
        assert_eq!(encoded(&v), json!({ "uuid": bad }));
    }
}

#[tokio::test]
async fn date_times_and_dates_are_typed_and_keep_their_offset() {
    let cases = [
        ("2024-01-02T03:04:05.123456Z", "2024-01-02T03:04:05.123456Z"),
        ("2024-01-02T05:04:05+02:00", "2024-01-02T05:04:05+02:00"),
        (
            "2023-11-08T11:47:23.190973+00:00",
            "2023-11-08T11:47:23.190973+00:00",
        ),
        ("2024-01-02T03:04:05.1Z", "2024-01-02T03:04:05.1Z"),
        ("2024-01-02t03:04:05z", "2024-01-02t03:04:05z"),
        (
            "2024-01-02 03:04:05.000-00:00",
            "2024-01-02 03:04:05.000-00:00",
        ),
    ];
    for (text, written) in cases {
        let t = retrieve_thing(&json!({ "created": text })).await;
        let created = t.created().unwrap_or_else(|| panic!("{text}: {t:?}"));
        assert_eq!(created, date_time(text), "{text}");
        assert_eq!(
            created.offset().to_string(),
            date_time(text).offset().to_string()
        );
        assert_eq!(encoded(&t), json!({ "created": written }), "{text}");
    }
    assert_eq!(
        retrieve_thing(&json!({"created": "2024-01-02T05:04:05+02:00"}))
            .await
            .created()
            .map(|t| t.timestamp()),
        Some(1_704_164_645)
    );
    // A date-time without offset is not a point in time; other shapes are not date-times.
    for bad in [
        json!("2024-01-02T03:04:05"),
        json!("2024-01-02"),
        json!("2024-13-02T03:04:05Z"),
        json!(1_704_164_645),
    ] {
        let t = retrieve_thing(&json!({ "created": bad })).await;
        assert_eq!(t.created, Lenient::invalid(bad.clone()));
        assert_eq!(encoded(&t), json!({ "created": bad }));
    }

    let t = retrieve_thing(&json!({"day": "2024-02-29"})).await;
    assert_eq!(t.day(), Date::from_ymd_opt(2024, 2, 29));
    assert_eq!(encoded(&t), json!({"day": "2024-02-29"}));
    for bad in [
        json!("2023-02-29"),
        json!("2024-02-29T00:00:00Z"),
        json!("29.02.2024"),
    ] {
        let t = retrieve_thing(&json!({ "day": bad })).await;
        assert_eq!(t.day, Lenient::invalid(bad.clone()));
        assert_eq!(t.invalid_fields(), ["day"]);
    }
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
        let d = t.price().unwrap_or_else(|| panic!("{price}: {t:?}"));
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
        serde_json::from_value::<Vec<CoreStates>>(json!(["OK", "Gone"])).expect("decodes"),
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

/// A string enum whose values are numbers (`ServiceState`: `type: string`, `enum: [1, 2]`)
/// decodes the number the server sends as readily as the string, also on its own (outside a
/// lenient field), and is sent as the documented string.
#[test]
fn string_enums_with_number_values_decode_numbers_too() {
    use fixture_things::models::ServiceState;
    for (json, expected) in [
        (json!("1"), ServiceState::V1),
        (json!(2), ServiceState::V2),
        (json!(3), ServiceState::Unknown("3".to_string())),
    ] {
        let decoded: ServiceState = serde_json::from_value(json.clone())
            .unwrap_or_else(|e| panic!("{json} does not decode: {e}"));
        assert_eq!(decoded, expected, "{json}");
    }
    assert_eq!(
        serde_json::to_value(ServiceState::V2).expect("encodes"),
        json!("2")
    );
    let err = serde_json::from_value::<ServiceState>(json!(true)).expect_err("a boolean");
    assert_eq!(
        err.to_string(),
        "invalid type: boolean `true`, expected a string or an integer"
    );
}

#[test]
fn a_model_without_documented_fields_keeps_every_key() {
    use fixture_pages::models::GadgetsLabelsRetrieveResponse as Labels;
    use fixture_pages::runtime::LenientModel as _;
    let body = json!({"lamp": "red", "n": 2, "none": null, "nested": {"a": [1]}});
    let labels: Labels = serde_json::from_value(body.clone()).expect("any object decodes");
    assert_eq!(labels.extra_keys(), ["lamp", "n", "nested", "none"]);
    assert_eq!(labels.extra["nested"].get(), r#"{"a":[1]}"#);
    assert!(labels.invalid_fields().is_empty());
    assert!(!labels.is_as_documented());
    assert_eq!(
        format!("{labels:?}"),
        r#"GadgetsLabelsRetrieveResponse { undocumented: ["lamp", "n", "nested", "none"] }"#
    );
    assert_eq!(encoded(&labels), body);
    let empty: Labels = serde_json::from_value(json!({})).expect("an empty object decodes");
    assert!(empty.is_as_documented());
    assert_eq!(format!("{empty:?}"), "GadgetsLabelsRetrieveResponse");
    assert_eq!(encoded(&empty), json!({}));
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
    let extra = extra.as_object().expect("an object literal");
    for (k, v) in extra {
        body[k] = v.clone();
    }
    let v = retrieve_volume(&body).await;
    let expected: BTreeMap<String, RawJson> = extra
        .iter()
        .map(|(k, v)| (k.clone(), RawJson::from_value(v)))
        .collect();
    assert_eq!(v.extra, expected);
    assert_eq!(
        v.extra_keys(),
        [
            "new_list",
            "new_null",
            "new_number",
            "new_object",
            "new_text"
        ]
    );
    assert!(v.invalid_fields().is_empty());
    assert!(!v.is_as_documented());
    // `Debug` names the undocumented keys after the fields.
    let debug = format!("{v:?}");
    assert!(
        debug.ends_with(
            r#"undocumented: ["new_list", "new_null", "new_number", "new_object", "new_text"] }"#
        ),
        "{debug}"
    );
    assert_eq!(v.name, vs("data"));
    assert_eq!(encoded(&v), body);

    // A key written with escapes is still the same key.
    let server = TestServer::start(vec![json_reply("200 OK", r#"{"na\u006de": "escaped"}"#)]).await;
    let v = client(&server)
        .openstack_volumes()
        .retrieve(ID)
        .await
        .expect("decodes");
    assert_eq!(v.name, vs("escaped"));
    assert!(v.extra.is_empty());

    // Inside nested models too.
    let thing = json!({"owner": {"name": "o", "email": "o@example.com"}, "since": 2020});
    let t = retrieve_thing(&thing).await;
    let owner: &Owner = t.owner().expect("an owner");
    assert_eq!(owner.name, s("o"));
    assert_eq!(owner.extra["email"], json!("o@example.com"));
    assert_eq!(owner.extra_keys(), ["email"]);
    assert_eq!(t.extra["since"], json!(2020));
    assert_eq!(t.extra_keys(), ["since"]);
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
    body["created"] = json!("yesterday");
    let v = retrieve_volume(&body).await;
    assert_eq!(v.size, VLenient::invalid(json!("big")));
    assert_eq!(v.bootable, VLenient::invalid(json!("yes")));
    assert_eq!(v.description, VLenient::invalid(json!(42)));
    assert_eq!(v.url, VLenient::invalid(json!({"href": "x"})));
    assert_eq!(v.extend_enabled, VLenient::invalid(json!([true])));
    assert_eq!(v.marketplace_plan_uuid, VLenient::invalid(json!(20480.0)));
    assert_eq!(v.created, VLenient::invalid(json!("yesterday")));
    assert!(v.size.is_invalid() && v.size().is_none());
    assert_eq!(
        v.invalid_fields(),
        [
            "url",
            "description",
            "created",
            "size",
            "bootable",
            "extend_enabled",
            "marketplace_plan_uuid"
        ]
    );
    // A required field that did not arrive as documented is an error naming it.
    assert_eq!(
        v.size
            .required("OpenStackVolume.size")
            .map_err(|e| e.to_string()),
        Err(
            "required field OpenStackVolume.size has no valid value: a string the spec does \
             not allow: \"big\""
                .to_string()
        )
    );
    // The fields of the right type are all there.
    assert_eq!(v.uuid(), Some(ID));
    assert_eq!(v.name(), Some("data"));
    assert_eq!(v.state(), Some(&json!("OK")));
    assert_eq!(encoded(&v), body);

    // An integer that does not fit i64, and a float where an integer is declared.
    let v = retrieve_volume(&json!({"size": u64::MAX})).await;
    assert_eq!(v.size, VLenient::invalid(json!(u64::MAX)));
    let v = retrieve_volume(&json!({"size": 1024.0})).await;
    assert_eq!(v.size, VLenient::invalid(json!(1024.0)));

    // In nested arrays each element is lenient on its own.
    let snapshot = json!({
        "restorations": [1, null, {"uuid": "r1", "volume_size": "1 GB", "volume_name": "v"}],
        "size": 1024
    });
    let server = TestServer::start(vec![json_reply("201 Created", &snapshot.to_string())]).await;
    let snap: OpenStackSnapshot = client(&server)
        .openstack_volumes()
        .snapshot(
            ID,
            waldur_client::models::OpenStackSnapshotRequest::new("s"),
        )
        .await
        .expect("decodes");
    let r = snap.restorations().expect("restorations");
    assert_eq!(r[0], VLenient::invalid(json!(1)));
    assert_eq!(r[1], VLenient::Null);
    let third = r[2].get().expect("a restoration");
    assert_eq!(third.uuid, VLenient::invalid(json!("r1")));
    assert_eq!(third.volume_size, VLenient::invalid(json!("1 GB")));
    assert_eq!(third.volume_name(), Some("v"));
    assert_eq!(third.invalid_fields(), ["uuid", "volume_size"]);
    assert_eq!(snap.size, VLenient::Valid(1024));
    // The snapshot's own fields are all as documented; the damage is inside the array.
    assert!(snap.invalid_fields().is_empty());
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
        assert_eq!(v.metadata, VLenient::Valid(value.clone()));
        assert_eq!(v.action_details, VLenient::Valid(value.clone()));
        assert_eq!(v.state(), Some(&value));
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
    let labels = t.labels().expect("labels");
    assert_eq!(
        labels.keys().collect::<Vec<_>>(),
        ["env", "n", "none"],
        "a map keeps every key"
    );
    assert_eq!(labels["env"], s("prod"));
    assert_eq!(labels["none"], Lenient::Null);
    assert_eq!(labels["n"], Lenient::invalid(json!(1)));
    let children = t.children().expect("children");
    assert_eq!(children.len(), 3);
    let first = children[0].get().expect("a thing");
    assert_eq!(first.state, Lenient::Valid(CoreStates::Ok));
    let grandchild = first.children().expect("children")[0]
        .get()
        .expect("a thing");
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
    let t = things_client(&server)
        .things()
        .retrieve(ID)
        .await
        .expect("decodes");
    let mut typed = 1;
    let mut current = &t;
    let raw = loop {
        match &current.children {
            Lenient::Valid(children) => {
                current = children[0].get().expect("a thing");
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
    assert_eq!(serde_json::to_string(&t).expect("encodes"), body);
}

/// A request model decoded from JSON (a user's configuration, a recorded body): absent, `null`
/// and a value stay apart, unknown keys go to `extra`, a missing required field is an error
/// even when it may be `null`, and encoding gives back the same JSON.
#[test]
fn request_models_decode_from_json() {
    use fixture_things::models::LinkRequest;
    let text = r#"{"target":null,"note":"moved","colour":"red"}"#;
    let link: LinkRequest = serde_json::from_str(text).expect("decodes");
    assert_eq!(link.target, None);
    assert_eq!(link.note, Nullable::Value("moved".to_owned()));
    assert_eq!(link.state, Nullable::Absent);
    assert_eq!(
        link.extra,
        BTreeMap::from([("colour".to_owned(), json!("red"))])
    );
    assert_eq!(serde_json::to_string(&link).expect("encodes"), text);

    let link: LinkRequest =
        serde_json::from_str(r#"{"target":"https://x/api/things/1/","note":null,"state":"Erred"}"#)
            .expect("decodes");
    assert_eq!(link.target.as_deref(), Some("https://x/api/things/1/"));
    assert_eq!(link.note, Nullable::Null);
    assert_eq!(link.state, Nullable::Value(CoreStates::Erred));

    let missing =
        serde_json::from_str::<LinkRequest>(r#"{"note":"n"}"#).expect_err("target is required");
    assert_eq!(missing.to_string(), "LinkRequest: missing field `target`");
    let wrong =
        serde_json::from_str::<LinkRequest>(r#"{"target":5}"#).expect_err("target is a string");
    assert_eq!(
        wrong.to_string(),
        "LinkRequest.target: invalid type: integer `5`, expected a string"
    );
    let not_an_object =
        serde_json::from_str::<LinkRequest>("[1]").expect_err("a request model is an object");
    assert_eq!(
        not_an_object.to_string(),
        "LinkRequest: expected a JSON object, found an array"
    );

    // The whole-API crate's request models too.
    let volume: waldur_client::models::OpenStackVolumeRequest =
        serde_json::from_value(json!({"name": "data", "bootable": null})).expect("decodes");
    assert_eq!(volume.name, "data");
    assert_eq!(volume.bootable, Nullable::Null);
    assert_eq!(volume.description, Nullable::Absent);
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
        let t = things_client(&server)
            .things()
            .partial_update(ID)
            .body(body)
            .await
            .expect("decodes");
        assert_eq!(t.state(), Some(&CoreStates::Ok));
        let r = &server.requests()[0];
        assert_eq!(
            r.request_line(),
            format!("PATCH /api/things/{UUID}/ HTTP/1.1")
        );
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(r.body_text(), wire);
    }
}

#[test]
fn multipart_request_models_list_their_parts_exactly() {
    let mut body = UploadRequest::new("report");
    body.file = Nullable::Value(FileUpload {
        file_name: "a.csv".into(),
        bytes: b"x,y\n1,2\n".to_vec(),
        mime: Some("text/csv".into()),
    });
    body.kinds = Nullable::Value(vec![CoreStates::Ok, CoreStates::Unknown("Later".into())]);
    body.count = Nullable::Value(3);
    body.extra.insert("meta".into(), json!({"k": [1]}));
    assert!(body.has_files());
    assert_eq!(
        body.parts().expect("every field is a part"),
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
    let bare = UploadRequest::new("n");
    assert!(!bare.has_files());
    assert_eq!(
        bare.parts().expect("every field is a part"),
        vec![("name".to_string(), MultipartValue::Text("n".into()))]
    );
}

#[tokio::test]
async fn multipart_upload_goes_on_the_wire_part_by_part() {
    let server = TestServer::start(vec![json_reply("201 Created", r#"{"type": "csv"}"#)]).await;
    let mut body = UploadRequest::new("report");
    body.file = Nullable::Value(FileUpload::new("a.csv", b"x,y".to_vec()));
    body.kinds = Nullable::Value(vec![CoreStates::Erred, CoreStates::CreatedDesc]);
    let t = things_client(&server)
        .things()
        .upload(ID, body)
        .await
        .expect("decodes");
    assert_eq!(t.type_(), Some("csv"));
    let r = &server.requests()[0];
    assert_eq!(
        r.request_line(),
        format!("POST /api/things/{UUID}/upload/ HTTP/1.1")
    );
    assert_eq!(
        r.header("authorization"),
        Some(format!("Token {TOKEN}").as_str())
    );
    let content_type = r.header("content-type").expect("a Content-Type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not multipart: {content_type}"));
    assert_eq!(
        r.body_text().replace(boundary, "B"),
        "--B\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nreport\r\n\
         --B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nx,y\r\n\
         --B\r\nContent-Disposition: form-data; name=\"kinds\"\r\n\r\nErred\r\n\
         --B\r\nContent-Disposition: form-data; name=\"kinds\"\r\n\r\n-created\r\n\
         --B--\r\n"
    );
}
