//! Objects and arrays inside a response model are decoded by walking their text (the runtime's
//! `scan`), not through serde_json again: the result must be exactly what reading them member
//! by member gives, for every shape a server sends.

use std::collections::BTreeMap;

use serde_json::json;
use waldur_client_runtime::{ApiResponse, Extra, Lenient, LenientModel, RawJson};

/// Models declared the way generated crates declare them.
#[derive(Default)]
pub struct Inner {
    pub name: Lenient<String>,
    pub n: Lenient<i64>,
    pub extra: Extra,
}
waldur_client_runtime::response_model!(Inner, "Inner", extra, [name("name"), n("n")]);

#[derive(Default)]
pub struct Outer {
    pub inner: Lenient<Inner>,
    pub list: Lenient<Vec<Lenient<Inner>>>,
    pub map: Lenient<BTreeMap<String, Lenient<i64>>>,
    pub deep: Lenient<Box<Outer>>,
    pub extra: Extra,
}
waldur_client_runtime::response_model!(
    Outer,
    "Outer",
    extra,
    [inner("inner"), list("list"), map("map"), deep("deep")]
);

fn both_ways(text: &str) -> Outer {
    let from_str: Outer = serde_json::from_str(text).unwrap();
    let from_slice: Outer = serde_json::from_slice(text.as_bytes()).unwrap();
    assert_eq!(format!("{from_str:?}"), format!("{from_slice:?}"));
    from_str
}

#[test]
fn members_escapes_duplicates_and_unknown_keys_inside_nested_models() {
    let text = r#"{ "inner" : { "na\u006de" : "a \"quoted\" é" , "n":1, "n" : 2 ,
        "other\n" : [ 1 , {"x": "]}"} ] } ,
        "list":[{"name":"b"} , null, "not an object", {"n": 1e400}],
        "map": {"k\u00e9": 3, "k2": "x", "k3": null},
        "deep": {"deep": {"inner": {"name": "c"}}}}"#;
    let outer = both_ways(text);

    let inner = outer.inner.get().unwrap();
    assert_eq!(inner.name.as_str(), Some("a \"quoted\" é"));
    // The last of duplicate keys wins, as serde's own derive does.
    assert_eq!(inner.n.copied(), Some(2));
    assert_eq!(inner.extra_keys(), vec!["other\n"]);
    assert_eq!(
        inner.extra["other\n"].get(),
        r#"[ 1 , {"x": "]}"} ]"#,
        "kept byte for byte, whitespace inside included"
    );

    let list = outer.list.as_slice().unwrap();
    assert_eq!(list.len(), 4);
    assert_eq!(list[0].get().unwrap().name.as_str(), Some("b"));
    assert!(list[1].is_null());
    assert_eq!(
        list[2].raw_invalid().map(RawJson::get),
        Some(r#""not an object""#)
    );
    let fourth = list[3].get().unwrap();
    assert_eq!(fourth.n.raw_invalid().map(RawJson::get), Some("1e400"));

    let map = outer.map.get().unwrap();
    assert_eq!(
        map.keys().map(String::as_str).collect::<Vec<_>>(),
        vec!["k2", "k3", "ké"]
    );
    assert_eq!(map["ké"].copied(), Some(3));
    assert_eq!(map["k2"].raw_invalid().map(RawJson::get), Some(r#""x""#));
    assert!(map["k3"].is_null());

    let deep = outer.deep.as_deref().unwrap().deep.as_deref().unwrap();
    assert_eq!(deep.inner.get().and_then(|i| i.name.as_str()), Some("c"));

    // Re-encoding gives back what arrived (compact where serde_json wrote it, verbatim where
    // it was kept raw).
    assert_eq!(
        serde_json::to_string(&outer).unwrap(),
        r#"{"inner":{"name":"a \"quoted\" é","n":2,"other\n":[ 1 , {"x": "]}"} ]},"list":[{"name":"b"},null,"not an object",{"n":1e400}],"map":{"k2":"x","k3":null,"ké":3},"deep":{"deep":{"inner":{"name":"c"}}}}"#
    );
}

#[test]
fn empty_containers_and_wrong_kinds_inside_models() {
    let outer = both_ways(r#"{"inner":{},"list":[],"map":{},"deep":[]}"#);
    assert!(outer.inner.get().unwrap().is_as_documented());
    assert_eq!(outer.list.as_slice().map(<[_]>::len), Some(0));
    assert_eq!(outer.map.get().map(BTreeMap::len), Some(0));
    assert_eq!(outer.deep.raw_invalid().map(RawJson::get), Some("[]"));

    let outer = both_ways(r#"{"inner":[{"name":"x"}],"list":{"name":"x"},"map":[1]}"#);
    assert_eq!(
        outer.inner.raw_invalid().map(RawJson::get),
        Some(r#"[{"name":"x"}]"#)
    );
    assert_eq!(
        outer.list.raw_invalid().map(RawJson::get),
        Some(r#"{"name":"x"}"#)
    );
    assert_eq!(outer.map.raw_invalid().map(RawJson::get), Some("[1]"));
}

#[test]
fn nested_models_stay_within_the_decode_budget() {
    // 2 MiB of `{}` elements in a list inside a model: each element costs a whole `Inner`,
    // far more than the 16 MiB floor allows.
    let mut body = String::from(r#"{"list":["#);
    let n = 1 << 20;
    for i in 0..n {
        body.push_str(if i + 1 == n { "{}" } else { "{}," });
    }
    body.push_str("]}");
    let len = body.len();
    let response = ApiResponse {
        status: 200,
        headers: Default::default(),
        body: body.into_bytes().into(),
        method: reqwest::Method::GET,
        url: reqwest::Url::parse("http://127.0.0.1/api/outer/").unwrap(),
    };
    let err = match response.decode::<Outer>() {
        Err(waldur_client_runtime::Error::Decode(e)) => e,
        other => panic!("expected a decode error, got {:?}", other.map(|_| ())),
    };
    assert_eq!(err.path, "list");
    assert_eq!(
        err.message,
        format!(
            "the decoded response would take more than {} bytes of memory (16 times the \
             body, at least 16777216); it was refused instead at line 1 column {len}",
            16 * len
        )
    );
}

#[test]
fn a_model_decoded_from_a_value_or_a_reader_is_the_same() {
    let value = json!({"inner": {"name": "v", "n": 5, "zz": [1]}, "list": [null]});
    let from_value: Outer = serde_json::from_value(value.clone()).unwrap();
    let text = value.to_string();
    let from_reader: Outer = serde_json::from_reader(text.as_bytes()).unwrap();
    assert_eq!(format!("{from_value:?}"), format!("{from_reader:?}"));
    assert_eq!(serde_json::to_value(&from_value).unwrap(), value);
}
