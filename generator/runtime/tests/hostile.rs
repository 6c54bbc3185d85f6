//! A hostile server (issue 11): the client bounds memory, time and trust whatever arrives.
//! Each test scripts the loopback server and checks the exact outcome, including what reached
//! the server (the token is checked absent where it must not go).

mod support;

use std::time::{Duration, Instant};

use reqwest::{Method, Url};
use support::{Reply, TestServer, json, recording_policy, respond};
use waldur_client_runtime::{
    Accepted, ApiRequest, Client, DEFAULT_DEADLINE, DEFAULT_MAX_CONCURRENT_REQUESTS,
    DEFAULT_MAX_RESPONSE_BYTES, ERROR_BODY_LIMIT, Error, Page, RetryPolicy, paginate_with,
    path_param, redirect,
};

const TOKEN: &str = "secret-token";

fn get(path: &str) -> ApiRequest {
    ApiRequest::new(Method::GET, path.to_owned())
}

fn post(path: &str) -> ApiRequest {
    ApiRequest::new(Method::POST, path.to_owned())
}

fn client(server: &TestServer) -> Client {
    Client::builder(&server.url)
        .token(TOKEN)
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

/// Every request that reached `server` lacks the token.
fn assert_no_token(server: &TestServer) {
    for r in server.requests() {
        assert!(!r.head.contains(TOKEN), "token sent: {}", r.head);
        assert_eq!(r.header("authorization"), None);
    }
}

// ---------------------------------------------------------------------------------------------
// Memory

#[tokio::test]
async fn an_announced_oversized_body_is_refused_before_reading_it() {
    // 2 GiB announced, 10 bytes sent, then the connection stays open: the client must not
    // wait for (or allocate) the rest.
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                Content-Length: 2147483648\r\n\r\n[1,2,3,4,]";
    let server = TestServer::start(vec![Reply::Stall(head.into(), Duration::from_secs(30))]).await;
    let started = Instant::now();
    let err = client(&server).execute(get("/api/x/")).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        err.to_string(),
        format!(
            "the response to GET {}/api/x/ is larger than the limit of {} bytes \
             (Content-Length: 2147483648); it was not read",
            server.url, DEFAULT_MAX_RESPONSE_BYTES
        )
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn an_unannounced_body_stops_at_the_limit() {
    // Chunked, no Content-Length: 40 chunks of 1000 bytes against a 10,000-byte limit.
    let mut raw = String::from(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    for _ in 0..40 {
        raw.push_str(&format!("3e8\r\n{}\r\n", " ".repeat(1000)));
    }
    raw.push_str("0\r\n\r\n");
    let server = TestServer::start(vec![Reply::Raw(raw.into_bytes())]).await;
    let c = Client::builder(&server.url)
        .max_response_bytes(10_000)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = c.execute(get("/api/x/")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "the response to GET {}/api/x/ is larger than the limit of 10000 bytes; \
             reading stopped at the limit",
            server.url
        )
    );
    match err {
        Error::BodyTooLarge(e) => assert_eq!((e.limit, e.content_length), (10_000, None)),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_body_at_the_limit_is_accepted() {
    let server = TestServer::start(vec![json("200 OK", "[1, 2, 3]")]).await;
    let c = Client::builder(&server.url)
        .max_response_bytes(9)
        .build()
        .unwrap();
    let resp = c.execute(get("/api/x/")).await.unwrap();
    assert_eq!(&resp.body[..], b"[1, 2, 3]");
}

#[tokio::test]
async fn error_bodies_are_cut_at_the_limit_and_never_read_whole() {
    // A 500 whose body is 1 MB; retried twice: every attempt keeps 8 KiB.
    let big = "x".repeat(1 << 20);
    let replies = (0..3)
        .map(|_| respond("500 Internal Server Error", &[], &big))
        .collect();
    let server = TestServer::start(replies).await;
    let (policy, _delays) = recording_policy();
    let c = Client::builder(&server.url)
        .retry(policy.max_retries(2))
        .build()
        .unwrap();
    let err = c.execute(get("/api/x/")).await.unwrap_err();
    let status = err.as_status().unwrap();
    assert_eq!(status.body().len(), ERROR_BODY_LIMIT);
    assert!(status.body_truncated());
    assert_eq!(server.requests().len(), 3);
    // The message shows 200 characters and says how much it left out.
    assert_eq!(
        err.to_string(),
        format!(
            "HTTP 500 Internal Server Error from GET {}/api/x/: {}... (1000 more bytes) (after 3 attempts)",
            server.url,
            "x".repeat(200)
        )
    );
}

/// A model as the generator emits it, whose empty form costs 2 KiB.
#[derive(Debug, Default, serde::Serialize)]
struct Heavy {
    #[serde(skip)]
    _slots: [[u64; 32]; 8],
    #[serde(flatten)]
    extra: waldur_client_runtime::Extra,
}

impl waldur_client_runtime::LenientModel for Heavy {
    const NAME: &'static str = "Heavy";
    fn decode_field(&mut self, _key: &str, _value: &str) -> Result<bool, String> {
        Ok(false)
    }
    fn extra_mut(&mut self) -> &mut waldur_client_runtime::Extra {
        &mut self.extra
    }
    fn extra(&self) -> &waldur_client_runtime::Extra {
        &self.extra
    }
    fn visit_fields(
        &self,
        _f: &mut dyn FnMut(&'static str, &dyn waldur_client_runtime::FieldState),
    ) {
    }
}

impl<'de> serde::Deserialize<'de> for Heavy {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        waldur_client_runtime::deserialize_model(d)
    }
}

impl waldur_client_runtime::Inspect for Heavy {}

impl waldur_client_runtime::FromJson for Heavy {
    const ACCEPTS_MAP: bool = true;
    fn from_map<'de, A: serde::de::MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        waldur_client_runtime::model_from_map(map)
    }
}

fn tiny_items(n: usize) -> String {
    let mut body = String::with_capacity(3 * n + 2);
    body.push('[');
    for i in 0..n {
        if i > 0 {
            body.push(',');
        }
        body.push_str("{}");
    }
    body.push(']');
    body
}

/// A JSON list answer that says it is a page (`X-Result-Count`).
fn page_reply(body: &str) -> Reply {
    respond(
        "200 OK",
        &[
            ("Content-Type", "application/json"),
            ("X-Result-Count", "999999"),
        ],
        body,
    )
}

#[tokio::test]
async fn a_page_never_holds_more_items_than_requested() {
    // 1 MB of `{}`: 333,334 items for a page of 300. The decode stops at item 301.
    let body = tiny_items(333_334);
    let server = TestServer::start(vec![page_reply(&body)]).await;
    let mut req = get("/api/x/");
    req.query().push("page", "1");
    req.query().push("page_size", "300");
    let resp = client(&server).execute(req).await.unwrap();
    let err = Page::<Heavy>::from_response(&resp, 1, 300).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "cannot decode the response of GET {}/api/x/?page=1&page_size=300 (HTTP 200) at \
             [300]: the server sent more than the 300 items per page that were requested; the \
             page was refused; body near the error: \"{}\"",
            server.url,
            &body[..200]
        )
    );
    // Exactly the page size is fine.
    let full = tiny_items(300);
    let server = TestServer::start(vec![page_reply(&full)]).await;
    let mut req = get("/api/x/");
    req.query().push("page_size", "300");
    let resp = client(&server).execute(req).await.unwrap();
    let page = Page::<Heavy>::from_response(&resp, 1, 300).unwrap();
    assert_eq!((page.items.len(), page.page_size), (300, 300));
    // Bytes per empty item: the struct, nothing on the heap.
    assert_eq!(std::mem::size_of::<Heavy>(), 2048 + 24);
}

#[tokio::test]
async fn an_answer_that_is_not_a_page_is_bounded_by_memory_not_by_the_page_size() {
    // Without `Link` and `X-Result-Count` the server did not paginate (Waldur answers some
    // lists whole, whatever `page_size` says): every item is kept, and it is the only page.
    let server = TestServer::start(vec![json("200 OK", &tiny_items(1000))]).await;
    let mut req = get("/api/x/");
    req.query().push("page_size", "2");
    let resp = client(&server).execute(req).await.unwrap();
    let page = Page::<serde_json::Value>::from_response(&resp, 1, 2).unwrap();
    assert_eq!(
        (page.items.len(), page.total, page.next_page),
        (1000, None, None)
    );
    // The memory budget still holds: 1 MB of `{}` would be 700 MB of 2 KB structs.
    let body = tiny_items(333_334);
    let server = TestServer::start(vec![json("200 OK", &body)]).await;
    let mut req = get("/api/x/");
    req.query().push("page_size", "300");
    let resp = client(&server).execute(req).await.unwrap();
    match Page::<Heavy>::from_response(&resp, 1, 300).unwrap_err() {
        Error::Decode(d) => {
            // 8,097 items of 2,072 bytes, and the budget of 16 MiB is spent.
            assert_eq!(d.path, "[8097]");
            assert_eq!(
                d.message,
                "the decoded response would take more than 16777216 bytes of memory (16 times \
                 the body, at least 16777216); it was refused instead at line 1 column 24294"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn nested_tiny_items_are_bounded_by_the_decode_budget() {
    // `{"items": [{},{},...]}` with 2 MiB of `{}`: 700,000 nested models of 2 KiB each would
    // take 1.4 GB; the budget (16 x body, at least 16 MiB) stops it.
    #[derive(Debug, Default, serde::Serialize)]
    struct Holder {
        items: waldur_client_runtime::Lenient<Vec<waldur_client_runtime::Lenient<Heavy>>>,
        #[serde(flatten)]
        extra: waldur_client_runtime::Extra,
    }
    impl waldur_client_runtime::LenientModel for Holder {
        const NAME: &'static str = "Holder";
        fn decode_field(&mut self, key: &str, value: &str) -> Result<bool, String> {
            match key {
                "items" => self.items = waldur_client_runtime::lenient::from_raw(value)?,
                _ => return Ok(false),
            }
            Ok(true)
        }
        fn extra_mut(&mut self) -> &mut waldur_client_runtime::Extra {
            &mut self.extra
        }
        fn extra(&self) -> &waldur_client_runtime::Extra {
            &self.extra
        }
        fn visit_fields(
            &self,
            f: &mut dyn FnMut(&'static str, &dyn waldur_client_runtime::FieldState),
        ) {
            f("items", &self.items);
        }
    }
    impl<'de> serde::Deserialize<'de> for Holder {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            waldur_client_runtime::deserialize_model(d)
        }
    }
    let body = format!("{{\"items\": {}}}", tiny_items(700_000));
    let server = TestServer::start(vec![json("200 OK", &body)]).await;
    let resp = client(&server).execute(get("/api/x/")).await.unwrap();
    let err = resp.decode::<Holder>().unwrap_err();
    let limit = waldur_client_runtime::limits::decode_memory_limit(body.len());
    assert_eq!(limit, 16 * body.len());
    match &err {
        Error::Decode(d) => {
            assert_eq!(d.path, "items");
            assert!(
                d.message.starts_with(&format!(
                    "the decoded response would take more than {limit} bytes of memory (16 \
                     times the body, at least 16777216); it was refused instead"
                )),
                "{}",
                d.message
            );
        }
        other => panic!("{other:?}"),
    }
    // A realistic amount decodes.
    let body = format!("{{\"items\": {}}}", tiny_items(1000));
    let server = TestServer::start(vec![json("200 OK", &body)]).await;
    let resp = client(&server).execute(get("/api/x/")).await.unwrap();
    let holder = resp.decode::<Holder>().unwrap();
    assert_eq!(holder.items.get().unwrap().len(), 1000);
}

// ---------------------------------------------------------------------------------------------
// Redirects

#[tokio::test]
async fn a_redirect_to_another_origin_is_refused_and_the_token_stays_home() {
    let other = TestServer::start(vec![json("200 OK", r#"{"stolen": true}"#)]).await;
    let location = format!("{}/api/x/", other.url);
    let server =
        TestServer::start(vec![respond("302 Found", &[("Location", &location)], "")]).await;
    let err = client(&server).execute(get("/api/x/")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "GET {}/api/x/ was redirected (HTTP 302) to \"{location}\", which the client \
             refused: it leads to another origin; the credentials are only sent to the origin \
             of the base URL",
            server.url
        )
    );
    assert!(!err.is_retryable());
    assert!(other.requests().is_empty());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_scheme_change_on_the_same_host_and_port_is_refused() {
    // http -> https on the same host and port (no TLS server needed: nothing is sent).
    let server = TestServer::start(vec![respond(
        "301 Moved Permanently",
        &[("Location", "https://127.0.0.1:1/api/x/")],
        "",
    )])
    .await;
    let location = format!("https://{}/api/x/", server.host());
    let server2 = TestServer::start(vec![respond(
        "301 Moved Permanently",
        &[("Location", &location)],
        "",
    )])
    .await;
    let err = client(&server2).execute(get("/api/x/")).await.unwrap_err();
    assert!(
        err.to_string().ends_with(
            "it changes the scheme from http to https; the credentials are only sent \
                        to the origin of the base URL (use the target's scheme in the base URL \
                        if it is right)"
        ),
        "{err}"
    );
    drop(server);
}

#[test]
fn an_https_to_http_downgrade_is_refused_before_anything_is_sent() {
    // The case reqwest's default policy gets wrong: same host and port, weaker scheme.
    let from = Url::parse("https://waldur.example.com:8443/api/volumes/").unwrap();
    let err = redirect::decide(
        &Method::GET,
        &from,
        302,
        Some("http://waldur.example.com:8443/api/volumes/"),
        0,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "GET https://waldur.example.com:8443/api/volumes/ was redirected (HTTP 302) to \
         \"http://waldur.example.com:8443/api/volumes/\", which the client refused: it changes \
         the scheme from https to http; the credentials are only sent to the origin of the \
         base URL (use the target's scheme in the base URL if it is right)"
    );
    // Same origin, relative Location: followed for GET.
    let next = redirect::decide(&Method::GET, &from, 302, Some("/api/volumes/?page=2"), 0)
        .unwrap()
        .unwrap();
    assert_eq!(
        next.as_str(),
        "https://waldur.example.com:8443/api/volumes/?page=2"
    );
    // Not a redirect, or no Location: handled as a status.
    assert_eq!(
        redirect::decide(&Method::GET, &from, 304, Some("/x"), 0).unwrap(),
        None
    );
    assert_eq!(
        redirect::decide(&Method::GET, &from, 302, None, 0).unwrap(),
        None
    );
    // Too many hops.
    let err = redirect::decide(
        &Method::GET,
        &from,
        302,
        Some("/a"),
        redirect::MAX_REDIRECTS,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .ends_with("which the client refused: more than 5 redirects")
    );
}

#[tokio::test]
async fn post_is_never_replayed_or_turned_into_a_get() {
    for status in [
        "307 Temporary Redirect",
        "308 Permanent Redirect",
        "303 See Other",
    ] {
        let other = TestServer::start(vec![json("200 OK", "{}")]).await;
        let location = format!("{}/api/volumes/1/extend/", other.url);
        let server = TestServer::start(vec![
            respond(status, &[("Location", &location)], ""),
            json("200 OK", "{}"),
        ])
        .await;
        let req = post("/api/volumes/1/extend/")
            .json(&serde_json::json!({"size": 1}))
            .unwrap();
        let err = client(&server).execute(req).await.unwrap_err();
        assert!(
            err.to_string()
                .contains("which the client refused: it leads to another origin"),
            "{err}"
        );
        assert!(other.requests().is_empty());
        assert_eq!(server.requests().len(), 1);

        // Same origin: still refused for a POST.
        let server = TestServer::start(vec![
            respond(status, &[("Location", "/api/volumes/2/extend/")], ""),
            json("200 OK", "{}"),
        ])
        .await;
        let req = post("/api/volumes/1/extend/")
            .json(&serde_json::json!({"size": 1}))
            .unwrap();
        let err = client(&server).execute(req).await.unwrap_err();
        let code = &status[..3];
        assert_eq!(
            err.to_string(),
            format!(
                "POST {}/api/volumes/1/extend/ was redirected (HTTP {code}) to \
                 \"/api/volumes/2/extend/\", which the client refused: a POST is not repeated \
                 at another URL (it may have taken effect, and following could report an action \
                 that did not happen)",
                server.url
            )
        );
        assert_eq!(server.requests().len(), 1);
    }
}

#[tokio::test]
async fn a_same_origin_redirect_of_a_get_is_followed() {
    let server = TestServer::start(vec![
        respond(
            "301 Moved Permanently",
            &[("Location", "/api/y/?page=1")],
            "",
        ),
        json("200 OK", "[1]"),
    ])
    .await;
    let resp = client(&server).execute(get("/api/x/")).await.unwrap();
    assert_eq!(&resp.body[..], b"[1]");
    assert_eq!(resp.url.as_str(), format!("{}/api/y/?page=1", server.url));
    let requests = server.requests();
    assert_eq!(requests[1].request_line(), "GET /api/y/?page=1 HTTP/1.1");
    assert_eq!(
        requests[1].header("authorization"),
        Some("Token secret-token")
    );
}

#[tokio::test]
async fn a_caller_supplied_client_that_follows_redirects_is_checked_after_the_fact() {
    // reqwest's default policy follows the redirect (and drops the token, since the port
    // differs); the runtime refuses the other origin's answer.
    let other = TestServer::start(vec![json("200 OK", r#"{"stolen": true}"#)]).await;
    let location = format!("{}/api/x/", other.url);
    let server =
        TestServer::start(vec![respond("302 Found", &[("Location", &location)], "")]).await;
    let c = Client::builder(&server.url)
        .token(TOKEN)
        .http_client(reqwest::Client::new())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = c.execute(get("/api/x/")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "GET {}/api/x/ was redirected to \"{location}\", which the client refused: the \
             caller-supplied HTTP client followed it to another origin, and its answer is not \
             accepted; build that client with redirect::Policy::none()",
            server.url
        )
    );
    assert_no_token(&other);

    // A POST answered 303 becomes a GET inside reqwest: not reported as done.
    let server = TestServer::start(vec![
        respond("303 See Other", &[("Location", "/api/done/")], ""),
        json("200 OK", "{}"),
    ])
    .await;
    let c = Client::builder(&server.url)
        .token(TOKEN)
        .http_client(reqwest::Client::new())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = c.execute(post("/api/x/")).await.unwrap_err();
    assert!(
        err.to_string().contains(
            "the caller-supplied HTTP client followed it, but a redirected \
                                  action is not accepted as done"
        ),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Error text

#[tokio::test]
async fn error_messages_are_bounded_and_escaped() {
    let forged = "Invalid value.\nINFO 2024-01-01 admin logged in\r\n\x1b[31mred\x1b[0m\u{202e}";
    let body = serde_json::json!({ "detail": forged }).to_string();
    let server = TestServer::start(vec![json("400 Bad Request", &body)]).await;
    let err = client(&server).execute(get("/api/x/")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "HTTP 400 Bad Request from GET {}/api/x/: Invalid value.\\nINFO 2024-01-01 admin \
             logged in\\r\\n\\u{{1b}}[31mred\\u{{1b}}[0m\\u{{202e}}",
            server.url
        )
    );
    // The unescaped text stays available.
    assert_eq!(err.drf().unwrap().detail.as_deref(), Some(forged));

    // A 50 KB detail: the body is cut at 8 KiB (no longer JSON), the message at 200 characters.
    let detail = format!("{}\n", "A".repeat(50_000));
    let body = serde_json::json!({ "detail": detail }).to_string();
    let server = TestServer::start(vec![json("400 Bad Request", &body)]).await;
    let err = client(&server).execute(get("/api/x/")).await.unwrap_err();
    // The message shows the first 200 of the 1,200 characters it looks at.
    assert_eq!(
        err.to_string(),
        format!(
            "HTTP 400 Bad Request from GET {}/api/x/: {}... (1000 more bytes)",
            server.url,
            &body[..200]
        )
    );
    assert_eq!(err.as_status().unwrap().body(), &body[..ERROR_BODY_LIMIT]);
    assert!(err.drf().is_none());
}

// ---------------------------------------------------------------------------------------------
// Time

#[tokio::test]
async fn the_deadline_covers_all_attempts() {
    // A silent server: each attempt times out after 300 ms; the deadline of 500 ms cuts the
    // second one short.
    let silent = || Reply::Stall(Vec::new(), Duration::from_secs(10));
    let server = TestServer::start(vec![silent(), silent(), silent(), silent()]).await;
    let c = Client::builder(&server.url)
        .timeout(Duration::from_millis(300))
        .deadline(Duration::from_millis(500))
        .retry(
            RetryPolicy::default()
                .jitter(false)
                .initial_backoff(Duration::from_millis(50)),
        )
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c.execute(get("/api/x/")).await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(480), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "GET {}/api/x/ did not complete within its deadline of 500ms (2 attempts)",
            server.url
        )
    );
    assert!(err.is_timeout());
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_retry_after_beyond_the_deadline_is_not_waited_for() {
    let server = TestServer::start(vec![respond(
        "503 Service Unavailable",
        &[("Retry-After", "90")],
        "busy",
    )])
    .await;
    let (policy, delays) = recording_policy();
    let c = Client::builder(&server.url)
        .deadline(Duration::from_secs(10))
        .retry(policy)
        .build()
        .unwrap();
    let err = c.execute(get("/api/x/")).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(delays.lock().unwrap().is_empty());
    assert_eq!(server.requests().len(), 1);
    assert_eq!(DEFAULT_DEADLINE, Duration::from_secs(120));
}

#[tokio::test]
async fn waits_count_against_the_deadline_even_when_the_sleeper_returns_early() {
    // 503 with Retry-After 20 s, deadline 50 s: two waits fit (20 + 20 < 50), a third would not.
    let replies = (0..5)
        .map(|_| respond("503 Service Unavailable", &[("Retry-After", "20")], ""))
        .collect();
    let server = TestServer::start(replies).await;
    let (policy, delays) = recording_policy();
    let c = Client::builder(&server.url)
        .deadline(Duration::from_secs(50))
        .retry(policy.max_retries(4))
        .build()
        .unwrap();
    let err = c.execute(get("/api/x/")).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(*delays.lock().unwrap(), [Duration::from_secs(20); 2]);
    assert_eq!(server.requests().len(), 3);
}

// ---------------------------------------------------------------------------------------------
// Pagination

async fn fetch_page(c: &Client, page: u32, page_size: u32) -> Result<Page<i64>, Error> {
    let mut req = get("/api/x/");
    req.query().push("page", &page);
    req.query().push("page_size", &page_size);
    let resp = c.execute(req).await?;
    Page::from_response(&resp, page, page_size)
}

#[tokio::test]
async fn an_impossible_next_page_is_an_error() {
    let cases = [
        (
            "<http://h/api/x/?page=1000000000000&page_size=2>; rel=\"next\"",
            "the rel=\"next\" link names page \"1000000000000\", which is not a page number the \
             client can request (1 to 4294967295)",
        ),
        (
            "<http://h/api/x/?page=two>; rel=\"next\"",
            "the rel=\"next\" link names page \"two\", which is not a page number the client can \
             request (1 to 4294967295)",
        ),
        (
            "<http://h/api/x/?cursor=abc>; rel=\"next\"",
            "the rel=\"next\" link \"http://h/api/x/?cursor=abc\" has no page number",
        ),
    ];
    for (link, reason) in cases {
        let server = TestServer::start(vec![respond("200 OK", &[("Link", link)], "[1,2]")]).await;
        let c = client(&server);
        let err = fetch_page(&c, 1, 2).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "pagination stopped: page 1 of {}/api/x/?page=1&page_size=2: {reason}",
                server.url
            )
        );
    }
}

async fn stream_all(c: &Client, max_pages: Option<u32>) -> Vec<Result<i64, String>> {
    use futures_util::StreamExt;
    let mut options = c.page_options(2, None);
    options.max_pages = max_pages.or(options.max_pages);
    paginate_with(options, |page, size| fetch_page(c, page, size))
        .map(|r| r.map_err(|e| e.to_string()))
        .collect()
        .await
}

#[tokio::test]
async fn a_server_that_always_links_further_is_stopped() {
    // Always `page+1`, total 5: after 6 items (5 plus one page of slack) it is an error.
    let replies = (1..=10)
        .map(|p| {
            let link = format!("<http://h/api/x/?page={}>; rel=\"next\"", p + 1);
            respond(
                "200 OK",
                &[("Link", &link), ("X-Result-Count", "5")],
                "[1,2]",
            )
        })
        .collect();
    let server = TestServer::start(replies).await;
    let c = client(&server);
    let items = stream_all(&c, None).await;
    assert_eq!(items.len(), 9);
    assert_eq!(
        items[8],
        Err(
            "pagination stopped: after 8 items, more than the 5 the server counts \
             (X-Result-Count), page 4 still names page 5 as the next one"
                .to_owned()
        )
    );
    assert_eq!(server.requests().len(), 4);

    // Without a count, the page cap stops it (and says so).
    let replies = (1..=10)
        .map(|p| {
            let link = format!("<http://h/api/x/?page={}>; rel=\"next\"", p + 1);
            respond("200 OK", &[("Link", &link)], "[1,2]")
        })
        .collect();
    let server = TestServer::start(replies).await;
    let c = Client::builder(&server.url)
        .max_pages(3)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let items = stream_all(&c, None).await;
    assert_eq!(items.len(), 7);
    assert_eq!(
        items[6],
        Err(
            "pagination stopped: the cap of 3 pages was reached and the server announces page 4"
                .to_owned()
        )
    );
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn an_empty_page_announcing_more_is_an_error() {
    let server = TestServer::start(vec![
        respond(
            "200 OK",
            &[("Link", "<http://h/?page=2>; rel=\"next\"")],
            "[1,2]",
        ),
        respond(
            "200 OK",
            &[("Link", "<http://h/?page=3>; rel=\"next\"")],
            "[]",
        ),
    ])
    .await;
    let items = stream_all(&client(&server), None).await;
    assert_eq!(
        items,
        [
            Ok(1),
            Ok(2),
            Err("pagination stopped: page 2 is empty but names page 3 as the next one".to_owned())
        ]
    );
}

#[tokio::test]
async fn page_size_reports_what_was_requested_or_what_came() {
    // No page_size in the request: the server chose; the page reports the items it holds, and
    // without a Link only a short first page (against the total) announces more.
    let server = TestServer::start(vec![
        respond(
            "200 OK",
            &[("X-Result-Count", "25")],
            "[1,2,3,4,5,6,7,8,9,10]",
        ),
        respond("200 OK", &[("X-Result-Count", "25")], "[1,2,3,4,5]"),
    ])
    .await;
    let c = client(&server);
    let resp = c.execute(get("/api/x/")).await.unwrap();
    let page = Page::<i64>::from_response(&resp, 1, 300).unwrap();
    assert_eq!(
        (page.page_size, page.next_page, page.total),
        (10, Some(2), Some(25))
    );
    let mut req = get("/api/x/");
    req.query().push("page", "3");
    let resp = c.execute(req).await.unwrap();
    let page = Page::<i64>::from_response(&resp, 3, 300).unwrap();
    // Page 3 of an unknown size: no guess.
    assert_eq!((page.page_size, page.next_page), (5, None));
}

/// `[0,1,...,n-1]`.
fn numbers(n: usize) -> String {
    let items: Vec<String> = (0..n).map(|i| i.to_string()).collect();
    format!("[{}]", items.join(","))
}

#[tokio::test]
async fn a_redirect_cannot_raise_the_page_size_cap() {
    // Asked for 2, redirected (same origin) to a page of 100,000,000: the cap stays at 2, and
    // the page of 1000 is refused at its third item.
    let body = numbers(1000);
    let huge = "/api/x/?page=1&page_size=100000000";
    let server = TestServer::start(vec![
        respond("302 Found", &[("Location", huge)], ""),
        respond(
            "200 OK",
            &[
                ("Content-Type", "application/json"),
                ("X-Result-Count", "1000"),
            ],
            &body,
        ),
    ])
    .await;
    let mut req = get("/api/x/");
    req.query().push("page", "1");
    req.query().push("page_size", "2");
    let err = waldur_client_runtime::send(
        client(&server),
        Ok(req),
        waldur_client_runtime::decode::page::<i64>(1, 2),
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "cannot decode the response of GET {}{huge} (HTTP 200) at [2]: the server sent more \
             than the 2 items per page that were requested; the page was refused; body near the \
             error: \"{}\"",
            server.url,
            &body[..200]
        )
    );
    let lines: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.request_line().to_owned())
        .collect();
    assert_eq!(
        lines,
        [
            "GET /api/x/?page=1&page_size=2 HTTP/1.1",
            "GET /api/x/?page=1&page_size=100000000 HTTP/1.1"
        ]
    );

    // Without `Link` and `X-Result-Count` the answer is not a page but the whole list (as
    // Waldur answers `/api/customers/countries/`): kept, within the body limit, as the only page.
    let server = TestServer::start(vec![
        respond("302 Found", &[("Location", huge)], ""),
        json("200 OK", &body),
    ])
    .await;
    let mut req = get("/api/x/");
    req.query().push("page", "1");
    req.query().push("page_size", "2");
    let page = waldur_client_runtime::send(
        client(&server),
        Ok(req),
        waldur_client_runtime::decode::page::<i64>(1, 2),
    )
    .await
    .unwrap();
    assert_eq!(
        (page.items.len(), page.page_size, page.total, page.next_page),
        (1000, 2, None, None)
    );
}

#[tokio::test]
async fn a_next_link_cannot_raise_the_page_size_cap() {
    // Page 1 names `page_size=100000000` in its `next` link. The client asks for page 2 in
    // pages of 2, its own size, and refuses a page 2 of 1000 items: directly, and when the
    // server redirects the request to its link.
    let body = numbers(1000);
    for redirected in [false, true] {
        let next = "/api/x/?page=2&page_size=100000000";
        let first = respond(
            "200 OK",
            &[
                ("Content-Type", "application/json"),
                ("X-Result-Count", "1002"),
                ("Link", &format!("<http://h{next}>; rel=\"next\"")),
            ],
            "[1,2]",
        );
        let second = respond(
            "200 OK",
            &[
                ("Content-Type", "application/json"),
                ("X-Result-Count", "1002"),
            ],
            &body,
        );
        let mut replies = vec![first];
        if redirected {
            replies.push(respond("302 Found", &[("Location", next)], ""));
        }
        replies.push(second);
        let server = TestServer::start(replies).await;
        let answered = if redirected {
            format!("{}{next}", server.url)
        } else {
            format!("{}/api/x/?page=2&page_size=2", server.url)
        };
        let items = stream_all(&client(&server), None).await;
        assert_eq!(
            items,
            [
                Ok(1),
                Ok(2),
                Err(format!(
                    "cannot decode the response of GET {answered} (HTTP 200) at [2]: the server \
                     sent more than the 2 items per page that were requested; the page was \
                     refused; body near the error: \"{}\"",
                    &body[..200]
                ))
            ]
        );
        let lines: Vec<String> = server
            .requests()
            .iter()
            .map(|r| r.request_line().to_owned())
            .collect();
        let mut expected = vec![
            "GET /api/x/?page=1&page_size=2 HTTP/1.1",
            "GET /api/x/?page=2&page_size=2 HTTP/1.1",
        ];
        if redirected {
            expected.push("GET /api/x/?page=2&page_size=100000000 HTTP/1.1");
        }
        assert_eq!(lines, expected);
    }
}

// ---------------------------------------------------------------------------------------------
// Success that is not success

#[tokio::test]
async fn an_html_page_answering_200_is_an_error() {
    let html = "<!DOCTYPE html><html><body>Please log in</body></html>";
    let server = TestServer::start(vec![
        respond(
            "200 OK",
            &[("Content-Type", "text/html; charset=utf-8")],
            html,
        ),
        respond("200 OK", &[], html),
    ])
    .await;
    let c = client(&server);
    for note in [" (Content-Type: text/html; charset=utf-8)", ""] {
        let err = c.execute(post("/api/volumes/1/pull/")).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "cannot decode the response of POST {}/api/volumes/1/pull/ (HTTP 200) at .: \
                 expected JSON (the request asked for application/json), got an HTML \
                 page{note}; body near the error: \"{html}\"",
                server.url
            )
        );
        assert!(!err.is_retryable());
    }
}

#[tokio::test]
async fn an_action_answered_with_text_is_an_error_and_empty_is_fine() {
    let server = TestServer::start(vec![
        respond("200 OK", &[("Content-Type", "text/plain")], "OK, done"),
        respond("202 Accepted", &[], ""),
        json("202 Accepted", r#"{"status": "pull was scheduled"}"#),
    ])
    .await;
    let c = client(&server);
    let resp = c.execute(post("/api/v/1/pull/")).await.unwrap();
    let err = Accepted::try_from_response(&resp).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "cannot decode the response of POST {}/api/v/1/pull/ (HTTP 200) at .: the operation \
             returns JSON or nothing, but the body (Content-Type: text/plain) is not JSON \
             (expected value at line 1 column 1); body near the error: \"OK, done\"",
            server.url
        )
    );
    let resp = c.execute(post("/api/v/1/pull/")).await.unwrap();
    let accepted = Accepted::try_from_response(&resp).unwrap();
    assert_eq!((accepted.status, accepted.body), (202, None));
    let resp = c.execute(post("/api/v/1/pull/")).await.unwrap();
    let accepted = Accepted::try_from_response(&resp).unwrap();
    assert_eq!(accepted.message(), Some("pull was scheduled"));
}

// ---------------------------------------------------------------------------------------------
// Smaller points

#[tokio::test]
async fn a_deterministic_protocol_error_is_not_retried() {
    // A response head beyond hyper's limit ("message head is too large"), then garbage.
    let huge = format!("HTTP/1.1 200 OK\r\nX-Big: {}\r\n\r\n", "a".repeat(1 << 20));
    let replies = vec![
        Reply::Raw(huge.into_bytes()),
        Reply::Raw(b"NOT HTTP AT ALL\r\n\r\n".to_vec()),
        json("200 OK", "{}"),
    ];
    let server = TestServer::start(replies).await;
    let (policy, delays) = recording_policy();
    let c = Client::builder(&server.url).retry(policy).build().unwrap();
    let err = c.execute(get("/api/x/")).await.unwrap_err();
    assert!(
        err.to_string().contains("message head is too large"),
        "{err}"
    );
    assert!(!err.is_retryable());
    let err = c.execute(get("/api/x/")).await.unwrap_err();
    assert!(!err.is_retryable(), "{err}");
    assert!(delays.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_body_whose_framing_hyper_refuses_is_not_retried() {
    // Chunk extensions beyond hyper's limit: the same request would get the same body.
    let extensions = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n\
         2;{}\r\n{{}}\r\n0\r\n\r\n",
        "x".repeat(64 * 1024)
    );
    let bad_size = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: \
                    chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n";
    let replies = vec![
        Reply::Raw(extensions.into_bytes()),
        Reply::Raw(bad_size.as_bytes().to_vec()),
        json("200 OK", "{}"),
    ];
    let server = TestServer::start(replies).await;
    let (policy, delays) = recording_policy();
    let c = Client::builder(&server.url).retry(policy).build().unwrap();
    for _ in 0..2 {
        let err = c.execute(get("/api/x/")).await.unwrap_err();
        assert!(matches!(err, Error::Transport { .. }), "{err:?}");
        assert!(!err.is_retryable(), "{err}");
        assert_eq!(err.attempts(), 1, "{err}");
    }
    assert!(delays.lock().unwrap().is_empty());
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn empty_path_parameters_are_refused() {
    assert_eq!(path_param("uuid", "a b/c").unwrap(), "a%20b%2Fc");
    for (value, problem) in [
        ("", "is empty"),
        (".", "is a dot segment"),
        ("..", "is a dot segment"),
    ] {
        let err = path_param("uuid", value).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "cannot encode the request: path parameter `uuid` {problem}; it would change the \
                 request path"
            )
        );
    }
    assert_eq!(path_param("id", &42).unwrap(), "42");
    let uuid =
        waldur_client_runtime::Uuid::parse_str("4f6cb9a8-2e2e-4d4f-9d27-3a5a2b1c0d9e").unwrap();
    assert_eq!(
        path_param("uuid", &uuid).unwrap(),
        "4f6cb9a82e2e4d4f9d273a5a2b1c0d9e"
    );
}

#[test]
fn limits_defaults_are_documented_values() {
    assert_eq!(DEFAULT_MAX_RESPONSE_BYTES, 32 * 1024 * 1024);
    assert_eq!(ERROR_BODY_LIMIT, 8 * 1024);
    let c = Client::new("https://waldur.example.com", TOKEN).unwrap();
    assert_eq!(c.max_response_bytes(), 32 * 1024 * 1024);
    assert_eq!(c.call_deadline(), Some(Duration::from_secs(120)));
}

#[tokio::test]
async fn the_clients_token_never_appears_in_an_error_whatever_the_server_echoes() {
    const SECRET: &str = "0123456789abcdef0123456789abcdef01234567";
    let echo =
        format!(r#"{{"detail": "Invalid token {SECRET}.", "token": ["{SECRET} is expired"]}}"#);
    let server = TestServer::start(vec![
        respond(
            "401 Unauthorized",
            &[
                ("Content-Type", "application/json"),
                ("WWW-Authenticate", &format!("Token {SECRET}")),
            ],
            &echo,
        ),
        json("200 OK", &format!(r#"["{SECRET}"]"#)),
    ])
    .await;
    let client = Client::builder(&server.url)
        .token(SECRET)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.execute(get("/api/x/")).await.unwrap_err();
    let status = err.as_status().expect("a status error");
    assert_eq!(
        status.body(),
        r#"{"detail": "Invalid token [redacted].", "token": ["[redacted] is expired"]}"#
    );
    assert_eq!(
        err.drf().unwrap().detail.as_deref(),
        Some("Invalid token [redacted].")
    );
    assert_eq!(status.field_errors("token"), ["[redacted] is expired"]);
    assert_eq!(status.headers["www-authenticate"], "[redacted]");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(text.contains("[redacted]"), "{text}");
    }
    // A success whose body does not decode: the snippet is the server's text too.
    let resp = client.execute(get("/api/y/")).await.unwrap();
    let err = client.redact(resp.decode::<Vec<u32>>().unwrap_err());
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(SECRET), "{text}");
    }
    assert!(err.to_string().contains(r#"[\"[redacted]\"]"#), "{err}");
}

/// A loopback server that answers `{}` after `delay`, closing each connection, and counts
/// the requests it serves at once: `(url, the most at once, requests served)`.
async fn counting_server(
    delay: Duration,
) -> (
    String,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (now, most, served) = (
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
    );
    let (most_out, served_out) = (most.clone(), served.clone());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let (now, most, served) = (now.clone(), most.clone(), served.clone());
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let at_once = now.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(at_once, Ordering::SeqCst);
                tokio::time::sleep(delay).await;
                now.fetch_sub(1, Ordering::SeqCst);
                served.fetch_add(1, Ordering::SeqCst);
                let _ = stream
                    .write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \
                          2\r\nConnection: close\r\n\r\n{}",
                    )
                    .await;
            });
        }
    });
    (url, most_out, served_out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_in_flight_are_limited_per_client_and_waiting_counts_against_the_deadline() {
    use std::sync::atomic::Ordering;
    let (url, most, served) = counting_server(Duration::from_millis(20)).await;
    // The default limit: 200 calls at once reach the server 16 at a time.
    let client = Client::builder(&url).build().unwrap();
    let calls = (0..200).map(|_| {
        let client = client.clone();
        async move { client.execute(get("/api/x/")).await }
    });
    let results = futures_util::future::join_all(calls).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(most.load(Ordering::SeqCst), DEFAULT_MAX_CONCURRENT_REQUESTS);
    assert_eq!(served.load(Ordering::SeqCst), 200);

    // A limit of 1: a call waiting for the slot past its deadline fails without being sent.
    let (url, most, served) = counting_server(Duration::from_millis(400)).await;
    let client = Client::builder(&url)
        .max_concurrent_requests(1)
        .build()
        .unwrap();
    let first = tokio::spawn({
        let client = client.clone();
        async move { client.execute(get("/api/x/")).await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let start = Instant::now();
    let err = client
        .execute(get("/api/y/").deadline(Some(Duration::from_millis(100))))
        .await
        .unwrap_err();
    assert!(
        start.elapsed() < Duration::from_millis(350),
        "waited for the slot"
    );
    assert_eq!(
        err.to_string(),
        format!("GET {url}/api/y/ did not complete within its deadline of 100ms (0 attempts)")
    );
    first.await.unwrap().unwrap();
    assert_eq!(
        (most.load(Ordering::SeqCst), served.load(Ordering::SeqCst)),
        (1, 1)
    );
    assert_eq!(
        Client::builder(&url)
            .max_concurrent_requests(0)
            .build()
            .unwrap_err()
            .to_string(),
        "invalid client configuration: max_concurrent_requests must be at least 1"
    );
}
