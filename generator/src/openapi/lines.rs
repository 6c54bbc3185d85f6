//! Line numbers for spans, found by a text scan of block-style YAML.
//!
//! serde gives no positions for values, so the front end finds the lines it needs (each path
//! key under `paths:`, each schema under `components: schemas:`) by their indentation. A key the
//! scan cannot find (flow style, JSON input) gets line 0, "no line".

use std::collections::HashMap;

/// Where path items and component schemas start. Only looked up, never iterated.
#[derive(Debug, Default)]
pub struct LineIndex {
    paths: HashMap<String, u32>,
    schemas: HashMap<String, u32>,
}

impl LineIndex {
    /// 1-based line of the path key (`  /api/openstack-volumes/:`), 0 when unknown.
    pub fn path(&self, path: &str) -> u32 {
        self.paths.get(path).copied().unwrap_or(0)
    }

    /// 1-based line of `    OpenStackVolume:` under `components: schemas:`, 0 when unknown.
    pub fn schema(&self, name: &str) -> u32 {
        self.schemas.get(name).copied().unwrap_or(0)
    }
}

/// Which block the scan is in.
enum Section {
    Other,
    Paths {
        indent: Option<usize>,
    },
    Components {
        indent: Option<usize>,
        in_schemas: bool,
        schema_indent: Option<usize>,
    },
}

/// Scans block-style YAML. Block scalars and continuation lines are always indented deeper
/// than the key they belong to, so only lines at exactly the first child's indentation are
/// taken as keys.
pub fn scan(text: &str) -> LineIndex {
    let mut index = LineIndex::default();
    let mut section = Section::Other;
    for (i, line) in text.lines().enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(0);
        let content = line.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let indent = line.len() - content.len();
        if indent == 0 {
            section = match mapping_key(content) {
                Some("paths") => Section::Paths { indent: None },
                Some("components") => Section::Components {
                    indent: None,
                    in_schemas: false,
                    schema_indent: None,
                },
                _ => Section::Other,
            };
            continue;
        }
        match &mut section {
            Section::Other => {}
            Section::Paths { indent: child } => {
                let child = *child.get_or_insert(indent);
                if indent == child
                    && let Some(key) = mapping_key(content)
                {
                    index.paths.entry(key.to_owned()).or_insert(number);
                }
            }
            Section::Components {
                indent: child,
                in_schemas,
                schema_indent,
            } => {
                let child = *child.get_or_insert(indent);
                if indent == child {
                    *in_schemas = mapping_key(content) == Some("schemas");
                    *schema_indent = None;
                } else if *in_schemas && indent > child {
                    let grandchild = *schema_indent.get_or_insert(indent);
                    if indent == grandchild
                        && let Some(key) = mapping_key(content)
                    {
                        index.schemas.entry(key.to_owned()).or_insert(number);
                    }
                }
            }
        }
    }
    index
}

/// The key of a `key:` or `key: value` line, without quotes; `None` for list items and lines
/// that are not mapping keys.
fn mapping_key(content: &str) -> Option<&str> {
    if let Some(rest) = content.strip_prefix('-')
        && (rest.is_empty() || rest.starts_with(' '))
    {
        return None;
    }
    for quote in ['\'', '"'] {
        if let Some(rest) = content.strip_prefix(quote) {
            let end = rest.find(quote)?;
            let after = &rest[end + 1..];
            return after.starts_with(':').then(|| &rest[..end]);
        }
    }
    let end = content
        .find(": ")
        .or_else(|| content.ends_with(':').then(|| content.len() - 1))?;
    Some(&content[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_paths_and_schemas_by_indentation() {
        let text = "\
openapi: 3.0.3
paths:
  /api/a/:
    get:
      description: |
        /api/fake/: not a key
  '/api/b/{id}/':
    post: {}
components:
  parameters:
    P:
      name: p
  schemas:
    A:
      type: object
    B:
      enum: [x]
";
        let idx = scan(text);
        assert_eq!(idx.path("/api/a/"), 3);
        assert_eq!(idx.path("/api/b/{id}/"), 7);
        assert_eq!(idx.path("/api/fake/"), 0);
        assert_eq!(idx.schema("A"), 14);
        assert_eq!(idx.schema("B"), 16);
        assert_eq!(idx.schema("P"), 0);
    }

    #[test]
    fn keys_of_lines() {
        assert_eq!(mapping_key("get:"), Some("get"));
        assert_eq!(mapping_key("name: p"), Some("name"));
        assert_eq!(mapping_key("'/a/': {}"), Some("/a/"));
        assert_eq!(mapping_key("- in: query"), None);
        assert_eq!(mapping_key("plain text"), None);
    }
}
