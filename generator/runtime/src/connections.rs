//! At most as many connections to one host as calls in flight.
//!
//! Limiting calls in flight ([`super::ClientBuilder::max_concurrent_requests`]) does not limit
//! connections by itself. reqwest's pool (hyper-util's) opens a connection whenever a request
//! finds none idle, and an HTTP/1.1 connection goes back to the pool on a task of its own
//! after its response has been read: a call that starts while the connection of the call it
//! replaces is still on its way back opens one more. The pool also races its checkout against
//! the connect, and when an idle connection turns up first, the connect goes on in the
//! background and adds yet another idle connection. 200 calls with 16 in flight opened 17 to
//! 21 connections to one server.
//!
//! A tower layer on reqwest's connector (reqwest's `connector_layer`) decides when a connect may
//! start. It cannot tie a permit to the connection it makes: the layer must hand back reqwest's
//! own connection type, which nothing outside reqwest can wrap, so it never learns when a
//! connection closes. The runtime keeps a ledger per origin (scheme, host and port) instead,
//! from what it does see: the requests it sends ([`Hop`]), the connects the layer starts, the
//! connection each response came on (hyper-util's `HttpInfo`: local and remote address), and
//! which responses leave their connection reusable. A connect starts only while the
//! connections that may be open to that origin, the new one included, are at most the limit:
//!
//! - one for every request in progress that opened none of its own (it uses or will use a
//!   pooled connection), and for one that did, the connections it opened;
//! - one for every connect no request waits for any more (it ends in the pool);
//! - one for every connection handed back to the pool and not seen carrying a response since.
//!
//! A connect starts only when the pool had no idle connection for the request, so a
//! connection handed back and not picked up again is either still on its way to the pool or
//! closed (by the server, after being idle). The ledger cannot tell the two apart; it takes
//! such a connection for closed [`RETURN_GRACE`] after it was handed back, which is far longer
//! than the way back takes. A waiting connect therefore waits at most that long for the ledger
//! to clear, and less when a connection turns up: the request then takes it from the pool, and
//! the connect it no longer needs gives up without connecting.
//!
//! Requests are told apart through a task-local value set while reqwest sends them: a connect
//! started for a request is polled inside that request's task until the pool gives the request
//! an idle connection instead and moves the connect to a task of its own.
//!
//! The count errs on the high side (a connection picked up from the pool counts twice until
//! its response arrives; one closed with no sign counts until its grace ends), which only
//! makes a connect wait. It is low, and one connection too many can open, only if a
//! connection takes longer than [`RETURN_GRACE`] to get back to the pool, or if the pool hands
//! a request an idle connection in the instant between its own new connection being made and
//! being ready (that one then waits in the pool uncounted until the request's response).

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper_util::client::legacy::connect::{Connection, HttpInfo};
use reqwest::Url;
use reqwest::header::CONNECTION;
use tokio::sync::Notify;
use tokio::time::Instant;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// How long a connection handed back to the pool, and not seen since, counts as possibly
/// open. Its way back takes two task wake-ups, microseconds; a tenth of a second covers a very
/// busy runtime. It is also the longest a connect waits for a connection the server closed
/// right after its answer without saying so (`Connection: close` says so): against such a
/// server, a call that finds every other slot busy waits that long before connecting.
const RETURN_GRACE: Duration = Duration::from_millis(100);

/// A TCP connection: its local and remote address.
type ConnId = (SocketAddr, SocketAddr);

/// Numbers requests and connects, for the whole process (a task-local value names one of each
/// client, so they must not collide across clients).
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn next_id() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

tokio::task_local! {
    /// The request being sent by this task (see [`Hop::send`]).
    static CURRENT: Current;
}

#[derive(Clone)]
struct Current {
    limit: Arc<ConnectionLimit>,
    origin: Arc<str>,
    hop: u64,
}

/// The ledger of one client's connections, per origin, and the most it may have open to one.
pub(crate) struct ConnectionLimit {
    limit: usize,
    hosts: Mutex<HashMap<Arc<str>, Host>>,
    /// Signalled whenever a count goes down or a connection is seen again.
    changed: Notify,
}

#[derive(Default)]
struct Host {
    /// Requests in progress (being sent, or their body being read), with the connections each
    /// opened and did not yet see its response come on.
    hops: HashMap<u64, Vec<Option<ConnId>>>,
    /// Connects in progress, with the request waiting for each (`None`: none does, the
    /// connection will be left in the pool).
    connects: HashMap<u64, Option<u64>>,
    /// Connections handed back to the pool and not seen carrying a response since, oldest first.
    returned: Vec<(Option<ConnId>, Instant)>,
}

impl Host {
    fn is_empty(&self) -> bool {
        self.hops.is_empty() && self.connects.is_empty() && self.returned.is_empty()
    }

    /// Connections that may be open, or are being opened, apart from whatever `hop` holds or
    /// waits for: what a connect for `hop` would add to.
    fn others(&self, hop: u64) -> usize {
        let mut connecting: HashMap<u64, usize> = HashMap::new();
        let mut unclaimed = 0;
        for owner in self.connects.values() {
            match owner {
                Some(h) => *connecting.entry(*h).or_default() += 1,
                None => unclaimed += 1,
            }
        }
        let mut count = unclaimed + self.returned.len();
        for (id, opened) in &self.hops {
            let own = connecting.get(id).copied().unwrap_or(0) + opened.len();
            // Any other request uses a connection (or is about to); the one asking would use
            // the new one instead of anything it does not have yet.
            count += if *id == hop { own } else { own.max(1) };
        }
        count
    }

    /// Forgets connections handed back longer than [`RETURN_GRACE`] ago; the time the oldest
    /// remaining one will be forgotten.
    fn expire(&mut self, now: Instant) -> Option<Instant> {
        self.returned
            .retain(|(_, at)| now.duration_since(*at) < RETURN_GRACE);
        self.returned.first().map(|(_, at)| *at + RETURN_GRACE)
    }

    /// Connects `hop` waited for and no longer does.
    fn release_connects(&mut self, hop: u64) {
        for owner in self.connects.values_mut() {
            if *owner == Some(hop) {
                *owner = None;
            }
        }
    }

    fn hand_back(&mut self, conn: Option<ConnId>, now: Instant, limit: usize) {
        self.expire(now);
        if conn.is_some() && self.returned.iter().any(|(c, _)| *c == conn) {
            return;
        }
        self.returned.push((conn, now));
        // More than `limit` cannot all be open: the oldest are closed.
        if self.returned.len() > limit {
            let excess = self.returned.len() - limit;
            self.returned.drain(..excess);
        }
    }
}

impl ConnectionLimit {
    pub(crate) fn new(limit: usize) -> Arc<ConnectionLimit> {
        Arc::new(ConnectionLimit {
            limit: limit.max(1),
            hosts: Mutex::new(HashMap::new()),
            changed: Notify::new(),
        })
    }

    /// The layer for reqwest's `ClientBuilder::connector_layer`.
    pub(crate) fn layer(self: &Arc<Self>) -> ConnectLayer {
        ConnectLayer {
            limit: self.clone(),
        }
    }

    fn hosts(&self) -> MutexGuard<'_, HashMap<Arc<str>, Host>> {
        // Nothing panics while holding the lock; a poisoned ledger is still consistent.
        self.hosts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a request to `url` that is about to be sent.
    pub(crate) fn begin(self: &Arc<Self>, url: &Url) -> Hop {
        let origin: Arc<str> = url.origin().ascii_serialization().into();
        let id = next_id();
        let mut hosts = self.hosts();
        // Hosts no request went to lately are forgotten once their hand-backs expire.
        let now = Instant::now();
        hosts.retain(|_, host| {
            host.expire(now);
            !host.is_empty()
        });
        hosts
            .entry(origin.clone())
            .or_default()
            .hops
            .insert(id, Vec::new());
        drop(hosts);
        Hop {
            limit: self.clone(),
            origin,
            id,
            response: None,
            reusable: true,
        }
    }

    /// Lets the connect `connect` for `hop` start, or says until when at the latest to wait
    /// (`None`: until something changes).
    fn try_start(&self, origin: &str, hop: u64, connect: u64) -> Result<(), Option<Instant>> {
        let mut hosts = self.hosts();
        let Some(host) = hosts.get_mut(origin) else {
            // The request has ended: nothing to wait for.
            return Ok(());
        };
        let expiry = host.expire(Instant::now());
        if !host.hops.contains_key(&hop) {
            return Ok(());
        }
        if host.others(hop) + 1 > self.limit {
            return Err(expiry);
        }
        host.connects.insert(connect, Some(hop));
        Ok(())
    }

    /// The request left the connect to the pool; whether it had started.
    fn disown(&self, origin: &str, connect: u64) -> bool {
        let mut hosts = self.hosts();
        match hosts
            .get_mut(origin)
            .and_then(|host| host.connects.get_mut(&connect))
        {
            Some(owner) => {
                *owner = None;
                true
            }
            None => false,
        }
    }

    /// The connect ended: with a connection (its id, when known) or not.
    fn finished(&self, origin: &str, connect: u64, conn: Option<Option<ConnId>>) {
        let mut hosts = self.hosts();
        let Some(host) = hosts.get_mut(origin) else {
            return;
        };
        let Some(owner) = host.connects.remove(&connect) else {
            return;
        };
        if let Some(conn) = conn {
            match owner.and_then(|hop| host.hops.get_mut(&hop)) {
                Some(opened) => opened.push(conn),
                // Nobody took it: it went to the pool.
                None => host.hand_back(conn, Instant::now(), self.limit),
            }
        }
        if host.is_empty() {
            hosts.remove(origin);
        }
        drop(hosts);
        self.changed.notify_waiters();
    }
}

/// A request to one origin, from just before it is handed to reqwest until its body has been
/// read or dropped: the connection it uses is counted as long as it lives.
pub(crate) struct Hop {
    limit: Arc<ConnectionLimit>,
    origin: Arc<str>,
    id: u64,
    /// The connection the response came on, and whether it stays open after the response.
    response: Option<(Option<ConnId>, bool)>,
    reusable: bool,
}

impl Hop {
    /// Runs `send` (reqwest sending the request) as this request: the connects it needs are
    /// counted for it.
    pub(crate) async fn send<F: Future>(&self, send: F) -> F::Output {
        let current = Current {
            limit: self.limit.clone(),
            origin: self.origin.clone(),
            hop: self.id,
        };
        CURRENT.scope(current, send).await
    }

    /// The response head arrived: its connection is this request's now.
    pub(crate) fn responded(&mut self, resp: &reqwest::Response) {
        let conn = resp
            .extensions()
            .get::<HttpInfo>()
            .map(|info| (info.local_addr(), info.remote_addr()));
        self.response = Some((conn, keeps_alive(resp)));
        let now = Instant::now();
        let mut hosts = self.limit.hosts();
        if let Some(host) = hosts.get_mut(&self.origin) {
            if conn.is_some() {
                host.returned.retain(|(c, _)| *c != conn);
            }
            // What it opened and did not get the response on went to the pool.
            let opened = host.hops.get_mut(&self.id).map(std::mem::take);
            for other in opened.into_iter().flatten() {
                if conn.is_some() && other != conn {
                    host.hand_back(other, now, self.limit.limit);
                }
            }
            host.release_connects(self.id);
        }
        drop(hosts);
        self.limit.changed.notify_waiters();
    }

    /// The response's body was not read to its end: its connection is closed, not reused.
    pub(crate) fn not_reusable(&mut self) {
        self.reusable = false;
    }
}

impl Drop for Hop {
    fn drop(&mut self) {
        let mut hosts = self.limit.hosts();
        if let Some(host) = hosts.get_mut(&self.origin) {
            // Connections it opened but never saw its response on: the request failed, and
            // they are closed with it.
            host.hops.remove(&self.id);
            host.release_connects(self.id);
            if let Some((conn, true)) = self.response
                && self.reusable
            {
                host.hand_back(conn, Instant::now(), self.limit.limit);
            }
            if host.is_empty() {
                hosts.remove(&self.origin);
            }
        }
        drop(hosts);
        self.limit.changed.notify_waiters();
    }
}

/// Whether the connection of `resp` stays open after it: HTTP/1.1 unless `Connection: close`,
/// HTTP/1.0 only with `Connection: keep-alive`. An HTTP/2 connection is shared by every request
/// and never handed back.
fn keeps_alive(resp: &reqwest::Response) -> bool {
    let has = |token: &str| {
        resp.headers().get_all(CONNECTION).iter().any(|v| {
            v.to_str()
                .unwrap_or("")
                .split(',')
                .any(|t| t.trim().eq_ignore_ascii_case(token))
        })
    };
    match resp.version() {
        reqwest::Version::HTTP_11 => !has("close"),
        reqwest::Version::HTTP_10 => has("keep-alive") && !has("close"),
        _ => false,
    }
}

/// The tower layer given to reqwest's `connector_layer`.
#[derive(Clone)]
pub(crate) struct ConnectLayer {
    limit: Arc<ConnectionLimit>,
}

impl<S> tower_layer::Layer<S> for ConnectLayer {
    type Service = Gate<S>;

    fn layer(&self, inner: S) -> Gate<S> {
        Gate {
            inner,
            limit: self.limit.clone(),
        }
    }
}

/// reqwest's connector behind the ledger.
#[derive(Clone)]
pub(crate) struct Gate<S> {
    inner: S,
    limit: Arc<ConnectionLimit>,
}

impl<S, R> tower_service::Service<R> for Gate<S>
where
    S: tower_service::Service<R> + Clone + Send + 'static,
    S::Response: Connection + Send + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
    R: Send + 'static,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, dst: R) -> Self::Future {
        // The service that was polled ready makes the call; a clone takes its place.
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let current = CURRENT
            .try_with(|c| Arc::ptr_eq(&c.limit, &self.limit).then(|| c.clone()))
            .ok()
            .flatten();
        let Some(current) = current else {
            // Not a request of the runtime's (every request of the client is): nothing to
            // count it against.
            return Box::pin(async move { inner.call(dst).await.map_err(Into::into) });
        };
        let connect = next_id();
        let limit = current.limit.clone();
        let origin = current.origin.clone();
        let hop = current.hop;
        let gated = async move {
            loop {
                let changed = limit.changed.notified();
                let mut changed = std::pin::pin!(changed);
                // Registered before looking, so that no change in between is missed.
                changed.as_mut().enable();
                match limit.try_start(&origin, hop, connect) {
                    Ok(()) => break,
                    Err(None) => changed.await,
                    Err(Some(expiry)) => {
                        let expired = std::pin::pin!(tokio::time::sleep_until(expiry));
                        futures_util::future::select(changed, expired).await;
                    }
                }
            }
            let result = inner.call(dst).await.map_err(Into::into);
            let conn = result.as_ref().ok().map(conn_id);
            limit.finished(&origin, connect, conn);
            result
        };
        Box::pin(Gated {
            gated: Box::pin(gated),
            current,
            connect,
            done: false,
        })
    }
}

/// The id of a new connection, when its transport tells it.
fn conn_id<C: Connection>(conn: &C) -> Option<ConnId> {
    let mut extensions = hyper::http::Extensions::new();
    conn.connected().get_extras(&mut extensions);
    extensions
        .get::<HttpInfo>()
        .map(|info| (info.local_addr(), info.remote_addr()))
}

/// A connect for one request. Polled outside that request's task, it has been left to finish
/// in the background because the request got a pooled connection: it then gives up if it has
/// not started connecting, and otherwise finishes with nobody waiting for it.
struct Gated<F> {
    gated: Pin<Box<F>>,
    current: Current,
    connect: u64,
    done: bool,
}

/// The error of a connect nobody needs any more (the pool only logs it).
#[derive(Debug)]
struct NotNeeded;

impl std::fmt::Display for NotNeeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request got a pooled connection; no connect is needed")
    }
}

impl std::error::Error for NotNeeded {}

impl<F, T> Future for Gated<F>
where
    F: Future<Output = Result<T, BoxError>>,
{
    type Output = Result<T, BoxError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let owner = &this.current;
        let own_task = CURRENT
            .try_with(|c| c.hop == owner.hop && Arc::ptr_eq(&c.limit, &owner.limit))
            .unwrap_or(false);
        if !own_task && !owner.limit.disown(&owner.origin, this.connect) {
            this.done = true;
            return Poll::Ready(Err(Box::new(NotNeeded)));
        }
        let result = this.gated.as_mut().poll(cx);
        if result.is_ready() {
            this.done = true;
        }
        result
    }
}

impl<F> Drop for Gated<F> {
    fn drop(&mut self) {
        if !self.done {
            // Dropped while connecting (or waiting to): no connection comes of it.
            let owner = &self.current;
            owner.limit.finished(&owner.origin, self.connect, None);
        }
    }
}
