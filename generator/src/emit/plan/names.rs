//! Rust names for spec names, and their allocation per namespace.
//!
//! Spelling: snake_case for fields, methods and modules, UpperCamel for types and variants
//! (case conversion by `heck`), a trailing `_` for keywords (`type` -> `type_`, which reads
//! better than `r#type` and also works for `self`), and ASCII only.
//!
//! Allocation: a [`Namespace`] starts with the names already used there (see the `RESERVED_*`
//! lists) and hands out each wanted name once; a taken name gets the namespace's suffix
//! (`send` -> `send_param` among a builder's setters), then a number. Allocation follows spec
//! order, so the same spec always gives the same names.

use std::collections::BTreeSet;
use std::sync::{Arc, LazyLock};

use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};

use crate::emit::runtime_api;

/// Strict and reserved keywords of Rust 2024: never plain identifiers.
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

/// Type names the generated code uses unqualified (the prelude) or that users import next to
/// the models: a model must not take them. The runtime's come from its table
/// ([`runtime_api::reserved_types`]), so they are the names it really imports and re-exports.
pub static RESERVED_TYPES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut names = STD_TYPES.to_vec();
    names.extend(runtime_api::reserved_types());
    names
});

/// The prelude's and std's type names generated code uses unqualified.
const STD_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "Extend",
    "ToString",
    "ToOwned",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "AsRef",
    "AsMut",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Debug",
    "Hash",
    "Self",
];

/// The model file (`models/shared.rs`) of the types several tags use.
pub const SHARED_MODELS: &str = "shared";

/// The module of the marker traits that make calling the accessor of a tag whose feature is
/// off a compile error naming the feature.
pub const DISABLED_FEATURES: &str = "disabled";

/// Modules of the generated crate besides the tag modules.
pub const RESERVED_MODULES: &[&str] = &[
    // The file of the models several tags use (`models/shared.rs`): a tag named `shared`
    // gets another module name, so its own models do not land in that file.
    SHARED_MODELS,
    "models",
    DISABLED_FEATURES,
    runtime_api::MODULE,
    "prelude",
    "mock",
    "std",
    "core",
    "alloc",
    "serde",
    "serde_json",
    "reqwest",
    "futures_core",
    "futures_util",
    "tokio",
    "bytes",
    "uuid",
    "chrono",
];

/// Methods every generated type has through common traits: an inherent method of that name
/// would shadow them (`x.clone()` must clone).
pub const TRAIT_METHODS: &[&str] = &[
    "clone",
    "clone_from",
    "fmt",
    "eq",
    "ne",
    "cmp",
    "partial_cmp",
    "hash",
    "default",
    "from",
    "into",
    "try_from",
    "try_into",
    "to_owned",
    "to_string",
    "borrow",
    "borrow_mut",
    "type_id",
    "serialize",
    "deserialize",
    "into_future",
    "as_ref",
    "as_mut",
];

/// A snake_case identifier for a wire name: `type` -> `type_`, `averageValue` ->
/// `average_value`, `MAX_SIZE` -> `max_size`, `1st` -> `n1st`, `*` -> `field`.
pub fn snake_ident(name: &str) -> String {
    let mut s: String = ascii_words(name).to_snake_case();
    if s.is_empty() {
        s.push_str("field");
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'n');
    }
    if is_keyword(&s) {
        s.push('_');
    }
    s
}

/// An UpperCamel identifier: `openstack_volumes` -> `OpenstackVolumes`, `gp2` -> `Gp2`,
/// `1` -> `V1`, `` (empty) -> `Blank`, `a b` -> `AB`, `self` -> `Self_`.
pub fn camel_ident(name: &str) -> String {
    let mut s = camel_prefix(name);
    if is_keyword(&s) {
        s.push('_');
    }
    s
}

/// The UpperCamel start of a longer identifier (`<prefix>Api`, `<prefix>Builder`): as
/// [`camel_ident`], but a keyword stays as it is, since `SelfApi` is no keyword and
/// `Self_Api` is not UpperCamel (rustc's `non_camel_case_types` warns).
pub fn camel_prefix(name: &str) -> String {
    let mut s: String = ascii_words(name).to_upper_camel_case();
    if s.is_empty() {
        return "Blank".to_string();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    s
}

/// A Cargo feature name: `openstack_volumes` -> `openstack-volumes`.
pub fn kebab(name: &str) -> String {
    ascii_words(name).to_kebab_case()
}

/// `name` with every character that cannot be part of an ASCII identifier turned into a word
/// break. heck splits words at case changes and at `_`/`-`/spaces, but keeps other characters
/// (`é`, `*`, `.`) inside words, which Rust identifiers cannot hold.
fn ascii_words(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// A tag with its leading underscores spelled out: `_matrix` (the Matrix protocol's
/// `/_matrix/...` endpoints) must not become the same module or feature as a `matrix` tag.
pub fn spelled_tag(tag: &str) -> String {
    let rest = tag.trim_start_matches('_');
    if rest.len() == tag.len() {
        tag.to_string()
    } else {
        format!("underscore_{rest}")
    }
}

/// The method name of an operation inside its tag: the operation id without the tag prefix
/// (`openstack_volumes_extend` -> `extend`), or the whole id when it has no such prefix.
pub fn method_name(operation_id: &str, tag: &str) -> String {
    let op = ascii_words(operation_id).to_snake_case();
    let tag = ascii_words(tag).to_snake_case();
    let short = op
        .strip_prefix(&tag)
        .and_then(|rest| rest.strip_prefix('_'))
        .filter(|rest| !rest.is_empty())
        .unwrap_or(&op);
    snake_ident(short)
}

/// How a namespace numbers a second use of a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Numbering {
    /// `name_2` (snake_case names).
    Snake,
    /// `Name2` (UpperCamel names).
    Camel,
    /// `name-2` (Cargo features).
    Kebab,
}

/// Names handed out in one scope (the methods of a type, the types of a module, the features of
/// the crate).
#[derive(Debug, Clone)]
pub struct Namespace {
    taken: BTreeSet<String>,
    /// Names of an enclosing scope, not to be used here either. Shared rather than copied
    /// into `taken`: every tag module avoids all model names (hundreds of tags times
    /// thousands of models in a whole-API crate).
    outer: Option<Arc<BTreeSet<String>>>,
    /// Tried before numbering: `send` -> `send_param`.
    suffix: &'static str,
    numbering: Numbering,
}

impl Namespace {
    /// A namespace of snake_case names.
    pub fn snake(reserved: &[&str]) -> Namespace {
        Namespace::with(reserved, Numbering::Snake)
    }

    /// A namespace of UpperCamel names.
    pub fn camel(reserved: &[&str]) -> Namespace {
        Namespace::with(reserved, Numbering::Camel)
    }

    /// A namespace of Cargo feature names.
    pub fn kebab(reserved: &[&str]) -> Namespace {
        Namespace::with(reserved, Numbering::Kebab)
    }

    fn with(reserved: &[&str], numbering: Numbering) -> Namespace {
        Namespace {
            taken: reserved.iter().map(|s| s.to_string()).collect(),
            outer: None,
            suffix: "",
            numbering,
        }
    }

    /// Tries `<name><suffix>` before numbering a taken name.
    pub fn suffixed(mut self, suffix: &'static str) -> Namespace {
        self.suffix = suffix;
        self
    }

    /// Also avoids every name of `outer`.
    pub fn avoiding(mut self, outer: Arc<BTreeSet<String>>) -> Namespace {
        self.outer = Some(outer);
        self
    }

    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_string());
    }

    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name) || self.outer.as_ref().is_some_and(|o| o.contains(name))
    }

    /// Takes `name` if it is free.
    fn take(&mut self, name: &str) -> bool {
        !self.outer.as_ref().is_some_and(|o| o.contains(name)) && self.taken.insert(name.into())
    }

    /// Hands out `wanted`, or the first free of `<wanted><suffix>`, `<wanted>2`, `<wanted>3`, ...
    /// (spelled per the namespace's case: `wanted_2`, `Wanted2`, `wanted-2`).
    pub fn claim(&mut self, wanted: &str) -> String {
        if self.take(wanted) {
            return wanted.to_string();
        }
        // A keyword-escaped name (`type_`) takes its suffix without a second underscore.
        let stem = wanted.trim_end_matches('_');
        if !self.suffix.is_empty() {
            let candidate = format!("{stem}{}", self.suffix);
            if self.take(&candidate) {
                return candidate;
            }
        }
        let sep = match self.numbering {
            Numbering::Snake => "_",
            Numbering::Camel => "",
            Numbering::Kebab => "-",
        };
        (2usize..)
            .map(|i| format!("{stem}{sep}{i}"))
            .find(|candidate| self.take(candidate))
            .unwrap_or_default()
    }
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
        assert_eq!(snake_ident("cores__gte"), "cores_gte");
        assert_eq!(snake_ident("*"), "field");
        assert_eq!(snake_ident("2fa_enabled"), "n2fa_enabled");
        assert_eq!(camel_ident("-created"), "Created");
        assert_eq!(camel_ident("OK"), "Ok");
        assert_eq!(camel_ident("1"), "V1");
        assert_eq!(camel_ident(""), "Blank");
        assert_eq!(camel_ident("a b"), "AB");
        assert_eq!(camel_ident("self"), "Self_");
        assert_eq!(camel_prefix("self"), "Self");
        assert_eq!(camel_prefix("crate"), "Crate");
        assert_eq!(camel_prefix("1"), "V1");
        assert_eq!(kebab("openstack_volumes"), "openstack-volumes");
        assert_eq!(
            method_name("openstack_volumes_extend", "openstack_volumes"),
            "extend"
        );
        assert_eq!(
            method_name("identity_bridge", "identity_bridge"),
            "identity_bridge"
        );
        assert_eq!(spelled_tag("_matrix"), "underscore_matrix");
    }

    /// Why the wrapper exists: heck keeps non-ASCII letters inside words, returns nothing for a
    /// name without letters, and keeps keywords and digit-initial words, which Rust rejects.
    #[test]
    fn heck_alone_is_not_enough() {
        assert_eq!("état".to_snake_case(), "état");
        assert_eq!(snake_ident("état"), "tat");
        assert_eq!("*".to_snake_case(), "");
        assert_eq!(snake_ident("*"), "field");
        assert_eq!("type".to_snake_case(), "type");
        assert_eq!("1st".to_snake_case(), "1st");
        assert_eq!(snake_ident("1st"), "n1st");
        assert_eq!("".to_upper_camel_case(), "");
        assert_eq!(camel_ident(""), "Blank");
    }

    #[test]
    fn namespaces_suffix_then_number() {
        let mut ns = Namespace::snake(&["send"]).suffixed("_param");
        assert_eq!(ns.claim("send"), "send_param");
        assert_eq!(ns.claim("send"), "send_2");
        assert_eq!(ns.claim("name"), "name");
        assert_eq!(ns.claim("name"), "name_param");
        assert_eq!(ns.claim("type_"), "type_");
        assert_eq!(ns.claim("type_"), "type_param");
        let mut types = Namespace::camel(&RESERVED_TYPES);
        assert_eq!(types.claim("Result"), "Result2");
        let mut features = Namespace::kebab(&["default"]);
        assert_eq!(features.claim("default"), "default-2");
    }
}
