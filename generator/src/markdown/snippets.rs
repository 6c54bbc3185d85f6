//! The HTTPie and TypeScript tabs. They only carry examples, so they are read to claim their
//! lines and to cross-check what the summary row and the Python tab say.

use crate::ir::Method;
use crate::markdown::Diags;
use crate::markdown::blocks::{Block, BlockKind, blocks};
use crate::markdown::split::Tab;

/// The fenced code block that must be the whole tab body; returns its inner lines' indices.
fn single_fence(tab: &Tab, language: &str, diags: &mut Diags) -> Option<std::ops::Range<usize>> {
    let blocks = blocks(&tab.lines);
    let found = |b: Option<&Block>| match b {
        Some(b) => format!(
            "{} '{}'",
            b.kind.describe(),
            tab.lines.get(b.first).copied().unwrap_or_default()
        ),
        None => "nothing".to_string(),
    };
    let code = match blocks.first() {
        Some(b) if b.kind == BlockKind::Fenced(language.to_string()) => b,
        other => {
            let at = other.map_or(tab.line, |b| tab.line_of(b.first));
            diags.push(
                at,
                format!(
                    "expected a ```{language} code block in the {} tab, found {}",
                    tab.kind.title(),
                    found(other)
                ),
            );
            return None;
        }
    };
    if let Some(extra) = blocks.get(1) {
        diags.push(
            tab.line_of(extra.first),
            format!(
                "unclaimed content in the {} tab: {}",
                tab.kind.title(),
                found(Some(extra))
            ),
        );
        return None;
    }
    if tab.lines.get(code.last).map(|l| l.trim()) != Some("```") || code.last == code.first {
        diags.push(
            tab.line_of(code.first),
            format!("unterminated ```{language} code block"),
        );
        return None;
    }
    Some(code.first + 1..code.last)
}

/// Checks the HTTPie request line, method and URL against the summary row:
///
/// ```text
/// [echo '<json>' | ]http \
///   POST \
///   https://api.example.com/api/openstack-volumes/a1b2c3d4-.../extend/ \
/// ```
pub(crate) fn check_httpie(tab: &Tab, method: Method, path: &str, diags: &mut Diags) {
    let Some(range) = single_fence(tab, "bash", diags) else {
        return;
    };
    let line = |i: usize| tab.lines.get(range.start + i).map_or("", |l| l.trim_end());
    let at = |i: usize| tab.line_of(range.start + i);

    let first = line(0);
    let command = first.rsplit_once("| ").map_or(first, |(echo, http)| {
        if echo.starts_with("echo '") {
            http
        } else {
            first
        }
    });
    if command != "http \\" {
        diags.push(
            at(0),
            format!(
                "expected 'http \\' or 'echo '<json>' | http \\' in the HTTPie tab, found '{first}'"
            ),
        );
        return;
    }
    let shown = line(1).trim_start().strip_suffix(" \\").unwrap_or("");
    if shown != method.as_str() {
        diags.push(
            at(1),
            format!(
                "HTTPie method does not match the summary row: expected '  {} \\', found '{}'",
                method.as_str(),
                line(1)
            ),
        );
        return;
    }
    let url = line(2).trim_start();
    let url = url.strip_suffix(" \\").unwrap_or(url);
    let matches = url
        .strip_prefix("https://api.example.com")
        .is_some_and(|shown| matches_template(path, shown));
    if !matches {
        diags.push(
            at(2),
            format!(
                "HTTPie URL does not match the summary path '{path}': expected \
                 'https://api.example.com{path}' with its placeholders filled in, found '{}'",
                line(2).trim()
            ),
        );
    }
}

/// Whether `actual` is `template` with every `{param}` replaced by a non-empty value.
pub(crate) fn matches_template(template: &str, actual: &str) -> bool {
    let mut rest = actual;
    let mut template = template;
    loop {
        let Some(open) = template.find('{') else {
            return rest == template;
        };
        let Some(after_open) = template.get(open..) else {
            return false;
        };
        let Some(close) = after_open.find('}') else {
            return false;
        };
        let literal = template.get(..open).unwrap_or_default();
        let Some(after_literal) = rest.strip_prefix(literal) else {
            return false;
        };
        template = after_open.get(close + 1..).unwrap_or_default();
        // The value runs up to the next literal character (a `/` in practice).
        let value_len = match template.chars().next() {
            Some(next) => after_literal.find(next).unwrap_or(after_literal.len()),
            None => after_literal.len(),
        };
        if value_len == 0 {
            return false;
        }
        rest = after_literal.get(value_len..).unwrap_or_default();
    }
}

/// Checks that the TypeScript tab imports `lowerCamel(python function)`.
pub(crate) fn check_typescript(tab: &Tab, python_function: &str, diags: &mut Diags) {
    let Some(range) = single_fence(tab, "typescript", diags) else {
        return;
    };
    let expected = lower_camel(python_function);
    let import = range.clone().find_map(|i| {
        let line = tab.lines.get(i)?.trim_end();
        let name = line
            .strip_prefix("import { ")?
            .strip_suffix(" } from 'waldur-js-client';")?;
        Some((i, name))
    });
    match import {
        Some((_, name)) if name == expected => {}
        Some((i, name)) => diags.push(
            tab.line_of(i),
            format!(
                "TypeScript function '{name}' does not match the Python function \
                 '{python_function}': expected '{expected}'"
            ),
        ),
        None => diags.push(
            tab.line_of(range.start),
            format!(
                "expected a line 'import {{ {expected} }} from 'waldur-js-client';' in the \
                 TypeScript tab, found none"
            ),
        ),
    }
}

/// `openstack_volumes_list` -> `openstackVolumesList` (the TS client's naming, 0 exceptions).
fn lower_camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    for (i, part) in snake.split('_').enumerate() {
        let mut chars = part.chars();
        match chars.next() {
            Some(c) if i > 0 => {
                out.extend(c.to_uppercase());
                out.push_str(chars.as_str());
            }
            _ => out.push_str(part),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_filled_in_urls() {
        assert!(matches_template("/api/x/", "/api/x/"));
        assert!(matches_template("/api/x/{uuid}/", "/api/x/a1b2/"));
        assert!(matches_template("/api/x/{a}/{b}", "/api/x/1/two"));
        assert!(!matches_template("/api/x/{uuid}/", "/api/x//"));
        assert!(!matches_template("/api/x/{uuid}/", "/api/y/1/"));
        assert!(!matches_template("/api/x/", "/api/x/extra/"));
    }

    #[test]
    fn lower_camel_follows_the_ts_client() {
        assert_eq!(
            lower_camel("openstack_volumes_list"),
            "openstackVolumesList"
        );
        assert_eq!(lower_camel("identity_bridge"), "identityBridge");
    }
}
