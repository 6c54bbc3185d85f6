//! Runs the naming passes over one Api built from every page of the newest Markdown snapshot in
//! `../shared/corpus/markdown/` and checks the whole-API requirements: no inline types left,
//! every reference resolves, names are unique valid identifiers, the seed page's models get
//! their spec names, and removing a page does not rename what other pages use.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

use waldur_codegen::ir::passes::{PassOptions, run};
use waldur_codegen::ir::{Api, Operation, ResponseBody, Ty, TypeDef};
use waldur_codegen::markdown::{Page, PageOutcome, parse_page};

/// The API pages of the newest snapshot, sorted by path.
fn newest_pages(shared: &Path) -> (String, Vec<Page>) {
    let root = shared.join("corpus/markdown");
    let newest = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .max()
        .unwrap_or_else(|| panic!("{}: no snapshot", root.display()));
    let mut files = Vec::new();
    common::md_files(&newest, &mut files);
    let mut pages = Vec::new();
    for file in &files {
        let rel = file
            .strip_prefix(&newest)
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/");
        let text =
            std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        if let PageOutcome::Api(page) = parse_page(&rel, &text) {
            assert!(page.diagnostics.is_empty(), "{rel}: {:?}", page.diagnostics);
            pages.push(page);
        }
    }
    let name = newest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (name, pages)
}

fn build_api<'a>(pages: impl Iterator<Item = &'a Page>) -> Api {
    let mut api = Api::default();
    for page in pages {
        api.sources.push(page.source.clone());
        api.operations.extend(page.operations.iter().cloned());
    }
    api
}

fn run_timed(api: &mut Api) -> Duration {
    let started = Instant::now();
    if let Err(diags) = run(api, &PassOptions::default()) {
        panic!("passes failed: {diags:?}");
    }
    started.elapsed()
}

/// Calls `f` with every type of an operation.
fn op_types<'a>(op: &'a Operation, f: &mut dyn FnMut(&'a Ty)) {
    op.params.iter().for_each(|p| f(&p.ty));
    op.body.iter().for_each(|b| f(&b.ty));
    for r in &op.responses {
        if let ResponseBody::Json { ty } | ResponseBody::NdJson { ty } = &r.body {
            f(ty);
        }
        for ty in r.headers.values() {
            f(ty);
        }
    }
}

/// Reference names in `ty`; panics on an inline type (the passes must have removed them all).
fn refs<'a>(ty: &'a Ty, at: &str, out: &mut Vec<&'a str>) {
    match ty {
        Ty::Ref { name } => out.push(name),
        Ty::Array { items } => refs(items, at, out),
        Ty::Map { values } => refs(values, at, out),
        Ty::OneOf { variants } => variants.iter().for_each(|v| refs(v, at, out)),
        Ty::Object { .. } | Ty::Enum { .. } => panic!("inline type left in {at}"),
        Ty::Scalar { .. } | Ty::Any => {}
    }
}

/// The type names each operation refers to directly, by operation id.
fn op_refs(api: &Api) -> BTreeMap<&str, Vec<&str>> {
    api.operations
        .iter()
        .map(|op| {
            let mut names = Vec::new();
            op_types(op, &mut |ty| refs(ty, &op.operation_id, &mut names));
            (op.operation_id.as_str(), names)
        })
        .collect()
}

/// Type definitions (aliases resolved) reachable from `ty`, added to `out`.
fn reach<'a>(api: &'a Api, ty: &'a Ty, out: &mut BTreeSet<&'a str>) {
    let mut names = Vec::new();
    refs(ty, "", &mut names);
    for mut name in names {
        if let Some(TypeDef::Alias {
            ty: Ty::Ref { name: target },
            ..
        }) = api.types.get(name)
        {
            name = target;
        }
        if !out.insert(name) {
            continue;
        }
        if let Some(TypeDef::Object(o)) = api.types.get(name) {
            for f in &o.fields {
                reach(api, &f.ty, out);
            }
            if let Some(a) = &o.additional {
                reach(api, a, out);
            }
        }
    }
}

/// Every `(operation, type, other operation)` where a type definition reachable from the
/// operation (through fields, at any depth) is named after another operation: a name made up
/// from the other operation's id (`<OperationId>Response`, or nested in one), or the name
/// derived from the request model of another operation's action (`InvitationDecline` from
/// `InvitationDeclineRequest`). Names derived from a create or update model name the resource
/// and may be shared.
fn foreign_names(api: &Api) -> Vec<(String, String, String)> {
    use heck::ToUpperCamelCase;
    let mut synthesized: Vec<(String, &str)> = api
        .operations
        .iter()
        .map(|op| {
            (
                format!("{}Response", op.operation_id.to_upper_camel_case()),
                op.operation_id.as_str(),
            )
        })
        .collect();
    synthesized.sort();
    let mut derived: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    let mut resource: BTreeSet<String> = BTreeSet::new();
    for op in &api.operations {
        let Some(Ty::Ref { name }) = op.body.as_ref().map(|b| &b.ty) else {
            continue;
        };
        let stem = name.strip_prefix("Patched").unwrap_or(name);
        let stem = stem.strip_suffix("Request").unwrap_or(stem).to_string();
        let id = op.operation_id.as_str();
        // A create or update acts on the collection or the item itself; anything with more
        // path is an action (`/api/volumes/{uuid}/extend/`, `/api/invoice/send-report/`).
        let segments: Vec<&str> = op.path.split('/').filter(|s| !s.is_empty()).collect();
        let action = match segments.iter().rposition(|s| s.starts_with('{')) {
            Some(last) => last + 1 < segments.len(),
            None => segments.len() > 2,
        };
        if action {
            derived.entry(stem).or_default().insert(id);
        } else {
            resource.insert(stem);
        }
    }
    let mut out = Vec::new();
    for op in &api.operations {
        let mut defs = BTreeSet::new();
        op_types(op, &mut |ty| reach(api, ty, &mut defs));
        for def in defs {
            if let Some((_, other)) = synthesized.iter().find(|(prefix, other)| {
                def.starts_with(prefix.as_str()) && *other != op.operation_id
            }) {
                // Unless the operation's own name is the longer match (`AListResponse` for
                // `a_list`, not `a`).
                let own = format!("{}Response", op.operation_id.to_upper_camel_case());
                if !(def.starts_with(&own) && own.len() >= other.len()) {
                    out.push((op.operation_id.clone(), def.to_string(), other.to_string()));
                    continue;
                }
            }
            if let Some(owners) = derived.get(def)
                && !owners.contains(op.operation_id.as_str())
                && !resource.contains(def)
            {
                let other = owners.iter().next().copied().unwrap_or_default();
                out.push((op.operation_id.clone(), def.to_string(), other.to_string()));
            }
        }
    }
    out
}

/// The contract of `run`: no inline types, every reference resolves, valid names, aliases
/// point at definitions. Returns (objects, enums, aliases).
fn check_invariants(api: &Api) -> (usize, usize, usize) {
    let mut names = Vec::new();
    for op in &api.operations {
        op_types(op, &mut |ty| refs(ty, &op.operation_id, &mut names));
    }
    let (mut objects, mut enums, mut aliases) = (0, 0, 0);
    for (name, def) in &api.types {
        let mut chars = name.chars();
        assert!(
            chars.next().is_some_and(|c| c.is_ascii_uppercase())
                && chars.all(|c| c.is_ascii_alphanumeric()),
            "invalid type name `{name}`"
        );
        match def {
            TypeDef::Object(o) => {
                objects += 1;
                o.fields.iter().for_each(|f| refs(&f.ty, name, &mut names));
                o.additional.iter().for_each(|a| refs(a, name, &mut names));
            }
            TypeDef::Enum(_) => enums += 1,
            TypeDef::Alias { ty, .. } => {
                aliases += 1;
                let Ty::Ref { name: target } = ty else {
                    panic!("alias `{name}` is not a reference")
                };
                assert!(
                    !matches!(api.types.get(target), Some(TypeDef::Alias { .. })),
                    "alias `{name}` points at alias `{target}`"
                );
                refs(ty, name, &mut names);
            }
        }
    }
    for name in names {
        assert!(
            api.types.contains_key(name),
            "unresolved reference `{name}`"
        );
    }
    // `api.types` is a map, so names are unique; check case-insensitive uniqueness too (file
    // names of emitted modules).
    let lower: BTreeSet<String> = api.types.keys().map(|n| n.to_ascii_lowercase()).collect();
    assert_eq!(lower.len(), api.types.len(), "names differing only in case");
    (objects, enums, aliases)
}

#[test]
fn newest_snapshot_names_are_unique_resolved_and_stable() {
    let Some(shared) = common::shared_dir("naming_corpus") else {
        return;
    };
    let (snapshot, pages) = newest_pages(&shared);
    let mut full = build_api(pages.iter());
    let operations = full.operations.len();
    let elapsed = run_timed(&mut full);
    let (objects, enums, aliases) = check_invariants(&full);
    println!(
        "{snapshot}: {} pages, {operations} operations -> {objects} objects, {enums} enums, \
         {aliases} aliases ({} types) in {elapsed:?}",
        pages.len(),
        full.types.len()
    );
    assert_eq!(operations, 2225);

    // No model reachable from an operation (at any depth) carries another operation's name,
    // but for the shapes listed in `naming_corpus_foreign.txt`: shared by operations of
    // different resources, too big to be named by their fields, and not nested where an owner
    // could name them. The list may only shrink (the test prints what changed).
    let foreign = foreign_names(&full);
    let listed: String = foreign
        .iter()
        .map(|(op, def, other)| format!("{op} reaches {def} (named after {other})\n"))
        .collect();
    let known_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/naming_corpus_foreign.txt");
    let known = std::fs::read_to_string(&known_path).unwrap_or_default();
    if std::env::var_os("WALDUR_UPDATE_FOREIGN").is_some() {
        std::fs::write(&known_path, &listed).unwrap_or_else(|e| panic!("{e}"));
    }
    let known_lines: BTreeSet<&str> = known.lines().collect();
    let new_lines: Vec<&str> = listed
        .lines()
        .filter(|l| !known_lines.contains(l))
        .collect();
    assert!(
        new_lines.is_empty(),
        "{} new models named after another operation (WALDUR_UPDATE_FOREIGN=1 rewrites the list):\n{}",
        new_lines.len(),
        new_lines
            .iter()
            .take(20)
            .copied()
            .collect::<Vec<_>>()
            .join("\n")
    );

    // The seed page's names (issue text): request models keep their spec names, responses get
    // `OpenStackVolume` / `OpenStackSnapshot`.
    let full_refs = op_refs(&full);
    let volume_ops = [
        ("openstack_volumes_list", vec!["OpenStackVolume"]),
        ("openstack_volumes_retrieve", vec!["OpenStackVolume"]),
        (
            "openstack_volumes_update",
            vec!["OpenStackVolumeRequest", "OpenStackVolume"],
        ),
        (
            "openstack_volumes_partial_update",
            vec!["PatchedOpenStackVolumeRequest", "OpenStackVolume"],
        ),
        (
            "openstack_volumes_extend",
            // The 202 `{status}` body many actions return: named by its field.
            vec!["OpenStackVolumeExtendRequest", "Status"],
        ),
        (
            "openstack_volumes_snapshot",
            vec!["OpenStackSnapshotRequest", "OpenStackSnapshot"],
        ),
    ];
    for (id, expected) in volume_ops {
        assert_eq!(full_refs[id], expected, "{id}");
    }

    // Stability: removing a page renames nothing of the other pages, except where the removed
    // page held a name another page had lost to it in a collision (then that page gets it back).
    let full_structures = Structures::new(&full);
    let known = "cloud-and-hpc-providers/openstack/snapshots.md";
    let mut picks: Vec<usize> = if std::env::var_os("NAMING_CORPUS_ALL_PAGES").is_some() {
        (0..pages.len()).collect()
    } else {
        let step = pages.len() / 10;
        (0..10).map(|i| i * step + step / 2).collect()
    };
    picks.extend(pages.iter().position(|p| p.source.path == known));
    picks.sort_unstable();
    picks.dedup();
    let mut unexplained = Vec::new();
    for removed in picks {
        let changes = removal_changes(&pages, removed, &full, &full_refs, &full_structures);
        let path = pages[removed].source.path.as_str();
        println!(
            "  without {path}: {} types; {} collision-explained changes",
            changes.types,
            changes.explained.len()
        );
        for line in &changes.explained {
            println!("    {line}");
        }
        if path == known {
            // `snapshots.md` derives `OpenStackSnapshotRestoration` (b) for its `restore`
            // response, so `volumes.md` names its nested restoration item with a prefix; without
            // `snapshots.md` the plain nested name is free again.
            assert_eq!(
                changes.explained,
                [
                    "`OpenStackSnapshotRestoration` changed meaning",
                    "`OpenstackVolumesOpenStackSnapshotRestoration` went away"
                ],
                "{path}"
            );
        }
        unexplained.extend(
            changes
                .unexplained
                .into_iter()
                .map(|c| format!("without {path}: {c}")),
        );
    }
    assert!(
        unexplained.is_empty(),
        "{} changes:\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
}

struct Changes {
    types: usize,
    /// Changes caused by a name the removed page claims (a collision it had won).
    explained: Vec<String>,
    unexplained: Vec<String>,
}

/// Runs the passes without page `removed` and lists what changed for the other pages.
fn removal_changes(
    pages: &[Page],
    removed: usize,
    full: &Api,
    full_refs: &BTreeMap<&str, Vec<&str>>,
    full_structures: &Structures<'_>,
) -> Changes {
    let mut without = build_api(
        pages
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != removed)
            .map(|(_, p)| p),
    );
    run_timed(&mut without);
    check_invariants(&without);
    // The names the removed page claims on its own.
    let mut alone = build_api(std::iter::once(&pages[removed]));
    run_timed(&mut alone);
    let claimed = |name: &str| alone.types.contains_key(name);
    let alone_structures = Structures::new(&alone);
    let own_structures: BTreeSet<std::rc::Rc<str>> = alone
        .types
        .keys()
        .map(|name| alone_structures.of(name))
        .collect();
    let without_structures = Structures::new(&without);

    let mut explained = Vec::new();
    let mut unexplained = Vec::new();
    // Every remaining operation refers to the same names.
    for (id, names) in op_refs(&without) {
        if full_refs.get(id) != Some(&names) {
            let change = format!("{id}: {:?} -> {names:?}", full_refs.get(id));
            if names.iter().any(|n| claimed(n)) {
                explained.push(change)
            } else {
                unexplained.push(change)
            }
        }
    }
    // Every name left existed before and denotes the same structure; a name whose meaning
    // changed must be one the removed page claims.
    let mut regained = BTreeSet::new();
    for name in without.types.keys() {
        if !full.types.contains_key(name) {
            unexplained.push(format!("new name `{name}`"));
        } else if without_structures.of(name) != full_structures.of(name) {
            let change = format!("`{name}` changed meaning");
            if claimed(name) {
                regained.insert(without_structures.of(name));
                explained.push(change);
            } else {
                unexplained.push(change);
            }
        }
    }
    // Every name that went away is the removed page's own, or the stand-in another page used
    // while the removed page held its name.
    for name in full.types.keys() {
        if without.types.contains_key(name) || claimed(name) {
            continue;
        }
        let change = format!("`{name}` went away");
        if regained.contains(&full_structures.of(name)) {
            explained.push(change);
        } else if own_structures.contains(&full_structures.of(name)) {
            // A shape of the removed page (named differently when it stands alone, because it
            // lost a collision in the full API).
            continue;
        } else {
            unexplained.push(change);
        }
    }
    Changes {
        types: without.types.len(),
        explained,
        unexplained,
    }
}

/// What each type name denotes, with every reference and alias expanded (so two runs can be
/// compared although their definitions may be named after different pages).
struct Structures<'a> {
    api: &'a Api,
    memo: std::cell::RefCell<BTreeMap<String, std::rc::Rc<str>>>,
}

impl<'a> Structures<'a> {
    fn new(api: &'a Api) -> Self {
        Structures {
            api,
            memo: Default::default(),
        }
    }

    fn of(&self, name: &str) -> std::rc::Rc<str> {
        if let Some(done) = self.memo.borrow().get(name) {
            return done.clone();
        }
        let text: String = match self.api.types.get(name) {
            None => format!("?{name}"),
            Some(TypeDef::Alias { ty, .. }) => self.ty(ty),
            Some(TypeDef::Enum(e)) => format!("enum{:?}", e.values),
            Some(TypeDef::Object(o)) => {
                let fields: Vec<String> = o
                    .fields
                    .iter()
                    .map(|f| {
                        format!(
                            "{}{}:{}",
                            f.name,
                            if f.required { "!" } else { "" },
                            self.ty(&f.ty)
                        )
                    })
                    .collect();
                let additional = o
                    .additional
                    .as_deref()
                    .map(|a| self.ty(a))
                    .unwrap_or_default();
                format!("{{{}|{additional}}}", fields.join(","))
            }
        };
        let text: std::rc::Rc<str> = text.into();
        self.memo
            .borrow_mut()
            .insert(name.to_string(), text.clone());
        text
    }

    fn ty(&self, ty: &'a Ty) -> String {
        match ty {
            Ty::Ref { name } => self.of(name).to_string(),
            Ty::Array { items } => format!("[{}]", self.ty(items)),
            Ty::Map { values } => format!("map<{}>", self.ty(values)),
            Ty::OneOf { variants } => {
                let v: Vec<String> = variants.iter().map(|v| self.ty(v)).collect();
                format!("oneof<{}>", v.join("|"))
            }
            other => format!("{other:?}"),
        }
    }
}
