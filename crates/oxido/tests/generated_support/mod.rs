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

/// Nulls and empty lists removed from objects and every number as a float, so `null` ≡ `[]` ≡ absent and
/// `1` ≡ `1.0`.
pub fn normalize(value: &Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                // An answer's list that is empty is left out when encoded, as the API leaves it out.
                .filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
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
        (Value::String(a), Value::String(b)) if same_instant(a, b) => None,
        _ => Some(format!("{path}: {expected} became {actual}")),
    }
}

/// Two RFC 3339 texts of one instant (`.000+00:00` and `Z`): a typed timestamp writes its own form.
fn same_instant(a: &str, b: &str) -> bool {
    match (a.parse::<oxido::Timestamp>(), b.parse::<oxido::Timestamp>()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
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
/// `raw_errors` counts error-answer examples once per operation declaring them (the table has each once).
pub fn run_examples(table: &[(&str, &str, &str, &str, Check)], raw_errors: usize) {
    let listed = known_bad();
    let mut passed = 0;
    let mut listed_failures = 0;
    let mut unexpected = Vec::new();
    let mut seen_listed = BTreeSet::new();
    for (operation, kind, name, pointer, check) in table {
        let key = format!("{operation} {kind} {name}");
        // Property and schema examples are inline JSON; operation examples are pointers into the spec.
        let inline;
        let example = if *kind == "schema" {
            inline = serde_json::from_str::<Value>(pointer).expect("inline example is JSON");
            &inline
        } else {
            at(pointer)
        };
        let outcome = check(example).and_then(|(expected, actual)| {
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
    let errors = table.iter().filter(|e| e.1.starts_with("error-")).count();
    println!(
        "{} examples, {} round-trip, {} listed spec defects ({} distinct error-answer examples, {} counted per operation: {} examples in all)",
        thousands(table.len()),
        thousands(passed),
        thousands(listed_failures),
        thousands(errors),
        thousands(raw_errors),
        thousands(table.len() - errors + raw_errors)
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
    /// 200 with this JSON, built from the schema (the spec has no usable example): every field filled.
    Built(&'static str),
}

/// Where the decoded value sits in the answer.
pub enum Decoded {
    /// Nothing (`()`).
    Nothing,
    /// The body as text.
    Text,
    /// The whole body.
    Whole,
    /// The body's member of this name (a one-member envelope, or a page's list).
    Member(&'static str),
}

/// The request body a case sends.
pub enum Body {
    /// No JSON body.
    None,
    /// The spec's request example at this pointer.
    Example(&'static str),
    /// No usable example in the spec: a body built from the schema, every field filled.
    Built(&'static str),
}

/// The decoded answer encoded again as JSON, to compare with what was answered.
pub type Outcome = Result<Value, String>;

/// The call of one case; `Err` when the body does not decode into the operation's type.
pub type CaseCall = fn(
    oxido::Client,
    Value,
    String,
) -> Result<Pin<Box<dyn Future<Output = Outcome> + Send>>, String>;

/// A decoded value as JSON.
pub fn to_json<T: Serialize>(value: &T) -> Outcome {
    serde_json::to_value(value).map_err(|err| format!("the decoded answer does not encode: {err}"))
}

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
    pub decoded: Decoded,
    pub call: CaseCall,
}

const YAML: &str = "apiVersion: v1\n";
const PDF: &[u8] = b"%PDF-1.4";

/// Runs every case; any case that cannot be called, sends anything else than it claims, or decodes its
/// answer into something else than was answered is a failure.
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
    let mut failures = Vec::new();
    let (mut examples, mut built) = (0, 0);
    for case in cases {
        let id = case.operation_id;
        server.reset().await;
        let answered = match case.answer {
            Answer::NoContent => Value::Null,
            Answer::Text | Answer::Bytes => Value::Null,
            Answer::Example(pointer) => at(pointer).clone(),
            Answer::Built(text) => serde_json::from_str(text).expect("a built answer is JSON"),
        };
        let template = match case.answer {
            Answer::NoContent => ResponseTemplate::new(204),
            Answer::Text => ResponseTemplate::new(200).set_body_raw(YAML, "application/yaml"),
            Answer::Bytes => ResponseTemplate::new(200).set_body_raw(PDF, "application/pdf"),
            Answer::Example(_) | Answer::Built(_) => {
                ResponseTemplate::new(200).set_body_json(&answered)
            }
        };
        Mock::given(any())
            .respond_with(template)
            .mount(&server)
            .await;
        let expected = match case.decoded {
            Decoded::Nothing => Some(Value::Null),
            Decoded::Text => Some(Value::String(match case.answer {
                Answer::Bytes => String::from_utf8_lossy(PDF).into_owned(),
                _ => YAML.to_owned(),
            })),
            Decoded::Whole => Some(answered.clone()),
            Decoded::Member(key) => answered.get(key).cloned(),
        };
        let Some(expected) = expected else {
            failures.push(format!("{id}: the answer has no member the call decodes"));
            continue;
        };
        let body = match case.body {
            Body::None => serde_json::json!({}),
            Body::Example(pointer) => at(pointer).clone(),
            Body::Built(text) => serde_json::from_str(text).expect("a built body is JSON"),
        };
        let call = match (case.call)(client.clone(), body.clone(), server.uri()) {
            Ok(call) => call,
            Err(err) => {
                failures.push(format!("{id}: not callable: {err}"));
                continue;
            }
        };
        match tokio::time::timeout(Duration::from_secs(30), call).await {
            Err(_) => failures.push(format!("{id}: no answer within 30 s")),
            Ok(Err(err)) => failures.push(format!("{id}: {err}")),
            Ok(Ok(decoded)) => {
                match first_difference(&normalize(&expected), &normalize(&decoded), "$") {
                    Some(diff) => {
                        failures.push(format!("{id}: the decoded answer differs: {diff}"))
                    }
                    None if matches!(case.answer, Answer::Built(_)) => built += 1,
                    None => examples += 1,
                }
            }
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
                    if let Some(diff) =
                        first_difference(&normalize(&body), &normalize(&sent_body), "$")
                    {
                        failures.push(format!("{id}: body differs: {diff}"));
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
        "{} operations: {examples} answers from the spec's examples and {built} built from the schema decoded and encoded back equal",
        cases.len(),
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
