//! What `cargo xtask live` checks of a whole-API crate against a real Waldur server, and how
//! it reports it.
//!
//! The harness the xtask generates for a whole-API crate calls every list operation the
//! server has, and runs the write round trips; it turns what each call gave into an
//! [`Outcome`] and hands it to a [`Report`], which lives here, compiled and tested with the
//! workspace. The report decides what fails the run ([`Outcome::is_failure`]), writes the
//! findings file and prints the summary line.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// The operations a server has, read from its own schema (Swagger 2.0 or OpenAPI 3: both keep
/// them under `paths`, and a Swagger `basePath` is prepended).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServerOperations {
    /// `(METHOD, path with its parameters unnamed)`.
    operations: BTreeSet<(String, String)>,
}

impl ServerOperations {
    /// Reads the `paths` of a schema document. `Err` when it has none.
    pub fn from_schema(schema: &serde_json::Value) -> Result<ServerOperations, String> {
        let paths = schema
            .get("paths")
            .and_then(|p| p.as_object())
            .ok_or("the server's schema has no `paths`")?;
        let base = schema
            .get("basePath")
            .and_then(|b| b.as_str())
            .unwrap_or("")
            .trim_end_matches('/');
        let mut operations = BTreeSet::new();
        for (path, item) in paths {
            let Some(methods) = item.as_object() else {
                continue;
            };
            for method in methods.keys() {
                if method == "parameters" {
                    continue;
                }
                operations.insert((
                    method.to_ascii_uppercase(),
                    path_key(&format!("{base}{path}")),
                ));
            }
        }
        Ok(ServerOperations { operations })
    }

    /// Adds the collections of the server's API root (`GET /api/`: `{"customers":
    /// "http://host/api/customers/", ...}`) as `GET /api/<name>/`, for any the schema leaves
    /// out. `Err` when it is not such a listing.
    pub fn add_api_root(&mut self, root: &serde_json::Value) -> Result<usize, String> {
        let entries = root
            .as_object()
            .ok_or("the server's /api/ is not a JSON object")?;
        let before = self.operations.len();
        for name in entries.keys() {
            self.operations
                .insert(("GET".to_string(), format!("/api/{name}/")));
        }
        Ok(self.operations.len() - before)
    }

    /// Whether the server has `method path` (a template: `/api/customers/{uuid}/`).
    pub fn has(&self, method: &str, path: &str) -> bool {
        self.operations
            .contains(&(method.to_ascii_uppercase(), path_key(path)))
    }

    pub fn len(&self) -> usize {
        self.operations.len()
    }

    pub fn is_empty(&self) -> bool {
        self.operations.is_empty()
    }
}

/// `/api/things/{uuid}/` -> `/api/things/{}/`: the pages, the schemas and a live server name
/// path parameters differently.
pub fn path_key(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// One value of a response the crate's spec did not promise (from the runtime's walk).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// `Model.field` (the field or undocumented key by its wire name), or the path in the
    /// response when no model holds the value.
    pub location: String,
    pub kind: FindingKind,
    /// The JSON that arrived.
    pub raw: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FindingKind {
    UndocumentedKey,
    InvalidValue,
    UnknownEnumValue,
}

impl FindingKind {
    pub fn describe(self) -> &'static str {
        match self {
            FindingKind::UndocumentedKey => "undocumented key",
            FindingKind::InvalidValue => "invalid value",
            FindingKind::UnknownEnumValue => "unknown enum value",
        }
    }
}

/// What one call gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A 2xx that decoded: how many items, and what in them the spec did not promise.
    Decoded {
        items: usize,
        findings: Vec<Finding>,
    },
    /// A typed error with the server's status (`Error::Status`): the server refused the call
    /// (a permission, a required filter, a feature not configured) and said why.
    Status { status: u16, message: String },
    /// Anything else: the client failed.
    Failed { cause: Cause, message: String },
}

/// Why a call failed on the client's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cause {
    /// A 2xx whose body is valid JSON and did not decode: the client cannot read what the
    /// server really sends.
    DecodeOfValidJson,
    /// A 2xx whose body is not JSON at all (the server's fault, not the client's).
    NotJson,
    /// The call panicked.
    Panic,
    /// Connection, timeout, pagination or any other error that is not a status.
    Other,
}

impl Cause {
    pub fn describe(self) -> &'static str {
        match self {
            Cause::DecodeOfValidJson => "decode error of a valid JSON body",
            Cause::NotJson => "2xx body that is not JSON",
            Cause::Panic => "panic",
            Cause::Other => "client error",
        }
    }
}

impl Outcome {
    /// Whether this outcome fails the run: a panic, a decode error of a valid JSON body, or
    /// an error that is neither typed nor a status. A typed status is the server's answer,
    /// and a non-JSON 2xx is the server's fault; both are counted and reported instead.
    pub fn is_failure(&self) -> bool {
        matches!(self, Outcome::Failed { cause, .. } if *cause != Cause::NotJson)
    }

    /// How the summary groups it: `decoded`, `HTTP 403`, `panic`, ...
    pub fn label(&self) -> String {
        match self {
            Outcome::Decoded { .. } => "decoded".to_string(),
            Outcome::Status { status, .. } => format!("HTTP {status}"),
            Outcome::Failed { cause, .. } => cause.describe().to_string(),
        }
    }
}

/// One write step of a round trip: what was done and whether it did what it should.
#[derive(Debug, Clone, PartialEq)]
pub struct WriteStep {
    /// `customers: create`.
    pub step: String,
    /// `Ok` with what the server answered, or what went wrong.
    pub result: Result<String, String>,
}

/// Everything one whole-API crate met on the server.
#[derive(Debug, Default)]
pub struct Report {
    /// `markdown` or `openapi`.
    pub name: String,
    /// `(operation id, path, outcome)`, in call order.
    pub calls: Vec<(String, String, Outcome)>,
    /// List operations the server does not have: `(operation id, path)`.
    pub not_on_server: Vec<(String, String)>,
    /// List operations not called because they take required arguments: `(operation id,
    /// path)`.
    pub need_arguments: Vec<(String, String)>,
    pub writes: Vec<WriteStep>,
}

/// The findings of one `Model.field` and kind: how often, in which operations, the first
/// raw value.
#[derive(Debug, Default, Clone, PartialEq)]
struct Seen {
    count: usize,
    operations: BTreeSet<String>,
    first_raw: String,
}

impl Report {
    pub fn new(name: &str) -> Report {
        Report {
            name: name.to_string(),
            ..Report::default()
        }
    }

    pub fn record(&mut self, operation: &str, path: &str, outcome: Outcome) {
        self.calls
            .push((operation.to_string(), path.to_string(), outcome));
    }

    pub fn write_step(&mut self, step: &str, result: Result<String, String>) {
        self.writes.push(WriteStep {
            step: step.to_string(),
            result,
        });
    }

    /// The calls and write steps that fail the run, one line each.
    pub fn failures(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .calls
            .iter()
            .filter(|(_, _, o)| o.is_failure())
            .map(|(op, path, o)| match o {
                Outcome::Failed { cause, message } => {
                    format!("{op} (GET {path}): {}: {message}", cause.describe())
                }
                _ => format!("{op} (GET {path}): {o:?}"),
            })
            .collect();
        out.extend(
            self.writes
                .iter()
                .filter_map(|w| w.result.as_ref().err().map(|e| format!("{}: {e}", w.step))),
        );
        out
    }

    /// `findings.txt`: per kind and `Model.field`, the count, the operations, and the first
    /// raw value; then the calls the server refused, and the operations it does not have.
    pub fn findings_text(&self) -> String {
        let mut by_location: BTreeMap<(FindingKind, String), Seen> = BTreeMap::new();
        for (op, _, outcome) in &self.calls {
            if let Outcome::Decoded { findings, .. } = outcome {
                for f in findings {
                    let seen = by_location.entry((f.kind, f.location.clone())).or_default();
                    if seen.count == 0 {
                        seen.first_raw = f.raw.chars().take(300).collect();
                    }
                    seen.count += 1;
                    seen.operations.insert(op.clone());
                }
            }
        }
        let mut out = format!(
            "# What the {} whole-API crate met on a live Waldur server\n\
             # Per kind and Model.field: occurrences, operations, first raw value.\n",
            self.name
        );
        let mut kind = None;
        for ((k, location), seen) in &by_location {
            if kind != Some(*k) {
                let n = by_location.keys().filter(|(kk, _)| kk == k).count();
                let _ = writeln!(out, "\n## {} ({n} fields)", k.describe());
                kind = Some(*k);
            }
            let ops: Vec<&str> = seen.operations.iter().map(String::as_str).take(3).collect();
            let more = seen.operations.len().saturating_sub(ops.len());
            let more = if more > 0 {
                format!(" +{more} more")
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "{location}: {} x{} in {}{more}; first: {}",
                k.describe(),
                seen.count,
                ops.join(", "),
                seen.first_raw
            );
        }
        let refused: Vec<String> = self
            .calls
            .iter()
            .filter_map(|(op, path, o)| match o {
                Outcome::Status { status, message } => {
                    Some(format!("{op} (GET {path}): HTTP {status}: {message}"))
                }
                Outcome::Failed { cause, message } => Some(format!(
                    "{op} (GET {path}): {}: {message}",
                    cause.describe()
                )),
                Outcome::Decoded { .. } => None,
            })
            .collect();
        let _ = writeln!(
            out,
            "\n## calls that did not decode ({})\n{}",
            refused.len(),
            refused.join("\n")
        );
        let _ = writeln!(
            out,
            "\n## list operations the server does not have ({})",
            self.not_on_server.len()
        );
        for (op, path) in &self.not_on_server {
            let _ = writeln!(out, "{op} (GET {path})");
        }
        let _ = writeln!(
            out,
            "\n## list operations not called: they take required arguments ({})",
            self.need_arguments.len()
        );
        for (op, path) in &self.need_arguments {
            let _ = writeln!(out, "{op} (GET {path})");
        }
        out
    }

    /// `markdown: 212 list operations called (23 not on the server), 180 decoded, 32 refused
    /// (HTTP 403 x20, HTTP 400 x12), 0 failed; 41 fields with findings; writes 11/11`.
    pub fn summary(&self) -> String {
        let decoded = self
            .calls
            .iter()
            .filter(|(_, _, o)| matches!(o, Outcome::Decoded { .. }))
            .count();
        let mut refused: BTreeMap<String, usize> = BTreeMap::new();
        let mut failed: BTreeMap<String, usize> = BTreeMap::new();
        for (_, _, o) in &self.calls {
            match o {
                Outcome::Decoded { .. } => {}
                Outcome::Status { .. } => *refused.entry(o.label()).or_default() += 1,
                Outcome::Failed { .. } => *failed.entry(o.label()).or_default() += 1,
            }
        }
        let counts = |m: &BTreeMap<String, usize>| {
            let total: usize = m.values().sum();
            if total == 0 {
                return "0".to_string();
            }
            let parts: Vec<String> = m.iter().map(|(k, n)| format!("{k} x{n}")).collect();
            format!("{total} ({})", parts.join(", "))
        };
        let mut fields: BTreeSet<(FindingKind, &str)> = BTreeSet::new();
        for (_, _, o) in &self.calls {
            if let Outcome::Decoded { findings, .. } = o {
                fields.extend(findings.iter().map(|f| (f.kind, f.location.as_str())));
            }
        }
        let writes_ok = self.writes.iter().filter(|w| w.result.is_ok()).count();
        format!(
            "{}: {} list operations called ({} not on the server), {decoded} decoded, {} refused \
             by the server, {} failed; {} fields with findings; write steps {writes_ok}/{} ok",
            self.name,
            self.calls.len(),
            self.not_on_server.len(),
            counts(&refused),
            counts(&failed),
            fields.len(),
            self.writes.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn server_operations_from_a_swagger_schema() {
        let schema = json!({
            "swagger": "2.0",
            "paths": {
                "/api/customers/": {"get": {}, "post": {}, "parameters": []},
                "/api/customers/{uuid}/": {"get": {}, "delete": {}}
            }
        });
        let ops = ServerOperations::from_schema(&schema).unwrap();
        assert_eq!(ops.len(), 4);
        assert!(ops.has("GET", "/api/customers/"));
        assert!(ops.has("delete", "/api/customers/{customer_uuid}/"));
        assert!(!ops.has("GET", "/api/projects/"));
        let based = json!({"basePath": "/api/", "paths": {"/users/": {"get": {}}}});
        let ops = ServerOperations::from_schema(&based).unwrap();
        assert!(ops.has("GET", "/api/users/"));
        let mut ops = ServerOperations::from_schema(&json!({"paths": {}})).unwrap();
        let root = json!({"customers": "http://h/api/customers/", "users": "http://h/api/users/"});
        assert_eq!(ops.add_api_root(&root), Ok(2));
        assert!(ops.has("GET", "/api/users/"));
        assert_eq!(
            ops.add_api_root(&json!([])),
            Err("the server's /api/ is not a JSON object".to_string())
        );
        assert_eq!(
            ServerOperations::from_schema(&json!({})),
            Err("the server's schema has no `paths`".to_string())
        );
    }

    fn finding(location: &str, kind: FindingKind, raw: &str) -> Finding {
        Finding {
            location: location.to_string(),
            kind,
            raw: raw.to_string(),
        }
    }

    #[test]
    fn what_fails_the_run() {
        let failed = |cause| Outcome::Failed {
            cause,
            message: "m".to_string(),
        };
        assert!(failed(Cause::Panic).is_failure());
        assert!(failed(Cause::DecodeOfValidJson).is_failure());
        assert!(failed(Cause::Other).is_failure());
        assert!(!failed(Cause::NotJson).is_failure());
        assert!(
            !Outcome::Status {
                status: 403,
                message: "no".to_string()
            }
            .is_failure()
        );
    }

    #[test]
    fn summary_and_findings_group_by_field() {
        let mut report = Report::new("markdown");
        report.record(
            "volumes_list",
            "/api/volumes/",
            Outcome::Decoded {
                items: 2,
                findings: vec![
                    finding("Volume.metadata", FindingKind::InvalidValue, "\"\""),
                    finding("Volume.metadata", FindingKind::InvalidValue, "\"x\""),
                    finding("Volume.legacy", FindingKind::UndocumentedKey, "1"),
                ],
            },
        );
        report.record(
            "snapshots_list",
            "/api/snapshots/",
            Outcome::Decoded {
                items: 1,
                findings: vec![finding("Volume.metadata", FindingKind::InvalidValue, "7")],
            },
        );
        report.record(
            "admin_list",
            "/api/admin/",
            Outcome::Status {
                status: 403,
                message: "You do not have permission.".to_string(),
            },
        );
        report.record(
            "broken_list",
            "/api/broken/",
            Outcome::Failed {
                cause: Cause::DecodeOfValidJson,
                message: "at [0].x: expected a map".to_string(),
            },
        );
        report
            .not_on_server
            .push(("new_list".to_string(), "/api/new/".to_string()));
        report.write_step("customers: create", Ok("201".to_string()));
        report.write_step("customers: delete", Err("HTTP 409".to_string()));
        assert_eq!(
            report.summary(),
            "markdown: 4 list operations called (1 not on the server), 2 decoded, 1 (HTTP 403 \
             x1) refused by the server, 1 (decode error of a valid JSON body x1) failed; 2 \
             fields with findings; write steps 1/2 ok"
        );
        assert_eq!(
            report.failures(),
            [
                "broken_list (GET /api/broken/): decode error of a valid JSON body: at [0].x: \
                 expected a map",
                "customers: delete: HTTP 409"
            ]
        );
        assert_eq!(
            report.findings_text(),
            "# What the markdown whole-API crate met on a live Waldur server\n\
             # Per kind and Model.field: occurrences, operations, first raw value.\n\
             \n## undocumented key (1 fields)\n\
             Volume.legacy: undocumented key x1 in volumes_list; first: 1\n\
             \n## invalid value (1 fields)\n\
             Volume.metadata: invalid value x3 in snapshots_list, volumes_list; first: \"\"\n\
             \n## calls that did not decode (2)\n\
             admin_list (GET /api/admin/): HTTP 403: You do not have permission.\n\
             broken_list (GET /api/broken/): decode error of a valid JSON body: at [0].x: \
             expected a map\n\
             \n## list operations the server does not have (1)\n\
             new_list (GET /api/new/)\n\
             \n## list operations not called: they take required arguments (0)\n"
        );
    }
}
