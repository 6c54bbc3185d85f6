//! Unit tests of the diff on hand-built APIs: every change kind with its exact
//! classification, and the exact Markdown and JSON of small examples.

use std::collections::BTreeMap;

use super::*;
use crate::ir::{
    Api, ArrayStyle, BodyMedia, EnumTy, EnumValue, Field, Method, ObjectTy, Operation, Param,
    ParamLocation, RequestBody, Response, ResponseBody, Scalar, SourceFile, Span, Ty, TypeDef,
};

// ---- builders -------------------------------------------------------------------------

fn string() -> Ty {
    Ty::string()
}

fn fmt_string(format: &str) -> Ty {
    Ty::Scalar {
        scalar: Scalar::String {
            format: Some(format.to_owned()),
        },
    }
}

fn integer() -> Ty {
    Ty::Scalar {
        scalar: Scalar::Integer { format: None },
    }
}

fn reference(name: &str) -> Ty {
    Ty::Ref {
        name: name.to_owned(),
    }
}

fn object(fields: Vec<Field>) -> Ty {
    Ty::Object {
        object: Box::new(ObjectTy {
            fields,
            ..ObjectTy::default()
        }),
    }
}

fn object_def(fields: Vec<Field>) -> TypeDef {
    TypeDef::Object(ObjectTy {
        fields,
        ..ObjectTy::default()
    })
}

fn enum_ty(values: &[&str]) -> Ty {
    Ty::Enum {
        def: Box::new(enum_def(values)),
    }
}

fn enum_def(values: &[&str]) -> EnumTy {
    EnumTy {
        values: values
            .iter()
            .map(|v| EnumValue::Str((*v).to_owned()))
            .collect(),
        ..EnumTy::default()
    }
}

fn field(name: &str, ty: Ty, required: bool) -> Field {
    Field {
        name: name.to_owned(),
        ty,
        required,
        nullable: false,
        read_only: false,
        write_only: false,
        description: None,
        default: None,
        extensions: BTreeMap::new(),
        blank: false,
        constraints: Default::default(),
        span: Span::default(),
    }
}

fn param(name: &str, location: ParamLocation, ty: Ty, required: bool) -> Param {
    Param {
        name: name.to_owned(),
        location,
        ty,
        required,
        description: None,
        default: None,
        style: ArrayStyle::Repeat,
        extensions: BTreeMap::new(),
        blank: false,
        constraints: Default::default(),
        span: Span::default(),
    }
}

fn query(name: &str, ty: Ty, required: bool) -> Param {
    param(name, ParamLocation::Query, ty, required)
}

fn body(ty: Ty, required: bool) -> RequestBody {
    RequestBody {
        required,
        media: BodyMedia::Json,
        accepted_media: vec![BodyMedia::Json],
        model_name: None,
        ty,
        span: Span::default(),
    }
}

fn response(status: u16, body: ResponseBody) -> Response {
    Response {
        status,
        description: None,
        body,
        headers: BTreeMap::new(),
        span: Span::default(),
    }
}

fn json(status: u16, ty: Ty) -> Response {
    response(status, ResponseBody::Json { ty })
}

fn op(method: Method, path: &str, id: &str) -> Operation {
    Operation {
        operation_id: id.to_owned(),
        tag: "volumes".to_owned(),
        method,
        path: path.to_owned(),
        title: None,
        description: None,
        group: None,
        params: Vec::new(),
        body: None,
        responses: Vec::new(),
        deprecated: false,
        security: None,
        extensions: BTreeMap::new(),
        span: Span::default(),
    }
}

fn get(path: &str, id: &str) -> Operation {
    op(Method::Get, path, id)
}

fn api(version: &str, operations: Vec<Operation>, types: Vec<(&str, TypeDef)>) -> Api {
    Api {
        sources: vec![SourceFile {
            path: "spec.yaml".to_owned(),
            version: Some(version.to_owned()),
            ..SourceFile::default()
        }],
        operations,
        types: types.into_iter().map(|(n, t)| (n.to_owned(), t)).collect(),
    }
}

/// Every change as one line: kind, location, status, name, required, old -> new, effects.
fn lines(d: &ApiDiff) -> Vec<String> {
    d.changes()
        .map(|(_, c)| {
            let ser = |v: &dyn erased::Ser| v.text();
            let mut s = format!("{} {}", ser(&c.kind), ser(&c.location));
            if let Some(st) = c.status {
                s.push_str(&format!(" {st}"));
            }
            if let Some(n) = &c.name {
                s.push_str(&format!(" `{n}`"));
            }
            if let Some(r) = c.required {
                s.push_str(if r { " required" } else { " optional" });
            }
            if c.old.is_some() || c.new.is_some() {
                let o = c.old.as_deref().unwrap_or("-");
                let n = c.new.as_deref().unwrap_or("-");
                s.push_str(&format!(" [{o} -> {n}]"));
            }
            s.push_str(&format!(" wire={} rust={}", ser(&c.wire), ser(&c.rust)));
            s
        })
        .collect()
}

/// Serialises a unit enum to its JSON name.
mod erased {
    pub trait Ser {
        fn text(&self) -> String;
    }
    impl<T: serde::Serialize> Ser for T {
        fn text(&self) -> String {
            match serde_json::to_value(self) {
                Ok(serde_json::Value::String(s)) => s,
                other => format!("{other:?}"),
            }
        }
    }
}

fn diff_ops(old: Vec<Operation>, new: Vec<Operation>) -> Vec<String> {
    lines(&diff(&api("1", old, vec![]), &api("2", new, vec![])))
}

// ---- operations ---------------------------------------------------------------------

#[test]
fn identical_apis_have_no_changes() {
    let mut o = get("/api/volumes/", "volumes_list");
    o.params.push(query("name", string(), false));
    o.responses.push(json(
        200,
        Ty::array(object(vec![field("uuid", fmt_string("uuid"), true)])),
    ));
    let a = api("1", vec![o], vec![]);
    let d = diff(&a, &a.clone());
    assert!(d.is_empty());
    assert!(!d.has_breaking());
    assert_eq!(d.suggested_bump(), SemverBump::None);
    assert_eq!(d.suggested_bump_stable(), SemverBump::None);
    assert_eq!(
        render_markdown(&d),
        "## API changes 1 → 1\n\nNo changes: both specs describe the same API.\n"
    );
    assert_eq!(
        summary_paragraph(&d),
        "API change 1 → 1: none; suggested version bump of the generated crate: none."
    );
}

#[test]
fn operations_added_removed_renamed_retagged_deprecated() {
    let mut renamed_new = get("/api/b/", "b_list_v2");
    renamed_new.tag = "bees".to_owned();
    renamed_new.deprecated = true;
    let got = diff_ops(
        vec![get("/api/a/", "a_list"), get("/api/b/", "b_list")],
        vec![renamed_new, op(Method::Post, "/api/a/", "a_create")],
    );
    assert_eq!(
        got,
        [
            "operation_id_changed operation [b_list -> b_list_v2] wire=compatible rust=break",
            "tag_changed operation [volumes -> bees] wire=compatible rust=break",
            "deprecated operation wire=compatible rust=none",
            "operation_removed operation [a_list -> -] wire=breaking rust=break",
            "operation_added operation [- -> a_create] wire=compatible rust=additive",
        ]
    );
}

#[test]
fn operations_are_matched_by_method_and_path_even_when_duplicated() {
    let got = diff_ops(
        vec![get("/api/a/", "first"), get("/api/a/", "second")],
        vec![get("/api/a/", "first")],
    );
    assert_eq!(
        got,
        ["operation_removed operation [second -> -] wire=breaking rust=break"]
    );
}

#[test]
fn operation_texts_security_and_extensions() {
    let mut o = get("/api/a/", "a_list");
    o.title = Some("List".to_owned());
    o.extensions
        .insert("x-permissions".to_owned(), serde_json::json!(["view"]));
    o.extensions
        .insert("x-old".to_owned(), serde_json::json!(1));
    let mut n = o.clone();
    n.title = Some("List all".to_owned());
    n.description = Some("Lists them.".to_owned());
    n.security = Some(vec![]);
    n.extensions.remove("x-permissions");
    n.extensions
        .insert("x-old".to_owned(), serde_json::json!(2));
    n.extensions
        .insert("x-new".to_owned(), serde_json::json!(true));
    assert_eq!(
        diff_ops(vec![o], vec![n]),
        [
            "title_changed operation [List -> List all] wire=compatible rust=none",
            "description_changed operation [ -> Lists them.] wire=compatible rust=none",
            "security_changed operation [unspecified -> public] wire=warning rust=none",
            "extension_added operation `x-new` [- -> true] wire=compatible rust=none",
            "extension_changed operation `x-old` [1 -> 2] wire=compatible rust=none",
            "extension_removed operation `x-permissions` [[\"view\"] -> -] wire=compatible rust=none",
        ]
    );
}

// ---- parameters -------------------------------------------------------------------------

#[test]
fn parameters() {
    let mut o = get("/api/volumes/{uuid}/", "volumes_retrieve");
    o.params = vec![
        param("uuid", ParamLocation::Path, fmt_string("uuid"), true),
        query("gone", string(), false),
        query("size", integer(), false),
        query("mode", string(), true),
        query(
            "state",
            Ty::array(enum_ty(&["OK", "Erred", "Creating"])),
            false,
        ),
        query("created", fmt_string("date"), false),
        query("o", Ty::array(string()), false),
        query("page", integer(), false),
    ];
    let mut n = o.clone();
    n.params = vec![
        param("uuid", ParamLocation::Path, fmt_string("uuid"), true),
        query("size", integer(), true),
        query("mode", string(), false),
        query(
            "state",
            Ty::array(enum_ty(&["OK", "Erred", "Deleting"])),
            false,
        ),
        query("created", fmt_string("date-time"), false),
        query("o", Ty::array(string()), false),
        query("page", string(), false),
        query("needed", string(), true),
        query("extra", fmt_string("uuid"), false),
        param("X-Trace", ParamLocation::Header, string(), false),
    ];
    n.params[1].description = Some("Size in MiB".to_owned());
    n.params[5].style = ArrayStyle::CommaJoined;
    n.params[6].default = Some(serde_json::json!("1"));
    assert_eq!(
        diff_ops(vec![o], vec![n]),
        [
            "became_required query `size` wire=breaking rust=break",
            "description_changed query `size` [ -> Size in MiB] wire=compatible rust=none",
            "became_optional query `mode` wire=compatible rust=break",
            "enum_value_added query `state` [- -> Deleting] wire=compatible rust=additive",
            "enum_value_removed query `state` [Creating -> -] wire=breaking rust=break",
            "format_changed query `created` [string (date) -> string (date-time)] wire=breaking rust=break",
            "style_changed query `o` [repeat -> comma_joined] wire=breaking rust=none",
            "default_changed query `page` [null -> \"1\"] wire=compatible rust=none",
            "type_changed query `page` [integer -> string] wire=breaking rust=break",
            "parameter_added query `needed` required [- -> string] wire=breaking rust=break",
            "parameter_added query `extra` optional [- -> string (uuid)] wire=compatible rust=additive",
            "parameter_added header `X-Trace` optional [- -> string] wire=compatible rust=additive",
            "parameter_removed query `gone` optional [string -> -] wire=warning rust=break",
        ]
    );
}

#[test]
fn parameter_moving_between_locations_is_removed_and_added() {
    let mut o = get("/api/a/", "a");
    o.params = vec![query("token", string(), false)];
    let mut n = o.clone();
    n.params = vec![param("token", ParamLocation::Header, string(), false)];
    assert_eq!(
        diff_ops(vec![o], vec![n]),
        [
            "parameter_added header `token` optional [- -> string] wire=compatible rust=additive",
            "parameter_removed query `token` optional [string -> -] wire=warning rust=break",
        ]
    );
}

// ---- request bodies -----------------------------------------------------------------------

fn post(path: &str, id: &str, b: Option<RequestBody>) -> Operation {
    let mut o = op(Method::Post, path, id);
    o.body = b;
    o
}

#[test]
fn request_body_added_removed_required_media() {
    let ty = || object(vec![field("name", string(), true)]);
    let mut multipart = body(ty(), false);
    multipart.media = BodyMedia::Multipart;
    multipart.accepted_media = vec![BodyMedia::Multipart, BodyMedia::FormUrlEncoded];
    // Multipart preferred now, JSON still accepted.
    let mut also_json = body(ty(), true);
    also_json.media = BodyMedia::Multipart;
    also_json.accepted_media = vec![BodyMedia::Json, BodyMedia::Multipart];
    let got = diff_ops(
        vec![
            post("/api/a/", "a", None),
            post("/api/b/", "b", Some(body(ty(), true))),
            post("/api/c/", "c", None),
            post("/api/d/", "d", Some(body(ty(), false))),
            post("/api/e/", "e", Some(body(ty(), true))),
            post("/api/f/", "f", Some(body(ty(), true))),
        ],
        vec![
            post("/api/a/", "a", Some(body(ty(), true))),
            post("/api/b/", "b", None),
            post("/api/c/", "c", Some(body(ty(), false))),
            post("/api/d/", "d", Some(body(ty(), true))),
            post("/api/e/", "e", Some(multipart)),
            post("/api/f/", "f", Some(also_json)),
        ],
    );
    assert_eq!(
        got,
        [
            "body_added request_body required [- -> object] wire=breaking rust=break",
            "body_removed request_body required [object -> -] wire=warning rust=break",
            "body_added request_body optional [- -> object] wire=compatible rust=additive",
            "became_required request_body wire=breaking rust=break",
            "became_optional request_body wire=compatible rust=break",
            "media_type_changed request_body [application/json -> multipart/form-data] wire=breaking rust=none",
            "media_type_added request_body [- -> multipart/form-data] wire=compatible rust=none",
            "media_type_added request_body [- -> application/x-www-form-urlencoded] wire=compatible rust=none",
            "media_type_removed request_body [application/json -> -] wire=breaking rust=none",
            "media_type_changed request_body [application/json -> multipart/form-data] wire=compatible rust=none",
            "media_type_added request_body [- -> multipart/form-data] wire=compatible rust=none",
        ]
    );
}

#[test]
fn request_body_fields_with_dotted_paths() {
    let restoration = |extra: Vec<Field>| {
        let mut fields = vec![
            field("uuid", string(), false),
            field("kind", enum_ty(&["full", "partial"]), false),
        ];
        fields.extend(extra);
        Ty::array(object(fields))
    };
    let mut o_fields = vec![
        field("name", string(), true),
        field("size", integer(), false),
        field("note", string(), false),
        field("old", string(), false),
        field("restorations", restoration(vec![]), false),
    ];
    o_fields[2].nullable = true;
    let mut n_fields = vec![
        field("name", string(), false),
        field("size", integer(), true),
        field("note", string(), false),
        field(
            "restorations",
            restoration(vec![field("at", fmt_string("date-time"), true)]),
            false,
        ),
        field("description", string(), false),
        field("project", fmt_string("uri"), true),
    ];
    if let Ty::Array { items } = &mut n_fields[3].ty
        && let Ty::Object { object } = items.as_mut()
    {
        object.fields[0].ty = fmt_string("uuid");
        object.fields[1].ty = enum_ty(&["full"]);
    }
    let got = diff_ops(
        vec![post("/api/a/", "a", Some(body(object(o_fields), true)))],
        vec![post("/api/a/", "a", Some(body(object(n_fields), true)))],
    );
    assert_eq!(
        got,
        [
            "became_optional request_body `name` wire=compatible rust=break",
            "became_required request_body `size` wire=breaking rust=break",
            "became_not_nullable request_body `note` wire=breaking rust=none",
            "format_changed request_body `restorations.uuid` [string -> string (uuid)] wire=breaking rust=break",
            "enum_value_removed request_body `restorations.kind` [partial -> -] wire=breaking rust=break",
            "field_added request_body `restorations.at` required [- -> string (date-time)] wire=breaking rust=break",
            "field_added request_body `description` optional [- -> string] wire=compatible rust=additive",
            "field_added request_body `project` required [- -> string (uri)] wire=breaking rust=break",
            "field_removed request_body `old` optional [string -> -] wire=warning rust=break",
        ]
    );
}

#[test]
fn maps_and_additional_properties_use_star() {
    let mut o_obj = ObjectTy {
        fields: vec![field("a", string(), false)],
        ..ObjectTy::default()
    };
    o_obj.additional = Some(Box::new(string()));
    let mut n_obj = o_obj.clone();
    n_obj.additional = Some(Box::new(integer()));
    let o = object(vec![
        field(
            "labels",
            Ty::Map {
                values: Box::new(string()),
            },
            false,
        ),
        field(
            "extra",
            Ty::Object {
                object: Box::new(o_obj),
            },
            false,
        ),
        field("plain", object(vec![]), false),
    ]);
    let plain_open = ObjectTy {
        additional: Some(Box::new(Ty::Any)),
        ..ObjectTy::default()
    };
    let n = object(vec![
        field(
            "labels",
            Ty::Map {
                values: Box::new(integer()),
            },
            false,
        ),
        field(
            "extra",
            Ty::Object {
                object: Box::new(n_obj),
            },
            false,
        ),
        field(
            "plain",
            Ty::Object {
                object: Box::new(plain_open),
            },
            false,
        ),
    ]);
    let mut og = get("/api/a/", "a");
    og.responses.push(json(200, o));
    let mut ng = get("/api/a/", "a");
    ng.responses.push(json(200, n));
    assert_eq!(
        diff_ops(vec![og], vec![ng]),
        [
            "type_changed response 200 `labels.*` [string -> integer] wire=breaking rust=break",
            "type_changed response 200 `extra.*` [string -> integer] wire=breaking rust=break",
            "field_added response 200 `plain.*` optional [- -> any] wire=compatible rust=additive",
        ]
    );
}

// ---- responses ---------------------------------------------------------------------------

#[test]
fn response_fields() {
    let o = object(vec![
        field("uuid", fmt_string("uuid"), true),
        field("size", integer(), true),
        field("state", enum_ty(&["OK", "Erred"]), true),
        field("kind", enum_ty(&["a", "b"]), false),
        field("gone_required", string(), true),
        field("gone_optional", string(), false),
        field("maybe", string(), false),
        field("nullable", string(), false),
    ]);
    let mut n_fields = vec![
        field("uuid", fmt_string("uuid"), false),
        field("size", string(), true),
        field("state", enum_ty(&["OK", "Erred", "Deleting"]), true),
        field("kind", enum_ty(&["a"]), false),
        field("maybe", string(), true),
        field("nullable", string(), false),
        field("added", Ty::array(fmt_string("uri")), false),
    ];
    n_fields[5].nullable = true;
    let mut og = get("/api/a/", "a");
    og.responses.push(json(200, Ty::array(o)));
    let mut ng = get("/api/a/", "a");
    ng.responses.push(json(200, Ty::array(object(n_fields))));
    assert_eq!(
        diff_ops(vec![og], vec![ng]),
        [
            "became_optional response 200 `uuid` wire=breaking rust=none",
            "type_changed response 200 `size` [integer -> string] wire=breaking rust=break",
            "enum_value_added response 200 `state` [- -> Deleting] wire=warning rust=additive",
            "enum_value_removed response 200 `kind` [b -> -] wire=compatible rust=break",
            "became_required response 200 `maybe` wire=compatible rust=none",
            "became_nullable response 200 `nullable` wire=breaking rust=none",
            "field_added response 200 `added` optional [- -> array of string (uri)] wire=compatible rust=additive",
            "field_removed response 200 `gone_required` required [string -> -] wire=breaking rust=break",
            "field_removed response 200 `gone_optional` optional [string -> -] wire=warning rust=break",
        ]
    );
}

#[test]
fn response_statuses_bodies_and_headers() {
    let vol = || object(vec![field("uuid", string(), true)]);
    let other = || object(vec![field("id", integer(), true)]);
    let with = |path: &str, responses: Vec<Response>| {
        let mut o = op(Method::Post, path, path.trim_matches('/'));
        o.responses = responses;
        o
    };
    let mut headered_old = json(200, vol());
    headered_old.headers.insert("x-gone".to_owned(), string());
    headered_old.headers.insert("x-count".to_owned(), integer());
    let mut headered_new = json(200, vol());
    headered_new.headers.insert("x-count".to_owned(), string());
    headered_new.headers.insert("link".to_owned(), string());
    let got = diff_ops(
        vec![
            // 200 -> 201 with the same body: the return type stays.
            with("/a/", vec![json(200, vol())]),
            // 200 -> 201 with another body: the return type changes.
            with("/b/", vec![json(200, vol())]),
            // An error response goes, another comes.
            with(
                "/c/",
                vec![json(200, vol()), response(404, ResponseBody::Unknown)],
            ),
            // The success body becomes a download.
            with("/d/", vec![json(200, vol())]),
            // A secondary response's body kind changes: not the return type.
            with(
                "/e/",
                vec![json(200, vol()), response(202, ResponseBody::None)],
            ),
            with("/f/", vec![headered_old]),
            // The success response gains a body: the return type changes, callers on the
            // wire are unaffected.
            with("/g/", vec![response(200, ResponseBody::None)]),
        ],
        vec![
            with("/a/", vec![json(201, vol())]),
            with("/b/", vec![json(201, other())]),
            with(
                "/c/",
                vec![json(200, vol()), response(400, ResponseBody::Unknown)],
            ),
            with("/d/", vec![response(200, ResponseBody::Binary)]),
            with(
                "/e/",
                vec![json(200, vol()), response(202, ResponseBody::Text)],
            ),
            with("/f/", vec![headered_new]),
            with("/g/", vec![json(200, vol())]),
        ],
    );
    assert_eq!(
        got,
        [
            "response_removed response 200 [json object -> -] wire=breaking rust=none",
            "response_added response 201 [- -> json object] wire=compatible rust=none",
            "response_removed response 200 [json object -> -] wire=breaking rust=break",
            "response_added response 201 [- -> json object] wire=compatible rust=none",
            "response_added response 400 [- -> unknown] wire=compatible rust=none",
            "response_removed response 404 [unknown -> -] wire=compatible rust=none",
            "response_body_changed response 200 [json object -> binary] wire=breaking rust=break",
            "response_body_changed response 202 [none -> text] wire=compatible rust=none",
            "header_added response_header 200 `link` [- -> string] wire=compatible rust=none",
            "type_changed response_header 200 `x-count` [integer -> string] wire=breaking rust=break",
            "header_removed response_header 200 `x-gone` [string -> -] wire=warning rust=none",
            "response_body_changed response 200 [none -> json object] wire=compatible rust=break",
        ]
    );
}

#[test]
fn integer_enum_becoming_a_string_enum_is_a_type_change() {
    let ints = |values: &[i64]| EnumTy {
        values: values.iter().map(|v| EnumValue::Int(*v)).collect(),
        ..EnumTy::default()
    };
    let mut o = get("/api/hooks/", "hooks_list");
    o.params = vec![
        query(
            "content_type",
            Ty::Enum {
                def: Box::new(ints(&[1, 2])),
            },
            false,
        ),
        query("kind", reference("KindEnum"), false),
    ];
    let mut n = o.clone();
    n.params[0].ty = enum_ty(&["1", "2"]);
    let old = api("1", vec![o], vec![("KindEnum", TypeDef::Enum(ints(&[1])))]);
    let new = api(
        "2",
        vec![n],
        vec![("KindEnum", TypeDef::Enum(enum_def(&["1", "2"])))],
    );
    assert_eq!(
        lines(&diff(&old, &new)),
        [
            "type_changed query `content_type` [integer enum -> string enum] wire=breaking rust=break",
            "type_changed query `kind` [KindEnum (integer enum) -> KindEnum (string enum)] wire=breaking rust=break",
        ]
    );
}

#[test]
fn renamed_path_parameters_keep_the_operation() {
    let with_path = |path: &str, name: &str| {
        let mut o = get(path, "things_retrieve");
        o.params = vec![param(name, ParamLocation::Path, string(), true)];
        o
    };
    let mut renamed = with_path("/api/things/{uuid}/", "uuid");
    renamed.params[0].ty = fmt_string("uuid");
    let d = diff(
        &api("1", vec![with_path("/api/things/{id}/", "id")], vec![]),
        &api("2", vec![renamed], vec![]),
    );
    assert_eq!(
        lines(&d),
        [
            "parameter_renamed path `uuid` [id -> uuid] wire=compatible rust=none",
            "format_changed path `uuid` [string -> string (uuid)] wire=breaking rust=break",
        ]
    );
    let op = &d.operations[0];
    assert_eq!(
        (op.status, op.path.as_str(), op.old_path.as_deref()),
        (
            OperationStatus::Modified,
            "/api/things/{uuid}/",
            Some("/api/things/{id}/")
        )
    );
    assert_eq!(
        markdown::describe(&op.changes[0]),
        "path parameter `id` renamed to `uuid` (path parameter names are not sent; the Rust \
         argument keeps its place)"
    );
    assert!(render_markdown(&d).contains(
        "- `GET /api/things/{uuid}/` (`things_retrieve`), formerly `/api/things/{id}/`\n"
    ));
    // Two old and one new path of the same shape: no way to tell which one was renamed.
    let d = diff(
        &api(
            "1",
            vec![
                with_path("/api/x/{id}/", "id"),
                get("/api/x/{pk}/", "x_other"),
            ],
            vec![],
        ),
        &api("2", vec![with_path("/api/x/{uuid}/", "uuid")], vec![]),
    );
    let statuses: Vec<(OperationStatus, &str)> = d
        .operations
        .iter()
        .map(|o| (o.status, o.path.as_str()))
        .collect();
    assert_eq!(
        statuses,
        [
            (OperationStatus::Removed, "/api/x/{id}/"),
            (OperationStatus::Removed, "/api/x/{pk}/"),
            (OperationStatus::Added, "/api/x/{uuid}/"),
        ]
    );
}

fn number(text: &str) -> Option<serde_json::Number> {
    Some(text.parse().unwrap_or_else(|e| panic!("{text}: {e}")))
}

#[test]
fn constraints_are_rated_by_direction_and_side() {
    let limits = |max_length: Option<u64>, minimum: Option<&str>, pattern: Option<&str>| {
        crate::ir::Constraints {
            max_length,
            minimum: minimum.and_then(number),
            pattern: pattern.map(str::to_owned),
            ..crate::ir::Constraints::default()
        }
    };
    let constrained = |name: &str, c: crate::ir::Constraints| Field {
        constraints: c,
        ..field(name, string(), false)
    };
    let fields = |c: [crate::ir::Constraints; 4]| {
        let [a, b, c, d] = c;
        object(vec![
            constrained("name", a),
            constrained("size", b),
            constrained("code", c),
            constrained("note", d),
        ])
    };
    let old = fields([
        limits(Some(255), None, None),
        limits(None, Some("0"), None),
        limits(None, None, Some("^a$")),
        limits(Some(10), Some("1"), None),
    ]);
    let new = fields([
        limits(Some(100), None, None),
        limits(None, Some("-1"), None),
        limits(None, None, Some("^b$")),
        limits(None, None, Some("^c$")),
    ]);
    let mut o = post("/api/x/", "x_create", Some(body(old.clone(), true)));
    o.responses = vec![json(200, old)];
    let mut n = post("/api/x/", "x_create", Some(body(new.clone(), true)));
    n.responses = vec![json(200, new)];
    let d = diff(
        &api("1", vec![o.clone()], vec![]),
        &api("2", vec![n.clone()], vec![]),
    );
    let sentences: Vec<String> = d.changes().map(|(_, c)| markdown::describe(c)).collect();
    assert_eq!(
        sentences[..4],
        [
            "request body field `name`: maxLength changed from `255` to `100` — wire: \
             **breaking** (requests valid before may be rejected now)",
            "request body field `size`: minimum changed from `0` to `-1`",
            "request body field `code`: pattern changed from `^a$` to `^b$` — wire: warning \
             (requests valid before may be rejected now)",
            "request body field `note`: minimum `1` removed",
        ]
    );
    assert_eq!(
        sentences[5],
        "request body field `note`: pattern set to `^c$` — wire: warning (requests valid \
         before may be rejected now)"
    );
    assert_eq!(
        diff_ops(vec![o], vec![n]),
        [
            "max_length_changed request_body `name` [255 -> 100] wire=breaking rust=none",
            "minimum_changed request_body `size` [0 -> -1] wire=compatible rust=none",
            "pattern_changed request_body `code` [^a$ -> ^b$] wire=warning rust=none",
            "minimum_changed request_body `note` [1 -> -] wire=compatible rust=none",
            "max_length_changed request_body `note` [10 -> -] wire=compatible rust=none",
            "pattern_changed request_body `note` [- -> ^c$] wire=warning rust=none",
            "max_length_changed response 200 `name` [255 -> 100] wire=compatible rust=none",
            "minimum_changed response 200 `size` [0 -> -1] wire=breaking rust=none",
            "pattern_changed response 200 `code` [^a$ -> ^b$] wire=compatible rust=none",
            "minimum_changed response 200 `note` [1 -> -] wire=breaking rust=none",
            "max_length_changed response 200 `note` [10 -> -] wire=breaking rust=none",
            "pattern_changed response 200 `note` [- -> ^c$] wire=compatible rust=none",
        ]
    );
}

#[test]
fn exclusive_bounds_items_parameters_read_only_and_blank() {
    let mut o = get("/api/x/", "x_list");
    let mut page_size = query("page_size", integer(), false);
    page_size.constraints.maximum = number("100");
    let mut tags = query("tags", Ty::array(string()), false);
    tags.constraints.items = Some(Box::new(crate::ir::Constraints {
        max_length: Some(10),
        ..crate::ir::Constraints::default()
    }));
    o.params = vec![page_size, tags, query("kind", enum_ty(&["a"]), false)];
    let mut n = o.clone();
    n.params[0].constraints.exclusive_maximum = true;
    n.params[1].constraints.items = None;
    n.params[1].constraints.max_items = Some(3);
    n.params[2].blank = true;
    let ro = Field {
        read_only: true,
        ..field("uuid", string(), true)
    };
    let wo = Field {
        write_only: true,
        ..field("secret", string(), false)
    };
    o.responses = vec![json(
        200,
        object(vec![ro.clone(), field("secret", string(), false)]),
    )];
    n.responses = vec![json(
        200,
        object(vec![
            Field {
                read_only: false,
                ..ro
            },
            wo,
        ]),
    )];
    assert_eq!(
        diff_ops(vec![o], vec![n]),
        [
            "maximum_changed query `page_size` [100 -> < 100] wire=breaking rust=none",
            "max_items_changed query `tags` [- -> 3] wire=warning rust=none",
            "max_length_changed query `tags[]` [10 -> -] wire=compatible rust=none",
            "enum_value_added query `kind` [- -> \"\"] wire=compatible rust=additive",
            "became_not_read_only response 200 `uuid` wire=compatible rust=none",
            "became_write_only response 200 `secret` wire=compatible rust=none",
        ]
    );
}

// ---- named types ---------------------------------------------------------------------------

fn volume_fields() -> Vec<Field> {
    vec![
        field("uuid", fmt_string("uuid"), true),
        field("name", string(), true),
    ]
}

#[test]
fn hoisted_and_inline_types_compare_by_structure() {
    // The raw front-end output (inline) and the hoisted one describe the same API.
    let mut raw = get("/api/v/", "v");
    raw.responses
        .push(json(200, Ty::array(object(volume_fields()))));
    let mut hoisted = get("/api/v/", "v");
    hoisted
        .responses
        .push(json(200, Ty::array(reference("Volume"))));
    let old = api("1", vec![raw], vec![]);
    let new = api(
        "1",
        vec![hoisted],
        vec![("Volume", object_def(volume_fields()))],
    );
    assert_eq!(lines(&diff(&old, &new)), Vec::<String>::new());
    assert_eq!(lines(&diff(&new, &old)), Vec::<String>::new());
}

#[test]
fn models_renamed_and_replaced() {
    let mut g = get("/api/v/", "v");
    g.responses.push(json(200, Ty::array(reference("Volume"))));
    let mut p = post(
        "/api/v/",
        "v_create",
        Some(body(reference("VolumeRequest"), true)),
    );
    p.responses.push(json(201, reference("Volume")));
    let old = api(
        "1",
        vec![g.clone(), p.clone()],
        vec![
            ("Volume", object_def(volume_fields())),
            (
                "VolumeRequest",
                object_def(vec![field("name", string(), true)]),
            ),
        ],
    );
    let mut g2 = g;
    g2.responses = vec![json(200, Ty::array(reference("OpenStackVolume")))];
    let mut p2 = post(
        "/api/v/",
        "v_create",
        Some(body(reference("NewVolumeRequest"), true)),
    );
    p2.responses.push(json(201, reference("OpenStackVolume")));
    let new = api(
        "2",
        vec![g2, p2],
        vec![
            ("OpenStackVolume", object_def(volume_fields())),
            (
                "NewVolumeRequest",
                object_def(vec![field("title", string(), true)]),
            ),
        ],
    );
    let d = diff(&old, &new);
    assert_eq!(
        lines(&d),
        [
            "model_renamed response 200 [Volume -> OpenStackVolume] wire=compatible rust=break",
            "model_replaced request_body [VolumeRequest -> NewVolumeRequest] wire=compatible rust=break",
            "field_added request_body `title` required [- -> string] wire=breaking rust=break",
            "field_removed request_body `name` required [string -> -] wire=warning rust=break",
            "model_renamed response 201 [Volume -> OpenStackVolume] wire=compatible rust=break",
        ]
    );
    assert_eq!(
        d.renamed_models,
        [ModelRename {
            old: "Volume".to_owned(),
            new: "OpenStackVolume".to_owned()
        }]
    );
    assert_eq!(d.summary.models_renamed, 1);
}

#[test]
fn nested_named_enum_renamed() {
    let state = |name: &str| {
        let mut fields = volume_fields();
        fields.push(field("state", reference(name), true));
        fields
    };
    let mut g = get("/api/v/", "v");
    g.responses.push(json(200, reference("Volume")));
    let old = api(
        "1",
        vec![g.clone()],
        vec![
            ("Volume", object_def(state("StateEnum"))),
            ("StateEnum", TypeDef::Enum(enum_def(&["OK"]))),
        ],
    );
    let new = api(
        "1",
        vec![g],
        vec![
            ("Volume", object_def(state("VolumeState"))),
            ("VolumeState", TypeDef::Enum(enum_def(&["OK", "Erred"]))),
        ],
    );
    assert_eq!(
        lines(&diff(&old, &new)),
        [
            "model_replaced response 200 `state` [StateEnum -> VolumeState] wire=compatible rust=break",
            "enum_value_added response 200 `state` [- -> Erred] wire=warning rust=additive",
        ]
    );
}

#[test]
fn recursive_types_terminate_and_report_once() {
    let node = |extra: bool| {
        let mut fields = vec![
            field("name", string(), true),
            field("children", Ty::array(reference("Node")), false),
            field("parent", reference("Node"), false),
        ];
        if extra {
            fields.push(field("size", integer(), false));
        }
        object_def(fields)
    };
    let mut g = get("/api/tree/", "tree");
    g.responses.push(json(200, reference("Node")));
    let old = api("1", vec![g.clone()], vec![("Node", node(false))]);
    let new = api("1", vec![g], vec![("Node", node(true))]);
    assert_eq!(
        lines(&diff(&old, &new)),
        ["field_added response 200 `size` optional [- -> integer] wire=compatible rust=additive"]
    );
}

#[test]
fn shared_recursive_models_give_each_operation_the_same_report_in_any_company() {
    // A and B refer to each other; B.size changes type, A.name gains a description.
    let types = |size: Ty, doc: Option<&str>| {
        let mut name = field("name", string(), true);
        name.description = doc.map(str::to_owned);
        vec![
            (
                "A",
                object_def(vec![name, field("b", reference("B"), false)]),
            ),
            (
                "B",
                object_def(vec![
                    field("a", reference("A"), false),
                    field("size", size, true),
                ]),
            ),
        ]
    };
    let returning = |path: &str, model: &str| {
        let mut g = get(path, path.trim_matches('/'));
        g.responses.push(json(200, reference(model)));
        g
    };
    let both = vec![returning("/a/", "A"), returning("/b/", "B")];
    let only_b = vec![returning("/b/", "B")];
    let old_t = || types(integer(), None);
    let new_t = || types(string(), Some("Name"));
    let together = diff(&api("1", both.clone(), old_t()), &api("1", both, new_t()));
    let alone = diff(
        &api("1", only_b.clone(), old_t()),
        &api("1", only_b, new_t()),
    );
    let b_changes = |d: &ApiDiff| {
        lines(d)
            .into_iter()
            .zip(d.changes())
            .filter(|(_, (op, _))| op.path == "/b/")
            .map(|(l, _)| l)
            .collect::<Vec<_>>()
    };
    let expected = [
        "description_changed response 200 `a.name` [ -> Name] wire=compatible rust=none",
        "type_changed response 200 `size` [integer -> string] wire=breaking rust=break",
    ];
    assert_eq!(b_changes(&alone), expected);
    assert_eq!(b_changes(&together), expected);
    let a_changes: Vec<String> = lines(&together).into_iter().take(2).collect();
    assert_eq!(
        a_changes,
        [
            "description_changed response 200 `name` [ -> Name] wire=compatible rust=none",
            "type_changed response 200 `b.size` [integer -> string] wire=breaking rust=break",
        ]
    );
}

#[test]
fn aliases_and_unresolved_references() {
    let mut g = get("/api/a/", "a");
    g.responses.push(json(200, reference("Names")));
    g.params.push(query("x", reference("Missing"), false));
    let names = |items: Ty| TypeDef::Alias {
        ty: Ty::array(items),
        description: None,
    };
    let old = api("1", vec![g.clone()], vec![("Names", names(string()))]);
    let new = api("1", vec![g], vec![("Names", names(integer()))]);
    assert_eq!(
        lines(&diff(&old, &new)),
        ["type_changed response 200 [string -> integer] wire=breaking rust=break"]
    );
}

#[test]
fn type_kind_changes_show_names() {
    let mut o = get("/api/a/", "a");
    o.responses.push(json(200, reference("Volume")));
    let mut n = get("/api/a/", "a");
    n.responses.push(json(200, Ty::array(reference("Volume"))));
    let types = vec![("Volume", object_def(volume_fields()))];
    let old = api("1", vec![o], types.clone());
    let new = api("1", vec![n], types);
    assert_eq!(
        lines(&diff(&old, &new)),
        ["type_changed response 200 [Volume -> array of Volume] wire=breaking rust=break"]
    );
}

// ---- bump and summary -----------------------------------------------------------------------

#[test]
fn suggested_bumps() {
    let base = || {
        let mut o = get("/api/a/", "a");
        o.params.push(query("q", string(), false));
        o
    };
    let bump = |n: Operation| {
        let d = diff(&api("1", vec![base()], vec![]), &api("1", vec![n], vec![]));
        (
            d.suggested_bump(),
            d.suggested_bump_stable(),
            d.has_breaking(),
            d.is_empty(),
        )
    };
    let mut docs = base();
    docs.description = Some("Now documented.".to_owned());
    assert_eq!(
        bump(docs),
        (SemverBump::Patch, SemverBump::Patch, false, false)
    );
    let mut additive = base();
    additive.params.push(query("r", string(), false));
    assert_eq!(
        bump(additive),
        (SemverBump::Patch, SemverBump::Minor, false, false)
    );
    let mut breaking = base();
    breaking.params.clear();
    assert_eq!(
        bump(breaking),
        (SemverBump::Minor, SemverBump::Major, true, false)
    );
    // Breaking on the wire only: the crate's API is unchanged, yet `has_breaking` says so.
    let mut wire_only = base();
    wire_only.params[0].ty = Ty::array(string());
    wire_only.params[0].style = ArrayStyle::CommaJoined;
    let mut wire_base = base();
    wire_base.params[0].ty = Ty::array(string());
    let d = diff(
        &api("1", vec![wire_base], vec![]),
        &api("1", vec![wire_only], vec![]),
    );
    assert_eq!(
        (d.suggested_bump(), d.has_breaking()),
        (SemverBump::Patch, true)
    );
}

// ---- rendering -------------------------------------------------------------------------------

/// The example of the module documentation.
fn doc_example() -> (Api, Api) {
    let mut list = get("/api/volumes/", "volumes_list");
    list.responses.push(json(
        200,
        Ty::array(object(vec![field("size", integer(), true)])),
    ));
    let create = post(
        "/api/volumes/",
        "volumes_create",
        Some(body(object(vec![]), true)),
    );
    let old = api(
        "1.0",
        vec![list.clone(), create.clone()],
        vec![("Volume", object_def(vec![]))],
    );
    let mut list2 = list;
    list2.params.push(query("name", string(), false));
    list2.responses = vec![json(
        200,
        Ty::array(object(vec![field("size", string(), true)])),
    )];
    let create2 = post(
        "/api/volumes/",
        "volumes_create",
        Some(body(object(vec![field("size", integer(), true)]), true)),
    );
    let new = api(
        "1.1",
        vec![list2, create2],
        vec![("Volume", object_def(vec![]))],
    );
    (old, new)
}

#[test]
fn json_matches_the_documented_example() {
    let (old, new) = doc_example();
    let rendered = render_json(&diff(&old, &new));
    let source = include_str!("mod.rs");
    let documented: String = source
        .lines()
        .skip_while(|l| *l != "//! ```json")
        .skip(1)
        .take_while(|l| *l != "//! ```")
        .map(|l| {
            format!(
                "{}\n",
                l.strip_prefix("//! ")
                    .unwrap_or(l.trim_start_matches("//!"))
            )
        })
        .collect();
    assert_eq!(rendered, documented);
}

/// A small API change touching most kinds, for the exact Markdown and JSON output.
fn showcase() -> ApiDiff {
    let mut list = get("/api/volumes/", "volumes_list");
    list.params = vec![
        query("name", string(), false),
        query("state", enum_ty(&["OK", "Erred"]), false),
    ];
    list.responses
        .push(json(200, Ty::array(reference("Volume"))));
    let mut extend = post(
        "/api/volumes/{uuid}/extend/",
        "volumes_extend",
        Some(body(
            object(vec![field("disk_size", integer(), true)]),
            true,
        )),
    );
    extend
        .params
        .push(param("uuid", ParamLocation::Path, fmt_string("uuid"), true));
    extend.responses.push(response(200, ResponseBody::None));
    let mut snap = post("/api/snapshots/{uuid}/restore/", "snapshots_restore", None);
    snap.tag = "snapshots".to_owned();
    snap.responses.push(json(200, reference("Volume")));
    let mut unlink = post("/api/volumes/{uuid}/unlink/", "volumes_unlink", None);
    unlink.responses.push(response(204, ResponseBody::None));
    let old = api(
        "7.9.0",
        vec![list.clone(), extend.clone(), snap.clone(), unlink],
        vec![("Volume", object_def(volume_fields()))],
    );

    let mut list2 = list;
    list2.params[0].description = Some("Name".to_owned());
    list2.params[1].ty = enum_ty(&["OK", "Erred", "Deleting"]);
    list2
        .params
        .push(query("customer_uuid", fmt_string("uuid"), false));
    let mut extend2 = extend;
    extend2.operation_id = "volumes_extend_size".to_owned();
    if let Some(b) = &mut extend2.body {
        b.ty = object(vec![
            field("disk_size", integer(), true),
            field("unit", string(), true),
        ]);
    }
    let mut snap2 = snap;
    snap2.responses = vec![json(200, reference("OpenStackVolume"))];
    let mut retype = post("/api/volumes/{uuid}/retype/", "volumes_retype", None);
    retype
        .params
        .push(param("uuid", ParamLocation::Path, fmt_string("uuid"), true));
    let mut vol = volume_fields();
    vol.push(field("state", enum_ty(&["OK", "Erred"]), false));
    let new = api(
        "7.9.1",
        vec![list2, extend2, snap2, retype],
        vec![
            ("OpenStackVolume", object_def(volume_fields())),
            ("Volume", object_def(vol)),
        ],
    );
    diff(&old, &new)
}

#[test]
fn showcase_markdown() {
    insta::assert_snapshot!(render_markdown(&showcase()));
}

#[test]
fn showcase_json() {
    insta::assert_snapshot!(render_json(&showcase()));
}

#[test]
fn showcase_summary_paragraph() {
    assert_eq!(
        summary_paragraph(&showcase()),
        "API change 7.9.0 → 7.9.1: 1 operation added, 1 removed, 3 modified (9 changes). \
         2 breaking on the wire and 0 wire warnings; 4 compile breaks and 4 additions in the \
         generated crate. 1 model renamed. Suggested version bump of the generated crate: \
         minor (0.x; major after 1.0)."
    );
}

#[test]
fn long_other_sections_are_folded() {
    let mut o = get("/api/a/", "a");
    o.params = (0..41)
        .map(|i| query(&format!("p{i}"), string(), false))
        .collect();
    let mut n = o.clone();
    for p in &mut n.params {
        p.description = Some("Filter".to_owned());
    }
    let md = render_markdown(&diff(
        &api("1", vec![o], vec![]),
        &api("2", vec![n], vec![]),
    ));
    assert!(md.contains("\n### Other changes\n\n<details>\n<summary>41 changes in 1 operation</summary>\n\n#### `volumes`\n\n- `GET /api/a/` (`a`)\n  - query parameter `p0`: description changed from “” to “Filter”\n"), "{md}");
    assert!(
        md.ends_with(
            "  - query parameter `p40`: description changed from “” to “Filter”\n\n</details>\n"
        ),
        "{md}"
    );
}

#[test]
fn reports_over_budget_list_breaking_changes_first_and_count_the_rest() {
    let mut o = get("/api/a/", "a");
    o.params = (0..60)
        .map(|i| query(&format!("p{i:02}"), string(), false))
        .collect();
    let mut n = o.clone();
    for p in &mut n.params {
        p.description = Some("Filter".to_owned());
    }
    let gone = get("/api/b/", "b");
    let d = diff(&api("1", vec![o, gone], vec![]), &api("2", vec![n], vec![]));
    let full = render_markdown_full(&d);
    assert_eq!(full, render_markdown(&d), "small reports are not cut");
    let listed = |md: &str| {
        md.lines()
            .filter(|l| l.contains("description changed"))
            .count()
    };
    assert_eq!(listed(&full), 60);

    // A budget that holds the header, the breaking section and about half the rest.
    let budget = full.len() / 2 + 1_000;
    let cut = markdown::render(&d, budget);
    assert!(cut.len() <= budget, "{} > {budget}", cut.len());
    assert!(cut.contains(
        "- `GET /api/b/` (`b`): **operation removed** — wire: **breaking**, Rust: **compile break**\n"
    ));
    let shown = listed(&cut);
    assert!(shown > 0 && shown < 60, "{shown}");
    let note = format!(
        "\n_… and {} more changes not listed, to keep this report to a comment's size; \
         `waldur-codegen diff --format json` lists every change._\n\n</details>\n",
        60 - shown
    );
    assert!(cut.ends_with(&note), "{cut}");
    // No operation heading is left without a change under it.
    assert!(!cut.contains("(`a`)\n\n"), "{cut}");
}
