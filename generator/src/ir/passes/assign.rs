//! Stage 2: gives every group a name, resolving collisions; then picks, for each shape, the
//! name its definition is emitted under (the others become aliases).
//!
//! Nothing here depends on the order in which pages were read or on hash order: groups are
//! ordered by their scope key `(tag, file)` and their creation order inside the scope, both of
//! which depend only on the scope's own content.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};

use super::hoist::{GroupId, Hoisted, Priority, ShapeId, nested_name};
use super::names::join_words;

/// Who holds a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holder {
    /// A type that was named in the input.
    Fixed,
    Shape(ShapeId),
}

/// The names given so far, and who holds each. Names are compared without case: two names
/// differing only in case would be two modules of one file name on some file systems, so a name
/// spelled differently from the one held counts as held by someone else.
#[derive(Debug, Default)]
struct Taken {
    /// Lower-case name -> the name as given, and its holder.
    names: HashMap<String, (String, Holder)>,
}

impl Taken {
    /// Who holds `name`: its holder if held in this spelling, [`Holder::Fixed`] if held in
    /// another (nobody may take it), `None` if free.
    fn get(&self, name: &str) -> Option<Holder> {
        let (spelling, holder) = self.names.get(&name.to_ascii_lowercase())?;
        Some(if spelling == name {
            *holder
        } else {
            Holder::Fixed
        })
    }

    fn contains_key(&self, name: &str) -> bool {
        self.names.contains_key(&name.to_ascii_lowercase())
    }

    /// Gives `name` to `holder` unless it (in any spelling) is held; returns the holder before.
    fn insert(&mut self, name: String, holder: Holder) -> Option<Holder> {
        let before = self.get(&name);
        self.names
            .entry(name.to_ascii_lowercase())
            .or_insert((name, holder));
        before
    }
}

/// The names chosen by stage 2.
#[derive(Debug, Default)]
pub(super) struct Assigned {
    /// Name of each group, by group id.
    pub names: Vec<String>,
    /// Which shape each assigned name (group name or alias) denotes.
    pub holders: HashMap<String, ShapeId>,
    /// Per shape that has groups: the definition's name and the group whose first occurrence
    /// it is built from, then every other name of the shape (emitted as aliases), sorted.
    pub shapes: BTreeMap<ShapeId, ShapeNames>,
    /// The name each root occurrence ([`Hoisted::roots`]) is referred to by.
    pub roots: Vec<String>,
}

#[derive(Debug)]
pub(super) struct ShapeNames {
    pub def: String,
    pub def_group: GroupId,
    pub aliases: Vec<String>,
}

/// Assigns names to all groups of `h`; `fixed` are the names of the input's named types.
pub(super) fn assign<'a>(h: &Hoisted, fixed: impl Iterator<Item = &'a String>) -> Assigned {
    let mut taken = Taken::default();
    for name in fixed {
        taken.insert(name.clone(), Holder::Fixed);
    }
    let owners = owners(h);
    let round = rounds(h, &owners);
    let graph = Graph { h, owners, round };
    let mut by_round: Vec<Vec<GroupId>> = Vec::new();
    for (g, &r) in graph.round.iter().enumerate() {
        if by_round.len() <= r {
            by_round.resize_with(r + 1, Vec::new);
        }
        by_round[r].push(g);
    }

    let mut names: Vec<Option<(String, Priority)>> = vec![None; h.groups.len()];
    for groups in &by_round {
        // Preferred name of every group of the round, by the name without case (spellings of
        // one name compete for it).
        let mut claims: BTreeMap<String, Vec<(GroupId, Priority, String)>> = BTreeMap::new();
        for &g in groups {
            let (name, priority) = graph.preferred(&names, g);
            claims
                .entry(name.to_ascii_lowercase())
                .or_default()
                .push((g, priority, name));
        }
        // Winners first, so that no loser's fallback can take a name someone prefers.
        let mut losers: Vec<(String, GroupId)> = Vec::new();
        for (lower, claimants) in claims {
            if !taken.contains_key(&lower) {
                let winner = claimants
                    .iter()
                    .min_by(|a, b| claim_rank(h, (a.0, a.1)).cmp(&claim_rank(h, (b.0, b.1))));
                let Some((g, _, name)) = winner else { continue };
                taken.insert(name.clone(), Holder::Shape(h.groups[*g].shape));
            }
            for (g, priority, name) in claimants {
                if taken.get(&name) == Some(Holder::Shape(h.groups[g].shape)) {
                    names[g] = Some((name, priority));
                } else {
                    losers.push((name, g));
                }
            }
        }
        losers.sort_by(|a, b| (&a.0, group_rank(h, a.1)).cmp(&(&b.0, group_rank(h, b.1))));
        for (name, g) in losers {
            let chosen = graph.fallback(&names, &taken, g, &name);
            taken.insert(chosen.0.clone(), Holder::Shape(h.groups[g].shape));
            names[g] = Some(chosen);
        }
    }

    let names: Vec<(String, Priority)> = names
        .into_iter()
        .map(|name| name.unwrap_or_else(|| (String::new(), Priority::Qualified)))
        .collect();
    let mut shapes = shape_names(h, &names, &mut taken);
    let roots = root_names(h, &names, &mut taken, &mut shapes);
    let holders = taken
        .names
        .into_values()
        .filter_map(|(name, holder)| match holder {
            Holder::Shape(shape) => Some((name, shape)),
            Holder::Fixed => None,
        })
        .collect();
    Assigned {
        names: names.into_iter().map(|(name, _)| name).collect(),
        holders,
        shapes,
        roots,
    }
}

/// The name each operation's body or response root is referred to by: its group's name, unless
/// that name belongs to another operation (its synthesized `<OperationId>Response`, a name
/// derived from the request model of another action, or one qualified after a collision) and
/// is not one this operation offered; then the best of the operation's own names that is
/// free, as an alias of the shape. So `set_slug()` never returns a type named after
/// `set_downscaled`, while a shape named by the spec (`OpenStackVolume`), after a create or
/// update model, or after its owner keeps that name everywhere.
///
/// Roots are processed by scope key, then in their order inside the scope, so the outcome
/// depends only on the scope's own content (as for group names).
fn root_names(
    h: &Hoisted,
    names: &[(String, Priority)],
    taken: &mut Taken,
    shapes: &mut BTreeMap<ShapeId, ShapeNames>,
) -> Vec<String> {
    let mut out: Vec<String> = h
        .roots
        .iter()
        .map(|root| names[root.group].0.clone())
        .collect();
    let mut order: Vec<usize> = (0..h.roots.len()).collect();
    order.sort_by_key(|&r| (&h.scopes[h.groups[h.roots[r].group].scope].key, r));
    for r in order {
        let root = &h.roots[r];
        let (group_name, priority) = &names[root.group];
        let group = &h.groups[root.group];
        let specific = *priority == Priority::Qualified
            || (group.op_specific.contains(group_name)
                && !group.resource_names.contains(group_name));
        let foreign = specific && !root.names.contains(group_name);
        if !foreign {
            continue;
        }
        let shape = h.groups[root.group].shape;
        let free = |name: &str, taken: &Taken| match taken.get(name) {
            None => true,
            Some(holder) => holder == Holder::Shape(shape),
        };
        let chosen = root
            .names
            .iter()
            .find(|name| free(name, taken))
            .cloned()
            .or_else(|| {
                let stem = root.names.first()?;
                (2usize..)
                    .map(|k| format!("{stem}{k}"))
                    .find(|name| free(name, taken))
            });
        let Some(chosen) = chosen else { continue };
        if taken.insert(chosen.clone(), Holder::Shape(shape)).is_none()
            && let Some(entry) = shapes.get_mut(&shape)
            && entry.def != chosen
        {
            entry.aliases.push(chosen.clone());
            entry.aliases.sort();
        }
        out[r] = chosen;
    }
    out
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

/// The naming round of each group. Round 0: groups with a spec (a) or derived (b) name, and
/// groups nested in nothing. Any other group is nested in inline shapes of its scope and comes
/// one round after the last of its owners, so that every owner's name is final when its
/// `<Owner><Field>` names are formed (and compete with its synthesized (c) names). Rounds
/// depend only on the structure of the group's own scope.
fn rounds(h: &Hoisted, owners: &[Vec<(GroupId, usize)>]) -> Vec<usize> {
    // Children are interned before their parents, so descending shape id puts every owner
    // before the shapes nested in it.
    let mut by_shape: Vec<GroupId> = (0..h.groups.len()).collect();
    by_shape.sort_by_key(|&g| Reverse(h.groups[g].shape));
    let mut round = vec![0usize; h.groups.len()];
    for &g in &by_shape {
        let named = h.groups[g]
            .candidates
            .first()
            .is_some_and(|(Reverse(p), _)| *p >= Priority::Derived);
        if !named && !owners[g].is_empty() {
            round[g] = 1 + owners[g].iter().map(|&(o, _)| round[o]).max().unwrap_or(0);
        }
    }
    round
}

/// The groups with their nesting and rounds: what naming needs to know about a group.
struct Graph<'h> {
    h: &'h Hoisted,
    owners: Vec<Vec<(GroupId, usize)>>,
    round: Vec<usize>,
}

impl Graph<'_> {
    /// All names a group may take, best first (priority, then lexical): its own candidates and,
    /// after round 0, `<Owner><Suffix>` for each owner.
    fn options(&self, names: &[Option<(String, Priority)>], g: GroupId) -> Vec<(String, Priority)> {
        let group = &self.h.groups[g];
        let mut options: Vec<(Reverse<Priority>, String)> =
            group.candidates.iter().cloned().collect();
        if self.round[g] > 0 {
            for &(owner, link) in &self.owners[g] {
                let Some((owner_name, owner_priority)) = &names[owner] else {
                    continue;
                };
                let owner_shape = self.h.groups[owner].shape;
                // A shape nested in a type named after one operation is named after an owner
                // that is not, when it has one: a plan inside offerings is `OfferingPlan`,
                // whichever action's model happened to contain it first.
                let priority = if is_op_specific(&self.h.groups[owner], owner_name, *owner_priority)
                {
                    Priority::Synthesized
                } else {
                    Priority::Nested
                };
                let Some((_, suffix)) = self
                    .h
                    .shapes
                    .get(owner_shape)
                    .and_then(|s| s.children.get(link))
                else {
                    continue;
                };
                options.push((Reverse(priority), nested_name(owner_name, suffix)));
            }
            options.sort();
            options.dedup();
        }
        if options.is_empty() {
            // Unreachable for well-formed input (every inline shape has a root or an owner);
            // a name is still produced so that nothing is dropped.
            let scope = &self.h.scopes[group.scope].qualifier;
            options.push((Reverse(Priority::Qualified), format!("{scope}Type")));
        }
        options
            .into_iter()
            .map(|(Reverse(p), name)| (name, p))
            .collect()
    }

    fn preferred(&self, names: &[Option<(String, Priority)>], g: GroupId) -> (String, Priority) {
        let options = self.options(names, g);
        options
            .into_iter()
            .next()
            .unwrap_or_else(|| (format!("Type{g}"), Priority::Qualified))
    }

    /// The name a group takes after losing `lost`: its next option that is free, else `lost`
    /// qualified by its scope (`OpenstackVolumes<lost>`), else by its first operation, else
    /// numbered.
    ///
    /// A shape several operations use that lost a name saying what it is does not fall back to
    /// one operation's name: it takes its next option above those, else another name saying
    /// what it is (`Hoisted::neutral_alternatives`), else `lost` qualified by its scope (else
    /// numbered), which still says what it is and ranks as such.
    fn fallback(
        &self,
        names: &[Option<(String, Priority)>],
        taken: &Taken,
        g: GroupId,
        lost: &str,
    ) -> (String, Priority) {
        let group = &self.h.groups[g];
        let free = |name: &str| match taken.get(name) {
            None => true,
            Some(holder) => holder == Holder::Shape(group.shape),
        };
        let options = self.options(names, g);
        let neutral = self
            .h
            .op_reach
            .get(&group.shape)
            .is_some_and(|ops| ops.len() > 1)
            && options
                .first()
                .is_some_and(|(_, p)| *p > Priority::Synthesized);
        for (name, priority) in options.into_iter().skip(1) {
            if neutral && priority <= Priority::Synthesized {
                break;
            }
            if free(&name) {
                return (name, priority);
            }
        }
        if neutral
            && let Some(name) = self
                .h
                .neutral_alternatives
                .get(&group.shape)
                .into_iter()
                .flatten()
                .find(|name| !name.eq_ignore_ascii_case(lost) && free(name))
        {
            return (name.clone(), Priority::Common);
        }
        // Qualified without saying a word twice (`Users` and `UserToken` make `UserToken`, not
        // `UsersUserToken`); a qualifier `lost` starts with adds nothing.
        let mut qualified = Vec::new();
        let scope = &self.h.scopes[group.scope].qualifier;
        if !scope.is_empty() {
            qualified.push(join_words(scope, lost));
        }
        if let Some(op) = group.first_op.and_then(|i| self.h.op_names.get(i))
            && !neutral
        {
            qualified.push(join_words(op, lost));
        }
        qualified.retain(|name| !name.eq_ignore_ascii_case(lost));
        let priority = if neutral {
            Priority::Common
        } else {
            Priority::Qualified
        };
        if let Some(name) = qualified.iter().find(|name| free(name)) {
            return (name.clone(), priority);
        }
        let stem = qualified
            .into_iter()
            .next()
            .unwrap_or_else(|| lost.to_string());
        let mut k = 2usize;
        loop {
            let name = format!("{stem}{k}");
            if free(&name) {
                return (name, priority);
            }
            k += 1;
        }
    }
}

/// Order between groups that does not depend on other scopes: scope key, then creation order.
type Rank<'a> = (&'a (String, String), usize);

fn group_rank(h: &Hoisted, g: GroupId) -> Rank<'_> {
    let group = &h.groups[g];
    (&h.scopes[group.scope].key, group.order)
}

/// Order between claims of one name: better priority first, then [`group_rank`].
fn claim_rank(h: &Hoisted, (g, priority): (GroupId, Priority)) -> (Reverse<Priority>, Rank<'_>) {
    (Reverse(priority), group_rank(h, g))
}

/// Chooses each shape's definition name (best priority, then lexical) and collects its other
/// names: the names other scopes gave it, and spec names (authoritative candidates) its groups
/// did not take. A spare spec name that is free goes to the best-ranked group claiming it; one
/// that another shape holds stays with that shape (the input gave one name to two shapes).
fn shape_names(
    h: &Hoisted,
    names: &[(String, Priority)],
    taken: &mut Taken,
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

/// Whether `name` belongs to one operation: synthesized from it (`<OperationId>Response`),
/// derived from its action's request model, or qualified after a collision; and not a name a
/// create or update gave the resource.
fn is_op_specific(group: &super::hoist::Group, name: &str, priority: Priority) -> bool {
    priority <= Priority::Synthesized
        || (group.op_specific.contains(name) && !group.resource_names.contains(name))
}
