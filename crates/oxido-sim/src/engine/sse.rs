//! `text/event-stream` answers for the operations that stream when the request body
//! says `"stream": true` (chat completions, messages, responses, image generations).
//!
//! Each event is built for its family (a reply sent a few words at a time, or partial
//! images) and checked against the description's event schema; an event that would
//! not validate is left out (and if none would, one generated from the schema is
//! sent), so every `data:` line decodes as the documented event. The stream ends
//! with `data: [DONE]`. The request body was validated before any of this runs.

use axum::body::{Body, Bytes};
use axum::response::Response;
use http::{HeaderValue, StatusCode, header};
use jsonschema::Validator;
use serde_json::{Value, json};

use crate::engine::generate;
use crate::engine::spec::Operation;

/// The media type of a streamed answer.
pub(crate) const EVENT_STREAM: &str = "text/event-stream";

/// The reply every streamed text answer spells out, one word per event.
const REPLY: [&str; 8] = [
    "This ",
    "is ",
    "a ",
    "streamed ",
    "reply ",
    "from ",
    "oxido-sim",
    ".",
];

/// The last line of every stream.
const DONE: &[u8] = b"data: [DONE]\n\n";

/// A 1x1 transparent PNG, base64-encoded, for partial images.
const PIXEL_PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg==";

/// Longest request string (a model name) echoed into events.
const ECHO_MAX: usize = 256;

/// The event schema of an operation that can stream, with its compiled validator.
struct EventSchema<'a> {
    schema: &'a Value,
    validator: Option<&'a Validator>,
}

impl EventSchema<'_> {
    fn valid(&self, event: &Value) -> bool {
        self.validator.is_none_or(|v| v.is_valid(event))
    }
}

/// Whether the request body asks for a stream.
pub(crate) fn wants_stream(body: Option<&Value>) -> bool {
    body.and_then(|b| b.get("stream")).and_then(Value::as_bool) == Some(true)
}

/// The streamed answer when the operation can stream and the body asks for it.
pub(crate) fn respond(operation: &Operation, body: Option<&Value>) -> Option<Response> {
    let stream = operation.stream.as_ref()?;
    if !wants_stream(body) {
        return None;
    }
    let events = EventSchema {
        schema: &stream.schema,
        validator: stream.validator.as_ref(),
    };
    Some(stream_response(frames(
        &events,
        body.unwrap_or(&Value::Null),
    )))
}

/// One SSE frame: an optional `event:` line, the `data:` line, a blank line.
fn frame(event: Option<&str>, data: &Value) -> Bytes {
    let mut out = Vec::with_capacity(256);
    if let Some(name) = event {
        out.extend_from_slice(b"event: ");
        out.extend_from_slice(name.as_bytes());
        out.push(b'\n');
    }
    out.extend_from_slice(b"data: ");
    // A serialized JSON value holds no raw newline, so it fits one `data:` line.
    if serde_json::to_writer(&mut out, data).is_err() {
        out.extend_from_slice(b"{}");
    }
    out.extend_from_slice(b"\n\n");
    Bytes::from(out)
}

fn stream_response(frames: Vec<Bytes>) -> Response {
    let chunks = frames
        .into_iter()
        .chain(std::iter::once(Bytes::from_static(DONE)))
        .map(Ok::<_, std::convert::Infallible>);
    let mut response = Response::new(Body::from_stream(futures::stream::iter(chunks)));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(EVENT_STREAM));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// The name of the definition the event schema refers to (`chat_completion_chunk`).
fn family(schema: &Value) -> &str {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
        .unwrap_or("")
}

fn frames(events: &EventSchema<'_>, body: &Value) -> Vec<Bytes> {
    let base = generate::conforming(events.schema, None, events.validator);
    let model = body
        .get("model")
        .and_then(Value::as_str)
        .filter(|m| !m.is_empty() && m.len() <= ECHO_MAX);
    let built = match family(events.schema) {
        "chat_completion_chunk" | "create_response_stream_response" => chunks(&base, model, body),
        "messages_stream_event" => message_events(model),
        "image_gen_partial_image_event" => partial_images(events, &base, body),
        _ => Vec::new(),
    };
    // Only events that decode as the documented event are sent; if none would, the
    // plain generated one is.
    let mut valid: Vec<Value> = built.into_iter().filter(|v| events.valid(v)).collect();
    if valid.is_empty() {
        valid.push(base);
    }
    valid
        .iter()
        .map(|v| {
            // The Messages API names each event after its type.
            let name = (family(events.schema) == "messages_stream_event")
                .then(|| v.get("type").and_then(Value::as_str))
                .flatten();
            frame(name, v)
        })
        .collect()
}

/// A fresh id shaped like the template's (`chatcmpl-abc123` → `chatcmpl-<hex>`).
fn fresh_id(template: Option<&str>, fallback: &str, separator: char) -> String {
    let prefix = template
        .and_then(|t| t.split_once(separator).map(|(p, _)| p))
        .filter(|p| !p.is_empty())
        .unwrap_or(fallback);
    let hex: String = generate::uuid().chars().filter(|c| *c != '-').collect();
    format!("{prefix}{separator}{}", &hex[..24])
}

fn unix_now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// Chat-completion style chunks: the role first, then the reply a word at a time,
/// then `finish_reason: "stop"`, then (when `stream_options.include_usage`) usage.
fn chunks(base: &Value, model: Option<&str>, body: &Value) -> Vec<Value> {
    let mut head = base.clone();
    let Some(obj) = head.as_object_mut() else {
        return vec![base.clone()];
    };
    let fallback = if obj.get("object").and_then(Value::as_str) == Some("response.chunk") {
        "response"
    } else {
        "chatcmpl"
    };
    let id = fresh_id(obj.get("id").and_then(Value::as_str), fallback, '-');
    obj.insert("id".into(), Value::String(id));
    obj.insert("created".into(), Value::from(unix_now()));
    if let Some(model) = model {
        obj.insert("model".into(), Value::String(model.to_owned()));
    }
    if obj.contains_key("usage") {
        obj.insert("usage".into(), Value::Null);
    }
    let choice = |delta: Value, finish: Value| {
        let mut event = head.clone();
        event["choices"] = json!([{
            "index": 0,
            "delta": delta,
            "logprobs": null,
            "finish_reason": finish,
        }]);
        event
    };
    let mut out = vec![choice(
        json!({"role": "assistant", "content": ""}),
        Value::Null,
    )];
    for word in REPLY {
        out.push(choice(json!({"content": word}), Value::Null));
    }
    out.push(choice(json!({}), json!("stop")));
    let include_usage = body
        .pointer("/stream_options/include_usage")
        .and_then(Value::as_bool)
        == Some(true);
    if include_usage && head.get("usage").is_some() {
        let prompt = prompt_tokens(body);
        let completion = REPLY.len() as u64;
        let mut last = head.clone();
        last["choices"] = json!([]);
        last["usage"] = json!({
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "cache_created_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
        });
        out.push(last);
    }
    out
}

/// A rough token count of the request's messages or input: one per word.
fn prompt_tokens(body: &Value) -> u64 {
    fn words(v: &Value) -> u64 {
        match v {
            Value::String(s) => s.split_whitespace().count() as u64,
            Value::Array(items) => items.iter().map(words).sum(),
            Value::Object(map) => map
                .iter()
                .filter(|(k, _)| matches!(k.as_str(), "content" | "text" | "input" | "messages"))
                .map(|(_, v)| words(v))
                .sum(),
            _ => 0,
        }
    }
    ["messages", "input"]
        .iter()
        .filter_map(|k| body.get(*k))
        .map(words)
        .sum::<u64>()
        .max(1)
}

/// The Messages API's event sequence for one text block.
fn message_events(model: Option<&str>) -> Vec<Value> {
    let model = model.unwrap_or("anthropic-claude-sonnet-4");
    let mut out = vec![
        json!({"type": "message_start", "message": {
            "id": fresh_id(None, "msg", '_'),
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [],
            "stop_reason": null,
            "stop_sequence": null,
            "usage": {"input_tokens": 1, "output_tokens": 1},
        }}),
        json!({"type": "content_block_start", "index": 0,
               "content_block": {"type": "text", "text": ""}}),
        json!({"type": "ping"}),
    ];
    for word in REPLY {
        out.push(json!({"type": "content_block_delta", "index": 0,
                        "delta": {"type": "text_delta", "text": word}}));
    }
    out.push(json!({"type": "content_block_stop", "index": 0}));
    out.push(json!({"type": "message_delta",
                    "delta": {"stop_reason": "end_turn", "stop_sequence": null},
                    "usage": {"output_tokens": REPLY.len()}}));
    out.push(json!({"type": "message_stop"}));
    out
}

/// As many partial images as asked for (`partial_images`, 1 to 3), with the request's
/// size, quality, background and output format where the event allows them.
fn partial_images(events: &EventSchema<'_>, base: &Value, body: &Value) -> Vec<Value> {
    let count = body
        .get("partial_images")
        .and_then(Value::as_u64)
        .unwrap_or(1)
        .clamp(1, 3);
    let mut event = base.clone();
    let Some(obj) = event.as_object_mut() else {
        return vec![base.clone()];
    };
    obj.insert("b64_json".into(), Value::String(PIXEL_PNG.into()));
    obj.insert("created_at".into(), Value::from(unix_now()));
    if !events.valid(&event) {
        event = base.clone();
    }
    for field in ["size", "quality", "background", "output_format"] {
        if let Some(Value::String(given)) = body.get(field) {
            let mut tried = event.clone();
            tried[field] = Value::String(given.clone());
            if events.valid(&tried) {
                event = tried;
            }
        }
    }
    (0..count)
        .map(|index| {
            let mut partial = event.clone();
            partial["partial_image_index"] = Value::from(index);
            if events.valid(&partial) {
                partial
            } else {
                event.clone()
            }
        })
        .collect()
}
