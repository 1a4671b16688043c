//! The rate-limit headers the API sends with every answer.

use http::{HeaderMap, HeaderValue};
use jiff::Timestamp;

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
        // One pass over the few headers an answer has, instead of hashing each name for three lookups.
        // The first value of a repeated header counts, as with `HeaderMap::get`.
        let (mut limit, mut remaining, mut reset) = (None, None, None);
        for (name, value) in headers {
            let slot = match name.as_str() {
                "ratelimit-limit" => &mut limit,
                "ratelimit-remaining" => &mut remaining,
                "ratelimit-reset" => &mut reset,
                _ => continue,
            };
            slot.get_or_insert(value);
        }
        Some(Self {
            limit: header_number(limit?)?,
            remaining: header_number(remaining?)?,
            reset: header_number(reset?)?,
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

fn header_number(value: &HeaderValue) -> Option<u64> {
    value.to_str().ok()?.trim().parse().ok()
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

    #[test]
    fn the_first_of_repeated_headers_counts_and_others_are_ignored() {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        headers.insert("ratelimit-reset", HeaderValue::from_static(" 1444931833 "));
        headers.append("ratelimit-limit", HeaderValue::from_static("5000"));
        headers.append("ratelimit-limit", HeaderValue::from_static("1"));
        headers.insert("x-ratelimit-remaining", HeaderValue::from_static("1"));
        headers.insert("ratelimit-remaining", HeaderValue::from_static("4816"));
        headers.insert("ratelimit-remaining-extra", HeaderValue::from_static("2"));
        assert_eq!(
            RateLimit::from_headers(&headers),
            Some(RateLimit {
                limit: 5000,
                remaining: 4816,
                reset: 1_444_931_833
            })
        );
    }
}
