//! The Responses tab (FORMAT.md, 7): status blocks separated by `---` rules.
//!
//! ```text
//! **`200`** - <description or nothing>
//! [The response body is an array of objects, where each object has the following structure:]
//! [| Field | Type [| Description] |  table]
//! ---
//! **`404`** - No response body
//! ```

use std::collections::BTreeMap;

use crate::ir::{Response, ResponseBody, Ty};
use crate::markdown::Diags;
use crate::markdown::blocks::{Block, BlockKind, blocks};
use crate::markdown::fields::build_object;
use crate::markdown::split::Tab;
use crate::markdown::table::{TableKind, parse_table};

pub(crate) const RESPONSE_ARRAY_SENTENCE: &str =
    "The response body is an array of objects, where each object has the following structure:";

/// drf-spectacular's literal description of a response without content.
const NO_BODY: &str = "No response body";

/// Reads every status block. `iterates` is the Python `for item in response:` hint that marks
/// a bare first 2xx response as a list.
pub(crate) fn parse_responses(tab: &Tab, iterates: bool, diags: &mut Diags) -> Vec<Response> {
    let blocks = blocks(&tab.lines);
    let mut responses: Vec<Response> = Vec::new();
    let mut groups: Vec<(Option<&Block>, Vec<&Block>)> = vec![(None, Vec::new())];
    for block in &blocks {
        if block.kind == BlockKind::Rule {
            groups.push((Some(block), Vec::new()));
        } else if let Some((_, group)) = groups.last_mut() {
            group.push(block);
        }
    }
    for (rule, group) in groups {
        let at_rule = rule.map_or(tab.line, |r| tab.line_of(r.first));
        if let Some(response) = parse_block(tab, &group, at_rule, iterates, &responses, diags) {
            responses.push(response);
        }
    }
    responses
}

/// One status block: status paragraph, optional array sentence, optional table.
fn parse_block(
    tab: &Tab,
    group: &[&Block],
    at_rule: u32,
    iterates: bool,
    earlier: &[Response],
    diags: &mut Diags,
) -> Option<Response> {
    let line = |b: &Block| tab.lines.get(b.first).copied().unwrap_or_default();
    let mut iter = group.iter().copied().peekable();
    let Some(status_block) = iter.next() else {
        diags.push(
            at_rule,
            "expected a status line '**`<code>`** - <description>', found nothing",
        );
        return None;
    };
    let at = tab.line_of(status_block.first);
    let status = (status_block.kind == BlockKind::Paragraph
        && status_block.first == status_block.last)
        .then(|| parse_status(line(status_block)))
        .flatten();
    let Some((status, description)) = status else {
        diags.push(
            at,
            format!(
                "expected a status line '**`<code>`** - <description>', found {} '{}'",
                status_block.kind.describe(),
                line(status_block)
            ),
        );
        return None;
    };

    let is_sentence = |b: &&Block| {
        b.kind == BlockKind::Paragraph
            && b.first == b.last
            && line(b).trim() == RESPONSE_ARRAY_SENTENCE
    };
    let array = iter.next_if(is_sentence).is_some();
    let table_block = iter.next_if(|b| b.kind == BlockKind::Table);
    if let Some(extra) = iter.next() {
        diags.push(
            tab.line_of(extra.first),
            format!(
                "unclaimed {} in the response block of status {status}: '{}'",
                extra.kind.describe(),
                line(extra)
            ),
        );
        return None;
    }

    let first_2xx =
        (200..300).contains(&status) && !earlier.iter().any(|r| (200..300).contains(&r.status));
    let body = match (table_block, description) {
        (Some(table), _) => {
            if description == Some(NO_BODY) {
                diags.push(
                    at,
                    format!("status {status} says '{NO_BODY}' but has a table"),
                );
                return None;
            }
            let lines = tab.lines.get(table.first..=table.last).unwrap_or_default();
            let table = parse_table(TableKind::Response, lines, tab.line_of(table.first), diags)?;
            let object = build_object(&table.rows, &table.columns, None, diags);
            let ty = Ty::Object {
                object: Box::new(object),
            };
            ResponseBody::Json {
                ty: if array { Ty::array(ty) } else { ty },
            }
        }
        _ if array => {
            diags.push(
                at,
                format!("status {status} has the array sentence but no table after it"),
            );
            return None;
        }
        (None, Some(NO_BODY)) => ResponseBody::None,
        // A bare status line: only the Python loop tells a list apart from anything else.
        (None, _) if iterates && first_2xx => ResponseBody::Json {
            ty: Ty::array(Ty::Any),
        },
        (None, _) => ResponseBody::Unknown,
    };
    Some(Response {
        status,
        description: description.map(str::to_string),
        body,
        headers: BTreeMap::new(),
        span: diags.span(at),
    })
}

/// `**`200`** - text` -> (200, Some("text")); `**`200`** - ` -> (200, None).
fn parse_status(line: &str) -> Option<(u16, Option<&str>)> {
    let rest = line.trim().strip_prefix("**`")?;
    let (code, rest) = rest.split_once("`**")?;
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let status: u16 = code.parse().ok().filter(|s| (100..600).contains(s))?;
    let description = match rest.strip_prefix(" -") {
        Some(text) => text.trim(),
        None if rest.is_empty() => "",
        None => return None,
    };
    Some((status, (!description.is_empty()).then_some(description)))
}

#[cfg(test)]
mod tests {
    use super::parse_status;

    #[test]
    fn status_lines() {
        assert_eq!(parse_status("**`200`** - "), Some((200, None)));
        assert_eq!(parse_status("**`200`** -"), Some((200, None)));
        assert_eq!(
            parse_status("**`204`** - No response body"),
            Some((204, Some("No response body")))
        );
        assert_eq!(parse_status("**`20`** - x"), None);
        assert_eq!(parse_status("**`200`**x"), None);
    }
}
