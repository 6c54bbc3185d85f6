//! Stage 1: takes every inline object and enum out of the [`Api`], interns its structure and
//! records who may name it.
//!
//! Shapes are hash-consed bottom-up: an object's key holds its children as [`ShapeId`]s, so two
//! shapes are structurally identical exactly when their keys are equal, and each key is hashed
//! once (linear in the size of the API, no pairwise comparison).
//!
//! A *group* is one shape as seen by one naming scope (a page, i.e. `(file, tag)`, or the named
//! types of an OpenAPI schema). Each inline occurrence is replaced by a placeholder reference
//! `#<group>`, resolved to the group's final name by [`super::write`].

use std::cmp::Reverse;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::names::{
    camel_part, collapse_repeats, join_words, response_name_from_request, singular, type_name,
};
use crate::ir::{
    Api, EnumTy, EnumValue, Field, Method, ObjectTy, ResponseBody, Scalar, Span, Ty, TypeDef,
};

pub(super) type ShapeId = usize;
pub(super) type GroupId = usize;
pub(super) type ScopeId = usize;

/// The reference that stands for an occurrence of group `g` until names are assigned: `#<g>`,
/// or `#<g>:<Name>` when the occurrence carries its own spec name, which it is to be called by
/// if the name ends up denoting this shape. `#` cannot start a type name, and every
/// pre-existing reference was checked to resolve before hoisting.
pub(super) fn placeholder(g: GroupId, own_name: Option<&str>) -> Ty {
    let name = match own_name {
        Some(own) => format!("#{g}:{own}"),
        None => format!("#{g}"),
    };
    Ty::Ref { name }
}

/// What a placeholder reference stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Placeholder<'a> {
    /// An occurrence of a group, with the spec name it carries, if any.
    Group(GroupId, Option<&'a str>),
    /// The root occurrence of an operation's body or response ([`Hoisted::roots`]).
    Root(GroupId, RootId),
}

/// The root occurrence `r` of group `g`: `#<g>@<r>`.
fn root_placeholder(g: GroupId, r: RootId) -> String {
    format!("#{g}@{r}")
}

/// Parses a placeholder reference.
pub(super) fn placeholder_of(name: &str) -> Option<Placeholder<'_>> {
    let rest = name.strip_prefix('#')?;
    if let Some((g, r)) = rest.split_once('@') {
        return Some(Placeholder::Root(g.parse().ok()?, r.parse().ok()?));
    }
    match rest.split_once(':') {
        Some((g, own)) => Some(Placeholder::Group(g.parse().ok()?, Some(own))),
        None => Some(Placeholder::Group(rest.parse().ok()?, None)),
    }
}

pub(super) type RootId = usize;

/// The body or a response of one operation whose type is (an array of) an inline object that
/// carries no spec name. When the shape ends up named after another operation (its request
/// model or its id), this operation refers to it by one of its own names instead, so that no
/// method returns a type named after a different operation.
#[derive(Debug)]
pub(super) struct Root {
    pub group: GroupId,
    /// Index of the operation.
    pub op: usize,
    /// The names this operation offers the shape, best first ((b), then (c)).
    pub names: Vec<String>,
}

/// Where a shape is used. Objects of different contexts are never merged (request types
/// serialise strictly, response types decode leniently); enums are shared by all contexts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Context {
    Request,
    Response,
    /// Inside a type that was already named in the input (OpenAPI component schemas).
    Schema,
}

/// A type with inline shapes replaced by their ids: the structural identity of a type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum KTy {
    Scalar(Scalar),
    Any,
    Array(Box<KTy>),
    Map(Box<KTy>),
    Shape(ShapeId),
    Ref(String),
    OneOf(Vec<KTy>),
}

/// Everything about a field that makes two objects different types. Descriptions and defaults
/// count: the generated docs and constructors carry them, so merging two shapes that differ
/// only there would give one page's text to another page's type. Extensions and spans do not
/// count.
#[derive(Debug, PartialEq, Eq, Hash)]
struct FieldKey {
    name: String,
    ty: KTy,
    required: bool,
    nullable: bool,
    read_only: bool,
    write_only: bool,
    description: Option<String>,
    /// The default as JSON text (`serde_json::Value` is not `Hash`).
    default: Option<String>,
    /// `""` is a documented value of the field's enum.
    blank: bool,
    /// The validation constraints, as their debug text (documented with the field).
    constraints: String,
}

#[derive(Debug, PartialEq, Eq, Hash)]
enum ShapeKey {
    Object {
        context: Context,
        description: Option<String>,
        fields: Vec<FieldKey>,
        additional: Option<KTy>,
    },
    Enum {
        description: Option<String>,
        values: Vec<EnumValue>,
    },
}

/// One distinct structure.
#[derive(Debug)]
pub(super) struct Shape {
    /// Inline shapes directly inside this one, with the name suffix each gets from its field
    /// (`Restoration` for `restorations: array of objects`, `StateEnum` for an enum `state`).
    pub children: Vec<(ShapeId, String)>,
}

/// How good a name is; the derived order is the ranking (best last).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Priority {
    /// A name made unique by a prefix or a number after losing a collision.
    Qualified,
    /// (c) made up from the operation: `<OperationId>Response`, `<OperationId><Param>Enum`.
    Synthesized,
    /// The words all operations that use a shape have in common (`History` for the history
    /// of customers, invoices and users): below an owner's name, above any one operation's.
    Common,
    /// `<Owner><Field>`: derived from the name of the type that contains it. Better than (c):
    /// the owner's name usually comes from the spec.
    Nested,
    /// (b) the request model name of the same operation without `Patched`/`Request`.
    Derived,
    /// (a) a name the spec gives: `name_hint`, a request `model_name`.
    Authoritative,
}

/// Name candidates of a group, best first: highest priority, then lexical order.
pub(super) type Candidates = BTreeSet<(Reverse<Priority>, String)>;

/// The first occurrence of a group, kept to build the type definition from. Its nested inline
/// types are placeholders of groups of the same scope.
#[derive(Debug)]
pub(super) enum Rep {
    Object(ObjectTy),
    Enum(EnumTy),
}

#[derive(Debug)]
pub(super) struct Group {
    pub scope: ScopeId,
    pub shape: ShapeId,
    /// Creation index within the scope: depends only on the scope's own content.
    pub order: usize,
    /// Index of the operation of the first occurrence (`None` inside named types).
    pub first_op: Option<usize>,
    pub first_span: Span,
    /// Candidates that do not depend on another type's name (`<Owner><Field>` names are formed
    /// during naming); empty for a shape that is only ever nested inside other inline shapes.
    pub candidates: Candidates,
    /// The candidates that belong to one operation: synthesized names of roots
    /// (`<OperationId>Response`) and names derived from the request model of an action.
    pub op_specific: BTreeSet<String>,
    /// Derived names that a create or update offered: they name the resource, even when an
    /// action's model has the same name.
    pub resource_names: BTreeSet<String>,
    /// Derived names offered by an operation on an action's path: they may name a resource
    /// (`PUT /api/x/{uuid}/yaml/` with `XRequest`), but not what a small shape several
    /// operations share is (`{detail}`).
    pub on_action_path: BTreeSet<String>,
    pub rep: Option<Rep>,
}

/// A naming scope: one page (operations sharing a file and a tag), or the named input types.
#[derive(Debug)]
pub(super) struct Scope {
    /// Ordering key between scopes: `(tag, file)`; the named-types scope sorts first.
    pub key: (String, String),
    /// Prefix that qualifies a name lost in a collision (`OpenstackVolumes`); empty for the
    /// named-types scope.
    pub qualifier: String,
    groups: usize,
}

/// The result of stage 1.
#[derive(Debug, Default)]
pub(super) struct Hoisted {
    pub shapes: Vec<Shape>,
    pub groups: Vec<Group>,
    pub scopes: Vec<Scope>,
    pub group_index: HashMap<(ScopeId, ShapeId), GroupId>,
    /// Upper-camel operation ids, by operation index (for qualifying names).
    pub op_names: Vec<String>,
    /// Operation ids as the input spells them, by operation index.
    pub op_ids: Vec<String>,
    /// The resource each operation acts on, by operation index: its path's collection in the
    /// singular, upper camel case, with every segment that leads to it
    /// (`/api/aws-images/{uuid}/` is `AwsImage`, `/api/admin/arrow/billing-syncs/` is
    /// `AdminArrowBillingSync`); see [`item_resource_of_path`].
    pub op_resources: Vec<Option<String>>,
    /// The action each operation performs, by operation index: its path's segments after the
    /// last parameter, upper camel case (`/api/customers/{uuid}/history/at/` is `HistoryAt`);
    /// `None` for a path that ends in a parameter or has none.
    pub op_actions: Vec<Option<String>>,
    /// For each shape several operations share that was offered a name saying what it is
    /// (`shared.rs`): the other such names, best first, for when it loses that one in a
    /// collision (`UserToken`, the words `users_token_retrieve` and `users_refresh_token` share,
    /// after the resource `User`).
    pub neutral_alternatives: BTreeMap<ShapeId, Vec<String>>,
    /// Root occurrences in operations that may need a name of their own operation.
    pub roots: Vec<Root>,
    /// The operations whose types hold each shape, at any depth (a shape nested in another
    /// counts for every operation the outer one occurs in).
    pub op_reach: BTreeMap<ShapeId, BTreeSet<usize>>,
    shape_index: HashMap<ShapeKey, ShapeId>,
    shape_is_enum: Vec<bool>,
    scope_index: HashMap<(String, String), ScopeId>,
}

/// Where the walker is: what an occurrence found there belongs to.
#[derive(Clone, Copy)]
struct Site<'a> {
    context: Context,
    scope: ScopeId,
    op: Option<usize>,
    span: &'a Span,
}

/// How a root position names shapes inside arrays.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ArrayNaming {
    /// The item of `restorations` is a `Restoration`.
    Singular,
    /// The item of an array alias `Foo` is a `FooItem`.
    Item,
}

/// Names a root position offers to the shapes found in it.
struct RootNames<'a> {
    base: String,
    /// (b) for objects reached directly or through arrays.
    derived: Option<&'a str>,
    /// Whether the (b) name belongs to its operation alone: the request model of an action
    /// (`SetErredRequest` of `POST /api/x/{uuid}/set_erred/`) names what that action returns,
    /// while the model of a create or update (`OpenStackVolumeRequest`) names the resource.
    derived_is_specific: bool,
    /// Whether the operation's path is that of an action (see [`is_action_path`]), even if its
    /// model names a resource.
    on_action_path: bool,
    arrays: ArrayNaming,
}

impl<'a> RootNames<'a> {
    fn base(base: String) -> RootNames<'a> {
        RootNames {
            base,
            derived: None,
            derived_is_specific: false,
            on_action_path: false,
            arrays: ArrayNaming::Singular,
        }
    }
}

/// Runs stage 1 over the operations and the named types of `api`.
pub(super) fn hoist(api: &mut Api) -> Hoisted {
    let mut h = Hoisted::default();
    let types_scope = h.scope(None);
    let mut op_names = Vec::with_capacity(api.operations.len());
    let mut op_resources = Vec::with_capacity(api.operations.len());
    let mut op_actions = Vec::with_capacity(api.operations.len());
    let op_ids = api
        .operations
        .iter()
        .map(|op| op.operation_id.clone())
        .collect();
    let paths: BTreeSet<String> = api.operations.iter().map(|op| op.path.clone()).collect();
    // The collections of the API, lower case: a model an action takes that is named like one
    // (`CustomerCreditRequest` of `/api/customer-credits/{uuid}/apply_compensations/`,
    // `VmwareDiskRequest` of `/api/vmware-virtual-machine/{uuid}/create_disk/` beside
    // `/api/vmware-disks/`) names that resource, not the action.
    let collections: BTreeSet<String> = paths
        .iter()
        .filter_map(|path| resource_of_path(path))
        .map(|r| r.to_ascii_lowercase())
        .collect();
    for (op_index, op) in api.operations.iter_mut().enumerate() {
        op_resources.push(item_resource_of_path(&op.path, &paths));
        op_actions.push(action_of_path(&op.path));
        let scope = h.scope(Some((&op.tag, &op.span.file)));
        let op_name = type_name(&op.operation_id).unwrap_or_else(|| "Operation".to_string());
        let request = |span| Site {
            context: Context::Request,
            scope,
            op: Some(op_index),
            span,
        };
        let response = |span| Site {
            context: Context::Response,
            scope,
            op: Some(op_index),
            span,
        };

        for param in &mut op.params {
            let key = h.key_of(&mut param.ty, request(&param.span));
            let base = format!("{op_name}{}", camel_part(&param.name));
            h.name_root(&key, scope, &RootNames::base(base));
        }
        let mut model_name = None;
        if let Some(body) = &mut op.body {
            model_name = body.model_name.clone();
            if let Some(model) = &model_name {
                hint_body(&mut body.ty, model);
            }
            let key = h.key_of(&mut body.ty, request(&body.span));
            let root = h.name_root(&key, scope, &RootNames::base(format!("{op_name}Request")));
            h.mark_root(&mut body.ty, root, op_index);
        }
        let derived = model_name.as_deref().and_then(response_name_from_request);
        let is_action = names_action(op.method, &op.path, &paths)
            && !derived
                .as_deref()
                .is_some_and(|d| collections.contains(&d.to_ascii_lowercase()));
        let first_success = op.responses.iter().position(|r| is_success(r.status));
        for (i, resp) in op.responses.iter_mut().enumerate() {
            let base = match resp.status {
                _ if Some(i) == first_success => format!("{op_name}Response"),
                0 => format!("{op_name}DefaultResponse"),
                status => format!("{op_name}{status}Response"),
            };
            if let ResponseBody::Json { ty } | ResponseBody::NdJson { ty } = &mut resp.body {
                let key = h.key_of(ty, response(&resp.span));
                let derived = derived.as_deref().filter(|_| is_success(resp.status));
                let root = h.name_root(
                    &key,
                    scope,
                    &RootNames {
                        derived,
                        derived_is_specific: is_action,
                        on_action_path: is_action_path(&op.path),
                        ..RootNames::base(base)
                    },
                );
                h.mark_root(ty, root, op_index);
            }
            for (header, ty) in &mut resp.headers {
                let key = h.key_of(ty, response(&resp.span));
                let base = format!("{op_name}{}Header", camel_part(header));
                h.name_root(&key, scope, &RootNames::base(base));
            }
        }
        op_names.push(op_name);
    }
    h.op_names = op_names;
    h.op_ids = op_ids;
    h.op_resources = op_resources;
    h.op_actions = op_actions;

    let no_span = Span::default();
    for (owner, def) in api.types.iter_mut() {
        let site = |span| Site {
            context: Context::Schema,
            scope: types_scope,
            op: None,
            span,
        };
        match def {
            TypeDef::Object(object) => {
                for Field { name, ty, span, .. } in &mut object.fields {
                    let key = h.key_of(ty, site(span));
                    h.name_root(&key, types_scope, &RootNames::base(field_base(owner, name)));
                }
                if let Some(additional) = &mut object.additional {
                    let key = h.key_of(additional, site(&no_span));
                    h.name_root(&key, types_scope, &RootNames::base(format!("{owner}Value")));
                }
            }
            TypeDef::Alias { ty, .. } => {
                let key = h.key_of(ty, site(&no_span));
                let names = RootNames {
                    arrays: ArrayNaming::Item,
                    ..RootNames::base(owner.clone())
                };
                h.name_root(&key, types_scope, &names);
            }
            TypeDef::Enum(_) => {}
        }
    }
    h
}

/// A request `model_name` is the spec name of the body object (or of the array's items): make
/// it the object's hint when the front end did not.
fn hint_body(ty: &mut Ty, model: &str) {
    match ty {
        Ty::Array { items } => hint_body(items, model),
        Ty::Object { object } if object.name_hint.is_none() => {
            object.name_hint = Some(model.to_string());
        }
        _ => {}
    }
}

/// Whether an operation performs an action, whose request model names what it does rather than
/// a resource: a `PUT` or `PATCH` updates what its path names, a path with items in `paths`
/// (`/api/matrix/rooms/` beside `/api/matrix/rooms/{uuid}/`) is a collection; otherwise
/// [`is_action_path`].
fn names_action(method: Method, path: &str, paths: &BTreeSet<String>) -> bool {
    if matches!(method, Method::Put | Method::Patch) {
        return false;
    }
    let has_items = paths
        .range(path.to_string()..)
        .take_while(|p| p.starts_with(path))
        .any(|p| p[path.len()..].starts_with('{'));
    !has_items && is_action_path(path)
}

/// Whether a path names an action on an item: a literal segment after a path parameter
/// (`/api/x/{uuid}/set_erred/`), as opposed to a collection (`/api/x/`) or an item
/// (`/api/x/{uuid}/`).
/// An action: segments after the last parameter (`/api/volumes/{uuid}/extend/`), or, without
/// a parameter, more than the collection after `/api/` (`/api/invoice/send-report/`). A
/// create or update acts on the collection or the item itself.
pub(crate) fn is_action_path(path: &str) -> bool {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segments.iter().rposition(|s| s.starts_with('{')) {
        Some(last_param) => last_param + 1 < segments.len(),
        None => {
            let after_api = segments
                .iter()
                .position(|s| *s == "api")
                .map_or(0, |i| i + 1);
            segments.len() > after_api + 1
        }
    }
}

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// `<Owner><Field>`; a field whose name has no letters or digits (`*`) gives `<Owner>Value`.
fn field_base(owner: &str, field: &str) -> String {
    let part = camel_part(field);
    if part.is_empty() {
        format!("{owner}Value")
    } else {
        nested_name(owner, &part)
    }
}

/// `<Owner><Suffix>`, the name of a shape nested in `owner` under the field that gives `suffix`,
/// without saying twice the words the owner ends with and the suffix starts with (the
/// `job_type` of a `CoiDetectionJob` is a `CoiDetectionJobTypeEnum`, the item of the
/// `components` of `XComponents` an `XComponent`), unless that would give the owner's own name.
pub(super) fn nested_name(owner: &str, suffix: &str) -> String {
    let joined = join_words(owner, suffix);
    if joined.eq_ignore_ascii_case(owner) {
        format!("{owner}{suffix}")
    } else {
        joined
    }
}

impl Hoisted {
    /// The scope of a page (`Some((tag, file))`) or of the named types (`None`).
    fn scope(&mut self, page: Option<(&str, &str)>) -> ScopeId {
        let (key, qualifier) = match page {
            // The named-types scope sorts before every page ("" < any tag, `\0` < any file).
            None => ((String::new(), "\0".to_string()), String::new()),
            // A tag that repeats itself (`proposal-proposals`) qualifies by its words said once.
            Some((tag, file)) => (
                (tag.to_string(), file.to_string()),
                collapse_repeats(&camel_part(tag)),
            ),
        };
        if let Some(&id) = self.scope_index.get(&key) {
            return id;
        }
        let id = self.scopes.len();
        self.scope_index.insert(key.clone(), id);
        self.scopes.push(Scope {
            key,
            qualifier,
            groups: 0,
        });
        id
    }

    /// Hoists the inline shapes inside `ty` (bottom-up) and returns its structural key.
    fn key_of(&mut self, ty: &mut Ty, site: Site<'_>) -> KTy {
        match ty {
            Ty::Scalar { scalar } => KTy::Scalar(scalar.clone()),
            Ty::Any => KTy::Any,
            Ty::Array { items } => KTy::Array(Box::new(self.key_of(items, site))),
            Ty::Map { values } => KTy::Map(Box::new(self.key_of(values, site))),
            Ty::OneOf { variants } => {
                KTy::OneOf(variants.iter_mut().map(|v| self.key_of(v, site)).collect())
            }
            Ty::Ref { name } => KTy::Ref(name.clone()),
            Ty::Object { object } => {
                let mut object = std::mem::take(&mut **object);
                let mut fields = Vec::with_capacity(object.fields.len());
                for field in &mut object.fields {
                    let ty = self.key_of(
                        &mut field.ty,
                        Site {
                            span: &field.span,
                            ..site
                        },
                    );
                    fields.push(FieldKey {
                        name: field.name.clone(),
                        ty,
                        required: field.required,
                        nullable: field.nullable,
                        read_only: field.read_only,
                        write_only: field.write_only,
                        description: field.description.clone(),
                        default: field.default.as_ref().map(|d| d.to_string()),
                        blank: field.blank,
                        constraints: if field.constraints.is_empty() {
                            String::new()
                        } else {
                            format!("{:?}", field.constraints)
                        },
                    });
                }
                let additional = object
                    .additional
                    .as_deref_mut()
                    .map(|a| self.key_of(a, site));
                let key = ShapeKey::Object {
                    context: site.context,
                    description: object.description.clone(),
                    fields,
                    additional,
                };
                let hint = object.name_hint.as_deref().and_then(type_name);
                let g = self.occurrence(key, Rep::Object(object), hint.clone(), site);
                *ty = placeholder(g, hint.as_deref());
                KTy::Shape(self.groups[g].shape)
            }
            Ty::Enum { def } => {
                let def = std::mem::take(&mut **def);
                let key = ShapeKey::Enum {
                    description: def.description.clone(),
                    values: def.values.clone(),
                };
                let hint = def.name_hint.as_deref().and_then(type_name);
                let g = self.occurrence(key, Rep::Enum(def), hint.clone(), site);
                *ty = placeholder(g, hint.as_deref());
                KTy::Shape(self.groups[g].shape)
            }
        }
    }

    /// Records one inline occurrence: interns its shape, finds or creates its group.
    fn occurrence(
        &mut self,
        key: ShapeKey,
        rep: Rep,
        hint: Option<String>,
        site: Site<'_>,
    ) -> GroupId {
        let shape = self.intern(key);
        if let Some(op) = site.op {
            self.op_reach.entry(shape).or_default().insert(op);
        }
        let g = match self.group_index.entry((site.scope, shape)) {
            Entry::Occupied(e) => *e.get(),
            Entry::Vacant(e) => {
                let g = self.groups.len();
                e.insert(g);
                let scope = &mut self.scopes[site.scope];
                self.groups.push(Group {
                    scope: site.scope,
                    shape,
                    order: scope.groups,
                    first_op: site.op,
                    first_span: site.span.clone(),
                    candidates: Candidates::new(),
                    op_specific: BTreeSet::new(),
                    resource_names: BTreeSet::new(),
                    on_action_path: BTreeSet::new(),
                    rep: Some(rep),
                });
                scope.groups += 1;
                g
            }
        };
        if let Some(name) = hint {
            self.groups[g]
                .candidates
                .insert((Reverse(Priority::Authoritative), name));
        }
        g
    }

    fn intern(&mut self, key: ShapeKey) -> ShapeId {
        if let Some(&id) = self.shape_index.get(&key) {
            return id;
        }
        let id = self.shapes.len();
        let mut children = Vec::new();
        let is_enum = match &key {
            ShapeKey::Enum { .. } => true,
            ShapeKey::Object {
                fields, additional, ..
            } => {
                for field in fields {
                    let part = camel_part(&field.name);
                    let base = if part.is_empty() {
                        "Value".to_string()
                    } else {
                        part
                    };
                    self.child_links(&field.ty, base, false, &mut children);
                }
                if let Some(additional) = additional {
                    self.child_links(additional, "Value".to_string(), false, &mut children);
                }
                false
            }
        };
        self.shapes.push(Shape { children });
        self.shape_is_enum.push(is_enum);
        self.shape_index.insert(key, id);
        id
    }

    /// The inline shapes inside a field type, with the suffix each is named by.
    fn child_links(
        &self,
        ty: &KTy,
        base: String,
        in_array: bool,
        out: &mut Vec<(ShapeId, String)>,
    ) {
        match ty {
            KTy::Array(items) => self.child_links(items, base, true, out),
            KTy::Map(values) => self.child_links(values, format!("{base}Value"), false, out),
            KTy::OneOf(variants) => {
                for (i, v) in variants.iter().enumerate() {
                    self.child_links(v, format!("{base}Variant{}", i + 1), in_array, out);
                }
            }
            &KTy::Shape(id) => {
                let suffix = match (
                    self.shape_is_enum.get(id).copied().unwrap_or(false),
                    in_array,
                ) {
                    (true, _) => format!("{base}Enum"),
                    (false, true) => singular(&base),
                    (false, false) => base,
                };
                out.push((id, suffix));
            }
            KTy::Scalar(_) | KTy::Any | KTy::Ref(_) => {}
        }
    }

    /// Offers the names of a root position to the shapes found in it (through arrays, maps and
    /// one-ofs, not inside other shapes: those are named after their owner). Returns the object
    /// at the root (through arrays) with the names offered to it, best first.
    fn name_root(
        &mut self,
        key: &KTy,
        scope: ScopeId,
        names: &RootNames<'_>,
    ) -> Option<(GroupId, Vec<String>)> {
        self.name_root_at(key, scope, names, &names.base, false, true)
    }

    fn name_root_at(
        &mut self,
        key: &KTy,
        scope: ScopeId,
        names: &RootNames<'_>,
        base: &str,
        in_array: bool,
        model: bool,
    ) -> Option<(GroupId, Vec<String>)> {
        match key {
            KTy::Array(items) => match names.arrays {
                ArrayNaming::Singular => self.name_root_at(items, scope, names, base, true, model),
                ArrayNaming::Item => {
                    let base = format!("{base}Item");
                    self.name_root_at(items, scope, names, &base, false, model)
                }
            },
            KTy::Map(values) => {
                self.name_root_at(values, scope, names, &format!("{base}Value"), false, false);
                None
            }
            KTy::OneOf(variants) => {
                for (i, v) in variants.iter().enumerate() {
                    let base = format!("{base}Variant{}", i + 1);
                    self.name_root_at(v, scope, names, &base, in_array, false);
                }
                None
            }
            &KTy::Shape(shape) => {
                let &g = self.group_index.get(&(scope, shape))?;
                let is_enum = self.shape_is_enum.get(shape).copied().unwrap_or(false);
                let group = &mut self.groups[g];
                let synthesized = match (is_enum, in_array) {
                    (true, _) => format!("{base}Enum"),
                    (false, true) => singular(base),
                    (false, false) => base.to_string(),
                };
                group
                    .candidates
                    .insert((Reverse(Priority::Synthesized), synthesized.clone()));
                if is_enum || !model {
                    return None;
                }
                group.op_specific.insert(synthesized.clone());
                let mut own = Vec::new();
                if let Some(name) = names.derived.and_then(type_name) {
                    group
                        .candidates
                        .insert((Reverse(Priority::Derived), name.clone()));
                    if names.derived_is_specific {
                        group.op_specific.insert(name.clone());
                    } else {
                        group.resource_names.insert(name.clone());
                    }
                    if names.on_action_path {
                        group.on_action_path.insert(name.clone());
                    }
                    own.push(name);
                }
                own.push(synthesized);
                Some((g, own))
            }
            KTy::Scalar(_) | KTy::Any | KTy::Ref(_) => None,
        }
    }

    /// Records the root occurrence of an operation's body or response: the placeholder at the
    /// root of `ty` (through arrays) becomes a [`Placeholder::Root`], unless the occurrence
    /// carries a spec name of its own (which it keeps).
    fn mark_root(&mut self, ty: &mut Ty, root: Option<(GroupId, Vec<String>)>, op: usize) {
        let Some((group, names)) = root else { return };
        let mut at = ty;
        while let Ty::Array { items } = at {
            at = items;
        }
        let Ty::Ref { name } = at else { return };
        if placeholder_of(name) != Some(Placeholder::Group(group, None)) {
            return;
        }
        let r = self.roots.len();
        *name = root_placeholder(group, r);
        self.roots.push(Root { group, names, op });
    }
}

/// The collection an API path acts on, in the singular and upper camel case: the first
/// segment after `/api/` that is not a parameter (`/api/marketplace-orders/{uuid}/approve/`
/// is `MarketplaceOrder`).
pub(super) fn resource_of_path(path: &str) -> Option<String> {
    let rest = path.trim_start_matches('/');
    let rest = rest.strip_prefix("api/").unwrap_or(rest);
    let segment = rest
        .split('/')
        .find(|s| !s.is_empty() && !s.starts_with('{'))?;
    let singular = if let Some(stem) = segment.strip_suffix("ies") {
        format!("{stem}y")
    } else if segment.ends_with("sses")
        || segment.ends_with("xes")
        || segment.ends_with("ches")
        || segment.ends_with("shes")
    {
        segment[..segment.len() - 2].to_string()
    } else if let Some(stem) = segment.strip_suffix('s').filter(|s| !s.ends_with('s')) {
        stem.to_string()
    } else {
        segment.to_string()
    };
    type_name(&singular)
}

/// The resource a path acts on, named by every segment that leads to it: the segments before
/// its first parameter (`/api/admin/arrow/billing-syncs/{uuid}/` is `AdminArrowBillingSync`),
/// or, for a path without one, the longest part of it that is a collection with items in
/// `paths` (`/api/admin/arrow/billing-syncs/pending_records/` is `AdminArrowBillingSync` too),
/// else its first segment ([`resource_of_path`]). Only the last segment is put in the singular.
/// The first segment alone would make every collection under `/api/admin/` an `Admin`.
pub(super) fn item_resource_of_path(path: &str, paths: &BTreeSet<String>) -> Option<String> {
    let rest = path.trim_start_matches('/');
    let rest = rest.strip_prefix("api/").unwrap_or(rest);
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let literal = match segments.iter().position(|s| s.starts_with('{')) {
        Some(first_param) => first_param,
        None => (1..=segments.len())
            .rev()
            .find(|&n| {
                let collection = format!(
                    "{}{}/",
                    &path[..path.len() - rest.len()],
                    segments[..n].join("/")
                );
                paths
                    .range(collection.clone()..)
                    .take_while(|p| p.starts_with(&collection))
                    .any(|p| p[collection.len()..].starts_with('{'))
            })
            .unwrap_or(1),
    };
    // Words said twice (`/api/proposal-proposals/`) are said once.
    if literal <= 1 {
        return resource_of_path(path).map(|r| collapse_repeats(&r));
    }
    let last = resource_of_path(segments[literal - 1])?;
    let lead: String = segments[..literal - 1]
        .iter()
        .map(|s| camel_part(s))
        .collect();
    type_name(&collapse_repeats(&format!("{lead}{last}")))
}

/// The segments of a path after its last parameter, upper camel case: the action of an action
/// path (`/api/customers/{uuid}/history/at/` is `HistoryAt`).
pub(super) fn action_of_path(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let last_param = segments.iter().rposition(|s| s.starts_with('{'))?;
    let action: String = segments[last_param + 1..]
        .iter()
        .map(|s| camel_part(s))
        .collect();
    type_name(&action)
}
