//! The generated `send_and_wait` of marketplace order creation, against the mock server:
//! submit, poll until done, or fail with the order's error message; and the builder of a
//! request model with two required fields of one type.
//!
//! The fixture is generated twice, depending on the runtime crate and with the runtime vendored
//! into it (`runtime.vendor`): both builds pass the same tests.

mod dependency {
    use fixture_orders as client;
    include!("common/orders_cases.rs");
}

mod vendored {
    use fixture_orders_vendored as client;
    include!("common/orders_cases.rs");
}

/// Two crates generated on the runtime crate share its types: an error of one is an error of
/// the other, and one runtime client serves both.
#[test]
fn crates_on_the_runtime_crate_share_its_types() {
    fn same(e: fixture_orders::Error) -> waldur_client::Error {
        e
    }
    let runtime =
        waldur_client::runtime::Client::new("https://waldur.example.com/api/", "t").unwrap();
    let orders = fixture_orders::Client::from_runtime(runtime.clone());
    let volumes = waldur_client::Client::from_runtime(runtime);
    assert_eq!(
        orders.runtime().base_url().as_str(),
        volumes.runtime().base_url().as_str()
    );
    let e = same(fixture_orders::Error::Pagination("x".into()));
    assert_eq!(
        e.to_string(),
        waldur_client::Error::Pagination("x".into()).to_string()
    );
}
