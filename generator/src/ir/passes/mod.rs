//! Passes over the IR: hoisting inline types, structural deduplication and naming.
