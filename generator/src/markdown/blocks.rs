//! The block structure of one de-indented tab body, as pulldown-cmark sees it.
//!
//! pulldown decides what the Markdown *means* (a table ends where GFM says it ends, `---` after
//! a blank line is a rule, a fence closes where CommonMark closes it); we only keep each
//! top-level block's kind and line range and read the content from the raw lines ourselves.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};

use crate::markdown::is_blank;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BlockKind {
    Paragraph,
    Table,
    Rule,
    /// Fenced code block with its info string (`python`, `bash`, ...).
    Fenced(String),
    List,
    /// Anything the format never uses inside a tab (heading, quote, HTML, indented code).
    Other(&'static str),
}

/// One top-level block: its kind and its first and last line (indices into the body lines,
/// trailing blank lines excluded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block {
    pub kind: BlockKind,
    pub first: usize,
    pub last: usize,
}

impl BlockKind {
    pub(crate) fn describe(&self) -> String {
        match self {
            BlockKind::Paragraph => "a paragraph".to_string(),
            BlockKind::Table => "a table".to_string(),
            BlockKind::Rule => "a '---' rule".to_string(),
            BlockKind::Fenced(info) => format!("a ```{info} code block"),
            BlockKind::List => "a list".to_string(),
            BlockKind::Other(what) => format!("a {what}"),
        }
    }
}

/// Parses `lines` (joined with `\n`) with GFM tables and returns the top-level blocks in order.
/// Smart punctuation stays off: it would turn the `"` of tab titles into curly quotes.
pub(crate) fn blocks(lines: &[&str]) -> Vec<Block> {
    let mut text = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    let mut starts = Vec::with_capacity(lines.len());
    for line in lines {
        starts.push(text.len());
        text.push_str(line);
        text.push('\n');
    }
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset).saturating_sub(1);

    let mut out = Vec::new();
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(&text, Options::ENABLE_TABLES).into_offset_iter() {
        let kind = match event {
            Event::Start(tag) => {
                depth += 1;
                if depth > 1 {
                    continue;
                }
                kind_of(&tag)
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                continue;
            }
            Event::Rule if depth == 0 => BlockKind::Rule,
            _ if depth == 0 => BlockKind::Other("stray inline content"),
            _ => continue,
        };
        let first = line_of(range.start);
        let mut last = line_of(range.end.saturating_sub(1)).max(first);
        while last > first && lines.get(last).is_some_and(|l| is_blank(l)) {
            last -= 1;
        }
        out.push(Block { kind, first, last });
    }
    out
}

fn kind_of(tag: &Tag) -> BlockKind {
    match tag {
        Tag::Paragraph => BlockKind::Paragraph,
        Tag::Table(_) => BlockKind::Table,
        Tag::CodeBlock(CodeBlockKind::Fenced(info)) => BlockKind::Fenced(info.trim().to_string()),
        Tag::CodeBlock(CodeBlockKind::Indented) => BlockKind::Other("indented code block"),
        Tag::List(_) => BlockKind::List,
        Tag::Heading { .. } => BlockKind::Other("heading"),
        Tag::BlockQuote(_) => BlockKind::Other("block quote"),
        Tag::HtmlBlock => BlockKind::Other("HTML block"),
        _ => BlockKind::Other("block"),
    }
}
