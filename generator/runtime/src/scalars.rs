//! Typed scalars of response and request fields: decimals, UUIDs, date-times and dates.
//!
//! Each has [`FromJson`] (a response value that does not parse stays raw, nothing fails) and
//! [`QueryValue`] (query and path parameters). Crates: `uuid` and `chrono` with default
//! features off (no clock, no time-zone database); the decimal type is the runtime's own, since
//! the API only transports decimals and a text that keeps its scale is all it needs.

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat};
use serde::de::{self, Deserialize, Deserializer};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use uuid::Uuid;

use super::lenient::{FromJson, Lenient};
use super::raw;
use super::request::QueryValue;

/// A decimal that the API transports as a JSON string (`"12.50"`) but also sends as a number
/// (`12.50`), including for fields the spec calls `number`. It is kept as its text, never
/// rounded (its scale stays: `12.50` is not `12.5`), and written back in the form it arrived
/// in. Equality is textual.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Decimal {
    repr: Repr,
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    /// Arrived as a string, or built from text: written as a JSON string.
    Text(Box<str>),
    /// Arrived as a JSON number: written back as that exact number.
    Number(Box<str>),
}

impl Decimal {
    /// A decimal from its text if it looks like one (`-12.50`, `1e3`, `.5`); `None` otherwise.
    pub fn parse(s: &str) -> Option<Decimal> {
        is_decimal_text(s).then(|| Decimal {
            repr: Repr::Text(s.into()),
        })
    }

    /// A decimal from a JSON number literal, kept exactly (`12.50`, `1e400`).
    pub fn from_json_number(text: &str) -> Option<Decimal> {
        is_json_number(text).then(|| Decimal {
            repr: Repr::Number(text.into()),
        })
    }

    pub fn from_number(n: serde_json::Number) -> Decimal {
        Decimal {
            repr: Repr::Number(n.to_string().into()),
        }
    }

    pub fn as_str(&self) -> &str {
        match &self.repr {
            Repr::Text(s) | Repr::Number(s) => s,
        }
    }

    /// The nearest `f64` (`None` beyond its range).
    pub fn to_f64(&self) -> Option<f64> {
        raw::parse_float(self.as_str())
    }

    /// Digits after the decimal point as written (`12.50` has 2; exponents are not applied).
    pub fn scale(&self) -> usize {
        let s = self.as_str();
        let mantissa = s.split(['e', 'E']).next().unwrap_or(s);
        mantissa.split_once('.').map_or(0, |(_, frac)| frac.len())
    }

    /// Whether it arrived as a JSON number rather than a string.
    pub fn was_number(&self) -> bool {
        matches!(self.repr, Repr::Number(_))
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

/// A JSON number literal: a decimal text without `+`, without a leading `.` or trailing `.`.
fn is_json_number(s: &str) -> bool {
    let unsigned = s.strip_prefix('-').unwrap_or(s);
    is_decimal_text(s)
        && !s.starts_with('+')
        && unsigned.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && !unsigned.contains(".e")
        && !unsigned.contains(".E")
        && !unsigned.ends_with('.')
}

/// The text is not a decimal number (see [`Decimal`]'s `FromStr`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDecimalError {
    text: String,
}

impl fmt::Display for ParseDecimalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is not a decimal number (digits, an optional sign, point and exponent)",
            super::error::loggable(&format!("{:?}", self.text), 100)
        )
    }
}

impl std::error::Error for ParseDecimalError {}

/// Checked, like `Uuid` and the dates: `"12.50".parse::<Decimal>()` keeps `12.50` (scale
/// included), `"abc".parse::<Decimal>()` is an error. Surrounding whitespace is not a
/// decimal's.
impl std::str::FromStr for Decimal {
    type Err = ParseDecimalError;

    fn from_str(s: &str) -> Result<Decimal, ParseDecimalError> {
        Decimal::parse(s).ok_or_else(|| ParseDecimalError {
            text: s.to_string(),
        })
    }
}

/// Unchecked: the text is sent as given.
impl From<&str> for Decimal {
    fn from(s: &str) -> Self {
        Decimal {
            repr: Repr::Text(s.into()),
        }
    }
}

impl From<String> for Decimal {
    fn from(text: String) -> Self {
        Decimal {
            repr: Repr::Text(text.into_boxed_str()),
        }
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `12.50` for a number, `"12.50"` for a string: the JSON it would be written as.
impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Text(s) => write!(f, "{s:?}"),
            Repr::Number(s) => f.write_str(s),
        }
    }
}

impl FromJson for Decimal {
    fn from_number(text: &str) -> Option<Self> {
        Decimal::from_json_number(text)
    }
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
        match &self.repr {
            Repr::Text(s) => serializer.serialize_str(s),
            // serde_json writes a raw value verbatim; `12.50` stays `12.50`.
            Repr::Number(s) => match RawValue::from_string(s.to_string()) {
                Ok(raw) => raw.serialize(serializer),
                Err(_) => serializer.serialize_str(s),
            },
        }
    }
}

/// Strict: a decimal string or a number (kept exactly); anything else is an error.
impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        strict(deserializer, "a decimal as a string or a number")
    }
}

impl QueryValue for Decimal {
    fn query_value(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.as_str())
    }
}

/// Decodes leniently and refuses anything but a valid value.
fn strict<'de, D: Deserializer<'de>, T: FromJson>(d: D, expected: &str) -> Result<T, D::Error> {
    match Lenient::<T>::deserialize(d)? {
        Lenient::Valid(v) => Ok(v),
        Lenient::Absent | Lenient::Null => Err(de::Error::custom(format!(
            "invalid type: null, expected {expected}"
        ))),
        Lenient::Invalid(raw) => Err(de::Error::custom(format!(
            "invalid value: {}, expected {expected}",
            super::error::loggable(raw.get(), 100)
        ))),
    }
}

/// A UUID in any spelling the server uses: hyphenated (`4f6c...-...`) or simple (32 hex
/// digits, as Waldur writes them); also braced and `urn:uuid:` forms.
impl FromJson for Uuid {
    fn from_str(v: &str) -> Option<Self> {
        Uuid::try_parse(v).ok()
    }
}

/// 32 lower-case hex digits without hyphens, as Waldur writes UUIDs in URLs and responses
/// (its URL patterns match only that form).
impl QueryValue for Uuid {
    fn query_value(&self) -> Cow<'_, str> {
        Cow::Owned(self.simple().to_string())
    }
}

/// An RFC 3339 date-time with an offset, as Django REST framework writes them:
/// `2024-01-02T03:04:05.123456Z`, `2024-01-02T05:04:05+02:00`, with or without fraction.
/// A date-time without offset is not a point in time and is kept raw.
impl FromJson for DateTime<FixedOffset> {
    fn from_str(v: &str) -> Option<Self> {
        DateTime::parse_from_rfc3339(v).ok()
    }
}

/// RFC 3339 with as many fraction digits as needed and `Z` for UTC (`+` is percent-encoded in
/// a query).
impl QueryValue for DateTime<FixedOffset> {
    fn query_value(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

/// `YYYY-MM-DD`.
impl FromJson for NaiveDate {
    fn from_str(v: &str) -> Option<Self> {
        NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()
    }
}

impl QueryValue for NaiveDate {
    fn query_value(&self) -> Cow<'_, str> {
        Cow::Owned(self.format("%Y-%m-%d").to_string())
    }
}
