//! Type strings of the `Type` column (FORMAT.md, 4).
//!
//! Grammar: `type := scalar | "array of " scalar "s"`, `scalar := base [" (" format ")"]`. The
//! plural `s` comes *after* the format (`array of string (uri)s`).

use crate::ir::{Scalar, Ty};

/// What a type string says about a row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CellType {
    /// A complete type (scalars, `any`, `object (free-form)`, arrays of those).
    Leaf(Ty),
    /// `array` with no item type (query parameters only: `field`, `o`, `state`, ...).
    BareArray,
    /// `object`: its fields are the dotted rows that follow.
    Object,
    /// `array of objects`: the item fields are the dotted rows that follow.
    ArrayOfObjects,
}

const EXPECTED: &str = "string, integer, number, boolean, any, object, object (free-form), \
                        array, a scalar with a format such as \"string (uuid)\", or \
                        \"array of <type>s\" such as \"array of strings\"";

/// Parses a type string; the error is the diagnostic message.
pub(crate) fn parse_type(text: &str) -> Result<CellType, String> {
    parse(text).ok_or_else(|| format!("unknown type string \"{text}\": expected {EXPECTED}"))
}

/// A type string as a complete IR type, for places without dotted child rows (the config's
/// field overrides): `object` and `array of objects` mean free-form objects there.
pub fn parse_type_string(text: &str) -> Result<Ty, String> {
    let free = || Ty::Map {
        values: Box::new(Ty::Any),
    };
    Ok(match parse_type(text)? {
        CellType::Leaf(ty) => ty,
        CellType::BareArray => Ty::array(Ty::string()),
        CellType::Object => free(),
        CellType::ArrayOfObjects => Ty::array(free()),
    })
}

fn parse(text: &str) -> Option<CellType> {
    if let Some(item) = text.strip_prefix("array of ") {
        let (base, format) = split_format(item.strip_suffix('s')?)?;
        return match (base, format) {
            ("object", None) => Some(CellType::ArrayOfObjects),
            ("object", Some("free-form")) | ("any", None) => {
                Some(CellType::Leaf(Ty::array(Ty::Any)))
            }
            ("array", None) => Some(CellType::Leaf(Ty::array(Ty::array(Ty::Any)))),
            _ => scalar(base, format).map(|s| CellType::Leaf(Ty::array(Ty::Scalar { scalar: s }))),
        };
    }
    let (base, format) = split_format(text)?;
    match (base, format) {
        ("any", None) | ("object", Some("free-form")) => Some(CellType::Leaf(Ty::Any)),
        ("object", None) => Some(CellType::Object),
        ("array", None) => Some(CellType::BareArray),
        _ => scalar(base, format).map(|scalar| CellType::Leaf(Ty::Scalar { scalar })),
    }
}

/// `string (uuid)` -> (`string`, `uuid`); the format is `[a-z0-9-]+`.
fn split_format(text: &str) -> Option<(&str, Option<&str>)> {
    let Some((base, rest)) = text.split_once(" (") else {
        return Some((text, None));
    };
    let format = rest.strip_suffix(')')?;
    let valid = !format.is_empty()
        && format
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    valid.then_some((base, Some(format)))
}

fn scalar(base: &str, format: Option<&str>) -> Option<Scalar> {
    let format = format.map(str::to_string);
    Some(match base {
        "string" => Scalar::String { format },
        "integer" => Scalar::Integer { format },
        "number" => Scalar::Number { format },
        "boolean" if format.is_none() => Scalar::Boolean,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(format: Option<&str>) -> Ty {
        Ty::Scalar {
            scalar: Scalar::String {
                format: format.map(str::to_string),
            },
        }
    }

    #[test]
    fn every_type_string_of_the_inventory() {
        let int = |f: Option<&str>| Ty::Scalar {
            scalar: Scalar::Integer {
                format: f.map(str::to_string),
            },
        };
        let num = |f: Option<&str>| Ty::Scalar {
            scalar: Scalar::Number {
                format: f.map(str::to_string),
            },
        };
        let boolean = Ty::Scalar {
            scalar: Scalar::Boolean,
        };
        let leaf = CellType::Leaf;
        let cases = [
            ("string", leaf(s(None))),
            ("string (uuid)", leaf(s(Some("uuid")))),
            ("string (uri)", leaf(s(Some("uri")))),
            ("integer", leaf(int(None))),
            ("boolean", leaf(boolean.clone())),
            ("string (date-time)", leaf(s(Some("date-time")))),
            ("any", leaf(Ty::Any)),
            ("object (free-form)", leaf(Ty::Any)),
            ("array of objects", CellType::ArrayOfObjects),
            ("array", CellType::BareArray),
            ("string (decimal)", leaf(s(Some("decimal")))),
            ("array of strings", leaf(Ty::array(s(None)))),
            ("string (date)", leaf(s(Some("date")))),
            ("number (double)", leaf(num(Some("double")))),
            ("string (email)", leaf(s(Some("email")))),
            ("array of anys", leaf(Ty::array(Ty::Any))),
            ("object", CellType::Object),
            ("integer (int64)", leaf(int(Some("int64")))),
            ("string (binary)", leaf(s(Some("binary")))),
            ("array of string (uri)s", leaf(Ty::array(s(Some("uri"))))),
            ("array of string (ipv4)s", leaf(Ty::array(s(Some("ipv4"))))),
            ("number", leaf(num(None))),
            ("array of string (uuid)s", leaf(Ty::array(s(Some("uuid"))))),
            ("integer (uri)", leaf(int(Some("uri")))),
            ("number (float)", leaf(num(Some("float")))),
            (
                "array of string (email)s",
                leaf(Ty::array(s(Some("email")))),
            ),
            (
                "array of number (double)s",
                leaf(Ty::array(num(Some("double")))),
            ),
            (
                "array of string (binary)s",
                leaf(Ty::array(s(Some("binary")))),
            ),
            ("array of arrays", leaf(Ty::array(Ty::array(Ty::Any)))),
        ];
        assert_eq!(cases.len(), 29);
        for (text, expected) in cases {
            assert_eq!(parse_type(text), Ok(expected), "{text}");
        }
        assert_eq!(
            parse_type("array of booleans"),
            Ok(leaf(Ty::array(boolean)))
        );
    }

    #[test]
    fn unknown_type_strings_are_rejected_with_the_grammar() {
        for bad in [
            "strin",
            "array of string",
            "string (UUID)",
            "string ()",
            "string (uuid",
            "boolean (x)",
            "any (x)",
            "object (x)",
            "",
        ] {
            assert!(parse_type(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_type("strin"),
            Err(format!(
                "unknown type string \"strin\": expected {EXPECTED}"
            ))
        );
    }
}
