//! Problems inside a valid document: the operation or the construct is diagnosed (file, line,
//! JSON pointer, what was expected) and the rest is lowered.

use super::*;

const BROKEN: &str = "\
openapi: 3.0.3
paths:
  /ok/:
    get:
      operationId: ok_list
      tags: [ok]
      responses: {}
  /broken/{uuid}/:
    get:
      tags: [broken]
      responses: {}
    put:
      operationId: bad_params
      tags: [broken]
      parameters: 5
      responses: {}
    post:
      operationId: bad_schema_field
      tags: [broken]
      parameters:
      - in: path
        name: uuid
        schema: {type: string, readOnly: maybe}
      responses: {}
    patch:
      operationId: dangling_param
      tags: [broken]
      parameters:
      - $ref: '#/components/parameters/Missing'
      responses: {}
    delete:
      operationId: undeclared
      tags: [broken]
      responses: {}
    options:
      operationId: ok_list
      tags: [broken]
      parameters:
      - {in: path, name: uuid, required: true, schema: {type: string}}
      responses: {}
    head:
      operationId: piped
      tags: [broken]
      parameters:
      - {in: path, name: uuid, required: true, schema: {type: string}}
      - {in: query, name: ids, style: pipeDelimited, schema: {type: array, items: {type: string}}}
      responses: {}
    trace:
      operationId: traced
      responses: {}
  /soft/{uuid}/:
    get:
      operationId: soft
      parameters:
      - {in: path, name: uuid, required: true, schema: {$ref: '#/components/schemas/Gone'}}
      - {in: path, name: extra, required: true, schema: {type: string}}
      - {in: cookie, name: session, schema: {type: string}}
      - {in: query, name: q}
      responses:
        2XX:
          description: range
        '200':
          content:
            application/json:
              schema:
                not: {type: string}
          description: ''
        '404':
          $ref: '#/components/responses/Missing'
components:
  schemas:
    Unreadable:
      type: object
      properties: [1, 2]
    Odd:
      type: object
      properties:
        ratio: {type: number, enum: [0.5, 1]}
        mystery: {type: decimal}
        up: {$ref: '#/components/schemas/Unreadable'}
      required: [ghost]
";

#[test]
fn each_problem_is_one_diagnostic_and_the_rest_is_lowered() {
    let l = lowered(BROKEN);
    assert_eq!(
        messages(&l),
        vec![
            "t.yaml:72: #/components/schemas/Unreadable/properties: invalid type: sequence, expected a mapping; schema `Unreadable` lowered as any",
            "t.yaml:75: #/components/schemas/Odd/properties/ratio/enum/0: expected an enum value that is a string or an integer, found `0.5`; value left out",
            "t.yaml:75: #/components/schemas/Odd/properties/mystery: expected `type` to be one of string, integer, number, boolean, array, object, null, found `decimal`; lowered as any",
            "t.yaml:75: #/components/schemas/Odd/required: `required` names `ghost`, which is not a property; ignored",
            "t.yaml:8: #/paths/~1broken~1{uuid}~1/get: expected an `operationId`, found none; operation left out",
            "t.yaml:8: #/paths/~1broken~1{uuid}~1/put/parameters: invalid type: integer `5`, expected a sequence; operation left out",
            "t.yaml:8: #/paths/~1broken~1{uuid}~1/post/parameters/0/schema/readOnly: invalid type: string \"maybe\", expected a boolean; operation left out",
            "t.yaml:8: #/paths/~1broken~1{uuid}~1/patch/parameters/0: dangling `$ref`: `#/components/parameters/Missing` does not exist; operation left out",
            "t.yaml:8: #/paths/~1broken~1{uuid}~1/delete: path parameter `uuid` of `/broken/{uuid}/` is not declared; operation left out",
            "t.yaml:8: #/paths/~1broken~1{uuid}~1/options: duplicate operationId `ok_list` (first used by GET /ok/); operation left out",
            "t.yaml:8: #/paths/~1broken~1{uuid}~1/head/parameters/1: style `pipeDelimited` of parameter `ids` is not supported (expected `form`); operation left out",
            "t.yaml:8: #/paths/~1broken~1{uuid}~1/trace: TRACE is not supported; operation left out",
            "t.yaml:51: #/paths/~1soft~1{uuid}~1/get: expected at least one tag, found none; tag `default` used",
            "t.yaml:51: #/paths/~1soft~1{uuid}~1/get/parameters/0/schema: dangling `$ref`: `#/components/schemas/Gone` does not exist; lowered as any",
            "t.yaml:51: #/paths/~1soft~1{uuid}~1/get/parameters/1: path parameter `extra` is not in the path `/soft/{uuid}/`; parameter left out",
            "t.yaml:51: #/paths/~1soft~1{uuid}~1/get/parameters/2: cookie parameters are not supported; parameter `session` left out",
            "t.yaml:51: #/paths/~1soft~1{uuid}~1/get/parameters/3: expected a `schema` for parameter `q`, found none; lowered as any",
            "t.yaml:51: #/paths/~1soft~1{uuid}~1/get/responses/2XX: expected an HTTP status code (100-599) or `default`, found `2XX`; response left out",
            "t.yaml:51: #/paths/~1soft~1{uuid}~1/get/responses/200/content/application~1json/schema: `not` is not supported; lowered as any",
            "t.yaml:51: #/paths/~1soft~1{uuid}~1/get/responses/404: dangling `$ref`: `#/components/responses/Missing` does not exist; response body lowered as unknown",
        ]
    );
    let ids: Vec<&str> = l
        .api
        .operations
        .iter()
        .map(|o| o.operation_id.as_str())
        .collect();
    assert_eq!(ids, vec!["ok_list", "soft"]);
    assert_eq!(
        ty(&l, "Unreadable"),
        &TypeDef::Alias {
            ty: Ty::Any,
            description: None
        }
    );
    let odd = &object(&l, "Odd").fields;
    assert_eq!(
        odd,
        &vec![
            field(
                "ratio",
                Ty::Enum {
                    def: Box::new(EnumTy {
                        name_hint: None,
                        description: None,
                        values: vec![EnumValue::Int(1)]
                    })
                },
                75
            ),
            field("mystery", Ty::Any, 75),
            // A reference to an unreadable schema stays a reference (it is diagnosed once).
            field("up", reference("Unreadable"), 75),
        ]
    );
    let soft = op(&l, "soft");
    let params: Vec<(&str, &Ty)> = soft
        .params
        .iter()
        .map(|p| (p.name.as_str(), &p.ty))
        .collect();
    assert_eq!(params, vec![("uuid", &Ty::Any), ("q", &Ty::Any)]);
    assert_eq!(soft.tag, "default");
    let statuses: Vec<(u16, &crate::ir::ResponseBody)> =
        soft.responses.iter().map(|r| (r.status, &r.body)).collect();
    assert_eq!(
        statuses,
        vec![
            (200, &crate::ir::ResponseBody::Json { ty: Ty::Any }),
            (404, &crate::ir::ResponseBody::Unknown),
        ]
    );
}

#[test]
fn dangling_schema_ref_in_a_component() {
    let l = lowered(&doc(
        "",
        "    A:\n      type: object\n      properties:\n        b:\n          $ref: '#/components/schemas/B'\n        c:\n          $ref: 'other.yaml#/C'\n",
    ));
    assert_eq!(
        messages(&l),
        vec![
            "t.yaml:7: #/components/schemas/A/properties/b: dangling `$ref`: `#/components/schemas/B` does not exist; lowered as any",
            "t.yaml:7: #/components/schemas/A/properties/c: expected a `$ref` to `#/components/schemas/<name>`, found `other.yaml#/C`; lowered as any",
        ]
    );
    assert_eq!(
        object(&l, "A").fields,
        vec![field("b", Ty::Any, 7), field("c", Ty::Any, 7)]
    );
}

#[test]
fn a_malformed_path_item_loses_only_that_path() {
    let l = lowered(
        "openapi: 3.0.3\npaths:\n  /a/: 5\n  /b/:\n    parameters: {}\n    get:\n      operationId: b\n      responses: {}\n  /c/:\n    get:\n      operationId: c\n      tags: [c]\n      responses: {}\n",
    );
    assert_eq!(
        messages(&l),
        vec![
            "t.yaml:3: #/paths/~1a~1: expected a path item (a mapping), found a number; path left out",
            "t.yaml:4: #/paths/~1b~1/parameters: invalid type: map, expected a sequence; every operation of `/b/` left out",
        ]
    );
    assert_eq!(l.api.operations.len(), 1);
    assert_eq!(l.api.operations[0].operation_id, "c");
}

#[test]
fn all_of_members_that_are_not_objects_and_cycles() {
    let l = lowered(&doc(
        "",
        "    A:\n      allOf:\n      - $ref: '#/components/schemas/B'\n      - type: string\n    B:\n      allOf:\n      - $ref: '#/components/schemas/C'\n      - type: object\n        properties:\n          b: {type: string}\n    C:\n      allOf:\n      - $ref: '#/components/schemas/B'\n      - type: object\n        properties:\n          c: {type: string}\n",
    ));
    assert_eq!(
        messages(&l),
        vec![
            "t.yaml:17: #/components/schemas/C/allOf/0: `allOf` includes itself through `#/components/schemas/B`; lowered as any",
            "t.yaml:7: #/components/schemas/A/allOf/1: expected every `allOf` member to be an object, found another schema; lowered as any",
            "t.yaml:11: #/components/schemas/B/allOf/0: `allOf` includes itself through `#/components/schemas/C`; lowered as any",
        ]
    );
    for name in ["A", "B", "C"] {
        assert_eq!(
            ty(&l, name),
            &TypeDef::Alias {
                ty: Ty::Any,
                description: None
            },
            "{name}"
        );
    }
}

#[test]
fn referenced_request_bodies_parameters_by_content_and_dangling_headers() {
    let l = lowered(
        "\
openapi: 3.0.3
paths:
  /a/:
    post:
      operationId: a_create
      tags: [a]
      parameters:
      - in: query
        name: filter
        content:
          application/json:
            schema: {type: object, additionalProperties: {type: string}}
      requestBody:
        $ref: '#/components/requestBodies/Create'
      responses:
        '201':
          description: ''
          headers:
            X-Gone:
              $ref: '#/components/headers/Gone'
components:
  requestBodies:
    Create:
      required: true
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/CreateRequest'
  schemas:
    CreateRequest:
      type: object
      properties:
        name: {type: string}
",
    );
    assert_eq!(
        messages(&l),
        vec![
            "t.yaml:3: #/paths/~1a~1/post/responses/201/headers/X-Gone: dangling `$ref`: `#/components/headers/Gone` does not exist; header lowered as any"
        ]
    );
    let a = op(&l, "a_create");
    assert_eq!(a.params[0].ty, map(string()));
    let body = a
        .body
        .as_ref()
        .map(|b| (b.required, b.model_name.as_deref(), &b.ty));
    assert_eq!(
        body,
        Some((true, Some("CreateRequest"), &reference("CreateRequest")))
    );
    assert_eq!(
        a.responses[0].headers,
        BTreeMap::from([("x-gone".to_string(), Ty::Any)])
    );
}

/// Every prefix of a fixture full of problems, cut at any line or inside a line, lowers or
/// fails with a diagnostic; none panics.
#[test]
fn truncated_input_never_panics() {
    for text in [BROKEN, super::operations::ORDER] {
        let mut cuts: Vec<usize> = text.match_indices('\n').map(|(i, _)| i).collect();
        cuts.extend(
            (0..text.len())
                .step_by(7)
                .filter(|i| text.is_char_boundary(*i)),
        );
        for cut in cuts {
            let prefix = &text[..cut];
            if let Ok(l) = lower(FILE, prefix) {
                assert!(l.api.operations.len() <= 5, "{prefix}");
            }
        }
    }
}
