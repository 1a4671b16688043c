//! The probe of issue 16, item 2: every collection the description lets a client create
//! in, sent a minimal body (only the required members). A created object holds what the
//! request gave and what the API derives; a value that equals the documented example's at
//! the same place, which the request never gave, leaked from the example.
//!
//! Reproduce the count: `cargo test -p oxido-sim --test api minimal_creates -- --nocapture`.

use std::time::Duration;

use oxido_sim::Sim;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::common::client;
use crate::every_operation::{example_of, flatten, required_only, resolve, spec};

/// A key made by `ssh-keygen -t ed25519`.
const KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDUpI/qA1SrOIoe/PXS/aB9YBSJDdApE9EqkpFtMosjZ probe";

/// A create: `POST` on a path whose `{id}` child can be read. Actions are not objects.
fn creates(spec: &Value) -> Vec<(String, String, &Value)> {
    let paths = spec["paths"].as_object().expect("paths");
    let mut out = Vec::new();
    for (path, item) in paths {
        let Some(op) = item.get("post") else { continue };
        let id = op["operationId"].as_str().unwrap_or_default().to_owned();
        if id.to_ascii_lowercase().contains("action") {
            continue;
        }
        let depth = path.matches('/').count() + 1;
        let readable = paths.iter().any(|(child, child_item)| {
            child.starts_with(&format!("{path}/{{"))
                && child.matches('/').count() == depth
                && child_item.get("get").is_some()
        });
        if readable {
            out.push((id, path.clone(), op));
        }
    }
    out
}

fn url_of(spec: &Value, template: &str, op: &Value) -> String {
    let mut url = template.to_owned();
    for p in op["parameters"].as_array().into_iter().flatten() {
        let p = resolve(spec, p);
        if p["in"] != "path" {
            continue;
        }
        let name = p["name"].as_str().unwrap_or_default();
        let value = example_of(spec, p)
            .or_else(|| resolve(spec, &p["schema"]).get("example").cloned())
            .unwrap_or(Value::Null);
        let value = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_owned);
        let encoded = utf8_percent_encode(&value, NON_ALPHANUMERIC).to_string();
        url = url.replace(&format!("{{{name}}}"), &encoded);
    }
    url
}

/// Only the members the request schema requires (the first shape of a `oneOf`).
fn minimal_body(spec: &Value, op: &Value, n: usize) -> Option<Value> {
    let body = resolve(spec, op.get("requestBody")?);
    let (media, content) = body["content"].as_object()?.iter().next()?;
    if !media.contains("json") {
        return None;
    }
    let mut schema = resolve(spec, &content["schema"]);
    let mut tag = None;
    if let Some(Value::Array(shapes)) = schema.get("oneOf").or_else(|| schema.get("anyOf")) {
        if let (Some(property), Some((value, target))) = (
            schema["discriminator"]["propertyName"].as_str(),
            schema["discriminator"]["mapping"]
                .as_object()
                .and_then(|m| m.iter().next()),
        ) {
            tag = Some((property.to_owned(), value.clone()));
            schema = resolve(spec, target);
        } else {
            schema = resolve(spec, &shapes[0]);
        }
    }
    let (mut properties, mut required) = (Map::new(), Vec::new());
    flatten(spec, schema, &mut properties, &mut required);
    let mut out = Map::new();
    for name in &required {
        let prop = properties.get(name).cloned().unwrap_or(Value::Null);
        out.insert(name.clone(), required_only(spec, &prop, 1));
    }
    if required.is_empty() && properties.contains_key("name") {
        out.insert("name".into(), json!(format!("probe-{n}")));
    }
    if let Some((property, value)) = tag {
        out.insert(property, json!(value));
    }
    // What the API refuses of the examples: their key is not a key, and the demo already
    // holds their volume and domain names.
    if out.contains_key("public_key") {
        out.insert("public_key".into(), json!(KEY));
    }
    Some(Value::Object(out))
}

fn documented_answer(spec: &Value, op: &Value) -> Option<(Value, Value)> {
    let responses = op["responses"].as_object()?;
    let (_, response) = responses.iter().find(|(code, _)| code.starts_with('2'))?;
    let response = resolve(spec, response);
    let content = &response["content"]["application/json"];
    Some((example_of(spec, content)?, content["schema"].clone()))
}

/// Every leaf of `value` with its JSON pointer.
fn leaves(value: &Value, at: &mut Vec<String>, out: &mut Vec<(Vec<String>, Value)>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                at.push(k.clone());
                leaves(v, at, out);
                at.pop();
            }
        }
        Value::Array(items) if !items.is_empty() && items.iter().all(|i| i.is_object()) => {
            for (i, v) in items.iter().enumerate() {
                at.push(i.to_string());
                leaves(v, at, out);
                at.pop();
            }
        }
        _ => out.push((at.clone(), value.clone())),
    }
}

/// The schemas that can describe the value at `path` (through `allOf`/`oneOf`/`anyOf`).
fn schemas_at<'a>(spec: &'a Value, schema: &'a Value, path: &[String]) -> Vec<&'a Value> {
    let schema = resolve(spec, schema);
    let mut here = vec![schema];
    for key in ["allOf", "oneOf", "anyOf"] {
        for part in schema[key].as_array().into_iter().flatten() {
            here.extend(schemas_at(spec, part, &[]));
        }
    }
    let Some((first, rest)) = path.split_first() else {
        return here;
    };
    let mut out = Vec::new();
    for s in here {
        if first.parse::<usize>().is_ok()
            && let Some(items) = s.get("items")
        {
            out.extend(schemas_at(spec, items, rest));
        }
        if let Some(prop) = s["properties"].get(first) {
            out.extend(schemas_at(spec, prop, rest));
        }
    }
    out
}

fn trivial(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Bool(true) => false,
    }
}

fn body_values(body: &Value, out: &mut Vec<Value>) {
    match body {
        Value::Object(m) => m.values().for_each(|v| body_values(v, out)),
        Value::Array(a) => a.iter().for_each(|v| body_values(v, out)),
        v => out.push(v.clone()),
    }
}

/// The emulator's documented per-kind defaults: a value there is the API's, not a copy.
fn documented_default(template: &str, path: &[String], value: &Value) -> bool {
    static TABLE: std::sync::LazyLock<Value> = std::sync::LazyLock::new(|| {
        serde_json::from_str(include_str!("../../data/defaults.json")).expect("defaults parse")
    });
    let inner: String = path.iter().skip(1).map(|s| format!("/{s}")).collect();
    TABLE[template].get(&inner) == Some(value)
}

/// Members the API derives from what the request gave, equal to the example's only
/// because the probe sends the example's own input.
const DERIVED: &[(&str, &str)] = &[
    // `<bucket>.<region>.digitaloceanspaces.com` is served at `<bucket>.<region>.cdn...`.
    ("cdn_create_endpoint", "/endpoint/endpoint"),
    // A Droplet create links its `create` action.
    ("droplets_create", "/links/actions/0/rel"),
    // A Droplet's memory, vCPUs and disk are its size's, and its region where the body names
    // none is the emulator's default (nyc3): catalog facts, equal to the example's when the
    // probe asks for the example's size.
    ("droplets_create", "/droplet/memory"),
    ("droplets_create", "/droplet/vcpus"),
    ("droplets_create", "/droplet/disk"),
    ("droplets_create", "/droplet/disk_info/"),
    ("droplets_create", "/droplet/region/"),
    // An address made for a Droplet is in the Droplet's region, a catalog fact.
    ("floatingIPs_create", "/floating_ip/region/available"),
    ("floatingIPs_create", "/floating_ip/region/features"),
    ("reservedIPs_create", "/reserved_ip/region/available"),
    ("reservedIPs_create", "/reserved_ip/region/features"),
    // An address made for a Droplet links the Droplet and its `assign_ip` action, whose
    // `rel`s are the API's fixed words (the spec's `reserved_ip_created`).
    ("floatingIPs_create", "/links/droplets/0/rel"),
    ("floatingIPs_create", "/links/actions/0/rel"),
    ("reservedIPs_create", "/links/droplets/0/rel"),
    ("reservedIPs_create", "/links/actions/0/rel"),
    // A new cluster's admin user is `doadmin`, its storage follows its size, and its
    // maintenance day is one of the seven (equal to the example's one time in seven).
    ("databases_create_cluster", "/database/users/0/name"),
    ("databases_create_cluster", "/database/storage_size_mib"),
    (
        "databases_create_cluster",
        "/database/maintenance_window/day",
    ),
    // A replica created without a region is placed in its primary's (the demo cluster's
    // nyc3).
    ("databases_create_replica", "/replica/region"),
    // A topic's partitions are numbered from 0, as many as it has.
    ("databases_create_kafka_topic", "/topic/partitions/"),
    // A deployment's progress is a build then a deploy stage, each starting with an
    // `initialize` step: the platform's fixed step names, whatever the app.
    ("apps_create_deployment", "/deployment/progress/steps/"),
];

/// The example's values found at the same place in `answer`, which `body` did not give.
fn leaked(
    spec: &Value,
    (id, template): (&str, &str),
    body: &Value,
    example: &Value,
    schema: &Value,
    answer: &Value,
) -> Vec<String> {
    let given: Vec<&String> = body
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    let mut sent = Vec::new();
    body_values(body, &mut sent);
    let mut all = Vec::new();
    leaves(example, &mut Vec::new(), &mut all);
    let mut out = Vec::new();
    for (path, value) in all {
        if trivial(&value) || sent.contains(&value) {
            continue;
        }
        if path.iter().take(2).any(|seg| given.contains(&seg)) {
            continue;
        }
        let pointer: String = path.iter().map(|s| format!("/{s}")).collect();
        if answer.pointer(&pointer) != Some(&value)
            || documented_default(template, &path, &value)
            || DERIVED.iter().any(|(op, at)| {
                *op == id && (pointer == *at || (at.ends_with('/') && pointer.starts_with(at)))
            })
        {
            continue;
        }
        // A value the schema enumerates is a default, not a copy.
        let enumerated = schemas_at(spec, schema, &path).iter().any(|s| {
            s.get("const") == Some(&value)
                || s["enum"]
                    .as_array()
                    .is_some_and(|values| values.contains(&value))
        });
        if !enumerated {
            out.push(format!("{pointer} = {value}"));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn minimal_creates_hold_no_example_values() {
    let spec = spec();
    let sim = Sim::builder()
        .rate_limit_per_minute(100_000)
        .action_duration(Duration::ZERO)
        .start()
        .await
        .expect("sim starts");
    let client = client();
    let (mut created, mut refused, mut leaks) = (0, 0, Vec::new());
    for (n, (id, template, op)) in creates(&spec).into_iter().enumerate() {
        let Some(mut body) = minimal_body(&spec, op, n) else {
            continue;
        };
        // The demo already holds what the examples name, and the API refuses a duplicate
        // (names of volumes, VPCs, projects, certificates, database users; a domain; a CDN
        // origin), and a NAT gateway's VPC must exist: the probe names its own.
        match template.as_str() {
            "/v2/volumes"
            | "/v2/vpcs"
            | "/v2/projects"
            | "/v2/certificates"
            | "/v2/databases/{database_cluster_uuid}/users" => {
                body["name"] = json!(format!("probe-{n}"))
            }
            "/v2/domains" => body["name"] = json!(format!("probe-{n}.example.org")),
            "/v2/cdn/endpoints" => {
                body["origin"] = json!(format!("probe-{n}.nyc3.digitaloceanspaces.com"))
            }
            "/v2/vpc_nat_gateways" => {
                body["vpcs"][0]["vpc_uuid"] = json!("0eb1752f-807b-4562-a077-8018e13ab1fb")
            }
            _ => {}
        }
        let url = format!("{}{}", sim.base_url(), url_of(&spec, &template, op));
        let response = client
            .request(Method::POST, &url)
            .bearer_auth(sim.token())
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("answered");
        let status = response.status();
        let text = response.text().await.expect("body");
        if !status.is_success() {
            refused += 1;
            println!(
                "REFUSED {id} {body}: {status} {}",
                &text[..text.len().min(200)]
            );
            continue;
        }
        created += 1;
        let Ok(answer) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let Some((example, schema)) = documented_answer(&spec, op) else {
            continue;
        };
        let found = leaked(&spec, (&id, &template), &body, &example, &schema, &answer);
        if !found.is_empty() {
            println!("LEAK {id} {body}: {found:?}");
            leaks.push((id, found));
        }
    }
    let values: usize = leaks.iter().map(|(_, l)| l.len()).sum();
    println!(
        "minimal creates: {created} created, {refused} refused; {} leak example values ({values} values)",
        leaks.len()
    );
    assert!(created >= 50, "only {created} minimal creates succeeded");
    assert!(
        leaks.is_empty(),
        "{} creates leak example values: {leaks:#?}",
        leaks.len()
    );
}
