//! Answers shaped as the description documents them: an operation's status and media
//! type, its envelope (`{"droplet": …}`), conformance to its response schema, and
//! merging a body into a stored object. Nothing here knows a request or the world.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde_json::{Map, Value};

use super::catalog::{template, wrapper};
use super::spec::{OpId, operation};
use crate::wire::error::{ApiError, JSON_CONTENT_TYPE, json};

pub(crate) fn empty(status: StatusCode) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(JSON_CONTENT_TYPE),
    );
    response
}

pub(crate) fn status_of(op: OpId) -> StatusCode {
    StatusCode::from_u16(op.meta().status).unwrap_or(StatusCode::OK)
}

/// A JSON answer not serialized yet: [`serialized`] writes its body once the request's
/// account lock is released, so other requests of the account need not wait for it.
#[derive(Clone)]
struct Unserialized(Value);

fn unserialized(status: StatusCode, value: Value) -> Response {
    let mut response = empty(status);
    response.extensions_mut().insert(Unserialized(value));
    response
}

/// `response` with the body of an [`unserialized`] answer written.
pub(crate) fn serialized(mut response: Response) -> Response {
    let Some(Unserialized(value)) = response.extensions_mut().remove::<Unserialized>() else {
        return response;
    };
    match json(response.status(), &value) {
        Ok(written) => {
            *response.body_mut() = written.into_body();
            response
        }
        Err(error) => error.into_response(),
    }
}

/// Answers with the operation's documented media type and status.
pub(crate) fn answer(op: OpId, value: Option<Value>) -> Result<Response, ApiError> {
    let meta = &op.meta();
    let status = status_of(op);
    if meta.response_media.is_empty() || status == StatusCode::NO_CONTENT {
        return Ok(empty(status));
    }
    if meta.response_media.contains("json") {
        return Ok(match value {
            Some(v) => unserialized(status, v),
            None => empty(status),
        });
    }
    let example = operation(op)
        .response
        .as_ref()
        .and_then(|d| d.example.clone());
    let text: Vec<u8> = match (example, meta.response_media) {
        (Some(Value::String(s)), _) => s.into_bytes(),
        (_, "text/csv") => b"date,description,amount\n2026-01-01,Droplet usage,12.00\n".to_vec(),
        (_, "application/yaml") => KUBECONFIG.as_bytes().to_vec(),
        (_, "application/pdf") => MINIMAL_PDF.to_vec(),
        (Some(other), _) => other.to_string().into_bytes(),
        (None, _) => Vec::new(),
    };
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(meta.response_media) {
        response.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    Ok(response)
}

const KUBECONFIG: &str = "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://127.0.0.1:6443\n  name: do-nyc1-example\ncontexts:\n- context:\n    cluster: do-nyc1-example\n    user: do-nyc1-example-admin\n  name: do-nyc1-example\ncurrent-context: do-nyc1-example\nusers:\n- name: do-nyc1-example-admin\n  user:\n    token: emulated\n";

const MINIMAL_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// Copies the body's members over `target` where they keep the target's shape.
pub(crate) fn merge(target: &mut Value, body: &Value) {
    merge_except(target, body, None);
}

/// [`merge`] without the body's top-level member `skip`.
pub(crate) fn merge_except(target: &mut Value, body: &Value, skip: Option<&str>) {
    let (Some(target), Some(body)) = (target.as_object_mut(), body.as_object()) else {
        return;
    };
    for (key, value) in body {
        if skip == Some(key.as_str()) {
            continue;
        }
        let Some(slot) = target.get_mut(key) else {
            continue;
        };
        match (&mut *slot, value) {
            (Value::Object(_), Value::Object(_)) => merge(slot, value),
            // A member nothing had set yet takes what is given; the caller checks the shape.
            (Value::Null, given) => *slot = given.clone(),
            // A slug where the answer shows the object (`"region": "fra1"`).
            (Value::Object(object), Value::String(slug)) if object.contains_key("slug") => {
                let known = (key == "region")
                    .then(|| crate::state::catalog::region_value(slug))
                    .flatten();
                match known {
                    Some(region) => *slot = region.clone(),
                    None => {
                        object.insert("slug".into(), value.clone());
                    }
                }
            }
            (Value::String(_), Value::String(_)) | (Value::Bool(_), Value::Bool(_)) => {
                *slot = value.clone();
            }
            (Value::Number(a), Value::Number(b)) if a.is_f64() || !b.is_f64() => {
                *slot = value.clone();
            }
            (Value::Array(a), Value::Array(b)) => {
                let same = match (a.first(), b.first()) {
                    (Some(x), Some(y)) => std::mem::discriminant(x) == std::mem::discriminant(y),
                    _ => true,
                };
                if same {
                    *slot = value.clone();
                }
            }
            _ => {}
        }
    }
}

pub(crate) fn wrapped(op: OpId, object: Value) -> Value {
    let answer = template(op);
    match (wrapper(&answer), answer.as_object()) {
        (Some(key), Some(members)) => {
            // Built member by member so the template's own object is never copied.
            let mut object = Some(object);
            Value::Object(
                members
                    .iter()
                    .map(|(k, v)| {
                        let value = if k == key {
                            object.take().unwrap_or(Value::Null)
                        } else {
                            v.clone()
                        };
                        (k.clone(), value)
                    })
                    .collect(),
            )
        }
        (None, Some(_)) => object,
        _ => answer.clone(),
    }
}

pub(crate) fn conforms(op: OpId, answer: &Value) -> bool {
    operation(op)
        .response
        .as_ref()
        .and_then(|d| d.validator.as_ref())
        .is_none_or(|v| v.is_valid(answer))
}

/// A list filter: a query parameter naming a string member (or a list of strings) of the item.
pub(crate) fn keeps(item: &Value, key: &str, value: &str) -> bool {
    match item.get(key) {
        Some(Value::String(s)) => s == value,
        Some(Value::Array(a)) if a.iter().all(Value::is_string) => {
            a.iter().any(|s| s.as_str() == Some(value))
        }
        // A region kept whole (`?region=nyc3` on volumes) is matched by its slug.
        Some(Value::Object(o)) if o.get("slug").is_some_and(Value::is_string) => {
            o.get("slug").and_then(Value::as_str) == Some(value)
        }
        _ => true,
    }
}

/// A documented list answer is the whole list: the example's own `next`/`last` links would send a client
/// round the same page for ever, and its `meta.total` would promise items that never come.
pub(crate) fn one_whole_page(answer: &mut Value) {
    let Some(obj) = answer.as_object_mut() else {
        return;
    };
    if let Some(Value::Object(links)) = obj.get_mut("links") {
        links.remove("pages");
    }
    let items = obj
        .iter()
        .filter(|(key, _)| *key != "links" && *key != "meta")
        .find_map(|(_, value)| value.as_array().map(Vec::len));
    if let (Some(count), Some(Value::Object(meta))) = (items, obj.get_mut("meta")) {
        meta.insert("total".into(), Value::from(count));
    }
}

pub(crate) fn substitute(obj: &mut Map<String, Value>, names: &[&str], values: &[String]) {
    for (name, value) in names.iter().zip(values) {
        if let Some(slot) = obj.get_mut(*name) {
            *slot = typed_id(slot, value);
        }
    }
}

pub(crate) fn typed_id(like: &Value, id: &str) -> Value {
    if like.is_number()
        && let Ok(n) = id.parse::<i64>()
    {
        return Value::from(n);
    }
    Value::String(id.to_owned())
}

pub(crate) fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub(crate) fn answer_value(op: OpId, value: Value) -> Result<Response, ApiError> {
    answer(op, Some(value))
}
