//! Invariants of the emission plan, on the seed page, the fixtures and both whole-API inputs
//! (the newest Markdown snapshot and the OpenAPI 8.0.5 schema):
//!
//! - every operation of the IR becomes exactly one method (a `HEAD` that counts a list becomes
//!   that list's `count()`), or a diagnostic says why not;
//! - no namespace (crate modules, Cargo features, client methods, a handle's methods, a tag
//!   module's types, a builder's methods, a model's fields and accessors, an enum's variants,
//!   the models) holds a name twice, and none takes a name reserved there;
//! - no method returns a type named after a different operation.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use waldur_codegen::emit::plan::{Output, Plan, RustTy, TypeKind};
use waldur_codegen::emit::{self, Settings};
use waldur_codegen::ir::{Api, Method, ResponseBody, Ty};
use waldur_codegen::spec::{LoadOptions, load, read};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel)
}

fn plan_of(paths: &[PathBuf]) -> (Api, Plan, BTreeSet<String>) {
    let raw = read(paths, &LoadOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", paths[0].display()));
    let loaded = load(paths, &LoadOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", paths[0].display()));
    let plan = emit::plan(&loaded.api, &Settings::new("fixture", "0.1.0"));
    (loaded.api, plan, spec_names(&raw.api))
}

/// Every name the spec itself gives a type: schema names, request models, the hints of inline
/// objects and enums (`XFieldEnum` imports of a page). These name no operation.
fn spec_names(raw: &Api) -> BTreeSet<String> {
    fn walk(ty: &Ty, out: &mut BTreeSet<String>) {
        match ty {
            Ty::Object { object } => {
                out.extend(object.name_hint.clone());
                for f in &object.fields {
                    walk(&f.ty, out);
                }
            }
            Ty::Enum { def } => out.extend(def.name_hint.clone()),
            Ty::Array { items } => walk(items, out),
            Ty::Map { values } => walk(values, out),
            Ty::OneOf { variants } => variants.iter().for_each(|v| walk(v, out)),
            Ty::Ref { .. } | Ty::Scalar { .. } | Ty::Any => {}
        }
    }
    let mut out: BTreeSet<String> = raw.types.keys().cloned().collect();
    for op in &raw.operations {
        for p in &op.params {
            walk(&p.ty, &mut out);
        }
        if let Some(b) = &op.body {
            out.extend(b.model_name.clone());
            walk(&b.ty, &mut out);
        }
        for r in &op.responses {
            if let ResponseBody::Json { ty } = &r.body {
                walk(ty, &mut out);
            }
        }
    }
    out
}

/// Checks every invariant; returns a one-line summary for the test output.
fn check(label: &str, api: &Api, plan: &Plan, spec: &BTreeSet<String>) -> String {
    let errors: Vec<String> = plan
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{label}: plan errors: {errors:#?}");
    every_operation_has_one_method(label, api, plan);
    names_are_unique(label, plan);
    no_method_returns_another_operations_type(label, api, plan, spec);
    let methods: usize = plan.tags.iter().map(|t| t.operations.len()).sum();
    format!(
        "{label}: {} operations -> {methods} methods, {} counts folded, {} types, {} tags",
        api.operations.len(),
        plan.tags
            .iter()
            .flat_map(|t| &t.operations)
            .filter(|o| o.list.as_ref().is_some_and(|l| l.head_op.is_some()))
            .count(),
        plan.types.len(),
        plan.tags.len()
    )
}

fn every_operation_has_one_method(label: &str, api: &Api, plan: &Plan) {
    let mut seen: BTreeMap<usize, usize> = BTreeMap::new();
    for op in plan.tags.iter().flat_map(|t| &t.operations) {
        *seen.entry(op.op).or_default() += 1;
        if let Some(head) = op.list.as_ref().and_then(|l| l.head_op) {
            assert_eq!(api.operations[head].method, Method::Head, "{label}");
            assert_eq!(
                api.operations[head].path, api.operations[op.op].path,
                "{label}"
            );
            *seen.entry(head).or_default() += 1;
        }
        // A page is returned exactly by the operations that stream and count.
        assert_eq!(
            matches!(op.output, Output::Page { .. }),
            op.list.is_some(),
            "{label}: {}",
            op.operation_id
        );
    }
    for (i, op) in api.operations.iter().enumerate() {
        let count = seen.get(&i).copied().unwrap_or(0);
        let explained = plan
            .diagnostics
            .iter()
            .any(|d| d.message.contains(&op.operation_id));
        assert!(
            count == 1 || (count == 0 && explained),
            "{label}: operation {} ({} {}) has {count} methods",
            op.operation_id,
            op.method.as_str(),
            op.path
        );
    }
}

fn unique<'a>(label: &str, what: &str, names: impl IntoIterator<Item = &'a str>) {
    let mut seen = BTreeSet::new();
    for n in names {
        assert!(seen.insert(n), "{label}: {what} holds `{n}` twice");
    }
}

fn names_are_unique(label: &str, plan: &Plan) {
    let reserved_modules = ["models", "runtime", "prelude", "mock"];
    unique(
        label,
        "the crate's modules",
        reserved_modules
            .iter()
            .copied()
            .chain(plan.tags.iter().map(|t| t.module.as_str())),
    );
    unique(
        label,
        "the Cargo features",
        ["default", "blocking", "tracing", "mock", "native-tls"]
            .into_iter()
            .chain(plan.krate.tag_features.iter().map(String::as_str)),
    );
    unique(
        label,
        "the client's methods",
        [
            "new",
            "builder",
            "from_env",
            "from_runtime",
            "runtime",
            "clone",
            "fmt",
        ]
        .into_iter()
        .chain(plan.client.accessors.iter().map(|a| a.method.as_str())),
    );
    let models: Vec<&str> = plan
        .types
        .values()
        .flat_map(|t| {
            let builder = match &t.kind {
                TypeKind::Request(m) => match &m.constructor {
                    waldur_codegen::emit::plan::Constructor::Builder { builder } => {
                        Some(builder.as_str())
                    }
                    _ => None,
                },
                _ => None,
            };
            std::iter::once(t.ident.as_str()).chain(builder)
        })
        .collect();
    unique(
        label,
        "the models",
        [
            "Option", "Result", "String", "Vec", "Box", "Client", "Error", "Page", "Lenient",
            "Value",
        ]
        .into_iter()
        .chain(models.iter().copied()),
    );
    for tag in &plan.tags {
        unique(
            label,
            &format!("the `{}` handle", tag.tag),
            ["clone", "fmt", "new"]
                .into_iter()
                .chain(tag.operations.iter().map(|o| o.method.as_str())),
        );
        unique(
            label,
            &format!("the types of module `{}` and the models", tag.module),
            models
                .iter()
                .copied()
                .chain([tag.handle.as_str(), tag.mock_handle.as_str()])
                .chain(tag.operations.iter().map(|o| o.builder.as_str())),
        );
        for op in &tag.operations {
            unique(
                label,
                &format!("the builder `{}`", op.builder),
                [
                    "send",
                    "request",
                    "stream",
                    "count",
                    "client",
                    "clone",
                    "fmt",
                    "into_future",
                ]
                .into_iter()
                .chain(op.args.iter().map(|a| a.ident.as_str()))
                .chain(op.setters.iter().map(|s| s.ident.as_str()))
                .chain(op.setters.iter().filter_map(|s| s.append.as_deref()))
                .chain([
                    op.unchecked_query.method.as_str(),
                    op.unchecked_query.field.as_str(),
                ])
                .chain(op.body.iter().map(|b| b.ident.as_str())),
            );
        }
    }
    for t in plan.types.values() {
        match &t.kind {
            TypeKind::Response(m) => {
                unique(
                    label,
                    &format!("the fields of `{}`", t.ident),
                    std::iter::once(m.extra.as_str())
                        .chain(m.fields.iter().map(|f| f.ident.as_str())),
                );
                unique(
                    label,
                    &format!("the methods of `{}`", t.ident),
                    [
                        "clone",
                        "fmt",
                        "eq",
                        "default",
                        "serialize",
                        "invalid_fields",
                    ]
                    .into_iter()
                    .chain(m.fields.iter().map(|f| f.accessor.as_str())),
                );
            }
            TypeKind::Request(m) => unique(
                label,
                &format!("the fields of `{}`", t.ident),
                std::iter::once(m.extra.as_str()).chain(m.fields.iter().map(|f| f.ident.as_str())),
            ),
            TypeKind::Enum(e) => unique(
                label,
                &format!("the variants of `{}`", t.ident),
                std::iter::once(e.unknown.as_str())
                    .chain(e.variants.iter().map(|v| v.ident.as_str())),
            ),
            TypeKind::Alias { .. } => {}
        }
    }
}

/// The names made up from operation `op` (its id) or from the request model of an action:
/// the names that belong to that operation alone.
fn own_names(api: &Api, op: &waldur_codegen::ir::Operation) -> BTreeSet<String> {
    let camel: String = op
        .operation_id
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    let mut out: BTreeSet<String> = op
        .responses
        .iter()
        .flat_map(|r| {
            [
                format!("{camel}Response"),
                format!("{camel}{}Response", r.status),
            ]
        })
        .collect();
    out.insert(format!("{camel}Request"));
    if is_action(api, op)
        && let Some(model) = op.body.as_ref().and_then(|b| b.model_name.as_deref())
    {
        let stem = model.strip_prefix("Patched").unwrap_or(model);
        if let Some(name) = stem.strip_suffix("Request") {
            out.insert(name.to_string());
        }
    }
    out
}

/// Whether the request model of `op` names what an action does rather than a resource: a
/// literal segment after a path parameter (`/api/x/{uuid}/pull/`), but not a `PUT` or `PATCH`
/// (an update of what the path names), not a path with items (`/api/x/{uuid}/pull/{id}/`), and
/// not a model named like a collection of the API (`VmwareDiskRequest` beside
/// `/api/vmware-disks/`).
fn is_action(api: &Api, op: &waldur_codegen::ir::Operation) -> bool {
    use waldur_codegen::ir::Method;
    let path = op.path.as_str();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let after_param = segments
        .iter()
        .rposition(|s| s.starts_with('{'))
        .is_some_and(|p| p + 1 < segments.len());
    let has_items = api.operations.iter().any(|o| {
        o.path
            .strip_prefix(path)
            .is_some_and(|rest| rest.starts_with('{'))
    });
    let collection = op
        .body
        .as_ref()
        .and_then(|b| b.model_name.as_deref())
        .map(|m| m.strip_prefix("Patched").unwrap_or(m))
        .and_then(|m| m.strip_suffix("Request"))
        .is_some_and(|stem| {
            api.operations.iter().any(|o| {
                let rest = o.path.trim_start_matches('/');
                let rest = rest.strip_prefix("api/").unwrap_or(rest);
                rest.split('/')
                    .find(|s| !s.is_empty() && !s.starts_with('{'))
                    .is_some_and(|c| {
                        let c = c.replace(['-', '_'], "").to_ascii_lowercase();
                        let stem = stem.to_ascii_lowercase();
                        [format!("{stem}s"), format!("{stem}es"), stem.clone()].contains(&c)
                            || stem
                                .strip_suffix('y')
                                .is_some_and(|s| c == format!("{s}ies"))
                    })
            })
        });
    after_param && !matches!(op.method, Method::Put | Method::Patch) && !has_items && !collection
}

fn no_method_returns_another_operations_type(
    label: &str,
    api: &Api,
    plan: &Plan,
    spec: &BTreeSet<String>,
) {
    // Names the spec gives, and names derived from the model of a create or update (the
    // resource's name): those belong to no operation.
    let mut spec_names: BTreeSet<&str> = spec.iter().map(String::as_str).collect();
    let resource_names: BTreeSet<String> = api
        .operations
        .iter()
        .filter(|o| !is_action(api, o))
        .filter_map(|o| o.body.as_ref().and_then(|b| b.model_name.as_deref()))
        .filter_map(|m| {
            let stem = m.strip_prefix("Patched").unwrap_or(m);
            stem.strip_suffix("Request").map(str::to_string)
        })
        .collect();
    spec_names.extend(resource_names.iter().map(String::as_str));
    let owners: Vec<BTreeSet<String>> = api.operations.iter().map(|o| own_names(api, o)).collect();
    let mut owner_of: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    for (i, names) in owners.iter().enumerate() {
        for n in names {
            owner_of.entry(n.as_str()).or_default().insert(i);
        }
    }
    for op in plan.tags.iter().flat_map(|t| &t.operations) {
        let returned = match &op.output {
            Output::Page { item } => item,
            Output::Json { ty, .. } => ty,
            _ => continue,
        };
        let RustTy::Named { ident, .. } = returned else {
            continue;
        };
        let Some((ir_name, _)) = plan.types.iter().find(|(_, t)| t.ident == *ident) else {
            panic!("{label}: {} returns unknown type {ident}", op.operation_id);
        };
        if spec_names.contains(ir_name.as_str()) || owners[op.op].contains(ir_name) {
            continue;
        }
        if let Some(others) = owner_of.get(ir_name.as_str()) {
            let others: Vec<&str> = others
                .iter()
                .filter(|&&o| o != op.op)
                .map(|&o| api.operations[o].operation_id.as_str())
                .collect();
            assert!(
                others.is_empty(),
                "{label}: {} returns `{ir_name}`, named after {others:?}",
                op.operation_id
            );
        }
    }
    // The IR agrees: the response of every operation names it or names no operation.
    for (i, op) in api.operations.iter().enumerate() {
        for r in &op.responses {
            if let ResponseBody::Json {
                ty: Ty::Ref { name },
            } = &r.body
                && let Some(others) = owner_of.get(name.as_str())
            {
                assert!(
                    others.contains(&i) || spec_names.contains(name.as_str()),
                    "{label}: {} responds with `{name}` of {:?}",
                    op.operation_id,
                    others
                        .iter()
                        .map(|&o| &api.operations[o].operation_id)
                        .collect::<Vec<_>>()
                );
            }
        }
    }
}

#[test]
fn seed_and_fixtures_keep_the_invariants() {
    let mut inputs = vec![("seed", vec![repo("spec/openstack-volumes.md")])];
    let fixtures = repo("generator/tests/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let leaked: Vec<&'static str> = names
        .iter()
        .map(|n| &*Box::leak(n.clone().into_boxed_str()))
        .collect();
    for name in leaked {
        let dir = fixtures.join(name);
        let specs: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.extension().is_some_and(|e| e == "md" || e == "yaml")
                    && !p.ends_with("codegen.yaml")
            })
            .collect();
        inputs.push((name, specs));
    }
    for (label, paths) in inputs {
        let (api, plan, spec) = plan_of(&paths);
        println!("{}", check(label, &api, &plan, &spec));
    }
}

#[test]
fn whole_api_inputs_keep_the_invariants() {
    let Some(shared) = common::shared_dir("whole_api_inputs_keep_the_invariants") else {
        return;
    };
    for (label, rel) in [
        (
            "newest Markdown snapshot",
            "corpus/markdown/2026-06-30-d039cdd6",
        ),
        (
            "OpenAPI 8.0.5",
            "corpus/openapi/waldur-openapi-schema-8.0.5.yaml",
        ),
    ] {
        let (api, plan, spec) = plan_of(&[shared.join(rel)]);
        println!("{}", check(label, &api, &plan, &spec));
    }
}

#[test]
fn tags_named_like_the_crates_own_modules_get_other_module_names() {
    let (_, plan, _) = plan_of(&[repo("generator/tests/fixtures/shapes/shapes.yaml")]);
    let file_of = |t: &str| {
        plan.types
            .values()
            .find(|p| p.ident == t)
            .map(|p| p.file.as_str())
            .unwrap_or_else(|| panic!("no type {t}"))
    };
    let shared = plan
        .tags
        .iter()
        .find(|t| t.tag == "shared")
        .expect("the tag `shared`");
    assert_eq!(
        (shared.module.as_str(), shared.feature.as_str()),
        ("shared_api", "shared")
    );
    // Likewise a tag named like the module of the feature-off markers.
    let disabled = plan.tags.iter().find(|t| t.tag == "disabled");
    assert_eq!(
        disabled.map(|t| (t.module.as_str(), t.feature.as_str())),
        Some(("disabled_api", "disabled"))
    );
    // The tag's own model, compiled with its feature alone; the one `alarms` uses too, in the
    // file of shared models.
    assert_eq!(file_of("SharedThing"), "shared_api");
    assert_eq!(file_of("Alarm"), "shared");
    let files: Vec<(&str, Option<&str>)> = plan
        .model_files
        .iter()
        .map(|f| (f.file.as_str(), f.feature.as_deref()))
        .collect();
    assert_eq!(
        files,
        [
            ("alarms", Some("alarms")),
            ("reports", Some("reports")),
            ("shared", None),
            ("shared_api", Some("shared")),
        ]
    );
}

/// Every function with a body in the checked-in generated crates is `#[inline]` (see the docs
/// of `emit::render`): one function without it is code generated for every build of the crate
/// with its tag, whether a program calls it or not. Trait declarations (no body) are exempt.
#[test]
fn every_generated_function_with_a_body_is_inline() {
    let mut roots = vec![repo("generated-client/src")];
    for entry in std::fs::read_dir(repo("generator/tests/output")).expect("the fixture outputs") {
        roots.push(entry.expect("a fixture output").path().join("src"));
    }
    let (mut checked, mut missing) = (0, Vec::new());
    let mut stack = roots;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                // A vendored runtime is hand-written code, not generated.
                if path.file_name().is_some_and(|n| n != "runtime") {
                    stack.push(path);
                }
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a generated file");
            let lines: Vec<&str> = text.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                let code = line.trim_start();
                let is_fn = ["fn ", "pub fn ", "async fn ", "pub async fn "]
                    .iter()
                    .any(|p| code.starts_with(p));
                // Functions at the top level of a file are not generated; a signature ending
                // in `;` is a trait declaration.
                if !is_fn || code.len() == line.len() || body_less(&lines[i..]) {
                    continue;
                }
                checked += 1;
                let inline = lines[..i]
                    .iter()
                    .rev()
                    .map(|l| l.trim_start())
                    .take_while(|l| l.starts_with("#[") || l.starts_with("///"))
                    .any(|l| l == "#[inline]");
                if !inline {
                    missing.push(format!("{}:{}: {code}", path.display(), i + 1));
                }
            }
        }
    }
    assert!(checked > 10_000, "only {checked} functions found");
    assert!(missing.is_empty(), "not #[inline]:\n{}", missing.join("\n"));
}

/// Whether the signature starting at `lines[0]` ends with `;` before any `{`.
fn body_less(lines: &[&str]) -> bool {
    for line in lines {
        let code = line.split("//").next().unwrap_or(line);
        if let Some(at) = code.find(['{', ';']) {
            return code.as_bytes()[at] == b';';
        }
    }
    false
}

/// How a body is sent is decided by the plan alone, from what the spec says (the media it
/// lists, none on a Markdown page) and whether the body has a top-level file field: the front
/// ends only record where the body was read from.
#[test]
fn the_plan_alone_decides_how_a_body_is_sent() {
    use waldur_codegen::emit::plan::BodyEncoding;
    use waldur_codegen::ir::passes::{self, PassOptions};
    use waldur_codegen::ir::{BodyMedia, Field, ObjectTy, Operation, RequestBody, Scalar};

    let file = Ty::Scalar {
        scalar: Scalar::String {
            format: Some("binary".into()),
        },
    };
    let text = Ty::Scalar {
        scalar: Scalar::String { format: None },
    };
    let object = |name: &str, fields: Vec<Field>| Ty::Object {
        object: Box::new(ObjectTy {
            name_hint: Some(name.into()),
            fields,
            ..ObjectTy::default()
        }),
    };
    let with_file = |name: &str| {
        object(
            name,
            vec![
                Field::new("file", file.clone()),
                Field::new("note", text.clone()),
            ],
        )
    };
    let files = |name: &str| object(name, vec![Field::new("files", Ty::array(file.clone()))]);
    let plain = |name: &str| object(name, vec![Field::new("note", text.clone())]);
    let body = |media: BodyMedia, accepted: &[BodyMedia], ty: Ty| RequestBody {
        media,
        accepted_media: accepted.to_vec(),
        ..RequestBody::json(ty)
    };
    use BodyMedia::{FormUrlEncoded as Form, Json, Multipart, OctetStream};
    let cases = [
        // A Markdown page lists no media.
        (
            "page_file",
            body(Json, &[], with_file("PageFileRequest")),
            BodyEncoding::JsonOrMultipart,
        ),
        (
            "page_plain",
            body(Json, &[], plain("PagePlainRequest")),
            BodyEncoding::Json,
        ),
        // A schema listing JSON only, for a body with a list of files.
        (
            "json_only_files",
            body(Json, &[Json], files("FilesRequest")),
            BodyEncoding::JsonOrMultipart,
        ),
        // Every medium, the JSON schema's multipart twin read from JSON.
        (
            "all_media_file",
            body(Json, &[Json, Form, Multipart], with_file("TwinRequest")),
            BodyEncoding::JsonOrMultipart,
        ),
        (
            "multipart_only",
            body(Multipart, &[Multipart], with_file("OnlyRequest")),
            BodyEncoding::Multipart,
        ),
        (
            "multipart_no_file",
            body(Multipart, &[Multipart], plain("NoFileRequest")),
            BodyEncoding::Json,
        ),
        (
            "form_only",
            body(Form, &[Form], plain("FormRequest")),
            BodyEncoding::FormUrlEncoded,
        ),
        (
            "raw_bytes",
            body(OctetStream, &[Json], file.clone()),
            BodyEncoding::Raw,
        ),
    ];
    let mut api = Api::default();
    for (id, b, _) in &cases {
        api.operations.push(
            Operation::new(*id, "uploads", Method::Post, format!("/api/uploads/{id}/"))
                .with_body(b.clone()),
        );
    }
    passes::run(&mut api, &PassOptions::default()).expect("passes");
    let plan = emit::plan(&api, &Settings::new("fixture", "0.1.0"));
    let encodings: BTreeMap<&str, BodyEncoding> = plan
        .tags
        .iter()
        .flat_map(|t| &t.operations)
        .map(|o| {
            (
                o.operation_id.as_str(),
                o.body.as_ref().expect("body").encoding,
            )
        })
        .collect();
    let expected: BTreeMap<&str, BodyEncoding> = cases.iter().map(|(id, _, e)| (*id, *e)).collect();
    assert_eq!(encodings, expected);
}
