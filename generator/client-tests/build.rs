//! Emits the fixture models of `src/lib.rs` with the real emitter, so the tests exercise the
//! generated code for shapes the seed page lacks (enums, recursion, maps, multipart).

use std::collections::BTreeMap;

use waldur_codegen::emit::models::{TypeUse, emit_type};
use waldur_codegen::emit::types::TypeTable;
use waldur_codegen::ir::{Api, EnumTy, EnumValue, Field, ObjectTy, Scalar, Span, Ty, TypeDef};

fn field(name: &str, ty: Ty, required: bool) -> Field {
    Field {
        name: name.to_string(),
        ty,
        required,
        nullable: false,
        read_only: false,
        write_only: false,
        description: None,
        default: None,
        extensions: BTreeMap::new(),
        span: Span::default(),
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
    api
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
}

fn quote_items(items: Vec<proc_macro2::TokenStream>) -> proc_macro2::TokenStream {
    items.into_iter().collect()
}
