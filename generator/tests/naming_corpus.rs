//! Runs the naming passes over one Api built from every page of the newest Markdown snapshot in
//! `../shared/corpus/markdown/` and checks the whole-API requirements: no inline types left,
//! every reference resolves, names are unique valid identifiers, the seed page's models get
//! their spec names, and removing a page does not rename what other pages use.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use waldur_codegen::ir::passes::{PassOptions, run};
use waldur_codegen::ir::{Api, Method, Operation, ResponseBody, Ty, TypeDef};
use waldur_codegen::markdown::{Page, PageOutcome, parse_page};

/// The snapshot directories of `../shared/corpus/markdown/`, oldest first.
fn snapshots(shared: &Path) -> Vec<PathBuf> {
    let root = shared.join("corpus/markdown");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "{}: no snapshot", root.display());
    dirs
}

/// The API pages of one snapshot, sorted by path, with the snapshot's name.
fn snapshot_pages(dir: &Path) -> (String, Vec<Page>) {
    let mut files = Vec::new();
    common::md_files(dir, &mut files);
    let mut pages = Vec::new();
    for file in &files {
        let rel = file
            .strip_prefix(dir)
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
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (name, pages)
}

/// The API pages of the newest snapshot, sorted by path.
fn newest_pages(shared: &Path) -> (String, Vec<Page>) {
    let dirs = snapshots(shared);
    snapshot_pages(dirs.last().expect("a snapshot"))
}

/// The OpenAPI schemas of `../shared/corpus/openapi/`, sorted by file name.
fn openapi_schemas(shared: &Path) -> Vec<PathBuf> {
    let root = shared.join("corpus/openapi");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{}: no schema", root.display());
    files
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

/// The names the input gives: its named types (OpenAPI component schemas), the hints of its
/// inline objects and enums (a Markdown page's model imports) and request model names. Such a
/// name is what the API calls the shape, whichever operation it came with.
fn spec_names(api: &Api) -> BTreeSet<String> {
    fn walk(ty: &Ty, out: &mut BTreeSet<String>) {
        match ty {
            Ty::Object { object } => {
                out.extend(object.name_hint.clone());
                object.fields.iter().for_each(|f| walk(&f.ty, out));
                object.additional.iter().for_each(|a| walk(a, out));
            }
            Ty::Enum { def } => out.extend(def.name_hint.clone()),
            Ty::Array { items } => walk(items, out),
            Ty::Map { values } => walk(values, out),
            Ty::OneOf { variants } => variants.iter().for_each(|v| walk(v, out)),
            Ty::Scalar { .. } | Ty::Any | Ty::Ref { .. } => {}
        }
    }
    let mut out: BTreeSet<String> = api.types.keys().cloned().collect();
    for def in api.types.values() {
        match def {
            TypeDef::Object(o) => {
                o.fields.iter().for_each(|f| walk(&f.ty, &mut out));
                o.additional.iter().for_each(|a| walk(a, &mut out));
            }
            TypeDef::Alias { ty, .. } => walk(ty, &mut out),
            TypeDef::Enum(_) => {}
        }
    }
    for op in &api.operations {
        out.extend(op.body.iter().filter_map(|b| b.model_name.clone()));
        op_types(op, &mut |ty| walk(ty, &mut out));
    }
    out
}

/// Every `(operation, type, other operation)` where a type definition reachable from the
/// operation (through fields, at any depth) is named after another operation: a name made up
/// from the other operation's id (`<OperationId>Response`, or nested in one), or the name
/// derived from the request model of another operation's action (`InvitationDecline` from
/// `InvitationDeclineRequest`). Names derived from a create or update model name the resource
/// and may be shared, and so does a name the input gives (`spec`, see [`spec_names`]).
fn foreign_names(api: &Api, spec: &BTreeSet<String>) -> Vec<(String, String, String)> {
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
    let paths: BTreeSet<&str> = api.operations.iter().map(|op| op.path.as_str()).collect();
    // The collections of the API, singular, lower case, without separators.
    let collections: BTreeSet<String> = paths
        .iter()
        .filter_map(|path| {
            let rest = path.trim_start_matches('/');
            let rest = rest.strip_prefix("api/").unwrap_or(rest);
            let segment = rest
                .split('/')
                .find(|s| !s.is_empty() && !s.starts_with('{'))?;
            let singular = if let Some(stem) = segment.strip_suffix("ies") {
                format!("{stem}y")
            } else if ["sses", "xes", "ches", "shes"]
                .iter()
                .any(|e| segment.ends_with(e))
            {
                segment[..segment.len() - 2].to_string()
            } else if let Some(stem) = segment.strip_suffix('s').filter(|s| !s.ends_with('s')) {
                stem.to_string()
            } else {
                segment.to_string()
            };
            Some(singular.replace(['-', '_'], "").to_ascii_lowercase())
        })
        .collect();
    for op in &api.operations {
        let Some(Ty::Ref { name }) = op.body.as_ref().map(|b| &b.ty) else {
            continue;
        };
        let stem = name.strip_prefix("Patched").unwrap_or(name);
        let stem = stem.strip_suffix("Request").unwrap_or(stem).to_string();
        let id = op.operation_id.as_str();
        // A create or update acts on the collection or the item itself; anything with more
        // path is an action (`/api/volumes/{uuid}/extend/`, `/api/invoice/send-report/`),
        // but for a `PUT` or `PATCH` (an update of what the path names) and a path that has
        // items (`/api/matrix/rooms/` beside `/api/matrix/rooms/{uuid}/`).
        let segments: Vec<&str> = op.path.split('/').filter(|s| !s.is_empty()).collect();
        let has_items = paths.iter().any(|p| {
            p.strip_prefix(op.path.as_str())
                .is_some_and(|rest| rest.starts_with('{'))
        });
        let update = matches!(op.method, Method::Put | Method::Patch);
        // A model named like a collection of the API names that resource
        // (`CustomerCreditRequest` of `/api/customer-credits/{uuid}/apply_compensations/`).
        let collection = collections.contains(&stem.to_ascii_lowercase());
        let action = !update
            && !has_items
            && !collection
            && match segments.iter().rposition(|s| s.starts_with('{')) {
                Some(last) => last + 1 < segments.len(),
                None => segments.len() > 2,
            };
        if action {
            derived.entry(stem).or_default().insert(id);
        } else {
            resource.insert(stem);
        }
    }
    let reaches: BTreeMap<&str, BTreeSet<&str>> = api
        .operations
        .iter()
        .map(|op| {
            let mut defs = BTreeSet::new();
            op_types(op, &mut |ty| reach(api, ty, &mut defs));
            (op.operation_id.as_str(), defs)
        })
        .collect();
    let mut out = Vec::new();
    for op in &api.operations {
        for &def in &reaches[op.operation_id.as_str()] {
            if spec.contains(def) {
                continue;
            }
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
            // Named after an action that returns it (a name formed otherwise, such as
            // `OfferingPartition` for the `partitions` of an `Offering`, may coincide with the
            // model of an action that returns something else).
            if let Some(owners) = derived.get(def)
                && !owners.contains(op.operation_id.as_str())
                && !resource.contains(def)
                && let Some(other) = owners.iter().find(|other| reaches[**other].contains(def))
            {
                out.push((op.operation_id.clone(), def.to_string(), other.to_string()));
            }
        }
    }
    out
}

/// The words of an UpperCamel name (a capital after a lower-case letter or a digit, or the
/// last capital of an acronym, starts a word; digits stay with the word before them), with
/// their byte offsets.
fn camel_words(name: &str) -> Vec<(usize, &str)> {
    let bytes = name.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..bytes.len() {
        let (prev, cur) = (bytes[i - 1], bytes[i]);
        let next_lower = bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase);
        if cur.is_ascii_uppercase()
            && (prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower))
        {
            out.push((start, &name[start..i]));
            start = i;
        }
    }
    if start < name.len() {
        out.push((start, &name[start..]));
    }
    out
}

/// A word without case and number: `Users` and `user` are one word.
fn word_key(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    if let Some(stem) = lower.strip_suffix("ies").filter(|_| lower.len() > 4) {
        format!("{stem}y")
    } else if lower.len() > 3 && lower.ends_with('s') && !lower.ends_with("ss") {
        lower[..lower.len() - 1].to_string()
    } else {
        lower
    }
}

/// The byte range of the first word sequence `name` says twice in a row (`UsersUser`,
/// `MarketplaceStatsMarketplaceStat`).
fn repeated_words(name: &str) -> Option<std::ops::Range<usize>> {
    let words = camel_words(name);
    let keys: Vec<String> = words.iter().map(|(_, w)| word_key(w)).collect();
    for len in 1..=words.len() / 2 {
        for i in 0..=words.len() - 2 * len {
            if keys[i..i + len] == keys[i + len..i + 2 * len] {
                let end = words.get(i + 2 * len).map_or(name.len(), |(at, _)| *at);
                return Some(words[i].0..end);
            }
        }
    }
    None
}

/// The names the input spells out, from which generated names are pieced together: spec names
/// (see [`spec_names`]), operation ids and the field, parameter and header names, in upper
/// camel case.
fn input_words(api: &Api, spec: &BTreeSet<String>) -> BTreeSet<String> {
    use heck::ToUpperCamelCase;
    fn walk(ty: &Ty, out: &mut BTreeSet<String>) {
        match ty {
            Ty::Object { object } => {
                for f in &object.fields {
                    out.insert(f.name.to_upper_camel_case());
                    walk(&f.ty, out);
                }
                object.additional.iter().for_each(|a| walk(a, out));
            }
            Ty::Array { items } => walk(items, out),
            Ty::Map { values } => walk(values, out),
            Ty::OneOf { variants } => variants.iter().for_each(|v| walk(v, out)),
            Ty::Enum { .. } | Ty::Scalar { .. } | Ty::Any | Ty::Ref { .. } => {}
        }
    }
    let mut out = spec.clone();
    for def in api.types.values() {
        match def {
            TypeDef::Object(o) => {
                for f in &o.fields {
                    out.insert(f.name.to_upper_camel_case());
                    walk(&f.ty, &mut out);
                }
            }
            TypeDef::Alias { ty, .. } => walk(ty, &mut out),
            TypeDef::Enum(_) => {}
        }
    }
    for op in &api.operations {
        out.insert(op.operation_id.to_upper_camel_case());
        out.extend(op.params.iter().map(|p| p.name.to_upper_camel_case()));
        for r in &op.responses {
            out.extend(r.headers.keys().map(|h| h.to_upper_camel_case()));
        }
        op_types(op, &mut |ty| walk(ty, &mut out));
    }
    out
}

/// Numbered names the corpus cannot avoid: every name that says what the shape is belongs to
/// another shape.
const NUMBERED: [&str; 7] = [
    // Two shapes nested in the categories `remote_waldur_api_remote_categories` shares with
    // `/api/marketplace-categories/` (its columns and its components): both are `Category` by
    // the words their operations share, and the page qualifies both alike.
    "RemoteWaldurApiCategory2",
    // The items of a billing sync: a subset of the fields of `/api/admin/arrow/billing-sync-items/`
    // (`AdminArrowBillingSyncItem`); the API gives the subset no name.
    "AdminArrowBillingSyncItem2",
    // The customer `onboarding_verifications_create_customer` returns (oldest snapshot): fields
    // of a customer other than `/api/customers/`'s, on the page whose prefix it starts with.
    "OnboardingVerificationsCustomer2",
    // Query filters of the 7.9 schemas whose values differ from the schema's own state enum of
    // the same resource (`InvoiceStateEnum`), which keeps its spec name.
    "InvoiceStateEnum2",
    "MaintenanceAnnouncementStateEnum2",
    "ProposalReviewStateEnum2",
    "PublicMaintenanceAnnouncementStateEnum2",
];

/// Type names that read badly: numbered after a collision (ending in a digit that no name of
/// the input ends the name with: `Admin2`, not a field's `Ipv4` or a spec name's `V2`), or
/// saying a word sequence twice in a row where no single name of the input does (`UsersUser`
/// from a page prefix and a resource name, not the operation id
/// `users_user_language_count_list` or a spec name `ChatRequestRequest`).
///
/// A shape nested in a field named like the end of its owner's name is `<Owner><Field>` and
/// says the field's words twice (`NestedSoftwareCatalogCatalog` for the `catalog` of a
/// `NestedSoftwareCatalog`): both halves are the input's, and any other name would be made up.
fn odd_names(api: &Api, words: &BTreeSet<String>) -> Vec<String> {
    let ending_in_digit: Vec<&String> = words
        .iter()
        .filter(|w| w.ends_with(|c: char| c.is_ascii_digit()))
        .collect();
    let mut out = Vec::new();
    for name in api.types.keys() {
        if name.ends_with(|c: char| c.is_ascii_digit())
            && !ending_in_digit.iter().any(|w| name.ends_with(w.as_str()))
            && !NUMBERED.contains(&name.as_str())
        {
            out.push(format!("{name} (numbered)"));
        }
        if let Some(range) = repeated_words(name) {
            let inside_one = words.iter().any(|w| {
                name.match_indices(w.as_str())
                    .any(|(at, _)| at <= range.start && range.end <= at + w.len())
            });
            let second = camel_words(&name[range.clone()]).len() / 2;
            let mid = range.start
                + camel_words(&name[range.clone()])
                    .get(second)
                    .map_or(0, |(at, _)| *at);
            let owner_and_field = range.end == name.len()
                && api.types.contains_key(&name[..mid])
                && words.contains(&name[mid..]);
            if !inside_one && !owner_and_field {
                out.push(format!("{name} (repeats `{}`)", &name[range]));
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
    let mut lower: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for name in api.types.keys() {
        lower
            .entry(name.to_ascii_lowercase())
            .or_default()
            .push(name);
    }
    let clashes: Vec<&Vec<&str>> = lower.values().filter(|names| names.len() > 1).collect();
    assert!(
        clashes.is_empty(),
        "names differing only in case: {clashes:?}"
    );
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

/// No model reachable from an operation, at any depth (through fields, items, map values and
/// aliases), carries another operation's name, and no type name is numbered or says a word
/// twice in a row (see [`odd_names`]), in every Markdown snapshot and every OpenAPI schema of
/// the corpus.
#[test]
fn no_model_carries_another_operations_name() {
    let Some(shared) = common::shared_dir("naming_corpus") else {
        return;
    };
    let mut sources: Vec<(String, Api)> = Vec::new();
    for dir in snapshots(&shared) {
        let (name, pages) = snapshot_pages(&dir);
        sources.push((format!("markdown {name}"), build_api(pages.iter())));
    }
    for path in openapi_schemas(&shared) {
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let lowered = waldur_codegen::openapi::lower(&path.display().to_string(), &text)
            .unwrap_or_else(|d| panic!("{}: {d}", path.display()));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        sources.push((format!("openapi {name}"), lowered.api));
    }
    let mut failures = Vec::new();
    let mut odd_failures = Vec::new();
    for (source, mut api) in sources {
        let operations = api.operations.len();
        let spec = spec_names(&api);
        let words = input_words(&api, &spec);
        let elapsed = run_timed(&mut api);
        check_invariants(&api);
        let foreign = foreign_names(&api, &spec);
        let odd = odd_names(&api, &words);
        println!(
            "{source}: {operations} operations, {} types in {elapsed:?}: {} foreign names, {} \
             odd names",
            api.types.len(),
            foreign.len(),
            odd.len()
        );
        for (op, def, other) in &foreign {
            println!("  {op} reaches {def} (named after {other})");
        }
        for name in &odd {
            println!("  odd name {name}");
        }
        if !foreign.is_empty() {
            failures.push(format!("{source}: {}", foreign.len()));
        }
        if !odd.is_empty() {
            odd_failures.push(format!("{source}: {}", odd.len()));
        }
    }
    assert!(
        failures.is_empty(),
        "models named after another operation (listed above): {}",
        failures.join(", ")
    );
    assert!(
        odd_failures.is_empty(),
        "numbered names or names repeating a word (listed above): {}",
        odd_failures.join(", ")
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
