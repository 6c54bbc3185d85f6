//! `cargo xtask roundtrip`: every response type of the whole-API crate against JSON built from
//! the OpenAPI schema itself.
//!
//! The generated models come out of our front end, passes and emitter; the samples here come
//! straight from the schema (the ground truth), so a field the pipeline typed wrongly, an enum
//! value it lost, a `oneOf` it folded badly or a key it renamed shows up as a failure. For every
//! operation of the 8.0.5 schema whose success response is JSON, four samples of its response
//! schema are built (every documented property present, values cycling through the
//! documented enum values, `null` for nullable fields, UUIDs simple, hyphenated and in upper
//! case, date-times with `Z`, with offsets and as Waldur writes them, decimals as strings, `""`
//! where a `oneOf` allows `BlankEnum`); and every value of every enum of the schema is decoded on its own. A generated harness crate
//! decodes each sample with the operation's own return type and checks that:
//!
//! - decoding succeeds;
//! - nothing decoded as invalid, no key was left undocumented and no documented enum value
//!   decoded as `Unknown` (read from `Debug`, which prints nested models too);
//! - encoding the decoded value gives the same JSON (UUIDs and date-times in their spelling).
//!
//! The harness is written under `target/whole-api/roundtrip-<crate>/` (never committed), with
//! the generated crate's models and runtime, verbatim, as its dependency (the operations are
//! left out: they are not needed to decode and would more than double the build), then built
//! and run; any failure fails the task. `--all` or `markdown` also runs the samples through the
//! crate of the newest Markdown snapshot (see [`INPUTS`]). CI runs it after the tests, whose
//! built dependencies it reuses.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Map, Value, json};
use serde_yaml::Value as Yaml;
use waldur_codegen::emit::plan::{Output, Plan, RustTy, TypeKind};
use waldur_codegen::emit::render::tokens;
use waldur_codegen::emit::{self, Settings, runtime_api};
use waldur_codegen::output::{self, Mode};

use waldur_live_check::path_key;

use crate::codegen::root;
use crate::whole_api::{self, INPUTS};

/// The schema, relative to `../shared`.
const SCHEMA: &str = "corpus/openapi/waldur-openapi-schema-8.0.5.yaml";
/// Samples per operation: enough for every field to be seen present, `null` and (for a `oneOf`
/// with `BlankEnum`) blank.
const SAMPLES: usize = 4;
/// How many `$ref`s deep samples go (recursive models stop earlier: a model already being
/// sampled is left out where it recurs).
const MAX_DEPTH: usize = 8;

/// Only the crate of the OpenAPI schema must pass the strict checks. The Markdown pages are a
/// different, lossy rendering of a different API version, so for that crate only decoding and
/// re-encoding must hold; what the strict checks find there is counted.
fn strict(name: &str) -> bool {
    name == "openapi"
}

pub fn run(args: &[String]) -> Result<(), String> {
    const USAGE: &str = "usage: cargo xtask roundtrip [openapi|markdown|--all]";
    let inputs: Vec<&(&str, &str)> = match args {
        [] => INPUTS.iter().filter(|(name, _)| strict(name)).collect(),
        [which] if which == "--all" => INPUTS.iter().collect(),
        [which] => match INPUTS.iter().find(|(name, _)| name == which) {
            Some(input) => vec![input],
            None => return Err(USAGE.to_string()),
        },
        _ => return Err(USAGE.to_string()),
    };
    let root = root();
    let Some(shared) = crate::shared::locate_for(&root, "roundtrip")? else {
        return Ok(());
    };
    let schema_path = shared.join(SCHEMA);
    let text = std::fs::read_to_string(&schema_path)
        .map_err(|e| format!("{}: {e}", schema_path.display()))?;
    let schema: Yaml =
        serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", schema_path.display()))?;
    // The OpenAPI crate first, as before `--all` existed.
    let mut inputs = inputs;
    inputs.sort_by_key(|(name, _)| !strict(name));
    for (name, input) in inputs {
        run_one(&root, name, &shared.join(input), &schema)?;
    }
    Ok(())
}

fn run_one(root: &Path, name: &str, input: &Path, schema: &Yaml) -> Result<(), String> {
    let work = root.join("target/whole-api");
    let (config, generated) = whole_api::generate(input, &work.join(name))?;
    let plan = emit::plan(
        &generated.loaded.api,
        &Settings::new(&config.krate.name, &config.krate.version),
    );
    let cases = Cases::build(&plan, schema, strict(name))?;
    let harness = work.join(format!("roundtrip-{name}"));
    let files = harness_files(
        root,
        name,
        &plan,
        &cases,
        &config.krate.name,
        &generated.files,
    )?;
    output::sync_dir(&harness, &files, Mode::Write).map_err(|e| e.to_string())?;
    println!(
        "roundtrip {name}: {} samples of {} operations' responses and {} enum values ({} \
         types; {} operations not in the schema, {} with another kind of response); building \
         the harness",
        cases.samples,
        cases.operations,
        cases.enum_values,
        cases.types.len(),
        cases.unmatched,
        cases.shape_differs,
    );
    let start = std::time::Instant::now();
    let status = crate::cargo()
        .args(["run", "--quiet", "--", "cases.jsonl"])
        .current_dir(&harness)
        // The workspace's own target directory: the runtime's dependencies are built there
        // already (by the tests), with the same flags.
        .env("CARGO_TARGET_DIR", root.join("target"))
        // Debug info is most of a debug build of a 16 MB crate, and nobody reads it here.
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        .env("CARGO_INCREMENTAL", "0")
        .status()
        .map_err(|e| format!("running the harness: {e}"))?;
    if !status.success() {
        return Err(format!(
            "roundtrip {name}: the harness reported failures (above)"
        ));
    }
    println!(
        "roundtrip {name}: done in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The checks the harness runs: `(case name, type index, strict, JSON)`.
struct Cases {
    /// Rust type expressions, indexed by the cases.
    types: Vec<String>,
    lines: Vec<Value>,
    samples: usize,
    operations: usize,
    enum_values: usize,
    /// Operations of the crate the schema does not have (only for a crate of another input).
    unmatched: usize,
    /// Operations whose response the crate reads as another kind of JSON value than the
    /// schema documents (only for a crate of another input).
    shape_differs: usize,
}

impl Cases {
    fn build(plan: &Plan, schema: &Yaml, strict: bool) -> Result<Cases, String> {
        let components = schema
            .get("components")
            .and_then(|c| c.get("schemas"))
            .ok_or("the schema has no components/schemas")?;
        let operations = operations_by_id(schema);
        let mut cases = Cases {
            types: Vec::new(),
            lines: Vec::new(),
            samples: 0,
            operations: 0,
            enum_values: 0,
            unmatched: 0,
            shape_differs: 0,
        };
        let mut type_index: BTreeMap<String, usize> = BTreeMap::new();
        let mut index_of = |ty: String, types: &mut Vec<String>| {
            *type_index.entry(ty.clone()).or_insert_with(|| {
                types.push(ty);
                types.len() - 1
            })
        };
        for tag in &plan.tags {
            for op in &tag.operations {
                let (ty, list) = match &op.output {
                    Output::Page { item } => (item, true),
                    Output::Json { ty, .. } => (ty, false),
                    _ => continue,
                };
                if matches!(ty, RustTy::Json) {
                    continue;
                }
                let Some(response) = operations
                    .get(&(op.http_method.as_str().to_string(), path_key(&op.path)))
                    .and_then(|o| json_response(o, op.success_status))
                else {
                    if strict {
                        return Err(format!(
                            "{} {} ({}): no JSON response schema for status {} in the schema",
                            op.http_method.as_str(),
                            op.path,
                            op.operation_id,
                            op.success_status
                        ));
                    }
                    cases.unmatched += 1;
                    continue;
                };
                // A page is a JSON array of the item schema.
                let item_schema = if list {
                    response.get("items").unwrap_or(response)
                } else {
                    response
                };
                let expected = if list { "array" } else { ty_kind(ty, plan) };
                let documented = json_kind(response, components);
                if expected != documented && documented != "any" {
                    if strict {
                        return Err(format!(
                            "{} {} ({}): the crate decodes a JSON {expected}, the schema \
                             documents a JSON {documented}",
                            op.http_method.as_str(),
                            op.path,
                            op.operation_id,
                        ));
                    }
                    cases.shape_differs += 1;
                    continue;
                }
                let ty_text = tokens::ty(ty).to_string();
                let ty_text = if list {
                    format!("Vec<{ty_text}>")
                } else {
                    ty_text
                };
                let index = index_of(ty_text, &mut cases.types);
                cases.operations += 1;
                for k in 0..SAMPLES {
                    let mut sampler = Sampler {
                        components,
                        stack: Vec::new(),
                    };
                    let Some(one) = sampler.sample(item_schema, k, 0) else {
                        continue;
                    };
                    let sample = if list {
                        let mut sampler = Sampler {
                            components,
                            stack: Vec::new(),
                        };
                        let two = sampler.sample(item_schema, k + 1, 0).unwrap_or(Value::Null);
                        json!([one, two])
                    } else {
                        one
                    };
                    cases.samples += 1;
                    cases.lines.push(json!({
                        "case": format!("{} (sample {k})", op.operation_id),
                        "ty": index,
                        "strict": strict,
                        "json": sample,
                    }));
                }
            }
        }
        // Every value of every enum the crate has a type for, on its own.
        let Yaml::Mapping(components) = components else {
            return Err("components/schemas is not a mapping".to_string());
        };
        for (name, def) in components {
            let (Some(name), Some(Yaml::Sequence(values))) = (name.as_str(), def.get("enum"))
            else {
                continue;
            };
            let Some(plan_type) = plan.types.get(name) else {
                continue;
            };
            if !matches!(plan_type.kind, TypeKind::Enum(_)) {
                continue;
            }
            let index = index_of(format!("models :: {}", plan_type.ident), &mut cases.types);
            let declared_string = def.get("type").and_then(Yaml::as_str) == Some("string");
            for value in values {
                let value = match to_json(value) {
                    Value::Null => continue,
                    Value::Number(n) if declared_string => Value::String(n.to_string()),
                    other => other,
                };
                cases.enum_values += 1;
                cases.lines.push(json!({
                    "case": format!("{name} value {value}"),
                    "ty": index,
                    "strict": strict,
                    "json": value,
                }));
            }
        }
        Ok(cases)
    }
}

/// The kind of JSON value a Rust type decodes: `object`, `array`, `scalar` or `any`.
fn ty_kind(ty: &RustTy, plan: &Plan) -> &'static str {
    match ty {
        RustTy::Vec(..) => "array",
        RustTy::Map(..) => "object",
        RustTy::Json => "any",
        RustTy::Named { ident, .. } => {
            let kind = plan
                .types
                .values()
                .find(|t| &t.ident == ident)
                .map(|t| &t.kind);
            match kind {
                Some(TypeKind::Response(_) | TypeKind::Request(_)) => "object",
                Some(TypeKind::Alias { target, .. }) => ty_kind(target, plan),
                _ => "scalar",
            }
        }
        _ => "scalar",
    }
}

/// The kind of JSON value a schema documents.
fn json_kind(schema: &Yaml, components: &Yaml) -> &'static str {
    if let Some(reference) = schema.get("$ref").and_then(Yaml::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return components
            .get(name)
            .map_or("any", |target| json_kind(target, components));
    }
    if let Some(Yaml::Sequence(parts)) = schema.get("allOf")
        && let Some(first) = parts.first()
    {
        return json_kind(first, components);
    }
    match schema.get("type").and_then(Yaml::as_str) {
        Some("array") => "array",
        Some("object") => "object",
        Some(_) => "scalar",
        None if is_object(schema) => "object",
        None => "any",
    }
}

/// `(METHOD, path with its parameters unnamed)` -> the operation object.
fn operations_by_id(schema: &Yaml) -> BTreeMap<(String, String), &Yaml> {
    let mut out = BTreeMap::new();
    if let Some(Yaml::Mapping(paths)) = schema.get("paths") {
        for (path, item) in paths {
            let (Some(path), Yaml::Mapping(methods)) = (path.as_str(), item) else {
                continue;
            };
            for (method, op) in methods {
                if let Some(method) = method.as_str() {
                    out.insert((method.to_ascii_uppercase(), path_key(path)), op);
                }
            }
        }
    }
    out
}

/// The `application/json` schema of the response with `status`.
fn json_response(op: &Yaml, status: u16) -> Option<&Yaml> {
    let responses = op.get("responses")?;
    let response = responses
        .get(status.to_string().as_str())
        .or_else(|| responses.get(Yaml::Number(status.into())))?;
    let content = response.get("content")?;
    let Yaml::Mapping(content) = content else {
        return None;
    };
    content
        .iter()
        .find(|(media, _)| {
            media
                .as_str()
                .is_some_and(|m| m == "application/json" || m.ends_with("+json"))
        })
        .and_then(|(_, c)| c.get("schema"))
}

fn to_json(y: &Yaml) -> Value {
    serde_json::to_value(y).unwrap_or(Value::Null)
}

/// Builds sample values from schemas. `k` picks among alternatives (enum values, `oneOf`
/// members, spellings) so that different samples see different ones.
struct Sampler<'a> {
    components: &'a Yaml,
    /// Components being sampled, to stop at recursion.
    stack: Vec<String>,
}

impl Sampler<'_> {
    /// A value that `schema` allows, or `None` where recursion or depth stops.
    fn sample(&mut self, schema: &Yaml, k: usize, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        if let Some(reference) = schema.get("$ref").and_then(Yaml::as_str) {
            let name = reference
                .rsplit('/')
                .next()
                .unwrap_or(reference)
                .to_string();
            if self.stack.contains(&name) {
                return None;
            }
            let target = self.components.get(name.as_str())?;
            self.stack.push(name);
            let out = self.sample(target, k, depth + 1);
            self.stack.pop();
            return out;
        }
        if let Some(Yaml::Sequence(values)) = schema.get("enum") {
            if values.is_empty() {
                return Some(Value::Null);
            }
            let value = to_json(&values[k % values.len()]);
            // `type: string` with number values (a schema defect the generator reads as
            // strings, with a warning): the string is what the schema promises.
            let declared_string = schema.get("type").and_then(Yaml::as_str) == Some("string");
            return Some(match value {
                Value::Number(n) if declared_string => Value::String(n.to_string()),
                other => other,
            });
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Yaml::Sequence(members)) = schema.get(key) {
                let n = members.len().max(1);
                return (0..n).find_map(|i| self.sample(&members[(k + i) % n], k, depth));
            }
        }
        if let Some(Yaml::Sequence(parts)) = schema.get("allOf") {
            // `allOf: [$ref]` (with `nullable` or a description beside it) or several
            // object parts whose properties are merged.
            let mut merged: Option<Map<String, Value>> = None;
            let mut last = None;
            for part in parts {
                match self.sample(part, k, depth) {
                    Some(Value::Object(map)) => merged.get_or_insert_default().extend(map),
                    Some(other) => last = Some(other),
                    None => {}
                }
            }
            return match (merged, last) {
                (Some(map), _) => Some(Value::Object(map)),
                (None, last) => last,
            };
        }
        let ty = schema.get("type").and_then(Yaml::as_str);
        let format = schema.get("format").and_then(Yaml::as_str).unwrap_or("");
        Some(match ty {
            Some("string") => string_sample(format, k),
            Some("integer") => json!([42, 0, -7, 9_007_199_254_740_993_i64][k % 4]),
            Some("number") => [json!(1.5), json!(12.25), json!(0), json!(-3.75)][k % 4].clone(),
            Some("boolean") => Value::Bool(k.is_multiple_of(2)),
            Some("array") => {
                let items = schema.get("items")?;
                let values: Vec<Value> = (0..2)
                    .filter_map(|i| self.sample(items, k + i, depth))
                    .collect();
                Value::Array(values)
            }
            Some("object") | None if is_object(schema) => self.object(schema, k, depth)?,
            // No type: any JSON value.
            _ => json!({"any": [1, 2.5, "text", null, {"nested": true}]}),
        })
    }

    fn object(&mut self, schema: &Yaml, k: usize, depth: usize) -> Option<Value> {
        let mut out = Map::new();
        if let Some(Yaml::Mapping(properties)) = schema.get("properties") {
            for (i, (name, property)) in properties.iter().enumerate() {
                let Some(name) = name.as_str() else { continue };
                if property.get("writeOnly").and_then(Yaml::as_bool) == Some(true) {
                    continue;
                }
                let nullable = property.get("nullable").and_then(Yaml::as_bool) == Some(true);
                // Every fourth sample of a nullable field is `null`, at a different sample for
                // each field.
                if nullable && (k + i) % SAMPLES == SAMPLES - 1 {
                    out.insert(name.to_string(), Value::Null);
                    continue;
                }
                if let Some(v) = self.sample(property, k + i, depth) {
                    out.insert(name.to_string(), v);
                }
            }
        }
        match schema.get("additionalProperties") {
            Some(Yaml::Bool(true)) => {
                out.insert("some_key".to_string(), json!({"nested": [1, "two"]}));
            }
            Some(values @ Yaml::Mapping(m)) if !m.is_empty() => {
                if let Some(v) = self.sample(values, k, depth) {
                    out.insert("some_key".to_string(), v);
                }
            }
            Some(Yaml::Mapping(_)) => {
                out.insert("some_key".to_string(), json!("any value"));
            }
            _ => {}
        }
        Some(Value::Object(out))
    }
}

fn is_object(schema: &Yaml) -> bool {
    schema.get("properties").is_some() || schema.get("additionalProperties").is_some()
}

fn string_sample(format: &str, k: usize) -> Value {
    let text = match format {
        "uuid" => [
            "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "0b6a0ac79f1e4b8c9d2e3f4a5b6c7d8e",
            "0B6A0AC79F1E4B8C9D2E3F4A5B6C7D8E",
        ][k % 3]
            .to_string(),
        "date-time" => [
            "2024-05-06T07:08:09.123456Z",
            "2024-05-06T07:08:09+03:00",
            "2023-12-31T23:59:59.5-05:30",
            "2024-02-29T00:00:00Z",
            "2024-05-06T07:08:09.123450+00:00",
        ][k % 5]
            .to_string(),
        "date" => ["2024-05-06", "1999-12-31"][k % 2].to_string(),
        "decimal" => ["12.50", "-0.10", "0", "1234567890.12"][k % 4].to_string(),
        "uri" => ["https://waldur.example.com/api/items/1/", ""][k % 2].to_string(),
        "email" => "user@example.com".to_string(),
        "binary" => "file content".to_string(),
        _ => [
            "text",
            "with \"quotes\", \\ and \u{e9}\u{2713}",
            "",
            "line\nbreak",
        ][k % 4]
            .to_string(),
    };
    Value::String(text)
}

/// Every file of the harness crate: its `Cargo.toml` and `Cargo.lock` (the workspace's), the
/// cases, a `main.rs` that only dispatches each case to [`waldur_roundtrip_check::check`] with
/// its type, and, in `models/`, the generated crate without its operations: `Cargo.toml`,
/// `src/models/` and `src/runtime/` as generated, and a `lib.rs` that declares only those two
/// modules and the runtime's re-exports. The models and the runtime are all the harness
/// decodes with, and without the operations the crate builds in well under half the time.
fn harness_files(
    root: &Path,
    name: &str,
    plan: &Plan,
    cases: &Cases,
    crate_name: &str,
    generated: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, String> {
    let mut files: BTreeMap<String, String> = generated
        .iter()
        .filter(|(path, _)| path.starts_with("src/models/") || path.starts_with("src/runtime/"))
        .map(|(path, text)| (format!("models/{path}"), text.clone()))
        .collect();
    let manifest = generated
        .get("Cargo.toml")
        .ok_or("the generated crate has no Cargo.toml")?;
    let runtime = root.join("generator/runtime");
    files.insert(
        "models/Cargo.toml".to_string(),
        with_runtime_path(manifest, &runtime.display().to_string())?,
    );
    // The runtime as the generated crate has it: vendored (`src/runtime/`), or a dependency.
    let runtime_module = if generated.keys().any(|p| p.starts_with("src/runtime/")) {
        "pub mod runtime;"
    } else {
        "pub use waldur_client_runtime as runtime;"
    };
    // The runtime's types the models name bare, re-exported as the generated crate's root does:
    // `main.rs` prints types the same way (`tokens::ty`).
    files.insert(
        "models/src/lib.rs".to_string(),
        format!(
            "//! The models and runtime of a generated crate, for `cargo xtask roundtrip`.\n\
             pub mod models;\n{runtime_module}\n\
             pub use runtime::{{{}}};\n",
            runtime_api::imported_types().join(", ")
        ),
    );
    let check_crate = root.join("xtask/roundtrip-check");
    files.insert(
        "Cargo.toml".to_string(),
        format!(
            "[package]\nname = \"roundtrip-{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
             publish = false\n\n[dependencies]\n{crate_name} = {{ path = \"models\" }}\n\
             waldur-roundtrip-check = {{ path = {:?} }}\n\
             # Types of the generated crate name `serde_json::Value`.\nserde_json = \"1\"\n\n\
             [workspace]\n",
            check_crate.display().to_string()
        ),
    );
    let lock = root.join("Cargo.lock");
    files.insert(
        "Cargo.lock".to_string(),
        std::fs::read_to_string(&lock).map_err(|e| format!("{}: {e}", lock.display()))?,
    );
    files.insert("src/main.rs".to_string(), harness_main(plan, cases));
    let mut lines = String::new();
    for line in &cases.lines {
        lines.push_str(&line.to_string());
        lines.push('\n');
    }
    files.insert("cases.jsonl".to_string(), lines);
    Ok(files)
}

/// `manifest` with the path of its runtime dependency set to `runtime` (absolute): the models
/// crate sits elsewhere than the generated crate, so a relative path would not resolve.
fn with_runtime_path(manifest: &str, runtime: &str) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = manifest
        .parse()
        .map_err(|e| format!("the generated Cargo.toml: {e}"))?;
    if let Some(dep) = doc
        .get_mut("dependencies")
        .and_then(|d| d.get_mut("waldur-client-runtime"))
        .and_then(|d| d.as_inline_table_mut())
    {
        dep.insert("path", runtime.into());
    }
    Ok(doc.to_string())
}

/// The harness's `main.rs`: a `match` from type index to the check with that type.
fn harness_main(plan: &Plan, cases: &Cases) -> String {
    let catch_alls: std::collections::BTreeSet<&str> = plan
        .types
        .values()
        .filter_map(|t| match &t.kind {
            TypeKind::Enum(e) => Some(e.unknown.as_str()),
            _ => None,
        })
        .collect();
    let catch_alls: Vec<String> = catch_alls.iter().map(|n| format!("{n:?}")).collect();
    let mut main = format!(
        "//! Generated by `cargo xtask roundtrip`: each case decoded with its type.\n\
         #![allow(unused_imports)]\n\n\
         use waldur_roundtrip_check::{{Outcome, check}};\n\
         use {lib}::{{{types}, models}};\n\n\
         /// The names of the enums' catch-all variants.\n\
         const CATCH_ALLS: &[&str] = &[{}];\n\n\
         fn dispatch(ty: usize, text: &str) -> Result<Outcome, String> {{\n    match ty {{\n",
        catch_alls.join(", "),
        lib = plan.krate.lib_name,
        types = runtime_api::imported_types().join(", "),
    );
    for (i, ty) in cases.types.iter().enumerate() {
        let _ = writeln!(main, "        {i} => check::<{ty}>(text, CATCH_ALLS),");
    }
    main.push_str(
        "        _ => Err(format!(\"no type {ty}\")),\n    }\n}\n\n\
         fn main() -> std::process::ExitCode {\n    waldur_roundtrip_check::run(dispatch)\n}\n",
    );
    main
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Yaml {
        serde_yaml::from_str(text).expect("test YAML")
    }

    const COMPONENTS: &str = r#"
Volume:
  type: object
  properties:
    uuid: {type: string, format: uuid, readOnly: true}
    size: {type: integer}
    secret: {type: string, writeOnly: true}
    state:
      allOf:
      - $ref: '#/components/schemas/StateEnum'
    kind:
      nullable: true
      oneOf:
      - $ref: '#/components/schemas/KindEnum'
      - $ref: '#/components/schemas/BlankEnum'
      - $ref: '#/components/schemas/NullEnum'
    parent: {$ref: '#/components/schemas/Volume'}
    tags: {type: array, items: {type: string}}
    price: {type: string, format: decimal}
    extra: {type: object, additionalProperties: {type: integer}}
StateEnum: {type: string, enum: [OK, ERRED]}
KindEnum: {type: string, enum: [ssd, hdd]}
BlankEnum: {enum: ['']}
NullEnum: {enum: [null]}
NumberEnum: {type: string, enum: [1, 2]}
"#;

    fn sample(k: usize) -> Value {
        let components = yaml(COMPONENTS);
        let mut sampler = Sampler {
            components: &components,
            stack: Vec::new(),
        };
        sampler
            .sample(&yaml("$ref: '#/components/schemas/Volume'"), k, 0)
            .expect("a sample")
    }

    #[test]
    fn samples_cover_every_property_but_write_only_and_stop_at_recursion() {
        assert_eq!(
            sample(0).to_string(),
            r#"{"uuid":"3fa85f64-5717-4562-b3fc-2c963f66afa6","size":0,"state":"ERRED","kind":"","tags":["","line\nbreak"],"price":"1234567890.12","extra":{"some_key":42}}"#
        );
    }

    #[test]
    fn later_samples_take_other_values_and_null_for_nullable_fields() {
        assert_eq!(
            sample(1).to_string(),
            r#"{"uuid":"0b6a0ac79f1e4b8c9d2e3f4a5b6c7d8e","size":-7,"state":"OK","kind":null,"tags":["line\nbreak","text"],"price":"12.50","extra":{"some_key":0}}"#
        );
        // `oneOf` members in turn: the blank value above, the enum here, and `null` (the
        // nullable field's turn) in the last sample.
        assert_eq!(sample(2)["kind"], json!("ssd"));
        assert_eq!(sample(3)["kind"], json!(null));
    }

    #[test]
    fn number_values_of_a_string_enum_are_sampled_as_strings() {
        let components = yaml(COMPONENTS);
        let mut sampler = Sampler {
            components: &components,
            stack: Vec::new(),
        };
        let schema = yaml("$ref: '#/components/schemas/NumberEnum'");
        assert_eq!(sampler.sample(&schema, 1, 0), Some(json!("2")));
    }

    #[test]
    fn kinds_and_path_keys() {
        let components = yaml(COMPONENTS);
        assert_eq!(
            json_kind(&yaml("$ref: '#/components/schemas/Volume'"), &components),
            "object"
        );
        assert_eq!(
            json_kind(&yaml("{type: array, items: {}}"), &components),
            "array"
        );
        assert_eq!(json_kind(&yaml("{description: any}"), &components), "any");
        assert_eq!(
            path_key("/api/things/{uuid}/act/{id}/"),
            "/api/things/{}/act/{}/"
        );
    }
}
