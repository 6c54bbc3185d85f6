//! What lowering needs everywhere: the components read into typed structs (immutable, shared)
//! and the lowering context that collects diagnostics.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Display;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::document::{Header, Parameter, RawComponents, RequestBody, Response, Schema, read};
use super::lines::LineIndex;
use super::pointer::Ptr;
use crate::Diagnostic;
use crate::ir::Span;

/// `components`, each entry read into its typed struct.
///
/// A schema that cannot be read is diagnosed once, here, and kept as `None` so that references
/// to it are not reported again as dangling. Parameters, responses, headers and request bodies
/// are only reported where an operation uses them (`Err` holds the rendered reason).
#[derive(Debug, Default)]
pub struct Components {
    pub schemas: BTreeMap<String, Option<Schema>>,
    pub parameters: BTreeMap<String, Result<Parameter, String>>,
    pub responses: BTreeMap<String, Result<Response, String>>,
    pub headers: BTreeMap<String, Result<Header, String>>,
    pub request_bodies: BTreeMap<String, Result<RequestBody, String>>,
}

/// The outcome of looking a schema name up.
pub enum Lookup<'c> {
    Found(&'c Schema),
    /// Exists but could not be read (already diagnosed).
    Unreadable,
    Missing,
}

impl Components {
    /// Reads every component; returns the diagnostics for unreadable schemas.
    pub fn read(
        file: &str,
        lines: &LineIndex,
        raw: &RawComponents,
    ) -> (Components, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let root = Ptr::Root;
        let at = root.key("components");
        let schemas_at = at.key("schemas");
        let mut schemas = BTreeMap::new();
        for (name, value) in &raw.schemas {
            let schema = match read::<Schema>(value) {
                Ok(s) => Some(s),
                Err(e) => {
                    diagnostics.push(Diagnostic::new(
                        Span {
                            file: file.to_string(),
                            line: lines.schema(name),
                        },
                        format!(
                            "{}: {}; schema `{name}` lowered as any",
                            schemas_at.key(name).render_with(&e.path),
                            e.message
                        ),
                    ));
                    None
                }
            };
            schemas.insert(name.clone(), schema);
        }
        let components = Components {
            schemas,
            parameters: read_all(&at, "parameters", &raw.parameters),
            responses: read_all(&at, "responses", &raw.responses),
            headers: read_all(&at, "headers", &raw.headers),
            request_bodies: read_all(&at, "requestBodies", &raw.request_bodies),
        };
        (components, diagnostics)
    }

    pub fn schema(&self, name: &str) -> Lookup<'_> {
        match self.schemas.get(name) {
            Some(Some(s)) => Lookup::Found(s),
            Some(None) => Lookup::Unreadable,
            None => Lookup::Missing,
        }
    }

    /// The schema a `$ref` points to, when it exists and could be read.
    pub fn schema_of_ref(&self, reference: &str) -> Option<(&str, &Schema)> {
        let name = ref_name(reference, "schemas")?;
        match self.schemas.get_key_value(name) {
            Some((key, Some(schema))) => Some((key.as_str(), schema)),
            _ => None,
        }
    }
}

fn read_all<T: DeserializeOwned>(
    at: &Ptr,
    kind: &str,
    raw: &Map<String, Value>,
) -> BTreeMap<String, Result<T, String>> {
    let kind_at = at.key(kind);
    raw.iter()
        .map(|(name, value)| {
            let item = read::<T>(value)
                .map_err(|e| format!("{}: {}", kind_at.key(name).render_with(&e.path), e.message));
            (name.clone(), item)
        })
        .collect()
}

/// `#/components/<kind>/<name>` -> `<name>`.
pub fn ref_name<'r>(reference: &'r str, kind: &str) -> Option<&'r str> {
    let rest = reference.strip_prefix("#/components/")?;
    let name = rest.strip_prefix(kind)?.strip_prefix('/')?;
    (!name.is_empty() && !name.contains('/')).then_some(name)
}

/// Component kinds that can be `$ref`'d by name from an operation.
pub trait Referable: Sized {
    const KIND: &'static str;
    fn reference(&self) -> Option<&str>;
    fn table(components: &Components) -> &BTreeMap<String, Result<Self, String>>;
}

impl Referable for Parameter {
    const KIND: &'static str = "parameters";
    fn reference(&self) -> Option<&str> {
        self.reference.as_deref()
    }
    fn table(c: &Components) -> &BTreeMap<String, Result<Self, String>> {
        &c.parameters
    }
}

impl Referable for Response {
    const KIND: &'static str = "responses";
    fn reference(&self) -> Option<&str> {
        self.reference.as_deref()
    }
    fn table(c: &Components) -> &BTreeMap<String, Result<Self, String>> {
        &c.responses
    }
}

impl Referable for Header {
    const KIND: &'static str = "headers";
    fn reference(&self) -> Option<&str> {
        self.reference.as_deref()
    }
    fn table(c: &Components) -> &BTreeMap<String, Result<Self, String>> {
        &c.headers
    }
}

impl Referable for RequestBody {
    const KIND: &'static str = "requestBodies";
    fn reference(&self) -> Option<&str> {
        self.reference.as_deref()
    }
    fn table(c: &Components) -> &BTreeMap<String, Result<Self, String>> {
        &c.request_bodies
    }
}

/// Follows `$ref`s (a component may itself be a `$ref`) to the object; `Err` says why not.
pub fn resolve<'c, T: Referable>(components: &'c Components, item: &'c T) -> Result<&'c T, String> {
    let mut current = item;
    // A chain longer than this is a cycle.
    for _ in 0..16 {
        let Some(reference) = current.reference() else {
            return Ok(current);
        };
        let Some(name) = ref_name(reference, T::KIND) else {
            return Err(format!(
                "expected a `$ref` to `#/components/{}/<name>`, found `{reference}`",
                T::KIND
            ));
        };
        current = match T::table(components).get(name) {
            None => return Err(format!("dangling `$ref`: `{reference}` does not exist")),
            Some(Err(why)) => {
                return Err(format!(
                    "`$ref` to `{reference}`, which cannot be read: {why}"
                ));
            }
            Some(Ok(target)) => target,
        };
    }
    Err(format!("`$ref` cycle through `#/components/{}`", T::KIND))
}

/// The lowering context: where we are and what went wrong so far.
pub struct Cx<'a> {
    pub file: &'a str,
    pub lines: &'a LineIndex,
    pub components: &'a Components,
    pub diagnostics: Vec<Diagnostic>,
    /// Rendered diagnostics already recorded: a schema reached from several places (a cycle
    /// seen from each of its members) is reported once.
    pub seen: HashSet<String>,
}

impl<'a> Cx<'a> {
    pub fn span(&self, line: u32) -> Span {
        Span {
            file: self.file.to_string(),
            line,
        }
    }

    /// A diagnostic whose message starts with the JSON pointer of the node.
    pub fn diagnostic(&self, line: u32, at: &Ptr, message: impl Display) -> Diagnostic {
        Diagnostic::new(self.span(line), format!("{at}: {message}"))
    }

    /// Records a problem that did not stop lowering.
    pub fn warn(&mut self, line: u32, at: &Ptr, message: impl Display) {
        let d = self.diagnostic(line, at, message);
        self.push(Diagnostic {
            severity: crate::diagnostic::Severity::Warning,
            ..d
        });
    }

    pub fn push(&mut self, d: Diagnostic) {
        if self.seen.insert(d.to_string()) {
            self.diagnostics.push(d);
        }
    }
}

/// Description text: trimmed, empty -> `None`.
pub fn text(s: &Option<String>) -> Option<String> {
    let t = s.as_deref()?.trim();
    (!t.is_empty()).then(|| t.to_string())
}
