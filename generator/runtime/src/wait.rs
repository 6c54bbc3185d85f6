//! Waiting for an asynchronous change: poll an operation until its result says done.
//!
//! Waldur changes resources asynchronously: a marketplace order goes from `pending-consumer`
//! through `executing` to `done` or `erred`; a volume from `Creating` to `OK`. [`wait_for`]
//! calls a fetch function, classifies each result as pending, done or failed, and waits between
//! polls with a growing interval until done, failed, or out of time. [`wait_until`] is the
//! same with a yes/no predicate.
//!
//! The wait is cancelled by dropping its future, which also drops the request in flight:
//! `tokio::select!` it against a shutdown signal, or wrap it in `tokio::time::timeout`.
//!
//! ```text
//! use waldur_client::runtime::wait::{WaitPolicy, WaitState, wait_for};
//!
//! let volumes = client.openstack_volumes();
//! let volume = wait_for(
//!     &WaitPolicy::default().timeout(Duration::from_secs(300)),
//!     "volume 4d5c0f0c7a0e4bd7b8e5a0d1f2c3b4a5 to be OK",
//!     || volumes.retrieve("4d5c0f0c7a0e4bd7b8e5a0d1f2c3b4a5", &Default::default()),
//!     |v| match v.state.get().map(String::as_str) {
//!         Some("OK") => WaitState::Done,
//!         Some("Erred") => WaitState::Failed(format!("volume erred: {:?}", v.error_message.get())),
//!         _ => WaitState::Pending,
//!     },
//! )
//! .await?;
//! ```

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::error::Error;
use super::retry::Sleeper;

/// How often and how long to poll.
///
/// The first poll happens at once. After a pending result the wait is `initial_interval`,
/// then each wait is `multiplier` times the previous one, up to `max_interval`. The time
/// budget `timeout` counts the waits and the time spent polling; the last wait is shortened
/// so that one final poll happens when the budget runs out. Defaults: 2 s initial interval,
/// multiplier 1.5, 30 s maximum interval, 10 minutes timeout.
#[derive(Clone)]
pub struct WaitPolicy {
    timeout: Duration,
    initial_interval: Duration,
    max_interval: Duration,
    multiplier: f64,
    sleeper: Sleeper,
}

impl Default for WaitPolicy {
    fn default() -> Self {
        WaitPolicy {
            timeout: Duration::from_secs(600),
            initial_interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(30),
            multiplier: 1.5,
            sleeper: Arc::new(|d| Box::pin(tokio::time::sleep(d))),
        }
    }
}

impl fmt::Debug for WaitPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitPolicy")
            .field("timeout", &self.timeout)
            .field("initial_interval", &self.initial_interval)
            .field("max_interval", &self.max_interval)
            .field("multiplier", &self.multiplier)
            .finish_non_exhaustive()
    }
}

impl WaitPolicy {
    /// The total time budget (default 10 minutes).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }

    /// The wait after the first pending result (default 2 s).
    pub fn initial_interval(mut self, d: Duration) -> Self {
        self.initial_interval = d;
        self
    }

    /// The longest wait between two polls (default 30 s).
    pub fn max_interval(mut self, d: Duration) -> Self {
        self.max_interval = d;
        self
    }

    /// How much each wait grows (default 1.5; 1 polls at a fixed interval). Values below 1,
    /// and values that are not numbers, count as 1.
    pub fn multiplier(mut self, m: f64) -> Self {
        self.multiplier = if m >= 1.0 { m } else { 1.0 };
        self
    }

    /// A fixed interval between polls: `initial_interval` and `max_interval` set to `d`,
    /// multiplier 1.
    pub fn every(self, d: Duration) -> Self {
        self.initial_interval(d).max_interval(d).multiplier(1.0)
    }

    /// Replaces the function used to wait between polls (tests install one that records the
    /// delay and returns at once; the waits still count against the timeout).
    pub fn sleeper<F, Fut>(mut self, sleep: F) -> Self
    where
        F: Fn(Duration) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.sleeper = Arc::new(move |d| Box::pin(sleep(d)));
        self
    }

    /// The configured total time budget.
    pub fn timeout_value(&self) -> Duration {
        self.timeout
    }

    /// The wait that follows the wait `current`.
    fn next_interval(&self, current: Duration) -> Duration {
        let grown = Duration::try_from_secs_f64(current.as_secs_f64() * self.multiplier)
            .unwrap_or(self.max_interval);
        grown.min(self.max_interval)
    }
}

/// What one polled value says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitState {
    /// Not there yet: poll again.
    Pending,
    /// Done: the wait returns this value.
    Done,
    /// Finished unsuccessfully (an order that erred): the wait fails with this message and
    /// the value.
    Failed(String),
}

/// Why a wait ended without the value being done.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError<T> {
    /// The time budget ran out; `last` is the value of the last poll.
    TimedOut {
        /// What was waited for (the `what` of [`wait_for`]).
        what: String,
        /// The value of the last poll.
        last: T,
        /// How many polls were made.
        polls: u32,
        /// The time spent, waits and polls included.
        elapsed: Duration,
    },
    /// The value reached a failed state ([`WaitState::Failed`]).
    Failed {
        /// What was waited for.
        what: String,
        /// The failed value.
        last: T,
        /// The message of [`WaitState::Failed`].
        message: String,
        /// How many polls were made.
        polls: u32,
    },
    /// A poll failed (after the client's own retries); the wait stops there.
    Request {
        /// What was waited for.
        what: String,
        /// The error of the failed poll.
        error: Error,
        /// The number of the poll that failed (1 for the first).
        poll: u32,
        /// The value of the previous poll, if there was one.
        last: Option<T>,
    },
}

impl<T> WaitError<T> {
    /// The last value polled, if any poll succeeded.
    pub fn last(&self) -> Option<&T> {
        match self {
            WaitError::TimedOut { last, .. } | WaitError::Failed { last, .. } => Some(last),
            WaitError::Request { last, .. } => last.as_ref(),
        }
    }

    /// The last value polled, if any poll succeeded.
    pub fn into_last(self) -> Option<T> {
        match self {
            WaitError::TimedOut { last, .. } | WaitError::Failed { last, .. } => Some(last),
            WaitError::Request { last, .. } => last,
        }
    }

    /// Whether the time budget ran out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, WaitError::TimedOut { .. })
    }
}

impl<T> fmt::Display for WaitError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::TimedOut {
                what,
                polls,
                elapsed,
                ..
            } => write!(
                f,
                "gave up waiting for {what} after {} ({polls} polls)",
                seconds(*elapsed)
            ),
            WaitError::Failed {
                what,
                message,
                polls,
                ..
            } => write!(
                f,
                "waiting for {what} failed after {polls} polls: {message}"
            ),
            WaitError::Request {
                what, error, poll, ..
            } => write!(f, "waiting for {what}: poll {poll} failed: {error}"),
        }
    }
}

impl<T: fmt::Debug> std::error::Error for WaitError<T> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Request { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// `12 s`, `1.5 s`: whole seconds without decimals, else one decimal.
fn seconds(d: Duration) -> String {
    let tenths = d.as_millis().saturating_add(50) / 100;
    if tenths.is_multiple_of(10) {
        format!("{} s", tenths / 10)
    } else {
        format!("{}.{} s", tenths / 10, tenths % 10)
    }
}

/// Polls `fetch` until `check` says [`WaitState::Done`] (returning that value), says
/// [`WaitState::Failed`], a poll fails, or the policy's time budget runs out.
///
/// `what` names what is waited for in errors and trace events ("marketplace order
/// 5f0c... to be done"). Dropping the returned future cancels the wait.
pub async fn wait_for<T, F, Fut, C>(
    policy: &WaitPolicy,
    what: &str,
    mut fetch: F,
    mut check: C,
) -> Result<T, WaitError<T>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
    C: FnMut(&T) -> WaitState,
{
    let mut elapsed = Duration::ZERO;
    let mut interval = policy.initial_interval.min(policy.max_interval);
    let mut polls: u32 = 0;
    let mut last: Option<T> = None;
    loop {
        let started = Instant::now();
        let result = fetch().await;
        elapsed = elapsed.saturating_add(started.elapsed());
        polls = polls.saturating_add(1);
        let value = match result {
            Ok(value) => value,
            Err(error) => {
                return Err(WaitError::Request {
                    what: what.to_owned(),
                    error,
                    poll: polls,
                    last,
                });
            }
        };
        match check(&value) {
            WaitState::Done => return Ok(value),
            WaitState::Failed(message) => {
                return Err(WaitError::Failed {
                    what: what.to_owned(),
                    last: value,
                    message,
                    polls,
                });
            }
            WaitState::Pending => {}
        }
        let remaining = policy.timeout.saturating_sub(elapsed);
        if remaining.is_zero() {
            return Err(WaitError::TimedOut {
                what: what.to_owned(),
                last: value,
                polls,
                elapsed,
            });
        }
        last = Some(value);
        let delay = interval.min(remaining);
        super::trace::wait_pending(what, polls, delay);
        (policy.sleeper)(delay).await;
        elapsed = elapsed.saturating_add(delay);
        interval = policy.next_interval(interval);
    }
}

/// [`wait_for`] with a predicate: done when `done` holds, never failed.
pub async fn wait_until<T, F, Fut, P>(
    policy: &WaitPolicy,
    what: &str,
    fetch: F,
    mut done: P,
) -> Result<T, WaitError<T>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
    P: FnMut(&T) -> bool,
{
    wait_for(policy, what, fetch, move |value| {
        if done(value) {
            WaitState::Done
        } else {
            WaitState::Pending
        }
    })
    .await
}

/// What a Waldur marketplace order's state says: `done` is done; `erred`, `canceled` and
/// `rejected` are failures, with the order's `error_message` (or its state when it has none);
/// every other state (`pending-consumer`, `pending-provider`, `executing`, or one this client
/// does not know yet) is pending. Generated `send_and_wait` methods of order creation use it.
pub fn order_state(state: Option<&str>, error_message: Option<&str>) -> WaitState {
    match state {
        Some("done") => WaitState::Done,
        Some(failed @ ("erred" | "canceled" | "rejected")) => {
            WaitState::Failed(match error_message.filter(|m| !m.trim().is_empty()) {
                Some(message) => format!("the order is {failed}: {message}"),
                None => format!("the order is {failed}"),
            })
        }
        _ => WaitState::Pending,
    }
}
