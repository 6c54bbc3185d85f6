//! Enums a page gives the values of in one place and prints as `any` in another.
//!
//! A field whose schema is an enum behind `allOf`/`oneOf` is printed `any` (every resource
//! `state`, `policy_type`, `severity`, ...), while the query filter of the same
//! name often prints the values (`_Enum: ...`) and the Python snippet names the enum
//! (`PolicyTypeEnum`). Such a field is given the filter's enum when all of this holds:
//!
//! - the field is a top-level field of the operation's request body or of one of its JSON
//!   response bodies (the object, or the items of an array of objects), typed `any`;
//! - the filter is a query parameter with the field's name, of the same operation or else of
//!   the page's list operation of the same collection (`GET /api/x/` for `/api/x/{uuid}/...`);
//! - the filter's values are strings. Integer-valued filters are left alone: Waldur filters
//!   integer-coded states while its responses carry their labels (`RobotAccountStates`:
//!   `Requested`, `OK`, ... for a filter of `1`..`6`).
//!
//! On the 2026-02-27 pages every inference agrees with the OpenAPI schema of the same release
//! (`frontends_agree` checks each one). Fields named like a field elsewhere on the page are
//! not inferred from it: equal names there denote different enums too often.

use crate::ir::{
    EnumTy, EnumValue, Field, Method, Operation, ParamLocation, ResponseBody, Span, Ty,
};

/// One field whose enum was inferred.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InferredEnum {
    /// The field's row.
    pub span: Span,
    pub method: Method,
    pub path: String,
    /// The response status, or `None` for the request body.
    pub status: Option<u16>,
    /// The field's name (a top-level field).
    pub field: String,
    /// The operation id of the filter's operation.
    pub source_operation: String,
}

/// Gives `any` fields the enum of their query filter (see the module docs) and lists them in
/// page order.
pub(crate) fn infer_enums(operations: &mut [Operation]) -> Vec<InferredEnum> {
    // Every operation's filters, taken before any field changes.
    let filters: Vec<Vec<(String, EnumTy)>> = operations.iter().map(enum_filters).collect();
    let lists: Vec<Option<usize>> = operations
        .iter()
        .map(|op| list_operation(operations, op))
        .collect();
    let ids: Vec<String> = operations.iter().map(|o| o.operation_id.clone()).collect();
    let mut out = Vec::new();
    for (i, op) in operations.iter_mut().enumerate() {
        // The operation's own filters first, then its list operation's.
        let mut sources: Vec<(&str, &EnumTy, &str)> = Vec::new();
        let own = lists_entry(&filters, Some(i)).iter().map(|f| (f, i));
        let list = lists.get(i).copied().flatten().filter(|l| *l != i);
        let listed = lists_entry(&filters, list)
            .iter()
            .map(|f| (f, list.unwrap_or(i)));
        for ((name, def), from) in own.chain(listed) {
            if !sources.iter().any(|(n, _, _)| *n == name.as_str()) {
                let id = ids.get(from).map_or("", String::as_str);
                sources.push((name.as_str(), def, id));
            }
        }
        if sources.is_empty() {
            continue;
        }
        let (method, path) = (op.method, op.path.clone());
        for (status, ty) in bodies(op) {
            let Some(fields) = top_fields(ty) else {
                continue;
            };
            for field in fields.iter_mut().filter(|f| f.ty == Ty::Any) {
                let Some((_, def, id)) = sources.iter().find(|(n, _, _)| *n == field.name) else {
                    continue;
                };
                field.ty = Ty::Enum {
                    def: Box::new(EnumTy {
                        description: None,
                        ..(*def).clone()
                    }),
                };
                out.push(InferredEnum {
                    span: field.span.clone(),
                    method,
                    path: path.clone(),
                    status,
                    field: field.name.clone(),
                    source_operation: (*id).to_string(),
                });
            }
        }
    }
    out
}

fn lists_entry(filters: &[Vec<(String, EnumTy)>], at: Option<usize>) -> &[(String, EnumTy)] {
    at.and_then(|i| filters.get(i))
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// Query parameters of `op` whose type is an enum of strings.
fn enum_filters(op: &Operation) -> Vec<(String, EnumTy)> {
    op.params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .filter_map(|p| match &p.ty {
            Ty::Enum { def }
                if !def.values.is_empty()
                    && def.values.iter().all(|v| matches!(v, EnumValue::Str(_))) =>
            {
                Some((p.name.clone(), (**def).clone()))
            }
            _ => None,
        })
        .collect()
}

/// The page's list operation of `op`'s collection: the `GET` of `op`'s path cut at its first
/// `{` (`GET /api/x/` for `/api/x/{uuid}/pull/`).
fn list_operation(operations: &[Operation], op: &Operation) -> Option<usize> {
    let collection = op.path.split_once('{').map_or(op.path.as_str(), |(c, _)| c);
    operations
        .iter()
        .position(|o| o.method == Method::Get && o.path == collection)
}

/// The request body (status `None`) and the JSON response bodies of an operation.
fn bodies(op: &mut Operation) -> Vec<(Option<u16>, &mut Ty)> {
    let mut out: Vec<(Option<u16>, &mut Ty)> = Vec::new();
    if let Some(body) = op.body.as_mut() {
        out.push((None, &mut body.ty));
    }
    for r in op.responses.iter_mut() {
        if let ResponseBody::Json { ty } = &mut r.body {
            out.push((Some(r.status), ty));
        }
    }
    out
}

/// The top-level fields of a body: its object's, or its items' when it is an array of objects.
fn top_fields(ty: &mut Ty) -> Option<&mut Vec<Field>> {
    let ty = match ty {
        Ty::Array { items } => items.as_mut(),
        other => other,
    };
    match ty {
        Ty::Object { object } => Some(&mut object.fields),
        _ => None,
    }
}
