//! Every operation's documented example request, sent with plain reqwest to a fresh
//! demo emulator in the order reads, writes, deletes. Each must answer 2xx with a body
//! valid for its response schema, unless `unanswerable.txt` lists it with a reason.

use std::collections::BTreeSet;
use std::time::Duration;

use oxido_sim::Sim;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::common::client;

const UNANSWERABLE: &str = include_str!("unanswerable.txt");

pub(crate) fn spec() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../spec/digitalocean-openapi.json"
    );
    let bytes = std::fs::read(path).expect("the vendored spec is readable");
    serde_json::from_slice(&bytes).expect("the vendored spec is JSON")
}

pub(crate) fn resolve<'a>(spec: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(r) => value = spec.pointer(&r[1..]).expect("reference resolves"),
            None => break,
        }
    }
    value
}

pub(crate) fn example_of(spec: &Value, holder: &Value) -> Option<Value> {
    if let Some(example) = holder.get("example") {
        return Some(example.clone());
    }
    let first = holder.get("examples")?.as_object()?.values().next()?;
    resolve(spec, first).get("value").cloned()
}

/// A body with only the required members, from the schema's examples where it has them.
pub(crate) fn required_only(spec: &Value, schema: &Value, depth: u32) -> Value {
    let schema = resolve(spec, schema);
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(Value::Array(values)) = schema.get("enum") {
        return values[0].clone();
    }
    if schema.get("allOf").is_some() {
        let (mut properties, mut required) = (Map::new(), Vec::new());
        flatten(spec, schema, &mut properties, &mut required);
        let mut out = Map::new();
        for name in required {
            let prop = properties.get(&name).cloned().unwrap_or(Value::Null);
            out.insert(name, required_only(spec, &prop, depth + 1));
        }
        return Value::Object(out);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(alternatives)) = schema.get(key) {
            return required_only(spec, &alternatives[0], depth + 1);
        }
    }
    let kind = schema.get("type").and_then(Value::as_str).unwrap_or(
        if schema.get("properties").is_some() {
            "object"
        } else {
            "string"
        },
    );
    match kind {
        "object" => {
            let mut out = Map::new();
            if depth < 10 {
                for name in schema["required"].as_array().into_iter().flatten() {
                    let name = name.as_str().unwrap_or_default();
                    let prop = &schema["properties"][name];
                    out.insert(name.to_owned(), required_only(spec, prop, depth + 1));
                }
            }
            // A request schema that marks nothing required (`POST /v2/tags`): the
            // members it gives an example for, as its code samples send them.
            if depth == 0 && schema.get("required").is_none() {
                for (name, prop) in schema["properties"].as_object().into_iter().flatten() {
                    let prop = resolve(spec, prop);
                    if let Some(example) = prop.get("example")
                        && prop.get("readOnly") != Some(&Value::Bool(true))
                    {
                        out.insert(name.clone(), example.clone());
                    }
                }
            }
            Value::Object(out)
        }
        "array" => json!([required_only(spec, &schema["items"], depth + 1)]),
        "integer" | "number" => json!(schema.get("minimum").and_then(Value::as_i64).unwrap_or(1)),
        "boolean" => json!(true),
        _ => match schema.get("format").and_then(Value::as_str) {
            Some("uuid") => json!("3d3c6d4e-7c5a-4b8e-9f10-2a1b3c4d5e6f"),
            Some("date-time") => json!("2026-01-01T00:00:00Z"),
            Some("ipv4") => json!("192.0.2.10"),
            Some("email") => json!("sammy@example.com"),
            _ => json!("example"),
        },
    }
}

/// The properties and required names of a schema and its `allOf` parts together.
pub(crate) fn flatten(
    spec: &Value,
    schema: &Value,
    properties: &mut Map<String, Value>,
    required: &mut Vec<String>,
) {
    let schema = resolve(spec, schema);
    if let Some(Value::Object(props)) = schema.get("properties") {
        for (k, v) in props {
            properties.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    for name in schema["required"].as_array().into_iter().flatten() {
        if let Some(name) = name.as_str()
            && !required.iter().any(|r| r == name)
        {
            required.push(name.to_owned());
        }
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        flatten(spec, part, properties, required);
    }
}

#[derive(Debug)]
struct Example {
    method: String,
    template: String,
    url: String,
    bodies: Vec<(Vec<u8>, String)>,
}

fn examples(spec: &Value) -> Vec<Example> {
    let mut out = Vec::new();
    for (template, item) in spec["paths"].as_object().expect("paths") {
        for method in ["get", "post", "put", "patch", "delete"] {
            let Some(op) = item.get(method) else { continue };
            let params: Vec<&Value> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .chain(item["parameters"].as_array().into_iter().flatten())
                .map(|p| resolve(spec, p))
                .collect();
            let value_of = |p: &Value| {
                let v = example_of(spec, p)
                    .or_else(|| resolve(spec, &p["schema"]).get("example").cloned())
                    .unwrap_or(Value::Null);
                match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                }
            };
            let mut url = template.clone();
            let mut query = Vec::new();
            for p in &params {
                let name = p["name"].as_str().unwrap_or_default();
                match p["in"].as_str() {
                    Some("path") => {
                        let value = value_of(p);
                        // The GenAI paths quote their example id (`"\"123e…\""`); a client
                        // sends the id inside, which is the id the demo holds.
                        let value = value
                            .strip_prefix('"')
                            .and_then(|v| v.strip_suffix('"'))
                            .map_or(value.clone(), str::to_owned);
                        let encoded = utf8_percent_encode(&value, NON_ALPHANUMERIC).to_string();
                        url = url.replace(&format!("{{{name}}}"), &encoded);
                    }
                    // Required parameters, and optional ones the description gives an example for.
                    Some("query")
                        if p["required"] == true
                            || example_of(spec, p).is_some()
                            || resolve(spec, &p["schema"]).get("example").is_some() =>
                    {
                        let example = example_of(spec, p)
                            .or_else(|| resolve(spec, &p["schema"]).get("example").cloned());
                        // An array travels as the parameter repeated.
                        let values: Vec<String> = match example {
                            Some(Value::Array(items)) => items
                                .iter()
                                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                                .collect(),
                            _ => vec![value_of(p)],
                        };
                        for value in values {
                            query.push(format!(
                                "{name}={}",
                                utf8_percent_encode(&value, NON_ALPHANUMERIC)
                            ));
                        }
                    }
                    _ => {}
                }
            }
            if !query.is_empty() {
                url = format!("{url}?{}", query.join("&"));
            }
            let mut bodies = Vec::new();
            if let Some(b) = op.get("requestBody") {
                let b = resolve(spec, b);
                let (media, content) = b["content"]
                    .as_object()
                    .and_then(|c| c.iter().next())
                    .expect("a request body has content");
                if media.contains("json") {
                    // Every documented example, in order; the first that answers 2xx counts.
                    let mut values: Vec<Value> = content
                        .get("example")
                        .cloned()
                        .into_iter()
                        .chain(
                            content["examples"]
                                .as_object()
                                .into_iter()
                                .flatten()
                                .filter_map(|(_, e)| resolve(spec, e).get("value").cloned()),
                        )
                        .collect();
                    if values.is_empty() {
                        // Without an example: the required members of each documented shape.
                        let schema = resolve(spec, &content["schema"]);
                        let shapes = schema
                            .get("oneOf")
                            .or_else(|| schema.get("anyOf"))
                            .and_then(Value::as_array);
                        let mapping = schema["discriminator"]["mapping"].as_object();
                        let property = schema["discriminator"]["propertyName"].as_str();
                        match shapes {
                            // Each value the discriminator documents, with its shape.
                            Some(_) if mapping.is_some() && property.is_some() => {
                                for (tag, target) in mapping.into_iter().flatten() {
                                    let shape = json!({ "$ref": target });
                                    let mut value = required_only(spec, &shape, 0);
                                    if let Some(map) = value.as_object_mut() {
                                        map.insert(
                                            property.unwrap_or_default().to_owned(),
                                            json!(tag),
                                        );
                                    }
                                    values.push(value);
                                }
                            }
                            Some(shapes) => values
                                .extend(shapes.iter().map(|shape| required_only(spec, shape, 0))),
                            None => values.push(required_only(spec, schema, 0)),
                        }
                    }
                    for value in values {
                        bodies.push((
                            serde_json::to_vec(&value).expect("serializes"),
                            media.clone(),
                        ));
                    }
                } else {
                    bodies.push((b"{\"custom_id\":\"1\"}\n".to_vec(), media.clone()));
                }
            }
            out.push(Example {
                method: method.to_uppercase(),
                template: template.clone(),
                url,
                bodies,
            });
        }
    }
    // Reads, then writes, then deletes (innermost first, so parents go last).
    out.sort_by_key(|e| {
        let phase = match e.method.as_str() {
            "GET" => 0,
            "DELETE" => 2,
            _ => 1,
        };
        let depth = if phase == 2 {
            usize::MAX - e.template.matches('/').count()
        } else {
            0
        };
        (phase, depth, e.template.clone())
    });
    out
}

fn unanswerable() -> BTreeSet<String> {
    UNANSWERABLE
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(" | ").map(|(op, _)| op.trim().to_owned()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_example_request_answers_2xx_in_read_write_delete_order() {
    let spec = spec();
    let sim = Sim::builder()
        .rate_limit_per_minute(100_000)
        .rate_limit_per_hour(1_000_000)
        // Actions finish at once, so one write never finds another still pending.
        .action_duration(Duration::ZERO)
        .start()
        .await
        .expect("sim starts");
    let examples = examples(&spec);
    assert_eq!(examples.len(), oxido_sim::__spec::operation_count());
    let client = client();
    let listed = unanswerable();
    let mut answered = 0;
    let mut unexpected = Vec::new();
    for example in &examples {
        let key = format!("{} {}", example.method, example.template);
        let method = Method::from_bytes(example.method.as_bytes()).expect("method");
        let mut url = format!("{}{}", sim.base_url(), example.url);
        let mut token = Some(sim.token());
        if example.template.starts_with("/<") {
            // The presigned upload: PUT, without a token, to the URL a file intent hands out.
            let intent = client
                .post(format!("{}/v1/batches/files", sim.base_url()))
                .bearer_auth(sim.token())
                .header("content-type", "application/json")
                .body(json!({ "file_name": "batch_requests.jsonl" }).to_string())
                .send()
                .await
                .expect("answered");
            let intent: Value =
                serde_json::from_str(&intent.text().await.expect("body")).expect("a file intent");
            url = intent["upload_url"]
                .as_str()
                .expect("upload_url")
                .to_owned();
            token = None;
        }
        let attempts: Vec<Option<&(Vec<u8>, String)>> = if example.bodies.is_empty() {
            vec![None]
        } else {
            example.bodies.iter().map(Some).collect()
        };
        // Every documented example is sent, in order (attach, then detach): the
        // operation counts if one answers 2xx, and every 2xx body must fit its schema.
        let mut sent = String::new();
        let mut succeeded = false;
        let mut problem = None;
        let mut failure = None;
        for body in attempts {
            let mut request = client.request(method.clone(), &url);
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            if let Some((bytes, media)) = body {
                sent = String::from_utf8_lossy(bytes).chars().take(300).collect();
                request = request
                    .header("content-type", media.as_str())
                    .body(bytes.clone());
            }
            let response = request.send().await.expect("answered");
            let status = response.status();
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let text = response.text().await.expect("body");
            if !status.is_success() {
                failure.get_or_insert_with(|| {
                    format!("{status}: {}", text.chars().take(300).collect::<String>())
                });
                continue;
            }
            succeeded = true;
            if content_type.starts_with("application/json") && !text.is_empty() {
                let body: Value = serde_json::from_str(&text).expect("a JSON answer parses");
                if let Some(schema) =
                    oxido_sim::__spec::response_schema(&example.method, &example.template)
                {
                    let validator = jsonschema::options()
                        .should_validate_formats(true)
                        .build(&schema)
                        .expect("response schema compiles");
                    if let Err(error) = validator.validate(&body) {
                        problem.get_or_insert_with(|| {
                            format!(
                                "answer does not match its schema at {}: {error}",
                                error.instance_path()
                            )
                        });
                    }
                }
            }
        }
        if !succeeded {
            problem = failure;
        }
        match problem {
            None => answered += 1,
            Some(why) => {
                println!("FAIL {key} -> {} {sent}: {why}", example.url);
                if !listed.contains(&key) {
                    unexpected.push(key);
                }
            }
        }
    }
    println!("{answered}/{} answered 2xx", examples.len());
    assert!(
        unexpected.is_empty(),
        "{} operations failed that unanswerable.txt does not list: {unexpected:#?}",
        unexpected.len()
    );
}
