//! Sending one [`ApiRequest`]: attempts, retries, time limits, rate-limit snapshots and tracing.
//!
//! The loop sends one attempt, turns its outcome into a [`Step`] (finish, or retry after a pause), and repeats
//! until a step finishes. Each `on_*` function decides one kind of outcome.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, HeaderValue};
use tokio::time::Instant;
use tracing::Instrument;
use tracing::field::Empty;

use super::error_body::{self, ErrorBody, ErrorContext, api_error};
use super::rate_limit::RateLimit;
use super::request::{ApiRequest, Host};
use super::retry::{Failure, may_retry};
use super::retry_after::parse_retry_after;
use crate::client::ClientInner;
use crate::error::{Error, TimeoutKind, TransportErrorKind};

pub(crate) use crate::response::RawResponse;

/// A success answer whose body has not been read yet: a stream of server-sent events, for example.
#[derive(Debug)]
pub(crate) struct StreamingResponse {
    /// The HTTP status.
    pub(crate) status: u16,
    /// The response headers.
    pub(crate) headers: HeaderMap,
    /// The open response, body unread.
    pub(crate) body: reqwest::Response,
}

/// The body of an answer: read whole, or left open for streaming.
enum Payload {
    Full(Bytes),
    Open(reqwest::Response),
}

/// A success answer of either kind.
struct Answer {
    status: u16,
    headers: HeaderMap,
    payload: Payload,
}

/// What to do after an attempt.
enum Step {
    Finish(Result<Answer, Error>),
    Retry { delay: Duration, reason: String },
}

/// The facts about the current attempt that every decision needs.
struct Attempt<'a> {
    inner: &'a ClientInner,
    request: &'a ApiRequest,
    number: u32,
    /// `None` when the overall limit is too far away to be represented: no deadline at all.
    deadline: Option<Instant>,
    elapsed_ms: u64,
}

impl Attempt<'_> {
    fn retries_left(&self) -> bool {
        self.number <= self.inner.retry.max_retries()
    }

    /// Retry after `delay` if the method allows it for `failure`, retries are left and the pause ends before the
    /// overall deadline; otherwise finish with `error`.
    fn retry_or(
        &self,
        failure: Failure,
        delay: Option<Duration>,
        reason: String,
        error: impl FnOnce() -> Error,
    ) -> Step {
        let allowed = self.retries_left() && may_retry(&self.request.method, failure);
        match delay.filter(|delay| allowed && ends_before(*delay, self.deadline)) {
            Some(delay) => Step::Retry { delay, reason },
            None => Step::Finish(Err(error())),
        }
    }

    fn timeout_error(&self, limit: TimeoutKind, after: Duration) -> Error {
        timeout_error(self.request, limit, after, self.number)
    }
}

/// Whether a pause of `delay` starting now ends before `deadline`; a pause too long to represent never does,
/// unless there is no deadline.
fn ends_before(delay: Duration, deadline: Option<Instant>) -> bool {
    match (Instant::now().checked_add(delay), deadline) {
        (Some(wake), Some(deadline)) => wake < deadline,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// Sends `request`, retrying as the client's policy allows, and returns the first success answer.
///
/// Every call gets one `request` span on target `oxido`; every attempt emits one DEBUG event with the method,
/// path, status, attempt number, request id and elapsed milliseconds. The token is never recorded.
pub(crate) async fn execute(
    inner: &ClientInner,
    request: &ApiRequest,
) -> Result<RawResponse, Error> {
    let answer = execute_answer(inner, request, false).await?;
    let body = match answer.payload {
        Payload::Full(body) => body,
        // Only streaming calls leave a body open; this one asked for it whole.
        Payload::Open(_) => {
            return Err(Error::config(
                "internal: a buffered request produced a streaming answer",
            ));
        }
    };
    Ok(RawResponse {
        status: answer.status,
        headers: answer.headers,
        body,
    })
}

/// Like [`execute`], but a success answer is returned as soon as its headers arrive, body unread, so it can be
/// consumed as a stream. Retries happen only before that point; error answers are read and reported as usual.
pub(crate) async fn execute_streaming(
    inner: &ClientInner,
    request: &ApiRequest,
) -> Result<StreamingResponse, Error> {
    let answer = execute_answer(inner, request, true).await?;
    match answer.payload {
        Payload::Open(body) => Ok(StreamingResponse {
            status: answer.status,
            headers: answer.headers,
            body,
        }),
        Payload::Full(_) => Err(Error::config(
            "internal: a streaming request produced a buffered answer",
        )),
    }
}

async fn execute_answer(
    inner: &ClientInner,
    request: &ApiRequest,
    streaming: bool,
) -> Result<Answer, Error> {
    // The path is only formatted when a subscriber records it (or for an error), not on every call.
    let span = tracing::debug_span!(
        target: "oxido",
        "request",
        operation = request.operation,
        method = %request.method,
        path = %ShownPath(request),
        status = Empty,
        attempts = Empty,
        request_id = Empty,
        elapsed_ms = Empty,
    );
    let started = Instant::now();
    // With no subscriber for the span, entering and leaving it on every poll is wasted work.
    if span.is_disabled() {
        return send_with_retries(inner, request, &span, started, streaming).await;
    }
    let result = send_with_retries(inner, request, &span, started, streaming)
        .instrument(span.clone())
        .await;
    span.record("elapsed_ms", elapsed_ms(started));
    result
}

/// The base URL of `host`, when it has one (a presigned URL has none; an agent URL may not be set).
pub(crate) fn host_base(inner: &ClientInner, host: Host) -> Option<&url::Url> {
    match host {
        Host::Api => Some(&inner.base_url),
        Host::Inference => Some(&inner.inference_base_url),
        Host::Agent => inner.agent_base_url.as_ref(),
        Host::Absolute => None,
    }
}

/// The URL and the `Authorization` header (none for a presigned URL) of `request`.
fn target<'a>(
    inner: &'a ClientInner,
    request: &ApiRequest,
) -> Result<(url::Url, Option<&'a HeaderValue>), Error> {
    match request.host {
        Host::Api => Ok((
            request.url_below(&inner.base_url)?,
            Some(&inner.authorization),
        )),
        Host::Inference => Ok((
            request.url_below(&inner.inference_base_url)?,
            Some(&inner.inference_authorization),
        )),
        Host::Agent => {
            let base = inner.agent_base_url.as_ref().ok_or_else(|| {
                Error::config(format!(
                    "agent_base_url: {} talks to an agent; set the agent's URL on the client builder",
                    request.operation
                ))
            })?;
            let key = inner.agent_authorization.as_ref().ok_or_else(|| {
                Error::config(format!(
                    "agent_access_key: {} needs the agent's access key; set it on the client builder",
                    request.operation
                ))
            })?;
            Ok((request.url_below(base)?, Some(key)))
        }
        Host::Absolute => Ok((request.absolute_url()?, None)),
    }
}

async fn send_with_retries(
    inner: &ClientInner,
    request: &ApiRequest,
    span: &tracing::Span,
    started: Instant,
    streaming: bool,
) -> Result<Answer, Error> {
    let mut timeouts = inner.timeouts;
    if let Some(overall) = request.timeout {
        timeouts.overall = overall;
    }
    let deadline = started.checked_add(timeouts.overall);
    let (url, authorization) = target(inner, request)?;
    // The first attempt takes the URL; only a retry (rare) builds it again, so no attempt copies it.
    let mut url = Some(url);
    let mut number: u32 = 0;
    loop {
        number = number.saturating_add(1);
        span.record("attempts", number);
        let remaining = deadline.map_or(Duration::MAX, |deadline| {
            deadline.saturating_duration_since(Instant::now())
        });
        if remaining.is_zero() {
            return Err(timeout_error(
                request,
                TimeoutKind::Overall,
                timeouts.overall,
                number - 1,
            ));
        }
        // Whichever limit is nearer decides how this attempt may end, and is the one reported.
        let (limit_kind, limit) = if timeouts.attempt <= remaining {
            (TimeoutKind::Attempt, timeouts.attempt)
        } else {
            (TimeoutKind::Overall, timeouts.overall)
        };
        let attempt_started = Instant::now();
        let url = match url.take() {
            Some(url) => url,
            None => target(inner, request)?.0,
        };
        let send = send_once(inner, request, url, authorization, streaming, number);
        let outcome = tokio::time::timeout(limit.min(remaining), send).await;
        if !inner.interceptors.is_empty() {
            let (status, headers) = match &outcome {
                Ok(Ok((status, headers, _))) => (Some(*status), Some(headers)),
                Ok(Err(SendFailure::TooLarge { status })) => (Some(*status), None),
                _ => (None, None),
            };
            inner
                .interceptors
                .after_attempt(&crate::hooks::AttemptInfo {
                    operation: request.operation,
                    method: &request.method,
                    attempt: number,
                    elapsed: attempt_started.elapsed(),
                    status,
                    headers,
                });
        }
        let attempt = Attempt {
            inner,
            request,
            number,
            deadline,
            elapsed_ms: elapsed_ms(attempt_started),
        };
        let step = match outcome {
            Ok(Ok((status, headers, payload))) => {
                on_answer(&attempt, span, status, headers, payload)
            }
            Ok(Err(SendFailure::Http(err))) => on_transport_error(&attempt, err),
            Ok(Err(SendFailure::TooLarge { status })) => on_too_large(&attempt, status),
            Ok(Err(SendFailure::Interceptor(message))) => Step::Finish(Err(Error::config(message))),
            Err(_) => on_timeout(&attempt, limit_kind, limit),
        };
        match step {
            Step::Finish(result) => return result,
            Step::Retry { delay, reason } => {
                tracing::debug!(
                    target: "oxido",
                    method = %request.method,
                    path = %ShownPath(request),
                    attempt = number,
                    delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                    reason = %reason,
                    "retrying"
                );
                tokio::time::sleep(delay).await;
            }
        }
    }
}

/// Why an attempt produced no complete answer.
enum SendFailure {
    Http(reqwest::Error),
    /// The body would exceed the client's limit; nothing past the limit was buffered.
    TooLarge {
        status: u16,
    },
    /// An interceptor panicked before sending; nothing was sent.
    Interceptor(String),
}

impl From<reqwest::Error> for SendFailure {
    fn from(err: reqwest::Error) -> Self {
        Self::Http(err)
    }
}

/// One attempt: send and read the whole body, so the attempt limit covers a slow body too. When `streaming`,
/// a success answer's body is left unread.
async fn send_once(
    inner: &ClientInner,
    request: &ApiRequest,
    url: url::Url,
    authorization: Option<&HeaderValue>,
    streaming: bool,
    attempt: u32,
) -> Result<(u16, HeaderMap, Payload), SendFailure> {
    let mut builder = inner.http.request(request.method.clone(), url).header(
        http::header::ACCEPT,
        HeaderValue::from_static(request.accept),
    );
    for (name, value) in &request.headers {
        if name != http::header::AUTHORIZATION {
            builder = builder.header(name.clone(), value.clone());
        }
    }
    if let Some(body) = &request.body {
        builder = builder
            .header(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static(body.content_type),
            )
            .body(body.bytes.clone());
    }
    let mut outgoing = builder.build()?;
    if !inner.interceptors.is_empty() {
        inner
            .interceptors
            .before_sending(request.operation, attempt, &mut outgoing)
            .map_err(SendFailure::Interceptor)?;
    }
    // Added after the interceptors ran, so none of them sees (or replaces) the credential.
    if let Some(authorization) = authorization {
        outgoing
            .headers_mut()
            .insert(http::header::AUTHORIZATION, authorization.clone());
    }
    trace_request(request, &outgoing);
    let mut response = inner.http.execute(outgoing).await?;
    let status = response.status().as_u16();
    if tracing::event_enabled!(target: "oxido", tracing::Level::TRACE) {
        tracing::trace!(
            target: "oxido",
            method = %request.method,
            path = %ShownPath(request),
            status,
            headers = %ShownHeaders(response.headers()),
            "http response headers"
        );
    }
    // Taken, not cloned: the body is read through the response, which no longer needs its headers.
    let headers = std::mem::take(response.headers_mut());
    if streaming && response.status().is_success() {
        return Ok((status, headers, Payload::Open(response)));
    }
    let limit = inner.max_response_bytes;
    let declared = response.content_length().unwrap_or(0);
    if declared > limit as u64 {
        return Err(SendFailure::TooLarge { status });
    }
    // The declared length is only a hint (it can lie); the limit is enforced on what actually arrives.
    // A body that arrives as one chunk (most answers) is kept as it came, without a copy.
    let mut first: Option<Bytes> = None;
    let mut joined: Option<BytesMut> = None;
    let mut received: usize = 0;
    while let Some(chunk) = response.chunk().await? {
        received = received.saturating_add(chunk.len());
        if received > limit {
            return Err(SendFailure::TooLarge { status });
        }
        match (&mut joined, first.take()) {
            (Some(joined), _) => joined.extend_from_slice(&chunk),
            (None, None) => first = Some(chunk),
            (None, Some(earlier)) => {
                let capacity = usize::try_from(declared).unwrap_or(0).max(received);
                let mut buffer = BytesMut::with_capacity(capacity);
                buffer.extend_from_slice(&earlier);
                buffer.extend_from_slice(&chunk);
                joined = Some(buffer);
            }
        }
    }
    let body = match joined {
        Some(joined) => joined.freeze(),
        None => first.unwrap_or_default(),
    };
    tracing::trace!(
        target: "oxido",
        method = %request.method,
        path = %ShownPath(request),
        status,
        body = %ShownBody(&body),
        "http response body"
    );
    Ok((status, headers, Payload::Full(body)))
}

/// TRACE events with the headers (credentials redacted) and the body of a request about to be sent.
fn trace_request(request: &ApiRequest, outgoing: &reqwest::Request) {
    if !tracing::event_enabled!(target: "oxido", tracing::Level::TRACE) {
        return;
    }
    tracing::trace!(
        target: "oxido",
        method = %request.method,
        path = %ShownPath(request),
        headers = %ShownHeaders(outgoing.headers()),
        "http request headers"
    );
    if let Some(body) = outgoing.body().and_then(reqwest::Body::as_bytes) {
        tracing::trace!(
            target: "oxido",
            method = %request.method,
            path = %ShownPath(request),
            body = %ShownBody(body),
            "http request body"
        );
    }
}

/// Headers whose values are credentials (the token, an agent key, cookies): shown as `[redacted]`.
const REDACTED_HEADERS: [http::HeaderName; 4] = [
    http::header::AUTHORIZATION,
    http::header::PROXY_AUTHORIZATION,
    http::header::COOKIE,
    http::header::SET_COOKIE,
];

/// Headers as `name: value` lines for traces, with credentials redacted and odd bytes escaped.
struct ShownHeaders<'a>(&'a HeaderMap);

impl std::fmt::Display for ShownHeaders<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (index, (name, value)) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            if REDACTED_HEADERS.contains(name) {
                write!(f, "{name}: [redacted]")?;
            } else {
                write!(f, "{name}: {}", value.as_bytes().escape_ascii())?;
            }
        }
        Ok(())
    }
}

/// Bodies longer than this are cut in traces.
const TRACED_BODY_BYTES: usize = 64 * 1024;

/// A body as text for traces: lossy UTF-8, cut after [`TRACED_BODY_BYTES`].
struct ShownBody<'a>(&'a [u8]);

impl std::fmt::Display for ShownBody<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = &self.0[..self.0.len().min(TRACED_BODY_BYTES)];
        f.write_str(&String::from_utf8_lossy(shown))?;
        if self.0.len() > shown.len() {
            write!(f, " ... ({} more bytes)", self.0.len() - shown.len())?;
        }
        Ok(())
    }
}

/// The server answered: record the rate limit, then succeed, retry, or build the API error.
fn on_answer(
    attempt: &Attempt<'_>,
    span: &tracing::Span,
    status: u16,
    headers: HeaderMap,
    payload: Payload,
) -> Step {
    let rate_limit = RateLimit::from_headers(&headers);
    if let Some(snapshot) = rate_limit {
        attempt.inner.record_rate_limit(snapshot);
    }
    let success = (200..300).contains(&status);
    let (body, open) = match payload {
        Payload::Full(body) => (body, None),
        Payload::Open(response) => (Bytes::new(), Some(response)),
    };
    // An error body is parsed once, here, for both the trace and the error.
    let parsed = (!success).then(|| ErrorBody::parse(&body));
    // Only traces show a success's request id; skip the lookup and copy when nobody listens.
    let traced =
        !span.is_disabled() || tracing::event_enabled!(target: "oxido", tracing::Level::DEBUG);
    let request_id = traced
        .then(|| error_body::request_id(&headers, parsed.as_ref()))
        .flatten();
    tracing::debug!(
        target: "oxido",
        method = %attempt.request.method,
        path = %ShownPath(attempt.request),
        status,
        attempt = attempt.number,
        request_id = request_id.as_deref(),
        elapsed_ms = attempt.elapsed_ms,
        "http response"
    );
    span.record("status", status);
    if let Some(id) = request_id.as_deref() {
        span.record("request_id", id);
    }
    if success {
        let payload = match open {
            Some(response) => Payload::Open(response),
            None => Payload::Full(body),
        };
        return Step::Finish(Ok(Answer {
            status,
            headers,
            payload,
        }));
    }

    let retry_after = parse_retry_after(&headers, SystemTime::now());
    let delay = attempt.inner.retry.delay_after_status(
        status,
        retry_after,
        rate_limit,
        unix_now(),
        attempt.number,
    );
    attempt.retry_or(
        Failure::Status(status),
        delay,
        format!("status {status}"),
        || {
            let context = ErrorContext {
                status,
                headers: &headers,
                body: &body,
                parsed: parsed.unwrap_or_default(),
                rate_limit,
                retry_after,
                attempts: attempt.number,
            };
            api_error(attempt.request, context).into()
        },
    )
}

/// No HTTP answer: retry when the method allows it for this kind of failure, else report it.
/// An oversized body is never retried: the same request would bring the same body.
fn on_too_large(attempt: &Attempt<'_>, status: u16) -> Step {
    let limit = attempt.inner.max_response_bytes;
    tracing::debug!(
        target: "oxido",
        method = %attempt.request.method,
        path = %ShownPath(attempt.request),
        status,
        attempt = attempt.number,
        elapsed_ms = attempt.elapsed_ms,
        limit,
        "http response too large"
    );
    Step::Finish(Err(Error::ResponseTooLarge {
        method: attempt.request.method.clone(),
        path: attempt.request.path_and_query(),
        status,
        limit,
    }))
}

fn on_transport_error(attempt: &Attempt<'_>, err: reqwest::Error) -> Step {
    let (kind, failure) = classify(&err);
    let detail = error_chain(&err);
    tracing::debug!(
        target: "oxido",
        method = %attempt.request.method,
        path = %ShownPath(attempt.request),
        attempt = attempt.number,
        elapsed_ms = attempt.elapsed_ms,
        error = %detail,
        "http transport error"
    );
    let delay = Some(attempt.inner.retry.backoff(attempt.number));
    attempt.retry_or(failure, delay, kind.to_string(), || {
        if err.is_timeout() && err.is_connect() {
            return attempt.timeout_error(TimeoutKind::Connect, attempt.inner.timeouts.connect);
        }
        Error::Transport {
            method: attempt.request.method.clone(),
            path: attempt.request.path_and_query(),
            kind,
            attempts: attempt.number,
            detail,
            source: Box::new(err),
        }
    })
}

/// The attempt ran out of time. Only a per-attempt limit may be retried; the overall one ends the call.
fn on_timeout(attempt: &Attempt<'_>, limit_kind: TimeoutKind, limit: Duration) -> Step {
    tracing::debug!(
        target: "oxido",
        method = %attempt.request.method,
        path = %ShownPath(attempt.request),
        attempt = attempt.number,
        elapsed_ms = attempt.elapsed_ms,
        error = %format_args!("{limit_kind} timeout of {}ms", limit.as_millis()),
        "http timeout"
    );
    let delay =
        (limit_kind == TimeoutKind::Attempt).then(|| attempt.inner.retry.backoff(attempt.number));
    attempt.retry_or(
        Failure::AttemptTimeout,
        delay,
        "attempt timeout".to_owned(),
        || attempt.timeout_error(limit_kind, limit),
    )
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
pub(super) fn error_chain(err: &reqwest::Error) -> String {
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
    limit: TimeoutKind,
    after: Duration,
    attempts: u32,
) -> Error {
    Error::Timeout {
        method: request.method.clone(),
        path: request.path_and_query(),
        limit,
        after,
        attempts,
    }
}

/// A request's path and query as errors show it ([`ApiRequest::path_and_query`]), built only when formatted.
struct ShownPath<'a>(&'a ApiRequest);

impl std::fmt::Display for ShownPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.path_and_query())
    }
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
