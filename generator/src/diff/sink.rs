//! Collects the changes found at one location of an operation, classifying each as it comes.

use super::classify::{Context, classify};
use super::{Change, ChangeKind, Location};

/// Where the changes pushed next belong, and the list they go to.
pub(super) struct Sink<'o> {
    pub location: Location,
    pub status: Option<u16>,
    pub ctx: Context,
    pub out: &'o mut Vec<Change>,
}

impl<'o> Sink<'o> {
    pub fn new(location: Location, status: Option<u16>, out: &'o mut Vec<Change>) -> Sink<'o> {
        Sink {
            location,
            status,
            ctx: Context::default(),
            out,
        }
    }

    /// Builds and classifies a change.
    pub fn make(
        &self,
        kind: ChangeKind,
        name: Option<String>,
        required: Option<bool>,
        old: Option<String>,
        new: Option<String>,
    ) -> Change {
        let fx = classify(kind, self.location, required, self.status, self.ctx);
        Change {
            kind,
            location: self.location,
            status: self.status,
            name,
            required,
            old,
            new,
            wire: fx.wire,
            rust: fx.rust,
            note: fx.note.map(str::to_owned),
        }
    }

    pub fn push(
        &mut self,
        kind: ChangeKind,
        name: Option<String>,
        required: Option<bool>,
        old: Option<String>,
        new: Option<String>,
    ) {
        let change = self.make(kind, name, required, old, new);
        self.out.push(change);
    }

    /// A change of a value: `old` and `new` both present.
    pub fn changed(&mut self, kind: ChangeKind, name: Option<&str>, old: String, new: String) {
        self.push(kind, name.map(str::to_owned), None, Some(old), Some(new));
    }

    /// A flag toggled (required, nullable, deprecated): no values to show.
    pub fn toggled(&mut self, kind: ChangeKind, name: Option<&str>) {
        self.push(kind, name.map(str::to_owned), None, None, None);
    }
}

impl ChangeKind {
    /// Changes of text only: titles, descriptions, defaults, extensions.
    pub fn is_documentation(self) -> bool {
        matches!(
            self,
            ChangeKind::TitleChanged
                | ChangeKind::DescriptionChanged
                | ChangeKind::DefaultChanged
                | ChangeKind::ExtensionAdded
                | ChangeKind::ExtensionRemoved
                | ChangeKind::ExtensionChanged
        )
    }

    /// Changes of the constraints on values (bounds, lengths, patterns, read-only and
    /// write-only): the server checks them, the generated types stay the same.
    pub fn is_constraint(self) -> bool {
        matches!(
            self,
            ChangeKind::MinimumChanged
                | ChangeKind::MaximumChanged
                | ChangeKind::MultipleOfChanged
                | ChangeKind::MinLengthChanged
                | ChangeKind::MaxLengthChanged
                | ChangeKind::PatternChanged
                | ChangeKind::MinItemsChanged
                | ChangeKind::MaxItemsChanged
                | ChangeKind::BecameReadOnly
                | ChangeKind::BecameNotReadOnly
                | ChangeKind::BecameWriteOnly
                | ChangeKind::BecameNotWriteOnly
        )
    }

    /// Changes that leave the generated Rust types as they are: documentation and constraints.
    pub fn keeps_rust_types(self) -> bool {
        self.is_documentation() || self.is_constraint()
    }

    /// Changes of the shape of values (not documentation, constraints or type names).
    pub fn is_structural(self) -> bool {
        !self.keeps_rust_types() && self != ChangeKind::ModelRenamed
    }
}
