//! Operations whose body says `"stream": true` answer `text/event-stream`: read raw
//! with plain reqwest, every `data:` event decodes as the description's event schema
//! and the stream ends with `data: [DONE]`.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::common::{client, demo};

/// Every `(method, path)` whose success answer documents `text/event-stream`.
fn streaming_operations() -> BTreeSet<(String, String)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../spec/digitalocean-openapi.json"
    );
    let spec: Value =
        serde_json::from_slice(&std::fs::read(path).expect("spec readable")).expect("spec is JSON");
    let mut out = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let Some(responses) = op.get("responses").and_then(Value::as_object) else {
                continue;
            };
            for (code, response) in responses {
                let response = match response.get("$ref").and_then(Value::as_str) {
                    Some(r) => spec.pointer(&r[1..]).expect("ref resolves"),
                    None => response,
                };
                if code.starts_with('2') && response["content"].get("text/event-stream").is_some() {
                    out.insert((method.to_uppercase(), path.clone()));
                }
            }
        }
    }
    out
}

/// A request body for each streaming operation (its required members, plus `stream`).
fn body_for(path: &str) -> (String, Value) {
    match path {
        "/v1/chat/completions" => (
            path.into(),
            json!({"model": "llama3.3-70b-instruct", "stream": true,
                   "stream_options": {"include_usage": true},
                   "messages": [{"role": "user", "content": "Say something short"}]}),
        ),
        "/api/v1/chat/completions" => (
            format!("{path}?agent=true"),
            json!({"model": "agent-model", "stream": true,
                   "messages": [{"role": "user", "content": "Hello"}]}),
        ),
        "/v1/messages" => (
            path.into(),
            json!({"model": "anthropic-claude-sonnet-4", "max_tokens": 64, "stream": true,
                   "messages": [{"role": "user", "content": "Hello"}]}),
        ),
        "/v1/responses" => (
            path.into(),
            json!({"model": "openai-gpt-oss-20b", "input": "Hello", "stream": true}),
        ),
        "/v1/images/generations" => (
            path.into(),
            json!({"model": "openai-gpt-image-1", "prompt": "a lighthouse", "n": 1,
                   "stream": true, "partial_images": 2, "size": "1024x1536"}),
        ),
        other => panic!("no body for streaming operation {other}: add one"),
    }
}

/// One parsed SSE frame: its `event:` name, if any, and its `data:` text.
#[derive(Debug)]
struct Frame {
    event: Option<String>,
    data: String,
}

/// Splits a raw `text/event-stream` body into frames (blank-line separated).
fn frames(raw: &str) -> Vec<Frame> {
    assert!(
        raw.ends_with("\n\n"),
        "the stream ends with a blank line: {raw:?}"
    );
    raw.split("\n\n")
        .filter(|f| !f.is_empty())
        .map(|frame| {
            let mut event = None;
            let mut data = Vec::new();
            for line in frame.lines() {
                if let Some(name) = line.strip_prefix("event: ") {
                    event = Some(name.to_owned());
                } else if let Some(text) = line.strip_prefix("data: ") {
                    data.push(text);
                } else {
                    panic!("unexpected line {line:?} in {frame:?}");
                }
            }
            assert_eq!(data.len(), 1, "one data line per event: {frame:?}");
            Frame {
                event,
                data: data[0].to_owned(),
            }
        })
        .collect()
}

#[tokio::test]
async fn streaming_operations_answer_server_sent_events_of_their_schema() {
    let operations = streaming_operations();
    assert_eq!(operations.len(), 5, "{operations:?}");
    let sim = demo(0).await;
    let http = client();
    for (method, path) in &operations {
        assert_eq!(method, "POST");
        let (target, body) = body_for(path);
        let url = format!("{}{target}", sim.base_url());
        let response = http
            .post(&url)
            .bearer_auth(sim.token())
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 200, "{path}");
        let media = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(media.starts_with("text/event-stream"), "{path}: {media}");
        assert!(response.headers().contains_key("x-request-id"), "{path}");
        let raw = response.text().await.expect("stream read");
        let frames = frames(&raw);
        let (last, events) = frames.split_last().expect("at least one frame");
        assert_eq!(last.data, "[DONE]", "{path}: ends with [DONE]");
        assert!(!events.is_empty(), "{path}: events before [DONE]");

        let schema = oxido_sim::__spec::event_schema("POST", path).expect("event schema");
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("schema compiles");
        let values: Vec<Value> = events
            .iter()
            .map(|f| {
                let value: Value = serde_json::from_str(&f.data)
                    .unwrap_or_else(|e| panic!("{path}: event not JSON ({e}): {}", f.data));
                if let Err(error) = validator.validate(&value) {
                    panic!("{path}: event does not match its schema: {error}: {value}");
                }
                if let Some(name) = &f.event {
                    assert_eq!(
                        value["type"],
                        name.as_str(),
                        "{path}: event name is its type"
                    );
                }
                value
            })
            .collect();
        check_family(path, &values, &body);

        // Without `stream`, the same operation answers JSON.
        let mut plain = body.clone();
        plain.as_object_mut().unwrap().remove("stream");
        let response = http
            .post(&url)
            .bearer_auth(sim.token())
            .header("content-type", "application/json")
            .body(plain.to_string())
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 200, "{path} without stream");
        let media = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(media.starts_with("application/json"), "{path}: {media}");
        let text = response.text().await.expect("read");
        let _: Value = serde_json::from_str(&text).expect("a JSON answer");
    }
}

/// What each family's events say, beyond their schema.
fn check_family(path: &str, events: &[Value], body: &Value) {
    const REPLY: &str = "This is a streamed reply from oxido-sim.";
    match path {
        "/v1/chat/completions" | "/api/v1/chat/completions" | "/v1/responses" => {
            let text: String = events
                .iter()
                .filter_map(|e| e["choices"][0]["delta"]["content"].as_str())
                .collect();
            assert_eq!(text, REPLY, "{path}");
            let ids: BTreeSet<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
            assert_eq!(ids.len(), 1, "{path}: every chunk has the same id");
            assert_eq!(events[0]["model"], body["model"], "{path}");
            let finished: Vec<&Value> = events
                .iter()
                .filter(|e| e["choices"][0]["finish_reason"] == "stop")
                .collect();
            assert_eq!(finished.len(), 1, "{path}: one chunk finishes");
            if body.pointer("/stream_options/include_usage") == Some(&json!(true)) {
                let last = events.last().unwrap();
                assert_eq!(last["choices"], json!([]), "{path}: usage chunk last");
                assert!(
                    last["usage"]["total_tokens"].as_u64().unwrap() > 0,
                    "{path}"
                );
            }
        }
        "/v1/messages" => {
            let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
            assert_eq!(types.first(), Some(&"message_start"), "{types:?}");
            assert_eq!(types.last(), Some(&"message_stop"), "{types:?}");
            let text: String = events
                .iter()
                .filter(|e| e["type"] == "content_block_delta")
                .filter_map(|e| e["delta"]["text"].as_str())
                .collect();
            assert_eq!(text, REPLY);
        }
        "/v1/images/generations" => {
            let indexes: Vec<u64> = events
                .iter()
                .map(|e| e["partial_image_index"].as_u64().unwrap())
                .collect();
            assert_eq!(indexes, [0, 1], "partial_images: 2");
            assert!(events.iter().all(|e| e["size"] == "1024x1536"));
        }
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn a_bad_streaming_request_is_refused_before_any_event() {
    let sim = demo(0).await;
    let response = client()
        .post(format!("{}/v1/chat/completions", sim.base_url()))
        .bearer_auth(sim.token())
        .header("content-type", "application/json")
        .body(json!({"stream": true, "messages": []}).to_string())
        .send()
        .await
        .expect("sent");
    assert!(response.status().is_client_error(), "{}", response.status());
    let media = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(media.starts_with("application/json"), "{media}");
    let error: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert!(
        error["message"].as_str().unwrap().contains("model"),
        "{error}"
    );
}
