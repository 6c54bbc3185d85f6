//! Response decoding that never fails on one bad field.
//!
//! The Waldur server does not always follow its schema: fields are `null` or missing, objects
//! arrive as `""`, decimals as numbers, enums gain values. Every response field is therefore a
//! [`Lenient`], which records what arrived instead of failing the whole response, and keeps a
//! value of the wrong kind verbatim so that serialising the model gives back the input.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Serialize, Serializer};
use serde_json::Value;

/// A response field: absent, null, a value of the declared type, or a value that did not
/// match it (kept raw).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Lenient<T> {
    #[default]
    Absent,
    Null,
    Valid(T),
    Invalid(Value),
}

impl<T> Lenient<T> {
    /// The value, when it arrived with the declared type.
    pub fn get(&self) -> Option<&T> {
        match self {
            Lenient::Valid(v) => Some(v),
            _ => None,
        }
    }

    pub fn into_option(self) -> Option<T> {
        match self {
            Lenient::Valid(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_absent(&self) -> bool {
        matches!(self, Lenient::Absent)
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Lenient::Null)
    }

    pub fn is_valid(&self) -> bool {
        matches!(self, Lenient::Valid(_))
    }

    pub fn is_invalid(&self) -> bool {
        matches!(self, Lenient::Invalid(_))
    }

    /// The raw JSON of a value that did not match the declared type.
    pub fn raw_invalid(&self) -> Option<&Value> {
        match self {
            Lenient::Invalid(v) => Some(v),
            _ => None,
        }
    }

    pub fn as_ref(&self) -> Lenient<&T> {
        match self {
            Lenient::Absent => Lenient::Absent,
            Lenient::Null => Lenient::Null,
            Lenient::Valid(v) => Lenient::Valid(v),
            Lenient::Invalid(v) => Lenient::Invalid(v.clone()),
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Lenient<U> {
        match self {
            Lenient::Absent => Lenient::Absent,
            Lenient::Null => Lenient::Null,
            Lenient::Valid(v) => Lenient::Valid(f(v)),
            Lenient::Invalid(v) => Lenient::Invalid(v),
        }
    }
}

impl<T> From<T> for Lenient<T> {
    fn from(v: T) -> Self {
        Lenient::Valid(v)
    }
}

/// `Absent` is written as `null` only if the containing struct fails to skip it with
/// `#[serde(skip_serializing_if = "Lenient::is_absent")]`.
impl<T: Serialize> Serialize for Lenient<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Lenient::Absent | Lenient::Null => serializer.serialize_none(),
            Lenient::Valid(v) => v.serialize(serializer),
            Lenient::Invalid(raw) => raw.serialize(serializer),
        }
    }
}

/// One pass over the input: the visitor gets the JSON kind and either builds `T` from it or
/// keeps the value raw. Nothing is buffered on the happy path.
impl<'de, T: FromJson> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientVisitor(PhantomData))
    }
}

struct LenientVisitor<T>(PhantomData<T>);

fn kept<T>(parsed: Option<T>, raw: impl FnOnce() -> Value) -> Lenient<T> {
    match parsed {
        Some(v) => Lenient::Valid(v),
        None => Lenient::Invalid(raw()),
    }
}

impl<'de, T: FromJson> Visitor<'de> for LenientVisitor<T> {
    type Value = Lenient<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Lenient::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Lenient::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Lenient::deserialize(d)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(kept(T::from_bool(v), || Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(kept(T::from_i64(v), || Value::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(kept(T::from_u64(v), || Value::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(kept(T::from_f64(v), || Value::from(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(kept(T::from_str(v), || Value::String(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(match T::from_string(v) {
            Ok(t) => Lenient::Valid(t),
            Err(raw) => Lenient::Invalid(Value::String(raw)),
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        if T::ACCEPTS_MAP {
            T::from_map(map).map(Lenient::Valid)
        } else {
            Value::deserialize(MapAccessDeserializer::new(map)).map(Lenient::Invalid)
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        if T::ACCEPTS_SEQ {
            T::from_seq(seq).map(Lenient::Valid)
        } else {
            Value::deserialize(SeqAccessDeserializer::new(seq)).map(Lenient::Invalid)
        }
    }
}

/// Types a [`Lenient`] can hold. Each method returns `None` when this JSON kind does not fit.
///
/// Generated models set `ACCEPTS_MAP` and implement `from_map` as
/// `Self::deserialize(serde::de::value::MapAccessDeserializer::new(map))`; generated enums
/// implement `from_str`.
pub trait FromJson: Sized {
    fn from_bool(v: bool) -> Option<Self> {
        let _ = v;
        None
    }
    fn from_i64(v: i64) -> Option<Self> {
        let _ = v;
        None
    }
    fn from_u64(v: u64) -> Option<Self> {
        let _ = v;
        None
    }
    fn from_f64(v: f64) -> Option<Self> {
        let _ = v;
        None
    }
    fn from_str(v: &str) -> Option<Self> {
        let _ = v;
        None
    }
    /// An owned string; `Err` gives the string back so it can be kept raw without a copy.
    fn from_string(v: String) -> Result<Self, String> {
        Self::from_str(&v).ok_or(v)
    }
    /// Whether a JSON object is handed to `from_map` (else it is kept raw as invalid).
    const ACCEPTS_MAP: bool = false;
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        let _ = map;
        Err(de::Error::custom("a JSON object is not accepted here"))
    }
    /// Whether a JSON array is handed to `from_seq` (else it is kept raw as invalid).
    const ACCEPTS_SEQ: bool = false;
    fn from_seq<'de, A: SeqAccess<'de>>(seq: A) -> Result<Self, A::Error> {
        let _ = seq;
        Err(de::Error::custom("a JSON array is not accepted here"))
    }
}

impl FromJson for String {
    fn from_str(v: &str) -> Option<Self> {
        Some(v.to_owned())
    }
    fn from_string(v: String) -> Result<Self, String> {
        Ok(v)
    }
}

impl FromJson for bool {
    fn from_bool(v: bool) -> Option<Self> {
        Some(v)
    }
}

macro_rules! integer_from_json {
    ($($t:ty),*) => {$(
        /// JSON integers in range; floats (even `1.0`) and strings are kept raw.
        impl FromJson for $t {
            fn from_i64(v: i64) -> Option<Self> {
                <$t>::try_from(v).ok()
            }
            fn from_u64(v: u64) -> Option<Self> {
                <$t>::try_from(v).ok()
            }
        }
    )*};
}

integer_from_json!(i8, i16, i32, i64, u8, u16, u32, u64);

/// Any JSON number. An integer becomes a float, so it is written back as `5.0`; use
/// [`serde_json::Number`] where the exact form matters.
impl FromJson for f64 {
    fn from_i64(v: i64) -> Option<Self> {
        Some(v as f64)
    }
    fn from_u64(v: u64) -> Option<Self> {
        Some(v as f64)
    }
    fn from_f64(v: f64) -> Option<Self> {
        Some(v)
    }
}

/// Any JSON number, written back in the form it arrived in.
impl FromJson for serde_json::Number {
    fn from_i64(v: i64) -> Option<Self> {
        Some(v.into())
    }
    fn from_u64(v: u64) -> Option<Self> {
        Some(v.into())
    }
    fn from_f64(v: f64) -> Option<Self> {
        serde_json::Number::from_f64(v)
    }
}

/// Everything except `null` (which stays [`Lenient::Null`]).
impl FromJson for Value {
    fn from_bool(v: bool) -> Option<Self> {
        Some(Value::Bool(v))
    }
    fn from_i64(v: i64) -> Option<Self> {
        Some(Value::from(v))
    }
    fn from_u64(v: u64) -> Option<Self> {
        Some(Value::from(v))
    }
    fn from_f64(v: f64) -> Option<Self> {
        Some(Value::from(v))
    }
    fn from_str(v: &str) -> Option<Self> {
        Some(Value::String(v.to_owned()))
    }
    fn from_string(v: String) -> Result<Self, String> {
        Ok(Value::String(v))
    }
    const ACCEPTS_MAP: bool = true;
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map))
    }
    const ACCEPTS_SEQ: bool = true;
    fn from_seq<'de, A: SeqAccess<'de>>(seq: A) -> Result<Self, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq))
    }
}

/// A JSON array; each element is lenient on its own, so `null` elements round-trip.
impl<T: FromJson> FromJson for Vec<Lenient<T>> {
    const ACCEPTS_SEQ: bool = true;
    fn from_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element::<Lenient<T>>()? {
            out.push(item);
        }
        Ok(out)
    }
}

/// A JSON object with arbitrary keys; each value is lenient on its own.
impl<T: FromJson> FromJson for BTreeMap<String, Lenient<T>> {
    const ACCEPTS_MAP: bool = true;
    fn from_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut out = BTreeMap::new();
        while let Some((key, value)) = map.next_entry::<String, Lenient<T>>()? {
            out.insert(key, value);
        }
        Ok(out)
    }
}

/// For recursive models.
impl<T: FromJson> FromJson for Box<T> {
    fn from_bool(v: bool) -> Option<Self> {
        T::from_bool(v).map(Box::new)
    }
    fn from_i64(v: i64) -> Option<Self> {
        T::from_i64(v).map(Box::new)
    }
    fn from_u64(v: u64) -> Option<Self> {
        T::from_u64(v).map(Box::new)
    }
    fn from_f64(v: f64) -> Option<Self> {
        T::from_f64(v).map(Box::new)
    }
    fn from_str(v: &str) -> Option<Self> {
        T::from_str(v).map(Box::new)
    }
    fn from_string(v: String) -> Result<Self, String> {
        T::from_string(v).map(Box::new)
    }
    const ACCEPTS_MAP: bool = T::ACCEPTS_MAP;
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        T::from_map(map).map(Box::new)
    }
    const ACCEPTS_SEQ: bool = T::ACCEPTS_SEQ;
    fn from_seq<'de, A: SeqAccess<'de>>(seq: A) -> Result<Self, A::Error> {
        T::from_seq(seq).map(Box::new)
    }
}

/// A decimal that the API transports as a JSON string (`"12.50"`) but sometimes sends as a
/// number. It is kept as text, never rounded, and written back in the form it arrived in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal {
    text: String,
    /// Set when it arrived as a JSON number; serialised back as that number.
    number: Option<serde_json::Number>,
}

impl Decimal {
    /// A decimal from its text if it looks like one (`-12.50`, `1e3`); `None` otherwise.
    pub fn parse(s: &str) -> Option<Decimal> {
        is_decimal_text(s).then(|| Decimal {
            text: s.to_owned(),
            number: None,
        })
    }

    pub fn from_number(n: serde_json::Number) -> Decimal {
        Decimal {
            text: n.to_string(),
            number: Some(n),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn to_f64(&self) -> Option<f64> {
        self.text.parse().ok()
    }

    /// Whether it arrived as a JSON number rather than a string.
    pub fn was_number(&self) -> bool {
        self.number.is_some()
    }
}

/// `-?digits[.digits][e[+-]digits]`, also `.5` and `5.`, as Python's `Decimal` prints.
fn is_decimal_text(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = !(int.is_empty() && frac.is_empty()) && digits(int) && digits(frac);
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

/// Unchecked: the text is sent as given.
impl From<&str> for Decimal {
    fn from(s: &str) -> Self {
        Decimal {
            text: s.to_owned(),
            number: None,
        }
    }
}

impl From<String> for Decimal {
    fn from(text: String) -> Self {
        Decimal { text, number: None }
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromJson for Decimal {
    fn from_i64(v: i64) -> Option<Self> {
        Some(Decimal::from_number(v.into()))
    }
    fn from_u64(v: u64) -> Option<Self> {
        Some(Decimal::from_number(v.into()))
    }
    fn from_f64(v: f64) -> Option<Self> {
        serde_json::Number::from_f64(v).map(Decimal::from_number)
    }
    fn from_str(v: &str) -> Option<Self> {
        Decimal::parse(v)
    }
    fn from_string(v: String) -> Result<Self, String> {
        if is_decimal_text(&v) {
            Ok(Decimal::from(v))
        } else {
            Err(v)
        }
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.number {
            Some(n) => n.serialize(serializer),
            None => serializer.serialize_str(&self.text),
        }
    }
}

/// Strict: a decimal string or a number; anything else is an error.
impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DecimalVisitor;
        impl Visitor<'_> for DecimalVisitor {
            type Value = Decimal;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal as a string or a number")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
                Ok(Decimal::from_number(v.into()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
                Ok(Decimal::from_number(v.into()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
                serde_json::Number::from_f64(v)
                    .map(Decimal::from_number)
                    .ok_or_else(|| E::custom("a decimal must be finite"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
                Decimal::parse(v)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &"a decimal number"))
            }
        }
        deserializer.deserialize_any(DecimalVisitor)
    }
}

impl super::request::QueryValue for Decimal {
    fn query_value(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed(&self.text)
    }
}
