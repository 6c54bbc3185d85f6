//! The README's "Limits and defaults" table, row by row: each test shows what one row says,
//! with the default it names. Defaults are read from what the runtime exposes (the client's
//! `Debug`, its accessors, the documented constants); the mechanism behind each one is shown
//! with short explicit values, so nothing here waits for a default of seconds to pass.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use reqwest::Method;
use support::{Reply, TestServer, json, recording_policy, respond};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use waldur_client_runtime::{
    ApiRequest, Client, DEFAULT_CONNECT_TIMEOUT, DEFAULT_DEADLINE, DEFAULT_MAX_CONCURRENT_REQUESTS,
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, ERROR_BODY_LIMIT, Error, MAX_PAGE_SIZE, Page,
    RetryPolicy, decode, paging, redirect, send,
};

/// Only detects a hang: every call here that is meant to finish takes milliseconds.
const HANG: Duration = Duration::from_secs(20);

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn get(path: &str) -> ApiRequest {
    ApiRequest::new(Method::GET, path.to_owned())
}

/// The lines of the requests `server` received.
fn request_lines(server: &TestServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| r.request_line().to_owned())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Time per attempt

#[tokio::test]
async fn the_attempt_timeout_covers_redirects_and_the_body_and_defaults_to_60_s() {
    assert_eq!(DEFAULT_TIMEOUT, secs(60));
    let c = Client::builder("https://waldur.example.com")
        .build()
        .unwrap();
    assert!(
        format!("{c:?}").contains(", timeout: Some(60s), deadline: Some(120s),"),
        "{c:?}"
    );

    // A redirect answered after 0.6 s, then the page after another 0.6 s: each hop fits in
    // 1 s, both do not. The timeout is the attempt's, not the hop's.
    let hops = || {
        vec![
            Reply::Delay(
                ms(600),
                Box::new(respond("302 Found", &[("Location", "/api/y/")], "")),
            ),
            Reply::Delay(ms(600), Box::new(json("200 OK", "[1]"))),
        ]
    };
    let (server, unbounded) = (
        TestServer::start(hops()).await,
        TestServer::start(hops()).await,
    );
    let c = Client::builder(&server.url)
        .timeout(secs(1))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    // Without a per-attempt timeout the same answers arrive.
    let without = Client::builder(&unbounded.url)
        .no_timeout()
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let (err, resp) = tokio::join!(c.execute(get("/api/x/")), without.execute(get("/api/x/")));
    let err = err.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("GET {}/api/x/ timed out", server.url)
    );
    assert!(matches!(err, Error::Timeout { attempts: 1, .. }), "{err:?}");
    assert_eq!(
        request_lines(&server),
        ["GET /api/x/ HTTP/1.1", "GET /api/y/ HTTP/1.1"]
    );
    let resp = resp.unwrap();
    assert_eq!((&resp.body[..], resp.url.path()), (&b"[1]"[..], "/api/y/"));

    // The body too: its head arrives at once, the rest of it never does.
    let server = TestServer::start(vec![Reply::Stall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n[1,"
            .to_vec(),
        secs(30),
    )])
    .await;
    let c = Client::builder(&server.url)
        .timeout(ms(300))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = c.execute(get("/api/x/")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("GET {}/api/x/ timed out", server.url)
    );
}

// ---------------------------------------------------------------------------------------------
// Time per call

/// `n` answers `503` with `Retry-After: 25`.
fn unavailable(n: usize) -> Vec<Reply> {
    (0..n)
        .map(|_| respond("503 Service Unavailable", &[("Retry-After", "25")], ""))
        .collect()
}

/// How many attempts a GET answered `503 Retry-After: 25` gets from `builder` (with a retry
/// policy of 10 retries whose waits are counted but not waited), and the waits.
async fn attempts_under(
    builder: impl FnOnce(&str) -> waldur_client_runtime::ClientBuilder,
    req: ApiRequest,
) -> (u32, Vec<Duration>) {
    let server = TestServer::start(unavailable(11)).await;
    let (policy, delays) = recording_policy();
    let c = builder(&server.url)
        .retry(policy.max_retries(10))
        .build()
        .unwrap();
    let err = c.execute(req).await.unwrap_err();
    assert_eq!(err.status(), Some(503), "{err}");
    assert_eq!(server.requests().len() as u32, err.attempts());
    let delays = delays.lock().unwrap().clone();
    (err.attempts(), delays)
}

#[tokio::test]
async fn the_deadline_covers_every_attempt_and_wait_and_defaults_to_120_s() {
    assert_eq!(DEFAULT_DEADLINE, secs(120));
    let c = Client::builder("https://waldur.example.com")
        .build()
        .unwrap();
    assert_eq!(c.call_deadline(), Some(secs(120)));

    // The default: four waits of 25 s fit in 120 s, a fifth would end past it and is not made.
    let (attempts, waits) = attempts_under(Client::builder, get("/api/x/")).await;
    assert_eq!((attempts, waits), (5, vec![secs(25); 4]));
    // `.deadline(d)`: 60 s holds two waits.
    let (attempts, waits) = attempts_under(
        |url| Client::builder(url).deadline(secs(60)),
        get("/api/x/"),
    )
    .await;
    assert_eq!((attempts, waits), (3, vec![secs(25); 2]));
    // `ApiRequest::deadline` on one request: 30 s holds one.
    let (attempts, waits) =
        attempts_under(Client::builder, get("/api/x/").deadline(Some(secs(30)))).await;
    assert_eq!((attempts, waits), (2, vec![secs(25)]));
    // `.no_deadline()`, or `None` on the request: every retry is made.
    let (attempts, waits) =
        attempts_under(|url| Client::builder(url).no_deadline(), get("/x/")).await;
    assert_eq!((attempts, waits), (11, vec![secs(25); 10]));
    let (attempts, waits) = attempts_under(Client::builder, get("/x/").deadline(None)).await;
    assert_eq!((attempts, waits), (11, vec![secs(25); 10]));

    // An attempt the deadline cuts short is `Error::Deadline`, whatever the attempt's timeout.
    let server = TestServer::start(vec![Reply::Stall(Vec::new(), secs(30))]).await;
    let c = Client::builder(&server.url)
        .deadline(ms(300))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = c.execute(get("/api/x/")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "GET {}/api/x/ did not complete within its deadline of 300ms (1 attempt)",
            server.url
        )
    );
    assert!(matches!(err, Error::Deadline(_)), "{err:?}");
}

// ---------------------------------------------------------------------------------------------
// Connect

#[tokio::test]
async fn a_connect_that_does_not_complete_ends_at_the_connect_timeout_default_10_s() {
    assert_eq!(DEFAULT_CONNECT_TIMEOUT, secs(10));
    // A listener whose queue of connections is full: Linux drops further SYNs, so a connect
    // to it never completes.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut queued = Vec::new();
    while let Ok(Ok(stream)) =
        tokio::time::timeout(ms(200), tokio::net::TcpStream::connect(addr)).await
    {
        queued.push(stream);
        assert!(queued.len() < 64, "the queue of connections never filled");
    }
    // No attempt timeout: without the connect timeout, the deadline would end the call (as
    // `Error::Deadline`, not retried). Each attempt ends at the connect timeout instead, and
    // is retried.
    let url = format!("http://{addr}");
    let (policy, delays) = recording_policy();
    let c = Client::builder(&url)
        .connect_timeout(ms(300))
        .no_timeout()
        .deadline(HANG)
        .retry(policy.max_retries(2))
        .build()
        .unwrap();
    let err = c.execute(get("/api/x/")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("GET {url}/api/x/ timed out (after 3 attempts)")
    );
    assert!(matches!(err, Error::Timeout { attempts: 3, .. }), "{err:?}");
    assert_eq!(*delays.lock().unwrap(), [ms(500), ms(1000)]);
    drop((listener, queued));
}

// ---------------------------------------------------------------------------------------------
// Calls in flight

/// A loopback server that holds every request until `n` have arrived, then answers each with
/// `{}` and closes its connection (later requests are answered at once).
struct Gathering {
    url: String,
    /// Requests arrived so far.
    arrived: tokio::sync::watch::Receiver<usize>,
    /// Connections accepted.
    accepted: Arc<AtomicUsize>,
}

async fn gathering_server(n: usize) -> Gathering {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (arrivals, arrived) = tokio::sync::watch::channel(0usize);
    let arrivals = Arc::new(arrivals);
    let accepted = Arc::new(AtomicUsize::new(0));
    let counted = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let arrivals = arrivals.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => head.extend_from_slice(&buf[..read]),
                    }
                }
                arrivals.send_modify(|count| *count += 1);
                let _ = arrivals.subscribe().wait_for(|count| *count >= n).await;
                let _ = stream
                    .write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                          Content-Length: 2\r\nConnection: close\r\n\r\n{}",
                    )
                    .await;
            });
        }
    });
    Gathering {
        url,
        arrived,
        accepted,
    }
}

/// `calls` GETs of `client` fired at once, each as its own task.
fn fire(
    client: &Client,
    calls: usize,
) -> Vec<tokio::task::JoinHandle<Result<waldur_client_runtime::ApiResponse, Error>>> {
    (0..calls)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.execute(get("/api/x/")).await })
        })
        .collect()
}

#[tokio::test]
async fn sixteen_calls_are_in_flight_at_once_by_default_and_no_concurrency_limit_lifts_it() {
    assert_eq!(DEFAULT_MAX_CONCURRENT_REQUESTS, 16);
    // 16 calls of one client and its clones reach the server together: it answers none of
    // them before all 16 are there.
    let server = gathering_server(16).await;
    let c = Client::builder(&server.url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    for call in fire(&c, 16) {
        let resp = tokio::time::timeout(HANG, call).await.unwrap().unwrap();
        assert_eq!(&resp.unwrap().body[..], b"{}");
    }
    assert_eq!(*server.arrived.borrow(), 16);
    assert_eq!(server.accepted.load(Ordering::SeqCst), 16);

    // A 17th waits for a slot, and waiting counts against its deadline: with 16 calls held
    // by the server, it ends with no attempt made. The same with a caller-supplied reqwest
    // client.
    for caller_supplied in [false, true] {
        let mut server = gathering_server(17).await;
        let builder = Client::builder(&server.url).retry(RetryPolicy::none());
        let builder = if caller_supplied {
            builder.http_client(reqwest::Client::new())
        } else {
            builder
        };
        let c = builder.build().unwrap();
        let held = fire(&c, 16);
        tokio::time::timeout(HANG, server.arrived.wait_for(|n| *n == 16))
            .await
            .unwrap()
            .unwrap();
        let err = c
            .execute(get("/api/y/").deadline(Some(ms(200))))
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "GET {}/api/y/ did not complete within its deadline of 200ms (0 attempts)",
                server.url
            )
        );
        assert_eq!(*server.arrived.borrow(), 16);
        held.iter().for_each(|call| call.abort());
    }

    // `.no_concurrency_limit()`: 40 calls at once all reach the server.
    let server = gathering_server(40).await;
    let c = Client::builder(&server.url)
        .no_concurrency_limit()
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    for call in fire(&c, 40) {
        let resp = tokio::time::timeout(HANG, call).await.unwrap().unwrap();
        assert_eq!(&resp.unwrap().body[..], b"{}");
    }
    assert_eq!(server.accepted.load(Ordering::SeqCst), 40);
}

// ---------------------------------------------------------------------------------------------
// Retries

#[tokio::test]
async fn retries_repeat_idempotent_methods_after_transport_errors_timeouts_429_and_5xx() {
    let c = Client::builder("https://waldur.example.com")
        .build()
        .unwrap();
    assert_eq!(
        format!("{:?}", c.retry_policy()),
        "RetryPolicy { max_retries: 3, initial_backoff: 500ms, max_backoff: 30s, \
         retry_non_idempotent: false, jitter: true, .. }"
    );

    // Which methods: a 503, then (when retried) a success. One server answers them in turn.
    let methods = [
        (Method::GET, true),
        (Method::HEAD, true),
        (Method::PUT, true),
        (Method::DELETE, true),
        (Method::OPTIONS, true),
        (Method::TRACE, true),
        (Method::POST, false),
        (Method::PATCH, false),
    ];
    let mut replies = Vec::new();
    let mut lines = Vec::new();
    for (method, retried) in &methods {
        replies.push(respond("503 Service Unavailable", &[], ""));
        lines.push(format!("{method} /api/x/ HTTP/1.1"));
        if *retried {
            replies.push(respond("200 OK", &[], ""));
            lines.push(format!("{method} /api/x/ HTTP/1.1"));
        }
    }
    let server = TestServer::start(replies).await;
    let (policy, delays) = recording_policy();
    let c = Client::builder(&server.url).retry(policy).build().unwrap();
    for (method, retried) in methods {
        let result = c
            .execute(ApiRequest::new(method.clone(), "/api/x/".to_owned()))
            .await;
        assert_eq!(result.is_ok(), retried, "{method}: {result:?}");
        let expected: &[Duration] = if retried { &[ms(500)] } else { &[] };
        assert_eq!(*delays.lock().unwrap(), expected, "{method}");
        delays.lock().unwrap().clear();
    }
    assert_eq!(request_lines(&server), lines);

    // Which failures of a GET: each, then (when retried) a success.
    let status = |line: &str| respond(line, &[], "");
    let failures = [
        ("connection reset", Reply::Reset, true),
        (
            "attempt timeout",
            Reply::Delay(secs(5), Box::new(json("200 OK", "{}"))),
            true,
        ),
        ("429", status("429 Too Many Requests"), true),
        ("500", status("500 Internal Server Error"), true),
        ("501", status("501 Not Implemented"), true),
        ("502", status("502 Bad Gateway"), true),
        ("503", status("503 Service Unavailable"), true),
        ("504", status("504 Gateway Timeout"), true),
        ("400", status("400 Bad Request"), false),
        ("401", status("401 Unauthorized"), false),
        ("403", status("403 Forbidden"), false),
        ("404", status("404 Not Found"), false),
        ("409", status("409 Conflict"), false),
        (
            "not HTTP",
            Reply::Raw(b"NOT HTTP AT ALL\r\n\r\n".to_vec()),
            false,
        ),
    ];
    let mut replies = Vec::new();
    for (_, failure, retried) in &failures {
        replies.push(failure.clone());
        if *retried {
            replies.push(json("200 OK", "{}"));
        }
    }
    let server = TestServer::start(replies).await;
    let (policy, delays) = recording_policy();
    let c = Client::builder(&server.url)
        .timeout(ms(500))
        .retry(policy)
        .build()
        .unwrap();
    let mut sent = 0;
    for (what, _, retried) in failures {
        let result = c.execute(get("/api/x/")).await;
        assert_eq!(result.is_ok(), retried, "{what}: {result:?}");
        sent += 1 + usize::from(retried);
        assert_eq!(server.requests().len(), sent, "{what}");
        let expected: &[Duration] = if retried { &[ms(500)] } else { &[] };
        assert_eq!(*delays.lock().unwrap(), expected, "{what}");
        delays.lock().unwrap().clear();
    }

    // How often and how long, with the default policy (jitter on): 3 retries. A 503's (or a
    // 429's) `Retry-After` replaces the backoff, up to 30 s: 100 s is waited as 30 s.
    let server = TestServer::start(
        (0..5)
            .map(|_| respond("503 Service Unavailable", &[("Retry-After", "100")], ""))
            .collect(),
    )
    .await;
    let waits = Arc::new(std::sync::Mutex::new(Vec::new()));
    let recorded = waits.clone();
    let policy = RetryPolicy::default().sleeper(move |d| {
        recorded.lock().unwrap().push(d);
        std::future::ready(())
    });
    let c = Client::builder(&server.url)
        .retry(policy.clone())
        .build()
        .unwrap();
    let err = c.execute(get("/api/x/")).await.unwrap_err();
    assert_eq!(err.attempts(), 4);
    assert_eq!(server.requests().len(), 4);
    assert_eq!(*waits.lock().unwrap(), [secs(30); 3]);
    waits.lock().unwrap().clear();
    // A 500's `Retry-After` is not followed: the waits are the backoff, drawn at random up to
    // 0.5 s, 1 s and 2 s.
    let server = TestServer::start(
        (0..5)
            .map(|_| respond("500 Internal Server Error", &[("Retry-After", "25")], ""))
            .collect(),
    )
    .await;
    let c = Client::builder(&server.url).retry(policy).build().unwrap();
    let err = c.execute(get("/api/x/")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "HTTP 500 Internal Server Error from GET {}/api/x/ (after 4 attempts)",
            server.url
        )
    );
    assert_eq!(server.requests().len(), 4);
    let waits = waits.lock().unwrap().clone();
    assert_eq!(waits.len(), 3);
    for (retry, wait) in waits.iter().enumerate() {
        assert!(*wait <= ms(500 << retry), "retry {retry}: {wait:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Bodies

/// A `200` whose body is `len` spaces, announced by its `Content-Length`.
fn spaces(len: usize) -> Reply {
    let mut raw = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len}\r\n\
         Connection: close\r\n\r\n"
    )
    .into_bytes();
    raw.resize(raw.len() + len, b' ');
    Reply::Raw(raw)
}

#[tokio::test]
async fn a_successful_body_of_32_mib_is_read_and_one_byte_more_is_refused() {
    const MIB_32: u64 = 32 * 1024 * 1024;
    assert_eq!(DEFAULT_MAX_RESPONSE_BYTES, MIB_32);
    let server = TestServer::start(vec![spaces(MIB_32 as usize)]).await;
    let c = Client::builder(&server.url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    assert_eq!(c.max_response_bytes(), MIB_32);
    let resp = c.execute(get("/api/x/")).await.unwrap();
    assert_eq!(resp.body.len() as u64, MIB_32);
    // One byte more, announced: refused before a byte of it is read (the server sends none).
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        MIB_32 + 1
    );
    let server = TestServer::start(vec![Reply::Stall(head.into_bytes(), secs(30))]).await;
    let c = Client::builder(&server.url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = c.execute(get("/api/x/")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "the response to GET {}/api/x/ is larger than the limit of 33554432 bytes \
             (Content-Length: 33554433); it was not read",
            server.url
        )
    );
}

#[tokio::test]
async fn an_error_body_is_kept_to_8_kib_and_the_rest_is_never_waited_for() {
    assert_eq!(ERROR_BODY_LIMIT, 8 * 1024);
    // 1 MiB announced, 9,000 bytes sent, and the connection kept open: reading on would wait
    // for the timeout of 20 s. The client stops past 8 KiB.
    let head =
        "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 1048576\r\n\r\n";
    let mut raw = head.as_bytes().to_vec();
    raw.resize(raw.len() + 9000, b'x');
    let server = TestServer::start(vec![Reply::Stall(raw, secs(30))]).await;
    let c = Client::builder(&server.url)
        .timeout(HANG)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = c.execute(get("/api/x/")).await.unwrap_err();
    let status = err.as_status().expect("a status error");
    assert_eq!(status.body(), "x".repeat(8192));
    assert!(status.body_truncated());
    assert_eq!(
        err.to_string(),
        format!(
            "HTTP 400 Bad Request from GET {}/api/x/: {}... (1000 more bytes)",
            server.url,
            "x".repeat(200)
        )
    );
    // A body of exactly 8 KiB is kept whole.
    let server = TestServer::start(vec![respond("400 Bad Request", &[], &"y".repeat(8192))]).await;
    let c = Client::builder(&server.url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = c.execute(get("/api/x/")).await.unwrap_err();
    let status = err.as_status().expect("a status error");
    assert_eq!(
        (status.body().len(), status.body_truncated()),
        (8192, false)
    );
}

// ---------------------------------------------------------------------------------------------
// Items per page

/// A page answer (`X-Result-Count`) holding `0, 1, ..., n-1`.
fn page_of(n: usize) -> Reply {
    let items: Vec<String> = (0..n).map(|i| i.to_string()).collect();
    respond(
        "200 OK",
        &[
            ("Content-Type", "application/json"),
            ("X-Result-Count", "100000"),
        ],
        &format!("[{}]", items.join(",")),
    )
}

/// Page 1 of `/api/x/` in pages of what [`paging`] gives for the call's `page_size`, sent and
/// decoded as the generated list calls do: the number of items, or the error.
async fn first_page(c: &Client, page_size: Option<i64>) -> Result<usize, String> {
    let (page, size) = paging(c, None, page_size);
    let mut req = get("/api/x/");
    req.query().push("page", &page);
    req.query().push("page_size", &size);
    send(c.clone(), Ok(req), decode::page::<i64>(page, size))
        .await
        .map(|p: Page<i64>| p.items.len())
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn items_per_page_are_the_calls_page_size_else_the_clients_and_at_most_300() {
    assert_eq!(MAX_PAGE_SIZE, 300);
    let c = Client::builder("https://waldur.example.com")
        .build()
        .unwrap();
    assert_eq!(c.default_page_size(), 300);
    assert_eq!(paging(&c, None, None), (1, 300));
    assert_eq!(paging(&c, Some(3), Some(50)), (3, 50));
    // Above what the server honours, or not a size: the maximum, or the client's size.
    assert_eq!(paging(&c, None, Some(1000)), (1, 300));
    assert_eq!(paging(&c, None, Some(0)), (1, 300));
    assert_eq!(paging(&c, None, Some(-5)), (1, 300));
    let c = Client::builder("https://waldur.example.com")
        .page_size(20)
        .build()
        .unwrap();
    assert_eq!(paging(&c, None, None), (1, 20));
    assert_eq!(paging(&c, None, Some(50)), (1, 50));

    // A page of that many items is kept; one more is refused at the extra item.
    let refused = |url: &str, size: usize| {
        format!(
            "cannot decode the response of GET {url}/api/x/?page=1&page_size={size} (HTTP \
             200) at [{size}]: the server sent more than the {size} items per page that were \
             requested; the page was refused; body near the error: "
        )
    };
    let server = TestServer::start(vec![page_of(300), page_of(301)]).await;
    let c = Client::builder(&server.url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    assert_eq!(first_page(&c, None).await, Ok(300));
    let err = first_page(&c, None).await.unwrap_err();
    assert!(err.starts_with(&refused(&server.url, 300)), "{err}");
    let server = TestServer::start(vec![page_of(20), page_of(21), page_of(51)]).await;
    let c = Client::builder(&server.url)
        .page_size(20)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    assert_eq!(first_page(&c, None).await, Ok(20));
    let err = first_page(&c, None).await.unwrap_err();
    assert!(err.starts_with(&refused(&server.url, 20)), "{err}");
    let err = first_page(&c, Some(50)).await.unwrap_err();
    assert!(err.starts_with(&refused(&server.url, 50)), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Pages per stream

/// 100 pages of one item each, of a list of 100, every one but the last naming the next.
fn hundred_pages() -> Vec<Reply> {
    (1..=100)
        .map(|p| {
            let link = format!("<http://h/api/x/?page={}&page_size=1>; rel=\"next\"", p + 1);
            let body = format!("[{p}]");
            let count = ("X-Result-Count", "100");
            if p < 100 {
                respond("200 OK", &[count, ("Link", &link)], &body)
            } else {
                respond("200 OK", &[count], &body)
            }
        })
        .collect()
}

/// Every item of the list in pages of one, as `stream()` walks it, or the error that ended it.
async fn stream_pages(c: &Client) -> (usize, Option<String>) {
    let items: Vec<Result<i64, Error>> = c
        .paginate(1, None, |page, size| {
            let c = c.clone();
            async move {
                let mut req = get("/api/x/");
                req.query().push("page", &page);
                req.query().push("page_size", &size);
                let resp = c.execute(req).await?;
                Page::from_response(&resp, page, size)
            }
        })
        .collect()
        .await;
    let ok = items.iter().filter(|i| i.is_ok()).count();
    let err = items
        .into_iter()
        .find_map(Result::err)
        .map(|e| e.to_string());
    (ok, err)
}

#[tokio::test]
async fn a_stream_has_no_page_cap_by_default_and_max_pages_sets_one() {
    let server = TestServer::start(hundred_pages()).await;
    let c = Client::builder(&server.url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    assert_eq!(c.page_options(1, None).max_pages, None);
    assert_eq!(stream_pages(&c).await, (100, None));
    assert_eq!(server.requests().len(), 100);
    // A cap the list fits in is not noticed; a smaller one ends the stream with an error.
    for (cap, expected) in [
        (100, (100, None)),
        (
            99,
            (
                99,
                Some(
                    "pagination stopped: the cap of 99 pages was reached and the server \
                     announces page 100"
                        .to_owned(),
                ),
            ),
        ),
    ] {
        let server = TestServer::start(hundred_pages()).await;
        let c = Client::builder(&server.url)
            .max_pages(cap)
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        assert_eq!(c.page_options(1, None).max_pages, Some(cap));
        assert_eq!(stream_pages(&c).await, expected);
        assert_eq!(server.requests().len(), cap as usize);
    }
    assert_eq!(
        Client::builder(&server.url)
            .max_pages(0)
            .build()
            .unwrap_err()
            .to_string(),
        "invalid client configuration: max_pages must be at least 1"
    );
}

// ---------------------------------------------------------------------------------------------
// Redirects

/// `/api/x/` redirected `hops` times on the same origin, each time with the next redirect
/// status (301, 302, 303, 307, 308, 301, ...), to `/api/r1/`, `/api/r2/`, ..., then `[1]`.
fn redirected(hops: usize) -> Vec<Reply> {
    let statuses = [
        "301 Moved Permanently",
        "302 Found",
        "303 See Other",
        "307 Temporary Redirect",
        "308 Permanent Redirect",
    ];
    let mut replies: Vec<Reply> = (1..=hops)
        .map(|hop| {
            let location = format!("/api/r{hop}/");
            respond(statuses[(hop - 1) % 5], &[("Location", &location)], "")
        })
        .collect();
    replies.push(json("200 OK", "[1]"));
    replies
}

#[tokio::test]
async fn same_origin_redirects_of_get_and_head_are_followed_five_times() {
    assert_eq!(redirect::MAX_REDIRECTS, 5);
    for method in [Method::GET, Method::HEAD] {
        let server = TestServer::start(redirected(5)).await;
        let c = Client::builder(&server.url)
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        let resp = c
            .execute(ApiRequest::new(method.clone(), "/api/x/".to_owned()))
            .await
            .unwrap();
        assert_eq!(
            (resp.status, resp.url.path()),
            (200, "/api/r5/"),
            "{method}"
        );
        let paths = [
            "/api/x/", "/api/r1/", "/api/r2/", "/api/r3/", "/api/r4/", "/api/r5/",
        ];
        let expected: Vec<String> = paths
            .iter()
            .map(|path| format!("{method} {path} HTTP/1.1"))
            .collect();
        assert_eq!(request_lines(&server), expected);
    }
    // A sixth is refused, and not requested.
    let server = TestServer::start(redirected(6)).await;
    let c = Client::builder(&server.url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = c.execute(get("/api/x/")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "GET {}/api/r5/ was redirected (HTTP 301) to \"/api/r6/\", which the client \
             refused: more than 5 redirects",
            server.url
        )
    );
    assert!(matches!(err, Error::Redirect(_)), "{err:?}");
    assert_eq!(server.requests().len(), 6);
    // Any other method is not followed, even on the same origin.
    for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
        let server = TestServer::start(vec![
            respond("307 Temporary Redirect", &[("Location", "/api/r1/")], ""),
            json("200 OK", "{}"),
        ])
        .await;
        let c = Client::builder(&server.url)
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        let err = c
            .execute(ApiRequest::new(method.clone(), "/api/x/".to_owned()))
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{method} {}/api/x/ was redirected (HTTP 307) to \"/api/r1/\", which the \
                 client refused: a {method} is not repeated at another URL (it may have taken \
                 effect, and following could report an action that did not happen)",
                server.url
            )
        );
        assert_eq!(server.requests().len(), 1, "{method}");
    }
}
