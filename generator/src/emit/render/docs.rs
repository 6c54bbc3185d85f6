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
    let attrs = doc_lines(paragraphs)
        .into_iter()
        .map(|text| quote!(#[doc = #text]));
    quote!(#(#attrs)*)
}

/// Inner (`//!`) doc attributes, for module and crate docs.
pub fn inner_doc_attrs<S: AsRef<str>>(paragraphs: &[S]) -> TokenStream {
    let attrs = doc_lines(paragraphs)
        .into_iter()
        .map(|text| quote!(#![doc = #text]));
    quote!(#(#attrs)*)
}

/// Outer doc attributes for paragraphs the generator wrote itself (intra-doc links, code
/// spans), not sanitised; spec text inside them must go through [`escape_inline`]. Paragraphs
/// are separated by an empty doc line, lines inside a paragraph kept.
pub fn raw_doc_attrs<S: AsRef<str>>(paragraphs: &[S]) -> TokenStream {
    let lines = join_paragraphs(paragraphs, |p| p.lines().map(str::to_string).collect());
    let attrs = lines.into_iter().map(|text| quote!(#[doc = #text]));
    quote!(#(#attrs)*)
}

/// Inner doc attributes for text the generator wrote itself (intra-doc links, examples), one
/// attribute per line, not sanitised. Spec text inside it must go through [`escape_inline`].
pub fn raw_inner_doc_attrs(text: &str) -> TokenStream {
    let attrs = text.lines().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#![doc = #l])
    });
    quote!(#(#attrs)*)
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
        let t = doc_attrs(&["Title", "", "Body"]).to_string();
        assert_eq!(t, "# [doc = \" Title\"] # [doc = \"\"] # [doc = \" Body\"]");
    }
}
