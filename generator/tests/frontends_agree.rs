//! The two front ends read the same API: the Markdown pages and the OpenAPI schema of the same
//! release must lower to the same operations. Every difference must fall into a known
//! category: something the pages do not print (FORMAT.md, 9) or version skew between the
//! snapshot and the schema. The test prints the count of each category and fails on any
//! difference that none explains.
//!
//! Compared, per operation matched by `(method, path)`: operation id, tag, parameter names,
//! locations, required-ness, types and array styles (repeated or comma-joined), body
//! required-ness, media types (preferred and accepted) and body fields (names, required, types: scalar kind and format, arrays, maps,
//! nested objects, enums), response status codes. Every enum the Markdown front end inferred
//! for an `any` field (`markdown::InferredEnum`) is checked against the schema's type of that
//! field: an enum with the same values.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use waldur_codegen::ir::{
    Api, BodyMedia, EnumValue, Method, ObjectTy, Operation, ResponseBody, Scalar, Ty, TypeDef,
};
use waldur_codegen::markdown::{InferredEnum, PageOutcome, parse_page};
use waldur_codegen::openapi;

/// Why a difference is expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Category {
    /// §7.1: `HEAD` operations are never rendered.
    HeadNotRendered,
    /// §7.1: the `api-auth` tag is never rendered.
    ApiAuthNotRendered,
    /// §7.1: operations of one side only.
    SkewOperation,
    /// §7.3: enums, objects and other compositions behind `allOf`/`oneOf` print as `any`.
    CompositionAsAny,
    /// §7.3: a direct enum printed as its base type (query enums, and body enums in tables
    /// without a Description column).
    EnumNotPrinted,
    /// §7.3: query arrays print as `array` only: item types, formats and enums are lost (the
    /// Markdown front end reads them as arrays of strings).
    QueryArrayItemsNotPrinted,
    /// §7.3 (§3.5): free-form or binary request bodies have no Body tab.
    BodyNotRendered,
    /// §7.2: the one body field missing from the 8.0.5-era pages
    /// (`update_thread_name` of `POST /api/chat/stream/`).
    BodyFieldMissingFromPage,
    /// The pages list status codes in numeric order; the schema in its own order.
    PageSortsStatusCodes,
    /// Media types are never printed: a page's body is read as JSON's and its encoding left
    /// to the plan, while the schema reads a body with a file from its multipart schema where
    /// that is not the JSON schema's twin (none in 8.0.5: every such body agrees).
    MediaNotPrinted,
    /// A parameter or body field only in the pages, absent from the 2026-01-27 pages too:
    /// added after 8.0.5 was cut.
    SkewAddedAfterSchema,
    /// Differences of an older page (the seed page, 2025-11-26) against the newer schema.
    SkewSeedPage,
}

#[derive(Default)]
struct Report {
    /// Every explained difference, by category.
    explained: BTreeMap<Category, Vec<String>>,
    unexplained: Vec<String>,
}

impl Report {
    fn explained(&mut self, category: Category, what: String) {
        self.explained.entry(category).or_default().push(what);
    }

    fn count(&self, category: Category) -> usize {
        self.explained.get(&category).map_or(0, Vec::len)
    }

    fn difference(&mut self, category: Option<Category>, what: String) {
        match category {
            Some(c) => self.explained(c, what),
            None => self.unexplained.push(what),
        }
    }

    fn print(&self, title: &str) {
        println!("{title}:");
        for (category, items) in &self.explained {
            println!("  {:6}  {category:?}", items.len());
            for e in items.iter().take(3) {
                println!("            e.g. {e}");
            }
        }
        println!("  {:6}  unexplained", self.unexplained.len());
        for u in self.unexplained.iter().take(40) {
            println!("            {u}");
        }
    }
}

/// A type reduced to what both front ends can state, with schema references resolved.
#[derive(Debug, Clone)]
enum Kind<'a> {
    Scalar(&'a Scalar),
    Any,
    Array(Box<Kind<'a>>),
    Map(Box<Kind<'a>>),
    Object(&'a ObjectTy),
    Enum(&'a [EnumValue]),
    OneOf,
}

fn kind<'a>(ty: &'a Ty, types: &'a BTreeMap<String, TypeDef>, depth: usize) -> Kind<'a> {
    match ty {
        Ty::Scalar { scalar } => Kind::Scalar(scalar),
        Ty::Any => Kind::Any,
        Ty::Array { items } => Kind::Array(Box::new(kind(items, types, depth))),
        Ty::Map { values } => Kind::Map(Box::new(kind(values, types, depth))),
        Ty::Object { object } => Kind::Object(object),
        Ty::Enum { def } => Kind::Enum(&def.values),
        Ty::OneOf { .. } => Kind::OneOf,
        Ty::Ref { name } => match types.get(name) {
            Some(TypeDef::Object(o)) => Kind::Object(o),
            Some(TypeDef::Enum(e)) => Kind::Enum(&e.values),
            Some(TypeDef::Alias { ty, .. }) if depth < 8 => kind(ty, types, depth + 1),
            _ => Kind::Any,
        },
    }
}

/// Compares what the page and the schema say about one type; `at` names it in messages.
struct Compare<'a> {
    schema_types: &'a BTreeMap<String, TypeDef>,
    page_types: &'a BTreeMap<String, TypeDef>,
    /// Used instead of a mismatch's own category when comparing an older page.
    skew: Option<Category>,
    /// Parameters and body fields of an older snapshot (see [`items`]): an item only in the
    /// pages that the older pages lack as well was added after the schema was cut.
    older: Option<&'a BTreeSet<String>>,
}

impl Compare<'_> {
    fn category(&self, c: Option<Category>) -> Option<Category> {
        c.or(self.skew)
    }

    /// An item (`at`) that only the pages have.
    fn only_in_page(&self, report: &mut Report, at: String) {
        let added = self.older.is_some_and(|older| !older.contains(&at));
        let category = self.category(added.then_some(Category::SkewAddedAfterSchema));
        report.difference(category, format!("{at}: only in the page"));
    }

    fn types(&self, report: &mut Report, at: &str, page: &Ty, schema: &Ty, depth: usize) {
        let p = kind(page, self.page_types, 0);
        let s = kind(schema, self.schema_types, 0);
        self.kinds(report, at, &p, &s, depth);
    }

    fn kinds(&self, report: &mut Report, at: &str, p: &Kind, s: &Kind, depth: usize) {
        use Category::*;
        let describe = |k: &Kind| match k {
            Kind::Scalar(s) => format!("{s:?}"),
            Kind::Any => "any".into(),
            Kind::Array(_) => "array".into(),
            Kind::Map(_) => "map".into(),
            Kind::Object(_) => "object".into(),
            Kind::Enum(_) => "enum".into(),
            Kind::OneOf => "oneOf".into(),
        };
        let what = || format!("{at}: page {} vs schema {}", describe(p), describe(s));
        match (p, s) {
            (Kind::Any, Kind::Any) | (Kind::OneOf, Kind::OneOf) => {}
            (Kind::Scalar(a), Kind::Scalar(b)) if a == b => {}
            (Kind::Any, _) => report.difference(Some(CompositionAsAny), what()),
            (Kind::Scalar(Scalar::String { format: None }), _)
                if at.contains(" Query ") && at.ends_with("[]") =>
            {
                report.difference(Some(QueryArrayItemsNotPrinted), what())
            }
            (
                Kind::Scalar(Scalar::String { format: None } | Scalar::Integer { format: None }),
                Kind::Enum(_),
            ) => report.difference(Some(EnumNotPrinted), what()),
            (Kind::Array(a), Kind::Array(b)) => self.kinds(report, &format!("{at}[]"), a, b, depth),
            (Kind::Map(a), Kind::Map(b)) => self.kinds(report, &format!("{at}{{}}"), a, b, depth),
            (Kind::Object(a), Kind::Object(b)) => self.objects(report, at, a, b, depth + 1),
            (Kind::Enum(a), Kind::Enum(b)) => {
                let (a_set, b_set): (BTreeSet<_>, BTreeSet<_>) =
                    (a.iter().collect(), b.iter().collect());
                if a_set != b_set {
                    report.difference(
                        self.category(None),
                        format!("{at}: enum values page {a_set:?} vs schema {b_set:?}"),
                    );
                }
            }
            _ => report.difference(self.category(None), what()),
        }
    }

    fn objects(
        &self,
        report: &mut Report,
        at: &str,
        page: &ObjectTy,
        schema: &ObjectTy,
        depth: usize,
    ) {
        if depth > 6 {
            return;
        }
        for f in &schema.fields {
            let field_at = format!("{at}.{}", f.name);
            match page.fields.iter().find(|p| p.name == f.name) {
                None => {
                    let known = (field_at.ends_with("/api/chat/stream/ body.update_thread_name"))
                        .then_some(Category::BodyFieldMissingFromPage);
                    report.difference(
                        self.category(known),
                        format!("{field_at}: only in the schema"),
                    );
                }
                Some(p) => {
                    if p.required != f.required {
                        report.difference(
                            self.category(None),
                            format!(
                                "{field_at}: required page {} vs schema {}",
                                p.required, f.required
                            ),
                        );
                    }
                    self.types(report, &field_at, &p.ty, &f.ty, depth);
                }
            }
        }
        for p in &page.fields {
            if !schema.fields.iter().any(|f| f.name == p.name) {
                self.only_in_page(report, format!("{at}.{}", p.name));
            }
        }
        if page.additional.is_some() != schema.additional.is_some() {
            report.difference(
                self.category(None),
                format!(
                    "{at}: additional keys page {} vs schema {}",
                    page.additional.is_some(),
                    schema.additional.is_some()
                ),
            );
        }
    }

    fn operation(&self, report: &mut Report, page: &Operation, schema: &Operation) {
        let at = format!("{} {}", page.method.as_str(), page.path);
        if page.operation_id != schema.operation_id {
            report.difference(
                self.category(None),
                format!(
                    "{at}: operation id page {} vs schema {}",
                    page.operation_id, schema.operation_id
                ),
            );
        }
        if page.tag != schema.tag {
            report.difference(
                self.category(None),
                format!("{at}: tag page {} vs schema {}", page.tag, schema.tag),
            );
        }
        for s in &schema.params {
            let param_at = format!("{at} {:?} {}", s.location, s.name);
            match page
                .params
                .iter()
                .find(|p| p.name == s.name && p.location == s.location)
            {
                None => report.difference(
                    self.category(None),
                    format!("{param_at}: only in the schema"),
                ),
                Some(p) => {
                    if p.required != s.required {
                        report.difference(
                            self.category(None),
                            format!(
                                "{param_at}: required page {} vs schema {}",
                                p.required, s.required
                            ),
                        );
                    }
                    self.types(report, &param_at, &p.ty, &s.ty, 0);
                    let arrays =
                        matches!(p.ty, Ty::Array { .. }) && matches!(s.ty, Ty::Array { .. });
                    if arrays && p.style != s.style {
                        report.difference(
                            self.category(None),
                            format!(
                                "{param_at}: array style page {:?} vs schema {:?}",
                                p.style, s.style
                            ),
                        );
                    }
                }
            }
        }
        for p in &page.params {
            if !schema
                .params
                .iter()
                .any(|s| s.name == p.name && s.location == p.location)
            {
                self.only_in_page(report, format!("{at} {:?} {}", p.location, p.name));
            }
        }
        match (&page.body, &schema.body) {
            (None, None) => {}
            (Some(p), Some(s)) => {
                if p.required != s.required {
                    report.difference(
                        self.category(None),
                        format!(
                            "{at} body: required page {} vs schema {}",
                            p.required, s.required
                        ),
                    );
                }
                self.types(report, &format!("{at} body"), &p.ty, &s.ty, 0);
                // A page lists no media (its list is empty): only where the body was read
                // from can differ.
                let differs = if p.accepted_media.is_empty() {
                    p.media != s.media
                } else {
                    (p.media, &p.accepted_media) != (s.media, &s.accepted_media)
                };
                if differs {
                    let unprinted = p.accepted_media.is_empty();
                    report.difference(
                        self.category(unprinted.then_some(Category::MediaNotPrinted)),
                        format!(
                            "{at} body: media page {:?} {:?} vs schema {:?} {:?}",
                            p.media, p.accepted_media, s.media, s.accepted_media
                        ),
                    );
                }
            }
            (None, Some(s)) => {
                // `{type: object, additionalProperties: {}}`, a file, or no schema at all.
                let free_form =
                    matches!(s.ty, Ty::Any | Ty::Map { .. }) || s.media != BodyMedia::Json;
                report.difference(
                    self.category(free_form.then_some(Category::BodyNotRendered)),
                    format!(
                        "{at} body: only in the schema ({:?}, {:?})",
                        s.media, s.model_name
                    ),
                );
            }
            (Some(_), None) => {
                report.difference(self.category(None), format!("{at} body: only in the page"))
            }
        }
        let statuses = |o: &Operation| o.responses.iter().map(|r| r.status).collect::<Vec<_>>();
        let (p, s) = (statuses(page), statuses(schema));
        if p != s {
            let mut sorted = s.clone();
            sorted.sort_unstable();
            let category = (p == sorted).then_some(Category::PageSortsStatusCodes);
            report.difference(
                self.category(category),
                format!("{at}: status codes page {p:?} vs schema {s:?}"),
            );
        }
    }
}

fn page_operations(files: &[PathBuf]) -> Vec<Operation> {
    pages(files).0
}

/// The operations of the pages and the enums the front end inferred on them.
fn pages(files: &[PathBuf]) -> (Vec<Operation>, Vec<InferredEnum>) {
    let mut operations = Vec::new();
    let mut inferred = Vec::new();
    for file in files {
        let text =
            std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        if let PageOutcome::Api(page) = parse_page(&file.display().to_string(), &text) {
            assert_eq!(page.diagnostics, vec![], "{}", file.display());
            operations.extend(page.operations);
            inferred.extend(page.inferred);
        }
    }
    (operations, inferred)
}

/// A top-level field of an operation's request body (`status` `None`) or JSON response.
fn top_field<'a>(
    op: &'a Operation,
    status: Option<u16>,
    name: &str,
    types: &'a BTreeMap<String, TypeDef>,
) -> Option<&'a Ty> {
    let body = match status {
        None => op.body.as_ref().map(|b| &b.ty),
        Some(s) => op
            .responses
            .iter()
            .find(|r| r.status == s)
            .and_then(|r| match &r.body {
                ResponseBody::Json { ty } => Some(ty),
                _ => None,
            }),
    }?;
    let object = match kind(body, types, 0) {
        Kind::Array(items) => match *items {
            Kind::Object(o) => o,
            _ => return None,
        },
        Kind::Object(o) => o,
        _ => return None,
    };
    object.fields.iter().find(|f| f.name == name).map(|f| &f.ty)
}

/// Checks every inferred enum against the schema: the field's schema type must be an enum with
/// the values the page inferred. Returns one line per disagreement.
fn check_inferences(
    page_ops: &[Operation],
    schema: &Api,
    inferred: &[InferredEnum],
) -> Vec<String> {
    let no_types = BTreeMap::new();
    let mut problems = Vec::new();
    for i in inferred {
        let at = format!(
            "{} {} {:?} {} ({})",
            i.method.as_str(),
            i.path,
            i.status,
            i.field,
            i.span
        );
        let find = |ops: &[Operation]| {
            ops.iter()
                .find(|o| o.method == i.method && o.path == i.path)
                .cloned()
        };
        let (Some(page_op), Some(schema_op)) = (find(page_ops), find(&schema.operations)) else {
            problems.push(format!("{at}: the operation is missing on one side"));
            continue;
        };
        let page_ty = top_field(&page_op, i.status, &i.field, &no_types);
        let schema_ty = top_field(&schema_op, i.status, &i.field, &schema.types);
        let (Some(page_ty), Some(schema_ty)) = (page_ty, schema_ty) else {
            problems.push(format!("{at}: the field is missing on one side"));
            continue;
        };
        match (
            kind(page_ty, &no_types, 0),
            kind(schema_ty, &schema.types, 0),
        ) {
            (Kind::Enum(p), Kind::Enum(s)) => {
                let (p, s): (BTreeSet<_>, BTreeSet<_>) = (p.iter().collect(), s.iter().collect());
                if p != s {
                    problems.push(format!("{at}: inferred {p:?}, schema {s:?}"));
                }
            }
            (p, _) if !matches!(p, Kind::Enum(_)) => {
                problems.push(format!("{at}: the page's field is not an enum"))
            }
            _ => problems.push(format!("{at}: the schema's field is not an enum")),
        }
    }
    problems
}

fn schema_8_0_5(dir: &Path) -> Api {
    let path = dir.join("corpus/openapi/waldur-openapi-schema-8.0.5.yaml");
    let text = std::fs::read_to_string(&path).expect("read schema");
    match openapi::lower(&path.display().to_string(), &text) {
        Ok(l) => l.api,
        Err(d) => panic!("{d}"),
    }
}

/// The parameters and body fields of page operations, named as the comparison names them
/// (`POST /api/x/ body.a.b[]`, `GET /api/x/ Query state`).
fn items(ops: &[Operation]) -> BTreeSet<String> {
    fn walk(ty: &Ty, at: String, out: &mut BTreeSet<String>) {
        match ty {
            Ty::Object { object } => {
                for f in &object.fields {
                    let field_at = format!("{at}.{}", f.name);
                    walk(&f.ty, field_at.clone(), out);
                    out.insert(field_at);
                }
            }
            Ty::Array { items } => walk(items, format!("{at}[]"), out),
            Ty::Map { values } => walk(values, format!("{at}{{}}"), out),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    for op in ops {
        let at = format!("{} {}", op.method.as_str(), op.path);
        for p in &op.params {
            out.insert(format!("{at} {:?} {}", p.location, p.name));
        }
        if let Some(body) = &op.body {
            walk(&body.ty, format!("{at} body"), &mut out);
        }
    }
    out
}

/// Compares page operations with schema operations; `skew` classifies every mismatch of an
/// older page; `older` holds the items of an older snapshot.
fn compare(
    page_ops: &[Operation],
    schema: &Api,
    schema_ops: &[&Operation],
    skew: Option<Category>,
    older: Option<&BTreeSet<String>>,
) -> Report {
    let mut report = Report::default();
    let no_types = BTreeMap::new();
    let cmp = Compare {
        schema_types: &schema.types,
        page_types: &no_types,
        skew,
        older,
    };
    let key = |o: &Operation| (o.method, o.path.clone());
    let pages: BTreeMap<(Method, String), &Operation> =
        page_ops.iter().map(|o| (key(o), o)).collect();
    assert_eq!(
        pages.len(),
        page_ops.len(),
        "(method, path) is unique in the pages"
    );
    let mut matched = BTreeSet::new();
    for s in schema_ops {
        let at = format!("{} {}", s.method.as_str(), s.path);
        if s.method == Method::Head {
            report.explained(Category::HeadNotRendered, at);
            continue;
        }
        if s.tag == "api_auth" {
            report.explained(Category::ApiAuthNotRendered, at);
            continue;
        }
        match pages.get(&key(s)) {
            None => report.difference(
                Some(skew.unwrap_or(Category::SkewOperation)),
                format!("{at}: only in the schema"),
            ),
            Some(p) => {
                matched.insert(key(s));
                cmp.operation(&mut report, p, s);
            }
        }
    }
    for p in page_ops {
        if !matched.contains(&key(p)) {
            report.difference(
                Some(skew.unwrap_or(Category::SkewOperation)),
                format!("{} {}: only in the pages", p.method.as_str(), p.path),
            );
        }
    }
    report
}

#[test]
fn snapshot_5497cf79_agrees_with_schema_8_0_5() {
    let Some(dir) = common::shared_dir("frontends_agree") else {
        return;
    };
    let schema = schema_8_0_5(&dir);
    let snapshot = |name: &str| {
        let mut files = Vec::new();
        common::md_files(&dir.join("corpus/markdown").join(name), &mut files);
        page_operations(&files)
    };
    let mut files = Vec::new();
    common::md_files(&dir.join("corpus/markdown/2026-02-27-5497cf79"), &mut files);
    let (page_ops, inferred) = pages(&files);
    let january = items(&snapshot("2026-01-27-9b561c73"));
    let schema_ops: Vec<&Operation> = schema.operations.iter().collect();
    let report = compare(&page_ops, &schema, &schema_ops, None, Some(&january));
    report.print("pages 5497cf79 vs OpenAPI 8.0.5");
    assert_eq!(report.unexplained, Vec::<String>::new());
    // FORMAT.md, 9: 333 HEAD + 14 api-auth operations are not rendered; 2 operations skew.
    assert_eq!(report.count(Category::HeadNotRendered), 333);
    assert_eq!(report.count(Category::ApiAuthNotRendered), 14);
    // 2311 - 333 - 14 = 1964 operations on both sides, plus the two only in the pages.
    assert_eq!(page_ops.len(), 1966);
    assert_eq!(
        report.explained.get(&Category::SkewOperation),
        Some(&vec![
            "DELETE /api/user-permission-requests/{uuid}/: only in the pages".to_string(),
            "POST /api/users/{uuid}/remove_password/: only in the pages".to_string(),
        ])
    );
    assert_eq!(report.count(Category::BodyNotRendered), 3);
    assert_eq!(report.count(Category::BodyFieldMissingFromPage), 1);
    assert_eq!(report.count(Category::MediaNotPrinted), 0);

    // Every enum inferred for an `any` field is the schema's enum of that field.
    let problems = check_inferences(&page_ops, &schema, &inferred);
    let responses = inferred.iter().filter(|i| i.status.is_some()).count();
    println!(
        "pages 5497cf79: {} enums inferred for `any` fields ({responses} in responses, {} in \
         request bodies), {} disagree with OpenAPI 8.0.5",
        inferred.len(),
        inferred.len() - responses,
        problems.len()
    );
    assert_eq!(problems, Vec::<String>::new());
    assert_eq!(inferred.len(), 43);
}

#[test]
fn seed_page_agrees_with_schema_8_0_5_up_to_version_skew() {
    let Some(dir) = common::shared_dir("frontends_agree") else {
        return;
    };
    let schema = schema_8_0_5(&dir);
    let seed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/openstack-volumes.md");
    let page_ops = page_operations(&[seed]);
    let schema_ops: Vec<&Operation> = schema
        .operations
        .iter()
        .filter(|o| o.tag == "openstack_volumes")
        .collect();
    let report = compare(
        &page_ops,
        &schema,
        &schema_ops,
        Some(Category::SkewSeedPage),
        None,
    );
    report.print("seed page openstack-volumes.md vs OpenAPI 8.0.5 (openstack_volumes)");
    assert_eq!(report.unexplained, Vec::<String>::new());
    // The seed page (synced 2025-11-26) predates 8.0.5: three filters have since become
    // URL-typed and two actions were added (the 2026-02-27 pages agree with the schema on all
    // five).
    assert_eq!(
        report.explained.get(&Category::SkewSeedPage),
        Some(&vec![
            r#"GET /api/openstack-volumes/ Query instance: page String { format: None } vs schema String { format: Some("uri") }"#.to_string(),
            r#"GET /api/openstack-volumes/ Query snapshot: page String { format: None } vs schema String { format: Some("uri") }"#.to_string(),
            r#"GET /api/openstack-volumes/ Query tenant: page String { format: None } vs schema String { format: Some("uri") }"#.to_string(),
            "POST /api/openstack-volumes/{uuid}/set_erred/: only in the schema".to_string(),
            "POST /api/openstack-volumes/{uuid}/set_ok/: only in the schema".to_string(),
        ])
    );
    assert_eq!(report.count(Category::QueryArrayItemsNotPrinted), 3);
}
