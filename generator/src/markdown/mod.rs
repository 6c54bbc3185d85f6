//! Markdown front end: one Waldur API reference page -> IR operations.
//!
//! The page format is described in `FORMAT.md` next to this file (its section numbers are
//! referred to from the code). Parsing happens in two
//! layers, because the pages use MkDocs tab syntax (`=== "Python"` + a 4-space-indented body)
//! that CommonMark does not know:
//!
//! 1. [`head`] and [`split`] cut the page into its skeleton with plain line rules: the optional
//!    `<!-- EXTERNAL DOCUMENT -->` header, `# Title`, intro, summary table, `## Group`
//!    headings, `### Operation` sections with their description and their tabs.
//! 2. Each tab body is de-indented and handed to pulldown-cmark ([`blocks`]) to learn its block
//!    structure (where a table ends, whether `---` is a rule). The *content* of every block is
//!    then read from the raw lines, because pulldown's inline events lose what we need
//!    (``` `` ``` defaults, `<br>` inside cells, the surplus cells of an unescaped `|`).
//!
//! Problems never abort the page: a problem inside one operation becomes a [`Diagnostic`] and
//! only that operation is left out; page-level problems are diagnostics as well.
//!
//! Last, fields printed `any` whose query filter on the page lists the values get that enum
//! ([`InferredEnum`], listed in [`Page::inferred`]; the rules are in `infer.rs`).

mod annotations;
mod blocks;
mod fields;
mod head;
mod infer;
mod operation;
mod params;
mod python;
mod responses;
mod snippets;
mod split;
mod table;
mod types;

pub use infer::InferredEnum;
pub use types::parse_type_string;

use crate::Diagnostic;
use crate::ir::{Operation, SourceFile, Span};

/// What a Markdown file turned out to be.
// One value per page, moved once: boxing `Page` would only cost an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum PageOutcome {
    /// An API reference page (possibly with diagnostics).
    Api(Page),
    /// Not an API reference page (`index.md` link list, `*-diff.md` reports, ...).
    NotApi { reason: String },
}

/// One parsed API reference page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub source: SourceFile,
    /// The operations that parsed without problems, in page order.
    pub operations: Vec<Operation>,
    /// Every problem found, in page order; an operation with a problem is not in `operations`.
    pub diagnostics: Vec<Diagnostic>,
    /// The `any` fields given an enum the page prints elsewhere (see [`InferredEnum`]), in
    /// page order.
    pub inferred: Vec<InferredEnum>,
}

/// Parses one page. `path` is used verbatim in spans and diagnostics. Never panics.
pub fn parse_page(path: &str, text: &str) -> PageOutcome {
    let lines: Vec<&str> = text.lines().collect();
    let head = match head::parse_head(path, &lines) {
        head::HeadOutcome::NotApi(reason) => return PageOutcome::NotApi { reason },
        head::HeadOutcome::Api(head) => *head,
    };
    let mut diags = head.diags;
    let source = SourceFile {
        path: path.to_string(),
        title: head.title,
        description: head.intro,
        version: None,
        provenance: head.provenance,
    };
    let Some(ops_start) = head.ops_start else {
        return PageOutcome::Api(Page {
            source,
            operations: Vec::new(),
            diagnostics: diags.list,
            inferred: Vec::new(),
        });
    };

    let part = split::split_operations(path, &lines, ops_start);
    diags.list.extend(part.problems.list);

    let row_count = head.rows.len();
    let section_count = part.sections.len();
    if row_count != section_count {
        diags.push(
            head.summary_line,
            format!(
                "the summary table has {row_count} operation rows but the page has \
                 {section_count} '### ' operation sections: they must match 1:1 and in order"
            ),
        );
    }

    // Rows and sections are paired by position: titles and anchors repeat within a page
    // (FORMAT.md, 1), so they cannot identify an operation.
    let mut operations = Vec::with_capacity(section_count);
    for (index, section) in part.sections.into_iter().enumerate() {
        match head.rows.get(index) {
            Some(Some(row)) => match operation::parse_operation(path, section, row) {
                Ok(op) => operations.push(op),
                Err(problems) => diags.list.extend(problems),
            },
            Some(None) => diags.push(
                section.line,
                format!(
                    "operation '### {}' left out: its summary row (number {}) is malformed",
                    section.title,
                    index + 1
                ),
            ),
            None => diags.push(
                section.line,
                format!(
                    "operation '### {}' has no row in the summary table",
                    section.title
                ),
            ),
        }
    }
    diags.list.sort_by_key(|d| d.span.line);
    let inferred = infer::infer_enums(&mut operations);
    PageOutcome::Api(Page {
        source,
        operations,
        diagnostics: diags.list,
        inferred,
    })
}

/// Diagnostics of one file, collected while parsing.
pub(crate) struct Diags<'f> {
    file: &'f str,
    pub(crate) list: Vec<Diagnostic>,
}

impl<'f> Diags<'f> {
    pub(crate) fn new(file: &'f str) -> Diags<'f> {
        Diags {
            file,
            list: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, line: u32, message: impl Into<String>) {
        self.list.push(Diagnostic::new(self.span(line), message));
    }

    pub(crate) fn span(&self, line: u32) -> Span {
        Span {
            file: self.file.to_string(),
            line,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// 1-based line number of the 0-based line index `index`.
pub(crate) fn line_no(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

/// A line with nothing but whitespace (inside tab bodies blank lines are often 4 spaces).
pub(crate) fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

#[cfg(test)]
mod tests;
