//! Passes over the IR: hoisting inline types, structural deduplication and naming.
//!
//! [`run`] takes every inline [`Ty::Object`](crate::ir::Ty::Object) and
//! [`Ty::Enum`](crate::ir::Ty::Enum) out of operations and named types, gives each distinct
//! shape one definition in [`Api::types`] and replaces the inline types by references.
//!
//! # Identity
//!
//! Two objects are the same shape when their descriptions, field names, field order, field
//! types (compared structurally, recursively), `required`/`nullable`/`read_only`/`write_only`
//! flags, field descriptions and defaults, and `additional` type are equal; hints and spans do
//! not count. Descriptions and defaults count because the generated docs and constructors carry
//! them: merging shapes that differ there would document one page's field with another page's
//! text. An object used in a request (parameter or body) and one used in a response are never
//! merged, even when identical, because they are emitted differently; neither is merged with an
//! object found inside an input-named type (OpenAPI schema). Enums are the same when their
//! descriptions and value lists (in order) are equal, whatever their context.
//!
//! # Names
//!
//! Names are chosen per *scope*: the operations of one page (same file and tag), or the named
//! types of the input. Every operation refers to the name its own scope gives a shape, so a
//! page's names are computed from that page alone. Candidates, best first:
//!
//! 1. (a) a name from the spec: the object's or enum's `name_hint` (a Markdown `XFieldEnum`
//!    import, a query enum model such as `CoreStates`), a request body's `model_name`;
//! 2. (b) for objects of 2xx responses, the operation's request model name without a `Patched`
//!    prefix and a `Request` suffix (`PatchedOpenStackVolumeRequest` -> `OpenStackVolume`);
//! 3. `<Owner><Field>` for a shape nested in an inline shape of the same scope, formed once
//!    the owner is named: singular for array items (`restorations` ->
//!    `OpenStackSnapshotRestoration`), `<Owner><Field>Enum` for enums, `<Owner><Field>Value`
//!    for map values, `<Owner><Field>Variant<n>` for one-of members;
//! 4. (c) a name made up from the position: `<OperationId>Response` for the first 2xx response,
//!    `<OperationId><Status>Response` for others (`OpenstackVolumesPull409Response`,
//!    `<OperationId>DefaultResponse` for `default`), `<OperationId>Request` for bodies,
//!    `<OperationId><Param>` for parameters, `<OperationId><Header>Header` for headers; enums
//!    append `Enum`. In an input-named type `Owner`, a field `f` gives `<Owner><F>` (`Item`
//!    for the items of an array alias).
//!
//! Inside a scope, the occurrences of a shape share one name: the best candidate by the
//! ranking above, ties broken by lexical order (never by which pages exist). An occurrence
//! that carries its own spec name (a) is referred to by that name whenever it ends up
//! denoting the same shape (as the name or as an alias), so an operation's request model keeps
//! its spec name even when an identical model of another operation names the shape.
//!
//! # Shapes several operations share
//!
//! A shape that several operations reach, directly (a body or a response) or nested at any
//! depth, whose candidates are all names of single operations (b or c), is offered a name
//! saying what it is before naming starts (see `shared.rs`): its fields (`{detail}` is
//! `Detail`) or values, else the resource or the action all its operations share (`AwsImage`),
//! else the words their ids share (`History`); and the names of single operations drop below
//! it and below nested names. So `set_ok` never returns a type named after `set_erred`, a shape
//! nested in an action's model is named after a resource that holds it when there is one, and
//! an invoice item inside `invoices_list` is an `InvoiceItem`, not an
//! `InvoicesItemsRetrieveResponse`. Such a shape that loses its name in a collision is
//! qualified by its page rather than named after an operation.
//!
//! # Sharing across scopes and stability
//!
//! A shape used by several scopes gets one definition, named by the best of its scope names
//! (same ranking, qualified names last); the other scope names become
//! `TypeDef::Alias { ty: Ref(definition) }`, as do spec names (a) of merged occurrences that no
//! group took, so no spec name is lost (unless the input gives it to two different shapes:
//! then the shape that named itself by it keeps it). The definition's fields use the names of
//! the scope it was taken from. Because every scope keeps its own names, adding or removing a
//! page never renames another page's types: at most a definition becomes an alias or the
//! reverse, and both spellings are the same Rust type.
//!
//! # Collisions
//!
//! Two different shapes wanting one name are resolved per name, in rounds. Round 0 holds the
//! shapes with an (a) or (b) name and those nested in nothing; a nested shape without (a)/(b)
//! comes one round after the last of its owners. Rounds depend only on the scope's content.
//!
//! - A name held by an input-named type or by a shape named in an earlier round stays there.
//! - Otherwise the claim with the better priority wins (a spec name beats a derived one);
//!   between equal priorities, the claim from the scope with the smaller `(tag, file)` wins,
//!   then the one first seen in the scope.
//! - A loser takes its next own candidate that is free (a response losing `SetErred` falls back
//!   to its `<OperationId>Response`); a shape several operations share, the next name saying
//!   what it is (`shared.rs`); else the lost name prefixed with its scope's tag
//!   (`OpenstackVolumesOpenStackSnapshotRestoration`), else with its first operation id, words
//!   the prefix ends with and the name starts with said once (`Users` and `User` give nothing
//!   new); numbered (`...2`) only when all of these are taken.
//!
//! Names are compared without case (`OpenstackBackup` and `OpenStackBackup` are one name to
//! claim), so no two types differ only in case.
//!
//! The winner is decided by properties of the claims alone, never by input order. So a page's
//! names change only when a page is added or removed that claims one of them for a *different*
//! shape, or that makes a shape of the page shared with another operation or single again
//! (which names it by what it is, or after its one operation), or gives such a shape a spec
//! name. That cannot be avoided: if two pages each want a name alone, one must yield when
//! both are present; and whether operations of other pages share a shape is a fact about those
//! pages.
//!
//! Last, [`PassOptions::rename_types`] renames types; renaming onto an existing name, onto an
//! invalid name, two types onto one name or a name that does not exist is an error.

mod assign;
mod hoist;
mod input;
mod names;
mod rename;
mod shared;
mod usage;
mod visit;
mod write;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};

pub use usage::{Usage, usage};

use crate::Diagnostic;
use crate::ir::{Api, Span};

#[derive(Debug, Clone, Default)]
pub struct PassOptions {
    /// Type renames from the user's config: final generated name -> wanted name.
    pub rename_types: BTreeMap<String, String>,
}

/// Hoists every inline `Ty::Object`/`Ty::Enum` (in operation params, bodies, responses and inside
/// `api.types`) into `api.types`, deduplicates identical shapes, and names them.
/// After it: no `Ty::Object` or `Ty::Enum` remains anywhere; every `Ty::Ref` resolves; names are
/// unique UpperCamel Rust-compatible identifiers (ASCII alnum, starting with a letter).
///
/// Errors: references to unknown types and bad `rename_types` entries. On a `rename_types`
/// error the types are hoisted and named but not renamed; on the other errors `api` is
/// unchanged. Returns warnings: input type names that could not keep their plain Rust form
/// (`foo` beside `Foo` becomes `Foo2`).
pub fn run(api: &mut Api, options: &PassOptions) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    let warnings = input::prepare(api)?;
    let fixed: Vec<String> = api.types.keys().cloned().collect();
    let mut hoisted = hoist::hoist(api);
    shared::prefer_neutral_names(&mut hoisted);
    let assigned = assign::assign(&hoisted, fixed.iter());
    let group_spans = if options.rename_types.is_empty() {
        HashMap::new()
    } else {
        group_first_uses(&hoisted, &assigned)
    };
    write::write(api, &mut hoisted, &assigned);
    if options.rename_types.is_empty() {
        return Ok(warnings);
    }
    let spans: BTreeMap<&str, Span> = options
        .rename_types
        .keys()
        .map(|name| (name.as_str(), first_use(api, &group_spans, name)))
        .collect();
    rename::rename(api, &options.rename_types, &|name| {
        spans.get(name).cloned().unwrap_or_default()
    })?;
    Ok(warnings)
}

/// For each name given to a group: the operation index and span of its earliest occurrence.
fn group_first_uses(
    h: &hoist::Hoisted,
    assigned: &assign::Assigned,
) -> HashMap<String, (usize, Span)> {
    let mut out: HashMap<String, (usize, Span)> = HashMap::new();
    for (group, name) in h.groups.iter().zip(&assigned.names) {
        let op = group.first_op.unwrap_or(usize::MAX);
        match out.get(name) {
            Some((seen, _)) if *seen <= op => {}
            _ => {
                out.insert(name.clone(), (op, group.first_span.clone()));
            }
        }
    }
    out
}

/// Where a type is first used: its earliest inline occurrence, else the first operation that
/// refers to it, else its definition.
fn first_use(api: &Api, group_spans: &HashMap<String, (usize, Span)>, name: &str) -> Span {
    if let Some((_, span)) = group_spans.get(name) {
        return span.clone();
    }
    for op in &api.operations {
        let mut found = None;
        visit::op_types(op, &mut |ty, span, _| {
            visit::refs(ty, span, &mut |r, at| {
                if found.is_none() && r == name {
                    found = Some(at.clone());
                }
            })
        });
        if let Some(span) = found {
            return span;
        }
    }
    api.types.get(name).map(input::def_span).unwrap_or_default()
}
