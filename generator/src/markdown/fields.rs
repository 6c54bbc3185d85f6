//! Table rows -> typed rows, and body/response tables -> nested objects.
//!
//! Nesting is flattened into pre-order dotted rows (FORMAT.md, 3): `restorations` (`array of
//! objects`) is followed by `restorations.uuid`, ... A dot under an array means "a field of
//! each item"; under `object` it means "a field of the object".

use crate::ir::{EnumTy, Field, ObjectTy, Ty};
use crate::markdown::Diags;
use crate::markdown::annotations::{Annotated, default_value, enum_values, parse_cell};
use crate::markdown::table::{Columns, Row};
use crate::markdown::types::{CellType, parse_type};

/// One table row, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RowData<'r> {
    /// Full (possibly dotted) name as printed.
    pub name: &'r str,
    pub cell_type: CellType,
    /// The `✓` of the Required column (false without the column).
    pub required: bool,
    pub notes: Annotated<'r>,
    pub default: Option<serde_json::Value>,
    pub line: u32,
}

/// Reads the cells of `row`; the error is the diagnostic message for the row's line.
pub(crate) fn read_row<'r>(row: &'r Row, columns: &Columns) -> Result<RowData<'r>, String> {
    let name_cell = row.cell(Columns::NAME);
    let name = name_cell
        .strip_prefix('`')
        .and_then(|n| n.strip_suffix('`'))
        .filter(|n| !n.is_empty() && !n.contains('`'))
        .ok_or_else(|| format!("expected a name in backticks, found '{name_cell}'"))?;
    let cell_type = parse_type(row.cell(Columns::TYPE))?;
    let required = match columns.required.map(|c| row.cell(c)) {
        None | Some("") => false,
        Some("✓") => true,
        Some(other) => {
            return Err(format!(
                "expected '✓' or an empty cell in the Required column, found '{other}'"
            ));
        }
    };
    let notes = match columns.description {
        Some(c) => parse_cell(row.cell(c))?,
        None => Annotated::default(),
    };
    let default = notes
        .default
        .map(|raw| default_value(&cell_type, raw))
        .transpose()?;
    Ok(RowData {
        name,
        cell_type,
        required,
        notes,
        default,
        line: row.line,
    })
}

/// The row's complete type when it has no children: its leaf type with the `_Enum` applied.
/// `bare_array_items` is the item type of a bare `array` (query parameters: string).
pub(crate) fn leaf_type(data: &RowData, bare_array_items: Ty) -> Result<Ty, String> {
    let ty = match &data.cell_type {
        CellType::Leaf(ty) => ty.clone(),
        CellType::BareArray => Ty::array(bare_array_items),
        CellType::Object => Ty::Map {
            values: Box::new(Ty::Any),
        },
        CellType::ArrayOfObjects => Ty::array(Ty::Map {
            values: Box::new(Ty::Any),
        }),
    };
    match &data.notes.enum_values {
        Some(values) => apply_enum(ty, values),
        None => Ok(ty),
    }
}

/// `_Enum` values turn a scalar (or the items of an array of scalars) into an inline enum.
fn apply_enum(ty: Ty, values: &[&str]) -> Result<Ty, String> {
    match ty {
        Ty::Scalar { .. } | Ty::Any => {
            let values = enum_values(&ty, values)?;
            Ok(Ty::Enum {
                def: Box::new(EnumTy {
                    name_hint: None,
                    description: None,
                    values,
                }),
            })
        }
        Ty::Array { items } => Ok(Ty::Array {
            items: Box::new(apply_enum(*items, values)?),
        }),
        _ => Err("an _Enum annotation on a row that is not a scalar".to_string()),
    }
}

/// A parent row whose children are still being read.
struct Open {
    /// Full dotted name of the parent row.
    path: String,
    field: Field,
    array: bool,
    object: ObjectTy,
}

/// Builds the object a body or response table describes. Rows with problems are reported.
pub(crate) fn build_object(
    rows: &[Row],
    columns: &Columns,
    name_hint: Option<String>,
    diags: &mut Diags,
) -> ObjectTy {
    let mut root = ObjectTy {
        name_hint,
        ..ObjectTy::default()
    };
    let mut open: Vec<Open> = Vec::new();
    for row in rows {
        let data = match read_row(row, columns) {
            Ok(data) => data,
            Err(message) => {
                diags.push(row.line, message);
                continue;
            }
        };
        let (parent, leaf) = data.name.rsplit_once('.').unwrap_or(("", data.name));
        // Pre-order: close every open parent this row is not a child of.
        while open.last().is_some_and(|o| o.path != parent) {
            close(&mut open, &mut root);
        }
        if !parent.is_empty() && open.is_empty() {
            diags.push(
                data.line,
                format!(
                    "orphan row `{}`: expected a row `{parent}` of type object or array of \
                     objects before it",
                    data.name
                ),
            );
            continue;
        }
        let target = match open.last_mut() {
            Some(o) => &mut o.object,
            None => &mut root,
        };
        if leaf.is_empty() {
            diags.push(data.line, format!("empty name segment in `{}`", data.name));
            continue;
        }
        // `*` is "any other key" (additionalProperties), not a field.
        if leaf == "*" {
            match leaf_type(&data, Ty::Any) {
                Ok(ty) => target.additional = Some(Box::new(ty)),
                Err(message) => diags.push(data.line, message),
            }
            continue;
        }
        if target.fields.iter().any(|f| f.name == leaf) {
            diags.push(data.line, format!("duplicate row `{}`", data.name));
            continue;
        }
        let field = Field {
            name: leaf.to_string(),
            ty: Ty::Any,
            required: data.required,
            nullable: data.notes.nullable,
            read_only: data.notes.read_only,
            write_only: data.notes.write_only,
            description: data.notes.text.clone(),
            default: data.default.clone(),
            extensions: Default::default(),
            blank: false,
            constraints: data.notes.constraints.clone(),
            span: diags.span(data.line),
        };
        match data.cell_type {
            CellType::Object | CellType::ArrayOfObjects if data.notes.enum_values.is_none() => {
                open.push(Open {
                    path: data.name.to_string(),
                    field,
                    array: data.cell_type == CellType::ArrayOfObjects,
                    object: ObjectTy::default(),
                });
            }
            _ => match leaf_type(&data, Ty::Any) {
                Ok(ty) => target.fields.push(Field { ty, ..field }),
                Err(message) => diags.push(data.line, message),
            },
        }
    }
    while !open.is_empty() {
        close(&mut open, &mut root);
    }
    root
}

/// Finishes the innermost open parent and adds it to its own parent.
fn close(open: &mut Vec<Open>, root: &mut ObjectTy) {
    let Some(node) = open.pop() else { return };
    // A parent without children is an object of arbitrary keys (a free-form item schema).
    let ty = if node.object.fields.is_empty() && node.object.additional.is_none() {
        Ty::Map {
            values: Box::new(Ty::Any),
        }
    } else {
        Ty::Object {
            object: Box::new(node.object),
        }
    };
    let ty = if node.array { Ty::array(ty) } else { ty };
    let target = match open.last_mut() {
        Some(o) => &mut o.object,
        None => root,
    };
    target.fields.push(Field { ty, ..node.field });
}
