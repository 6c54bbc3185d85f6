//! The `tracing` feature: the exact span of a call and events of its retries, captured by a
//! small hand-written subscriber, and the token nowhere in them.
#![cfg(feature = "tracing")]

mod support;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::Method;
use support::{Reply, TestServer, json, recording_policy};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};
use waldur_client_runtime::wait::{WaitPolicy, wait_until};
use waldur_client_runtime::{ApiRequest, Client};

const TOKEN: &str = "tr4ce-s3cret-t0ken";

#[derive(Debug, Clone, PartialEq)]
struct SpanData {
    name: &'static str,
    level: Level,
    target: String,
    fields: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq)]
struct EventData {
    target: String,
    level: Level,
    /// The span the event happened in (its index in `spans`).
    span: Option<usize>,
    fields: BTreeMap<String, String>,
}

/// Records every span with its fields (updated by `record`) and every event with the span
/// it happened in.
#[derive(Default)]
struct Log {
    next: AtomicU64,
    spans: Mutex<Vec<SpanData>>,
    events: Mutex<Vec<EventData>>,
    stack: Mutex<Vec<u64>>,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_owned(), value.to_string());
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().to_owned(), value.to_string());
    }
}

/// The subscriber: a shared handle on the log.
#[derive(Clone, Default)]
struct Capture(Arc<Log>);

impl std::ops::Deref for Capture {
    type Target = Log;
    fn deref(&self) -> &Log {
        &self.0
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let mut fields = BTreeMap::new();
        attrs.record(&mut Fields(&mut fields));
        let mut spans = self.spans.lock().unwrap();
        spans.push(SpanData {
            name: attrs.metadata().name(),
            level: *attrs.metadata().level(),
            target: attrs.metadata().target().to_owned(),
            fields,
        });
        self.next.fetch_add(1, Ordering::SeqCst);
        Id::from_u64(spans.len() as u64)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut spans = self.spans.lock().unwrap();
        let data = &mut spans[span.into_u64() as usize - 1];
        values.record(&mut Fields(&mut data.fields));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        // The innermost span of ours the event happened in.
        let spans = self.spans.lock().unwrap();
        let span = self
            .stack
            .lock()
            .unwrap()
            .iter()
            .rev()
            .map(|id| *id as usize - 1)
            .find(|i| ours(&spans[*i].target))
            .map(|i| spans[..i].iter().filter(|s| ours(&s.target)).count());
        self.events.lock().unwrap().push(EventData {
            target: event.metadata().target().to_owned(),
            level: *event.metadata().level(),
            span,
            fields,
        });
    }
    fn enter(&self, span: &Id) {
        self.stack.lock().unwrap().push(span.into_u64());
    }
    fn exit(&self, span: &Id) {
        let mut stack = self.stack.lock().unwrap();
        if let Some(pos) = stack.iter().rposition(|id| *id == span.into_u64()) {
            stack.remove(pos);
        }
    }
}

impl Capture {
    fn install() -> (Capture, tracing::subscriber::DefaultGuard) {
        let capture = Capture::default();
        let guard = tracing::subscriber::set_default(capture.clone());
        (capture, guard)
    }

    /// The runtime's spans (hyper and reqwest have their own).
    fn spans(&self) -> Vec<SpanData> {
        let spans = self.spans.lock().unwrap();
        spans.iter().filter(|s| ours(&s.target)).cloned().collect()
    }

    /// The runtime's events.
    fn events(&self) -> Vec<EventData> {
        let events = self.events.lock().unwrap();
        events.iter().filter(|e| ours(&e.target)).cloned().collect()
    }

    /// Everything recorded, the HTTP stack's spans and events included, for the secret check.
    fn dump(&self) -> String {
        format!(
            "{:?}{:?}",
            self.spans.lock().unwrap(),
            self.events.lock().unwrap()
        )
    }
}

fn ours(target: &str) -> bool {
    target.starts_with("waldur_client_runtime")
}

fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The span's fields, with `elapsed_ms` checked to be a number and removed.
fn without_elapsed(span: &SpanData) -> BTreeMap<String, String> {
    let mut fields = span.fields.clone();
    let elapsed = fields.remove("elapsed_ms").expect("elapsed_ms recorded");
    elapsed.parse::<u64>().expect("elapsed_ms is a number");
    fields
}

fn retrieve(uuid: &str) -> ApiRequest {
    ApiRequest::new(Method::GET, format!("/api/openstack-volumes/{uuid}/")).operation(
        "openstack_volumes_retrieve",
        "/api/openstack-volumes/{uuid}/",
    )
}

#[tokio::test]
async fn a_retried_call_is_one_span_with_one_event_per_retry() {
    let server = TestServer::start(vec![
        json("503 Service Unavailable", r#"{"detail":"busy"}"#),
        Reply::Reset,
        json("200 OK", r#"{"uuid":"4d5c"}"#),
    ])
    .await;
    let (policy, _) = recording_policy();
    let client = Client::builder(&server.url)
        .token(TOKEN)
        .retry(policy)
        .build()
        .unwrap();
    let (capture, _guard) = Capture::install();
    client.execute(retrieve("4d5c")).await.unwrap();

    let spans = capture.spans();
    assert_eq!(spans.len(), 1, "{spans:#?}");
    assert_eq!(spans[0].name, "waldur_request");
    assert_eq!(spans[0].level, Level::INFO);
    assert_eq!(spans[0].target, "waldur_client_runtime::trace");
    assert_eq!(
        without_elapsed(&spans[0]),
        fields(&[
            ("operation", "openstack_volumes_retrieve"),
            ("method", "GET"),
            ("path", "/api/openstack-volumes/{uuid}/"),
            ("attempt", "3"),
            ("status", "200"),
        ])
    );
    let url = format!("{}/api/openstack-volumes/4d5c/", server.url);
    let events = capture.events();
    assert_eq!(events.len(), 2, "{events:#?}");
    assert_eq!(
        events[0],
        EventData {
            target: "waldur_client_runtime::trace".to_owned(),
            level: Level::WARN,
            span: Some(0),
            fields: fields(&[
                ("message", "retrying"),
                ("attempt", "1"),
                ("delay_ms", "500"),
                ("status", "503"),
                (
                    "error",
                    &format!("HTTP 503 Service Unavailable from GET {url}: busy"),
                ),
            ]),
        }
    );
    assert_eq!(events[1].level, Level::WARN);
    assert_eq!(events[1].span, Some(0));
    assert_eq!(events[1].fields["attempt"], "2");
    assert_eq!(events[1].fields["delay_ms"], "1000");
    assert!(!events[1].fields.contains_key("status"));
    assert!(
        events[1].fields["error"].starts_with(&format!("GET {url} failed: ")),
        "{:?}",
        events[1].fields
    );
    assert!(!capture.dump().contains(TOKEN));
}

#[tokio::test]
async fn a_failed_call_records_its_status_error_and_attempts() {
    let server = TestServer::start(vec![
        json("502 Bad Gateway", r#"{"detail":"upstream"}"#),
        json("502 Bad Gateway", r#"{"detail":"upstream"}"#),
    ])
    .await;
    let (policy, _) = recording_policy();
    let client = Client::builder(&server.url)
        .bearer(TOKEN)
        .retry(policy.max_retries(1))
        .build()
        .unwrap();
    let (capture, _guard) = Capture::install();
    let err = client.execute(retrieve("4d5c")).await.unwrap_err();
    let message = format!(
        "HTTP 502 Bad Gateway from GET {}/api/openstack-volumes/4d5c/: upstream (after 2 attempts)",
        server.url
    );
    assert_eq!(err.to_string(), message);
    let spans = capture.spans();
    assert_eq!(
        without_elapsed(&spans[0]),
        fields(&[
            ("operation", "openstack_volumes_retrieve"),
            ("method", "GET"),
            ("path", "/api/openstack-volumes/{uuid}/"),
            ("attempt", "2"),
            ("status", "502"),
            ("error", &message),
        ])
    );
    assert_eq!(capture.events().len(), 1);
    assert!(!capture.dump().contains(TOKEN));
}

#[tokio::test]
async fn a_request_without_an_operation_is_traced_with_its_path() {
    let server = TestServer::start(vec![Reply::Reset]).await;
    let client = Client::builder(&server.url)
        .token(TOKEN)
        .retry(waldur_client_runtime::RetryPolicy::none())
        .build()
        .unwrap();
    let (capture, _guard) = Capture::install();
    let mut req = ApiRequest::new(Method::POST, "/api/custom/".to_owned());
    req.query().push("token", "not-the-secret");
    let err = client.execute(req).await.unwrap_err();
    let spans = capture.spans();
    let mut recorded = without_elapsed(&spans[0]);
    let error = recorded.remove("error").unwrap();
    assert_eq!(error, err.to_string());
    assert_eq!(
        recorded,
        fields(&[
            ("method", "POST"),
            ("path", "/api/custom/"),
            ("attempt", "1")
        ])
    );
    assert!(capture.events().is_empty());
    assert!(!capture.dump().contains(TOKEN));
}

#[tokio::test]
async fn waiting_emits_one_debug_event_per_pending_poll() {
    let (capture, _guard) = Capture::install();
    let polled = Arc::new(AtomicU64::new(0));
    let counter = polled.clone();
    let policy = WaitPolicy::default()
        .every(Duration::from_secs(5))
        .sleeper(|_| std::future::ready(()));
    let value = wait_until(
        &policy,
        "order 7c1f to be done",
        || {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            std::future::ready(Ok(n))
        },
        |n| *n == 3,
    )
    .await
    .unwrap();
    assert_eq!(value, 3);
    let events = capture.events();
    assert_eq!(
        events,
        [1, 2]
            .iter()
            .map(|polls| EventData {
                target: "waldur_client_runtime::trace".to_owned(),
                level: Level::DEBUG,
                span: None,
                fields: fields(&[
                    ("message", "waiting"),
                    ("what", "order 7c1f to be done"),
                    ("polls", &polls.to_string()),
                    ("delay_ms", "5000"),
                ]),
            })
            .collect::<Vec<_>>()
    );
}
