//! Parameters: `$ref`s, path-level merging, order, styles, enums, items, extensions.

use serde_json::json;

use super::*;
use crate::ir::{ArrayStyle, Param, ParamLocation};

const PARAMS: &str = "\
openapi: 3.0.3
paths:
  /api/volumes/{volume_uuid}/snapshots/{uuid}/:
    parameters:
    - in: query
      name: shared
      schema: {type: string}
      description: from the path item
    - in: path
      name: uuid
      required: true
      schema: {type: string, format: uuid}
    get:
      operationId: snapshots_list
      tags: [snapshots]
      parameters:
      - in: header
        name: X-Trace
        schema: {type: string}
      - in: query
        name: o
        schema:
          type: array
          items:
            $ref: '#/components/schemas/SnapshotOEnum'
        description: |+
          Ordering

        explode: false
        style: form
      - in: query
        name: state
        schema:
          type: array
          items:
            $ref: '#/components/schemas/CoreStates'
        explode: true
        style: form
      - in: query
        name: field
        schema:
          type: array
          items: {type: string, enum: [name, size]}
      - in: path
        name: volume_uuid
        required: true
        schema: {type: string, format: uuid}
        x-waldur-operation-id: volumes_retrieve
      - in: query
        name: shared
        schema: {type: integer}
      - in: query
        name: kind
        schema: {type: string, enum: [a, b]}
      - in: query
        name: level
        schema:
          $ref: '#/components/schemas/CoreStates'
          default: OK
      - in: query
        name: limit
        schema: {type: integer, default: 10}
      - $ref: '#/components/parameters/Page'
      - in: header
        name: Accept
        schema: {type: string}
      responses: {}
components:
  parameters:
    Page:
      name: page
      required: false
      in: query
      description: A page number within the paginated result set.
      schema:
        type: integer
  schemas:
    SnapshotOEnum:
      type: string
      enum: [name, -name]
    CoreStates:
      type: string
      enum: [OK, Erred]
";

fn param(name: &str, location: ParamLocation, ty: Ty) -> Param {
    Param {
        name: name.to_string(),
        location,
        ty,
        required: false,
        description: None,
        default: None,
        style: ArrayStyle::Repeat,
        extensions: BTreeMap::new(),
        blank: false,
        constraints: Default::default(),
        span: span(3),
    }
}

#[test]
fn parameters_are_resolved_merged_ordered_and_typed() {
    let l = clean(PARAMS);
    let got = &op(&l, "snapshots_list").params;
    let expected = vec![
        Param {
            required: true,
            extensions: BTreeMap::from([(
                "x-waldur-operation-id".to_string(),
                json!("volumes_retrieve"),
            )]),
            ..param("volume_uuid", ParamLocation::Path, formatted("uuid"))
        },
        Param {
            required: true,
            ..param("uuid", ParamLocation::Path, formatted("uuid"))
        },
        // The operation's `shared` replaces the path item's in place (first among queries).
        param("shared", ParamLocation::Query, integer()),
        Param {
            description: Some("Ordering".into()),
            style: ArrayStyle::CommaJoined,
            ..param(
                "o",
                ParamLocation::Query,
                Ty::array(reference("SnapshotOEnum")),
            )
        },
        param(
            "state",
            ParamLocation::Query,
            Ty::array(reference("CoreStates")),
        ),
        param(
            "field",
            ParamLocation::Query,
            Ty::array(inline_enum(&["name", "size"])),
        ),
        param("kind", ParamLocation::Query, inline_enum(&["a", "b"])),
        Param {
            default: Some(json!("OK")),
            ..param("level", ParamLocation::Query, reference("CoreStates"))
        },
        Param {
            default: Some(json!(10)),
            ..param("limit", ParamLocation::Query, integer())
        },
        Param {
            description: Some("A page number within the paginated result set.".into()),
            ..param("page", ParamLocation::Query, integer())
        },
        // `Accept` is ignored, as OpenAPI requires.
        param("X-Trace", ParamLocation::Header, string()),
    ];
    assert_eq!(got, &expected);
}

#[test]
fn parameter_constraints_and_blank_values() {
    let l = clean(
        "openapi: 3.0.3
paths:
  /api/events/{key}/:
    get:
      operationId: events_list
      tags: [events]
      parameters:
      - in: path
        name: key
        required: true
        schema: {type: string, pattern: '^[a-f0-9]+$', minLength: 1}
      - in: query
        name: page_size
        schema: {type: integer, minimum: 1, maximum: 300}
      - in: query
        name: kinds
        schema:
          type: array
          maxItems: 5
          items: {type: string, maxLength: 20}
      - in: query
        name: mode
        schema:
          oneOf:
          - {type: string, enum: [fast, slow]}
          - $ref: '#/components/schemas/BlankEnum'
      responses:
        '200': {description: ok}
components:
  schemas:
    BlankEnum:
      enum: ['']
",
    );
    let params = &op(&l, "events_list").params;
    let number = |s: &str| {
        Some(
            s.parse::<serde_json::Number>()
                .unwrap_or_else(|e| panic!("{e}")),
        )
    };
    let got: Vec<(&str, &Constraints, bool)> = params
        .iter()
        .map(|p| (p.name.as_str(), &p.constraints, p.blank))
        .collect();
    assert_eq!(
        got,
        [
            (
                "key",
                &Constraints {
                    min_length: Some(1),
                    pattern: Some("^[a-f0-9]+$".into()),
                    ..Constraints::default()
                },
                false
            ),
            (
                "page_size",
                &Constraints {
                    minimum: number("1"),
                    maximum: number("300"),
                    ..Constraints::default()
                },
                false
            ),
            (
                "kinds",
                &Constraints {
                    max_items: Some(5),
                    items: Some(Box::new(Constraints {
                        max_length: Some(20),
                        ..Constraints::default()
                    })),
                    ..Constraints::default()
                },
                false
            ),
            ("mode", &Constraints::default(), true),
        ]
    );
    assert_eq!(params[3].ty, inline_enum(&["fast", "slow"]));
}
