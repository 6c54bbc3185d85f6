//! `rename_types` from the user's config, applied after naming.

use std::collections::BTreeMap;

use super::names::is_type_name;
use super::visit;
use crate::Diagnostic;
use crate::ir::{Api, Span};

/// Renames types (`generated name -> wanted name`) and every reference to them. Checks all
/// entries first and changes nothing when one is wrong. `first_use` gives the span reported
/// for a type.
pub(super) fn rename(
    api: &mut Api,
    renames: &BTreeMap<String, String>,
    first_use: &dyn Fn(&str) -> Span,
) -> Result<(), Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut targets: BTreeMap<&str, &str> = BTreeMap::new();
    for (from, to) in renames {
        if !api.types.contains_key(from) {
            diags.push(Diagnostic::new(
                Span::default(),
                format!("rename_types: there is no generated type named `{from}`"),
            ));
            continue;
        }
        if !is_type_name(to) {
            diags.push(Diagnostic::new(
                first_use(from),
                format!(
                    "rename_types: cannot rename `{from}` to `{to}`: expected a type name of \
                     ASCII letters and digits starting with an upper-case letter"
                ),
            ));
            continue;
        }
        if from == to {
            continue;
        }
        if api.types.contains_key(to) && !renames.contains_key(to) {
            diags.push(Diagnostic::new(
                first_use(from),
                format!("rename_types: cannot rename `{from}` to `{to}`: a type named `{to}` already exists"),
            ));
            continue;
        }
        if let Some(other) = targets.insert(to, from) {
            diags.push(Diagnostic::new(
                first_use(from),
                format!("rename_types: cannot rename `{from}` to `{to}`: `{other}` is also renamed to `{to}`"),
            ));
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let types = std::mem::take(&mut api.types);
    api.types = types
        .into_iter()
        .map(|(name, def)| (renames.get(&name).cloned().unwrap_or(name), def))
        .collect();
    visit::rewrite_refs(api, &mut |name| {
        if let Some(new) = renames.get(name.as_str()) {
            *name = new.clone();
        }
    });
    Ok(())
}
