//! Unit tests of the passes on small hand-built APIs.

use std::collections::{BTreeMap, BTreeSet};

use super::{PassOptions, Usage, run, usage};
use crate::Diagnostic;
use crate::ir::*;

// ---------------------------------------------------------------------------------------------
// Builder

fn span(file: &str, line: u32) -> Span {
    Span {
        file: file.to_string(),
        line,
    }
}

fn string() -> Ty {
    Ty::string()
}

fn int() -> Ty {
    Ty::Scalar {
        scalar: Scalar::Integer { format: None },
    }
}

fn uuid() -> Ty {
    Ty::Scalar {
        scalar: Scalar::String {
            format: Some("uuid".to_string()),
        },
    }
}

fn field(name: &str, ty: Ty) -> Field {
    Field {
        name: name.to_string(),
        ty,
        required: false,
        nullable: false,
        read_only: false,
        write_only: false,
        description: None,
        default: None,
        extensions: BTreeMap::new(),
        blank: false,
        constraints: Default::default(),
        span: span("fields.md", 1),
    }
}

fn required(name: &str, ty: Ty) -> Field {
    Field {
        required: true,
        ..field(name, ty)
    }
}

fn described(mut f: Field, text: &str) -> Field {
    f.description = Some(text.to_string());
    f
}

fn object_ty(hint: Option<&str>, fields: Vec<Field>) -> ObjectTy {
    ObjectTy {
        name_hint: hint.map(str::to_string),
        description: None,
        fields,
        additional: None,
    }
}

fn obj(fields: Vec<Field>) -> Ty {
    Ty::Object {
        object: Box::new(object_ty(None, fields)),
    }
}

fn hinted(hint: &str, fields: Vec<Field>) -> Ty {
    Ty::Object {
        object: Box::new(object_ty(Some(hint), fields)),
    }
}

fn enum_ty(hint: Option<&str>, values: &[&str]) -> Ty {
    Ty::Enum {
        def: Box::new(EnumTy {
            name_hint: hint.map(str::to_string),
            description: None,
            values: values
                .iter()
                .map(|v| EnumValue::Str(v.to_string()))
                .collect(),
        }),
    }
}

fn enm(values: &[&str]) -> Ty {
    enum_ty(None, values)
}

fn reference(name: &str) -> Ty {
    Ty::Ref {
        name: name.to_string(),
    }
}

struct OpBuilder(Operation);

/// An operation of page `<tag>.md`, tagged `tag`.
fn op(tag: &str, id: &str) -> OpBuilder {
    let mut op = Operation::new(
        id,
        tag,
        Method::Get,
        format!("/api/{}/", tag.replace('_', "-")),
    );
    op.span = span(&format!("{tag}.md"), 10);
    OpBuilder(op)
}

impl OpBuilder {
    fn path(mut self, path: &str) -> Self {
        self.0.path = path.to_string();
        self
    }

    fn param(mut self, name: &str, ty: Ty) -> Self {
        let mut param = Param::query(name, ty);
        param.span = span(&self.0.span.file, 20 + self.0.params.len() as u32);
        self.0.params.push(param);
        self
    }

    /// A JSON body with `model` as both `model_name` and the object's hint (as the Markdown
    /// front end does).
    fn body(mut self, model: &str, fields: Vec<Field>) -> Self {
        self.0.method = Method::Post;
        let mut body = RequestBody::json(hinted(model, fields));
        body.model_name = Some(model.to_string());
        body.span = span(&self.0.span.file, 30);
        self.0.body = Some(body);
        self
    }

    fn body_ty(mut self, ty: Ty) -> Self {
        self.0.method = Method::Post;
        let mut body = RequestBody::json(ty);
        body.span = span(&self.0.span.file, 30);
        self.0.body = Some(body);
        self
    }

    fn resp(mut self, status: u16, ty: Ty) -> Self {
        self.push_response(status, ResponseBody::Json { ty });
        self
    }

    fn no_body(mut self, status: u16) -> Self {
        self.push_response(status, ResponseBody::None);
        self
    }

    fn header(mut self, name: &str, ty: Ty) -> Self {
        if let Some(last) = self.0.responses.last_mut() {
            last.headers.insert(name.to_string(), ty);
        }
        self
    }

    fn push_response(&mut self, status: u16, body: ResponseBody) {
        let mut response = Response::new(status, body);
        response.span = span(&self.0.span.file, 40 + self.0.responses.len() as u32);
        self.0.responses.push(response);
    }

    fn build(self) -> Operation {
        self.0
    }
}

fn api(ops: Vec<OpBuilder>) -> Api {
    Api {
        operations: ops.into_iter().map(OpBuilder::build).collect(),
        ..Api::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Running and inspecting

fn run_ok(mut api: Api) -> Api {
    run_with(&mut api, &PassOptions::default());
    api
}

fn run_with(api: &mut Api, options: &PassOptions) {
    if let Err(diags) = run(api, options) {
        panic!("passes failed: {diags:?}");
    }
    check_invariants(api);
}

/// The contract of [`run`]: no inline types, every reference resolves, valid names, aliases
/// point at definitions.
fn check_invariants(api: &Api) {
    fn check_ty(api: &Api, ty: &Ty, at: &str) {
        match ty {
            Ty::Object { .. } | Ty::Enum { .. } => panic!("inline type left at {at}"),
            Ty::Ref { name } => {
                assert!(api.types.contains_key(name), "unresolved `{name}` at {at}")
            }
            Ty::Array { items } => check_ty(api, items, at),
            Ty::Map { values } => check_ty(api, values, at),
            Ty::OneOf { variants } => variants.iter().for_each(|v| check_ty(api, v, at)),
            Ty::Scalar { .. } | Ty::Any => {}
        }
    }
    for op in &api.operations {
        for p in &op.params {
            check_ty(api, &p.ty, &op.operation_id);
        }
        if let Some(b) = &op.body {
            check_ty(api, &b.ty, &op.operation_id);
        }
        for r in &op.responses {
            if let ResponseBody::Json { ty } | ResponseBody::NdJson { ty } = &r.body {
                check_ty(api, ty, &op.operation_id);
            }
            r.headers
                .values()
                .for_each(|ty| check_ty(api, ty, &op.operation_id));
        }
    }
    for (name, def) in &api.types {
        assert!(
            super::names::is_type_name(name),
            "invalid type name `{name}`"
        );
        match def {
            TypeDef::Object(o) => {
                o.fields.iter().for_each(|f| check_ty(api, &f.ty, name));
                if let Some(a) = &o.additional {
                    check_ty(api, a, name);
                }
            }
            TypeDef::Alias { ty, .. } => check_ty(api, ty, name),
            TypeDef::Enum(_) => {}
        }
    }
}

/// The type names an operation refers to directly, in order (through arrays and maps).
fn op_refs(api: &Api, id: &str) -> Vec<String> {
    fn names(ty: &Ty, out: &mut Vec<String>) {
        match ty {
            Ty::Ref { name } => out.push(name.clone()),
            Ty::Array { items } => names(items, out),
            Ty::Map { values } => names(values, out),
            Ty::OneOf { variants } => variants.iter().for_each(|v| names(v, out)),
            _ => {}
        }
    }
    let op = api
        .operations
        .iter()
        .find(|o| o.operation_id == id)
        .expect("operation exists");
    let mut out = Vec::new();
    for p in &op.params {
        names(&p.ty, &mut out);
    }
    if let Some(b) = &op.body {
        names(&b.ty, &mut out);
    }
    for r in &op.responses {
        if let ResponseBody::Json { ty } = &r.body {
            names(ty, &mut out);
        }
        r.headers.values().for_each(|ty| names(ty, &mut out));
    }
    out
}

/// `object`, `enum` or `alias of X` for every type.
fn kinds(api: &Api) -> BTreeMap<String, String> {
    api.types
        .iter()
        .map(|(name, def)| {
            let kind = match def {
                TypeDef::Object(_) => "object".to_string(),
                TypeDef::Enum(_) => "enum".to_string(),
                TypeDef::Alias {
                    ty: Ty::Ref { name },
                    ..
                } => format!("alias of {name}"),
                TypeDef::Alias { .. } => "alias".to_string(),
            };
            (name.clone(), kind)
        })
        .collect()
}

fn expect_kinds(api: &Api, expected: &[(&str, &str)]) {
    let expected: BTreeMap<String, String> = expected
        .iter()
        .map(|(n, k)| (n.to_string(), k.to_string()))
        .collect();
    assert_eq!(kinds(api), expected);
}

fn object<'a>(api: &'a Api, name: &str) -> &'a ObjectTy {
    match api.types.get(name) {
        Some(TypeDef::Object(o)) => o,
        other => panic!("`{name}` is not an object: {other:?}"),
    }
}

/// The type of field `field` of object `owner`.
fn field_ty<'a>(api: &'a Api, owner: &str, field: &str) -> &'a Ty {
    let o = object(api, owner);
    &o.fields
        .iter()
        .find(|f| f.name == field)
        .expect("field exists")
        .ty
}

fn volume_fields() -> Vec<Field> {
    vec![
        field("url", string()),
        field("uuid", uuid()),
        field("name", string()),
        described(field("size", int()), "Size in MiB"),
        field("state", Ty::Any),
    ]
}

fn snapshot_fields() -> Vec<Field> {
    vec![
        field("uuid", uuid()),
        field("name", string()),
        field("size", int()),
        field(
            "restorations",
            Ty::array(obj(vec![field("uuid", uuid()), field("volume", string())])),
        ),
    ]
}

/// The seed page (`openstack-volumes.md`), reduced to what naming sees.
fn seed_page() -> Vec<OpBuilder> {
    let volume_request = vec![
        required("name", string()),
        field("description", string()),
        field(
            "bootable",
            Ty::Scalar {
                scalar: Scalar::Boolean,
            },
        ),
    ];
    let patched_request: Vec<Field> = volume_request
        .iter()
        .cloned()
        .map(|f| Field {
            required: false,
            ..f
        })
        .collect();
    let t = "openstack_volumes";
    vec![
        op(t, "openstack_volumes_list")
            .param(
                "state",
                Ty::array(enum_ty(Some("CoreStates"), &["OK", "Erred"])),
            )
            .resp(200, Ty::array(obj(volume_fields()))),
        op(t, "openstack_volumes_retrieve").resp(200, obj(volume_fields())),
        op(t, "openstack_volumes_pull")
            .no_body(202)
            .resp(409, obj(vec![field("detail", string())])),
        op(t, "openstack_volumes_unlink").no_body(204),
        op(t, "openstack_volumes_update")
            .body("OpenStackVolumeRequest", volume_request)
            .resp(200, obj(volume_fields())),
        op(t, "openstack_volumes_partial_update")
            .body("PatchedOpenStackVolumeRequest", patched_request)
            .resp(200, obj(volume_fields())),
        op(t, "openstack_volumes_extend")
            .body(
                "OpenStackVolumeExtendRequest",
                vec![required("disk_size", int())],
            )
            .no_body(200),
        op(t, "openstack_volumes_snapshot")
            .body(
                "OpenStackSnapshotRequest",
                vec![required("name", string()), field("kept_until", string())],
            )
            .resp(201, obj(snapshot_fields())),
    ]
}

// ---------------------------------------------------------------------------------------------
// Naming of one page

#[test]
fn seed_page_gets_spec_and_derived_names() {
    let api = run_ok(api(seed_page()));
    expect_kinds(
        &api,
        &[
            ("CoreStates", "enum"),
            ("OpenStackSnapshot", "object"),
            ("OpenStackSnapshotRequest", "object"),
            ("OpenStackSnapshotRestoration", "object"),
            ("OpenStackVolume", "object"),
            ("OpenStackVolumeExtendRequest", "object"),
            ("OpenStackVolumeRequest", "object"),
            ("OpenstackVolumesPull409Response", "object"),
            ("PatchedOpenStackVolumeRequest", "object"),
        ],
    );
    assert_eq!(
        op_refs(&api, "openstack_volumes_list"),
        ["CoreStates", "OpenStackVolume"]
    );
    assert_eq!(
        op_refs(&api, "openstack_volumes_retrieve"),
        ["OpenStackVolume"]
    );
    assert_eq!(
        op_refs(&api, "openstack_volumes_update"),
        ["OpenStackVolumeRequest", "OpenStackVolume"]
    );
    assert_eq!(
        op_refs(&api, "openstack_volumes_partial_update"),
        ["PatchedOpenStackVolumeRequest", "OpenStackVolume"]
    );
    assert_eq!(
        op_refs(&api, "openstack_volumes_snapshot"),
        ["OpenStackSnapshotRequest", "OpenStackSnapshot"]
    );
    assert_eq!(
        field_ty(&api, "OpenStackSnapshot", "restorations"),
        &Ty::array(reference("OpenStackSnapshotRestoration"))
    );
    // The list response stays an array of the shared item type.
    let list = &api.operations[0].responses[0].body;
    assert_eq!(
        list,
        &ResponseBody::Json {
            ty: Ty::array(reference("OpenStackVolume"))
        }
    );
    // Field details survive hoisting.
    let size = &object(&api, "OpenStackVolume").fields[3];
    assert_eq!(
        (size.name.as_str(), size.description.as_deref()),
        ("size", Some("Size in MiB"))
    );
}

#[test]
fn hoists_nested_objects_and_enums_with_exact_names() {
    let port = obj(vec![field("ip_address", Ty::Any)]);
    let floating_ip = obj(vec![
        field("address", string()),
        field("port_fixed_ips", Ty::array(port)),
    ]);
    let response = hinted(
        "Backup",
        vec![
            field("floating_ips", Ty::array(floating_ip)),
            field("policies", Ty::array(obj(vec![field("id", int())]))),
            field("ip_addresses", Ty::array(obj(vec![field("ip", string())]))),
            field("status", obj(vec![field("code", int())])),
            field("kind", enm(&["full", "incremental"])),
            field("tags", Ty::array(enm(&["a", "b"]))),
            field(
                "quotas",
                Ty::Map {
                    values: Box::new(obj(vec![field("limit", int())])),
                },
            ),
            field(
                "target",
                Ty::OneOf {
                    variants: vec![obj(vec![field("x", int())]), string()],
                },
            ),
        ],
    );
    let api = run_ok(api(vec![
        op("backups", "backups_list")
            .param("o", Ty::array(enm(&["name", "-name"])))
            .param("state", enum_ty(Some("CoreStates"), &["OK", "Erred"]))
            .resp(200, Ty::array(response))
            .header("x-kind", enm(&["x", "y"])),
    ]));
    expect_kinds(
        &api,
        &[
            ("Backup", "object"),
            ("BackupFloatingIp", "object"),
            ("BackupFloatingIpPortFixedIp", "object"),
            ("BackupIpAddress", "object"),
            ("BackupKindEnum", "enum"),
            ("BackupPolicy", "object"),
            ("BackupQuotasValue", "object"),
            ("BackupStatus", "object"),
            ("BackupTagsEnum", "enum"),
            ("BackupTargetVariant1", "object"),
            ("BackupsListOEnum", "enum"),
            ("BackupsListXKindHeaderEnum", "enum"),
            ("CoreStates", "enum"),
        ],
    );
    assert_eq!(
        op_refs(&api, "backups_list"),
        [
            "BackupsListOEnum",
            "CoreStates",
            "Backup",
            "BackupsListXKindHeaderEnum"
        ]
    );
    assert_eq!(
        field_ty(&api, "BackupFloatingIp", "port_fixed_ips"),
        &Ty::array(reference("BackupFloatingIpPortFixedIp"))
    );
    assert_eq!(
        field_ty(&api, "Backup", "quotas"),
        &Ty::Map {
            values: Box::new(reference("BackupQuotasValue"))
        }
    );
    assert_eq!(
        field_ty(&api, "Backup", "target"),
        &Ty::OneOf {
            variants: vec![reference("BackupTargetVariant1"), string()]
        }
    );
}

#[test]
fn synthesized_names_follow_status_and_position() {
    let api = run_ok(api(vec![
        op("jobs", "jobs_run")
            .no_body(200)
            .resp(201, obj(vec![field("id", int())]))
            .resp(400, obj(vec![field("error", string())])),
        op("jobs", "jobs_check")
            .resp(
                200,
                obj(vec![field(
                    "ok",
                    Ty::Scalar {
                        scalar: Scalar::Boolean,
                    },
                )]),
            )
            .resp(202, obj(vec![field("queued", int())]))
            .resp(0, obj(vec![field("message", string())])),
        op("jobs", "jobs_submit").body_ty(Ty::array(obj(vec![field("answer", string())]))),
    ]));
    expect_kinds(
        &api,
        &[
            ("JobsCheck202Response", "object"),
            ("JobsCheckDefaultResponse", "object"),
            ("JobsCheckResponse", "object"),
            ("JobsRun201Response", "object"),
            ("JobsRun400Response", "object"),
            ("JobsSubmitRequest", "object"),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Deduplication

#[test]
fn identical_response_shapes_across_operations_share_one_type() {
    let shape = || obj(vec![field("detail", string())]);
    let api = run_ok(api(vec![
        op("tenants", "tenants_pull").resp(409, shape()),
        op("tenants", "tenants_push").resp(200, shape()),
        op("tenants", "tenants_sync").resp(200, Ty::array(shape())),
    ]));
    // One definition, named by what it is; every operation refers to it by a name of its own,
    // so no method returns a type named after another operation.
    expect_kinds(&api, &[("Detail", "object")]);
    assert_eq!(op_refs(&api, "tenants_pull"), ["Detail"]);
    assert_eq!(op_refs(&api, "tenants_push"), ["Detail"]);
    assert_eq!(op_refs(&api, "tenants_sync"), ["Detail"]);
}

#[test]
fn actions_sharing_a_shape_share_a_name_saying_what_it_is_and_resources_keep_theirs() {
    let shape = || obj(vec![field("status", string())]);
    let resource = || obj(vec![field("uuid", uuid()), field("name", string())]);
    let api = run_ok(api(vec![
        op("res", "res_set_downscaled")
            .path("/api/res/{uuid}/set_downscaled/")
            .body("ResourceDownscaledRequest", vec![field("x", int())])
            .resp(200, shape()),
        op("res", "res_set_slug")
            .path("/api/res/{uuid}/set_slug/")
            .body("ResourceSlugRequest", vec![field("y", int())])
            .resp(200, shape()),
        op("res", "res_pull")
            .path("/api/res/{uuid}/pull/")
            .resp(202, shape()),
        op("res", "res_create")
            .path("/api/res/")
            .body("ResourceRequest", vec![field("name", string())])
            .resp(201, resource()),
        op("res", "res_retrieve")
            .path("/api/res/{uuid}/")
            .resp(200, resource()),
    ]));
    // `{status}` is returned by three actions: it is `Status`, named after none of them.
    assert_eq!(
        op_refs(&api, "res_set_downscaled"),
        ["ResourceDownscaledRequest", "Status"]
    );
    assert_eq!(
        op_refs(&api, "res_set_slug"),
        ["ResourceSlugRequest", "Status"]
    );
    assert_eq!(op_refs(&api, "res_pull"), ["Status"]);
    // A create's model names the resource, which a retrieve returns under that name.
    assert_eq!(op_refs(&api, "res_retrieve"), ["Resource"]);
}

#[test]
fn descriptions_and_defaults_split_shapes() {
    let api = run_ok(api(vec![
        op("a", "a_one").resp(200, obj(vec![described(field("x", int()), "one")])),
        op("a", "a_two").resp(200, obj(vec![described(field("x", int()), "two")])),
        op("a", "a_three").resp(200, obj(vec![required("x", int())])),
        op("a", "a_four").resp(200, obj(vec![described(field("x", int()), "one")])),
    ]));
    // Each definition documents its fields with its own text; identical shapes still share one.
    expect_kinds(
        &api,
        &[
            // Shared by two operations: named by its field, not after either.
            ("AThreeResponse", "object"),
            ("ATwoResponse", "object"),
            ("X", "object"),
        ],
    );
    assert_eq!(op_refs(&api, "a_two"), ["ATwoResponse"]);
    assert_eq!(
        object(&api, "ATwoResponse").fields[0]
            .description
            .as_deref(),
        Some("two")
    );
    assert_eq!(op_refs(&api, "a_one"), ["X"]);
    assert_eq!(
        object(&api, "X").fields[0].description.as_deref(),
        Some("one")
    );
}

#[test]
fn request_and_response_objects_are_never_merged_but_enums_are() {
    let fields = || vec![field("name", string()), field("kind", enm(&["a", "b"]))];
    let api = run_ok(api(vec![
        op("things", "things_create")
            .body("ThingRequest", fields())
            .resp(201, obj(fields())),
    ]));
    expect_kinds(
        &api,
        &[
            ("Thing", "object"),
            ("ThingKindEnum", "enum"),
            ("ThingRequest", "object"),
        ],
    );
    assert_eq!(field_ty(&api, "Thing", "kind"), &reference("ThingKindEnum"));
    assert_eq!(
        field_ty(&api, "ThingRequest", "kind"),
        &reference("ThingKindEnum")
    );
}

#[test]
fn identical_enums_in_different_pages_share_the_hinted_name() {
    let states = || enum_ty(Some("CoreStates"), &["OK", "Erred"]);
    let state_field = || obj(vec![field("state", enm(&["OK", "Erred"]))]);
    let api = run_ok(api(vec![
        op("volumes", "volumes_list").param("state", states()),
        op("tenants", "tenants_list").param("state", states()),
        // Same page as a hinted use: one name for both.
        op("tenants", "tenants_retrieve").resp(200, state_field()),
        // No hinted use on this page: its own name, an alias of the shared enum.
        op("instances", "instances_retrieve").resp(200, state_field()),
    ]));
    expect_kinds(
        &api,
        &[
            ("CoreStates", "enum"),
            // Both pages return `{state}`: it is named by its field.
            ("State", "object"),
            // `<Owner><Field>Enum`, the field's word said once.
            ("StateEnum", "alias of CoreStates"),
        ],
    );
    assert_eq!(op_refs(&api, "volumes_list"), ["CoreStates"]);
    assert_eq!(op_refs(&api, "tenants_list"), ["CoreStates"]);
    assert_eq!(op_refs(&api, "tenants_retrieve"), ["State"]);
    assert_eq!(field_ty(&api, "State", "state"), &reference("StateEnum"));
}

// ---------------------------------------------------------------------------------------------
// Priorities

#[test]
fn spec_name_beats_derived_name_beats_synthesized_name() {
    let shape = || obj(vec![field("id", int())]);
    let spec = || hinted("Zebra", vec![field("id", int())]);
    // (a) + (b) + (c) on one shape: the spec name, even though `Alpha` sorts first.
    let api_abc = run_ok(api(vec![
        op("p", "p_retrieve").resp(200, spec()),
        op("p", "p_update")
            .body("AlphaRequest", vec![field("x", int())])
            .resp(200, shape()),
        op("p", "p_list").resp(200, Ty::array(shape())),
    ]));
    assert_eq!(op_refs(&api_abc, "p_retrieve"), ["Zebra"]);
    assert_eq!(op_refs(&api_abc, "p_update"), ["AlphaRequest", "Zebra"]);
    assert_eq!(op_refs(&api_abc, "p_list"), ["Zebra"]);
    // (b) + (c): the derived name.
    let api_bc = run_ok(api(vec![
        op("p", "p_update")
            .body("ZuluRequest", vec![field("x", int())])
            .resp(200, shape()),
        op("p", "p_list").resp(200, Ty::array(shape())),
    ]));
    assert_eq!(op_refs(&api_bc, "p_list"), ["Zulu"]);
    // (c) only: the lexically first synthesized name.
    let api_c = run_ok(api(vec![
        op("p", "p_update").resp(200, shape()),
        op("p", "p_list").resp(200, Ty::array(shape())),
    ]));
    expect_kinds(&api_c, &[("Id", "object")]);
}

#[test]
fn a_name_from_a_well_named_owner_beats_a_synthesized_one() {
    let restoration = || obj(vec![field("uuid", uuid()), field("volume", string())]);
    let api = run_ok(api(vec![
        op("snapshots", "snapshots_restorations_list").resp(200, Ty::array(restoration())),
        op("snapshots", "snapshots_retrieve").resp(
            200,
            hinted(
                "Snapshot",
                vec![field("restorations", Ty::array(restoration()))],
            ),
        ),
        op("snapshots", "snapshots_pull").resp(409, obj(vec![field("detail", string())])),
    ]));
    expect_kinds(
        &api,
        &[
            ("Snapshot", "object"),
            ("SnapshotRestoration", "object"),
            ("SnapshotsPull409Response", "object"),
        ],
    );
    assert_eq!(
        op_refs(&api, "snapshots_restorations_list"),
        ["SnapshotRestoration"]
    );
}

#[test]
fn derived_names_apply_to_success_responses_only() {
    let api = run_ok(api(vec![
        op("orders", "orders_approve")
            .body("OrderApproveRequest", vec![field("comment", string())])
            .resp(200, obj(vec![field("state", string())]))
            .resp(400, obj(vec![field("error", string())])),
    ]));
    expect_kinds(
        &api,
        &[
            ("OrderApprove", "object"),
            ("OrderApproveRequest", "object"),
            ("OrdersApprove400Response", "object"),
        ],
    );
}

#[test]
fn other_spec_names_of_merged_shapes_become_aliases() {
    let api = run_ok(api(vec![
        op("p", "p_retrieve").resp(200, hinted("OpenStackVolume", vec![field("id", int())])),
        op("p", "p_other").resp(200, hinted("Volume", vec![field("id", int())])),
        op("p", "p_create").body("VolumeRequest", vec![field("id", int())]),
        op("p", "p_replace").body("OtherVolumeRequest", vec![field("id", int())]),
    ]));
    expect_kinds(
        &api,
        &[
            ("OpenStackVolume", "object"),
            ("OtherVolumeRequest", "object"),
            ("Volume", "alias of OpenStackVolume"),
            ("VolumeRequest", "alias of OtherVolumeRequest"),
        ],
    );
    // Each operation is called by its own spec name; the rest of the page by the shape's.
    assert_eq!(op_refs(&api, "p_retrieve"), ["OpenStackVolume"]);
    assert_eq!(op_refs(&api, "p_other"), ["Volume"]);
    assert_eq!(op_refs(&api, "p_create"), ["VolumeRequest"]);
    assert_eq!(op_refs(&api, "p_replace"), ["OtherVolumeRequest"]);
}

#[test]
fn a_spec_name_held_by_another_shape_is_not_used_for_a_merged_occurrence() {
    let api = run_ok(api(vec![
        op("a", "a_one").resp(200, hinted("Alpha", vec![field("id", int())])),
        op("a", "a_two").resp(200, hinted("Beta", vec![field("id", int())])),
        op("b", "b_one").resp(200, hinted("Beta", vec![field("name", string())])),
    ]));
    expect_kinds(&api, &[("Alpha", "object"), ("Beta", "object")]);
    // `Beta` is page b's name for another shape, so a_two uses its shape's name.
    assert_eq!(op_refs(&api, "a_two"), ["Alpha"]);
    assert_eq!(op_refs(&api, "b_one"), ["Beta"]);
}

#[test]
fn a_shape_nested_in_an_actions_model_is_named_after_the_resource_that_also_holds_it() {
    let plan = || {
        obj(vec![
            field("name", string()),
            field("unit", string()),
            field("price", string()),
        ])
    };
    let api = run_ok(api(vec![
        op("offerings", "offerings_dry_run")
            .path("/api/offerings/{uuid}/dry_run/")
            .body("DryRunRequest", vec![field("x", int())])
            .resp(
                200,
                obj(vec![field("state", string()), field("plan", plan())]),
            ),
        op("public_offerings", "public_offerings_retrieve").resp(
            200,
            hinted(
                "PublicOffering",
                vec![field("uuid", uuid()), field("plans", Ty::array(plan()))],
            ),
        ),
    ]));
    // Not `DryRunPlan`: the action's model is one operation's, the offering is what the
    // plan belongs to.
    assert_eq!(
        field_ty(&api, "PublicOffering", "plans"),
        &Ty::array(reference("PublicOfferingPlan"))
    );
    assert!(matches!(
        api.types["PublicOfferingPlan"],
        TypeDef::Object(_)
    ));
}

#[test]
fn shapes_shared_by_pages_are_named_by_what_they_are() {
    let shape = || {
        obj(vec![
            field("uuid", uuid()),
            field("items", Ty::array(obj(vec![field("n", int())]))),
        ])
    };
    let api = run_ok(api(vec![
        op("beta", "beta_retrieve").resp(200, shape()),
        op("alpha", "alpha_retrieve").resp(200, shape()),
    ]));
    expect_kinds(
        &api,
        &[
            // Named by its fields, not after alpha's operation; the item after its owner, without
            // saying `Items` and `Item`.
            ("UuidItem", "object"),
            ("UuidItems", "object"),
        ],
    );
    assert_eq!(op_refs(&api, "alpha_retrieve"), ["UuidItems"]);
    assert_eq!(op_refs(&api, "beta_retrieve"), ["UuidItems"]);
    assert_eq!(
        field_ty(&api, "UuidItems", "items"),
        &Ty::array(reference("UuidItem"))
    );
}

// ---------------------------------------------------------------------------------------------
// Collisions

#[test]
fn equal_claims_from_two_pages_go_to_the_smaller_tag() {
    let build = |order_ba: bool| {
        let alpha = op("alpha", "alpha_set_erred")
            .body("SetErredRequest", vec![field("error", string())])
            .resp(200, obj(vec![field("detail", string())]));
        let beta = op("beta", "beta_set_erred")
            .body("SetErredRequest", vec![field("error", string())])
            .resp(200, obj(vec![field("status", string())]));
        run_ok(api(if order_ba {
            vec![beta, alpha]
        } else {
            vec![alpha, beta]
        }))
    };
    let api = build(false);
    expect_kinds(
        &api,
        &[
            ("BetaSetErredResponse", "object"),
            ("SetErred", "object"),
            ("SetErredRequest", "object"),
        ],
    );
    assert_eq!(
        op_refs(&api, "alpha_set_erred"),
        ["SetErredRequest", "SetErred"]
    );
    assert_eq!(
        op_refs(&api, "beta_set_erred"),
        ["SetErredRequest", "BetaSetErredResponse"]
    );
    assert_eq!(build(true).types, api.types);
}

#[test]
fn a_spec_name_beats_a_derived_one_whatever_the_tag() {
    let api = run_ok(api(vec![
        op("alpha", "alpha_create")
            .body("WidgetRequest", vec![field("name", string())])
            .resp(201, obj(vec![field("name", string())])),
        op("zeta", "zeta_retrieve").resp(200, hinted("Widget", vec![field("id", int())])),
    ]));
    expect_kinds(
        &api,
        &[
            ("AlphaCreateResponse", "object"),
            ("Widget", "object"),
            ("WidgetRequest", "object"),
        ],
    );
    assert_eq!(
        op_refs(&api, "alpha_create"),
        ["WidgetRequest", "AlphaCreateResponse"]
    );
}

#[test]
fn a_nested_loser_without_other_names_is_qualified_by_its_tag() {
    let api = run_ok(api(vec![
        op("alpha", "alpha_get").resp(
            200,
            hinted("Box", vec![field("lid", obj(vec![field("x", int())]))]),
        ),
        op("beta", "beta_get").resp(200, hinted("BoxLid", vec![field("y", int())])),
    ]));
    expect_kinds(
        &api,
        &[
            ("AlphaBoxLid", "object"),
            ("Box", "object"),
            ("BoxLid", "object"),
        ],
    );
    assert_eq!(field_ty(&api, "Box", "lid"), &reference("AlphaBoxLid"));
}

#[test]
fn input_named_types_keep_their_names_against_made_up_ones() {
    let mut input = api(vec![
        op("things", "things_get").resp(200, obj(vec![field("a", int())])),
    ]);
    input.types.insert(
        "ThingsGetResponse".to_string(),
        TypeDef::Object(object_ty(None, vec![field("b", string())])),
    );
    let api = run_ok(input);
    expect_kinds(
        &api,
        &[
            ("ThingsGetResponse", "object"),
            ("ThingsGetResponse2", "object"),
        ],
    );
    assert_eq!(op_refs(&api, "things_get"), ["ThingsGetResponse2"]);
    assert_eq!(object(&api, "ThingsGetResponse").fields[0].name, "b");
}

#[test]
fn two_shapes_of_one_page_with_one_derived_name() {
    // `create` and `update` derive `Item` from `ItemRequest` but return different shapes: the
    // first seen in the page keeps it, the other falls back to its synthesized name.
    let api = run_ok(api(vec![
        op("items", "items_create")
            .body("ItemRequest", vec![field("name", string())])
            .resp(201, obj(vec![field("name", string()), field("id", int())])),
        op("items", "items_update")
            .body("ItemRequest", vec![field("name", string())])
            .resp(200, obj(vec![field("name", string())])),
    ]));
    expect_kinds(
        &api,
        &[
            ("Item", "object"),
            ("ItemRequest", "object"),
            ("ItemsUpdateResponse", "object"),
        ],
    );
    assert_eq!(op_refs(&api, "items_create"), ["ItemRequest", "Item"]);
}

// ---------------------------------------------------------------------------------------------
// Input-named types (OpenAPI)

#[test]
fn input_named_types_get_their_inline_fields_hoisted() {
    let mut input = api(vec![
        op("offerings", "offerings_retrieve").resp(200, reference("Offering")),
        op("offerings", "offerings_list").resp(200, reference("OfferingList")),
    ]);
    let plan = obj(vec![field("name", string()), field("price", string())]);
    let offering = object_ty(
        None,
        vec![
            field("uuid", uuid()),
            field("plans", Ty::array(plan)),
            field("state", enm(&["Active", "Paused"])),
            field(
                "components",
                Ty::Map {
                    values: Box::new(obj(vec![field("amount", int())])),
                },
            ),
            field("customer", reference("Customer")),
        ],
    );
    input
        .types
        .insert("Offering".to_string(), TypeDef::Object(offering));
    input.types.insert(
        "Customer".to_string(),
        TypeDef::Object(object_ty(None, vec![field("name", string())])),
    );
    input.types.insert(
        "OfferingList".to_string(),
        TypeDef::Alias {
            ty: Ty::array(obj(vec![field("uuid", uuid())])),
            description: None,
        },
    );
    input.types.insert(
        "Kind".to_string(),
        TypeDef::Alias {
            ty: enm(&["x", "y"]),
            description: Some("A kind.".to_string()),
        },
    );
    let api = run_ok(input);
    expect_kinds(
        &api,
        &[
            ("Customer", "object"),
            ("Kind", "enum"),
            ("Offering", "object"),
            ("OfferingComponentsValue", "object"),
            ("OfferingList", "alias"),
            ("OfferingListItem", "object"),
            ("OfferingPlan", "object"),
            ("OfferingStateEnum", "enum"),
        ],
    );
    assert_eq!(op_refs(&api, "offerings_retrieve"), ["Offering"]);
    assert_eq!(
        field_ty(&api, "Offering", "plans"),
        &Ty::array(reference("OfferingPlan"))
    );
    assert_eq!(
        field_ty(&api, "Offering", "customer"),
        &reference("Customer")
    );
    assert_eq!(
        api.types["OfferingList"],
        TypeDef::Alias {
            ty: Ty::array(reference("OfferingListItem")),
            description: None
        }
    );
    let TypeDef::Enum(kind) = &api.types["Kind"] else {
        panic!("Kind is an enum")
    };
    assert_eq!(kind.description.as_deref(), Some("A kind."));
}

#[test]
fn input_type_names_are_made_valid_and_references_follow() {
    let mut input = api(vec![op("a", "a_get").resp(200, reference("common.Error"))]);
    input.types.insert(
        "common.Error".to_string(),
        TypeDef::Object(object_ty(None, vec![field("detail", string())])),
    );
    input.types.insert(
        "lowerCase".to_string(),
        TypeDef::Alias {
            ty: reference("common.Error"),
            description: None,
        },
    );
    let api = run_ok(input);
    expect_kinds(
        &api,
        &[
            ("CommonError", "object"),
            ("LowerCase", "alias of CommonError"),
        ],
    );
    assert_eq!(op_refs(&api, "a_get"), ["CommonError"]);
}

#[test]
fn unknown_references_are_reported_with_their_span() {
    let mut input = api(vec![
        op("a", "a_get").resp(200, obj(vec![field("owner", reference("Missing"))])),
        op("a", "a_put").body_ty(reference("AlsoMissing")),
    ]);
    let before = input.clone();
    let err = run(&mut input, &PassOptions::default()).expect_err("unknown references fail");
    assert_eq!(
        err,
        vec![
            Diagnostic::new(
                span("fields.md", 1),
                "reference to unknown type `Missing`: no schema of that name is defined"
            ),
            Diagnostic::new(
                span("a.md", 30),
                "reference to unknown type `AlsoMissing`: no schema of that name is defined"
            ),
        ]
    );
    assert_eq!(
        input, before,
        "nothing is rewritten when the input is rejected"
    );
}

#[test]
fn input_type_names_that_collide_once_made_valid_get_numbered_names_with_warnings() {
    let mut input = Api::default();
    let def = |f: &str| TypeDef::Object(object_ty(None, vec![field(f, int())]));
    // `Foo` and `FooBar` are valid and keep their names; the others are renamed in name order.
    input.types.insert("Foo".to_string(), def("a"));
    input.types.insert("foo".to_string(), def("b"));
    input.types.insert("FooBar".to_string(), def("c"));
    input.types.insert("Foo.Bar".to_string(), def("d"));
    input.types.insert("foo_bar".to_string(), def("e"));
    input.types.insert("_".to_string(), def("f"));
    input.types.insert("bar".to_string(), def("g"));
    input
        .operations
        .push(op("a", "a_get").resp(200, reference("foo_bar")).build());
    let warnings = run(&mut input, &PassOptions::default()).expect("collisions are resolved");
    let names: Vec<&str> = input.types.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "Bar", "Foo", "Foo2", "FooBar", "FooBar2", "FooBar3", "Unnamed"
        ]
    );
    let field_of = |name: &str| match &input.types[name] {
        TypeDef::Object(o) => o.fields[0].name.clone(),
        other => panic!("{name}: {other:?}"),
    };
    assert_eq!(field_of("Foo2"), "b");
    assert_eq!(field_of("FooBar2"), "d");
    assert_eq!(field_of("FooBar3"), "e");
    assert_eq!(field_of("Unnamed"), "f");
    assert_eq!(op_refs(&input, "a_get"), ["FooBar3"], "references follow");
    let messages: Vec<String> = warnings.iter().map(|d| d.message.clone()).collect();
    assert_eq!(
        messages,
        [
            "type name `Foo.Bar` becomes `FooBar2` in Rust: `FooBar` is another type's name",
            "type name `_` has no letters or digits; it is called `Unnamed` in Rust",
            "type name `foo` becomes `Foo2` in Rust: `Foo` is another type's name",
            "type name `foo_bar` becomes `FooBar3` in Rust: `FooBar` is another type's name",
        ]
    );
    assert!(warnings.iter().all(|d| !d.is_error()));
}

// ---------------------------------------------------------------------------------------------
// rename_types

fn renames(pairs: &[(&str, &str)]) -> PassOptions {
    PassOptions {
        rename_types: pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
    }
}

#[test]
fn rename_types_renames_definitions_and_references() {
    let mut api = api(seed_page());
    run_with(
        &mut api,
        &renames(&[
            ("OpenStackVolume", "Volume"),
            ("OpenStackSnapshotRestoration", "Restoration"),
            ("CoreStates", "OpenStackSnapshot"),
            ("OpenStackSnapshot", "Snapshot"),
        ]),
    );
    assert!(api.types.contains_key("Volume"));
    assert!(!api.types.contains_key("OpenStackVolume"));
    assert_eq!(
        op_refs(&api, "openstack_volumes_list"),
        ["OpenStackSnapshot", "Volume"]
    );
    assert_eq!(
        op_refs(&api, "openstack_volumes_snapshot"),
        ["OpenStackSnapshotRequest", "Snapshot"]
    );
    assert_eq!(
        field_ty(&api, "Snapshot", "restorations"),
        &Ty::array(reference("Restoration"))
    );
    assert!(matches!(api.types["OpenStackSnapshot"], TypeDef::Enum(_)));
}

#[test]
fn rename_types_errors_name_the_problem_and_the_first_use() {
    let mut api = api(seed_page());
    let err = run(
        &mut api,
        &renames(&[
            ("OpenStackVolume", "OpenStackSnapshot"),
            ("OpenStackSnapshotRestoration", "restoration"),
            ("NoSuchType", "Whatever"),
            ("CoreStates", "States"),
            ("OpenstackVolumesPull409Response", "States"),
        ]),
    )
    .expect_err("bad renames");
    let messages: Vec<String> = err.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            ":0: rename_types: there is no generated type named `NoSuchType`",
            "fields.md:1: rename_types: cannot rename `OpenStackSnapshotRestoration` to \
             `restoration`: expected a type name of ASCII letters and digits starting with an \
             upper-case letter",
            "openstack_volumes.md:40: rename_types: cannot rename `OpenStackVolume` to \
             `OpenStackSnapshot`: a type named `OpenStackSnapshot` already exists",
            "openstack_volumes.md:41: rename_types: cannot rename \
             `OpenstackVolumesPull409Response` to `States`: `CoreStates` is also renamed to \
             `States`",
        ]
    );
    // Nothing was renamed.
    assert!(api.types.contains_key("OpenStackVolume"));
    assert!(api.types.contains_key("CoreStates"));
}

#[test]
fn rename_types_error_span_of_a_nested_type_is_its_field() {
    let mut api = api(vec![op("a", "a_get").resp(
        200,
        hinted(
            "Outer",
            vec![Field {
                span: span("a.md", 77),
                ..field("inner", obj(vec![field("x", int())]))
            }],
        ),
    )]);
    api.types
        .insert("Taken".to_string(), TypeDef::Enum(EnumTy::default()));
    let err = run(&mut api, &renames(&[("OuterInner", "Taken")])).expect_err("taken");
    assert_eq!(
        err,
        vec![Diagnostic::new(
            span("a.md", 77),
            "rename_types: cannot rename `OuterInner` to `Taken`: a type named `Taken` already exists"
        )]
    );
}

// ---------------------------------------------------------------------------------------------
// Determinism and stability

/// Three pages with shared shapes, nested types, enums and collisions.
fn three_pages() -> Vec<OpBuilder> {
    let resource = || {
        obj(vec![
            field("uuid", uuid()),
            field("state", enm(&["OK", "Erred"])),
            field("ports", Ty::array(obj(vec![field("mac", string())]))),
        ])
    };
    vec![
        op("alpha", "alpha_list").resp(200, Ty::array(resource())),
        op("alpha", "alpha_set_erred")
            .body("SetErredRequest", vec![field("error", string())])
            .resp(200, obj(vec![field("detail", string())])),
        op("alpha", "alpha_pull")
            .no_body(202)
            .resp(409, obj(vec![field("detail", string())])),
        op("beta", "beta_retrieve").resp(200, resource()),
        op("beta", "beta_set_erred")
            .body("SetErredRequest", vec![field("error", string())])
            .resp(200, obj(vec![field("status", string())])),
        op("beta", "beta_update")
            .body("BetaThingRequest", vec![required("name", string())])
            .resp(
                200,
                obj(vec![
                    field("name", string()),
                    field("kind", enm(&["a", "b"])),
                ]),
            ),
        op("gamma", "gamma_list")
            .param("state", enum_ty(Some("CoreStates"), &["OK", "Erred"]))
            .resp(
                200,
                Ty::array(hinted("ResourceSummary", vec![field("uuid", uuid())])),
            ),
        op("gamma", "gamma_pull")
            .no_body(202)
            .resp(409, obj(vec![field("detail", string())])),
    ]
}

#[test]
fn output_does_not_depend_on_the_order_of_pages() {
    let forward = run_ok(api(three_pages()));
    // Pages reversed, and their operations interleaved, each page keeping its own order.
    let mut pages: BTreeMap<String, Vec<OpBuilder>> = BTreeMap::new();
    for o in three_pages() {
        pages.entry(o.0.tag.clone()).or_default().push(o);
    }
    let mut queues: Vec<std::vec::IntoIter<OpBuilder>> =
        pages.into_values().rev().map(Vec::into_iter).collect();
    let mut shuffled = Vec::new();
    while shuffled.len() < 8 {
        for q in &mut queues {
            shuffled.extend(q.next());
        }
    }
    let shuffled = run_ok(api(shuffled));
    assert_ne!(
        forward
            .operations
            .iter()
            .map(|o| &o.operation_id)
            .collect::<Vec<_>>(),
        shuffled
            .operations
            .iter()
            .map(|o| &o.operation_id)
            .collect::<Vec<_>>()
    );
    assert_eq!(forward.types, shuffled.types);
    for o in &forward.operations {
        assert_eq!(
            op_refs(&forward, &o.operation_id),
            op_refs(&shuffled, &o.operation_id)
        );
    }
    assert_eq!(
        run_ok(api(three_pages())),
        forward,
        "same input, same output"
    );
}

/// A name-free rendering of what a type name denotes (aliases and references expanded).
fn structure(api: &Api, ty: &Ty) -> String {
    match ty {
        Ty::Ref { name } => match &api.types[name] {
            TypeDef::Alias { ty, .. } => structure(api, ty),
            TypeDef::Enum(e) => format!("enum{:?}", e.values),
            TypeDef::Object(o) => {
                let fields: Vec<String> = o
                    .fields
                    .iter()
                    .map(|f| {
                        format!(
                            "{}{}:{}",
                            f.name,
                            if f.required { "!" } else { "" },
                            structure(api, &f.ty)
                        )
                    })
                    .collect();
                format!("{{{}}}", fields.join(","))
            }
        },
        Ty::Array { items } => format!("[{}]", structure(api, items)),
        Ty::Map { values } => format!("map<{}>", structure(api, values)),
        other => format!("{other:?}"),
    }
}

/// Every type name reachable from the operations of `tags`, with what it denotes.
fn reachable(api: &Api, tags: &[&str]) -> BTreeMap<String, String> {
    fn visit(api: &Api, ty: &Ty, out: &mut BTreeMap<String, String>) {
        match ty {
            Ty::Ref { name } => {
                if out.contains_key(name) {
                    return;
                }
                out.insert(name.clone(), structure(api, ty));
                match &api.types[name] {
                    TypeDef::Object(o) => o.fields.iter().for_each(|f| visit(api, &f.ty, out)),
                    TypeDef::Alias { ty, .. } => visit(api, ty, out),
                    TypeDef::Enum(_) => {}
                }
            }
            Ty::Array { items } => visit(api, items, out),
            Ty::Map { values } => visit(api, values, out),
            Ty::OneOf { variants } => variants.iter().for_each(|v| visit(api, v, out)),
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    for op in api
        .operations
        .iter()
        .filter(|o| tags.contains(&o.tag.as_str()))
    {
        op.params.iter().for_each(|p| visit(api, &p.ty, &mut out));
        op.body.iter().for_each(|b| visit(api, &b.ty, &mut out));
        for r in &op.responses {
            if let ResponseBody::Json { ty } = &r.body {
                visit(api, ty, &mut out);
            }
        }
    }
    out
}

#[test]
fn adding_a_page_keeps_the_names_of_other_pages() {
    let two: Vec<OpBuilder> = three_pages()
        .into_iter()
        .filter(|o| o.0.tag != "gamma")
        .collect();
    let before = run_ok(api(two));
    // A third page that shares shapes with the first two (with a better name for one of them),
    // claims an enum value list they use, and re-uses a response shape of `alpha`.
    let mut ops = three_pages();
    ops.push(op("gamma", "gamma_retrieve").resp(
        200,
        hinted(
            "Resource",
            vec![
                field("uuid", uuid()),
                field("state", enum_ty(Some("ResourceState"), &["OK", "Erred"])),
                field("ports", Ty::array(obj(vec![field("mac", string())]))),
            ],
        ),
    ));
    ops.push(
        op("gamma", "gamma_set_erred")
            .body("SetErredRequest", vec![field("error", string())])
            .resp(200, obj(vec![field("other", string())])),
    );
    let after = run_ok(api(ops));

    let reach_before = reachable(&before, &["alpha", "beta"]);
    assert!(reach_before.len() >= 8, "{reach_before:?}");
    // Every name the first two pages could reach still exists and denotes the same structure
    // (the definition's fields may now use gamma's names: alpha's are aliases of them), but
    // for the name of the state enum the two pages share: named by its values while no page
    // names it, it is named after its owners once gamma gives it spec names.
    assert!(before.types.contains_key("OkErredEnum"));
    assert!(!after.types.contains_key("OkErredEnum"));
    for (name, denotes) in &reach_before {
        if name == "OkErredEnum" {
            continue;
        }
        assert!(after.types.contains_key(name), "`{name}` disappeared");
        assert_eq!(
            &structure(&after, &reference(name)),
            denotes,
            "`{name}` changed"
        );
    }
    for o in before.operations.iter() {
        assert_eq!(
            op_refs(&before, &o.operation_id),
            op_refs(&after, &o.operation_id)
        );
    }
    // The shared shape is now defined under gamma's spec name; alpha's name is an alias of it.
    assert_eq!(
        after.types["AlphaListResponse"],
        TypeDef::Alias {
            ty: reference("Resource"),
            description: None
        }
    );
    assert!(matches!(
        before.types["AlphaListResponse"],
        TypeDef::Object(_)
    ));
    assert_eq!(
        after.types["AlphaListResponseStateEnum"],
        TypeDef::Alias {
            ty: reference("CoreStates"),
            description: None
        }
    );
    // gamma gives the enum two spec names; the lexically first names it, the other is kept.
    assert_eq!(
        after.types["ResourceState"],
        TypeDef::Alias {
            ty: reference("CoreStates"),
            description: None
        }
    );
    // gamma's different `SetErred` shape lost to alpha's (same priority, later tag).
    assert_eq!(
        op_refs(&after, "gamma_set_erred"),
        ["SetErredRequest", "GammaSetErredResponse"]
    );
}

#[test]
fn removing_a_page_changes_other_pages_only_where_it_won_a_collision() {
    let all = run_ok(api(three_pages()));
    for removed in ["alpha", "beta", "gamma"] {
        let rest: Vec<OpBuilder> = three_pages()
            .into_iter()
            .filter(|o| o.0.tag != removed)
            .collect();
        let without = run_ok(api(rest));
        for o in &without.operations {
            let id = o.operation_id.as_str();
            let expected = match (removed, id) {
                // `alpha` held `SetErred` against `beta` (same priority, smaller tag); without
                // it, `beta`'s claim is uncontested. The only name that moves.
                ("alpha", "beta_set_erred") => {
                    vec!["SetErredRequest".to_string(), "SetErred".to_string()]
                }
                _ => op_refs(&all, id),
            };
            assert_eq!(op_refs(&without, id), expected, "without {removed}: {id}");
        }
        for name in without.types.keys() {
            // Without `alpha` (or `beta`), one operation reaches the port: named after its
            // owner there, no longer by its field (`Mac`) as a shape two operations share.
            if matches!(
                (removed, name.as_str()),
                ("alpha", "BetaRetrieveResponsePort") | ("beta", "AlphaListResponsePort")
            ) {
                assert!(all.types.contains_key("Mac"));
                continue;
            }
            // Without `gamma`, no page gives the shared state enum a spec name: it is named by
            // its values.
            if (removed, name.as_str()) == ("gamma", "OkErredEnum") {
                continue;
            }
            assert!(
                all.types.contains_key(name),
                "removing {removed} created `{name}`"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// usage()

#[test]
fn usage_follows_references_from_requests_and_responses() {
    let kind = || enm(&["a", "b"]);
    let mut input = api(vec![
        op("t", "t_create")
            .param("kind", kind())
            .body(
                "ThingRequest",
                vec![field("spec", obj(vec![field("kind", kind())]))],
            )
            .resp(
                201,
                obj(vec![
                    field("owner", reference("Owner")),
                    field("kind", kind()),
                ]),
            ),
    ]);
    input.types.insert(
        "Owner".to_string(),
        TypeDef::Object(object_ty(None, vec![field("name", string())])),
    );
    input.types.insert(
        "Unused".to_string(),
        TypeDef::Alias {
            ty: reference("Owner"),
            description: None,
        },
    );
    let api = run_ok(input);
    let req = Usage {
        request: true,
        response: false,
    };
    let resp = Usage {
        request: false,
        response: true,
    };
    let both = Usage {
        request: true,
        response: true,
    };
    let expected: BTreeMap<String, Usage> = [
        ("Owner", resp),
        ("Thing", resp),
        ("ThingKindEnum", both),
        ("ThingRequest", req),
        ("ThingRequestSpec", req),
        ("Unused", Usage::default()),
    ]
    .into_iter()
    .map(|(n, u)| (n.to_string(), u))
    .collect();
    assert_eq!(usage(&api), expected);
    let names: BTreeSet<&String> = api.types.keys().collect();
    assert_eq!(names.len(), 6);
}
