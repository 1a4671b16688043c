//! Emits the generated tests under `crates/oxido/tests/`: every spec example decoded into its type and
//! re-encoded (`generated_examples.rs`), and one request/answer check per operation against a local server
//! (`generated_operations.rs`).

use std::fmt::Write as _;

use crate::emit_rust::{HEADER, public_ty};
use crate::ir::*;
use crate::naming::bare;

pub fn emit(api: &Api) -> Vec<(String, String)> {
    vec![
        ("generated_examples.rs".to_owned(), examples(api)),
        ("generated_operations.rs".to_owned(), operations(api)),
    ]
}

fn all_features(api: &Api) -> String {
    let list: Vec<String> = api
        .services
        .iter()
        .filter(|s| !s.hand_written)
        .map(|s| format!("feature = \"{}\"", s.handler))
        .collect();
    format!("#![cfg(all({}))]\n", list.join(", "))
}

fn examples(api: &Api) -> String {
    let mut out = String::new();
    out.push_str(HEADER);
    out.push_str("//! Every example of a request body or success answer in the spec, decoded into its generated type and\n//! encoded again: the result must equal the example, counting a null and an absent field as the same.\n//! Examples the spec itself gets wrong are listed with the reason in `generated_examples_known_bad.txt`.\n\n");
    out.push_str(&all_features(api));
    out.push_str(
        "\nmod generated_support;\n\nuse generated_support::{Check, member, page, whole};\n\n",
    );
    out.push_str("/// (operationId, `request` or `response`, example name, JSON pointer into the spec, check)\nconst EXAMPLES: &[(&str, &str, &str, &str, Check)] = &[\n");
    let mut count = 0;
    for service in api.services.iter().filter(|s| !s.hand_written) {
        for op in &service.operations {
            if let Some(body) = &op.body {
                if body.content_type == "application/json" {
                    for (name, ptr) in &op.request_examples {
                        let _ = writeln!(
                            out,
                            "({:?}, \"request\", {:?}, {:?}, |v| whole::<{}>(v)),",
                            op.operation_id,
                            name,
                            ptr,
                            public_ty(api, &body.ty)
                        );
                        count += 1;
                    }
                }
            }
            let check = match &op.response {
                ResponseKind::Json(ty) => format!("|v| whole::<{}>(v)", public_ty(api, ty)),
                ResponseKind::Member { key, ty } => {
                    format!("|v| member::<{}>(v, {key:?})", public_ty(api, ty))
                }
                ResponseKind::Page { key, item } => {
                    format!("|v| page::<{}>(v, {key:?})", public_ty(api, item))
                }
                _ => continue,
            };
            for (name, ptr) in &op.response_examples {
                let _ = writeln!(
                    out,
                    "({:?}, \"response\", {:?}, {:?}, {check}),",
                    op.operation_id, name, ptr
                );
                count += 1;
            }
        }
    }
    out.push_str("];\n\n");
    let _ = writeln!(
        out,
        "#[test]\nfn every_example_round_trips() {{\n    assert_eq!(EXAMPLES.len(), {count});\n    generated_support::run_examples(EXAMPLES);\n}}"
    );
    out
}

fn unreserved(text: &str) -> bool {
    !text.is_empty()
        && text != "."
        && text != ".."
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
}

/// A value for a parameter in a generated test: (Rust expression, text on the wire).
fn sample(p: &Param) -> (String, String) {
    match p.kind {
        ParamKind::Id => {
            let n = p
                .example
                .as_ref()
                .and_then(serde_json::Value::as_u64)
                .filter(|n| *n > 0)
                .unwrap_or(1);
            (n.to_string(), n.to_string())
        }
        ParamKind::Int => {
            let n = p
                .example
                .as_ref()
                .and_then(serde_json::Value::as_i64)
                .unwrap_or(1);
            (n.to_string(), n.to_string())
        }
        ParamKind::Bool => ("true".to_owned(), "true".to_owned()),
        ParamKind::Str | ParamKind::StrList => {
            let text = p
                .example
                .as_ref()
                .and_then(|e| match e {
                    serde_json::Value::String(s) => Some(s.clone()),
                    serde_json::Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .filter(|s| unreserved(s))
                .unwrap_or_else(|| "example".to_owned());
            if p.kind == ParamKind::StrList {
                (format!("&[{text:?}]"), text)
            } else {
                (format!("{text:?}"), text)
            }
        }
    }
}

/// A minimal valid JSON value of a type: required fields only, the first enum value, the first variant.
fn sample_json(api: &Api, ty: &Ty, depth: usize) -> serde_json::Value {
    use serde_json::{Value, json};
    if depth > 12 {
        return Value::Null;
    }
    match ty {
        Ty::Str => json!("example"),
        Ty::Bool => json!(true),
        Ty::Int => json!(1),
        Ty::Float => json!(1.5),
        Ty::Value => json!({}),
        Ty::Vec(inner) => json!([sample_json(api, inner, depth + 1)]),
        Ty::Map(_) => json!({}),
        Ty::Boxed(inner) => sample_json(api, inner, depth + 1),
        Ty::Named(i) => match &api.types[*i].kind {
            TypeKind::Struct(fields) => Value::Object(
                fields
                    .iter()
                    .filter(|f| f.required)
                    .map(|f| (f.json_name.clone(), sample_json(api, &f.ty, depth + 1)))
                    .collect(),
            ),
            TypeKind::StringEnum(values) => {
                json!(values.first().map(|(_, v)| v.clone()).unwrap_or_default())
            }
            TypeKind::Union { tag, variants } => {
                let Some(first) = variants.first() else {
                    return Value::Null;
                };
                let mut value = sample_json(api, &first.ty, depth + 1);
                if let (Some(tag), Some(tag_value), Some(fields)) =
                    (tag, first.tag_values.first(), value.as_object_mut())
                {
                    fields.insert(tag.clone(), json!(tag_value));
                }
                value
            }
            _ => json!({}),
        },
    }
}

fn operations(api: &Api) -> String {
    let mut out = String::new();
    out.push_str(HEADER);
    out.push_str("//! One case per generated operation: the call is made against a wiremock server on 127.0.0.1, which\n//! checks the method, path, query, headers and body sent; the answer is the spec's example (decoded into the\n//! operation's type), a 204, or, when the spec has no example, a 404 that must come back as `is_not_found()`.\n\n");
    out.push_str(&all_features(api));
    out.push_str("\nmod generated_support;\n\nuse generated_support::{Answer, Body, Case};\n\n");
    out.push_str("const CASES: &[Case] = &[\n");
    let mut count = 0;
    for service in api.services.iter().filter(|s| !s.hand_written) {
        for op in &service.operations {
            count += 1;
            let mut args = Vec::new();
            let mut path = op.path.clone();
            for p in &op.path_params {
                let (expr, wire) = sample(p);
                if op.host == Host::Absolute {
                    args.push("&format!(\"{base}/upload\")".to_owned());
                    path = "/upload".to_owned();
                } else {
                    args.push(expr);
                    path = path.replace(&format!("{{{}}}", p.name), &wire);
                }
            }
            let mut pre = "let _ = &body;".to_owned();
            let mut query = Vec::new();
            for p in &op.required_query {
                let (expr, wire) = sample(p);
                args.push(expr);
                query.push(format!("({:?}, {:?})", p.name, wire));
            }
            let (body_ptr, body_kind) = match &op.body {
                Some(b) if b.content_type == "application/json" => {
                    pre = format!(
                        "let body = serde_json::from_value::<{}>(body).ok()?;",
                        public_ty(api, &b.ty)
                    );
                    args.push("body".to_owned());
                    match op.request_examples.first() {
                        Some((_, p)) => (format!("Body::Example({p:?})"), "Json"),
                        None => (
                            format!("Body::Built({:?})", sample_json(api, &b.ty, 0).to_string()),
                            "Json",
                        ),
                    }
                }
                Some(_) => {
                    args.push(
                        "bytes::Bytes::from_static(b\"{\\\"custom_id\\\":\\\"1\\\"}\\n\")"
                            .to_owned(),
                    );
                    ("Body::None".to_owned(), "Bytes")
                }
                None => ("Body::None".to_owned(), "None"),
            };
            let answer = match &op.response {
                ResponseKind::Empty => "Answer::NoContent".to_owned(),
                ResponseKind::Text { .. } => "Answer::Text".to_owned(),
                ResponseKind::Bytes { .. } => "Answer::Bytes".to_owned(),
                _ => match op.response_examples.first() {
                    Some((_, p)) => format!("Answer::Example({p:?})"),
                    None => "Answer::NotFound".to_owned(),
                },
            };
            let accept = match &op.response {
                ResponseKind::Text { accept } | ResponseKind::Bytes { accept } => accept.clone(),
                _ => "application/json".to_owned(),
            };
            let headers: Vec<String> = op
                .fixed_headers
                .iter()
                .map(|(n, v)| format!("({:?}, {v:?})", n.to_ascii_lowercase()))
                .collect();
            let list_suffix = if op.is_list() { ".send()" } else { "" };
            let _ = writeln!(
                out,
                "Case {{ operation_id: {:?}, method: {:?}, path: {path:?}, query: &[{}], headers: &[{}], accept: {accept:?}, body: {body_ptr}, body_kind: {body_kind:?}, answer: {answer}, call: |client, body, base| {{ let _ = &base; {pre} Some(Box::pin(async move {{ client.{}().{}({}){list_suffix}.await.map(drop) }})) }} }},",
                op.operation_id,
                op.http_method,
                query.join(", "),
                headers.join(", "),
                service.handler,
                op.method_name,
                args.join(", "),
            );
            let _ = bare;
        }
    }
    out.push_str("];\n\n");
    let _ = writeln!(
        out,
        "#[tokio::test]\nasync fn every_operation_sends_its_request_and_decodes_its_answer() {{\n    assert_eq!(CASES.len(), {count});\n    generated_support::run_cases(CASES).await;\n}}"
    );
    out
}
