//! Connections per host: a client never has more connections open to one host than calls it
//! lets in flight (`max_concurrent_requests`), whether the server keeps connections alive,
//! closes each one after its answer, or closes it without saying so, and connections to one
//! host never hold up a request to another. The servers here count the connections they
//! accept and how many are open at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::{Method, Url};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use waldur_client_runtime::{ApiRequest, Client, Error, Page, RetryPolicy};

const CALLS: usize = 200;
const IN_FLIGHT: usize = 16;
/// Only detects a hang: every call here takes milliseconds.
const HANG: Duration = Duration::from_secs(20);

/// What a counting server saw.
#[derive(Debug, Default)]
struct Counts {
    accepted: AtomicUsize,
    open: AtomicUsize,
    most_open: AtomicUsize,
    requests: AtomicUsize,
}

impl Counts {
    fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    fn most_open(&self) -> usize {
        self.most_open.load(Ordering::SeqCst)
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// What a counting server does with a connection after each answer.
#[derive(Debug, Clone, Copy, PartialEq)]
enum After {
    /// Keeps it open for the next request (HTTP/1.1 keep-alive).
    KeepAlive,
    /// Answers with `Connection: close` and closes it, as gunicorn's sync workers do.
    Close,
    /// Closes it without saying so in the answer.
    SilentClose,
}

/// A loopback HTTP/1.1 server answering `GET /redirect...` with a `302` to `location` and
/// every other request, after `delay`, with a page of two items.
async fn counting_server(after: After, delay: Duration, location: &str) -> (String, Arc<Counts>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let counts = Arc::new(Counts::default());
    let counted = counts.clone();
    let location = location.to_owned();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counted.accepted.fetch_add(1, Ordering::SeqCst);
            let open = counted.open.fetch_add(1, Ordering::SeqCst) + 1;
            counted.most_open.fetch_max(open, Ordering::SeqCst);
            let counted = counted.clone();
            let location = location.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut read = BufReader::new(read);
                loop {
                    let mut request_line = String::new();
                    match read.read_line(&mut request_line).await {
                        Ok(0) | Err(_) => break,
                        Ok(_) => {}
                    }
                    // The rest of the head; the requests here have no body.
                    loop {
                        let mut line = String::new();
                        match read.read_line(&mut line).await {
                            Ok(0) | Err(_) => break,
                            Ok(_) if line == "\r\n" => break,
                            Ok(_) => {}
                        }
                    }
                    counted.requests.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(delay).await;
                    let connection = match after {
                        After::KeepAlive | After::SilentClose => "",
                        After::Close => "Connection: close\r\n",
                    };
                    let path = request_line.split(' ').nth(1).unwrap_or("");
                    let answer = if path.starts_with("/redirect") {
                        format!(
                            "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\
                             {connection}\r\n"
                        )
                    } else {
                        let body = "[1,2]";
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                             X-Result-Count: 2\r\nContent-Length: {}\r\n{connection}\r\n{body}",
                            body.len()
                        )
                    };
                    if write.write_all(answer.as_bytes()).await.is_err() {
                        break;
                    }
                    if after != After::KeepAlive {
                        let _ = write.shutdown().await;
                        break;
                    }
                }
                counted.open.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    (url, counts)
}

fn client(url: &str, in_flight: usize) -> Client {
    Client::builder(url)
        .token("secret-token")
        .retry(RetryPolicy::none())
        .max_concurrent_requests(in_flight)
        .build()
        .unwrap()
}

fn get(path: &str) -> ApiRequest {
    let mut req = ApiRequest::new(Method::GET, path.to_owned());
    req.query().push("page_size", "2");
    req
}

/// `calls` list calls fired at once; each must give the page of two items.
async fn list_calls_at_once(client: &Client, calls: usize) {
    let calls = (0..calls).map(|_| {
        let client = client.clone();
        async move {
            let resp = client.execute(get("/api/x/")).await?;
            Page::<i64>::from_response(&resp, 1, 2)
        }
    });
    let pages = tokio::time::timeout(HANG, futures_util::future::join_all(calls))
        .await
        .expect("the calls hung");
    for page in pages {
        assert_eq!(page.map_err(|e| e.to_string()).unwrap().items, [1, 2]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_keep_alive_server_gets_no_more_connections_than_calls_in_flight() {
    // Without the limit on connects, 17 to 21 connections: a call starting while the
    // connection of the call before it is on its way back to the pool opened another.
    let (url, counts) = counting_server(After::KeepAlive, Duration::from_millis(2), "").await;
    list_calls_at_once(&client(&url, IN_FLIGHT), CALLS).await;
    assert_eq!(counts.requests(), CALLS);
    assert!(
        (1..=IN_FLIGHT).contains(&counts.accepted()),
        "{} connections for {IN_FLIGHT} calls in flight",
        counts.accepted()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_closing_every_connection_has_no_more_open_than_calls_in_flight() {
    // gunicorn's sync workers: `Connection: close` on every answer, one connection per call.
    let (url, counts) = counting_server(After::Close, Duration::from_millis(2), "").await;
    list_calls_at_once(&client(&url, IN_FLIGHT), CALLS).await;
    assert_eq!((counts.requests(), counts.accepted()), (CALLS, CALLS));
    assert!(
        counts.most_open() <= IN_FLIGHT,
        "{} connections open at once for {IN_FLIGHT} calls in flight",
        counts.most_open()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_closing_connections_without_saying_so_gets_every_call() {
    // The client takes each connection for reusable and counts it while it might be on its way
    // back to the pool; it is closed instead, and the count has to let go of it for the next
    // connect (a retry covers a request sent on a connection the server had just closed).
    let (url, counts) = counting_server(After::SilentClose, Duration::from_millis(2), "").await;
    let client = Client::builder(&url)
        .token("secret-token")
        .retry(RetryPolicy::default().sleeper(|_| std::future::ready(())))
        .build()
        .unwrap();
    list_calls_at_once(&client, CALLS).await;
    assert!(
        counts.most_open() <= IN_FLIGHT,
        "{} connections open at once for {IN_FLIGHT} calls in flight",
        counts.most_open()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn connections_to_one_host_do_not_hold_up_another() {
    // Two calls in flight at most, and two connections to the first host idle in the pool: a
    // request to a second host still connects there at once.
    let (second, second_counts) = counting_server(After::KeepAlive, Duration::ZERO, "").await;
    let location = format!("{second}/api/x/");
    let (first, first_counts) = counting_server(After::KeepAlive, Duration::ZERO, &location).await;
    let to_second = Url::parse(&location).unwrap();
    let c = Client::builder(&first)
        .token("secret-token")
        .retry(RetryPolicy::none())
        .max_concurrent_requests(2)
        // A hook is the one way a request of this client reaches another host.
        .on_request(move |_, req| {
            if req.url().path() == "/api/elsewhere/" {
                *req.url_mut() = to_second.clone();
            }
            Ok(())
        })
        .build()
        .unwrap();
    let run = async {
        list_calls_at_once(&c, 2).await;
        // The redirect to the other host is refused before anything is sent there.
        let err = c.execute(get("/redirect/")).await.unwrap_err();
        assert!(matches!(err, Error::Redirect(_)), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!(
                "GET {first}/redirect/?page_size=2 was redirected (HTTP 302) to \"{location}\", \
                 which the client refused: it leads to another origin; the credentials are \
                 only sent to the origin of the base URL"
            )
        );
        assert_eq!(second_counts.accepted(), 0);
        // A request sent there by the hook connects; its answer is refused as coming from
        // another origin than the one requested.
        let err = c.execute(get("/api/elsewhere/")).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "GET {first}/api/elsewhere/?page_size=2 was redirected to \"{location}\", which \
                 the client refused: the caller-supplied HTTP client followed it to another \
                 origin, and its answer is not accepted; build that client with \
                 redirect::Policy::none()"
            )
        );
        list_calls_at_once(&c, 2).await;
    };
    tokio::time::timeout(HANG, run).await.expect("a call hung");
    assert_eq!(second_counts.accepted(), 1);
    assert!(
        first_counts.accepted() <= 2,
        "{} connections to the first host for 2 calls in flight",
        first_counts.accepted()
    );
}
