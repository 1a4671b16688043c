//! The HTTP side: the request pipeline every API call passes through, and the
//! listener that serves connections (and can cut one on purpose).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Version, header};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore, watch};
use tokio::task::JoinSet;
use tower::ServiceExt;

mod conn_io;
pub(crate) mod tls;

use self::conn_io::ApiShapedIo;
use crate::app::App;
use crate::auth::Principal;
use crate::engine::call::RequestCtx;
use crate::faults::FaultEffect;
use crate::rate_limit::{RateHeaders, Verdict};
use crate::wire::error::{ApiError, JSON_CONTENT_TYPE, PendingError};

pub(crate) use crate::limits::MAX_BODY_BYTES;
/// Largest request head (request line and headers) hyper accepts; past it hyper
/// itself answers 431. URIs are capped separately by hyper at 65,534 bytes (414).
pub(crate) const MAX_HEAD_BYTES: usize = 80 * 1024;
/// Most headers in a request: hyper's default, past which it answers 431 (left at
/// the default because setting it moves header parsing to the heap).
pub(crate) const MAX_HEADERS: usize = 100;
/// How long shutdown waits for in-flight requests before closing connections.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

/// Connection-level settings of the listener.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ServerConfig {
    /// Connections served at once; more wait in the kernel's accept backlog.
    pub max_connections: usize,
    /// How long a connection may wait for a request head (idle, or slowly sent).
    pub idle_timeout: Duration,
    /// How long a client may take to send a request's body.
    pub body_timeout: Duration,
}

/// Per-connection facts and controls handed to the pipeline: a switch that lets a
/// handler close its own connection without replying, and the body read timeout.
#[derive(Clone)]
pub(crate) struct ConnControl {
    kill: Arc<Notify>,
    body_timeout: Duration,
    /// The connection came over TLS, so absolute links say `https`.
    tls: bool,
}

/// Why a request body could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyFault {
    /// Larger than [`MAX_BODY_BYTES`] (declared or sent).
    TooLarge,
    /// Cut short or badly framed (shorter than its `Content-Length`, bad chunking).
    Malformed,
    /// Not finished within the body timeout.
    TimedOut,
}

/// Reads a request body: all of it when `keep` (up to [`MAX_BODY_BYTES`]), or only
/// counts and discards it otherwise, so a request that will be refused cannot make
/// the server hold its bytes. Returns the body (empty unless kept) and its length.
async fn read_body(
    headers: &HeaderMap,
    body: Body,
    keep: bool,
    timeout: Option<Duration>,
) -> Result<(Bytes, u64), (BodyFault, u64)> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err((BodyFault::TooLarge, 0));
    }
    let mut received = 0u64;
    let mut kept = Vec::new();
    let read = async {
        let mut stream = body.into_data_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|_| BodyFault::Malformed)?;
            received = received.saturating_add(chunk.len() as u64);
            if received > MAX_BODY_BYTES as u64 {
                return Err(BodyFault::TooLarge);
            }
            if keep {
                kept.extend_from_slice(&chunk);
            }
        }
        Ok(())
    };
    let outcome = match timeout {
        Some(limit) => tokio::time::timeout(limit, read)
            .await
            .unwrap_or(Err(BodyFault::TimedOut)),
        None => read.await,
    };
    match outcome {
        Ok(()) => Ok((Bytes::from(kept), received)),
        Err(fault) => Err((fault, received)),
    }
}

/// Runs around every route: request id, body buffering, request log, faults,
/// authentication, rate limiting, and the API's error shape on the way out.
pub(crate) async fn pipeline(
    State(app): State<Arc<App>>,
    request: Request,
    next: Next,
) -> Response {
    let request_id = new_request_id();
    let (mut parts, body) = request.into_parts();
    // RFC 9112 section 3.2: an HTTP/1.1 request without Host must be answered 400.
    // (Only over a socket: in-process calls are not HTTP messages.)
    let over_http = parts.extensions.get::<ConnControl>().is_some();
    let no_host = !parts.headers.contains_key(header::HOST);
    if over_http && parts.version == Version::HTTP_11 && no_host {
        let error = ApiError::bad_request("An HTTP/1.1 request must carry a Host header.");
        return finish(error.into_response(), &request_id, None).await;
    }
    let tls = parts.extensions.get::<ConnControl>().is_some_and(|c| c.tls);
    parts.extensions.insert(RequestCtx {
        origin: origin(&parts.headers, app.local_addr, tls),
    });
    let path = parts.uri.path();
    if path == "/_sim" || path.starts_with("/_sim/") {
        let response = next.run(Request::from_parts(parts, body)).await;
        return finish(response, &request_id, None).await;
    }

    // Who is calling is known from the headers alone: a body is kept only for a
    // known token, and answers carry rate-limit headers only for one (the token's
    // real state; a caller without a valid token has no rate-limit state to report).
    let principal = app.auth.authenticate(&parts.headers);
    let peek = |p: &Option<Principal>| p.as_ref().map(|p| app.limiter.peek(&p.key));
    let timeout = parts
        .extensions
        .get::<ConnControl>()
        .map(|c| c.body_timeout);
    let full_path = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path(), |pq| pq.as_str());
    let body = match read_body(&parts.headers, body, principal.is_some(), timeout).await {
        Ok((body, len)) => {
            let kept = principal.is_some().then_some(&body[..]);
            app.journal.record(&parts.method, full_path, kept, len);
            body
        }
        Err((fault, len)) => {
            app.journal.record(&parts.method, full_path, None, len);
            let error = match fault {
                BodyFault::TooLarge => ApiError::payload_too_large(MAX_BODY_BYTES),
                BodyFault::Malformed => ApiError::bad_request(
                    "The request body is shorter than its Content-Length or badly chunked.",
                ),
                BodyFault::TimedOut => ApiError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "request_timeout",
                    "The request body was not received in time.",
                ),
            };
            let mut response = finish(error.into_response(), &request_id, peek(&principal)).await;
            // The rest of the body may still be on its way: this connection is done.
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            return response;
        }
    };

    let plan = app.faults.plan(parts.method.as_str(), parts.uri.path());
    if !plan.delay.is_zero() {
        tokio::time::sleep(plan.delay).await;
    }
    match &plan.effect {
        Some(FaultEffect::DropConnection) => {
            if let Some(control) = parts.extensions.get::<ConnControl>() {
                control.kill.notify_one();
                // The connection task drops this request together with the socket.
                return std::future::pending::<Response>().await;
            }
        }
        Some(FaultEffect::Status {
            status,
            retry_after,
            exhaust_rate_limit,
            html,
        }) => {
            return faulted_status(
                &app,
                *status,
                *retry_after,
                *exhaust_rate_limit,
                *html,
                &request_id,
                peek(&principal),
            );
        }
        _ => {}
    }

    let Some(principal) = principal else {
        let response = ApiError::unauthorized().into_response();
        return finish(response, &request_id, None).await;
    };
    let rate = match app.limiter.check(&principal.key) {
        Verdict::Allowed(headers) => headers,
        Verdict::Limited {
            headers,
            retry_after,
        } => {
            let mut response = finish(
                ApiError::too_many_requests().into_response(),
                &request_id,
                Some(headers),
            )
            .await;
            if let Some(seconds) = retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            return response;
        }
    };
    parts.extensions.insert(principal);
    let response = next.run(Request::from_parts(parts, Body::from(body))).await;
    let response = finish(response, &request_id, Some(rate)).await;
    match plan.effect {
        Some(effect) if effect.is_body_fault() => corrupt(response, &effect).await,
        _ => response,
    }
}

/// Renders pending API errors, turns framework rejections into the API's shape,
/// and adds the request id and rate-limit headers.
async fn finish(response: Response, request_id: &str, rate: Option<RateHeaders>) -> Response {
    let mut response =
        if let Some(PendingError(error)) = response.extensions().get::<PendingError>().cloned() {
            with_headers_of(error.render(request_id), response.headers())
        } else if response.status().as_u16() >= 400 && !is_json(response.headers()) {
            let status = response.status();
            let headers = response.headers().clone();
            let text = axum::body::to_bytes(response.into_body(), 4096)
                .await
                .unwrap_or_default();
            let mut error = ApiError::for_status(status);
            let text = String::from_utf8_lossy(&text);
            let text = text.trim();
            if !text.is_empty()
                && status != StatusCode::NOT_FOUND
                && status != StatusCode::METHOD_NOT_ALLOWED
            {
                error.message = text.to_owned().into();
            }
            with_headers_of(error.render(request_id), &headers)
        } else {
            response
        };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert(HeaderName::from_static("x-request-id"), value);
    }
    if let Some(rate) = rate {
        insert_rate_headers(headers, rate);
    }
    response
}

fn with_headers_of(mut response: Response, original: &HeaderMap) -> Response {
    for (name, value) in original {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            response.headers_mut().insert(name.clone(), value.clone());
        }
    }
    response
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

fn insert_rate_headers(headers: &mut HeaderMap, rate: RateHeaders) {
    headers.insert(
        HeaderName::from_static("ratelimit-limit"),
        HeaderValue::from(rate.limit),
    );
    headers.insert(
        HeaderName::from_static("ratelimit-remaining"),
        HeaderValue::from(rate.remaining),
    );
    headers.insert(
        HeaderName::from_static("ratelimit-reset"),
        HeaderValue::from(rate.reset),
    );
}

fn faulted_status(
    app: &App,
    status: u16,
    retry_after: Option<u64>,
    exhaust_rate_limit: bool,
    html: bool,
    request_id: &str,
    rate: Option<RateHeaders>,
) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = if html {
        let reason = code.canonical_reason().unwrap_or("Error");
        let page = format!(
            "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
        );
        let mut r = Response::new(Body::from(page));
        *r.status_mut() = code;
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
        r
    } else {
        ApiError::for_status(code).render(request_id)
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert(HeaderName::from_static("x-request-id"), value);
    }
    // A replaced status is not counted: report the token's real state, unless the
    // fault asks for an exhausted limit (then a reset an hour away, as documented).
    let rate = if exhaust_rate_limit {
        Some(app.limiter.exhausted())
    } else {
        rate
    };
    if let Some(rate) = rate {
        insert_rate_headers(headers, rate);
    }
    if let Some(seconds) = retry_after {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// Rewrites a finished response's body for the truncated, malformed and oversized faults.
async fn corrupt(response: Response, effect: &FaultEffect) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let new_body: Bytes = match effect {
        FaultEffect::TruncatedBody => bytes.slice(..bytes.len() / 2),
        FaultEffect::MalformedJson => {
            let mut v = bytes.to_vec();
            match v.iter().position(|b| *b == b':') {
                Some(i) => v[i] = b'=',
                None => v = b"{=}".to_vec(),
            }
            v.into()
        }
        FaultEffect::OversizedBody { bytes: target } => pad_json(&bytes, *target).into(),
        _ => bytes,
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    if !is_json(&parts.headers) {
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(JSON_CONTENT_TYPE),
        );
    }
    Response::from_parts(parts, Body::from(new_body))
}

/// Keeps the body valid JSON but at least `target` bytes long.
fn pad_json(body: &[u8], target: usize) -> Vec<u8> {
    let trimmed = body.trim_ascii_end();
    let (head, sep) = match trimmed.strip_suffix(b"}") {
        Some(head) if head.trim_ascii_end().ends_with(b"{") => (head.to_vec(), ""),
        Some(head) => (head.to_vec(), ","),
        None => (b"{".to_vec(), ""),
    };
    let mut out = Vec::with_capacity(target.max(head.len()) + 32);
    out.extend_from_slice(&head);
    out.extend_from_slice(sep.as_bytes());
    out.extend_from_slice(b"\"sim_padding\":\"");
    let fill = target.saturating_sub(out.len() + 2);
    out.resize(out.len() + fill, b'x');
    out.extend_from_slice(b"\"}");
    out
}

pub(crate) fn new_request_id() -> String {
    let n = fastrand::u128(..);
    let hex = format!("{n:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn origin(headers: &HeaderMap, local: SocketAddr, tls: bool) -> Arc<str> {
    let scheme = if tls { "https" } else { "http" };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        });
    match host {
        Some(host) => format!("{scheme}://{host}").into(),
        None => format!("{scheme}://{local}").into(),
    }
}

/// Binds the listening socket.
pub(crate) async fn bind(addr: SocketAddr) -> Result<TcpListener, crate::error::Error> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| crate::error::Error::Bind { addr, source })
}

/// Accepts connections until `shutdown` flips, then drains them briefly. At most
/// `config.max_connections` are served at once: past that the listener stops
/// accepting until one closes, so newcomers wait in the kernel's backlog.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    config: ServerConfig,
    tls: Option<Arc<rustls::ServerConfig>>,
    mut shutdown: watch::Receiver<bool>,
) {
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    let permits = Arc::new(Semaphore::new(config.max_connections));
    let mut connections = JoinSet::new();
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            _ = shutdown.changed() => break,
        };
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let (router, shutdown) = (router.clone(), shutdown.clone());
                    let acceptor = acceptor.clone();
                    connections.spawn(async move {
                        // Small JSON replies on keep-alive connections: don't let Nagle delay them.
                        let _ = stream.set_nodelay(true);
                        match acceptor {
                            None => serve_connection(stream, false, router, config, shutdown).await,
                            Some(acceptor) => {
                                // A client that stalls or fails its handshake only loses its own
                                // connection; the idle timeout bounds the stall.
                                let handshake = tokio::time::timeout(
                                    config.idle_timeout,
                                    acceptor.accept(stream),
                                );
                                match handshake.await {
                                    Ok(Ok(stream)) => {
                                        serve_connection(stream, true, router, config, shutdown)
                                            .await;
                                    }
                                    Ok(Err(error)) => tracing::debug!(%error, "TLS handshake failed"),
                                    Err(_) => tracing::debug!("TLS handshake timed out"),
                                }
                            }
                        }
                        drop(permit);
                    });
                }
                Err(error) => {
                    // Usually out of file descriptors; back off instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = shutdown.changed() => break,
        }
    }
    drop(listener);
    let drained = tokio::time::timeout(DRAIN_TIMEOUT, async {
        while connections.join_next().await.is_some() {}
    });
    if drained.await.is_err() {
        connections.abort_all();
    }
}

async fn serve_connection<S>(
    stream: S,
    tls: bool,
    router: Router,
    config: ServerConfig,
    mut shutdown: watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let kill = Arc::new(Notify::new());
    let control = ConnControl {
        kill: kill.clone(),
        body_timeout: config.body_timeout,
        tls,
    };
    let service = hyper::service::service_fn(move |mut request: http::Request<Incoming>| {
        request.extensions_mut().insert(control.clone());
        router.clone().oneshot(request.map(Body::new))
    });
    // hyper answers a malformed request line or headers (400), a URI over 65,534
    // bytes (414) and a head over MAX_HEAD_BYTES or with more than MAX_HEADERS
    // headers (431) itself, before any service runs, then closes the connection;
    // `ApiShapedIo` gives those answers the API's JSON body and an x-request-id.
    // The header read timeout (the idle timeout) also closes a connection that
    // sits idle between requests: a slot under the connection cap is not held forever.
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(config.idle_timeout)
        .max_header_size(MAX_HEAD_BYTES)
        .serve_connection(TokioIo::new(ApiShapedIo::new(stream)), service);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        // Dropping the connection closes the socket without a reply.
        _ = kill.notified() => {}
        _ = shutdown.changed() => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_keeps_json_valid_and_reaches_the_target() {
        let padded = pad_json(br#"{"action":{"id":1}}"#, 1000);
        assert!(padded.len() >= 1000);
        let value: serde_json::Value = serde_json::from_slice(&padded).unwrap();
        assert_eq!(value["action"]["id"], 1);
        let empty: serde_json::Value = serde_json::from_slice(&pad_json(b"", 50)).unwrap();
        assert!(empty["sim_padding"].is_string());
        let obj: serde_json::Value = serde_json::from_slice(&pad_json(b"{}", 50)).unwrap();
        assert!(obj["sim_padding"].is_string());
    }

    #[test]
    fn request_ids_look_like_uuids() {
        let id = new_request_id();
        assert_eq!(id.len(), 36);
        assert_eq!(id.matches('-').count(), 4);
    }
}
