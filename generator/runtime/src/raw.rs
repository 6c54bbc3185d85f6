//! JSON kept as its exact text: unknown fields, values that did not match their type, numbers.
//!
//! serde_json parses a number into `i64`, `u64` or `f64` before any visitor sees it: `1e400`
//! is an error that fails the whole document, and `123456789012345678901234567890` silently
//! becomes a rounded float. Reading each field as its raw text first (serde_json's `raw_value`
//! feature, which only scans the value) lets the runtime decide what a number means, and keep
//! anything it cannot represent exactly, byte for byte.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

/// A JSON value kept verbatim (as the server sent it, whitespace inside included).
///
/// Serialising it with serde_json writes the same bytes back. Equality is by meaning:
/// `{"a": 1}` equals `{"a":1}`; values holding numbers that `serde_json::Value` cannot hold
/// exactly compare by text.
#[derive(Clone)]
pub struct RawJson(
    /// One complete JSON value without surrounding whitespace: parsed, or scanned by
    /// serde_json (kept without parsing it again, as serde_json keeps its own `RawValue`s).
    Box<str>,
);

impl RawJson {
    /// Parses and keeps `text` (surrounding whitespace removed).
    pub fn parse(text: &str) -> Result<RawJson, serde_json::Error> {
        serde_json::from_str::<&RawValue>(text.trim()).map(|raw| RawJson(raw.get().into()))
    }

    /// The JSON text of a value.
    pub fn from_value(value: &Value) -> RawJson {
        // A `Value` always serialises (its keys are strings).
        RawJson(value.to_string().into_boxed_str())
    }

    /// Text that serde_json has already scanned as one complete JSON value.
    pub(super) fn from_scanned(text: &str) -> RawJson {
        RawJson(text.into())
    }

    /// The JSON text.
    pub fn get(&self) -> &str {
        &self.0
    }

    /// The value as a `serde_json::Value`, or `None` when that would change it: a number out
    /// of `f64` range or an integer beyond `i64`/`u64` (which `Value` would round).
    pub fn to_value(&self) -> Option<Value> {
        if has_inexact_number(self.get()) {
            return None;
        }
        serde_json::from_str(self.get()).ok()
    }

    /// The JSON kind: `"null"`, `"boolean"`, `"number"`, `"string"`, `"array"` or `"object"`.
    pub fn kind(&self) -> &'static str {
        match self.get().as_bytes().first() {
            Some(b'n') => "null",
            Some(b't' | b'f') => "boolean",
            Some(b'"') => "string",
            Some(b'[') => "array",
            Some(b'{') => "object",
            _ => "number",
        }
    }
}

impl From<Value> for RawJson {
    fn from(value: Value) -> Self {
        RawJson::from_value(&value)
    }
}

impl From<&Value> for RawJson {
    fn from(value: &Value) -> Self {
        RawJson::from_value(value)
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        if self.get() == other.get() {
            return true;
        }
        match (self.to_value(), other.to_value()) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        }
    }
}

impl PartialEq<Value> for RawJson {
    fn eq(&self, other: &Value) -> bool {
        self.to_value().is_some_and(|v| &v == other)
    }
}

/// The text, cut after 200 characters: `Debug` output ends up in logs and panics.
impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.get();
        match text.char_indices().nth(200) {
            Some((end, _)) => write!(f, "{}... ({} bytes)", &text[..end], text.len()),
            None => f.write_str(text),
        }
    }
}

/// The whole text.
impl fmt::Display for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get())
    }
}

impl Serialize for RawJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_raw(&self.0, serializer)
    }
}

/// Writes `json` (one valid JSON value) as it is, the way serde_json's `RawValue` serialises
/// itself: a struct its serializers recognise by name and write verbatim (and that
/// `serde_json::to_value` parses). The text is not copied or parsed again.
pub(super) fn serialize_raw<S: Serializer>(json: &str, serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let mut s = serializer.serialize_struct(RAW_TOKEN, 1)?;
    s.serialize_field(RAW_TOKEN, json)?;
    s.end()
}

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        raw_text(deserializer).map(|text| RawJson::from_scanned(&text))
    }
}

/// Keys of a response model that its spec does not describe, each with its value verbatim.
pub type Extra = std::collections::BTreeMap<String, RawJson>;

/// The name serde_json's `RawValue` asks for; serde_json (its parser and its `Value`
/// deserializer) answers it with a one-entry map whose value is the raw text of the next
/// value, borrowed from the input when possible. `&RawValue` and `Box<RawValue>` use the same
/// protocol; this reader accepts both the borrowed and the owned answer, so it never copies
/// when decoding from a slice and still works from a reader or a `Value`.
const RAW_TOKEN: &str = "$serde_json::private::RawValue";

/// The exact text of the next JSON value. Deserializers other than serde_json's are read
/// through a `serde_json::Value` and re-encoded.
pub(super) fn raw_text<'de, D: Deserializer<'de>>(d: D) -> Result<Cow<'de, str>, D::Error> {
    d.deserialize_newtype_struct(RAW_TOKEN, RawTextVisitor)
}

struct RawTextVisitor;

impl<'de> Visitor<'de> for RawTextVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let Some(key) = map.next_key_seed(TextSeed)? else {
            return Ok(Cow::Borrowed("{}"));
        };
        if key == RAW_TOKEN {
            return map.next_value_seed(TextSeed);
        }
        // A deserializer that passed the newtype through and is handing over a real map.
        let mut object = serde_json::Map::new();
        object.insert(key.into_owned(), map.next_value()?);
        while let Some((k, v)) = map.next_entry::<String, Value>()? {
            object.insert(k, v);
        }
        Ok(Cow::Owned(Value::Object(object).to_string()))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Value::deserialize(d).map(|v| Cow::Owned(v.to_string()))
    }
}

/// A string, borrowed when the deserializer lends it.
struct TextSeed;

impl<'de> DeserializeSeed<'de> for TextSeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for TextSeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// Whether a JSON number literal has neither fraction nor exponent.
pub(super) fn is_integer_literal(text: &str) -> bool {
    !text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'))
}

/// An integer literal as `i64` or `u64`; `None` when it fits neither (it would be rounded).
pub(super) enum Integer {
    Signed(i64),
    Unsigned(u64),
}

pub(super) fn parse_integer(text: &str) -> Option<Integer> {
    short_integer(text).or_else(|| parse_integer_slowly(text))
}

/// A number literal, told apart in one pass for the usual short integer.
pub(super) enum Literal {
    /// No fraction or exponent; `None` beyond `i64` and `u64`.
    Integer(Option<Integer>),
    /// With a fraction or exponent.
    Float,
}

pub(super) fn number_literal(text: &str) -> Literal {
    if let Some(v) = short_integer(text) {
        return Literal::Integer(Some(v));
    }
    match is_integer_literal(text) {
        true => Literal::Integer(parse_integer_slowly(text)),
        false => Literal::Float,
    }
}

/// `-?digits` of at most 19 digits, read directly (what JSON integers look like); `None` for
/// anything else, which `str::parse` reads.
fn short_integer(text: &str) -> Option<Integer> {
    let (negative, digits) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        all => (false, all),
    };
    if !(1..=19).contains(&digits.len()) || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    // 19 digits never overflow `u64`, and their value fits `i64` once negated.
    let v = digits
        .iter()
        .fold(0u64, |v, d| v * 10 + u64::from(d - b'0'));
    match (negative, i64::try_from(v)) {
        (false, Ok(v)) => Some(Integer::Signed(v)),
        (false, Err(_)) => Some(Integer::Unsigned(v)),
        (true, Ok(v)) => Some(Integer::Signed(-v)),
        // -9223372036854775808 (`i64::MIN`), the one negative 19-digit value beyond `-i64::MAX`.
        (true, Err(_)) => None,
    }
}

fn parse_integer_slowly(text: &str) -> Option<Integer> {
    if let Ok(v) = text.parse::<i64>() {
        return Some(Integer::Signed(v));
    }
    text.parse::<u64>().ok().map(Integer::Unsigned)
}

/// A number literal that is not an integer, as a finite `f64`.
pub(super) fn parse_float(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// `v` as `f64` when the conversion is exact.
pub(super) fn exact_f64_from_i64(v: i64) -> Option<f64> {
    let f = v as f64;
    // i128 holds every f64 integer below 2^127 exactly, so the comparison cannot saturate.
    (f as i128 == i128::from(v)).then_some(f)
}

pub(super) fn exact_f64_from_u64(v: u64) -> Option<f64> {
    let f = v as f64;
    (f as i128 == i128::from(v)).then_some(f)
}

/// Whether the JSON text holds a number that `serde_json::Value` would change: an integer
/// beyond `i64`/`u64` (rounded to a float) or a number beyond `f64` (an error).
pub(super) fn has_inexact_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                // Skip the string, honouring escapes.
                i += 1;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'"' => break,
                        _ => i += 1,
                    }
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len()
                    && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                let literal = &text[start..i];
                let exact = if is_integer_literal(literal) {
                    parse_integer(literal).is_some()
                } else {
                    parse_float(literal).is_some()
                };
                if !exact {
                    return true;
                }
            }
            _ => i += 1,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_read_directly_agree_with_str_parse() {
        let reference = |t: &str| match t.parse::<i64>() {
            Ok(v) => Some((true, v as u64)),
            Err(_) => t.parse::<u64>().ok().map(|v| (false, v)),
        };
        let cases = [
            "0",
            "-0",
            "7",
            "-7",
            "007",
            "-007",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "18446744073709551615",
            "18446744073709551616",
            "9999999999999999999",
            "-9999999999999999999",
            "99999999999999999999",
            "",
            "-",
            "+5",
            "1.0",
            "1e3",
            "1-",
            "--1",
            "0x10",
        ];
        for text in cases {
            let got = parse_integer(text).map(|i| match i {
                Integer::Signed(v) => (true, v as u64),
                Integer::Unsigned(v) => (false, v),
            });
            assert_eq!(got, reference(text), "{text:?}");
        }
    }

    #[test]
    fn raw_json_is_written_back_verbatim() {
        let raw = RawJson::parse(" {\"a\" : [1.50, \"x\\u0041\"]} ").unwrap();
        assert_eq!(raw.get(), "{\"a\" : [1.50, \"x\\u0041\"]}");
        assert_eq!(serde_json::to_string(&raw).unwrap(), raw.get());
        assert_eq!(
            serde_json::to_value(&raw).unwrap(),
            serde_json::json!({"a": [1.5, "xA"]})
        );
        assert!(RawJson::parse("{} x").is_err());
        assert_eq!(
            RawJson::from_value(&serde_json::json!({"b": null})).get(),
            r#"{"b":null}"#
        );
    }
}
