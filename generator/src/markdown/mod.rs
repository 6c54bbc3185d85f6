//! Markdown front end: one Waldur API reference page -> IR operations.
