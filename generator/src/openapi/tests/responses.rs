//! Responses: `$ref`s, `default`, body kinds, headers.

use super::*;
use crate::ir::{Response, ResponseBody};

const RESPONSES: &str = "\
openapi: 3.0.3
paths:
  /a/:
    get:
      operationId: a_list
      tags: [a]
      responses:
        '200':
          content:
            application/json:
              schema:
                type: array
                items:
                  $ref: '#/components/schemas/A'
          description: ''
          headers:
            X-Result-Count:
              $ref: '#/components/headers/XResultCount'
        '404':
          $ref: '#/components/responses/NotFound'
        default:
          description: Unexpected error
          content:
            application/problem+json:
              schema: {}
    post:
      operationId: a_stream
      tags: [a]
      responses:
        '200':
          content:
            application/x-ndjson:
              schema:
                $ref: '#/components/schemas/A'
          description: ''
        '201':
          content:
            text/plain:
              schema: {type: string}
          description: CSV
        '202':
          content:
            application/pdf:
              schema: {type: string, format: binary}
          description: ''
        '204':
          description: No response body
        '400':
          content:
            application/json:
              schema:
                description: Object not found
          description: ''
components:
  headers:
    XResultCount:
      description: Total number of results available
      schema:
        type: integer
  responses:
    NotFound:
      description: Not found
      content:
        application/json:
          schema:
            type: object
            properties:
              detail: {type: string}
  schemas:
    A:
      type: object
      properties:
        x: {type: string}
";

fn response(status: u16, description: Option<&str>, body: ResponseBody) -> Response {
    Response {
        status,
        description: description.map(str::to_string),
        body,
        headers: BTreeMap::new(),
        span: span(3),
    }
}

#[test]
fn responses_are_resolved_and_typed() {
    let l = clean(RESPONSES);
    let detail = Ty::Object {
        object: Box::new(ObjectTy {
            fields: vec![field("detail", string(), 3)],
            ..ObjectTy::default()
        }),
    };
    assert_eq!(
        op(&l, "a_list").responses,
        vec![
            Response {
                headers: BTreeMap::from([("x-result-count".to_string(), integer())]),
                ..response(
                    200,
                    None,
                    ResponseBody::Json {
                        ty: Ty::array(reference("A"))
                    }
                )
            },
            response(404, Some("Not found"), ResponseBody::Json { ty: detail }),
            response(
                0,
                Some("Unexpected error"),
                ResponseBody::Json { ty: Ty::Any }
            ),
        ]
    );
}

#[test]
fn ndjson_text_binary_none_and_untyped_json() {
    let l = clean(RESPONSES);
    assert_eq!(
        op(&l, "a_stream").responses,
        vec![
            response(200, None, ResponseBody::NdJson { ty: reference("A") }),
            response(201, Some("CSV"), ResponseBody::Text),
            response(202, None, ResponseBody::Binary),
            response(204, Some("No response body"), ResponseBody::None),
            response(400, None, ResponseBody::Json { ty: Ty::Any }),
        ]
    );
}
