// The order tests, included once per build of the orders fixture (see tests/orders.rs):
// `client` is the fixture crate under test.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use client::Client;
use client::models::{OrderCreateRequest, OrderDetails, OrderState};
use client::MockServerExt;
use client::runtime::mock::MockServer;
use client::runtime::{WaitError, WaitPolicy};
use client::{Nullable, Uuid};
use serde_json::json;

const ORDER: &str = "5f0c2c8ea46f4f0fb0b8b0a4c2b5d6e7";
const OFFERING: &str = "https://waldur.example.com/api/marketplace-public-offerings/1f2e/";
const PROJECT: &str = "https://waldur.example.com/api/projects/9a8b/";

fn order(state: &str, error: &str) -> OrderDetails {
    serde_json::from_value(json!({"uuid": ORDER, "state": state, "error_message": error})).unwrap()
}

/// A policy whose sleeper records each wait and returns at once.
fn policy() -> (WaitPolicy, Arc<Mutex<Vec<Duration>>>) {
    let waits = Arc::new(Mutex::new(Vec::new()));
    let record = waits.clone();
    let policy = WaitPolicy::default()
        .initial_interval(Duration::from_secs(2))
        .sleeper(move |d| {
            record.lock().unwrap().push(d);
            std::future::ready(())
        });
    (policy, waits)
}

fn request() -> OrderCreateRequest {
    OrderCreateRequest::builder()
        .offering(OFFERING)
        .project(PROJECT)
        .build()
        .unwrap()
}

#[tokio::test]
async fn an_order_is_submitted_then_polled_until_done() {
    let mock = MockServer::start().await.unwrap();
    let id: Uuid = ORDER.parse().unwrap();
    let create = mock
        .marketplace_orders()
        .create()
        .matching(|b| b.json_body(&json!({"offering": OFFERING, "project": PROJECT})))
        .returns(&order("pending-consumer", ""));
    let polls = [
        mock.marketplace_orders()
            .retrieve(&id)
            .times(1)
            .returns(&order("pending-provider", "")),
        mock.marketplace_orders()
            .retrieve(&id)
            .times(1)
            .returns(&order("executing", "")),
        mock.marketplace_orders()
            .retrieve(&id)
            .returns(&order("done", "")),
    ];
    let (policy, waits) = policy();
    let done = Client::from(mock.client())
        .marketplace_orders()
        .create(request())
        .send_and_wait(&policy)
        .await
        .unwrap();
    assert_eq!(done.state(), Some(&OrderState::Done));
    assert_eq!(done.uuid(), Some(id));
    create.assert_hits(1);
    for p in &polls {
        p.assert_hits(1);
    }
    assert_eq!(
        *waits.lock().unwrap(),
        [Duration::from_secs(2), Duration::from_secs(3)]
    );
    mock.verify();
}

#[tokio::test]
async fn an_erred_order_fails_with_its_error_message() {
    let mock = MockServer::start().await.unwrap();
    let id: Uuid = ORDER.parse().unwrap();
    mock.marketplace_orders()
        .create()
        .returns(&order("executing", ""));
    mock.marketplace_orders()
        .retrieve(&id)
        .returns(&order("erred", "Quota exceeded for instances."));
    let (policy, _) = policy();
    let err = Client::from(mock.client())
        .marketplace_orders()
        .create(request())
        .send_and_wait(&policy)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "waiting for order {} to be done failed after 1 polls: the order is erred: \
             Quota exceeded for instances.",
            id
        )
    );
    match err {
        WaitError::Failed { last, .. } => assert_eq!(last.state(), Some(&OrderState::Erred)),
        other => panic!("expected a failed order, got {other:?}"),
    }
}

#[tokio::test]
async fn a_refused_order_fails_before_any_poll() {
    let mock = MockServer::start().await.unwrap();
    mock.marketplace_orders()
        .create()
        .fails_on_fields(400, &[("offering", "Offering is not available.")]);
    let (policy, waits) = policy();
    let err = Client::from(mock.client())
        .marketplace_orders()
        .create(request())
        .send_and_wait(&policy)
        .await
        .unwrap_err();
    match &err {
        WaitError::Request {
            error, poll, last, ..
        } => {
            assert_eq!(*poll, 0);
            assert!(last.is_none());
            assert_eq!(
                error.as_status().unwrap().field_errors("offering"),
                ["Offering is not available."]
            );
        }
        other => panic!("expected a request error, got {other:?}"),
    }
    assert!(waits.lock().unwrap().is_empty());
}

#[test]
fn two_required_urls_are_set_by_name() {
    let err = OrderCreateRequest::builder()
        .offering(OFFERING)
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot encode the request: cannot build `OrderCreateRequest`: its required field \
         `project` was not set"
    );
    let mut req = request();
    req.plan = Nullable::Null;
    assert_eq!(
        serde_json::to_value(&req).unwrap(),
        json!({"offering": OFFERING, "project": PROJECT, "plan": null})
    );
}
