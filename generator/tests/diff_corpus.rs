//! The spec diff on real data.
//!
//! - OpenAPI 7.9.0 -> 7.9.1 against oasdiff's published report: the same new, deleted and
//!   modified endpoints, and per modified endpoint the same changed parameters, properties
//!   and extensions, and the description texts oasdiff prints. Deliberate differences are
//!   listed in [`DELIBERATE`] with their reason and exact count, so the list cannot grow
//!   silently.
//! - Consecutive Markdown snapshots: the operations our diff adds and removes equal the set
//!   difference of the `(method, path)` rows of the pages' summary tables, scanned here
//!   independently of the front end.
//!
//! Timings (load + diff, diff alone) are printed, not asserted.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use waldur_codegen::diff::cli::{Side, load_spec};
use waldur_codegen::diff::{
    ApiDiff, COMMENT_BUDGET, ChangeKind, Location, OperationStatus, diff, render_markdown,
    render_markdown_full,
};
use waldur_codegen::ir::Api;

type Endpoint = (String, String);

/// Loads a spec as `waldur-codegen diff` does. The corpus loads without errors, so a broken
/// side fails the test. Its warnings (defects of the older schemas that the loader works
/// around: expected) go to stderr only with `WALDUR_SHOW_WARNINGS=1`.
fn load_api(path: &Path) -> Api {
    let mut warnings = Vec::new();
    let api = load_spec(path, Side::NEW, &mut warnings)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if waldur_test_server::show_warnings() {
        use std::io::Write;
        let _ = std::io::stderr().write_all(&warnings);
    }
    api
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

// ---- oasdiff's Markdown report -------------------------------------------------------------

/// What oasdiff's report says.
#[derive(Debug, Default)]
struct OasDiff {
    new: BTreeSet<Endpoint>,
    deleted: BTreeSet<Endpoint>,
    modified: BTreeMap<Endpoint, BTreeSet<String>>,
    /// `Description changed from 'a' to 'b'` of a parameter: `(a, b)`.
    descriptions: BTreeMap<(Endpoint, String), (String, String)>,
    /// The counts in the section headings (`None` is written as 0).
    declared: [usize; 3],
}

fn endpoint_line(line: &str) -> Option<Endpoint> {
    let (method, path) = line.trim_end().split_once(' ')?;
    let known = [
        "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE",
    ];
    (known.contains(&method) && path.starts_with('/') && !path.contains(' '))
        .then(|| (method.to_owned(), path.to_owned()))
}

/// `New`/`Deleted`/`Modified` -> our item vocabulary.
fn change_word(w: &str) -> Option<&'static str> {
    match w {
        "New" => Some("new"),
        "Deleted" => Some("deleted"),
        "Modified" => Some("modified"),
        _ => None,
    }
}

/// oasdiff's constraint lines (`MaxLength changed from null to 50000`) -> the keyword of
/// our constraint change kinds.
fn constraint_word(w: &str) -> Option<&'static str> {
    Some(match w {
        "Min" | "ExclusiveMin" => "minimum",
        "Max" | "ExclusiveMax" => "maximum",
        "MultipleOf" => "multipleOf",
        "MinLength" => "minLength",
        "MaxLength" => "maxLength",
        "Pattern" => "pattern",
        "MinItems" => "minItems",
        "MaxItems" => "maxItems",
        "ReadOnly" => "readOnly",
        "WriteOnly" => "writeOnly",
        _ => return None,
    })
}

/// What the items nested below a line of the report are about.
#[derive(Debug, Clone, PartialEq)]
enum Subject {
    Operation,
    /// `(location, name)`.
    Param(String, String),
    /// Dotted property path (`a.b`, `m.*` for map values).
    Property(String),
}

/// A list item of the report and what its children are about.
#[derive(Debug, Clone)]
struct Frame {
    depth: usize,
    subject: Subject,
    /// Inside `Items changed`: constraints are those of the items (`a[]`).
    items: bool,
}

impl Frame {
    fn child(&self, depth: usize, subject: Subject, items: bool) -> Frame {
        Frame {
            depth,
            subject,
            items,
        }
    }

    /// The path a property named below this frame gets.
    fn property(&self, name: &str) -> String {
        match &self.subject {
            Subject::Property(p) => format!("{p}.{name}"),
            _ => name.to_owned(),
        }
    }

    /// How a constraint change below this frame is named.
    fn constrained(&self) -> String {
        let items = if self.items { "[]" } else { "" };
        match &self.subject {
            Subject::Operation => format!("operation{items}"),
            Subject::Param(location, name) => format!("{location} param {name}{items}"),
            Subject::Property(p) => format!("property {p}{items}"),
        }
    }
}

/// Lines that only group what follows; their children keep the subject.
const GROUPS: &[&str] = &[
    "Content changed",
    "Schema changed",
    "Properties changed",
    "Required changed",
    "Extensions changed",
    "Request body changed",
    "Responses changed",
    "Property 'AllOf' changed",
    "Property 'OneOf' changed",
    "Property 'AnyOf' changed",
];

/// Prefixes of lines that group what follows (`Modified media type: application/json`).
const GROUP_PREFIXES: &[&str] = &[
    "Modified media type: ",
    "Modified schema: ",
    "Modified response: ",
];

/// Changes of the subject's value that name nothing new (the subject's own item says it
/// changed).
const VALUE_CHANGES: &[&str] = &[
    "Type changed from ",
    "Format changed from ",
    "New enum values: ",
    "Deleted enum values: ",
    "Nullable changed from ",
    "Default changed from ",
];

/// Parses the report strictly: every line must be understood, or the test fails naming it.
/// Both report shapes oasdiff has printed are read: the flat one (7.9.1: parameters and
/// extensions one level deep) and the nested one of later releases (request bodies and
/// responses down to properties, items, map values and their constraints).
fn parse_oasdiff(text: &str) -> Result<OasDiff, String> {
    #[derive(PartialEq)]
    enum Section {
        Preamble,
        New,
        Deleted,
        Modified,
    }
    let mut out = OasDiff::default();
    let mut section = Section::Preamble;
    let mut current: Option<Endpoint> = None;
    let mut stack: Vec<Frame> = Vec::new();
    // `New required property: x` names a property that became required, unless it is new.
    let mut required: Vec<(Endpoint, String)> = Vec::new();
    // The parameter a `Description changed` line belongs to, and its text while it spans lines.
    let mut last_param: Option<(Endpoint, String)> = None;
    let mut description: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let at = |what: &str| format!("oasdiff report line {}: {what}: {line:?}", i + 1);
        if let Some(mut d) = description.take() {
            // A multi-line description ends with the closing quote of its new value.
            d.push('\n');
            d.push_str(line);
            if !finish_description(&d, &last_param, &mut out) {
                description = Some(d);
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed.is_empty()
            || trimmed.chars().all(|c| c == '-')
            || line.starts_with("# ")
            || line.starts_with("## ")
        {
            continue;
        }
        if let Some(rest) = line.strip_prefix("### ") {
            let (title, count) = rest
                .split_once(": ")
                .ok_or_else(|| at("expected `### <Section>: <count>`"))?;
            let n = if count == "None" {
                0
            } else {
                count.parse().map_err(|_| at("expected a count"))?
            };
            section = match title {
                "New Endpoints" => Section::New,
                "Deleted Endpoints" => Section::Deleted,
                "Modified Endpoints" => Section::Modified,
                _ => return Err(at("unknown section")),
            };
            let slot = match section {
                Section::New => 0,
                Section::Deleted => 1,
                _ => 2,
            };
            out.declared[slot] = n;
            continue;
        }
        if let Some(ep) = endpoint_line(line) {
            match section {
                Section::New => {
                    out.new.insert(ep);
                }
                Section::Deleted => {
                    out.deleted.insert(ep);
                }
                Section::Modified => {
                    out.modified.entry(ep.clone()).or_default();
                    current = Some(ep);
                    stack.clear();
                    last_param = None;
                }
                Section::Preamble => return Err(at("endpoint before any section")),
            }
            continue;
        }
        let ep = current
            .clone()
            .ok_or_else(|| at("change outside an endpoint"))?;
        let indent = line.len() - line.trim_start_matches(' ').len();
        let item = trimmed
            .strip_prefix("- ")
            .ok_or_else(|| at("expected a `- ` list item"))?;
        let depth = indent / 2;
        while stack.last().is_some_and(|f| f.depth >= depth) {
            stack.pop();
        }
        let parent = stack.last().cloned().unwrap_or(Frame {
            depth: 0,
            subject: Subject::Operation,
            items: false,
        });
        let items = out.modified.entry(ep.clone()).or_default();
        if let Some(rest) = item.strip_prefix("Description changed from '") {
            match &parent.subject {
                Subject::Operation => {
                    items.insert("operation description".to_owned());
                }
                Subject::Param(..) => {}
                Subject::Property(_) => {}
            }
            if !finish_description(rest, &last_param, &mut out) {
                description = Some(rest.to_owned());
            }
            continue;
        }
        if item.starts_with("Summary changed from '") {
            items.insert("operation summary".to_owned());
            continue;
        }
        if GROUPS.contains(&item) || GROUP_PREFIXES.iter().any(|p| item.starts_with(p)) {
            stack.push(parent.child(depth, parent.subject.clone(), false));
            continue;
        }
        if item == "Items changed" {
            stack.push(parent.child(depth, parent.subject.clone(), true));
            continue;
        }
        if item == "AdditionalProperties changed" {
            let subject = match &parent.subject {
                Subject::Property(p) => Subject::Property(format!("{p}.*")),
                other => other.clone(),
            };
            stack.push(parent.child(depth, subject, false));
            continue;
        }
        if VALUE_CHANGES.iter().any(|p| item.starts_with(p)) {
            continue;
        }
        let (head, name) = item.split_once(": ").map_or((item, ""), |(h, n)| (h, n));
        let words: Vec<&str> = head.split(' ').collect();
        match words.as_slice() {
            [change, location, "param"] => {
                let change = change_word(change).ok_or_else(|| at("unknown change word"))?;
                let entry = format!("{change} {location} param {name}");
                if change == "modified" {
                    last_param = Some((ep.clone(), entry.clone()));
                    let subject = Subject::Param((*location).to_owned(), name.to_owned());
                    stack.push(parent.child(depth, subject, false));
                }
                items.insert(entry);
            }
            [change, "extension"] => {
                let change = change_word(change).ok_or_else(|| at("unknown change word"))?;
                // A parameter's or property's extensions count as that item.
                if parent.subject == Subject::Operation {
                    items.insert(format!("{change} extension {name}"));
                }
            }
            [change, "property"] => {
                let change = change_word(change).ok_or_else(|| at("unknown change word"))?;
                let path = parent.property(name);
                items.insert(format!("{change} property {path}"));
                if change == "modified" {
                    stack.push(parent.child(depth, Subject::Property(path), false));
                }
            }
            [change, "required", "property"] => {
                change_word(change).ok_or_else(|| at("unknown change word"))?;
                required.push((ep.clone(), parent.property(name)));
            }
            [change, "response"] => {
                let change = change_word(change).ok_or_else(|| at("unknown change word"))?;
                items.insert(format!("{change} response {name}"));
            }
            [keyword, "changed", "from", ..] if name.is_empty() => {
                let keyword = constraint_word(keyword).ok_or_else(|| at("unrecognised change"))?;
                items.insert(format!("constraint {keyword} of {}", parent.constrained()));
            }
            _ => return Err(at("unrecognised change")),
        }
    }
    if description.is_some() {
        return Err("oasdiff report: a description runs to the end of the file".to_owned());
    }
    // A property that became required or optional is modified, unless it is new or deleted.
    for (ep, path) in required {
        let items = out.modified.entry(ep).or_default();
        let added_or_removed = ["new", "deleted"]
            .iter()
            .any(|c| items.contains(&format!("{c} property {path}")));
        if !added_or_removed {
            items.insert(format!("modified property {path}"));
        }
    }
    Ok(out)
}

/// `a' to 'b'` (after `Description changed from '`), complete once it ends with a quote.
fn finish_description(text: &str, item: &Option<(Endpoint, String)>, out: &mut OasDiff) -> bool {
    let Some(body) = text.strip_suffix('\'') else {
        return false;
    };
    let Some((from, to)) = body.split_once("' to '") else {
        return false;
    };
    if let Some(key) = item {
        out.descriptions
            .insert(key.clone(), (from.to_owned(), to.to_owned()));
    }
    true
}

#[test]
fn oasdiff_report_parser() {
    let text = "# OpenAPI schema diff - 1\n\n### New Endpoints: 1\n\n---\nGET /api/a/\n\n\
                ### Deleted Endpoints: None\n\n---\n### Modified Endpoints: 1\n\n---\n\
                POST /api/b/{uuid}/x/\n\n- Modified query param: state\n  - Description \
                changed from '' to 'State\n\n'\n\n- New header param: X-Trace\n\
                - Extensions changed\n  - Deleted extension: x-permissions\n";
    let got = parse_oasdiff(text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got.declared, [1, 0, 1]);
    assert_eq!(
        got.new,
        BTreeSet::from([("GET".to_owned(), "/api/a/".to_owned())])
    );
    assert!(got.deleted.is_empty());
    let items: Vec<&str> = got
        .modified
        .values()
        .flatten()
        .map(String::as_str)
        .collect();
    assert_eq!(
        items,
        [
            "deleted extension x-permissions",
            "modified query param state",
            "new header param X-Trace"
        ]
    );
    let key = (
        ("POST".to_owned(), "/api/b/{uuid}/x/".to_owned()),
        "modified query param state".to_owned(),
    );
    assert_eq!(
        got.descriptions.get(&key),
        Some(&(String::new(), "State\n\n".to_owned()))
    );
    let err = parse_oasdiff("### Modified Endpoints: 1\nGET /a/\n- Response changed\n").err();
    assert_eq!(
        err.as_deref(),
        Some("oasdiff report line 3: unrecognised change: \"- Response changed\"")
    );
}

/// The nested shape of later reports: request bodies and responses down to properties, array
/// items, map values and constraints.
#[test]
fn oasdiff_nested_report_parser() {
    let text = "### Modified Endpoints: 2\n\n---\nPOST /api/things/\n\n\
- Description changed from 'Old.' to 'New.'
- Modified query param: tags
  - Schema changed
    - Items changed
      - MaxLength changed from 10 to 5
- Request body changed
  - Content changed
    - Modified media type: application/json
      - Schema changed
        - Properties changed
          - New property: color
          - Modified property: name
            - MaxLength changed from null to 255
          - Modified property: parts
            - Items changed
              - Properties changed
                - Modified property: size
                  - Min changed from 0 to 1
          - Modified property: prices
            - AdditionalProperties changed
              - Pattern changed from '' to '^\\d+$'
        - Required changed
          - New required property: color
          - New required property: size
- Responses changed
  - New response: 201
  - Modified response: 200
    - Content changed
      - Modified media type: application/json
        - Schema changed
          - Properties changed
            - Modified property: state
              - Property 'AllOf' changed
                - Modified schema: #/components/schemas/States
                  - New enum values: [gone]
            - Modified property: uuid
              - ReadOnly changed from false to true

GET /api/things/{uuid}/  

- Extensions changed
  - New extension: x-permissions
";
    let got = parse_oasdiff(text).unwrap_or_else(|e| panic!("{e}"));
    let items: Vec<&str> = got
        .modified
        .values()
        .flatten()
        .map(String::as_str)
        .collect();
    assert_eq!(
        items,
        [
            // GET /api/things/{uuid}/ (its line has trailing spaces, as oasdiff prints them).
            "new extension x-permissions",
            // POST /api/things/
            "constraint maxLength of property name",
            "constraint maxLength of query param tags[]",
            "constraint minimum of property parts.size",
            "constraint pattern of property prices.*",
            "constraint readOnly of property uuid",
            "modified property name",
            "modified property parts",
            "modified property parts.size",
            "modified property prices",
            "modified property size",
            "modified property state",
            "modified property uuid",
            "modified query param tags",
            "new property color",
            "new response 201",
            "operation description",
        ]
    );
}

// ---- our diff in oasdiff's vocabulary -------------------------------------------------------

fn location_word(l: Location) -> &'static str {
    match l {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
        _ => "other",
    }
}

/// The keyword of a constraint change kind, as [`constraint_word`] names oasdiff's.
fn our_constraint_word(kind: ChangeKind) -> Option<&'static str> {
    Some(match kind {
        ChangeKind::MinimumChanged => "minimum",
        ChangeKind::MaximumChanged => "maximum",
        ChangeKind::MultipleOfChanged => "multipleOf",
        ChangeKind::MinLengthChanged => "minLength",
        ChangeKind::MaxLengthChanged => "maxLength",
        ChangeKind::PatternChanged => "pattern",
        ChangeKind::MinItemsChanged => "minItems",
        ChangeKind::MaxItemsChanged => "maxItems",
        ChangeKind::BecameReadOnly | ChangeKind::BecameNotReadOnly => "readOnly",
        ChangeKind::BecameWriteOnly | ChangeKind::BecameNotWriteOnly => "writeOnly",
        _ => return None,
    })
}

/// Our changes of one operation, in the vocabulary of [`parse_oasdiff`]: parameters,
/// properties (request and response fields), their constraints, responses and extensions by
/// name; anything else by kind.
fn our_items(op: &waldur_codegen::diff::OperationDiff) -> BTreeSet<String> {
    let mut items = BTreeSet::new();
    for c in &op.changes {
        let change = match c.kind {
            ChangeKind::ParameterAdded | ChangeKind::FieldAdded | ChangeKind::ExtensionAdded => {
                "new"
            }
            ChangeKind::ParameterRemoved
            | ChangeKind::FieldRemoved
            | ChangeKind::ExtensionRemoved => "deleted",
            _ => "modified",
        };
        let name = c.name.as_deref().unwrap_or("");
        // `tags[]`: the items of `tags`, whose item is the property or parameter itself.
        let base = name.strip_suffix("[]").unwrap_or(name);
        if let Some(keyword) = our_constraint_word(c.kind) {
            let subject = if c.location.is_parameter() {
                format!("{} param {name}", location_word(c.location))
            } else {
                format!("property {name}")
            };
            items.insert(format!("constraint {keyword} of {subject}"));
        }
        let item = match (c.location, c.kind) {
            (Location::Path | Location::Query | Location::Header, _) => {
                // A parameter's own extensions and nested values count as the parameter.
                format!(
                    "{change} {} param {}",
                    location_word(c.location),
                    base.split('.').next().unwrap_or(base)
                )
            }
            (
                Location::Operation,
                ChangeKind::ExtensionAdded
                | ChangeKind::ExtensionRemoved
                | ChangeKind::ExtensionChanged,
            ) => format!("{change} extension {name}"),
            (Location::Operation, ChangeKind::DescriptionChanged) => {
                "operation description".to_owned()
            }
            (Location::Operation, ChangeKind::TitleChanged) => "operation summary".to_owned(),
            (Location::Response, ChangeKind::ResponseAdded) => {
                format!("new response {}", c.status.unwrap_or_default())
            }
            (Location::Response, ChangeKind::ResponseRemoved) => {
                format!("deleted response {}", c.status.unwrap_or_default())
            }
            (Location::RequestBody | Location::Response, _) if c.name.is_some() => {
                format!("{change} property {base}")
            }
            _ => format!("{:?} {:?}", c.kind, c.location),
        };
        items.insert(item);
    }
    items
}

/// One way our diff and oasdiff's report differ.
#[derive(Debug)]
enum Difference {
    /// An item (parameter, property, extension, other change) only one side reports.
    OnlyOurs(Endpoint, String),
    OnlyOasdiff(Endpoint, String),
    /// A description change both report, with other texts: `(old, new)` on each side.
    Text {
        endpoint: Endpoint,
        item: String,
        ours: Option<(String, String)>,
        oasdiff: (String, String),
    },
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::OnlyOurs((m, p), item) => write!(f, "only ours: {m} {p}: {item}"),
            Difference::OnlyOasdiff((m, p), item) => write!(f, "only oasdiff: {m} {p}: {item}"),
            Difference::Text {
                endpoint: (m, p),
                item,
                ours,
                oasdiff,
            } => {
                write!(
                    f,
                    "text: {m} {p}: {item}: ours {ours:?}, oasdiff {oasdiff:?}"
                )
            }
        }
    }
}

const TRIMMED_DESCRIPTION: &str = "description without trailing blank lines";

/// Deliberate differences: `(name, exact count, reason)`. [`deliberate`] sorts each
/// difference into one of them; anything it cannot place fails the test, and the counts are
/// asserted exactly, so the list cannot grow silently.
const DELIBERATE: &[(&str, usize, &str)] = &[(
    TRIMMED_DESCRIPTION,
    102,
    "the IR normalises descriptions (model.rs: trailing blanks trimmed), so a filter's \
     `'State\\n\\n'` is `State` to us; oasdiff prints the raw text. The same change is \
     reported on both sides, only its printed text differs.",
)];

fn deliberate(d: &Difference) -> Option<&'static str> {
    match d {
        Difference::Text {
            ours: Some((old, new)),
            oasdiff: (their_old, their_new),
            ..
        } if old == their_old.trim_end() && new == their_new.trim_end() => {
            Some(TRIMMED_DESCRIPTION)
        }
        _ => None,
    }
}

#[test]
fn openapi_7_9_0_to_7_9_1_agrees_with_oasdiff() {
    let Some(shared) = common::shared_dir("diff_corpus") else {
        return;
    };
    let report_path = shared.join("corpus/api-changes/waldur-openapi-schema-7.9.1-diff.md");
    let report = std::fs::read_to_string(&report_path)
        .unwrap_or_else(|e| panic!("{}: {e}", report_path.display()));
    let theirs = parse_oasdiff(&report).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        theirs.declared,
        [
            theirs.new.len(),
            theirs.deleted.len(),
            theirs.modified.len()
        ],
        "the report's headings and its endpoint lists disagree"
    );

    let dir = shared.join("corpus/openapi");
    let (old, t_old) = timed(|| load_api(&dir.join("waldur-openapi-schema-7.9.0.yaml")));
    let (new, t_new) = timed(|| load_api(&dir.join("waldur-openapi-schema-7.9.1.yaml")));
    let (d, t_diff) = timed(|| diff(&old, &new));
    println!(
        "diff_corpus: OpenAPI 7.9.0 ({} ops) -> 7.9.1 ({} ops): load {:.0?} + {:.0?}, diff {:.1?}, total {:.0?}; {} changes",
        old.operations.len(),
        new.operations.len(),
        t_old,
        t_new,
        t_diff,
        t_old + t_new + t_diff,
        d.summary.changes
    );

    check_reports(&d, "OpenAPI 7.9.0 -> 7.9.1");
    let ours_by_status = |s: OperationStatus| -> BTreeSet<Endpoint> {
        d.operations
            .iter()
            .filter(|o| o.status == s)
            .map(|o| (o.method.as_str().to_owned(), o.path.clone()))
            .collect()
    };
    assert_eq!(
        ours_by_status(OperationStatus::Added),
        theirs.new,
        "new endpoints"
    );
    assert_eq!(
        ours_by_status(OperationStatus::Removed),
        theirs.deleted,
        "deleted endpoints"
    );
    let modified: BTreeMap<Endpoint, BTreeSet<String>> = d
        .operations
        .iter()
        .filter(|o| o.status == OperationStatus::Modified)
        .map(|o| ((o.method.as_str().to_owned(), o.path.clone()), our_items(o)))
        .collect();

    // Every difference, per endpoint and item, then checked against the allow-list.
    let mut differences: Vec<Difference> = Vec::new();
    let endpoints: BTreeSet<&Endpoint> = modified.keys().chain(theirs.modified.keys()).collect();
    let empty = BTreeSet::new();
    for ep in endpoints {
        let ours = modified.get(ep).unwrap_or(&empty);
        let their = theirs.modified.get(ep).unwrap_or(&empty);
        for item in ours.difference(their) {
            differences.push(Difference::OnlyOurs(ep.clone(), item.clone()));
        }
        for item in their.difference(ours) {
            differences.push(Difference::OnlyOasdiff(ep.clone(), item.clone()));
        }
    }
    // The texts of parameter descriptions, where oasdiff prints them.
    let ours_texts: BTreeMap<(Endpoint, String), (String, String)> = d
        .operations
        .iter()
        .flat_map(|o| o.changes.iter().map(move |c| (o, c)))
        .filter(|(_, c)| c.kind == ChangeKind::DescriptionChanged && c.location.is_parameter())
        .map(|(o, c)| {
            let ep = (o.method.as_str().to_owned(), o.path.clone());
            let item = format!(
                "modified {} param {}",
                location_word(c.location),
                c.name.clone().unwrap_or_default()
            );
            (
                (ep, item),
                (
                    c.old.clone().unwrap_or_default(),
                    c.new.clone().unwrap_or_default(),
                ),
            )
        })
        .collect();
    for (key, theirs_text) in &theirs.descriptions {
        if ours_texts.get(key) != Some(theirs_text) {
            differences.push(Difference::Text {
                endpoint: key.0.clone(),
                item: key.1.clone(),
                ours: ours_texts.get(key).cloned(),
                oasdiff: theirs_text.clone(),
            });
        }
    }
    let mut counted: BTreeMap<&str, usize> = BTreeMap::new();
    let mut unexplained = Vec::new();
    for difference in &differences {
        match deliberate(difference) {
            Some(key) => *counted.entry(key).or_default() += 1,
            None => unexplained.push(difference.to_string()),
        }
    }
    assert!(
        unexplained.is_empty(),
        "{} unexplained differences from oasdiff:\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
    let expected: BTreeMap<&str, usize> = DELIBERATE.iter().map(|(k, n, _)| (*k, *n)).collect();
    assert_eq!(counted, expected, "deliberate differences");

    // Constraint changes (bounds, lengths, patterns, read-only) are compared like the other
    // items above; count them on both sides.
    let constraints = |items: &BTreeMap<Endpoint, BTreeSet<String>>| {
        items
            .values()
            .flatten()
            .filter(|i| i.starts_with("constraint "))
            .count()
    };
    let (our_constraints, their_constraints) =
        (constraints(&modified), constraints(&theirs.modified));
    assert_eq!(our_constraints, their_constraints, "constraint changes");
    println!(
        "diff_corpus: constraint changes: ours {our_constraints}, oasdiff {their_constraints}"
    );
    let agreed: usize = theirs.modified.values().map(BTreeSet::len).sum();
    let texts = theirs.descriptions.len();
    println!(
        "diff_corpus: oasdiff agreement: {} new, {} deleted, {} modified endpoints; {} changed parameters/properties/extensions; {} description texts compared; deliberate differences: {counted:?}",
        theirs.new.len(),
        theirs.deleted.len(),
        theirs.modified.len(),
        agreed,
        texts
    );
}

// ---- Markdown snapshots ---------------------------------------------------------------------

/// `(METHOD, path)` of every summary-table row of every page below `dir`, scanned directly:
/// ``| <span class="http-badge http-get">GET</span> | `/api/x/` | [Title](#anchor) |``.
fn scan_summary_rows(dir: &Path) -> BTreeSet<Endpoint> {
    let mut files = Vec::new();
    collect_md(dir, &mut files);
    let mut out = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        for line in text.lines() {
            let Some(rest) = line.strip_prefix("| <span class=\"http-badge http-") else {
                continue;
            };
            let Some((_, rest)) = rest.split_once("\">") else {
                continue;
            };
            let Some((method, rest)) = rest.split_once("</span> | `") else {
                continue;
            };
            let Some((path, _)) = rest.split_once("` |") else {
                continue;
            };
            out.insert((method.to_owned(), path.to_owned()));
        }
    }
    out
}

fn collect_md(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            collect_md(&p, out);
        } else if p.extension().is_some_and(|e| e == "md") {
            out.push(p);
        }
    }
}

/// The comment-sized report fits a pull-request comment, and the full one lists every change
/// on a line of its own.
fn check_reports(d: &ApiDiff, what: &str) {
    let comment = render_markdown(d);
    assert!(
        comment.len() <= COMMENT_BUDGET,
        "{what}: {} bytes",
        comment.len()
    );
    let full = render_markdown_full(d);
    let lines = full
        .lines()
        .filter(|l| {
            l.starts_with("  - ") || (l.starts_with("- `") && l.contains("): **operation "))
        })
        .count();
    assert_eq!(
        lines, d.summary.changes,
        "{what}: changes listed in the full report"
    );
    println!(
        "diff_corpus: {what}: Markdown report {} bytes for a comment, {} in full",
        comment.len(),
        full.len()
    );
}

fn endpoints(d: &ApiDiff, status: OperationStatus) -> BTreeSet<Endpoint> {
    d.operations
        .iter()
        .filter(|o| o.status == status)
        .map(|o| (o.method.as_str().to_owned(), o.path.clone()))
        .collect()
}

#[test]
fn markdown_snapshots_operation_changes_match_summary_rows() {
    let Some(shared) = common::shared_dir("diff_corpus") else {
        return;
    };
    let root = shared.join("corpus/markdown");
    let mut snapshots: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    snapshots.sort();
    assert_eq!(snapshots.len(), 4, "snapshots in {}", root.display());

    let mut previous: Option<(Api, BTreeSet<Endpoint>, Duration)> = None;
    for dir in &snapshots {
        let (api, t_load) = timed(|| load_api(dir));
        let rows = scan_summary_rows(dir);
        if let Some((old, old_rows, t_old)) = previous.take() {
            let (d, t_diff) = timed(|| diff(&old, &api));
            let name = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let added: BTreeSet<Endpoint> = rows.difference(&old_rows).cloned().collect();
            let removed: BTreeSet<Endpoint> = old_rows.difference(&rows).cloned().collect();
            assert_eq!(
                endpoints(&d, OperationStatus::Added),
                added,
                "added operations, {name}"
            );
            assert_eq!(
                endpoints(&d, OperationStatus::Removed),
                removed,
                "removed operations, {name}"
            );
            check_reports(&d, &format!("Markdown -> {name}"));
            println!(
                "diff_corpus: Markdown -> {name}: {} added, {} removed, {} modified, {} changes \
                 ({} wire-breaking, {} compile breaks, {} models renamed, bump {}); load {:.0?} + {:.0?} + diff {:.1?} = {:.0?}, diff alone {:.1?}",
                added.len(),
                removed.len(),
                d.summary.operations_modified,
                d.summary.changes,
                d.summary.wire_breaking,
                d.summary.rust_breaking,
                d.summary.models_renamed,
                d.suggested_bump().as_str(),
                t_old,
                t_load,
                t_diff,
                t_old + t_load + t_diff,
                t_diff,
            );
        }
        previous = Some((api, rows, t_load));
    }
}

// ---- each operation's answer is independent of the other pages --------------------------------

/// Loads one page or directory as the diff does, accepting a page that holds no operation (the
/// snapshot's `index.md`); messages are dropped.
fn load_quietly(path: &Path) -> Api {
    let mut sink = Vec::new();
    load_spec(path, Side::NEW.allow_broken(true), &mut sink)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Issue 12 item 1: diffing a snapshot pair page by page gives, for every operation a page has
/// on both sides, exactly the entry (changes, effects, texts) the whole-snapshot diff gives it.
/// Before, the naming passes merged shapes across pages, and a whole snapshot reported
/// descriptions and defaults of other pages.
#[test]
fn operation_changes_do_not_depend_on_the_other_pages() {
    let Some(shared) = common::shared_dir("diff_corpus") else {
        return;
    };
    let root = shared.join("corpus/markdown");
    let mut snapshots: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    snapshots.sort();
    for pair in snapshots.windows(2) {
        let [old_dir, new_dir] = pair else { continue };
        let whole = diff(&load_quietly(old_dir), &load_quietly(new_dir));
        let by_key: BTreeMap<(String, String), &waldur_codegen::diff::OperationDiff> = whole
            .operations
            .iter()
            .map(|o| ((o.method.as_str().to_owned(), o.path.clone()), o))
            .collect();
        let mut old_pages = Vec::new();
        collect_md(old_dir, &mut old_pages);
        old_pages.sort();
        let (mut pages, mut compared, mut changed, mut moved) = (0, 0, 0, 0);
        let mut mismatches = Vec::new();
        for old_page in &old_pages {
            let Ok(rel) = old_page.strip_prefix(old_dir) else {
                continue;
            };
            let new_page = new_dir.join(rel);
            if !new_page.is_file() {
                continue;
            }
            pages += 1;
            let (old_api, new_api) = (load_quietly(old_page), load_quietly(&new_page));
            let per_page = diff(&old_api, &new_api);
            let keys = |api: &Api| -> BTreeSet<(String, String)> {
                api.operations
                    .iter()
                    .map(|o| (o.method.as_str().to_owned(), o.path.clone()))
                    .collect()
            };
            let on_both: BTreeSet<_> = keys(&old_api)
                .intersection(&keys(&new_api))
                .cloned()
                .collect();
            compared += on_both.len();
            for key in &on_both {
                let page_entry = per_page
                    .operations
                    .iter()
                    .find(|o| (o.method.as_str().to_owned(), o.path.clone()) == *key);
                let whole_entry = by_key.get(key).copied();
                changed += usize::from(page_entry.is_some());
                if page_entry != whole_entry {
                    mismatches.push(format!("{} {} ({})", key.0, key.1, rel.display()));
                }
            }
            // Operations only one side of the page has may have moved to another page.
            moved += per_page
                .operations
                .iter()
                .filter(|o| o.status != OperationStatus::Modified)
                .filter(|o| {
                    let key = (o.method.as_str().to_owned(), o.path.clone());
                    by_key.get(&key).is_none_or(|w| w.status != o.status)
                })
                .count();
        }
        let name = new_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!(
            "diff_corpus: per page -> {name}: {pages} pages on both sides, {compared} operations \
             on both sides of their page ({changed} changed) report exactly as in the whole \
             snapshot; {moved} operations moved between pages; {} mismatches",
            mismatches.len()
        );
        assert!(
            mismatches.is_empty(),
            "{name}: {} operations report differently per page and in the whole snapshot:\n{}",
            mismatches.len(),
            mismatches.join("\n")
        );
        assert!(
            compared > 1000,
            "{name}: only {compared} operations compared"
        );
    }
}
