//! Path and query parameters.
//!
//! Path tables are alphabetical (`{identifier}/{destination}` lists `destination` first), so
//! path rows are bound to the template by name and emitted in template order. Query rows keep
//! table order (the same order as OpenAPI).

use crate::ir::{ArrayStyle, Param, ParamLocation, Ty};
use crate::markdown::Diags;
use crate::markdown::fields::{RowData, leaf_type, read_row};
use crate::markdown::table::Table;

/// `{name}` placeholders of a path template, in order.
pub(crate) fn template_params(path: &str) -> Result<Vec<&str>, String> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find(['{', '}']) {
        let after = rest.get(open + 1..).unwrap_or_default();
        let is_open = rest.as_bytes().get(open) == Some(&b'{');
        let close = after.find('}').filter(|_| is_open);
        let name = close
            .and_then(|c| after.get(..c))
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        let Some(name) = name else {
            return Err(format!(
                "malformed path template '{path}': expected '{{<name>}}' placeholders"
            ));
        };
        if names.contains(&name) {
            return Err(format!("path template '{path}' repeats '{{{name}}}'"));
        }
        names.push(name);
        rest = after.get(name.len() + 1..).unwrap_or_default();
    }
    Ok(names)
}

/// Path parameters in template order. `table` is the Path Parameters tab's table, if any;
/// `missing_line` is where a template parameter without a row is reported.
pub(crate) fn path_params(
    path: &str,
    table: Option<&Table>,
    missing_line: u32,
    diags: &mut Diags,
) -> Vec<Param> {
    let names = match template_params(path) {
        Ok(names) => names,
        Err(message) => {
            diags.push(missing_line, message);
            return Vec::new();
        }
    };
    let rows: Vec<RowData> = table.map_or_else(Vec::new, |t| read_rows(t, diags));
    for row in &rows {
        if !names.contains(&row.name) {
            diags.push(
                row.line,
                format!(
                    "path parameter \"{}\" is not in the path template '{path}'",
                    row.name
                ),
            );
        }
        if !row.required {
            diags.push(
                row.line,
                format!(
                    "path parameter \"{}\" must be marked required (✓)",
                    row.name
                ),
            );
        }
        if rows.iter().filter(|r| r.name == row.name).count() > 1 {
            diags.push(
                row.line,
                format!("duplicate path parameter row \"{}\"", row.name),
            );
        }
    }
    let mut params = Vec::with_capacity(names.len());
    for name in names {
        let Some(row) = rows.iter().find(|r| r.name == name) else {
            diags.push(
                missing_line,
                format!(
                    "path parameter \"{name}\" of '{path}' has no row in the Path Parameters table"
                ),
            );
            continue;
        };
        if let Some(param) = to_param(row, ParamLocation::Path, diags) {
            params.push(param);
        }
    }
    params
}

/// Query parameters in table order.
pub(crate) fn query_params(table: &Table, diags: &mut Diags) -> Vec<Param> {
    let rows = read_rows(table, diags);
    rows.iter()
        .filter_map(|row| to_param(row, ParamLocation::Query, diags))
        .collect()
}

fn read_rows<'t>(table: &'t Table, diags: &mut Diags) -> Vec<RowData<'t>> {
    let mut rows = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        match read_row(row, &table.columns) {
            Ok(data) if data.name.contains('.') => diags.push(
                data.line,
                format!("parameter names cannot be dotted, found `{}`", data.name),
            ),
            Ok(data) => rows.push(data),
            Err(message) => diags.push(row.line, message),
        }
    }
    rows
}

fn to_param(row: &RowData, location: ParamLocation, diags: &mut Diags) -> Option<Param> {
    let body_only = [
        (row.notes.write_only, "write-only"),
        (row.notes.read_only, "read-only"),
        (row.notes.nullable, "nullable"),
    ];
    if let Some((_, flag)) = body_only.iter().find(|(set, _)| *set) {
        diags.push(
            row.line,
            format!("{flag} is a request body constraint, not a parameter one"),
        );
        return None;
    }
    // A bare query `array` never names its items: the values are strings on the wire.
    let ty = match leaf_type(row, Ty::string()) {
        Ok(ty) => ty,
        Err(message) => {
            diags.push(row.line, message);
            return None;
        }
    };
    let style = if matches!(ty, Ty::Array { .. }) && comma_joined(row) {
        ArrayStyle::CommaJoined
    } else {
        ArrayStyle::Repeat
    };
    Some(Param {
        name: row.name.to_string(),
        location,
        ty,
        required: location == ParamLocation::Path || row.required,
        description: row.notes.text.clone(),
        default: row.default.clone(),
        style,
        extensions: Default::default(),
        blank: false,
        constraints: row.notes.constraints.clone(),
        span: diags.span(row.line),
    })
}

/// The sentence the pages print for an array filter the server reads comma-separated
/// (OpenAPI `style: form, explode: false`).
pub(crate) const COMMA_SENTENCE: &str = "Multiple values may be separated by commas.";

/// Whether an array query parameter is sent comma-joined (`?x=a,b`) rather than repeated
/// (`?x=a&x=b`). The pages do not print `explode`; two things tell:
///
/// - the description says [`COMMA_SENTENCE`] (django-filter's CSV filters: every such
///   parameter is `explode: false` in the schema);
/// - the parameter is the ordering `o`, described as `Ordering` or not at all (django-filter's
///   `OrderingFilter`, `explode: false`). An `o` with another description is declared by hand
///   (`Ordering fields`, on the `list_users` actions) and repeats its key like any other array.
fn comma_joined(row: &RowData) -> bool {
    let text = row.notes.text.as_deref();
    text.is_some_and(|t| t.contains(COMMA_SENTENCE))
        || (row.name == "o" && text.is_none_or(|t| t == "Ordering"))
}
