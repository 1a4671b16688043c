//! The rate-limit headers the API sends with every answer.

use http::{HeaderMap, HeaderName};
use jiff::Timestamp;

// Names made once: looking a header up by `&str` parses and validates the name on every call.
const LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
const REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
const RESET: HeaderName = HeaderName::from_static("ratelimit-reset");

/// A snapshot of the rate-limit headers of one response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateLimit {
    /// Requests allowed per hour (`ratelimit-limit`).
    pub limit: u64,
    /// Requests left before answers turn into 429 (`ratelimit-remaining`).
    pub remaining: u64,
    /// Unix time, in seconds, when the oldest counted request expires (`ratelimit-reset`).
    pub reset: u64,
}

impl RateLimit {
    /// Reads the three headers; `None` when any of them is missing or not a number.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        Some(Self {
            limit: header_number(headers, &LIMIT)?,
            remaining: header_number(headers, &REMAINING)?,
            reset: header_number(headers, &RESET)?,
        })
    }

    /// The reset time as a timestamp; `None` if it is out of the representable range.
    pub fn reset_at(&self) -> Option<Timestamp> {
        i64::try_from(self.reset)
            .ok()
            .and_then(|secs| Timestamp::from_second(secs).ok())
    }

    /// Whether the quota is used up.
    pub fn is_exhausted(&self) -> bool {
        self.remaining == 0
    }
}

fn header_number(headers: &HeaderMap, name: &HeaderName) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn parses_all_three_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("ratelimit-limit", HeaderValue::from_static("5000"));
        headers.insert("ratelimit-remaining", HeaderValue::from_static("4816"));
        headers.insert("ratelimit-reset", HeaderValue::from_static("1444931833"));
        let snapshot = RateLimit::from_headers(&headers).expect("all headers present");
        assert_eq!(
            snapshot,
            RateLimit {
                limit: 5000,
                remaining: 4816,
                reset: 1_444_931_833
            }
        );
        assert_eq!(
            snapshot.reset_at().map(|t| t.as_second()),
            Some(1_444_931_833)
        );
        assert!(!snapshot.is_exhausted());
    }

    #[test]
    fn missing_or_garbled_header_gives_none() {
        let mut headers = HeaderMap::new();
        headers.insert("ratelimit-limit", HeaderValue::from_static("5000"));
        headers.insert("ratelimit-remaining", HeaderValue::from_static("many"));
        headers.insert("ratelimit-reset", HeaderValue::from_static("1444931833"));
        assert_eq!(RateLimit::from_headers(&headers), None);
        headers.remove("ratelimit-remaining");
        assert_eq!(RateLimit::from_headers(&headers), None);
    }
}
