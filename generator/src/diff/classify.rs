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
//! | path parameter renamed (same place in the path) | compatible (names are not sent) | none (positional argument) |
//! | request value became required | breaking | break |
//! | request value became optional | compatible | break (`T` becomes `Option<T>`) |
//! | request value became nullable / not nullable | compatible / breaking | none |
//! | request type or format changed | breaking | break |
//! | request enum value added / removed | compatible / breaking | additive / break |
//! | integer enum became a string enum (or the reverse) | breaking | break (a type change) |
//! | request bound narrowed (max decreased, min increased, made exclusive) | breaking | none |
//! | request bound set where there was none | warning | none |
//! | request bound widened or removed | compatible | none |
//! | request pattern or `multipleOf` set or changed / removed | warning / compatible | none |
//! | response bound widened or removed | breaking (values old clients never saw) | none |
//! | response bound narrowed or set, pattern changed | compatible | none |
//! | response `multipleOf` removed / changed | breaking / warning | none |
//! | read-only or write-only set or unset | compatible | none |
//! | default changed | compatible | none |
//! | array style changed | breaking | none |
//! | request body added, required / optional | breaking / compatible | break / additive |
//! | request body removed | warning | break |
//! | preferred media type changed, the old one still accepted | compatible | none |
//! | preferred media type changed, the old one no longer accepted | breaking | none (same signature) |
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
//! | response gained a body where it had none | compatible | break if it is the method's return type, else none |
//! | response body kind changed otherwise | breaking | break if it is the method's return type, else none |
//! | response header added / removed | compatible / warning | none |
//! | model renamed / replaced | compatible (names are not on the wire) | break |

use super::{ChangeKind, Location, RustEffect, WireEffect};

/// Facts the rules need beyond the change itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Context {
    /// For [`ChangeKind::ResponseRemoved`] and [`ChangeKind::ResponseBodyChanged`]: the
    /// generated method's return type changes (the primary success response is affected).
    pub return_type_changed: bool,
    /// For [`ChangeKind::ResponseBodyChanged`]: the response had no body before.
    pub had_no_body: bool,
    /// For [`ChangeKind::MediaTypeChanged`]: the old media type is still accepted.
    pub old_media_accepted: bool,
    /// For the constraint kinds (bounds, lengths, items, patterns, `multipleOf`): how the set
    /// of allowed values changed.
    pub bound: Option<Bound>,
}

/// How a constraint change affects the values it allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// A constraint set where there was none.
    Set,
    /// A constraint removed.
    Unset,
    /// Fewer values allowed: a maximum decreased, a minimum increased, a bound made exclusive.
    Narrowed,
    /// More values allowed.
    Widened,
    /// Neither comparable: a pattern or a `multipleOf` replaced by another.
    Replaced,
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
        K::ParameterRenamed => noted(
            Compatible,
            Unchanged,
            "path parameter names are not sent; the Rust argument keeps its place",
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
        K::MediaTypeChanged if ctx.old_media_accepted => noted(
            Compatible,
            Unchanged,
            "the old media type is still accepted",
        ),
        K::MediaTypeChanged => fx(Breaking, Unchanged),
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
        K::ResponseBodyChanged if ctx.had_no_body => {
            if ctx.return_type_changed {
                noted(
                    Compatible,
                    Break,
                    "callers that expected no body are unaffected; the generated method returns it now",
                )
            } else {
                fx(Compatible, Unchanged)
            }
        }
        K::ResponseBodyChanged => fx(
            Breaking,
            if ctx.return_type_changed {
                Break
            } else {
                Unchanged
            },
        ),
        K::BecameReadOnly | K::BecameNotReadOnly | K::BecameWriteOnly | K::BecameNotWriteOnly => {
            fx(Compatible, Unchanged)
        }
        K::MinimumChanged
        | K::MaximumChanged
        | K::MinLengthChanged
        | K::MaxLengthChanged
        | K::MinItemsChanged
        | K::MaxItemsChanged
        | K::PatternChanged
        | K::MultipleOfChanged => constraint(kind, request, ctx.bound),
        K::HeaderAdded => fx(Compatible, Unchanged),
        K::HeaderRemoved => fx(Warning, Unchanged),
        K::ModelRenamed | K::ModelReplaced => noted(Compatible, Break, "the Rust type is renamed"),
    }
}

/// A constraint change, after oasdiff: a request constraint that lets fewer values through
/// breaks callers that send the others, a new one may (warning); a response constraint that
/// lets more values through breaks callers that relied on it. The generated crate does not
/// check constraints, so none of them touch it.
fn constraint(kind: ChangeKind, request: bool, bound: Option<Bound>) -> Effects {
    use Bound::{Narrowed, Replaced, Set, Unset, Widened};
    use ChangeKind as K;
    use RustEffect::None as Unchanged;
    use WireEffect::{Breaking, Compatible, Warning};
    let bound = bound.unwrap_or(Replaced);
    let wire = match (kind, request, bound) {
        (K::PatternChanged, true, Set | Replaced | Narrowed) => Warning,
        (K::PatternChanged, _, _) => Compatible,
        (K::MultipleOfChanged, true, Set | Replaced | Narrowed) => Warning,
        (K::MultipleOfChanged, true, _) => Compatible,
        (K::MultipleOfChanged, false, Unset | Widened) => Breaking,
        (K::MultipleOfChanged, false, Replaced) => Warning,
        (K::MultipleOfChanged, false, _) => Compatible,
        (_, true, Narrowed) => Breaking,
        (_, true, Set | Replaced) => Warning,
        (_, true, Widened | Unset) => Compatible,
        (_, false, Widened | Unset) => Breaking,
        (_, false, Replaced) => Warning,
        (_, false, Narrowed | Set) => Compatible,
    };
    let note = match (wire, request) {
        (Breaking, true) => Some("requests valid before may be rejected now"),
        (Warning, true) => Some("requests valid before may be rejected now"),
        (Breaking, false) => Some("responses may hold values old clients never saw"),
        _ => None,
    };
    Effects {
        wire,
        rust: Unchanged,
        note,
    }
}
