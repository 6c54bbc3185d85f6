//! Request bodies: media choice, binary fields, multipart twins, model names.

use super::*;
use crate::ir::{BodyMedia, RequestBody};

const BODIES: &str = "\
openapi: 3.0.3
paths:
  /a/:
    post:
      operationId: json_body
      tags: [a]
      requestBody:
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/ExtendRequest'
        required: true
      responses: {}
    put:
      operationId: upload_twin
      tags: [a]
      requestBody:
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/LogoRequest'
          application/x-www-form-urlencoded:
            schema:
              $ref: '#/components/schemas/LogoRequestForm'
          multipart/form-data:
            schema:
              $ref: '#/components/schemas/LogoRequestMultipart'
      responses: {}
    patch:
      operationId: upload_different
      tags: [a]
      requestBody:
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/LogoRequest'
          multipart/form-data:
            schema:
              $ref: '#/components/schemas/NestedUploadRequest'
      responses: {}
  /b/:
    post:
      operationId: json_only_upload
      tags: [b]
      requestBody:
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/NestedUploadRequest'
        required: true
      responses: {}
    put:
      operationId: form_only
      tags: [b]
      requestBody:
        content:
          application/x-www-form-urlencoded; charset=utf-8:
            schema:
              type: object
              properties:
                code: {type: string}
      responses: {}
    patch:
      operationId: raw_bytes
      tags: [b]
      requestBody:
        content:
          application/octet-stream: {}
      responses: {}
    options:
      operationId: raw_json_bytes
      tags: [b]
      requestBody:
        content:
          application/json:
            schema: {type: string, format: binary}
      responses: {}
    delete:
      operationId: plain_text
      tags: [b]
      requestBody:
        content:
          text/plain:
            schema: {type: string}
      responses: {}
components:
  schemas:
    ExtendRequest:
      type: object
      properties:
        disk_size: {type: integer}
      required: [disk_size]
    LogoRequest:
      type: object
      properties:
        image: {type: string, format: binary}
    LogoRequestForm:
      type: object
      properties:
        image: {type: string, format: binary}
    LogoRequestMultipart:
      type: object
      properties:
        image: {type: string, format: binary}
    NestedUploadRequest:
      type: object
      properties:
        attachments:
          type: array
          items:
            $ref: '#/components/schemas/Attachment'
    Attachment:
      type: object
      properties:
        file: {type: string, format: binary}
";

fn body(l: &Lowered, id: &str) -> RequestBody {
    match &op(l, id).body {
        Some(b) => b.clone(),
        None => panic!("{id} has no body"),
    }
}

/// Operations under `/a/` are at line 3, under `/b/` at line 41.
fn expected(
    media: BodyMedia,
    accepted: &[BodyMedia],
    model: Option<&str>,
    ty: Ty,
    required: bool,
) -> RequestBody {
    RequestBody {
        required,
        media,
        accepted_media: accepted.to_vec(),
        model_name: model.map(str::to_string),
        ty,
        span: span(3),
    }
}

#[test]
fn json_body_names_its_model() {
    let l = clean(BODIES);
    assert_eq!(
        body(&l, "json_body"),
        expected(
            BodyMedia::Json,
            &[BodyMedia::Json],
            Some("ExtendRequest"),
            reference("ExtendRequest"),
            true
        )
    );
}

#[test]
fn binary_field_reads_the_multipart_schema_and_a_twin_uses_the_json_model() {
    let l = clean(BODIES);
    let all = [
        BodyMedia::Json,
        BodyMedia::FormUrlEncoded,
        BodyMedia::Multipart,
    ];
    // The JSON schema's twin: read from JSON's entry (the plan sends it as JSON, or as
    // multipart when a file is attached).
    assert_eq!(
        body(&l, "upload_twin"),
        expected(
            BodyMedia::Json,
            &all,
            Some("LogoRequest"),
            reference("LogoRequest"),
            false
        )
    );
    // A multipart schema with other fields than the JSON one is used as it is.
    assert_eq!(
        body(&l, "upload_different"),
        expected(
            BodyMedia::Multipart,
            &[BodyMedia::Json, BodyMedia::Multipart],
            Some("NestedUploadRequest"),
            reference("NestedUploadRequest"),
            false
        )
    );
}

#[test]
fn binary_field_at_depth_in_a_json_only_body_is_read_from_json() {
    let l = clean(BODIES);
    assert_eq!(
        body(&l, "json_only_upload"),
        RequestBody {
            span: span(41),
            ..expected(
                BodyMedia::Json,
                &[BodyMedia::Json],
                Some("NestedUploadRequest"),
                reference("NestedUploadRequest"),
                true,
            )
        }
    );
}

#[test]
fn other_media_types() {
    let l = clean(BODIES);
    let at_b = |b: RequestBody| RequestBody {
        span: span(41),
        ..b
    };
    let code = Ty::Object {
        object: Box::new(ObjectTy {
            fields: vec![field("code", string(), 41)],
            ..ObjectTy::default()
        }),
    };
    assert_eq!(
        body(&l, "form_only"),
        at_b(expected(
            BodyMedia::FormUrlEncoded,
            &[BodyMedia::FormUrlEncoded],
            None,
            code,
            false
        ))
    );
    assert_eq!(
        body(&l, "raw_bytes"),
        at_b(expected(
            BodyMedia::OctetStream,
            &[BodyMedia::OctetStream],
            None,
            formatted("binary"),
            false
        ))
    );
    // A JSON body that is itself binary is raw bytes, not a form with a file field.
    assert_eq!(
        body(&l, "raw_json_bytes"),
        at_b(expected(
            BodyMedia::OctetStream,
            &[BodyMedia::Json],
            None,
            formatted("binary"),
            false
        ))
    );
    assert_eq!(
        body(&l, "plain_text"),
        at_b(expected(
            BodyMedia::Text,
            &[BodyMedia::Text],
            None,
            string(),
            false
        ))
    );
}
