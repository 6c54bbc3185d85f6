//! Numbers a server can send that `serde_json::Value` cannot hold, typed scalars (UUID,
//! date-time, date, decimal), and reading `Lenient` fields.

use chrono::{FixedOffset, NaiveDate, TimeZone};
use serde_json::{Value, json};
use waldur_client_runtime::{
    DateTime, Decimal, Error, Extra, FieldState, Finding, FindingKind, FromJson, Inspect,
    Inspector, Lenient, LenientModel, QueryValue, RawJson, Uuid, deserialize_model, model_from_map,
};

/// A response model as the generator emits it.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
struct Volume {
    #[serde(skip_serializing_if = "Lenient::is_absent")]
    uuid: Lenient<Uuid>,
    #[serde(skip_serializing_if = "Lenient::is_absent")]
    name: Lenient<String>,
    #[serde(skip_serializing_if = "Lenient::is_absent")]
    size: Lenient<i64>,
    #[serde(skip_serializing_if = "Lenient::is_absent")]
    ratio: Lenient<f64>,
    #[serde(skip_serializing_if = "Lenient::is_absent")]
    price: Lenient<Decimal>,
    #[serde(skip_serializing_if = "Lenient::is_absent")]
    created: Lenient<DateTime>,
    #[serde(skip_serializing_if = "Lenient::is_absent")]
    day: Lenient<NaiveDate>,
    #[serde(skip_serializing_if = "Lenient::is_absent")]
    metadata: Lenient<Value>,
    #[serde(skip_serializing_if = "Lenient::is_absent")]
    parts: Lenient<Vec<Lenient<Volume>>>,
    #[serde(flatten)]
    extra: Extra,
}

impl LenientModel for Volume {
    const NAME: &'static str = "Volume";
    fn decode_field(&mut self, key: &str, value: &str) -> Result<bool, String> {
        match key {
            "uuid" => self.uuid = waldur_client_runtime::lenient::from_raw(value)?,
            "name" => self.name = waldur_client_runtime::lenient::from_raw(value)?,
            "size" => self.size = waldur_client_runtime::lenient::from_raw(value)?,
            "ratio" => self.ratio = waldur_client_runtime::lenient::from_raw(value)?,
            "price" => self.price = waldur_client_runtime::lenient::from_raw(value)?,
            "created" => self.created = waldur_client_runtime::lenient::from_raw(value)?,
            "day" => self.day = waldur_client_runtime::lenient::from_raw(value)?,
            "metadata" => self.metadata = waldur_client_runtime::lenient::from_raw(value)?,
            "parts" => self.parts = waldur_client_runtime::lenient::from_raw(value)?,
            _ => return Ok(false),
        }
        Ok(true)
    }
    fn extra_mut(&mut self) -> &mut Extra {
        &mut self.extra
    }
    fn extra(&self) -> &Extra {
        &self.extra
    }
    fn visit_fields(&self, f: &mut dyn FnMut(&'static str, &dyn FieldState)) {
        f("uuid", &self.uuid);
        f("name", &self.name);
        f("size", &self.size);
        f("ratio", &self.ratio);
        f("price", &self.price);
        f("created", &self.created);
        f("day", &self.day);
        f("metadata", &self.metadata);
        f("parts", &self.parts);
    }
}

impl<'de> serde::Deserialize<'de> for Volume {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_model(d)
    }
}

impl Inspect for Volume {
    fn inspect(&self, at: &mut Inspector) {
        at.model(self)
    }
}

impl FromJson for Volume {
    const ACCEPTS_MAP: bool = true;
    fn from_map<'de, A: serde::de::MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        model_from_map(map)
    }
}

fn decode(text: &str) -> Volume {
    serde_json::from_str(text).unwrap()
}

#[test]
fn findings_name_every_surprise_with_its_path_model_field_and_raw_json() {
    let v = decode(
        r#"{"uuid":"not-a-uuid","size":7,"metadata":"","parts":[{"size":1},{"size":"big","legacy":[1, 2]},3],"old":null}"#,
    );
    let found = v.findings();
    let finding = |path: &str, field: &str, kind, raw: &str| Finding {
        path: path.to_string(),
        model: Some("Volume"),
        field: Some(field.to_string()),
        kind,
        raw: raw.to_string(),
    };
    assert_eq!(
        found,
        [
            finding("uuid", "uuid", FindingKind::Invalid, r#""not-a-uuid""#),
            finding("parts[1].size", "size", FindingKind::Invalid, r#""big""#),
            finding(
                "parts[1].legacy",
                "legacy",
                FindingKind::Undocumented,
                "[1, 2]"
            ),
            finding("parts[2]", "parts", FindingKind::Invalid, "3"),
            finding("old", "old", FindingKind::Undocumented, "null"),
        ]
    );
    assert_eq!(
        found[1].to_string(),
        r#"parts[1].size (Volume.size): invalid value "big""#
    );
    assert_eq!(found[1].location(), "Volume.size");
    // A value as documented has nothing to report (`metadata` is any JSON).
    assert_eq!(decode(r#"{"size":1,"metadata":""}"#).findings(), []);
}

#[test]
fn numbers_out_of_range_are_kept_raw_anywhere() {
    let text = r#"{"uuid":1e400,"name":1e400,"size":1e400,"ratio":1e400,"price":1e400,"created":1e400,"day":-1e400,"metadata":{"a":[1e400]},"parts":[{"size":1e400},1e400],"nested_unknown":{"x":[-1E+999]},"unknown":1e400}"#;
    let v = decode(text);
    for (field, raw) in [
        (&v.name.raw_invalid(), "1e400"),
        (&v.size.raw_invalid(), "1e400"),
        (&v.ratio.raw_invalid(), "1e400"),
        (&v.created.raw_invalid(), "1e400"),
        (&v.day.raw_invalid(), "-1e400"),
        (&v.metadata.raw_invalid(), r#"{"a":[1e400]}"#),
    ] {
        assert_eq!(field.map(RawJson::get), Some(raw));
    }
    // A decimal keeps it exactly: it is a valid decimal.
    assert_eq!(v.price.get().map(Decimal::as_str), Some("1e400"));
    let parts = v.parts.get().unwrap();
    assert_eq!(
        parts[0].get().unwrap().size.raw_invalid().map(RawJson::get),
        Some("1e400")
    );
    assert_eq!(parts[1].raw_invalid().map(RawJson::get), Some("1e400"));
    assert_eq!(v.extra["unknown"].get(), "1e400");
    assert_eq!(v.extra["nested_unknown"].get(), r#"{"x":[-1E+999]}"#);
    // Re-encoding gives the same bytes.
    assert_eq!(serde_json::to_string(&v).unwrap(), text);
    assert_eq!(
        v.invalid_fields(),
        [
            "uuid", "name", "size", "ratio", "created", "day", "metadata"
        ]
    );
}

#[test]
fn integers_beyond_i64_and_f64_are_never_rounded() {
    let big = "123456789012345678901234567890";
    let text = format!(
        r#"{{"size":{big},"ratio":9007199254740993,"price":{big},"metadata":[{big}],"unknown":{big}}}"#
    );
    let v = decode(&text);
    assert_eq!(v.size.raw_invalid().map(RawJson::get), Some(big));
    // 2^53 + 1 has no exact f64.
    assert_eq!(
        v.ratio.raw_invalid().map(RawJson::get),
        Some("9007199254740993")
    );
    assert_eq!(v.price.get().map(Decimal::as_str), Some(big));
    assert_eq!(
        v.metadata.raw_invalid().map(RawJson::get),
        Some(format!("[{big}]").as_str())
    );
    assert_eq!(v.extra["unknown"].get(), big);
    assert_eq!(serde_json::to_string(&v).unwrap(), text);
    // In range they are values.
    let v = decode(
        r#"{"size":-9223372036854775808,"ratio":9007199254740992,"metadata":[18446744073709551615]}"#,
    );
    assert_eq!(v.size.copied(), Some(i64::MIN));
    assert_eq!(v.ratio.copied(), Some(9_007_199_254_740_992.0));
    assert_eq!(v.metadata.get(), Some(&json!([u64::MAX])));
}

#[test]
fn unknown_fields_hold_anything_verbatim() {
    let text =
        r#"{"name":"n","weird": {"deep" : [1.50, "x\u0041", null, true, {"n":-1}]},"empty":{}}"#;
    let v = decode(text);
    assert_eq!(
        v.extra["weird"].get(),
        r#"{"deep" : [1.50, "x\u0041", null, true, {"n":-1}]}"#
    );
    assert_eq!(
        v.extra["weird"],
        json!({"deep": [1.5, "xA", null, true, {"n": -1}]})
    );
    assert_eq!(v.extra["empty"].kind(), "object");
    // Values verbatim; keys in order, without the whitespace around them.
    assert_eq!(
        serde_json::to_string(&v).unwrap(),
        r#"{"name":"n","empty":{},"weird":{"deep" : [1.50, "x\u0041", null, true, {"n":-1}]}}"#
    );
}

#[test]
fn decimals_keep_their_scale_as_strings_and_as_numbers() {
    let text = r#"{"price":12.50,"parts":[{"price":"0.10"},{"price":1E+3},{"price":"abc"},{"price":true}]}"#;
    let v = decode(text);
    let price = v.price.get().unwrap();
    assert_eq!(
        (price.as_str(), price.scale(), price.was_number()),
        ("12.50", 2, true)
    );
    assert_eq!(price.to_f64(), Some(12.5));
    let parts = v.parts.get().unwrap();
    let p = |i: usize| parts[i].get().unwrap().price.clone();
    assert_eq!(
        p(0).get().map(|d| (d.as_str(), d.was_number())),
        Some(("0.10", false))
    );
    assert_eq!(p(1).get().map(Decimal::as_str), Some("1E+3"));
    assert_eq!(p(2).raw_invalid().map(RawJson::get), Some(r#""abc""#));
    assert_eq!(p(3).raw_invalid().map(RawJson::get), Some("true"));
    assert_eq!(serde_json::to_string(&v).unwrap(), text);
    assert_eq!(format!("{price:?}"), "12.50");
    assert_eq!(format!("{:?}", Decimal::from("0.10")), r#""0.10""#);
    assert_eq!(Decimal::from("0.10").query_value(), "0.10");
    // Strict decoding keeps numbers exactly too.
    let strict: Decimal = serde_json::from_str("2.50").unwrap();
    assert_eq!(serde_json::to_string(&strict).unwrap(), "2.50");
}

#[test]
fn uuids_in_both_spellings() {
    let simple = "4f6cb9a82e2e4d4f9d273a5a2b1c0d9e";
    let hyphenated = "4f6cb9a8-2e2e-4d4f-9d27-3a5a2b1c0d9e";
    let expected = Uuid::parse_str(hyphenated).unwrap();
    for text in [simple, hyphenated, "4F6CB9A8-2E2E-4D4F-9D27-3A5A2B1C0D9E"] {
        let json = format!(r#"{{"uuid":"{text}"}}"#);
        let v = decode(&json);
        assert_eq!(v.uuid.copied(), Some(expected), "{text}");
        // Written back in the server's spelling.
        assert_eq!(serde_json::to_string(&v).unwrap(), json);
    }
    for bad in [
        r#""""#,
        r#""not-a-uuid""#,
        "42",
        r#""4f6cb9a82e2e4d4f9d273a5a2b1c0d9""#,
    ] {
        let v = decode(&format!(r#"{{"uuid":{bad}}}"#));
        assert_eq!(v.uuid.raw_invalid().map(RawJson::get), Some(bad));
        assert_eq!(v.invalid_fields(), ["uuid"]);
    }
    // Waldur's own spelling in queries and paths.
    assert_eq!(expected.query_value(), simple);
}

#[test]
fn date_times_as_django_rest_framework_writes_them() {
    let cases = [
        ("2024-01-02T03:04:05.123456Z", (0, 123_456_000)),
        ("2024-01-02T05:04:05.123456+02:00", (7200, 123_456_000)),
        ("2024-01-02T03:04:05Z", (0, 0)),
        ("2024-01-01T22:04:05-05:00", (-18000, 0)),
    ];
    for (text, (offset, nanos)) in cases {
        let json = format!(r#"{{"created":"{text}"}}"#);
        let v = decode(&json);
        assert_eq!(serde_json::to_string(&v).unwrap(), json);
        let dt = v.created.copied().unwrap();
        assert_eq!(dt.offset().local_minus_utc(), offset, "{text}");
        assert_eq!(dt.timestamp_subsec_nanos(), nanos);
        assert_eq!(dt.timestamp(), 1_704_164_645, "{text}");
    }
    // Without an offset it is not a point in time: kept raw, like garbage.
    for bad in [r#""2024-01-02T03:04:05""#, r#""yesterday""#, r#""""#] {
        let v = decode(&format!(r#"{{"created":{bad}}}"#));
        assert_eq!(v.created.raw_invalid().map(RawJson::get), Some(bad));
    }
    let dt = FixedOffset::east_opt(7200)
        .unwrap()
        .with_ymd_and_hms(2024, 1, 2, 5, 4, 5)
        .unwrap();
    assert_eq!(
        DateTime::from(dt).query_value(),
        "2024-01-02T05:04:05+02:00"
    );
    let utc = DateTime::parse_from_rfc3339("2024-01-02T03:04:05.123456Z").unwrap();
    assert_eq!(utc.query_value(), "2024-01-02T03:04:05.123456Z");
    assert_eq!(
        serde_json::to_string(&utc).unwrap(),
        r#""2024-01-02T03:04:05.123456Z""#
    );
}

#[test]
fn dates() {
    let v = decode(r#"{"day":"2024-02-29"}"#);
    assert_eq!(v.day.copied(), NaiveDate::from_ymd_opt(2024, 2, 29));
    assert_eq!(v.day.get().unwrap().query_value(), "2024-02-29");
    // Only RFC 3339's full date is typed: other texts chrono reads would not be written back
    // as they came.
    for bad in [
        r#""2023-02-29""#,
        r#""2024-02-29T00:00:00Z""#,
        "20240229",
        r#""2024-2-29""#,
        r#""+2024-02-29""#,
    ] {
        let v = decode(&format!(r#"{{"day":{bad}}}"#));
        assert_eq!(v.day.raw_invalid().map(RawJson::get), Some(bad));
    }
}

#[test]
fn debug_shows_values_not_wrappers() {
    let v = decode(
        r#"{"name":"data-0","size":null,"ratio":"x","uuid":"4f6cb9a82e2e4d4f9d273a5a2b1c0d9e"}"#,
    );
    assert_eq!(format!("{:?}", v.name), r#""data-0""#);
    assert_eq!(format!("{:?}", v.size), "null");
    assert_eq!(format!("{:?}", v.price), "absent");
    assert_eq!(format!("{:?}", v.ratio), r#"invalid("x")"#);
    // In the spelling it arrived in.
    assert_eq!(format!("{:?}", v.uuid), "4f6cb9a82e2e4d4f9d273a5a2b1c0d9e");
    let long = Lenient::<i64>::invalid(json!("y".repeat(500)));
    assert_eq!(
        format!("{long:?}"),
        format!("invalid(\"{}... (502 bytes))", "y".repeat(199))
    );
}

#[test]
fn accessors_and_required_fields() {
    let v = decode(r#"{"name":"data-0","size":10,"uuid":null,"ratio":"x"}"#);
    assert_eq!(v.name.get().map(String::as_str), Some("data-0"));
    assert_eq!(v.name.cloned(), Some("data-0".to_owned()));
    assert_eq!(v.size.copied(), Some(10));
    assert_eq!(v.uuid.copied(), None);

    fn size_of(v: &Volume) -> Result<i64, Error> {
        Ok(*v.size.required("Volume.size")?)
    }
    assert_eq!(size_of(&v).unwrap(), 10);

    let cases = [
        (
            v.uuid.required("Volume.uuid").map(drop),
            "required field Volume.uuid has no valid value: null",
        ),
        (
            v.price.required("Volume.price").map(drop),
            "required field Volume.price has no valid value: absent",
        ),
        (
            v.ratio.required("Volume.ratio").map(drop),
            "required field Volume.ratio has no valid value: a string the spec does not allow: \"x\"",
        ),
    ];
    for (result, message) in cases {
        let err: Error = result.unwrap_err().into();
        assert_eq!(err.to_string(), message);
        assert!(!err.is_retryable());
    }
    let bad = Lenient::<i64>::invalid(json!("line\nbreak"));
    assert_eq!(
        bad.required("X.y").unwrap_err().to_string(),
        "required field X.y has no valid value: a string the spec does not allow: \"line\\nbreak\""
    );
    assert_eq!(v.clone().size.into_required("Volume.size"), Ok(10));
}

#[test]
fn values_from_other_deserializers_still_decode() {
    // `serde_json::Value` and `from_reader` take the owned path of the raw-text protocol.
    let value = json!({"name": "n", "size": 5, "unknown": [1, 2], "price": 1.5});
    let v: Volume = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(
        (v.name.cloned(), v.size.copied()),
        (Some("n".into()), Some(5))
    );
    assert_eq!(v.extra["unknown"], json!([1, 2]));
    let v: Volume = serde_json::from_reader(value.to_string().as_bytes()).unwrap();
    assert_eq!(v.price.get().map(Decimal::as_str), Some("1.5"));
    assert_eq!(serde_json::to_value(&v).unwrap(), value);
}

#[test]
fn raw_json_equality_is_by_meaning() {
    let a = RawJson::parse(r#"{"a": 1, "b": [true]}"#).unwrap();
    let b = RawJson::parse(r#"{"b":[true],"a":1}"#).unwrap();
    assert_eq!(a, b);
    let big1 = RawJson::parse("123456789012345678901234567890").unwrap();
    let big2 = RawJson::parse("123456789012345678901234567891").unwrap();
    assert_ne!(big1, big2);
    assert_eq!(big1.to_value(), None);
    assert!(RawJson::parse("{").is_err());
}

#[test]
fn decimals_parse_from_text_like_uuids_and_dates() {
    let price: Decimal = "12.50".parse().unwrap();
    assert_eq!((price.as_str(), price.scale()), ("12.50", 2));
    assert_eq!(serde_json::to_string(&price).unwrap(), r#""12.50""#);
    assert_eq!("-1e3".parse::<Decimal>().unwrap().as_str(), "-1e3");
    for bad in ["", "abc", " 1", "1,5", "0x10", "--1"] {
        let err = bad.parse::<Decimal>().unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{bad:?} is not a decimal number (digits, an optional sign, point and exponent)"
            )
        );
    }
}
