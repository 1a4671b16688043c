//! The socket wrapper that gives hyper's own error answers the API's shape.
//!
//! hyper answers a request it cannot parse (bad request line or header: 400; a
//! URI over 65,534 bytes: 414; a head over the size cap or with more than 100
//! headers: 431) before any service runs, with an empty body, and then closes the
//! connection. No hook exists for those answers, so this wrapper recognises them
//! on the way out (a head with one of those statuses and no `x-request-id`, which
//! every answer the pipeline makes carries) and writes the API's JSON error with a
//! fresh request id in their place.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A connection whose writes pass through unchanged, except hyper's parse-error answers.
#[derive(Debug)]
pub(crate) struct ApiShapedIo<T> {
    inner: T,
    /// A replacement answer still to be written, and how much of it was.
    pending: Option<(Vec<u8>, usize)>,
}

impl<T> ApiShapedIo<T> {
    pub(crate) fn new(inner: T) -> Self {
        Self {
            inner,
            pending: None,
        }
    }
}

impl<T: AsyncWrite + Unpin> ApiShapedIo<T> {
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = &mut self.pending {
            if *written >= bytes.len() {
                self.pending = None;
                break;
            }
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        Poll::Ready(Ok(()))
    }

    /// Queues the replacement for `head` if it is one of hyper's own error answers.
    fn intercept(&mut self, head: &[u8], cx: &mut Context<'_>) -> Option<io::Result<()>> {
        let replacement = replacement_for(head)?;
        self.pending = Some((replacement, 0));
        match self.poll_pending(cx) {
            Poll::Ready(Err(e)) => Some(Err(e)),
            // The rest goes out on the flush or shutdown hyper does next.
            _ => Some(Ok(())),
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for ApiShapedIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for ApiShapedIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(self.poll_pending(cx))?;
        match self.intercept(buf, cx) {
            Some(result) => Poll::Ready(result.map(|()| buf.len())),
            None => Pin::new(&mut self.inner).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        ready!(self.poll_pending(cx))?;
        let first = bufs.iter().find(|b| !b.is_empty());
        let total = bufs.iter().map(|b| b.len()).sum();
        // hyper's error answers have no body: the head is all there is.
        match first.and_then(|head| self.intercept(head, cx)) {
            Some(result) => Poll::Ready(result.map(|()| total)),
            None => Pin::new(&mut self.inner).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The API-shaped answer replacing `head`, if `head` is a whole response head
/// with one of hyper's parse-error statuses and no request id.
fn replacement_for(head: &[u8]) -> Option<Vec<u8>> {
    // Cheap checks first: every response write passes through here.
    if head.len() < 16 || !head.starts_with(b"HTTP/1.") || !head.ends_with(b"\r\n\r\n") {
        return None;
    }
    if !matches!(&head[9..12], b"400" | b"414" | b"431") {
        return None;
    }
    let end = head.windows(4).position(|w| w == b"\r\n\r\n")?;
    if end + 4 != head.len()
        || head
            .to_ascii_lowercase()
            .windows(13)
            .any(|w| w == b"x-request-id:")
    {
        return None;
    }
    let (status, id, message) = match &head[9..12] {
        b"400" => (
            "400 Bad Request",
            "bad_request",
            "The request line or a header could not be parsed.".to_owned(),
        ),
        b"414" => (
            "414 URI Too Long",
            "uri_too_long",
            "The request URI is longer than 65534 bytes.".to_owned(),
        ),
        b"431" => (
            "431 Request Header Fields Too Large",
            "request_header_fields_too_large",
            format!(
                "The request head is larger than {} bytes or has more than {} headers.",
                crate::server::MAX_HEAD_BYTES,
                crate::server::MAX_HEADERS
            ),
        ),
        _ => return None,
    };
    let request_id = crate::server::new_request_id();
    let body =
        serde_json::json!({ "id": id, "message": message, "request_id": request_id }).to_string();
    let mut out = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {}\r\ncontent-length: {}\r\nx-request-id: {request_id}\r\nconnection: close\r\n\r\n",
        crate::wire::error::JSON_CONTENT_TYPE,
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body.as_bytes());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hypers_own_error_heads_are_replaced() {
        let hyper_400 = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let out = String::from_utf8(replacement_for(hyper_400).unwrap()).unwrap();
        assert!(out.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{out}");
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let body: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(body["id"], "bad_request");
        assert!(head.contains(body["request_id"].as_str().unwrap()));

        let ours = b"HTTP/1.1 400 Bad Request\r\nx-request-id: abc\r\ncontent-length: 0\r\n\r\n";
        assert!(replacement_for(ours).is_none());
        assert!(replacement_for(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
        assert!(replacement_for(b"{\"HTTP/1.1 400\"}").is_none());
        // A head followed by body bytes in the same write is not hyper's answer.
        assert!(replacement_for(b"HTTP/1.1 400 Bad Request\r\n\r\n{}").is_none());
    }
}
