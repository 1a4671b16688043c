//! Values the API derives for a new object, checked against the objects they relate to:
//! a Droplet's private address and its VPC's range.

use std::net::Ipv4Addr;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::*;

/// Whether `ip` lies inside `range` (`a.b.c.d/n`).
fn inside(ip: &str, range: &str) -> bool {
    let (network, bits) = range.split_once('/').expect("a CIDR range");
    let bits: u32 = bits.parse().expect("prefix length");
    let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
    let ip: Ipv4Addr = ip.parse().expect("an IPv4 address");
    let network: Ipv4Addr = network.parse().expect("an IPv4 network");
    u32::from(ip) & mask == u32::from(network) & mask
}

/// The Droplet's private IPv4 entry, once its create action has finished.
async fn private_v4(sim: &oxido_sim::Sim, created: &Value) -> Value {
    let action = created["links"]["actions"][0]["id"]
        .as_u64()
        .expect("create action");
    wait_action(sim, action, Duration::from_secs(5)).await;
    let id = created["droplet"]["id"].as_u64().expect("droplet id");
    let droplet = droplet(sim, id).await;
    droplet["networks"]["v4"]
        .as_array()
        .and_then(|v4| v4.iter().find(|n| n["type"] == "private"))
        .cloned()
        .unwrap_or_else(|| panic!("no private address: {droplet}"))
}

async fn create_droplet(sim: &oxido_sim::Sim, body: Value) -> Value {
    let reply = send_json(sim, Method::POST, "/v2/droplets", body).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
    reply.json()
}

async fn vpc_range(sim: &oxido_sim::Sim, vpc: &str) -> String {
    let reply = get(sim, &format!("/v2/vpcs/{vpc}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()["vpc"]["ip_range"]
        .as_str()
        .expect("ip_range")
        .to_owned()
}

#[tokio::test]
async fn a_droplets_private_address_lies_in_its_vpcs_range_and_is_its_own() {
    let sim = demo(50).await;
    let vpc = send_json(
        &sim,
        Method::POST,
        "/v2/vpcs",
        json!({"name": "small", "region": "nyc1", "ip_range": "10.200.16.0/24"}),
    )
    .await;
    assert_eq!(vpc.status, StatusCode::CREATED, "{}", vpc.text);
    let vpc_id = vpc.json()["vpc"]["id"].as_str().expect("vpc id").to_owned();
    let mut seen = Vec::new();
    for name in ["a", "b", "c"] {
        let created = create_droplet(
            &sim,
            json!({"name": name, "region": "nyc1", "size": "s-1vcpu-1gb",
                   "image": "ubuntu-24-04-x64", "vpc_uuid": vpc_id}),
        )
        .await;
        let private = private_v4(&sim, &created).await;
        let ip = private["ip_address"].as_str().expect("ip").to_owned();
        assert!(inside(&ip, "10.200.16.0/24"), "{ip}");
        assert_eq!(private["netmask"], "255.255.255.0");
        assert!(!seen.contains(&ip), "{ip} given twice: {seen:?}");
        seen.push(ip);
    }
    // Without a VPC, the Droplet joins its region's default one and takes its range.
    let created = create_droplet(
        &sim,
        json!({"name": "d", "region": "sfo2", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64"}),
    )
    .await;
    let private = private_v4(&sim, &created).await;
    let id = created["droplet"]["id"].as_u64().expect("id");
    let default_vpc = droplet(&sim, id).await["vpc_uuid"]
        .as_str()
        .expect("vpc_uuid")
        .to_owned();
    let range = vpc_range(&sim, &default_vpc).await;
    let ip = private["ip_address"].as_str().expect("ip");
    assert!(inside(ip, &range), "{ip} outside {range}");
}

#[tokio::test]
async fn the_demo_droplets_addresses_lie_in_their_vpcs() {
    let sim = demo(50).await;
    let droplets = get(&sim, "/v2/droplets?per_page=200").await.json();
    let mut seen = Vec::new();
    for d in droplets["droplets"].as_array().expect("droplets") {
        let Some(private) = d["networks"]["v4"]
            .as_array()
            .and_then(|v4| v4.iter().find(|n| n["type"] == "private"))
        else {
            continue;
        };
        let range = vpc_range(&sim, d["vpc_uuid"].as_str().expect("vpc_uuid")).await;
        let ip = private["ip_address"].as_str().expect("ip").to_owned();
        assert!(
            inside(&ip, &range),
            "Droplet {}: {ip} outside {range}",
            d["id"]
        );
        assert!(!seen.contains(&ip), "{ip} given twice");
        seen.push(ip);
    }
    assert!(!seen.is_empty(), "the demo has active Droplets");
}

#[tokio::test]
async fn a_full_vpc_range_refuses_another_droplet() {
    let sim = demo(50).await;
    // A /29 holds five Droplet addresses: eight, less network, gateway and broadcast.
    let vpc = send_json(
        &sim,
        Method::POST,
        "/v2/vpcs",
        json!({"name": "tiny", "region": "nyc1", "ip_range": "10.201.0.0/29"}),
    )
    .await;
    assert_eq!(vpc.status, StatusCode::CREATED, "{}", vpc.text);
    let vpc_id = vpc.json()["vpc"]["id"].as_str().expect("vpc id").to_owned();
    let body = |name: &str| {
        json!({"name": name, "region": "nyc1", "size": "s-1vcpu-1gb",
               "image": "ubuntu-24-04-x64", "vpc_uuid": vpc_id})
    };
    for n in 0..5 {
        create_droplet(&sim, body(&format!("m{n}"))).await;
    }
    let refused = send_json(&sim, Method::POST, "/v2/droplets", body("m5")).await;
    let error = refused.assert_error(422, "unprocessable_entity");
    assert!(
        error["message"]
            .as_str()
            .unwrap_or_default()
            .contains("no free address"),
        "{error}"
    );
}

/// Every `droplet_id` of every node of the account's clusters.
async fn node_droplet_ids(sim: &oxido_sim::Sim) -> Vec<String> {
    let clusters = get(sim, "/v2/kubernetes/clusters?per_page=200")
        .await
        .json();
    let mut ids = Vec::new();
    for cluster in clusters["kubernetes_clusters"]
        .as_array()
        .expect("clusters")
    {
        for pool in cluster["node_pools"].as_array().into_iter().flatten() {
            for node in pool["nodes"].as_array().into_iter().flatten() {
                let id = node["droplet_id"]
                    .as_str()
                    .unwrap_or_else(|| panic!("node without droplet_id: {node}"));
                assert!(id.parse::<u64>().is_ok_and(|n| n > 0), "{id}");
                ids.push(id.to_owned());
            }
        }
    }
    ids
}

fn assert_unique(ids: &[String]) {
    let mut sorted = ids.to_vec();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len(), "repeated droplet_id: {ids:?}");
}

#[tokio::test]
async fn kubernetes_nodes_carry_unique_stable_droplet_ids() {
    let sim = demo(60_000).await;
    // The demo's clusters, which the documented examples all gave one Droplet id.
    assert_unique(&node_droplet_ids(&sim).await);
    let created = send_json(
        &sim,
        Method::POST,
        "/v2/kubernetes/clusters",
        json!({"name": "ids", "region": "nyc1", "version": "latest", "node_pools": [
            {"name": "a", "size": "s-1vcpu-2gb", "count": 2},
            {"name": "b", "size": "s-1vcpu-2gb", "count": 1}]}),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let cluster = created.json()["kubernetes_cluster"].clone();
    let cluster_id = cluster["id"].as_str().expect("id").to_owned();
    let before = node_droplet_ids(&sim).await;
    assert_unique(&before);
    // Each is a worker Droplet the account holds.
    let droplets = get(&sim, "/v2/droplets?per_page=200").await.json();
    let held: Vec<String> = droplets["droplets"]
        .as_array()
        .expect("droplets")
        .iter()
        .map(|d| d["id"].to_string())
        .collect();
    for id in &before {
        assert!(held.contains(id), "node Droplet {id} is not held");
    }
    // Growing a pool keeps its nodes' ids and gives the new node a fresh one.
    let pool = &cluster["node_pools"][0];
    let pool_path = format!(
        "/v2/kubernetes/clusters/{cluster_id}/node_pools/{}",
        pool["id"].as_str().expect("pool id")
    );
    let grown = send_json(
        &sim,
        Method::PUT,
        &pool_path,
        json!({"name": "a", "count": 3}),
    )
    .await;
    assert_eq!(grown.status, StatusCode::ACCEPTED, "{}", grown.text);
    let nodes = grown.json()["node_pool"]["nodes"].clone();
    for i in 0..2 {
        assert_eq!(nodes[i]["droplet_id"], pool["nodes"][i]["droplet_id"]);
    }
    let read = get(&sim, &pool_path).await.json();
    assert_eq!(read["node_pool"]["nodes"], nodes, "the ids are stored");
    // A recycled node runs on a new Droplet.
    let recycled_id = nodes[0]["id"].as_str().expect("node id");
    let recycle = send_json(
        &sim,
        Method::POST,
        &format!("{pool_path}/recycle"),
        json!({"nodes": [recycled_id]}),
    )
    .await;
    assert_eq!(recycle.status, StatusCode::ACCEPTED, "{}", recycle.text);
    let after = get(&sim, &pool_path).await.json()["node_pool"]["nodes"].clone();
    assert_ne!(after[0]["droplet_id"], nodes[0]["droplet_id"]);
    assert_unique(&node_droplet_ids(&sim).await);
}

async fn create_database(sim: &oxido_sim::Sim, body: Value) -> Value {
    let reply = send_json(sim, Method::POST, "/v2/databases", body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.json()["database"].clone()
}

#[tokio::test]
async fn a_database_clusters_semantic_version_follows_its_version() {
    let sim = demo(50).await;
    // Without a version, the engine's newest; the release and dates follow from it.
    let pg = create_database(
        &sim,
        json!({"name": "v-pg", "engine": "pg", "region": "nyc1",
               "size": "db-s-1vcpu-1gb", "num_nodes": 1}),
    )
    .await;
    let options = get(&sim, "/v2/databases/options").await.json();
    let pg_versions = options["options"]["pg"]["versions"]
        .as_array()
        .expect("pg versions");
    let newest = pg_versions
        .last()
        .and_then(Value::as_str)
        .expect("a version");
    assert_eq!(pg["version"], newest, "{pg}");
    let full = pg["semantic_version"].as_str().expect("semantic_version");
    assert!(full.starts_with(&format!("{newest}.")), "{full}");
    assert!(
        pg["version_end_of_life"]
            .as_str()
            .is_some_and(|d| d.len() == 10),
        "{pg}"
    );
    let id = pg["id"].as_str().expect("id").to_owned();
    let read = get(&sim, &format!("/v2/databases/{id}")).await.json()["database"].clone();
    assert_eq!(read["semantic_version"], full);

    let mongo = create_database(
        &sim,
        json!({"name": "v-mongo", "engine": "mongodb", "version": "7.0", "region": "nyc1",
               "size": "db-s-1vcpu-1gb", "num_nodes": 1}),
    )
    .await;
    assert!(
        mongo["semantic_version"]
            .as_str()
            .is_some_and(|v| v.starts_with("7.0.")),
        "{mongo}"
    );

    // An upgrade moves the release with the version, and refuses a version not offered.
    let older = create_database(
        &sim,
        json!({"name": "v-old", "engine": "pg", "version": "15", "region": "nyc1",
               "size": "db-s-1vcpu-1gb", "num_nodes": 1}),
    )
    .await;
    assert!(
        older["semantic_version"]
            .as_str()
            .is_some_and(|v| v.starts_with("15."))
    );
    let older_id = older["id"].as_str().expect("id");
    let upgrade = format!("/v2/databases/{older_id}/upgrade");
    let done = send_json(&sim, Method::PUT, &upgrade, json!({"version": "16"})).await;
    assert_eq!(done.status.as_u16(), 204, "{}", done.text);
    let read = get(&sim, &format!("/v2/databases/{older_id}")).await.json()["database"].clone();
    assert_eq!(read["version"], "16");
    assert!(
        read["semantic_version"]
            .as_str()
            .is_some_and(|v| v.starts_with("16.")),
        "{read}"
    );
    send_json(&sim, Method::PUT, &upgrade, json!({"version": "99"}))
        .await
        .assert_error(422, "unprocessable_entity");
}

/// Every string in `value` wrapped in literal double quotes, with where it is.
fn quoted_strings(value: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::String(s) if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') => {
            out.push(format!("{at}: {s}"));
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                quoted_strings(v, &format!("{at}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                quoted_strings(v, &format!("{at}/{k}"), out);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn demo_ids_and_values_carry_no_literal_quotes() {
    let sim = demo(50).await;
    // The description's GenAI paths quote their example id; the demo holds it bare, which
    // is also the id the demo objects' own examples carry.
    const ID: &str = "123e4567-e89b-12d3-a456-426614174000";
    for collection in [
        "/v2/gen-ai/agents",
        "/v2/gen-ai/workspaces",
        "/v2/gen-ai/knowledge_bases",
    ] {
        let reply = get(&sim, &format!("{collection}/{ID}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{collection}: {}", reply.text);
    }
    let agents = get(&sim, "/v2/gen-ai/agents").await.json();
    assert_eq!(agents["agents"][0]["uuid"], ID, "{agents}");
    // Touch every GenAI and vector database list, then look through the whole account.
    for list in [
        "/v2/gen-ai/agents",
        "/v2/gen-ai/workspaces",
        "/v2/gen-ai/knowledge_bases",
        "/v2/gen-ai/models/api_keys",
        "/v2/gen-ai/openai/keys",
        "/v2/gen-ai/anthropic/keys",
        "/v2/gen-ai/evaluation_test_cases",
        "/v2/vector-databases",
    ] {
        let reply = get(&sim, list).await;
        assert_eq!(reply.status, StatusCode::OK, "{list}: {}", reply.text);
    }
    let state = call(
        &sim,
        Method::GET,
        "/_sim/state",
        Some(sim.admin_token()),
        None,
    )
    .await;
    assert_eq!(state.status, StatusCode::OK, "{}", state.text);
    let mut quoted = Vec::new();
    quoted_strings(&state.json(), "", &mut quoted);
    assert!(quoted.is_empty(), "{quoted:#?}");
}

#[tokio::test]
async fn demo_objects_name_projects_the_demo_holds() {
    let sim = demo(50).await;
    let mut checked = 0;
    for (list, member) in [
        ("/v2/reserved_ips", "reserved_ips"),
        ("/v2/floating_ips", "floating_ips"),
        ("/v2/apps", "apps"),
        ("/v2/gen-ai/agents", "agents"),
    ] {
        let page = get(&sim, list).await.json();
        for object in page[member].as_array().into_iter().flatten() {
            let Some(project) = object["project_id"].as_str().filter(|p| !p.is_empty()) else {
                continue;
            };
            let reply = get(&sim, &format!("/v2/projects/{project}")).await;
            assert_eq!(reply.status, StatusCode::OK, "{list}: project {project}");
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} demo objects name a project");
}
