//! The `Retry-After` header: either a number of seconds or an HTTP date.

use std::time::{Duration, SystemTime};

use http::HeaderMap;

/// How long the server asked us to wait, measured from `now`. A date in the past means "now"; a number of
/// seconds too large for a `u64` is [`Duration::MAX`], which no wait cap accepts.
pub(crate) fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return Some(
            text.parse::<u64>()
                .map_or(Duration::MAX, Duration::from_secs),
        );
    }
    let when = httpdate::parse_http_date(text).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers_with(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::RETRY_AFTER, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn seconds() {
        assert_eq!(
            parse_retry_after(&headers_with("7"), SystemTime::now()),
            Some(Duration::from_secs(7))
        );
    }

    #[test]
    fn http_date_in_the_future() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").expect("valid date");
        let parsed = parse_retry_after(&headers_with("Sun, 06 Nov 1994 08:49:57 GMT"), now);
        assert_eq!(parsed, Some(Duration::from_secs(20)));
    }

    #[test]
    fn http_date_in_the_past_means_now() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").expect("valid date");
        let parsed = parse_retry_after(&headers_with("Sun, 06 Nov 1994 08:40:00 GMT"), now);
        assert_eq!(parsed, Some(Duration::ZERO));
    }

    #[test]
    fn a_number_too_big_for_u64_is_the_longest_wait() {
        assert_eq!(
            parse_retry_after(&headers_with("99999999999999999999999"), SystemTime::now()),
            Some(Duration::MAX)
        );
        assert_eq!(
            parse_retry_after(&headers_with("18446744073709551615"), SystemTime::now()),
            Some(Duration::from_secs(u64::MAX))
        );
    }

    #[test]
    fn garbage_is_ignored() {
        assert_eq!(
            parse_retry_after(&headers_with("soon"), SystemTime::now()),
            None
        );
        assert_eq!(
            parse_retry_after(&HeaderMap::new(), SystemTime::now()),
            None
        );
    }
}
