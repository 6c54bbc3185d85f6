//! A loopback HTTP/1.1 server for tests of the runtime and of generated clients: records every
//! request exactly as it arrived and answers each connection with the next scripted reply, including misbehaving
//! ones (reset, truncated body, stalling).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one connection after reading its request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Writes these bytes, then closes the connection.
    Raw(Vec<u8>),
    /// Writes these bytes, keeps the connection open for the duration, then closes it.
    Stall(Vec<u8>, Duration),
    /// Closes the connection with a TCP reset instead of answering.
    Reset,
    /// Waits, then performs the inner reply.
    Delay(Duration, Box<Reply>),
}

/// A complete response with `Content-Length` and `Connection: close`.
pub fn respond(status: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut out = format!("HTTP/1.1 {status}\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    Reply::Raw(out.into_bytes())
}

/// A JSON response.
pub fn json(status: &str, body: &str) -> Reply {
    respond(status, &[("Content-Type", "application/json")], body)
}

/// A response announcing `announced` body bytes but sending only `body` before closing.
pub fn truncated(announced: usize, body: &str) -> Reply {
    Reply::Raw(
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {announced}\r\n\
             Connection: close\r\n\r\n{body}"
        )
        .into_bytes(),
    )
}

/// One request as received.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// Request line and headers exactly as sent, with the final blank line.
    pub head: String,
    /// The body after transfer decoding.
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn request_line(&self) -> &str {
        self.head.lines().next().unwrap_or("")
    }

    /// The value of the first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

pub struct TestServer {
    /// `http://127.0.0.1:<port>`, without trailing slash.
    pub url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl TestServer {
    /// Starts the server on the current tokio runtime.
    pub async fn start(replies: Vec<Reply>) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        tokio::spawn(serve(listener, replies, requests.clone()));
        TestServer { url, requests }
    }

    /// Starts the server on its own thread and runtime (for the blocking client).
    pub fn start_in_thread(replies: Vec<Reply>) -> TestServer {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                let url = format!("http://{}", listener.local_addr().expect("addr"));
                let requests = Arc::new(Mutex::new(Vec::new()));
                tx.send((url, requests.clone())).expect("send");
                serve(listener, replies, requests).await;
            });
        });
        let (url, requests) = rx.recv().expect("server start");
        TestServer { url, requests }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("lock").clone()
    }

    /// The port, for building expected `Host` headers and URLs.
    pub fn host(&self) -> &str {
        self.url.trim_start_matches("http://")
    }
}

async fn serve(listener: TcpListener, replies: Vec<Reply>, requests: Arc<Mutex<Vec<Recorded>>>) {
    // Connections are served concurrently so that a stalling reply does not hold up the next
    // connection; replies are assigned in accept order.
    let mut connections = Vec::new();
    for reply in replies {
        let Ok((mut stream, _)) = listener.accept().await else {
            break;
        };
        let requests = requests.clone();
        connections.push(tokio::spawn(async move {
            if let Some(recorded) = read_request(&mut stream).await {
                requests.lock().expect("lock").push(recorded);
            }
            perform(stream, reply).await;
        }));
    }
    // Finish every reply before returning (the thread-hosted server drops its runtime then).
    for connection in connections {
        let _ = connection.await;
    }
}

async fn perform(mut stream: TcpStream, mut reply: Reply) {
    loop {
        match reply {
            Reply::Delay(d, inner) => {
                tokio::time::sleep(d).await;
                reply = *inner;
            }
            Reply::Raw(bytes) => {
                let _ = stream.write_all(&bytes).await;
                let _ = stream.flush().await;
                let _ = stream.shutdown().await;
                return;
            }
            Reply::Stall(bytes, d) => {
                let _ = stream.write_all(&bytes).await;
                let _ = stream.flush().await;
                tokio::time::sleep(d).await;
                return;
            }
            Reply::Reset => {
                let _ = stream.set_zero_linger();
                drop(stream);
                return;
            }
        }
    }
}

async fn read_request(stream: &mut TcpStream) -> Option<Recorded> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(pos) = find(&buf, b"\r\n\r\n") {
            break pos + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut rest = buf[head_end..].to_vec();
    let header = |name: &str| {
        head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    };
    let body = if let Some(len) = header("content-length") {
        let len: usize = len.parse().ok()?;
        while rest.len() < len {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            rest.extend_from_slice(&chunk[..n]);
        }
        rest.truncate(len);
        rest
    } else if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        read_chunked(stream, rest).await?
    } else {
        Vec::new()
    };
    Some(Recorded { head, body })
}

async fn read_chunked(stream: &mut TcpStream, mut buf: Vec<u8>) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        // Make sure a full size line is buffered.
        let line_end = loop {
            if let Some(pos) = find(&buf, b"\r\n") {
                break pos;
            }
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let size_text = String::from_utf8_lossy(&buf[..line_end]).into_owned();
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        let needed = line_end + 2 + size + 2;
        while buf.len() < needed {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        body.extend_from_slice(&buf[line_end + 2..line_end + 2 + size]);
        buf.drain(..needed);
        if size == 0 {
            return Some(body);
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `$WALDUR_SHARED`, else `<workspace>/../shared`; `None` (after printing a skip notice) when it
/// is missing and not required. A user's clone has no `../shared`; CI sets
/// `WALDUR_REQUIRE_SHARED=1`, which turns a missing corpus into a failure.
pub fn shared_dir(test: &str) -> Option<std::path::PathBuf> {
    let dir = match std::env::var_os("WALDUR_SHARED") {
        Some(d) => std::path::PathBuf::from(d),
        None => std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    if dir.join("corpus").is_dir() {
        return Some(dir);
    }
    if std::env::var_os("WALDUR_REQUIRE_SHARED").is_some_and(|v| v == "1") {
        panic!(
            "{test}: WALDUR_REQUIRE_SHARED=1 but {} has no corpus/",
            dir.display()
        );
    }
    // Straight to the process's stderr: the test harness captures `eprintln!` of passing
    // tests, and a skip must be visible.
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "{test}: skipped: {} not found (set WALDUR_SHARED to run it)",
        dir.display()
    );
    record_skip(test, &dir);
    None
}

/// Under `cargo xtask test` (which sets `WALDUR_SKIP_DIR`), leaves one marker file per skipped
/// test there, so that the run can end with one line counting them. The marker holds the
/// test (`corpus: markdown_corpus::every_page`) and, on a second line, the missing directory.
fn record_skip(test: &str, missing: &std::path::Path) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let Some(skips) = std::env::var_os("WALDUR_SKIP_DIR") else {
        return;
    };
    let skips = std::path::PathBuf::from(skips);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let thread = std::thread::current();
    let name = match thread.name() {
        Some(t) if t != "main" => format!("{test}: {t}"),
        _ => test.to_owned(),
    };
    let file = skips.join(format!("{}-{n}", std::process::id()));
    let _ = std::fs::create_dir_all(&skips)
        .and_then(|()| std::fs::write(file, format!("{name}\n{}\n", missing.display())));
}

/// Whether tests print the warnings of worked-around defects in the corpus's older schemas:
/// only with `WALDUR_SHOW_WARNINGS=1`. A green run is quiet by default; those defects are
/// expected.
pub fn show_warnings() -> bool {
    std::env::var_os("WALDUR_SHOW_WARNINGS").is_some_and(|v| v == "1")
}
