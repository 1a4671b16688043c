//! Sending one [`ApiRequest`]: attempts, retries, time limits, rate-limit snapshots and tracing.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::HeaderMap;
use tokio::time::Instant;
use tracing::Instrument;
use tracing::field::Empty;

use super::error_body::{self, ErrorContext, api_error};
use super::rate_limit::RateLimit;
use super::request::ApiRequest;
use super::retry::{Failure, may_retry};
use super::retry_after::parse_retry_after;
use crate::client::ClientInner;
use crate::error::{Error, TimeoutKind, TransportErrorKind};

/// A success answer, body still undecoded.
#[derive(Debug)]
pub(crate) struct RawResponse {
    /// The body.
    pub(crate) body: Bytes,
}

/// What one attempt produced.
enum AttemptOutcome {
    Answer {
        status: u16,
        headers: HeaderMap,
        body: Bytes,
    },
    Failed(reqwest::Error),
    TimedOut,
}

/// Sends `request`, retrying as the client's policy allows, and returns the first success answer.
///
/// Every call gets one `request` span on target `oxido`; every attempt emits one DEBUG event with the method,
/// path, status, attempt number, request id and elapsed milliseconds. The token is never recorded.
pub(crate) async fn execute(
    inner: &ClientInner,
    request: &ApiRequest,
) -> Result<RawResponse, Error> {
    let path = request.path_and_query();
    let span = tracing::debug_span!(
        target: "oxido",
        "request",
        operation = request.operation,
        method = %request.method,
        path = %path,
        status = Empty,
        attempts = Empty,
        request_id = Empty,
        elapsed_ms = Empty,
    );
    let started = Instant::now();
    let result = send_with_retries(inner, request, &path, started)
        .instrument(span.clone())
        .await;
    span.record("elapsed_ms", elapsed_ms(started));
    result
}

async fn send_with_retries(
    inner: &ClientInner,
    request: &ApiRequest,
    path: &str,
    started: Instant,
) -> Result<RawResponse, Error> {
    let span = tracing::Span::current();
    let timeouts = inner.timeouts;
    let policy = &inner.retry;
    let deadline = started + timeouts.overall;
    let url = request.url(&inner.base_url);
    let mut attempt: u32 = 0;
    loop {
        attempt += 1;
        span.record("attempts", attempt);
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(timeout_error(
                request,
                path,
                TimeoutKind::Overall,
                timeouts.overall,
                attempt - 1,
            ));
        }
        // Whichever limit is nearer decides how this attempt may end, and is the one reported.
        let (limit_kind, limit) = if timeouts.attempt <= remaining {
            (TimeoutKind::Attempt, timeouts.attempt)
        } else {
            (TimeoutKind::Overall, timeouts.overall)
        };
        let attempt_started = Instant::now();
        let outcome = match tokio::time::timeout(
            limit.min(remaining),
            send_once(inner, request, url.clone()),
        )
        .await
        {
            Ok(Ok((status, headers, body))) => AttemptOutcome::Answer {
                status,
                headers,
                body,
            },
            Ok(Err(err)) => AttemptOutcome::Failed(err),
            Err(_) => AttemptOutcome::TimedOut,
        };
        let attempt_ms = elapsed_ms(attempt_started);
        let retries_left = attempt <= policy.max_retries();

        match outcome {
            AttemptOutcome::Answer {
                status,
                headers,
                body,
            } => {
                let rate_limit = RateLimit::from_headers(&headers);
                if let Some(snapshot) = rate_limit {
                    inner.record_rate_limit(snapshot);
                }
                let success = (200..300).contains(&status);
                let request_id =
                    error_body::request_id(&headers, if success { &[] } else { &body });
                tracing::debug!(
                    target: "oxido",
                    method = %request.method,
                    path = %path,
                    status,
                    attempt,
                    request_id = request_id.as_deref(),
                    elapsed_ms = attempt_ms,
                    "http response"
                );
                span.record("status", status);
                if let Some(id) = request_id.as_deref() {
                    span.record("request_id", id);
                }
                if success {
                    return Ok(RawResponse { body });
                }
                let retry_after = parse_retry_after(&headers, SystemTime::now());
                if retries_left && may_retry(&request.method, Failure::Status(status)) {
                    let delay = policy.delay_after_status(
                        status,
                        retry_after,
                        rate_limit,
                        unix_now(),
                        attempt,
                    );
                    if let Some(delay) = delay.filter(|delay| fits_before(*delay, deadline)) {
                        log_retry(request, path, attempt, delay, &format!("status {status}"));
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                }
                let context = ErrorContext {
                    status,
                    headers: &headers,
                    body: &body,
                    rate_limit,
                    retry_after,
                    attempts: attempt,
                };
                return Err(api_error(request, context).into());
            }
            AttemptOutcome::Failed(err) => {
                let (kind, failure) = classify(&err);
                let detail = error_chain(&err);
                tracing::debug!(
                    target: "oxido",
                    method = %request.method,
                    path = %path,
                    attempt,
                    elapsed_ms = attempt_ms,
                    error = %detail,
                    "http transport error"
                );
                if retries_left && may_retry(&request.method, failure) {
                    let delay = policy.backoff(attempt);
                    if fits_before(delay, deadline) {
                        log_retry(request, path, attempt, delay, &kind.to_string());
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                }
                if err.is_timeout() && err.is_connect() {
                    return Err(timeout_error(
                        request,
                        path,
                        TimeoutKind::Connect,
                        timeouts.connect,
                        attempt,
                    ));
                }
                return Err(Error::Transport {
                    method: request.method.clone(),
                    path: path.to_owned(),
                    kind,
                    attempts: attempt,
                    detail,
                    source: Box::new(err),
                });
            }
            AttemptOutcome::TimedOut => {
                tracing::debug!(
                    target: "oxido",
                    method = %request.method,
                    path = %path,
                    attempt,
                    elapsed_ms = attempt_ms,
                    error = %format_args!("{limit_kind} timeout"),
                    "http timeout"
                );
                if limit_kind == TimeoutKind::Attempt
                    && retries_left
                    && may_retry(&request.method, Failure::AttemptTimeout)
                {
                    let delay = policy.backoff(attempt);
                    if fits_before(delay, deadline) {
                        log_retry(request, path, attempt, delay, "attempt timeout");
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                }
                return Err(timeout_error(request, path, limit_kind, limit, attempt));
            }
        }
    }
}

/// One attempt: send and read the whole body, so the attempt limit covers a slow body too.
async fn send_once(
    inner: &ClientInner,
    request: &ApiRequest,
    url: url::Url,
) -> Result<(u16, HeaderMap, Bytes), reqwest::Error> {
    let mut builder = inner
        .http
        .request(request.method.clone(), url)
        .header(http::header::AUTHORIZATION, inner.authorization.clone())
        .header(http::header::ACCEPT, "application/json");
    if let Some(body) = &request.body {
        builder = builder
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(body.clone());
    }
    let response = builder.send().await?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    Ok((status, headers, body))
}

/// Whether the request can have reached the server decides retrying: a failed connect cannot have.
fn classify(err: &reqwest::Error) -> (TransportErrorKind, Failure) {
    if err.is_connect() {
        (TransportErrorKind::Connect, Failure::Connect)
    } else if err.is_body() || err.is_decode() {
        (TransportErrorKind::Body, Failure::Dropped)
    } else if err.is_request() {
        (TransportErrorKind::Connection, Failure::Dropped)
    } else {
        (TransportErrorKind::Other, Failure::Dropped)
    }
}

/// The error and all its causes on one line; reqwest's own message alone hides the interesting part.
fn error_chain(err: &reqwest::Error) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ").replace(['\n', '\r'], " ")
}

fn timeout_error(
    request: &ApiRequest,
    path: &str,
    limit: TimeoutKind,
    after: Duration,
    attempts: u32,
) -> Error {
    Error::Timeout {
        method: request.method.clone(),
        path: path.to_owned(),
        limit,
        after,
        attempts,
    }
}

fn log_retry(request: &ApiRequest, path: &str, attempt: u32, delay: Duration, reason: &str) {
    tracing::debug!(
        target: "oxido",
        method = %request.method,
        path = %path,
        attempt,
        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
        reason,
        "retrying"
    );
}

fn fits_before(delay: Duration, deadline: Instant) -> bool {
    Instant::now() + delay < deadline
}

fn elapsed_ms(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|since| since.as_secs())
        .unwrap_or(0)
}
