//! Unit tests of the Markdown front end on small inline pages.
//!
//! `THINGS` and `LISTS` exercise every construct once; the malformed variants edit one line of
//! them and assert the exact diagnostic (file, line, message) and that the other operation of
//! the page is still returned.

use serde_json::json;

use super::{Page, PageOutcome, parse_page};
use crate::ir::{
    ArrayStyle, BodyMedia, EnumTy, EnumValue, Field, Method, ObjectTy, Operation, Param,
    ParamLocation, Provenance, RequestBody, Response, ResponseBody, Scalar, Span, Ty,
};

const THINGS: &str = r##"# Things

## Operations Summary

| Method | Endpoint | Description |
|:--- |:--- |:--- |
| **Core CRUD** | | |
| <span class="http-badge http-get">GET</span> | `/api/things/{uuid}/` | [Get thing](#get-thing) |
| **Other Actions** | | |
| <span class="http-badge http-post">POST</span> | `/api/things/{uuid}/rename/{slot}/` | [Rename thing](#rename-thing) |

---
## Core CRUD


### Get thing

Retrieve one thing.


=== "HTTPie"

    ```bash
    http \
      GET \
      https://api.example.com/api/things/a1b2/ \
      Authorization:"Token YOUR_API_TOKEN"
    ```

=== "Python"

    ```python
    from waldur_api_client.client import AuthenticatedClient
    from waldur_api_client.models.thing_field_enum import ThingFieldEnum # (1)
    from waldur_api_client.models.thing_level_enum import ThingLevelEnum # (2)
    from waldur_api_client.api.things import things_retrieve # (3)
    
    response = things_retrieve.sync(uuid="a1b2", client=client)
    print(response)
    ```
    
    
    1.  **Model Source:** [`ThingFieldEnum`](https://example.com/thing_field_enum.py)
    2.  **Model Source:** [`ThingLevelEnum`](https://example.com/thing_level_enum.py)
    3.  **API Source:** [`things_retrieve`](https://example.com/things_retrieve.py)

=== "TypeScript"

    ```typescript
    import { thingsRetrieve } from 'waldur-js-client';
    ```


=== "Path Parameters"

    | Name | Type | Required |
    |---|---|---|
    | `uuid` | string (uuid) | ✓ |


=== "Query Parameters"

    | Name | Type | Description |
    |---|---|---|
    | `field` | array |  |
    | `level` | string | _Enum: `debug`, `info`_ |
    | `o` | array | Ordering<br><br> |


=== "Responses"

    **`200`** - 
    
    | Field | Type | Description |
    |---|---|---|
    | `uuid` | string (uuid) |  |
    | `tags` | array of objects |  |
    | `tags.name` | string | Tag name |
    | `state` | integer | <br>_Enum: `1`, `2`_ |
    
    ---
    
    **`404`** - Not found.

---
## Other Actions


### Rename thing


        Rename a thing.

        Example:

            rename <uuid>
        


=== "HTTPie"

    ```bash
    http \
      POST \
      https://api.example.com/api/things/a1b2/rename/7/ \
      Authorization:"Token YOUR_API_TOKEN" \
      name="string-value"
    ```

=== "Python"

    ```python
    from waldur_api_client.models.thing_rename_request import ThingRenameRequest # (1)
    from waldur_api_client.api.things import things_rename # (2)
    
    body_data = ThingRenameRequest(
        name="string-value"
    )
    response = things_rename.sync(slot=7, uuid="a1b2", client=client, body=body_data)
    ```
    
    
    1.  **Model Source:** [`ThingRenameRequest`](https://example.com/thing_rename_request.py)
    2.  **API Source:** [`things_rename`](https://example.com/things_rename.py)

=== "TypeScript"

    ```typescript
    import { thingsRename } from 'waldur-js-client';
    ```


=== "Path Parameters"

    | Name | Type | Required | Description |
    |---|---|---|---|
    | `slot` | integer | ✓ | Slot<br>number |
    | `uuid` | string (uuid) | ✓ |  |


=== "Request Body (required)"

    | Field | Type | Required | Description |
    |---|---|---|---|
    | `name` | string | ✓ | New name<br>_Constraints: write-only_ |
    | `notify` | boolean |  | <br>_Constraints: write-only, default: `False`_ |
    | `prefix` | string |  | <br>_Constraints: default: ``_ |
    | `meta` | object |  |  |
    | `meta.labels` | object (free-form) | ✓ | Labels |
    | `meta.*` | any |  |  |
    | `icon` | string (binary) |  |  |


=== "Responses"

    **`204`** - No response body

---
"##;

const LISTS: &str = r##"<!-- EXTERNAL DOCUMENT
Source: https://example.com/gen.git
Branch: main
Remote Path: output//things/lists.md
Local Path: docs/api-reference/
Last Sync: 2025-11-26T17:44:56.965775

WARNING: This file is automatically synchronized from the source repository.
Edit the source at: https://example.com/gen.git/-/tree/main/output//things/lists.md
-->


# Thing Lists

Things come in lists.

    An indented intro block.

## Operations Summary

| Method | Endpoint | Description |
|:--- |:--- |:--- |
| <span class="http-badge http-get">GET</span> | `/api/thing-names/` | [Names](#names) |
| <span class="http-badge http-post">POST</span> | `/api/things/{uuid}/set_rules/` | [Set rules](#set-rules) |

---

### Names


=== "HTTPie"

    ```bash
    http \
      GET \
      https://api.example.com/api/thing-names/ \
      Authorization:"Token YOUR_API_TOKEN"
    ```

=== "Python"

    ```python
    from waldur_api_client.api.thing_names import thing_names_list # (1)
    
    response = thing_names_list.sync(client=client)
    
    for item in response:
        print(item)
    ```
    
    
    1.  **API Source:** [`thing_names_list`](https://example.com/thing_names_list.py)

=== "TypeScript"

    ```typescript
    import { thingNamesList } from 'waldur-js-client';
    ```


=== "Responses"

    **`200`** - 
    
    ---
    
    **`400`** - Bad request

---

### Set rules

Replace rules.


=== "HTTPie"

    ```bash
    echo '[{"cidr": "string-value"}]' | http \
      POST \
      https://api.example.com/api/things/a1b2/set_rules/ \
      Authorization:"Token YOUR_API_TOKEN"
    ```

=== "Python"

    ```python
    from waldur_api_client.api.things import things_set_rules # (1)
    
    response = things_set_rules.sync(uuid="a1b2", client=client)
    print(response)
    ```
    
    
    1.  **API Source:** [`things_set_rules`](https://example.com/things_set_rules.py)

=== "TypeScript"

    ```typescript
    import { thingsSetRules } from 'waldur-js-client';
    ```


=== "Path Parameters"

    | Name | Type | Required |
    |---|---|---|
    | `uuid` | string (uuid) | ✓ |


=== "Request Body (required)"

    The request body is an array of objects, where each object has the following structure:
    
    | Field | Type | Required | Description |
    |---|---|---|---|
    | `cidr` | string | ✓ | Range (a|b, c) of addresses<br>_Constraints: default: `10.0.0.0/8`_ |
    | `ports` | array of integers |  |  |


=== "Responses"

    **`200`** - 
    
    The response body is an array of objects, where each object has the following structure:
    
    | Field | Type |
    |---|---|
    | `cidr` | string |
    | `extra` | array of objects |

---
"##;

fn api(path: &str, text: &str) -> Page {
    match parse_page(path, text) {
        PageOutcome::Api(page) => page,
        PageOutcome::NotApi { reason } => panic!("{path}: not an API page: {reason}"),
    }
}

fn messages(page: &Page) -> Vec<String> {
    page.diagnostics.iter().map(ToString::to_string).collect()
}

fn ids(page: &Page) -> Vec<&str> {
    page.operations
        .iter()
        .map(|o| o.operation_id.as_str())
        .collect()
}

/// `text` with the one occurrence of `old` replaced.
fn edit(text: &str, old: &str, new: &str) -> String {
    assert_eq!(
        text.matches(old).count(),
        1,
        "fixture edit must be unambiguous: {old}"
    );
    text.replacen(old, new, 1)
}

/// Parses an edited `THINGS` and returns its diagnostics and surviving operation ids.
fn things_with(old: &str, new: &str) -> (Vec<String>, Vec<String>) {
    let page = api("things.md", &edit(THINGS, old, new));
    let ids = ids(&page).into_iter().map(str::to_string).collect();
    (messages(&page), ids)
}

fn span(file: &str, line: u32) -> Span {
    Span {
        file: file.to_string(),
        line,
    }
}

fn string(format: Option<&str>) -> Ty {
    Ty::Scalar {
        scalar: Scalar::String {
            format: format.map(str::to_string),
        },
    }
}

fn integer() -> Ty {
    Ty::Scalar {
        scalar: Scalar::Integer { format: None },
    }
}

fn boolean() -> Ty {
    Ty::Scalar {
        scalar: Scalar::Boolean,
    }
}

fn object(name_hint: Option<&str>, fields: Vec<Field>) -> Ty {
    Ty::Object {
        object: Box::new(ObjectTy {
            name_hint: name_hint.map(str::to_string),
            fields,
            ..ObjectTy::default()
        }),
    }
}

fn str_enum(name_hint: Option<&str>, values: &[&str]) -> Ty {
    let values = values
        .iter()
        .map(|v| EnumValue::Str((*v).to_string()))
        .collect();
    Ty::Enum {
        def: Box::new(EnumTy {
            name_hint: name_hint.map(str::to_string),
            description: None,
            values,
        }),
    }
}

fn field(file: &str, name: &str, ty: Ty, line: u32) -> Field {
    Field {
        name: name.to_string(),
        ty,
        required: false,
        nullable: false,
        read_only: false,
        write_only: false,
        description: None,
        default: None,
        extensions: Default::default(),
        blank: false,
        constraints: Default::default(),
        span: span(file, line),
    }
}

fn param(file: &str, name: &str, location: ParamLocation, ty: Ty, line: u32) -> Param {
    Param {
        name: name.to_string(),
        location,
        ty,
        required: location == ParamLocation::Path,
        description: None,
        default: None,
        style: ArrayStyle::Repeat,
        extensions: Default::default(),
        blank: false,
        constraints: Default::default(),
        span: span(file, line),
    }
}

fn response(
    file: &str,
    status: u16,
    description: Option<&str>,
    body: ResponseBody,
    line: u32,
) -> Response {
    Response {
        status,
        description: description.map(str::to_string),
        body,
        headers: Default::default(),
        span: span(file, line),
    }
}

#[test]
fn things_page_parses_every_construct() {
    let page = api("things.md", THINGS);
    assert_eq!(messages(&page), Vec::<String>::new());
    assert_eq!(page.source.path, "things.md");
    assert_eq!(page.source.title.as_deref(), Some("Things"));
    assert_eq!(
        (
            page.source.description.as_ref(),
            page.source.provenance.as_ref()
        ),
        (None, None)
    );
    assert_eq!(ids(&page), ["things_retrieve", "things_rename"]);

    let f = "things.md";
    let get = &page.operations[0];
    assert_eq!(
        (
            get.method,
            get.path.as_str(),
            get.tag.as_str(),
            get.title.as_deref()
        ),
        (
            Method::Get,
            "/api/things/{uuid}/",
            "things",
            Some("Get thing")
        )
    );
    assert_eq!(get.description.as_deref(), Some("Retrieve one thing."));
    assert_eq!(get.group.as_deref(), Some("Core CRUD"));
    assert_eq!(get.span, span(f, 16));
    assert_eq!(get.body, None);
    assert_eq!(
        get.params,
        [
            param(f, "uuid", ParamLocation::Path, string(Some("uuid")), 58),
            param(
                f,
                "field",
                ParamLocation::Query,
                Ty::array(string(None)),
                65
            ),
            // The only import whose words end with `level`.
            param(
                f,
                "level",
                ParamLocation::Query,
                str_enum(Some("ThingLevel"), &[]),
                66
            ),
            Param {
                description: Some("Ordering".to_string()),
                style: ArrayStyle::CommaJoined,
                ..param(f, "o", ParamLocation::Query, Ty::array(string(None)), 67)
            },
        ]
        .map(|mut p| {
            if p.name == "level" {
                p.ty = str_enum(Some("ThingLevelEnum"), &["debug", "info"]);
            }
            p
        })
    );
    let state = Ty::Enum {
        def: Box::new(EnumTy {
            name_hint: None,
            description: None,
            values: vec![EnumValue::Int(1), EnumValue::Int(2)],
        }),
    };
    let tag_name = Field {
        description: Some("Tag name".into()),
        ..field(f, "name", string(None), 78)
    };
    let thing = object(
        // `ThingFieldEnum` names the first 2xx object response.
        Some("Thing"),
        vec![
            field(f, "uuid", string(Some("uuid")), 76),
            field(f, "tags", Ty::array(object(None, vec![tag_name])), 77),
            field(f, "state", state, 79),
        ],
    );
    assert_eq!(
        get.responses,
        [
            response(f, 200, None, ResponseBody::Json { ty: thing }, 72),
            response(f, 404, Some("Not found."), ResponseBody::Unknown, 83),
        ]
    );

    let body = ObjectTy {
        name_hint: Some("ThingRenameRequest".into()),
        description: None,
        fields: vec![
            Field {
                required: true,
                write_only: true,
                description: Some("New name".into()),
                ..field(f, "name", string(None), 145)
            },
            Field {
                write_only: true,
                default: Some(json!(false)),
                ..field(f, "notify", boolean(), 146)
            },
            Field {
                default: Some(json!("")),
                ..field(f, "prefix", string(None), 147)
            },
            field(
                f,
                "meta",
                Ty::Object {
                    object: Box::new(ObjectTy {
                        fields: vec![Field {
                            required: true,
                            description: Some("Labels".into()),
                            ..field(f, "labels", Ty::Any, 149)
                        }],
                        additional: Some(Box::new(Ty::Any)),
                        ..ObjectTy::default()
                    }),
                },
                148,
            ),
            field(f, "icon", string(Some("binary")), 151),
        ],
        additional: None,
    };
    let rename = Operation {
        operation_id: "things_rename".into(),
        tag: "things".into(),
        method: Method::Post,
        path: "/api/things/{uuid}/rename/{slot}/".into(),
        title: Some("Rename thing".into()),
        // Docstring indentation removed, the indented example kept relative to it.
        description: Some("Rename a thing.\n\nExample:\n\n    rename <uuid>".into()),
        group: Some("Other Actions".into()),
        // Template order, although the table is alphabetical.
        params: vec![
            param(f, "uuid", ParamLocation::Path, string(Some("uuid")), 138),
            Param {
                description: Some("Slot\nnumber".into()),
                ..param(f, "slot", ParamLocation::Path, integer(), 137)
            },
        ],
        body: Some(RequestBody {
            required: true,
            // A page names no media, not even for a body with a `string (binary)` field: the
            // plan decides how it is sent.
            media: BodyMedia::Json,
            accepted_media: vec![],
            model_name: Some("ThingRenameRequest".into()),
            ty: Ty::Object {
                object: Box::new(body),
            },
            span: span(f, 141),
        }),
        responses: vec![response(
            f,
            204,
            Some("No response body"),
            ResponseBody::None,
            156,
        )],
        deprecated: false,
        security: None,
        extensions: Default::default(),
        span: span(f, 89),
    };
    assert_eq!(page.operations[1], rename);
}

#[test]
fn lists_page_reads_provenance_arrays_and_bare_lists() {
    let page = api("lists.md", LISTS);
    assert_eq!(messages(&page), Vec::<String>::new());
    assert_eq!(
        page.source.provenance,
        Some(Provenance {
            source: Some("https://example.com/gen.git".into()),
            branch: Some("main".into()),
            remote_path: Some("output//things/lists.md".into()),
            local_path: Some("docs/api-reference/".into()),
            last_sync: Some("2025-11-26T17:44:56.965775".into()),
        })
    );
    assert_eq!(page.source.title.as_deref(), Some("Thing Lists"));
    assert_eq!(
        page.source.description.as_deref(),
        Some("Things come in lists.\n\n    An indented intro block.")
    );
    assert_eq!(ids(&page), ["thing_names_list", "things_set_rules"]);

    let f = "lists.md";
    let names = &page.operations[0];
    assert_eq!(
        (names.description.as_ref(), names.group.as_ref()),
        (None, None)
    );
    assert_eq!(names.params, []);
    assert_eq!(
        names.responses,
        [
            // A bare first 2xx of a snippet that loops over the response is a list.
            response(
                f,
                200,
                None,
                ResponseBody::Json {
                    ty: Ty::array(Ty::Any)
                },
                63
            ),
            response(f, 400, Some("Bad request"), ResponseBody::Unknown, 67),
        ]
    );

    let rules = &page.operations[1];
    let cidr = Field {
        required: true,
        // The unescaped `|` split the cell; the surplus is merged back, default included.
        description: Some("Range (a|b, c) of addresses".into()),
        default: Some(json!("10.0.0.0/8")),
        ..field(f, "cidr", string(None), 117)
    };
    let ports = field(f, "ports", Ty::array(integer()), 118);
    assert_eq!(
        rules.body,
        Some(RequestBody {
            required: true,
            media: BodyMedia::Json,
            accepted_media: vec![],
            model_name: None,
            ty: Ty::array(object(None, vec![cidr, ports])),
            span: span(f, 111),
        })
    );
    let extra = Ty::array(Ty::Map {
        values: Box::new(Ty::Any),
    });
    let item = object(
        None,
        vec![
            field(f, "cidr", string(None), 129),
            field(f, "extra", extra, 130),
        ],
    );
    assert_eq!(
        rules.responses,
        [response(
            f,
            200,
            None,
            ResponseBody::Json {
                ty: Ty::array(item)
            },
            123
        )]
    );
}

#[test]
fn missing_tab_body_leaves_only_that_operation_out() {
    let (diags, ids) = things_with(
        "=== \"TypeScript\"\n\n    ```typescript\n    import { thingsRetrieve } from 'waldur-js-client';\n    ```\n",
        "=== \"TypeScript\"\n\n",
    );
    assert_eq!(
        diags,
        [
            "things.md:51: expected a tab body indented by 4 spaces after '=== \"TypeScript\"', \
          found '=== \"Path Parameters\"'"
        ]
    );
    assert_eq!(ids, ["things_rename"]);
}

#[test]
fn unknown_tab_is_reported() {
    let (diags, ids) = things_with(
        "=== \"Path Parameters\"\n\n    | Name | Type | Required |\n",
        "=== \"Foo\"\n\n    | Name | Type | Required |\n",
    );
    assert_eq!(
        diags,
        [
            "things.md:54: unknown tab \"Foo\": expected one of HTTPie, Python, TypeScript, Path \
          Parameters, Query Parameters, Request Body, Request Body (required), Responses"
        ]
    );
    assert_eq!(ids, ["things_rename"]);
}

#[test]
fn short_table_row_is_reported() {
    let (diags, ids) = things_with(
        "| `level` | string | _Enum: `debug`, `info`_ |",
        "| `level` | string |",
    );
    assert_eq!(diags, ["things.md:66: table row has 2 cells, header has 3"]);
    assert_eq!(ids, ["things_rename"]);
}

#[test]
fn unknown_type_string_is_reported() {
    let (diags, ids) = things_with("| `uuid` | string (uuid) |  |", "| `uuid` | strin |  |");
    assert_eq!(
        diags,
        [
            "things.md:76: unknown type string \"strin\": expected string, integer, number, \
          boolean, any, object, object (free-form), array, a scalar with a format such as \
          \"string (uuid)\", or \"array of <type>s\" such as \"array of strings\""
        ]
    );
    assert_eq!(ids, ["things_rename"]);
}

#[test]
fn orphan_dotted_row_is_reported() {
    let (diags, ids) = things_with("    | `tags` | array of objects |  |\n", "");
    assert_eq!(
        diags,
        [
            "things.md:77: orphan row `tags.name`: expected a row `tags` of type object or array \
          of objects before it"
        ]
    );
    assert_eq!(ids, ["things_rename"]);
}

#[test]
fn path_parameter_missing_from_the_table_is_reported() {
    let (diags, ids) = things_with(
        "| `uuid` | string (uuid) | ✓ |\n",
        "| `id` | string (uuid) | ✓ |\n",
    );
    assert_eq!(
        diags,
        [
            "things.md:54: path parameter \"uuid\" of '/api/things/{uuid}/' has no row in the \
             Path Parameters table",
            "things.md:58: path parameter \"id\" is not in the path template '/api/things/{uuid}/'",
        ]
    );
    assert_eq!(ids, ["things_rename"]);
}

#[test]
fn malformed_annotation_is_reported() {
    let (diags, ids) = things_with("_Constraints: default: ``_", "_Constraints: default: x_");
    assert_eq!(
        diags,
        [
            "things.md:147: malformed _Constraints annotation: expected '_Constraints: \
             write-only, read-only, nullable, default: `value` or <keyword>: `value` items \
             (minimum, maximum, minLength, maxLength, pattern, ...), separated by ', '_', found \
             'default: x'"
        ]
    );
    assert_eq!(ids, ["things_retrieve"]);
}

#[test]
fn bad_default_for_the_row_type_is_reported() {
    let (diags, ids) = things_with("default: `False`_", "default: `maybe`_");
    assert_eq!(
        diags,
        ["things.md:146: default `maybe` is not True or False"]
    );
    assert_eq!(ids, ["things_retrieve"]);
}

#[test]
fn summary_rows_must_match_sections() {
    let (diags, ids) = things_with(
        "| <span class=\"http-badge http-post\">POST</span> | `/api/things/{uuid}/rename/{slot}/` \
         | [Rename thing](#rename-thing) |\n",
        "",
    );
    assert_eq!(
        diags,
        [
            "things.md:5: the summary table has 1 operation rows but the page has 2 '### ' \
             operation sections: they must match 1:1 and in order",
            "things.md:88: operation '### Rename thing' has no row in the summary table",
        ]
    );
    assert_eq!(ids, ["things_retrieve"]);
}

#[test]
fn section_title_must_match_its_summary_row() {
    let (diags, ids) = things_with("### Get thing\n", "### Get one thing\n");
    assert_eq!(
        diags,
        [
            "things.md:16: operation '### Get one thing' does not match its summary row 'Get \
          thing' (line 8): rows and sections are paired by position"
        ]
    );
    assert_eq!(ids, ["things_rename"]);
}

#[test]
fn malformed_summary_row_is_reported() {
    let (diags, ids) = things_with(
        "http-badge http-get\">GET</span>",
        "http-badge http-get\">GOT</span>",
    );
    assert_eq!(
        diags,
        [
            "things.md:8: unknown HTTP method 'GOT' in summary row: expected GET, POST, PUT, \
             PATCH or DELETE",
            "things.md:16: operation '### Get thing' left out: its summary row (number 1) is \
             malformed",
        ]
    );
    assert_eq!(ids, ["things_rename"]);
}

#[test]
fn httpie_must_agree_with_the_summary_row() {
    let (diags, ids) = things_with("      GET \\\n", "      PUT \\\n");
    assert_eq!(
        diags,
        [
            "things.md:25: HTTPie method does not match the summary row: expected '  GET \\', \
          found '  PUT \\'"
        ]
    );
    assert_eq!(ids, ["things_rename"]);
    let (diags, _) = things_with("api/things/a1b2/rename/7/", "api/thing/a1b2/rename/7/");
    assert_eq!(
        diags,
        ["things.md:105: HTTPie URL does not match the summary path \
          '/api/things/{uuid}/rename/{slot}/': expected \
          'https://api.example.com/api/things/{uuid}/rename/{slot}/' with its placeholders \
          filled in, found 'https://api.example.com/api/thing/a1b2/rename/7/ \\'"]
    );
}

#[test]
fn typescript_must_name_the_python_function() {
    let (diags, ids) = things_with("import { thingsRename }", "import { thingsRenamed }");
    assert_eq!(
        diags,
        [
            "things.md:129: TypeScript function 'thingsRenamed' does not match the Python \
          function 'things_rename': expected 'thingsRename'"
        ]
    );
    assert_eq!(ids, ["things_retrieve"]);
}

#[test]
fn unclaimed_lines_are_reported() {
    // Between operations: the page keeps both operations.
    let (diags, ids) = things_with(
        "---\n## Other Actions\n",
        "---\nStray text\n## Other Actions\n",
    );
    assert_eq!(
        diags,
        [
            "things.md:86: unclaimed line: expected '### <operation title>', '## <group>' or '---', \
          found 'Stray text'"
        ]
    );
    assert_eq!(ids, ["things_retrieve", "things_rename"]);

    // Inside a tab body.
    let (diags, ids) = things_with(
        "| `o` | array | Ordering<br><br> |\n",
        "| `o` | array | Ordering<br><br> |\n\n    Stray paragraph\n",
    );
    assert_eq!(
        diags,
        [
            "things.md:69: expected a single table in the \"Query Parameters\" tab, found a \
          paragraph 'Stray paragraph'"
        ]
    );
    assert_eq!(ids, ["things_rename"]);

    // Inside an operation, outside any tab.
    let (diags, ids) = things_with(
        "    **`404`** - Not found.\n",
        "    **`404`** - Not found.\nNot indented\n",
    );
    assert_eq!(
        diags,
        [
            "things.md:84: unclaimed line in operation '### Get thing': expected a tab \
          '=== \"<name>\"', a 4-space-indented tab body or '---', found 'Not indented'"
        ]
    );
    assert_eq!(ids, ["things_rename"]);
}

#[test]
fn response_blocks_are_checked() {
    let (diags, ids) = things_with("    **`404`** - Not found.\n", "    404 - Not found.\n");
    assert_eq!(
        diags,
        [
            "things.md:83: expected a status line '**`<code>`** - <description>', found a \
          paragraph '404 - Not found.'"
        ]
    );
    assert_eq!(ids, ["things_rename"]);
}

#[test]
fn tabs_must_be_complete_and_in_order() {
    let (diags, ids) = things_with(
        "=== \"Responses\"\n\n    **`204`**",
        "=== \"Query Parameters\"\n\n    **`204`**",
    );
    assert_eq!(
        diags,
        [
            "things.md:89: operation '### Rename thing' has no \"Responses\" tab: every \
             operation has HTTPie, Python, TypeScript and Responses tabs",
            "things.md:154: tab \"Query Parameters\" is repeated or out of order: expected the \
             order HTTPie, Python, TypeScript, Path Parameters, Query Parameters, Request Body, \
             Responses",
            "things.md:156: expected a single table in the \"Query Parameters\" tab, found a \
             paragraph '**`204`** - No response body'",
        ]
    );
    assert_eq!(ids, ["things_retrieve"]);
}

#[test]
fn pages_without_an_operations_summary_are_not_api_pages() {
    assert_eq!(
        parse_page(
            "index.md",
            "# API Reference\n\n- [Volumes](openstack/volumes.md)\n"
        ),
        PageOutcome::NotApi {
            reason: "no '## Operations Summary' heading: not an API reference page".into()
        }
    );
    for empty in ["", "\n  \n"] {
        assert_eq!(
            parse_page("empty.md", empty),
            PageOutcome::NotApi {
                reason: "the page is empty".into()
            }
        );
    }
    // With operations but no summary it is a broken API page, not a silent skip.
    let page = api("x.md", &edit(THINGS, "## Operations Summary\n", ""));
    assert_eq!(
        messages(&page),
        ["x.md:15: expected a '## Operations Summary' heading before the operations, found none"]
    );
    assert_eq!(ids(&page), Vec::<&str>::new());
}

#[test]
fn empty_and_garbage_input_never_panics() {
    for text in [
        "",
        "\n\n",
        "## Operations Summary",
        "## Operations Summary\n| a |",
        "<!--",
        "### x\n=== \"HTTPie\"\n",
    ] {
        let _ = parse_page("x.md", text);
    }
    let page = api("x.md", "## Operations Summary\n");
    assert_eq!(
        messages(&page),
        [
            "x.md:1: expected a page title '# <Title>', found '## Operations Summary'",
            "x.md:2: expected the summary table header '| Method | Endpoint | Description |', \
             found the end of the page",
        ]
    );
}

/// (operation id, method, path, body model, statuses, group)
type SeedOp<'a> = (
    &'a str,
    &'a str,
    &'a str,
    Option<&'a str>,
    Vec<u16>,
    Option<&'a str>,
);

/// The seed page: `openstack/volumes.md` as synced on 2025-11-26, committed as `spec/`.
#[test]
fn seed_openstack_volumes() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/openstack-volumes.md");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let page = api("spec/openstack-volumes.md", &text);
    assert_eq!(messages(&page), Vec::<String>::new());
    assert_eq!(page.source.title.as_deref(), Some("Openstack Volumes"));
    assert_eq!(
        page.source.provenance,
        Some(Provenance {
            source: Some(
                "https://code.opennodecloud.com/waldur/waldur-sdk-docs-generator.git".into()
            ),
            branch: Some("main".into()),
            remote_path: Some("output//cloud-and-hpc-providers/openstack/volumes.md".into()),
            local_path: Some("docs/api-reference/".into()),
            last_sync: Some("2025-11-26T17:44:56.965775".into()),
        })
    );

    let summary: Vec<SeedOp> = page
        .operations
        .iter()
        .map(|op| {
            (
                op.operation_id.as_str(),
                op.method.as_str(),
                op.path.as_str(),
                op.body.as_ref().and_then(|b| b.model_name.as_deref()),
                op.responses.iter().map(|r| r.status).collect(),
                op.group.as_deref(),
            )
        })
        .collect();
    let v = "/api/openstack-volumes/";
    let u = "/api/openstack-volumes/{uuid}/";
    assert_eq!(
        summary,
        [
            (
                "openstack_volumes_list",
                "GET",
                v,
                None,
                vec![200],
                Some("Core CRUD")
            ),
            (
                "openstack_volumes_retrieve",
                "GET",
                u,
                None,
                vec![200],
                Some("Core CRUD")
            ),
            (
                "openstack_volumes_pull",
                "POST",
                "/api/openstack-volumes/{uuid}/pull/",
                None,
                vec![202, 409],
                Some("Core CRUD")
            ),
            (
                "openstack_volumes_unlink",
                "POST",
                "/api/openstack-volumes/{uuid}/unlink/",
                None,
                vec![204],
                Some("Core CRUD")
            ),
            (
                "openstack_volumes_update",
                "PUT",
                u,
                Some("OpenStackVolumeRequest"),
                vec![200],
                Some("Core CRUD")
            ),
            (
                "openstack_volumes_partial_update",
                "PATCH",
                u,
                Some("PatchedOpenStackVolumeRequest"),
                vec![200],
                Some("Core CRUD")
            ),
            (
                "openstack_volumes_attach",
                "POST",
                "/api/openstack-volumes/{uuid}/attach/",
                Some("VolumeAttachRequest"),
                vec![200],
                Some("Other Actions")
            ),
            (
                "openstack_volumes_detach",
                "POST",
                "/api/openstack-volumes/{uuid}/detach/",
                None,
                vec![200],
                Some("Other Actions")
            ),
            (
                "openstack_volumes_extend",
                "POST",
                "/api/openstack-volumes/{uuid}/extend/",
                Some("OpenStackVolumeExtendRequest"),
                vec![200],
                Some("Other Actions")
            ),
            (
                "openstack_volumes_retype",
                "POST",
                "/api/openstack-volumes/{uuid}/retype/",
                Some("OpenStackVolumeRetypeRequest"),
                vec![200],
                Some("Other Actions")
            ),
            (
                "openstack_volumes_snapshot",
                "POST",
                "/api/openstack-volumes/{uuid}/snapshot/",
                Some("OpenStackSnapshotRequest"),
                vec![201],
                Some("Other Actions")
            ),
        ]
    );

    // The list operation: 30 query parameters in table order.
    let list = &page.operations[0];
    let uuid = string(Some("uuid"));
    let s = string(None);
    let expected: Vec<(&str, Ty)> = vec![
        ("attach_instance_uuid", uuid.clone()),
        ("availability_zone_name", s.clone()),
        ("backend_id", s.clone()),
        ("can_manage", boolean()),
        ("customer", uuid.clone()),
        ("customer_abbreviation", s.clone()),
        ("customer_name", s.clone()),
        ("customer_native_name", s.clone()),
        ("customer_uuid", uuid.clone()),
        ("description", s.clone()),
        ("external_ip", s.clone()),
        ("field", Ty::array(s.clone())),
        ("instance", s.clone()),
        ("instance_uuid", uuid.clone()),
        ("name", s.clone()),
        ("name_exact", s.clone()),
        ("page", integer()),
        ("page_size", integer()),
        ("project", uuid.clone()),
        ("project_name", s.clone()),
        ("project_uuid", uuid.clone()),
        ("runtime_state", s.clone()),
        ("service_settings_name", s.clone()),
        ("service_settings_uuid", uuid.clone()),
        ("snapshot", s.clone()),
        ("snapshot_uuid", uuid.clone()),
        ("state", Ty::array(s.clone())),
        ("tenant", s.clone()),
        ("tenant_uuid", uuid.clone()),
        ("uuid", uuid.clone()),
    ];
    let actual: Vec<(&str, Ty)> = list
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.ty.clone()))
        .collect();
    assert_eq!(
        actual,
        expected
            .iter()
            .map(|(n, t)| (*n, t.clone()))
            .collect::<Vec<_>>()
    );
    assert!(
        list.params
            .iter()
            .all(|p| p.location == ParamLocation::Query && !p.required)
    );
    assert!(list.params.iter().all(|p| p.style == ArrayStyle::Repeat));
    assert_eq!(
        list.params[16].description.as_deref(),
        Some("A page number within the paginated result set.")
    );
    let ResponseBody::Json {
        ty: Ty::Array { items },
    } = &list.responses[0].body
    else {
        panic!("list response: {:?}", list.responses[0].body)
    };
    let Ty::Object { object: item } = items.as_ref() else {
        panic!("list item: {items:?}")
    };
    assert_eq!(item.fields.len(), 56);

    // The snapshot response nests `restorations` (array of objects).
    let snapshot = &page.operations[10];
    let ResponseBody::Json {
        ty: Ty::Object { object: snap },
    } = &snapshot.responses[0].body
    else {
        panic!("snapshot response: {:?}", snapshot.responses[0].body)
    };
    let restorations = snap
        .fields
        .iter()
        .find(|f| f.name == "restorations")
        .expect("restorations");
    let f = "spec/openstack-volumes.md";
    let item = object_fields(&restorations.ty);
    assert_eq!(restorations.span, span(f, 1191));
    assert_eq!(
        item,
        [
            field(f, "uuid", string(Some("uuid")), 1192),
            field(f, "created", string(Some("date-time")), 1193),
            Field {
                description: Some("New volume description.".into()),
                ..field(f, "description", s.clone(), 1194)
            },
            Field {
                description: Some("Volume that is being restored from the snapshot".into()),
                ..field(f, "volume", string(Some("uri")), 1195)
            },
            field(f, "volume_name", s.clone(), 1196),
            field(f, "volume_state", s.clone(), 1197),
            field(f, "volume_runtime_state", s.clone(), 1198),
            Field {
                description: Some("Size in MiB".into()),
                ..field(f, "volume_size", integer(), 1199)
            },
            Field {
                description: Some("Name of volume as instance device e.g. /dev/vdb.".into()),
                ..field(f, "volume_device", s.clone(), 1200)
            },
        ]
    );
    // The field after the nested rows is back at the top level.
    let names: Vec<&str> = snap.fields.iter().map(|f| f.name.as_str()).collect();
    let at = names
        .iter()
        .position(|n| *n == "restorations")
        .expect("restorations");
    assert_eq!(names[at + 1], "kept_until");

    let extend = &page.operations[8];
    assert_eq!(
        extend.body.as_ref().map(|b| (b.required, b.media, &b.ty)),
        Some((
            true,
            BodyMedia::Json,
            &object(
                Some("OpenStackVolumeExtendRequest"),
                vec![Field {
                    required: true,
                    ..field(f, "disk_size", integer(), 976)
                }]
            )
        ))
    );
    let pull = &page.operations[2];
    assert_eq!(
        pull.responses,
        [
            response(f, 202, Some("No response body"), ResponseBody::None, 383),
            response(f, 409, Some("No response body"), ResponseBody::None, 388),
        ]
    );
    assert_eq!(
        page.operations[3].description.as_deref(),
        Some(
            "Delete resource from the database without scheduling operations on backend\nand \
             without checking current state of the resource. It is intended to be used\nfor \
             removing resource stuck in transitioning state."
        )
    );
}

/// The item fields of an `array of objects` field type.
fn object_fields(ty: &Ty) -> Vec<Field> {
    match ty {
        Ty::Array { items } => match items.as_ref() {
            Ty::Object { object } => object.fields.clone(),
            other => panic!("not an object item: {other:?}"),
        },
        other => panic!("not an array: {other:?}"),
    }
}

#[test]
fn python_tab_must_import_the_operation() {
    let (diags, ids) = things_with(
        "    from waldur_api_client.api.things import things_retrieve # (3)\n",
        "",
    );
    assert_eq!(
        diags,
        [
            "things.md:32: expected a line 'from waldur_api_client.api.<module> import \
             <function> # (<n>)' in the Python tab, found none",
            "things.md:44: list item 3 names `things_retrieve`, which no '# (3)' import has",
        ]
    );
    assert_eq!(ids, ["things_rename"]);
    let (diags, _) = things_with(
        "    ```python\n    from waldur_api_client.client",
        "    python\n    from waldur_api_client.client",
    );
    assert_eq!(
        diags,
        [
            "things.md:32: expected a ```python code block in the Python tab, found a paragraph \
          'python'"
        ]
    );
}

#[test]
fn ambiguous_query_enum_import_gives_no_name() {
    let text = edit(
        &edit(
            THINGS,
            "import ThingFieldEnum # (1)",
            "import ThingOtherLevelEnum # (1)",
        ),
        "[`ThingFieldEnum`]",
        "[`ThingOtherLevelEnum`]",
    );
    let page = api("things.md", &text);
    assert_eq!(messages(&page), Vec::<String>::new());
    let level = &page.operations[0].params[2];
    assert_eq!(level.ty, str_enum(None, &["debug", "info"]));
    // Without a `FieldEnum` import the response object stays unnamed.
    let ResponseBody::Json {
        ty: Ty::Object { object },
    } = &page.operations[0].responses[0].body
    else {
        panic!("{:?}", page.operations[0].responses[0].body)
    };
    assert_eq!(object.name_hint, None);
}

/// A list and a retrieve operation of one collection, and an action, for enum inference and
/// array styles.
const GADGETS: &str = r##"# Gadgets

## Operations Summary

| Method | Endpoint | Description |
|:--- |:--- |:--- |
| <span class="http-badge http-get">GET</span> | `/api/gadgets/` | [List gadgets](#list-gadgets) |
| <span class="http-badge http-get">GET</span> | `/api/gadgets/{uuid}/` | [Get gadget](#get-gadget) |
| <span class="http-badge http-post">POST</span> | `/api/gadgets/{uuid}/touch/` | [Touch gadget](#touch-gadget) |

---

### List gadgets


=== "HTTPie"

    ```bash
    http \
      GET \
      https://api.example.com/api/gadgets/ \
      Authorization:"Token YOUR_API_TOKEN"
    ```

=== "Python"

    ```python
    from waldur_api_client.models.gadget_state_enum import GadgetStateEnum # (1)
    from waldur_api_client.api.gadgets import gadgets_list # (2)
    
    response = gadgets_list.sync(client=client)
    for item in response:
        print(item)
    ```
    
    
    1.  **Model Source:** [`GadgetStateEnum`](https://example.com/gadget_state_enum.py)
    2.  **API Source:** [`gadgets_list`](https://example.com/gadgets_list.py)

=== "TypeScript"

    ```typescript
    import { gadgetsList } from 'waldur-js-client';
    ```


=== "Query Parameters"

    | Name | Type | Description |
    |---|---|---|
    | `customer` | array | Multiple values may be separated by commas. |
    | `o` | array | Ordering<br><br> |
    | `rank` | integer | _Enum: `1`, `2`_ |
    | `state` | string | State<br><br><br>_Enum: `new`, `ok`_ |
    | `user_o` | array | Ordering fields |


=== "Responses"

    **`200`** - 
    
    The response body is an array of objects, where each object has the following structure:
    
    | Field | Type |
    |---|---|
    | `state` | any |

---

### Get gadget


=== "HTTPie"

    ```bash
    http \
      GET \
      https://api.example.com/api/gadgets/a1b2/ \
      Authorization:"Token YOUR_API_TOKEN"
    ```

=== "Python"

    ```python
    from waldur_api_client.api.gadgets import gadgets_retrieve # (1)
    
    response = gadgets_retrieve.sync(uuid="a1b2", client=client)
    print(response)
    ```
    
    
    1.  **API Source:** [`gadgets_retrieve`](https://example.com/gadgets_retrieve.py)

=== "TypeScript"

    ```typescript
    import { gadgetsRetrieve } from 'waldur-js-client';
    ```


=== "Path Parameters"

    | Name | Type | Required |
    |---|---|---|
    | `uuid` | string (uuid) | ✓ |


=== "Query Parameters"

    | Name | Type | Description |
    |---|---|---|
    | `o` | array | Ordering fields |


=== "Responses"

    **`200`** - 
    
    | Field | Type |
    |---|---|
    | `state` | any |
    | `rank` | any |
    | `kind` | any |
    | `parts` | array of objects |
    | `parts.state` | any |

---

### Touch gadget


=== "HTTPie"

    ```bash
    http \
      POST \
      https://api.example.com/api/gadgets/a1b2/touch/ \
      Authorization:"Token YOUR_API_TOKEN"
    ```

=== "Python"

    ```python
    from waldur_api_client.models.gadget_touch_request import GadgetTouchRequest # (1)
    from waldur_api_client.api.gadgets import gadgets_touch # (2)
    
    body_data = GadgetTouchRequest()
    response = gadgets_touch.sync(uuid="a1b2", client=client, body=body_data)
    ```
    
    
    1.  **Model Source:** [`GadgetTouchRequest`](https://example.com/gadget_touch_request.py)
    2.  **API Source:** [`gadgets_touch`](https://example.com/gadgets_touch.py)

=== "TypeScript"

    ```typescript
    import { gadgetsTouch } from 'waldur-js-client';
    ```


=== "Path Parameters"

    | Name | Type | Required |
    |---|---|---|
    | `uuid` | string (uuid) | ✓ |


=== "Request Body"

    | Field | Type | Required |
    |---|---|---|
    | `state` | any |  |


=== "Responses"

    **`204`** - No response body

---
"##;

fn field_ty<'p>(page: &'p Page, id: &str, status: Option<u16>, name: &str) -> &'p Ty {
    let op = page
        .operations
        .iter()
        .find(|o| o.operation_id == id)
        .unwrap_or_else(|| panic!("no operation {id}"));
    let ty = match status {
        None => op.body.as_ref().map(|b| &b.ty),
        Some(s) => op
            .responses
            .iter()
            .find(|r| r.status == s)
            .and_then(|r| match &r.body {
                ResponseBody::Json { ty } => Some(ty),
                _ => None,
            }),
    };
    let ty = match ty {
        Some(Ty::Array { items }) => items.as_ref(),
        Some(ty) => ty,
        None => panic!("{id}: no body"),
    };
    let Ty::Object { object } = ty else {
        panic!("{id}: not an object")
    };
    &object
        .fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("{id}: no field {name}"))
        .ty
}

#[test]
fn any_fields_take_the_string_enum_of_their_query_filter() {
    let page = api("gadgets.md", GADGETS);
    assert_eq!(messages(&page), Vec::<String>::new());
    let states = Ty::Enum {
        def: Box::new(EnumTy {
            name_hint: Some("GadgetStateEnum".into()),
            description: None,
            values: vec![EnumValue::Str("new".into()), EnumValue::Str("ok".into())],
        }),
    };
    // The list operation's own filter, then the list filter for the retrieve and the action.
    assert_eq!(field_ty(&page, "gadgets_list", Some(200), "state"), &states);
    assert_eq!(
        field_ty(&page, "gadgets_retrieve", Some(200), "state"),
        &states
    );
    assert_eq!(field_ty(&page, "gadgets_touch", None, "state"), &states);
    // An integer filter (Waldur responds with labels), a field without a filter and a nested
    // field stay `any`.
    assert_eq!(
        field_ty(&page, "gadgets_retrieve", Some(200), "rank"),
        &Ty::Any
    );
    assert_eq!(
        field_ty(&page, "gadgets_retrieve", Some(200), "kind"),
        &Ty::Any
    );
    let Ty::Array { items } = field_ty(&page, "gadgets_retrieve", Some(200), "parts") else {
        panic!("parts is an array")
    };
    let Ty::Object { object } = items.as_ref() else {
        panic!("parts items are objects")
    };
    assert_eq!(object.fields[0].ty, Ty::Any);
    let inferred: Vec<String> = page
        .inferred
        .iter()
        .map(|i| {
            format!(
                "{} {} {} {:?} {} <- {}",
                i.span,
                i.method.as_str(),
                i.path,
                i.status,
                i.field,
                i.source_operation
            )
        })
        .collect();
    assert_eq!(
        inferred,
        [
            "gadgets.md:66 GET /api/gadgets/ Some(200) state <- gadgets_list",
            "gadgets.md:121 GET /api/gadgets/{uuid}/ Some(200) state <- gadgets_list",
            "gadgets.md:173 POST /api/gadgets/{uuid}/touch/ None state <- gadgets_list",
        ]
    );
}

#[test]
fn comma_joined_array_filters() {
    let page = api("gadgets.md", GADGETS);
    let styles: Vec<(&str, &str, ArrayStyle)> = page
        .operations
        .iter()
        .flat_map(|o| {
            o.params
                .iter()
                .filter(|p| matches!(p.ty, Ty::Array { .. }))
                .map(move |p| (o.operation_id.as_str(), p.name.as_str(), p.style))
        })
        .collect();
    assert_eq!(
        styles,
        [
            ("gadgets_list", "customer", ArrayStyle::CommaJoined),
            ("gadgets_list", "o", ArrayStyle::CommaJoined),
            ("gadgets_list", "user_o", ArrayStyle::Repeat),
            ("gadgets_retrieve", "o", ArrayStyle::Repeat),
        ]
    );
}
