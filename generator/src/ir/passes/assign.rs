//! Stage 2: gives every group a name, resolving collisions; then picks, for each shape, the
//! name its definition is emitted under (the others become aliases).
//!
//! Nothing here depends on the order in which pages were read or on hash order: groups are
//! ordered by their scope key `(tag, file)` and their creation order inside the scope, both of
//! which depend only on the scope's own content.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};

use super::hoist::{GroupId, Hoisted, Priority, ShapeId};

/// Who holds a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holder {
    /// A type that was named in the input.
    Fixed,
    Shape(ShapeId),
}

/// The names chosen by stage 2.
#[derive(Debug, Default)]
pub(super) struct Assigned {
    /// Name of each group, by group id.
    pub names: Vec<String>,
    /// Per shape that has groups: the definition's name and the group whose first occurrence
    /// it is built from, then every other name of the shape (emitted as aliases), sorted.
    pub shapes: BTreeMap<ShapeId, ShapeNames>,
}

#[derive(Debug)]
pub(super) struct ShapeNames {
    pub def: String,
    pub def_group: GroupId,
    pub aliases: Vec<String>,
}

/// Assigns names to all groups of `h`; `fixed` are the names of the input's named types.
pub(super) fn assign<'a>(h: &Hoisted, fixed: impl Iterator<Item = &'a String>) -> Assigned {
    let n = h.groups.len();
    let mut taken: HashMap<String, Holder> =
        fixed.map(|name| (name.clone(), Holder::Fixed)).collect();
    let owners = owners(h);
    let rounds = rounds(h, &owners);

    let mut names: Vec<Option<(String, Priority)>> = vec![None; n];
    for round in &rounds {
        // Preferred name of every group of the round.
        let mut claims: BTreeMap<String, Vec<(GroupId, Priority)>> = BTreeMap::new();
        for &g in round {
            let (name, priority) = preferred(h, &owners, &names, g);
            claims.entry(name).or_default().push((g, priority));
        }
        // Winners first, so that no loser's fallback can take a name someone prefers.
        let mut losers: Vec<(String, GroupId)> = Vec::new();
        for (name, claimants) in claims {
            let holder = match taken.get(&name) {
                Some(&holder) => holder,
                None => {
                    let winner = claimants
                        .iter()
                        .min_by(|a, b| claim_rank(h, a).cmp(&claim_rank(h, b)))
                        .map(|&(g, _)| h.groups[g].shape);
                    let Some(winner) = winner else { continue };
                    taken.insert(name.clone(), Holder::Shape(winner));
                    Holder::Shape(winner)
                }
            };
            for (g, priority) in claimants {
                if holder == Holder::Shape(h.groups[g].shape) {
                    names[g] = Some((name.clone(), priority));
                } else {
                    losers.push((name.clone(), g));
                }
            }
        }
        losers.sort_by(|a, b| (&a.0, group_rank(h, a.1)).cmp(&(&b.0, group_rank(h, b.1))));
        for (name, g) in losers {
            let chosen = fallback(h, &owners, &names, &taken, g, &name);
            taken.insert(chosen.0.clone(), Holder::Shape(h.groups[g].shape));
            names[g] = Some(chosen);
        }
    }

    let names: Vec<(String, Priority)> = names
        .into_iter()
        .map(|name| name.unwrap_or_else(|| (String::new(), Priority::Qualified)))
        .collect();
    let shapes = shape_names(h, &names, &mut taken);
    Assigned {
        names: names.into_iter().map(|(name, _)| name).collect(),
        shapes,
    }
}

/// For each group, the groups of the same scope it is nested in, with the index of the child
/// link (field) it is reached through.
fn owners(h: &Hoisted) -> Vec<Vec<(GroupId, usize)>> {
    let mut owners = vec![Vec::new(); h.groups.len()];
    for (g, group) in h.groups.iter().enumerate() {
        let Some(shape) = h.shapes.get(group.shape) else {
            continue;
        };
        for (link, (child, _)) in shape.children.iter().enumerate() {
            if let Some(&child_group) = h.group_index.get(&(group.scope, *child)) {
                owners[child_group].push((g, link));
            }
        }
    }
    owners
}

/// Groups by naming round. Round 0: groups with a name of their own (a spec name, or one made
/// up from their position in an operation or a named type). A group that is only ever nested
/// comes one round after the last of its owners, so every owner's name is final when its
/// nested names are formed. Rounds depend only on the structure of the group's own scope.
fn rounds(h: &Hoisted, owners: &[Vec<(GroupId, usize)>]) -> Vec<Vec<GroupId>> {
    // Children are interned before their parents, so descending shape id puts every owner
    // before the shapes nested in it.
    let mut by_shape: Vec<GroupId> = (0..h.groups.len()).collect();
    by_shape.sort_by_key(|&g| Reverse(h.groups[g].shape));
    let mut round = vec![0usize; h.groups.len()];
    for &g in &by_shape {
        if h.groups[g].candidates.is_empty() {
            round[g] = 1 + owners[g].iter().map(|&(o, _)| round[o]).max().unwrap_or(0);
        }
    }
    let mut rounds: Vec<Vec<GroupId>> = Vec::new();
    for (g, &r) in round.iter().enumerate() {
        if rounds.len() <= r {
            rounds.resize_with(r + 1, Vec::new);
        }
        rounds[r].push(g);
    }
    rounds
}

/// All names a group may take, best first. Own candidates when it has any, otherwise
/// `<Owner><Suffix>` for each owner.
fn options(
    h: &Hoisted,
    owners: &[Vec<(GroupId, usize)>],
    names: &[Option<(String, Priority)>],
    g: GroupId,
) -> Vec<(String, Priority)> {
    let group = &h.groups[g];
    if !group.candidates.is_empty() {
        return group
            .candidates
            .iter()
            .map(|(Reverse(p), name)| (name.clone(), *p))
            .collect();
    }
    let mut nested: Vec<String> = owners[g]
        .iter()
        .filter_map(|&(owner, link)| {
            let (owner_name, _) = names[owner].as_ref()?;
            let owner_shape = h.groups[owner].shape;
            let (_, suffix) = h.shapes.get(owner_shape)?.children.get(link)?;
            Some(format!("{owner_name}{suffix}"))
        })
        .collect();
    nested.sort();
    nested.dedup();
    if nested.is_empty() {
        // Unreachable for well-formed input (every inline shape has a root or an owner); a
        // name is still produced so that nothing is dropped.
        nested.push(format!("{}Type", h.scopes[group.scope].qualifier));
    }
    nested
        .into_iter()
        .map(|name| (name, Priority::Nested))
        .collect()
}

fn preferred(
    h: &Hoisted,
    owners: &[Vec<(GroupId, usize)>],
    names: &[Option<(String, Priority)>],
    g: GroupId,
) -> (String, Priority) {
    let options = options(h, owners, names, g);
    options
        .into_iter()
        .next()
        .unwrap_or_else(|| (format!("Type{g}"), Priority::Qualified))
}

/// Order between groups that does not depend on other scopes: scope key, then creation order.
type Rank<'a> = (&'a (String, String), usize);

fn group_rank(h: &Hoisted, g: GroupId) -> Rank<'_> {
    let group = &h.groups[g];
    (&h.scopes[group.scope].key, group.order)
}

/// Order between claims of one name: better priority first, then [`group_rank`].
fn claim_rank<'a>(
    h: &'a Hoisted,
    &(g, priority): &(GroupId, Priority),
) -> (Reverse<Priority>, Rank<'a>) {
    (Reverse(priority), group_rank(h, g))
}

/// The name a group takes after losing `lost`: its next own option that is free, else `lost`
/// qualified by its scope (`OpenstackVolumes<lost>`), else by its first operation, else
/// numbered.
fn fallback(
    h: &Hoisted,
    owners: &[Vec<(GroupId, usize)>],
    names: &[Option<(String, Priority)>],
    taken: &HashMap<String, Holder>,
    g: GroupId,
    lost: &str,
) -> (String, Priority) {
    let group = &h.groups[g];
    let free = |name: &str| match taken.get(name) {
        None => true,
        Some(&holder) => holder == Holder::Shape(group.shape),
    };
    for (name, priority) in options(h, owners, names, g).into_iter().skip(1) {
        if free(&name) {
            return (name, priority);
        }
    }
    let mut qualified = Vec::new();
    let scope = &h.scopes[group.scope].qualifier;
    if !scope.is_empty() && !lost.starts_with(scope.as_str()) {
        qualified.push(format!("{scope}{lost}"));
    }
    if let Some(op) = group.first_op.and_then(|i| h.op_names.get(i))
        && !lost.starts_with(op.as_str())
    {
        qualified.push(format!("{op}{lost}"));
    }
    if let Some(name) = qualified.iter().find(|name| free(name)) {
        return (name.clone(), Priority::Qualified);
    }
    let stem = qualified
        .into_iter()
        .next()
        .unwrap_or_else(|| lost.to_string());
    let mut k = 2usize;
    loop {
        let name = format!("{stem}{k}");
        if free(&name) {
            return (name, Priority::Qualified);
        }
        k += 1;
    }
}

/// Chooses each shape's definition name (best priority, then lexical) and collects its other
/// names: the names other scopes gave it, and spec names (authoritative candidates) its groups
/// did not take. A spare spec name that is free goes to the best-ranked group claiming it; one
/// that another shape holds stays with that shape (the input gave one name to two shapes).
fn shape_names(
    h: &Hoisted,
    names: &[(String, Priority)],
    taken: &mut HashMap<String, Holder>,
) -> BTreeMap<ShapeId, ShapeNames> {
    let mut groups_by_shape: BTreeMap<ShapeId, Vec<GroupId>> = BTreeMap::new();
    for (g, group) in h.groups.iter().enumerate() {
        groups_by_shape.entry(group.shape).or_default().push(g);
    }
    let mut out = BTreeMap::new();
    for (shape, groups) in groups_by_shape {
        let rank = |g: GroupId| (Reverse(names[g].1), &names[g].0, group_rank(h, g));
        let Some(def_group) = groups
            .iter()
            .copied()
            .min_by(|&a, &b| rank(a).cmp(&rank(b)))
        else {
            continue;
        };
        let def = names[def_group].0.clone();
        let mut aliases: Vec<String> = groups
            .iter()
            .map(|&g| names[g].0.clone())
            .filter(|name| *name != def)
            .collect();
        aliases.sort();
        aliases.dedup();
        out.insert(
            shape,
            ShapeNames {
                def,
                def_group,
                aliases,
            },
        );
    }

    let mut spare: Vec<(&String, Rank<'_>, GroupId)> = Vec::new();
    for (g, group) in h.groups.iter().enumerate() {
        for (Reverse(priority), name) in &group.candidates {
            if *priority == Priority::Authoritative && !taken.contains_key(name) {
                spare.push((name, group_rank(h, g), g));
            }
        }
    }
    spare.sort();
    for (name, _, g) in spare {
        if taken.contains_key(name) {
            continue;
        }
        let shape = h.groups[g].shape;
        taken.insert(name.clone(), Holder::Shape(shape));
        if let Some(entry) = out.get_mut(&shape) {
            entry.aliases.push(name.clone());
            entry.aliases.sort();
        }
    }
    out
}
