//! Every reference the demo seed holds names an object the emulator answers: a walk of
//! every list route of the spec (and the single reads its items lead to) collects every
//! field that refers by name (`*_id`, `*_ids`, `*_uuid`, `*_uuids`, URNs, region and
//! size slugs) and checks each against the objects the walk found.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use oxido_sim::Sim;
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::*;
use crate::every_operation::{example_of, resolve, spec};

/// What a path segment may not carry raw.
const SEGMENT: &AsciiSet = &CONTROLS.add(b' ').add(b'/').add(b'?').add(b'#').add(b'%');

/// Values named like references that are not objects of this API, each with its reason:
/// (the answer's template, or `*` for any; the field).
const NOT_OBJECTS: &[(&str, &str, &str)] = &[
    (
        "*",
        "request_id",
        "the id of one HTTP request, not of a resource",
    ),
    (
        "/v2/gen-ai/",
        "user_id",
        "the internal id of the account's user who made it; no route reads users by id",
    ),
    (
        "/v2/gen-ai/",
        "created_by_user_id",
        "the internal id of the account's user who made it; no route reads users by id",
    ),
    (
        "/v2/gen-ai/",
        "updated_by_user_id",
        "the internal id of the account's user who changed it; no route reads users by id",
    ),
    (
        "/v2/gen-ai/custom_models",
        "team_id",
        "the internal numeric id of the account's team; no route reads teams by it",
    ),
    (
        "*",
        "owner_id",
        "the account's internal numeric id, which `GET /v2/account` does not show",
    ),
    (
        "/v2/customers/my/",
        "invoice_id",
        "an invoice's document number; the API addresses invoices by `invoice_uuid`",
    ),
    (
        "/v2/add-ons/apps",
        "app_id",
        "the marketplace's internal id of the add-on app, which the API addresses by `app_slug`",
    ),
    (
        "/v2/gen-ai/models/catalog",
        "hugging_face_id",
        "a Hugging Face repository",
    ),
    (
        "/v2/gen-ai/models/catalog",
        "model_id",
        "the inference host's model id (`/v1/models` on another host)",
    ),
    (
        "/v2/billing/{account_urn}/insights",
        "usage_team_urn",
        "echoes the `account_urn` the request names",
    ),
    (
        "/v2/customers/my/invoices/{invoice_uuid}",
        "resource_uuid",
        "an invoice names what it billed, which may since have been deleted",
    ),
    (
        "/v2/customers/my/invoices/{invoice_uuid}",
        "resource_id",
        "an invoice names what it billed, which may since have been deleted",
    ),
    (
        "/v2/kubernetes/clusters",
        "client_id",
        "the OpenID Connect client of the cluster's single sign-on, not a resource",
    ),
    (
        "/v2/databases/{database_cluster_uuid}/schema-registry",
        "schema_id",
        "the Kafka schema registry's own numbering of a schema, not an API object",
    ),
];

/// References the demo still leaves dangling, each with why: (the answer's template, the
/// field). The test fails on any other dangling reference, and on one of these that
/// resolves (so it leaves this list).
const LEFT: &[(&str, &str, &str)] = &[
    (
        "/v2/monitoring/sinks",
        "urn",
        "a sink's own `urn` has no documented format; its resources name a cluster the demo does not hold",
    ),
    (
        "/v2/monitoring/sinks",
        "cluster_uuid",
        "a sink destination names a managed OpenSearch cluster; the demo holds no OpenSearch cluster",
    ),
    (
        "/v2/reserved_ips/{reserved_ip}/actions/{action_id}",
        "resource_id",
        "an action the IP never had is answered from the documented example",
    ),
    (
        "/v2/floating_ips/{floating_ip}/actions/{action_id}",
        "resource_id",
        "an action the IP never had is answered from the documented example",
    ),
];

fn left(template: &str, field: &str) -> bool {
    LEFT.iter()
        .any(|(t, f, _)| *f == field && template.starts_with(t))
}

fn not_an_object(template: &str, field: &str) -> bool {
    NOT_OBJECTS
        .iter()
        .any(|(t, f, _)| *f == field && (*t == "*" || template.starts_with(t)))
}

/// Reference stems that name one collection (by its list template), for a precise check;
/// other stems must name an object of any collection.
const STEMS: &[(&str, &[&str])] = &[
    ("droplet", &["/v2/droplets"]),
    ("vpc", &["/v2/vpcs"]),
    ("private_network", &["/v2/vpcs"]),
    ("volume", &["/v2/volumes"]),
    ("project", &["/v2/projects"]),
    ("app", &["/v2/apps"]),
    ("sink", &["/v2/databases/{database_cluster_uuid}/logsink"]),
    (
        "deployment",
        &["/v2/apps/{app_id}/deployments", "/v2/apps/{id}/deployments"],
    ),
    ("image", &["/v2/images"]),
    ("ssh_key", &["/v2/account/keys"]),
    ("certificate", &["/v2/certificates"]),
    ("load_balancer", &["/v2/load_balancers"]),
    ("firewall", &["/v2/firewalls"]),
    (
        "node_pool",
        &["/v2/kubernetes/clusters/{cluster_id}/node_pools"],
    ),
];

struct Walk {
    sim: Sim,
    /// Answers by concrete path: (template, body).
    answers: BTreeMap<String, (String, Value)>,
    /// Object ids by collection (list template).
    index: HashMap<String, BTreeSet<String>>,
    /// Ids read off each concrete list path, to fill the next parameter.
    lists: HashMap<String, Vec<String>>,
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The items an answer holds: its one member besides `links`/`meta`, an array's items
/// or the object itself.
fn items(body: &Value) -> Vec<&Value> {
    let Some(map) = body.as_object() else {
        return Vec::new();
    };
    let members: Vec<&Value> = map
        .iter()
        .filter(|(k, _)| *k != "links" && *k != "meta")
        .map(|(_, v)| v)
        .collect();
    match members.as_slice() {
        [one @ Value::Object(_)] => vec![one],
        // A list, beside what else its page holds (an invoice list's preview).
        _ => members
            .iter()
            .flat_map(|m| match m {
                Value::Array(items) => items.iter().collect(),
                Value::Object(_) if members.len() > 1 => vec![*m],
                _ => Vec::new(),
            })
            .collect(),
    }
}

/// The ids an item may be addressed by under a `{param}`.
fn ids_of(item: &Value, param: &str) -> Vec<String> {
    let mut out = Vec::new();
    for field in [param, "id", "uuid", "name", "slug", "tag", "digest", "fqdn"] {
        if let Some(id) = item.get(field).and_then(scalar)
            && !out.contains(&id)
        {
            out.push(id);
        }
    }
    out
}

fn segments(template: &str) -> Vec<&str> {
    template.split('/').collect()
}

/// GET templates of the main API host that need no query parameter.
/// A path parameter and its documented example.
type Param = (String, Option<String>);

fn list_templates(spec: &Value) -> Vec<(String, Vec<Param>)> {
    let mut out = Vec::new();
    for (template, item) in spec["paths"].as_object().expect("paths") {
        let Some(op) = item.get("get") else { continue };
        if !template.starts_with("/v2/") {
            continue;
        }
        let params: Vec<&Value> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(item["parameters"].as_array().into_iter().flatten())
            .map(|p| resolve(spec, p))
            .collect();
        if params
            .iter()
            .any(|p| p["in"] == "query" && p["required"] == true)
        {
            continue;
        }
        let path_params = params
            .iter()
            .filter(|p| p["in"] == "path")
            .map(|p| {
                let example = example_of(spec, p)
                    .or_else(|| resolve(spec, &p["schema"]).get("example").cloned())
                    .and_then(|v| scalar(&v))
                    .map(|v| v.trim_matches('"').to_owned());
                (p["name"].as_str().unwrap_or_default().to_owned(), example)
            })
            .collect();
        out.push((template.clone(), path_params));
    }
    // Shorter templates first, so a parameter's list is read before it is filled.
    out.sort_by_key(|(t, _)| (segments(t).len(), t.clone()));
    out
}

impl Walk {
    async fn run() -> Walk {
        let mut walk = Walk {
            // The walk reads a few thousand routes: past the demo token's default limits.
            sim: start(
                Sim::builder()
                    .action_duration(std::time::Duration::ZERO)
                    .rate_limit_per_minute(1_000_000)
                    .rate_limit_per_hour(1_000_000),
            )
            .await,
            answers: BTreeMap::new(),
            index: HashMap::new(),
            lists: HashMap::new(),
        };
        let spec = spec();
        let templates = list_templates(&spec);
        // Twice: reads make objects (an autoscale pool's members), which the second pass
        // finds in their collections before their references are checked.
        for _ in 0..2 {
            let mut concrete: HashMap<String, Vec<String>> = HashMap::new();
            for (template, params) in &templates {
                let paths = walk.fill(template, params, &concrete);
                for path in &paths {
                    walk.read(template, path).await;
                }
                concrete.insert(template.clone(), paths);
            }
        }
        walk
    }

    /// The concrete paths of `template`: every id its last parameter's list holds (and
    /// the parameter's documented example) under every concrete path of its prefix.
    fn fill(
        &self,
        template: &str,
        params: &[Param],
        known: &HashMap<String, Vec<String>>,
    ) -> Vec<String> {
        let segs = segments(template);
        let Some(last) = segs.iter().rposition(|s| s.starts_with('{')) else {
            return vec![template.to_owned()];
        };
        let name = segs[last].trim_matches(|c| c == '{' || c == '}');
        let prefix = segs[..last].join("/");
        let suffix: String = segs[last + 1..].iter().map(|s| format!("/{s}")).collect();
        let prefixes = match known.get(&prefix) {
            Some(paths) => paths.clone(),
            None => {
                let own: Vec<Param> = params
                    .iter()
                    .filter(|(p, _)| prefix.contains(&format!("{{{p}}}")))
                    .cloned()
                    .collect();
                self.fill(&prefix, &own, known)
            }
        };
        let example = params
            .iter()
            .find(|(p, _)| p == name)
            .and_then(|(_, e)| e.clone());
        let mut out = BTreeSet::new();
        for base in prefixes {
            if base.contains('{') {
                continue;
            }
            let mut values: Vec<String> = self.lists.get(&base).cloned().unwrap_or_default();
            values.extend(example.clone());
            for value in values.into_iter().take(24) {
                let value = utf8_percent_encode(&value, SEGMENT).to_string();
                out.insert(format!("{base}/{value}{suffix}"));
            }
        }
        out.into_iter().take(60).collect()
    }

    async fn read(&mut self, template: &str, path: &str) {
        let reply = get(&self.sim, path).await;
        if reply.status != StatusCode::OK
            || !reply
                .header("content-type")
                .is_some_and(|c| c.starts_with("application/json"))
        {
            return;
        }
        let Ok(body) = serde_json::from_str::<Value>(&reply.text) else {
            return;
        };
        let found: Vec<String> = items(&body)
            .into_iter()
            .flat_map(|item| ids_of(item, ""))
            .collect();
        // A next parameter may be an item's own `*_id` (a log sink's `sink_id`).
        let mut candidates = found.clone();
        for item in items(&body) {
            for (key, value) in item.as_object().into_iter().flatten() {
                if (key.ends_with("_id") || key.ends_with("_uuid"))
                    && let Some(v) = scalar(value)
                    && !candidates.contains(&v)
                {
                    candidates.push(v);
                }
            }
        }
        // A single read (`…/{param}`) is an object of the collection above it; a list's
        // items are objects of its own.
        let segs = segments(template);
        let (collection, own) = if segs.last().is_some_and(|s| s.starts_with('{')) {
            let id = path.rsplit('/').next().unwrap_or_default();
            let id = percent_encoding::percent_decode_str(id)
                .decode_utf8_lossy()
                .into_owned();
            (segs[..segs.len() - 1].join("/"), vec![id])
        } else {
            (template.to_owned(), found.clone())
        };
        self.index.entry(collection).or_default().extend(own);
        self.lists.insert(path.to_owned(), candidates);
        self.answers
            .insert(path.to_owned(), (template.to_owned(), body));
    }

    fn anywhere(&self, id: &str) -> bool {
        self.index.values().any(|ids| ids.contains(id))
    }

    /// Whether `id` names an object of the collections `stem` names (found by the walk,
    /// or read now: the walk's own reads may have made some, as an autoscale pool's
    /// members), else of any collection.
    async fn resolves(&self, stem: &str, id: &str) -> bool {
        let Some((_, collections)) = STEMS.iter().find(|(s, _)| *s == stem) else {
            return self.anywhere(id);
        };
        if collections
            .iter()
            .any(|c| self.index.get(*c).is_some_and(|ids| ids.contains(id)))
        {
            return true;
        }
        let first = collections[0];
        !first.contains('{')
            && get(
                &self.sim,
                &format!("{first}/{}", utf8_percent_encode(id, SEGMENT)),
            )
            .await
            .status
                == StatusCode::OK
    }
}

/// Every reference in `value`: (JSON path, field, stem, value).
fn references(
    template: &str,
    value: &Value,
    at: &str,
    out: &mut Vec<(String, String, String, String)>,
) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let here = format!("{at}/{key}");
                let stem = ["_uuids", "_ids", "_uuid", "_id"]
                    .iter()
                    .find_map(|suffix| key.strip_suffix(suffix))
                    .filter(|s| !s.is_empty());
                let named = !not_an_object(template, key);
                if named && (key == "urn" || key.ends_with("_urn")) {
                    if let Some(urn) = child.as_str().filter(|u| !u.is_empty()) {
                        out.push((here.clone(), key.clone(), "urn".into(), urn.into()));
                    }
                } else if named && let Some(stem) = stem {
                    let values: Vec<&Value> = match child {
                        Value::Array(items) => items.iter().collect(),
                        one => vec![one],
                    };
                    for v in values {
                        if let Some(v) = scalar(v) {
                            out.push((here.clone(), key.clone(), stem.into(), v));
                        }
                    }
                }
                references(template, child, &here, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                // A project's or tag's resources are URNs as plain strings too.
                if let Some(urn) = item.as_str().filter(|u| u.starts_with("do:")) {
                    out.push((format!("{at}/{i}"), "urn".into(), "urn".into(), urn.into()));
                }
                references(template, item, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn every_reference_in_the_demo_seed_names_an_object_the_emulator_answers() {
    let walk = Walk::run().await;
    assert!(
        walk.answers.len() > 400,
        "read {} answers",
        walk.answers.len()
    );
    let mut dangling = BTreeSet::new();
    let mut resolved_left = BTreeSet::new();
    let mut checked = 0;
    for (path, (template, body)) in &walk.answers {
        // The catalog's own lists are facts, not references.
        if template.starts_with("/v2/monitoring/metrics") {
            continue;
        }
        let mut refs = Vec::new();
        references(template, body, "", &mut refs);
        for (at, field, stem, value) in refs {
            checked += 1;
            let ok = if stem == "urn" {
                value
                    .strip_prefix("do:")
                    .and_then(|rest| rest.split_once(':'))
                    .is_some_and(|(_, id)| walk.anywhere(id))
            } else {
                walk.resolves(&stem, &value).await
            };
            if left(template, &field) {
                if ok {
                    resolved_left.insert(format!("{template} {field}"));
                }
            } else if !ok {
                dangling.insert(format!("{template} {field}={value} (GET {path} at {at})"));
            }
        }
    }
    assert!(checked > 500, "checked {checked} references");
    assert!(
        resolved_left.is_empty(),
        "these resolve now; take them out of LEFT: {resolved_left:?}"
    );
    assert!(
        dangling.is_empty(),
        "{} dangling references of {checked} in {} answers:\n{}",
        dangling.len(),
        walk.answers.len(),
        dangling.into_iter().collect::<Vec<_>>().join("\n")
    );
}

/// The `droplet_id`s of every node of a cluster answer.
fn node_droplets(cluster: &Value) -> Vec<String> {
    cluster["node_pools"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["nodes"].as_array().cloned().unwrap_or_default())
        .map(|n| n["droplet_id"].as_str().expect("droplet_id").to_owned())
        .collect()
}

async fn read_cluster(sim: &Sim, id: &str) -> Value {
    let reply = get(sim, &format!("/v2/kubernetes/clusters/{id}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()["kubernetes_cluster"].clone()
}

/// The ids of the Droplets tagged `k8s:<cluster>`, sorted.
async fn tagged_workers(sim: &Sim, cluster: &str) -> Vec<String> {
    let reply = get(
        sim,
        &format!("/v2/droplets?tag_name=k8s:{cluster}&per_page=200"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let mut ids: Vec<String> = reply.json()["droplets"]
        .as_array()
        .expect("droplets")
        .iter()
        .map(|d| d["id"].to_string())
        .collect();
    ids.sort();
    ids
}

/// Every node of `cluster` runs on its own worker Droplet, and those are all the
/// cluster's workers.
async fn check_workers(sim: &Sim, id: &str) -> Value {
    let cluster = read_cluster(sim, id).await;
    let mut nodes = node_droplets(&cluster);
    for droplet_id in &nodes {
        let reply = get(sim, &format!("/v2/droplets/{droplet_id}")).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "node Droplet {droplet_id}: {}",
            reply.text
        );
        let d = reply.json()["droplet"].clone();
        for tag in [
            "k8s".to_owned(),
            format!("k8s:{id}"),
            "k8s:worker".to_owned(),
        ] {
            assert!(
                d["tags"]
                    .as_array()
                    .is_some_and(|t| t.contains(&json!(tag))),
                "{tag} on {d}"
            );
        }
        assert_eq!(d["region"]["slug"], cluster["region"], "{d}");
        assert_eq!(d["vpc_uuid"], cluster["vpc_uuid"], "{d}");
    }
    nodes.sort();
    let before = nodes.len();
    nodes.dedup();
    assert_eq!(nodes.len(), before, "two nodes share a Droplet: {cluster}");
    assert_eq!(tagged_workers(sim, id).await, nodes, "{cluster}");
    cluster
}

#[tokio::test]
async fn every_demo_kubernetes_node_runs_on_a_worker_droplet() {
    let sim = demo(0).await;
    let clusters = get(&sim, "/v2/kubernetes/clusters").await.json();
    let mut nodes = 0;
    for c in clusters["kubernetes_clusters"]
        .as_array()
        .expect("clusters")
    {
        let cluster = check_workers(&sim, c["id"].as_str().expect("id")).await;
        nodes += node_droplets(&cluster).len();
        assert!(cluster.get("worker_subnet_uuid").is_none(), "{cluster}");
    }
    assert_eq!(nodes, 10);
}

async fn delete(sim: &Sim, path: &str) -> StatusCode {
    call(sim, Method::DELETE, path, Some(sim.token()), None)
        .await
        .status
}

#[tokio::test]
async fn kubernetes_nodes_get_droplets_that_follow_them_and_go_with_their_cluster() {
    let sim = start(Sim::builder().action_duration(std::time::Duration::ZERO)).await;
    let made = post(
        &sim,
        "/v2/kubernetes/clusters",
        r#"{"name": "prod", "region": "nyc1", "version": "latest", "node_pools": [{"size": "s-1vcpu-2gb", "name": "workers", "count": 2}]}"#,
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let answered = made.json()["kubernetes_cluster"].clone();
    let id = answered["id"].as_str().expect("id").to_owned();
    let cluster = check_workers(&sim, &id).await;
    // The create's answer names the Droplets the reads show.
    assert_eq!(node_droplets(&answered), node_droplets(&cluster));
    assert_eq!(node_droplets(&cluster).len(), 2);
    let vpc = cluster["vpc_uuid"].as_str().expect("a VPC").to_owned();
    assert_eq!(
        get(&sim, &format!("/v2/vpcs/{vpc}")).await.status,
        StatusCode::OK
    );
    let pools = format!("/v2/kubernetes/clusters/{id}/node_pools");

    // A new pool's nodes, and a resize up and down.
    let added = post(
        &sim,
        &pools,
        r#"{"size": "s-1vcpu-2gb", "name": "burst", "count": 1}"#,
    )
    .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    let pool = added.json()["node_pool"].clone();
    let pool_id = pool["id"].as_str().expect("pool id").to_owned();
    let first = pool["nodes"][0]["droplet_id"]
        .as_str()
        .expect("droplet")
        .to_owned();
    assert_eq!(
        get(&sim, &format!("/v2/droplets/{first}")).await.status,
        StatusCode::OK
    );
    assert_eq!(node_droplets(&check_workers(&sim, &id).await).len(), 3);
    let grown = send_json(
        &sim,
        Method::PUT,
        &format!("{pools}/{pool_id}"),
        json!({"name": "burst", "count": 3}),
    )
    .await;
    assert_eq!(grown.status, StatusCode::ACCEPTED, "{}", grown.text);
    assert_eq!(node_droplets(&check_workers(&sim, &id).await).len(), 5);
    let shrunk = send_json(
        &sim,
        Method::PUT,
        &format!("{pools}/{pool_id}"),
        json!({"name": "burst", "count": 1}),
    )
    .await;
    assert_eq!(shrunk.status, StatusCode::ACCEPTED, "{}", shrunk.text);
    let cluster = check_workers(&sim, &id).await;
    assert_eq!(node_droplets(&cluster).len(), 3);

    // A node deleted takes its Droplet; one deleted with `replace=1` gets a new one.
    let workers = cluster["node_pools"][0]["nodes"].clone();
    let (node, droplet) = (
        workers[0]["id"].as_str().expect("node").to_owned(),
        workers[0]["droplet_id"]
            .as_str()
            .expect("droplet")
            .to_owned(),
    );
    let first_pool = cluster["node_pools"][0]["id"]
        .as_str()
        .expect("pool")
        .to_owned();
    assert_eq!(
        delete(
            &sim,
            &format!("{pools}/{first_pool}/nodes/{node}?replace=1")
        )
        .await,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        get(&sim, &format!("/v2/droplets/{droplet}")).await.status,
        StatusCode::NOT_FOUND
    );
    let cluster = check_workers(&sim, &id).await;
    assert_eq!(node_droplets(&cluster).len(), 3);
    let node = cluster["node_pools"][0]["nodes"][0]["id"]
        .as_str()
        .expect("node")
        .to_owned();
    assert_eq!(
        delete(&sim, &format!("{pools}/{first_pool}/nodes/{node}")).await,
        StatusCode::ACCEPTED
    );
    let cluster = check_workers(&sim, &id).await;
    assert_eq!(node_droplets(&cluster).len(), 2);

    // Recycling replaces the node's Droplet.
    let node = &cluster["node_pools"][0]["nodes"][0];
    let old = node["droplet_id"].as_str().expect("droplet").to_owned();
    let recycled = send_json(
        &sim,
        Method::POST,
        &format!("{pools}/{first_pool}/recycle"),
        json!({"nodes": [node["id"]]}),
    )
    .await;
    assert_eq!(recycled.status, StatusCode::ACCEPTED, "{}", recycled.text);
    assert_eq!(
        get(&sim, &format!("/v2/droplets/{old}")).await.status,
        StatusCode::NOT_FOUND
    );
    let cluster = check_workers(&sim, &id).await;

    // A worker Droplet deleted directly is replaced, its node with it, as DOKS does.
    let worker = node_droplets(&cluster)[0].clone();
    assert_eq!(
        delete(&sim, &format!("/v2/droplets/{worker}")).await,
        StatusCode::NO_CONTENT
    );
    let cluster = check_workers(&sim, &id).await;
    assert_eq!(node_droplets(&cluster).len(), 2);
    assert!(!node_droplets(&cluster).contains(&worker));

    // A pool deleted takes its workers; the cluster deleted takes the rest.
    let burst: Vec<String> = cluster["node_pools"]
        .as_array()
        .expect("pools")
        .iter()
        .find(|p| p["id"] == pool_id.as_str())
        .map(|p| node_droplets(&json!({"node_pools": [p]})))
        .expect("the burst pool");
    assert_eq!(
        delete(&sim, &format!("{pools}/{pool_id}")).await,
        StatusCode::NO_CONTENT
    );
    for d in &burst {
        assert_eq!(
            get(&sim, &format!("/v2/droplets/{d}")).await.status,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(node_droplets(&check_workers(&sim, &id).await).len(), 1);
    assert_eq!(
        delete(&sim, &format!("/v2/kubernetes/clusters/{id}")).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(tagged_workers(&sim, &id).await, Vec::<String>::new());
}

#[tokio::test]
async fn a_pool_past_the_node_bound_is_refused_before_any_droplet_is_made() {
    let sim = start(Sim::builder()).await;
    let before = get(&sim, "/v2/droplets").await.json()["meta"]["total"].clone();
    let made = post(
        &sim,
        "/v2/kubernetes/clusters",
        r#"{"name": "big", "region": "nyc1", "version": "latest", "node_pools": [{"size": "s-1vcpu-2gb", "name": "w", "count": 65}]}"#,
    )
    .await;
    made.assert_error(422, "unprocessable_entity");
    let cluster = "bd5f5959-5e1e-4205-a714-a914373942af";
    let grown = post(
        &sim,
        &format!("/v2/kubernetes/clusters/{cluster}/node_pools"),
        r#"{"size": "s-1vcpu-2gb", "name": "w", "count": 65}"#,
    )
    .await;
    grown.assert_error(422, "unprocessable_entity");
    let after = get(&sim, "/v2/droplets").await.json()["meta"]["total"].clone();
    assert_eq!(after, before, "no worker Droplet was made");
}
