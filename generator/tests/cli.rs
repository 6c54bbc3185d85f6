//! `waldur-codegen parse` and `generate`: the real binary's exit codes, stdout and exact
//! stderr, on the seed page and on small pages written here. Needs no `../shared`.
//!
//! Each test runs the binary in its own scratch directory with relative paths, so messages
//! show short paths that can be asserted exactly.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Files of a crate generated from the seed page: `Cargo.toml`, `README.md`, `LICENSE`,
/// `src/lib.rs`, two model files and one tag module (the runtime is a dependency).
fn crate_files() -> usize {
    7
}

fn seed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openstack-volumes.md")
}

fn seed_text() -> String {
    std::fs::read_to_string(seed()).unwrap_or_else(|e| panic!("seed: {e}"))
}

/// A fresh directory under Cargo's per-target temp dir, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        Scratch(dir)
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.0.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }

    fn read(&self, rel: &str) -> String {
        let path = self.0.join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn exists(&self, rel: &str) -> bool {
        self.0.join(rel).exists()
    }

    /// Runs the binary with this directory as the current directory.
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_waldur-codegen"))
            .current_dir(&self.0)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run waldur-codegen: {e}"))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// 1-based line of the only line of `text` equal to `line`.
fn line_of(text: &str, line: &str) -> usize {
    let found: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == line)
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(found.len(), 1, "{line:?} must occur once");
    found[0]
}

const TABS_EXPECTED: &str = "expected one of HTTPie, Python, TypeScript, Path Parameters, \
     Query Parameters, Request Body, Request Body (required), Responses";

/// One `GET` operation in the page format, with `extra` tabs before `Responses`.
fn operation(title: &str, path: &str, python: &str, typescript: &str, extra: &str) -> String {
    format!(
        r#"### {title}


=== "HTTPie"

    ```bash
    http \
      GET \
      https://api.example.com{path} \
      Authorization:"Token YOUR_API_TOKEN"
    ```

=== "Python"

    ```python
    from waldur_api_client.client import AuthenticatedClient
    from waldur_api_client.api.widgets import {python} # (1)
    
    client = AuthenticatedClient(
        base_url="https://api.example.com", token="YOUR_API_TOKEN"
    )
    response = {python}.sync(client=client)
    
    print(response)
    ```
    
    
    1.  **API Source:** [`{python}`](https://github.com/waldur/py-client/blob/main/waldur_api_client/api/widgets/{python}.py)

=== "TypeScript"

    ```typescript
    import {{ {typescript} }} from 'waldur-js-client';
    ```

{extra}=== "Responses"

    **`200`** - No response body
    

---

"#
    )
}

/// A page of two operations; the second has an unknown `Frobnicate` tab.
fn widgets_page() -> String {
    let mut page = String::from(
        "# Widgets\n\n## Operations Summary\n\n\
         | Method | Endpoint | Description |\n|:--- |:--- |:--- |\n\
         | <span class=\"http-badge http-get\">GET</span> | `/api/widgets/` | [List widgets](#list-widgets) |\n\
         | <span class=\"http-badge http-get\">GET</span> | `/api/widgets/{uuid}/` | [Get widget](#get-widget) |\n\n---\n\n",
    );
    page.push_str(&operation(
        "List widgets",
        "/api/widgets/",
        "widgets_list",
        "widgetsList",
        "",
    ));
    page.push_str(&operation(
        "Get widget",
        "/api/widgets/{uuid}/",
        "widgets_retrieve",
        "widgetsRetrieve",
        "=== \"Path Parameters\"\n\n    | Name | Type | Required |\n    |---|---|---|\n    | `uuid` | string (uuid) | ✓ |\n\n\
         === \"Frobnicate\"\n\n    Nothing the format knows.\n\n",
    ));
    page
}

fn unknown_tab_message(file: &str, page: &str) -> String {
    format!(
        "{file}:{}: unknown tab \"Frobnicate\": {TABS_EXPECTED}",
        line_of(page, "=== \"Frobnicate\"")
    )
}

const SEED_OPERATIONS: [&str; 11] = [
    "openstack_volumes_list",
    "openstack_volumes_retrieve",
    "openstack_volumes_pull",
    "openstack_volumes_unlink",
    "openstack_volumes_update",
    "openstack_volumes_partial_update",
    "openstack_volumes_attach",
    "openstack_volumes_detach",
    "openstack_volumes_extend",
    "openstack_volumes_retype",
    "openstack_volumes_snapshot",
];

fn operation_ids(api: &serde_json::Value) -> Vec<&str> {
    api["operations"]
        .as_array()
        .unwrap_or_else(|| panic!("no `operations` array in {api}"))
        .iter()
        .map(|op| op["operation_id"].as_str().unwrap_or_default())
        .collect()
}

#[test]
fn parse_prints_the_ir_as_json() {
    let scratch = Scratch::new("parse-json");
    scratch.write("seed.md", &seed_text());
    let out = scratch.run(&["parse", "--spec", "seed.md", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let api: serde_json::Value =
        serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("stdout is not JSON: {e}"));
    assert_eq!(operation_ids(&api), SEED_OPERATIONS);
    assert_eq!(api["sources"][0]["path"], "seed.md");
    assert_eq!(api["types"].as_object().map(|t| t.len()), Some(9));
    // JSON is the default format.
    let default = scratch.run(&["parse", "--spec", "seed.md"]);
    assert_eq!(default.status.code(), Some(0));
    assert_eq!(stdout(&default), stdout(&out));
}

#[test]
fn parse_yaml_prints_the_same_model() {
    let scratch = Scratch::new("parse-yaml");
    scratch.write("seed.md", &seed_text());
    let json = scratch.run(&["parse", "--spec", "seed.md", "--format", "json"]);
    let yaml = scratch.run(&["parse", "--spec", "seed.md", "--format", "yaml"]);
    assert_eq!(yaml.status.code(), Some(0), "{}", stderr(&yaml));
    assert_eq!(stderr(&yaml), "");
    assert!(
        stdout(&yaml).starts_with("sources:\n- path: seed.md\n  title: Openstack Volumes\n"),
        "{}",
        stdout(&yaml)
    );
    // Same data: YAML's `!string {format: uuid}` tags read as `{"string": {"format": "uuid"}}`.
    let from_yaml: serde_yaml::Value =
        serde_yaml::from_str(&stdout(&yaml)).unwrap_or_else(|e| panic!("stdout is not YAML: {e}"));
    let from_yaml = yaml_to_json(from_yaml);
    let from_json: serde_json::Value =
        serde_json::from_str(&stdout(&json)).unwrap_or_else(|e| panic!("stdout is not JSON: {e}"));
    assert_eq!(operation_ids(&from_yaml), SEED_OPERATIONS);
    assert!(
        from_yaml == from_json,
        "YAML and JSON describe different IRs"
    );
}

/// A YAML value as JSON; a tagged value `!tag value` becomes `{"tag": value}`, which is how
/// JSON spells the same externally tagged enum.
fn yaml_to_json(value: serde_yaml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    use serde_yaml::Value as Y;
    match value {
        Y::Null => J::Null,
        Y::Bool(b) => J::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                J::from(i)
            } else if let Some(u) = n.as_u64() {
                J::from(u)
            } else {
                n.as_f64().map_or(J::Null, J::from)
            }
        }
        Y::String(s) => J::String(s),
        Y::Sequence(items) => J::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(map) => J::Object(
            map.into_iter()
                .map(|(k, v)| match k {
                    Y::String(k) => (k, yaml_to_json(v)),
                    other => panic!("non-string key {other:?}"),
                })
                .collect(),
        ),
        Y::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let name = tag.strip_prefix('!').unwrap_or(&tag).to_string();
            J::Object([(name, yaml_to_json(tagged.value))].into_iter().collect())
        }
    }
}

/// The JSON IR reads back into `ir::Api` and prints the same again.
#[test]
fn parse_json_reads_back_into_the_ir() {
    let scratch = Scratch::new("json-roundtrip");
    scratch.write("seed.md", &seed_text());
    let out = scratch.run(&["parse", "--spec", "seed.md"]);
    let text = stdout(&out);
    let api: waldur_codegen::ir::Api =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("JSON IR does not read back: {e}"));
    let again = serde_json::to_string_pretty(&api).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(format!("{again}\n"), text);
}

/// `Ty` is internally tagged (`kind: scalar`) and holds the externally tagged `Scalar`, which
/// serde_yaml writes as a YAML tag (`scalar: !string`) but cannot read back inside an
/// internally tagged enum: "untagged and internally tagged enums do not support enum input".
#[test]
fn parse_yaml_reads_back_into_the_ir() {
    let scratch = Scratch::new("yaml-roundtrip");
    scratch.write("seed.md", &seed_text());
    let out = scratch.run(&["parse", "--spec", "seed.md", "--format", "yaml"]);
    let api: waldur_codegen::ir::Api = serde_yaml::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("YAML IR does not read back: {e}"));
    assert_eq!(api.operations.len(), 11);
}

/// `--raw` prints the front end's output: the same operations, no named types yet.
#[test]
fn parse_raw_has_no_named_types() {
    let scratch = Scratch::new("parse-raw");
    scratch.write("seed.md", &seed_text());
    let out = scratch.run(&["parse", "--spec", "seed.md", "--raw"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let api: serde_json::Value =
        serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("stdout is not JSON: {e}"));
    assert_eq!(operation_ids(&api), SEED_OPERATIONS);
    assert_eq!(api["types"], serde_json::json!({}));
}

#[test]
fn missing_spec_file_is_an_io_error() {
    let scratch = Scratch::new("missing");
    let out = scratch.run(&["parse", "--spec", "nope/volumes.md"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        "error: nope/volumes.md: No such file or directory (os error 2)\n"
    );
    let out = scratch.run(&["generate", "--spec", "nope/volumes.md", "--out", "out"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: nope/volumes.md: No such file or directory (os error 2)\n"
    );
    assert!(!scratch.exists("out"));
}

#[test]
fn malformed_page_names_file_and_line() {
    let scratch = Scratch::new("malformed");
    let page = widgets_page();
    scratch.write("widgets.md", &page);
    let message = unknown_tab_message("widgets.md", &page);
    assert_eq!(
        message,
        format!("widgets.md:95: unknown tab \"Frobnicate\": {TABS_EXPECTED}")
    );

    let out = scratch.run(&["parse", "--spec", "widgets.md"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), format!("error: {message}\n"));

    // With --keep-going the broken operation is left out, listed, and the status is 2.
    let out = scratch.run(&["parse", "--spec", "widgets.md", "--keep-going"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!(
            "error: {message}\n1 problem found (see above); the operations they are in were left out\n"
        )
    );
    let api: serde_json::Value =
        serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("stdout is not JSON: {e}"));
    assert_eq!(operation_ids(&api), ["widgets_list"]);
}

#[test]
fn generate_keep_going_writes_the_rest_and_exits_2() {
    let scratch = Scratch::new("keep-going");
    let page = widgets_page();
    scratch.write("pages/openstack-volumes.md", &seed_text());
    scratch.write("pages/widgets.md", &page);
    let message = unknown_tab_message("pages/widgets.md", &page);

    // Without --keep-going nothing is written.
    let out = scratch.run(&["generate", "--spec", "pages", "--out", "out"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), format!("error: {message}\n"));
    assert!(!scratch.exists("out"));

    let out = scratch.run(&[
        "generate",
        "--spec",
        "pages",
        "--out",
        "out",
        "--keep-going",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        format!(
            "error: {message}\n\
             1 problem found (see above); the operations they are in were left out\n\
             wrote {n} files to out ({n} changed), 12 operations, 9 types\n",
            n = crate_files() + 1
        )
    );
    let widgets = scratch.read("out/src/widgets.rs");
    assert!(widgets.contains("(operation `widgets_list`)"), "{widgets}");
    assert!(!widgets.contains("widgets_retrieve"), "{widgets}");
    assert!(scratch.read("out/Cargo.toml").contains("\nwidgets = []\n"));
    assert!(scratch.exists("out/src/openstack_volumes.rs"));
}

/// A rerun with nothing to change reports 0 changed files.
#[test]
fn generate_twice_changes_nothing_the_second_time() {
    let scratch = Scratch::new("rerun");
    scratch.write("openstack-volumes.md", &seed_text());
    let args = ["generate", "--spec", "openstack-volumes.md", "--out", "out"];
    let first = scratch.run(&args);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert_eq!(
        stderr(&first),
        format!(
            "wrote {n} files to out ({n} changed), 11 operations, 9 types\n",
            n = crate_files()
        )
    );
    let second = scratch.run(&args);
    assert_eq!(second.status.code(), Some(0));
    assert_eq!(
        stderr(&second),
        format!(
            "wrote {} files to out (0 changed), 11 operations, 9 types\n",
            crate_files()
        )
    );
}

#[test]
fn generate_notes_a_skipped_index_page() {
    let scratch = Scratch::new("index");
    scratch.write("pages/openstack-volumes.md", &seed_text());
    scratch.write(
        "pages/index.md",
        "# API Reference\n\n## Cloud\n\n- [Volumes](./openstack-volumes.md)\n",
    );
    let out = scratch.run(&["generate", "--spec", "pages", "--out", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "note: pages/index.md: skipped: no '## Operations Summary' heading: not an API reference page\n\
             wrote {n} files to out ({n} changed), 11 operations, 9 types\n",
            n = crate_files()
        )
    );
    assert!(scratch.exists("out/src/openstack_volumes.rs"));
}

#[test]
fn config_with_unknown_key_names_file_and_line() {
    let scratch = Scratch::new("config");
    scratch.write("openstack-volumes.md", &seed_text());
    scratch.write(
        "codegen.yaml",
        "specs:\n  - openstack-volumes.md\ncrate:\n  name: waldur-client\n  verison: 0.2.0\n",
    );
    let out = scratch.run(&["generate", "--config", "codegen.yaml", "--out", "out"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: codegen.yaml:5:3: invalid config: crate: unknown field `verison`, expected one of \
         `name`, `version`, `description`, `repository`, `default_tags`\n"
    );
    assert!(!scratch.exists("out"));

    scratch.write(
        "codegen.yaml",
        "specs: [openstack-volumes.md]\nkeep-going: true\n",
    );
    let out = scratch.run(&["generate", "--config", "codegen.yaml", "--out", "out"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: codegen.yaml:2:1: invalid config: unknown field `keep-going`, expected one of \
         `specs`, `crate`, `overrides`, `keep_going`, `runtime`, `tags`\n"
    );
}

#[test]
fn config_specs_are_relative_to_the_config_file() {
    let scratch = Scratch::new("config-relative");
    scratch.write("spec/openstack-volumes.md", &seed_text());
    scratch.write(
        "spec/codegen.yaml",
        "specs: [openstack-volumes.md]\ncrate: {name: my-client, version: 2.0.0}\n",
    );
    let out = scratch.run(&["generate", "--config", "spec/codegen.yaml", "--out", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let cargo = scratch.read("out/Cargo.toml");
    // The inputs, as the config names them relative to itself, are in the crate docs.
    let lib = scratch.read("out/src/lib.rs");
    assert!(
        lib.contains(
            "//! Generated by `waldur-codegen generate` from spec/openstack-volumes.md (inputs \
             sha256 "
        ),
        "{lib}"
    );
    assert!(
        cargo.contains("\nname = \"my-client\"\nversion = \"2.0.0\"\n"),
        "{cargo}"
    );
}

#[test]
fn generate_without_inputs_says_what_is_missing() {
    let scratch = Scratch::new("no-inputs");
    let out = scratch.run(&["generate", "--out", "out"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: no spec inputs: pass --spec or a --config that lists specs\n"
    );
    let out = scratch.run(&["generate", "--config", "missing.yaml", "--out", "out"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: missing.yaml: No such file or directory (os error 2)\n"
    );
}

/// One operation with two problems: both are listed, the summary counts problems (an
/// operation can have several), and the rest of the crate is written.
#[test]
fn keep_going_lists_every_problem_of_an_operation() {
    let scratch = Scratch::new("count");
    // `### List gadgets` lacks both its HTTPie and its TypeScript tab: two diagnostics.
    let page = "# Gadgets\n\n## Operations Summary\n\n\
        | Method | Endpoint | Description |\n|:--- |:--- |:--- |\n\
        | <span class=\"http-badge http-get\">GET</span> | `/api/gadgets/` | [List gadgets](#list-gadgets) |\n\n---\n\n\
        ### List gadgets\n\n=== \"Python\"\n\n    ```python\n    \
        from waldur_api_client.api.gadgets import gadgets_list # (1)\n    \
        response = gadgets_list.sync(client=client)\n    ```\n\n\
        === \"Responses\"\n\n    **`200`** - No response body\n\n---\n";
    scratch.write("pages/openstack-volumes.md", &seed_text());
    scratch.write("pages/gadgets.md", page);
    let out = scratch.run(&[
        "generate",
        "--spec",
        "pages",
        "--out",
        "out",
        "--keep-going",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let missing = "every operation has HTTPie, Python, TypeScript and Responses tabs";
    assert_eq!(
        err,
        format!(
            "error: pages/gadgets.md:11: operation '### List gadgets' has no \"HTTPie\" tab: \
             {missing}\n\
             error: pages/gadgets.md:11: operation '### List gadgets' has no \"TypeScript\" tab: \
             {missing}\n\
             2 problems found (see above); the operations they are in were left out\n\
             wrote {n} files to out ({n} changed), 11 operations, 9 types\n",
            n = crate_files()
        )
    );
}

/// `waldur-codegen parse ... | head` closes the pipe early; `println!` then panics with
/// "failed printing to stdout: Broken pipe" (exit 101 and a panic message) instead of
/// stopping quietly like other command-line tools.
#[test]
fn parse_into_a_closed_pipe_does_not_panic() {
    let scratch = Scratch::new("closed-pipe");
    scratch.write("seed.md", &seed_text());
    let mut child = Command::new(env!("CARGO_BIN_EXE_waldur-codegen"))
        .current_dir(&scratch.0)
        .args(["parse", "--spec", "seed.md"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run waldur-codegen: {e}"));
    // Closing the read end before the child writes makes every write fail with EPIPE.
    drop(child.stdout.take());
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("waldur-codegen: {e}"));
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(out.status.code(), Some(101), "{err}");
}

/// Schema defects that lose nothing (7.9.0's `required` lists naming missing properties) are
/// warnings: reported with their line, never fatal, exit 0.
#[test]
fn schema_defects_that_lose_nothing_are_warnings() {
    let scratch = Scratch::new("warnings");
    scratch.write(
        "api.yaml",
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /api/things/:\n    get:\n      \
         operationId: things_list\n      tags: [things]\n      responses:\n        '200':\n          \
         description: ok\n          content:\n            application/json:\n              schema:\n                \
         $ref: '#/components/schemas/Thing'\ncomponents:\n  schemas:\n    Thing:\n      type: object\n      \
         required: [name, ghost]\n      properties:\n        name: {type: string}\n",
    );
    let out = scratch.run(&["generate", "--spec", "api.yaml", "--out", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with(
            "warning: api.yaml:17: #/components/schemas/Thing/required: `required` names `ghost`, \
             which is not a property; ignored\n"
        ),
        "{err}"
    );
    assert!(!err.contains("left out"), "{err}");
    assert!(scratch.exists("out/src/things.rs"));
}
