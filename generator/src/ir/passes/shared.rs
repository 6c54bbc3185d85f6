//! Names of shapes several operations share.
//!
//! The pages name few response shapes: most names are made up from an operation
//! (`<OperationId>Response`) or derived from an action's request model (`InvitationDecline`
//! from `InvitationDeclineRequest`). A shape that many operations return, such as
//! `{detail: string}`, would then be defined under the name of whichever operation ranked
//! first, and every other operation would return a type named after a stranger. Here, before
//! names are assigned, such a shape is offered a name saying what it is, which beats the names
//! of single operations:
//! - its fields, for an object of at most [`STRUCTURAL_FIELDS`] (`Detail`, `StatusDetail`), or
//!   its values, for an enum of at most [`STRUCTURAL_VALUES`] (`OkErredEnum`);
//! - else the resource every operation using it acts on (`AwsImage` for the list and the
//!   retrieve of `/api/aws-images/`), or the action they all perform (`HistoryAt`);
//! - else, for a shape nested in others, its owner and field (`InvoiceItem`), as for any
//!   shape without a name of its own.
//!
//! Each operation still refers to the shape by a name of its own (an alias, see
//! `assign::root_names`), and shapes nested in it are named after it (`<Owner><Field>`).
//! A name the spec gives, or one a create or update model gives the resource, is left to win.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use super::hoist::{GroupId, Hoisted, Priority, Rep, ShapeId};
use super::names::camel_part;

/// At most this many fields make the name of an object several operations share.
const STRUCTURAL_FIELDS: usize = 2;
/// At most this many values make the name of an enum several operations share.
const STRUCTURAL_VALUES: usize = 3;

pub(super) fn prefer_neutral_names(h: &mut Hoisted) {
    let mut ops: BTreeMap<ShapeId, BTreeSet<usize>> = BTreeMap::new();
    for root in &h.roots {
        ops.entry(h.groups[root.group].shape)
            .or_default()
            .insert(root.op);
    }
    let mut groups_of: BTreeMap<ShapeId, Vec<GroupId>> = BTreeMap::new();
    for (g, group) in h.groups.iter().enumerate() {
        groups_of.entry(group.shape).or_default().push(g);
    }
    for (shape, groups) in groups_of {
        let Some(users) = ops.get(&shape).filter(|ops| ops.len() > 1) else {
            continue;
        };
        // One operation's names lose to any other name of the shape ...
        for &g in &groups {
            let group = &mut h.groups[g];
            let specific: Vec<(Reverse<Priority>, String)> = group
                .candidates
                .iter()
                .filter(|(Reverse(p), name)| {
                    *p > Priority::Synthesized
                        && group.op_specific.contains(name)
                        && !group.resource_names.contains(name)
                })
                .cloned()
                .collect();
            for candidate in specific {
                group.candidates.remove(&candidate);
                group
                    .candidates
                    .insert((Reverse(Priority::Synthesized), candidate.1));
            }
        }
        let well_named = groups.iter().any(|&g| {
            h.groups[g]
                .candidates
                .iter()
                .any(|(Reverse(p), _)| *p >= Priority::Derived)
        });
        if well_named {
            continue;
        }
        // ... and to a name saying what it is. Without one, a shape nested in another is
        // named after its owner and field (`assign::rounds`: only names of one operation are
        // left, so the owners' names come first).
        let name = structural_name(h, &groups)
            .or_else(|| common_resource(h, users))
            .or_else(|| common_action(h, users));
        let Some(name) = name else { continue };
        for &g in &groups {
            h.groups[g]
                .candidates
                .insert((Reverse(Priority::Nested), name.clone()));
        }
    }
}

/// The shape's fields or values as a name, when it has few enough of them.
fn structural_name(h: &Hoisted, groups: &[GroupId]) -> Option<String> {
    let rep = groups.iter().find_map(|&g| h.groups[g].rep.as_ref())?;
    let name = match rep {
        Rep::Object(object) => {
            if object.fields.is_empty() || object.fields.len() > STRUCTURAL_FIELDS {
                return None;
            }
            object
                .fields
                .iter()
                .map(|f| camel_part(&f.name))
                .collect::<String>()
        }
        Rep::Enum(e) => {
            if e.values.is_empty() || e.values.len() > STRUCTURAL_VALUES {
                return None;
            }
            let values: String = e
                .values
                .iter()
                .map(|v| match v {
                    crate::ir::EnumValue::Int(i) => i.to_string(),
                    crate::ir::EnumValue::Str(s) => camel_part(s),
                })
                .collect();
            format!("{values}Enum")
        }
    };
    name.starts_with(|c: char| c.is_ascii_uppercase())
        .then_some(name)
        .filter(|n| n.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// The resource all of `ops` act on, when they agree.
fn common_resource(h: &Hoisted, ops: &BTreeSet<usize>) -> Option<String> {
    let mut resources = ops
        .iter()
        .map(|&op| h.op_resources.get(op).cloned().flatten());
    let first = resources.next()??;
    resources
        .all(|r| r.as_deref() == Some(first.as_str()))
        .then_some(first)
}

/// The action all of `ops` perform, when they agree and are actions: the path's segments after
/// its last parameter (`/api/customers/{uuid}/history/at/` and `/api/invoices/{uuid}/history/at/`
/// are `HistoryAt`).
fn common_action(h: &Hoisted, ops: &BTreeSet<usize>) -> Option<String> {
    let mut actions = ops
        .iter()
        .map(|&op| h.op_actions.get(op).cloned().flatten());
    let first = actions.next()??;
    actions
        .all(|a| a.as_deref() == Some(first.as_str()))
        .then_some(first)
}
