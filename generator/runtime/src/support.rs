//! Support for generated response models: one pass over the JSON, never failing on a field.
//!
//! Generated models implement [`LenientModel`]: a `match` from wire name to field. Everything
//! generic (the map loop, borrowed keys, keeping unknown keys) lives here once, so the
//! generated code stays small and the hot loop is the same for every model.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::raw::{Extra, RawJson, raw_text};

/// A generated response model: decodes known fields by wire name, keeps the rest in `extra`,
/// and lets the runtime walk its fields (for `Debug`, `Serialize` and the fields that held a
/// value the spec did not promise; see [`super::model`]). One trait, so each model has one
/// impl of it.
pub trait LenientModel: Default {
    /// The model's name, for error messages and `Debug`.
    const NAME: &'static str;
    /// Decodes `value`, the exact JSON text of the value of `key`, into the field `key` names
    /// (with [`super::lenient::from_raw`]). `Ok(false)` when `key` is not a field of this
    /// model; `Err` when the decode memory budget ran out.
    fn decode_field(&mut self, key: &str, value: &str) -> Result<bool, String>;
    /// Where keys the spec does not describe are kept, each value verbatim, so that
    /// re-encoding loses nothing and no value there can fail decoding.
    fn extra_mut(&mut self) -> &mut Extra;
    /// Keys the spec does not describe, with their values as they arrived.
    fn extra(&self) -> &Extra;
    /// Calls `f` with the wire name and state of every declared field, in spec order.
    fn visit_fields(&self, f: &mut dyn FnMut(&'static str, &dyn super::model::FieldState));

    /// Wire names of the fields whose value did not match the declared type: the server sent
    /// something the spec did not promise. Such values are kept raw (see
    /// [`super::Lenient::Invalid`]).
    fn invalid_fields(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        self.visit_fields(&mut |name, state| {
            if state.is_invalid() {
                out.push(name);
            }
        });
        out
    }

    /// Keys the spec does not describe.
    fn extra_keys(&self) -> Vec<&str> {
        self.extra().keys().map(String::as_str).collect()
    }

    /// Whether every field matched its declared type and no undocumented key arrived.
    fn is_as_documented(&self) -> bool {
        self.invalid_fields().is_empty() && self.extra().is_empty()
    }
}

/// `Deserialize::deserialize` of every generated response model: member by member through
/// serde, each value read as its text and decoded as [`model_from_text`] decodes it. (Taking
/// the model's text whole and walking it would scan every byte twice: serde_json scans a text
/// to hand it over.) Objects and arrays inside are walked from their text.
pub fn deserialize_model<'de, D: Deserializer<'de>, T: LenientModel>(d: D) -> Result<T, D::Error> {
    d.deserialize_map(ModelVisitor::<T>(PhantomData))
}

/// Builds a model from the exact text of a JSON object (already scanned: valid JSON), walking
/// its members (see `scan`). `Ok(None)` when the text is not an object; `Err` when the decode
/// memory budget ran out. The model is charged against that budget ([`super::limits`]): an
/// empty object costs the whole struct.
pub fn model_from_text<T: LenientModel>(text: &str) -> Result<Option<T>, String> {
    if !text.starts_with('{') {
        return Ok(None);
    }
    super::limits::charge(std::mem::size_of::<T>())?;
    let mut out = T::default();
    let walked =
        super::lenient::walk_members(text, |key, value| field_or_extra(&mut out, key, value))?;
    Ok(walked.map(|()| out))
}

/// One member of a model: its field, or, for a key the spec does not describe, `extra`.
#[inline]
fn field_or_extra<T: LenientModel>(
    out: &mut T,
    key: Cow<'_, str>,
    value: &str,
) -> Result<(), String> {
    if !out.decode_field(&key, value)? {
        super::limits::charge(
            std::mem::size_of::<(String, RawJson)>() + 16 + key.len() + value.len(),
        )?;
        out.extra_mut()
            .insert(key.into_owned(), RawJson::from_scanned(value));
    }
    Ok(())
}

/// Builds a model from a JSON object that is already being read through serde (see
/// [`deserialize_model`]).
pub fn model_from_map<'de, A: MapAccess<'de>, T: LenientModel>(mut map: A) -> Result<T, A::Error> {
    super::limits::charge(std::mem::size_of::<T>()).map_err(de::Error::custom)?;
    let mut out = T::default();
    while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
        map.next_value_seed(Member { out: &mut out, key })?;
    }
    Ok(out)
}

/// The value of one member of a model read through serde: decoded inside the value's own
/// deserialization, so that an error there carries the member's key in its path.
struct Member<'m, 'k, T> {
    out: &'m mut T,
    key: Cow<'k, str>,
}

impl<'de, T: LenientModel> de::DeserializeSeed<'de> for Member<'_, '_, T> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let text = raw_text(d)?;
        field_or_extra(self.out, self.key, &text).map_err(de::Error::custom)
    }
}

struct ModelVisitor<T>(PhantomData<T>);

impl<'de, T: LenientModel> Visitor<'de> for ModelVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a JSON object ({})", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        model_from_map(map)
    }
}

/// The text of a string enum whose documented values are numbers (`"1"`, `"2"`): a JSON
/// string, or a JSON integer, which servers send for such values as often as strings.
pub fn string_or_integer<'de, D: Deserializer<'de>>(d: D) -> Result<Cow<'de, str>, D::Error> {
    struct TextVisitor;
    impl<'de> Visitor<'de> for TextVisitor {
        type Value = Cow<'de, str>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or an integer")
        }
        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
            Ok(Cow::Borrowed(v))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Cow<'de, str>, E> {
            Ok(Cow::Owned(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Cow<'de, str>, E> {
            Ok(Cow::Owned(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Cow<'de, str>, E> {
            Ok(Cow::Owned(v.to_string()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Cow<'de, str>, E> {
            Ok(Cow::Owned(v.to_string()))
        }
    }
    d.deserialize_any(TextVisitor)
}

/// An object key, borrowed from the input when it has no escapes (the common case).
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// What generated operations do with a response, beyond `decode`.
impl super::response::ApiResponse {
    /// An `application/x-ndjson` body: one JSON value per non-empty line, all of them within
    /// the decode memory budget of the body ([`super::limits`]).
    pub fn ndjson(&self) -> Result<Vec<serde_json::Value>, super::error::Error> {
        let text = self.text();
        let _budget = super::limits::BudgetScope::enter(self.body.len());
        let mut out = Vec::new();
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let value = super::lenient::budgeted_value(line).and_then(|v| {
                if out.len() == out.capacity() {
                    // Every buffer the list grows through, charged as the values' own are.
                    let grown = (out.capacity() * 2).max(4);
                    super::limits::charge(super::limits::heap_block(
                        grown * std::mem::size_of::<serde_json::Value>(),
                    ))
                    .map_err(<serde_json::Error as de::Error>::custom)?;
                    out.reserve_exact(grown - out.len());
                }
                Ok(v)
            });
            match value {
                Ok(v) => out.push(v),
                Err(e) => {
                    return Err(self.decode_failure(
                        format!("line {}", i + 1),
                        e.to_string(),
                        line,
                    ));
                }
            }
        }
        Ok(out)
    }

    /// `X-Result-Count`, which a count (`HEAD`) must carry.
    pub fn required_result_count(&self) -> Result<u64, super::error::Error> {
        self.result_count().ok_or_else(|| {
            self.decode_failure(
                "X-Result-Count".to_string(),
                "the response has no usable X-Result-Count header (none, not a count, or \
                 several that disagree)"
                    .to_string(),
                "",
            )
        })
    }
}

/// A file for a multipart upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileUpload {
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// e.g. `image/png`; `None` lets the server guess.
    pub mime: Option<String>,
}

impl FileUpload {
    pub fn new(file_name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> FileUpload {
        FileUpload {
            file_name: file_name.into(),
            bytes: bytes.into(),
            mime: None,
        }
    }
}

/// In a JSON body a file can only be named; multipart bodies send its bytes.
/// A file goes only as a top-level field of a `multipart/form-data` body (where
/// [`multipart_value`] takes its bytes); anywhere else, inside a JSON body or nested in
/// another field, serialising it is an error naming the file, never its name in place of its
/// bytes.
impl serde::Serialize for FileUpload {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom(format!(
            "the file `{}` ({} bytes) cannot be sent inside a JSON value: only a top-level \
             field of a multipart/form-data body carries a file",
            self.file_name,
            self.bytes.len()
        )))
    }
}

/// A file named in a JSON document decodes to its name, without bytes.
impl<'de> serde::Deserialize<'de> for FileUpload {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|file_name| FileUpload::new(file_name, Vec::new()))
    }
}

/// Bodies sent as they are: a file as `application/octet-stream`, text as `text/plain`.
pub trait RawBody {
    fn content_type(&self) -> &'static str;
    fn raw_bytes(&self) -> Vec<u8>;
}

impl RawBody for FileUpload {
    fn content_type(&self) -> &'static str {
        "application/octet-stream"
    }
    fn raw_bytes(&self) -> Vec<u8> {
        self.bytes.clone()
    }
}

impl RawBody for String {
    fn content_type(&self) -> &'static str {
        "text/plain; charset=utf-8"
    }
    fn raw_bytes(&self) -> Vec<u8> {
        self.clone().into_bytes()
    }
}

/// A free-form query value (a JSON filter): strings as they are, anything else as JSON text.
impl super::request::QueryValue for serde_json::Value {
    fn query_value(&self) -> Cow<'_, str> {
        match self {
            serde_json::Value::String(s) => Cow::Borrowed(s),
            other => Cow::Owned(other.to_string()),
        }
    }
}

/// Request models with file fields: each field as a form part.
pub trait MultipartBody {
    /// The form parts; an error when a field cannot be a part (a file nested in it).
    fn parts(&self) -> Result<Vec<(String, super::request::MultipartValue)>, super::error::Error>;
    /// Whether a file is attached: such a model goes as `multipart/form-data`, else as JSON.
    fn has_files(&self) -> bool;
}

/// A form part for the value of field `name`: files as files, strings as text, anything else
/// as JSON. A value that does not serialise (a file nested in it) is an `Error::Encode` naming
/// the field.
pub fn multipart_value<T: serde::Serialize + 'static>(
    name: &str,
    value: &T,
) -> Result<super::request::MultipartValue, super::error::Error> {
    if let Some(file) = (value as &dyn std::any::Any).downcast_ref::<FileUpload>() {
        return Ok(super::request::MultipartValue::File {
            name: file.file_name.clone(),
            bytes: file.bytes.clone(),
            mime: file.mime.clone(),
        });
    }
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(super::request::MultipartValue::Text(s)),
        Ok(other) => Ok(super::request::MultipartValue::Text(other.to_string())),
        Err(e) => Err(super::error::Error::Encode(format!(
            "cannot encode the multipart field `{name}`: {e}"
        ))),
    }
}

/// `application/x-www-form-urlencoded` fields of a request model: its top-level keys, strings
/// verbatim and other values as JSON text.
pub fn form_fields<T: serde::Serialize>(
    body: &T,
) -> Result<Vec<(String, String)>, super::error::Error> {
    match serde_json::to_value(body) {
        Ok(serde_json::Value::Object(map)) => Ok(map
            .into_iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => (k, s),
                other => (k, other.to_string()),
            })
            .collect()),
        Ok(_) => Err(super::error::Error::Encode(
            "a form body must be a JSON object".to_string(),
        )),
        Err(e) => Err(super::error::Error::Encode(e.to_string())),
    }
}
