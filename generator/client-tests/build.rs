//! Emits the fixture models and operations of `src/lib.rs` with the real emitter, so the tests
//! exercise the generated code for shapes the seed page lacks (enums, recursion, maps,
//! multipart, an ordering parameter `o`, DELETE).

use std::collections::BTreeMap;

use quote::{format_ident, quote};
use waldur_codegen::emit::models::{TypeUse, emit_type};
use waldur_codegen::emit::operations::emit_tag;
use waldur_codegen::emit::types::TypeTable;
use waldur_codegen::ir::{
    Api, ArrayStyle, BodyMedia, EnumTy, EnumValue, Field, Method, ObjectTy, Operation, Param,
    ParamLocation, RequestBody, Response, ResponseBody, Scalar, Span, Ty, TypeDef,
};

fn field(name: &str, ty: Ty, required: bool) -> Field {
    Field {
        required,
        ..Field::new(name, ty)
    }
}

fn scalar(s: Scalar) -> Ty {
    Ty::Scalar { scalar: s }
}

fn reference(name: &str) -> Ty {
    Ty::Ref {
        name: name.to_string(),
    }
}

fn object(fields: Vec<Field>) -> TypeDef {
    TypeDef::Object(ObjectTy {
        fields,
        ..ObjectTy::default()
    })
}

fn fixture_api() -> Api {
    let mut api = Api::default();
    let strs = |v: &[&str]| v.iter().map(|s| EnumValue::Str(s.to_string())).collect();
    api.types.insert(
        "CoreStates".into(),
        TypeDef::Enum(EnumTy {
            values: strs(&["OK", "Erred", "Creating", "-created"]),
            ..EnumTy::default()
        }),
    );
    api.types.insert(
        "RobotState".into(),
        TypeDef::Enum(EnumTy {
            values: (1..=3).map(EnumValue::Int).collect(),
            ..EnumTy::default()
        }),
    );
    api.types.insert(
        "Thing".into(),
        object(vec![
            field("state", reference("CoreStates"), false),
            field("level", reference("RobotState"), false),
            field("size", scalar(Scalar::Integer { format: None }), false),
            field(
                "price",
                scalar(Scalar::String {
                    format: Some("decimal".into()),
                }),
                false,
            ),
            field("tags", Ty::array(Ty::string()), false),
            field("children", Ty::array(reference("Thing")), false),
            field(
                "labels",
                Ty::Map {
                    values: Box::new(Ty::string()),
                },
                false,
            ),
            field("owner", reference("Owner"), false),
            field("type", Ty::string(), false),
        ]),
    );
    api.types.insert(
        "Owner".into(),
        object(vec![field("name", Ty::string(), false)]),
    );
    api.types.insert(
        "UploadRequest".into(),
        object(vec![
            field("name", Ty::string(), true),
            field(
                "file",
                scalar(Scalar::String {
                    format: Some("binary".into()),
                }),
                false,
            ),
            field("kinds", Ty::array(reference("CoreStates")), false),
            field("count", scalar(Scalar::Integer { format: None }), false),
        ]),
    );
    api.types.insert(
        "PatchedThingRequest".into(),
        object(vec![
            field("name", Ty::string(), false),
            field("state", reference("CoreStates"), false),
        ]),
    );
    api.operations = fixture_operations();
    api
}

fn param(name: &str, location: ParamLocation, ty: Ty, style: ArrayStyle) -> Param {
    Param {
        name: name.to_string(),
        location,
        required: location == ParamLocation::Path,
        ty,
        description: None,
        default: None,
        style,
        extensions: BTreeMap::new(),
        blank: false,
        constraints: Default::default(),
        span: Span::default(),
    }
}

fn query(name: &str, ty: Ty) -> Param {
    param(name, ParamLocation::Query, ty, ArrayStyle::Repeat)
}

fn uuid_param() -> Param {
    param(
        "uuid",
        ParamLocation::Path,
        Ty::string(),
        ArrayStyle::Repeat,
    )
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

fn body(media: BodyMedia, model: &str) -> RequestBody {
    RequestBody {
        required: true,
        media,
        accepted_media: vec![media],
        model_name: Some(model.to_string()),
        ty: reference(model),
        span: Span::default(),
    }
}

fn operation(id: &str, method: Method, path: &str) -> Operation {
    Operation {
        operation_id: id.to_string(),
        tag: "things".to_string(),
        method,
        path: path.to_string(),
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

/// A `things` tag: a paginated list with an ordering parameter `o` (comma-joined) and a
/// repeated `state`, a retrieve, a multipart upload, a PATCH and a DELETE documented as 204.
fn fixture_operations() -> Vec<Operation> {
    let integer = || scalar(Scalar::Integer { format: None });
    let thing = || ResponseBody::Json {
        ty: reference("Thing"),
    };
    let mut list = operation("things_list", Method::Get, "/api/things/");
    list.params = vec![
        param(
            "o",
            ParamLocation::Query,
            Ty::array(reference("CoreStates")),
            ArrayStyle::CommaJoined,
        ),
        query("level", reference("RobotState")),
        query("state", Ty::array(Ty::string())),
        query("page", integer()),
        query("page_size", integer()),
    ];
    list.responses = vec![response(
        200,
        ResponseBody::Json {
            ty: Ty::array(reference("Thing")),
        },
    )];
    let mut retrieve = operation("things_retrieve", Method::Get, "/api/things/{uuid}/");
    retrieve.params = vec![uuid_param()];
    retrieve.responses = vec![response(200, thing())];
    let mut upload = operation("things_upload", Method::Post, "/api/things/{uuid}/upload/");
    upload.params = vec![uuid_param()];
    upload.body = Some(body(BodyMedia::Multipart, "UploadRequest"));
    upload.responses = vec![response(201, thing())];
    let mut patch = operation(
        "things_partial_update",
        Method::Patch,
        "/api/things/{uuid}/",
    );
    patch.params = vec![uuid_param()];
    patch.body = Some(body(BodyMedia::Json, "PatchedThingRequest"));
    patch.responses = vec![response(200, thing())];
    let mut destroy = operation("things_destroy", Method::Delete, "/api/things/{uuid}/");
    destroy.params = vec![uuid_param()];
    destroy.responses = vec![response(204, ResponseBody::None)];
    vec![list, retrieve, upload, patch, destroy]
}

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let api = fixture_api();
    let table = TypeTable::new(&api);
    let response = TypeUse {
        response: true,
        ..TypeUse::default()
    };
    let usage = |name: &str| match name {
        "UploadRequest" => TypeUse {
            request: true,
            multipart: true,
            ..TypeUse::default()
        },
        "PatchedThingRequest" => TypeUse {
            request: true,
            patch: true,
            ..TypeUse::default()
        },
        _ => response,
    };
    let items: Vec<_> = api
        .types
        .iter()
        .map(|(name, def)| emit_type(&table, name, def, usage(name)))
        .collect();
    let code =
        waldur_codegen::emit::format_file(quote_items(items)).expect("fixture models format");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("fixture_models.rs"), code).expect("write fixture models");

    let ops: Vec<&Operation> = api.operations.iter().collect();
    let tag = emit_tag(&table, "things", &ops);
    let file: syn::File = syn::parse2(tag).expect("emitted operations parse");
    let items = file
        .items
        .into_iter()
        .flat_map(|i| outside_the_crate(i, "ThingsAccess"));
    let code = waldur_codegen::emit::format_file(quote!(#(#items)*)).expect("fixture ops format");
    std::fs::write(out.join("fixture_operations.rs"), code).expect("write fixture operations");
}

fn quote_items(items: Vec<proc_macro2::TokenStream>) -> proc_macro2::TokenStream {
    items.into_iter().collect()
}

/// Emitted operations add accessors with an inherent `impl crate::runtime::Client`, which only
/// compiles inside the generated crate. Here they become a trait (`trait_name`) implemented
/// for the client; everything else is kept as emitted. The `blocking` module loses its
/// feature gate (this crate always enables the client's `blocking`) and gets the same
/// treatment with `Blocking<trait_name>`.
fn outside_the_crate(item: syn::Item, trait_name: &str) -> Vec<syn::Item> {
    match item {
        syn::Item::Impl(imp) if imp.trait_.is_none() && is_runtime_type(&imp.self_ty) => {
            let name = format_ident!("{trait_name}");
            let self_ty = &imp.self_ty;
            let fns: Vec<syn::ImplItemFn> = imp
                .items
                .into_iter()
                .filter_map(|i| match i {
                    syn::ImplItem::Fn(f) => Some(f),
                    _ => None,
                })
                .collect();
            let sigs = fns.iter().map(|f| {
                let attrs = &f.attrs;
                let sig = &f.sig;
                quote!(#(#attrs)* #sig;)
            });
            let bodies = fns.iter().map(|f| {
                let sig = &f.sig;
                let block = &f.block;
                quote!(#sig #block)
            });
            let self_name = quote!(#self_ty).to_string().replace(' ', "");
            let trait_doc = format!(" Accessors the generated crate adds to `{self_name}`.");
            vec![
                syn::parse_quote! {
                    #[doc = #trait_doc]
                    pub trait #name { #(#sigs)* }
                },
                syn::parse_quote! {
                    impl #name for #self_ty { #(#bodies)* }
                },
            ]
        }
        syn::Item::Mod(mut m) if m.ident == "blocking" => {
            m.attrs.retain(|a| !a.path().is_ident("cfg"));
            if let Some((_, items)) = m.content.take() {
                let blocking_trait = format!("Blocking{trait_name}");
                let items = items
                    .into_iter()
                    .flat_map(|i| outside_the_crate(i, &blocking_trait))
                    .collect();
                m.content = Some((Default::default(), items));
            }
            vec![syn::Item::Mod(m)]
        }
        other => vec![other],
    }
}

/// `crate::runtime::Client` or `crate::runtime::blocking::Client`.
fn is_runtime_type(ty: &syn::Type) -> bool {
    let syn::Type::Path(p) = ty else {
        return false;
    };
    let segments: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    segments.first().is_some_and(|s| s == "crate")
        && segments.get(1).is_some_and(|s| s == "runtime")
}
