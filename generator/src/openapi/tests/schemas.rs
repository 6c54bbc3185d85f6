//! Component schemas and compositions.

use serde_json::json;

use super::*;

/// Schemas start at line 7 (`doc` with no paths). Fixtures start with a newline, which is
/// dropped, so that their first line keeps its indentation.
fn schemas(body: &str) -> Lowered {
    clean(&doc("", body.strip_prefix('\n').unwrap_or(body)))
}

#[test]
fn object_fields_carry_every_flag() {
    let l = schemas(
        "
    Volume:
      type: object
      description: A volume.
      properties:
        uuid:
          type: string
          format: uuid
          readOnly: true
        name:
          type: string
          description: |
            Name of the volume.
          x-spec-enum-id: abc
        size:
          type: integer
          nullable: true
          default: 1024
        password:
          type: string
          writeOnly: true
      required: [name, uuid]
",
    );
    let expected = ObjectTy {
        name_hint: Some("Volume".into()),
        description: Some("A volume.".into()),
        fields: vec![
            Field {
                required: true,
                read_only: true,
                ..field("uuid", formatted("uuid"), 7)
            },
            Field {
                required: true,
                description: Some("Name of the volume.".into()),
                extensions: BTreeMap::from([("x-spec-enum-id".to_string(), json!("abc"))]),
                ..field("name", string(), 7)
            },
            Field {
                nullable: true,
                default: Some(json!(1024)),
                ..field("size", integer(), 7)
            },
            Field {
                write_only: true,
                ..field("password", string(), 7)
            },
        ],
        additional: None,
    };
    assert_eq!(object(&l, "Volume"), &expected);
}

#[test]
fn enums_and_aliases() {
    let l = schemas(
        "
    CoreStates:
      type: string
      enum: [OK, Erred]
      description: ''
    GenderEnum:
      type: integer
      enum: [0, 1, 9]
    BlankEnum:
      enum: ['']
    NullEnum:
      enum: [null]
    Names:
      type: array
      items: {type: string}
      description: Some names.
    Free: {}
",
    );
    let ints = vec![EnumValue::Int(0), EnumValue::Int(1), EnumValue::Int(9)];
    assert_eq!(
        ty(&l, "CoreStates"),
        &TypeDef::Enum(EnumTy {
            name_hint: Some("CoreStates".into()),
            description: None,
            values: str_values(&["OK", "Erred"])
        })
    );
    assert_eq!(
        ty(&l, "GenderEnum"),
        &TypeDef::Enum(EnumTy {
            name_hint: Some("GenderEnum".into()),
            description: None,
            values: ints
        })
    );
    assert_eq!(
        ty(&l, "BlankEnum"),
        &TypeDef::Enum(EnumTy {
            name_hint: Some("BlankEnum".into()),
            description: None,
            values: str_values(&[""])
        })
    );
    // `enum: [null]` allows only null: an enum without values (its users are nullable).
    assert_eq!(
        ty(&l, "NullEnum"),
        &TypeDef::Enum(EnumTy {
            name_hint: Some("NullEnum".into()),
            description: None,
            values: Vec::new()
        })
    );
    assert_eq!(
        ty(&l, "Names"),
        &TypeDef::Alias {
            ty: Ty::array(string()),
            description: Some("Some names.".into())
        }
    );
    assert_eq!(
        ty(&l, "Free"),
        &TypeDef::Alias {
            ty: Ty::Any,
            description: None
        }
    );
}

const COMPOSITIONS: &str = "
    Resource:
      type: object
      properties:
        state:
          allOf:
          - $ref: '#/components/schemas/CoreStates'
          readOnly: true
        kind:
          allOf:
          - $ref: '#/components/schemas/CoreStates'
          - readOnly: true
            description: Kind of thing.
            default: OK
        country:
          oneOf:
          - $ref: '#/components/schemas/CountryEnum'
          - $ref: '#/components/schemas/BlankEnum'
          - $ref: '#/components/schemas/NullEnum'
          nullable: true
        gender:
          oneOf:
          - $ref: '#/components/schemas/CountryEnum'
          - $ref: '#/components/schemas/NullEnum'
        ip:
          oneOf:
          - {type: string, format: ipv4}
          - {type: string, format: ipv6}
        either:
          anyOf:
          - {type: string, enum: [x]}
          - {type: string}
          - {type: 'null'}
        parent:
          $ref: '#/components/schemas/Resource'
        plan_unit:
          allOf:
          - $ref: '#/components/schemas/CoreStates'
          nullable: true
          readOnly: true
        note:
          type: [string, 'null']
        always_null:
          $ref: '#/components/schemas/NullEnum'
        attributes:
          type: array
          items:
            oneOf:
            - $ref: '#/components/schemas/CountryEnum'
            - $ref: '#/components/schemas/BlankEnum'
        only_blank:
          oneOf:
          - $ref: '#/components/schemas/BlankEnum'
          - $ref: '#/components/schemas/NullEnum'
    CoreStates:
      type: string
      enum: [OK]
    CountryEnum:
      type: string
      enum: [EE]
    BlankEnum:
      enum: ['']
    NullEnum:
      enum: [null]
";

#[test]
fn compositions_reduce_to_refs_nullable_and_one_of() {
    let l = schemas(COMPOSITIONS);
    let fields = &object(&l, "Resource").fields;
    let expected = vec![
        Field {
            read_only: true,
            ..field("state", reference("CoreStates"), 7)
        },
        Field {
            read_only: true,
            description: Some("Kind of thing.".into()),
            default: Some(json!("OK")),
            ..field("kind", reference("CoreStates"), 7)
        },
        // `oneOf: [XEnum, BlankEnum, NullEnum]`: the enum, blank and nullable.
        Field {
            nullable: true,
            blank: true,
            ..field("country", reference("CountryEnum"), 7)
        },
        Field {
            nullable: true,
            ..field("gender", reference("CountryEnum"), 7)
        },
        field(
            "ip",
            Ty::OneOf {
                variants: vec![formatted("ipv4"), formatted("ipv6")],
            },
            7,
        ),
        Field {
            nullable: true,
            ..field(
                "either",
                Ty::OneOf {
                    variants: vec![inline_enum(&["x"]), string()],
                },
                7,
            )
        },
        // Recursive: references stay references.
        field("parent", reference("Resource"), 7),
        Field {
            nullable: true,
            read_only: true,
            ..field("plan_unit", reference("CoreStates"), 7)
        },
        Field {
            nullable: true,
            ..field("note", string(), 7)
        },
        Field {
            nullable: true,
            ..field("always_null", Ty::Any, 7)
        },
        // `BlankEnum` in the items of an array: the field is blank.
        Field {
            blank: true,
            ..field("attributes", Ty::array(reference("CountryEnum")), 7)
        },
        // Nothing but blank (and null): the blank enum is the type.
        Field {
            nullable: true,
            ..field("only_blank", reference("BlankEnum"), 7)
        },
    ];
    assert_eq!(fields, &expected);
}

#[test]
fn all_of_several_objects_is_merged() {
    let l = schemas(
        "
    Base:
      type: object
      properties:
        uuid: {type: string}
        name: {type: string}
      required: [uuid]
    Derived:
      description: Base plus size.
      allOf:
      - $ref: '#/components/schemas/Base'
      - type: object
        properties:
          name: {type: integer}
          size: {type: integer}
        required: [size]
      - required: [name]
    Holder:
      type: object
      properties:
        inline:
          allOf:
          - $ref: '#/components/schemas/Base'
          - type: object
            properties:
              extra: {type: boolean}
",
    );
    // Base's fields carry Base's line (7); the inline member's carry Derived's (13), Holder's (23).
    let derived = ObjectTy {
        name_hint: Some("Derived".into()),
        description: Some("Base plus size.".into()),
        fields: vec![
            Field {
                required: true,
                ..field("uuid", string(), 7)
            },
            Field {
                required: true,
                ..field("name", integer(), 13)
            },
            Field {
                required: true,
                ..field("size", integer(), 13)
            },
        ],
        additional: None,
    };
    assert_eq!(object(&l, "Derived"), &derived);
    let inline = ObjectTy {
        fields: vec![
            Field {
                required: true,
                ..field("uuid", string(), 7)
            },
            field("name", string(), 7),
            field("extra", boolean(), 23),
        ],
        ..ObjectTy::default()
    };
    assert_eq!(
        object(&l, "Holder").fields,
        vec![field(
            "inline",
            Ty::Object {
                object: Box::new(inline)
            },
            23
        )]
    );
}

#[test]
fn maps_free_form_objects_and_inline_types() {
    let l = schemas(
        "
    Stats:
      type: object
      properties:
        quotas:
          type: object
          additionalProperties:
            type: array
            items: {type: integer}
        labels:
          type: object
          additionalProperties: {}
        extra:
          type: object
          additionalProperties: true
        free:
          type: object
        anything: {}
        nested:
          type: object
          properties:
            level:
              type: string
              enum: [low, high]
      additionalProperties:
        type: string
    Prices:
      type: object
      additionalProperties:
        type: number
        format: double
",
    );
    let nested = ObjectTy {
        fields: vec![field("level", inline_enum(&["low", "high"]), 7)],
        ..ObjectTy::default()
    };
    let expected = ObjectTy {
        name_hint: Some("Stats".into()),
        description: None,
        fields: vec![
            field("quotas", map(Ty::array(integer())), 7),
            field("labels", map(Ty::Any), 7),
            field("extra", map(Ty::Any), 7),
            field("free", map(Ty::Any), 7),
            field("anything", Ty::Any, 7),
            field(
                "nested",
                Ty::Object {
                    object: Box::new(nested),
                },
                7,
            ),
        ],
        additional: Some(Box::new(string())),
    };
    assert_eq!(object(&l, "Stats"), &expected);
    let double = Ty::Scalar {
        scalar: Scalar::Number {
            format: Some("double".into()),
        },
    };
    assert_eq!(
        ty(&l, "Prices"),
        &TypeDef::Alias {
            ty: map(double),
            description: None
        }
    );
}

#[test]
fn enum_values_take_the_declared_type() {
    let l = lowered(&doc(
        "",
        "    WebHookContentTypeEnum1:
      type: string
      enum: [1, 2]
    Levels:
      type: integer
      enum: ['1', 2]
    Untyped:
      enum: [1, a]
",
    ));
    assert_eq!(
        ty(&l, "WebHookContentTypeEnum1"),
        &TypeDef::Enum(EnumTy {
            name_hint: Some("WebHookContentTypeEnum1".into()),
            description: None,
            values: str_values(&["1", "2"])
        })
    );
    assert_eq!(
        ty(&l, "Levels"),
        &TypeDef::Enum(EnumTy {
            name_hint: Some("Levels".into()),
            description: None,
            values: vec![EnumValue::Int(1), EnumValue::Int(2)]
        })
    );
    assert_eq!(
        ty(&l, "Untyped"),
        &TypeDef::Enum(EnumTy {
            name_hint: Some("Untyped".into()),
            description: None,
            values: vec![EnumValue::Int(1), EnumValue::Str("a".into())]
        })
    );
    assert_eq!(
        messages(&l),
        [
            "t.yaml:10: #/components/schemas/Levels/enum: enum values `1` are strings but the \
             schema declares `type: integer`; read as integers",
            "t.yaml:7: #/components/schemas/WebHookContentTypeEnum1/enum: enum values `1`, `2` \
             are numbers but the schema declares `type: string`; read as strings",
        ]
    );
}

#[test]
fn constraints_of_properties_members_references_and_items() {
    let l = schemas(
        "
    Limits:
      type: object
      properties:
        name:
          type: string
          minLength: 1
          maxLength: 255
          pattern: '^[a-z]+$'
        size:
          type: integer
          minimum: 0
          maximum: 9223372036854775807
          exclusiveMaximum: true
          multipleOf: 2
        ratio:
          allOf:
          - $ref: '#/components/schemas/Decimal'
          - maxLength: 10
        tags:
          type: array
          minItems: 1
          maxItems: 5
          items:
            type: string
            maxLength: 254
        prices:
          type: object
          additionalProperties:
            type: string
            pattern: '^\\d+$'
        level:
          oneOf:
          - {type: integer, minimum: 1}
          - $ref: '#/components/schemas/NullEnum'
    Decimal:
      type: string
      pattern: '^-?\\d+(\\.\\d+)?$'
      maxLength: 20
    NullEnum:
      enum: [null]
",
    );
    let fields = &object(&l, "Limits").fields;
    let number = |s: &str| {
        Some(
            s.parse::<serde_json::Number>()
                .unwrap_or_else(|e| panic!("{e}")),
        )
    };
    let of = |name: &str| {
        fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.constraints.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        of("name"),
        Constraints {
            min_length: Some(1),
            max_length: Some(255),
            pattern: Some("^[a-z]+$".into()),
            ..Constraints::default()
        }
    );
    assert_eq!(
        of("size"),
        Constraints {
            minimum: number("0"),
            maximum: number("9223372036854775807"),
            exclusive_maximum: true,
            multiple_of: number("2"),
            ..Constraints::default()
        }
    );
    // The annotation member's own `maxLength` wins over the referenced schema's.
    assert_eq!(
        of("ratio"),
        Constraints {
            max_length: Some(10),
            pattern: Some(r"^-?\d+(\.\d+)?$".into()),
            ..Constraints::default()
        }
    );
    assert_eq!(
        of("tags"),
        Constraints {
            min_items: Some(1),
            max_items: Some(5),
            items: Some(Box::new(Constraints {
                max_length: Some(254),
                ..Constraints::default()
            })),
            ..Constraints::default()
        }
    );
    assert_eq!(
        of("prices"),
        Constraints {
            items: Some(Box::new(Constraints {
                pattern: Some(r"^\d+$".into()),
                ..Constraints::default()
            })),
            ..Constraints::default()
        }
    );
    assert_eq!(
        of("level"),
        Constraints {
            minimum: number("1"),
            ..Constraints::default()
        }
    );
}

#[test]
fn openapi_3_1_exclusive_bounds_are_numbers() {
    let l = schemas(
        "
    Range:
      type: object
      properties:
        x:
          type: number
          exclusiveMinimum: 0
          exclusiveMaximum: 1
",
    );
    let number = |s: &str| {
        Some(
            s.parse::<serde_json::Number>()
                .unwrap_or_else(|e| panic!("{e}")),
        )
    };
    assert_eq!(
        object(&l, "Range").fields[0].constraints,
        Constraints {
            minimum: number("0"),
            exclusive_minimum: true,
            maximum: number("1"),
            exclusive_maximum: true,
            ..Constraints::default()
        }
    );
}
