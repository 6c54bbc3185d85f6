//! `waldur-codegen diff`: the real binary on the seed page in `spec/` and edited copies of it.
//! Needs no `../shared`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The checked-in seed page.
fn seed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openstack-volumes.md")
}

/// A fresh directory under the system temp dir, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("diff-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        Scratch(dir)
    }

    /// Writes the seed page with each `(from, to)` line replacement applied exactly once.
    fn edited(&self, file: &str, edits: &[(&str, &str)]) -> PathBuf {
        let mut text = std::fs::read_to_string(seed()).unwrap_or_else(|e| panic!("seed: {e}"));
        for (from, to) in edits {
            assert_eq!(
                text.matches(from).count(),
                1,
                "edit target {from:?} must occur once"
            );
            text = text.replacen(from, to, 1);
        }
        let path = self.0.join(file);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn codegen(args: &[&str], old: &Path, new: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_waldur-codegen"))
        .arg("diff")
        .arg(old)
        .arg(new)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run waldur-codegen: {e}"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const NEW_FILTER: (&str, &str) = (
    "    | `can_manage` | boolean | Can manage |\n",
    "    | `can_manage` | boolean | Can manage |\n    | `bootable` | boolean | Bootable |\n",
);
const DISK_SIZE_STRING: (&str, &str) = (
    "    | `disk_size` | integer | ✓ |",
    "    | `disk_size` | string | ✓ |",
);

#[test]
fn same_spec_no_changes_exit_0() {
    let out = codegen(&["--fail-on", "any"], &seed(), &seed());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout(&out),
        "## API changes\n\nNo changes: both specs describe the same API.\n"
    );
}

#[test]
fn additive_change_fails_only_on_any() {
    let dir = Scratch::new("additive");
    let new = dir.edited("volumes.md", &[NEW_FILTER]);
    let plain = codegen(&[], &seed(), &new);
    assert_eq!(plain.status.code(), Some(0));
    assert_eq!(
        stdout(&plain),
        "## API changes\n\n\
         0 operations added, 0 removed, 1 modified; 1 change in all.\n\n\
         | | Count |\n|:--- |---:|\n\
         | Operations added | 0 |\n| Operations removed | 0 |\n| Operations modified | 1 |\n\
         | Changes breaking callers on the wire | 0 |\n| Wire warnings | 0 |\n\
         | Compile breaks in the generated crate | 0 |\n| Additions to the generated crate | 1 |\n\
         | Models renamed | 0 |\n| Rust items removed or changed | 0 |\n| Rust items added | 1 |\n\n\
         **Suggested version bump of the generated crate: patch** (the crate is 0.x, where \
         changes that break no code bump the patch version; after 1.0 this would be minor).\n\n\
         ### Other changes\n\n#### `openstack_volumes`\n\n\
         - `GET /api/openstack-volumes/` (`openstack_volumes_list`)\n  \
         - query parameter `bootable` added (optional, `boolean`) — Rust: additive\n"
    );
    assert_eq!(
        codegen(&["--fail-on", "breaking"], &seed(), &new)
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        codegen(&["--fail-on", "any"], &seed(), &new).status.code(),
        Some(1)
    );
}

#[test]
fn breaking_change_fails_on_breaking_and_prints_json() {
    let dir = Scratch::new("breaking");
    let new = dir.edited("volumes.md", &[NEW_FILTER, DISK_SIZE_STRING]);
    let out = codegen(&["--fail-on", "breaking"], &seed(), &new);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&out));

    let json = codegen(&["--format", "json"], &seed(), &new);
    assert_eq!(json.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout)
        .unwrap_or_else(|e| panic!("JSON output does not parse: {e}"));
    assert_eq!(v["format_version"], 3);
    assert_eq!(
        v["summary"],
        serde_json::json!({
            "operations_added": 0,
            "operations_removed": 0,
            "operations_modified": 2,
            "changes": 2,
            "wire_breaking": 1,
            "wire_warnings": 0,
            "rust_breaking": 1,
            "rust_additive": 1,
            "models_renamed": 0,
            "rust_items_broken": 1,
            "rust_items_added": 1,
            "suggested_bump": "minor",
            "suggested_bump_stable": "major"
        })
    );
    let change = &v["operations"][1]["changes"][0];
    assert_eq!(
        *change,
        serde_json::json!({
            "kind": "type_changed",
            "location": "request_body",
            "status": null,
            "name": "disk_size",
            "required": null,
            "old": "integer",
            "new": "string",
            "wire": "breaking",
            "rust": "break",
            "note": null
        })
    );
}

#[test]
fn missing_input_is_an_error_naming_it() {
    let missing = Path::new("no/such/spec.md");
    let out = codegen(&[], &seed(), missing);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: no/such/spec.md: "), "{err}");
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

impl Scratch {
    /// Writes `text` to `file` in the scratch directory.
    fn write(&self, file: &str, text: &str) -> PathBuf {
        let path = self.0.join(file);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        path
    }
}

/// A small schema; cut after `responses`, its parameter's `$ref` dangles.
const SCHEMA: &str = "openapi: 3.0.3
info:
  title: T
  version: '1'
paths:
  /api/a/:
    get:
      operationId: a_list
      tags: [a]
      parameters:
      - $ref: '#/components/parameters/Page'
      responses:
        '200':
          description: ok
components:
  parameters:
    Page:
      in: query
      name: page
      schema:
        type: integer
";

#[test]
fn a_side_without_operations_fails_naming_it() {
    let dir = Scratch::new("no-operations");
    let empty_dir = dir.0.join("empty");
    std::fs::create_dir_all(&empty_dir).unwrap_or_else(|e| panic!("{e}"));
    let empty_page = dir.write("empty.md", "");
    let index = dir.write("index.md", "# Index\n\n- [Volumes](volumes.md)\n");
    let cases = [
        (
            &seed(),
            &empty_dir,
            format!(
                "error: the new spec {} holds no operation: no spec file was found. Fix it, or \
                 pass --allow-broken to compare it anyway.\n",
                empty_dir.display()
            ),
        ),
        (
            &empty_page,
            &seed(),
            format!(
                "note: {0}: skipped: the page is empty\nerror: the old spec {0} holds no \
                 operation: 1 file skipped (above). Fix it, or pass --allow-broken to compare it \
                 anyway.\n",
                empty_page.display()
            ),
        ),
        (
            &seed(),
            &index,
            format!(
                "note: {0}: skipped: no '## Operations Summary' heading: not an API reference \
                 page\nerror: the new spec {0} holds no operation: 1 file skipped (above). Fix \
                 it, or pass --allow-broken to compare it anyway.\n",
                index.display()
            ),
        ),
    ];
    for (old, new, message) in cases {
        let out = codegen(&[], old, new);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(stdout(&out), "");
        assert_eq!(stderr(&out), message);
    }
    // Accepted on request: every operation of the other side is reported removed.
    let out = codegen(&["--allow-broken", "--format", "json"], &seed(), &empty_dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "note: the new spec {} holds no operation: no spec file was found; compared anyway \
             (--allow-broken)\n",
            empty_dir.display()
        )
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON output does not parse: {e}"));
    assert_eq!(v["summary"]["operations_removed"], 11);
}

#[test]
fn a_side_that_loaded_with_errors_fails_naming_it() {
    let dir = Scratch::new("errors");
    let full = dir.write("full.yaml", SCHEMA);
    let cut = SCHEMA.split("components:").next().unwrap_or_default();
    let truncated = dir.write("truncated.yaml", cut);
    let out = codegen(&[], &full, &truncated);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        format!(
            "error: {0}:6: #/paths/~1api~1a~1/get/parameters/0: dangling `$ref`: \
             `#/components/parameters/Page` does not exist; operation left out\n\
             error: the new spec {0} did not load cleanly: 1 error (above) left operations out, \
             which would show as removed or added. Fix it, or pass --allow-broken to compare it \
             anyway.\n",
            truncated.display()
        )
    );
    // A Markdown page with one unreadable operation: the old side this time.
    let broken = dir.edited(
        "volumes.md",
        &[(
            "| `disk_size` | integer | ✓ |",
            "| `disk_size` | integr | ✓ |",
        )],
    );
    let out = codegen(&["--fail-on", "any"], &broken, &seed());
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.ends_with(&format!(
            "error: the old spec {} did not load cleanly: 1 error (above) left operations out, \
             which would show as removed or added. Fix it, or pass --allow-broken to compare it \
             anyway.\n",
            broken.display()
        )),
        "{err}"
    );
    assert!(
        err.starts_with(&format!("error: {}:", broken.display())),
        "{err}"
    );
    // With --allow-broken (or --keep-going) the operation left out shows as added, and the
    // run goes on.
    for flag in ["--allow-broken", "--keep-going"] {
        let out = codegen(&[flag], &broken, &seed());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            stdout(&out).contains("(`openstack_volumes_extend`): **operation added**"),
            "{}",
            stdout(&out)
        );
    }
    // A document that is no OpenAPI at all cannot be compared, even with --allow-broken.
    let garbage = dir.write("garbage.yaml", "openapi: [\n");
    let out = codegen(&["--allow-broken"], &full, &garbage);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.ends_with(&format!(
            "error: the new spec {} cannot be read (above)\n",
            garbage.display()
        )),
        "{err}"
    );
}

const GROW_FILESYSTEM: (&str, &str) = (
    "    | `disk_size` | integer | ✓ |",
    "    | `disk_size` | integer | ✓ |\n    | `grow_filesystem` | boolean | ✓ |",
);

#[test]
fn compile_breaks_name_the_rust_items_by_feature() {
    let dir = Scratch::new("items");
    let new = dir.edited("volumes.md", &[GROW_FILESYSTEM, DISK_SIZE_STRING]);
    let out = codegen(&[], &seed(), &new);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let section = text
        .split("### Compile breaks by feature\n")
        .nth(1)
        .and_then(|rest| rest.split("\n### ").next())
        .unwrap_or_else(|| panic!("no items section in:\n{text}"));
    assert_eq!(
        section,
        "\nThe public items of the generated crate that were removed or changed, under the \
         feature of each tag that uses them: a crate built without a feature is not affected \
         by its breaks.\n\n\
         #### Feature `openstack-volumes`\n\n\
         - `OpenStackVolumeExtendRequest::new(disk_size)` → \
         `OpenStackVolumeExtendRequest::new(disk_size, grow_filesystem)` \
         (`POST /api/openstack-volumes/{uuid}/extend/`)\n\
         - `OpenStackVolumeExtendRequest.disk_size: i64` → \
         `OpenStackVolumeExtendRequest.disk_size: String` \
         (`POST /api/openstack-volumes/{uuid}/extend/`)\n"
    );
    assert!(
        text.contains("| Rust items removed or changed | 2 |\n| Rust items added | 1 |\n"),
        "{text}"
    );

    let json = codegen(&["--format", "json"], &seed(), &new);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout)
        .unwrap_or_else(|e| panic!("JSON output does not parse: {e}"));
    let extend = v["operations"]
        .as_array()
        .and_then(|ops| {
            ops.iter()
                .find(|o| o["path"] == "/api/openstack-volumes/{uuid}/extend/")
        })
        .unwrap_or_else(|| panic!("no extend operation in {v}"));
    assert_eq!(extend["feature"], "openstack-volumes");
    assert_eq!(
        extend["rust_items"],
        serde_json::json!([
            {
                "item": "OpenStackVolumeExtendRequest constructor",
                "old": "OpenStackVolumeExtendRequest::new(disk_size)",
                "new": "OpenStackVolumeExtendRequest::new(disk_size, grow_filesystem)"
            },
            {
                "item": "OpenStackVolumeExtendRequest.disk_size",
                "old": "OpenStackVolumeExtendRequest.disk_size: i64",
                "new": "OpenStackVolumeExtendRequest.disk_size: String"
            },
            {
                "item": "OpenStackVolumeExtendRequest.grow_filesystem",
                "old": null,
                "new": "OpenStackVolumeExtendRequest.grow_filesystem: bool"
            }
        ])
    );
}

#[test]
fn a_removed_operation_is_its_method_removed() {
    let dir = Scratch::new("removed");
    let text = std::fs::read_to_string(seed()).unwrap_or_else(|e| panic!("seed: {e}"));
    // Drop the extend operation: its summary row and its section.
    let start = text.find("### Extend volume size").expect("extend section");
    let end = start + text[start..].find("\n---\n").expect("end of the section") + 5;
    let mut edited = format!("{}{}", &text[..start], &text[end..]);
    edited = edited.replacen(
        "| <span class=\"http-badge http-post\">POST</span> | `/api/openstack-volumes/{uuid}/extend/` | [Extend volume size](#extend-volume-size) |\n",
        "",
        1,
    );
    let new = dir.write("volumes.md", &edited);
    let out = codegen(&["--format", "json"], &seed(), &new);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON output does not parse: {e}"));
    let removed: Vec<&serde_json::Value> = v["operations"]
        .as_array()
        .map(|ops| ops.iter().filter(|o| o["status"] == "removed").collect())
        .unwrap_or_default();
    assert_eq!(removed.len(), 1, "{v}");
    assert_eq!(
        removed[0]["rust_items"],
        serde_json::json!([{
            "item": "client.openstack_volumes().extend",
            "old": "client.openstack_volumes().extend(uuid: Uuid, body: OpenStackVolumeExtendRequest) -> Accepted",
            "new": null
        }])
    );
}
