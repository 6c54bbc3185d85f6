//! Whole documents: detection, syntax and shape errors, `info`, JSON input, line numbers.

use super::*;
use crate::ir::SourceFile;
use crate::openapi::looks_like_openapi;

fn error(text: &str) -> String {
    match lower(FILE, text) {
        Ok(l) => panic!(
            "expected an error, lowered {} operations",
            l.api.operations.len()
        ),
        Err(d) => d.to_string(),
    }
}

#[test]
fn detects_openapi_cheaply() {
    assert!(looks_like_openapi("openapi: 3.0.3\ninfo: {}\n"));
    assert!(looks_like_openapi("# comment\n'openapi' : 3.0.0\n"));
    assert!(looks_like_openapi("\u{feff}openapi: 3.0.3\n"));
    assert!(looks_like_openapi(
        "{\n  \"info\": {},\n  \"openapi\" : \"3.0.3\"\n}"
    ));
    assert!(!looks_like_openapi(
        "# Openstack Volumes\n\nopenapi is a format\n"
    ));
    assert!(!looks_like_openapi("info:\n  openapi: 3.0.3\n"));
    assert!(!looks_like_openapi("swagger: '2.0'\n"));
    assert!(!looks_like_openapi(
        "{\"swagger\": \"2.0\", \"x\": \"openapi\"}"
    ));
}

#[test]
fn invalid_yaml_names_the_line() {
    assert_eq!(
        error("openapi: 3.0.3\npaths:\n  /a/:\n    get: {\n"),
        "t.yaml:5: expected a YAML document, found invalid YAML: did not find expected node content \
         at line 5 column 1, while parsing a flow node"
    );
}

#[test]
fn invalid_json_names_the_line() {
    assert_eq!(
        error("{\"openapi\": \"3.0.3\",\n \"paths\": {\n"),
        "t.yaml:3: expected a JSON document, found invalid JSON: EOF while parsing an object at line 3 column 0"
    );
}

#[test]
fn documents_that_are_not_openapi_3() {
    assert_eq!(
        error("title: x\n"),
        "t.yaml:1: expected an OpenAPI 3 document (a top-level `openapi: 3.x` key), found no `openapi` key"
    );
    assert_eq!(
        error("swagger: '2.0'\ninfo: {}\n"),
        "t.yaml:1: expected an OpenAPI 3 document, found Swagger `2.0` (OpenAPI 2 is not supported)"
    );
    assert_eq!(
        error("info: {}\nopenapi: 2.0\n"),
        "t.yaml:2: expected `openapi: 3.x`, found `openapi: 2.0`"
    );
    assert_eq!(
        error("hello\n"),
        "t.yaml:1: expected an OpenAPI 3 document (a mapping with a top-level `openapi: 3.x` key), found a scalar"
    );
    assert_eq!(
        error("- a\n"),
        "t.yaml:1: expected an OpenAPI 3 document (a mapping with a top-level `openapi: 3.x` key), found a sequence"
    );
    assert_eq!(
        error("\n# nothing\n"),
        "t.yaml:1: expected an OpenAPI 3 document (a mapping with a top-level `openapi: 3.x` key), found an empty document"
    );
}

#[test]
fn malformed_skeleton_is_an_error_with_its_path() {
    assert_eq!(
        error("openapi: 3.0.3\npaths: 5\n"),
        "t.yaml:2: invalid OpenAPI document: paths: invalid type: integer `5`, expected a map at line 2 column 8"
    );
    assert_eq!(
        error("openapi: 3.0.3\ninfo:\n  title: [1]\n"),
        "t.yaml:3: invalid OpenAPI document: info.title: invalid type: sequence, expected a string at line 3 column 10"
    );
    assert_eq!(
        error("{\"openapi\": \"3.0.3\",\n \"paths\": 5}"),
        "t.yaml:2: invalid OpenAPI document: paths: invalid type: integer `5`, expected a map at line 2 column 11"
    );
}

#[test]
fn info_becomes_the_source_file() {
    let l = clean(
        "openapi: 3.0.3\ninfo:\n  title: Waldur API\n  version: 8.0.5\n  description: |\n    The API.\n\npaths: {}\n",
    );
    assert_eq!(
        l.api.sources,
        vec![SourceFile {
            path: "t.yaml".into(),
            title: Some("Waldur API".into()),
            description: Some("The API.".into()),
            version: Some("8.0.5".into()),
            provenance: None,
        }]
    );
    // `version: 1.0` is a YAML float, kept as written; `openapi: 3.1` likewise.
    let l = clean("openapi: 3.1\ninfo:\n  version: 1.0\n");
    assert_eq!(l.api.sources[0].version.as_deref(), Some("1.0"));
    assert!(l.api.operations.is_empty() && l.api.types.is_empty());
}

#[test]
fn json_input_is_lowered_with_line_zero() {
    let l = clean(
        r#"{"openapi": "3.0.3", "info": {"title": "J"},
  "paths": {"/a/": {"get": {"operationId": "a_list", "tags": ["a"], "responses": {"200": {"description": ""}}}}},
  "components": {"schemas": {"A": {"type": "object", "properties": {"x": {"type": "string"}}}}}}"#,
    );
    let a = op(&l, "a_list");
    assert_eq!(a.span, span(0));
    assert_eq!(object(&l, "A").fields, vec![field("x", string(), 0)]);
}

#[test]
fn unquoted_status_codes_are_read() {
    let l = clean(
        "openapi: 3.0.3\npaths:\n  /a/:\n    get:\n      operationId: a\n      tags: [a]\n      responses:\n        200:\n          description: ok\n",
    );
    let r = &op(&l, "a").responses;
    assert_eq!(
        (r.len(), r[0].status, r[0].description.as_deref()),
        (1, 200, Some("ok"))
    );
}
