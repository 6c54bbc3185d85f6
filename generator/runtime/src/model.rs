//! What every generated response model shares through [`LenientModel::visit_fields`]: a walk over its fields, which gives `Debug`
//! (values, not wrappers; absent fields left out), `Serialize`, and the report of fields that
//! held values the spec did not promise.
//!
//! One generated `visit_fields` per model serves all three: a derived `Serialize` for each of
//! the API's thousands of models was the largest single cost of compiling a generated crate.

use std::fmt;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::lenient::Lenient;
use super::support::LenientModel;

/// One response field, seen without its type.
pub trait FieldState {
    fn is_absent(&self) -> bool;
    fn is_null(&self) -> bool;
    /// Whether the value did not match the declared type (it is kept raw).
    fn is_invalid(&self) -> bool;
    /// `Debug` of the value: the value itself, `null`, or `invalid(<raw JSON>)`.
    fn fmt_value(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
    /// The value to serialise (`null`, the value, or the raw JSON kept); `None` when absent.
    fn serialize_value(&self) -> Option<&dyn erased_serde::Serialize>;
}

impl<T: fmt::Debug + Serialize> FieldState for Lenient<T> {
    fn is_absent(&self) -> bool {
        Lenient::is_absent(self)
    }
    fn is_null(&self) -> bool {
        Lenient::is_null(self)
    }
    fn is_invalid(&self) -> bool {
        Lenient::is_invalid(self)
    }
    fn fmt_value(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
    fn serialize_value(&self) -> Option<&dyn erased_serde::Serialize> {
        (!self.is_absent()).then_some(self as &dyn erased_serde::Serialize)
    }
}

/// `Debug` of a model: `Name { field: value, .. }` with absent fields left out and values
/// printed as themselves (`"data"`, `null`, `invalid(...)`); undocumented keys are listed
/// by name.
pub fn debug_model<M: LenientModel>(model: &M, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    struct Value<'a>(&'a dyn FieldState);
    impl fmt::Debug for Value<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.fmt_value(f)
        }
    }
    let mut d = f.debug_struct(M::NAME);
    model.visit_fields(&mut |name, state| {
        if !state.is_absent() {
            d.field(name, &Value(state));
        }
    });
    let extra = model.extra_keys();
    if !extra.is_empty() {
        d.field("undocumented", &extra);
    }
    d.finish()
}

/// `Serialize` of a model: a JSON object of its present fields in spec order (absent ones left
/// out, `null` kept, invalid values written back verbatim), then its undocumented keys, so
/// re-encoding a decoded model gives back what arrived.
pub fn serialize_model<M: LenientModel, S: Serializer>(
    model: &M,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    let mut result = Ok(());
    model.visit_fields(&mut |name, state| {
        if result.is_ok()
            && let Some(value) = state.serialize_value()
        {
            result = map.serialize_entry(name, value);
        }
    });
    result?;
    for (key, value) in model.extra() {
        map.serialize_entry(key, value)?;
    }
    map.end()
}
