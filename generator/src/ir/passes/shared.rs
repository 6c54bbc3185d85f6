//! Names of shapes several operations share.
//!
//! The pages name few response shapes: most names are made up from an operation
//! (`<OperationId>Response`) or derived from an action's request model (`InvitationDecline`
//! from `InvitationDeclineRequest`), and a shape nested in such a type is named after it
//! (`<OperationId>Response<Field>`). A shape that several operations reach, directly (a body or
//! a response, such as `{detail: string}`) or nested at any depth (an invoice item inside the
//! invoices of `invoices_list` and the response of `invoices_items_retrieve`), would then be
//! defined under the name of whichever operation ranked first, and every other operation would
//! use a type named after a stranger. Here, before names are assigned, the names of single
//! operations of such a shape drop to the rank of made-up names, and the shape is offered a
//! name saying what it is:
//! - its fields, for an object of at most [`STRUCTURAL_FIELDS`] (`Detail`, `StatusDetail`), or
//!   its values, for an enum of at most [`STRUCTURAL_VALUES`] (`OkErredEnum`);
//! - else the resource every operation reaching it acts on (`AwsImage` for the list and the
//!   retrieve of `/api/aws-images/`), or the action they all perform (`HistoryAt`);
//! - else the words all their ids share (`History` for the `history` and `history_at` actions of
//!   customers, invoices and users).
//!
//! A shape operations use directly takes that name before its owners' names; a shape reached
//! only inside others is named after its owner and field first (`InvoiceItem`), and takes it
//! where every owner is named after a single operation. When the name is lost in a collision,
//! the shape does not fall back to an operation's name but to the lost name qualified by its
//! page (`assign`). Shapes nested in it are named after it (`<Owner><Field>`).
//!
//! Each operation still refers to the shape by a name of its own where the shape's name belongs
//! to another operation (an alias, see `assign::root_names`). A name the spec gives, or one a
//! create or update model gives the resource, is left to win; so is a name derived from an
//! action's model that names a collection of the API (see `hoist::names_action`).
//!
//! Which operations reach a shape depends on every page that uses it: adding or removing such a
//! page can turn a shape shared or single again, and rename it accordingly.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use super::hoist::{GroupId, Hoisted, Priority, Rep, ShapeId};
use super::names::{camel_part, collapse_repeats, join_words, singular, type_name};

/// At most this many fields make the name of an object several operations share.
const STRUCTURAL_FIELDS: usize = 2;
/// At most this many values make the name of an enum several operations share.
const STRUCTURAL_VALUES: usize = 3;

pub(super) fn prefer_neutral_names(h: &mut Hoisted) {
    let mut root_ops: BTreeMap<ShapeId, BTreeSet<usize>> = BTreeMap::new();
    for root in &h.roots {
        root_ops
            .entry(h.groups[root.group].shape)
            .or_default()
            .insert(root.op);
    }
    let mut groups_of: BTreeMap<ShapeId, Vec<GroupId>> = BTreeMap::new();
    for (g, group) in h.groups.iter().enumerate() {
        groups_of.entry(group.shape).or_default().push(g);
    }
    let reach = std::mem::take(&mut h.op_reach);
    for (shape, groups) in groups_of {
        let Some(users) = reach.get(&shape).filter(|ops| ops.len() > 1) else {
            continue;
        };
        // One operation's names lose to any other name of the shape (and so do names of an
        // action's model that name a resource, to the fields of a small shape) ...
        let structural = structural_name(h, &groups);
        for &g in &groups {
            let group = &mut h.groups[g];
            let specific: Vec<(Reverse<Priority>, String)> = group
                .candidates
                .iter()
                .filter(|(Reverse(p), name)| {
                    *p > Priority::Synthesized
                        && ((group.op_specific.contains(name)
                            && !group.resource_names.contains(name))
                            || (structural.is_some() && group.on_action_path.contains(name)))
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
        // ... and to a name saying what it is. A shape that several operations use directly
        // takes it before any owner's name; one that operations reach inside other shapes is
        // named after its owner and field first (`assign::rounds`: only names of one
        // operation are left, so the owners' names come first), and takes this name where
        // every owner is named after a single operation.
        let direct = root_ops.get(&shape).is_some_and(|ops| ops.len() > 1);
        // An enum is named as such, and after the parameter or field that all its operations
        // hold it in (`InvoiceOEnum` for the ordering of `invoices_list` and `invoices_count`,
        // beside `InvoiceFieldEnum`), not after the resource alone (`Invoice` is the invoice).
        let suffix = if is_enum(h, &groups) {
            enum_role(h, &groups, users)
        } else {
            String::new()
        };
        let is_structural = structural.is_some();
        let described: Vec<String> = structural
            .into_iter()
            .chain(
                common_resource(h, users)
                    .into_iter()
                    .chain(common_action(h, users))
                    .map(|name| format!("{name}{suffix}")),
            )
            .collect();
        let words = common_words(h, users).map(|words| format!("{words}{suffix}"));
        let priority = if direct && !described.is_empty() {
            Priority::Nested
        } else {
            Priority::Common
        };
        if described.is_empty() && words.is_none() {
            continue;
        }
        // Every name saying what the shape is, best first: the first is offered, the others
        // are what it falls back to if another shape holds the first (more specific than a
        // name qualified by its page, and than a number). Then, only to fall back to, what the
        // operations that use it directly act on: the resource and action, in the singular
        // (`MarketplaceSlurmPeriodicUsagePolicyCommandHistory` for the items of
        // `/api/marketplace-slurm-periodic-usage-policies/{uuid}/command_history/`), then the
        // resource alone (`ProviderInvoiceItem` for an invoice item that
        // `/api/provider-invoice-items/` lists, when `/api/invoice-items/` is an `InvoiceItem`
        // of other fields). Not the resource of an operation that only holds it inside another
        // shape: that names the owner.
        let mut by_use: Vec<usize> = root_ops
            .get(&shape)
            .into_iter()
            .flatten()
            .copied()
            .collect();
        // By operation id, not by the order the input lists operations in.
        by_use.sort_by(|&a, &b| h.op_ids.get(a).cmp(&h.op_ids.get(b)));
        let resource = |op: usize| h.op_resources.get(op).cloned().flatten();
        let acts = by_use.iter().filter_map(|&op| {
            let action = h.op_actions.get(op).cloned().flatten()?;
            let act = join_words(&resource(op)?, &action);
            Some(format!("{}{suffix}", singular(&act)))
        });
        let resources = by_use
            .iter()
            .filter_map(|&op| resource(op))
            .map(|name| format!("{name}{suffix}"));
        let mut neutral: Vec<String> = Vec::new();
        for name in described
            .into_iter()
            .chain(words)
            .chain(acts)
            .chain(resources)
        {
            if !neutral.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
                neutral.push(name);
            }
        }
        let mut neutral = neutral.into_iter();
        let Some(name) = neutral.next() else {
            continue;
        };
        // A shape named by its fields that loses that name is still best told by them, qualified
        // by its page (`MarketplaceRobotAccountsDetail`): the words or resource of its
        // operations would name a resource (`MarketplaceRobotAccount` for a `{detail}`).
        let alternatives: Vec<String> = if is_structural {
            Vec::new()
        } else {
            neutral.collect()
        };
        if !alternatives.is_empty() {
            h.neutral_alternatives.insert(shape, alternatives);
        }
        for &g in &groups {
            h.groups[g]
                .candidates
                .insert((Reverse(priority), name.clone()));
        }
    }
    h.op_reach = reach;
}

fn is_enum(h: &Hoisted, groups: &[GroupId]) -> bool {
    groups
        .iter()
        .find_map(|&g| h.groups[g].rep.as_ref())
        .is_some_and(|rep| matches!(rep, Rep::Enum(_)))
}

/// What an enum is to the operations that use it: the part after the operation's name that
/// all its names made up from an operation share (`OEnum` of `InvoicesListOEnum` and
/// `InvoicesCountOEnum`), else `Enum`.
fn enum_role(h: &Hoisted, groups: &[GroupId], users: &BTreeSet<usize>) -> String {
    let mut roles = BTreeSet::new();
    for &g in groups {
        for (Reverse(priority), name) in &h.groups[g].candidates {
            if *priority != Priority::Synthesized {
                continue;
            }
            let role = users
                .iter()
                .filter_map(|&op| name.strip_prefix(h.op_names.get(op)?.as_str()))
                .min_by_key(|rest| (rest.len(), *rest));
            roles.insert(role.unwrap_or_default().to_string());
        }
    }
    match roles.pop_first() {
        Some(role) if roles.is_empty() && role.len() > "Enum".len() && role.ends_with("Enum") => {
            role
        }
        _ => "Enum".to_string(),
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
            // An ordering's values name one field twice (`created`, `-created`): once is
            // enough.
            format!("{}Enum", collapse_repeats(&values))
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

/// Words of an operation id that say how it acts, not on what.
const METHOD_WORDS: [&str; 6] = ["list", "retrieve", "create", "update", "partial", "destroy"];

/// The words every one of `ops` has in its id, in the order of the smallest id, plural words
/// in the singular and method words left out: `celery_stats_retrieve` and
/// `stats_celery_retrieve` share `CeleryStat`, the `history` and `history_at` actions of
/// customers and invoices share `History`.
fn common_words(h: &Hoisted, ops: &BTreeSet<usize>) -> Option<String> {
    let words = |op: usize| -> Vec<String> {
        h.op_ids
            .get(op)
            .map(|id| {
                id.split(|c: char| !c.is_ascii_alphanumeric())
                    .filter(|w| !w.is_empty() && !METHOD_WORDS.contains(w))
                    .map(|w| singular(&w.to_ascii_lowercase()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let first = ops
        .iter()
        .copied()
        .min_by(|&a, &b| h.op_ids.get(a).cmp(&h.op_ids.get(b)))?;
    let others: Vec<BTreeSet<String>> = ops
        .iter()
        .filter(|&&op| op != first)
        .map(|&op| words(op).into_iter().collect())
        .collect();
    let mut seen = BTreeSet::new();
    let name: String = words(first)
        .into_iter()
        .filter(|w| others.iter().all(|o| o.contains(w)) && seen.insert(w.clone()))
        .map(|w| camel_part(&w))
        .collect();
    type_name(&name).filter(|n| n.starts_with(|c: char| c.is_ascii_uppercase()))
}
