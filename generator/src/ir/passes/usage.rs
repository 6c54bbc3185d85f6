//! Which contexts (request, response) reach each named type.

use std::collections::BTreeMap;

use super::visit::{self, Side};
use crate::ir::Api;

/// Which contexts reach a named type: response types decode leniently, request types
/// serialise strictly; a type reached from both needs both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub request: bool,
    pub response: bool,
}

/// Every named type of `api` (reached or not), with the contexts that reach it through
/// parameters and request bodies (request) or response bodies and headers (response),
/// following references through fields, arrays, maps, one-ofs and aliases.
pub fn usage(api: &Api) -> BTreeMap<String, Usage> {
    let mut out: BTreeMap<String, Usage> = api
        .types
        .keys()
        .map(|name| (name.clone(), Usage::default()))
        .collect();
    let mut stack: Vec<(&str, Side)> = Vec::new();
    for op in &api.operations {
        visit::op_types(op, &mut |ty, span, side| {
            visit::refs(ty, span, &mut |name, _| stack.push((name, side)));
        });
    }
    while let Some((name, side)) = stack.pop() {
        let Some(entry) = out.get_mut(name) else {
            continue;
        };
        let seen = match side {
            Side::Request => std::mem::replace(&mut entry.request, true),
            Side::Response => std::mem::replace(&mut entry.response, true),
        };
        if seen {
            continue;
        }
        if let Some(def) = api.types.get(name) {
            visit::def_refs(def, &mut |inner, _| stack.push((inner, side)));
        }
    }
    out
}
