//! Loading spec inputs into one IR: files and directories of Markdown pages, OpenAPI files.
//!
//! Input -> data: read every input (directories recursively, in sorted order so the result
//! never depends on the file system), hand each file to its front end, merge the operations,
//! then run the passes. The bytes read are hashed here, since this is the one place that sees
//! all of them.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::ir::{Api, passes};
use crate::{Diagnostic, Error, markdown, openapi};

#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Report operations that cannot be read and leave them out, instead of failing.
    pub keep_going: bool,
    pub passes: passes::PassOptions,
    /// Which tags to generate (`tags:` of `codegen.yaml`); by default every tag.
    pub tags: TagFilter,
}

/// `tags: {include: [..], exclude: [..]}` of `codegen.yaml`: generate only the operations of
/// these tags, or all but these. A tag is named as the spec writes it (`openstack_volumes`) or
/// as its Cargo feature (`openstack-volumes`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagFilter {
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
}

impl TagFilter {
    fn is_empty(&self) -> bool {
        self.include.is_empty() && self.exclude.is_empty()
    }

    /// Keeps the operations the filter selects. A name that is no tag of the spec is an error
    /// (a typo must not silently generate nothing, or everything).
    pub fn apply(&self, api: &mut crate::ir::Api) -> Result<(), Error> {
        if self.is_empty() {
            return Ok(());
        }
        let norm = |t: &str| t.to_ascii_lowercase().replace(['_', ' '], "-");
        let tags: std::collections::BTreeSet<String> =
            api.operations.iter().map(|o| norm(&o.tag)).collect();
        for (key, names) in [("include", &self.include), ("exclude", &self.exclude)] {
            if let Some(unknown) = names.iter().find(|n| !tags.contains(&norm(n))) {
                return Err(Error::Config {
                    path: "codegen.yaml".to_string(),
                    message: format!(
                        "tags.{key}: `{unknown}` is no tag of the spec (a tag as the spec writes it, or its feature name, such as `{}`)",
                        tags.iter()
                            .next()
                            .map_or("openstack-volumes", String::as_str)
                    ),
                });
            }
        }
        let include: std::collections::BTreeSet<String> =
            self.include.iter().map(|n| norm(n)).collect();
        let exclude: std::collections::BTreeSet<String> =
            self.exclude.iter().map(|n| norm(n)).collect();
        api.operations.retain(|o| {
            let tag = norm(&o.tag);
            (include.is_empty() || include.contains(&tag)) && !exclude.contains(&tag)
        });
        Ok(())
    }
}

#[derive(Debug, Clone)]
pub struct Loaded {
    pub api: Api,
    /// Problems found: errors (with `keep_going`, each names an operation that was left out)
    /// and warnings (worked around, nothing left out).
    pub diagnostics: Vec<Diagnostic>,
    /// One-line notices (e.g. a page that is not an API page and was skipped).
    pub notices: Vec<String>,
    /// Files read, as displayed paths, in read order.
    pub files: Vec<String>,
    /// sha256 over every file's path and bytes, hex.
    pub input_hash: String,
}

/// Reads the inputs and runs the passes. Without `keep_going`, any diagnostic is an error.
pub fn load(paths: &[PathBuf], options: &LoadOptions) -> Result<Loaded, Error> {
    let mut loaded = read(paths, options)?;
    options.tags.apply(&mut loaded.api)?;
    match passes::run(&mut loaded.api, &options.passes) {
        Ok(warnings) => loaded.diagnostics.extend(warnings),
        Err(diags) => return Err(Error::Invalid(diags)),
    }
    Ok(loaded)
}

/// Reads the inputs into raw front-end IR (no passes). Without `keep_going`, any diagnostic is
/// an error listing all of them.
/// One input file, read and parsed.
enum Outcome {
    OpenApi(openapi::Lowered),
    Page(markdown::PageOutcome),
}

/// Reads and parses one file: its displayed path, its text (for the inputs' hash) and what
/// it holds.
fn read_one(file: &Path) -> Result<(String, String, Outcome), Error> {
    let display = display_path(file);
    let text = std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?;
    let outcome = if is_openapi_file(file) && openapi::looks_like_openapi(&text) {
        Outcome::OpenApi(openapi::lower(&display, &text).map_err(|d| Error::Invalid(vec![d]))?)
    } else if is_openapi_file(file) {
        return Err(Error::Invalid(vec![Diagnostic::new(
            crate::ir::Span {
                file: display.clone(),
                line: 1,
            },
            "expected an OpenAPI 3 document (a top-level `openapi:` key)",
        )]));
    } else {
        Outcome::Page(markdown::parse_page(&display, &text))
    };
    Ok((display, text, outcome))
}

pub fn read(paths: &[PathBuf], options: &LoadOptions) -> Result<Loaded, Error> {
    let mut files = Vec::new();
    for p in paths {
        collect_files(p, &mut files)?;
    }
    let mut api = Api::default();
    let mut diagnostics = Vec::new();
    let mut notices = Vec::new();
    let mut hasher = Sha256::new();
    let mut shown = Vec::new();
    // Pages are independent: read and parse them on all cores, then merge in file order so
    // that nothing depends on which thread did what.
    let parsed = crate::parallel::map(&files, |file| read_one(file));
    for result in parsed {
        let (display, text, outcome) = result?;
        hasher.update(display.as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
        hasher.update([0]);
        match outcome {
            Outcome::OpenApi(lowered) => {
                merge(&mut api, lowered.api, &mut diagnostics);
                diagnostics.extend(lowered.diagnostics);
            }
            Outcome::Page(markdown::PageOutcome::Api(page)) => {
                api.sources.push(page.source);
                api.operations.extend(page.operations);
                diagnostics.extend(page.diagnostics);
            }
            Outcome::Page(markdown::PageOutcome::NotApi { reason }) => {
                notices.push(format!("{display}: skipped: {reason}"))
            }
        }
        shown.push(display);
    }
    check_unique(&api, &mut diagnostics);
    // Warnings never stop a run; errors do unless the caller keeps going.
    if !options.keep_going && diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Error::Invalid(diagnostics));
    }
    let input_hash = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(Loaded {
        api,
        diagnostics,
        notices,
        files: shown,
        input_hash,
    })
}

fn is_openapi_file(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

/// Paths are shown with `/` separators whatever the platform, so headers and spans are the
/// same on every machine.
fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

fn collect_files(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| Error::io(path, e))?
        .map(|e| e.map(|e| e.path()).map_err(|err| Error::io(path, err)))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for e in entries {
        if e.is_dir() {
            collect_files(&e, out)?;
        } else if e.extension().is_some_and(|x| x == "md") {
            out.push(e);
        }
    }
    Ok(())
}

/// Merges an OpenAPI document's IR into the API read so far. Two inputs defining the same
/// type name differently is an error: one of them would silently win otherwise.
fn merge(api: &mut Api, other: Api, diagnostics: &mut Vec<Diagnostic>) {
    api.sources.extend(other.sources);
    api.operations.extend(other.operations);
    for (name, def) in other.types {
        match api.types.get(&name) {
            Some(existing) if *existing != def => diagnostics.push(Diagnostic::new(
                crate::ir::Span {
                    file: api
                        .sources
                        .last()
                        .map(|s| s.path.clone())
                        .unwrap_or_default(),
                    line: 0,
                },
                format!("type `{name}` is defined differently by two inputs"),
            )),
            _ => {
                api.types.insert(name, def);
            }
        }
    }
}

/// `(method, path)` and operation ids must be unique across all inputs.
fn check_unique(api: &Api, diagnostics: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::BTreeMap::new();
    let mut ids = std::collections::BTreeMap::new();
    for op in &api.operations {
        if let Some(first) = seen.insert((op.method, op.path.clone()), op.span.clone()) {
            diagnostics.push(Diagnostic::new(
                op.span.clone(),
                format!(
                    "duplicate operation {} {} (first defined at {first})",
                    op.method.as_str(),
                    op.path
                ),
            ));
        }
        if let Some(first) = ids.insert(op.operation_id.clone(), op.span.clone()) {
            diagnostics.push(Diagnostic::new(
                op.span.clone(),
                format!(
                    "duplicate operation id `{}` (first defined at {first})",
                    op.operation_id
                ),
            ));
        }
    }
}
