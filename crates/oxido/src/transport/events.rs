//! Server-sent events (`text/event-stream`): the streaming answers of the inference operations.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::stream::{self, BoxStream, Stream, StreamExt};
use http::Method;

use super::request::ApiRequest;
use super::send::{StreamingResponse, error_chain};
use crate::error::{Error, TimeoutKind, TransportErrorKind};

/// Decodes the `data` of one event.
pub(crate) type EventDecoder<T> = fn(&'static str, &[u8]) -> Result<T, Error>;

/// A stream of typed server-sent events: each `data:` event decoded as `T`.
///
/// It ends after the `[DONE]` sentinel or when the server closes the stream between events. A network error,
/// a stream cut inside an event, an event larger than the client's
/// [`max_event_bytes`](crate::ClientBuilder::max_event_bytes), no data for as long as the per-attempt time
/// limit, or an event that does not decode is yielded as one `Err`, after which the stream ends. Dropping it
/// closes the connection.
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
    idle: Duration,
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
        let response = super::send::execute_streaming(&client.inner, &request).await?;
        Ok(Self::new(
            response,
            &request,
            decode,
            client.inner.max_event_bytes,
            client.inner.timeouts.attempt,
        ))
    }

    /// Reads `response` as server-sent events, each at most `max_event_bytes`, with at most `idle` between
    /// two chunks of data.
    pub(crate) fn new(
        response: StreamingResponse,
        request: &ApiRequest,
        decode: EventDecoder<T>,
        max_event_bytes: usize,
        idle: Duration,
    ) -> Self {
        let state = State {
            response: response.body,
            decoder: SseDecoder::new(max_event_bytes),
            frames: VecDeque::new(),
            decode,
            operation: request.operation,
            method: request.method.clone(),
            path: request.path_and_query(),
            status: response.status,
            idle,
        };
        Self {
            inner: stream::unfold(Some(state), next_event).boxed(),
        }
    }
}

/// `None` as state means the stream has ended (after `[DONE]`, the end of the body, or an error).
async fn next_event<T>(state: Option<State<T>>) -> Option<(Result<T, Error>, Option<State<T>>)> {
    let mut state = state?;
    loop {
        match state.frames.pop_front() {
            Some(Frame::Done) => return None,
            Some(Frame::Data(data)) => {
                return match (state.decode)(state.operation, &data) {
                    Ok(event) => Some((Ok(event), Some(state))),
                    Err(err) => Some((Err(err), None)),
                };
            }
            None => {}
        }
        let chunk = match tokio::time::timeout(state.idle, state.response.chunk()).await {
            Err(_) => {
                let err = Error::Timeout {
                    method: state.method.clone(),
                    path: state.path.clone(),
                    limit: TimeoutKind::Attempt,
                    after: state.idle,
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
                let source = std::io::Error::new(std::io::ErrorKind::UnexpectedEof, detail.clone());
                return Some((Err(state.transport_error(detail, Box::new(source))), None));
            }
            Ok(Ok(None)) => return None,
            Ok(Ok(Some(chunk))) => chunk,
        };
        if state.decoder.feed(&chunk, &mut state.frames).is_err() {
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
    /// The `[DONE]` sentinel.
    Done,
}

/// An event grew past the limit.
#[derive(Debug)]
struct TooLarge;

/// The `text/event-stream` line grammar: fields up to a blank line make one event; `data` lines are joined
/// with `\n`; comments (`:`) and other fields (`event`, `id`, `retry`) are skipped. Lines end with LF, CRLF
/// or CR, split anywhere across chunks.
struct SseDecoder {
    line: Vec<u8>,
    data: Vec<u8>,
    data_lines: usize,
    after_cr: bool,
    max: usize,
}

impl SseDecoder {
    fn new(max: usize) -> Self {
        Self {
            line: Vec::new(),
            data: Vec::new(),
            data_lines: 0,
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
            if self.data_lines > 0 {
                let data = std::mem::take(&mut self.data);
                self.data_lines = 0;
                out.push_back(if data == b"[DONE]" {
                    Frame::Done
                } else {
                    Frame::Data(data)
                });
            }
            return;
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (&line[..], &[][..]),
        };
        if field == b"data" {
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
