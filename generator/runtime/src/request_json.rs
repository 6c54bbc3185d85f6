//! Request models decoded from JSON (a user's configuration, a recorded body).
//!
//! A generated request model's `Deserialize` reads the object once into [`RequestFields`] and
//! takes its fields out by wire name: absent, `null` and a value stay apart ([`Nullable`]), a
//! missing required field is an error even when it may be `null`, and the keys left over are
//! the model's `extra`. The per-model code is then one struct expression; everything generic
//! over the deserializer lives here, once, instead of serde's derive in every model (which
//! doubled the time to type-check the whole-API crate).

use std::collections::BTreeMap;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer};
use serde_json::Value;

use super::lenient::BudgetedValue;
use super::nullable::Nullable;

/// The keys of one JSON object on their way into a request model. `E` is the error type of
/// the deserializer it came from, so that `?` in the generated code needs no conversion.
pub struct RequestFields<E> {
    model: &'static str,
    keys: BTreeMap<String, Value>,
    error: PhantomData<E>,
}

impl<E: de::Error> RequestFields<E> {
    /// Reads a JSON object for `model` (its name, for messages), within the decode memory
    /// budget when one is active (a request model inside a response).
    pub fn new<'de, D: Deserializer<'de, Error = E>>(
        deserializer: D,
        model: &'static str,
    ) -> Result<RequestFields<E>, E> {
        match BudgetedValue.deserialize(deserializer)? {
            Value::Object(map) => Ok(RequestFields {
                model,
                keys: map.into_iter().collect(),
                error: PhantomData,
            }),
            other => Err(E::custom(format!(
                "{model}: expected a JSON object, found {}",
                kind(&other)
            ))),
        }
    }

    /// A field that must be present and not `null`.
    pub fn required<T: DeserializeOwned>(&mut self, wire: &str) -> Result<T, E> {
        match self.keys.remove(wire) {
            Some(v) => self.value(wire, v),
            None => Err(self.missing(wire)),
        }
    }

    /// A field that must be present and may be `null` (`None`).
    pub fn required_nullable<T: DeserializeOwned>(&mut self, wire: &str) -> Result<Option<T>, E> {
        match self.keys.remove(wire) {
            Some(Value::Null) => Ok(None),
            Some(v) => self.value(wire, v).map(Some),
            None => Err(self.missing(wire)),
        }
    }

    /// A field that may be absent, `null` or a value.
    pub fn optional<T: DeserializeOwned>(&mut self, wire: &str) -> Result<Nullable<T>, E> {
        match self.keys.remove(wire) {
            None => Ok(Nullable::Absent),
            Some(Value::Null) => Ok(Nullable::Null),
            Some(v) => self.value(wire, v).map(Nullable::Value),
        }
    }

    /// The keys no field took: the model's `extra`.
    pub fn rest(self) -> BTreeMap<String, Value> {
        self.keys
    }

    fn value<T: DeserializeOwned>(&self, wire: &str, v: Value) -> Result<T, E> {
        serde_json::from_value(v).map_err(|e| E::custom(format!("{}.{wire}: {e}", self.model)))
    }

    fn missing(&self, wire: &str) -> E {
        E::custom(format!("{}: missing field `{wire}`", self.model))
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
