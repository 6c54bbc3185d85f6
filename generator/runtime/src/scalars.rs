//! Typed scalars of response and request fields: decimals and dates (UUIDs and date-times,
//! which remember their spelling, are in [`super::spelling`]).
//!
//! Each has [`FromJson`] (a response value that does not parse stays raw, nothing fails) and
//! [`QueryValue`] (query and path parameters). Crates: `uuid` and `chrono` with default
//! features off (no clock, no time-zone database); the decimal type is the runtime's own, since
//! the API only transports decimals and a text that keeps its scale is all it needs.

use std::borrow::Cow;
use std::fmt;

use chrono::NaiveDate;
use serde::de::{self, Deserialize, Deserializer};
use serde::{Serialize, Serializer};

use super::lenient::{FromJson, Lenient};
use super::raw;
use super::request::QueryValue;
use super::spelling::date_prefix;

/// A decimal that the API transports as a JSON string (`"12.50"`) but also sends as a number
/// (`12.50`), including for fields the spec calls `number`. It is kept as its text, never
/// rounded (its scale stays: `12.50` is not `12.5`), and written back in the form it arrived
/// in. Equality is textual.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Decimal {
    repr: Repr,
}

/// The text, and whether it arrived as a JSON number (written back as that exact number) or
/// as a string (or was built from text: written as a JSON string). The text is in place when
/// it fits (a response's decimals are short: no allocation), else boxed. It is in place
/// whenever it fits, so equal decimals have equal representations and the derived equality
/// and hash are those of the text and its form.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    Inline {
        number: bool,
        len: u8,
        bytes: [u8; INLINE],
    },
    Boxed {
        number: bool,
        text: Box<str>,
    },
}

/// Texts up to this long (`-123456789.1234567890`) are kept without an allocation.
const INLINE: usize = 21;

impl Repr {
    fn new(text: &str, number: bool) -> Repr {
        match text.len() {
            len @ 0..=INLINE => {
                let mut bytes = [0; INLINE];
                bytes[..len].copy_from_slice(text.as_bytes());
                Repr::Inline {
                    number,
                    len: len as u8,
                    bytes,
                }
            }
            _ => Repr::Boxed {
                number,
                text: text.into(),
            },
        }
    }

    fn from_string(text: String, number: bool) -> Repr {
        match text.len() {
            0..=INLINE => Repr::new(&text, number),
            _ => Repr::Boxed {
                number,
                text: text.into_boxed_str(),
            },
        }
    }
}

impl Decimal {
    /// A decimal from its text if it looks like one (`-12.50`, `1e3`, `.5`); `None` otherwise.
    pub fn parse(s: &str) -> Option<Decimal> {
        is_decimal_text(s).then(|| Decimal {
            repr: Repr::new(s, false),
        })
    }

    /// A decimal from a JSON number literal, kept exactly (`12.50`, `1e400`).
    pub fn from_json_number(text: &str) -> Option<Decimal> {
        is_json_number(text).then(|| Decimal {
            repr: Repr::new(text, true),
        })
    }

    pub fn from_number(n: serde_json::Number) -> Decimal {
        Decimal {
            repr: Repr::from_string(n.to_string(), true),
        }
    }

    pub fn as_str(&self) -> &str {
        match &self.repr {
            // Copied whole from a `str`: always UTF-8.
            Repr::Inline { len, bytes, .. } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default()
            }
            Repr::Boxed { text, .. } => text,
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
        match self.repr {
            Repr::Inline { number, .. } | Repr::Boxed { number, .. } => number,
        }
    }
}

/// `-?digits[.digits][e[+-]digits]`, also `.5` and `5.`, as Python's `Decimal` prints.
fn is_decimal_text(s: &str) -> bool {
    decimal_syntax(s.as_bytes()).is_some()
}

/// A JSON number literal: a decimal text without `+`, without a leading `.` or trailing `.`.
fn is_json_number(s: &str) -> bool {
    decimal_syntax(s.as_bytes()) == Some(true)
}

/// A number JSON allows: a JSON number literal whose integer part has no leading zero.
fn is_strict_json_number(s: &str) -> bool {
    let unsigned = s.strip_prefix('-').unwrap_or(s).as_bytes();
    is_json_number(s) && !matches!(unsigned, [b'0', b'0'..=b'9', ..])
}

/// One pass over a decimal text: `None` if it is not one (see [`is_decimal_text`]), else
/// whether it is also a JSON number literal (see [`is_json_number`]).
fn decimal_syntax(s: &[u8]) -> Option<bool> {
    let digits_from = |mut i: usize| {
        while s.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let (mut json, start) = match s.first() {
        Some(b'+') => (false, 1),
        Some(b'-') => (true, 1),
        _ => (true, 0),
    };
    let mut i = digits_from(start);
    let int_digits = i - start;
    let mut frac_digits = 0;
    if s.get(i) == Some(&b'.') {
        let frac = digits_from(i + 1);
        frac_digits = frac - (i + 1);
        // A JSON number has digits on both sides of its point (`5.`, `.5`, `5.e3` are not).
        json &= frac_digits > 0;
        i = frac;
    }
    if int_digits == 0 && frac_digits == 0 {
        return None;
    }
    json &= int_digits > 0;
    if matches!(s.get(i), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(s.get(i + 1), Some(b'+' | b'-')));
        let end = digits_from(i + 1 + sign);
        if end == i + 1 + sign {
            return None;
        }
        i = end;
    }
    (i == s.len()).then_some(json)
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
            repr: Repr::new(s, false),
        }
    }
}

impl From<String> for Decimal {
    fn from(text: String) -> Self {
        Decimal {
            repr: Repr::from_string(text, false),
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
        match self.was_number() {
            false => write!(f, "{:?}", self.as_str()),
            true => f.write_str(self.as_str()),
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
    const PLAIN_TEXT: bool = true;
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
        let text = self.as_str();
        match self.was_number() {
            // Written as a raw value, verbatim: `12.50` stays `12.50`. What JSON does not
            // allow (`012`) goes as a string.
            true if is_strict_json_number(text) => raw::serialize_raw(text, serializer),
            _ => serializer.serialize_str(text),
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
pub(crate) fn strict<'de, D: Deserializer<'de>, T: FromJson>(
    d: D,
    expected: &str,
) -> Result<T, D::Error> {
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

/// `YYYY-MM-DD`, RFC 3339's full date, the only spelling Waldur writes. Other texts chrono
/// would read as a date (`2024-1-05`, `+2024-01-05`) are kept raw: written back as they came,
/// never respelled.
impl FromJson for NaiveDate {
    fn from_str(v: &str) -> Option<Self> {
        match v.len() {
            10 => date_prefix(v.as_bytes()),
            _ => None,
        }
    }
    const PLAIN_TEXT: bool = true;
}

impl QueryValue for NaiveDate {
    fn query_value(&self) -> Cow<'_, str> {
        Cow::Owned(self.format("%Y-%m-%d").to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checks before the single pass, kept as the reference it must agree with.
    fn reference_is_decimal_text(s: &str) -> bool {
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

    fn reference_is_json_number(s: &str) -> bool {
        let unsigned = s.strip_prefix('-').unwrap_or(s);
        reference_is_decimal_text(s)
            && !s.starts_with('+')
            && unsigned.bytes().next().is_some_and(|b| b.is_ascii_digit())
            && !unsigned.contains(".e")
            && !unsigned.contains(".E")
            && !unsigned.ends_with('.')
    }

    #[test]
    fn decimal_syntax_agrees_with_the_reference_on_every_short_text() {
        const ALPHABET: &[u8] = b"01.eE+-x";
        let mut text = Vec::new();
        for len in 0..=6u32 {
            for mut n in 0..ALPHABET.len().pow(len) {
                text.clear();
                for _ in 0..len {
                    text.push(ALPHABET[n % ALPHABET.len()]);
                    n /= ALPHABET.len();
                }
                let s = std::str::from_utf8(&text).unwrap();
                assert_eq!(is_decimal_text(s), reference_is_decimal_text(s), "{s:?}");
                assert_eq!(is_json_number(s), reference_is_json_number(s), "{s:?}");
                // What serde_json accepts as a number, written raw.
                let strict = serde_json::from_str::<&serde_json::value::RawValue>(s)
                    .is_ok_and(|raw| raw.get().starts_with(['-', '0', '1']));
                assert_eq!(is_strict_json_number(s), strict, "{s:?}");
            }
        }
    }

    #[test]
    fn decimals_in_place_and_boxed_are_the_same_values() {
        let short = "-123456789.1234567890"; // 21 bytes: the longest kept in place
        let long = "-123456789.12345678901";
        for text in [
            "",
            "0",
            "12.50",
            short,
            long,
            "1234567890123456789012345678901234567890",
        ] {
            let d = Decimal::from(text);
            assert_eq!(d.as_str(), text);
            assert_eq!(Decimal::from(text.to_string()), d);
            assert!(!d.was_number());
            if let Some(n) = Decimal::from_json_number(text) {
                assert_eq!(n.as_str(), text);
                assert!(n.was_number());
                assert_ne!(n, d, "the form is part of the value");
                assert_eq!(serde_json::to_string(&n).unwrap(), text);
            }
        }
        let state = std::hash::RandomState::new();
        let hash = |d: &Decimal| std::hash::BuildHasher::hash_one(&state, d);
        let a = Decimal::from("12.50");
        assert_eq!(hash(&a), hash(&Decimal::from("12.50".to_string())));
        // Not a JSON number, though a decimal: written as a string, never as invalid JSON.
        let lead = Decimal::from_json_number("012").unwrap();
        assert_eq!(serde_json::to_string(&lead).unwrap(), r#""012""#);
        assert_eq!(
            serde_json::to_value(Decimal::from_json_number("12.50").unwrap()).unwrap(),
            serde_json::json!(12.5)
        );
    }

    #[test]
    fn dates_are_typed_exactly_when_chrono_reads_them_and_they_spell_back() {
        let cases = [
            "2024-02-29",
            "2023-02-29",
            "0000-01-01",
            "9999-12-31",
            "2024-13-01",
            "2024-00-10",
            "2024-01-00",
            "2024-01-32",
            "2024-1-05",
            "24-01-05",
            "+2024-01-05",
            "12024-01-05",
            "2024-01-05 ",
            " 2024-01-05",
            "2024/01/05",
            "2024-01-0x",
            "",
            "2024-01-05T00:00:00Z",
        ];
        for text in cases {
            let exact = NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .filter(|d| d.format("%Y-%m-%d").to_string() == text);
            assert_eq!(<NaiveDate as FromJson>::from_str(text), exact, "{text:?}");
        }
    }
}
