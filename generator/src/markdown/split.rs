//! Line-level skeleton of the operations part of a page: `## Group` headings, `### Operation`
//! sections, their description lines and their `=== "Tab"` bodies.
//!
//! This is done on raw lines rather than with pulldown-cmark: the tab syntax (pymdownx.tabbed)
//! is unknown to CommonMark, where a tab title is just a paragraph and its body an indented
//! code block, and a description indented like a Python docstring *also* becomes an indented
//! code block. Plain line rules tell them apart without guessing (FORMAT.md, 2).

use crate::markdown::{Diags, is_blank, line_no};

/// Every line of a tab body is indented by exactly this, or blank.
pub(crate) const TAB_INDENT: &str = "    ";

/// The eight tab titles that exist (FORMAT.md, 1); no other has ever appeared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TabKind {
    Httpie,
    Python,
    TypeScript,
    PathParameters,
    QueryParameters,
    RequestBody,
    RequestBodyRequired,
    Responses,
}

impl TabKind {
    pub(crate) const ALL: [TabKind; 8] = [
        TabKind::Httpie,
        TabKind::Python,
        TabKind::TypeScript,
        TabKind::PathParameters,
        TabKind::QueryParameters,
        TabKind::RequestBody,
        TabKind::RequestBodyRequired,
        TabKind::Responses,
    ];

    pub(crate) fn title(self) -> &'static str {
        match self {
            TabKind::Httpie => "HTTPie",
            TabKind::Python => "Python",
            TabKind::TypeScript => "TypeScript",
            TabKind::PathParameters => "Path Parameters",
            TabKind::QueryParameters => "Query Parameters",
            TabKind::RequestBody => "Request Body",
            TabKind::RequestBodyRequired => "Request Body (required)",
            TabKind::Responses => "Responses",
        }
    }

    fn from_title(title: &str) -> Option<TabKind> {
        TabKind::ALL.into_iter().find(|k| k.title() == title)
    }

    /// Position in the fixed tab order; the two body tabs share one (at most one of them).
    pub(crate) fn rank(self) -> u8 {
        match self {
            TabKind::Httpie => 0,
            TabKind::Python => 1,
            TabKind::TypeScript => 2,
            TabKind::PathParameters => 3,
            TabKind::QueryParameters => 4,
            TabKind::RequestBody | TabKind::RequestBodyRequired => 5,
            TabKind::Responses => 6,
        }
    }
}

/// One tab: its title line and its body with the 4-space indentation removed.
#[derive(Debug, Clone)]
pub(crate) struct Tab<'a> {
    pub kind: TabKind,
    /// Line of `=== "..."`.
    pub line: u32,
    /// Line number of `lines[0]`.
    pub first_line: u32,
    /// De-indented body lines (blank lines become empty or whitespace-only).
    pub lines: Vec<&'a str>,
}

impl Tab<'_> {
    /// Page line number of body line `index`.
    pub(crate) fn line_of(&self, index: usize) -> u32 {
        self.first_line
            .saturating_add(u32::try_from(index).unwrap_or(u32::MAX))
    }
}

/// One `### ...` section (an operation), not yet interpreted.
#[derive(Debug, Clone)]
pub(crate) struct Section<'a> {
    /// Line of the `###` heading.
    pub line: u32,
    pub title: &'a str,
    /// The `## Group` heading in force, with its line.
    pub group: Option<(u32, &'a str)>,
    /// Raw lines between the heading and the first tab.
    pub description: &'a [&'a str],
    pub tabs: Vec<Tab<'a>>,
    /// Structural problems found while splitting (missing body, unknown tab, ...).
    pub problems: Vec<crate::Diagnostic>,
}

pub(crate) struct OperationsPart<'a, 'f> {
    pub sections: Vec<Section<'a>>,
    /// Lines outside any section that no construct claims.
    pub problems: Diags<'f>,
}

/// A line that ends an operation section (and may start the next construct).
fn ends_section(line: &str) -> bool {
    line.trim_end() == "---" || line.starts_with("## ") || line.starts_with("### ")
}

/// Splits `lines[start..]` (everything after the summary table) into sections.
pub(crate) fn split_operations<'a, 'f>(
    file: &'f str,
    lines: &'a [&'a str],
    start: usize,
) -> OperationsPart<'a, 'f> {
    let mut part = OperationsPart {
        sections: Vec::new(),
        problems: Diags::new(file),
    };
    let mut group: Option<(u32, &'a str)> = None;
    let mut i = start;
    while let Some(&line) = lines.get(i) {
        if is_blank(line) || line.trim_end() == "---" {
            i += 1;
        } else if let Some(title) = line.strip_prefix("### ") {
            let (section, next) = split_section(file, lines, i, title.trim(), group);
            part.sections.push(section);
            i = next;
        } else if let Some(name) = line.strip_prefix("## ") {
            group = Some((line_no(i), name.trim()));
            i += 1;
        } else {
            part.problems.push(
                line_no(i),
                format!(
                    "unclaimed line: expected '### <operation title>', '## <group>' or '---', \
                     found '{line}'"
                ),
            );
            i += 1;
        }
    }
    part
}

/// Reads the section whose heading is `lines[heading]`; returns it and the index of the first
/// line after it (past its closing `---`).
fn split_section<'a>(
    file: &str,
    lines: &'a [&'a str],
    heading: usize,
    title: &'a str,
    group: Option<(u32, &'a str)>,
) -> (Section<'a>, usize) {
    let mut problems = Diags::new(file);
    let mut j = heading + 1;
    while lines
        .get(j)
        .is_some_and(|l| !l.starts_with("===") && !ends_section(l))
    {
        j += 1;
    }
    let description = lines.get(heading + 1..j).unwrap_or_default();

    let mut tabs = Vec::new();
    while let Some(&tab_line) = lines.get(j).filter(|l| l.starts_with("===")) {
        let body_start = j + 1;
        let mut k = body_start;
        while lines
            .get(k)
            .is_some_and(|l| is_blank(l) || l.starts_with(TAB_INDENT))
        {
            k += 1;
        }
        let body = lines.get(body_start..k).unwrap_or_default();
        let has_body = body.iter().any(|l| !is_blank(l));
        let title = tab_line
            .trim_end()
            .strip_prefix("=== \"")
            .and_then(|t| t.strip_suffix('"'));
        match title {
            None => problems.push(
                line_no(j),
                format!("expected a tab title '=== \"<name>\"', found '{tab_line}'"),
            ),
            Some(t) => match TabKind::from_title(t) {
                None => problems.push(
                    line_no(j),
                    format!(
                        "unknown tab \"{t}\": expected one of {}",
                        TabKind::ALL.map(TabKind::title).join(", ")
                    ),
                ),
                Some(_) if !has_body => {
                    let found = match lines.get(k) {
                        Some(l) => format!("'{l}'"),
                        None => "the end of the page".to_string(),
                    };
                    problems.push(
                        line_no(k.min(lines.len().saturating_sub(1))),
                        format!(
                            "expected a tab body indented by 4 spaces after '{}', found {found}",
                            tab_line.trim_end()
                        ),
                    );
                }
                Some(kind) => tabs.push(Tab {
                    kind,
                    line: line_no(j),
                    first_line: line_no(body_start),
                    lines: body
                        .iter()
                        .map(|l| l.strip_prefix(TAB_INDENT).unwrap_or(l))
                        .collect(),
                }),
            },
        }
        j = k;
    }

    // Every operation is closed by a `---` line.
    let next = match lines.get(j) {
        Some(l) if l.trim_end() == "---" => j + 1,
        Some(l) if l.starts_with("## ") || l.starts_with("### ") => {
            problems.push(
                line_no(j),
                format!("expected '---' to close operation '### {title}', found '{l}'"),
            );
            j
        }
        Some(l) => {
            if problems.is_empty() {
                problems.push(
                    line_no(j),
                    format!(
                        "unclaimed line in operation '### {title}': expected a tab \
                         '=== \"<name>\"', a 4-space-indented tab body or '---', found '{l}'"
                    ),
                );
            }
            // Resynchronise at the next line that can end an operation.
            while lines.get(j).is_some_and(|l| !ends_section(l)) {
                j += 1;
            }
            if lines.get(j).is_some_and(|l| l.trim_end() == "---") {
                j + 1
            } else {
                j
            }
        }
        None => {
            problems.push(
                line_no(lines.len().saturating_sub(1)),
                format!(
                    "expected '---' to close operation '### {title}', found the end of the page"
                ),
            );
            j
        }
    };
    let section = Section {
        line: line_no(heading),
        title,
        group,
        description,
        tabs,
        problems: problems.list,
    };
    (section, next)
}
