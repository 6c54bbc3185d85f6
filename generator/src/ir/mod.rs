//! The intermediate model and the passes that refine it.

pub mod model;
pub mod passes;

pub use model::*;
