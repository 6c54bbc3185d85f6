//! Lenient decoding of what the real server sends, with a hand-written model shaped like the
//! generated ones, and exact round trips.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::{Serialize, Serializer};
use serde_json::{Value, json};
use waldur_client_runtime::{Decimal, FromJson, Lenient};

/// An enum as the generator emits it: known values, and `from_str` refusing the rest (which
/// then stay raw in `Lenient::Invalid`).
#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Ok,
    Erred,
}

impl FromJson for State {
    fn from_str(v: &str) -> Option<Self> {
        match v {
            "OK" => Some(State::Ok),
            "ERRED" => Some(State::Erred),
            _ => None,
        }
    }
}

impl Serialize for State {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match self {
            State::Ok => "OK",
            State::Erred => "ERRED",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
struct Tenant {
    #[serde(skip_serializing_if = "Lenient::is_absent")]
    name: Lenient<String>,
    #[serde(flatten)]
    extra: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
struct Volume {
    #[serde(skip_serializing_if = "Lenient::is_absent")]
    uuid: Lenient<String>,
    #[serde(skip_serializing_if = "Lenient::is_absent")]
    name: Lenient<String>,
    #[serde(skip_serializing_if = "Lenient::is_absent")]
    size: Lenient<i64>,
    #[serde(skip_serializing_if = "Lenient::is_absent")]
    bootable: Lenient<bool>,
    #[serde(skip_serializing_if = "Lenient::is_absent")]
    price: Lenient<Decimal>,
    #[serde(skip_serializing_if = "Lenient::is_absent")]
    state: Lenient<State>,
    #[serde(skip_serializing_if = "Lenient::is_absent")]
    tenant: Lenient<Tenant>,
    #[serde(skip_serializing_if = "Lenient::is_absent")]
    tags: Lenient<Vec<Lenient<String>>>,
    #[serde(skip_serializing_if = "Lenient::is_absent")]
    metadata: Lenient<BTreeMap<String, Lenient<Value>>>,
    #[serde(flatten)]
    extra: BTreeMap<String, Value>,
}

/// Field names are matched without allocating; only unknown keys are copied.
enum VolumeField {
    Uuid,
    Name,
    Size,
    Bootable,
    Price,
    State,
    Tenant,
    Tags,
    Metadata,
    Other(String),
}

impl<'de> Deserialize<'de> for VolumeField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct FieldVisitor;
        impl Visitor<'_> for FieldVisitor {
            type Value = VolumeField;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<VolumeField, E> {
                Ok(match v {
                    "uuid" => VolumeField::Uuid,
                    "name" => VolumeField::Name,
                    "size" => VolumeField::Size,
                    "bootable" => VolumeField::Bootable,
                    "price" => VolumeField::Price,
                    "state" => VolumeField::State,
                    "tenant" => VolumeField::Tenant,
                    "tags" => VolumeField::Tags,
                    "metadata" => VolumeField::Metadata,
                    other => VolumeField::Other(other.to_owned()),
                })
            }
        }
        d.deserialize_identifier(FieldVisitor)
    }
}

impl<'de> Deserialize<'de> for Volume {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct VolumeVisitor;
        impl<'de> Visitor<'de> for VolumeVisitor {
            type Value = Volume;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Volume object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Volume, A::Error> {
                let mut out = Volume::default();
                while let Some(field) = map.next_key::<VolumeField>()? {
                    match field {
                        VolumeField::Uuid => out.uuid = map.next_value()?,
                        VolumeField::Name => out.name = map.next_value()?,
                        VolumeField::Size => out.size = map.next_value()?,
                        VolumeField::Bootable => out.bootable = map.next_value()?,
                        VolumeField::Price => out.price = map.next_value()?,
                        VolumeField::State => out.state = map.next_value()?,
                        VolumeField::Tenant => out.tenant = map.next_value()?,
                        VolumeField::Tags => out.tags = map.next_value()?,
                        VolumeField::Metadata => out.metadata = map.next_value()?,
                        VolumeField::Other(key) => {
                            out.extra.insert(key, map.next_value()?);
                        }
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(VolumeVisitor)
    }
}

impl FromJson for Volume {
    const ACCEPTS_MAP: bool = true;
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        Self::deserialize(MapAccessDeserializer::new(map))
    }
}

impl<'de> Deserialize<'de> for Tenant {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TenantVisitor;
        impl<'de> Visitor<'de> for TenantVisitor {
            type Value = Tenant;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Tenant object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tenant, A::Error> {
                let mut out = Tenant::default();
                while let Some(key) = map.next_key::<String>()? {
                    if key == "name" {
                        out.name = map.next_value()?;
                    } else {
                        out.extra.insert(key, map.next_value()?);
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(TenantVisitor)
    }
}

impl FromJson for Tenant {
    const ACCEPTS_MAP: bool = true;
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        Self::deserialize(MapAccessDeserializer::new(map))
    }
}

fn decode(input: &Value) -> Volume {
    let text = serde_json::to_string(input).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn assert_round_trip(input: &Value) {
    let volume = decode(input);
    assert_eq!(&serde_json::to_value(&volume).unwrap(), input);
    // Decoding from a `Value` (owned strings: `visit_string`) gives the same model.
    let from_value: Volume = serde_json::from_value(input.clone()).unwrap();
    assert_eq!(from_value, volume);
}

#[test]
fn well_formed_volume_decodes_to_valid_fields() {
    let input = json!({
        "uuid": "0f6a1e4b9c2d4e8f9a0b1c2d3e4f5a6b",
        "name": "data",
        "size": 10240,
        "bootable": false,
        "price": "12.50",
        "state": "OK",
        "tenant": {"name": "t1", "backend_id": "x"},
        "tags": ["a", "b"],
        "metadata": {"k": 1}
    });
    let volume = decode(&input);
    assert_eq!(
        volume.uuid.get().map(String::as_str),
        Some("0f6a1e4b9c2d4e8f9a0b1c2d3e4f5a6b")
    );
    assert_eq!(volume.size, Lenient::Valid(10240));
    assert_eq!(volume.bootable, Lenient::Valid(false));
    assert_eq!(volume.price.get().map(Decimal::as_str), Some("12.50"));
    assert_eq!(volume.state, Lenient::Valid(State::Ok));
    assert_eq!(
        volume.tenant,
        Lenient::Valid(Tenant {
            name: Lenient::Valid("t1".to_owned()),
            extra: BTreeMap::from([("backend_id".to_owned(), json!("x"))]),
        })
    );
    assert_eq!(
        volume.tags,
        Lenient::Valid(vec![
            Lenient::Valid("a".to_owned()),
            Lenient::Valid("b".to_owned())
        ])
    );
    assert_eq!(
        volume.metadata,
        Lenient::Valid(BTreeMap::from([("k".to_owned(), Lenient::Valid(json!(1)))]))
    );
    assert!(volume.extra.is_empty());
    assert_round_trip(&input);
}

#[test]
fn nulls_and_absent_fields_are_told_apart() {
    let input = json!({"uuid": null, "tenant": null, "tags": null});
    let volume = decode(&input);
    assert_eq!(volume.uuid, Lenient::Null);
    assert_eq!(volume.tenant, Lenient::Null);
    assert_eq!(volume.tags, Lenient::Null);
    assert_eq!(volume.name, Lenient::Absent);
    assert_eq!(volume.size, Lenient::Absent);
    assert!(volume.name.is_absent() && volume.uuid.is_null());
    assert_eq!(volume.uuid.get(), None);
    assert_round_trip(&input);
}

#[test]
fn values_of_the_wrong_kind_are_kept_raw() {
    let input = json!({
        "name": 42,
        "size": "10",
        "bootable": "false",
        "price": "",
        "state": "NEW_STATE",
        "tenant": "",
        "tags": "a,b",
        "metadata": [1, 2]
    });
    let volume = decode(&input);
    assert_eq!(volume.name, Lenient::invalid(json!(42)));
    assert_eq!(volume.size, Lenient::invalid(json!("10")));
    assert_eq!(volume.bootable, Lenient::invalid(json!("false")));
    assert_eq!(volume.price, Lenient::invalid(json!("")));
    assert_eq!(volume.state, Lenient::invalid(json!("NEW_STATE")));
    assert_eq!(volume.tenant, Lenient::invalid(json!("")));
    assert_eq!(volume.tags, Lenient::invalid(json!("a,b")));
    assert_eq!(volume.metadata, Lenient::invalid(json!([1, 2])));
    assert!(volume.tenant.is_invalid());
    assert_eq!(volume.tenant.raw_invalid().map(|r| r.get()), Some(r#""""#));
    assert_eq!(volume.tenant.get(), None);
    assert_round_trip(&input);
}

#[test]
fn numbers_outside_the_declared_type_are_kept_raw() {
    let input = json!({"size": 1.5});
    assert_eq!(decode(&input).size, Lenient::invalid(json!(1.5)));
    assert_round_trip(&input);
    let input = json!({"size": 18446744073709551615u64});
    assert_eq!(
        decode(&input).size,
        Lenient::invalid(json!(18446744073709551615u64))
    );
    assert_round_trip(&input);
    let input = json!({"size": -3});
    assert_eq!(decode(&input).size, Lenient::Valid(-3));

    let small: Lenient<u32> = serde_json::from_str("-1").unwrap();
    assert_eq!(small, Lenient::invalid(json!(-1)));
    let small: Lenient<i32> = serde_json::from_str("4294967296").unwrap();
    assert_eq!(small, Lenient::invalid(json!(4294967296u64)));
    let float: Lenient<f64> = serde_json::from_str("7").unwrap();
    assert_eq!(float, Lenient::Valid(7.0));
    let float: Lenient<f64> = serde_json::from_str("\"7\"").unwrap();
    assert_eq!(float, Lenient::invalid(json!("7")));
    let number: Lenient<serde_json::Number> = serde_json::from_str("7").unwrap();
    assert_eq!(serde_json::to_string(&number).unwrap(), "7");
    let any: Lenient<Value> = serde_json::from_str(r#"{"a":[null]}"#).unwrap();
    assert_eq!(any, Lenient::Valid(json!({"a": [null]})));
    let any: Lenient<Value> = serde_json::from_str("null").unwrap();
    assert_eq!(any, Lenient::Null);
}

#[test]
fn unknown_fields_are_kept_in_extra_and_round_trip() {
    let input = json!({
        "name": "v",
        "new_in_8_1": {"nested": [1, null, "x"]},
        "another": null,
        "tenant": {"name": 5, "region": "r"}
    });
    let volume = decode(&input);
    assert_eq!(
        volume.extra,
        BTreeMap::from([
            ("another".to_owned(), Value::Null),
            ("new_in_8_1".to_owned(), json!({"nested": [1, null, "x"]})),
        ])
    );
    let tenant = volume.tenant.get().unwrap();
    assert_eq!(tenant.name, Lenient::invalid(json!(5)));
    assert_eq!(
        tenant.extra,
        BTreeMap::from([("region".to_owned(), json!("r"))])
    );
    assert_round_trip(&input);
}

#[test]
fn arrays_with_nulls_and_wrong_elements() {
    let input = json!({"tags": ["a", null, 3, {"k": "v"}, ""]});
    let volume = decode(&input);
    assert_eq!(
        volume.tags,
        Lenient::Valid(vec![
            Lenient::Valid("a".to_owned()),
            Lenient::Null,
            Lenient::invalid(json!(3)),
            Lenient::invalid(json!({"k": "v"})),
            Lenient::Valid(String::new()),
        ])
    );
    assert_round_trip(&input);

    let list: Vec<Lenient<Volume>> =
        serde_json::from_str(r#"[{"name":"a"}, null, "", [1]]"#).unwrap();
    assert_eq!(
        list,
        vec![
            Lenient::Valid(Volume {
                name: Lenient::Valid("a".to_owned()),
                ..Volume::default()
            }),
            Lenient::Null,
            Lenient::invalid(json!("")),
            Lenient::invalid(json!([1])),
        ]
    );
    assert_eq!(
        serde_json::to_value(&list).unwrap(),
        json!([{"name":"a"}, null, "", [1]])
    );
}

#[test]
fn decimals_as_strings_and_numbers() {
    let input = json!({"price": 12.5});
    let volume = decode(&input);
    let price = volume.price.get().unwrap();
    assert_eq!(price.as_str(), "12.5");
    assert!(price.was_number());
    assert_eq!(price.to_f64(), Some(12.5));
    assert_round_trip(&input);

    let input = json!({"price": 3});
    assert_eq!(decode(&input).price.get().map(Decimal::as_str), Some("3"));
    assert_round_trip(&input);

    let input = json!({"price": "0.000100"});
    let price = decode(&input).price.into_option().unwrap();
    assert_eq!(price.to_string(), "0.000100");
    assert!(!price.was_number());
    assert_round_trip(&input);

    let valid = [
        "1", "-1", "+1.5", "0.50", ".5", "5.", "1e3", "1E-3", "-0.0e+10",
    ];
    let invalid = [
        "", ".", "-", "1e", "1.2.3", "abc", "1,5", " 1", "NaN", "Infinity", "e5",
    ];
    for text in valid {
        assert_eq!(
            Decimal::parse(text).map(|d| d.to_string()),
            Some(text.to_owned()),
            "{text}"
        );
    }
    for text in invalid {
        assert_eq!(Decimal::parse(text), None, "{text:?}");
    }
    // Strict decoding names the problem.
    let err = serde_json::from_str::<Decimal>(r#""abc""#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid value: \"abc\", expected a decimal as a string or a number"
    );
    let strict: Decimal = serde_json::from_str("2.25").unwrap();
    assert_eq!(serde_json::to_string(&strict).unwrap(), "2.25");
    let strict: Decimal = serde_json::from_str(r#""2.25""#).unwrap();
    assert_eq!(serde_json::to_string(&strict).unwrap(), r#""2.25""#);
    assert_eq!(Decimal::from("9.99").as_str(), "9.99");
}

#[test]
fn lenient_helpers() {
    let valid: Lenient<String> = Lenient::Valid("x".to_owned());
    assert_eq!(valid.as_ref(), Lenient::Valid(&"x".to_owned()));
    assert_eq!(valid.clone().map(|s| s.len()), Lenient::Valid(1));
    assert_eq!(valid.clone().into_option(), Some("x".to_owned()));
    assert!(valid.is_valid());
    let invalid: Lenient<String> = Lenient::invalid(json!(1));
    assert_eq!(invalid.as_ref(), Lenient::invalid(json!(1)));
    assert_eq!(invalid.clone().map(|s| s.len()), Lenient::invalid(json!(1)));
    assert_eq!(invalid.into_option(), None);
    assert_eq!(Lenient::<u8>::default(), Lenient::Absent);
    assert_eq!(Lenient::from(5u8), Lenient::Valid(5));
    // A struct that forgets to skip `Absent` writes null rather than failing.
    assert_eq!(
        serde_json::to_string(&Lenient::<u8>::Absent).unwrap(),
        "null"
    );
}

#[test]
fn syntax_errors_still_fail() {
    let err = serde_json::from_str::<Volume>(r#"{"name": "a", "size": 1"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "EOF while parsing an object at line 1 column 23"
    );
}
