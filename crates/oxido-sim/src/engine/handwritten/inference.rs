//! The inference routes: nothing is stored (a completion changes no state), so each
//! answer is computed from the request: the model asked for, one choice per `n`, one
//! embedding per input, one image per `n`, token counts from the text sent. The reply
//! text says it comes from the emulator and echoes the last user message.

use crate::engine::spec::OpId;
use axum::response::Response;
use serde_json::{Value, json};

use super::behave::field;
use crate::engine::call::Call;
use crate::engine::generate;
use crate::engine::shape::answer;
use crate::wire::error::ApiError;

/// Most choices, embeddings or images one request gets.
const MAX_N: u64 = 16;

fn model(call: &Call<'_>, member: &str) -> Result<String, ApiError> {
    field(call, member)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| ApiError::bad_request(format!("{member}: is required")))
}

/// Words in a value's text, a stand-in for its tokens.
fn tokens(value: &Value) -> u64 {
    match value {
        Value::String(s) => s.split_whitespace().count() as u64,
        Value::Array(items) => items.iter().map(tokens).sum(),
        Value::Object(map) => map.values().map(tokens).sum(),
        _ => 0,
    }
}

/// The text of a message's `content` (a string, or parts with `text`).
fn text_of(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

/// The messages of the body, non-empty.
fn messages<'a>(call: &'a Call<'_>) -> Result<&'a Vec<Value>, ApiError> {
    field(call, "messages")
        .and_then(Value::as_array)
        .filter(|m| !m.is_empty())
        .ok_or_else(|| ApiError::bad_request("messages: at least one message is required"))
}

fn echo(messages: &[Value]) -> String {
    let last = messages
        .iter()
        .rev()
        .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))
        .or_else(|| messages.last())
        .and_then(|m| m.get("content"))
        .map(text_of)
        .unwrap_or_default();
    let mut short: String = last.chars().take(200).collect();
    if short.len() < last.len() {
        short.push('…');
    }
    format!("oxido-sim reply to: {short}")
}

fn n(call: &Call<'_>) -> Result<u64, ApiError> {
    let n = field(call, "n").and_then(Value::as_u64).unwrap_or(1);
    if n == 0 || n > MAX_N {
        return Err(ApiError::bad_request(format!("n: between 1 and {MAX_N}")));
    }
    Ok(n)
}

fn unix_now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// POST /v1/chat/completions and /api/v1/chat/completions (an agent's).
pub(super) fn chat(call: &Call<'_>) -> Result<Response, ApiError> {
    let messages = messages(call)?;
    let model = field(call, "model")
        .and_then(Value::as_str)
        .unwrap_or("agent")
        .to_owned();
    let reply = echo(messages);
    let completion = tokens(&Value::String(reply.clone()));
    let prompt = tokens(&Value::Array(messages.clone()));
    let choices: Vec<Value> = (0..n(call)?)
        .map(|i| {
            json!({
                "index": i,
                "finish_reason": "stop",
                "logprobs": null,
                "message": {"role": "assistant", "content": reply, "refusal": null, "reasoning_content": null},
            })
        })
        .collect();
    answer(
        call.op,
        Some(json!({
            "id": format!("chatcmpl-{}", generate::uuid().replace('-', "")),
            "object": "chat.completion",
            "created": unix_now(),
            "model": model,
            "choices": choices,
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": completion * (choices.len() as u64),
                "total_tokens": prompt + completion * (choices.len() as u64),
                "cache_created_input_tokens": 0,
                "cache_read_input_tokens": 0,
                "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
            },
        })),
    )
}

/// POST /v1/messages (Anthropic's shape).
pub(super) fn messages_api(call: &Call<'_>) -> Result<Response, ApiError> {
    let model = model(call, "model")?;
    let messages = messages(call)?;
    let max = field(call, "max_tokens")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    if max <= 0 {
        return Err(ApiError::bad_request("max_tokens must be positive"));
    }
    let reply = echo(messages);
    answer(
        call.op,
        Some(json!({
            "id": format!("msg_{}", generate::uuid().replace('-', "")),
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [{"type": "text", "text": reply}],
            "stop_reason": "end_turn",
            "usage": {
                "input_tokens": tokens(&Value::Array(messages.clone())),
                "output_tokens": tokens(&Value::String(reply)),
            },
        })),
    )
}

/// POST /v1/responses
pub(super) fn responses(call: &Call<'_>) -> Result<Response, ApiError> {
    let model = model(call, "model")?;
    let input = field(call, "input")
        .cloned()
        .ok_or_else(|| ApiError::bad_request("input: is required"))?;
    let reply = match &input {
        Value::Array(items) => echo(items),
        other => echo(&[json!({"role": "user", "content": other})]),
    };
    let mut out = json!({
        "id": format!("resp_{}", generate::uuid().replace('-', "")),
        "object": "response",
        "created": unix_now(),
        "model": model,
        "status": "completed",
        "output": [{
            "type": "message",
            "id": format!("msg_{}", generate::uuid().replace('-', "")),
            "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": reply}],
        }],
        "usage": {
            "input_tokens": tokens(&input),
            "output_tokens": tokens(&Value::String(reply)),
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens_details": {"reasoning_tokens": 0, "tool_output_tokens": 0},
        },
    });
    for echoed in ["max_output_tokens", "temperature", "instructions"] {
        if let Some(v) = field(call, echoed) {
            out[echoed] = v.clone();
        }
    }
    out["usage"]["total_tokens"] = json!(
        out["usage"]["input_tokens"].as_u64().unwrap_or(0)
            + out["usage"]["output_tokens"].as_u64().unwrap_or(0)
    );
    answer(call.op, Some(out))
}

/// A small vector that depends only on the text, so equal inputs embed equally.
fn embedding(text: &str) -> Vec<f64> {
    let mut state: u64 = 0xcbf2_9ce4_8422_2325;
    (0..8)
        .map(|_| {
            for b in text.bytes() {
                state ^= u64::from(b);
                state = state.wrapping_mul(0x0100_0000_01b3);
            }
            state = state.rotate_left(17);
            // Into [-1, 1).
            f64::from((state >> 40) as u32) / f64::from(1u32 << 23) - 1.0
        })
        .collect()
}

/// POST /v1/embeddings: one embedding per input string.
pub(super) fn embeddings(call: &Call<'_>) -> Result<Response, ApiError> {
    let model = model(call, "model")?;
    let inputs: Vec<String> = match field(call, "input") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
            .collect(),
        _ => {
            return Err(ApiError::bad_request(
                "input: a string or a list is required",
            ));
        }
    };
    crate::limits::bounded_array("input", &inputs, crate::limits::MAX_ARRAY_ITEMS)?;
    let used: u64 = inputs
        .iter()
        .map(|s| s.split_whitespace().count() as u64)
        .sum();
    let data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .map(|(i, s)| json!({"object": "embedding", "index": i, "embedding": embedding(s)}))
        .collect();
    answer(
        call.op,
        Some(json!({
            "object": "list",
            "model": model,
            "data": data,
            "usage": {"prompt_tokens": used, "total_tokens": used},
        })),
    )
}

/// A 1×1 transparent PNG.
const PIXEL_PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/// POST /v1/images/generations: `n` images of the size asked for.
pub(super) fn images(call: &Call<'_>) -> Result<Response, ApiError> {
    let prompt = field(call, "prompt")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::bad_request("prompt: is required"))?;
    let data: Vec<Value> = (0..n(call)?)
        .map(|_| json!({"b64_json": PIXEL_PNG, "revised_prompt": prompt}))
        .collect();
    let mut out = json!({"created": unix_now(), "data": data});
    for echoed in ["size", "quality", "output_format", "background"] {
        if let Some(v) = field(call, echoed) {
            out[echoed] = v.clone();
        }
    }
    answer(call.op, Some(out))
}

/// POST /v1/async-invoke: the request queued for the model named.
pub(super) fn async_invoke(call: &Call<'_>) -> Result<Response, ApiError> {
    let model = model(call, "model_id")?;
    answer(
        call.op,
        Some(json!({
            "request_id": generate::uuid(),
            "model_id": model,
            "status": "QUEUED",
            "created_at": generate::now(),
            "output": {},
        })),
    )
}

/// POST /v1/batches/{batch_id}/cancel: a batch still running ends `cancelled`; one in
/// a terminal state is refused (409), as documented.
pub(super) fn cancel_batch(call: &Call<'_>) -> Result<Response, ApiError> {
    let id = super::behave::value(call, 0);
    let batch = super::object::with_object(call, "/v1/batches", &id, |batch| {
        let status = batch.get("status").and_then(Value::as_str).unwrap_or("");
        if matches!(status, "completed" | "failed" | "expired" | "cancelled") {
            return Err(super::behave::conflict(format!(
                "batch {id} already ended ({status})"
            )));
        }
        batch["status"] = Value::String("cancelled".into());
        batch["cancelled_at"] = Value::String(generate::now());
        Ok(batch.clone())
    })?;
    answer(call.op, Some(batch))
}

/// Serves the inference routes whose answers are computed (and change nothing); `None`
/// for any other operation.
pub(super) fn dispatch(call: &Call<'_>) -> Result<Option<Response>, ApiError> {
    let response = match call.op {
        OpId::InferenceCreateChatCompletion | OpId::AgentInferenceCreateChatCompletion => {
            chat(call)
        }
        OpId::InferenceCreateMessages => messages_api(call),
        OpId::InferenceCreateResponse => responses(call),
        OpId::InferenceCreateEmbedding => embeddings(call),
        OpId::InferenceCreateImage => images(call),
        OpId::InferenceCreateAsyncInvoke => async_invoke(call),
        _ => return Ok(None),
    };
    response.map(Some)
}
