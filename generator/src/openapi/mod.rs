//! OpenAPI front end: a Waldur OpenAPI 3 schema -> IR.
//!
//! [`lower`] parses the YAML or JSON text once ([`document`]), reads `components` into typed
//! structs ([`context`]), lowers every component schema into a named type ([`schema`]) and
//! every operation ([`operation`]). It keeps going: an operation that cannot be lowered is
//! left out with a diagnostic, a construct the IR cannot express is lowered as `any` with a
//! diagnostic. Diagnostics name the file, the line (of the path key or the component schema;
//! 0 for JSON input) and the JSON pointer of the node.
//!
//! Rules that are choices rather than plain OpenAPI:
//! - operations keep document order: paths in order, methods in the order they appear;
//! - `tag` is the first tag with `-` replaced by `_`; `title` is `summary`;
//! - `security` absent (and no document-wide `security`) -> `None`; a list with only `{}` or
//!   an empty list -> `Some([])`; otherwise the scheme names, and when `{}` is one of the
//!   alternatives the extension [`operation::SECURITY_OPTIONAL`] is set;
//! - descriptions are trimmed, and an empty description is `None`.
//!
//! See [`schema`] for compositions and [`operation`] for parameters, bodies and responses.

mod context;
mod document;
mod lines;
mod operation;
mod pointer;
mod schema;
mod yaml_split;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

pub use operation::SECURITY_OPTIONAL;

use crate::Diagnostic;
use crate::ir::{Api, SourceFile};

/// The result of lowering a schema: the API and what could not be lowered faithfully.
#[derive(Debug, Clone, PartialEq)]
pub struct Lowered {
    pub api: Api,
    pub diagnostics: Vec<Diagnostic>,
}

/// True when the text is an OpenAPI document (a top-level `openapi:` key), cheap check.
///
/// YAML: a line starting with `openapi:` (optionally quoted). JSON: the key `"openapi"`
/// followed by a colon. Neither the value nor the nesting is checked; [`lower`] does that.
pub fn looks_like_openapi(text: &str) -> bool {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    if body.trim_start().starts_with('{') {
        return body.match_indices("\"openapi\"").any(|(i, m)| {
            body.get(i + m.len()..)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        });
    }
    body.lines().any(|line| {
        ["openapi", "\"openapi\"", "'openapi'"].iter().any(|key| {
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start_matches(' ').starts_with(':'))
        })
    })
}

/// Lowers a whole schema into the IR. Keep-going: an operation that cannot be lowered becomes
/// a [`Diagnostic`] (file, line of its path key, JSON pointer, what was expected) and is left
/// out; the rest is lowered. Never panics. A document that is not valid YAML/JSON or not
/// OpenAPI 3 -> `Err(Diagnostic)`.
pub fn lower(path: &str, text: &str) -> Result<Lowered, Diagnostic> {
    let (doc, format) = document::parse(path, text)?;
    let lines = match format {
        document::Format::Yaml => lines::scan(text.strip_prefix('\u{feff}').unwrap_or(text)),
        document::Format::Json => lines::LineIndex::default(),
    };
    let (components, diagnostics) = context::Components::read(path, &lines, &doc.components);
    let mut cx = context::Cx {
        file: path,
        lines: &lines,
        components: &components,
        diagnostics,
        seen: Default::default(),
    };
    let mut types = BTreeMap::new();
    for (name, schema) in &components.schemas {
        let def = match schema {
            Some(s) => schema::lower_component(&mut cx, name, s),
            // Unreadable (diagnosed by `Components::read`): kept so references resolve.
            None => crate::ir::TypeDef::Alias {
                ty: crate::ir::Ty::Any,
                description: None,
            },
        };
        types.insert(name.clone(), def);
    }
    let operations = operation::lower_paths(&mut cx, &doc.paths, doc.security.as_deref(), &types);
    let source = SourceFile {
        path: path.to_string(),
        title: context::text(&doc.info.title),
        description: context::text(&doc.info.description),
        version: doc.info.version.clone(),
        provenance: None,
    };
    Ok(Lowered {
        api: Api {
            sources: vec![source],
            operations,
            types,
        },
        diagnostics: cx.diagnostics,
    })
}
