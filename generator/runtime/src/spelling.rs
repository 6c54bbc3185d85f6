//! UUIDs and date-times that keep the server's spelling.
//!
//! Waldur writes a UUID as 32 hex digits (`0b6a0ac79f1e4b8c9d2e3f4a5b6c7d8e`) and a date-time
//! with a numeric offset and microseconds (`2024-01-02T03:04:05.123456+00:00`); other servers
//! and older records use hyphens, `Z` or other fraction lengths. A value is one thing, its
//! spelling another: [`Uuid`] and [`DateTime`] hold both, compare and hash by the value only,
//! and write the spelling they were read in. So decoding a response and encoding it again gives
//! the JSON the server sent, and a value built in code is written as Waldur writes it.
//!
//! The spellings kept: a UUID simple, hyphenated, braced or as a URN, in lower or upper case
//! (mixed case is written lower case); a date-time with `T`, `t` or a space between date and
//! time, 0 to 9 fraction digits as written (a longer fraction is cut to nanoseconds, which is
//! all the value holds), and `Z`, `z`, `+HH:MM`, `-00:00` or an offset with U+2212 MINUS SIGN
//! as its zone.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::str::FromStr;

use chrono::{Datelike, FixedOffset, NaiveDate, SecondsFormat, TimeZone, Timelike};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::lenient::FromJson;
use super::request::QueryValue;

/// A UUID that remembers how it was spelled: a `uuid::Uuid` (through `Deref` and
/// [`Uuid::as_uuid`]) and its [`UuidForm`]. Equality, ordering and hashing are those of the
/// value: `"0b6a…"` and `"0b6a0ac7-…"` are equal.
///
/// Decoded, it is written back as it arrived; built in code ([`Uuid::from_u128`],
/// `From<uuid::Uuid>`), it is written as Waldur writes UUIDs, 32 lower-case hex digits. In a
/// query or path it is always 32 lower-case hex digits: Waldur's URL patterns match only that.
#[derive(Clone, Copy, Default)]
pub struct Uuid {
    value: uuid::Uuid,
    form: UuidForm,
}

/// How a [`Uuid`] is written: its layout and the case of its hex digits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct UuidForm {
    pub layout: UuidLayout,
    pub uppercase: bool,
}

/// The layouts `uuid::Uuid` parses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum UuidLayout {
    /// `0b6a0ac79f1e4b8c9d2e3f4a5b6c7d8e`, as Waldur writes them.
    #[default]
    Simple,
    /// `0b6a0ac7-9f1e-4b8c-9d2e-3f4a5b6c7d8e`.
    Hyphenated,
    /// `{0b6a0ac7-9f1e-4b8c-9d2e-3f4a5b6c7d8e}`.
    Braced,
    /// `urn:uuid:0b6a0ac7-9f1e-4b8c-9d2e-3f4a5b6c7d8e`.
    Urn,
}

impl UuidForm {
    /// 32 lower-case hex digits: Waldur's spelling.
    pub const WALDUR: UuidForm = UuidForm {
        layout: UuidLayout::Simple,
        uppercase: false,
    };

    /// The spelling of a text `uuid::Uuid` parsed.
    fn of(text: &str) -> UuidForm {
        let layout = match text.len() {
            32 => UuidLayout::Simple,
            36 => UuidLayout::Hyphenated,
            38 => UuidLayout::Braced,
            _ => UuidLayout::Urn,
        };
        let (mut upper, mut lower) = (false, false);
        for b in text.bytes() {
            upper |= b.is_ascii_uppercase();
            lower |= matches!(b, b'a'..=b'f');
        }
        // The `urn:uuid:` prefix is lower case whatever the digits are.
        if layout == UuidLayout::Urn {
            lower = text
                .get(9..)
                .is_some_and(|hex| hex.bytes().any(|b| matches!(b, b'a'..=b'f')));
        }
        UuidForm {
            layout,
            uppercase: upper && !lower,
        }
    }
}

impl Uuid {
    /// The nil UUID (all zeros), spelled as Waldur spells UUIDs.
    pub const fn nil() -> Uuid {
        Uuid::from_u128(0)
    }

    pub const fn from_u128(v: u128) -> Uuid {
        Uuid {
            value: uuid::Uuid::from_u128(v),
            form: UuidForm::WALDUR,
        }
    }

    pub const fn from_bytes(bytes: [u8; 16]) -> Uuid {
        Uuid {
            value: uuid::Uuid::from_bytes(bytes),
            form: UuidForm::WALDUR,
        }
    }

    /// A UUID in any spelling `uuid::Uuid::try_parse` accepts, remembering the spelling.
    pub fn parse_str(text: &str) -> Result<Uuid, uuid::Error> {
        uuid::Uuid::try_parse(text).map(|value| Uuid {
            value,
            form: UuidForm::of(text),
        })
    }

    /// Same as [`Uuid::parse_str`].
    pub fn try_parse(text: &str) -> Result<Uuid, uuid::Error> {
        Uuid::parse_str(text)
    }

    /// A value with its spelling, for crates that take a `uuid::Uuid`.
    pub const fn as_uuid(&self) -> &uuid::Uuid {
        &self.value
    }

    pub const fn into_uuid(self) -> uuid::Uuid {
        self.value
    }

    /// How the value is written.
    pub const fn form(&self) -> UuidForm {
        self.form
    }

    /// The same value, written as `form` says.
    pub const fn with_form(self, form: UuidForm) -> Uuid {
        Uuid {
            value: self.value,
            form,
        }
    }
}

impl Deref for Uuid {
    type Target = uuid::Uuid;

    fn deref(&self) -> &uuid::Uuid {
        &self.value
    }
}

impl From<uuid::Uuid> for Uuid {
    fn from(value: uuid::Uuid) -> Uuid {
        Uuid {
            value,
            form: UuidForm::WALDUR,
        }
    }
}

impl From<Uuid> for uuid::Uuid {
    fn from(v: Uuid) -> uuid::Uuid {
        v.value
    }
}

impl PartialEq for Uuid {
    fn eq(&self, other: &Uuid) -> bool {
        self.value == other.value
    }
}

impl Eq for Uuid {}

impl PartialEq<uuid::Uuid> for Uuid {
    fn eq(&self, other: &uuid::Uuid) -> bool {
        self.value == *other
    }
}

impl PartialOrd for Uuid {
    fn partial_cmp(&self, other: &Uuid) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Uuid {
    fn cmp(&self, other: &Uuid) -> Ordering {
        self.value.cmp(&other.value)
    }
}

impl Hash for Uuid {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl FromStr for Uuid {
    type Err = uuid::Error;

    fn from_str(s: &str) -> Result<Uuid, uuid::Error> {
        Uuid::parse_str(s)
    }
}

/// The text in its spelling.
impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = &self.value;
        match (self.form.layout, self.form.uppercase) {
            (UuidLayout::Simple, false) => write!(f, "{:x}", v.simple()),
            (UuidLayout::Simple, true) => write!(f, "{:X}", v.simple()),
            (UuidLayout::Hyphenated, false) => write!(f, "{:x}", v.hyphenated()),
            (UuidLayout::Hyphenated, true) => write!(f, "{:X}", v.hyphenated()),
            (UuidLayout::Braced, false) => write!(f, "{{{:x}}}", v.hyphenated()),
            (UuidLayout::Braced, true) => write!(f, "{{{:X}}}", v.hyphenated()),
            (UuidLayout::Urn, false) => write!(f, "urn:uuid:{:x}", v.hyphenated()),
            (UuidLayout::Urn, true) => write!(f, "urn:uuid:{:X}", v.hyphenated()),
        }
    }
}

/// The text in its spelling, as in a response's `Debug`.
impl fmt::Debug for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Uuid {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Strict: a UUID string in any spelling (remembered); anything else is an error.
impl<'de> Deserialize<'de> for Uuid {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        super::scalars::strict(deserializer, "a UUID")
    }
}

/// A UUID in any spelling the server uses: simple (32 hex digits, as Waldur writes them),
/// hyphenated, braced or `urn:uuid:`.
impl FromJson for Uuid {
    fn from_str(v: &str) -> Option<Self> {
        Uuid::parse_str(v).ok()
    }
    const PLAIN_TEXT: bool = true;
}

/// 32 lower-case hex digits whatever the spelling, as Waldur writes UUIDs in URLs (its URL
/// patterns match only that form).
impl QueryValue for Uuid {
    fn query_value(&self) -> Cow<'_, str> {
        Cow::Owned(self.value.simple().to_string())
    }
}

/// A timezone-aware date-time that remembers how it was spelled: a
/// `chrono::DateTime<FixedOffset>` (through `Deref` and [`DateTime::as_chrono`]) and its
/// [`DateTimeForm`]. Equality, ordering and hashing are those of the instant, as for chrono's
/// type: `…T03:04:05Z` equals `…T05:04:05+02:00`.
///
/// Decoded, it is written back as it arrived; built in code (`From<chrono::DateTime<_>>`), it
/// is written as Waldur writes date-times: `2024-01-02T03:04:05.123456+00:00`, the fraction
/// only when there is one (9 digits when microseconds do not hold it). In a query it is RFC
/// 3339 with `Z` for UTC and as many fraction digits as needed.
#[derive(Clone, Copy)]
pub struct DateTime {
    value: chrono::DateTime<FixedOffset>,
    form: DateTimeForm,
}

/// How a [`DateTime`] is written: the character between date and time, the fraction digits
/// and the spelling of its zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateTimeForm {
    separator: u8,
    /// Digits after the second's point, or [`AUTO_FRACTION`].
    fraction: u8,
    zone: ZoneSpelling,
}

/// Fraction digits as Python's `isoformat` writes them: none for a whole second, else 6, or 9
/// when microseconds cannot hold the value.
const AUTO_FRACTION: u8 = u8::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum ZoneSpelling {
    /// `+HH:MM`, `+00:00` for UTC.
    Numeric,
    /// `-00:00` for UTC ("offset unknown" in RFC 3339); `+HH:MM` otherwise.
    NegativeZero,
    /// `Z` for UTC, `+HH:MM` otherwise.
    Z,
    /// `z` for UTC, `+HH:MM` otherwise.
    LowerZ,
    /// `−HH:MM` with U+2212 MINUS SIGN (which chrono reads as `-`) for UTC and west of it,
    /// `+HH:MM` east of it.
    UnicodeMinus,
}

impl Default for DateTimeForm {
    fn default() -> DateTimeForm {
        DateTimeForm::WALDUR
    }
}

impl DateTimeForm {
    /// As Waldur (Python's `isoformat`) writes date-times: `T`, the fraction only when there is
    /// one, a numeric offset (`+00:00` for UTC).
    pub const WALDUR: DateTimeForm = DateTimeForm {
        separator: b'T',
        fraction: AUTO_FRACTION,
        zone: ZoneSpelling::Numeric,
    };

    /// `T`, the fraction only when there is one, `Z` for UTC.
    pub const RFC3339_Z: DateTimeForm = DateTimeForm {
        separator: b'T',
        fraction: AUTO_FRACTION,
        zone: ZoneSpelling::Z,
    };

    /// The spelling of an RFC 3339 text chrono accepted: the separator at byte 10, the digits
    /// after the seconds' point, the zone at the end.
    fn of(text: &str) -> DateTimeForm {
        let b = text.as_bytes();
        let separator = b.get(10).copied().unwrap_or(b'T');
        let fraction = match b.get(19) {
            Some(b'.') => b[20..].iter().take_while(|c| c.is_ascii_digit()).count(),
            _ => 0,
        };
        let zone = match b.last() {
            Some(b'Z') => ZoneSpelling::Z,
            Some(b'z') => ZoneSpelling::LowerZ,
            _ if text.ends_with("-00:00") => ZoneSpelling::NegativeZero,
            _ if text.contains('\u{2212}') => ZoneSpelling::UnicodeMinus,
            _ => ZoneSpelling::Numeric,
        };
        DateTimeForm {
            separator,
            fraction: fraction.min(9) as u8,
            zone,
        }
    }
}

impl DateTime {
    /// An RFC 3339 date-time (`2024-01-02T03:04:05.5+02:00`), remembering its spelling.
    pub fn parse_from_rfc3339(text: &str) -> Result<DateTime, chrono::ParseError> {
        match parse_date_time(text) {
            Some(v) => Ok(v),
            // Only for chrono's error, which has no public constructor.
            None => chrono::DateTime::parse_from_rfc3339(text).map(DateTime::from),
        }
    }

    pub const fn as_chrono(&self) -> &chrono::DateTime<FixedOffset> {
        &self.value
    }

    pub const fn into_chrono(self) -> chrono::DateTime<FixedOffset> {
        self.value
    }

    /// How the value is written.
    pub const fn form(&self) -> DateTimeForm {
        self.form
    }

    /// The same instant, written as `form` says.
    pub const fn with_form(self, form: DateTimeForm) -> DateTime {
        DateTime {
            value: self.value,
            form,
        }
    }
}

impl Deref for DateTime {
    type Target = chrono::DateTime<FixedOffset>;

    fn deref(&self) -> &chrono::DateTime<FixedOffset> {
        &self.value
    }
}

/// Any chrono date-time (`Utc::now()` with chrono's `clock` feature, a `DateTime<Local>`), at
/// its own offset, spelled as Waldur spells date-times.
impl<Tz: TimeZone> From<chrono::DateTime<Tz>> for DateTime {
    fn from(value: chrono::DateTime<Tz>) -> DateTime {
        DateTime {
            value: value.fixed_offset(),
            form: DateTimeForm::WALDUR,
        }
    }
}

impl From<DateTime> for chrono::DateTime<FixedOffset> {
    fn from(v: DateTime) -> chrono::DateTime<FixedOffset> {
        v.value
    }
}

impl From<DateTime> for chrono::DateTime<chrono::Utc> {
    fn from(v: DateTime) -> chrono::DateTime<chrono::Utc> {
        v.value.to_utc()
    }
}

impl PartialEq for DateTime {
    fn eq(&self, other: &DateTime) -> bool {
        self.value == other.value
    }
}

impl Eq for DateTime {}

impl<Tz: TimeZone> PartialEq<chrono::DateTime<Tz>> for DateTime {
    fn eq(&self, other: &chrono::DateTime<Tz>) -> bool {
        self.value == *other
    }
}

impl PartialOrd for DateTime {
    fn partial_cmp(&self, other: &DateTime) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateTime {
    fn cmp(&self, other: &DateTime) -> Ordering {
        self.value.cmp(&other.value)
    }
}

impl Hash for DateTime {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl FromStr for DateTime {
    type Err = chrono::ParseError;

    fn from_str(s: &str) -> Result<DateTime, chrono::ParseError> {
        DateTime::parse_from_rfc3339(s)
    }
}

/// The text in its spelling.
impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let local = self.value.naive_local();
        let year = local.year();
        if !(0..=9999).contains(&year) {
            // Beyond RFC 3339's four-digit years: chrono's extended form.
            return f.write_str(&self.value.to_rfc3339_opts(SecondsFormat::AutoSi, false));
        }
        let form = self.form;
        let (mut second, mut nanos) = (local.second(), local.nanosecond());
        if nanos >= 1_000_000_000 {
            // chrono's leap second: 59 s and more than a second of nanoseconds.
            second += 1;
            nanos -= 1_000_000_000;
        }
        write!(
            f,
            "{year:04}-{:02}-{:02}{}{:02}:{:02}:{second:02}",
            local.month(),
            local.day(),
            char::from(form.separator),
            local.hour(),
            local.minute(),
        )?;
        let digits = match form.fraction {
            // Exact only when those digits hold the value (a value read from text does).
            n if n <= 9 && nanos % 10u32.pow(9 - u32::from(n)) == 0 => n,
            _ if nanos == 0 => 0,
            _ if nanos % 1000 == 0 => 6,
            _ => 9,
        };
        if digits > 0 {
            let shown = nanos / 10u32.pow(9 - u32::from(digits));
            write!(f, ".{shown:0width$}", width = usize::from(digits))?;
        }
        let offset = self.value.offset().local_minus_utc();
        match form.zone {
            ZoneSpelling::Z if offset == 0 => f.write_str("Z"),
            ZoneSpelling::LowerZ if offset == 0 => f.write_str("z"),
            ZoneSpelling::NegativeZero if offset == 0 => f.write_str("-00:00"),
            zone => {
                let sign = match (offset, zone) {
                    (..=0, ZoneSpelling::UnicodeMinus) => '\u{2212}',
                    (..0, _) => '-',
                    _ => '+',
                };
                let abs = offset.unsigned_abs();
                write!(f, "{sign}{:02}:{:02}", abs / 3600, abs / 60 % 60)?;
                match abs % 60 {
                    0 => Ok(()),
                    s => write!(f, ":{s:02}"),
                }
            }
        }
    }
}

/// The text in its spelling, as in a response's `Debug`.
impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Strict: an RFC 3339 date-time string with an offset (spelling remembered); anything else is
/// an error.
impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        super::scalars::strict(deserializer, "an RFC 3339 date-time")
    }
}

/// An RFC 3339 date-time with an offset, as Django REST framework writes them:
/// `2024-01-02T03:04:05.123456+00:00`, `2024-01-02T05:04:05Z`, with or without fraction.
/// A date-time without offset is not a point in time and is kept raw.
impl FromJson for DateTime {
    fn from_str(v: &str) -> Option<Self> {
        parse_date_time(v)
    }
    const PLAIN_TEXT: bool = true;
}

/// RFC 3339 with as many fraction digits as needed and `Z` for UTC (`+` would need
/// percent-encoding in a query, and some proxies decode it as a space).
impl QueryValue for DateTime {
    fn query_value(&self) -> Cow<'_, str> {
        Cow::Owned(self.value.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

/// [`chrono::DateTime::parse_from_rfc3339`] with the spelling remembered, and the spelling
/// servers use read directly: `YYYY-MM-DDTHH:MM:SS`, up to 9 fraction digits, then `Z` or
/// `+HH:MM`. Anything else (a space or lower-case `t`, leap second, longer fraction, invalid
/// value) goes to chrono, so both accept exactly the same texts and give the same values; the
/// direct path only saves chrono's general scanners, whose code does not stay in the
/// instruction cache while a page of models is decoded.
pub(crate) fn parse_date_time(v: &str) -> Option<DateTime> {
    fn direct(b: &[u8]) -> Option<DateTime> {
        let date = date_prefix(b)?;
        let [b'T', h0, h1, b':', m0, m1, b':', s0, s1, ref rest @ ..] = *b.get(10..)? else {
            return None;
        };
        let [h0, h1, m0, m1, s0, s1] = digits([h0, h1, m0, m1, s0, s1])?;
        let (hour, min, sec) = (h0 * 10 + h1, m0 * 10 + m1, s0 * 10 + s1);
        if sec > 59 {
            return None; // a leap second: chrono's own rules
        }
        let (nano, fraction, zone) = match rest {
            [b'.', frac @ ..] => {
                const SCALE: [u32; 10] = [
                    0,
                    100_000_000,
                    10_000_000,
                    1_000_000,
                    100_000,
                    10_000,
                    1_000,
                    100,
                    10,
                    1,
                ];
                let mut nano = 0;
                let mut count = 0;
                for d in frac.iter().take(9).map_while(|&c| digit(c)) {
                    nano = nano * 10 + d;
                    count += 1;
                }
                if count == 0 || frac.get(count).is_some_and(u8::is_ascii_digit) {
                    return None; // none, or more than chrono keeps: its own rules
                }
                (nano * SCALE[count], count as u8, &frac[count..])
            }
            _ => (0, 0, rest),
        };
        let (offset, zone) = match *zone {
            [b'Z'] => (0, ZoneSpelling::Z),
            [sign @ (b'+' | b'-'), h0, h1, b':', m0, m1] => {
                let [h0, h1, m0, m1] = digits([h0, h1, m0, m1])?;
                let (h, m) = (h0 * 10 + h1, m0 * 10 + m1);
                if h > 23 || m > 59 {
                    return None;
                }
                let secs = (h * 3600 + m * 60) as i32;
                match sign {
                    b'-' if secs == 0 => (0, ZoneSpelling::NegativeZero),
                    b'-' => (-secs, ZoneSpelling::Numeric),
                    _ => (secs, ZoneSpelling::Numeric),
                }
            }
            _ => return None,
        };
        let time = chrono::NaiveTime::from_hms_nano_opt(hour, min, sec, nano)?;
        // What `and_local_timezone(offset).single()` gives for a fixed offset, directly.
        let offset = FixedOffset::east_opt(offset)?;
        let utc = date.and_time(time).checked_sub_offset(offset)?;
        Some(DateTime {
            value: chrono::DateTime::from_naive_utc_and_offset(utc, offset),
            form: DateTimeForm {
                separator: b'T',
                fraction,
                zone,
            },
        })
    }
    direct(v.as_bytes()).or_else(|| date_time_by_chrono(v))
}

#[cold]
#[inline(never)]
fn date_time_by_chrono(v: &str) -> Option<DateTime> {
    let value = chrono::DateTime::parse_from_rfc3339(v).ok()?;
    Some(DateTime {
        value,
        form: DateTimeForm::of(v),
    })
}

/// The date of text starting with `YYYY-MM-DD`.
pub(crate) fn date_prefix(b: &[u8]) -> Option<NaiveDate> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1, ..] = *b else {
        return None;
    };
    let [y0, y1, y2, y3, m0, m1, d0, d1] = digits([y0, y1, y2, y3, m0, m1, d0, d1])?;
    let year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
    NaiveDate::from_ymd_opt(year as i32, m0 * 10 + m1, d0 * 10 + d1)
}

/// The value of an ASCII digit.
fn digit(c: u8) -> Option<u32> {
    let d = c.wrapping_sub(b'0');
    (d < 10).then_some(u32::from(d))
}

/// The values of ASCII digits, if all of them are: one test for all.
fn digits<const N: usize>(c: [u8; N]) -> Option<[u32; N]> {
    let mut out = [0; N];
    let mut bad = false;
    for (o, c) in out.iter_mut().zip(c) {
        let d = c.wrapping_sub(b'0');
        bad |= d > 9;
        *o = u32::from(d);
    }
    (!bad).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_read_directly_agree_with_chrono() {
        let mut cases: Vec<String> = [
            "2024-01-02T03:04:05Z",
            "2024-01-02T03:04:05.1Z",
            "2024-01-02T03:04:05.123456789Z",
            "2024-01-02T03:04:05.1234567891Z",
            "2024-01-02T03:04:05.123456789123+01:00",
            "2024-01-02T03:04:05.Z",
            "2024-01-02T03:04:60Z",
            "2016-12-31T23:59:60.5+00:00",
            "2024-01-02t03:04:05z",
            "2024-01-02 03:04:05+02:00",
            "2024-01-02T03:04:05+23:59",
            "2024-01-02T03:04:05-23:59",
            "2024-01-02T03:04:05+24:00",
            "2024-01-02T03:04:05+01:60",
            "2024-01-02T03:04:05-00:00",
            "2024-01-02T03:04:05+0100",
            "2024-01-02T03:04:05+01",
            "2024-01-02T03:04:05\u{2212}01:00",
            "2024-01-02T03:04:05",
            "2024-01-02T24:00:00Z",
            "2024-01-02T23:60:00Z",
            "2024-02-29T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "0000-01-01T00:00:00+23:59",
            "9999-12-31T23:59:59.999999999-23:59",
            "2024-13-01T00:00:00Z",
            "2024-00-01T00:00:00Z",
            "2024-01-00T00:00:00Z",
            "2024-1-02T03:04:05Z",
            "+2024-01-02T03:04:05Z",
            "2024-01-02T03:04:05ZZ",
            "2024-01-02T03:04:05 Z",
            "２024-01-02T03:04:05Z",
            "",
            "2024",
        ]
        .map(String::from)
        .to_vec();
        for frac in 0..=12 {
            for zone in ["Z", "+05:30", "-11:45"] {
                let digits = "987654321098".get(..frac).unwrap();
                let dot = if frac > 0 { "." } else { "" };
                cases.push(format!("2020-06-15T12:34:56{dot}{digits}{zone}"));
            }
        }
        for text in &cases {
            let ours = parse_date_time(text);
            let chrono = chrono::DateTime::parse_from_rfc3339(text).ok();
            assert_eq!(ours.map(|d| d.value), chrono, "{text:?}");
            // The offset is kept, not only the instant.
            assert_eq!(
                ours.map(|d| d.offset().local_minus_utc()),
                chrono.map(|d| d.offset().local_minus_utc()),
            );
            // And the text: written back as it came, but for a fraction beyond nanoseconds.
            if let Some(d) = ours {
                let frac = text.as_bytes().get(19) == Some(&b'.')
                    && text[20..].bytes().take_while(u8::is_ascii_digit).count() > 9;
                if !frac {
                    assert_eq!(d.to_string(), *text);
                }
            }
        }
    }

    #[test]
    fn uuids_keep_their_spelling_and_compare_by_value() {
        let simple = "0b6a0ac79f1e4b8c9d2e3f4a5b6c7d8e";
        let cases = [
            simple,
            "0b6a0ac7-9f1e-4b8c-9d2e-3f4a5b6c7d8e",
            "0B6A0AC79F1E4B8C9D2E3F4A5B6C7D8E",
            "0B6A0AC7-9F1E-4B8C-9D2E-3F4A5B6C7D8E",
            "{0b6a0ac7-9f1e-4b8c-9d2e-3f4a5b6c7d8e}",
            "{0B6A0AC7-9F1E-4B8C-9D2E-3F4A5B6C7D8E}",
            "urn:uuid:0b6a0ac7-9f1e-4b8c-9d2e-3f4a5b6c7d8e",
            "urn:uuid:0B6A0AC7-9F1E-4B8C-9D2E-3F4A5B6C7D8E",
        ];
        let first = Uuid::parse_str(simple).unwrap();
        for text in cases {
            let u: Uuid = text.parse().unwrap();
            assert_eq!(u.to_string(), text);
            assert_eq!(format!("{u:?}"), text);
            assert_eq!(serde_json::to_string(&u).unwrap(), format!("\"{text}\""));
            assert_eq!(u, first);
            assert_eq!(u.query_value(), simple, "a URL gets Waldur's form");
            let strict: Uuid = serde_json::from_str(&format!("\"{text}\"")).unwrap();
            assert_eq!(strict.form(), u.form());
        }
        // Mixed case has no form of its own: lower case.
        let mixed = Uuid::parse_str("0B6A0ac79f1e4b8c9d2e3f4a5b6c7d8e").unwrap();
        assert_eq!(mixed.to_string(), simple);
        // Built in code: Waldur's spelling.
        let built = Uuid::from(*first.as_uuid());
        assert_eq!(
            serde_json::to_string(&built).unwrap(),
            format!("\"{simple}\"")
        );
        assert_eq!(
            Uuid::from_u128(1).to_string(),
            "00000000000000000000000000000001"
        );
        let hyphenated = first.with_form(UuidForm {
            layout: UuidLayout::Hyphenated,
            uppercase: false,
        });
        assert_eq!(hyphenated.to_string(), cases[1]);
        let state = std::hash::RandomState::new();
        let hash = |u: &Uuid| std::hash::BuildHasher::hash_one(&state, u);
        assert_eq!(hash(&hyphenated), hash(&first));
        assert!(serde_json::from_str::<Uuid>("\"not-a-uuid\"").is_err());
    }

    #[test]
    fn date_times_keep_their_spelling_and_compare_by_instant() {
        let cases = [
            "2024-01-02T03:04:05.123456+00:00",
            "2024-01-02T03:04:05+00:00",
            "2024-01-02T03:04:05Z",
            "2024-01-02T03:04:05.100Z",
            "2024-01-02T03:04:05.120000+00:00",
            "2024-01-02t03:04:05z",
            "2024-01-02 03:04:05.5-00:00",
            "2024-01-02T05:04:05.000000000+02:00",
            "2016-12-31T23:59:60.5+00:00",
        ];
        for text in cases {
            let d: DateTime = text.parse().unwrap();
            assert_eq!(d.to_string(), text);
            assert_eq!(serde_json::to_string(&d).unwrap(), format!("\"{text}\""));
            let strict: DateTime = serde_json::from_str(&format!("\"{text}\"")).unwrap();
            assert_eq!(strict.to_string(), text);
        }
        let z: DateTime = "2024-01-02T03:04:05Z".parse().unwrap();
        let plus2: DateTime = "2024-01-02T05:04:05+02:00".parse().unwrap();
        assert_eq!(z, plus2, "the same instant");
        // Built in code: as Waldur writes date-times.
        let utc = chrono::Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(DateTime::from(utc).to_string(), "2024-01-02T03:04:05+00:00");
        let micro = utc + chrono::Duration::microseconds(120);
        assert_eq!(
            DateTime::from(micro).to_string(),
            "2024-01-02T03:04:05.000120+00:00"
        );
        let nano = utc + chrono::Duration::nanoseconds(7);
        assert_eq!(
            DateTime::from(nano).to_string(),
            "2024-01-02T03:04:05.000000007+00:00"
        );
        assert_eq!(
            DateTime::from(utc)
                .with_form(DateTimeForm::RFC3339_Z)
                .to_string(),
            "2024-01-02T03:04:05Z"
        );
        // A query spells UTC as `Z` whatever the form.
        let waldur: DateTime = "2024-01-02T03:04:05.5+00:00".parse().unwrap();
        assert_eq!(waldur.query_value(), "2024-01-02T03:04:05.500Z");
        assert!(serde_json::from_str::<DateTime>("\"2024-01-02T03:04:05\"").is_err());
    }
}
