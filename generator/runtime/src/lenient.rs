//! Response decoding that never fails on one bad field.
//!
//! The Waldur server does not always follow its schema: fields are `null` or missing, objects
//! arrive as `""`, decimals as numbers, enums gain values, numbers overflow. Every response
//! field is therefore a [`Lenient`], which records what arrived instead of failing the whole
//! response, and keeps a value of the wrong kind verbatim ([`RawJson`]) so that serialising
//! the model gives back the input.
//!
//! Each field is read as its raw JSON text first (one scan, borrowed from the body), then
//! turned into its type: numbers are parsed from their text (so `1e400` or an integer beyond
//! `u64` is kept raw instead of failing or being rounded), strings without escapes are not
//! copied twice, and nested objects and arrays are decoded from their own text: models, lists
//! and maps walk it (`scan`: serde_json has already checked it, so only its structure is looked
//! at), other types go through serde_json again.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::error::FieldError;
use super::limits::{self, NestingGuard};
use super::raw::{self, Integer, Literal, RawJson};
use super::scan::{self, has_backslash};

/// A response field: absent, null, a value of the declared type, or a value that did not
/// match it (kept verbatim).
///
/// `Debug` shows what arrived: the value itself, `null`, `absent` or `invalid(<json>)`.
#[derive(Clone, PartialEq, Default)]
pub enum Lenient<T> {
    #[default]
    Absent,
    Null,
    Valid(T),
    Invalid(RawJson),
}

impl<T> Lenient<T> {
    /// The value, when it arrived with the declared type.
    pub fn get(&self) -> Option<&T> {
        match self {
            Lenient::Valid(v) => Some(v),
            _ => None,
        }
    }

    /// A copy of the value (for `Copy` types: `bool`, integers, `Uuid`, dates).
    pub fn copied(&self) -> Option<T>
    where
        T: Copy,
    {
        self.get().copied()
    }

    /// A clone of the value.
    pub fn cloned(&self) -> Option<T>
    where
        T: Clone,
    {
        self.get().cloned()
    }

    /// The value as an `Option` (what [`Lenient::get`] gives, consuming the field).
    pub fn into_option(self) -> Option<T> {
        match self {
            Lenient::Valid(v) => Some(v),
            _ => None,
        }
    }

    /// The value of a field the caller needs, or an error naming the field and saying what
    /// arrived instead; it converts into [`super::Error`], so `?` works in functions returning
    /// either. `field` is how the error names it, e.g. `"OpenStackVolume.uuid"`.
    pub fn required(&self, field: &'static str) -> Result<&T, FieldError> {
        match self {
            Lenient::Valid(v) => Ok(v),
            other => Err(FieldError::new(field, other.describe())),
        }
    }

    /// Like [`Lenient::required`], taking the value.
    pub fn into_required(self, field: &'static str) -> Result<T, FieldError> {
        match self {
            Lenient::Valid(v) => Ok(v),
            other => Err(FieldError::new(field, other.describe())),
        }
    }

    /// A value that did not match the declared type (tests and hand-built models).
    pub fn invalid(raw: impl Into<RawJson>) -> Lenient<T> {
        Lenient::Invalid(raw.into())
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

    /// Whether the server sent a value the spec did not promise for this field.
    pub fn is_invalid(&self) -> bool {
        matches!(self, Lenient::Invalid(_))
    }

    /// The exact JSON of a value that did not match the declared type.
    pub fn raw_invalid(&self) -> Option<&RawJson> {
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

    /// What arrived, for messages: `absent`, `null`, or the kind and start of an invalid value.
    fn describe(&self) -> String {
        match self {
            Lenient::Absent => "absent".to_owned(),
            Lenient::Null => "null".to_owned(),
            Lenient::Valid(_) => "valid".to_owned(),
            Lenient::Invalid(raw) => format!(
                "a {} the spec does not allow: {}",
                raw.kind(),
                super::error::loggable(raw.get(), 100)
            ),
        }
    }
}

impl Lenient<String> {
    /// The text, when it arrived as a string (what a generated `name()` accessor returns).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Lenient::Valid(v) => Some(v),
            _ => None,
        }
    }
}

impl<T> Lenient<Vec<T>> {
    /// The elements, when an array arrived (what a generated accessor of a list returns).
    pub fn as_slice(&self) -> Option<&[T]> {
        match self {
            Lenient::Valid(v) => Some(v),
            _ => None,
        }
    }
}

impl<T> Lenient<Box<T>> {
    /// The value behind the box of a recursive model.
    pub fn as_deref(&self) -> Option<&T> {
        match self {
            Lenient::Valid(v) => Some(v),
            _ => None,
        }
    }
}

impl<T> From<T> for Lenient<T> {
    fn from(v: T) -> Self {
        Lenient::Valid(v)
    }
}

impl<T: fmt::Debug> fmt::Debug for Lenient<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lenient::Absent => f.write_str("absent"),
            Lenient::Null => f.write_str("null"),
            Lenient::Valid(v) => v.fmt(f),
            Lenient::Invalid(raw) => write!(f, "invalid({raw:?})"),
        }
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

/// Never fails on the value itself: only invalid JSON syntax, or a response exceeding the
/// decode memory budget ([`super::limits`]), is an error.
impl<'de, T: FromJson> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = raw::raw_text(deserializer)?;
        from_raw(&text).map_err(de::Error::custom)
    }
}

/// Decodes one value from its JSON text. `Err` only when the memory budget ran out.
///
/// The first byte tells the JSON kind (the text was scanned as one value). This function is
/// instantiated for every field type, and a page decodes many types per item: what does not
/// depend on the type (unescaping, keeping a value raw) is out of line, so that the code
/// decoding a page stays small.
pub fn from_raw<T: FromJson>(text: &str) -> Result<Lenient<T>, String> {
    let parsed = match text.as_bytes().first() {
        Some(b'n') => return Ok(Lenient::Null),
        Some(b't') => T::from_bool(true),
        Some(b'f') => T::from_bool(false),
        Some(b'"') => {
            let inner = text.get(1..text.len() - 1).unwrap_or("");
            if T::PLAIN_TEXT {
                // Escapes matter only if the text as it is was refused.
                T::from_str(inner).or_else(|| match has_backslash(inner) {
                    true => unescape(text).and_then(|s| T::from_string(s).ok()),
                    false => None,
                })
            } else if !has_backslash(inner) {
                T::from_str(inner)
            } else {
                unescape(text).and_then(|s| T::from_string(s).ok())
            }
        }
        Some(b'{') if T::ACCEPTS_MAP => return nested(text, T::from_object_text),
        Some(b'[') if T::ACCEPTS_SEQ => return nested(text, T::from_array_text),
        Some(b'-' | b'0'..=b'9') => T::from_number(text),
        _ => None,
    };
    Ok(match parsed {
        Some(v) => Lenient::Valid(v),
        None => Lenient::Invalid(kept_raw(text)),
    })
}

/// The value of a JSON string with escapes (scanned, so it is well-formed).
#[inline(never)]
fn unescape(text: &str) -> Option<String> {
    serde_json::from_str::<String>(text).ok()
}

/// A value that did not fit its type, kept as its text.
#[cold]
#[inline(never)]
fn kept_raw(text: &str) -> RawJson {
    RawJson::from_scanned(text)
}

/// Decodes an object or array from its own text (`decode`: the type's `from_object_text` or
/// `from_array_text`). Anything that does not fit is kept raw, except a used-up memory budget,
/// which fails the whole response.
fn nested<T: FromJson>(
    text: &str,
    decode: fn(&str) -> Result<Option<T>, String>,
) -> Result<Lenient<T>, String> {
    if T::HOLDS_ANY_JSON && raw::has_inexact_number(text) {
        return Ok(Lenient::Invalid(kept_raw(text)));
    }
    let Some(_depth) = NestingGuard::enter() else {
        return Ok(Lenient::Invalid(kept_raw(text)));
    };
    Ok(match decode(text)? {
        Some(v) => Lenient::Valid(v),
        None => Lenient::Invalid(kept_raw(text)),
    })
}

/// Decodes an object or array from its own text through serde_json's parser (the default of
/// [`FromJson::from_object_text`] and [`FromJson::from_array_text`]).
fn through_serde<T>(
    text: &str,
    decode: impl FnOnce(
        &mut serde_json::Deserializer<serde_json::de::StrRead<'_>>,
    ) -> Result<T, serde_json::Error>,
) -> Result<Option<T>, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    match decode(&mut de) {
        Ok(v) => Ok(Some(v)),
        Err(_) if limits::exhausted() => Err(limits::exhausted_message()),
        Err(_) => Ok(None),
    }
}

/// Calls `member` with each key (escapes resolved) and value text of the object `text` (already
/// scanned: valid JSON; see `scan`). `Ok(None)` when `text` is not an object after all; `Err`
/// is `member`'s (a used-up decode memory budget).
#[inline]
pub(super) fn walk_members(
    text: &str,
    mut member: impl FnMut(std::borrow::Cow<'_, str>, &str) -> Result<(), String>,
) -> Result<Option<()>, String> {
    let Ok(mut members) = scan::Members::new(text) else {
        return Ok(None);
    };
    loop {
        let (key, value) = match members.next_member() {
            Ok(Some(m)) => m,
            Ok(None) => return Ok(Some(())),
            Err(scan::Malformed) => return Ok(None),
        };
        let key = if has_backslash(key) {
            match unescape(&format!("\"{key}\"")) {
                Some(key) => std::borrow::Cow::Owned(key),
                None => return Ok(None),
            }
        } else {
            std::borrow::Cow::Borrowed(key)
        };
        member(key, value)?;
    }
}

struct MapInto<T>(PhantomData<T>);

impl<'de, T: FromJson> Visitor<'de> for MapInto<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_map(map)
    }
}

struct SeqInto<T>(PhantomData<T>);

impl<'de, T: FromJson> Visitor<'de> for SeqInto<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        T::from_seq(seq)
    }
}

/// Types a [`Lenient`] can hold. Each method returns `None` when this JSON value does not fit
/// (it is then kept raw).
///
/// Generated response models set `ACCEPTS_MAP` and implement `from_object_text` with
/// [`super::support::model_from_text`]; generated enums implement `from_str`. Numbers reach
/// [`FromJson::from_number`] as their JSON text; its default hands integers that fit `i64`
/// or `u64` to `from_i64`/`from_u64` and other finite numbers to `from_f64`, and refuses
/// integers beyond `u64` and numbers beyond `f64` rather than rounding them.
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
    /// A JSON number, as its exact text (`-12.50`, `1e400`, `123456789012345678901234567890`).
    fn from_number(text: &str) -> Option<Self> {
        match raw::number_literal(text) {
            Literal::Integer(Some(Integer::Signed(v))) => Self::from_i64(v),
            Literal::Integer(Some(Integer::Unsigned(v))) => Self::from_u64(v),
            Literal::Integer(None) => None,
            Literal::Float => Self::from_f64(raw::parse_float(text)?),
        }
    }
    fn from_str(v: &str) -> Option<Self> {
        let _ = v;
        None
    }
    /// An owned string (it had escapes); `Err` gives the string back.
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
    /// A JSON object as its exact text, which serde_json has already scanned (so it is valid
    /// JSON). `Ok(None)`: it does not fit (it is kept raw); `Err`: the decode memory budget ran
    /// out. By default it goes through [`FromJson::from_map`] on serde_json's parser; models
    /// and the runtime's maps walk the text instead (see `scan`), which costs a fraction.
    fn from_object_text(text: &str) -> Result<Option<Self>, String> {
        through_serde(text, |de| de.deserialize_map(MapInto::<Self>(PhantomData)))
    }
    /// A JSON array as its exact text, like [`FromJson::from_object_text`]; by default through
    /// [`FromJson::from_seq`].
    fn from_array_text(text: &str) -> Result<Option<Self>, String> {
        through_serde(text, |de| de.deserialize_seq(SeqInto::<Self>(PhantomData)))
    }
    /// Set by types that hold arbitrary JSON (`serde_json::Value`): an object or array
    /// holding a number such a type would round or refuse is kept raw instead.
    const HOLDS_ANY_JSON: bool = false;
    /// Set by types whose `from_str` accepts no text with a backslash (UUIDs, dates, decimals): a
    /// JSON string is then handed to `from_str` before it is looked at for escapes, which only
    /// a text `from_str` refused can need.
    const PLAIN_TEXT: bool = false;
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

/// Any finite JSON number; an integer only when `f64` holds it exactly (beyond 2^53 it would
/// be rounded, so it is kept raw). An integer becomes a float, so it is written back as
/// `5.0`; use [`super::Decimal`] where the exact form matters.
impl FromJson for f64 {
    fn from_i64(v: i64) -> Option<Self> {
        raw::exact_f64_from_i64(v)
    }
    fn from_u64(v: u64) -> Option<Self> {
        raw::exact_f64_from_u64(v)
    }
    fn from_f64(v: f64) -> Option<Self> {
        Some(v)
    }
}

/// Any JSON number `serde_json::Number` holds exactly (integers within `i64`/`u64`, finite
/// floats).
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

/// Everything except `null` (which stays [`Lenient::Null`]) and numbers a `Value` cannot hold
/// exactly, anywhere inside (kept raw). Objects and arrays are charged against the decode
/// memory budget ([`super::limits`]) as they are built.
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
        serde_json::Number::from_f64(v).map(Value::Number)
    }
    fn from_str(v: &str) -> Option<Self> {
        Some(Value::String(v.to_owned()))
    }
    fn from_string(v: String) -> Result<Self, String> {
        Ok(Value::String(v))
    }
    const ACCEPTS_MAP: bool = true;
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        BudgetedValue.visit_map(map)
    }
    const ACCEPTS_SEQ: bool = true;
    fn from_seq<'de, A: SeqAccess<'de>>(seq: A) -> Result<Self, A::Error> {
        BudgetedValue.visit_seq(seq)
    }
    const HOLDS_ANY_JSON: bool = true;
}

/// Builds a `serde_json::Value` like its own `Deserialize` does, charging every allocation
/// against the decode memory budget before making it: `Value::deserialize` charges nothing,
/// and free-form fields would escape the budget that bounds everything else.
pub(super) struct BudgetedValue;

/// The JSON value of `text` (a whole document), built within the active decode budget.
pub(super) fn budgeted_value(text: &str) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = de::DeserializeSeed::deserialize(BudgetedValue, &mut de)?;
    de.end()?;
    Ok(value)
}

impl<'de> de::DeserializeSeed<'de> for BudgetedValue {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// The key serde_json's `arbitrary_precision` feature (which another crate of a build may
/// turn on) hands a number as: a one-entry map from it to the number's text.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Whether serde_json was built with `arbitrary_precision`, which accepts numbers beyond
/// `f64`. Without it, an object key that happens to read [`NUMBER_TOKEN`] is just a key.
fn arbitrary_precision() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| "1e400".parse::<serde_json::Number>().is_ok())
}

fn charge<E: de::Error>(bytes: usize) -> Result<(), E> {
    limits::charge(bytes).map_err(E::custom)
}

impl<'de> Visitor<'de> for BudgetedValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        charge(limits::heap_block(v.len()))?;
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        charge(limits::heap_block(v.capacity()))?;
        Ok(Value::String(v))
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items: Vec<Value> = Vec::new();
        while let Some(item) = seq.next_element_seed(BudgetedValue)? {
            if items.len() == items.capacity() {
                // Grown by doubling, as `push` would; every buffer is charged in full (the
                // old one is still alive while the new one is filled).
                let grown = (items.capacity() * 2).max(4);
                charge(limits::heap_block(grown * std::mem::size_of::<Value>()))?;
                items.reserve_exact(grown - items.len());
            }
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key_seed(BudgetedKey)? {
            if object.is_empty() && key == NUMBER_TOKEN && arbitrary_precision() {
                let text: String = map.next_value()?;
                return text
                    .parse::<serde_json::Number>()
                    .map(Value::Number)
                    .map_err(de::Error::custom);
            }
            let n = object.len() + 1;
            charge(limits::json_map_memory(n) - limits::json_map_memory(n - 1))?;
            let value = map.next_value_seed(BudgetedValue)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// An object key, its text charged before it is copied.
struct BudgetedKey;

impl<'de> de::DeserializeSeed<'de> for BudgetedKey {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for BudgetedKey {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        charge(limits::heap_block(v.len()))?;
        Ok(v.to_owned())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        charge(limits::heap_block(v.capacity()))?;
        Ok(v)
    }
}

/// A JSON array; each element is lenient on its own, so `null` elements round-trip.
impl<T: FromJson> FromJson for Vec<Lenient<T>> {
    const ACCEPTS_SEQ: bool = true;
    fn from_array_text(text: &str) -> Result<Option<Self>, String> {
        let Ok(mut elements) = scan::Elements::new(text) else {
            return Ok(None);
        };
        let mut out = Vec::new();
        loop {
            limits::charge(std::mem::size_of::<Lenient<T>>())?;
            match elements.next_element() {
                Ok(Some(item)) => out.push(from_raw(item)?),
                Ok(None) => return Ok(Some(out)),
                Err(scan::Malformed) => return Ok(None),
            }
        }
    }
}

/// A JSON object with arbitrary keys; each value is lenient on its own.
impl<T: FromJson> FromJson for BTreeMap<String, Lenient<T>> {
    const ACCEPTS_MAP: bool = true;
    fn from_object_text(text: &str) -> Result<Option<Self>, String> {
        let mut out = BTreeMap::new();
        let walked = walk_members(text, |key, value| {
            let value = from_raw(value)?;
            // Entry plus the B-tree's per-entry share of its nodes.
            limits::charge(std::mem::size_of::<(String, Lenient<T>)>() + 16 + key.len())?;
            out.insert(key.into_owned(), value);
            Ok(())
        })?;
        Ok(walked.map(|()| out))
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
    fn from_number(text: &str) -> Option<Self> {
        T::from_number(text).map(Box::new)
    }
    fn from_str(v: &str) -> Option<Self> {
        T::from_str(v).map(Box::new)
    }
    fn from_string(v: String) -> Result<Self, String> {
        T::from_string(v).map(Box::new)
    }
    const ACCEPTS_MAP: bool = T::ACCEPTS_MAP;
    const ACCEPTS_SEQ: bool = T::ACCEPTS_SEQ;
    fn from_object_text(text: &str) -> Result<Option<Self>, String> {
        T::from_object_text(text).map(|v| v.map(Box::new))
    }
    fn from_array_text(text: &str) -> Result<Option<Self>, String> {
        T::from_array_text(text).map(|v| v.map(Box::new))
    }
    const HOLDS_ANY_JSON: bool = T::HOLDS_ANY_JSON;
    const PLAIN_TEXT: bool = T::PLAIN_TEXT;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backslashes_are_found_at_any_length_and_place() {
        for len in 0..40 {
            let plain = "a".repeat(len);
            assert!(!has_backslash(&plain));
            for at in 0..len {
                let mut text = plain.clone().into_bytes();
                text[at] = b'\\';
                assert!(
                    has_backslash(std::str::from_utf8(&text).unwrap()),
                    "{len} {at}"
                );
            }
        }
        assert!(!has_backslash("ééé\u{5c5c}✓"));
    }

    #[test]
    fn plain_text_types_still_unescape() {
        let uuid = r#""4f6cb9a8\u002d2e2e-4d4f-9d27-3a5a2b1c0d9e""#;
        assert!(from_raw::<super::super::Uuid>(uuid).unwrap().is_valid());
        let price = r#""\u0031.50""#;
        let d = from_raw::<super::super::Decimal>(price).unwrap();
        assert_eq!(d.get().map(|d| d.as_str()), Some("1.50"));
        let bad = r#""1\n5""#;
        let kept = from_raw::<super::super::Decimal>(bad).unwrap();
        assert_eq!(kept.raw_invalid().map(RawJson::get), Some(bad));
        let s = from_raw::<String>(r#""a\"b""#).unwrap();
        assert_eq!(s.as_str(), Some("a\"b"));
    }
}
