//! The config's per-field type overrides, applied to the named types after the passes.
//!
//! `"OpenStackVolume.metadata": "object (free-form)"` replaces the type of one field; the type is
//! written as the pages write types. Naming a type or field that does not exist is an error: an
//! override that silently matches nothing would hide a renamed field after a doc sync.

use std::collections::BTreeMap;

use crate::Error;
use crate::ir::{Api, TypeDef};
use crate::markdown::parse_type_string;

pub fn apply_field_types(api: &mut Api, overrides: &BTreeMap<String, String>) -> Result<(), Error> {
    let mut problems = Vec::new();
    for (key, type_string) in overrides {
        let Some((type_name, field_name)) = key.split_once('.') else {
            problems.push(format!("field override `{key}`: expected `TypeName.field`"));
            continue;
        };
        let ty = match parse_type_string(type_string) {
            Ok(ty) => ty,
            Err(e) => {
                problems.push(format!("field override `{key}`: {e}"));
                continue;
            }
        };
        match api.types.get_mut(type_name) {
            Some(TypeDef::Object(o)) => match o.fields.iter_mut().find(|f| f.name == field_name) {
                Some(f) => f.ty = ty,
                None => problems.push(format!(
                    "field override `{key}`: type `{type_name}` has no field `{field_name}`"
                )),
            },
            Some(_) => problems.push(format!(
                "field override `{key}`: `{type_name}` is not an object type"
            )),
            None => problems.push(format!(
                "field override `{key}`: no type named `{type_name}`"
            )),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Other(problems.join("\n")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Field, ObjectTy, Scalar, Ty};

    fn api() -> Api {
        let field = Field::new("metadata", Ty::string());
        let mut api = Api::default();
        api.types.insert(
            "Vol".into(),
            TypeDef::Object(ObjectTy {
                fields: vec![field],
                ..ObjectTy::default()
            }),
        );
        api
    }

    #[test]
    fn replaces_a_field_type() {
        let mut api = api();
        let o: BTreeMap<String, String> =
            [("Vol.metadata".to_string(), "integer (int64)".to_string())].into();
        apply_field_types(&mut api, &o).unwrap();
        let TypeDef::Object(obj) = &api.types["Vol"] else {
            panic!()
        };
        assert_eq!(
            obj.fields[0].ty,
            Ty::Scalar {
                scalar: Scalar::Integer {
                    format: Some("int64".into())
                }
            }
        );
    }

    #[test]
    fn reports_every_bad_override() {
        let mut api = api();
        let o: BTreeMap<String, String> = [
            ("Vol.nope".to_string(), "any".to_string()),
            ("Nope.x".to_string(), "any".to_string()),
            ("Vol".to_string(), "any".to_string()),
            ("Vol.metadata".to_string(), "strin".to_string()),
        ]
        .into();
        let err = apply_field_types(&mut api, &o).unwrap_err().to_string();
        assert_eq!(
            err,
            "field override `Nope.x`: no type named `Nope`\n\
             field override `Vol`: expected `TypeName.field`\n\
             field override `Vol.metadata`: unknown type string \"strin\": expected string, integer, number, boolean, any, object, object (free-form), array, a scalar with a format such as \"string (uuid)\", or \"array of <type>s\" such as \"array of strings\"\n\
             field override `Vol.nope`: type `Vol` has no field `nope`"
        );
    }
}
