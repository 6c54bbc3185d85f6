//! Spec diff: compares two IRs and classifies each change.
//!
//! [`diff`] matches operations by `(method, path)` (an `operationId` may change; that is reported
//! as a rename; a path whose parameters were renamed, `/api/x/{id}/` -> `/api/x/{uuid}/`, is the
//! same operation with a [`ChangeKind::ParameterRenamed`]), then compares parameters, request
//! bodies and responses. Types are compared structurally: `Ty::Ref` is resolved through each
//! side's [`Api::types`], objects are walked field by field and nested fields are named by
//! dotted paths as the pages print them (`restorations.uuid`; the dot also steps into array
//! items, `*` names the values of a map, and `[]` the items of an array whose item constraints
//! changed: `tags[]`). So the diff gives the same answer for raw front-end output (inline
//! `Ty::Object`) and for an API that went through the naming passes, and for both front ends.
//!
//! # What is compared
//!
//! The CLI ([`cli::load_specs`]) compares the front ends' output before the passes: what each
//! spec says, operation by operation. The passes merge shapes that differ only in descriptions
//! or defaults across pages, so after them an operation could show another page's text; before
//! them, an operation's part of the report does not depend on which other pages were loaded
//! with it (the corpus test checks this on every snapshot pair). Model names are therefore the
//! names the specs give (OpenAPI schema names, the pages' request models, `FieldEnum` and query
//! enum imports): a rename is reported only when a spec renamed something, never because the
//! naming pass chose another name for an unnamed shape.
//!
//! # Classification
//!
//! Every [`Change`] carries two independent effects:
//!
//! - [`WireEffect`]: what it does to existing callers of the HTTP API, following oasdiff's
//!   rules (`breaking` = oasdiff ERR, `warning` = oasdiff WARN, `compatible` = INFO or nothing).
//! - [`RustEffect`]: what it does to users of the generated Rust crate: `break` (their code may
//!   stop compiling: a removed or renamed method, type or field, a new required argument or
//!   required struct field, a changed type, a removed enum variant), `additive` (new methods,
//!   optional parameters, fields, enum variants: request structs are built with
//!   `..Default::default()`/builders, enums are `#[non_exhaustive]` and response fields are
//!   all optional) or `none` (documentation, extensions, wire details the signatures hide).
//!
//! The full rule table is in [`classify`]; the Markdown report's layout and size limit are
//! described at [`render_markdown`]. [`ApiDiff::suggested_bump`] turns the Rust effects
//! into a semver suggestion for the generated crate, which is `0.x`: a compile break bumps the
//! minor version, any other change the patch version. [`ApiDiff::suggested_bump_stable`] gives
//! the suggestion the same diff would get after 1.0 (break: major, additive: minor, other:
//! patch).
//!
//! # Rust items
//!
//! [`with_rust_items`] also plans the crate each side generates and compares their public
//! items by name, operation by operation ([`rust_items`]): the tag handle's method, the
//! builder's setters, and every model the operation takes or returns, with its constructor,
//! fields, accessors and variants. Each operation then carries the cargo feature of its tag
//! and the items that changed, and the Markdown report lists the removed or changed ones under
//! "Compile breaks by feature". An operation whose spec did not change but whose items did (a
//! shared model renamed because another page changed) is listed as modified with no spec
//! change. A removed or changed item makes the suggested bump at least minor (major after
//! 1.0), an added one at least patch.
//!
//! # JSON format (`format_version` 3)
//!
//! [`render_json`] prints an [`ApiDiff`] as pretty JSON. Keys always appear, in the order below
//! (`null` when a value does not apply), so the output is stable for tools:
//!
//! - `format_version`: `3`; bumped on any incompatible change of this format. Version 3 added
//!   `feature` and `rust_items` to each operation and `rust_items_broken`, `rust_items_added`
//!   to the summary. Version 2 added
//!   `old_path`, the change kinds `parameter_renamed`, the constraint kinds
//!   (`minimum_changed` ... `max_items_changed`) and `became_read_only`,
//!   `became_not_read_only`, `became_write_only`, `became_not_write_only`, and counts in
//!   `types` the types the specs name (version 1 counted those the naming passes made).
//! - `old`, `new`: `{version, sources, operations, types}`: the spec's OpenAPI `info.version`
//!   (or `null`), the number of spec files, operations and named types (OpenAPI components; the
//!   pages name none) on that side.
//! - `summary`: counts: `operations_added`, `operations_removed`, `operations_modified`,
//!   `changes` (all changes, including one per added or removed operation), `wire_breaking`,
//!   `wire_warnings`, `rust_breaking`, `rust_additive`, `models_renamed` (distinct
//!   `old -> new` pairs), `rust_items_broken` and `rust_items_added` (distinct public items of
//!   the generated crate removed or changed, and added; `null` without [`with_rust_items`]), and
//!   `suggested_bump` / `suggested_bump_stable`
//!   (`none`, `patch`, `minor`, `major`) for a `0.x` and a `>= 1.0` crate.
//! - `operations`: one entry per added, removed or modified operation, sorted by tag, path and
//!   method: `method`, `path`, `old_path` (the old path when path parameters were renamed,
//!   else `null`), `operation_id` (the new one; the old one for a removed operation), `tag`
//!   (likewise), `status` (`added`, `removed`, `modified`), `wire` and `rust` (the strongest
//!   effect among its changes), `feature` (the cargo feature of its tag in the generated
//!   crate, `null` without [`with_rust_items`]), `changes`, and `rust_items`: `{item, old,
//!   new}`, the public items of the generated crate that changed for it, by name, with their
//!   signatures (`null` on the side where the item does not exist), sorted by name.
//! - A change: `kind` (see [`ChangeKind`]), `location` (`operation`, `path`, `query`,
//!   `header`, `request_body`, `response`, `response_header`), `status` (the response status
//!   for the two response locations, `0` for OpenAPI `default`), `name` (parameter name, dotted
//!   field path, header or extension name; `null` for the operation, the body or the response
//!   itself), `required` (for added or removed parameters, fields and bodies: whether it is
//!   required on the side where it exists), `old` and `new` (the values before and after:
//!   types printed as the pages print them, e.g. `string (uuid)` or `array of Volume`, enum
//!   values, descriptions, names, constraint values such as `255` or `> 0`), `wire`
//!   (`breaking`, `warning`, `compatible`), `rust` (`break`, `additive`, `none`) and `note`
//!   (why a warning or a surprising classification).
//! - `renamed_models`: distinct `{old, new}` pairs of `model_renamed` changes, sorted.
//!
//! Example: an optional query parameter and a required body field were added, and a response
//! field was retyped:
//!
//! ```json
//! {
//!   "format_version": 3,
//!   "old": {
//!     "version": "1.0",
//!     "sources": 1,
//!     "operations": 2,
//!     "types": 1
//!   },
//!   "new": {
//!     "version": "1.1",
//!     "sources": 1,
//!     "operations": 2,
//!     "types": 1
//!   },
//!   "summary": {
//!     "operations_added": 0,
//!     "operations_removed": 0,
//!     "operations_modified": 2,
//!     "changes": 3,
//!     "wire_breaking": 2,
//!     "wire_warnings": 0,
//!     "rust_breaking": 2,
//!     "rust_additive": 1,
//!     "models_renamed": 0,
//!     "rust_items_broken": null,
//!     "rust_items_added": null,
//!     "suggested_bump": "minor",
//!     "suggested_bump_stable": "major"
//!   },
//!   "operations": [
//!     {
//!       "method": "GET",
//!       "path": "/api/volumes/",
//!       "old_path": null,
//!       "operation_id": "volumes_list",
//!       "tag": "volumes",
//!       "status": "modified",
//!       "wire": "breaking",
//!       "rust": "break",
//!       "feature": null,
//!       "changes": [
//!         {
//!           "kind": "parameter_added",
//!           "location": "query",
//!           "status": null,
//!           "name": "name",
//!           "required": false,
//!           "old": null,
//!           "new": "string",
//!           "wire": "compatible",
//!           "rust": "additive",
//!           "note": null
//!         },
//!         {
//!           "kind": "type_changed",
//!           "location": "response",
//!           "status": 200,
//!           "name": "size",
//!           "required": null,
//!           "old": "integer",
//!           "new": "string",
//!           "wire": "breaking",
//!           "rust": "break",
//!           "note": null
//!         }
//!       ],
//!       "rust_items": []
//!     },
//!     {
//!       "method": "POST",
//!       "path": "/api/volumes/",
//!       "old_path": null,
//!       "operation_id": "volumes_create",
//!       "tag": "volumes",
//!       "status": "modified",
//!       "wire": "breaking",
//!       "rust": "break",
//!       "feature": null,
//!       "changes": [
//!         {
//!           "kind": "field_added",
//!           "location": "request_body",
//!           "status": null,
//!           "name": "size",
//!           "required": true,
//!           "old": null,
//!           "new": "integer",
//!           "wire": "breaking",
//!           "rust": "break",
//!           "note": null
//!         }
//!       ],
//!       "rust_items": []
//!     }
//!   ],
//!   "renamed_models": []
//! }
//! ```

pub mod classify;
pub mod cli;
mod compare;
mod markdown;
pub mod rust_items;
mod sink;
mod types;

#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::ir::{Api, Method};

pub use markdown::{COMMENT_BUDGET, render_markdown, render_markdown_full};

/// Version of the JSON format printed by [`render_json`].
pub const FORMAT_VERSION: u32 = 3;

/// Compares two APIs. Pure and deterministic: the result depends only on the two values.
pub fn diff(old: &Api, new: &Api) -> ApiDiff {
    compare::diff(old, new)
}

/// [`diff`], with the Rust items of the crates generated from each side (each planned after
/// the naming passes with `options`): what each change hits in a user's code, grouped by
/// feature in the report. A side the passes reject is compared without its items, and the
/// error is returned with the diff.
pub fn with_rust_items(
    old: &Api,
    new: &Api,
    options: &crate::ir::passes::PassOptions,
) -> (ApiDiff, Option<String>) {
    let mut d = diff(old, new);
    match (
        rust_items::surface(old, options),
        rust_items::surface(new, options),
    ) {
        (Ok(o), Ok(n)) => {
            rust_items::annotate(&mut d, &o, &n);
            (d, None)
        }
        (Err(e), _) => (d, Some(format!("the old spec cannot be planned: {e}"))),
        (_, Err(e)) => (d, Some(format!("the new spec cannot be planned: {e}"))),
    }
}

/// The JSON format documented in this module: pretty-printed, keys in a fixed order.
pub fn render_json(d: &ApiDiff) -> String {
    // Serialising these plain structs cannot fail (no maps with non-string keys, no
    // fallible Serialize impls); keep a readable fallback rather than a panic anyway.
    match serde_json::to_string_pretty(d) {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        Err(e) => format!(
            "{}\n",
            serde_json::json!({ "format_version": FORMAT_VERSION, "error": e.to_string() })
        ),
    }
}

/// One paragraph for `cargo xtask codegen`: operation counts, breaking counts and the bump.
pub fn summary_paragraph(d: &ApiDiff) -> String {
    markdown::summary_paragraph(d)
}

/// The result of [`diff`]; serialises to the JSON format documented in this module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiDiff {
    pub format_version: u32,
    pub old: SideInfo,
    pub new: SideInfo,
    pub summary: Summary,
    /// Added, removed and modified operations, sorted by tag, path and method.
    pub operations: Vec<OperationDiff>,
    /// Distinct `model_renamed` pairs, sorted.
    pub renamed_models: Vec<ModelRename>,
}

impl ApiDiff {
    /// The semver bump for the generated crate, which is `0.x`: a compile break bumps the
    /// minor version, any other change the patch version, no change nothing.
    pub fn suggested_bump(&self) -> SemverBump {
        self.summary.suggested_bump
    }

    /// The bump the same diff would need for a crate at `>= 1.0`: break major, additive
    /// minor, other changes patch.
    pub fn suggested_bump_stable(&self) -> SemverBump {
        self.summary.suggested_bump_stable
    }

    /// No change at all, documentation and extensions included.
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty()
    }

    /// Some change is breaking on the wire or breaks the generated Rust crate.
    pub fn has_breaking(&self) -> bool {
        self.summary.wire_breaking > 0 || self.summary.rust_breaking > 0
    }

    /// Every change with the operation it belongs to, in report order.
    pub fn changes(&self) -> impl Iterator<Item = (&OperationDiff, &Change)> {
        self.operations
            .iter()
            .flat_map(|op| op.changes.iter().map(move |c| (op, c)))
    }
}

/// Facts about one side of the diff.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SideInfo {
    /// The first OpenAPI `info.version` among the sources, if any.
    pub version: Option<String>,
    /// Number of spec files.
    pub sources: usize,
    pub operations: usize,
    /// Number of named types.
    pub types: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub operations_added: usize,
    pub operations_removed: usize,
    pub operations_modified: usize,
    /// All changes, one per added or removed operation included.
    pub changes: usize,
    pub wire_breaking: usize,
    pub wire_warnings: usize,
    pub rust_breaking: usize,
    pub rust_additive: usize,
    /// Distinct `old -> new` model renames.
    pub models_renamed: usize,
    /// Distinct public items of the generated crate removed or changed, and added (`None`
    /// unless [`with_rust_items`] planned the crates).
    pub rust_items_broken: Option<usize>,
    pub rust_items_added: Option<usize>,
    pub suggested_bump: SemverBump,
    pub suggested_bump_stable: SemverBump,
}

/// A semver bump, weakest first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SemverBump {
    #[default]
    None,
    Patch,
    Minor,
    Major,
}

impl SemverBump {
    pub fn as_str(self) -> &'static str {
        match self {
            SemverBump::None => "none",
            SemverBump::Patch => "patch",
            SemverBump::Minor => "minor",
            SemverBump::Major => "major",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OperationStatus {
    Added,
    Removed,
    Modified,
}

/// The changes of one operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperationDiff {
    pub method: Method,
    pub path: String,
    /// The old path when a path parameter was renamed (`/api/x/{id}/` for `/api/x/{uuid}/`),
    /// else `None`.
    pub old_path: Option<String>,
    /// The new operation id (the old one for a removed operation).
    pub operation_id: String,
    /// The new tag (the old one for a removed operation).
    pub tag: String,
    pub status: OperationStatus,
    /// The strongest wire effect among `changes`.
    pub wire: WireEffect,
    /// The strongest Rust effect among `changes` (and `rust_items`).
    pub rust: RustEffect,
    /// The cargo feature of the operation's tag in the generated crate (`None` until
    /// [`with_rust_items`] planned the crates).
    pub feature: Option<String>,
    pub changes: Vec<Change>,
    /// The public Rust items of the generated crate that changed for this operation: its
    /// method, its builder's setters, the models it takes or returns (filled by
    /// [`with_rust_items`]).
    pub rust_items: Vec<RustItemChange>,
}

/// A public item of the generated crate that was added, removed or changed, by name
/// (`client.customers().list`, `CustomerRequest constructor`, `Customer::name()`,
/// `type Customer`), with its signature on each side (`None` where it does not exist).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RustItemChange {
    pub item: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl RustItemChange {
    /// Code using the old item may no longer compile: it was removed or changed.
    pub fn is_break(&self) -> bool {
        self.old.is_some()
    }
}

/// Effect on existing callers of the HTTP API (oasdiff's levels), weakest first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WireEffect {
    #[default]
    Compatible,
    Warning,
    Breaking,
}

/// Effect on users of the generated Rust crate, weakest first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RustEffect {
    #[default]
    None,
    Additive,
    Break,
}

/// Where in an operation a change is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Location {
    Operation,
    Path,
    Query,
    Header,
    RequestBody,
    Response,
    ResponseHeader,
}

impl Location {
    /// Whether values at this location are sent by the client (request) or received.
    pub fn is_request(self) -> bool {
        matches!(
            self,
            Location::Path | Location::Query | Location::Header | Location::RequestBody
        )
    }

    pub fn is_parameter(self) -> bool {
        matches!(self, Location::Path | Location::Query | Location::Header)
    }
}

/// What changed. `old`/`new` of a [`Change`] hold the values named here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// `new`: the operation id.
    OperationAdded,
    /// `old`: the operation id.
    OperationRemoved,
    /// `old`/`new`: the operation ids (the Rust method is renamed).
    OperationIdChanged,
    /// `old`/`new`: the tags (the Rust method moves to another module).
    TagChanged,
    Deprecated,
    Undeprecated,
    /// `old`/`new`: the titles (`### Title`, OpenAPI `summary`).
    TitleChanged,
    /// `old`/`new`: the descriptions, of the operation, a parameter, field or response.
    DescriptionChanged,
    /// `name`: the extension; `new`: its JSON value.
    ExtensionAdded,
    /// `name`: the extension; `old`: its JSON value.
    ExtensionRemoved,
    ExtensionChanged,
    /// `old`/`new`: the security requirement names, comma-separated (`public` when none).
    SecurityChanged,
    /// `new`: the parameter's type; `required` says whether it is required.
    ParameterAdded,
    ParameterRemoved,
    /// A path parameter renamed in place (`/x/{id}/` -> `/x/{uuid}/`): `name` and `new` are the
    /// new name, `old` the old one.
    ParameterRenamed,
    /// A parameter, field or the request body became required.
    BecameRequired,
    BecameOptional,
    BecameNullable,
    BecameNotNullable,
    /// `old`/`new`: the types (different kinds or names).
    TypeChanged,
    /// `old`/`new`: the types (same scalar kind, another format).
    FormatChanged,
    /// `new`: the value (`""` for the blank value of `oneOf: [XEnum, BlankEnum]`).
    EnumValueAdded,
    /// `old`: the value.
    EnumValueRemoved,
    /// The value constraints; `old`/`new`: the bound or pattern, absent (`null`) when unset.
    /// Numeric bounds print as the number, an exclusive one with `<`/`>` before it.
    MinimumChanged,
    MaximumChanged,
    MultipleOfChanged,
    MinLengthChanged,
    MaxLengthChanged,
    PatternChanged,
    MinItemsChanged,
    MaxItemsChanged,
    /// `readOnly` / `writeOnly` set or unset on a field.
    BecameReadOnly,
    BecameNotReadOnly,
    BecameWriteOnly,
    BecameNotWriteOnly,
    /// `old`/`new`: the JSON defaults.
    DefaultChanged,
    /// `old`/`new`: `repeat` or `comma_joined` (array query parameters).
    StyleChanged,
    FieldAdded,
    FieldRemoved,
    /// `new`: the body type.
    BodyAdded,
    /// `old`: the body type.
    BodyRemoved,
    /// `old`/`new`: the preferred media type the client sends.
    MediaTypeChanged,
    /// `new`: a media type the body now also accepts.
    MediaTypeAdded,
    /// `old`: a media type the body no longer accepts.
    MediaTypeRemoved,
    /// `status`: the new response status.
    ResponseAdded,
    ResponseRemoved,
    /// `old`/`new`: the body kinds (`none`, `json`, `text`, ...).
    ResponseBodyChanged,
    HeaderAdded,
    HeaderRemoved,
    /// `old`/`new`: the type names; the structure is identical.
    ModelRenamed,
    /// `old`/`new`: the type names; the structure differs too (listed as separate changes).
    ModelReplaced,
}

/// One change, classified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub kind: ChangeKind,
    pub location: Location,
    /// The response status for [`Location::Response`] and [`Location::ResponseHeader`].
    pub status: Option<u16>,
    /// Parameter name, dotted field path, header or extension name.
    pub name: Option<String>,
    /// For added/removed parameters, fields and bodies: required on the side it exists.
    pub required: Option<bool>,
    pub old: Option<String>,
    pub new: Option<String>,
    pub wire: WireEffect,
    pub rust: RustEffect,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ModelRename {
    pub old: String,
    pub new: String,
}
