//! Writing a generated tree to disk, or checking that disk already matches it.
//!
//! The write path and the check path are the same code (as in rust-analyzer's
//! `ensure_file_contents`): both compute the same list of changes; `Write` applies them,
//! `Check` reports them. Files under the directory that the generator no longer produces are
//! deleted (or reported as stale), except `target/` and dot-files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Created(String),
    Updated { path: String, diff: String },
    Deleted(String),
}

impl Change {
    pub fn path(&self) -> &str {
        match self {
            Change::Created(p) | Change::Deleted(p) => p,
            Change::Updated { path, .. } => path,
        }
    }
}

/// Brings `dir` in line with `files` (relative path -> contents), or reports how it differs.
pub fn sync_dir(
    dir: &Path,
    files: &BTreeMap<String, String>,
    mode: Mode,
) -> Result<Vec<Change>, Error> {
    let existing = list_files(dir)?;
    let entries: Vec<(&String, &String)> = files.iter().collect();
    // Files are independent: compare and write them on every core (a whole-API crate is
    // hundreds of files and 15 MB). Results are put back in path order, so the report does
    // not depend on which thread did what.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(entries.len().max(1));
    let per_thread = entries.len().div_ceil(threads).max(1);
    let results: Vec<Result<Option<Change>, Error>> = std::thread::scope(|scope| {
        let workers: Vec<_> = entries
            .chunks(per_thread)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|(rel, contents)| sync_file(dir, rel, contents, mode))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| match w.join() {
                Ok(results) => results,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    let mut changes = Vec::new();
    for result in results {
        changes.extend(result?);
    }
    for rel in existing.difference(&files.keys().cloned().collect()) {
        changes.push(Change::Deleted(rel.clone()));
        if mode == Mode::Write {
            let path = dir.join(rel);
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    if mode == Mode::Write {
        remove_empty_dirs(dir)?;
    }
    Ok(changes)
}

/// One file: what changes (if anything), and in `Write` mode the change made on disk.
fn sync_file(dir: &Path, rel: &str, contents: &str, mode: Mode) -> Result<Option<Change>, Error> {
    let path = dir.join(rel);
    let change = match std::fs::read_to_string(&path) {
        Ok(old) if same_text(&old, contents) => return Ok(None),
        Ok(old) => Change::Updated {
            path: rel.to_string(),
            diff: bounded_diff(&old, contents, 20),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Change::Created(rel.to_string()),
        Err(e) => return Err(Error::io(&path, e)),
    };
    if mode == Mode::Write {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&path, contents).map_err(|e| Error::io(&path, e))?;
    }
    Ok(Some(change))
}

/// Git may check files out with CRLF on some machines; that is not drift.
fn same_text(on_disk: &str, generated: &str) -> bool {
    on_disk == generated
        || (on_disk.contains('\r')
            && on_disk.replace("\r\n", "\n") == generated.replace("\r\n", "\n"))
}

fn list_files(dir: &Path) -> Result<BTreeSet<String>, Error> {
    let mut out = BTreeSet::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let abs = dir.join(&rel);
        for entry in std::fs::read_dir(&abs).map_err(|e| Error::io(&abs, e))? {
            let entry = entry.map_err(|e| Error::io(&abs, e))?;
            let name = entry.file_name().to_string_lossy().to_string();
            if name.starts_with('.') || (rel.as_os_str().is_empty() && name == "target") {
                continue;
            }
            let child = rel.join(&name);
            if entry.file_type().map_err(|e| Error::io(&abs, e))?.is_dir() {
                stack.push(child);
            } else {
                out.insert(child.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    Ok(out)
}

fn remove_empty_dirs(dir: &Path) -> Result<bool, Error> {
    let mut empty = true;
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        if path.is_dir()
            && entry.file_name() != "target"
            && !entry.file_name().to_string_lossy().starts_with('.')
        {
            if remove_empty_dirs(&path)? {
                std::fs::remove_dir(&path).map_err(|e| Error::io(&path, e))?;
            } else {
                empty = false;
            }
        } else {
            empty = false;
        }
    }
    Ok(empty)
}

/// A unified diff of two texts by line (hunks with two lines of context, `@@ -a,b +c,d @@`
/// headers), showing at most `max_lines` changed lines: the rest is counted, never printed,
/// so a rewritten 20,000-line file costs a few lines of output.
pub fn bounded_diff(old: &str, new: &str, max_lines: usize) -> String {
    // A checkout with CRLF line ends is not a change of every line (see `same_text`).
    let lf = |t: &str| t.replace("\r\n", "\n");
    let (old, new) = (lf(old), lf(new));
    let diff = similar::TextDiff::from_lines(&old, &new);
    let mut out = String::new();
    let (mut shown, mut hidden) = (0usize, 0usize);
    for hunk in diff.unified_diff().context_radius(2).iter_hunks() {
        if shown == max_lines {
            hidden += hunk
                .iter_changes()
                .filter(|c| c.tag() != similar::ChangeTag::Equal)
                .count();
            continue;
        }
        out.push_str(&format!("{}\n", hunk.header()));
        for change in hunk.iter_changes() {
            let sign = match change.tag() {
                similar::ChangeTag::Equal => ' ',
                similar::ChangeTag::Delete => '-',
                similar::ChangeTag::Insert => '+',
            };
            if sign != ' ' {
                if shown == max_lines {
                    hidden += 1;
                    continue;
                }
                shown += 1;
            } else if shown == max_lines {
                continue;
            }
            let line = change.value();
            out.push(sign);
            out.push_str(line.strip_suffix('\n').unwrap_or(line));
            out.push('\n');
        }
    }
    if hidden > 0 {
        out.push_str(&format!("... {hidden} more changed lines\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_is_bounded() {
        let d = bounded_diff("a\nb\nc\nz\n", "a\nx\ny\nq\nz\n", 3);
        assert_eq!(
            d,
            "@@ -1,4 +1,5 @@\n a\n-b\n-c\n+x\n... 2 more changed lines\n"
        );
    }

    #[test]
    fn diff_shows_only_what_changed_with_context() {
        // One line changed in the middle of a long file: one hunk, two lines of context,
        // nothing of the unchanged rest (which a prefix/suffix trim would have printed whole
        // once a second, distant change was made).
        let old: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let new = old
            .replace("line 10\n", "line ten\n")
            .replace("line 90\n", "line ninety\n");
        assert_eq!(
            bounded_diff(&old, &new, 20),
            "@@ -9,5 +9,5 @@\n line 8\n line 9\n-line 10\n+line ten\n line 11\n line 12\n\
             @@ -89,5 +89,5 @@\n line 88\n line 89\n-line 90\n+line ninety\n line 91\n line 92\n"
        );
        assert_eq!(
            bounded_diff(&old, &new, 2),
            "@@ -9,5 +9,5 @@\n line 8\n line 9\n-line 10\n+line ten\n\
             ... 2 more changed lines\n"
        );
    }

    #[test]
    fn write_then_check_round_trip() {
        let dir = std::env::temp_dir().join(format!("waldur-codegen-sync-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src/old")).unwrap();
        std::fs::write(dir.join("src/old/stale.rs"), "x").unwrap();
        let files: BTreeMap<String, String> = [
            ("Cargo.toml".to_string(), "a\n".to_string()),
            ("src/lib.rs".to_string(), "b\n".to_string()),
        ]
        .into();
        let check = sync_dir(&dir, &files, Mode::Check).unwrap();
        assert_eq!(
            check,
            vec![
                Change::Created("Cargo.toml".into()),
                Change::Created("src/lib.rs".into()),
                Change::Deleted("src/old/stale.rs".into())
            ]
        );
        assert!(
            dir.join("src/old/stale.rs").exists(),
            "check mode changes nothing"
        );
        sync_dir(&dir, &files, Mode::Write).unwrap();
        assert!(!dir.join("src/old").exists());
        assert_eq!(sync_dir(&dir, &files, Mode::Check).unwrap(), vec![]);
        std::fs::write(dir.join("src/lib.rs"), "c\n").unwrap();
        assert_eq!(
            sync_dir(&dir, &files, Mode::Check).unwrap(),
            vec![Change::Updated {
                path: "src/lib.rs".into(),
                diff: "@@ -1 +1 @@\n-c\n+b\n".into()
            }]
        );
        // A checkout with CRLF line ends is not drift; other differences still are.
        std::fs::write(dir.join("src/lib.rs"), "b\r\n").unwrap();
        assert_eq!(sync_dir(&dir, &files, Mode::Check).unwrap(), vec![]);
        std::fs::write(dir.join("Cargo.toml"), "a\r\nb\r\n").unwrap();
        assert_eq!(
            sync_dir(&dir, &files, Mode::Check).unwrap(),
            vec![Change::Updated {
                path: "Cargo.toml".into(),
                diff: "@@ -1,2 +1 @@\n a\n-b\n".into()
            }]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn many_files_are_reported_in_path_order() {
        let dir = std::env::temp_dir().join(format!("waldur-codegen-order-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let files: BTreeMap<String, String> = (0..50)
            .map(|i| (format!("src/f{i:02}.rs"), format!("{i}\n")))
            .collect();
        let created = sync_dir(&dir, &files, Mode::Write).unwrap();
        let paths: Vec<&str> = created.iter().map(Change::path).collect();
        let expected: Vec<&str> = files.keys().map(String::as_str).collect();
        assert_eq!(paths, expected);
        assert_eq!(
            std::fs::read_to_string(dir.join("src/f49.rs")).unwrap(),
            "49\n"
        );
        assert_eq!(sync_dir(&dir, &files, Mode::Check).unwrap(), vec![]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
