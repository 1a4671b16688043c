//! Turns the vendored OpenAPI description into a compact operation table.
//!
//! The 3.6 MB description is read here, at build time, so the emulator never parses
//! it at start-up: it gets a static route table (`spec_ops.rs`) and, per operation,
//! a small self-contained JSON document with its parameters, request and response
//! schemas (OpenAPI 3.0 rewritten as JSON Schema 2020-12, with only the definitions it
//! reaches) and documented examples, parsed on first use.
//!
//! The documents (2.6 MB of JSON) are embedded deflated, in chunks of about 64 KB
//! (`spec_details.deflate`, 0.26 MB): the `oxido` CLI links the emulator for `--sandbox`,
//! and whole-file compression would cost every first use a 2.6 MB inflate, where a chunk
//! inflates in a fraction of a millisecond.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::{Map, Value, json};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Request,
    Response,
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let spec_path = manifest.join("../../spec/digitalocean-openapi.json");
    println!("cargo:rerun-if-changed={}", spec_path.display());
    println!("cargo:rerun-if-changed=build.rs");
    let bytes = std::fs::read(&spec_path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", spec_path.display()));
    let mut spec: Value = serde_json::from_slice(&bytes).expect("the vendored spec is JSON");
    with_new_regions(&mut spec);
    with_scheduled_jobs(&mut spec);

    let mut table = String::from("&[\n");
    let mut variants = String::new();
    let mut details = Chunks::default();
    let mut count = 0usize;
    let paths = spec["paths"].as_object().expect("spec has paths");
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let detail = operation_detail(&spec, item, op);
            let (chunk, start, end) =
                details.push(&serde_json::to_string(&detail.json).expect("serializes"));
            // Each path parameter's documented example, in template order, as text.
            let examples: Vec<String> = path
                .split('/')
                .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .map(|name| {
                    detail.json["params"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .find(|p| p["name"] == name && p["in"] == "path")
                        .map(|p| match &p["example"] {
                            // The GenAI and vector database paths quote their examples
                            // (`"\"123e…\""`): the id is what is inside, which is also the
                            // id their answers' examples carry.
                            Value::String(s) => s
                                .strip_prefix('"')
                                .and_then(|s| s.strip_suffix('"'))
                                .filter(|inner| !inner.is_empty() && !inner.contains('"'))
                                .unwrap_or(s)
                                .to_owned(),
                            Value::Null => String::new(),
                            other => other.to_string(),
                        })
                        .unwrap_or_default()
                })
                .collect();
            let id = op["operationId"].as_str().unwrap_or("");
            let variant = variant_name(id);
            writeln!(
                variants,
                "    /// `{id}`: `{} {path}`\n    {variant} = {count},",
                method.to_uppercase()
            )
            .expect("write to string");
            writeln!(
                table,
                "    OpMeta {{ op: OpId::{variant}, id: {:?}, method: Method::{}, path: {:?}, status: {}, \
                 request_media: {:?}, request_required: {}, response_media: {:?}, examples: &{examples:?}, \
                 detail: ({chunk}, {start}, {end}) }},",
                id,
                capitalized(method),
                path,
                detail.status,
                detail.request_media,
                detail.request_required,
                detail.response_media,
            )
            .expect("write to string");
            count += 1;
        }
    }
    table.push(']');
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    let code = format!(
        "/// Number of operations in the vendored description.\npub(crate) const OP_COUNT: usize = {count};\n\
         /// Every operation, by path then method.\npub(crate) static OPS: &[OpMeta] = {table};\n\
         /// Every operation of the vendored description, in the order of [`OPS`]: the variant is\n\
         /// the `operationId` in UpperCamelCase (each `_`- or `.`-separated word capitalized, the\n\
         /// separators dropped: `droplets_destroy_byTag` is `DropletsDestroyByTag`).\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]\n\
         #[repr(u16)]\npub(crate) enum OpId {{\n{variants}}}\n"
    );
    let (deflated, chunks) = details.deflate();
    let code = format!(
        "{code}/// Each chunk of `spec_details.deflate`: its byte range there and its inflated length.\n\
         pub(crate) static CHUNKS: &[(usize, usize, usize)] = &{chunks:?};\n"
    );
    std::fs::write(out.join("spec_ops.rs"), code).expect("write spec_ops.rs");
    std::fs::write(out.join("spec_details.deflate"), deflated).expect("write spec_details.deflate");
}

/// Inflated size past which a new chunk starts: small enough to inflate in well under a
/// millisecond on first use, large enough that deflate finds the schemas' repetitions
/// (64 KB chunks compress the documents 10x; single documents only 4x).
const CHUNK_BYTES: usize = 64 * 1024;

/// The operation documents, grouped in chunks that are compressed separately.
#[derive(Default)]
struct Chunks {
    done: Vec<String>,
    current: String,
}

impl Chunks {
    /// Appends one document; returns its chunk and byte range in the inflated chunk.
    fn push(&mut self, document: &str) -> (usize, usize, usize) {
        if !self.current.is_empty() && self.current.len() + document.len() > CHUNK_BYTES {
            self.done.push(std::mem::take(&mut self.current));
        }
        let start = self.current.len();
        self.current.push_str(document);
        (self.done.len(), start, self.current.len())
    }

    /// The deflated chunks back to back, and each one's `(start, end, inflated length)`.
    fn deflate(mut self) -> (Vec<u8>, Vec<(usize, usize, usize)>) {
        self.done.push(std::mem::take(&mut self.current));
        let mut bytes = Vec::new();
        let mut ranges = Vec::new();
        for chunk in &self.done {
            let start = bytes.len();
            bytes.extend(miniz_oxide::deflate::compress_to_vec(chunk.as_bytes(), 10));
            ranges.push((start, bytes.len(), chunk.len()));
        }
        (bytes, ranges)
    }
}

struct Detail {
    json: Value,
    status: u16,
    request_media: String,
    request_required: bool,
    response_media: String,
}

fn resolve<'a>(spec: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..16 {
        let Some(r) = value.get("$ref").and_then(Value::as_str) else {
            return value;
        };
        value = spec
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("dangling $ref {r}"));
    }
    value
}

/// Regions opened after the description's `region_slug` enum was written: the API
/// answers them, and the Terraform provider's acceptance tests create VPCs and NFS
/// shares in atl1 (`vpc/*_test.go`, `nfs/*_test.go`).
const NEW_REGIONS: [&str; 1] = ["atl1"];

fn with_new_regions(spec: &mut Value) {
    if let Some(Value::Array(slugs)) = spec.pointer_mut("/components/schemas/region_slug/enum") {
        for slug in NEW_REGIONS {
            if !slugs.iter().any(|s| s == slug) {
                slugs.push(Value::from(slug));
            }
        }
    }
}

/// App Platform's scheduled jobs, which the description leaves out: `kind: SCHEDULED`
/// with a `schedule` (godo's `AppJobSpecKind_Scheduled` and `AppJobSpecSchedule`,
/// apps.gen.go). The SDK's generator patches the spec the same way (oxido-codegen's
/// `defects.rs`).
fn with_scheduled_jobs(spec: &mut Value) {
    let Some(Value::Object(props)) =
        spec.pointer_mut("/components/schemas/app_job_spec/allOf/2/properties")
    else {
        return;
    };
    if let Some(Value::Array(kinds)) = props.get_mut("kind").and_then(|k| k.get_mut("enum"))
        && !kinds.iter().any(|k| k == "SCHEDULED")
    {
        kinds.push(Value::from("SCHEDULED"));
    }
    props.entry("schedule").or_insert_with(|| {
        serde_json::json!({
            "type": "object",
            "required": ["cron"],
            "properties": {
                "cron": {"type": "string", "minLength": 1},
                "time_zone": {"type": "string"}
            }
        })
    });
}

fn first_example(spec: &Value, holder: &Value) -> Option<Value> {
    let mut example = match holder.get("example") {
        Some(example) => example.clone(),
        None => {
            let examples = holder.get("examples")?.as_object()?;
            let first = examples.values().next()?;
            resolve(spec, first).get("value").cloned()?
        }
    };
    with_zones(&mut example);
    Some(example)
}

/// Gives a zone (UTC) to every timestamp of an example that has none: some examples
/// (an app domain's progress steps) write `0001-01-01T00:00:00`, which no RFC 3339
/// parser (godo's `time.Time`, doctl) reads, and which the API never sends.
fn with_zones(value: &mut Value) {
    match value {
        Value::String(text) if zoneless_timestamp(text) => text.push('Z'),
        Value::Array(items) => items.iter_mut().for_each(with_zones),
        Value::Object(map) => map.values_mut().for_each(with_zones),
        _ => {}
    }
}

fn zoneless_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
    b.len() >= 19
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && (b.len() == 19
            || (b[19] == b'.' && b.len() > 20 && b[20..].iter().all(u8::is_ascii_digit)))
}

fn operation_detail(spec: &Value, item: &Value, op: &Value) -> Detail {
    let mut params = Vec::new();
    let mut seen = BTreeSet::new();
    let declared = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(item["parameters"].as_array().into_iter().flatten());
    for param in declared {
        let param = resolve(spec, param);
        let name = param["name"].as_str().unwrap_or("").to_owned();
        let location = param["in"].as_str().unwrap_or("").to_owned();
        if !seen.insert((name.clone(), location.clone())) {
            continue;
        }
        let schema = param.get("schema").cloned().unwrap_or(json!({}));
        let example =
            first_example(spec, param).or_else(|| resolve(spec, &schema).get("example").cloned());
        params.push(json!({
            "name": name,
            "in": location,
            "required": param["required"].as_bool().unwrap_or(false),
            "schema": standalone(spec, &schema, Mode::Request),
            "example": example,
        }));
    }

    let mut request = Value::Null;
    let mut request_media = String::new();
    let mut request_required = false;
    if let Some(body) = op.get("requestBody") {
        let body = resolve(spec, body);
        request_required = body["required"].as_bool().unwrap_or(false);
        if let Some((media, content)) = body["content"].as_object().and_then(|c| c.iter().next()) {
            request_media = media.clone();
            let schema = content.get("schema").cloned().unwrap_or(json!({}));
            request = json!({
                "schema": standalone(spec, &schema, Mode::Request),
                "example": first_example(spec, content),
            });
        }
    }

    let responses = op["responses"].as_object().expect("responses");
    let (status, response) = responses
        .iter()
        .find(|(code, _)| code.starts_with('2'))
        // A retired endpoint documents only errors; it answers its 410.
        .or_else(|| responses.iter().find(|(code, _)| code.as_str() == "410"))
        .or_else(|| {
            responses
                .iter()
                .find(|(code, _)| code.as_bytes()[0].is_ascii_digit())
        })
        .map(|(code, r)| (code.parse::<u16>().unwrap_or(200), resolve(spec, r)))
        .expect("an operation documents a response");
    let mut response_media = String::new();
    let mut response_json = Value::Null;
    if let Some(content) = response["content"].as_object() {
        let (media, media_obj) = content
            .iter()
            .find(|(m, _)| m.as_str() == "application/json")
            .or_else(|| content.iter().next())
            .expect("content has a media type");
        response_media = media.clone();
        let schema = media_obj.get("schema").cloned().unwrap_or(json!({}));
        response_json = json!({
            "schema": standalone(spec, &schema, Mode::Response),
            "example": first_example(spec, media_obj),
        });
    }
    // A success answer that can also stream (`"stream": true` in the body) documents
    // its event schema under `text/event-stream`.
    let stream = response["content"]
        .get("text/event-stream")
        .filter(|_| (200..300).contains(&status))
        .map_or(Value::Null, |media_obj| {
            let schema = media_obj.get("schema").cloned().unwrap_or(json!({}));
            json!({ "schema": standalone(spec, &schema, Mode::Response) })
        });
    Detail {
        json: json!({
            "params": params,
            "request": request,
            "response": response_json,
            "stream": stream,
        }),
        status,
        request_media,
        request_required,
        response_media,
    }
}

/// The schema rewritten as JSON Schema with the definitions it reaches under `$defs`.
fn standalone(spec: &Value, schema: &Value, mode: Mode) -> Value {
    let mut needed = BTreeSet::new();
    let mut root = convert(spec, schema, mode, &mut needed);
    let mut defs = Map::new();
    let mut queue: Vec<String> = needed.iter().cloned().collect();
    while let Some(name) = queue.pop() {
        if defs.contains_key(&name) {
            continue;
        }
        let source = &spec["components"]["schemas"][&name];
        let mut more = BTreeSet::new();
        defs.insert(name, convert(spec, source, mode, &mut more));
        for n in more {
            if !defs.contains_key(&n) {
                queue.push(n);
            }
        }
    }
    if !defs.is_empty() {
        match &mut root {
            Value::Object(obj) => {
                obj.insert("$defs".into(), Value::Object(defs));
            }
            other => {
                *other = json!({ "allOf": [other.clone()], "$defs": defs });
            }
        }
    }
    root
}

fn convert(spec: &Value, schema: &Value, mode: Mode, needed: &mut BTreeSet<String>) -> Value {
    let Some(obj) = schema.as_object() else {
        return schema.clone();
    };
    if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("schema $ref outside components/schemas: {r}"));
        needed.insert(name.to_owned());
        // OpenAPI 3.0 ignores a $ref's siblings.
        return json!({ "$ref": format!("#/$defs/{name}") });
    }
    let mut out = Map::new();
    for (key, value) in obj {
        match key.as_str() {
            "properties" | "patternProperties" => {
                let props = value
                    .as_object()
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| (k.clone(), convert(spec, v, mode, needed)))
                            .collect::<Map<_, _>>()
                    })
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Object(props));
            }
            "items" | "additionalProperties" | "not" => {
                out.insert(key.clone(), convert(spec, value, mode, needed));
            }
            "allOf" | "anyOf" | "oneOf" => {
                let list = value
                    .as_array()
                    .map(|a| a.iter().map(|v| convert(spec, v, mode, needed)).collect())
                    .unwrap_or_default();
                // With a discriminator the `type` member picks the shape, so shapes that
                // overlap (a snapshot action is also a plain action) are not an error.
                let key = if key == "oneOf" && obj.contains_key("discriminator") {
                    "anyOf".to_owned()
                } else {
                    key.clone()
                };
                out.insert(key, Value::Array(list));
            }
            "required" => {
                // readOnly members are required only in answers, writeOnly only in requests.
                let skip = if mode == Mode::Request {
                    "readOnly"
                } else {
                    "writeOnly"
                };
                let kept: Vec<Value> = value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|name| {
                        let prop = name
                            .as_str()
                            .and_then(|n| obj.get("properties").and_then(|p| p.get(n)));
                        !prop.is_some_and(|p| resolve(spec, p)[skip] == Value::Bool(true))
                    })
                    .cloned()
                    .collect();
                if !kept.is_empty() {
                    out.insert(key.clone(), Value::Array(kept));
                }
            }
            // Kept (JSON Schema ignores it) so an error can name the shape `type` picks:
            // `engine::validate::located`.
            "discriminator" => {
                let mapping: Map<String, Value> = value["mapping"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .filter_map(|(k, r)| {
                        let name = r.as_str()?.strip_prefix("#/components/schemas/")?;
                        Some((k.clone(), json!(format!("#/$defs/{name}"))))
                    })
                    .collect();
                if !mapping.is_empty() {
                    out.insert(
                        key.clone(),
                        json!({ "propertyName": value["propertyName"], "mapping": mapping }),
                    );
                }
            }
            "description" | "title" | "externalDocs" | "xml" | "deprecated" | "default"
            | "nullable" | "exclusiveMinimum" | "exclusiveMaximum" => {}
            k if k.starts_with("x-") => {}
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        match obj.get(flag) {
            Some(Value::Bool(true)) => {
                if let Some(b) = out.remove(bound) {
                    out.insert(flag.into(), b);
                }
            }
            Some(n @ Value::Number(_)) => {
                out.insert(flag.into(), n.clone());
            }
            _ => {}
        }
    }
    if obj.get("nullable") == Some(&Value::Bool(true)) {
        if let Some(Value::Array(values)) = out.get_mut("enum") {
            values.push(Value::Null);
        }
        match out.get("type").cloned() {
            Some(Value::String(t)) => {
                out.insert("type".into(), json!([t, "null"]));
            }
            _ => {
                return json!({ "anyOf": [{ "type": "null" }, Value::Object(out)] });
            }
        }
    }
    Value::Object(out)
}

/// `droplets_destroy_byTag` -> `DropletsDestroyByTag`; a `.` separates words too.
fn variant_name(operation_id: &str) -> String {
    let name: String = operation_id
        .split(['_', '.'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut word = w.to_owned();
            word[..1].make_ascii_uppercase();
            word
        })
        .collect();
    assert!(
        name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric()),
        "operationId {operation_id:?} does not make a Rust identifier"
    );
    name
}

fn capitalized(method: &str) -> String {
    let mut out = method.to_owned();
    out[..1].make_ascii_uppercase();
    out
}
