//! Operation-level rules: order, identity, texts, security, extensions, spans.

use serde_json::json;

use super::*;
use crate::ir::Method;
use crate::openapi::SECURITY_OPTIONAL;

pub const ORDER: &str = "\
openapi: 3.0.3
paths:
  /b/:
    post:
      operationId: b_create
      tags: [b-things, other]
      responses: {}
    get:
      operationId: b_list
      tags: [b-things]
      responses: {}
    head:
      operationId: b_count
      tags: [b-things]
      responses: {}
  /a/:
    delete:
      operationId: a_destroy
      tags: [a]
      responses: {}
";

#[test]
fn operations_keep_document_order_and_method_order_as_written() {
    let l = clean(ORDER);
    let got: Vec<(&str, Method, &str, &str, u32)> = l
        .api
        .operations
        .iter()
        .map(|o| {
            (
                o.operation_id.as_str(),
                o.method,
                o.path.as_str(),
                o.tag.as_str(),
                o.span.line,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("b_create", Method::Post, "/b/", "b_things", 3),
            ("b_list", Method::Get, "/b/", "b_things", 3),
            ("b_count", Method::Head, "/b/", "b_things", 3),
            ("a_destroy", Method::Delete, "/a/", "a", 16),
        ]
    );
}

#[test]
fn texts_deprecation_and_extensions() {
    let l = clean(
        "\
openapi: 3.0.3
paths:
  /a/{uuid}/:
    post:
      operationId: a_extend
      summary: Extend volume size
      description: |+
        Increase the size.

      deprecated: true
      tags: [a]
      x-permissions:
      - permission: VOLUME.EXTEND
        scopes: [customer]
      parameters:
      - {in: path, name: uuid, required: true, schema: {type: string, format: uuid}}
      responses: {}
",
    );
    let a = op(&l, "a_extend");
    assert_eq!(a.title.as_deref(), Some("Extend volume size"));
    assert_eq!(a.description.as_deref(), Some("Increase the size."));
    assert!(a.deprecated);
    assert_eq!(a.group, None);
    assert_eq!(
        a.extensions,
        BTreeMap::from([(
            "x-permissions".to_string(),
            json!([{"permission": "VOLUME.EXTEND", "scopes": ["customer"]}])
        )])
    );
}

fn security_fixture(document_security: &str) -> String {
    format!(
        "\
openapi: 3.0.3
{document_security}paths:
  /a/:
    get:
      operationId: absent
      tags: [a]
      responses: {{}}
    put:
      operationId: empty_list
      tags: [a]
      security: []
      responses: {{}}
    post:
      operationId: anonymous_only
      tags: [a]
      security:
      - {{}}
      responses: {{}}
    patch:
      operationId: token_or_oidc
      tags: [a]
      security:
      - tokenAuth: []
      - waldurOIDCAuth: []
      responses: {{}}
    delete:
      operationId: optional
      tags: [a]
      security:
      - tokenAuth: []
      - {{}}
      responses: {{}}
"
    )
}

#[test]
fn security_absent_empty_anonymous_named_and_optional() {
    let l = clean(&security_fixture(""));
    let names = |v: &[&str]| Some(v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    assert_eq!(op(&l, "absent").security, None);
    assert_eq!(op(&l, "empty_list").security, names(&[]));
    assert_eq!(op(&l, "anonymous_only").security, names(&[]));
    assert_eq!(
        op(&l, "token_or_oidc").security,
        names(&["tokenAuth", "waldurOIDCAuth"])
    );
    assert_eq!(op(&l, "optional").security, names(&["tokenAuth"]));
    assert_eq!(
        op(&l, "optional").extensions.get(SECURITY_OPTIONAL),
        Some(&json!(true))
    );
    assert_eq!(
        op(&l, "token_or_oidc").extensions.get(SECURITY_OPTIONAL),
        None
    );
    assert_eq!(
        op(&l, "anonymous_only").extensions.get(SECURITY_OPTIONAL),
        None
    );
}

#[test]
fn document_security_is_inherited_by_operations_without_their_own() {
    let l = clean(&security_fixture("security:\n- cookieAuth: []\n"));
    assert_eq!(
        op(&l, "absent").security,
        Some(vec!["cookieAuth".to_string()])
    );
    assert_eq!(op(&l, "empty_list").security, Some(vec![]));
}
