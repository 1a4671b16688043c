//! Exit statuses, the contract scripts rely on.
//!
//! | status | meaning                                                    |
//! |--------|------------------------------------------------------------|
//! | 0      | success                                                    |
//! | 1      | any other failure (network, configuration, bad response)   |
//! | 2      | usage error, or input the API rejected as invalid (400/422)|
//! | 3      | authentication or permission: no token, 401, 403           |
//! | 4      | not found (404)                                            |
//! | 5      | rate limited (429 after retries)                           |
//! | 6      | server error (5xx after retries)                           |
//! | 7      | an action ended `errored`                                  |
//! | 8      | timed out: a request, or `--wait`                          |
//!
//! clap exits with 2 on its own usage errors, which matches status 2 here. The same table is
//! printed by `oxido --help` (see `cli.rs`).

/// Why the process exits; its discriminant is the status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything worked.
    Success = 0,
    /// A failure with no more specific status.
    Failure = 1,
    /// Bad usage, or input the API refused as invalid.
    Usage = 2,
    /// No token, or the API refused it (401) or its scope (403).
    Auth = 3,
    /// The resource does not exist (404).
    NotFound = 4,
    /// Still rate limited after the retries (429).
    RateLimited = 5,
    /// Still a server error after the retries (5xx).
    ServerError = 6,
    /// An action ended `errored`.
    ActionErrored = 7,
    /// A request or `--wait` ran out of time.
    TimedOut = 8,
}

impl ExitStatus {
    /// The status for a final HTTP error status.
    pub fn for_http_status(status: u16) -> ExitStatus {
        match status {
            400 | 422 => ExitStatus::Usage,
            401 | 403 => ExitStatus::Auth,
            404 => ExitStatus::NotFound,
            429 => ExitStatus::RateLimited,
            500..=599 => ExitStatus::ServerError,
            _ => ExitStatus::Failure,
        }
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        std::process::ExitCode::from(status as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_statuses_map_to_the_documented_codes() {
        let cases = [
            (400, 2),
            (422, 2),
            (401, 3),
            (403, 3),
            (404, 4),
            (429, 5),
            (500, 6),
            (503, 6),
            (418, 1),
        ];
        for (http, code) in cases {
            assert_eq!(ExitStatus::for_http_status(http) as u8, code, "HTTP {http}");
        }
    }
}
