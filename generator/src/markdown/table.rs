//! Pipe tables, read from raw lines.
//!
//! Cells are split by hand rather than taken from pulldown's events: pulldown drops the surplus
//! cells of a row whose description holds an unescaped `|` (`provider-offerings.md`, FORMAT.md,
//! 3), losing the annotation at its end, and it turns ``` `` ``` and `<br>` into events that
//! no longer show the raw text the annotations are parsed from.

use std::borrow::Cow;

use crate::markdown::Diags;

/// Which table a tab holds; decides the allowed headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TableKind {
    Path,
    Query,
    Body,
    Response,
}

impl TableKind {
    /// Every header the format uses for this table (FORMAT.md, 3).
    fn headers(self) -> &'static [&'static [&'static str]] {
        match self {
            TableKind::Path => &[
                &["Name", "Type", "Required"],
                &["Name", "Type", "Required", "Description"],
            ],
            TableKind::Query => &[
                &["Name", "Type"],
                &["Name", "Type", "Description"],
                &["Name", "Type", "Required"],
                &["Name", "Type", "Required", "Description"],
            ],
            TableKind::Body => &[
                &["Field", "Type", "Required"],
                &["Field", "Type", "Required", "Description"],
            ],
            TableKind::Response => &[&["Field", "Type"], &["Field", "Type", "Description"]],
        }
    }
}

/// Column positions of a table whose header was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Columns {
    pub required: Option<usize>,
    pub description: Option<usize>,
    pub count: usize,
}

impl Columns {
    pub(crate) const NAME: usize = 0;
    pub(crate) const TYPE: usize = 1;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row<'a> {
    /// Exactly `Columns::count` cells, trimmed.
    pub cells: Vec<Cow<'a, str>>,
    pub line: u32,
}

impl Row<'_> {
    pub(crate) fn cell(&self, index: usize) -> &str {
        self.cells.get(index).map_or("", |c| c.as_ref())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Table<'a> {
    pub columns: Columns,
    pub rows: Vec<Row<'a>>,
}

/// `|---|---|` (optionally with alignment colons) with `count` columns.
pub(crate) fn is_separator(line: &str, count: usize) -> bool {
    let cells = split_cells(line);
    cells.len() == count
        && cells.iter().all(|c| {
            let c = c.trim().trim_start_matches(':').trim_end_matches(':');
            !c.is_empty() && c.bytes().all(|b| b == b'-')
        })
}

/// Reads the table in `lines` (header, separator, rows; `first_line` is the header's line).
/// Rows with a problem are reported and left out; `None` when the header is unusable.
pub(crate) fn parse_table<'a>(
    kind: TableKind,
    lines: &[&'a str],
    first_line: u32,
    diags: &mut Diags,
) -> Option<Table<'a>> {
    let header_line = lines.first().copied().unwrap_or_default();
    let header: Vec<&str> = split_cells(header_line)
        .into_iter()
        .map(str::trim)
        .collect();
    let Some(names) = kind.headers().iter().find(|h| **h == header.as_slice()) else {
        let expected: Vec<String> = kind
            .headers()
            .iter()
            .map(|h| format!("'| {} |'", h.join(" | ")))
            .collect();
        diags.push(
            first_line,
            format!(
                "expected a table header {}, found '{}'",
                expected.join(" or "),
                header_line.trim_end()
            ),
        );
        return None;
    };
    let columns = Columns {
        required: names.iter().position(|n| *n == "Required"),
        description: names.iter().position(|n| *n == "Description"),
        count: names.len(),
    };
    let separator = lines.get(1).copied().unwrap_or_default();
    if !is_separator(separator, columns.count) {
        diags.push(
            first_line.saturating_add(1),
            format!(
                "expected a table separator with {} columns ('|---|...'), found '{}'",
                columns.count,
                separator.trim_end()
            ),
        );
        return None;
    }

    let mut rows = Vec::with_capacity(lines.len().saturating_sub(2));
    for (offset, &raw) in lines.iter().enumerate().skip(2) {
        let line = first_line.saturating_add(u32::try_from(offset).unwrap_or(u32::MAX));
        let mut ranges = cell_ranges(raw);
        let found = ranges.len();
        // Surplus cells come from an unescaped `|` in the free-text last column: put the
        // split text back together instead of dropping it.
        if found > columns.count && columns.description == Some(columns.count - 1) {
            let end = ranges.last().map_or(0, |r| r.1);
            ranges.truncate(columns.count);
            if let Some(last) = ranges.last_mut() {
                last.1 = end;
            }
        } else if found != columns.count {
            diags.push(
                line,
                format!("table row has {found} cells, header has {}", columns.count),
            );
            continue;
        }
        let cells = ranges
            .into_iter()
            .map(|(s, e)| unescape(raw.get(s..e).unwrap_or("").trim()))
            .collect();
        rows.push(Row { cells, line });
    }
    Some(Table { columns, rows })
}

/// Cells of one row as slices of `line`: outer pipes removed, split on every pipe that is not
/// escaped as `\|` (GFM splits inside code spans too).
fn split_cells(line: &str) -> Vec<&str> {
    cell_ranges(line)
        .into_iter()
        .map(|(s, e)| line.get(s..e).unwrap_or(""))
        .collect()
}

/// Byte ranges of the cells of `line` (see [`split_cells`]).
fn cell_ranges(line: &str) -> Vec<(usize, usize)> {
    let bytes = line.as_bytes();
    let unescaped_pipe = |i: usize| {
        bytes.get(i) == Some(&b'|') && i.checked_sub(1).and_then(|j| bytes.get(j)) != Some(&b'\\')
    };
    let mut start = line.len() - line.trim_start().len();
    let mut end = line.trim_end().len();
    if start < end && unescaped_pipe(start) {
        start += 1;
    }
    if start < end && unescaped_pipe(end - 1) {
        end -= 1;
    }
    let mut ranges = Vec::new();
    let mut cell_start = start;
    for i in start..end {
        if unescaped_pipe(i) {
            ranges.push((cell_start, i));
            cell_start = i + 1;
        }
    }
    ranges.push((cell_start, end));
    ranges
}

fn unescape(cell: &str) -> Cow<'_, str> {
    if cell.contains("\\|") {
        Cow::Owned(cell.replace("\\|", "|"))
    } else {
        Cow::Borrowed(cell)
    }
}
