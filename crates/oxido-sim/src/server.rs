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
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tower::ServiceExt;

use crate::app::App;
use crate::faults::FaultEffect;
use crate::journal::SeenRequest;
use crate::rate_limit::{RateHeaders, Verdict};
use crate::wire::error::{ApiError, JSON_CONTENT_TYPE, PendingError};

/// Largest request body accepted.
pub(crate) const MAX_BODY_BYTES: usize = 1 << 20;
/// How long shutdown waits for in-flight requests before closing connections.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

/// Lets a handler close its own connection without replying.
#[derive(Clone)]
pub(crate) struct ConnControl {
    kill: Arc<Notify>,
}

/// Per-request facts the handlers need.
#[derive(Clone, Debug)]
pub(crate) struct RequestCtx {
    /// `http://host[:port]` as the client addressed us, for absolute links.
    pub origin: Arc<str>,
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
    parts.extensions.insert(RequestCtx {
        origin: origin(&parts.headers, app.local_addr),
    });
    let path = parts.uri.path();
    if path == "/_sim" || path.starts_with("/_sim/") {
        let response = next.run(Request::from_parts(parts, body)).await;
        return finish(response, &request_id, None).await;
    }

    let body = axum::body::to_bytes(body, MAX_BODY_BYTES).await;
    app.journal.record(SeenRequest {
        method: parts.method.to_string(),
        path: parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_owned(), |pq| pq.as_str().to_owned()),
        body: body
            .as_ref()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default(),
    });
    let Ok(body) = body else {
        let error = ApiError::payload_too_large(MAX_BODY_BYTES);
        return finish(
            error.into_response(),
            &request_id,
            Some(app.limiter.uncounted()),
        )
        .await;
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
            );
        }
        _ => {}
    }

    let Some(principal) = app.auth.authenticate(&parts.headers) else {
        let response = ApiError::unauthorized().into_response();
        return finish(response, &request_id, Some(app.limiter.uncounted())).await;
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
    let mut rate = app.limiter.uncounted();
    if exhaust_rate_limit {
        rate.remaining = 0;
    }
    insert_rate_headers(headers, rate);
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

fn new_request_id() -> String {
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

fn origin(headers: &HeaderMap, local: SocketAddr) -> Arc<str> {
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
        Some(host) => format!("http://{host}").into(),
        None => format!("http://{local}").into(),
    }
}

/// Binds the listening socket.
pub(crate) async fn bind(addr: SocketAddr) -> Result<TcpListener, crate::Error> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| crate::Error::Bind { addr, source })
}

/// Accepts connections until `shutdown` flips, then drains them briefly.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, router.clone(), shutdown.clone()));
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

async fn serve_connection(stream: TcpStream, router: Router, mut shutdown: watch::Receiver<bool>) {
    // Small JSON replies on keep-alive connections: don't let Nagle delay them.
    let _ = stream.set_nodelay(true);
    let kill = Arc::new(Notify::new());
    let control = ConnControl { kill: kill.clone() };
    let service = hyper::service::service_fn(move |mut request: http::Request<Incoming>| {
        request.extensions_mut().insert(control.clone());
        router.clone().oneshot(request.map(Body::new))
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(TokioIo::new(stream), service);
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
