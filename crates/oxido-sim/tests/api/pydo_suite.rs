//! What pydo's own integration suite (written against the real API; run on the emulator by
//! `python/third_party/pydo_integration`) showed the emulator got wrong, one test per finding,
//! in plain reqwest so that no client of ours can hide a mistake.

use http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{call, demo, get, post, send_json};

/// A body the description does not require may be left out: pydo starts a registry garbage
/// collection with no body at all.
#[tokio::test]
async fn an_optional_body_may_be_left_out_and_a_required_one_may_not() {
    let sim = demo(10).await;
    // The account has one registry: the demo's goes first.
    let gone = call(
        &sim,
        Method::DELETE,
        "/v2/registry",
        Some(sim.token()),
        None,
    )
    .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    let made = post(
        &sim,
        "/v2/registry",
        r#"{"name":"gc-probe","subscription_tier_slug":"basic","region":"nyc3"}"#,
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let gc = call(
        &sim,
        Method::POST,
        "/v2/registry/gc-probe/garbage-collection",
        Some(sim.token()),
        None,
    )
    .await;
    assert_eq!(gc.status, StatusCode::CREATED, "{}", gc.text);
    assert_eq!(gc.json()["garbage_collection"]["registry_name"], "gc-probe");
    // A Droplet create needs its body: the refusal names it.
    let droplet = call(&sim, Method::POST, "/v2/droplets", Some(sim.token()), None).await;
    droplet.assert_error(400, "bad_request");
    assert!(droplet.text.contains("body is empty"), "{}", droplet.text);
}

/// A new cluster's pools have ids, their nodes and the system tags, its subnets are the API's
/// defaults, and its credentials and kubeconfig name this cluster.
#[tokio::test]
async fn a_new_kubernetes_cluster_is_whole_and_its_credentials_are_its_own() {
    let sim = demo(10).await;
    let made = post(
        &sim,
        "/v2/kubernetes/clusters",
        r#"{"name":"k","region":"nyc3","version":"latest","tags":["web"],
            "node_pools":[{"name":"p","size":"s-1vcpu-2gb","count":2}]}"#,
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let cluster = made.json()["kubernetes_cluster"].clone();
    let id = cluster["id"].as_str().expect("id").to_owned();
    assert_eq!(cluster["cluster_subnet"], "10.244.0.0/16");
    assert_eq!(cluster["service_subnet"], "10.245.0.0/16");
    assert_eq!(cluster["tags"], json!(["web", "k8s", format!("k8s:{id}")]));
    let pool = &cluster["node_pools"][0];
    assert!(pool["id"].as_str().is_some_and(|p| p.len() == 36), "{pool}");
    assert_eq!(pool["nodes"].as_array().map(Vec::len), Some(2), "{pool}");
    assert!(pool["nodes"][0]["id"].is_string(), "{pool}");
    assert_eq!(
        pool["tags"],
        json!(["k8s", format!("k8s:{id}"), "k8s:worker"])
    );
    assert_eq!(pool["auto_scale"], false);
    // The pool reads back under its id.
    let pool_id = pool["id"].as_str().expect("pool id");
    let read = get(
        &sim,
        &format!("/v2/kubernetes/clusters/{id}/node_pools/{pool_id}"),
    )
    .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);

    let credentials = get(
        &sim,
        &format!("/v2/kubernetes/clusters/{id}/credentials?expiry_seconds=60"),
    )
    .await;
    assert_eq!(credentials.status, StatusCode::OK, "{}", credentials.text);
    let credentials = credentials.json();
    assert!(
        credentials["server"]
            .as_str()
            .is_some_and(|s| s.contains(&id)),
        "{credentials}"
    );
    let expires: jiff::Timestamp = credentials["expires_at"]
        .as_str()
        .expect("expires_at")
        .parse()
        .expect("a timestamp");
    assert!(expires > jiff::Timestamp::now());
    assert!(expires < jiff::Timestamp::now() + jiff::SignedDuration::from_secs(120));
    let refused = get(
        &sim,
        &format!("/v2/kubernetes/clusters/{id}/credentials?expiry_seconds=soon"),
    )
    .await;
    refused.assert_error(400, "bad_request");

    let kubeconfig = get(&sim, &format!("/v2/kubernetes/clusters/{id}/kubeconfig")).await;
    assert_eq!(kubeconfig.status, StatusCode::OK);
    assert_eq!(kubeconfig.header("content-type"), Some("application/yaml"));
    assert!(kubeconfig.text.contains(&format!(
        "server: {}",
        cluster["endpoint"].as_str().expect("endpoint")
    )));
    assert!(
        kubeconfig.text.contains("current-context: do-nyc3-k"),
        "{}",
        kubeconfig.text
    );
    let missing = get(
        &sim,
        "/v2/kubernetes/clusters/00000000-0000-4000-8000-000000000000/kubeconfig",
    )
    .await;
    missing.assert_error(404, "not_found");
}

/// The options list regions, versions and sizes, in the API's order.
#[tokio::test]
async fn kubernetes_options_keep_the_apis_member_order() {
    let sim = demo(10).await;
    let options = get(&sim, "/v2/kubernetes/options").await;
    let regions = options.text.find("\"regions\"").expect("regions");
    let versions = options.text.find("\"versions\"").expect("versions");
    let sizes = options.text.find("\"sizes\"").expect("sizes");
    assert!(regions < versions && versions < sizes, "{}", options.text);
}

/// A tag names what it tagged by the API's own address.
#[tokio::test]
async fn a_tag_names_the_last_resource_by_the_apis_address() {
    let sim = demo(10).await;
    let made = post(
        &sim,
        "/v2/droplets",
        r#"{"name":"t","region":"nyc3","size":"s-1vcpu-1gb","image":"ubuntu-22-04-x64"}"#,
    )
    .await;
    let id = made.json()["droplet"]["id"].as_u64().expect("id");
    post(&sim, "/v2/tags", r#"{"name":"probe"}"#).await;
    let tagged = post(
        &sim,
        "/v2/tags/probe/resources",
        &json!({"resources":[{"resource_id": id.to_string(), "resource_type":"droplet"}]})
            .to_string(),
    )
    .await;
    assert_eq!(tagged.status, StatusCode::NO_CONTENT, "{}", tagged.text);
    let tag = get(&sim, "/v2/tags/probe").await.json();
    assert_eq!(
        tag["tag"]["resources"]["last_tagged_uri"],
        format!("https://api.digitalocean.com/v2/droplets/{id}")
    );
    assert_eq!(tag["tag"]["resources"]["count"], 1);
}

/// The legacy App Platform sizes still take apps, and read as deprecated.
#[tokio::test]
async fn legacy_app_sizes_are_accepted_and_marked_deprecated() {
    let sim = demo(10).await;
    let size = get(&sim, "/v2/apps/tiers/instance_sizes/basic-xxs").await;
    assert_eq!(size.status, StatusCode::OK, "{}", size.text);
    assert_eq!(size.json()["instance_size"]["slug"], "basic-xxs");
    assert_eq!(size.json()["instance_size"]["deprecation_intent"], true);
    let app = post(
        &sim,
        "/v2/apps",
        r#"{"spec":{"name":"legacy","region":"nyc","services":[{"name":"api",
            "git":{"repo_clone_url":"https://github.com/digitalocean/sample-golang.git","branch":"main"},
            "instance_size_slug":"professional-xs","instance_count":1}]}}"#,
    )
    .await;
    assert_eq!(app.status.as_u16(), 200, "{}", app.text);
    let id = app.json()["app"]["id"].as_str().expect("id").to_owned();
    let usage = get(&sim, &format!("/v2/apps/{id}/metrics/bandwidth_daily")).await;
    assert_eq!(
        usage.json()["app_bandwidth_usage"][0]["app_id"],
        id.as_str()
    );
    let unknown = get(
        &sim,
        "/v2/apps/00000000-0000-4000-8000-000000000000/metrics/bandwidth_daily",
    )
    .await;
    unknown.assert_error(404, "not_found");
    let bogus = post(
        &sim,
        "/v2/apps",
        r#"{"spec":{"name":"bogus","services":[{"name":"api","instance_size_slug":"huge-xxl"}]}}"#,
    )
    .await;
    assert_eq!(bogus.status.as_u16(), 422, "{}", bogus.text);
}

/// An alert policy is replaced without `entities`, as pydo's suite does.
#[tokio::test]
async fn an_alert_policy_is_replaced_without_entities() {
    let sim = demo(10).await;
    let policy = json!({
        "alerts": {"email": ["a@example.com"], "slack": []},
        "compare": "GreaterThan", "description": "CPU", "enabled": true,
        "entities": [], "tags": ["web"], "type": "v1/insights/droplet/cpu",
        "value": 80, "window": "5m",
    });
    let made = send_json(&sim, Method::POST, "/v2/monitoring/alerts", policy).await;
    assert_eq!(made.status.as_u16(), 200, "{}", made.text);
    let uuid = made.json()["policy"]["uuid"]
        .as_str()
        .expect("uuid")
        .to_owned();
    let replaced = send_json(
        &sim,
        Method::PUT,
        &format!("/v2/monitoring/alerts/{uuid}"),
        json!({
            "alerts": {"email": ["b@example.com"]}, "compare": "GreaterThan",
            "description": "CPU", "enabled": true, "tags": ["web"],
            "type": "v1/insights/droplet/cpu", "value": 80, "window": "5m",
        }),
    )
    .await;
    assert_eq!(replaced.status.as_u16(), 200, "{}", replaced.text);
    let emails: &Value = &replaced.json()["policy"]["alerts"]["email"];
    assert_eq!(emails, &json!(["b@example.com"]));
}

/// A replica can be promoted as soon as it is asked for, before it is online.
#[tokio::test]
async fn a_replica_is_promoted_before_it_is_online() {
    let sim = demo(60_000).await;
    let made = post(
        &sim,
        "/v2/databases",
        r#"{"name":"pg","engine":"pg","region":"nyc3","size":"db-s-2vcpu-4gb","num_nodes":1}"#,
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let id = made.json()["database"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let replica = post(
        &sim,
        &format!("/v2/databases/{id}/replicas"),
        r#"{"name":"read-1","region":"nyc3","size":"db-s-2vcpu-4gb"}"#,
    )
    .await;
    assert_eq!(replica.status, StatusCode::CREATED, "{}", replica.text);
    assert_ne!(replica.json()["replica"]["status"], "online");
    let promoted = call(
        &sim,
        Method::PUT,
        &format!("/v2/databases/{id}/replicas/read-1/promote"),
        Some(sim.token()),
        None,
    )
    .await;
    assert_eq!(promoted.status, StatusCode::NO_CONTENT, "{}", promoted.text);
    let replicas = get(&sim, &format!("/v2/databases/{id}/replicas"))
        .await
        .json();
    assert_eq!(replicas["replicas"], json!([]));
}

/// A 1-Click `type` that matches nothing answers without the list.
#[tokio::test]
async fn an_unknown_one_click_type_answers_without_the_list() {
    let sim = demo(10).await;
    let none = get(&sim, "/v2/1-clicks?type=thisshouldnotmatch").await;
    assert_eq!(none.status, StatusCode::OK);
    assert_eq!(none.json(), json!({}));
    let some = get(&sim, "/v2/1-clicks?type=kubernetes").await.json();
    assert!(some["1_clicks"].as_array().is_some_and(|a| !a.is_empty()));
}
