//! Synchronous use of the async client: every call runs on a private current-thread tokio
//! runtime. Do not call these from inside an async runtime (tokio refuses to nest runtimes).

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

    /// Iterates a stream (such as a `list_all` stream) by blocking on each item.
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
