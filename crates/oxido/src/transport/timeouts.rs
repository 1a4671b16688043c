//! The three separate time limits of a call.

use std::time::Duration;

/// Time limits for each call; none of them can be turned off, so nothing waits forever.
///
/// ```
/// use std::time::Duration;
/// use oxido::Timeouts;
///
/// let timeouts = Timeouts::default().with_attempt(Duration::from_secs(5));
/// assert_eq!(timeouts.connect, Duration::from_secs(10));
/// assert_eq!(timeouts.attempt, Duration::from_secs(5));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Timeouts {
    /// Establishing a TCP (and TLS) connection. Default 10 s.
    pub connect: Duration,
    /// One attempt, from sending the request to the last byte of the response. Default 30 s.
    pub attempt: Duration,
    /// The whole call, across all retries and the waits between them. Default 120 s.
    pub overall: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            attempt: Duration::from_secs(30),
            overall: Duration::from_secs(120),
        }
    }
}

impl Timeouts {
    /// Sets the connect limit.
    #[must_use]
    pub fn with_connect(mut self, limit: Duration) -> Self {
        self.connect = limit;
        self
    }

    /// Sets the per-attempt limit.
    #[must_use]
    pub fn with_attempt(mut self, limit: Duration) -> Self {
        self.attempt = limit;
        self
    }

    /// Sets the limit across retries.
    #[must_use]
    pub fn with_overall(mut self, limit: Duration) -> Self {
        self.overall = limit;
        self
    }
}
