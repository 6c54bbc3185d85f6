//! Stage 3: puts the named shapes into `api.types` and turns every placeholder into the name of
//! its group.

use super::assign::Assigned;
use super::hoist::{Hoisted, Placeholder, Rep, placeholder_of};
use super::visit;
use crate::ir::{Api, Ty, TypeDef};

/// Writes definitions and aliases, then resolves placeholders in operations and types: an
/// occurrence with its own spec name is called by it when that name denotes its shape (as the
/// definition or an alias), otherwise by its group's name.
pub(super) fn write(api: &mut Api, h: &mut Hoisted, assigned: &Assigned) {
    for names in assigned.shapes.values() {
        let Some(group) = h.groups.get_mut(names.def_group) else {
            continue;
        };
        let def = match group.rep.take() {
            Some(Rep::Object(object)) => TypeDef::Object(object),
            Some(Rep::Enum(def)) => TypeDef::Enum(def),
            None => continue,
        };
        api.types.insert(names.def.clone(), def);
        for alias in &names.aliases {
            let ty = Ty::Ref {
                name: names.def.clone(),
            };
            api.types.insert(
                alias.clone(),
                TypeDef::Alias {
                    ty,
                    description: None,
                },
            );
        }
    }
    visit::rewrite_refs(api, &mut |name| {
        let (g, own) = match placeholder_of(name) {
            Some(Placeholder::Group(g, own)) => (g, own),
            Some(Placeholder::Root(_, r)) => {
                if let Some(root_name) = assigned.roots.get(r) {
                    *name = root_name.clone();
                }
                return;
            }
            None => return,
        };
        let shape = h.groups.get(g).map(|group| group.shape);
        let resolved = match own {
            Some(own) if shape.is_some() && assigned.holders.get(own).copied() == shape => own,
            _ => match assigned.names.get(g) {
                Some(group_name) => group_name.as_str(),
                None => return,
            },
        };
        *name = resolved.to_string();
    });
}
