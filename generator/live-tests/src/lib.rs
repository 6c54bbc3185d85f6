//! What the live tests share: the server they talk to, a hook that records every response, the
//! seeded volumes, and a proxy that counts connections.
//!
//! The tests in `tests/` talk to a real Waldur Mastermind on loopback, set up and started by
//! `cargo xtask live`, which passes it in `WALDUR_LIVE_URL` and `WALDUR_LIVE_TOKEN`. They are
//! `#[ignore]`d so that `cargo test` without a server reports them as ignored; the xtask runs
//! them with `--ignored`.
//!
//! The server's seed data is a customer, a project, an OpenStack tenant and three volumes
//! (`seed-volume-0` .. `seed-volume-2`), and its background tasks never run: an action answers
//! 202 and leaves the volume in a scheduled state for good. So every test that changes a
//! volume owns it: `seed-volume-0` is updated (and its name and description put back),
//! `seed-volume-1` is only read, `seed-volume-2` takes the actions, and `teardown` unlinks it
//! last. `cargo xtask live` restores the database before each run.

#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use waldur_client::Client;
use waldur_client::models::OpenStackVolume;
use waldur_client::runtime::hooks::{Hook, HookResponse, RequestInfo};

/// The live server, from the environment `cargo xtask live` sets.
#[derive(Debug, Clone)]
pub struct Live {
    /// `http://127.0.0.1:PORT/`.
    pub url: String,
    pub token: String,
}

impl Live {
    /// Panics, saying how to run these tests, when `WALDUR_LIVE_URL` or `WALDUR_LIVE_TOKEN` is
    /// not set.
    pub fn from_env() -> Live {
        let var = |name: &str| {
            std::env::var(name).unwrap_or_else(|_| {
                panic!(
                    "{name} is not set: the live tests need a running Waldur server; run them \
                     with `cargo xtask live`"
                )
            })
        };
        Live {
            url: var("WALDUR_LIVE_URL"),
            token: var("WALDUR_LIVE_TOKEN"),
        }
    }

    /// A client of the live server with the staff token.
    pub fn client(&self) -> Client {
        self.builder().build().expect("a client of the live server")
    }

    /// A builder with the live server's URL and the staff token, for more settings.
    pub fn builder(&self) -> waldur_client::ClientBuilder {
        Client::builder(&self.url).token(&self.token)
    }

    /// A client whose every response is also kept by the returned [`Recorder`].
    pub fn recorded_client(&self) -> (Client, Arc<Recorder>) {
        let recorder = Arc::new(Recorder::default());
        let client = self
            .builder()
            .hook(recorder.clone())
            .build()
            .expect("a client of the live server");
        (client, recorder)
    }

    /// `http://127.0.0.1:PORT/api/<path>`, for URLs the server expects in bodies (`path`
    /// without a leading `/`).
    pub fn api_url(&self, path: &str) -> String {
        format!("{}api/{path}", self.with_slash())
    }

    fn with_slash(&self) -> String {
        if self.url.ends_with('/') {
            self.url.clone()
        } else {
            format!("{}/", self.url)
        }
    }

    /// The server's address (`127.0.0.1:PORT`).
    pub fn addr(&self) -> SocketAddr {
        let rest = self.url.trim_start_matches("http://").trim_end_matches('/');
        let host_port = rest.split('/').next().unwrap_or(rest);
        host_port
            .parse()
            .unwrap_or_else(|e| panic!("WALDUR_LIVE_URL {:?}: not host:port: {e}", self.url))
    }
}

/// One response as the client received it (before decoding).
#[derive(Debug, Clone)]
pub struct Seen {
    pub operation: Option<&'static str>,
    pub method: String,
    pub url: String,
    pub status: u16,
    /// Header names in lower case, each value as sent.
    pub headers: BTreeMap<String, Vec<String>>,
    pub body: Vec<u8>,
}

impl Seen {
    /// The one value of a header, `None` when absent; panics when repeated.
    pub fn header(&self, name: &str) -> Option<&str> {
        let values = self.headers.get(name)?;
        assert_eq!(values.len(), 1, "{name} sent {} times", values.len());
        Some(&values[0])
    }

    /// The body as JSON; panics when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{} {}: the body is not JSON ({e}): {}",
                self.method,
                self.url,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// A hook keeping every response a client receives.
#[derive(Debug, Default)]
pub struct Recorder {
    seen: Mutex<Vec<Seen>>,
}

impl Recorder {
    /// What was received so far, in order.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("recorder lock").clone()
    }

    /// The last response; panics when there was none.
    pub fn last(&self) -> Seen {
        self.seen().pop().expect("a response was received")
    }

    pub fn clear(&self) {
        self.seen.lock().expect("recorder lock").clear();
    }
}

impl Hook for Recorder {
    fn on_response(&self, info: &RequestInfo<'_>, response: &mut HookResponse) {
        let mut headers: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, value) in &response.headers {
            headers
                .entry(name.as_str().to_owned())
                .or_default()
                .push(String::from_utf8_lossy(value.as_bytes()).into_owned());
        }
        self.seen.lock().expect("recorder lock").push(Seen {
            operation: info.operation_id,
            method: info.method.to_string(),
            url: response.url.to_string(),
            status: response.status,
            headers,
            body: response.body.to_vec(),
        });
    }
}

/// The three seeded volumes, `seed-volume-0` .. `seed-volume-2`, as the server lists them.
pub async fn seeded_volumes(client: &Client) -> [OpenStackVolume; 3] {
    let mut out = Vec::new();
    for i in 0..3 {
        let name = format!("seed-volume-{i}");
        let page = client
            .openstack_volumes()
            .list()
            .name_exact(&name)
            .await
            .unwrap_or_else(|e| panic!("listing {name}: {e}"));
        assert_eq!(page.items.len(), 1, "one volume named {name}: {page:?}");
        out.extend(page.items);
    }
    out.try_into().expect("three volumes")
}

/// A loopback HTTP/1.1 proxy in front of the server that counts the connections clients open
/// to it: in all, and at most at once.
///
/// The test server (gunicorn's sync workers) closes every connection after its response, as
/// a production Waldur behind a keep-alive front end (nginx) does not; so the proxy keeps the
/// client's connections alive the way such a front end does. Each request is relayed to the
/// server on a connection of its own, and the response relayed back without its
/// `Connection: close`. A client that reuses its connections then opens about as many as it
/// has calls in flight, and the count shows it.
///
/// It also counts how many requests it served at once. A request counts from its first
/// byte until the server's answer is in hand, before the answer goes back to the client:
/// the client cannot send its next request before that, so the figure never overstates how
/// many calls the client had in flight.
#[derive(Debug)]
pub struct CountingProxy {
    /// `http://127.0.0.1:PORT/`: give this to a client instead of the server's URL.
    pub url: String,
    stats: Arc<ProxyStats>,
}

#[derive(Debug, Default)]
struct ProxyStats {
    opened: AtomicUsize,
    requests: AtomicUsize,
    busy: AtomicUsize,
    max_busy: AtomicUsize,
}

impl CountingProxy {
    /// Starts relaying to `upstream` on the current tokio runtime.
    pub async fn start(upstream: SocketAddr) -> std::io::Result<CountingProxy> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}/", listener.local_addr()?);
        let stats = Arc::new(ProxyStats::default());
        let counted = stats.clone();
        tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                counted.opened.fetch_add(1, Ordering::SeqCst);
                let counted = counted.clone();
                tokio::spawn(async move {
                    let _ = relay(inbound, upstream, &counted).await;
                });
            }
        });
        Ok(CountingProxy { url, stats })
    }

    /// Connections accepted so far.
    pub fn opened(&self) -> usize {
        self.stats.opened.load(Ordering::SeqCst)
    }

    /// Requests relayed so far.
    pub fn requests(&self) -> usize {
        self.stats.requests.load(Ordering::SeqCst)
    }

    /// The most requests that were being served at the same time.
    pub fn max_requests_at_once(&self) -> usize {
        self.stats.max_busy.load(Ordering::SeqCst)
    }
}

/// Relays the requests of one client connection, each on a new server connection, until the
/// client closes it.
async fn relay(
    inbound: tokio::net::TcpStream,
    upstream: SocketAddr,
    stats: &ProxyStats,
) -> std::io::Result<()> {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    let (read, mut write) = inbound.into_split();
    let mut read = BufReader::new(read);
    loop {
        // The request head, line by line, then `Content-Length` bytes of body.
        let mut head = Vec::new();
        let mut length = 0usize;
        loop {
            let mut line = Vec::new();
            if read.read_until(b'\n', &mut line).await? == 0 {
                return Ok(()); // the client closed the connection
            }
            if head.is_empty() {
                let now = stats.busy.fetch_add(1, Ordering::SeqCst) + 1;
                stats.max_busy.fetch_max(now, Ordering::SeqCst);
            }
            let text = String::from_utf8_lossy(&line).to_ascii_lowercase();
            if let Some(value) = text.strip_prefix("content-length:") {
                length = value.trim().parse().unwrap_or(0);
            }
            let end = line == b"\r\n";
            head.extend_from_slice(&line);
            if end {
                break;
            }
        }
        let mut body = vec![0; length];
        read.read_exact(&mut body).await?;
        stats.requests.fetch_add(1, Ordering::SeqCst);
        let mut server = tokio::net::TcpStream::connect(upstream).await?;
        server.write_all(&head).await?;
        server.write_all(&body).await?;
        let mut response = Vec::new();
        server.read_to_end(&mut response).await?;
        stats.busy.fetch_sub(1, Ordering::SeqCst);
        write.write_all(&keep_alive(&response)).await?;
    }
}

/// The response without its `Connection: close` header (its `Content-Length` says where it
/// ends, so the connection can carry the next one).
fn keep_alive(response: &[u8]) -> Vec<u8> {
    let Some(end) = response.windows(4).position(|w| w == b"\r\n\r\n") else {
        return response.to_vec();
    };
    let head = String::from_utf8_lossy(&response[..end]);
    let mut out: Vec<u8> = head
        .split("\r\n")
        .filter(|line| !line.to_ascii_lowercase().starts_with("connection:"))
        .collect::<Vec<_>>()
        .join("\r\n")
        .into_bytes();
    out.extend_from_slice(&response[end..]);
    out
}
