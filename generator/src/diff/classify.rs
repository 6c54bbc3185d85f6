//! The classification rules: each change's effect on the wire and on the generated crate.
//!
//! Wire effects follow oasdiff's checks (ERR = `breaking`, WARN = `warning`, INFO =
//! `compatible`). "Request" means path, query and header parameters and the request body;
//! "response" means response bodies and headers.
//!
//! | change | wire | Rust |
//! |---|---|---|
//! | operation added | compatible | additive |
//! | operation removed | breaking | break (method removed) |
//! | operation id changed | compatible | break (method renamed) |
//! | tag changed | compatible | break (method moves to another module) |
//! | deprecated / undeprecated | compatible | none (`#[deprecated]` only warns) |
//! | title, description, extension changed | compatible | none |
//! | security changed | warning | none |
//! | parameter or request field added, required | breaking | break (new argument / struct field) |
//! | parameter or request field added, optional | compatible | additive |
//! | parameter or request field removed | warning (the server ignores it) | break |
//! | request value became required | breaking | break |
//! | request value became optional | compatible | break (`T` becomes `Option<T>`) |
//! | request value became nullable / not nullable | compatible / breaking | none |
//! | request type or format changed | breaking | break |
//! | request enum value added / removed | compatible / breaking | additive / break |
//! | default changed | compatible | none |
//! | array style changed | breaking | none |
//! | request body added, required / optional | breaking / compatible | break / additive |
//! | request body removed | warning | break |
//! | preferred media type changed | breaking | break |
//! | accepted media type added / removed | compatible / breaking | none |
//! | response field added | compatible | additive |
//! | response field removed, required / optional | breaking / warning | break |
//! | response value became optional / required | breaking / compatible | none (all optional) |
//! | response value became nullable / not nullable | breaking / compatible | none |
//! | response type or format changed | breaking | break |
//! | response enum value added | warning (clients may not expect it) | additive (`#[non_exhaustive]`) |
//! | response enum value removed | compatible | break (variant removed) |
//! | response added | compatible | none |
//! | success (2xx) response removed | breaking | break if the method's return type changes, else none |
//! | other response removed | compatible | none |
//! | response body kind changed | breaking | break if it is the method's return type, else none |
//! | response header added / removed | compatible / warning | none |
//! | model renamed / replaced | compatible (names are not on the wire) | break |

use super::{ChangeKind, Location, RustEffect, WireEffect};

/// Facts the rules need beyond the change itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Context {
    /// For [`ChangeKind::ResponseRemoved`] and [`ChangeKind::ResponseBodyChanged`]: the
    /// generated method's return type changes (the primary success response is affected).
    pub return_type_changed: bool,
}

/// The effects of a change and, for surprising ones, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Effects {
    pub wire: WireEffect,
    pub rust: RustEffect,
    pub note: Option<&'static str>,
}

const fn fx(wire: WireEffect, rust: RustEffect) -> Effects {
    Effects {
        wire,
        rust,
        note: None,
    }
}

const fn noted(wire: WireEffect, rust: RustEffect, note: &'static str) -> Effects {
    Effects {
        wire,
        rust,
        note: Some(note),
    }
}

/// Classifies one change. `required` is the change's `required` (for added and removed
/// parameters, fields and bodies); `status` its response status.
pub fn classify(
    kind: ChangeKind,
    location: Location,
    required: Option<bool>,
    status: Option<u16>,
    ctx: Context,
) -> Effects {
    use ChangeKind as K;
    use RustEffect::{Additive, Break, None as Unchanged};
    use WireEffect::{Breaking, Compatible, Warning};

    let request = location.is_request();
    let required = required.unwrap_or(false);
    match kind {
        K::OperationAdded => fx(Compatible, Additive),
        K::OperationRemoved => fx(Breaking, Break),
        K::OperationIdChanged => noted(Compatible, Break, "the Rust method is renamed"),
        K::TagChanged => noted(Compatible, Break, "the Rust method moves to another module"),
        K::Deprecated | K::Undeprecated => fx(Compatible, Unchanged),
        K::TitleChanged | K::DescriptionChanged => fx(Compatible, Unchanged),
        K::ExtensionAdded | K::ExtensionRemoved | K::ExtensionChanged => fx(Compatible, Unchanged),
        K::SecurityChanged => noted(Warning, Unchanged, "callers may need other credentials"),
        K::ParameterAdded | K::FieldAdded if request => {
            if required {
                fx(Breaking, Break)
            } else {
                fx(Compatible, Additive)
            }
        }
        K::ParameterAdded | K::FieldAdded => fx(Compatible, Additive),
        K::ParameterRemoved | K::FieldRemoved if request => noted(
            Warning,
            Break,
            "the server ignores it now; Rust code that sets it stops compiling",
        ),
        K::ParameterRemoved | K::FieldRemoved => {
            if required {
                fx(Breaking, Break)
            } else {
                noted(
                    Warning,
                    Break,
                    "an optional response field is no longer sent",
                )
            }
        }
        K::BecameRequired if request => fx(Breaking, Break),
        K::BecameRequired => fx(Compatible, Unchanged),
        K::BecameOptional if request => noted(
            Compatible,
            Break,
            "the Rust argument or field becomes an `Option`",
        ),
        K::BecameOptional => noted(
            Breaking,
            Unchanged,
            "Rust response fields are optional already",
        ),
        K::BecameNullable if request => fx(Compatible, Unchanged),
        K::BecameNullable => fx(Breaking, Unchanged),
        K::BecameNotNullable if request => fx(Breaking, Unchanged),
        K::BecameNotNullable => fx(Compatible, Unchanged),
        K::TypeChanged | K::FormatChanged => fx(Breaking, Break),
        K::EnumValueAdded if request => fx(Compatible, Additive),
        K::EnumValueAdded => noted(
            Warning,
            Additive,
            "old clients may not expect the new value; the Rust enum is non-exhaustive",
        ),
        K::EnumValueRemoved if request => fx(Breaking, Break),
        K::EnumValueRemoved => fx(Compatible, Break),
        K::DefaultChanged => fx(Compatible, Unchanged),
        K::StyleChanged => fx(Breaking, Unchanged),
        K::BodyAdded => {
            if required {
                fx(Breaking, Break)
            } else {
                fx(Compatible, Additive)
            }
        }
        K::BodyRemoved => noted(
            Warning,
            Break,
            "the server ignores it now; the Rust body argument goes away",
        ),
        K::MediaTypeChanged => fx(Breaking, Break),
        K::MediaTypeAdded => fx(Compatible, Unchanged),
        K::MediaTypeRemoved => fx(Breaking, Unchanged),
        K::ResponseAdded => fx(Compatible, Unchanged),
        K::ResponseRemoved => {
            let success = status.is_some_and(|s| (200..300).contains(&s));
            let wire = if success { Breaking } else { Compatible };
            let rust = if ctx.return_type_changed {
                Break
            } else {
                Unchanged
            };
            fx(wire, rust)
        }
        K::ResponseBodyChanged => fx(
            Breaking,
            if ctx.return_type_changed {
                Break
            } else {
                Unchanged
            },
        ),
        K::HeaderAdded => fx(Compatible, Unchanged),
        K::HeaderRemoved => fx(Warning, Unchanged),
        K::ModelRenamed | K::ModelReplaced => noted(Compatible, Break, "the Rust type is renamed"),
    }
}
