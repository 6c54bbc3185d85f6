//! Stage 3: puts the named shapes into `api.types` and turns every placeholder into the name of
//! its group.

use super::assign::Assigned;
use super::hoist::{Hoisted, Rep, placeholder_group};
use super::visit;
use crate::ir::{Api, Ty, TypeDef};

/// Writes definitions and aliases, then resolves placeholders in operations and types.
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
        if let Some(resolved) = placeholder_group(name).and_then(|g| assigned.names.get(g)) {
            *name = resolved.clone();
        }
    });
}
