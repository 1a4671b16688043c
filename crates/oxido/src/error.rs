//! The crate's error type: every way a call can fail, each with what is needed to report or handle it.

use std::fmt;
use std::time::Duration;

use http::Method;

use crate::models::Action;
use crate::raw::RawResponse;
use crate::text::one_line_clipped;
use crate::transport::RateLimit;

/// Everything that can go wrong when calling the API.
///
/// Use the query methods ([`Error::is_not_found`], [`Error::status`], [`Error::api_error`], ...) rather than
/// matching on variants when possible; new variants may be added.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with a non-success status.
    #[error("{0}")]
    Api(Box<ApiError>),

    /// The request could not be sent or its response could not be read (refused, reset, DNS, TLS...).
    #[error("{method} {path}: {kind} after {attempts} attempt(s): {detail}")]
    Transport {
        /// The HTTP method of the failed request.
        method: Method,
        /// The request path, with its query string.
        path: String,
        /// What kind of failure it was.
        kind: TransportErrorKind,
        /// How many attempts were made.
        attempts: u32,
        /// The underlying cause, as one line.
        detail: String,
        /// The underlying error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// A time limit ran out before a response arrived.
    #[error("{method} {path}: {limit} timeout of {}ms ran out after {attempts} attempt(s)", .after.as_millis())]
    Timeout {
        /// The HTTP method of the request.
        method: Method,
        /// The request path, with its query string.
        path: String,
        /// Which limit ran out.
        limit: TimeoutKind,
        /// The configured limit.
        after: Duration,
        /// How many attempts were made.
        attempts: u32,
    },

    /// A success response did not have the expected shape.
    ///
    /// The answer itself is kept ([`Error::response`]): the request may well have done what it asked (a
    /// Droplet created), so its status, request id and body stay available instead of prompting a retry.
    #[error("decoding the response of {operation} failed at `{path}`: {message}{}", decode_context(.response.as_deref()))]
    Decode {
        /// The operation whose response failed to decode, for example `droplet_actions.get`.
        operation: &'static str,
        /// The JSON path that failed, for example `action.status` (`.` for the root).
        path: String,
        /// What was wrong there.
        message: String,
        /// The answer that failed to decode, when it came from the API (not for a value decoded locally).
        response: Option<Box<RawResponse>>,
    },

    /// A response body was larger than the client's limit
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)); reading stopped there,
    /// so a misbehaving server cannot exhaust the process's memory.
    #[error(
        "{method} {path}: the response body exceeds the limit of {limit} bytes (status {status})"
    )]
    ResponseTooLarge {
        /// The HTTP method of the request.
        method: Method,
        /// The request path, with its query string.
        path: String,
        /// The HTTP status of the oversized response.
        status: u16,
        /// The configured limit in bytes.
        limit: usize,
    },

    /// An argument was refused before anything was sent.
    #[error("invalid argument `{argument}`: {reason}")]
    InvalidArgument {
        /// The name of the argument.
        argument: &'static str,
        /// Why it was refused.
        reason: String,
    },

    /// A waited-for action finished in the `errored` state.
    #[error("action {} ({}) errored", .action.id, .action.kind)]
    ActionErrored {
        /// The action as last seen.
        action: Box<Action>,
    },

    /// A waited-for action did not finish in time.
    #[error("{}", wait_timeout_line(*.after, .last.as_deref()))]
    WaitTimeout {
        /// The configured time limit.
        after: Duration,
        /// The last state of the action that was seen, if any poll succeeded.
        last: Option<Box<Action>>,
    },

    /// A waited-for resource reached a state from which it will never be done.
    #[error("{operation}: the resource reached the state `{state}` instead of finishing")]
    WaitFailed {
        /// The operation that was polled.
        operation: &'static str,
        /// The failed state, as the API names it.
        state: String,
    },

    /// A waited-for resource did not reach the state waited for in time.
    #[error("{operation}: not done after waiting {}s{}", .after.as_secs_f64(), if *.polled { "" } else { " (no poll answered)" })]
    WaitForTimeout {
        /// The operation that was polled.
        operation: &'static str,
        /// The configured time limit.
        after: Duration,
        /// Whether any poll answered before the limit.
        polled: bool,
    },

    /// A list response pointed at a next page that was already fetched; following it would loop forever.
    #[error(
        "{operation}: the server repeated the next-page link `{link}`; stopping instead of looping"
    )]
    PaginationLoop {
        /// The list operation.
        operation: &'static str,
        /// The repeated link, as path and query.
        link: String,
    },

    /// A list stream stopped following next-page links because they would never end: an empty page that
    /// still links further, more pages than the reported total allows, or the hard ceiling on pages.
    #[error("{operation}: stopped before the next-page link `{link}`: {reason}")]
    PaginationStopped {
        /// The list operation.
        operation: &'static str,
        /// The link not followed, as path and query.
        link: String,
        /// Why.
        reason: String,
    },

    /// The client could not be configured (missing token, bad base URL, ...).
    #[error("configuration error: {reason}")]
    Config {
        /// What is wrong.
        reason: String,
    },
}

/// The status and request id of an answer that failed to decode, for the one-line message.
fn decode_context(response: Option<&RawResponse>) -> String {
    match response {
        Some(raw) => match raw.request_id() {
            Some(id) => format!(
                " (status {}, request {})",
                raw.status,
                one_line_clipped(id, 100)
            ),
            None => format!(" (status {})", raw.status),
        },
        None => String::new(),
    }
}

fn wait_timeout_line(after: Duration, last: Option<&Action>) -> String {
    match last {
        Some(action) => format!(
            "action {} ({}) still {} after waiting {}s",
            action.id,
            action.kind,
            action.status,
            after.as_secs_f64()
        ),
        None => format!("no answer about the action within {}s", after.as_secs_f64()),
    }
}

impl Error {
    pub(crate) fn invalid_argument(argument: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidArgument {
            argument,
            reason: reason.into(),
        }
    }

    pub(crate) fn config(reason: impl Into<String>) -> Self {
        Self::Config {
            reason: reason.into(),
        }
    }

    /// Attaches the answer a decode error came from; other errors are returned unchanged. Only called on the
    /// failure path, so a good answer costs nothing.
    pub(crate) fn with_response(mut self, raw: RawResponse) -> Self {
        if let Self::Decode { response, .. } = &mut self {
            *response = Some(Box::new(raw));
        }
        self
    }

    /// A decode error without an answer attached yet.
    pub(crate) fn decode(
        operation: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::Decode {
            operation,
            path: path.into(),
            message: message.into(),
            response: None,
        }
    }

    /// The success answer that could not be decoded ([`Error::Decode`]): status, headers (with the request
    /// id) and the body byte for byte.
    pub fn response(&self) -> Option<&RawResponse> {
        match self {
            Self::Decode { response, .. } => response.as_deref(),
            _ => None,
        }
    }

    /// The request id of the answer, for an API error or an answer that could not be decoded.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api(api) => api.request_id.as_deref(),
            Self::Decode { response, .. } => response.as_deref().and_then(RawResponse::request_id),
            _ => None,
        }
    }

    /// The API error, when the API answered with a non-success status.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The HTTP status of the API's non-success answer. (The success status of an answer that could not be
    /// decoded is in [`Error::response`].)
    pub fn status(&self) -> Option<u16> {
        self.api_error().map(|api| api.status)
    }

    /// The action carried by [`Error::ActionErrored`] or [`Error::WaitTimeout`].
    pub fn action(&self) -> Option<&Action> {
        match self {
            Self::ActionErrored { action } => Some(action),
            Self::WaitTimeout { last, .. } => last.as_deref(),
            _ => None,
        }
    }

    /// 404: the resource does not exist (or is not visible to this token).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// 401: the token is missing, wrong or revoked.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(401)
    }

    /// 403: the token lacks a needed scope.
    pub fn is_forbidden(&self) -> bool {
        self.status() == Some(403)
    }

    /// 429: the rate limit was exceeded and retrying did not help in time.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(429)
    }

    /// A 5xx answer.
    pub fn is_server_error(&self) -> bool {
        self.status()
            .is_some_and(|status| (500..600).contains(&status))
    }

    /// A request or wait time limit ran out.
    pub fn is_timeout(&self) -> bool {
        matches!(
            self,
            Self::Timeout { .. } | Self::WaitTimeout { .. } | Self::WaitForTimeout { .. }
        )
    }

    /// The request never got an HTTP answer (refused, reset, DNS, TLS...).
    pub fn is_transport(&self) -> bool {
        matches!(self, Self::Transport { .. })
    }

    /// The argument was refused before sending.
    pub fn is_invalid_argument(&self) -> bool {
        matches!(self, Self::InvalidArgument { .. })
    }
}

impl From<ApiError> for Error {
    fn from(api: ApiError) -> Self {
        Self::Api(Box::new(api))
    }
}

/// A non-success answer from the API, with everything needed to report it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status, for example 404.
    pub status: u16,
    /// The error id from the body, for example `not_found`; derived from the status when the body had none.
    pub id: String,
    /// The message from the body, or a short excerpt of a body that was not JSON.
    pub message: String,
    /// The request id, from the body or else the `x-request-id` header.
    pub request_id: Option<String>,
    /// The rate-limit headers of this answer.
    pub rate_limit: Option<RateLimit>,
    /// The wait the server asked for in `Retry-After`, if any.
    pub retry_after: Option<Duration>,
    /// How many attempts were made, retries included.
    pub attempts: u32,
    /// The HTTP method of the request.
    pub method: Method,
    /// The request path, with its query string.
    pub path: String,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {} {}: {}",
            self.method, self.path, self.status, self.id, self.message
        )?;
        if let Some(request_id) = &self.request_id {
            write!(f, " (request {request_id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The kind of a transport failure, which decides whether a request may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made, so the request was certainly not processed.
    Connect,
    /// The connection broke after the request may have been sent.
    Connection,
    /// The response body could not be read.
    Body,
    /// Any other failure.
    Other,
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "could not connect",
            Self::Connection => "connection failed",
            Self::Body => "could not read the response",
            Self::Other => "request failed",
        })
    }
}

/// Which time limit ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Establishing the connection.
    Connect,
    /// One attempt, from sending to the end of the response body.
    Attempt,
    /// The whole call, across retries.
    Overall,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connect",
            Self::Attempt => "per-attempt",
            Self::Overall => "overall",
        })
    }
}
