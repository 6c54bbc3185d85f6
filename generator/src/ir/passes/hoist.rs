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
use std::collections::{BTreeSet, HashMap};

use super::names::{camel_part, response_name_from_request, singular, type_name};
use crate::ir::{Api, EnumTy, EnumValue, Field, ObjectTy, ResponseBody, Scalar, Span, Ty, TypeDef};

pub(super) type ShapeId = usize;
pub(super) type GroupId = usize;
pub(super) type ScopeId = usize;

/// The reference that stands for group `g` until names are assigned. `#` cannot start a type
/// name, and every pre-existing reference was checked to resolve before hoisting.
pub(super) fn placeholder(g: GroupId) -> Ty {
    Ty::Ref {
        name: format!("#{g}"),
    }
}

/// The group a placeholder reference stands for.
pub(super) fn placeholder_group(name: &str) -> Option<GroupId> {
    name.strip_prefix('#')?.parse().ok()
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

/// Everything about a field that makes two objects different types. Descriptions, defaults,
/// extensions and spans do not count.
#[derive(Debug, PartialEq, Eq, Hash)]
struct FieldKey {
    name: String,
    ty: KTy,
    required: bool,
    nullable: bool,
    read_only: bool,
    write_only: bool,
}

#[derive(Debug, PartialEq, Eq, Hash)]
enum ShapeKey {
    Object {
        context: Context,
        fields: Vec<FieldKey>,
        additional: Option<KTy>,
    },
    Enum(Vec<EnumValue>),
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
    /// `<Owner><Field>`: derived from the name of the type that contains it.
    Nested,
    /// (c) made up from the operation: `<OperationId>Response`, `<OperationId><Param>Enum`.
    Synthesized,
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
    /// Candidates that do not depend on another type's name; empty for a shape that is only
    /// ever nested inside other inline shapes of this scope.
    pub candidates: Candidates,
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
    /// (a) for objects reached directly or through arrays (the request `model_name`).
    authoritative: Option<&'a str>,
    arrays: ArrayNaming,
}

impl<'a> RootNames<'a> {
    fn base(base: String) -> RootNames<'a> {
        RootNames {
            base,
            derived: None,
            authoritative: None,
            arrays: ArrayNaming::Singular,
        }
    }
}

/// Runs stage 1 over the operations and the named types of `api`.
pub(super) fn hoist(api: &mut Api) -> Hoisted {
    let mut h = Hoisted::default();
    let types_scope = h.scope(None);
    let mut op_names = Vec::with_capacity(api.operations.len());
    for (op_index, op) in api.operations.iter_mut().enumerate() {
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
            let key = h.key_of(&mut body.ty, request(&body.span));
            let names = RootNames {
                authoritative: model_name.as_deref(),
                ..RootNames::base(format!("{op_name}Request"))
            };
            h.name_root(&key, scope, &names);
        }
        let derived = model_name.as_deref().and_then(response_name_from_request);
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
                h.name_root(
                    &key,
                    scope,
                    &RootNames {
                        derived,
                        ..RootNames::base(base)
                    },
                );
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

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// `<Owner><Field>`; a field whose name has no letters or digits (`*`) gives `<Owner>Value`.
fn field_base(owner: &str, field: &str) -> String {
    let part = camel_part(field);
    if part.is_empty() {
        format!("{owner}Value")
    } else {
        format!("{owner}{part}")
    }
}

impl Hoisted {
    /// The scope of a page (`Some((tag, file))`) or of the named types (`None`).
    fn scope(&mut self, page: Option<(&str, &str)>) -> ScopeId {
        let (key, qualifier) = match page {
            // The named-types scope sorts before every page ("" < any tag, `\0` < any file).
            None => ((String::new(), "\0".to_string()), String::new()),
            Some((tag, file)) => ((tag.to_string(), file.to_string()), camel_part(tag)),
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
                    });
                }
                let additional = object
                    .additional
                    .as_deref_mut()
                    .map(|a| self.key_of(a, site));
                let key = ShapeKey::Object {
                    context: site.context,
                    fields,
                    additional,
                };
                let hint = object.name_hint.clone();
                let g = self.occurrence(key, Rep::Object(object), hint.as_deref(), site);
                *ty = placeholder(g);
                KTy::Shape(self.groups[g].shape)
            }
            Ty::Enum { def } => {
                let def = std::mem::take(&mut **def);
                let key = ShapeKey::Enum(def.values.clone());
                let hint = def.name_hint.clone();
                let g = self.occurrence(key, Rep::Enum(def), hint.as_deref(), site);
                *ty = placeholder(g);
                KTy::Shape(self.groups[g].shape)
            }
        }
    }

    /// Records one inline occurrence: interns its shape, finds or creates its group.
    fn occurrence(
        &mut self,
        key: ShapeKey,
        rep: Rep,
        hint: Option<&str>,
        site: Site<'_>,
    ) -> GroupId {
        let shape = self.intern(key);
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
                    rep: Some(rep),
                });
                scope.groups += 1;
                g
            }
        };
        if let Some(name) = hint.and_then(type_name) {
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
            ShapeKey::Enum(_) => true,
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
    /// one-ofs, not inside other shapes: those are named after their owner).
    fn name_root(&mut self, key: &KTy, scope: ScopeId, names: &RootNames<'_>) {
        self.name_root_at(key, scope, names, &names.base, false, true);
    }

    fn name_root_at(
        &mut self,
        key: &KTy,
        scope: ScopeId,
        names: &RootNames<'_>,
        base: &str,
        in_array: bool,
        model: bool,
    ) {
        match key {
            KTy::Array(items) => match names.arrays {
                ArrayNaming::Singular => self.name_root_at(items, scope, names, base, true, model),
                ArrayNaming::Item => {
                    let base = format!("{base}Item");
                    self.name_root_at(items, scope, names, &base, false, model)
                }
            },
            KTy::Map(values) => {
                self.name_root_at(values, scope, names, &format!("{base}Value"), false, false)
            }
            KTy::OneOf(variants) => {
                for (i, v) in variants.iter().enumerate() {
                    let base = format!("{base}Variant{}", i + 1);
                    self.name_root_at(v, scope, names, &base, in_array, false);
                }
            }
            &KTy::Shape(shape) => {
                let Some(&g) = self.group_index.get(&(scope, shape)) else {
                    return;
                };
                let is_enum = self.shape_is_enum.get(shape).copied().unwrap_or(false);
                let candidates = &mut self.groups[g].candidates;
                let synthesized = match (is_enum, in_array) {
                    (true, _) => format!("{base}Enum"),
                    (false, true) => singular(base),
                    (false, false) => base.to_string(),
                };
                candidates.insert((Reverse(Priority::Synthesized), synthesized));
                if is_enum || !model {
                    return;
                }
                if let Some(name) = names.derived.and_then(type_name) {
                    candidates.insert((Reverse(Priority::Derived), name));
                }
                if let Some(name) = names.authoritative.and_then(type_name) {
                    candidates.insert((Reverse(Priority::Authoritative), name));
                }
            }
            KTy::Scalar(_) | KTy::Any | KTy::Ref(_) => {}
        }
    }
}
