//! A walk over a decoded response that lists every value the spec did not promise: values of
//! the wrong type (kept raw in [`Lenient::Invalid`]), enum values the client does not know
//! (the enums' catch-all variant) and keys a model does not document (kept in its `extra`),
//! each with its path in the response and the JSON that arrived.
//!
//! ```text
//! use waldur_client::runtime::{Finding, FindingKind, Inspect, Lenient};
//!
//! let sizes: Vec<Lenient<i64>> = serde_json::from_str(r#"[1, "two", 3]"#).unwrap();
//! assert_eq!(
//!     sizes.findings(),
//!     [Finding {
//!         path: "[1]".to_string(),
//!         model: None,
//!         field: None,
//!         kind: FindingKind::Invalid,
//!         raw: r#""two""#.to_string(),
//!     }]
//! );
//! ```
//!
//! Generated models, enums and the runtime's own containers ([`Page`](super::Page), `Vec`,
//! maps, `Box`, `Option`) implement [`Inspect`]; scalars find nothing. `Debug` shows the same
//! values, but only a walk gives them with their place.

use std::collections::BTreeMap;
use std::fmt;

use super::lenient::Lenient;
use super::support::LenientModel;

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingKind {
    /// A value that did not match the field's declared type (kept raw).
    Invalid,
    /// An enum value the client does not know (the enum's catch-all variant).
    UnknownEnumValue,
    /// A key the model does not document (kept in its `extra`).
    Undocumented,
}

impl FindingKind {
    /// `invalid value`, `unknown enum value`, `undocumented key`.
    pub fn describe(self) -> &'static str {
        match self {
            FindingKind::Invalid => "invalid value",
            FindingKind::UnknownEnumValue => "unknown enum value",
            FindingKind::Undocumented => "undocumented key",
        }
    }
}

/// One value the spec did not promise.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Finding {
    /// Where it is, from the value the walk started at: `plans[2].minimal_price`, `[0].uuid`
    /// (empty for the value itself).
    pub path: String,
    /// The model that holds it, as the spec names the model (`Offering`); `None` outside any
    /// model (a bare list of values).
    pub model: Option<&'static str>,
    /// The field of that model, or the undocumented key, by its name on the wire.
    pub field: Option<String>,
    pub kind: FindingKind,
    /// The value as it arrived: its exact JSON text for invalid values and undocumented keys;
    /// the value as JSON for enum values.
    pub raw: String,
}

impl Finding {
    /// `Model.field`, or the path when no model holds the value.
    pub fn location(&self) -> String {
        match (&self.model, &self.field) {
            (Some(model), Some(field)) => format!("{model}.{field}"),
            _ => self.path.clone(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "."
        } else {
            &self.path
        };
        write!(f, "{path}")?;
        if self.model.is_some() {
            write!(f, " ({})", self.location())?;
        }
        // The raw JSON comes from the server: control characters escaped, kept short.
        let raw = super::error::loggable(&self.raw, 200);
        write!(f, ": {} {raw}", self.kind.describe())
    }
}

/// Where the walk is, and what it found so far.
#[derive(Debug, Default)]
pub struct Inspector {
    path: String,
    model: Option<&'static str>,
    /// A declared field's wire name: a `&'static str`, so walking a model allocates nothing
    /// until something is found.
    field: Option<&'static str>,
    findings: Vec<Finding>,
}

impl Inspector {
    pub fn new() -> Inspector {
        Inspector::default()
    }

    /// What the walk found, in the order it met it.
    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }

    fn push(&mut self, kind: FindingKind, raw: String) {
        self.findings.push(Finding {
            path: self.path.clone(),
            model: self.model,
            field: self.field.map(str::to_owned),
            kind,
            raw,
        });
    }

    /// Records a value of the wrong type at the current place.
    pub fn invalid(&mut self, raw: &str) {
        self.push(FindingKind::Invalid, raw.to_string());
    }

    /// Records an enum value the client does not know, at the current place (the generated
    /// enums call this from their `Inspect`).
    pub fn unknown_enum_value(&mut self, value: &impl serde::Serialize) {
        let raw = serde_json::to_string(value).unwrap_or_default();
        self.push(FindingKind::UnknownEnumValue, raw);
    }

    /// Runs `f` one step further down: `step` is appended to the path (`.name` or `[2]`),
    /// and `model`/`field` are where the values found there belong.
    fn within(
        &mut self,
        step: fmt::Arguments<'_>,
        owner: Option<(&'static str, &'static str)>,
        f: impl FnOnce(&mut Inspector),
    ) {
        let len = self.path.len();
        let _ = fmt::Write::write_fmt(&mut self.path, step);
        let saved =
            owner.map(|(model, field)| (self.model.replace(model), self.field.replace(field)));
        f(self);
        if let Some((model, field)) = saved {
            self.model = model;
            self.field = field;
        }
        self.path.truncate(len);
    }

    /// Walks a generated response model: each field, then its undocumented keys.
    pub fn model<M: LenientModel>(&mut self, model: &M) {
        let dot = if self.path.is_empty() { "" } else { "." };
        model.visit_fields(&mut |name, state| {
            self.within(format_args!("{dot}{name}"), Some((M::NAME, name)), |at| {
                state.inspect(at)
            });
        });
        // An undocumented key is a finding itself: the key is its field.
        let len = self.path.len();
        for (key, value) in model.extra() {
            let _ = fmt::Write::write_fmt(&mut self.path, format_args!("{dot}{key}"));
            self.findings.push(Finding {
                path: self.path.clone(),
                model: Some(M::NAME),
                field: Some(key.clone()),
                kind: FindingKind::Undocumented,
                raw: value.get().to_string(),
            });
            self.path.truncate(len);
        }
    }
}

/// A decoded value that can list what in it the spec did not promise.
pub trait Inspect {
    /// Adds what this value holds to `at`; scalars add nothing.
    fn inspect(&self, at: &mut Inspector) {
        let _ = at;
    }

    /// Every invalid value, unknown enum value and undocumented key in this value and the
    /// values it holds, in the order they appear.
    fn findings(&self) -> Vec<Finding>
    where
        Self: Sized,
    {
        let mut at = Inspector::new();
        self.inspect(&mut at);
        at.into_findings()
    }
}

impl<T: Inspect> Inspect for Lenient<T> {
    fn inspect(&self, at: &mut Inspector) {
        match self {
            Lenient::Valid(v) => v.inspect(at),
            Lenient::Invalid(raw) => at.invalid(raw.get()),
            Lenient::Absent | Lenient::Null => {}
        }
    }
}

impl<T: Inspect> Inspect for Vec<T> {
    fn inspect(&self, at: &mut Inspector) {
        for (i, item) in self.iter().enumerate() {
            at.within(format_args!("[{i}]"), None, |at| item.inspect(at));
        }
    }
}

impl<T: Inspect> Inspect for BTreeMap<String, T> {
    fn inspect(&self, at: &mut Inspector) {
        for (key, value) in self {
            // Keys are data, not names: quoted, so `a.b` and `["a.b"]` stay apart.
            at.within(format_args!("[{key:?}]"), None, |at| value.inspect(at));
        }
    }
}

impl<T: Inspect> Inspect for Box<T> {
    fn inspect(&self, at: &mut Inspector) {
        (**self).inspect(at)
    }
}

impl<T: Inspect> Inspect for Option<T> {
    fn inspect(&self, at: &mut Inspector) {
        if let Some(v) = self {
            v.inspect(at)
        }
    }
}

impl<T: Inspect> Inspect for super::Page<T> {
    fn inspect(&self, at: &mut Inspector) {
        self.items.inspect(at)
    }
}

/// Values that hold nothing to find.
macro_rules! inspect_nothing {
    ($($t:ty),* $(,)?) => { $(impl Inspect for $t {})* };
}

inspect_nothing!(
    String,
    bool,
    i64,
    u64,
    i32,
    u32,
    f64,
    serde_json::Value,
    super::RawJson,
    super::Decimal,
    super::Uuid,
    super::DateTime,
    super::Date,
    super::FileUpload,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_paths_and_map_keys() {
        let value: BTreeMap<String, Vec<Lenient<i64>>> =
            serde_json::from_str(r#"{"a.b": [1, {"x": 1}], "c": [null, 2.5]}"#).unwrap();
        let found: Vec<String> = value.findings().iter().map(|f| f.to_string()).collect();
        assert_eq!(
            found,
            [
                r#"["a.b"][1]: invalid value {"x": 1}"#,
                r#"["c"][1]: invalid value 2.5"#
            ]
        );
    }
}
