//! Parsing a large YAML schema on all cores.
//!
//! Nearly all of an OpenAPI schema's text is two mappings, `paths` and `components.schemas`
//! (in Waldur's 8.0.5 schema, 150,000 of its 150,600 lines). serde_yaml reads a document on
//! one thread and first collects every event of it in memory. Here those two mappings are cut
//! at their entries, into pieces of whole entries, the pieces are parsed on all cores and the
//! results merged in document order. The rest of the document (the skeleton) is parsed with
//! the two mappings written as `{}`.
//!
//! In block YAML, a line indented exactly as a mapping's entries (and not a comment) starts
//! the next entry. When that does not hold, the pieces say so: a piece that does not parse on
//! its own (an alias of an anchor in another piece, a quoted scalar or flow collection running
//! over a cut, ...) makes [`parse`] return `None`, and the caller parses the whole document at
//! once as before, so errors keep their line numbers and nothing depends on where the cuts
//! fell. Merging inserts keys in document order into the same map type, so a duplicate key
//! ends up as it does in one parse (the later value, at the earlier position).

use serde_json::{Map, Value};

use super::document::Document;

/// Pieces are at least this long (bytes of YAML), so that each is worth a task.
pub const PIECE_BYTES: usize = 64 * 1024;

/// Below this size the document is parsed at once: there is little to gain.
pub const MIN_DOCUMENT_BYTES: usize = 512 * 1024;

/// Parses `body` (YAML, without BOM) cut into pieces of at least `piece_bytes`. `None` when
/// the document does not have the expected shape (no block mapping `paths` at the top level
/// or `schemas` under `components`) or when any piece fails: the caller then parses the
/// whole text, which gives the same result or the error with its line.
pub fn parse(body: &str, piece_bytes: usize) -> Option<Document> {
    let Split { skeleton, pieces } = split(body, piece_bytes)?;
    let mut jobs = vec![Job::Skeleton(&skeleton)];
    jobs.extend(
        pieces
            .into_iter()
            .map(|(which, text)| Job::Piece(which, text)),
    );
    let results = crate::parallel::map(&jobs, |job| match job {
        Job::Skeleton(text) => serde_yaml::from_str::<Document>(text)
            .ok()
            .map(|d| Parsed::Skeleton(Box::new(d))),
        Job::Piece(which, text) => serde_yaml::from_str::<Map<String, Value>>(text)
            .ok()
            .map(|m| Parsed::Piece(*which, m)),
    });
    let mut doc = None;
    let mut paths = Map::new();
    let mut schemas = Map::new();
    for parsed in results {
        match parsed? {
            Parsed::Skeleton(d) => doc = Some(*d),
            Parsed::Piece(Which::Paths, m) => paths.extend(m),
            Parsed::Piece(Which::Schemas, m) => schemas.extend(m),
        }
    }
    let mut doc = doc?;
    if !doc.paths.is_empty() || !doc.components.schemas.is_empty() {
        // The skeleton names a mapping a second time (a duplicate `paths` key, ...): leave
        // that to the one parse.
        return None;
    }
    doc.paths = paths;
    doc.components.schemas = schemas;
    Some(doc)
}

/// The document cut up: the skeleton and the pieces of the two big mappings, in order.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub skeleton: String,
    pub pieces: Vec<(Which, &'a str)>,
}

/// Cuts `body` (see [`parse`]); `None` when neither mapping is there in block style with
/// entries, or an entry line of one is not a mapping key.
pub fn split(body: &str, piece_bytes: usize) -> Option<Split<'_>> {
    let lines = scan(body);
    let all = (0, lines.len());
    let paths = section(body, &lines, all, 0, Which::Paths.key());
    let schemas = section(body, &lines, all, 0, "components").and_then(|c| {
        section(
            body,
            &lines,
            (c.header + 1, c.end),
            c.child_indent,
            Which::Schemas.key(),
        )
    });
    let mut cut: Vec<(Which, Section)> = Vec::new();
    cut.extend(paths.map(|s| (Which::Paths, s)));
    cut.extend(schemas.map(|s| (Which::Schemas, s)));
    if cut.is_empty() {
        return None;
    }
    cut.sort_by_key(|(_, s)| s.header);
    let mut pieces_out = Vec::new();
    for (which, s) in &cut {
        for text in pieces(body, &lines, s, piece_bytes)? {
            pieces_out.push((*which, text));
        }
    }
    Some(Split {
        skeleton: skeleton(body, &lines, &cut),
        pieces: pieces_out,
    })
}

/// Which mapping a piece belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Paths,
    Schemas,
}

impl Which {
    /// The mapping's key (`paths` at the top level, `schemas` under `components`).
    fn key(self) -> &'static str {
        match self {
            Which::Paths => "paths",
            Which::Schemas => "schemas",
        }
    }
}

enum Job<'a> {
    Skeleton(&'a str),
    Piece(Which, &'a str),
}

enum Parsed {
    Skeleton(Box<Document>),
    Piece(Which, Map<String, Value>),
}

/// One line: where it starts, its indentation in spaces, and whether it holds YAML content
/// (not blank, not a comment).
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    indent: usize,
    content: bool,
}

fn scan(body: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    for text in body.split_inclusive('\n') {
        let indent = text.bytes().take_while(|b| *b == b' ').count();
        let rest = text[indent..].trim_end();
        lines.push(Line {
            start,
            indent,
            content: !rest.is_empty() && !rest.starts_with('#'),
        });
        start += text.len();
    }
    lines
}

/// A block mapping `key:` and the lines of its entries.
#[derive(Debug)]
struct Section {
    /// Index of the `key:` line.
    header: usize,
    /// Index of the first line after the mapping.
    end: usize,
    header_indent: usize,
    /// Indentation of the entries' keys.
    child_indent: usize,
}

/// Finds the line `key:` (nothing else on it) at `indent` among the sibling lines of
/// `lines[from..to]`, and the lines after it that are indented deeper. `None` unless it has
/// entries, all at least as deep as the first one.
fn section(
    body: &str,
    lines: &[Line],
    (from, to): (usize, usize),
    indent: usize,
    key: &str,
) -> Option<Section> {
    let header = (from..to).find(|&i| {
        let line = lines[i];
        line.content
            && line.indent == indent
            && body[line.start + indent..line_start(body, lines, i + 1)]
                .strip_prefix(key)
                .and_then(|rest| rest.strip_prefix(':'))
                .is_some_and(|rest| rest.trim().is_empty())
    })?;
    let end = (header + 1..to)
        .find(|&i| lines[i].content && lines[i].indent <= indent)
        .unwrap_or(to);
    let first = (header + 1..end).find(|&i| lines[i].content)?;
    let child_indent = lines[first].indent;
    if (first..end).any(|i| lines[i].content && lines[i].indent < child_indent) {
        return None;
    }
    Some(Section {
        header,
        end,
        header_indent: indent,
        child_indent,
    })
}

/// The document with each cut mapping written as `key: {}`.
fn skeleton(body: &str, lines: &[Line], cut: &[(Which, Section)]) -> String {
    let mut out = String::new();
    let mut at = 0;
    for (which, s) in cut {
        out.push_str(&body[at..lines[s.header].start]);
        out.push_str(&" ".repeat(s.header_indent));
        out.push_str(which.key());
        out.push_str(": {}\n");
        at = line_start(body, lines, s.end);
    }
    out.push_str(&body[at..]);
    out
}

/// The entries of a section in pieces of at least `piece_bytes`, cut before lines at the
/// entries' indentation. `None` when such a line is not a mapping key (a sequence item).
fn pieces<'a>(
    body: &'a str,
    lines: &[Line],
    s: &Section,
    piece_bytes: usize,
) -> Option<Vec<&'a str>> {
    let mut out = Vec::new();
    let first = (s.header + 1..s.end).find(|&i| lines[i].content)?;
    let mut piece_start = lines[first].start;
    for line in &lines[first..s.end] {
        if !line.content || line.indent != s.child_indent {
            continue;
        }
        if body[line.start + line.indent..].starts_with('-') {
            return None;
        }
        if line.start - piece_start >= piece_bytes {
            out.push(&body[piece_start..line.start]);
            piece_start = line.start;
        }
    }
    out.push(&body[piece_start..line_start(body, lines, s.end)]);
    Some(out)
}

fn line_start(body: &str, lines: &[Line], i: usize) -> usize {
    lines.get(i).map_or(body.len(), |l| l.start)
}
