//! Writes that must change state: each is made, then read back, listed or deleted.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::*;

fn ok(reply: &Reply, what: &str) -> Value {
    assert!(
        reply.status.is_success(),
        "{what}: {} {}",
        reply.status,
        reply.text
    );
    if reply.text.is_empty() {
        Value::Null
    } else {
        reply.json()
    }
}

async fn delete(sim: &oxido_sim::Sim, path: &str) -> Reply {
    call(sim, Method::DELETE, path, Some(sim.token()), None).await
}

#[tokio::test]
async fn destroying_a_droplet_with_its_resources_destroys_them_and_reports_it() {
    let sim = demo(60_000).await;
    let volume = "7724db7c-e098-11e5-b522-000f53304e51";
    // What is associated: the volume attached to the volume examples' Droplet.
    let listed = get(
        &sim,
        &format!("/v2/droplets/{HOST}/destroy_with_associated_resources"),
    )
    .await;
    let listed = ok(&listed, "associated");
    conforms(
        "GET",
        "/v2/droplets/{droplet_id}/destroy_with_associated_resources",
        &listed,
    );
    assert_eq!(listed["volumes"][0]["id"], volume, "{listed}");
    // No destruction asked for yet.
    get(
        &sim,
        &format!("/v2/droplets/{HOST}/destroy_with_associated_resources/status"),
    )
    .await
    .assert_error(404, "not_found");
    let gone = delete(
        &sim,
        &format!("/v2/droplets/{HOST}/destroy_with_associated_resources/dangerous"),
    )
    .await;
    assert_eq!(gone.status, StatusCode::ACCEPTED, "{}", gone.text);
    get(&sim, &format!("/v2/droplets/{HOST}"))
        .await
        .assert_error(404, "not_found");
    get(&sim, &format!("/v2/volumes/{volume}"))
        .await
        .assert_error(404, "not_found");
    let status = get(
        &sim,
        &format!("/v2/droplets/{HOST}/destroy_with_associated_resources/status"),
    )
    .await;
    let status = ok(&status, "status");
    conforms(
        "GET",
        "/v2/droplets/{droplet_id}/destroy_with_associated_resources/status",
        &status,
    );
    assert_eq!(status["droplet"]["id"], HOST.to_string());
    assert_eq!(status["droplet"]["name"], "volume-host");
    assert_eq!(status["resources"]["volumes"][0]["id"], volume);
    assert_eq!(status["failures"], 0);
    assert!(status["completed_at"].is_string());
    // Nothing failed, so a retry has nothing to do; another Droplet has no destruction.
    let retry = call(
        &sim,
        Method::POST,
        &format!("/v2/droplets/{HOST}/destroy_with_associated_resources/retry"),
        Some(sim.token()),
        None,
    )
    .await;
    assert_eq!(retry.status, StatusCode::ACCEPTED, "{}", retry.text);
    call(
        &sim,
        Method::POST,
        &format!("/v2/droplets/{DROPLET}/destroy_with_associated_resources/retry"),
        Some(sim.token()),
        None,
    )
    .await
    .assert_error(404, "not_found");
}

#[tokio::test]
async fn a_selective_destroy_keeps_what_it_does_not_name() {
    let sim = demo(60_000).await;
    // The demo Droplet 3164444 holds snapshot 67512819; a reserved IP is put on it.
    let ip = post(
        &sim,
        "/v2/reserved_ips",
        &json!({"droplet_id": DROPLET}).to_string(),
    )
    .await;
    let ip = ok(&ip, "reserved ip")["reserved_ip"]["ip"]
        .as_str()
        .expect("ip")
        .to_owned();
    let named = call(
        &sim,
        Method::DELETE,
        &format!("/v2/droplets/{DROPLET}/destroy_with_associated_resources/selective"),
        Some(sim.token()),
        Some(&json!({"snapshots": ["67512819"], "volumes": ["not-attached"]}).to_string()),
    )
    .await;
    // A resource that is not the Droplet's is refused, and nothing happens.
    named.assert_error(422, "unprocessable_entity");
    droplet(&sim, DROPLET).await;
    let done = call(
        &sim,
        Method::DELETE,
        &format!("/v2/droplets/{DROPLET}/destroy_with_associated_resources/selective"),
        Some(sim.token()),
        Some(&json!({"snapshots": ["67512819"]}).to_string()),
    )
    .await;
    assert_eq!(done.status, StatusCode::ACCEPTED, "{}", done.text);
    get(&sim, &format!("/v2/droplets/{DROPLET}"))
        .await
        .assert_error(404, "not_found");
    get(&sim, "/v2/snapshots/67512819")
        .await
        .assert_error(404, "not_found");
    // The reserved IP was not named: it stays, unassigned.
    let kept = get(&sim, &format!("/v2/reserved_ips/{ip}")).await;
    let kept = ok(&kept, "kept ip");
    assert!(kept["reserved_ip"]["droplet"].is_null(), "{kept}");
    let status = get(
        &sim,
        &format!("/v2/droplets/{DROPLET}/destroy_with_associated_resources/status"),
    )
    .await;
    let status = ok(&status, "status");
    assert_eq!(status["resources"]["snapshots"][0]["id"], "67512819");
    assert_eq!(status["resources"]["reserved_ips"], json!([]));
}

#[tokio::test]
async fn a_log_sink_is_stored_read_updated_listed_and_deleted() {
    let sim = demo(1000).await;
    let databases = ok(&get(&sim, "/v2/databases").await, "databases");
    let db = databases["databases"][0]["id"]
        .as_str()
        .expect("db id")
        .to_owned();
    let path = format!("/v2/databases/{db}/logsink");
    let config = json!({"server": "192.0.2.10", "port": 514, "tls": false, "format": "rfc5424"});
    let made = post(
        &sim,
        &path,
        &json!({"sink_name": "mine", "sink_type": "rsyslog", "config": config}).to_string(),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let made = made.json();
    assert_eq!(made["sink"]["sink_name"], "mine");
    assert_eq!(made["sink"]["config"], config);
    let id = made["sink"]["sink_id"]
        .as_str()
        .expect("sink id")
        .to_owned();
    let read = ok(&get(&sim, &format!("{path}/{id}")).await, "read");
    conforms(
        "GET",
        "/v2/databases/{database_cluster_uuid}/logsink/{logsink_id}",
        &read,
    );
    assert_eq!(read, made["sink"]);
    let changed = json!({"server": "192.0.2.11", "port": 6514, "tls": true, "format": "rfc3164"});
    let put = send_json(
        &sim,
        Method::PUT,
        &format!("{path}/{id}"),
        json!({"config": changed}),
    )
    .await;
    ok(&put, "update");
    let read = ok(&get(&sim, &format!("{path}/{id}")).await, "read again");
    assert_eq!(read["config"], changed);
    let listed = ok(&get(&sim, &path).await, "list");
    assert!(
        listed["sinks"]
            .as_array()
            .expect("sinks")
            .iter()
            .any(|s| s["sink_id"] == id.as_str()),
        "{listed}"
    );
    ok(&delete(&sim, &format!("{path}/{id}")).await, "delete");
    get(&sim, &format!("{path}/{id}"))
        .await
        .assert_error(404, "not_found");
    // A database that does not exist has no sinks.
    post(
        &sim,
        "/v2/databases/00000000-0000-4000-8000-000000000000/logsink",
        &json!({"sink_name": "x", "sink_type": "rsyslog", "config": config}).to_string(),
    )
    .await
    .assert_error(404, "not_found");
}

#[tokio::test]
async fn evaluation_datasets_and_runs_are_stored() {
    let sim = demo(1000).await;
    let made = post(
        &sim,
        "/v2/gen-ai/evaluation_datasets",
        &json!({"name": "golden", "file_upload_dataset": {"original_file_name": "g.csv", "stored_object_key": "k", "size_in_bytes": "2048"}}).to_string(),
    )
    .await;
    let id = ok(&made, "dataset")["evaluation_dataset_uuid"]
        .as_str()
        .expect("uuid")
        .to_owned();
    let listed = ok(&get(&sim, "/v2/gen-ai/evaluation_datasets").await, "list");
    let mine = listed["evaluation_datasets"]
        .as_array()
        .expect("datasets")
        .iter()
        .find(|d| d["dataset_uuid"] == id.as_str())
        .cloned()
        .unwrap_or_else(|| panic!("not listed: {listed}"));
    assert_eq!(mine["dataset_name"], "golden");
    assert_eq!(mine["file_size"], "2048");
    ok(
        &delete(&sim, &format!("/v2/gen-ai/evaluation_datasets/{id}")).await,
        "delete",
    );
    delete(&sim, &format!("/v2/gen-ai/evaluation_datasets/{id}"))
        .await
        .assert_error(404, "not_found");

    let agents = [
        "0b0c6a8e-1f4e-4b7a-9d6c-2e3f4a5b6c7d",
        "1c1d7b9f-2a5f-4c8b-8e7d-3f4a5b6c7d8e",
    ];
    let runs = post(
        &sim,
        "/v2/gen-ai/evaluation_runs",
        &json!({"test_case_uuid": "2d2e8c0a-3b6a-4d9c-9f8e-4a5b6c7d8e9f", "agent_uuids": agents, "run_name": "nightly"}).to_string(),
    )
    .await;
    let runs = ok(&runs, "runs")["evaluation_run_uuids"].clone();
    let runs = runs.as_array().expect("uuids");
    assert_eq!(runs.len(), 2);
    for (run, agent) in runs.iter().zip(agents) {
        let read = ok(
            &get(
                &sim,
                &format!("/v2/gen-ai/evaluation_runs/{}", run.as_str().expect("uuid")),
            )
            .await,
            "run",
        );
        conforms(
            "GET",
            "/v2/gen-ai/evaluation_runs/{evaluation_run_uuid}",
            &read,
        );
        assert_eq!(read["evaluation_run"]["agent_uuid"], agent);
        assert_eq!(read["evaluation_run"]["run_name"], "nightly");
    }
    post(
        &sim,
        "/v2/gen-ai/evaluation_runs",
        &json!({"test_case_uuid": "2d2e8c0a-3b6a-4d9c-9f8e-4a5b6c7d8e9f"}).to_string(),
    )
    .await
    .assert_error(422, "unprocessable_entity");
}

#[tokio::test]
async fn a_suppression_can_be_deleted_once() {
    let sim = demo(1000).await;
    let made = post(
        &sim,
        "/v2/security/settings/suppressions",
        &json!({"resources": ["do:droplet:3164444", "do:droplet:3164450"], "rule_uuid": "5e5f0d1b-4c7b-4e0d-8a9f-5b6c7d8e9f0a"}).to_string(),
    )
    .await;
    let made = ok(&made, "suppressions");
    let resources = made["resources"].as_array().expect("resources");
    assert_eq!(resources.len(), 2);
    assert_eq!(resources[1]["resource_id"], "3164450");
    let id = resources[0]["id"].as_str().expect("id");
    let path = format!("/v2/security/settings/suppressions/{id}");
    ok(&delete(&sim, &path).await, "delete");
    delete(&sim, &path).await.assert_error(404, "not_found");
}

#[tokio::test]
async fn a_byoip_prefix_keeps_its_prefix() {
    let sim = demo(1000).await;
    let made = post(
        &sim,
        "/v2/byoip_prefixes",
        &json!({"prefix": "203.0.113.0/24", "region": "nyc3", "signature": "signed"}).to_string(),
    )
    .await;
    let made = ok(&made, "prefix");
    conforms("POST", "/v2/byoip_prefixes", &made);
    let uuid = made["byoip_prefix"]["uuid"]
        .as_str()
        .expect("uuid")
        .to_owned();
    let read = ok(
        &get(&sim, &format!("/v2/byoip_prefixes/{uuid}")).await,
        "read",
    );
    conforms("GET", "/v2/byoip_prefixes/{byoip_prefix_uuid}", &read);
    assert_eq!(read["byoip_prefix"]["prefix"], "203.0.113.0/24");
    assert_eq!(read["byoip_prefix"]["region"], "nyc3");
    let listed = ok(&get(&sim, "/v2/byoip_prefixes").await, "list");
    assert!(
        listed["byoip_prefixes"]
            .as_array()
            .expect("prefixes")
            .iter()
            .any(|p| p["uuid"] == uuid.as_str() && p["prefix"] == "203.0.113.0/24"),
        "{listed}"
    );
}

#[tokio::test]
async fn database_settings_read_back_what_was_written() {
    let sim = demo(1000).await;
    let databases = ok(&get(&sim, "/v2/databases").await, "databases");
    let db = databases["databases"][0]["id"]
        .as_str()
        .expect("db id")
        .to_owned();
    let cases = [
        (
            Method::PUT,
            "eviction_policy",
            json!({"eviction_policy": "volatile_ttl"}),
            "/eviction_policy",
            json!("volatile_ttl"),
        ),
        (
            Method::PUT,
            "sql_mode",
            json!({"sql_mode": "ANSI"}),
            "/sql_mode",
            json!("ANSI"),
        ),
        (
            Method::PATCH,
            "config",
            json!({"config": {"sql_require_primary_key": false}}),
            "/config/sql_require_primary_key",
            json!(false),
        ),
        (
            Method::PUT,
            "autoscale",
            json!({"storage": {"enabled": true, "threshold_percent": 90, "increment_gib": 20}}),
            "/autoscale/storage/threshold_percent",
            json!(90),
        ),
        (
            Method::PUT,
            "schema-registry/config",
            json!({"compatibility_level": "FULL"}),
            "/compatibility_level",
            json!("FULL"),
        ),
    ];
    for (method, tail, body, pointer, expected) in cases {
        let path = format!("/v2/databases/{db}/{tail}");
        let written = send_json(&sim, method, &path, body).await;
        ok(&written, tail);
        let read = ok(&get(&sim, &path).await, tail);
        assert_eq!(read.pointer(pointer), Some(&expected), "{tail}: {read}");
        conforms(
            "GET",
            &format!("/v2/databases/{{database_cluster_uuid}}/{tail}"),
            &read,
        );
    }
    // The whole account's settings: no cluster in the path.
    let creds = json!({"credentials": {"basic_auth_username": "metrics", "basic_auth_password": "s3cret-enough"}});
    ok(
        &send_json(
            &sim,
            Method::PUT,
            "/v2/databases/metrics/credentials",
            creds.clone(),
        )
        .await,
        "credentials",
    );
    let read = ok(
        &get(&sim, "/v2/databases/metrics/credentials").await,
        "credentials",
    );
    assert_eq!(read, creds);
    // A missing cluster is a 404.
    send_json(
        &sim,
        Method::PUT,
        "/v2/databases/00000000-0000-4000-8000-000000000000/eviction_policy",
        json!({"eviction_policy": "noeviction"}),
    )
    .await
    .assert_error(404, "not_found");
    // The settings go with their cluster.
    ok(
        &delete(&sim, &format!("/v2/databases/{db}")).await,
        "delete cluster",
    );
    get(&sim, &format!("/v2/databases/{db}/sql_mode"))
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn the_default_project_is_updated_in_place() {
    let sim = demo(1000).await;
    let before = ok(&get(&sim, "/v2/projects/default").await, "default");
    let id = before["project"]["id"].as_str().expect("id").to_owned();
    let patched = send_json(
        &sim,
        Method::PATCH,
        "/v2/projects/default",
        json!({"name": "renamed-default"}),
    )
    .await;
    assert_eq!(ok(&patched, "patch")["project"]["name"], "renamed-default");
    let read = ok(&get(&sim, "/v2/projects/default").await, "read");
    conforms("GET", "/v2/projects/default", &read);
    assert_eq!(read["project"]["name"], "renamed-default");
    assert_eq!(read["project"]["is_default"], true);
    // The same project, by its id and in the list.
    let by_id = ok(&get(&sim, &format!("/v2/projects/{id}")).await, "by id");
    assert_eq!(by_id["project"]["name"], "renamed-default");
    let put = send_json(
        &sim,
        Method::PUT,
        "/v2/projects/default",
        json!({"name": "put-default", "description": "d", "purpose": "Web Application", "environment": "Staging", "is_default": true}),
    )
    .await;
    ok(&put, "put");
    let read = ok(&get(&sim, "/v2/projects/default").await, "read");
    assert_eq!(read["project"]["environment"], "Staging");
    // An account of its own has a default project too.
    let other = start(oxido_sim::Sim::builder().other_account_token("other-projects")).await;
    let reply = call(
        &other,
        Method::PATCH,
        "/v2/projects/default",
        Some("other-projects"),
        Some(r#"{"name":"mine"}"#),
    )
    .await;
    assert_eq!(ok(&reply, "other")["project"]["name"], "mine");
    let reply = call(
        &other,
        Method::GET,
        "/v2/projects/default",
        Some("other-projects"),
        None,
    )
    .await;
    assert_eq!(ok(&reply, "other read")["project"]["name"], "mine");
}

/// The first item's `field` in the list at `path`.
async fn first_id(sim: &oxido_sim::Sim, path: &str, member: &str, field: &str) -> String {
    let listed = ok(&get(sim, path).await, path);
    let id = &listed[member][0][field];
    id.as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("{path}: no {member}[0].{field} in {listed}"))
}

#[tokio::test]
async fn registries_attach_to_clusters_and_versions_and_passwords_change() {
    let sim = demo(1000).await;
    let cluster = first_id(&sim, "/v2/kubernetes/clusters", "kubernetes_clusters", "id").await;
    for (method, path, enabled) in [
        (Method::POST, "/v2/kubernetes/registry", true),
        (Method::DELETE, "/v2/kubernetes/registry", false),
        (Method::POST, "/v2/kubernetes/registries", true),
    ] {
        let reply = send_json(
            &sim,
            method,
            path,
            json!({"cluster_uuids": [cluster], "registries": ["mine"]}),
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::NO_CONTENT,
            "{path}: {}",
            reply.text
        );
        let read = ok(
            &get(&sim, &format!("/v2/kubernetes/clusters/{cluster}")).await,
            "cluster",
        );
        assert_eq!(
            read["kubernetes_cluster"]["registry_enabled"], enabled,
            "{path}"
        );
    }
    // A cluster that does not exist: refused, and the others are left alone.
    send_json(
        &sim,
        Method::DELETE,
        "/v2/kubernetes/registries",
        json!({"cluster_uuids": [cluster, "00000000-0000-4000-8000-000000000000"], "registries": ["mine"]}),
    )
    .await
    .assert_error(422, "unprocessable_entity");
    let read = ok(
        &get(&sim, &format!("/v2/kubernetes/clusters/{cluster}")).await,
        "cluster",
    );
    assert_eq!(read["kubernetes_cluster"]["registry_enabled"], true);

    let db = first_id(&sim, "/v2/databases", "databases", "id").await;
    let upgraded = send_json(
        &sim,
        Method::PUT,
        &format!("/v2/databases/{db}/upgrade"),
        json!({"version": "17"}),
    )
    .await;
    assert_eq!(upgraded.status, StatusCode::NO_CONTENT, "{}", upgraded.text);
    let read = ok(&get(&sim, &format!("/v2/databases/{db}")).await, "db");
    assert_eq!(read["database"]["version"], "17");

    let user = first_id(&sim, &format!("/v2/databases/{db}/users"), "users", "name").await;
    let before = ok(
        &get(&sim, &format!("/v2/databases/{db}/users/{user}")).await,
        "user",
    );
    let reset = post(
        &sim,
        &format!("/v2/databases/{db}/users/{user}/reset_auth"),
        &json!({"mysql_settings": {"auth_plugin": "caching_sha2_password"}}).to_string(),
    )
    .await;
    let reset = ok(&reset, "reset");
    conforms(
        "POST",
        "/v2/databases/{database_cluster_uuid}/users/{username}/reset_auth",
        &reset,
    );
    let after = ok(
        &get(&sim, &format!("/v2/databases/{db}/users/{user}")).await,
        "user",
    );
    assert_ne!(after["user"]["password"], before["user"]["password"]);
    assert_eq!(after["user"]["password"], reset["user"]["password"]);
    assert_eq!(
        after["user"]["mysql_settings"]["auth_plugin"],
        "caching_sha2_password"
    );
}

#[tokio::test]
async fn vector_database_tags_and_agent_visibility_are_set() {
    let sim = demo(1000).await;
    let listed = ok(&get(&sim, "/v2/vector-databases").await, "vector dbs");
    let member = listed
        .as_object()
        .and_then(|o| o.iter().find(|(_, v)| v.is_array()).map(|(k, _)| k.clone()))
        .expect("a list member");
    let id = listed[&member][0]["id"]
        .as_str()
        .expect("vector db id")
        .to_owned();
    let tags = send_json(
        &sim,
        Method::PUT,
        &format!("/v2/vector-databases/{id}/tags"),
        json!({"tags": ["team:search", "env:test"]}),
    )
    .await;
    ok(&tags, "tags");
    let read = ok(
        &get(&sim, &format!("/v2/vector-databases/{id}")).await,
        "vector db",
    );
    let stored = read
        .as_object()
        .and_then(|o| o.values().find(|v| v.is_object()))
        .cloned()
        .unwrap_or_else(|| read.clone());
    assert_eq!(stored["tags"], json!(["team:search", "env:test"]), "{read}");

    let agent = first_id(&sim, "/v2/gen-ai/agents", "agents", "uuid").await;
    let visible = send_json(
        &sim,
        Method::PUT,
        &format!("/v2/gen-ai/agents/{agent}/deployment_visibility"),
        json!({"uuid": agent, "visibility": "VISIBILITY_PUBLIC"}),
    )
    .await;
    ok(&visible, "visibility");
    let read = ok(
        &get(&sim, &format!("/v2/gen-ai/agents/{agent}")).await,
        "agent",
    );
    assert_eq!(
        read["agent"]["deployment"]["visibility"], "VISIBILITY_PUBLIC",
        "{}",
        read["agent"]["deployment"]
    );
}
