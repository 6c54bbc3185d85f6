//! Parsing a YAML schema in pieces gives exactly the one-piece parse, or declines.

use crate::openapi::document::Document;
use crate::openapi::yaml_split::{Split, Which, parse, split};

fn whole(text: &str) -> Document {
    serde_yaml::from_str(text).expect("the fixture is valid YAML")
}

/// Cut into the smallest pieces (one entry each), parsed, and compared with one parse.
fn assert_same_as_whole(text: &str) -> usize {
    let pieces = split(text, 1).expect("the document is cut").pieces.len();
    let doc = parse(text, 1).expect("every piece parses");
    assert_eq!(format!("{doc:#?}"), format!("{:#?}", whole(text)));
    pieces
}

const DOC: &str = "\
openapi: 3.0.3
info:
  title: T
  version: '1'
paths:
  /a/:
    get:
      operationId: a_list
      description: |
        Two lines,
        kept.
# a comment at the margin
  /b/{id}/:

    get:
      operationId: b_get
  /c/:
    post: {operationId: c_create}
components:
  schemas:
    A:
      type: object
      properties:
        x: {type: string}
    B:
      type: string
      enum: [one, two]
  parameters:
    P: {name: p, in: query, schema: {type: string}}
security:
- tokenAuth: []
";

#[test]
fn cuts_paths_and_schemas_at_their_entries() {
    let s = split(DOC, 1).expect("the document is cut");
    assert_eq!(
        s,
        Split {
            skeleton: "\
openapi: 3.0.3
info:
  title: T
  version: '1'
paths: {}
components:
  schemas: {}
  parameters:
    P: {name: p, in: query, schema: {type: string}}
security:
- tokenAuth: []
"
            .to_string(),
            pieces: vec![
                (
                    Which::Paths,
                    "  /a/:\n    get:\n      operationId: a_list\n      description: |\n        Two lines,\n        kept.\n# a comment at the margin\n"
                ),
                (
                    Which::Paths,
                    "  /b/{id}/:\n\n    get:\n      operationId: b_get\n"
                ),
                (Which::Paths, "  /c/:\n    post: {operationId: c_create}\n"),
                (
                    Which::Schemas,
                    "    A:\n      type: object\n      properties:\n        x: {type: string}\n"
                ),
                (
                    Which::Schemas,
                    "    B:\n      type: string\n      enum: [one, two]\n"
                ),
            ],
        }
    );
    assert_eq!(assert_same_as_whole(DOC), 5);
    // Pieces hold whole entries up to the size asked for.
    assert_eq!(split(DOC, 80).expect("cut").pieces.len(), 3);
    assert_eq!(split(DOC, 1 << 20).expect("cut").pieces.len(), 2);
}

#[test]
fn other_layouts_give_the_same_document() {
    // Components first, four-space indentation, CRLF line ends, a trailing comment.
    let text = "openapi: 3.0.3\r\ncomponents:\r\n    schemas:\r\n        A: {type: string}\r\n        B: {type: integer}\r\npaths:\r\n    /a/:\r\n        get: {operationId: a}\r\n    /b/:\r\n        get: {operationId: b}\r\n# end\r\n";
    assert_eq!(assert_same_as_whole(text), 4);
    // Only `paths`; `schemas` absent.
    assert_eq!(
        assert_same_as_whole("openapi: 3.0.3\npaths:\n  /a/: {}\n  /b/: {}\n"),
        2
    );
    // A key repeated in two pieces: the later value at the earlier position, as in one parse.
    assert_eq!(
        assert_same_as_whole(
            "openapi: 3.0.3\npaths:\n  /a/: {get: {operationId: first}}\n  /b/: {}\n  /a/: {get: {operationId: second}}\n"
        ),
        3
    );
}

#[test]
fn declines_what_it_cannot_cut_exactly() {
    // An alias of an anchor in another piece: that piece does not parse alone.
    let alias =
        "openapi: 3.0.3\npaths:\n  /a/: &shared\n    get: {operationId: a}\n  /b/: *shared\n";
    assert_eq!(split(alias, 1).expect("cut").pieces.len(), 2);
    assert!(parse(alias, 1).is_none());
    // ... in one piece it does, and means what it does in one parse.
    assert_eq!(
        format!("{:?}", parse(alias, 1 << 20).expect("one piece parses")),
        format!("{:?}", whole(alias))
    );
    // A quoted scalar running over a line at the entries' indentation.
    let quoted = "openapi: 3.0.3\npaths:\n  /a/:\n    description: \"one\n  /b/: two\"\n";
    assert!(parse(quoted, 1).is_none());
    // Not block mappings with entries: nothing to cut.
    for text in [
        "openapi: 3.0.3\npaths: {}\n",
        "openapi: 3.0.3\npaths:\n",
        "openapi: 3.0.3\npaths: # no entries\n  /a/: {}\n",
        "openapi: 3.0.3\ncomponents:\n  parameters: {}\n",
    ] {
        assert_eq!(split(text, 1), None, "{text}");
    }
    // A sequence where the entries should be.
    assert_eq!(split("openapi: 3.0.3\npaths:\n  - /a/\n", 1), None);
    // Entries less indented than the first one.
    assert_eq!(
        split("openapi: 3.0.3\npaths:\n    /a/: {}\n  /b/: {}\n", 1),
        None
    );
    // `paths` twice: the skeleton keeps the second, and its parse fails as the whole does.
    let twice = "openapi: 3.0.3\npaths:\n  /a/: {}\npaths:\n  /b/: {}\n";
    assert!(serde_yaml::from_str::<Document>(twice).is_err());
    assert!(parse(twice, 1).is_none());
}

/// Waldur's schemas are cut (otherwise the corpus test comparing both parses would compare a
/// parse with itself).
#[test]
fn waldur_schemas_are_cut_into_many_pieces() {
    let Some(dir) = waldur_test_server::shared_dir("yaml_split") else {
        return;
    };
    for version in ["7.9.0", "7.9.1", "8.0.5"] {
        let path = dir.join(format!(
            "corpus/openapi/waldur-openapi-schema-{version}.yaml"
        ));
        let text = std::fs::read_to_string(&path).expect("read schema");
        let s = split(&text, crate::openapi::yaml_split::PIECE_BYTES).expect("cut");
        let count = |w: Which| s.pieces.iter().filter(|(which, _)| *which == w).count();
        assert!(
            count(Which::Paths) > 20,
            "{version}: {} path pieces",
            count(Which::Paths)
        );
        assert!(
            count(Which::Schemas) > 10,
            "{version}: {} schema pieces",
            count(Which::Schemas)
        );
        assert!(
            s.skeleton.len() < 20_000,
            "{version}: skeleton of {} bytes",
            s.skeleton.len()
        );
        assert!(
            parse(&text, crate::openapi::yaml_split::PIECE_BYTES).is_some(),
            "{version}"
        );
    }
}
