//! Server-sent events (`text/event-stream`): the streaming answers of the inference operations.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::stream::{self, BoxStream, Stream, StreamExt};
use http::Method;
use tokio::time::Instant;

use super::request::ApiRequest;
use super::send::{StreamingResponse, error_chain};
use crate::error::{ApiError, Error, TimeoutKind, TransportErrorKind};
use crate::text::one_line_clipped;

/// Decodes the `data` of one event.
pub(crate) type EventDecoder<T> = fn(&'static str, &[u8]) -> Result<T, Error>;

/// A stream of typed server-sent events: each `data:` event decoded as `T`.
///
/// It ends after the `[DONE]` sentinel (or a Messages `message_stop` event). A stream that ends without
/// either, a network error, a stream cut inside an event, an event larger than the client's
/// [`max_event_bytes`](crate::ClientBuilder::max_event_bytes), no event field for as long as the per-attempt
/// time limit (keep-alive comments do not count), the client's overall time limit since the request was
/// sent, an `event: error` from the server ([`Error::Api`] with the server's message), or an event that
/// does not decode is yielded as one `Err`, after which the stream ends. Dropping it closes the connection.
#[must_use = "streams do nothing unless polled"]
pub struct EventStream<T> {
    inner: BoxStream<'static, Result<T, Error>>,
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream").finish_non_exhaustive()
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

struct State<T> {
    response: reqwest::Response,
    decoder: SseDecoder,
    frames: VecDeque<Frame>,
    decode: EventDecoder<T>,
    operation: &'static str,
    method: Method,
    path: String,
    status: u16,
    request_id: Option<String>,
    /// The longest pause between two event fields; comments (keep-alives) do not reset it.
    idle: Duration,
    /// When the field count last changed.
    last_activity: Instant,
    fields_seen: u64,
    /// The client's overall limit, from when the request was sent.
    overall: Duration,
    deadline: Instant,
}

// The streaming operations are generated code; until they exist only the tests open streams.
#[allow(dead_code)]
impl<T: Send + 'static> EventStream<T> {
    /// Sends `request` (retrying only until the answer's headers arrive) and reads its success body as events
    /// of at most the client's `max_event_bytes`, allowing the per-attempt limit between two chunks.
    pub(crate) async fn open(
        client: &crate::client::Client,
        request: ApiRequest,
        decode: EventDecoder<T>,
    ) -> Result<Self, Error> {
        let sent = Instant::now();
        let response = super::send::execute_streaming(&client.inner, &request).await?;
        let limits = Limits {
            max_event_bytes: client.inner.max_event_bytes,
            idle: client.inner.timeouts.attempt,
            overall: client.inner.timeouts.overall,
            sent,
        };
        Ok(Self::new(response, &request, decode, limits))
    }

    /// Reads `response` as server-sent events within `limits`.
    pub(crate) fn new(
        response: StreamingResponse,
        request: &ApiRequest,
        decode: EventDecoder<T>,
        limits: Limits,
    ) -> Self {
        let Limits {
            max_event_bytes,
            idle,
            overall,
            sent,
        } = limits;
        let request_id = response
            .headers
            .get("x-request-id")
            .and_then(|value| value.to_str().ok())
            .map(|id| one_line_clipped(id, 100));
        let state = State {
            response: response.body,
            decoder: SseDecoder::new(max_event_bytes),
            frames: VecDeque::new(),
            decode,
            operation: request.operation,
            method: request.method.clone(),
            path: request.path_and_query(),
            status: response.status,
            request_id,
            idle,
            last_activity: Instant::now(),
            fields_seen: 0,
            overall,
            deadline: sent.checked_add(overall).unwrap_or(sent),
        };
        Self {
            inner: stream::unfold(Some(state), next_event).boxed(),
        }
    }
}

/// The bounds of one event stream.
pub(crate) struct Limits {
    /// The largest single event.
    pub(crate) max_event_bytes: usize,
    /// The longest pause between two event fields.
    pub(crate) idle: Duration,
    /// The longest the whole stream may take, from `sent`.
    pub(crate) overall: Duration,
    /// When the request was sent.
    pub(crate) sent: Instant,
}

/// `None` as state means the stream has ended (after `[DONE]`, the end of the body, or an error).
async fn next_event<T>(state: Option<State<T>>) -> Option<(Result<T, Error>, Option<State<T>>)> {
    let mut state = state?;
    loop {
        match state.frames.pop_front() {
            Some(Frame::Done) => return None,
            Some(Frame::ServerError(data)) => {
                return Some((Err(state.server_error(&data)), None));
            }
            Some(Frame::Data(data)) => {
                return match (state.decode)(state.operation, &data) {
                    Ok(event) => Some((Ok(event), Some(state))),
                    Err(err) => Some((Err(err), None)),
                };
            }
            None => {}
        }
        let idle_end = state
            .last_activity
            .checked_add(state.idle)
            .unwrap_or(state.deadline);
        let chunk =
            match tokio::time::timeout_at(idle_end.min(state.deadline), state.response.chunk())
                .await
            {
                Err(_) => {
                    let (limit, after) = if Instant::now() >= state.deadline {
                        (TimeoutKind::Overall, state.overall)
                    } else {
                        (TimeoutKind::Attempt, state.idle)
                    };
                    let err = Error::Timeout {
                        method: state.method.clone(),
                        path: state.path.clone(),
                        limit,
                        after,
                        attempts: 1,
                    };
                    return Some((Err(err), None));
                }
                Ok(Err(err)) => {
                    let err = state.transport_error(error_chain(&err), Box::new(err));
                    return Some((Err(err), None));
                }
                Ok(Ok(None)) if state.decoder.in_event() => {
                    let detail = "the stream ended in the middle of an event".to_owned();
                    let source =
                        std::io::Error::new(std::io::ErrorKind::UnexpectedEof, detail.clone());
                    return Some((Err(state.transport_error(detail, Box::new(source))), None));
                }
                Ok(Ok(None)) => {
                    // Without the end marker a cut connection and a finished answer look alike.
                    let detail = "the stream ended without its [DONE] marker".to_owned();
                    let source =
                        std::io::Error::new(std::io::ErrorKind::UnexpectedEof, detail.clone());
                    return Some((Err(state.transport_error(detail, Box::new(source))), None));
                }
                Ok(Ok(Some(chunk))) => chunk,
            };
        let fed = state.decoder.feed(&chunk, &mut state.frames);
        if state.decoder.fields != state.fields_seen {
            state.fields_seen = state.decoder.fields;
            state.last_activity = Instant::now();
        }
        if fed.is_err() {
            let err = Error::ResponseTooLarge {
                method: state.method.clone(),
                path: state.path.clone(),
                status: state.status,
                limit: state.decoder.max,
            };
            return Some((Err(err), None));
        }
    }
}

impl<T> State<T> {
    /// An `event: error` as the API error it reports: the message and type from `{"error": {"type",
    /// "message"}}` (or a top-level `message`/`type`), else the data itself, clipped to one line. The status
    /// is the stream's own, since the failure came after the headers.
    fn server_error(&self, data: &[u8]) -> Error {
        let value: Option<serde_json::Value> = serde_json::from_slice(data).ok();
        let field = |name: &str| {
            value.as_ref().and_then(|v| {
                v.get("error")
                    .and_then(|e| e.get(name))
                    .or_else(|| v.get(name))
                    .and_then(serde_json::Value::as_str)
                    .map(|text| one_line_clipped(text, 500))
            })
        };
        let message = field("message")
            .unwrap_or_else(|| one_line_clipped(&String::from_utf8_lossy(data), 500));
        let id = field("type")
            .filter(|kind| kind != "error")
            .or_else(|| field("code"))
            .unwrap_or_else(|| "stream_error".to_owned());
        Error::Api(Box::new(ApiError {
            status: self.status,
            id,
            message,
            request_id: self.request_id.clone(),
            rate_limit: None,
            retry_after: None,
            attempts: 1,
            method: self.method.clone(),
            path: self.path.clone(),
        }))
    }

    fn transport_error(
        &self,
        detail: String,
        source: Box<dyn std::error::Error + Send + Sync>,
    ) -> Error {
        Error::Transport {
            method: self.method.clone(),
            path: self.path.clone(),
            kind: TransportErrorKind::Body,
            attempts: 1,
            detail,
            source,
        }
    }
}

/// One complete event.
#[derive(Debug, PartialEq, Eq)]
enum Frame {
    /// The joined `data:` lines of an event.
    Data(Vec<u8>),
    /// The `[DONE]` sentinel, or the end of a `message_stop` event.
    Done,
    /// The data of an `event: error`.
    ServerError(Vec<u8>),
}

/// An event grew past the limit.
#[derive(Debug)]
struct TooLarge;

/// The `text/event-stream` line grammar: fields up to a blank line make one event; `data` lines are joined
/// with `\n`; the `event` name is kept for the event (`error` and `message_stop` matter); comments (`:`) and
/// other fields (`id`, `retry`) are skipped. Lines end with LF, CRLF or CR, split anywhere across chunks.
struct SseDecoder {
    line: Vec<u8>,
    data: Vec<u8>,
    data_lines: usize,
    event: Vec<u8>,
    /// Fields (any line but a comment or blank) read so far: what counts as activity.
    fields: u64,
    after_cr: bool,
    max: usize,
}

impl SseDecoder {
    fn new(max: usize) -> Self {
        Self {
            line: Vec::new(),
            data: Vec::new(),
            data_lines: 0,
            event: Vec::new(),
            fields: 0,
            after_cr: false,
            max,
        }
    }

    /// Whether part of an event has arrived without its closing blank line.
    fn in_event(&self) -> bool {
        !self.line.is_empty() || self.data_lines > 0
    }

    fn feed(&mut self, chunk: &[u8], out: &mut VecDeque<Frame>) -> Result<(), TooLarge> {
        for &byte in chunk {
            match byte {
                b'\n' if self.after_cr => self.after_cr = false,
                b'\n' | b'\r' => {
                    self.after_cr = byte == b'\r';
                    self.end_line(out);
                }
                _ => {
                    self.after_cr = false;
                    if self.line.len().saturating_add(self.data.len()) >= self.max {
                        return Err(TooLarge);
                    }
                    self.line.push(byte);
                }
            }
        }
        Ok(())
    }

    fn end_line(&mut self, out: &mut VecDeque<Frame>) {
        let line = std::mem::take(&mut self.line);
        if line.is_empty() {
            let event = std::mem::take(&mut self.event);
            if self.data_lines > 0 {
                let data = std::mem::take(&mut self.data);
                self.data_lines = 0;
                if event == b"error" {
                    out.push_back(Frame::ServerError(data));
                } else if data == b"[DONE]" {
                    out.push_back(Frame::Done);
                } else {
                    out.push_back(Frame::Data(data));
                    if event == b"message_stop" {
                        out.push_back(Frame::Done);
                    }
                }
            }
            return;
        }
        if line[0] != b':' {
            self.fields = self.fields.saturating_add(1);
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (&line[..], &[][..]),
        };
        if field == b"event" {
            self.event = value.to_vec();
        } else if field == b"data" {
            if self.data_lines > 0 {
                self.data.push(b'\n');
            }
            self.data.extend_from_slice(value);
            self.data_lines += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(chunks: &[&[u8]], max: usize) -> (Vec<Frame>, Result<(), TooLarge>, bool) {
        let mut decoder = SseDecoder::new(max);
        let mut out = VecDeque::new();
        for chunk in chunks {
            if let Err(err) = decoder.feed(chunk, &mut out) {
                return (out.into(), Err(err), decoder.in_event());
            }
        }
        (out.into(), Ok(()), decoder.in_event())
    }

    fn data(text: &str) -> Frame {
        Frame::Data(text.as_bytes().to_vec())
    }

    #[test]
    fn events_split_anywhere_with_any_line_ending() {
        let whole: &[u8] =
            b": keep-alive\r\nevent: chunk\r\ndata: {\"a\":1}\r\n\r\ndata:x\rdata: y\r\rid: 7\ndata: z\n\ndata: [DONE]\n\n";
        let expected = vec![data("{\"a\":1}"), data("x\ny"), data("z"), Frame::Done];
        for split in 0..whole.len() {
            let (got, result, partial) = frames(&[&whole[..split], &whole[split..]], 1024);
            assert!(result.is_ok());
            assert_eq!(got, expected, "split at {split}");
            assert!(!partial);
        }
        let bytewise: Vec<&[u8]> = whole.chunks(1).collect();
        assert_eq!(frames(&bytewise, 1024).0, expected);
    }

    #[test]
    fn error_and_message_stop_events_are_told_apart_and_comments_are_no_activity() {
        let mut decoder = SseDecoder::new(1024);
        let mut out = VecDeque::new();
        assert!(decoder.feed(b": ping\n\n: ping\n\n", &mut out).is_ok());
        assert_eq!(decoder.fields, 0, "comments are not activity");
        let body = b"event: error\ndata: {\"m\":1}\n\ndata: x\n\nevent: message_stop\ndata: {}\n\n";
        assert!(decoder.feed(body, &mut out).is_ok());
        assert_eq!(
            Vec::from(out),
            vec![
                Frame::ServerError(b"{\"m\":1}".to_vec()),
                data("x"),
                data("{}"),
                Frame::Done
            ]
        );
        assert_eq!(decoder.fields, 5);
    }

    #[test]
    fn an_unfinished_event_is_reported_as_partial() {
        let (got, _, partial) = frames(&[b"data: {\"a\":"], 1024);
        assert!(got.is_empty());
        assert!(partial);
    }

    #[test]
    fn an_event_over_the_limit_is_refused_without_buffering_it() {
        let big = vec![b'x'; 10_000];
        let mut chunk = b"data: ".to_vec();
        chunk.extend_from_slice(&big);
        let (_, result, _) = frames(&[&chunk], 100);
        assert!(result.is_err());
        let lines = b"data: 0123456789\n".repeat(20);
        let (_, result, _) = frames(&[&lines], 100);
        assert!(result.is_err());
        let (got, result, _) = frames(&[b"data: 0123456789\n\n"], 100);
        assert!(result.is_ok());
        assert_eq!(got, vec![data("0123456789")]);
    }
}
