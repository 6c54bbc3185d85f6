//! What every generated response model shares through [`LenientModel::visit_fields`]: a walk over its fields, which gives `Debug`
//! (values, not wrappers; absent fields left out), `Serialize`, and the report of fields that
//! held values the spec did not promise.
//!
//! One generated `visit_fields` per model serves all three: a derived `Serialize` for each of
//! the API's thousands of models was the largest single cost of compiling a generated crate.

use std::fmt;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::inspect::{Inspect, Inspector};
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
    /// Adds the invalid values, unknown enum values and undocumented keys inside the value to
    /// `at` (see [`super::inspect`]).
    fn inspect(&self, at: &mut Inspector);
}

impl<T: fmt::Debug + Serialize + Inspect> FieldState for Lenient<T> {
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
    fn inspect(&self, at: &mut Inspector) {
        Inspect::inspect(self, at)
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

/// The trait impls of a generated response model, written once here instead of in every
/// model: `LenientModel` (one `match` arm per field, wire name -> field), `Serialize`,
/// `Debug`, `Deserialize`, `FromJson` and `Inspect`, all through the functions of the
/// runtime's `model` and `support` modules.
///
/// `response_model! { Model, "SpecName", extra, [field("wire"), ...] }`: `extra` is the
/// field that keeps undocumented keys. A whole-API crate has about a thousand models; spelling
/// these impls out in each was a fifth of what the generator had to format, for code that
/// differs only in names.
///
/// Paths in the expansion start with `$crate`: the runtime crate, wherever the macro is
/// invoked. A crate that vendors the runtime as its `runtime` module gets a copy whose paths
/// go through that module (the generator rewrites them when it copies the file). `::serde` is
/// the invoking crate's own dependency: generated crates depend on serde for their request
/// models anyway.
#[doc(hidden)]
#[macro_export]
macro_rules! __response_model {
    ($model:ident, $name:literal, $extra:ident, [$($field:ident($wire:literal)),* $(,)?]) => {
        impl $crate::LenientModel for $model {
            const NAME: &'static str = $name;
            #[inline]
            fn decode_field(
                &mut self,
                key: &str,
                value: &str,
            ) -> ::core::result::Result<bool, ::std::string::String> {
                match key {
                    $($wire => {
                        self.$field = $crate::lenient::from_raw(value)?;
                        ::core::result::Result::Ok(true)
                    })*
                    _ => {
                        let _ = value; // a model without fields reads nothing
                        ::core::result::Result::Ok(false)
                    }
                }
            }
            #[inline]
            fn extra_mut(&mut self) -> &mut $crate::Extra {
                &mut self.$extra
            }
            #[inline]
            fn extra(&self) -> &$crate::Extra {
                &self.$extra
            }
            #[inline]
            fn visit_fields(
                &self,
                f: &mut dyn FnMut(&'static str, &dyn $crate::FieldState),
            ) {
                $(f($wire, &self.$field);)*
                let _ = f; // a model without fields visits nothing
            }
        }
        $crate::response_model!(@serde $model);
    };
    (@serde $model:ident) => {
        impl ::serde::Serialize for $model {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::serialize_model(self, serializer)
            }
        }
        impl ::core::fmt::Debug for $model {
            #[inline]
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                $crate::debug_model(self, f)
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $model {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::deserialize_model(deserializer)
            }
        }
        impl $crate::Inspect for $model {
            #[inline]
            fn inspect(&self, at: &mut $crate::Inspector) {
                at.model(self)
            }
        }
        impl $crate::FromJson for $model {
            const ACCEPTS_MAP: bool = true;
            #[inline]
            fn from_object_text(
                text: &str,
            ) -> ::core::result::Result<::core::option::Option<Self>, ::std::string::String> {
                $crate::support::model_from_text(text)
            }
        }
    };
}
