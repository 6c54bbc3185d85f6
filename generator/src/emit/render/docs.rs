//! Spec descriptions -> rustdoc attributes.
//!
//! Descriptions are Markdown written for a web page (Python docstrings, `<uuid>` placeholders,
//! indented blocks). Rustdoc would read an indented block or a bare fence as a Rust doctest and
//! `<uuid>` as an HTML tag, so the text is normalised here: lines are dedented, fences are marked
//! `text`, and `<`, `[` and `]` outside code spans are escaped.

use proc_macro2::TokenStream;
use quote::quote;

/// Doc attributes for the given paragraphs (each may span several lines); empty ones are skipped.
pub fn doc_attrs<S: AsRef<str>>(paragraphs: &[S]) -> TokenStream {
    attrs(doc_lines(paragraphs), Style::Outer)
}

/// Inner (`//!`) doc attributes, for module and crate docs.
pub fn inner_doc_attrs<S: AsRef<str>>(paragraphs: &[S]) -> TokenStream {
    attrs(doc_lines(paragraphs), Style::Inner)
}

/// Outer doc attributes for paragraphs the generator wrote itself (intra-doc links, code
/// spans), not sanitised; spec text inside them must go through [`escape_inline`]. Paragraphs
/// are separated by an empty doc line, lines inside a paragraph kept.
pub fn raw_doc_attrs<S: AsRef<str>>(paragraphs: &[S]) -> TokenStream {
    let lines = join_paragraphs(paragraphs, |p| p.lines().map(str::to_string).collect());
    attrs(lines, Style::Outer)
}

/// Inner doc attributes for text the generator wrote itself (intra-doc links, examples), not
/// sanitised. Spec text inside it must go through [`escape_inline`].
pub fn raw_inner_doc_attrs(text: &str) -> TokenStream {
    let lines = text
        .lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!(" {l}")
            }
        })
        .collect();
    attrs(lines, Style::Inner)
}

#[derive(Clone, Copy)]
enum Style {
    Outer,
    Inner,
}

/// The attributes of doc lines (each `""` or starting with a space).
///
/// Several lines go into one attribute: formatting parses every attribute, and a whole-API
/// crate has some 70,000 doc lines. prettyplease prints a multi-line doc as a block comment
/// (`/** ... */`), which [`expand_block_docs`] turns back into one `///` line per line, so the
/// file reads exactly as with one attribute per line. Text a block comment cannot hold
/// (`*/`, `/*`, a trailing `/`) keeps one attribute per line.
fn attrs(lines: Vec<String>, style: Style) -> TokenStream {
    let joined = lines.join("\n");
    let one = lines.len() > 1
        && !joined.contains("*/")
        && !joined.contains("/*")
        && !joined.ends_with('/')
        && !joined.starts_with(['*', '/', '!']);
    let texts = if one { vec![joined] } else { lines };
    let attrs = texts.into_iter().map(|text| match style {
        Style::Outer => quote!(#[doc = #text]),
        Style::Inner => quote!(#![doc = #text]),
    });
    quote!(#(#attrs)*)
}

/// Rewrites the block doc comments prettyplease printed for multi-line doc attributes (see
/// [`attrs`]) as `///` (or `//!`) lines at the block's indentation. Only doc comments start a
/// line with `/**` or `/*!` in formatted generated code (string literals never span lines),
/// and a block made by [`attrs`] holds no `*/` before its end.
pub fn expand_block_docs(text: &str) -> String {
    if !text.contains("/**") && !text.contains("/*!") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut lines = text.split_inclusive('\n');
    while let Some(line) = lines.next() {
        let body = line.trim_start_matches(' ');
        let indent = &line[..line.len() - body.len()];
        let marker = if body.starts_with("/**") {
            "///"
        } else if body.starts_with("/*!") {
            "//!"
        } else {
            out.push_str(line);
            continue;
        };
        let mut current = &body[3..];
        loop {
            let content = current.strip_suffix('\n').unwrap_or(current);
            let (content, last) = match content.strip_suffix("*/") {
                Some(c) => (c, true),
                None => (content, false),
            };
            out.push_str(indent);
            out.push_str(marker);
            out.push_str(content);
            out.push('\n');
            if last {
                break;
            }
            match lines.next() {
                Some(next) => current = next,
                None => break,
            }
        }
    }
    out
}

/// Spec text placed inside generator-written docs: escaped like any description.
pub fn escape_inline(text: &str) -> String {
    text.lines()
        .map(|l| escape_line(l.trim()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn doc_lines<S: AsRef<str>>(paragraphs: &[S]) -> Vec<String> {
    join_paragraphs(paragraphs, sanitize)
}

/// The doc lines of non-empty paragraphs, each turned into lines by `lines_of`: one empty
/// line between paragraphs, and a space before each non-empty line (`/// text`).
fn join_paragraphs<S: AsRef<str>>(
    paragraphs: &[S],
    lines_of: impl Fn(&str) -> Vec<String>,
) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for p in paragraphs {
        let p = p.as_ref().trim();
        if p.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(lines_of(p));
    }
    lines
        .into_iter()
        .map(|l| if l.is_empty() { l } else { format!(" {l}") })
        .collect()
}

fn sanitize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    let mut blank_run = 0;
    for raw in text.lines() {
        let line = raw.trim();
        if line.starts_with("```") {
            out.push(if in_fence {
                "```".to_string()
            } else {
                "```text".to_string()
            });
            in_fence = !in_fence;
            blank_run = 0;
            continue;
        }
        if in_fence {
            out.push(raw.trim_end().to_string());
            continue;
        }
        if line.is_empty() {
            blank_run += 1;
            if blank_run == 1 {
                out.push(String::new());
            }
            continue;
        }
        blank_run = 0;
        out.push(escape_line(line));
    }
    if in_fence {
        out.push("```".to_string());
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

/// Escapes Markdown that rustdoc would misread, leaving code spans alone.
fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut in_code = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        // A bare URL becomes an autolink (`<https://...>`): rustdoc warns about bare URLs.
        if !in_code && (rest.starts_with("https://") || rest.starts_with("http://")) {
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '`' | '"'))
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', ')', '!', '?', '\'']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '<' | '>' | '[' | ']' if !in_code => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_descriptions() {
        assert_eq!(
            sanitize("Get <uuid> of [x].\n\n\n        indented `a<b>`\n```\ncode\n```"),
            vec![
                "Get \\<uuid\\> of \\[x\\].",
                "",
                "indented `a<b>`",
                "```text",
                "code",
                "```"
            ]
        );
    }

    #[test]
    fn bare_urls_become_autolinks() {
        assert_eq!(
            escape_line("URL (e.g., https://idp.example.com/.well-known/x). See `http://a`."),
            "URL (e.g., <https://idp.example.com/.well-known/x>). See `http://a`."
        );
        assert_eq!(
            escape_line("at http://h:5000/v3, or [x]"),
            "at <http://h:5000/v3>, or \\[x\\]"
        );
    }

    #[test]
    fn joins_paragraphs_with_blank_doc_lines() {
        // One attribute for several lines (formatting parses each attribute once) ...
        let t = doc_attrs(&["Title", "", "Body"]).to_string();
        assert_eq!(t, "# [doc = \" Title\\n\\n Body\"]");
        assert_eq!(
            doc_attrs(&["One line."]).to_string(),
            "# [doc = \" One line.\"]"
        );
        // ... unless a block comment could not hold the text.
        let t = doc_attrs(&["Matches `*/x`", "Body"]).to_string();
        assert_eq!(
            t,
            "# [doc = \" Matches `*/x`\"] # [doc = \"\"] # [doc = \" Body\"]"
        );
        let t = raw_inner_doc_attrs("Crate\n\nSee `a/*`").to_string();
        assert_eq!(
            t,
            "# ! [doc = \" Crate\"] # ! [doc = \"\"] # ! [doc = \" See `a/*`\"]"
        );
    }

    /// What the file says is the same whether the doc lines were one attribute each or one
    /// attribute for the block: prettyplease's block comments become `///` lines again.
    #[test]
    fn block_docs_print_as_line_docs() {
        let format = |tokens: TokenStream| {
            let file: syn::File = syn::parse2(tokens).expect("parses");
            expand_block_docs(&prettyplease::unparse(&file))
        };
        let joined = doc_attrs(&["Title with \"quotes\" and \\", "", "Body\nsecond `x`"]);
        let lines = [" Title with \"quotes\" and \\", "", " Body", " second `x`"];
        let one_each = quote!(#(#[doc = #lines])*);
        let inner = raw_inner_doc_attrs("Crate docs\n\nMore.");
        let inner_lines = [" Crate docs", "", " More."];
        let inner_each = quote!(#(#![doc = #inner_lines])*);
        let item = |docs: TokenStream, inner: TokenStream| {
            quote! {
                #inner
                #docs
                pub struct A {
                    #docs
                    pub x: u8,
                }
                impl A {
                    #docs
                    pub fn f(&self) {}
                }
            }
        };
        let expected = format(item(one_each.clone(), inner_each.clone()));
        assert_eq!(format(item(joined, inner)), expected);
        assert_eq!(
            expected,
            "//! Crate docs\n//!\n//! More.\n/// Title with \"quotes\" and \\\n///\n/// Body\n/// second `x`\npub struct A {\n    /// Title with \"quotes\" and \\\n    ///\n    /// Body\n    /// second `x`\n    pub x: u8,\n}\nimpl A {\n    /// Title with \"quotes\" and \\\n    ///\n    /// Body\n    /// second `x`\n    pub fn f(&self) {}\n}\n"
        );
        // Text without block comments is returned as it is.
        assert_eq!(expand_block_docs("fn f() {}\n"), "fn f() {}\n");
    }
}
