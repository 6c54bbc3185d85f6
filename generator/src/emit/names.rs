//! Rust names for spec names: identifiers, keyword escaping and collision handling.
//!
//! Every Rust identifier the emitters print comes from here, so the rules live in one place:
//! snake_case for fields, methods and modules, UpperCamel for types and variants, a trailing `_`
//! for keywords (`type` -> `type_`, which reads better than `r#type` and also works for `self`),
//! and a numeric suffix when two spec names collapse onto one Rust name.

use std::collections::BTreeSet;

use crate::case;

/// Words that cannot be used as plain identifiers (strict and reserved keywords of 2024).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// A snake_case identifier for a wire name: `type` -> `type_`, `averageValue` ->
/// `average_value`, `MAX_SIZE` -> `max_size`, `1st` -> `n1st`, `*` -> `field`.
pub fn snake_ident(name: &str) -> String {
    let mut s = case::snake(name);
    if s.is_empty() {
        s.push_str("field");
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'n');
    }
    if !s.is_ascii() {
        s = s
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
    }
    if is_keyword(&s) {
        s.push('_');
    }
    s
}

/// An UpperCamel identifier: `openstack_volumes` -> `OpenstackVolumes`, `-created` ->
/// `Created`, `gp2` -> `Gp2`, `1` -> `V1`, `` (empty) -> `Empty`.
pub fn camel_ident(name: &str) -> String {
    let mut s = case::upper_camel(name);
    if !s.is_ascii() {
        s = s.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    }
    if s.is_empty() {
        return "Empty".to_string();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    if is_keyword(&s) {
        s.push('_');
    }
    s
}

/// Hands out unique names within one scope (the fields of a struct, the methods of a tag):
/// the first `foo` stays `foo`, later ones become `foo_2`, `foo_3`, ...
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    pub fn new() -> Scope {
        Scope::default()
    }

    /// Reserves a name that generated code uses itself (e.g. `extra`).
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_string());
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    pub fn claim(&mut self, wanted: String) -> String {
        let sep = if wanted.ends_with('_') { "" } else { "_" };
        self.claim_with(wanted, sep)
    }

    /// Like [`Scope::claim`] for UpperCamel names, which take the number without `_`.
    pub fn claim_camel(&mut self, wanted: String) -> String {
        self.claim_with(wanted, "")
    }

    fn claim_with(&mut self, wanted: String, sep: &str) -> String {
        if self.taken.insert(wanted.clone()) {
            return wanted;
        }
        (2..)
            .map(|i| format!("{wanted}{sep}{i}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or(wanted)
    }
}

/// A tag with its leading underscores spelled out: `_matrix` (the Matrix protocol's
/// `/_matrix/...` endpoints) must not become the same module or feature as a `matrix` tag.
fn spelled_tag(tag: &str) -> String {
    let rest = tag.trim_start_matches('_');
    if rest.len() == tag.len() {
        tag.to_string()
    } else {
        format!("underscore_{rest}")
    }
}

/// The Cargo feature of a tag: `openstack_volumes` -> `openstack-volumes`,
/// `_matrix` -> `underscore-matrix`.
pub fn feature_name(tag: &str) -> String {
    let k = case::kebab(&spelled_tag(tag));
    if k.is_empty() {
        "untagged".to_string()
    } else {
        k
    }
}

/// The module of a tag: `openstack_volumes` -> `openstack_volumes`,
/// `_matrix` -> `underscore_matrix`.
pub fn module_name(tag: &str) -> String {
    snake_ident(&spelled_tag(tag))
}

/// The method name of an operation inside its tag: the operation id without the tag prefix
/// (`openstack_volumes_extend` -> `extend`), or the whole id when it has no such prefix.
pub fn method_name(operation_id: &str, tag: &str) -> String {
    let op = case::snake(operation_id);
    let tag = case::snake(tag);
    let short = op
        .strip_prefix(&tag)
        .and_then(|rest| rest.strip_prefix('_'))
        .filter(|rest| !rest.is_empty())
        .unwrap_or(&op);
    snake_ident(short)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert_eq!(snake_ident("type"), "type_");
        assert_eq!(snake_ident("self"), "self_");
        assert_eq!(snake_ident("averageValue"), "average_value");
        assert_eq!(snake_ident("MAX_SIZE"), "max_size");
        assert_eq!(snake_ident("*"), "field");
        assert_eq!(snake_ident("2fa_enabled"), "n2fa_enabled");
        assert_eq!(camel_ident("-created"), "Created");
        assert_eq!(camel_ident("OK"), "Ok");
        assert_eq!(camel_ident("1"), "V1");
        assert_eq!(camel_ident(""), "Empty");
        assert_eq!(camel_ident("self"), "Self_");
        assert_eq!(
            method_name("openstack_volumes_extend", "openstack_volumes"),
            "extend"
        );
        assert_eq!(
            method_name("identity_bridge", "identity_bridge"),
            "identity_bridge"
        );
        assert_eq!(
            method_name(
                "service_provider_api_secret_code_retrieve",
                "marketplace_service_providers"
            ),
            "service_provider_api_secret_code_retrieve"
        );
        assert_eq!(feature_name("openstack_volumes"), "openstack-volumes");
        assert_eq!(module_name("_matrix"), "underscore_matrix");
        assert_eq!(feature_name("_matrix"), "underscore-matrix");
    }

    #[test]
    fn scope_suffixes_collisions() {
        let mut s = Scope::new();
        s.reserve("extra");
        assert_eq!(s.claim("name".into()), "name");
        assert_eq!(s.claim("name".into()), "name_2");
        assert_eq!(s.claim("extra".into()), "extra_2");
        assert_eq!(s.claim("type_".into()), "type_");
        assert_eq!(s.claim("type_".into()), "type_2");
    }
}
