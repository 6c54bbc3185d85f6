//! IR -> [`Plan`]: every decision about the generated crate.
//!
//! Reads top-down: [`build`] first, then the operations (what a paginated list is, what each
//! method, builder and setter is called, what a call returns), then the types (models, enums,
//! aliases, their fields and accessors), then files and feature gates.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::Diagnostic;
use crate::emit::runtime_api::MOCK_SERVER_METHODS;
use crate::emit::runtime_crate::{self, Manifest};
use crate::emit::{RuntimeSource, Settings};
use crate::ir::{
    Api, ArrayStyle, BodyMedia, EnumValue, Field, Method, ObjectTy, Operation, Param,
    ParamLocation, ResponseBody, Scalar, Span, Ty, TypeDef,
};

use super::names::{
    Namespace, RESERVED_MODULES, RESERVED_TYPES, SHARED_MODELS, TRAIT_METHODS, camel_ident,
    camel_prefix, kebab, method_name, snake_ident, spelled_tag,
};
use super::rust_types::{Ctx, Types, collect_refs, describe, enum_union_values};
use super::*;

/// Methods of the generated `Client` besides the tag accessors.
const CLIENT_METHODS: &[&str] = &[
    "new",
    "builder",
    "from_env",
    "from_runtime",
    "runtime",
    "into_runtime",
];

/// Methods of every request builder besides the setters of optional parameters.
const BUILDER_METHODS: &[&str] = &[
    "send",
    "request",
    "stream",
    "count",
    "wait",
    "send_and_wait",
];

/// Names the rendered code of a response model uses for itself.
const MODEL_METHODS: &[&str] = &["invalid_fields", "builder", "new"];

/// Builds the plan. Problems (an operation that cannot be emitted, a type that falls back to
/// any JSON value) are reported in [`Plan::diagnostics`]; errors there are bugs of the passes.
pub fn build(api: &Api, settings: &Settings, runtime: &Manifest) -> Plan {
    let mut diags = Vec::new();

    // Type names first: the tag modules' types must avoid them.
    let mut model_ns = Namespace::camel(&RESERVED_TYPES).suffixed("Model");
    let idents: BTreeMap<String, String> = api
        .types
        .keys()
        .map(|name| (name.clone(), model_ns.claim(&camel_ident(name))))
        .collect();
    let types = Types::new(api, idents);

    let by_tag = group_by_tag(api);
    let lists = paginated_lists(&types);
    let counts_of_lists = head_counts(api, &lists);

    // Crate-level namespaces.
    let mut features = Namespace::kebab(&["default"]).suffixed("-tag");
    for f in runtime.feature_names() {
        features.reserve(&f);
    }
    let mut modules = Namespace::snake(RESERVED_MODULES).suffixed("_api");
    let mut disabled_ns = Namespace::camel(&[]).suffixed("Tag");
    let mut client_ns = Namespace::snake(CLIENT_METHODS).suffixed("_api");
    let mut mock_ns = Namespace::snake(MOCK_SERVER_METHODS).suffixed("_api");
    for m in TRAIT_METHODS {
        client_ns.reserve(m);
        mock_ns.reserve(m);
    }

    let model_idents: Arc<BTreeSet<String>> = Arc::new(types.idents.values().cloned().collect());
    // Crate-level names first, tag after tag (each claim depends on the ones before) ...
    let mut named = Vec::new();
    for (tag, ops) in &by_tag {
        let spelled = spelled_tag(tag);
        let module = modules.claim(&snake_ident(&spelled));
        let feature = features.claim(&kebab(&spelled));
        let accessor = client_ns.claim(&snake_ident(&spelled));
        let mock_accessor = mock_ns.claim(&snake_ident(&spelled));
        // Types of the tag module: models are referred to by path, but users glob-import both.
        let mut tag_types = Namespace::camel(&RESERVED_TYPES).avoiding(model_idents.clone());
        let base = camel_prefix(&spelled);
        let handle = tag_types.claim(&format!("{base}Api"));
        let mock_handle = tag_types.claim(&format!("{base}Mock"));
        let title = api
            .sources
            .iter()
            .find(|s| ops.iter().any(|&i| api.operations[i].span.file == s.path))
            .and_then(|s| s.title.clone());
        let plan = TagPlan {
            tag: tag.clone(),
            module,
            feature,
            handle,
            mock_handle,
            title,
            operations: Vec::new(),
        };
        named.push((plan, ops, tag_types, accessor, mock_accessor));
    }
    // ... then each tag's operations, on all cores: what they name lives in the tag's own
    // namespaces. Results come back in tag order.
    let planned = crate::parallel::map(&named, |(_, ops, tag_types, _, _)| {
        let mut tag_types = tag_types.clone();
        let mut diags = Vec::new();
        let operations = plan_tag_operations(
            &types,
            ops,
            &lists,
            &counts_of_lists,
            &mut tag_types,
            &mut diags,
        );
        (operations, diags)
    });
    let mut tags = Vec::new();
    let mut accessors = Vec::new();
    for ((mut plan, _, _, accessor, mock_accessor), (operations, tag_diags)) in
        named.into_iter().zip(planned)
    {
        plan.operations = operations;
        diags.extend(tag_diags);
        accessors.push(Accessor {
            disabled_trait: disabled_ns.claim(&camel_ident(&format!("{accessor}_feature"))),
            method: accessor,
            mock_method: mock_accessor,
            tag: tags.len(),
        });
        tags.push(plan);
    }
    attach_order_helpers(&types, &mut tags);

    let type_plans = plan_types(&types, &tags, &mut model_ns, &mut diags);
    let (type_plans, model_files) = place_types(&types, &tags, type_plans);
    let example = example(&tags, &accessors);

    diags.sort();
    diags.dedup();
    Plan {
        krate: crate_plan(api, settings, runtime, &tags, &mut diags),
        client: ClientPlan { accessors },
        tags,
        types: type_plans,
        model_files,
        example,
        diagnostics: diags,
    }
}

fn crate_plan(
    api: &Api,
    settings: &Settings,
    runtime: &Manifest,
    tags: &[TagPlan],
    diags: &mut Vec<Diagnostic>,
) -> CratePlan {
    let inputs = if settings.inputs.is_empty() {
        "(no inputs recorded)".to_string()
    } else {
        settings.inputs.join(", ")
    };
    let cargo = cargo_plan(settings, runtime, tags, diags);
    CratePlan {
        features: cargo.features,
        default_features: cargo.default_features,
        dependencies: cargo.dependencies,
        runtime: cargo.runtime,
        name: settings.crate_name.clone(),
        lib_name: settings.crate_name.replace('-', "_"),
        version: settings.crate_version.clone(),
        description: settings.description.clone().unwrap_or_else(|| {
            "Typed async client for the Waldur API, generated from its API reference".to_string()
        }),
        repository: settings.repository.clone(),
        tag_features: tags.iter().map(|t| t.feature.clone()).collect(),
        header: vec![
            format!(
                "Generated by `{}`; its inputs, their sha256 and the generator's version are in \
                 the crate docs (src/lib.rs).",
                settings.command
            ),
            "Do not edit by hand: change the spec or the generator and regenerate.".to_string(),
        ],
        provenance: format!(
            "Generated by `{}` from {inputs} (inputs sha256 {}) with waldur-codegen {}.",
            settings.command,
            settings.input_hash,
            crate::emit::GENERATOR_VERSION
        ),
        sources: api
            .sources
            .iter()
            .map(|s| SourceNote {
                path: s.path.clone(),
                title: s.title.clone(),
                version: s.version.clone(),
                facts: s
                    .provenance
                    .iter()
                    .flat_map(|p| {
                        [
                            ("source", &p.source),
                            ("branch", &p.branch),
                            ("path", &p.remote_path),
                            ("local path", &p.local_path),
                            ("last sync", &p.last_sync),
                        ]
                        .into_iter()
                        .filter_map(|(k, v)| v.as_ref().map(|v| (k.to_string(), v.clone())))
                    })
                    .collect(),
            })
            .collect(),
    }
}

struct CargoPlan {
    features: Vec<FeaturePlan>,
    default_features: Vec<String>,
    dependencies: Vec<String>,
    runtime: RuntimePlan,
}

/// Features, dependencies and the runtime of the crate: the runtime's features are forwarded to
/// the runtime crate (or, vendored, enable what the runtime's own enable), then one feature per
/// tag. Default tags that name no tag are errors.
fn cargo_plan(
    settings: &Settings,
    runtime: &Manifest,
    tags: &[TagPlan],
    diags: &mut Vec<Diagnostic>,
) -> CargoPlan {
    let vendored = settings.runtime == RuntimeSource::Vendored;
    let mut features: Vec<FeaturePlan> = runtime
        .features
        .iter()
        .map(|f| FeaturePlan {
            name: f.name.clone(),
            enables: if vendored {
                f.enables.clone()
            } else {
                vec![format!("{}/{}", runtime_crate::PACKAGE, f.name)]
            },
            comment: f.comment.clone(),
        })
        .collect();
    for (i, t) in tags.iter().enumerate() {
        features.push(FeaturePlan {
            name: t.feature.clone(),
            enables: Vec::new(),
            comment: if i == 0 {
                vec![
                    "# One feature per tag: enable only the resources you use to compile less."
                        .to_string(),
                ]
            } else {
                Vec::new()
            },
        });
    }
    let mut default_features = runtime.default_features.clone();
    match &settings.default_tags {
        None => default_features.extend(tags.iter().map(|t| t.feature.clone())),
        Some((span, wanted)) => {
            for name in wanted {
                if tags.iter().any(|t| &t.feature == name) {
                    default_features.push(name.clone());
                } else {
                    diags.push(Diagnostic::new(
                        span.clone(),
                        format!(
                            "default tag feature `{name}` is not a tag feature of this crate (the features are the tags' names in kebab case, such as `{}`)",
                            tags.first().map_or("openstack-volumes", |t| t.feature.as_str())
                        ),
                    ));
                }
            }
        }
    }
    let entry = |d: &runtime_crate::Dependency, comment: &[String]| {
        let mut lines = comment.to_vec();
        lines.push(format!("{} = {}", d.name, d.value));
        lines.join("\n")
    };
    let (dependencies, plan) = if vendored {
        (
            runtime
                .dependencies
                .iter()
                .map(|d| entry(d, &d.comment))
                .collect(),
            RuntimePlan::Vendored {
                files: runtime_crate::vendored_files(),
            },
        )
    } else {
        let path = match &settings.runtime {
            RuntimeSource::Dependency { path: Some(p) } => {
                format!(", path = {}", toml_string(p))
            }
            _ => String::new(),
        };
        let runtime_dep = format!(
            "# The runtime: HTTP, lenient decoding, paging, errors (see its semver policy).\n{} = {{ version = {}{path}, default-features = false }}",
            runtime_crate::PACKAGE,
            toml_string(&runtime.version)
        );
        // Generated request models derive serde's traits, which name `serde` in their
        // expansion: the one dependency besides the runtime.
        let serde = runtime
            .dependency("serde")
            .map(|d| entry(d, &["# The derives of request models.".to_string()]));
        (
            serde.into_iter().chain([runtime_dep]).collect(),
            RuntimePlan::Dependency {
                lib: runtime_crate::PACKAGE.replace('-', "_"),
                version: runtime.semver,
            },
        )
    };
    CargoPlan {
        features,
        default_features,
        dependencies,
        runtime: plan,
    }
}

fn toml_string(s: &str) -> String {
    let escaped = s.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

/// Operation indices per tag, in source order.
fn group_by_tag(api: &Api) -> BTreeMap<String, Vec<usize>> {
    let mut out: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, op) in api.operations.iter().enumerate() {
        out.entry(op.tag.clone()).or_default().push(i);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Operations

/// What a paginated list is, in one place: a `GET` with optional `page` and `page_size` query
/// parameters whose first success response is a JSON array. Returns, per list operation, the
/// array's item type.
fn paginated_lists<'a>(types: &'a Types<'a>) -> BTreeMap<usize, &'a Ty> {
    let mut out = BTreeMap::new();
    for (i, op) in types.api.operations.iter().enumerate() {
        if op.method != Method::Get {
            continue;
        }
        let optional_query =
            |n: &str| query(op).any(|p| p.name == n && !p.required && is_integer(types, &p.ty));
        if !(optional_query("page") && optional_query("page_size")) {
            continue;
        }
        let Some(ResponseBody::Json { ty }) = first_success(op).map(|r| &r.body) else {
            continue;
        };
        if let Ty::Array { items } = types.resolve(ty) {
            out.insert(i, &**items);
        }
    }
    out
}

fn query(op: &Operation) -> impl Iterator<Item = &Param> {
    op.params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
}

fn is_integer(types: &Types, ty: &Ty) -> bool {
    matches!(
        types.resolve(ty),
        Ty::Scalar {
            scalar: Scalar::Integer { .. }
        }
    )
}

fn first_success(op: &Operation) -> Option<&crate::ir::Response> {
    op.responses.iter().find(|r| (200..300).contains(&r.status))
}

/// `HEAD` operations that count a paginated list of the same path: `HEAD` index -> list index.
fn head_counts(api: &Api, lists: &BTreeMap<usize, &Ty>) -> BTreeMap<usize, usize> {
    let list_by_path: BTreeMap<&str, usize> = lists
        .keys()
        .map(|&i| (api.operations[i].path.as_str(), i))
        .collect();
    api.operations
        .iter()
        .enumerate()
        .filter(|(_, op)| op.method == Method::Head)
        .filter_map(|(i, op)| list_by_path.get(op.path.as_str()).map(|&l| (i, l)))
        .collect()
}

fn plan_tag_operations(
    types: &Types,
    ops: &[usize],
    lists: &BTreeMap<usize, &Ty>,
    counts_of_lists: &BTreeMap<usize, usize>,
    tag_types: &mut Namespace,
    diags: &mut Vec<Diagnostic>,
) -> Vec<OperationPlan> {
    let api = types.api;
    // `new` would read as a constructor (and clippy says so).
    let mut methods = Namespace::snake(&["new"]).suffixed("_op");
    for m in TRAIT_METHODS {
        methods.reserve(m);
    }
    let heads_by_list: BTreeMap<usize, usize> =
        counts_of_lists.iter().map(|(&h, &l)| (l, h)).collect();
    let mut out = Vec::new();
    for &i in ops {
        // A `HEAD` that counts a list of this tag becomes that list's `count`.
        if let Some(&list) = counts_of_lists.get(&i)
            && api.operations[list].tag == api.operations[i].tag
        {
            continue;
        }
        let op = &api.operations[i];
        let method = methods.claim(&method_name(&op.operation_id, &op.tag));
        let builder = tag_types.claim(&format!("{}Builder", camel_prefix(&op.operation_id)));
        out.push(plan_operation(
            types,
            i,
            method,
            builder,
            lists.get(&i).copied(),
            heads_by_list.get(&i).copied(),
            diags,
        ));
    }
    out
}

fn plan_operation(
    types: &Types,
    index: usize,
    method: String,
    builder: String,
    list_item: Option<&Ty>,
    head_op: Option<usize>,
    diags: &mut Vec<Diagnostic>,
) -> OperationPlan {
    let op = &types.api.operations[index];
    // The builder's own methods and its setters share one namespace; handle-method arguments
    // are stored in builder fields of the same names, so they share it too.
    let mut builder_ns = Namespace::snake(BUILDER_METHODS).suffixed("_param");
    for m in TRAIT_METHODS {
        builder_ns.reserve(m);
    }
    builder_ns.reserve("client");
    let unchecked_query = UncheckedQuery {
        method: builder_ns.claim("query_unchecked"),
        field: builder_ns.claim("unchecked_query"),
    };
    let mut args = Vec::new();
    let mut setters = Vec::new();
    // Path parameters in path order (tables list them alphabetically).
    let mut path_params: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
        .collect();
    path_params.sort_by_key(|p| {
        op.path
            .find(&format!("{{{}}}", p.name))
            .unwrap_or(usize::MAX)
    });
    for p in path_params {
        let ident = builder_ns.claim(&snake_ident(&p.name));
        args.push(arg_plan(types, p, ident, ArgLocation::Path, diags));
    }
    for p in query(op).filter(|p| p.required) {
        let ident = builder_ns.claim(&snake_ident(&p.name));
        args.push(arg_plan(types, p, ident, ArgLocation::Query, diags));
    }
    for p in query(op).filter(|p| !p.required) {
        let ident = builder_ns.claim(&snake_ident(&p.name));
        setters.push(arg_plan(types, p, ident, ArgLocation::Query, diags));
    }
    // After every setter, so that a parameter keeps its own name.
    for s in &mut setters {
        if matches!(s.ty, RustTy::Vec(..)) {
            s.append = Some(builder_ns.claim(&format!("add_{}", s.ident.trim_end_matches('_'))));
        }
    }
    for p in op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Header)
    {
        diags.push(Diagnostic::warning(
            p.span.clone(),
            format!(
                "header parameter `{}` of `{}` is documented only: set it with a client hook",
                p.name, op.operation_id
            ),
        ));
    }
    let body = op.body.as_ref().map(|b| {
        let ty = types.rust(&b.ty, Ctx::Request, None, &b.span, diags);
        let object = match types.def_of(&b.ty) {
            Some((_, TypeDef::Object(o))) => Some(o),
            _ => None,
        };
        let has_files = object.is_some_and(|o| object_has_files(types, o));
        if let Some(path) = object.and_then(|o| nested_file(types, o, 0)) {
            diags.push(Diagnostic::warning(
                b.span.clone(),
                format!(
                    "the request body of `{}` has a file nested in `{path}`: a file goes only \
                     as a top-level field of a multipart/form-data body, so a call with that \
                     file set fails with an error naming it",
                    op.operation_id
                ),
            ));
        }
        // How the body is sent is decided here alone, for both front ends, from what the spec
        // says (the media it lists, none on a Markdown page) and whether the body carries a
        // file. Waldur takes JSON for every body that lists it or lists nothing; a file goes as
        // multipart/form-data, so a body with one is sent as JSON unless a file is attached,
        // and as multipart only when JSON is not accepted.
        let accepts_json = b.accepted_media.is_empty()
            || b.accepted_media.contains(&BodyMedia::Json)
            || b.media == BodyMedia::Json;
        let encoding = match b.media {
            BodyMedia::OctetStream | BodyMedia::Text
                if matches!(ty, RustTy::FileUpload | RustTy::String) =>
            {
                BodyEncoding::Raw
            }
            _ if has_files && accepts_json => BodyEncoding::JsonOrMultipart,
            _ if has_files => BodyEncoding::Multipart,
            BodyMedia::FormUrlEncoded if !accepts_json => BodyEncoding::FormUrlEncoded,
            _ => BodyEncoding::Json,
        };
        // A required body is an argument of the handle method, an optional one a setter; both
        // are stored in the builder's `body` field.
        let ident = builder_ns.claim("body");
        BodyPlan {
            ty,
            required: b.required,
            encoding,
            ident,
        }
    });

    let mut output = output(types, op, diags);
    let mut list = None;
    if let Some(item) = list_item {
        output = Output::Page {
            item: types.rust(item, Ctx::Response, None, &op.span, diags),
        };
        let setter = |wire: &str| {
            setters
                .iter()
                .find(|s| s.wire == wire)
                .map(|s| s.ident.clone())
                .unwrap_or_default()
        };
        list = Some(ListPlan {
            page_setter: setter("page"),
            page_size_setter: setter("page_size"),
            head_op,
        });
    }
    // A `HEAD` with paging parameters counts what the `GET` of its path lists (in
    // `X-Result-Count`); any other `HEAD` only tells whether the resource is there.
    if op.method == Method::Head {
        let pages = |n: &str| query(op).any(|p| p.name == n);
        output = if pages("page") && pages("page_size") {
            Output::Count
        } else {
            Output::Accepted
        };
    }
    OperationPlan {
        op: index,
        operation_id: op.operation_id.clone(),
        http_method: op.method,
        path: op.path.clone(),
        method,
        builder,
        args,
        setters,
        unchecked_query,
        body,
        output,
        success_status: first_success(op).map_or(200, |r| r.status),
        list,
        order_helper: None,
        docs: OperationDocs {
            title: op.title.clone(),
            description: op.description.clone(),
            responses: op
                .responses
                .iter()
                .map(|r| (r.status, r.description.clone()))
                .collect(),
            deprecated: op.deprecated,
        },
    }
}

fn arg_plan(
    types: &Types,
    p: &Param,
    ident: String,
    location: ArgLocation,
    diags: &mut Vec<Diagnostic>,
) -> ArgPlan {
    let ty = types.rust(&p.ty, Ctx::Param, None, &p.span, diags);
    let encoding = match (types.resolve(&p.ty), p.style) {
        (Ty::Array { .. }, ArrayStyle::CommaJoined) => QueryEncoding::CommaJoined,
        (Ty::Array { .. }, ArrayStyle::Repeat) => QueryEncoding::Repeated,
        _ => QueryEncoding::Single,
    };
    ArgPlan {
        ident,
        wire: p.name.clone(),
        location,
        ty,
        encoding,
        description: p.description.clone(),
        spec_type: describe(&p.ty),
        default: p.default.as_ref().map(|d| d.to_string()),
        append: None,
    }
}

/// What the success response decodes into. Several success codes with different bodies
/// decode as any JSON value.
fn output(types: &Types, op: &Operation, diags: &mut Vec<Diagnostic>) -> Output {
    let success: Vec<&crate::ir::Response> = op
        .responses
        .iter()
        .filter(|r| (200..300).contains(&r.status))
        .collect();
    let mut bodies: Vec<&ResponseBody> = Vec::new();
    for r in &success {
        if !matches!(r.body, ResponseBody::None | ResponseBody::Unknown)
            && !bodies.contains(&&r.body)
        {
            bodies.push(&r.body);
        }
    }
    if bodies.len() > 1 {
        return Output::Json {
            ty: RustTy::Json,
            allow_empty: true,
        };
    }
    let span = success.first().map(|r| &r.span).unwrap_or(&op.span);
    match bodies.first().copied() {
        Some(ResponseBody::Json { ty }) => {
            let resolved = types.resolve(ty);
            let rust = types.rust(ty, Ctx::Response, None, span, diags);
            // An empty body is no list items, or no JSON at all where anything goes; where a
            // scalar, an enum or an object is documented it is no answer, and decoding it as a
            // model with every field absent would hide that.
            let allow_empty = matches!(resolved, Ty::Array { .. } | Ty::Any | Ty::OneOf { .. });
            Output::Json {
                ty: rust,
                allow_empty,
            }
        }
        Some(ResponseBody::Text) => Output::Text,
        Some(ResponseBody::NdJson { .. }) => Output::NdJson,
        Some(ResponseBody::Binary) => Output::Binary,
        Some(ResponseBody::None | ResponseBody::Unknown) | None => Output::Accepted,
    }
}

/// Whether an object has a field whose value is a file (`string (binary)`, or an array of
/// them).
fn object_has_files(types: &Types, o: &ObjectTy) -> bool {
    o.fields.iter().any(|f| is_file(types, &f.ty))
}

/// The dotted path of a file below the top-level fields of `o` (`attachment.file`), if any;
/// recursive models are followed a few levels deep.
fn nested_file<'a>(types: &'a Types<'a>, o: &'a ObjectTy, depth: usize) -> Option<String> {
    if depth > 8 {
        return None;
    }
    for f in &o.fields {
        let mut ty = types.resolve(&f.ty);
        while let Ty::Array { items: inner } | Ty::Map { values: inner } = ty {
            ty = types.resolve(inner);
        }
        let inner: &ObjectTy = match ty {
            Ty::Object { object } => object,
            other => match types.def_of(other) {
                Some((_, TypeDef::Object(o))) => o,
                _ => continue,
            },
        };
        if let Some(file) = inner.fields.iter().find(|g| is_file(types, &g.ty)) {
            return Some(format!("{}.{}", f.name, file.name));
        }
        if let Some(deeper) = nested_file(types, inner, depth + 1) {
            return Some(format!("{}.{deeper}", f.name));
        }
    }
    None
}

fn is_file(types: &Types, ty: &Ty) -> bool {
    match types.resolve(ty) {
        Ty::Scalar {
            scalar: Scalar::String { format },
        } => format.as_deref() == Some("binary"),
        Ty::Array { items } => is_file(types, items),
        _ => false,
    }
}

/// Waldur resources are ordered through marketplace orders, which change state
/// asynchronously: when the spec has `POST /api/marketplace-orders/` returning the same order
/// model as the retrieve `GET /api/marketplace-orders/{uuid}/`, and that model has `uuid`,
/// `state` (a string or a string enum) and optionally `error_message`, the create builder gets
/// a `send_and_wait` that polls the order until it is done or erred.
fn attach_order_helpers(types: &Types, tags: &mut [TagPlan]) {
    for tag in tags.iter_mut() {
        let retrieve = tag.operations.iter().find(|o| {
            o.http_method == Method::Get
                && o.path == "/api/marketplace-orders/{uuid}/"
                && o.args.len() == 1
                && matches!(o.args[0].ty, RustTy::Uuid)
        });
        let Some((retrieve_method, Output::Json { ty, .. })) =
            retrieve.map(|o| (o.method.clone(), o.output.clone()))
        else {
            continue;
        };
        let RustTy::Named { ident, .. } = &ty else {
            continue;
        };
        let Some(TypeDef::Object(order)) = types
            .api
            .types
            .iter()
            .find(|(name, _)| types.idents.get(*name) == Some(ident))
            .map(|(_, def)| def)
        else {
            continue;
        };
        let names = response_field_names(&order.fields);
        let field = |wire: &str| {
            order
                .fields
                .iter()
                .zip(&names)
                .find(|(f, _)| f.name == wire)
                .map(|(f, (_, _, accessor))| (f, accessor.clone()))
        };
        let (Some((uuid, uuid_accessor)), Some((state, state_accessor))) =
            (field("uuid"), field("state"))
        else {
            continue;
        };
        let is_uuid = matches!(
            types.resolve(&uuid.ty),
            Ty::Scalar { scalar: Scalar::String { format } } if format.as_deref() == Some("uuid")
        );
        let state_is_str = is_plain_string(types, &state.ty);
        let state_is_enum = matches!(
            types.def_of(&state.ty),
            Some((_, TypeDef::Enum(e))) if e.values.iter().all(|v| matches!(v, EnumValue::Str(_)))
        );
        if !is_uuid || !(state_is_str || state_is_enum) {
            continue;
        }
        let error_accessor = field("error_message")
            .filter(|(f, _)| is_plain_string(types, &f.ty))
            .map(|(_, accessor)| accessor);
        for op in tag.operations.iter_mut() {
            if op.http_method == Method::Post
                && op.path == "/api/marketplace-orders/"
                && matches!(&op.output, Output::Json { ty: RustTy::Named { ident: i, .. }, .. } if i == ident)
            {
                op.order_helper = Some(OrderHelper {
                    method: "send_and_wait".to_string(),
                    retrieve_method: retrieve_method.clone(),
                    order_type: ident.clone(),
                    uuid_accessor: uuid_accessor.clone(),
                    state_accessor: state_accessor.clone(),
                    state_is_str,
                    error_accessor: error_accessor.clone(),
                });
            }
        }
    }
}

fn is_plain_string(types: &Types, ty: &Ty) -> bool {
    matches!(
        types.resolve(ty),
        Ty::Scalar { scalar: Scalar::String { format } }
            if !matches!(format.as_deref(), Some("uuid" | "date-time" | "date" | "decimal" | "binary"))
    )
}

// ---------------------------------------------------------------------------------------------
// Types

/// How the operations use a named type.
#[derive(Debug, Clone, Copy, Default)]
struct Use {
    request: bool,
    response: bool,
    /// Reached from a model that decodes from JSON (a response, or a type of no operation).
    decoded: bool,
    /// The body of a PATCH.
    sent_as_body: bool,
}

fn plan_types(
    types: &Types,
    tags: &[TagPlan],
    model_ns: &mut Namespace,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, TypePlan> {
    let api = types.api;
    let mut uses = type_uses(types, tags);
    // A response model decodes its fields, so every type it reaches must decode from JSON too.
    let decoded: BTreeSet<String> = uses
        .iter()
        .filter(|(_, u)| u.response)
        .flat_map(|(name, _)| types.reachable(name).iter().cloned())
        .collect();
    for name in decoded {
        uses.entry(name).or_default().decoded = true;
    }
    let union_values = enum_union_values(types);
    let mut out = BTreeMap::new();
    for (name, def) in &api.types {
        // A type no operation reaches is not part of the client (an OpenAPI schema's
        // `XRequestMultipart` and `XRequestForm` twins of a JSON body, spare components):
        // leaving it out keeps every user's build smaller.
        let Some(usage) = uses.get(name).copied() else {
            continue;
        };
        let ident = types.idents[name].clone();
        let (description, kind) = match def {
            TypeDef::Object(o) if usage.response || !usage.request => (
                o.description.clone(),
                TypeKind::Response(response_model(types, name, o, usage, diags)),
            ),
            TypeDef::Object(o) => (
                o.description.clone(),
                TypeKind::Request(request_model(types, name, o, usage, model_ns, diags)),
            ),
            TypeDef::Enum(e) => {
                let mut values = e.values.clone();
                for v in union_values.get(name).into_iter().flatten() {
                    if !values.contains(v) {
                        values.push(v.clone());
                    }
                }
                (e.description.clone(), TypeKind::Enum(enum_plan(&values)))
            }
            TypeDef::Alias { ty, description } => {
                let ctx = if usage.response || !usage.request {
                    Ctx::Response
                } else {
                    Ctx::Request
                };
                let target = types.rust(ty, ctx, None, &Span::default(), diags);
                (
                    description.clone(),
                    TypeKind::Alias {
                        target,
                        spec_type: describe(ty),
                    },
                )
            }
        };
        out.insert(
            name.clone(),
            TypePlan {
                ident,
                file: String::new(),
                gate: Gate::None,
                description,
                kind,
            },
        );
    }
    out
}

fn type_uses(types: &Types, tags: &[TagPlan]) -> BTreeMap<String, Use> {
    let api = types.api;
    let mut out: BTreeMap<String, Use> = BTreeMap::new();
    let reached = |ty: &Ty| -> BTreeSet<String> {
        let mut direct = BTreeSet::new();
        collect_refs(ty, &mut direct);
        let mut all = direct.clone();
        for n in &direct {
            all.extend(types.reachable(n).iter().cloned());
        }
        all
    };
    for tag in tags {
        for plan in &tag.operations {
            let op = &api.operations[plan.op];
            let mut request = BTreeSet::new();
            for p in &op.params {
                request.extend(reached(&p.ty));
            }
            if let Some(b) = &op.body {
                request.extend(reached(&b.ty));
                let mut direct = BTreeSet::new();
                collect_refs(&b.ty, &mut direct);
                for n in direct {
                    out.entry(n).or_default().sent_as_body = true;
                }
            }
            for n in request {
                out.entry(n).or_default().request = true;
            }
            for r in &op.responses {
                if let ResponseBody::Json { ty } | ResponseBody::NdJson { ty } = &r.body {
                    for n in reached(ty) {
                        out.entry(n).or_default().response = true;
                    }
                }
            }
        }
    }
    out
}

/// `(wire name, field ident, accessor name)` of a response model's fields.
fn response_field_names(fields: &[Field]) -> Vec<(String, String, String)> {
    let mut field_ns = Namespace::snake(&["extra"]).suffixed("_field");
    let mut method_ns = Namespace::snake(MODEL_METHODS).suffixed("_field");
    for m in TRAIT_METHODS {
        method_ns.reserve(m);
    }
    method_ns.reserve("extra");
    fields
        .iter()
        .map(|f| {
            let ident = field_ns.claim(&snake_ident(&f.name));
            let accessor = method_ns.claim(&ident);
            (f.name.clone(), ident, accessor)
        })
        .collect()
}

fn response_model(
    types: &Types,
    name: &str,
    o: &ObjectTy,
    usage: Use,
    diags: &mut Vec<Diagnostic>,
) -> ResponseModel {
    let names = response_field_names(&o.fields);
    let fields = o
        .fields
        .iter()
        .zip(names)
        .map(|(f, (_, ident, accessor))| {
            let ty = types.rust(&f.ty, Ctx::Response, Some(name), &f.span, diags);
            let access = access_of(types, &f.ty, &ty);
            field_plan(f, ident, accessor, ty, Presence::Lenient, access)
        })
        .collect();
    ResponseModel {
        fields,
        extra: "extra".to_string(),
        sent_as_body: usage.sent_as_body,
    }
}

fn access_of(types: &Types, spec: &Ty, ty: &RustTy) -> Access {
    match ty {
        RustTy::String => Access::Str,
        RustTy::Vec(..) => Access::Slice,
        _ if ty.is_copy() => Access::Copied,
        // The blank value a use adds (`enum_union_values`) keeps an integer enum integer.
        RustTy::Named { boxed: false, .. } => match types.def_of(spec) {
            Some((_, TypeDef::Enum(e))) if is_integer_enum(&e.values) => Access::Copied,
            _ => Access::Ref,
        },
        _ => Access::Ref,
    }
}

fn field_plan(
    f: &Field,
    ident: String,
    accessor: String,
    ty: RustTy,
    presence: Presence,
    access: Access,
) -> FieldPlan {
    FieldPlan {
        ident,
        wire: f.name.clone(),
        ty,
        presence,
        accessor,
        access,
        description: f.description.clone(),
        spec_type: describe(&f.ty),
        required: f.required,
        read_only: f.read_only,
        write_only: f.write_only,
        nullable: f.nullable,
        default: f.default.as_ref().map(|d| d.to_string()),
    }
}

fn request_model(
    types: &Types,
    name: &str,
    o: &ObjectTy,
    usage: Use,
    model_ns: &mut Namespace,
    diags: &mut Vec<Diagnostic>,
) -> RequestModel {
    let mut field_ns = Namespace::snake(&["extra"]).suffixed("_field");
    let mut setter_ns = Namespace::snake(&["build"]).suffixed("_field");
    for m in TRAIT_METHODS {
        setter_ns.reserve(m);
    }
    let fields: Vec<FieldPlan> = o
        .fields
        .iter()
        .map(|f| {
            let ident = field_ns.claim(&snake_ident(&f.name));
            let setter = setter_ns.claim(&ident);
            let ty = types.rust(&f.ty, Ctx::Request, Some(name), &f.span, diags);
            let presence = match (f.required, f.nullable) {
                (true, false) => Presence::Required,
                (true, true) => Presence::RequiredNullable,
                (false, _) => Presence::Optional,
            };
            field_plan(f, ident, setter, ty, presence, Access::Ref)
        })
        .collect();
    let required: Vec<&RustTy> = fields
        .iter()
        .filter(|f| f.presence != Presence::Optional)
        .map(|f| &f.ty)
        .collect();
    let distinct: BTreeSet<&RustTy> = required.iter().copied().collect();
    let constructor = if required.is_empty() {
        Constructor::Default
    } else if distinct.len() == required.len() {
        Constructor::New
    } else {
        Constructor::Builder {
            builder: model_ns.claim(&format!("{}Builder", types.idents[name])),
        }
    };
    let has_files = object_has_files(types, o);
    let in_responses = usage.response || usage.decoded;
    RequestModel {
        has_files,
        fields,
        extra: "extra".to_string(),
        constructor,
        // A file's bytes do not come from JSON: not for a model holding one at any depth.
        deserialize: in_responses || !(has_files || nested_file(types, o, 0).is_some()),
        in_responses,
    }
}

/// An enum of integers, possibly with the blank `""` of a choice field with `blank=True`: a
/// `Copy` Rust enum whose integers go on the wire as integers. The one place that decides it,
/// for the enum's own plan and for the accessors that return it by value.
pub fn is_integer_enum(values: &[EnumValue]) -> bool {
    values.iter().any(|v| matches!(v, EnumValue::Int(_)))
        && values.iter().all(|v| {
            matches!(v, EnumValue::Int(_)) || matches!(v, EnumValue::Str(s) if s.is_empty())
        })
}

fn enum_plan(values: &[EnumValue]) -> EnumPlan {
    let integer = is_integer_enum(values);
    let mut ns = Namespace::camel(&["Unknown"]);
    let mut seen = BTreeSet::new();
    let variants = values
        .iter()
        .filter(|v| seen.insert((*v).clone()))
        .map(|v| {
            let wanted = match v {
                EnumValue::Int(i) if *i < 0 => format!("Minus{}", i.unsigned_abs()),
                EnumValue::Int(i) => format!("V{i}"),
                // `-created` is a descending ordering: keep that in the name.
                EnumValue::Str(s) => match s.strip_prefix('-') {
                    Some(rest) if rest.chars().any(|c| c.is_ascii_alphanumeric()) => {
                        format!("{}Desc", camel_prefix(rest))
                    }
                    _ if !s.is_empty() && !s.chars().any(|c| c.is_ascii_alphanumeric()) => {
                        symbol_name(s)
                    }
                    _ => camel_ident(s),
                },
            };
            Variant {
                ident: ns.claim(&wanted),
                value: v.clone(),
            }
        })
        .collect();
    let numeric_strings = !integer
        && values.iter().any(
            |v| matches!(v, EnumValue::Str(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())),
        );
    EnumPlan {
        integer,
        numeric_strings,
        variants,
        unknown: "Unknown".to_string(),
    }
}

/// A variant name for a value made only of punctuation (`-` -> `Minus`, `*` -> `Star`), which
/// case conversion would turn into nothing.
fn symbol_name(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '-' => "Minus",
            '+' => "Plus",
            '*' => "Star",
            '.' => "Dot",
            '/' => "Slash",
            '_' => "Underscore",
            ' ' => "Space",
            '#' => "Hash",
            '@' => "At",
            '!' => "Bang",
            '?' => "Question",
            '=' => "Equals",
            '<' => "Less",
            '>' => "Greater",
            '%' => "Percent",
            '&' => "Ampersand",
            ',' => "Comma",
            ':' => "Colon",
            _ => "Symbol",
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Files and gates

/// Puts each type in a file: a type used by exactly one tag lives in that tag's model file
/// (compiled only with its feature), a type used by several in `shared.rs`, gated on the
/// features of the tags that use it.
fn place_types(
    types: &Types,
    tags: &[TagPlan],
    mut plans: BTreeMap<String, TypePlan>,
) -> (BTreeMap<String, TypePlan>, Vec<ModelFile>) {
    let api = types.api;
    let mut tags_of: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for (t, tag) in tags.iter().enumerate() {
        for plan in &tag.operations {
            let op = &api.operations[plan.op];
            let mut names = BTreeSet::new();
            let mut add = |ty: &Ty| {
                let mut direct = BTreeSet::new();
                collect_refs(ty, &mut direct);
                for n in &direct {
                    names.extend(types.reachable(n).iter().cloned());
                }
                names.extend(direct);
            };
            op.params.iter().for_each(|p| add(&p.ty));
            if let Some(b) = &op.body {
                add(&b.ty);
            }
            for r in &op.responses {
                if let ResponseBody::Json { ty } | ResponseBody::NdJson { ty } = &r.body {
                    add(ty);
                }
            }
            for n in names {
                tags_of.entry(n).or_default().insert(t);
            }
        }
    }
    let mut files: BTreeMap<String, ModelFile> = BTreeMap::new();
    for (name, plan) in plans.iter_mut() {
        let used_by = tags_of.get(name).cloned().unwrap_or_default();
        let (file, feature, gate) = match used_by.len() {
            1 => {
                let tag = &tags[*used_by.iter().next().unwrap_or(&0)];
                (tag.module.clone(), Some(tag.feature.clone()), Gate::None)
            }
            // Every planned type is reached by some operation; one used by several tags is
            // compiled when any of them is enabled.
            _ => {
                let features: Vec<String> =
                    used_by.iter().map(|&t| tags[t].feature.clone()).collect();
                let gate = if features.is_empty() {
                    Gate::None
                } else {
                    Gate::Any(features)
                };
                (SHARED_MODELS.to_string(), None, gate)
            }
        };
        plan.file = file.clone();
        plan.gate = gate;
        files
            .entry(file.clone())
            .or_insert_with(|| ModelFile {
                file,
                feature,
                types: Vec::new(),
            })
            .types
            .push(name.clone());
    }
    (plans, files.into_values().collect())
}

/// The crate example: a call without arguments, a paginated list if there is one.
fn example(tags: &[TagPlan], accessors: &[Accessor]) -> Example {
    let candidates = accessors.iter().flat_map(|a| {
        let tag = &tags[a.tag];
        tag.operations
            .iter()
            .filter(|o| o.args.is_empty() && o.body.as_ref().is_none_or(|b| !b.required))
            .filter(|o| o.http_method == Method::Get)
            .map(move |o| (a, tag, o))
    });
    let mut best: Option<(&Accessor, &TagPlan, &OperationPlan)> = None;
    for c in candidates {
        let is_page = matches!(c.2.output, Output::Page { .. });
        match best {
            Some((_, _, b)) if matches!(b.output, Output::Page { .. }) || !is_page => {}
            _ => best = Some(c),
        }
    }
    Example {
        call: best.map(|(a, tag, o)| ExampleCall {
            accessor: a.method.clone(),
            method: o.method.clone(),
            feature: tag.feature.clone(),
            page: matches!(o.output, Output::Page { .. }),
        }),
    }
}
