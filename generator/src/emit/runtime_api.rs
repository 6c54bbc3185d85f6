//! The runtime's public names that generated code relies on: one table ([`NAMES`]), each name
//! with what generated code does with it ([`Role`]). Every list of runtime names the generator
//! needs is derived from it, so a name is added, renamed or dropped in one place:
//!
//! - the type names no generated type may take ([`reserved_types`], for the plan);
//! - the `use crate::runtime::{..}` at the top of every generated file ([`file_imports`]);
//! - the re-exports at the generated crate's root ([`root_reexports`]) and in its prelude
//!   ([`prelude_reexports`]);
//! - the `runtime::X` paths render prints: one constant per name of the `paths` section in
//!   `rt`, which prints `runtime::X` when interpolated (`#send` in `quote!`), so a path the
//!   table does not list does not compile, and a listed path nothing prints is dead code;
//! - the names a crate of the models alone re-exports (`cargo xtask roundtrip`,
//!   [`imported_types`]).
//!
//! The methods of the runtime's `MockServer` are listed here too ([`MOCK_SERVER_METHODS`]): the
//! tag accessors the generated crate adds to it must not take their names.
//!
//! The tests hold the table to the runtime: every name is imported from the real crate (a name
//! it does not export fails to compile), has the kind the runtime's sources give it, and every
//! `runtime::X` in the checked-in generated sources is in the table.

use std::fmt;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, quote};

/// The generated crate's name for its runtime: `pub use waldur_client_runtime as runtime;` or,
/// vendored, `pub mod runtime;`.
pub const MODULE: &str = "runtime";

/// What kind of item a runtime name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A struct, enum, trait or type alias.
    Type,
    Fn,
    /// A `macro_rules!` macro, exported at the runtime's root.
    Macro,
    /// A module, or a crate the runtime re-exports (`reqwest`).
    Module,
}

/// What generated code does with a runtime name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Imported by name in every generated model and tag file (`use crate::runtime::{..}`) and
    /// then printed bare (`Lenient<T>`, `reqwest::Method`).
    Import,
    /// Re-exported at the generated crate's root (`waldur_client::Uuid`), so users name it next
    /// to the models without knowing the runtime.
    Root,
    /// Also in the generated prelude (through the crate root, so it must be [`Role::Root`]).
    Prelude,
    /// No generated type takes it, though the generated code names it only qualified: users
    /// import it next to the models (`Client`, `MockServer`). Imported and root types are
    /// reserved anyway.
    Reserve,
    /// Printed as `runtime::X` by generated code (the `paths` section of the table).
    Path,
}

/// One public name of the runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimeName {
    /// Below the runtime's root: `send`, or `mock::MockServer` for a name of a module.
    pub path: &'static str,
    pub kind: Kind,
    pub roles: &'static [Role],
}

impl RuntimeName {
    /// The last segment of the path: what the name is imported as.
    pub fn name(&self) -> &'static str {
        self.path.rsplit("::").next().unwrap_or(self.path)
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// The table, as one macro invocation so that the tests can expand the same rows into imports
/// from the real runtime (a second list would be a second place to forget a name). Each row is
/// `name: Kind + Role...;`; rows of `paths` also have [`Role::Path`] and get a constant in `rt`;
/// a row of `others` may name an item of a module (`MockServer in mock`).
macro_rules! with_runtime_names {
    ($then:ident) => {
        $then! {
            paths {
                Accepted: Type + Root;
                ApiRequest: Type;
                Client: Type + Reserve;
                ClientBuilder: Type + Reserve;
                Error: Type + Root + Prelude;
                Extra: Type;
                FieldError: Type;
                FromJson: Type;
                Inspect: Type;
                Inspector: Type;
                ItemStream: Type;
                MultipartBody: Type;
                MultipartValue: Type;
                Page: Type + Root + Prelude;
                QueryValue: Type;
                RawBody: Type;
                RequestFields: Type;
                ResponseFuture: Type;
                WaitError: Type;
                WaitPolicy: Type;
                form_fields: Fn;
                missing_field: Fn;
                multipart_value: Fn;
                order_state: Fn;
                paging: Fn;
                path_param: Fn;
                send: Fn;
                stream_items: Fn;
                string_or_integer: Fn;
                wait_for: Fn;
                response_model: Macro;
                request_builder: Macro;
                mock_operation: Macro;
                blocking: Module;
                decode: Module;
                mock: Module;
                prelude: Module;
                version: Module;
            }
            others {
                Date: Type + Import + Root;
                DateTime: Type + Import + Root;
                Decimal: Type + Import + Root;
                FileUpload: Type + Import + Root;
                Lenient: Type + Import + Root + Prelude;
                Nullable: Type + Import + Root + Prelude;
                Uuid: Type + Import + Root;
                RetryPolicy: Type + Root;
                reqwest: Module + Import;
                serde_json: Module + Import;
                MockServer in mock: Type + Reserve;
                Stream in prelude: Type + Reserve;
                Value in serde_json: Type + Reserve;
            }
        }
    };
}

macro_rules! define_table {
    (
        paths { $($p:ident: $pkind:ident $(+ $prole:ident)*;)* }
        others { $($o:ident $(in $om:ident)?: $okind:ident $(+ $orole:ident)*;)* }
    ) => {
        /// Every runtime name generated code relies on (see the module docs).
        pub const NAMES: &[RuntimeName] = &[
            $(RuntimeName {
                path: stringify!($p),
                kind: Kind::$pkind,
                roles: &[Role::Path $(, Role::$prole)*],
            },)*
            $(RuntimeName {
                path: concat!($(stringify!($om), "::",)? stringify!($o)),
                kind: Kind::$okind,
                roles: &[$(Role::$orole),*],
            },)*
        ];

        /// The `runtime::X` paths render prints, one constant per name (interpolate it:
        /// `quote!(#send(client, req, #decode::json))`). Named as in the runtime, so the
        /// rendering code reads like the generated code; a path missing from the table is a
        /// name not found, and a constant no rendering uses is dead code.
        #[allow(non_upper_case_globals)]
        pub(crate) mod rt {
            use super::RuntimePath;
            $(pub const $p: RuntimePath = RuntimePath(stringify!($p));)*
        }
    };
}

with_runtime_names!(define_table);

/// `runtime::<name>`, for a name of the table's `paths`: tokens when interpolated in `quote!`,
/// text with `Display` (for docs and attribute strings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimePath(&'static str);

impl ToTokens for RuntimePath {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let module = Ident::new(MODULE, Span::call_site());
        let name = Ident::new(self.0, Span::call_site());
        tokens.extend(quote!(#module::#name));
    }
}

impl fmt::Display for RuntimePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{MODULE}::{}", self.0)
    }
}

fn with(role: Role) -> impl Iterator<Item = &'static RuntimeName> {
    NAMES.iter().filter(move |n| n.has(role))
}

fn sorted(mut names: Vec<&'static str>) -> Vec<&'static str> {
    names.sort_unstable();
    names
}

/// Type names no generated type may take: the names generated files import or the crate root
/// re-exports (a model of that name would shadow them or clash next to them), and those users
/// import next to the models.
pub fn reserved_types() -> Vec<&'static str> {
    sorted(
        NAMES
            .iter()
            .filter(|n| {
                n.kind == Kind::Type
                    && (n.has(Role::Reserve) || n.has(Role::Import) || n.has(Role::Root))
            })
            .map(RuntimeName::name)
            .collect(),
    )
}

/// What every generated model and tag file imports from the runtime, after `self`: modules
/// first, then types, each sorted by name.
pub fn file_imports() -> Vec<&'static str> {
    let mut names: Vec<&RuntimeName> = with(Role::Import).collect();
    names.sort_unstable_by_key(|n| (n.kind != Kind::Module, n.name()));
    names.into_iter().map(RuntimeName::name).collect()
}

/// The types of [`file_imports`]: what generated code names bare, so what a crate holding only
/// the models re-exports for code that prints types the same way.
pub fn imported_types() -> Vec<&'static str> {
    sorted(
        with(Role::Import)
            .filter(|n| n.kind == Kind::Type)
            .map(RuntimeName::name)
            .collect(),
    )
}

/// What the generated crate's root re-exports from the runtime, sorted.
pub fn root_reexports() -> Vec<&'static str> {
    sorted(with(Role::Root).map(RuntimeName::name).collect())
}

/// What the generated prelude re-exports from the crate root, sorted.
pub fn prelude_reexports() -> Vec<&'static str> {
    sorted(with(Role::Prelude).map(RuntimeName::name).collect())
}

/// Methods of the runtime's `mock::MockServer`: a tag accessor of the generated
/// `MockServerExt` with one of these names would be shadowed by the inherent method.
pub const MOCK_SERVER_METHODS: &[&str] = &[
    "start",
    "start_in_thread",
    "url",
    "client",
    "client_builder",
    "expect",
    "requests",
    "unmatched",
    "reset",
    "allow_unmatched",
    "verify",
];

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::{Path, PathBuf};

    use syn::{Item, UseTree, Visibility};

    use super::*;
    use crate::emit::runtime_crate;

    /// Every name of the table, imported from the real runtime crate (with the features whose
    /// modules generated code names): a name it does not export is a compile error here.
    macro_rules! import_every_name {
        (
            paths { $($p:ident: $pkind:ident $(+ $prole:ident)*;)* }
            others { $($o:ident $(in $om:ident)?: $okind:ident $(+ $orole:ident)*;)* }
        ) => {
            #[allow(unused_imports)]
            mod imported {
                $(use waldur_client_runtime::$p;)*
                $(use waldur_client_runtime::$($om::)?$o;)*
            }
        };
    }

    with_runtime_names!(import_every_name);

    #[test]
    fn rows_are_consistent() {
        let mut seen = BTreeSet::new();
        for n in NAMES {
            assert!(seen.insert(n.name()), "{} is listed twice", n.name());
            let at_root = !n.path.contains("::");
            // Imports and re-exports name the item at the runtime's root.
            for role in [Role::Import, Role::Root, Role::Prelude, Role::Path] {
                assert!(
                    !n.has(role) || at_root,
                    "{}: {role:?} needs a root name",
                    n.path
                );
            }
            assert!(!n.has(Role::Prelude) || n.has(Role::Root), "{}", n.path);
            assert!(!n.has(Role::Reserve) || n.kind == Kind::Type, "{}", n.path);
        }
        assert_eq!(rt::send.to_string(), "runtime::send");
        let decode = rt::decode;
        assert_eq!(
            quote!(#decode::json).to_string(),
            "runtime :: decode :: json"
        );
    }

    /// The lists the old hand-written places held, now derived: the generated code keeps them.
    #[test]
    fn derived_lists() {
        assert_eq!(
            file_imports(),
            [
                "reqwest",
                "serde_json",
                "Date",
                "DateTime",
                "Decimal",
                "FileUpload",
                "Lenient",
                "Nullable",
                "Uuid"
            ]
        );
        assert_eq!(
            root_reexports(),
            [
                "Accepted",
                "Date",
                "DateTime",
                "Decimal",
                "Error",
                "FileUpload",
                "Lenient",
                "Nullable",
                "Page",
                "RetryPolicy",
                "Uuid"
            ]
        );
        assert_eq!(
            prelude_reexports(),
            ["Error", "Lenient", "Nullable", "Page"]
        );
        let reserved = reserved_types();
        for name in [
            "Client",
            "ClientBuilder",
            "MockServer",
            "Stream",
            "Value",
            "Uuid",
        ] {
            assert!(reserved.contains(&name), "{name}");
        }
        assert!(!reserved.contains(&"ApiRequest"));
    }

    /// The runtime's sources as the generator embeds them, parsed.
    struct Runtime {
        files: BTreeMap<&'static str, syn::File>,
    }

    /// What a name resolves to: an item of the runtime, or a re-export of another crate's
    /// (whose kind the runtime's sources do not say; the imports above check it exists).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Found {
        Local(Kind),
        External,
    }

    impl Runtime {
        fn parse() -> Runtime {
            let files = runtime_crate::source_files()
                .iter()
                .map(|(name, text)| {
                    let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{name}: {e}"));
                    (*name, file)
                })
                .collect();
            Runtime { files }
        }

        /// The items of a module of the runtime (`[]`: the root, `lib.rs`).
        fn items(&self, module: &[String]) -> &[Item] {
            let mut items: &[Item] = &self.files["lib.rs"].items;
            for (depth, segment) in module.iter().enumerate() {
                let m = items
                    .iter()
                    .find_map(|i| match i {
                        Item::Mod(m) if m.ident == segment => Some(m),
                        _ => None,
                    })
                    .unwrap_or_else(|| panic!("no module {}", module.join("::")));
                items = match &m.content {
                    Some((_, inline)) => inline,
                    // The runtime's modules are files next to `lib.rs`.
                    None if depth == 0 => &self.files[format!("{segment}.rs").as_str()].items,
                    None => panic!("module file {} not supported", module.join("::")),
                };
            }
            items
        }

        fn has_module(&self, module: &[String], name: &str) -> bool {
            self.items(module)
                .iter()
                .any(|i| matches!(i, Item::Mod(m) if m.ident == name))
        }

        /// What `name` is in `module`, following `pub use` to where it is defined.
        fn lookup(&self, module: &[String], name: &str, depth: usize) -> Option<Found> {
            assert!(depth < 16, "re-exports of {name} go round in circles");
            for item in self.items(module) {
                let (vis, ident, kind) = match item {
                    Item::Struct(i) => (&i.vis, &i.ident, Kind::Type),
                    Item::Enum(i) => (&i.vis, &i.ident, Kind::Type),
                    Item::Union(i) => (&i.vis, &i.ident, Kind::Type),
                    Item::Trait(i) => (&i.vis, &i.ident, Kind::Type),
                    Item::Type(i) => (&i.vis, &i.ident, Kind::Type),
                    Item::Fn(i) => (&i.vis, &i.sig.ident, Kind::Fn),
                    Item::Mod(i) => (&i.vis, &i.ident, Kind::Module),
                    Item::Use(u) if matches!(u.vis, Visibility::Public(_)) => {
                        let mut prefix = Vec::new();
                        if let Some(found) =
                            self.use_tree(module, &u.tree, &mut prefix, name, depth)
                        {
                            return Some(found);
                        }
                        continue;
                    }
                    _ => continue,
                };
                if ident == name && matches!(vis, Visibility::Public(_)) {
                    return Some(Found::Local(kind));
                }
            }
            // `#[macro_export]` puts a macro at the root, whichever file defines it.
            if module.is_empty() {
                let exported = self.files.values().flat_map(|f| &f.items).any(|i| {
                    matches!(i, Item::Macro(m)
                        if m.ident.as_ref().is_some_and(|id| id == name)
                            && m.attrs.iter().any(|a| a.path().is_ident("macro_export")))
                });
                if exported {
                    return Some(Found::Local(Kind::Macro));
                }
            }
            None
        }

        /// `name` in a `pub use` tree of `module`: where the leaf it is imported as points.
        fn use_tree(
            &self,
            module: &[String],
            tree: &UseTree,
            prefix: &mut Vec<String>,
            name: &str,
            depth: usize,
        ) -> Option<Found> {
            match tree {
                UseTree::Path(p) => {
                    prefix.push(p.ident.to_string());
                    let found = self.use_tree(module, &p.tree, prefix, name, depth);
                    prefix.pop();
                    found
                }
                UseTree::Group(g) => g
                    .items
                    .iter()
                    .find_map(|t| self.use_tree(module, t, prefix, name, depth)),
                UseTree::Name(n) if n.ident == name => {
                    self.target(module, prefix, &n.ident.to_string(), depth)
                }
                UseTree::Rename(r) if r.rename == name => {
                    self.target(module, prefix, &r.ident.to_string(), depth)
                }
                _ => None,
            }
        }

        /// The item `prefix::leaf` of a `use` in `module` (paths relative to the module, as
        /// in Rust 2018 and later): in the runtime, or in another crate.
        fn target(
            &self,
            module: &[String],
            prefix: &[String],
            leaf: &str,
            depth: usize,
        ) -> Option<Found> {
            let mut at: Vec<String> = match prefix.first().map(String::as_str) {
                Some("crate") => Vec::new(),
                Some("self") => module.to_vec(),
                Some("super") => module[..module.len() - 1].to_vec(),
                Some(first) if self.has_module(module, first) => {
                    let mut at = module.to_vec();
                    at.push(first.to_string());
                    at
                }
                // `pub use reqwest;`, `pub use uuid::Uuid;`: another crate.
                _ => return Some(Found::External),
            };
            at.extend(prefix.iter().skip(1).cloned());
            self.lookup(&at, leaf, depth + 1)
        }

        /// A row of the table: its module (if any) at the root, then the name in it.
        fn resolve(&self, path: &str) -> Option<Found> {
            let segments: Vec<String> = path.split("::").map(str::to_string).collect();
            let (name, modules) = segments.split_last().expect("a path");
            for (i, m) in modules.iter().enumerate() {
                match self.lookup(&modules[..i], m, 0)? {
                    Found::External => return Some(Found::External),
                    Found::Local(Kind::Module) => {}
                    Found::Local(other) => panic!("{m} in {path} is a {other:?}"),
                }
            }
            self.lookup(modules, name, 0)
        }
    }

    /// Every row is a public item of the runtime where the table says, of the kind it says:
    /// read from the runtime's sources (`pub use` groups, renames, `pub type`, exported
    /// macros), as the imports above check that it compiles.
    #[test]
    fn every_name_is_a_public_item_of_the_runtime() {
        let runtime = Runtime::parse();
        for n in NAMES {
            match runtime.resolve(n.path) {
                None => panic!("the runtime has no public {}", n.path),
                Some(Found::Local(kind)) => assert_eq!(kind, n.kind, "{}", n.path),
                Some(Found::External) => {}
            }
        }
        // The resolution itself: a re-export through a module, a rename of an exported
        // macro, an alias, a module's item, another crate's item, a missing name.
        assert_eq!(runtime.resolve("send"), Some(Found::Local(Kind::Fn)));
        assert_eq!(runtime.resolve("decode"), Some(Found::Local(Kind::Module)));
        assert_eq!(
            runtime.resolve("response_model"),
            Some(Found::Local(Kind::Macro))
        );
        assert_eq!(runtime.resolve("DateTime"), Some(Found::Local(Kind::Type)));
        assert_eq!(
            runtime.resolve("prelude::Client"),
            Some(Found::Local(Kind::Type))
        );
        assert_eq!(runtime.resolve("Uuid"), Some(Found::Local(Kind::Type)));
        assert_eq!(runtime.resolve("uuid"), Some(Found::External));
        assert_eq!(runtime.resolve("connections"), None);
        assert_eq!(runtime.resolve("NoSuchName"), None);
    }

    /// [`MOCK_SERVER_METHODS`] is every public method of `MockServer`.
    #[test]
    fn mock_server_methods_are_the_runtimes() {
        let runtime = Runtime::parse();
        let mut methods = BTreeSet::new();
        for item in &runtime.files["mock.rs"].items {
            let Item::Impl(i) = item else { continue };
            let syn::Type::Path(t) = &*i.self_ty else {
                continue;
            };
            if i.trait_.is_some() || !t.path.is_ident("MockServer") {
                continue;
            }
            for f in &i.items {
                if let syn::ImplItem::Fn(f) = f
                    && matches!(f.vis, Visibility::Public(_))
                {
                    methods.insert(f.sig.ident.to_string());
                }
            }
        }
        let listed: BTreeSet<String> = MOCK_SERVER_METHODS.iter().map(|m| m.to_string()).collect();
        assert_eq!(listed, methods);
    }

    fn workspace() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("the generator is in the workspace")
            .to_path_buf()
    }

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                // A vendored runtime is the runtime itself, not code generated against it.
                if path.file_name().is_some_and(|n| n == "runtime") {
                    continue;
                }
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    fn is_ident_char(c: char) -> bool {
        c.is_ascii_alphanumeric() || c == '_'
    }

    /// How a generated file names a runtime name.
    #[derive(Debug, PartialEq, Eq)]
    enum Named {
        /// `runtime::X` (followed by anything).
        Path(String),
        /// `runtime::{.., X, ..}`, a `use` group.
        Grouped(String),
    }

    /// Every runtime name in `text`: after `runtime::` (bare or `crate::runtime::`, not another
    /// crate's `tokio::runtime::`), and each name of a group `runtime::{A, B}` but `self`.
    fn runtime_names(text: &str) -> Vec<Named> {
        let needle = "runtime::";
        let mut found = Vec::new();
        for (at, _) in text.match_indices(needle) {
            let before = &text[..at];
            if before.ends_with(is_ident_char)
                || (before.ends_with("::") && !before.ends_with("crate::"))
            {
                continue;
            }
            let rest = &text[at + needle.len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let group = &group[..group.find('}').expect("a closed use group")];
                found.extend(
                    group
                        .split(',')
                        .map(str::trim)
                        .filter(|n| !n.is_empty() && *n != "self")
                        .map(|n| Named::Grouped(n.to_string())),
                );
            } else {
                let end = rest.find(|c| !is_ident_char(c)).unwrap_or(rest.len());
                found.push(Named::Path(rest[..end].to_string()));
            }
        }
        found
    }

    #[test]
    fn scanner_finds_runtime_names() {
        let text = "use crate::runtime::{\n    self, reqwest, Date,\n};\nx: runtime::Page<T>, \
                    tokio::runtime::Builder, my_runtime::X, `runtime::wait_for`";
        assert_eq!(
            runtime_names(text),
            [
                Named::Grouped("reqwest".into()),
                Named::Grouped("Date".into()),
                Named::Path("Page".into()),
                Named::Path("wait_for".into()),
            ]
        );
    }

    /// Every runtime name the checked-in generated crates print is in the table: as a path
    /// (`runtime::send`) a row of `paths`, in a `use` group a name imported or re-exported.
    #[test]
    fn generated_sources_name_only_listed_runtime_names() {
        let root = workspace();
        let mut crates = vec![root.join("generated-client")];
        let fixtures = root.join("generator/tests/output");
        for entry in std::fs::read_dir(&fixtures).expect("the fixture crates") {
            crates.push(entry.expect("a directory entry").path());
        }
        let paths: BTreeSet<&str> = with(Role::Path).map(RuntimeName::name).collect();
        let grouped: BTreeSet<&str> = NAMES
            .iter()
            .filter(|n| n.has(Role::Import) || n.has(Role::Root))
            .map(RuntimeName::name)
            .collect();
        let mut unlisted = BTreeSet::new();
        for krate in &crates {
            let mut files = Vec::new();
            rust_files(&krate.join("src"), &mut files);
            let mut seen = 0;
            for file in &files {
                let text = std::fs::read_to_string(file)
                    .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
                for named in runtime_names(&text) {
                    seen += 1;
                    let listed = match &named {
                        Named::Path(name) => paths.contains(name.as_str()),
                        Named::Grouped(name) => grouped.contains(name.as_str()),
                    };
                    if !listed {
                        unlisted.insert(format!("{named:?} in {}", file.display()));
                    }
                }
            }
            assert!(seen > 0, "no runtime names in {}", krate.display());
        }
        assert!(
            unlisted.is_empty(),
            "runtime names missing from emit::runtime_api: {unlisted:#?}"
        );
    }
}
