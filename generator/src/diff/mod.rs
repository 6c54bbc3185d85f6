//! Spec diff: compares two IRs and classifies each change.
