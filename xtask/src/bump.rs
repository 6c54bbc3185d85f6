//! `cargo xtask codegen --bump`: sets `crate.version` in `spec/codegen.yaml` to the version the
//! API change calls for, then regenerates.
//!
//! The bump is always taken from the version committed at `HEAD` and the diff of `spec/` at
//! `HEAD` against the working tree ([`crate::diff::head_vs_worktree`]), so running it twice
//! bumps once. A `0.x` crate gets [`ApiDiff::suggested_bump`] (a compile break bumps the minor
//! version), a `>= 1.0` crate [`ApiDiff::suggested_bump_stable`]. A version already at or
//! above the bumped one (set by hand) is left alone.

use std::path::Path;

use waldur_codegen::diff::{ApiDiff, SemverBump};

/// What `--bump` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// `from` (at `HEAD`) became `to` in the working tree.
    Bumped {
        from: String,
        to: String,
        bump: SemverBump,
    },
    /// The working tree's version already is (or is above) what the change calls for.
    Kept { version: String, bump: SemverBump },
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Bumped { from, to, bump } => write!(
                f,
                "bumped crate.version in spec/codegen.yaml: {from} -> {to} ({} bump)",
                bump.as_str()
            ),
            Outcome::Kept { version, bump } => write!(
                f,
                "crate.version in spec/codegen.yaml stays {version} (the change calls for a {} \
                 bump from HEAD's version)",
                bump.as_str()
            ),
        }
    }
}

/// Applies the bump the working tree's `spec/` calls for to `<root>/spec/codegen.yaml`.
pub fn run(root: &Path) -> Result<Outcome, String> {
    let d = crate::diff::head_vs_worktree(root)?;
    let config = root.join(crate::codegen::CONFIG);
    let head = crate::diff::git(root, &["show", &format!("HEAD:{}", crate::codegen::CONFIG)])?;
    let head = String::from_utf8(head).map_err(|_| "HEAD's spec/codegen.yaml is not UTF-8")?;
    let text =
        std::fs::read_to_string(&config).map_err(|e| format!("{}: {e}", config.display()))?;
    let outcome = plan(&head, &text, &d)?;
    if let Outcome::Bumped { to, .. } = &outcome {
        std::fs::write(&config, set_crate_version(&text, to)?)
            .map_err(|e| format!("{}: {e}", config.display()))?;
    }
    Ok(outcome)
}

/// The outcome of bumping the working tree's config `text`, given the config at `HEAD`.
pub fn plan(head: &str, text: &str, d: &ApiDiff) -> Result<Outcome, String> {
    let from = crate_version(head).map_err(|e| format!("HEAD:spec/codegen.yaml: {e}"))?;
    let current = crate_version(text).map_err(|e| format!("spec/codegen.yaml: {e}"))?;
    let base = parse(&from).map_err(|e| format!("HEAD:spec/codegen.yaml: {e}"))?;
    let bump = if base.0 == 0 {
        d.suggested_bump()
    } else {
        d.suggested_bump_stable()
    };
    let to = apply(base, bump);
    let now = parse(&current).map_err(|e| format!("spec/codegen.yaml: {e}"))?;
    if now >= to {
        return Ok(Outcome::Kept {
            version: current,
            bump,
        });
    }
    Ok(Outcome::Bumped {
        from,
        to: format!("{}.{}.{}", to.0, to.1, to.2),
        bump,
    })
}

fn apply((major, minor, patch): (u64, u64, u64), bump: SemverBump) -> (u64, u64, u64) {
    match bump {
        SemverBump::None => (major, minor, patch),
        SemverBump::Patch => (major, minor, patch + 1),
        SemverBump::Minor => (major, minor + 1, 0),
        SemverBump::Major => (major + 1, 0, 0),
    }
}

/// `MAJOR.MINOR.PATCH`; pre-release and build suffixes are not bumped automatically.
fn parse(version: &str) -> Result<(u64, u64, u64), String> {
    let parts: Vec<&str> = version.split('.').collect();
    let number = |s: &str| s.parse::<u64>().ok();
    match parts.as_slice() {
        [a, b, c] => match (number(a), number(b), number(c)) {
            (Some(a), Some(b), Some(c)) => Ok((a, b, c)),
            _ => Err(format!(
                "crate.version `{version}`: expected MAJOR.MINOR.PATCH, three numbers"
            )),
        },
        _ => Err(format!(
            "crate.version `{version}`: expected MAJOR.MINOR.PATCH, three numbers"
        )),
    }
}

/// The line of `version:` directly under the top-level `crate:` key, and its value.
fn version_line(text: &str) -> Result<(usize, String), String> {
    let mut in_crate = false;
    for (i, line) in text.lines().enumerate() {
        if !line.starts_with([' ', '\t', '#']) && !line.is_empty() {
            in_crate = line.trim_end() == "crate:";
            continue;
        }
        if !in_crate {
            continue;
        }
        let Some(rest) = line.strip_prefix("  version:") else {
            continue;
        };
        let value = rest.split(" #").next().unwrap_or("").trim();
        let value = value.trim_matches(|c| c == '"' || c == '\'');
        return Ok((i, value.to_owned()));
    }
    Err("no `version:` under `crate:`".to_owned())
}

/// `crate.version` of a `codegen.yaml`.
pub fn crate_version(text: &str) -> Result<String, String> {
    version_line(text).map(|(_, v)| v)
}

/// `text` with `crate.version` set to `version`; every other byte as it was.
pub fn set_crate_version(text: &str, version: &str) -> Result<String, String> {
    let (index, _) = version_line(text)?;
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i == index {
            let ending = &line[line.trim_end_matches(['\n', '\r']).len()..];
            out.push_str("  version: ");
            out.push_str(version);
            out.push_str(ending);
        } else {
            out.push_str(line);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use waldur_codegen::diff::{Summary, diff};
    use waldur_codegen::ir::Api;

    const CONFIG: &str = "# config\nspecs:\n  - reference/\ncrate:\n  name: waldur-client\n  \
                          version: 0.1.0  # bumped by --bump\n  description: x\nruntime:\n  \
                          version: 9.9.9\n";

    fn with_bumps(bump: SemverBump, stable: SemverBump) -> ApiDiff {
        let mut d = diff(&Api::default(), &Api::default());
        d.summary = Summary {
            suggested_bump: bump,
            suggested_bump_stable: stable,
            ..Summary::default()
        };
        d
    }

    #[test]
    fn the_version_under_crate_is_read_and_replaced_alone() {
        assert_eq!(crate_version(CONFIG), Ok("0.1.0".to_owned()));
        assert_eq!(
            set_crate_version(CONFIG, "0.2.0"),
            Ok(CONFIG.replace(
                "  version: 0.1.0  # bumped by --bump\n",
                "  version: 0.2.0\n"
            ))
        );
        assert_eq!(
            crate_version("crate:\n  name: x\n"),
            Err("no `version:` under `crate:`".to_owned())
        );
    }

    #[test]
    fn a_0x_crate_takes_the_0x_bump_and_a_stable_one_the_stable_bump() {
        let d = with_bumps(SemverBump::Minor, SemverBump::Major);
        assert_eq!(
            plan(CONFIG, CONFIG, &d),
            Ok(Outcome::Bumped {
                from: "0.1.0".to_owned(),
                to: "0.2.0".to_owned(),
                bump: SemverBump::Minor
            })
        );
        let stable = CONFIG.replace("0.1.0", "1.4.2");
        assert_eq!(
            plan(&stable, &stable, &d),
            Ok(Outcome::Bumped {
                from: "1.4.2".to_owned(),
                to: "2.0.0".to_owned(),
                bump: SemverBump::Major
            })
        );
        let patch = with_bumps(SemverBump::Patch, SemverBump::Minor);
        assert_eq!(
            plan(CONFIG, CONFIG, &patch).map(|o| o.to_string()),
            Ok("bumped crate.version in spec/codegen.yaml: 0.1.0 -> 0.1.1 (patch bump)".to_owned())
        );
    }

    #[test]
    fn bumping_twice_bumps_once_and_a_higher_version_is_kept() {
        let d = with_bumps(SemverBump::Minor, SemverBump::Major);
        let once = set_crate_version(CONFIG, "0.2.0").unwrap_or_default();
        assert_eq!(
            plan(CONFIG, &once, &d),
            Ok(Outcome::Kept {
                version: "0.2.0".to_owned(),
                bump: SemverBump::Minor
            })
        );
        let by_hand = set_crate_version(CONFIG, "0.5.0").unwrap_or_default();
        assert!(matches!(
            plan(CONFIG, &by_hand, &d),
            Ok(Outcome::Kept { version, .. }) if version == "0.5.0"
        ));
        assert_eq!(
            plan(&CONFIG.replace("0.1.0", "0.1.0-rc.1"), CONFIG, &d),
            Err(
                "HEAD:spec/codegen.yaml: crate.version `0.1.0-rc.1`: expected MAJOR.MINOR.PATCH, \
                 three numbers"
                    .to_owned()
            )
        );
    }
}
