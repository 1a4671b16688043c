//! The generated `…_stream()` operations end to end, against a hand-rolled HTTP/1.1 server on 127.0.0.1 that
//! sends `text/event-stream` answers byte for byte as scripted (so it can also misbehave: cut a connection
//! inside an event, never end a huge event, answer an error before the stream).

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use oxido::types::{
    ChatCompletionChunk, ChatCompletionRequest, MessagesCreateRequest, MessagesStreamEventType,
};
use oxido::{Client, ClientBuilder, Error, EventStream};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Far above anything these tests wait for; a hang fails the test instead of stalling the suite.
const HANG_LIMIT: Duration = Duration::from_secs(30);
const INFERENCE_KEY: &str = "model-access-key-never-print";
const AGENT_KEY: &str = "agent-access-key-never-print";

/// One request as the server read it.
#[derive(Debug, Clone)]
struct Seen {
    head: String,
    body: Vec<u8>,
}

impl Seen {
    fn request_line(&self) -> &str {
        self.head.lines().next().unwrap_or_default()
    }

    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("the request body is JSON")
    }
}

/// What the server does after reading a request: write each part (with a short pause, so they arrive as
/// separate reads), then either close the connection or hold it open until the client goes away.
#[derive(Clone)]
struct Script {
    head: String,
    parts: Vec<Vec<u8>>,
    hold_open: bool,
}

/// Counters the tests inspect after the fact.
#[derive(Default)]
struct ServerLog {
    requests: Mutex<Vec<Seen>>,
    body_bytes_written: AtomicUsize,
}

/// Serves `script` to every connection; returns the base URL and the log.
async fn serve(script: Script) -> (String, Arc<ServerLog>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let log = Arc::new(ServerLog::default());
    let server_log = Arc::clone(&log);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let script = script.clone();
            let log = Arc::clone(&server_log);
            tokio::spawn(async move {
                let Some(seen) = read_request(&mut socket).await else {
                    return;
                };
                log.requests.lock().expect("log").push(seen);
                if socket.write_all(script.head.as_bytes()).await.is_err() {
                    return;
                }
                for part in &script.parts {
                    if socket.write_all(part).await.is_err() {
                        return;
                    }
                    log.body_bytes_written
                        .fetch_add(part.len(), Ordering::SeqCst);
                    let _ = socket.flush().await;
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                if script.hold_open {
                    // Until the client closes its side.
                    let mut sink = [0u8; 1024];
                    while matches!(socket.read(&mut sink).await, Ok(n) if n > 0) {}
                }
            });
        }
    });
    (format!("http://{address}"), log)
}

/// Reads one request head and its `content-length` body.
async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Seen> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        match socket.read(&mut buffer).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => data.extend_from_slice(&buffer[..n]),
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while data.len() < head_end + length {
        match socket.read(&mut buffer).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => data.extend_from_slice(&buffer[..n]),
        }
    }
    Some(Seen {
        head,
        body: data[head_end..head_end + length].to_vec(),
    })
}

fn chunked(data: &[u8]) -> Vec<u8> {
    let mut out = format!("{:x}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    out
}

/// The last chunk of a chunked body: the body is complete.
const LAST_CHUNK: &[u8] = b"0\r\n\r\n";

const SSE_CHUNKED: &str = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\ntransfer-encoding: chunked\r\n\r\n";

fn builder() -> ClientBuilder {
    Client::builder()
        .no_proxy()
        .token(common::SECRET_TOKEN)
        // Nothing may go to the API host in these tests.
        .base_url("http://127.0.0.1:1")
        .retry(common::fast_retry())
        .attempt_timeout(Duration::from_secs(10))
        .overall_timeout(Duration::from_secs(20))
}

fn inference_client(url: &str) -> Client {
    builder()
        .inference_base_url(url)
        .inference_access_key(INFERENCE_KEY)
        .build()
        .expect("valid client")
}

fn chat_request() -> ChatCompletionRequest {
    serde_json::from_value(json!({
        "model": "llama3.3-70b-instruct",
        "messages": [{"role": "user", "content": "Say hello"}],
        "max_tokens": 16
    }))
    .expect("a valid chat request")
}

fn chunk_json(id: &str, delta: Value, finish_reason: Option<&str>) -> String {
    json!({
        "id": id,
        "object": "chat.completion.chunk",
        "created": 1_700_000_000,
        "model": "llama3.3-70b-instruct",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]
    })
    .to_string()
}

/// The three chunks of a streamed "Hello", each as one `data:` event.
fn hello_events() -> Vec<String> {
    vec![
        format!(
            "data: {}\n\n",
            chunk_json("c1", json!({"role": "assistant"}), None)
        ),
        format!(
            "data: {}\n\n",
            chunk_json("c1", json!({"content": "Hel"}), None)
        ),
        format!(
            ": keep-alive comment\n\ndata: {}\n\n",
            chunk_json("c1", json!({"content": "lo"}), Some("stop"))
        ),
    ]
}

/// Every item of `stream`, failing the test if it does not end within [`HANG_LIMIT`].
async fn drain<T>(stream: EventStream<T>) -> Vec<Result<T, Error>> {
    tokio::time::timeout(HANG_LIMIT, stream.collect::<Vec<_>>())
        .await
        .expect("the stream ended (it did not hang)")
}

async fn open_chat(client: &Client) -> EventStream<ChatCompletionChunk> {
    tokio::time::timeout(
        HANG_LIMIT,
        client
            .inference()
            .create_chat_completion_stream(chat_request()),
    )
    .await
    .expect("opening did not hang")
    .expect("the stream opens")
}

fn content_of(chunk: &ChatCompletionChunk) -> String {
    chunk
        .choices
        .iter()
        .filter_map(|choice| choice.delta.content.clone())
        .collect()
}

#[tokio::test]
async fn chat_chunks_arrive_typed_and_in_order_and_done_ends_the_stream() {
    let mut parts: Vec<Vec<u8>> = hello_events()
        .iter()
        .map(|event| chunked(event.as_bytes()))
        .collect();
    // Split one event across two reads, then [DONE], then an event that must never be yielded.
    parts.push(chunked(b"data: [DO"));
    parts.push(chunked(b"NE]\n\n"));
    parts.push(chunked(
        format!(
            "data: {}\n\n",
            chunk_json("late", json!({"content": "!"}), None)
        )
        .as_bytes(),
    ));
    // The connection stays open after [DONE]: the stream must end on the sentinel, not on the close.
    let (url, log) = serve(Script {
        head: SSE_CHUNKED.to_owned(),
        parts,
        hold_open: true,
    })
    .await;
    let client = inference_client(&url);

    let items = drain(open_chat(&client).await).await;
    let chunks: Vec<ChatCompletionChunk> = items
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("every event decodes");
    assert_eq!(chunks.len(), 3, "{chunks:?}");
    assert!(chunks.iter().all(|chunk| chunk.id == "c1"));
    assert_eq!(
        chunks[0].choices[0]
            .delta
            .role
            .as_ref()
            .map(|role| role.as_str()),
        Some("assistant")
    );
    let text: String = chunks.iter().map(content_of).collect();
    assert_eq!(text, "Hello");
    assert_eq!(
        chunks[2].choices[0]
            .finish_reason
            .as_ref()
            .map(|reason| reason.as_str()),
        Some("stop")
    );
    assert_eq!(chunks[2].object.as_str(), "chat.completion.chunk");

    let requests = log.requests.lock().expect("log").clone();
    assert_eq!(requests.len(), 1, "one request, no retry");
    let seen = &requests[0];
    assert_eq!(seen.request_line(), "POST /v1/chat/completions HTTP/1.1");
    assert_eq!(seen.header("accept").as_deref(), Some("text/event-stream"));
    assert_eq!(
        seen.header("authorization"),
        Some(format!("Bearer {INFERENCE_KEY}")),
        "the inference host gets the model access key, not the API token"
    );
    let body = seen.json();
    assert_eq!(body["stream"], json!(true));
    assert_eq!(body["model"], json!("llama3.3-70b-instruct"));
    assert_eq!(body["messages"][0]["content"], json!("Say hello"));
}

#[tokio::test]
async fn agent_chat_stream_goes_to_the_agent_url_with_the_agent_key() {
    let mut parts: Vec<Vec<u8>> = hello_events()
        .iter()
        .map(|event| chunked(event.as_bytes()))
        .collect();
    parts.push(chunked(b"data: [DONE]\n\n"));
    parts.push(LAST_CHUNK.to_vec());
    let (url, log) = serve(Script {
        head: SSE_CHUNKED.to_owned(),
        parts,
        hold_open: false,
    })
    .await;
    let client = builder()
        .agent_base_url(format!("{url}/agent-prefix"))
        .agent_access_key(AGENT_KEY)
        .build()
        .expect("valid client");
    let stream = client
        .agent_inference()
        .create_chat_completion_stream(true, chat_request())
        .await
        .expect("the stream opens");
    let chunks: Vec<ChatCompletionChunk> = drain(stream)
        .await
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("every event decodes");
    assert_eq!(chunks.iter().map(content_of).collect::<String>(), "Hello");

    let requests = log.requests.lock().expect("log").clone();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].request_line(),
        "POST /agent-prefix/api/v1/chat/completions?agent=true HTTP/1.1"
    );
    assert_eq!(
        requests[0].header("authorization"),
        Some(format!("Bearer {AGENT_KEY}"))
    );
    assert_eq!(requests[0].json()["stream"], json!(true));
}

#[tokio::test]
async fn an_agent_stream_without_an_agent_url_is_refused_before_sending() {
    let err = builder()
        .build()
        .expect("valid client")
        .agent_inference()
        .create_chat_completion_stream(true, chat_request())
        .await
        .expect_err("no agent URL");
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(err.to_string().contains("agent_base_url"), "{err}");
}

#[tokio::test]
async fn messages_stream_events_keep_their_type_and_skip_event_lines() {
    let events = [
        (
            "message_start",
            json!({"type": "message_start", "message": {"id": "m1"}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}}),
        ),
        ("ping", json!({"type": "ping"})),
        (
            "message_delta",
            json!({"type": "message_delta", "usage": {"output_tokens": 3}}),
        ),
        ("message_stop", json!({"type": "message_stop"})),
    ];
    let mut body = String::new();
    for (name, data) in &events {
        // CRLF line ends, as some servers send them.
        body.push_str(&format!("event: {name}\r\ndata: {data}\r\n\r\n"));
    }
    let (url, _log) = serve(Script {
        head: SSE_CHUNKED.to_owned(),
        parts: vec![chunked(body.as_bytes()), LAST_CHUNK.to_vec()],
        hold_open: false,
    })
    .await;
    let client = inference_client(&url);
    let request: MessagesCreateRequest = serde_json::from_value(json!({
        "model": "anthropic-claude-3.5-haiku",
        "max_tokens": 16,
        "messages": [{"role": "user", "content": "Hi"}]
    }))
    .expect("a valid messages request");
    let stream = client
        .inference()
        .create_messages_stream(request)
        .await
        .expect("the stream opens");
    let got: Vec<_> = drain(stream)
        .await
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .expect("every event decodes");
    let kinds: Vec<MessagesStreamEventType> = got.iter().map(|event| event.kind.clone()).collect();
    assert_eq!(
        kinds,
        vec![
            MessagesStreamEventType::MessageStart,
            MessagesStreamEventType::ContentBlockDelta,
            MessagesStreamEventType::Ping,
            MessagesStreamEventType::MessageDelta,
            MessagesStreamEventType::MessageStop,
        ]
    );
    assert_eq!(
        got[1].delta.as_ref().map(|d| d["text"].clone()),
        Some(json!("Hi"))
    );
    assert_eq!(
        got[3].usage.as_ref().and_then(|usage| usage.output_tokens),
        Some(3)
    );
}

#[tokio::test]
async fn an_event_over_the_cap_is_an_error_and_the_rest_is_not_read() {
    const CAP: usize = 4 * 1024;
    // One good event, then a `data:` line that never ends: 32 MiB in 64 KiB chunks.
    let mut parts = vec![chunked(hello_events()[1].as_bytes()), chunked(b"data: ")];
    let filler = vec![b'x'; 64 * 1024];
    let total_filler = 512 * filler.len();
    parts.extend(std::iter::repeat_n(chunked(&filler), 512));
    let (url, log) = serve(Script {
        head: SSE_CHUNKED.to_owned(),
        parts,
        hold_open: false,
    })
    .await;
    let client = builder()
        .inference_base_url(&url)
        .max_event_bytes(CAP)
        .build()
        .expect("valid client");
    let items = drain(open_chat(&client).await).await;
    assert_eq!(items.len(), 2, "one event, then the error, then the end");
    assert_eq!(content_of(items[0].as_ref().expect("first event")), "Hel");
    match &items[1] {
        Err(Error::ResponseTooLarge {
            limit,
            status,
            path,
            ..
        }) => {
            assert_eq!(*limit, CAP);
            assert_eq!(*status, 200);
            assert_eq!(path, "/v1/chat/completions");
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
    // The stream is gone, so the connection is closed: the server cannot have delivered all of it.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let written = log.body_bytes_written.load(Ordering::SeqCst);
    assert!(
        written < total_filler,
        "the client read the whole {total_filler} bytes ({written}) instead of stopping at the cap"
    );
}

#[tokio::test]
async fn an_error_status_before_the_stream_is_a_typed_api_error() {
    let body =
        r#"{"id":"unauthorized","message":"Unable to authenticate you.","request_id":"rq-7"}"#;
    let (url, log) = serve(Script {
        head: format!(
            "HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        ),
        parts: vec![body.as_bytes().to_vec()],
        hold_open: false,
    })
    .await;
    let client = inference_client(&url);
    let err = client
        .inference()
        .create_chat_completion_stream(chat_request())
        .await
        .expect_err("401 before any event");
    assert!(err.is_unauthorized(), "{err:?}");
    let api = err.api_error().expect("an API error");
    assert_eq!(api.status, 401);
    assert_eq!(api.id, "unauthorized");
    assert_eq!(api.message, "Unable to authenticate you.");
    assert_eq!(api.request_id.as_deref(), Some("rq-7"));
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(INFERENCE_KEY) && !shown.contains(common::SECRET_TOKEN));
    // A POST that the server answered is never retried.
    assert_eq!(log.requests.lock().expect("log").len(), 1);
}

#[tokio::test]
async fn a_connection_cut_inside_an_event_is_an_error() {
    let (url, _log) = serve(Script {
        head: SSE_CHUNKED.to_owned(),
        parts: vec![
            chunked(hello_events()[1].as_bytes()),
            chunked(b"data: {\"id\":\"c1\",\"choi"),
        ],
        hold_open: false,
    })
    .await;
    let items = drain(open_chat(&inference_client(&url)).await).await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(content_of(items[0].as_ref().expect("first event")), "Hel");
    let err = items[1].as_ref().expect_err("the cut");
    assert!(err.is_transport(), "{err:?}");
}

#[tokio::test]
async fn a_chunked_stream_cut_between_events_is_an_error_not_a_silent_end() {
    // Whole events, then the connection closes without the last chunk and without [DONE].
    let (url, _log) = serve(Script {
        head: SSE_CHUNKED.to_owned(),
        parts: vec![
            chunked(hello_events()[0].as_bytes()),
            chunked(hello_events()[1].as_bytes()),
        ],
        hold_open: false,
    })
    .await;
    let items = drain(open_chat(&inference_client(&url)).await).await;
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(items[0].is_ok() && items[1].is_ok());
    let err = items[2].as_ref().expect_err("the cut");
    assert!(err.is_transport(), "{err:?}");
}

#[tokio::test]
async fn a_stream_shorter_than_its_content_length_is_an_error() {
    let event = hello_events()[1].clone();
    let (url, _log) = serve(Script {
        head: format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: {}\r\n\r\n",
            event.len() + 500
        ),
        parts: vec![event.into_bytes()],
        hold_open: false,
    })
    .await;
    let items = drain(open_chat(&inference_client(&url)).await).await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items[0].is_ok());
    let err = items[1].as_ref().expect_err("the short body");
    assert!(err.is_transport(), "{err:?}");
}

#[tokio::test]
async fn an_event_that_does_not_decode_names_the_operation_and_ends_the_stream() {
    let (url, _log) = serve(Script {
        head: SSE_CHUNKED.to_owned(),
        parts: vec![
            chunked(b"data: {\"id\": 5}\n\n"),
            chunked(hello_events()[1].as_bytes()),
            LAST_CHUNK.to_vec(),
        ],
        hold_open: false,
    })
    .await;
    let items = drain(open_chat(&inference_client(&url)).await).await;
    assert_eq!(items.len(), 1, "{items:?}");
    let err = items[0].as_ref().expect_err("undecodable");
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(
        err.to_string().contains("inference.create_chat_completion"),
        "{err}"
    );
}

fn limited_client(url: &str, idle: Duration, overall: Duration) -> Client {
    builder()
        .attempt_timeout(idle)
        .overall_timeout(overall)
        .inference_base_url(url)
        .inference_access_key(INFERENCE_KEY)
        .build()
        .expect("valid client")
}

#[tokio::test]
async fn an_error_event_is_an_api_error_with_the_servers_message() {
    let mut body = hello_events()[0].clone();
    body.push_str(
        "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded, try later\"}}\n\n",
    );
    body.push_str(&hello_events()[1]);
    let (url, _log) = serve(Script {
        head: SSE_CHUNKED.replace("\r\n\r\n", "\r\nx-request-id: sse-42\r\n\r\n"),
        parts: vec![chunked(body.as_bytes()), LAST_CHUNK.to_vec()],
        hold_open: false,
    })
    .await;
    let items = drain(open_chat(&inference_client(&url)).await).await;
    assert_eq!(items.len(), 2, "the error ends the stream: {items:?}");
    assert!(items[0].is_ok());
    let err = items[1].as_ref().expect_err("the error event");
    let api = err.api_error().expect("an API error");
    assert_eq!(api.message, "Overloaded, try later");
    assert_eq!(api.id, "overloaded_error");
    assert_eq!(api.request_id.as_deref(), Some("sse-42"));
    assert!(err.to_string().contains("Overloaded, try later"), "{err}");
}

#[tokio::test]
async fn keep_alive_comments_do_not_hold_a_silent_stream_open() {
    // One event, then a comment every 5 ms for about 2 s: nothing but keep-alives.
    let mut parts = vec![chunked(hello_events()[0].as_bytes())];
    parts.extend((0..400).map(|_| chunked(b": keep-alive\n\n")));
    let (url, _log) = serve(Script {
        head: SSE_CHUNKED.to_owned(),
        parts,
        hold_open: true,
    })
    .await;
    let client = limited_client(&url, Duration::from_millis(300), Duration::from_secs(20));
    let started = std::time::Instant::now();
    let items = drain(open_chat(&client).await).await;
    assert_eq!(items.len(), 2, "{items:?}");
    match &items[1] {
        Err(Error::Timeout { limit, after, .. }) => {
            assert_eq!(*limit, oxido::TimeoutKind::Attempt);
            assert_eq!(*after, Duration::from_millis(300));
        }
        other => panic!("expected the idle limit, got {other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_millis(1_500),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn the_overall_limit_holds_for_a_stream_that_keeps_talking() {
    // A data event every 5 ms for about 2 s: never idle, but longer than the overall limit.
    let parts = (0..400)
        .map(|_| chunked(hello_events()[1].as_bytes()))
        .collect();
    let (url, _log) = serve(Script {
        head: SSE_CHUNKED.to_owned(),
        parts,
        hold_open: true,
    })
    .await;
    let client = limited_client(&url, Duration::from_millis(300), Duration::from_millis(500));
    let started = std::time::Instant::now();
    let items = drain(open_chat(&client).await).await;
    match items.last() {
        Some(Err(Error::Timeout { limit, .. })) => assert_eq!(*limit, oxido::TimeoutKind::Overall),
        other => panic!("expected the overall limit, got {other:?}"),
    }
    assert!(
        items.len() > 2,
        "events flowed until the limit: {}",
        items.len()
    );
    assert!(
        started.elapsed() < Duration::from_millis(1_500),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_complete_body_without_done_is_an_error() {
    let (url, _log) = serve(Script {
        head: SSE_CHUNKED.to_owned(),
        parts: vec![chunked(hello_events()[0].as_bytes()), LAST_CHUNK.to_vec()],
        hold_open: false,
    })
    .await;
    let items = drain(open_chat(&inference_client(&url)).await).await;
    assert_eq!(items.len(), 2, "{items:?}");
    let err = items[1].as_ref().expect_err("no [DONE]");
    assert!(
        err.is_transport() && err.to_string().contains("[DONE]"),
        "{err}"
    );
}
