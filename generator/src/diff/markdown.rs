//! Markdown report for a pull-request comment, and the one-paragraph summary.
//!
//! Layout: a title, the counts, the suggested bump, renamed models, then "Breaking changes"
//! (changes that break callers on the wire or break the generated crate) and "Other
//! changes", each grouped by tag and operation. A long "Other changes" section is folded into
//! a `<details>` block so the comment stays readable.
//!
//! A pull-request comment holds at most 65,536 characters, and a whole-API diff can list
//! thousands of changes. [`render_markdown`] therefore stops listing once the report reaches
//! [`COMMENT_BUDGET`] bytes, breaking changes first, and says how many changes it left out
//! (the JSON output always has all of them); [`render_markdown_full`] lists everything.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::{
    ApiDiff, Change, ChangeKind as K, Location, OperationDiff, RustEffect, SemverBump, WireEffect,
};

/// Size limit of [`render_markdown`], in bytes: GitHub's 65,536-character comment limit
/// with room for a caller's own header or footer.
pub const COMMENT_BUDGET: usize = 60_000;
/// Bytes kept free for the headings and notes of the change sections.
const SECTION_RESERVE: usize = 1_000;
/// "Other changes" with more lines than this are folded.
const FOLD_OVER: usize = 40;
/// Renamed models listed before the list is cut short.
const MAX_RENAMES: usize = 100;
/// Texts (titles, descriptions) up to this many characters are quoted in full.
const SHORT_TEXT: usize = 80;

/// The report for a pull-request comment: a title, the counts, the suggested bump, renamed
/// models, then breaking changes and other changes grouped by tag and operation. It stops
/// listing at [`COMMENT_BUDGET`] bytes (breaking changes first) and says how many changes it
/// left out; [`render_markdown_full`] lists all of them.
pub fn render_markdown(d: &ApiDiff) -> String {
    render(d, COMMENT_BUDGET)
}

/// The report with every change listed, whatever its size.
pub fn render_markdown_full(d: &ApiDiff) -> String {
    render(d, usize::MAX)
}

pub(super) fn render(d: &ApiDiff, budget: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## API changes{}", versions(d));
    out.push('\n');
    if d.is_empty() {
        out.push_str("No changes: both specs describe the same API.\n");
        return out;
    }
    let s = &d.summary;
    let _ = writeln!(
        out,
        "{} added, {} removed, {} modified; {} in all.",
        plural(s.operations_added, "operation", "operations"),
        s.operations_removed,
        s.operations_modified,
        plural(s.changes, "change", "changes"),
    );
    out.push('\n');
    out.push_str("| | Count |\n|:--- |---:|\n");
    let rows = [
        ("Operations added", s.operations_added),
        ("Operations removed", s.operations_removed),
        ("Operations modified", s.operations_modified),
        ("Changes breaking callers on the wire", s.wire_breaking),
        ("Wire warnings", s.wire_warnings),
        ("Compile breaks in the generated crate", s.rust_breaking),
        ("Additions to the generated crate", s.rust_additive),
        ("Models renamed", s.models_renamed),
    ];
    for (label, n) in rows {
        let _ = writeln!(out, "| {label} | {n} |");
    }
    let items = [
        ("Rust items removed or changed", s.rust_items_broken),
        ("Rust items added", s.rust_items_added),
    ];
    for (label, n) in items {
        if let Some(n) = n {
            let _ = writeln!(out, "| {label} | {n} |");
        }
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "**Suggested version bump of the generated crate: {}** ({}; after 1.0 this would be {}).",
        s.suggested_bump.as_str(),
        bump_rule(s.suggested_bump),
        s.suggested_bump_stable.as_str(),
    );

    if !d.renamed_models.is_empty() {
        out.push_str("\n### Renamed models\n\n");
        let limit = if budget == usize::MAX {
            usize::MAX
        } else {
            MAX_RENAMES
        };
        for r in d.renamed_models.iter().take(limit) {
            let _ = writeln!(out, "- `{}` → `{}`", r.old, r.new);
        }
        if d.renamed_models.len() > limit {
            let _ = writeln!(out, "- … and {} more", d.renamed_models.len() - limit);
        }
    }

    let room = |out: &String| {
        budget
            .saturating_sub(out.len())
            .saturating_sub(SECTION_RESERVE)
    };
    // Half the room at most: the changes behind the breaks must still be listed.
    let items = items_by_feature(d, room(&out) / 2);
    if items.changes > 0 {
        out.push_str("\n### Compile breaks by feature\n");
        out.push_str(
            "\nThe public items of the generated crate that were removed or changed, under \
             the feature of each tag that uses them: a crate built without a feature is not \
             affected by its breaks.\n",
        );
        out.push_str(&items.text);
        items.note_omitted(&mut out);
    }
    let breaking = section(d, is_breaking, room(&out));
    if breaking.changes > 0 {
        out.push_str("\n### Breaking changes\n");
        out.push_str(&breaking.text);
        breaking.note_omitted(&mut out);
    }
    let other = section(d, |c| !is_breaking(c), room(&out));
    if other.changes > 0 {
        out.push_str("\n### Other changes\n");
        if other.changes > FOLD_OVER {
            let _ = writeln!(
                out,
                "\n<details>\n<summary>{} in {}</summary>",
                plural(other.changes, "change", "changes"),
                plural(other.operations, "operation", "operations"),
            );
            out.push_str(&other.text);
            other.note_omitted(&mut out);
            out.push_str("\n</details>\n");
        } else {
            out.push_str(&other.text);
            other.note_omitted(&mut out);
        }
    }
    out
}

fn versions(d: &ApiDiff) -> String {
    match (&d.old.version, &d.new.version) {
        (Some(a), Some(b)) => format!(" {a} → {b}"),
        _ => String::new(),
    }
}

fn bump_rule(b: SemverBump) -> &'static str {
    match b {
        SemverBump::None => "nothing changed",
        SemverBump::Minor | SemverBump::Major => {
            "the crate is 0.x, where a compile break bumps the minor version"
        }
        SemverBump::Patch => {
            "the crate is 0.x, where changes that break no code bump the patch version"
        }
    }
}

fn is_breaking(c: &Change) -> bool {
    c.wire == WireEffect::Breaking || c.rust == RustEffect::Break
}

struct Section {
    /// The listed changes, grouped by tag and operation.
    text: String,
    /// All changes and operations of the section, listed or not.
    changes: usize,
    operations: usize,
    /// Changes listed in `text`.
    shown: usize,
}

impl Section {
    /// Says how many changes did not fit, if any.
    fn note_omitted(&self, out: &mut String) {
        let omitted = self.changes - self.shown;
        if omitted > 0 {
            let _ = writeln!(
                out,
                "\n_… and {omitted} more {} not listed, to keep this report to a comment's size; \
                 `waldur-codegen diff --format json` lists every change._",
                if omitted == 1 { "change" } else { "changes" },
            );
        }
    }
}

/// The removed or changed Rust items, by feature, each item once per feature with the
/// operations it was met in, listed while `text` stays within `budget` bytes.
fn items_by_feature(d: &ApiDiff, budget: usize) -> Section {
    type Sides<'a> = (Option<&'a str>, Option<&'a str>);
    let mut features: BTreeMap<&str, BTreeMap<(&str, Sides), BTreeSet<String>>> = BTreeMap::new();
    for op in &d.operations {
        let Some(feature) = op.feature.as_deref() else {
            continue;
        };
        for c in op.rust_items.iter().filter(|c| c.is_break()) {
            features
                .entry(feature)
                .or_default()
                .entry((c.item.as_str(), (c.old.as_deref(), c.new.as_deref())))
                .or_default()
                .insert(format!("{} {}", op.method.as_str(), op.path));
        }
    }
    let mut s = Section {
        text: String::new(),
        changes: features.values().map(BTreeMap::len).sum(),
        operations: 0,
        shown: 0,
    };
    'features: for (feature, items) in &features {
        let mut head = format!("\n#### Feature `{feature}`\n\n");
        for ((_, (old, new)), ops) in items {
            let what = match (old, new) {
                (Some(old), Some(new)) => format!("`{old}` → `{new}`"),
                (Some(old), None) => format!("removed: `{old}`"),
                _ => continue,
            };
            let first = ops.iter().next().map_or("", String::as_str);
            let more = match ops.len() {
                0 | 1 => String::new(),
                n => format!(" and {} more", n - 1),
            };
            let line = format!("- {what} (`{first}`{more})\n");
            if s.text.len() + head.len() + line.len() > budget {
                break 'features;
            }
            s.text.push_str(&head);
            head.clear();
            s.text.push_str(&line);
            s.shown += 1;
        }
    }
    s
}

/// The changes that pass `keep`, grouped by tag, then operation, listed while `text` stays
/// within `budget` bytes.
fn section(d: &ApiDiff, keep: impl Fn(&Change) -> bool, budget: usize) -> Section {
    let mut s = Section {
        text: String::new(),
        changes: 0,
        operations: 0,
        shown: 0,
    };
    let mut tag: Option<&str> = None;
    let mut full = false;
    let mut lines = Vec::new();
    for op in &d.operations {
        let kept: Vec<&Change> = op.changes.iter().filter(|c| keep(c)).collect();
        if kept.is_empty() {
            continue;
        }
        s.operations += 1;
        s.changes += kept.len();
        if full {
            continue;
        }
        // The tag heading and the operation line go with the first change listed under them.
        let mut head = String::new();
        if tag != Some(op.tag.as_str()) {
            let _ = write!(head, "\n#### `{}`\n\n", op.tag);
        }
        lines.clear();
        operation_lines(op, &kept, &mut lines);
        for i in 0..lines.len() {
            let Some((line, is_change)) = lines.get(i) else {
                break;
            };
            // A heading is only written with the first line under it.
            let mut needed = line.len();
            if i == 0 {
                needed += head.len();
            }
            if !is_change {
                needed += lines.get(i + 1).map_or(0, |(next, _)| next.len());
            }
            if s.text.len() + needed > budget {
                full = true;
                break;
            }
            if i == 0 {
                s.text.push_str(&head);
                tag = Some(op.tag.as_str());
            }
            s.text.push_str(line);
            s.shown += usize::from(*is_change);
        }
    }
    s
}

/// An operation's lines, each with whether it is a change: one line for a lone added or
/// removed operation, else a heading line and one indented line per change.
fn operation_lines(op: &OperationDiff, changes: &[&Change], out: &mut Vec<(String, bool)>) {
    let mut head = format!(
        "`{} {}` (`{}`)",
        op.method.as_str(),
        op.path,
        op.operation_id
    );
    if let Some(old) = &op.old_path {
        let _ = write!(head, ", formerly `{old}`");
    }
    if let [only] = changes
        && matches!(only.kind, K::OperationAdded | K::OperationRemoved)
    {
        out.push((format!("- {head}: {}\n", describe(only)), true));
        return;
    }
    out.push((format!("- {head}\n"), false));
    for c in changes {
        out.push((format!("  - {}\n", describe(c)), true));
    }
}

/// One change as a sentence, with its effects when they matter.
pub(super) fn describe(c: &Change) -> String {
    let mut s = sentence(c);
    let mut effects = Vec::new();
    match c.wire {
        WireEffect::Breaking => effects.push("wire: **breaking**"),
        WireEffect::Warning => effects.push("wire: warning"),
        WireEffect::Compatible => {}
    }
    match c.rust {
        RustEffect::Break => effects.push("Rust: **compile break**"),
        RustEffect::Additive => effects.push("Rust: additive"),
        RustEffect::None => {}
    }
    if !effects.is_empty() {
        s.push_str(" — ");
        s.push_str(&effects.join(", "));
    }
    if let Some(note) = &c.note {
        let _ = write!(s, " ({note})");
    }
    s
}

fn subject(c: &Change) -> String {
    let status = match c.status {
        Some(0) => "default".to_owned(),
        Some(n) => n.to_string(),
        None => String::new(),
    };
    let name = c.name.as_deref();
    match (c.location, name) {
        (Location::Operation, _) => "operation".to_owned(),
        (Location::Path, Some(n)) => format!("path parameter `{n}`"),
        (Location::Query, Some(n)) => format!("query parameter `{n}`"),
        (Location::Header, Some(n)) => format!("header parameter `{n}`"),
        (Location::Path | Location::Query | Location::Header, None) => "parameter".to_owned(),
        (Location::RequestBody, Some(n)) => format!("request body field `{n}`"),
        (Location::RequestBody, None) => "request body".to_owned(),
        (Location::Response, Some(n)) => format!("response {status} field `{n}`"),
        (Location::Response, None) => format!("response {status}"),
        (Location::ResponseHeader, Some(n)) => format!("response {status} header `{n}`"),
        (Location::ResponseHeader, None) => format!("response {status} header"),
    }
}

fn code(v: &Option<String>) -> String {
    format!("`{}`", v.as_deref().unwrap_or(""))
}

/// A title or description: quoted when short and on one line, else just "changed".
fn text_change(what: &str, c: &Change) -> String {
    let short = |v: &Option<String>| {
        v.as_deref()
            .is_some_and(|t| t.chars().count() <= SHORT_TEXT && !t.contains('\n'))
    };
    if short(&c.old) && short(&c.new) {
        format!(
            "{what} changed from “{}” to “{}”",
            c.old.as_deref().unwrap_or(""),
            c.new.as_deref().unwrap_or("")
        )
    } else {
        format!("{what} changed")
    }
}

fn sentence(c: &Change) -> String {
    let subj = subject(c);
    let (old, new) = (code(&c.old), code(&c.new));
    let req = match c.required {
        Some(true) => "required, ",
        _ => "optional, ",
    };
    match c.kind {
        K::OperationAdded => "**operation added**".to_owned(),
        K::OperationRemoved => "**operation removed**".to_owned(),
        K::OperationIdChanged => format!("operation id changed from {old} to {new}"),
        K::TagChanged => format!("tag changed from {old} to {new}"),
        K::Deprecated => format!("{subj} deprecated"),
        K::Undeprecated => format!("{subj} no longer deprecated"),
        K::TitleChanged => text_change("title", c),
        K::DescriptionChanged if c.location == Location::Operation => text_change("description", c),
        K::DescriptionChanged => format!("{subj}: {}", text_change("description", c)),
        K::ExtensionAdded => format!("{subj}: extension {} added", code(&c.name)),
        K::ExtensionRemoved => format!("{subj}: extension {} removed", code(&c.name)),
        K::ExtensionChanged => format!("{subj}: extension {} changed", code(&c.name)),
        K::SecurityChanged => format!("security changed from {old} to {new}"),
        K::ParameterAdded | K::FieldAdded | K::BodyAdded => format!("{subj} added ({req}{new})"),
        K::ParameterRemoved | K::FieldRemoved | K::BodyRemoved => format!("{subj} removed"),
        K::ParameterRenamed => format!("path parameter {old} renamed to {new}"),
        K::MinimumChanged => constraint_change(&subj, "minimum", c),
        K::MaximumChanged => constraint_change(&subj, "maximum", c),
        K::MultipleOfChanged => constraint_change(&subj, "multipleOf", c),
        K::MinLengthChanged => constraint_change(&subj, "minLength", c),
        K::MaxLengthChanged => constraint_change(&subj, "maxLength", c),
        K::PatternChanged => constraint_change(&subj, "pattern", c),
        K::MinItemsChanged => constraint_change(&subj, "minItems", c),
        K::MaxItemsChanged => constraint_change(&subj, "maxItems", c),
        K::BecameReadOnly => format!("{subj} became read-only"),
        K::BecameNotReadOnly => format!("{subj} is no longer read-only"),
        K::BecameWriteOnly => format!("{subj} became write-only"),
        K::BecameNotWriteOnly => format!("{subj} is no longer write-only"),
        K::BecameRequired => format!("{subj} became required"),
        K::BecameOptional => format!("{subj} became optional"),
        K::BecameNullable => format!("{subj} became nullable"),
        K::BecameNotNullable => format!("{subj} became not nullable"),
        K::TypeChanged => format!("{subj}: type changed from {old} to {new}"),
        K::FormatChanged => format!("{subj}: format changed from {old} to {new}"),
        K::EnumValueAdded => format!("{subj}: enum value {new} added"),
        K::EnumValueRemoved => format!("{subj}: enum value {old} removed"),
        K::DefaultChanged => format!("{subj}: default changed from {old} to {new}"),
        K::StyleChanged => format!("{subj}: array style changed from {old} to {new}"),
        K::MediaTypeChanged => format!("{subj}: media type changed from {old} to {new}"),
        K::MediaTypeAdded => format!("{subj}: now also accepts {new}"),
        K::MediaTypeRemoved => format!("{subj}: no longer accepts {old}"),
        K::ResponseAdded => format!("{subj} added ({new})"),
        K::ResponseRemoved => format!("{subj} removed"),
        K::ResponseBodyChanged => format!("{subj}: body changed from {old} to {new}"),
        K::HeaderAdded => format!("{subj} added ({new})"),
        K::HeaderRemoved => format!("{subj} removed"),
        K::ModelRenamed => format!("{subj}: model {old} renamed to {new}"),
        K::ModelReplaced => format!("{subj}: model {old} replaced by {new}"),
    }
}

/// `maxLength set to `255``, `maxLength `255` removed`, `maxLength changed from `255` to `100``.
fn constraint_change(subj: &str, keyword: &str, c: &Change) -> String {
    match (&c.old, &c.new) {
        (None, Some(_)) => format!("{subj}: {keyword} set to {}", code(&c.new)),
        (Some(_), None) => format!("{subj}: {keyword} {} removed", code(&c.old)),
        _ => format!(
            "{subj}: {keyword} changed from {} to {}",
            code(&c.old),
            code(&c.new)
        ),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// One paragraph: operation counts, breaking counts, renamed models and the bump.
pub fn summary_paragraph(d: &ApiDiff) -> String {
    let v = versions(d);
    if d.is_empty() {
        return format!(
            "API change{v}: none; suggested version bump of the generated crate: none."
        );
    }
    let s = &d.summary;
    let mut p = format!(
        "API change{v}: {} added, {} removed, {} modified ({}). {} on the wire and {}; {} and {} in the generated crate.",
        plural(s.operations_added, "operation", "operations"),
        s.operations_removed,
        s.operations_modified,
        plural(s.changes, "change", "changes"),
        plural(s.wire_breaking, "breaking", "breaking"),
        plural(s.wire_warnings, "wire warning", "wire warnings"),
        plural(s.rust_breaking, "compile break", "compile breaks"),
        plural(s.rust_additive, "addition", "additions"),
    );
    if let Some(n) = s.rust_items_broken.filter(|n| *n > 0) {
        let _ = write!(
            p,
            " {} of the crate removed or changed.",
            plural(n, "public item", "public items")
        );
    }
    if s.models_renamed > 0 {
        let _ = write!(
            p,
            " {} renamed.",
            plural(s.models_renamed, "model", "models")
        );
    }
    let _ = write!(
        p,
        " Suggested version bump of the generated crate: {} (0.x; {} after 1.0).",
        s.suggested_bump.as_str(),
        s.suggested_bump_stable.as_str()
    );
    p
}
