//! When to retry and how long to wait first.
//!
//! The rule that matters most: a POST or PATCH is only re-sent when the server provably did not process it
//! (a 429, or a connection that was never established), so an action is never submitted twice.

use std::time::Duration;

use http::Method;

use super::rate_limit::RateLimit;

/// How failed requests are retried.
///
/// Backoff is exponential with jitter between the two bounds. A `Retry-After` header is honoured even when it
/// exceeds the backoff maximum; on a 429 without one, the client waits for `ratelimit-reset` when the quota is
/// used up. Any server-requested wait longer than the rate-limit wait cap returns the error at once instead.
///
/// ```
/// use std::time::Duration;
/// use oxido::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .with_max_retries(5)
///     .with_backoff(Duration::from_millis(100), Duration::from_secs(2))
///     .with_rate_limit_wait_cap(Duration::from_secs(30));
/// assert_eq!(policy.max_retries(), 5);
/// assert_eq!(RetryPolicy::disabled().max_retries(), 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    min_backoff: Duration,
    max_backoff: Duration,
    rate_limit_wait_cap: Duration,
}

impl Default for RetryPolicy {
    /// Three retries, backoff from 250 ms to 8 s, server-requested waits capped at 60 s.
    fn default() -> Self {
        Self {
            max_retries: 3,
            min_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            rate_limit_wait_cap: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn disabled() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Sets how many times a request may be re-sent after the first attempt.
    #[must_use]
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the first backoff and the largest one; a `max` below `min` is raised to `min`.
    #[must_use]
    pub fn with_backoff(mut self, min: Duration, max: Duration) -> Self {
        self.min_backoff = min;
        self.max_backoff = max.max(min);
        self
    }

    /// Sets the longest wait the client accepts when the server asks it to slow down (`Retry-After` or an
    /// exhausted rate limit). Past it, the error is returned at once.
    #[must_use]
    pub fn with_rate_limit_wait_cap(mut self, cap: Duration) -> Self {
        self.rate_limit_wait_cap = cap;
        self
    }

    /// How many times a request may be re-sent.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The first backoff.
    pub fn min_backoff(&self) -> Duration {
        self.min_backoff
    }

    /// The largest backoff.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The longest server-requested wait the client accepts.
    pub fn rate_limit_wait_cap(&self) -> Duration {
        self.rate_limit_wait_cap
    }

    /// The backoff before retry number `retry` (1 for the first retry): doubling from the minimum, capped at the
    /// maximum, then jittered into its upper half so clients that failed together do not retry together.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let doublings = retry.saturating_sub(1).min(31);
        let ceiling = self
            .min_backoff
            .saturating_mul(1u32 << doublings)
            .min(self.max_backoff);
        let half = ceiling / 2;
        let spread = u64::try_from((ceiling - half).as_micros()).unwrap_or(u64::MAX);
        half + Duration::from_micros(fastrand::u64(0..=spread))
    }

    /// How long to wait before retrying an answer with `status`, or `None` to give up now because the
    /// server asked for a wait beyond the cap.
    pub(crate) fn delay_after_status(
        &self,
        status: u16,
        retry_after: Option<Duration>,
        rate_limit: Option<RateLimit>,
        now_unix: u64,
        retry: u32,
    ) -> Option<Duration> {
        if let Some(wait) = retry_after {
            // `Duration::MAX` stands for a number too large to read: beyond any cap, even an unlimited one.
            return (wait != Duration::MAX && wait <= self.rate_limit_wait_cap).then_some(wait);
        }
        if status == 429 {
            if let Some(limit) = rate_limit.filter(RateLimit::is_exhausted) {
                let until_reset = Duration::from_secs(limit.reset.saturating_sub(now_unix));
                if until_reset > self.rate_limit_wait_cap {
                    return None;
                }
                return Some(until_reset.max(self.backoff(retry)));
            }
        }
        Some(self.backoff(retry))
    }
}

/// What went wrong with one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The server answered with this status.
    Status(u16),
    /// No connection was established, so nothing was sent.
    Connect,
    /// The connection broke after the request may have reached the server.
    Dropped,
    /// The attempt ran out of time after the request may have reached the server.
    AttemptTimeout,
}

/// Whether `method` may be re-sent after `failure` without risking a double effect.
pub(crate) fn may_retry(method: &Method, failure: Failure) -> bool {
    let idempotent = matches!(
        *method,
        Method::GET | Method::PUT | Method::DELETE | Method::HEAD | Method::OPTIONS
    );
    match failure {
        Failure::Status(429) | Failure::Connect => true,
        Failure::Status(500 | 502 | 503 | 504) | Failure::Dropped | Failure::AttemptTimeout => {
            idempotent
        }
        Failure::Status(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_and_patch_retry_only_when_not_processed() {
        for method in [Method::POST, Method::PATCH] {
            assert!(may_retry(&method, Failure::Status(429)));
            assert!(may_retry(&method, Failure::Connect));
            for status in [500, 502, 503, 504] {
                assert!(
                    !may_retry(&method, Failure::Status(status)),
                    "{method} {status}"
                );
            }
            assert!(!may_retry(&method, Failure::Dropped));
            assert!(!may_retry(&method, Failure::AttemptTimeout));
        }
    }

    #[test]
    fn idempotent_methods_retry_on_server_and_connection_failures() {
        for method in [Method::GET, Method::PUT, Method::DELETE, Method::HEAD] {
            for status in [429, 500, 502, 503, 504] {
                assert!(
                    may_retry(&method, Failure::Status(status)),
                    "{method} {status}"
                );
            }
            assert!(may_retry(&method, Failure::Connect));
            assert!(may_retry(&method, Failure::Dropped));
            assert!(may_retry(&method, Failure::AttemptTimeout));
            for status in [400, 401, 403, 404, 418, 422, 501] {
                assert!(
                    !may_retry(&method, Failure::Status(status)),
                    "{method} {status}"
                );
            }
        }
    }

    #[test]
    fn backoff_doubles_within_bounds() {
        let policy = RetryPolicy::default()
            .with_backoff(Duration::from_millis(100), Duration::from_millis(800));
        for _ in 0..50 {
            let first = policy.backoff(1);
            assert!(
                first >= Duration::from_millis(50) && first <= Duration::from_millis(100),
                "{first:?}"
            );
            let third = policy.backoff(3);
            assert!(
                third >= Duration::from_millis(200) && third <= Duration::from_millis(400),
                "{third:?}"
            );
            let late = policy.backoff(40);
            assert!(
                late >= Duration::from_millis(400) && late <= Duration::from_millis(800),
                "{late:?}"
            );
        }
    }

    #[test]
    fn retry_after_beats_backoff_maximum_but_not_the_cap() {
        let policy = RetryPolicy::default()
            .with_backoff(Duration::from_millis(10), Duration::from_millis(20))
            .with_rate_limit_wait_cap(Duration::from_secs(60));
        assert_eq!(
            policy.delay_after_status(429, Some(Duration::from_secs(30)), None, 0, 1),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            policy.delay_after_status(429, Some(Duration::from_secs(61)), None, 0, 1),
            None
        );
    }

    #[test]
    fn an_unreadably_large_retry_after_is_beyond_even_an_unlimited_cap() {
        let policy = RetryPolicy::default().with_rate_limit_wait_cap(Duration::MAX);
        assert_eq!(
            policy.delay_after_status(429, Some(Duration::MAX), None, 0, 1),
            None
        );
        let huge = Duration::from_secs(u64::MAX);
        assert_eq!(
            policy.delay_after_status(429, Some(huge), None, 0, 1),
            Some(huge)
        );
        let reset_at_the_end_of_time = Some(RateLimit {
            limit: 5000,
            remaining: 0,
            reset: u64::MAX,
        });
        assert_eq!(
            policy.delay_after_status(429, None, reset_at_the_end_of_time, 1_000, 1),
            Some(Duration::from_secs(u64::MAX - 1_000))
        );
    }

    #[test]
    fn exhausted_quota_waits_for_reset_within_cap() {
        let policy = RetryPolicy::default()
            .with_backoff(Duration::from_millis(10), Duration::from_millis(20))
            .with_rate_limit_wait_cap(Duration::from_secs(60));
        let exhausted = |reset| {
            Some(RateLimit {
                limit: 5000,
                remaining: 0,
                reset,
            })
        };
        assert_eq!(
            policy.delay_after_status(429, None, exhausted(1_000 + 42), 1_000, 1),
            Some(Duration::from_secs(42))
        );
        assert_eq!(
            policy.delay_after_status(429, None, exhausted(1_000 + 3_600), 1_000, 1),
            None
        );
        let plenty = Some(RateLimit {
            limit: 5000,
            remaining: 10,
            reset: 1_000 + 3_600,
        });
        let delay = policy
            .delay_after_status(429, None, plenty, 1_000, 1)
            .expect("retry with backoff");
        assert!(delay <= Duration::from_millis(20));
    }
}
