//! Typed scalars of response and request fields: UUIDs, date-times and dates.
//!
//! Each has [`FromJson`] (a response value that does not parse stays raw, nothing fails) and
//! [`QueryValue`] (query and path parameters).

use std::borrow::Cow;

use super::lenient::FromJson;
use super::request::QueryValue;

pub use uuid::Uuid;

/// A timezone-aware date-time (`2024-01-02T03:04:05.123456Z`, `...+02:00`).
pub type DateTime = chrono::DateTime<chrono::FixedOffset>;

/// A calendar date (`2024-01-02`).
pub type Date = chrono::NaiveDate;

/// Hyphenated (`a1b2c3d4-e5f6-...`) and dashless forms are both accepted.
impl FromJson for Uuid {
    fn from_str(v: &str) -> Option<Self> {
        Uuid::try_parse(v).ok()
    }
}

impl QueryValue for Uuid {
    fn query_value(&self) -> Cow<'_, str> {
        Cow::Owned(self.hyphenated().to_string())
    }
}

/// RFC 3339, as Django REST framework writes it.
impl FromJson for DateTime {
    fn from_str(v: &str) -> Option<Self> {
        chrono::DateTime::parse_from_rfc3339(v).ok()
    }
}

impl QueryValue for DateTime {
    fn query_value(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
}

impl FromJson for Date {
    fn from_str(v: &str) -> Option<Self> {
        chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()
    }
}

impl QueryValue for Date {
    fn query_value(&self) -> Cow<'_, str> {
        Cow::Owned(self.format("%Y-%m-%d").to_string())
    }
}
