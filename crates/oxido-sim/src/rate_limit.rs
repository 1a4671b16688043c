//! Per-token rate limits: a rolling hour and a per-minute burst, as the API describes.
//!
//! Each request counts for one hour (and, for the burst, one minute) after it was
//! made. Counts are kept per second in two queues, so a token costs at most
//! 3,600 + 60 small entries however fast it calls.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

const HOUR: u64 = 3600;
const MINUTE: u64 = 60;

/// The headers every response carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RateHeaders {
    pub limit: u32,
    pub remaining: u32,
    /// Unix time when the oldest counted request expires.
    pub reset: i64,
}

/// The limiter's decision for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Allowed(RateHeaders),
    /// Refused; `retry_after` (seconds) is set when the burst limit was hit.
    Limited {
        headers: RateHeaders,
        retry_after: Option<u64>,
    },
}

#[derive(Debug, Default)]
struct Window {
    /// (second, requests in that second), oldest first.
    seconds: VecDeque<(u64, u32)>,
    total: u32,
}

impl Window {
    fn expire(&mut self, now: u64, span: u64) {
        while let Some(&(sec, n)) = self.seconds.front() {
            if sec + span > now {
                break;
            }
            self.total -= n;
            self.seconds.pop_front();
        }
    }

    fn record(&mut self, now: u64) {
        match self.seconds.back_mut() {
            Some((sec, n)) if *sec == now => *n += 1,
            _ => self.seconds.push_back((now, 1)),
        }
        self.total += 1;
    }

    fn oldest(&self) -> Option<u64> {
        self.seconds.front().map(|(s, _)| *s)
    }
}

#[derive(Debug, Default)]
struct TokenWindows {
    hour: Window,
    minute: Window,
}

/// The limiter shared by all connections.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    per_minute: u32,
    per_hour: u32,
    origin: Instant,
    origin_unix: i64,
    tokens: Mutex<HashMap<Arc<str>, TokenWindows>>,
}

impl RateLimiter {
    pub fn new(per_minute: u32, per_hour: u32) -> Self {
        Self {
            per_minute,
            per_hour,
            origin: Instant::now(),
            origin_unix: jiff::Timestamp::now().as_second(),
            tokens: Mutex::new(HashMap::new()),
        }
    }

    /// Forgets every token's history.
    pub fn clear(&self) {
        self.tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// The token's current state without counting a request, for answers that are
    /// not counted (a refused body, an injected fault): what the next counted request
    /// would start from, so a client recording every answer's headers stays right.
    pub fn peek(&self, key: &Arc<str>) -> RateHeaders {
        let now = self.origin.elapsed().as_secs();
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        let (used, oldest) = match tokens.get_mut(key) {
            Some(windows) => {
                windows.hour.expire(now, HOUR);
                (windows.hour.total, windows.hour.oldest())
            }
            None => (0, None),
        };
        RateHeaders {
            limit: self.per_hour,
            remaining: self.per_hour.saturating_sub(used),
            reset: self.origin_unix + (oldest.unwrap_or(now) + HOUR) as i64,
        }
    }

    /// Headers of an exhausted limit resetting an hour from now (the
    /// `exhaust_rate_limit` fault).
    pub fn exhausted(&self) -> RateHeaders {
        RateHeaders {
            limit: self.per_hour,
            remaining: 0,
            reset: self.unix_now() + HOUR as i64,
        }
    }

    fn unix_now(&self) -> i64 {
        self.origin_unix + self.origin.elapsed().as_secs() as i64
    }

    /// Counts one request for `key` if both limits allow it.
    pub fn check(&self, key: &Arc<str>) -> Verdict {
        let now = self.origin.elapsed().as_secs();
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        let windows = match tokens.get_mut(key) {
            Some(w) => w,
            None => tokens.entry(key.clone()).or_default(),
        };
        windows.hour.expire(now, HOUR);
        windows.minute.expire(now, MINUTE);
        let reset_of = |w: &Window| self.origin_unix + (w.oldest().unwrap_or(now) + HOUR) as i64;
        if windows.hour.total >= self.per_hour {
            return Verdict::Limited {
                headers: RateHeaders {
                    limit: self.per_hour,
                    remaining: 0,
                    reset: reset_of(&windows.hour),
                },
                retry_after: None,
            };
        }
        if windows.minute.total >= self.per_minute {
            let retry = windows.minute.oldest().unwrap_or(now) + MINUTE;
            return Verdict::Limited {
                headers: RateHeaders {
                    limit: self.per_hour,
                    remaining: 0,
                    reset: reset_of(&windows.hour),
                },
                retry_after: Some(retry.saturating_sub(now).max(1)),
            };
        }
        windows.hour.record(now);
        windows.minute.record(now);
        Verdict::Allowed(RateHeaders {
            limit: self.per_hour,
            remaining: self.per_hour - windows.hour.total,
            reset: reset_of(&windows.hour),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peeking_reports_the_real_state_without_counting() {
        let limiter = RateLimiter::new(250, 5000);
        let key: Arc<str> = Arc::from("token");
        assert_eq!(limiter.peek(&key).remaining, 5000);
        for _ in 0..3 {
            limiter.check(&key);
        }
        let peeked = limiter.peek(&key);
        assert_eq!(peeked.remaining, 4997);
        assert_eq!(limiter.peek(&key), peeked);
        match limiter.check(&key) {
            Verdict::Allowed(headers) => {
                assert_eq!(headers.remaining, 4996);
                assert_eq!(headers.reset, peeked.reset);
            }
            other => panic!("{other:?}"),
        }
    }
}
