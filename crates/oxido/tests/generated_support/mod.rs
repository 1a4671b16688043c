//! Support for the generated tests (`generated_examples.rs`, `generated_operations.rs`): the spec loaded
//! from `spec/`, the list of known-bad examples, JSON comparison that treats null and absent alike, and a
//! runner that sends every operation to a wiremock server on 127.0.0.1.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Decodes an example into its type and encodes it again: (expected, actual).
pub type Check = fn(&Value) -> Result<(Value, Value), String>;

/// The vendored spec, parsed once.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../spec/digitalocean-openapi.json"
        );
        let bytes = std::fs::read(path).expect("the vendored spec");
        serde_json::from_slice(&bytes).expect("the spec is JSON")
    })
}

fn at(pointer: &str) -> &'static Value {
    spec()
        .pointer(pointer)
        .unwrap_or_else(|| panic!("no example at {pointer}"))
}

fn round_trip<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, String> {
    let typed: T = serde_json::from_value(value.clone()).map_err(|err| format!("decode: {err}"))?;
    serde_json::to_value(&typed).map_err(|err| format!("encode: {err}"))
}

/// The whole example is a `T`.
pub fn whole<T: DeserializeOwned + Serialize>(value: &Value) -> Result<(Value, Value), String> {
    Ok((value.clone(), round_trip::<T>(value)?))
}

/// The example is `{"key": T}`.
pub fn member<T: DeserializeOwned + Serialize>(
    value: &Value,
    key: &str,
) -> Result<(Value, Value), String> {
    let inner = value
        .get(key)
        .ok_or_else(|| format!("the example has no `{key}` member"))?;
    Ok((inner.clone(), round_trip::<T>(inner)?))
}

/// The example is a page `{"key": [T], "links": …, "meta": …}`.
pub fn page<T: DeserializeOwned + Serialize>(
    value: &Value,
    key: &str,
) -> Result<(Value, Value), String> {
    let mut expected = Map::new();
    let mut actual = Map::new();
    let items = value
        .get(key)
        .ok_or_else(|| format!("the example has no `{key}` list"))?;
    expected.insert(key.to_owned(), items.clone());
    actual.insert(key.to_owned(), round_trip::<Vec<T>>(items)?);
    for (name, check) in [
        (
            "links",
            round_trip::<oxido::Links> as fn(&Value) -> Result<Value, String>,
        ),
        ("meta", round_trip::<oxido::Meta>),
    ] {
        if let Some(part) = value.get(name).filter(|v| !v.is_null()) {
            expected.insert(name.to_owned(), part.clone());
            actual.insert(name.to_owned(), check(part)?);
        }
    }
    Ok((Value::Object(expected), Value::Object(actual)))
}

/// Nulls removed from objects and every number as a float, so `null` ≡ absent and `1` ≡ `1.0`.
pub fn normalize(value: &Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), normalize(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(normalize).collect()),
        Value::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| value.clone(), Value::Number),
        other => other.clone(),
    }
}

/// Where two normalized values first differ, as a path.
pub fn first_difference(expected: &Value, actual: &Value, path: &str) -> Option<String> {
    match (expected, actual) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            keys.into_iter().find_map(|k| match (a.get(k), b.get(k)) {
                (Some(x), Some(y)) => first_difference(x, y, &format!("{path}.{k}")),
                (Some(_), None) => Some(format!("{path}.{k} is lost (not in the schema)")),
                (None, Some(_)) => Some(format!("{path}.{k} appears")),
                (None, None) => None,
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(x, y, &format!("{path}[{i}]"))),
        _ if expected == actual => None,
        _ => Some(format!("{path}: {expected} became {actual}")),
    }
}

/// `operationId kind name` → reason, from `generated_examples_known_bad.txt`.
pub fn known_bad() -> Vec<(String, String)> {
    let text = include_str!("../generated_examples_known_bad.txt");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (key, reason) = l.split_once(": ").unwrap_or((l, ""));
            (key.trim().to_owned(), reason.trim().to_owned())
        })
        .collect()
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Runs every example check; listed examples must fail and unlisted ones must pass.
pub fn run_examples(table: &[(&str, &str, &str, &str, Check)]) {
    let listed = known_bad();
    let mut passed = 0;
    let mut listed_failures = 0;
    let mut unexpected = Vec::new();
    let mut seen_listed = BTreeSet::new();
    for (operation, kind, name, pointer, check) in table {
        let key = format!("{operation} {kind} {name}");
        let outcome = check(at(pointer)).and_then(|(expected, actual)| {
            match first_difference(&normalize(&expected), &normalize(&actual), "$") {
                None => Ok(()),
                Some(diff) => Err(diff),
            }
        });
        let is_listed = listed.iter().any(|(k, _)| *k == key);
        match (outcome, is_listed) {
            (Ok(()), false) => passed += 1,
            (Ok(()), true) => unexpected.push(format!(
                "{key}: listed as bad but round-trips now; remove it"
            )),
            (Err(_), true) => {
                listed_failures += 1;
                seen_listed.insert(key);
            }
            (Err(reason), false) => unexpected.push(format!("{key}: {reason}")),
        }
    }
    println!(
        "{} examples, {} round-trip, {} listed spec defects",
        thousands(table.len()),
        thousands(passed),
        thousands(listed_failures)
    );
    let stale: Vec<&String> = listed
        .iter()
        .map(|(k, _)| k)
        .filter(|k| {
            !seen_listed.contains(*k) && !unexpected.iter().any(|u| u.starts_with(k.as_str()))
        })
        .collect();
    assert!(
        stale.is_empty(),
        "listed examples that do not exist: {stale:?}"
    );
    assert!(
        unexpected.is_empty(),
        "{} examples do not round-trip:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}

/// What the local server answers.
pub enum Answer {
    /// 204 without a body.
    NoContent,
    /// 200 with YAML text.
    Text,
    /// 200 with bytes.
    Bytes,
    /// 200 with the spec's example at this pointer.
    Example(&'static str),
    /// 404 with an API error body (the spec has no example answer).
    NotFound,
}

/// The request body a case sends.
pub enum Body {
    /// No JSON body.
    None,
    /// The spec's request example at this pointer.
    Example(&'static str),
    /// No example in the spec: a minimal body built from the schema's required fields.
    Built(&'static str),
}

/// The call of one case: `None` when the body cannot be built (no request example and required fields).
pub type CaseCall = fn(
    oxido::Client,
    Value,
    String,
) -> Option<Pin<Box<dyn Future<Output = Result<(), oxido::Error>> + Send>>>;

/// One generated operation and what it must send.
pub struct Case {
    pub operation_id: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub query: &'static [(&'static str, &'static str)],
    pub headers: &'static [(&'static str, &'static str)],
    pub accept: &'static str,
    pub body: Body,
    pub body_kind: &'static str,
    pub answer: Answer,
    pub call: CaseCall,
}

pub async fn run_cases(cases: &[Case]) {
    let server = MockServer::start().await;
    let client = oxido::Client::builder()
        .no_proxy()
        .token("dop_v1_generated_tests")
        .base_url(server.uri())
        .inference_base_url(server.uri())
        .agent_base_url(server.uri())
        .agent_access_key("agent-key")
        .retry(oxido::RetryPolicy::default().with_max_retries(0))
        .overall_timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    let listed = known_bad();
    let mut failures = Vec::new();
    let (mut decoded, mut not_found, mut skipped) = (0, 0, Vec::new());
    for case in cases {
        server.reset().await;
        let template = match case.answer {
            Answer::NoContent => ResponseTemplate::new(204),
            Answer::Text => {
                ResponseTemplate::new(200).set_body_raw("apiVersion: v1\n", "application/yaml")
            }
            Answer::Bytes => {
                ResponseTemplate::new(200).set_body_raw(&b"%PDF-1.4"[..], "application/pdf")
            }
            Answer::Example(pointer) => ResponseTemplate::new(200).set_body_json(at(pointer)),
            Answer::NotFound => ResponseTemplate::new(404).set_body_json(serde_json::json!({
                "id": "not_found", "message": "The resource you requested could not be found."
            })),
        };
        Mock::given(any())
            .respond_with(template)
            .mount(&server)
            .await;
        let body = match case.body {
            Body::None => serde_json::json!({}),
            Body::Example(pointer) => at(pointer).clone(),
            Body::Built(text) => serde_json::from_str(text).expect("a built body is JSON"),
        };
        let Some(call) = (case.call)(client.clone(), body.clone(), server.uri()) else {
            skipped.push(case.operation_id);
            continue;
        };
        let result = tokio::time::timeout(Duration::from_secs(30), call).await;
        let id = case.operation_id;
        match (result, &case.answer) {
            (Err(_), _) => failures.push(format!("{id}: no answer within 30 s")),
            (Ok(Err(err)), Answer::NotFound) if err.is_not_found() => not_found += 1,
            (Ok(Ok(())), Answer::NotFound) => {
                failures.push(format!("{id}: a 404 was taken for success"))
            }
            (Ok(Ok(())), _) => decoded += 1,
            (Ok(Err(err)), Answer::Example(_)) => {
                let listed_answer = listed
                    .iter()
                    .any(|(k, _)| k.starts_with(&format!("{id} response")));
                if listed_answer {
                    decoded += 0;
                } else {
                    failures.push(format!("{id}: {err}"));
                }
            }
            (Ok(Err(err)), _) => failures.push(format!("{id}: {err}")),
        }
        let requests = server.received_requests().await.unwrap_or_default();
        let [request] = requests.as_slice() else {
            failures.push(format!(
                "{id}: {} requests were sent, expected 1",
                requests.len()
            ));
            continue;
        };
        if request.method.as_str() != case.method {
            failures.push(format!(
                "{id}: method {} instead of {}",
                request.method, case.method
            ));
        }
        if request.url.path() != case.path {
            failures.push(format!(
                "{id}: path {} instead of {}",
                request.url.path(),
                case.path
            ));
        }
        let mut sent: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        let mut wanted: Vec<(String, String)> = case
            .query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        sent.sort();
        wanted.sort();
        if sent != wanted {
            failures.push(format!("{id}: query {sent:?} instead of {wanted:?}"));
        }
        for (name, value) in case.headers {
            if request.headers.get(*name).and_then(|v| v.to_str().ok()) != Some(*value) {
                failures.push(format!("{id}: header {name} is not {value}"));
            }
        }
        if request.headers.get("accept").and_then(|v| v.to_str().ok()) != Some(case.accept) {
            failures.push(format!("{id}: Accept is not {}", case.accept));
        }
        match case.body_kind {
            "Json" => match serde_json::from_slice::<Value>(&request.body) {
                Ok(sent_body) => {
                    let listed_request = listed
                        .iter()
                        .any(|(k, _)| k.starts_with(&format!("{id} request")));
                    if !listed_request {
                        if let Some(diff) =
                            first_difference(&normalize(&body), &normalize(&sent_body), "$")
                        {
                            failures.push(format!("{id}: body differs: {diff}"));
                        }
                    }
                }
                Err(err) => failures.push(format!("{id}: the body is not JSON: {err}")),
            },
            "Bytes" => {
                if request.body.is_empty() {
                    failures.push(format!("{id}: the upload body is empty"));
                }
            }
            _ => {
                if !request.body.is_empty() {
                    failures.push(format!("{id}: a body was sent"));
                }
            }
        }
    }
    println!(
        "{} operations: {decoded} answers decoded, {not_found} 404s without an example, {} not callable without a request example: {skipped:?}",
        cases.len(),
        skipped.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
