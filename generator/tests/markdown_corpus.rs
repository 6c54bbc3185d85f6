//! Parses every page of the four Markdown snapshots in `../shared/corpus/markdown/` and checks
//! the whole-corpus invariants of the format (src/markdown/FORMAT.md): no diagnostics, one operation per summary row,
//! unique `(method, path)`, and the newest snapshot's counts (§5).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use waldur_codegen::ir::{ArrayStyle, Operation, ResponseBody, Ty};
use waldur_codegen::markdown::{PageOutcome, parse_page};

/// Inline enums anywhere in a type, as their value lists.
fn collect_enums(ty: &Ty, out: &mut BTreeSet<String>) {
    match ty {
        Ty::Enum { def } => {
            out.insert(format!("{:?}", def.values));
        }
        Ty::Array { items } => collect_enums(items, out),
        Ty::Map { values } => collect_enums(values, out),
        Ty::Object { object } => {
            for field in &object.fields {
                collect_enums(&field.ty, out);
            }
        }
        _ => {}
    }
}

fn op_enums(op: &Operation, out: &mut BTreeSet<String>) {
    for param in &op.params {
        collect_enums(&param.ty, out);
    }
    if let Some(body) = &op.body {
        collect_enums(&body.ty, out);
    }
    for response in &op.responses {
        if let ResponseBody::Json { ty } = &response.body {
            collect_enums(ty, out);
        }
    }
}

/// Parameters and fields (at any depth) whose type is an enum or an array of enums.
fn enum_typed(op: &Operation) -> usize {
    fn is_enum(ty: &Ty) -> bool {
        match ty {
            Ty::Enum { .. } => true,
            Ty::Array { items } => is_enum(items),
            _ => false,
        }
    }
    fn fields(ty: &Ty) -> usize {
        match ty {
            Ty::Object { object } => object
                .fields
                .iter()
                .map(|f| usize::from(is_enum(&f.ty)) + fields(&f.ty))
                .sum(),
            Ty::Array { items } => fields(items),
            Ty::Map { values } => fields(values),
            _ => 0,
        }
    }
    let params = op.params.iter().filter(|p| is_enum(&p.ty)).count();
    let body = op.body.as_ref().map_or(0, |b| fields(&b.ty));
    let responses: usize = op
        .responses
        .iter()
        .map(|r| match &r.body {
            ResponseBody::Json { ty } => fields(ty),
            _ => 0,
        })
        .sum();
    params + body + responses
}

/// Table rows with an `_Enum:` annotation, counted on the text: `| `name` | type | ... _Enum: ...`.
fn enum_rows(text: &str) -> usize {
    text.lines()
        .filter(|l| l.trim_start().starts_with("| `") && l.contains("_Enum: `"))
        .count()
}

/// Summary rows counted independently of the parser: lines that start like an operation row.
fn summary_rows(text: &str) -> usize {
    text.lines()
        .filter(|l| l.starts_with("| <span class=\"http-badge http-"))
        .count()
}

struct Counts {
    pages: usize,
    api_pages: usize,
    operations: usize,
}

fn check_snapshot(dir: &Path) -> Counts {
    let mut files = Vec::new();
    common::md_files(dir, &mut files);
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|f| {
            let rel = f
                .strip_prefix(dir)
                .unwrap_or(f)
                .to_string_lossy()
                .replace('\\', "/");
            let text =
                std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            (rel, text)
        })
        .collect();

    let started = Instant::now();
    let outcomes: Vec<PageOutcome> = texts.iter().map(|(p, t)| parse_page(p, t)).collect();
    let elapsed = started.elapsed();

    let mut diagnostics = Vec::new();
    let mut not_api = Vec::new();
    let mut operations = 0;
    let mut rows = 0;
    let mut api_pages = 0;
    let mut endpoints = BTreeSet::new();
    let mut duplicates = Vec::new();
    let mut models = BTreeSet::new();
    let mut enums = BTreeSet::new();
    let mut inferred = 0;
    let mut comma_joined = 0;
    let mut annotated = 0;
    let mut typed_enums = 0;
    for ((path, text), outcome) in texts.iter().zip(&outcomes) {
        let page = match outcome {
            PageOutcome::NotApi { reason } => {
                not_api.push(format!("{path}: {reason}"));
                continue;
            }
            PageOutcome::Api(page) => page,
        };
        api_pages += 1;
        rows += summary_rows(text);
        diagnostics.extend(page.diagnostics.iter().map(ToString::to_string));
        inferred += page.inferred.len();
        annotated += enum_rows(text);
        for op in &page.operations {
            operations += 1;
            comma_joined += op
                .params
                .iter()
                .filter(|p| p.style == ArrayStyle::CommaJoined)
                .count();
            if !endpoints.insert((op.method, op.path.clone())) {
                duplicates.push(format!("{} {} ({path})", op.method.as_str(), op.path));
            }
            if let Some(model) = op.body.as_ref().and_then(|b| b.model_name.clone()) {
                models.insert(model);
            }
            op_enums(op, &mut enums);
            typed_enums += enum_typed(op);
        }
    }
    // The named types the generated crate gets, after hoisting, dedup and naming.
    let mut api = waldur_codegen::ir::Api::default();
    for outcome in &outcomes {
        if let PageOutcome::Api(page) = outcome {
            api.sources.push(page.source.clone());
            api.operations.extend(page.operations.iter().cloned());
        }
    }
    waldur_codegen::ir::passes::run(&mut api, &Default::default())
        .unwrap_or_else(|d| panic!("passes failed: {d:?}"));
    let count =
        |f: fn(&waldur_codegen::ir::TypeDef) -> bool| api.types.values().filter(|t| f(t)).count();
    let named_models = count(|t| matches!(t, waldur_codegen::ir::TypeDef::Object(_)));
    let named_enums = count(|t| matches!(t, waldur_codegen::ir::TypeDef::Enum(_)));
    let aliases = count(|t| matches!(t, waldur_codegen::ir::TypeDef::Alias { .. }));
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    println!(
        "{name}: {} pages, {api_pages} API pages ({} not API), {operations} operations, {} body \
         models, {typed_enums} enum-typed rows ({annotated} with `_Enum`, {inferred} fields typed \
         `any` given the enum of their query filter; {} distinct value lists), {comma_joined} \
         comma-joined array filters, parsed in {elapsed:?}; after \
         the passes: {named_models} models, {named_enums} enums, {aliases} aliases",
        files.len(),
        not_api.len(),
        models.len(),
        enums.len()
    );
    for line in &not_api {
        println!("  not an API page: {line}");
    }
    assert!(
        diagnostics.is_empty(),
        "{name}: {} diagnostics:\n{}",
        diagnostics.len(),
        diagnostics.join("\n")
    );
    assert_eq!(operations, rows, "{name}: operations vs summary rows");
    // Every row that lists its values is an enum (query, path, body and response rows, integer
    // values included); the other enums are the inferred ones.
    assert_eq!(
        typed_enums,
        annotated + inferred,
        "{name}: enum-typed rows vs `_Enum` rows + inferred"
    );
    assert!(
        duplicates.is_empty(),
        "{name}: duplicate (method, path):\n{}",
        duplicates.join("\n")
    );
    // The only non-API page of a snapshot is its `index.md` link list.
    assert_eq!(not_api.len(), 1, "{name}: {not_api:?}");
    assert!(not_api[0].starts_with("index.md: "), "{name}: {not_api:?}");
    Counts {
        pages: files.len(),
        api_pages,
        operations,
    }
}

#[test]
fn every_snapshot_parses_without_diagnostics() {
    let Some(shared) = common::shared_dir("markdown_corpus") else {
        return;
    };
    let root = shared.join("corpus/markdown");
    let mut snapshots: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    snapshots.sort();
    assert_eq!(snapshots.len(), 4, "{snapshots:?}");
    let mut newest = None;
    for snapshot in &snapshots {
        newest = Some(check_snapshot(snapshot));
    }
    // the newest snapshot (newest snapshot, d039cdd6).
    let newest = newest.expect("four snapshots");
    assert_eq!(
        (newest.pages, newest.api_pages, newest.operations),
        (312, 311, 2225)
    );
}
