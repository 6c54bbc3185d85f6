//! The `mock` feature: every kind of expectation and response, through the real client, the
//! messages of unmatched requests and failed assertions, and requests the server cannot read.
#![cfg(feature = "mock")]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use waldur_client_runtime::mock::{MOCK_TOKEN, MockServer};
use waldur_client_runtime::prelude::*;
use waldur_client_runtime::{ApiRequest, ApiResponse, DrfError, paginate};

const UUID: &str = "4d5c0f0c7a0e4bd7b8e5a0d1f2c3b4a5";

fn req(method: Method, path: &str) -> ApiRequest {
    ApiRequest::new(method, path.to_owned())
}

async fn get(client: &Client, path: &str) -> Result<ApiResponse, Error> {
    client.execute(req(Method::GET, path)).await
}

fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("expected a panic");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

#[tokio::test]
async fn a_json_response_for_a_templated_path_and_the_recorded_request() {
    let mock = MockServer::start().await.unwrap();
    let volume = mock
        .expect(Method::GET, "/api/openstack-volumes/{uuid}/")
        .operation("openstack_volumes_retrieve")
        .path_param("uuid", UUID)
        .response_header("X-Request-Id", "r-1")
        .respond_json(200, &json!({"uuid": UUID, "name": "data", "size": 20480}));
    let client = mock.client();
    let resp = get(&client, &format!("/api/openstack-volumes/{UUID}/"))
        .await
        .unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(
        resp.decode::<serde_json::Value>().unwrap(),
        json!({"uuid": UUID, "name": "data", "size": 20480})
    );
    assert_eq!(resp.headers["content-type"], "application/json");
    assert_eq!(resp.headers["x-request-id"], "r-1");
    volume.assert_hits(1);
    let sent = volume.single_request();
    assert_eq!(sent.method, Method::GET);
    assert_eq!(sent.path, format!("/api/openstack-volumes/{UUID}/"));
    assert_eq!(sent.path_param("uuid"), Some(UUID));
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Token {MOCK_TOKEN}").as_str())
    );
    assert_eq!(sent.header("accept"), Some("application/json"));
    assert!(sent.matched());
    assert_eq!(mock.requests(), [sent]);
    mock.verify();
}

#[tokio::test]
async fn unmatched_requests_get_a_501_naming_every_expectation_and_why() {
    let mock = MockServer::start().await.unwrap();
    // Sends requests no expectation matches, on purpose.
    mock.allow_unmatched();
    let client = mock.client();
    let err = get(&client, "/api/projects/").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "HTTP 501 Not Implemented from GET {}/api/projects/: no mock expectation matches GET \
             /api/projects/ (none registered)",
            mock.url()
        )
    );
    assert_eq!(err.as_status().unwrap().headers["x-mock-unmatched"], "true");

    mock.expect(Method::GET, "/api/openstack-volumes/{uuid}/")
        .operation("openstack_volumes_retrieve")
        .path_param("uuid", UUID)
        .respond_json(200, &json!({}));
    mock.expect(Method::POST, "/api/openstack-volumes/{uuid}/extend/")
        .respond_empty(202);
    mock.expect(Method::GET, "/api/openstack-volumes/")
        .query("name", "data")
        .respond_page(&[json!({})], 1);
    mock.expect(Method::GET, "/api/openstack-volumes/")
        .query_missing("page")
        .header("x-portal", "billing")
        .respond_page(&[json!({})], 1);
    let err = get(&client, "/api/openstack-volumes/ffff/")
        .await
        .unwrap_err();
    assert_eq!(
        err.drf().unwrap().detail.as_deref(),
        Some(
            "no mock expectation matches GET /api/openstack-volumes/ffff/; \
             [1] GET /api/openstack-volumes/{uuid}/ (openstack_volumes_retrieve) with \
             uuid=4d5c0f0c7a0e4bd7b8e5a0d1f2c3b4a5: uuid is ffff; \
             [2] POST /api/openstack-volumes/{uuid}/extend/: method is GET; \
             [3] GET /api/openstack-volumes/ with query name=data: path differs; \
             [4] GET /api/openstack-volumes/ with no query page, header x-portal: billing: \
             path differs"
        )
    );
    let mut list = req(Method::GET, "/api/openstack-volumes/");
    list.query().push("name", "other");
    list.query().push("page", &2);
    let err = client.execute(list).await.unwrap_err();
    assert_eq!(
        err.drf().unwrap().detail.as_deref(),
        Some(
            "no mock expectation matches GET /api/openstack-volumes/?name=other&page=2; \
             [1] GET /api/openstack-volumes/{uuid}/ (openstack_volumes_retrieve) with \
             uuid=4d5c0f0c7a0e4bd7b8e5a0d1f2c3b4a5: path differs; \
             [2] POST /api/openstack-volumes/{uuid}/extend/: method is GET; \
             [3] GET /api/openstack-volumes/ with query name=data: query name is other; \
             [4] GET /api/openstack-volumes/ with no query page, header x-portal: billing: \
             query page is 2"
        )
    );
    assert_eq!(mock.unmatched().len(), 3);
    assert!(mock.unmatched().iter().all(|r| !r.matched()));
    let message = panic_message(|| mock.verify());
    assert_eq!(
        message,
        "the mock server received 3 request(s) no expectation matched:\n  \
         GET /api/projects/\n  \
         GET /api/openstack-volumes/ffff/\n  \
         GET /api/openstack-volumes/?name=other&page=2"
    );
}

#[tokio::test]
async fn query_header_and_body_matchers() {
    let mock = MockServer::start().await.unwrap();
    // Sends requests no expectation matches, on purpose.
    mock.allow_unmatched();
    let filtered = mock
        .expect(Method::GET, "/api/openstack-volumes/")
        .query("name", "data disk")
        .query("state", "OK")
        .query("state", "ERRED")
        .query_missing("page")
        .respond_json(200, &json!(["filtered"]));
    let created = mock
        .expect(Method::POST, "/api/openstack-volumes/")
        .header("Content-Type", "application/json")
        .json_body(&json!({"name": "data", "size": 1024}))
        .respond_json(201, &json!({"created": "exact"}));
    let partial = mock
        .expect(Method::POST, "/api/openstack-volumes/")
        // Keys in sorted order: messages print JSON in insertion order when serde_json's
        // `preserve_order` is on (it is in this workspace) and sorted otherwise.
        .json_body_includes(&json!({"metadata": {"team": "hpc"}, "name": "other"}))
        .respond_json(201, &json!({"created": "partial"}));
    let raw = mock
        .expect(Method::POST, "/api/upload/")
        .body("raw bytes")
        .respond_empty(204);
    let client = mock.client();

    let mut list = req(Method::GET, "/api/openstack-volumes/");
    let q = list.query();
    q.push("name", "data disk");
    q.push_repeated("state", &["OK", "ERRED"]);
    let resp = client.execute(list).await.unwrap();
    assert_eq!(&resp.body[..], br#"["filtered"]"#);
    let sent = filtered.single_request();
    assert_eq!(
        sent.query,
        [
            ("name".to_owned(), "data disk".to_owned()),
            ("state".to_owned(), "OK".to_owned()),
            ("state".to_owned(), "ERRED".to_owned())
        ]
    );
    assert_eq!(sent.query_value("state"), Some("OK"));

    let post = |body: serde_json::Value| {
        req(Method::POST, "/api/openstack-volumes/")
            .json(&body)
            .unwrap()
    };
    let resp = client
        .execute(post(json!({"size": 1024, "name": "data"})))
        .await
        .unwrap();
    assert_eq!(&resp.body[..], br#"{"created":"exact"}"#);
    let resp = client
        .execute(post(
            json!({"name": "other", "size": 1, "metadata": {"team": "hpc", "cost": 3}}),
        ))
        .await
        .unwrap();
    assert_eq!(&resp.body[..], br#"{"created":"partial"}"#);
    let err = client
        .execute(post(json!({"metadata": {"team": "ai"}, "name": "other"})))
        .await
        .unwrap_err();
    let detail = err.drf().unwrap().detail.clone().unwrap();
    assert!(
        detail.ends_with(
            "[3] POST /api/openstack-volumes/ with JSON body including \
             {\"metadata\":{\"team\":\"hpc\"},\"name\":\"other\"}: JSON body is \
             {\"metadata\":{\"team\":\"ai\"},\"name\":\"other\"}; \
             [4] POST /api/upload/ with body of 9 bytes: path differs"
        ),
        "{detail}"
    );
    assert_eq!(
        created
            .single_request()
            .json::<serde_json::Value>()
            .unwrap()["size"],
        1024
    );
    partial.assert_hits(1);

    let upload = req(Method::POST, "/api/upload/").raw("text/plain", b"raw bytes".to_vec());
    let resp = client.execute(upload).await.unwrap();
    assert_eq!(resp.status, 204);
    assert!(resp.body.is_empty());
    assert_eq!(raw.single_request().text(), "raw bytes");
}

#[tokio::test]
async fn a_page_with_a_count_and_a_next_link() {
    let mock = MockServer::start().await.unwrap();
    let volumes = [json!({"name": "a"}), json!({"name": "b"})];
    mock.expect(Method::GET, "/api/openstack-volumes/")
        .query("page", 1)
        .respond_page(&volumes, 5);
    mock.expect(Method::GET, "/api/openstack-volumes/")
        .query("page", 3)
        .respond_page(&volumes[..1], 5);
    let client = mock.client();
    let page = |n: u32| {
        let mut r = req(Method::GET, "/api/openstack-volumes/");
        r.query().push("o", "name");
        r.query().push("page", &n);
        r.query().push("page_size", &2);
        r
    };
    let first = client.execute(page(1)).await.unwrap();
    assert_eq!(first.result_count(), Some(5));
    // As Waldur writes them: parameters sorted by name, page 1 without `page`.
    let url = format!("{}/api/openstack-volumes/", mock.url());
    assert_eq!(
        first.headers["link"],
        format!(
            "<{url}?o=name&page_size=2>; rel=\"first\", \
             <{url}?o=name&page=2&page_size=2>; rel=\"next\", \
             <{url}?o=name&page=3&page_size=2>; rel=\"last\""
        )
    );
    assert_eq!(first.next_page(), Some(2));
    let decoded = Page::<serde_json::Value>::from_response(&first, 1, 2).unwrap();
    assert_eq!(decoded.items, volumes);
    assert_eq!(decoded.total, Some(5));
    let last = client.execute(page(3)).await.unwrap();
    assert_eq!(
        last.headers["link"],
        format!(
            "<{url}?o=name&page_size=2>; rel=\"first\", \
             <{url}?o=name&page=2&page_size=2>; rel=\"prev\", \
             <{url}?o=name&page=3&page_size=2>; rel=\"last\""
        )
    );
    assert_eq!(last.next_page(), None);
}

#[tokio::test]
async fn a_whole_list_is_served_page_by_page_to_the_stream() {
    let mock = MockServer::start().await.unwrap();
    let all: Vec<serde_json::Value> = (1..=7).map(|n| json!({"n": n})).collect();
    let list = mock
        .expect(Method::GET, "/api/openstack-volumes/")
        .respond_list(&all);
    let client = mock.client();
    let fetch_client = client.clone();
    let items: Vec<serde_json::Value> = paginate(3, None, move |page, page_size| {
        let client = fetch_client.clone();
        async move {
            let mut r = req(Method::GET, "/api/openstack-volumes/");
            r.query().push("page", &page);
            r.query().push("page_size", &page_size);
            let resp = client.execute(r).await?;
            Page::from_response(&resp, page, page_size)
        }
    })
    .try_collect()
    .await
    .unwrap();
    assert_eq!(items, all);
    let pages: Vec<String> = list
        .requests()
        .iter()
        .map(|r| format!("{:?}", r.query_value("page")))
        .collect();
    assert_eq!(pages, ["Some(\"1\")", "Some(\"2\")", "Some(\"3\")"]);
    // Waldur's default page size is 10; past the last page is a 404.
    let resp = get(&client, "/api/openstack-volumes/").await.unwrap();
    assert_eq!(resp.decode::<Vec<serde_json::Value>>().unwrap().len(), 7);
    assert_eq!(resp.result_count(), Some(7));
    let with_query = |name: &str, value: &str| {
        let mut r = req(Method::GET, "/api/openstack-volumes/");
        r.query().push(name, value);
        client.execute(r)
    };
    let err = with_query("page", "2").await.unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.drf().unwrap().detail.as_deref(), Some("Invalid page."));
    let err = with_query("page_size", "x").await.unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(
        err.drf().unwrap().detail.as_deref(),
        Some("page_size=x is not a positive integer")
    );
}

#[tokio::test]
async fn a_count_answers_head() {
    let mock = MockServer::start().await.unwrap();
    let count = mock
        .expect(Method::HEAD, "/api/openstack-volumes/")
        .query("name", "data")
        .respond_count(42);
    let mut r = req(Method::HEAD, "/api/openstack-volumes/");
    r.query().push("name", "data");
    let resp = mock.client().execute(r).await.unwrap();
    assert_eq!(resp.result_count(), Some(42));
    assert!(resp.body.is_empty());
    count.assert_hits(1);
}

#[tokio::test]
async fn drf_errors_and_empty_answers() {
    let mock = MockServer::start().await.unwrap();
    mock.expect(Method::GET, "/api/openstack-volumes/{uuid}/")
        .respond_detail(404, "Not found.");
    mock.expect(Method::POST, "/api/openstack-volumes/")
        .respond_field_errors(
            400,
            &[
                (
                    "size",
                    "Ensure this value is greater than or equal to 1024.",
                ),
                ("name", "This field is required."),
                ("size", "A valid integer is required."),
            ],
        );
    let drf = DrfError {
        detail: None,
        non_field_errors: vec!["Quota exceeded.".to_owned()],
        fields: [("limits.cpu".to_owned(), vec!["Too many.".to_owned()])]
            .into_iter()
            .collect(),
    };
    mock.expect(Method::POST, "/api/marketplace-orders/")
        .respond_error(409, &drf);
    mock.expect(Method::DELETE, "/api/openstack-volumes/{uuid}/")
        .respond_empty(204);
    let client = mock.client();
    let err = get(&client, &format!("/api/openstack-volumes/{UUID}/"))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "HTTP 404 Not Found from GET {}/api/openstack-volumes/{UUID}/: Not found.",
            mock.url()
        )
    );
    let err = client
        .execute(req(Method::POST, "/api/openstack-volumes/"))
        .await
        .unwrap_err();
    let status = err.as_status().unwrap();
    assert_eq!(status.field_errors("name"), ["This field is required."]);
    assert_eq!(
        status.field_errors("size"),
        [
            "Ensure this value is greater than or equal to 1024.",
            "A valid integer is required."
        ]
    );
    let err = client
        .execute(req(Method::POST, "/api/marketplace-orders/"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(409));
    assert_eq!(err.drf(), Some(&drf));
    let resp = client
        .execute(req(
            Method::DELETE,
            &format!("/api/openstack-volumes/{UUID}/"),
        ))
        .await
        .unwrap();
    assert_eq!(resp.status, 204);
    assert!(resp.headers.get("content-length").is_none());
    assert!(resp.body.is_empty());
}

#[tokio::test]
async fn times_make_sequences_and_hits_count() {
    let mock = MockServer::start().await.unwrap();
    // Sends requests no expectation matches, on purpose.
    mock.allow_unmatched();
    let path = "/api/marketplace-orders/{uuid}/";
    let executing = mock
        .expect(Method::GET, path)
        .times(2)
        .respond_json(200, &json!({"state": "executing"}));
    let done = mock
        .expect(Method::GET, path)
        .respond_json(200, &json!({"state": "done"}));
    let client = mock.client();
    let mut states = Vec::new();
    for _ in 0..4 {
        let resp = get(&client, "/api/marketplace-orders/7c1f/").await.unwrap();
        states.push(resp.decode::<serde_json::Value>().unwrap()["state"].clone());
    }
    assert_eq!(states, ["executing", "executing", "done", "done"]);
    assert_eq!((executing.hits(), done.hits()), (2, 2));
    let message = panic_message(|| done.assert_hits(1));
    assert_eq!(
        message,
        "expected GET /api/marketplace-orders/{uuid}/ to be hit 1 time(s), it was hit 2 \
         time(s); the server received:\n  \
         GET /api/marketplace-orders/7c1f/\n  \
         GET /api/marketplace-orders/7c1f/\n  \
         GET /api/marketplace-orders/7c1f/\n  \
         GET /api/marketplace-orders/7c1f/"
    );
    // A used-up expectation says so when nothing else matches.
    let once = MockServer::start().await.unwrap();
    once.allow_unmatched();
    once.expect(Method::GET, "/api/x/")
        .times(1)
        .respond_empty(200);
    get(&once.client(), "/api/x/").await.unwrap();
    let err = get(&once.client(), "/api/x/").await.unwrap_err();
    assert_eq!(
        err.drf().unwrap().detail.as_deref(),
        Some("no mock expectation matches GET /api/x/; [1] GET /api/x/: used up after 1 answer(s)")
    );
    mock.reset();
    assert_eq!((executing.hits(), mock.requests().len()), (0, 0));
    // A handle from before the reset does not see what replaced its expectation.
    let fresh = mock
        .expect(Method::GET, path)
        .respond_json(200, &json!({"state": "done"}));
    get(&client, "/api/marketplace-orders/7c1f/").await.unwrap();
    assert_eq!((executing.hits(), fresh.hits()), (0, 1));
    assert!(executing.requests().is_empty());
    assert_eq!(
        panic_message(|| executing.assert_hits(1)),
        "expected an expectation removed by MockServer::reset to be hit 1 time(s), it was hit \
         0 time(s); the server received:\n  GET /api/marketplace-orders/7c1f/"
    );
}

#[tokio::test]
async fn a_delayed_answer_trips_the_client_timeout() {
    let mock = MockServer::start().await.unwrap();
    mock.expect(Method::GET, "/api/x/")
        .delay(Duration::from_secs(5))
        .respond_empty(200);
    let client = mock
        .client_builder()
        .timeout(Duration::from_millis(100))
        .retry(waldur_client_runtime::RetryPolicy::none())
        .build()
        .unwrap();
    let err = get(&client, "/api/x/").await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn encoded_path_segments_match_decoded_parameters() {
    let mock = MockServer::start().await.unwrap();
    let by_name = mock
        .expect(Method::GET, "/api/customers/{name}/projects/{slug}.json")
        .path_param("name", "ACME & Sons/EU")
        .respond_json(200, &json!([]));
    let path = format!(
        "/api/customers/{}/projects/{}.json",
        waldur_client_runtime::encode_path_segment("ACME & Sons/EU"),
        "hpc"
    );
    get(&mock.client(), &path).await.unwrap();
    let sent = by_name.single_request();
    assert_eq!(
        sent.path,
        "/api/customers/ACME%20%26%20Sons%2FEU/projects/hpc.json"
    );
    assert_eq!(
        sent.path_params,
        [
            ("name".to_owned(), "ACME & Sons/EU".to_owned()),
            ("slug".to_owned(), "hpc".to_owned())
        ]
    );
}

#[tokio::test]
async fn misconfigured_expectations_panic_with_a_clear_message() {
    let mock = MockServer::start().await.unwrap();
    let message = panic_message(|| {
        let _ = mock
            .expect(Method::GET, "/api/openstack-volumes/{uuid}/")
            .path_param("id", "1");
    });
    assert_eq!(
        message,
        "path_param(\"id\"): the path template /api/openstack-volumes/{uuid}/ has no parameter {id}"
    );
    let message = panic_message(|| {
        mock.expect(Method::GET, "/api/x/").respond_empty(99);
    });
    assert_eq!(
        message,
        "GET /api/x/: status 99 is not an HTTP status (100..=599)"
    );
    let message = panic_message(|| {
        let map: std::collections::HashMap<(u8, u8), u8> = [((1, 2), 3)].into_iter().collect();
        mock.expect(Method::GET, "/api/x/").respond_json(200, &map);
    });
    assert_eq!(
        message,
        "respond_json: the value does not serialize to JSON: key must be a string"
    );
}

/// Sends raw bytes and returns the whole answer.
async fn raw_exchange(url: &str, request: &[u8]) -> String {
    let addr = url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    // Half-close: a server waiting for more of the request sees its end.
    stream.shutdown().await.unwrap();
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await.unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn unreadable_requests_are_answered_400_and_the_server_goes_on() {
    let mock = MockServer::start().await.unwrap();
    // Sends requests no expectation matches, on purpose.
    mock.allow_unmatched();
    mock.expect(Method::POST, "/api/x/")
        .json_body(&json!({"a": 1}))
        .respond_empty(201);
    let answer = raw_exchange(mock.url(), b"NONSENSE\r\n\r\n").await;
    assert_eq!(
        answer,
        "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 48\r\n\
         Connection: close\r\n\r\n{\"detail\":\"malformed request line \\\"NONSENSE\\\"\"}"
    );
    let answer = raw_exchange(
        mock.url(),
        b"POST /api/x/ HTTP/1.1\r\nContent-Length: lots\r\n\r\n",
    )
    .await;
    assert!(
        answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
        "{answer}"
    );
    assert!(
        answer.ends_with(r#"{"detail":"malformed Content-Length \"lots\""}"#),
        "{answer}"
    );
    // Chunked bodies are decoded.
    let answer = raw_exchange(
        mock.url(),
        b"POST /api/x/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n",
    )
    .await;
    assert_eq!(
        answer,
        "HTTP/1.1 201 Created\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    // A connection closed halfway records nothing.
    let _ = raw_exchange(
        mock.url(),
        b"POST /api/x/ HTTP/1.1\r\nContent-Length: 10\r\n\r\n{",
    )
    .await;
    assert_eq!(mock.requests().len(), 1);
    get(&mock.client(), "/api/y/").await.unwrap_err();
    assert_eq!(mock.requests().len(), 2);
}

#[test]
fn start_outside_a_runtime_is_an_error() {
    let err = futures_executor_block_on(MockServer::start()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "MockServer::start must be called inside a tokio runtime"
    );
}

/// Polls a future to completion on this thread without any runtime.
fn futures_executor_block_on<F: std::future::Future>(f: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut f = std::pin::pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::yield_now();
    }
}

#[cfg(feature = "blocking")]
#[test]
fn a_server_on_its_own_thread_serves_the_blocking_client() {
    let mock = MockServer::start_in_thread().unwrap();
    let hit = mock
        .expect(Method::GET, "/api/openstack-volumes/")
        .respond_list(&[json!({"name": "a"})]);
    let client = waldur_client_runtime::blocking::Client::from_async(mock.client()).unwrap();
    let resp = client
        .block_on(
            client
                .inner()
                .execute(req(Method::GET, "/api/openstack-volumes/")),
        )
        .unwrap();
    assert_eq!(resp.result_count(), Some(1));
    hit.assert_hits(1);
    let url = mock.url().to_owned();
    drop(mock);
    // The server stopped with its handle.
    let refused = std::net::TcpStream::connect(url.trim_start_matches("http://"));
    assert!(refused.is_err());
}

#[tokio::test]
async fn dropping_a_server_that_saw_an_unmatched_request_fails_the_test() {
    let mock = MockServer::start().await.unwrap();
    mock.expect(Method::GET, "/api/x/").respond_empty(200);
    let err = get(&mock.client(), "/api/y/").await.unwrap_err();
    // Not a 404 the code under test could take for "no such resource".
    assert_eq!(err.status(), Some(501));
    assert!(!err.is_not_found());
    let message = panic_message(move || drop(mock));
    assert_eq!(
        message,
        "the mock server received 1 request(s) no expectation matched:\n  GET /api/y/"
    );
}
