//! Tests of the generated client live in `tests/`. This library adds what they need: models and
//! operations emitted at build time (see `build.rs`) from a small fixture IR with the shapes the
//! seed page does not have (enums, integer enums, recursion, maps, multipart, an ordering
//! parameter), compiled against the generated crate's runtime, so the emitted code for them is
//! exercised for real.

/// The generated crate's runtime, where emitted code expects it (`crate::runtime`).
pub mod runtime {
    pub use waldur_client::runtime::*;
}

/// Models emitted by `build.rs` from `fixture_api()` there.
#[allow(clippy::all)]
pub mod fixture {
    include!(concat!(env!("OUT_DIR"), "/fixture_models.rs"));
}

/// The `things` tag emitted by `build.rs` (`fixture_operations()` there). Its accessor is the
/// trait [`things::ThingsAccess`] (the blocking one [`things::blocking::BlockingThingsAccess`])
/// instead of an inherent method, which only the generated crate itself may add.
#[allow(clippy::all)]
pub mod things {
    #[allow(unused_imports)]
    use crate::fixture::*;
    include!(concat!(env!("OUT_DIR"), "/fixture_operations.rs"));
}

/// The README's example of the generated client, compiled as a doctest of this crate (which
/// depends on the generated crate under its published name, as users do).
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeExample;
