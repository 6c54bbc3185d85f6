//! The part of a page before the operations: the optional `<!-- EXTERNAL DOCUMENT -->` header,
//! the `# Title`, the free intro text and the `## Operations Summary` table.

use crate::ir::{Method, Provenance};
use crate::markdown::{Diags, is_blank, line_no};

const SUMMARY_HEADING: &str = "## Operations Summary";

/// One operation row of the summary table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SummaryRow {
    pub method: Method,
    pub path: String,
    /// Link text; equals the `###` heading of the operation.
    pub title: String,
    /// The last `| **Group** | | |` row above this one.
    pub group: Option<String>,
    pub line: u32,
}

pub(crate) struct Head<'f> {
    pub provenance: Option<Provenance>,
    pub title: Option<String>,
    pub intro: Option<String>,
    /// Operation rows in order; `None` for a row that could not be read (kept so that the
    /// positional pairing with the `###` sections stays aligned).
    pub rows: Vec<Option<SummaryRow>>,
    /// Line of the summary table header (or of the summary heading).
    pub summary_line: u32,
    /// Index of the first line after the summary table; `None` when the page has no summary.
    pub ops_start: Option<usize>,
    pub diags: Diags<'f>,
}

pub(crate) enum HeadOutcome<'f> {
    Api(Box<Head<'f>>),
    NotApi(String),
}

pub(crate) fn parse_head<'f>(file: &'f str, lines: &[&str]) -> HeadOutcome<'f> {
    let mut diags = Diags::new(file);
    if lines.iter().all(|l| is_blank(l)) {
        return HeadOutcome::NotApi("the page is empty".to_string());
    }
    let summary = lines.iter().position(|l| l.trim_end() == SUMMARY_HEADING);
    let looks_like_api = || {
        lines.iter().any(|l| l.starts_with("### ")) && lines.iter().any(|l| l.starts_with("=== \""))
    };
    if summary.is_none() && !looks_like_api() {
        return HeadOutcome::NotApi(format!(
            "no '{SUMMARY_HEADING}' heading: not an API reference page"
        ));
    }
    let first_operation = lines.iter().position(|l| l.starts_with("### "));
    let end_of_head = summary.or(first_operation).unwrap_or(lines.len());

    let mut i = skip_blank(lines, 0);
    let provenance = if lines.get(i).is_some_and(|l| l.starts_with("<!--")) {
        let (provenance, next) = parse_comment(lines, i, &mut diags);
        i = skip_blank(lines, next);
        provenance
    } else {
        None
    };

    let mut title = None;
    match lines.get(i) {
        Some(line) if i < end_of_head && line.starts_with("# ") => {
            title = Some(line.get(2..).unwrap_or_default().trim().to_string());
            i += 1;
        }
        Some(line) => diags.push(
            line_no(i),
            format!("expected a page title '# <Title>', found '{line}'"),
        ),
        None => diags.push(
            line_no(i),
            "expected a page title '# <Title>', found the end of the page",
        ),
    }
    let intro = join_trimmed(lines.get(i..end_of_head).unwrap_or_default());

    let Some(summary) = summary else {
        diags.push(
            line_no(end_of_head),
            format!("expected a '{SUMMARY_HEADING}' heading before the operations, found none"),
        );
        return HeadOutcome::Api(Box::new(Head {
            provenance,
            title,
            intro,
            rows: Vec::new(),
            summary_line: line_no(i),
            ops_start: None,
            diags,
        }));
    };

    let (rows, summary_line, ops_start) = parse_summary(lines, summary, &mut diags);
    HeadOutcome::Api(Box::new(Head {
        provenance,
        title,
        intro,
        rows,
        summary_line,
        ops_start: Some(ops_start),
        diags,
    }))
}

fn skip_blank(lines: &[&str], mut i: usize) -> usize {
    while lines.get(i).is_some_and(|l| is_blank(l)) {
        i += 1;
    }
    i
}

/// The HTML comment at the top of a synced page. Every line up to `-->` belongs to it; the
/// `Key: value` lines of an `EXTERNAL DOCUMENT` header become its provenance.
fn parse_comment(lines: &[&str], start: usize, diags: &mut Diags) -> (Option<Provenance>, usize) {
    let rest = lines.get(start..).unwrap_or_default();
    let Some(end) = rest
        .iter()
        .position(|l| l.contains("-->"))
        .map(|p| start + p)
    else {
        diags.push(
            line_no(start),
            "unterminated HTML comment: expected a line with '-->'",
        );
        return (None, lines.len());
    };
    if !rest
        .first()
        .is_some_and(|l| l.starts_with("<!-- EXTERNAL DOCUMENT"))
    {
        return (None, end + 1);
    }
    let mut p = Provenance::default();
    for line in lines.get(start + 1..end).unwrap_or_default() {
        let Some((key, value)) = line.split_once(": ") else {
            continue;
        };
        let value = Some(value.trim().to_string());
        match key.trim() {
            "Source" => p.source = value,
            "Branch" => p.branch = value,
            "Remote Path" => p.remote_path = value,
            "Local Path" => p.local_path = value,
            "Last Sync" => p.last_sync = value,
            // The warning lines ("Edit the source at: ...") belong to the comment too.
            _ => {}
        }
    }
    (Some(p), end + 1)
}

/// Lines joined with `\n`, trailing spaces and surrounding blank lines removed.
pub(crate) fn join_trimmed(lines: &[&str]) -> Option<String> {
    let first = lines.iter().position(|l| !is_blank(l))?;
    let last = lines.iter().rposition(|l| !is_blank(l))?;
    let text: Vec<&str> = lines[first..=last].iter().map(|l| l.trim_end()).collect();
    Some(text.join("\n"))
}

/// Reads the summary table after the heading at `heading`; returns the operation rows, the
/// line of the table header and the index of the first line after the table.
fn parse_summary(
    lines: &[&str],
    heading: usize,
    diags: &mut Diags,
) -> (Vec<Option<SummaryRow>>, u32, usize) {
    let mut i = skip_blank(lines, heading + 1);
    let header_line = line_no(i);
    let header = lines.get(i).map(|l| l.trim_end());
    if header != Some("| Method | Endpoint | Description |") {
        diags.push(
            header_line,
            format!(
                "expected the summary table header '| Method | Endpoint | Description |', found {}",
                found(header)
            ),
        );
        return (Vec::new(), header_line, i);
    }
    i += 1;
    let separator = lines.get(i).map(|l| l.trim_end());
    if !separator.is_some_and(|s| crate::markdown::table::is_separator(s, 3)) {
        diags.push(
            line_no(i),
            format!(
                "expected the summary table separator '|:--- |:--- |:--- |', found {}",
                found(separator)
            ),
        );
        return (Vec::new(), header_line, i);
    }
    i += 1;

    let mut rows = Vec::new();
    let mut group: Option<String> = None;
    while let Some(line) = lines.get(i).map(|l| l.trim_end()) {
        if !line.starts_with('|') {
            break;
        }
        if let Some(name) = line
            .strip_prefix("| **")
            .and_then(|r| r.strip_suffix("** | | |"))
        {
            group = Some(name.to_string());
        } else {
            match parse_op_row(line) {
                Ok((method, path, title)) => rows.push(Some(SummaryRow {
                    method,
                    path: path.to_string(),
                    title: title.to_string(),
                    group: group.clone(),
                    line: line_no(i),
                })),
                Err(message) => {
                    diags.push(line_no(i), message);
                    rows.push(None);
                }
            }
        }
        i += 1;
    }
    (rows, header_line, i)
}

fn found(line: Option<&str>) -> String {
    match line {
        Some(l) => format!("'{l}'"),
        None => "the end of the page".to_string(),
    }
}

/// `| <span class="http-badge http-get">GET</span> | `/api/x/` | [Title](#anchor) |`
fn parse_op_row(line: &str) -> Result<(Method, &str, &str), String> {
    let expected = || {
        format!(
            "expected a summary row '| <span class=\"http-badge http-<method>\"><METHOD></span> | \
             `<path>` | [<title>](#<anchor>) |' or a group row '| **<Group>** | | |', found '{line}'"
        )
    };
    let parts = (|| {
        let rest = line.strip_prefix("| <span class=\"http-badge http-")?;
        let (badge, rest) = rest.split_once("\">")?;
        let (method, rest) = rest.split_once("</span> | `")?;
        let (path, rest) = rest.split_once("` | [")?;
        let rest = rest.strip_suffix(") |")?;
        // Titles may contain `]`; the anchor never contains `](#`.
        let (title, _anchor) = rest.rsplit_once("](#")?;
        Some((badge, method, path, title))
    })();
    let Some((badge, method_text, path, title)) = parts else {
        return Err(expected());
    };
    let method = Method::parse(method_text)
        .filter(|_| method_text.bytes().all(|b| b.is_ascii_uppercase()))
        .ok_or_else(|| {
            format!(
                "unknown HTTP method '{method_text}' in summary row: expected GET, POST, PUT, \
                 PATCH or DELETE"
            )
        })?;
    if badge != method_text.to_ascii_lowercase() {
        return Err(format!(
            "summary row badge class 'http-{badge}' does not match its method '{method_text}'"
        ));
    }
    if !path.starts_with('/') {
        return Err(format!(
            "expected an endpoint path starting with '/', found '{path}'"
        ));
    }
    Ok((method, path, title))
}
