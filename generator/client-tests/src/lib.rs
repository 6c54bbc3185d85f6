//! Tests of the generated client live in `tests/`. This library adds one thing they need:
//! models emitted at build time (see `build.rs`) from a small fixture IR with the shapes the seed
//! page does not have (enums, integer enums, recursion, maps, multipart), compiled against the
//! generated crate's runtime, so the emitted code for them is exercised for real.

/// The generated crate's runtime, where emitted code expects it (`crate::runtime`).
pub mod runtime {
    pub use waldur_client::runtime::*;
}

/// Models emitted by `build.rs` from `fixture_api()` there.
#[allow(clippy::all)]
pub mod fixture {
    include!(concat!(env!("OUT_DIR"), "/fixture_models.rs"));
}
