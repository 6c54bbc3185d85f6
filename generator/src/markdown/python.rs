//! The Python tab (FORMAT.md, 6): the only place that names the operation id, the tag, the
//! request model and the query enums.
//!
//! ```text
//! from waldur_api_client.models.core_states import CoreStates # (1)
//! from waldur_api_client.api.openstack_volumes import openstack_volumes_list # (2)
//! body_data = OpenStackVolumeRequest(
//! for item in response:
//! 1.  **Model Source:** [`CoreStates`](https://...)
//! ```

use crate::markdown::blocks::{BlockKind, blocks};
use crate::markdown::split::Tab;
use crate::markdown::{Diags, is_blank};

/// What the Python snippet tells about an operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PySnippet {
    /// `<module>` of the API import: the tag.
    pub tag: String,
    /// The imported function: the operation id.
    pub function: String,
    /// Model classes imported from `waldur_api_client.models`, in import order.
    pub models: Vec<String>,
    /// `body_data = <Model>(`.
    pub body_model: Option<String>,
    /// `for item in response:` — the only hint that a bare response is a list.
    pub iterates: bool,
}

impl PySnippet {
    /// Imported models other than the request model: the query enums.
    pub(crate) fn enum_models(&self) -> impl Iterator<Item = &str> {
        self.models
            .iter()
            .map(String::as_str)
            .filter(|m| Some(*m) != self.body_model.as_deref())
    }
}

const API_PREFIX: &str = "from waldur_api_client.api.";
const MODEL_PREFIX: &str = "from waldur_api_client.models.";

pub(crate) fn parse_python(tab: &Tab, diags: &mut Diags) -> Option<PySnippet> {
    let blocks = blocks(&tab.lines);
    let mut iter = blocks.iter();
    let Some(code) = iter
        .next()
        .filter(|b| b.kind == BlockKind::Fenced("python".into()))
    else {
        let (at, found) = match blocks.first() {
            Some(b) => (
                tab.line_of(b.first),
                format!(
                    "{} '{}'",
                    b.kind.describe(),
                    tab.lines.get(b.first).copied().unwrap_or_default()
                ),
            ),
            None => (tab.line, "nothing".to_string()),
        };
        diags.push(
            at,
            format!("expected a ```python code block in the Python tab, found {found}"),
        );
        return None;
    };
    if tab.lines.get(code.last).map(|l| l.trim()) != Some("```") || code.last == code.first {
        diags.push(tab.line_of(code.first), "unterminated ```python code block");
        return None;
    }

    let mut snippet = PySnippet::default();
    // (number, class or function) of every import, to check the annotation list against.
    let mut imports: Vec<(u32, String)> = Vec::new();
    let mut api_imports = 0;
    for index in code.first + 1..code.last {
        let line = tab.lines.get(index).map_or("", |l| l.trim_end());
        let at = tab.line_of(index);
        if let Some(rest) = line.strip_prefix(API_PREFIX) {
            let Some((module, function, n)) = parse_import(rest) else {
                diags.push(at, expected_import("api", "<module>", "<function>", line));
                continue;
            };
            api_imports += 1;
            if api_imports > 1 {
                diags.push(
                    at,
                    format!("a second API import in the Python tab: '{line}'"),
                );
                continue;
            }
            snippet.tag = module.to_string();
            snippet.function = function.to_string();
            imports.push((n, function.to_string()));
        } else if let Some(rest) = line.strip_prefix(MODEL_PREFIX) {
            let Some((_module, class, n)) = parse_import(rest) else {
                diags.push(at, expected_import("models", "<module>", "<Class>", line));
                continue;
            };
            snippet.models.push(class.to_string());
            imports.push((n, class.to_string()));
        } else if let Some(rest) = line.strip_prefix("body_data = ") {
            let model = rest
                .split_once('(')
                .map(|(m, _)| m)
                .filter(|m| is_identifier(m));
            let Some(model) = model else {
                diags.push(
                    at,
                    format!("expected 'body_data = <Model>(', found '{line}'"),
                );
                continue;
            };
            if !snippet.models.iter().any(|m| m == model) {
                diags.push(
                    at,
                    format!("request model {model} is used but not imported"),
                );
            }
            snippet.body_model = Some(model.to_string());
        } else if line.trim() == "for item in response:" {
            snippet.iterates = true;
        }
    }
    if api_imports == 0 {
        diags.push(
            tab.line_of(code.first),
            format!(
                "expected a line '{API_PREFIX}<module> import <function> # (<n>)' in the \
                 Python tab, found none"
            ),
        );
    }

    // The numbered "Model Source" / "API Source" list that explains the `# (n)` markers.
    if let Some(list) = iter.next() {
        if list.kind != BlockKind::List {
            diags.push(
                tab.line_of(list.first),
                format!(
                    "expected the '1.  **API Source:** ...' list after the Python code, found {}",
                    list.kind.describe()
                ),
            );
        } else {
            check_annotation_list(tab, list.first..=list.last, &imports, diags);
        }
    }
    if let Some(extra) = iter.next() {
        diags.push(
            tab.line_of(extra.first),
            format!(
                "unclaimed {} in the Python tab: '{}'",
                extra.kind.describe(),
                tab.lines.get(extra.first).copied().unwrap_or_default()
            ),
        );
    }
    // Without the API import there is no operation id to cross-check anything against.
    (api_imports > 0).then_some(snippet)
}

/// `<module> import <name> # (<n>)` (after the `from waldur_api_client.xxx.` prefix).
fn parse_import(rest: &str) -> Option<(&str, &str, u32)> {
    let (module, rest) = rest.split_once(" import ")?;
    let (name, rest) = rest.split_once(" # (")?;
    let n = rest.strip_suffix(')')?.parse().ok()?;
    (is_identifier(module) && is_identifier(name)).then_some((module, name, n))
}

fn expected_import(package: &str, module: &str, name: &str, found: &str) -> String {
    format!(
        "expected 'from waldur_api_client.{package}.{module} import {name} # (<n>)', found '{found}'"
    )
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// `1.  **Model Source:** [`CoreStates`](https://...)`: each item must name the import that
/// carries its number.
fn check_annotation_list(
    tab: &Tab,
    range: std::ops::RangeInclusive<usize>,
    imports: &[(u32, String)],
    diags: &mut Diags,
) {
    for index in range {
        let Some(line) = tab.lines.get(index).map(|l| l.trim_end()) else {
            continue;
        };
        if is_blank(line) {
            continue;
        }
        let at = tab.line_of(index);
        let Some((n, name)) = parse_annotation_item(line) else {
            diags.push(
                at,
                format!(
                    "expected a list item '<n>.  **Model Source:** [`<Class>`](<url>)' or \
                     '<n>.  **API Source:** [`<function>`](<url>)', found '{line}'"
                ),
            );
            continue;
        };
        if !imports
            .iter()
            .any(|(i, imported)| *i == n && imported == name)
        {
            diags.push(
                at,
                format!("list item {n} names `{name}`, which no '# ({n})' import has"),
            );
        }
    }
}

fn parse_annotation_item(line: &str) -> Option<(u32, &str)> {
    let (n, rest) = line.split_once(".  **")?;
    let n = n.parse().ok()?;
    let rest = rest
        .strip_prefix("Model Source:** [`")
        .or_else(|| rest.strip_prefix("API Source:** [`"))?;
    let (name, url) = rest.split_once("`](")?;
    let url = url.strip_suffix(')')?;
    (!url.is_empty() && !url.contains(char::is_whitespace)).then_some((n, name))
}
