//! What `cargo xtask roundtrip` checks for each case, and the run over a file of cases.
//!
//! The harness the xtask generates for a whole-API crate is only a `dispatch` from a type
//! index to [`check`] with that type, and a `main` that calls [`run`]; everything else lives
//! here, compiled and tested with the workspace.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::fmt::Write as _;
use std::process::ExitCode;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// How many failing cases are printed in full.
const SHOWN_FAILURES: usize = 40;

/// The problems of one case: `hard` ones (it does not decode, or encodes to other JSON) always
/// fail it; `soft` ones (what it found, with an excerpt) fail only a strict case.
#[derive(Debug, Default, PartialEq)]
pub struct Outcome {
    pub hard: Vec<String>,
    pub soft: Vec<(String, String)>,
}

/// What `Debug` of a generated model prints for values kept raw, besides the enums' catch-all
/// variants: `invalid(..)` fields and the undocumented keys of a model.
const RAW_MARKERS: [(&str, &str); 2] = [
    ("invalid(", "a value decoded as invalid"),
    ("undocumented:", "a documented key was kept as undocumented"),
];

/// Decodes `text` as `T`, looks for values kept raw in its `Debug` (`catch_alls` are the names
/// of the enums' catch-all variants, `Unknown` unless a documented value took the name), and
/// encodes it again. `Err` when it does not decode or encode at all.
pub fn check<T>(text: &str, catch_alls: &[&str]) -> Result<Outcome, String>
where
    T: DeserializeOwned + Serialize + Debug,
{
    let decoded: T = serde_json::from_str(text).map_err(|e| format!("does not decode: {e}"))?;
    let mut outcome = Outcome::default();
    let debug = format!("{decoded:?}");
    for name in catch_alls {
        let marker = format!("{name}(");
        if debug.contains(&marker) {
            outcome.soft.push((
                format!("a documented enum value decoded as {name}"),
                excerpt(&debug, &marker),
            ));
        }
    }
    for (marker, what) in RAW_MARKERS {
        if debug.contains(marker) {
            outcome
                .soft
                .push((what.to_string(), excerpt(&debug, marker)));
        }
    }
    let again = serde_json::to_value(&decoded).map_err(|e| format!("does not encode: {e}"))?;
    let original: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    // Exactly: UUIDs and date-times keep the spelling they arrived in.
    if again != original {
        outcome
            .hard
            .push(format!("encodes to different JSON: {again}"));
    }
    Ok(outcome)
}

/// Up to 200 characters of `text` around the first `marker`.
fn excerpt(text: &str, marker: &str) -> String {
    let at = text.find(marker).unwrap_or(0);
    let start = text[..at]
        .char_indices()
        .rev()
        .nth(80)
        .map_or(0, |(i, _)| i);
    text[start..].chars().take(200).collect()
}

/// The harness's `main`: runs every case of the JSON-lines file named by the first argument
/// (`cases.jsonl` by default; each line `{"case", "ty", "strict", "json"}`) through
/// `dispatch`, prints the failures and a summary, and writes every finding to `findings.txt`.
pub fn run(dispatch: fn(usize, &str) -> Result<Outcome, String>) -> ExitCode {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "cases.jsonl".to_string());
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (mut cases, mut failed) = (0usize, 0usize);
    let mut soft_counts = BTreeMap::<String, usize>::new();
    // Every finding of every case, strict or not, for reading at leisure.
    let mut report = String::new();
    for (number, line) in text.lines().enumerate() {
        let case: Value = match serde_json::from_str(line) {
            Ok(case) => case,
            Err(e) => {
                eprintln!("{path}:{}: not a case: {e}", number + 1);
                return ExitCode::FAILURE;
            }
        };
        let name = case["case"].as_str().unwrap_or("?");
        let ty = case["ty"]
            .as_u64()
            .and_then(|t| usize::try_from(t).ok())
            .unwrap_or(usize::MAX);
        let strict = case["strict"].as_bool().unwrap_or(true);
        let json = case["json"].to_string();
        cases += 1;
        let problems = match dispatch(ty, &json) {
            Ok(outcome) => {
                for (what, excerpt) in &outcome.soft {
                    let _ = writeln!(report, "{name}: {what}: {excerpt}");
                    *soft_counts.entry(what.clone()).or_default() += 1;
                }
                let mut problems = outcome.hard;
                if strict {
                    problems.extend(outcome.soft.into_iter().map(|(w, e)| format!("{w}: {e}")));
                }
                problems
            }
            Err(e) => vec![e],
        };
        if !problems.is_empty() {
            failed += 1;
            if failed <= SHOWN_FAILURES {
                eprintln!("FAIL {name}: {json}");
                for p in problems {
                    eprintln!("    {p}");
                }
            }
        }
    }
    if let Err(e) = std::fs::write("findings.txt", &report) {
        eprintln!("findings.txt: {e}");
    }
    println!("roundtrip: {cases} cases, {failed} failed (every finding: findings.txt)");
    for (what, n) in soft_counts {
        println!("  {n} cases with {what}");
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    /// A stand-in for a generated model: `Debug` shows a catch-all variant when `kind` is not
    /// a documented value, and `Serialize` writes `id` back hyphenated, whatever its spelling.
    #[derive(Deserialize)]
    struct Model {
        id: String,
        kind: String,
    }

    #[derive(Debug)]
    #[allow(dead_code)]
    enum Kind {
        Small,
        Unknown(String),
    }

    impl Debug for Model {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            let kind = match self.kind.as_str() {
                "small" => Kind::Small,
                other => Kind::Unknown(other.to_string()),
            };
            f.debug_struct("Model").field("kind", &kind).finish()
        }
    }

    impl Serialize for Model {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let id = uuid::Uuid::try_parse(&self.id).map_err(serde::ser::Error::custom)?;
            json!({"id": id.hyphenated().to_string(), "kind": self.kind}).serialize(s)
        }
    }

    #[test]
    fn a_value_encoded_back_in_another_spelling_is_a_hard_problem() {
        let outcome = check::<Model>(
            r#"{"id":"3fa85f64-5717-4562-b3fc-2c963f66afa6","kind":"small"}"#,
            &["Unknown"],
        );
        assert_eq!(outcome, Ok(Outcome::default()));
        let outcome = check::<Model>(
            r#"{"id":"0b6a0ac79f1e4b8c9d2e3f4a5b6c7d8e","kind":"small"}"#,
            &["Unknown"],
        )
        .expect("decodes");
        assert_eq!(
            outcome.hard,
            [
                r#"encodes to different JSON: {"id":"0b6a0ac7-9f1e-4b8c-9d2e-3f4a5b6c7d8e","kind":"small"}"#
            ]
        );
    }

    #[test]
    fn a_catch_all_variant_is_a_soft_finding() {
        let outcome = check::<Model>(
            r#"{"id":"3fa85f64-5717-4562-b3fc-2c963f66afa6","kind":"huge"}"#,
            &["Unknown"],
        )
        .expect("decodes");
        assert_eq!(
            outcome.soft,
            [(
                "a documented enum value decoded as Unknown".to_string(),
                r#"Model { kind: Unknown("huge") }"#.to_string()
            )]
        );
        assert!(outcome.hard.is_empty());
    }

    #[test]
    fn other_json_after_encoding_is_a_hard_problem_and_no_decode_an_error() {
        let outcome = check::<Value>(r#"{"n": 1}"#, &[]).expect("decodes");
        assert!(outcome.hard.is_empty());
        let outcome = check::<BTreeMap<String, u8>>(r#"{"n": 1.0}"#, &[]);
        assert_eq!(
            outcome,
            Err("does not decode: invalid type: floating point `1.0`, expected u8 at line 1 column 9".to_string())
        );
        let outcome = check::<BTreeMap<String, f64>>(r#"{"n": 1}"#, &[]).expect("decodes");
        assert_eq!(outcome.hard, ["encodes to different JSON: {\"n\":1.0}"]);
    }
}
