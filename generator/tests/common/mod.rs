//! Locating `../shared` (the corpus, schemas and recordings) for integration tests; see
//! `waldur_test_server::shared_dir` for the skip / require rules.
#![allow(dead_code)]

pub use waldur_test_server::shared_dir;
