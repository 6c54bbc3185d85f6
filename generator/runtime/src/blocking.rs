//! Synchronous use of the async client (feature `blocking`).
//!
//! [`Wait::wait`] sends a request builder and blocks until it is done
//! (`client.openstack_volumes().list().wait()?`), and [`WaitIter::wait_iter`] iterates a list
//! builder's `stream()`; both run on one multi-threaded tokio runtime with one worker, shared
//! by the process and started on first use, so connections keep being served between calls
//! from any thread. [`Client`] is the older form: the async client with a current-thread
//! runtime of its own. Do not call any of these from inside an async runtime (tokio refuses to
//! nest runtimes, and a blocked worker stalls the others).

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use futures_core::Stream;
use futures_util::StreamExt;

use super::error::Error;

/// A current-thread tokio runtime with time and I/O enabled.
pub struct BlockingRuntime {
    rt: tokio::runtime::Runtime,
}

impl BlockingRuntime {
    pub fn new() -> Result<BlockingRuntime, Error> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Config(format!("cannot start the tokio runtime: {e}")))?;
        Ok(BlockingRuntime { rt })
    }

    /// Runs the future to completion on this runtime.
    pub fn block_on<F: Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }
}

impl fmt::Debug for BlockingRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BlockingRuntime")
    }
}

/// The async [`super::client::Client`] with its own runtime; clones share both.
#[derive(Clone)]
pub struct Client {
    inner: super::client::Client,
    rt: Arc<BlockingRuntime>,
}

impl Client {
    /// A client sending `Authorization: Token <token>`.
    pub fn new(base_url: &str, token: &str) -> Result<Client, Error> {
        Client::from_async(super::client::Client::new(base_url, token)?)
    }

    /// Wraps an async client (built with [`super::client::Client::builder`]).
    pub fn from_async(inner: super::client::Client) -> Result<Client, Error> {
        Ok(Client {
            inner,
            rt: Arc::new(BlockingRuntime::new()?),
        })
    }

    pub fn inner(&self) -> &super::client::Client {
        &self.inner
    }

    pub fn block_on<F: Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    /// Iterates a stream (such as a list builder's `stream()`) by blocking on each item.
    pub fn iter<S: Stream + Unpin>(&self, stream: S) -> BlockingIter<'_, S> {
        BlockingIter {
            rt: &self.rt,
            stream,
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::Client")
            .field("inner", &self.inner)
            .finish()
    }
}

/// An iterator over a stream, blocking on each item.
pub struct BlockingIter<'a, S> {
    rt: &'a BlockingRuntime,
    stream: S,
}

impl<S: Stream + Unpin> Iterator for BlockingIter<'_, S> {
    type Item = S::Item;

    fn next(&mut self) -> Option<S::Item> {
        self.rt.block_on(self.stream.next())
    }
}

/// Runs request builders (and any future of a `Result<T, Error>`) to completion without
/// async: `client.openstack_volumes().list().wait()?`. The futures run on one runtime shared by the
/// process (a multi-threaded tokio runtime with one worker, started on first use), so
/// connections keep being served between calls from any thread. Do not call it from inside an
/// async runtime: it blocks the thread.
pub trait Wait<T>: std::future::IntoFuture<Output = Result<T, Error>> {
    fn wait(self) -> Result<T, Error>;
}

impl<T, F: std::future::IntoFuture<Output = Result<T, Error>>> Wait<T> for F {
    fn wait(self) -> Result<T, Error> {
        shared_runtime()?.block_on(self.into_future())
    }
}

/// Iterates a stream of results (such as a list builder's `stream()`) by blocking on each
/// item.
pub trait WaitIter<T>: Stream<Item = Result<T, Error>> + Unpin + Sized {
    fn wait_iter(self) -> WaitIterator<Self> {
        WaitIterator { stream: Some(self) }
    }
}

impl<T, S: Stream<Item = Result<T, Error>> + Unpin> WaitIter<T> for S {}

/// See [`WaitIter::wait_iter`].
pub struct WaitIterator<S> {
    /// `None` once the stream ended or the runtime could not start.
    stream: Option<S>,
}

impl<T, S: Stream<Item = Result<T, Error>> + Unpin> Iterator for WaitIterator<S> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Result<T, Error>> {
        let stream = self.stream.as_mut()?;
        let item = match shared_runtime() {
            Ok(rt) => rt.block_on(stream.next()),
            Err(e) => Some(Err(e)),
        };
        if !matches!(item, Some(Ok(_))) {
            self.stream = None;
        }
        item
    }
}

fn shared_runtime() -> Result<&'static tokio::runtime::Runtime, Error> {
    static RUNTIME: std::sync::OnceLock<Result<tokio::runtime::Runtime, String>> =
        std::sync::OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("waldur-client-blocking")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| {
            Error::Config(format!(
                "cannot start the tokio runtime for blocking calls: {e}"
            ))
        })
}
