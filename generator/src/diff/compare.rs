//! Matching operations by `(method, path)` and comparing each matched pair.
//!
//! Operations are matched by `(method, path)` first. An operation left over on each side whose
//! paths differ only in the names of their parameters (`/api/x/{id}/` and `/api/x/{uuid}/`),
//! and that no other leftover shares, is the same operation with its path parameters renamed.

use std::collections::{BTreeMap, BTreeSet};

use super::ChangeKind as K;
use super::sink::Sink;
use super::types::{
    TypeDiffer, blank_change, compare_constraints, emit, json_change, json_text, render,
    text_change,
};
use super::{
    ApiDiff, Change, FORMAT_VERSION, Location, ModelRename, OperationDiff, OperationStatus,
    RustEffect, SemverBump, SideInfo, Summary, WireEffect,
};
use crate::ir::{
    Api, ArrayStyle, BodyMedia, Method, Operation, Param, ParamLocation, RequestBody, Response,
    ResponseBody, Ty,
};

/// `(method, path, n)`: the n-th operation with that method and path on its side (n is 0
/// unless a spec defines the same operation twice, which is then compared in order).
type OpKey<'a> = (Method, &'a str, usize);

fn index(api: &Api) -> BTreeMap<OpKey<'_>, &Operation> {
    let mut seen: BTreeMap<(Method, &str), usize> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for op in &api.operations {
        let n = seen.entry((op.method, op.path.as_str())).or_insert(0);
        out.insert((op.method, op.path.as_str(), *n), op);
        *n += 1;
    }
    out
}

/// A path with its parameter names blanked: `/api/x/{}/`.
fn path_shape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_name = false;
    for ch in path.chars() {
        match ch {
            '{' => {
                in_name = true;
                out.push('{');
            }
            '}' => {
                in_name = false;
                out.push('}');
            }
            _ if in_name => {}
            _ => out.push(ch),
        }
    }
    out
}

/// Pairs the operations only one side has by `(method, path shape)`, where the pair is the
/// only one of its shape on both sides: the same operation with renamed path parameters.
fn match_renamed_paths<'a>(
    removed: &[(OpKey<'a>, &'a Operation)],
    added: &[(OpKey<'a>, &'a Operation)],
) -> Vec<(OpKey<'a>, OpKey<'a>)> {
    let by_shape = |ops: &[(OpKey<'a>, &'a Operation)]| {
        let mut m: BTreeMap<(Method, String), Vec<OpKey<'a>>> = BTreeMap::new();
        for (key, op) in ops {
            m.entry((op.method, path_shape(&op.path)))
                .or_default()
                .push(*key);
        }
        m
    };
    let (old, new) = (by_shape(removed), by_shape(added));
    old.iter()
        .filter_map(
            |(shape, keys)| match (keys.as_slice(), new.get(shape)?.as_slice()) {
                ([o], [n]) => Some((*o, *n)),
                _ => None,
            },
        )
        .collect()
}

pub(super) fn diff(old: &Api, new: &Api) -> ApiDiff {
    let old_ops = index(old);
    let new_ops = index(new);
    let mut types = TypeDiffer::new(old, new);
    let mut operations = Vec::new();

    let removed: Vec<(OpKey, &Operation)> = old_ops
        .iter()
        .filter(|(k, _)| !new_ops.contains_key(*k))
        .map(|(k, o)| (*k, *o))
        .collect();
    let added: Vec<(OpKey, &Operation)> = new_ops
        .iter()
        .filter(|(k, _)| !old_ops.contains_key(*k))
        .map(|(k, o)| (*k, *o))
        .collect();
    let renamed = match_renamed_paths(&removed, &added);
    let renamed_old: BTreeMap<OpKey, OpKey> = renamed.iter().copied().collect();
    let renamed_new: BTreeSet<OpKey> = renamed.iter().map(|(_, n)| *n).collect();

    for (key, o) in &old_ops {
        let matched = new_ops
            .get(key)
            .copied()
            .or_else(|| renamed_old.get(key).and_then(|k| new_ops.get(k).copied()));
        let (current, status, changes) = match matched {
            Some(n) => (
                n,
                OperationStatus::Modified,
                compare_operation(&mut types, o, n),
            ),
            None => (
                *o,
                OperationStatus::Removed,
                vec![operation_level(
                    K::OperationRemoved,
                    Some(o.operation_id.clone()),
                    None,
                )],
            ),
        };
        let old_path = (current.path != o.path).then(|| o.path.clone());
        push_operation(&mut operations, current, status, old_path, changes);
    }
    for (key, n) in &new_ops {
        if !old_ops.contains_key(key) && !renamed_new.contains(key) {
            let change = operation_level(K::OperationAdded, None, Some(n.operation_id.clone()));
            push_operation(
                &mut operations,
                n,
                OperationStatus::Added,
                None,
                vec![change],
            );
        }
    }
    operations.sort_by(|a, b| (&a.tag, &a.path, a.method).cmp(&(&b.tag, &b.path, b.method)));
    finish(old, new, operations)
}

fn push_operation(
    out: &mut Vec<OperationDiff>,
    op: &Operation,
    status: OperationStatus,
    old_path: Option<String>,
    changes: Vec<Change>,
) {
    if changes.is_empty() {
        return;
    }
    let wire = changes.iter().map(|c| c.wire).max().unwrap_or_default();
    let rust = changes.iter().map(|c| c.rust).max().unwrap_or_default();
    out.push(OperationDiff {
        method: op.method,
        path: op.path.clone(),
        old_path,
        operation_id: op.operation_id.clone(),
        tag: op.tag.clone(),
        status,
        wire,
        rust,
        feature: None,
        changes,
        rust_items: Vec::new(),
    });
}

fn operation_level(kind: K, old: Option<String>, new: Option<String>) -> Change {
    let mut unused = Vec::new();
    Sink::new(Location::Operation, None, &mut unused).make(kind, None, None, old, new)
}

fn compare_operation<'a>(
    types: &mut TypeDiffer<'a>,
    o: &'a Operation,
    n: &'a Operation,
) -> Vec<Change> {
    let mut out = Vec::new();
    compare_operation_facts(o, n, &mut out);
    let renames = path_renames(&o.path, &n.path);
    for (old, new) in &renames {
        Sink::new(Location::Path, None, &mut out).push(
            K::ParameterRenamed,
            Some((*new).to_owned()),
            None,
            Some((*old).to_owned()),
            Some((*new).to_owned()),
        );
    }
    compare_params(types, &o.params, &n.params, &renames, &mut out);
    compare_bodies(types, o.body.as_ref(), n.body.as_ref(), &mut out);
    compare_responses(types, o, n, &mut out);
    out
}

/// Reports a changed optional text (`None` and empty are the same: no text).
fn compare_text(
    sink: &mut Sink<'_>,
    kind: K,
    name: Option<&str>,
    old: &Option<String>,
    new: &Option<String>,
) {
    if let Some((a, b)) = text_change(old, new) {
        sink.changed(kind, name, a, b);
    }
}

fn compare_operation_facts(o: &Operation, n: &Operation, out: &mut Vec<Change>) {
    let mut sink = Sink::new(Location::Operation, None, out);
    if o.operation_id != n.operation_id {
        sink.changed(
            K::OperationIdChanged,
            None,
            o.operation_id.clone(),
            n.operation_id.clone(),
        );
    }
    if o.tag != n.tag {
        sink.changed(K::TagChanged, None, o.tag.clone(), n.tag.clone());
    }
    if o.deprecated != n.deprecated {
        let kind = if n.deprecated {
            K::Deprecated
        } else {
            K::Undeprecated
        };
        sink.toggled(kind, None);
    }
    compare_text(&mut sink, K::TitleChanged, None, &o.title, &n.title);
    compare_text(
        &mut sink,
        K::DescriptionChanged,
        None,
        &o.description,
        &n.description,
    );
    if o.security != n.security {
        sink.changed(
            K::SecurityChanged,
            None,
            security_text(o.security.as_deref()),
            security_text(n.security.as_deref()),
        );
    }
    compare_extensions(&mut sink, None, &o.extensions, &n.extensions);
}

fn security_text(s: Option<&[String]>) -> String {
    match s {
        None => "unspecified".to_owned(),
        Some([]) => "public".to_owned(),
        Some(names) => names.join(", "),
    }
}

fn compare_extensions(
    sink: &mut Sink<'_>,
    prefix: Option<&str>,
    old: &BTreeMap<String, serde_json::Value>,
    new: &BTreeMap<String, serde_json::Value>,
) {
    let name = |k: &str| Some(prefix.map_or_else(|| k.to_owned(), |p| format!("{p}.{k}")));
    for (k, v) in new {
        match old.get(k) {
            None => sink.push(
                K::ExtensionAdded,
                name(k),
                None,
                None,
                Some(json_text(Some(v))),
            ),
            Some(ov) if ov != v => sink.push(
                K::ExtensionChanged,
                name(k),
                None,
                Some(json_text(Some(ov))),
                Some(json_text(Some(v))),
            ),
            Some(_) => {}
        }
    }
    for (k, v) in old {
        if !new.contains_key(k) {
            sink.push(
                K::ExtensionRemoved,
                name(k),
                None,
                Some(json_text(Some(v))),
                None,
            );
        }
    }
}

fn param_location(l: ParamLocation) -> Location {
    match l {
        ParamLocation::Path => Location::Path,
        ParamLocation::Query => Location::Query,
        ParamLocation::Header => Location::Header,
    }
}

/// `(old, new)` names of the path parameters that differ between two paths of the same shape,
/// in path order.
fn path_renames<'p>(old: &'p str, new: &'p str) -> Vec<(&'p str, &'p str)> {
    if old == new {
        return Vec::new();
    }
    let names = |path: &'p str| -> Vec<&'p str> {
        path.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect()
    };
    names(old)
        .into_iter()
        .zip(names(new))
        .filter(|(a, b)| a != b)
        .collect()
}

fn compare_params<'a>(
    types: &mut TypeDiffer<'a>,
    o: &'a [Param],
    n: &'a [Param],
    renames: &[(&str, &str)],
    out: &mut Vec<Change>,
) {
    // Old path parameters under their new names, so a renamed one is compared, not removed.
    let new_name = |p: &'a Param| -> &'a str {
        match renames.iter().find(|(old, _)| *old == p.name) {
            Some((_, new)) if p.location == ParamLocation::Path => n
                .iter()
                .find(|q| q.location == ParamLocation::Path && q.name == *new)
                .map_or(p.name.as_str(), |q| q.name.as_str()),
            _ => p.name.as_str(),
        }
    };
    let old_by_key: BTreeMap<(ParamLocation, &str), &Param> =
        o.iter().map(|p| ((p.location, new_name(p)), p)).collect();
    let mut seen = BTreeSet::new();
    for pn in n {
        let key = (pn.location, pn.name.as_str());
        let mut sink = Sink::new(param_location(pn.location), None, out);
        match old_by_key.get(&key) {
            Some(po) => {
                seen.insert(key);
                compare_param(types, po, pn, &mut sink);
            }
            None => sink.push(
                K::ParameterAdded,
                Some(pn.name.clone()),
                Some(pn.required),
                None,
                Some(render(&pn.ty)),
            ),
        }
    }
    for po in o {
        if !seen.contains(&(po.location, new_name(po))) {
            Sink::new(param_location(po.location), None, out).push(
                K::ParameterRemoved,
                Some(po.name.clone()),
                Some(po.required),
                Some(render(&po.ty)),
                None,
            );
        }
    }
}

fn compare_param<'a>(
    types: &mut TypeDiffer<'a>,
    po: &'a Param,
    pn: &'a Param,
    sink: &mut Sink<'_>,
) {
    let name = Some(pn.name.as_str());
    if po.required != pn.required {
        let kind = if pn.required {
            K::BecameRequired
        } else {
            K::BecameOptional
        };
        sink.toggled(kind, name);
    }
    compare_text(
        sink,
        K::DescriptionChanged,
        name,
        &po.description,
        &pn.description,
    );
    if let Some((a, b)) = json_change(po.default.as_ref(), pn.default.as_ref()) {
        sink.changed(K::DefaultChanged, name, a, b);
    }
    // The style only matters for arrays; front ends leave the default on other params.
    let arrays = matches!(po.ty, Ty::Array { .. }) && matches!(pn.ty, Ty::Array { .. });
    if arrays && po.style != pn.style {
        sink.changed(
            K::StyleChanged,
            name,
            style_text(po.style),
            style_text(pn.style),
        );
    }
    compare_extensions(sink, name, &po.extensions, &pn.extensions);
    let mut facets = Vec::new();
    blank_change(&pn.name, po.blank, pn.blank, &mut facets);
    let items = types.items_path(&pn.name, &pn.ty);
    compare_constraints(
        &pn.name,
        &items,
        &po.constraints,
        &pn.constraints,
        &mut facets,
    );
    emit(sink, facets);
    emit(sink, types.compare(&pn.name, &po.ty, &pn.ty));
}

fn style_text(s: ArrayStyle) -> String {
    match s {
        ArrayStyle::Repeat => "repeat",
        ArrayStyle::CommaJoined => "comma_joined",
    }
    .to_owned()
}

fn media_text(m: BodyMedia) -> String {
    match m {
        BodyMedia::Json => "application/json",
        BodyMedia::FormUrlEncoded => "application/x-www-form-urlencoded",
        BodyMedia::Multipart => "multipart/form-data",
        BodyMedia::OctetStream => "application/octet-stream",
        BodyMedia::Text => "text/plain",
    }
    .to_owned()
}

/// The body's type, with the spec's model name standing in for an anonymous root object.
fn body_type(b: &RequestBody) -> String {
    match (&b.ty, &b.model_name) {
        (Ty::Object { object }, Some(name)) if object.name_hint.is_none() => name.clone(),
        _ => render(&b.ty),
    }
}

fn compare_bodies<'a>(
    types: &mut TypeDiffer<'a>,
    o: Option<&'a RequestBody>,
    n: Option<&'a RequestBody>,
    out: &mut Vec<Change>,
) {
    let mut sink = Sink::new(Location::RequestBody, None, out);
    let (bo, bn) = match (o, n) {
        (None, None) => return,
        (None, Some(bn)) => {
            sink.push(
                K::BodyAdded,
                None,
                Some(bn.required),
                None,
                Some(body_type(bn)),
            );
            return;
        }
        (Some(bo), None) => {
            sink.push(
                K::BodyRemoved,
                None,
                Some(bo.required),
                Some(body_type(bo)),
                None,
            );
            return;
        }
        (Some(bo), Some(bn)) => (bo, bn),
    };
    if bo.required != bn.required {
        let kind = if bn.required {
            K::BecameRequired
        } else {
            K::BecameOptional
        };
        sink.toggled(kind, None);
    }
    if bo.media != bn.media {
        sink.ctx.old_media_accepted = bn.accepted_media.contains(&bo.media);
        sink.changed(
            K::MediaTypeChanged,
            None,
            media_text(bo.media),
            media_text(bn.media),
        );
        sink.ctx.old_media_accepted = false;
    }
    // An empty list means "unknown" (the Markdown pages do not say), not "none accepted".
    if !bo.accepted_media.is_empty() && !bn.accepted_media.is_empty() {
        for m in bn
            .accepted_media
            .iter()
            .filter(|m| !bo.accepted_media.contains(m))
        {
            sink.push(K::MediaTypeAdded, None, None, None, Some(media_text(*m)));
        }
        for m in bo
            .accepted_media
            .iter()
            .filter(|m| !bn.accepted_media.contains(m))
        {
            sink.push(K::MediaTypeRemoved, None, None, Some(media_text(*m)), None);
        }
    }
    emit(&mut sink, types.compare("", &bo.ty, &bn.ty));
}

/// The response whose body the generated method returns: the first 2xx by status.
fn primary_success(op: &Operation) -> Option<&Response> {
    op.responses
        .iter()
        .filter(|r| (200..300).contains(&r.status))
        .min_by_key(|r| r.status)
}

fn body_kind(b: &ResponseBody) -> &'static str {
    match b {
        ResponseBody::None => "none",
        ResponseBody::Json { .. } => "json",
        ResponseBody::Unknown => "unknown",
        ResponseBody::Text => "text",
        ResponseBody::NdJson { .. } => "ndjson",
        ResponseBody::Binary => "binary",
    }
}

fn body_text(b: &ResponseBody) -> String {
    match b {
        ResponseBody::Json { ty } => format!("json {}", render(ty)),
        ResponseBody::NdJson { ty } => format!("ndjson {}", render(ty)),
        other => body_kind(other).to_owned(),
    }
}

/// Whether two response bodies would give the generated method different return types.
fn bodies_differ<'a>(types: &mut TypeDiffer<'a>, a: &'a ResponseBody, b: &'a ResponseBody) -> bool {
    match (a, b) {
        (ResponseBody::Json { ty: ta }, ResponseBody::Json { ty: tb })
        | (ResponseBody::NdJson { ty: ta }, ResponseBody::NdJson { ty: tb }) => {
            types.differ(ta, tb)
        }
        _ => body_kind(a) != body_kind(b),
    }
}

fn compare_responses<'a>(
    types: &mut TypeDiffer<'a>,
    o: &'a Operation,
    n: &'a Operation,
    out: &mut Vec<Change>,
) {
    let old_primary = primary_success(o).map(|r| r.status);
    let new_primary = primary_success(n);
    let old_by_status: BTreeMap<u16, &Response> =
        o.responses.iter().map(|r| (r.status, r)).collect();
    let new_by_status: BTreeMap<u16, &Response> =
        n.responses.iter().map(|r| (r.status, r)).collect();
    let statuses: BTreeSet<u16> = old_by_status
        .keys()
        .chain(new_by_status.keys())
        .copied()
        .collect();

    for status in statuses {
        let mut sink = Sink::new(Location::Response, Some(status), out);
        match (old_by_status.get(&status), new_by_status.get(&status)) {
            (None, Some(rn)) => {
                sink.push(
                    K::ResponseAdded,
                    None,
                    None,
                    None,
                    Some(body_text(&rn.body)),
                );
            }
            (Some(ro), None) => {
                // The method's return type changes when this was its source and the new
                // source (if any) carries another body.
                sink.ctx.return_type_changed = old_primary == Some(status)
                    && new_primary.is_none_or(|np| bodies_differ(types, &ro.body, &np.body));
                sink.push(
                    K::ResponseRemoved,
                    None,
                    None,
                    Some(body_text(&ro.body)),
                    None,
                );
            }
            (Some(ro), Some(rn)) => {
                let primary = new_primary.is_some_and(|np| np.status == status);
                compare_response(types, ro, rn, primary, &mut sink);
                compare_headers(ro, rn, status, sink.out);
            }
            (None, None) => {}
        }
    }
}

fn compare_response<'a>(
    types: &mut TypeDiffer<'a>,
    ro: &'a Response,
    rn: &'a Response,
    primary: bool,
    sink: &mut Sink<'_>,
) {
    compare_text(
        sink,
        K::DescriptionChanged,
        None,
        &ro.description,
        &rn.description,
    );
    match (&ro.body, &rn.body) {
        (ResponseBody::Json { ty: ta }, ResponseBody::Json { ty: tb })
        | (ResponseBody::NdJson { ty: ta }, ResponseBody::NdJson { ty: tb }) => {
            emit(sink, types.compare("", ta, tb));
        }
        (a, b) if body_kind(a) != body_kind(b) => {
            sink.ctx.return_type_changed = primary;
            sink.ctx.had_no_body = *a == ResponseBody::None;
            sink.changed(K::ResponseBodyChanged, None, body_text(a), body_text(b));
            sink.ctx.return_type_changed = false;
            sink.ctx.had_no_body = false;
        }
        _ => {}
    }
}

fn compare_headers(ro: &Response, rn: &Response, status: u16, out: &mut Vec<Change>) {
    let mut sink = Sink::new(Location::ResponseHeader, Some(status), out);
    for (name, ty) in &rn.headers {
        match ro.headers.get(name) {
            None => sink.push(
                K::HeaderAdded,
                Some(name.clone()),
                None,
                None,
                Some(render(ty)),
            ),
            Some(old_ty) if old_ty != ty => {
                sink.changed(K::TypeChanged, Some(name), render(old_ty), render(ty))
            }
            Some(_) => {}
        }
    }
    for (name, ty) in &ro.headers {
        if !rn.headers.contains_key(name) {
            sink.push(
                K::HeaderRemoved,
                Some(name.clone()),
                None,
                Some(render(ty)),
                None,
            );
        }
    }
}

fn side_info(api: &Api) -> SideInfo {
    SideInfo {
        version: api.sources.iter().find_map(|s| s.version.clone()),
        sources: api.sources.len(),
        operations: api.operations.len(),
        types: api.types.len(),
    }
}

fn finish(old: &Api, new: &Api, operations: Vec<OperationDiff>) -> ApiDiff {
    let mut s = Summary::default();
    let mut renames = BTreeSet::new();
    for op in &operations {
        match op.status {
            OperationStatus::Added => s.operations_added += 1,
            OperationStatus::Removed => s.operations_removed += 1,
            OperationStatus::Modified => s.operations_modified += 1,
        }
        for c in &op.changes {
            s.changes += 1;
            match c.wire {
                WireEffect::Breaking => s.wire_breaking += 1,
                WireEffect::Warning => s.wire_warnings += 1,
                WireEffect::Compatible => {}
            }
            match c.rust {
                RustEffect::Break => s.rust_breaking += 1,
                RustEffect::Additive => s.rust_additive += 1,
                RustEffect::None => {}
            }
            if c.kind == K::ModelRenamed
                && let (Some(a), Some(b)) = (&c.old, &c.new)
            {
                renames.insert(ModelRename {
                    old: a.clone(),
                    new: b.clone(),
                });
            }
        }
    }
    s.models_renamed = renames.len();
    let (bump, stable) = if s.rust_breaking > 0 {
        (SemverBump::Minor, SemverBump::Major)
    } else if s.rust_additive > 0 {
        (SemverBump::Patch, SemverBump::Minor)
    } else if s.changes > 0 {
        (SemverBump::Patch, SemverBump::Patch)
    } else {
        (SemverBump::None, SemverBump::None)
    };
    s.suggested_bump = bump;
    s.suggested_bump_stable = stable;
    ApiDiff {
        format_version: FORMAT_VERSION,
        old: side_info(old),
        new: side_info(new),
        summary: s,
        operations,
        renamed_models: renames.into_iter().collect(),
    }
}
