//! The public Rust names of a generated crate, read from its source files, so that
//! `cargo xtask codegen` can say what a regeneration removed or renamed even when the spec did
//! not change (a new generator names a model differently): the API-change summary compares
//! spec with spec and cannot see that, yet every removed name breaks the callers that use it.
//!
//! Names are paths as users write them: `models::Volume` (model files are re-exported flat),
//! `models::Volume.size` for a field, `models::State::Ok` for a variant, `openstack_volumes::
//! OpenstackVolumesApi::list` for a method. Methods that the runtime's macros add under fixed
//! names are left out; the names those macro invocations choose (a mock-handle method, the
//! unchecked-query method of a builder) are read from their arguments.

use std::collections::BTreeSet;

use proc_macro2::{TokenStream, TokenTree};
use syn::{ImplItem, Item, UseTree, Visibility};

/// The public names declared in one generated file, `path` relative to the crate root
/// (`src/models/volumes.rs`). A file that does not parse has none (the generator formats only
/// code that parses; a hand-edited file is reported by `--check` anyway). The vendored runtime
/// (`src/runtime/`) is not the generated API.
pub fn public_names(path: &str, text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Some(module) = module_of(path) else {
        return out;
    };
    let Ok(file) = syn::parse_file(text) else {
        return out;
    };
    let prefix = |name: &str| {
        if module.is_empty() {
            name.to_string()
        } else {
            format!("{module}::{name}")
        }
    };
    for item in &file.items {
        match item {
            Item::Struct(s) if is_pub(&s.vis) => {
                let name = prefix(&s.ident.to_string());
                for field in &s.fields {
                    if let (true, Some(id)) = (is_pub(&field.vis), &field.ident) {
                        out.insert(format!("{name}.{id}"));
                    }
                }
                out.insert(name);
            }
            Item::Enum(e) if is_pub(&e.vis) => {
                let name = prefix(&e.ident.to_string());
                for v in &e.variants {
                    out.insert(format!("{name}::{}", v.ident));
                }
                out.insert(name);
            }
            Item::Fn(f) if is_pub(&f.vis) => {
                out.insert(prefix(&f.sig.ident.to_string()));
            }
            Item::Const(c) if is_pub(&c.vis) => {
                out.insert(prefix(&c.ident.to_string()));
            }
            Item::Type(t) if is_pub(&t.vis) => {
                out.insert(prefix(&t.ident.to_string()));
            }
            Item::Trait(t) if is_pub(&t.vis) => {
                out.insert(prefix(&t.ident.to_string()));
            }
            Item::Mod(m) if is_pub(&m.vis) => {
                out.insert(prefix(&m.ident.to_string()));
            }
            // Model files are re-exported one name at a time by `models/mod.rs`, whose names
            // are already those of the files.
            Item::Use(u) if is_pub(&u.vis) && module != "models" => {
                use_names(&u.tree, &mut |name| {
                    out.insert(prefix(name));
                });
            }
            Item::Impl(i) if i.trait_.is_none() => {
                let Some(ty) = self_type(&i.self_ty) else {
                    continue;
                };
                let ty = prefix(&ty);
                for member in &i.items {
                    match member {
                        ImplItem::Fn(f) if is_pub(&f.vis) => {
                            out.insert(format!("{ty}::{}", f.sig.ident));
                        }
                        ImplItem::Macro(m) if last_segment(&m.mac.path) == "mock_operation" => {
                            if let Some(name) = first_ident(&m.mac.tokens) {
                                out.insert(format!("{ty}::{name}"));
                            }
                        }
                        _ => {}
                    }
                }
            }
            // `request_builder!(Builder -> Output ...; query_unchecked(field))`: the method
            // name after the `;`.
            Item::Macro(m) if last_segment(&m.mac.path) == "request_builder" => {
                let tokens: Vec<TokenTree> = m.mac.tokens.clone().into_iter().collect();
                let builder = tokens.first().and_then(ident_of);
                let method = tokens
                    .iter()
                    .position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ';'))
                    .and_then(|at| tokens.get(at + 1))
                    .and_then(ident_of);
                if let (Some(builder), Some(method)) = (builder, method) {
                    out.insert(format!("{}::{method}", prefix(&builder)));
                }
            }
            _ => {}
        }
    }
    out
}

/// The module a generated file's items are reached through; `None` for files that are not
/// Rust sources of the generated API.
fn module_of(path: &str) -> Option<String> {
    let rel = path.strip_prefix("src/")?.strip_suffix(".rs")?;
    if rel.starts_with("runtime/") || rel == "runtime" {
        return None;
    }
    Some(match rel {
        "lib" => String::new(),
        _ if rel.starts_with("models/") || rel == "models" => "models".to_string(),
        _ => rel.trim_end_matches("/mod").replace('/', "::"),
    })
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn self_type(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn last_segment(path: &syn::Path) -> String {
    path.segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

fn ident_of(t: &TokenTree) -> Option<String> {
    match t {
        TokenTree::Ident(i) => Some(i.to_string()),
        _ => None,
    }
}

fn first_ident(tokens: &TokenStream) -> Option<String> {
    tokens
        .clone()
        .into_iter()
        .next()
        .as_ref()
        .and_then(ident_of)
}

/// The names a `pub use` brings in (`a::B` -> `B`, `a::B as C` -> `C`, `a::*` -> `a::*`).
fn use_names(tree: &UseTree, add: &mut dyn FnMut(&str)) {
    match tree {
        UseTree::Path(p) => match &*p.tree {
            UseTree::Glob(_) => add(&format!("{}::*", p.ident)),
            inner => use_names(inner, add),
        },
        UseTree::Name(n) => add(&n.ident.to_string()),
        UseTree::Rename(r) => add(&r.rename.to_string()),
        UseTree::Glob(_) => add("*"),
        UseTree::Group(g) => {
            for t in &g.items {
                use_names(t, add);
            }
        }
    }
}

/// What a regeneration did to the public names: those gone (removed or renamed) and those new.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct NameChanges {
    pub removed: BTreeSet<String>,
    pub added: BTreeSet<String>,
}

impl NameChanges {
    pub fn between(old: &BTreeSet<String>, new: &BTreeSet<String>) -> NameChanges {
        NameChanges {
            removed: old.difference(new).cloned().collect(),
            added: new.difference(old).cloned().collect(),
        }
    }

    /// One paragraph for `cargo xtask codegen`, or `None` when no public name changed.
    pub fn paragraph(&self, shown: usize) -> Option<String> {
        if self.removed.is_empty() && self.added.is_empty() {
            return None;
        }
        let list = |names: &BTreeSet<String>| {
            let mut text: Vec<String> =
                names.iter().take(shown).map(|n| format!("`{n}`")).collect();
            if names.len() > shown {
                text.push(format!("and {} more", names.len() - shown));
            }
            text.join(", ")
        };
        let mut out = format!(
            "Rust names of the generated crate: {} removed or renamed, {} added.",
            self.removed.len(),
            self.added.len()
        );
        if !self.removed.is_empty() {
            out.push_str(&format!(
                " Gone: {}. Code that uses them no longer compiles: release the crate as a \
                 breaking version even if the API change above is none (a generator change \
                 renames without the spec changing).",
                list(&self.removed)
            ));
        }
        if !self.added.is_empty() {
            out.push_str(&format!(" New: {}.", list(&self.added)));
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODEL: &str = r#"
        pub struct Volume {
            pub size: Lenient<i64>,
            hidden: u8,
            pub extra: Extra,
        }
        runtime::response_model!(Volume, "Volume", extra, [size("size")]);
        impl Volume {
            pub fn size(&self) -> Option<i64> { self.size.copied() }
            fn private(&self) {}
        }
        impl Clone for Volume { fn clone(&self) -> Self { todo!() } }
        pub enum State { Ok, Erred, Unknown(String) }
        struct Private;
    "#;

    const TAG: &str = r#"
        pub struct VolumesApi { client: runtime::Client }
        impl VolumesApi {
            pub fn list(&self) -> VolumesListBuilder { todo!() }
        }
        pub struct VolumesListBuilder { client: runtime::Client }
        impl VolumesListBuilder {
            pub fn name(mut self, value: impl Into<String>) -> Self { self }
        }
        runtime::request_builder!(
            VolumesListBuilder -> runtime::Page<models::Volume>; query_unchecked_2(unchecked_query)
        );
        pub struct VolumesMock<'a> { pub(crate) server: &'a runtime::mock::MockServer }
        impl<'a> VolumesMock<'a> {
            runtime::mock_operation!(
                list() -> runtime::Page<models::Volume> = GET "/api/volumes/" "volumes_list" 200u16
            );
        }
    "#;

    fn names(path: &str, text: &str) -> Vec<String> {
        public_names(path, text).into_iter().collect()
    }

    #[test]
    fn models_are_named_as_users_reach_them() {
        assert_eq!(
            names("src/models/volumes.rs", MODEL),
            [
                "models::State",
                "models::State::Erred",
                "models::State::Ok",
                "models::State::Unknown",
                "models::Volume",
                "models::Volume.extra",
                "models::Volume.size",
                "models::Volume::size",
            ]
        );
    }

    #[test]
    fn operations_builders_and_macro_made_methods() {
        assert_eq!(
            names("src/volumes.rs", TAG),
            [
                "volumes::VolumesApi",
                "volumes::VolumesApi::list",
                "volumes::VolumesListBuilder",
                "volumes::VolumesListBuilder::name",
                "volumes::VolumesListBuilder::query_unchecked_2",
                "volumes::VolumesMock",
                "volumes::VolumesMock::list",
            ]
        );
    }

    #[test]
    fn root_reexports_count_and_the_vendored_runtime_does_not() {
        let lib = "pub mod models;\npub use runtime::{Uuid, Page as ItemPage};\npub use waldur_client_runtime as runtime;\npub mod volumes;\nmod hidden;";
        assert_eq!(
            names("src/lib.rs", lib),
            ["ItemPage", "Uuid", "models", "runtime", "volumes"]
        );
        assert!(names("src/runtime/client.rs", "pub struct Client;").is_empty());
        assert!(names("Cargo.toml", "pub struct X;").is_empty());
        assert!(names("src/broken.rs", "pub struct {").is_empty());
    }

    /// The names the runtime's macros take from their arguments are read from the checked-in
    /// client as the generator prints those invocations, so a change of their syntax shows
    /// here.
    #[test]
    fn the_checked_in_client_names_its_macro_made_methods() {
        let path = "src/openstack_volumes.rs";
        let file = crate::codegen::root().join(crate::codegen::OUT).join(path);
        let text = std::fs::read_to_string(&file).unwrap();
        let names = public_names(path, &text);
        for name in [
            "openstack_volumes::OpenstackVolumesApi::list",
            "openstack_volumes::OpenstackVolumesListBuilder::query_unchecked",
            "openstack_volumes::OpenstackVolumesRetrieveBuilder::query_unchecked",
            "openstack_volumes::OpenstackVolumesMock::list",
            "openstack_volumes::OpenstackVolumesMock::retrieve",
        ] {
            assert!(names.contains(name), "{name} not in {names:?}");
        }
    }

    #[test]
    fn a_rename_is_one_name_gone_and_one_new() {
        let old = public_names("src/models/volumes.rs", MODEL);
        let new = public_names(
            "src/models/volumes.rs",
            &MODEL.replace("pub enum State", "pub enum VolumeState"),
        );
        let changes = NameChanges::between(&old, &new);
        assert_eq!(
            changes.paragraph(2).as_deref(),
            Some(
                "Rust names of the generated crate: 4 removed or renamed, 4 added. Gone: \
                 `models::State`, `models::State::Erred`, and 2 more. Code that uses them no \
                 longer compiles: release the crate as a breaking version even if the API change \
                 above is none (a generator change renames without the spec changing). New: \
                 `models::VolumeState`, `models::VolumeState::Erred`, and 2 more."
            )
        );
        assert_eq!(NameChanges::between(&old, &old).paragraph(5), None);
    }
}
