//! Emits the generated tests under `crates/oxido/tests/`: every spec example decoded into its type and
//! re-encoded (`generated_examples.rs`), and one request/answer check per operation against a local server
//! (`generated_operations.rs`).

use std::fmt::Write as _;

use crate::emit_rust::{HEADER, public_ty};
use crate::ir::*;

pub fn emit(api: &Api, spec: &serde_json::Value) -> Vec<(String, String)> {
    vec![
        ("generated_examples.rs".to_owned(), examples(api, spec)),
        ("generated_operations.rs".to_owned(), operations(api, spec)),
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

fn examples(api: &Api, spec: &serde_json::Value) -> String {
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
    // Error answers: most are shared components, so each distinct example is checked once; the raw count
    // (once per operation that declares it) is reported too.
    let mut raw_errors = 0;
    let mut seen_pointers = std::collections::BTreeSet::new();
    for service in api.services.iter().filter(|s| !s.hand_written) {
        for op in &service.operations {
            for (code, ty, examples) in &op.other_responses {
                for (name, ptr) in examples {
                    raw_errors += 1;
                    if !seen_pointers.insert(ptr.clone()) {
                        continue;
                    }
                    let _ = writeln!(
                        out,
                        "({:?}, \"error-{code}\", {:?}, {:?}, |v| whole::<{}>(v)),",
                        op.operation_id,
                        name,
                        ptr,
                        public_ty(api, ty)
                    );
                    count += 1;
                }
            }
        }
    }
    // Examples on schemas and properties, inline: (`Type.field`, `schema`, `example`, the JSON text). A
    // property example of a plain scalar or list of scalars, checked alone, would only show that a string
    // decodes as a `String`: those are put together into one object per type (`Type`, `schema`,
    // `properties`), with samples for required fields that have none, so the field names and types of the
    // whole struct are what gets checked. Examples of enums, structs and unions stay checked one by one.
    let samples = Samples::new(api, spec);
    let mut seen = std::collections::BTreeSet::new();
    let mut by_owner: std::collections::BTreeMap<&str, Vec<(&str, &serde_json::Value)>> =
        std::collections::BTreeMap::new();
    for (label, ty, optional, example) in &api.schema_examples {
        let reachable = named_index(ty).is_none_or(|i| !api.types[i].features.is_empty());
        if !reachable || !seen.insert(label.clone()) || !owner_reachable(api, label) {
            continue;
        }
        if let (Some((owner, field)), true) = (label.split_once('.'), scalar(ty)) {
            if !known_bad(label, "schema", "example") {
                by_owner.entry(owner).or_default().push((field, example));
            }
            continue;
        }
        let check = if *optional {
            format!("Option<{}>", public_ty(api, ty))
        } else {
            public_ty(api, ty)
        };
        let _ = writeln!(
            out,
            "({label:?}, \"schema\", \"example\", {:?}, |v| whole::<{check}>(v)),",
            example.to_string()
        );
        count += 1;
    }
    for (owner, examples) in by_owner {
        let Some(index) = api
            .types
            .iter()
            .position(|t| t.name == owner && !t.features.is_empty())
        else {
            continue;
        };
        let TypeKind::Struct(fields) = &api.types[index].kind else {
            continue;
        };
        let mut object = serde_json::Map::new();
        for field in fields {
            match examples.iter().find(|(name, _)| *name == field.json_name) {
                Some((_, example)) => {
                    object.insert(field.json_name.clone(), (*example).clone());
                }
                None if field.required => {
                    object.insert(field.json_name.clone(), samples.value(&field.ty));
                }
                None => {}
            }
        }
        let _ = writeln!(
            out,
            "({owner:?}, \"schema\", \"properties\", {:?}, |v| whole::<{}>(v)),",
            serde_json::Value::Object(object).to_string(),
            public_ty(api, &Ty::Named(index))
        );
        count += 1;
    }
    let _ = writeln!(
        out,
        "];\n\n/// Error-answer examples counted once per operation that declares them.\nconst RAW_ERROR_EXAMPLES: usize = {raw_errors};\n"
    );
    let _ = writeln!(
        out,
        "#[test]\nfn every_example_round_trips() {{\n    assert_eq!(EXAMPLES.len(), {count});\n    generated_support::run_examples(EXAMPLES, RAW_ERROR_EXAMPLES);\n}}"
    );
    out
}

/// A scalar, or a list or map of scalars: its example alone checks little.
fn scalar(ty: &Ty) -> bool {
    match ty {
        Ty::Str | Ty::Bool | Ty::Int | Ty::U64 | Ty::Float => true,
        Ty::Vec(inner) | Ty::Map(inner) => scalar(inner),
        _ => false,
    }
}

/// Whether the type a `Type.field` label belongs to is compiled (reached by some operation).
fn owner_reachable(api: &Api, label: &str) -> bool {
    let owner = label.split('.').next().unwrap_or_default();
    api.types
        .iter()
        .any(|t| t.name == owner && !t.features.is_empty())
}

fn unreserved(text: &str) -> bool {
    !text.is_empty()
        && text != "."
        && text != ".."
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
}

/// Whether a string argument passes the checks the SDK makes before sending (`maxLength`, a one-class
/// `pattern`), so a case never trips them by accident.
fn fits(p: &Param, text: &str) -> bool {
    let b = &p.bounds;
    b.max_length
        .is_none_or(|max| text.chars().count() as u64 <= max)
        && b.char_class.as_ref().is_none_or(|(ranges, singles)| {
            text.chars()
                .all(|c| singles.contains(c) || ranges.iter().any(|(a, z)| (*a..=*z).contains(&c)))
        })
}

/// Values for one operation's parameters in a generated test: (Rust expression, the values on the wire).
/// No two parameters of an operation get the same wire value, so a name swapped between two of them
/// shows up as a wrong query or path.
pub(crate) struct Values {
    used: std::collections::BTreeSet<String>,
    bools: usize,
}

impl Values {
    pub(crate) fn new() -> Self {
        Values {
            used: std::collections::BTreeSet::new(),
            bools: 0,
        }
    }

    fn take(&mut self, text: String) -> Option<String> {
        self.used.insert(text.clone()).then_some(text)
    }

    fn integer(&mut self, p: &Param, floor: i64) -> i64 {
        let low = p.bounds.minimum.unwrap_or(floor).max(floor);
        let high = p.bounds.maximum.unwrap_or(i64::MAX);
        let example = p
            .example
            .as_ref()
            .and_then(serde_json::Value::as_i64)
            .filter(|n| (low..=high).contains(n));
        if let Some(n) = example.filter(|n| !self.used.contains(&n.to_string())) {
            self.used.insert(n.to_string());
            return n;
        }
        let mut n = low;
        while n < high && self.used.contains(&n.to_string()) {
            n += 1;
        }
        self.used.insert(n.to_string());
        n
    }

    fn text(&mut self, p: &Param) -> String {
        let example = p.example.as_ref().and_then(|e| match e {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
        let candidates = example.into_iter().chain(
            [
                "example", "sample", "value", "other", "second", "third", "fourth",
            ]
            .into_iter()
            .map(str::to_owned),
        );
        for text in candidates {
            if unreserved(&text) && fits(p, &text) {
                if let Some(text) = self.take(text) {
                    return text;
                }
            }
        }
        // Only a class without letters is left: digits.
        let mut n = 1;
        while !fits(p, &n.to_string()) || self.used.contains(&n.to_string()) {
            n += 1;
        }
        self.used.insert(n.to_string());
        n.to_string()
    }

    /// (expression for a required argument, expression for an option setter, wire values).
    pub(crate) fn sample(&mut self, p: &Param) -> (String, String, Vec<String>) {
        match p.kind {
            ParamKind::Id => {
                let n = self.integer(p, 1);
                (n.to_string(), n.to_string(), vec![n.to_string()])
            }
            ParamKind::Int => {
                let n = self.integer(p, 1);
                (n.to_string(), n.to_string(), vec![n.to_string()])
            }
            ParamKind::Bool => {
                self.bools += 1;
                let b = (self.bools % 2 == 1).to_string();
                (b.clone(), b.clone(), vec![b])
            }
            ParamKind::Str => {
                let text = self.text(p);
                (format!("{text:?}"), format!("{text:?}"), vec![text])
            }
            ParamKind::StrList => {
                let (a, b) = (self.text(p), self.text(p));
                (
                    format!("&[{a:?}, {b:?}]"),
                    format!("[{a:?}, {b:?}]"),
                    vec![a, b],
                )
            }
        }
    }
}

/// Builds sample JSON for the IR's types: every field (required or not), each from its property's
/// example in the spec where it has one, the first value of an enum, the first variant of a union (with
/// its tag), and the hand-written types from their schema in the spec.
pub(crate) struct Samples<'a> {
    api: &'a Api,
    spec: &'a serde_json::Value,
    examples: std::collections::BTreeMap<&'a str, &'a serde_json::Value>,
}

impl<'a> Samples<'a> {
    pub(crate) fn new(api: &'a Api, spec: &'a serde_json::Value) -> Self {
        let examples = api
            .schema_examples
            .iter()
            .map(|(label, _, _, example)| (label.as_str(), example))
            .collect();
        Samples {
            api,
            spec,
            examples,
        }
    }

    /// A value of `ty` with every field filled.
    pub(crate) fn value(&self, ty: &Ty) -> serde_json::Value {
        self.of(ty, None, &mut Vec::new())
            .unwrap_or(serde_json::Value::Null)
    }

    /// `label` is `Type.field` of the field being filled, for its example.
    fn of(
        &self,
        ty: &Ty,
        label: Option<&str>,
        stack: &mut Vec<usize>,
    ) -> Option<serde_json::Value> {
        use serde_json::{Value, json};
        let example = label.and_then(|l| self.examples.get(l).copied());
        Some(match ty {
            Ty::Str => example
                .filter(|e| e.is_string())
                .cloned()
                .unwrap_or_else(|| json!("example")),
            Ty::Bool => example
                .filter(|e| e.is_boolean())
                .cloned()
                .unwrap_or(json!(true)),
            Ty::Int => example.filter(|e| e.is_i64()).cloned().unwrap_or(json!(7)),
            Ty::U64 => example.filter(|e| e.is_u64()).cloned().unwrap_or(json!(7)),
            Ty::Float => example
                .filter(|e| e.is_number())
                .cloned()
                .unwrap_or(json!(1.5)),
            Ty::Value => example.cloned().unwrap_or_else(|| json!({"any": "json"})),
            Ty::Vec(inner) => match (example, &**inner) {
                (Some(e @ Value::Array(items)), Ty::Str | Ty::Int | Ty::U64 | Ty::Bool)
                    if !items.is_empty() =>
                {
                    e.clone()
                }
                _ => json!([self.of(inner, None, stack)?]),
            },
            Ty::Map(inner) => json!({ "key": self.of(inner, None, stack)? }),
            // A type that contains itself: leave the field out.
            Ty::Boxed(_) => return None,
            Ty::Named(i) => {
                if stack.contains(i) || stack.len() > 8 {
                    return None;
                }
                stack.push(*i);
                let value = self.named(*i, example, stack);
                stack.pop();
                value?
            }
        })
    }

    fn named(
        &self,
        index: usize,
        example: Option<&serde_json::Value>,
        stack: &mut Vec<usize>,
    ) -> Option<serde_json::Value> {
        use serde_json::{Value, json};
        let def = &self.api.types[index];
        Some(match &def.kind {
            TypeKind::Struct(fields) => {
                let mut object = serde_json::Map::new();
                for field in fields {
                    let label = format!("{}.{}", def.name, field.json_name);
                    match self.of(&field.ty, Some(&label), stack) {
                        Some(value) => {
                            object.insert(field.json_name.clone(), value);
                        }
                        None if field.required => return None,
                        None => {}
                    }
                }
                Value::Object(object)
            }
            TypeKind::StringEnum(values) => {
                let first = values.first().map(|(_, v)| v.clone()).unwrap_or_default();
                example
                    .filter(|e| {
                        e.as_str()
                            .is_some_and(|s| values.iter().any(|(_, v)| v == s))
                    })
                    .cloned()
                    .unwrap_or(json!(first))
            }
            TypeKind::Union { tag, variants } => {
                let (mut value, variant) = variants
                    .iter()
                    .find_map(|v| self.of(&v.ty, None, stack).map(|value| (value, v)))?;
                if let (Some(tag), Some(tag_value), Some(fields)) =
                    (tag, variant.tag_values.first(), value.as_object_mut())
                {
                    fields.insert(tag.clone(), json!(tag_value));
                }
                value
            }
            // A timestamp has no schema of its own: its example if it is one, else a fixed instant.
            TypeKind::Existing(path) if *path == crate::lower::TIMESTAMP => example
                .filter(|e| e.is_string())
                .cloned()
                .unwrap_or_else(|| json!("2020-07-21T18:37:44Z")),
            TypeKind::Existing(_) => {
                let schema = def.schema.as_deref()?;
                raw_sample(
                    self.spec,
                    self.spec
                        .pointer(&format!("/components/schemas/{schema}"))?,
                    0,
                )
            }
            TypeKind::Pending => return None,
        })
    }
}

/// A sample of a schema read straight from the spec (for the hand-written types the IR does not
/// describe): its example, else its properties' examples, else a value of its type.
fn raw_sample(
    spec: &serde_json::Value,
    schema: &serde_json::Value,
    depth: usize,
) -> serde_json::Value {
    use serde_json::{Value, json};
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => spec
            .pointer(r.trim_start_matches('#'))
            .unwrap_or(&Value::Null),
        None => schema,
    };
    // An object's own example may disagree with its properties (the spec's `page_links` nests `pages`
    // twice): objects are built from their parts, and only leaves take their example.
    let composite = ["properties", "allOf", "oneOf", "anyOf"]
        .iter()
        .any(|k| schema.get(*k).is_some());
    if let Some(example) = schema.get("example").filter(|_| !composite) {
        return example.clone();
    }
    if depth > 6 {
        return Value::Null;
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = serde_json::Map::new();
        for part in parts {
            if let Value::Object(fields) = raw_sample(spec, part, depth + 1) {
                merged.extend(fields);
            }
        }
        return Value::Object(merged);
    }
    if let Some(first) = ["oneOf", "anyOf"].iter().find_map(|k| {
        schema
            .get(*k)
            .and_then(Value::as_array)
            .and_then(|v| v.first())
    }) {
        return raw_sample(spec, first, depth + 1);
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|v| v.first())
    {
        return first.clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => json!([raw_sample(
            spec,
            schema.get("items").unwrap_or(&Value::Null),
            depth + 1
        )]),
        Some("string") => match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => json!("2020-07-28T18:00:00Z"),
            _ => json!("example"),
        },
        Some("integer") => json!(7),
        Some("number") => json!(1.5),
        Some("boolean") => json!(true),
        _ => match schema.get("properties").and_then(Value::as_object) {
            Some(props) => Value::Object(
                props
                    .iter()
                    .map(|(k, v)| (k.clone(), raw_sample(spec, v, depth + 1)))
                    .collect(),
            ),
            None => json!({}),
        },
    }
}

/// Examples the spec gets wrong (`generated_examples_known_bad.txt`): a case takes another example, or a
/// sample, in their place.
fn known_bad(operation_id: &str, kind: &str, name: &str) -> bool {
    let key = format!("{operation_id} {kind} {name}");
    include_str!("../../oxido/tests/generated_examples_known_bad.txt")
        .lines()
        .filter_map(|l| l.split_once(": "))
        .any(|(k, _)| k.trim() == key)
}

/// The first example of an operation's request or answer that fits its type.
pub(crate) fn good_example<'o>(
    operation_id: &str,
    kind: &str,
    examples: &'o [(String, String)],
) -> Option<&'o str> {
    examples
        .iter()
        .find(|(name, _)| !known_bad(operation_id, kind, name))
        .map(|(_, pointer)| pointer.as_str())
}

fn operations(api: &Api, spec: &serde_json::Value) -> String {
    let samples = Samples::new(api, spec);
    let mut out = String::new();
    out.push_str(HEADER);
    out.push_str("//! One case per generated operation: the call is made against a wiremock server on 127.0.0.1, which\n//! records the request; the method, path, query (every parameter, options included, each with its own\n//! value), headers and body sent are checked, and the decoded answer (the spec's example, else a sample\n//! with every field filled) must encode back to what was answered.\n\n");
    out.push_str(&all_features(api));
    out.push_str(
        "\nmod generated_support;\n\nuse generated_support::{Answer, Body, Case, Decoded, to_json};\n\n",
    );
    out.push_str("const CASES: &[Case] = &[\n");
    let mut count = 0;
    for service in api.services.iter().filter(|s| !s.hand_written) {
        for op in &service.operations {
            count += 1;
            let mut values = Values::new();
            let mut args = Vec::new();
            let mut path = op.path.clone();
            for p in &op.path_params {
                if op.host == Host::Absolute {
                    args.push("&format!(\"{base}/upload\")".to_owned());
                    path = "/upload".to_owned();
                } else {
                    let (expr, _, wire) = values.sample(p);
                    args.push(expr);
                    path = path.replace(&format!("{{{}}}", p.name), &wire.join(""));
                }
            }
            let mut pre = "let _ = &body;".to_owned();
            let mut query = Vec::new();
            for p in &op.required_query {
                let (expr, _, wire) = values.sample(p);
                args.push(expr);
                query.extend(wire.iter().map(|w| format!("({:?}, {w:?})", p.name)));
            }
            let mut options = String::new();
            for p in op
                .optional_query
                .iter()
                .filter(|p| !(op.is_list() && matches!(p.name.as_str(), "per_page" | "page")))
            {
                let (_, expr, wire) = values.sample(p);
                let _ = write!(options, ".{}({expr})", p.ident);
                query.extend(wire.iter().map(|w| format!("({:?}, {w:?})", p.name)));
            }
            if op.is_list() {
                options.push_str(".per_page(3).page(2)");
                query.push("(\"per_page\", \"3\")".to_owned());
                query.push("(\"page\", \"2\")".to_owned());
            }
            let (body_ptr, body_kind) = match &op.body {
                Some(b) if b.content_type == "application/json" => {
                    pre = format!(
                        "let body = serde_json::from_value::<{}>(body).map_err(|e| format!(\"the body does not decode: {{e}}\"))?;",
                        public_ty(api, &b.ty)
                    );
                    args.push("body".to_owned());
                    match good_example(&op.operation_id, "request", &op.request_examples) {
                        Some(p) => (format!("Body::Example({p:?})"), "Json"),
                        None => (
                            format!("Body::Built({:?})", samples.value(&b.ty).to_string()),
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
            let answer_of = |ty: &Ty| match good_example(
                &op.operation_id,
                "response",
                &op.response_examples,
            ) {
                Some(p) => format!("Answer::Example({p:?})"),
                None => {
                    let sample = samples.value(ty);
                    let whole = match &op.response {
                        ResponseKind::Member { key, .. } => serde_json::json!({ key: sample }),
                        ResponseKind::Page { key, .. } => {
                            serde_json::json!({ key: [sample], "links": {}, "meta": {"total": 1} })
                        }
                        _ => sample,
                    };
                    format!("Answer::Built({:?})", whole.to_string())
                }
            };
            let (answer, decoded, convert) = match &op.response {
                ResponseKind::Empty => (
                    "Answer::NoContent".to_owned(),
                    "Decoded::Nothing".to_owned(),
                    "Ok(serde_json::Value::Null)".to_owned(),
                ),
                ResponseKind::Text { .. } => (
                    "Answer::Text".to_owned(),
                    "Decoded::Text".to_owned(),
                    "Ok(serde_json::Value::String(v))".to_owned(),
                ),
                ResponseKind::Bytes { .. } => (
                    "Answer::Bytes".to_owned(),
                    "Decoded::Text".to_owned(),
                    "Ok(serde_json::Value::String(String::from_utf8_lossy(&v).into_owned()))"
                        .to_owned(),
                ),
                ResponseKind::Json(ty) => (
                    answer_of(ty),
                    "Decoded::Whole".to_owned(),
                    "to_json(&v)".to_owned(),
                ),
                ResponseKind::Member { key, ty } => (
                    answer_of(ty),
                    format!("Decoded::Member({key:?})"),
                    "to_json(&v)".to_owned(),
                ),
                ResponseKind::Page { key, item } => (
                    answer_of(item),
                    format!("Decoded::Member({key:?})"),
                    "to_json(&v.items)".to_owned(),
                ),
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
            let send = if op.is_list() { ".send()" } else { "" };
            // A call without an answer has nothing to bind.
            let bind = if matches!(op.response, ResponseKind::Empty) {
                ""
            } else {
                "let v = "
            };
            // One-or-many: the example body's variant picks `create` or `create_many`.
            let call = match crate::emit_rust::one_or_many(api, op) {
                Some(split) => {
                    let union = public_ty(api, &op.body.as_ref().expect("a body").ty);
                    let arms: Vec<String> = [(&split.one.0, ""), (&split.many.0, "_many")]
                        .iter()
                        .map(|(variant, suffix)| {
                            format!(
                                "{union}::{variant}(body) => {{ let v = client.{}().{}{suffix}({}).await.map_err(|e| e.to_string())?; {convert} }}",
                                service.handler,
                                op.method_name,
                                args.join(", ")
                            )
                        })
                        .collect();
                    format!("match body {{ {} }}", arms.join(", "))
                }
                None => format!(
                    "{bind}client.{}().{}({}){options}{send}.await.map_err(|e| e.to_string())?; {convert}",
                    service.handler,
                    op.method_name,
                    args.join(", "),
                ),
            };
            let _ = writeln!(
                out,
                "Case {{ operation_id: {:?}, method: {:?}, path: {path:?}, query: &[{}], headers: &[{}], accept: {accept:?}, body: {body_ptr}, body_kind: {body_kind:?}, answer: {answer}, decoded: {decoded}, call: |client, body, base| {{ let _ = &base; {pre} Ok(Box::pin(async move {{ {call} }})) }} }},",
                op.operation_id,
                op.http_method,
                query.join(", "),
                headers.join(", "),
            );
        }
    }
    out.push_str("];\n\n");
    let _ = writeln!(
        out,
        "#[tokio::test]\nasync fn every_operation_sends_its_request_and_decodes_its_answer() {{\n    assert_eq!(CASES.len(), {count});\n    generated_support::run_cases(CASES).await;\n}}"
    );
    out
}
