//! When and how long to wait before repeating a failed request.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::Method;

/// Waits for the given duration. The default is `tokio::time::sleep`; tests install one that
/// records the delay and returns at once.
pub type Sleeper = Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// Retry policy of a client.
///
/// A failed request is repeated when the error is retryable (transport error, timeout, 429,
/// 5xx; see [`super::error::Error::is_retryable`]) and the method is idempotent (GET, HEAD,
/// PUT, DELETE, OPTIONS) or `retry_non_idempotent` is set. Before retry number `n` (0-based)
/// the client waits a random duration in `[0, min(max_backoff, initial_backoff * 2^n)]`
/// ("full jitter"), or exactly that bound when `jitter` is off; a `Retry-After` on 429/503
/// replaces it, capped by `max_backoff`.
#[derive(Clone)]
pub struct RetryPolicy {
    /// Number of retries after the first attempt (default 3).
    pub max_retries: u32,
    /// Upper bound of the first delay (default 500 ms).
    pub initial_backoff: Duration,
    /// Upper bound of any delay, including `Retry-After` (default 30 s).
    pub max_backoff: Duration,
    /// Also repeat POST and PATCH (default false: they may have taken effect).
    pub retry_non_idempotent: bool,
    /// Randomise delays (default true); off gives the deterministic upper bounds.
    pub jitter: bool,
    sleeper: Sleeper,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            retry_non_idempotent: false,
            jitter: true,
            sleeper: Arc::new(|d| Box::pin(tokio::time::sleep(d))),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy::default().max_retries(0)
    }

    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }

    pub fn jitter(mut self, yes: bool) -> Self {
        self.jitter = yes;
        self
    }

    /// Replaces the function used to wait between attempts.
    pub fn sleeper<F, Fut>(mut self, sleep: F) -> Self
    where
        F: Fn(Duration) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.sleeper = Arc::new(move |d| Box::pin(sleep(d)));
        self
    }

    /// Whether a request with this method may be repeated under this policy.
    pub fn allows_method(&self, method: &Method) -> bool {
        self.retry_non_idempotent || is_idempotent(method)
    }

    /// The delay before retry number `retry` (0 for the first retry). `retry_after` is the
    /// server's `Retry-After`, which wins over the computed backoff.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_backoff);
        }
        let bound = self
            .initial_backoff
            .saturating_mul(1u32 << retry.min(31))
            .min(self.max_backoff);
        if self.jitter {
            bound.mul_f64(unit_random())
        } else {
            bound
        }
    }

    /// Waits with the configured sleeper.
    pub async fn sleep(&self, d: Duration) {
        (self.sleeper)(d).await
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_retries", &self.max_retries)
            .field("initial_backoff", &self.initial_backoff)
            .field("max_backoff", &self.max_backoff)
            .field("retry_non_idempotent", &self.retry_non_idempotent)
            .field("jitter", &self.jitter)
            .finish_non_exhaustive()
    }
}

/// GET, HEAD, PUT, DELETE, OPTIONS and TRACE: repeating them has the effect of sending once.
pub fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

/// A number in `[0, 1)`. splitmix64 over the clock and a process-wide counter: jitter only has
/// to spread clients apart, not be unpredictable, so no RNG dependency is warranted.
fn unit_random() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let count = COUNTER.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    let mut z = nanos ^ count;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// Parses a `Retry-After` value: delay seconds (`"7"`) or an IMF-fixdate
/// (`"Sun, 06 Nov 1994 08:49:37 GMT"`, measured from `now`; a past date gives zero).
/// `None` for anything else.
#[doc(hidden)]
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse::<u64>().ok().map(Duration::from_secs);
    }
    let at = parse_http_date(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// IMF-fixdate (RFC 9110 5.6.7), the only format servers may generate.
fn parse_http_date(s: &str) -> Option<SystemTime> {
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    let (_weekday, rest) = s.split_once(", ")?;
    let mut parts = rest.split(' ');
    let day: u32 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    let mut clock = parts.next()?.split(':');
    let hour: u64 = clock.next()?.parse().ok()?;
    let minute: u64 = clock.next()?.parse().ok()?;
    let second: u64 = clock.next()?.parse().ok()?;
    if parts.next()? != "GMT" || parts.next().is_some() || clock.next().is_some() {
        return None;
    }
    // Years outside 1970..=9999 are not dates a server means (and would overflow the
    // day arithmetic).
    if !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
        || !(1970..=9999).contains(&year)
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = u64::try_from(days).ok()? * 86_400 + hour * 3600 + minute * 60 + second;
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Time spent by one call against its deadline. Waits are counted as requested, so a sleeper
/// that returns early (tests) still uses up the deadline.
#[derive(Debug)]
pub(super) struct CallClock {
    start: std::time::Instant,
    deadline: Option<Duration>,
    slept: Duration,
}

impl CallClock {
    pub(super) fn start(deadline: Option<Duration>) -> CallClock {
        CallClock {
            start: std::time::Instant::now(),
            deadline,
            slept: Duration::ZERO,
        }
    }

    pub(super) fn deadline(&self) -> Option<Duration> {
        self.deadline
    }

    fn elapsed(&self) -> Duration {
        self.start.elapsed().max(self.slept)
    }

    /// Time left before the deadline (`None` without one).
    pub(super) fn remaining(&self) -> Option<Duration> {
        self.deadline.map(|d| d.saturating_sub(self.elapsed()))
    }

    /// Whether a wait of `d` ends before the deadline, leaving time for an attempt.
    pub(super) fn has_time_for(&self, d: Duration) -> bool {
        self.remaining().is_none_or(|left| d < left)
    }

    /// Counts a wait of `d` that is about to start (real time then passes too; `elapsed`
    /// takes whichever is further along).
    pub(super) fn record_sleep(&mut self, d: Duration) {
        self.slept = self.elapsed() + d;
    }

    /// The time limit of the next attempt, and whether it is the deadline (rather than the
    /// per-attempt timeout) that sets it.
    pub(super) fn attempt_limit(&self, per_attempt: Option<Duration>) -> (Option<Duration>, bool) {
        match (per_attempt, self.remaining()) {
            (Some(t), Some(left)) if left < t => (Some(left), true),
            (None, Some(left)) => (Some(left), true),
            (t, _) => (t, false),
        }
    }
}
