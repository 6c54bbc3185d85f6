//! Annotations at the end of a Description cell (FORMAT.md, 5), parsed from the raw text:
//!
//! - `` <br>_Enum: `a`, `b`_ `` (in query tables also at the very start, without `<br>`);
//! - `` <br>_Constraints: write-only, default: `x`_ `` (request bodies);
//! - `` <br>_Default: `x`_ `` (query parameters; historically followed by an `_Enum_`).
//!
//! Values are Python reprs (`False`, `1000.0`, `{}`), and the empty string is written as two
//! bare backticks, so the value is converted with the row's type ([`default_value`]).
//!
//! The pages have only ever printed `write-only` and `default` as constraints. The other
//! validation keywords a generator could print are read too, so a page that starts printing
//! them is not rejected and nothing it says is lost: `read-only`, `nullable`, and
//! `<keyword>: <value>` items for `minimum`, `maximum`, `exclusiveMinimum`,
//! `exclusiveMaximum`, `multipleOf`, `minLength`, `maxLength`, `pattern`, `minItems` and
//! `maxItems`. A keyword is matched without regard to case, spaces, `-` and `_` (`max
//! length`, `max-length` and `maxLength` are one keyword; `min`/`max` are short for
//! `minimum`/`maximum`). A value is written in backticks or bare up to the next `, `; a
//! `pattern` must be in backticks, since a regular expression may contain `, `.

use serde_json::Value;

use crate::ir::{Constraints, EnumValue, Scalar, Ty};
use crate::markdown::types::CellType;

/// A Description cell split into its text and its annotations.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Annotated<'a> {
    /// The free text, `<br>` turned into newlines, trimmed; `None` when empty.
    pub text: Option<String>,
    pub enum_values: Option<Vec<&'a str>>,
    pub default: Option<&'a str>,
    pub write_only: bool,
    pub read_only: bool,
    pub nullable: bool,
    /// The validation keywords of the `_Constraints:` annotation.
    pub constraints: Constraints,
}

const KINDS: [&str; 3] = ["_Enum: ", "_Constraints: ", "_Default: "];

/// The `_Constraints:` grammar, for messages.
const CONSTRAINTS: &str = "_Constraints: write-only, read-only, nullable, default: `value` or \
                           <keyword>: `value` items (minimum, maximum, minLength, maxLength, \
                           pattern, ...), separated by ', '_";

/// Splits the annotations off the end of `cell`. The error is the diagnostic message.
pub(crate) fn parse_cell(cell: &str) -> Result<Annotated<'_>, String> {
    let mut out = Annotated::default();
    let mut rest = cell.trim_end();
    // Annotations are appended one after another, so peel them off from the end.
    while let Some((start, kind)) = last_annotation(rest) {
        let body = rest
            .get(start + kind.len()..)
            .and_then(|b| b.strip_suffix('_'))
            .ok_or_else(|| malformed(kind, rest.get(start..).unwrap_or(rest)))?;
        match kind {
            "_Enum: " => {
                let values = backticked_list(body).ok_or_else(|| malformed(kind, body))?;
                if out.enum_values.replace(values).is_some() {
                    return Err("two _Enum annotations in one cell".to_string());
                }
            }
            "_Default: " => {
                let value = backticked(body).filter(|(_, r)| r.is_empty());
                let (value, _) = value.ok_or_else(|| malformed(kind, body))?;
                set_default(&mut out, value)?;
            }
            _ => parse_constraints(body, &mut out)?,
        }
        rest = rest.get(..start).unwrap_or_default();
        rest = rest.strip_suffix("<br>").unwrap_or(rest);
    }
    if let Some(kind) = KINDS.iter().find(|k| rest.contains(k.trim_end())) {
        return Err(format!(
            "malformed {} annotation: expected it at the end of the cell after '<br>', found '{cell}'",
            kind.trim_end_matches(": ")
        ));
    }
    let text = rest.replace("<br>", "\n");
    let text = text.trim();
    out.text = (!text.is_empty()).then(|| text.to_string());
    Ok(out)
}

/// The last annotation of `text` that starts the cell or follows `<br>`: (offset, kind).
fn last_annotation(text: &str) -> Option<(usize, &'static str)> {
    if !text.ends_with('_') {
        return None;
    }
    KINDS
        .iter()
        .filter_map(|kind| {
            let start = text.rfind(kind)?;
            let prefix = text.get(..start)?;
            (prefix.is_empty() || prefix.ends_with("<br>")).then_some((start, *kind))
        })
        .max_by_key(|(start, _)| *start)
}

fn malformed(kind: &str, found: &str) -> String {
    let expected = match kind {
        "_Enum: " => "_Enum: `a`, `b`, ..._",
        "_Default: " => "_Default: `value`_",
        _ => CONSTRAINTS,
    };
    format!(
        "malformed {} annotation: expected '{expected}', found '{found}'",
        kind.trim_end_matches(": ")
    )
}

/// `` `a`, `b` `` -> [a, b].
fn backticked_list(mut text: &str) -> Option<Vec<&str>> {
    let mut values = Vec::new();
    loop {
        let (value, rest) = backticked(text)?;
        values.push(value);
        if rest.is_empty() {
            return Some(values);
        }
        text = rest.strip_prefix(", ")?;
    }
}

/// `` `value`rest `` -> (value, rest). ``` `` ``` is the empty string.
fn backticked(text: &str) -> Option<(&str, &str)> {
    let inner = text.strip_prefix('`')?;
    let end = inner.find('`')?;
    Some((inner.get(..end)?, inner.get(end + 1..)?))
}

/// `write-only`, `read-only`, `nullable` and `` <keyword>: `x` `` items separated by `, `.
/// The error is the diagnostic message.
fn parse_constraints<'a>(mut text: &'a str, out: &mut Annotated<'a>) -> Result<(), String> {
    let whole = text;
    let bad = || malformed("_Constraints: ", whole);
    loop {
        let flag = ["write-only", "read-only", "nullable"]
            .into_iter()
            .find(|f| {
                text.strip_prefix(f)
                    .is_some_and(|r| r.is_empty() || r.starts_with(", "))
            });
        if let Some(flag) = flag {
            match flag {
                "write-only" => out.write_only = true,
                "read-only" => out.read_only = true,
                _ => out.nullable = true,
            }
            text = text.get(flag.len()..).unwrap_or_default();
        } else {
            let (keyword, rest) = text
                .split_once(": ")
                .filter(|(k, _)| {
                    !k.is_empty()
                        && k.bytes()
                            .all(|b| b.is_ascii_alphabetic() || matches!(b, b' ' | b'-' | b'_'))
                })
                .ok_or_else(bad)?;
            let key: String = keyword
                .chars()
                .filter(|c| !matches!(c, ' ' | '-' | '_'))
                .map(|c| c.to_ascii_lowercase())
                .collect();
            let (value, rest) = match backticked(rest) {
                Some(quoted) => quoted,
                // Defaults and patterns are texts of their own: only backticks delimit them.
                None if key == "default" || key == "pattern" => return Err(bad()),
                // A bare value runs to the next `, ` (left in `rest` for the loop below).
                None => match rest.find(", ") {
                    Some(end) => (
                        rest.get(..end).unwrap_or(rest),
                        rest.get(end..).unwrap_or(""),
                    ),
                    None => (rest, ""),
                },
            };
            constraint(&key, keyword, value, out)?;
            text = rest;
        }
        if text.is_empty() {
            return Ok(());
        }
        text = text.strip_prefix(", ").ok_or_else(bad)?;
    }
}

/// One `<keyword>: <value>` item of a `_Constraints:` annotation; `key` is the keyword
/// lower-cased without spaces, `-` and `_`.
fn constraint<'a>(
    key: &str,
    keyword: &str,
    value: &'a str,
    out: &mut Annotated<'a>,
) -> Result<(), String> {
    fn put<T>(slot: &mut Option<T>, value: T, keyword: &str) -> Result<(), String> {
        match slot.replace(value) {
            Some(_) => Err(format!("two `{keyword}` constraints in one cell")),
            None => Ok(()),
        }
    }
    let number = |v: &str| {
        v.parse::<serde_json::Number>()
            .map_err(|_| format!("constraint `{keyword}` expects a number, found `{v}`"))
    };
    let count = |v: &str| {
        v.parse::<u64>().map_err(|_| {
            format!("constraint `{keyword}` expects a non-negative integer, found `{v}`")
        })
    };
    let c = &mut out.constraints;
    match key {
        "default" => set_default(out, value),
        "minimum" | "min" => put(&mut c.minimum, number(value)?, keyword),
        "maximum" | "max" => put(&mut c.maximum, number(value)?, keyword),
        "exclusiveminimum" | "exclusivemin" => {
            c.exclusive_minimum = true;
            put(&mut c.minimum, number(value)?, keyword)
        }
        "exclusivemaximum" | "exclusivemax" => {
            c.exclusive_maximum = true;
            put(&mut c.maximum, number(value)?, keyword)
        }
        "multipleof" => put(&mut c.multiple_of, number(value)?, keyword),
        "minlength" => put(&mut c.min_length, count(value)?, keyword),
        "maxlength" => put(&mut c.max_length, count(value)?, keyword),
        "minitems" => put(&mut c.min_items, count(value)?, keyword),
        "maxitems" => put(&mut c.max_items, count(value)?, keyword),
        "pattern" => put(&mut c.pattern, value.to_string(), keyword),
        _ => Err(format!(
            "unknown constraint `{keyword}`: expected write-only, read-only, nullable, default, \
             minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf, minLength, \
             maxLength, pattern, minItems or maxItems"
        )),
    }
}

fn set_default<'a>(out: &mut Annotated<'a>, value: &'a str) -> Result<(), String> {
    match out.default.replace(value) {
        Some(_) => Err("two defaults in one cell".to_string()),
        None => Ok(()),
    }
}

/// Converts enum values with the row type: integer enums become [`EnumValue::Int`].
pub(crate) fn enum_values(ty: &Ty, values: &[&str]) -> Result<Vec<EnumValue>, String> {
    let integer = matches!(
        ty,
        Ty::Scalar {
            scalar: Scalar::Integer { .. }
        }
    );
    values
        .iter()
        .map(|v| {
            if integer {
                v.parse()
                    .map(EnumValue::Int)
                    .map_err(|_| format!("enum value `{v}` of an integer row is not an integer"))
            } else {
                Ok(EnumValue::Str((*v).to_string()))
            }
        })
        .collect()
}

/// Converts a printed default (a Python repr) using the row's type.
pub(crate) fn default_value(cell_type: &CellType, raw: &str) -> Result<Value, String> {
    let mismatch = |what: &str| format!("default `{raw}` is not {what}");
    match cell_type {
        CellType::Leaf(Ty::Scalar { scalar }) => match scalar {
            Scalar::Boolean => python_bool(raw)
                .map(Value::Bool)
                .ok_or_else(|| mismatch("True or False")),
            Scalar::Integer { .. } => raw
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| mismatch("an integer")),
            Scalar::Number { .. } => number(raw).ok_or_else(|| mismatch("a number")),
            // Strings are printed unquoted; ``` `` ``` is the empty string.
            Scalar::String { .. } => Ok(Value::String(raw.to_string())),
        },
        CellType::Leaf(Ty::Any) => Ok(any_value(raw)),
        CellType::Object => match raw {
            "{}" => Ok(Value::Object(serde_json::Map::new())),
            _ => Err(mismatch("an object ({})")),
        },
        CellType::Leaf(Ty::Array { .. }) | CellType::BareArray | CellType::ArrayOfObjects => {
            match raw {
                "[]" => Ok(Value::Array(Vec::new())),
                _ => Err(mismatch("a list ([])")),
            }
        }
        CellType::Leaf(_) => Err(mismatch("convertible for this type")),
    }
}

fn python_bool(raw: &str) -> Option<bool> {
    match raw {
        "True" | "true" => Some(true),
        "False" | "false" => Some(false),
        _ => None,
    }
}

fn number(raw: &str) -> Option<Value> {
    if let Ok(i) = raw.parse::<i64>() {
        return Some(Value::from(i));
    }
    raw.parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map(Value::Number)
}

/// `any` rows are composed schemas (mostly enums behind `allOf`): guess from the repr.
fn any_value(raw: &str) -> Value {
    match raw {
        "{}" => Value::Object(serde_json::Map::new()),
        "[]" => Value::Array(Vec::new()),
        "None" => Value::Null,
        _ => python_bool(raw)
            .map(Value::Bool)
            .or_else(|| number(raw))
            .unwrap_or_else(|| Value::String(raw.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int() -> CellType {
        CellType::Leaf(Ty::Scalar {
            scalar: Scalar::Integer { format: None },
        })
    }

    #[test]
    fn enum_forms() {
        let a = parse_cell("<br>_Enum: `gp2`, `io1`, `standard`_").unwrap();
        assert_eq!(a.enum_values, Some(vec!["gp2", "io1", "standard"]));
        assert_eq!(a.text, None);
        let a = parse_cell("_Enum: `debug`, `info`_").unwrap();
        assert_eq!(a.enum_values, Some(vec!["debug", "info"]));
        let a = parse_cell("Direction<br><br><br>_Enum: `ingress`, `egress`_").unwrap();
        assert_eq!(a.text.as_deref(), Some("Direction"));
        assert_eq!(a.enum_values, Some(vec!["ingress", "egress"]));
    }

    #[test]
    fn constraints_and_defaults() {
        let a = parse_cell("<br>_Constraints: write-only, default: `False`_").unwrap();
        assert!(a.write_only);
        assert_eq!(a.default, Some("False"));
        let a = parse_cell("Prefix<br>_Constraints: default: ``_").unwrap();
        assert_eq!(
            (a.text.as_deref(), a.default, a.write_only),
            (Some("Prefix"), Some(""), false)
        );
        let a = parse_cell("Pattern<br>_Constraints: default: `${resource_slug}_${role_name}`_")
            .unwrap();
        assert_eq!(a.default, Some("${resource_slug}_${role_name}"));
        let a = parse_cell("Include all<br>_Default: `False`_").unwrap();
        assert_eq!(
            (a.text.as_deref(), a.default),
            (Some("Include all"), Some("False"))
        );
        let a = parse_cell("Scope<br>_Default: `all`_<br>_Enum: `customer`, `all`_").unwrap();
        assert_eq!(a.default, Some("all"));
        assert_eq!(a.enum_values, Some(vec!["customer", "all"]));
    }

    #[test]
    fn every_constraint_keyword() {
        let a = parse_cell(
            "Name<br>_Constraints: write-only, read-only, nullable, minLength: `1`, \
             max length: 255, pattern: `^[a-z]+, ok$`, minimum: `-5`, maximum: `1.5`, \
             multiple-of: `0.5`, min_items: 1, MaxItems: `3`, default: `abc`_",
        )
        .unwrap();
        assert_eq!(a.text.as_deref(), Some("Name"));
        assert!(a.write_only && a.read_only && a.nullable);
        assert_eq!(a.default, Some("abc"));
        let number = |s: &str| Some(s.parse::<serde_json::Number>().unwrap());
        assert_eq!(
            a.constraints,
            Constraints {
                minimum: number("-5"),
                maximum: number("1.5"),
                multiple_of: number("0.5"),
                min_length: Some(1),
                max_length: Some(255),
                pattern: Some("^[a-z]+, ok$".into()),
                min_items: Some(1),
                max_items: Some(3),
                ..Constraints::default()
            }
        );
        let a =
            parse_cell("<br>_Constraints: exclusiveMinimum: `0`, exclusive max: `10`_").unwrap();
        assert_eq!(
            a.constraints,
            Constraints {
                minimum: number("0"),
                exclusive_minimum: true,
                maximum: number("10"),
                exclusive_maximum: true,
                ..Constraints::default()
            }
        );
    }

    #[test]
    fn bad_constraints_are_errors() {
        assert_eq!(
            parse_cell("<br>_Constraints: maxLength: `-1`_"),
            Err("constraint `maxLength` expects a non-negative integer, found `-1`".to_string())
        );
        assert_eq!(
            parse_cell("<br>_Constraints: minimum: many_"),
            Err("constraint `minimum` expects a number, found `many`".to_string())
        );
        assert_eq!(
            parse_cell("<br>_Constraints: max: `1`, maximum: `2`_"),
            Err("two `maximum` constraints in one cell".to_string())
        );
        assert_eq!(
            parse_cell("<br>_Constraints: unique: `true`_"),
            Err(
                "unknown constraint `unique`: expected write-only, read-only, nullable, default, \
                 minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf, minLength, \
                 maxLength, pattern, minItems or maxItems"
                    .to_string()
            )
        );
        assert_eq!(
            parse_cell("<br>_Constraints: pattern: ^a+$_"),
            Err(format!(
                "malformed _Constraints annotation: expected '{CONSTRAINTS}', found 'pattern: ^a+$'"
            ))
        );
    }

    #[test]
    fn text_keeps_code_spans_and_placeholders() {
        let a = parse_cell("IP `<ip>` of <name><br>second line").unwrap();
        assert_eq!(a.text.as_deref(), Some("IP `<ip>` of <name>\nsecond line"));
        assert_eq!(
            parse_cell("State<br><br>").unwrap().text.as_deref(),
            Some("State")
        );
    }

    #[test]
    fn malformed_annotations_are_errors() {
        assert_eq!(
            parse_cell("<br>_Enum: gp2, io1_"),
            Err(
                "malformed _Enum annotation: expected '_Enum: `a`, `b`, ..._', found 'gp2, io1'"
                    .to_string()
            )
        );
        assert_eq!(
            parse_cell("<br>_Constraints: read-only; nullable_"),
            Err(format!(
                "malformed _Constraints annotation: expected '{CONSTRAINTS}', found \
                 'read-only; nullable'"
            ))
        );
        assert_eq!(
            parse_cell("text _Enum: `a`_ more"),
            Err(
                "malformed _Enum annotation: expected it at the end of the cell after '<br>', \
                 found 'text _Enum: `a`_ more'"
                    .to_string()
            )
        );
    }

    #[test]
    fn defaults_follow_the_row_type() {
        let boolean = CellType::Leaf(Ty::Scalar {
            scalar: Scalar::Boolean,
        });
        let number = CellType::Leaf(Ty::Scalar {
            scalar: Scalar::Number { format: None },
        });
        assert_eq!(default_value(&boolean, "False"), Ok(Value::Bool(false)));
        assert_eq!(default_value(&int(), "60000"), Ok(Value::from(60000)));
        assert_eq!(
            default_value(&number, "1000.0"),
            Ok(serde_json::json!(1000.0))
        );
        assert_eq!(
            default_value(&CellType::Leaf(Ty::string()), ""),
            Ok(Value::from(""))
        );
        assert_eq!(
            default_value(&CellType::Leaf(Ty::Any), "{}"),
            Ok(serde_json::json!({}))
        );
        assert_eq!(
            default_value(&CellType::Leaf(Ty::Any), "IPv4"),
            Ok(Value::from("IPv4"))
        );
        assert_eq!(
            default_value(&boolean, "yes"),
            Err("default `yes` is not True or False".into())
        );
        assert_eq!(
            enum_values(
                &Ty::Scalar {
                    scalar: Scalar::Integer { format: None }
                },
                &["1", "6"]
            ),
            Ok(vec![EnumValue::Int(1), EnumValue::Int(6)])
        );
    }
}
