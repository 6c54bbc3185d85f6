//! What every generated response model shares: a walk over its fields, which gives `Debug`
//! (values, not wrappers; absent fields left out) and the report of fields that held values
//! the spec did not promise.

use std::fmt;

use super::lenient::Lenient;

/// One response field, seen without its type.
pub trait FieldState {
    fn is_absent(&self) -> bool;
    fn is_null(&self) -> bool;
    /// Whether the value did not match the declared type (it is kept raw).
    fn is_invalid(&self) -> bool;
    /// `Debug` of the value: the value itself, `null`, or `invalid(<raw JSON>)`.
    fn fmt_value(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl<T: fmt::Debug> FieldState for Lenient<T> {
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
}

/// A generated response model, walked field by field.
pub trait ModelFields {
    /// The model's name (for `Debug` and error messages).
    const MODEL: &'static str;
    /// Calls `f` with the wire name and state of every declared field, in spec order.
    fn visit_fields(&self, f: &mut dyn FnMut(&'static str, &dyn FieldState));
    /// Keys the spec does not describe.
    fn extra_keys(&self) -> Vec<&str>;

    /// Wire names of the fields whose value did not match the declared type: the server sent
    /// something the spec did not promise. Such values are kept raw (see [`Lenient::Invalid`]).
    fn invalid_fields(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        self.visit_fields(&mut |name, state| {
            if state.is_invalid() {
                out.push(name);
            }
        });
        out
    }

    /// Whether every field matched its declared type and no undocumented key arrived.
    fn is_as_documented(&self) -> bool {
        self.invalid_fields().is_empty() && self.extra_keys().is_empty()
    }
}

/// `Debug` of a model: `Name { field: value, .. }` with absent fields left out and values
/// printed as themselves (`"data"`, `null`, `invalid(...)`); undocumented keys are listed
/// by name.
pub fn debug_model<M: ModelFields>(model: &M, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    struct Value<'a>(&'a dyn FieldState);
    impl fmt::Debug for Value<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.fmt_value(f)
        }
    }
    let mut d = f.debug_struct(M::MODEL);
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
