//! Markdown report for a pull-request comment, and the one-paragraph summary.
//!
//! Layout: a title, the counts, the suggested bump, renamed models, then "Breaking changes"
//! (changes that break callers on the wire or break the generated crate) and "Other
//! changes", each grouped by tag and operation. A long "Other changes" section is folded into
//! a `<details>` block so the comment stays readable.

use std::fmt::Write;

use super::{
    ApiDiff, Change, ChangeKind as K, Location, OperationDiff, RustEffect, SemverBump, WireEffect,
};

/// "Other changes" with more lines than this are folded.
const FOLD_OVER: usize = 40;
/// Texts (titles, descriptions) up to this many characters are quoted in full.
const SHORT_TEXT: usize = 80;

pub fn render_markdown(d: &ApiDiff) -> String {
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
        for r in &d.renamed_models {
            let _ = writeln!(out, "- `{}` → `{}`", r.old, r.new);
        }
    }

    let breaking = section(d, is_breaking);
    if !breaking.text.is_empty() {
        out.push_str("\n### Breaking changes\n");
        out.push_str(&breaking.text);
    }
    let other = section(d, |c| !is_breaking(c));
    if !other.text.is_empty() {
        out.push_str("\n### Other changes\n");
        if other.changes > FOLD_OVER {
            let _ = writeln!(
                out,
                "\n<details>\n<summary>{} in {}</summary>",
                plural(other.changes, "change", "changes"),
                plural(other.operations, "operation", "operations"),
            );
            out.push_str(&other.text);
            out.push_str("\n</details>\n");
        } else {
            out.push_str(&other.text);
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
    text: String,
    changes: usize,
    operations: usize,
}

/// The changes that pass `keep`, grouped by tag, then operation.
fn section(d: &ApiDiff, keep: impl Fn(&Change) -> bool) -> Section {
    let mut s = Section {
        text: String::new(),
        changes: 0,
        operations: 0,
    };
    let mut tag: Option<&str> = None;
    for op in &d.operations {
        let kept: Vec<&Change> = op.changes.iter().filter(|c| keep(c)).collect();
        if kept.is_empty() {
            continue;
        }
        if tag != Some(op.tag.as_str()) {
            let _ = write!(s.text, "\n#### `{}`\n\n", op.tag);
            tag = Some(op.tag.as_str());
        }
        s.operations += 1;
        s.changes += kept.len();
        write_operation(&mut s.text, op, &kept);
    }
    s
}

fn write_operation(out: &mut String, op: &OperationDiff, changes: &[&Change]) {
    let head = format!(
        "`{} {}` (`{}`)",
        op.method.as_str(),
        op.path,
        op.operation_id
    );
    if let [only] = changes
        && matches!(only.kind, K::OperationAdded | K::OperationRemoved)
    {
        let _ = writeln!(out, "- {head}: {}", describe(only));
        return;
    }
    let _ = writeln!(out, "- {head}");
    for c in changes {
        let _ = writeln!(out, "  - {}", describe(c));
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
