//! What clients of the real API send and expect, found by driving pydo through everyday
//! flows against the emulator: record updates that leave out `type`, a database's first
//! database and defaults, one default project, one project per resource.

use oxido_sim::Sim;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{created as made, demo, get, send_json};

#[tokio::test]
async fn a_record_update_without_type_keeps_the_type_and_checks_data_against_it() {
    let sim = demo(50).await;
    made(
        &sim,
        "/v2/domains",
        json!({"name": "habits.example"}),
        "domain",
    )
    .await;
    let records = "/v2/domains/habits.example/records";
    let record = made(
        &sim,
        records,
        json!({"type": "A", "name": "www", "data": "192.0.2.1", "ttl": 600}),
        "domain_record",
    )
    .await;
    let path = format!("{records}/{}", record["id"]);
    // godo's DomainRecordEditRequest and doctl's `records update` leave `type` out.
    for (method, body) in [
        (Method::PUT, json!({"data": "192.0.2.2"})),
        (Method::PATCH, json!({"name": "www2"})),
    ] {
        let reply = send_json(&sim, method.clone(), &path, body).await;
        assert_eq!(reply.status, StatusCode::OK, "{method}: {}", reply.text);
        assert_eq!(reply.json()["domain_record"]["type"], "A", "{}", reply.text);
    }
    let stored = get(&sim, &path).await.json()["domain_record"].clone();
    assert_eq!(
        (&stored["name"], &stored["data"], &stored["ttl"]),
        (&json!("www2"), &json!("192.0.2.2"), &json!(600))
    );
    // Data that does not suit the stored type is still refused, and nothing changes.
    let bad = send_json(&sim, Method::PATCH, &path, json!({"data": "not-an-ip"})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    assert!(bad.text.contains("A record"), "{}", bad.text);
    assert_eq!(
        get(&sim, &path).await.json()["domain_record"]["data"],
        "192.0.2.2"
    );
}

#[tokio::test]
async fn a_database_cluster_lists_defaultdb_and_takes_defaults_from_its_engine() {
    let sim = demo(50).await;
    let pg = made(
        &sim,
        "/v2/databases",
        json!({"name": "habits-pg", "engine": "pg", "region": "nyc3",
               "size": "db-s-1vcpu-1gb", "num_nodes": 1}),
        "database",
    )
    .await;
    // No version asked: the engine's newest in the catalog.
    let versions =
        get(&sim, "/v2/databases/options").await.json()["options"]["pg"]["versions"].clone();
    assert_eq!(
        &pg["version"],
        versions
            .as_array()
            .and_then(|v| v.last())
            .unwrap_or(&Value::Null)
    );
    let id = pg["id"].as_str().unwrap_or_default().to_owned();
    let dbs = get(&sim, &format!("/v2/databases/{id}/dbs")).await;
    assert_eq!(dbs.status, StatusCode::OK, "{}", dbs.text);
    assert_eq!(
        dbs.json()["dbs"],
        json!([{"name": "defaultdb"}]),
        "{}",
        dbs.text
    );
    // A replica without a region is placed in its primary's; hosts carry one account number.
    let replica = made(
        &sim,
        &format!("/v2/databases/{id}/replicas"),
        json!({"name": "habits-replica", "size": "db-s-1vcpu-1gb"}),
        "replica",
    )
    .await;
    assert_eq!(replica["region"], "nyc3", "{replica}");
    let account = |host: &Value| {
        host.as_str()
            .and_then(|h| h.split("-do-user-").nth(1))
            .and_then(|t| t.split('-').next())
            .map(str::to_owned)
    };
    assert!(account(&pg["connection"]["host"]).is_some(), "{pg}");
    assert_eq!(
        account(&pg["connection"]["host"]),
        account(&replica["connection"]["host"])
    );
    // Its configuration is PostgreSQL's: none of the MySQL settings the description's
    // example shows, and what a PATCH sets is read back.
    let config = format!("/v2/databases/{id}/config");
    let before = get(&sim, &config).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.text);
    assert!(
        before.json()["config"].get("sql_mode").is_none(),
        "{}",
        before.text
    );
    let patched = send_json(
        &sim,
        Method::PATCH,
        &config,
        json!({"config": {"work_mem": 8}}),
    )
    .await;
    assert!(patched.status.is_success(), "{}", patched.text);
    assert_eq!(get(&sim, &config).await.json()["config"]["work_mem"], 8);
    // Valkey has no `defaultdb`.
    let valkey = made(
        &sim,
        "/v2/databases",
        json!({"name": "habits-valkey", "engine": "valkey", "region": "nyc3",
               "size": "db-s-1vcpu-1gb", "num_nodes": 1}),
        "database",
    )
    .await;
    assert!(
        valkey["version"].as_str().is_some_and(|v| !v.is_empty()),
        "{valkey}"
    );
    let vid = valkey["id"].as_str().unwrap_or_default();
    let dbs = get(&sim, &format!("/v2/databases/{vid}/dbs")).await;
    assert_eq!(
        dbs.json()["dbs"].as_array().map_or(0, Vec::len),
        0,
        "{}",
        dbs.text
    );
}

async fn defaults(sim: &Sim) -> Vec<String> {
    get(sim, "/v2/projects?per_page=200").await.json()["projects"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["is_default"] == true)
        .filter_map(|p| p["id"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn one_project_is_the_default_and_a_resource_is_in_one_project() {
    let sim = demo(50).await;
    let first = get(&sim, "/v2/projects/default").await.json()["project"]["id"].clone();
    let other = made(
        &sim,
        "/v2/projects",
        json!({"name": "habits", "purpose": "Service or API", "environment": "Production"}),
        "project",
    )
    .await;
    let id = other["id"].as_str().unwrap_or_default().to_owned();
    // Terraform makes a project the default with an update (`is_default: true`).
    let reply = send_json(
        &sim,
        Method::PATCH,
        &format!("/v2/projects/{id}"),
        json!({"is_default": true}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(defaults(&sim).await, vec![id.clone()]);
    assert_eq!(
        get(&sim, "/v2/projects/default").await.json()["project"]["id"],
        id.as_str()
    );
    assert_eq!(
        get(
            &sim,
            &format!("/v2/projects/{}", first.as_str().unwrap_or_default())
        )
        .await
        .json()["project"]["is_default"],
        false
    );
    // A new resource joins the new default; assigning it elsewhere moves it.
    let volume = made(
        &sim,
        "/v2/volumes",
        json!({"name": "habits-vol", "region": "nyc3", "size_gigabytes": 10}),
        "volume",
    )
    .await;
    let urn = format!("do:volume:{}", volume["id"].as_str().unwrap_or_default());
    let listed = |body: Value| {
        body["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|r| r["urn"] == urn.as_str())
    };
    assert!(listed(
        get(&sim, "/v2/projects/default/resources").await.json()
    ));
    let old = first.as_str().unwrap_or_default();
    let moved = send_json(
        &sim,
        Method::POST,
        &format!("/v2/projects/{old}/resources"),
        json!({"resources": [urn.clone()]}),
    )
    .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    assert!(listed(
        get(&sim, &format!("/v2/projects/{old}/resources"))
            .await
            .json()
    ));
    assert!(!listed(
        get(&sim, &format!("/v2/projects/{id}/resources"))
            .await
            .json()
    ));
}

#[tokio::test]
async fn an_applied_tag_stays_until_it_is_deleted() {
    let sim = demo(50).await;
    let droplet = made(
        &sim,
        "/v2/droplets",
        json!({"name": "habits-tagged", "region": "nyc3", "size": "s-1vcpu-1gb",
               "image": "ubuntu-24-04-x64", "tags": ["habits-web"]}),
        "droplet",
    )
    .await;
    let volume = made(
        &sim,
        "/v2/volumes",
        json!({"name": "habits-tagged-vol", "region": "nyc3", "size_gigabytes": 10,
               "tags": ["habits-data"]}),
        "volume",
    )
    .await;
    let untag = send_json(
        &sim,
        Method::DELETE,
        "/v2/tags/habits-web/resources",
        json!({"resources": [{"resource_id": droplet["id"].to_string(), "resource_type": "droplet"}]}),
    )
    .await;
    assert_eq!(untag.status, StatusCode::NO_CONTENT, "{}", untag.text);
    let tag = get(&sim, "/v2/tags/habits-web").await;
    assert_eq!(tag.status, StatusCode::OK, "{}", tag.text);
    assert_eq!(tag.json()["tag"]["resources"]["count"], 0, "{}", tag.text);
    let gone = send_json(
        &sim,
        Method::DELETE,
        &format!("/v2/volumes/{}", volume["id"].as_str().unwrap_or_default()),
        Value::Null,
    )
    .await;
    assert!(gone.status.is_success(), "{}", gone.text);
    assert_eq!(
        get(&sim, "/v2/tags/habits-data").await.status,
        StatusCode::OK
    );
    let deleted = send_json(&sim, Method::DELETE, "/v2/tags/habits-data", Value::Null).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    assert_eq!(
        get(&sim, "/v2/tags/habits-data").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_region_has_one_default_vpc_and_it_is_moved_not_unset() {
    let sim = demo(50).await;
    let first = made(
        &sim,
        "/v2/vpcs",
        json!({"name": "habits-a", "region": "sfo3"}),
        "vpc",
    )
    .await;
    let second = made(
        &sim,
        "/v2/vpcs",
        json!({"name": "habits-b", "region": "sfo3"}),
        "vpc",
    )
    .await;
    let id = |v: &Value| v["id"].as_str().unwrap_or_default().to_owned();
    let promote = |vpc: String| {
        let sim = &sim;
        async move {
            send_json(
                sim,
                Method::PATCH,
                &format!("/v2/vpcs/{vpc}"),
                json!({"default": true}),
            )
            .await
        }
    };
    assert_eq!(promote(id(&first)).await.status, StatusCode::OK);
    assert_eq!(promote(id(&second)).await.status, StatusCode::OK);
    let defaults: Vec<String> = get(&sim, "/v2/vpcs?per_page=200").await.json()["vpcs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|v| v["region"] == "sfo3" && v["default"] == true)
        .map(id)
        .collect();
    assert_eq!(defaults, vec![id(&second)]);
    let unset = send_json(
        &sim,
        Method::PATCH,
        &format!("/v2/vpcs/{}", id(&second)),
        json!({"default": false}),
    )
    .await;
    assert_eq!(
        unset.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unset.text
    );
    assert_eq!(
        get(&sim, &format!("/v2/vpcs/{}", id(&second))).await.json()["vpc"]["default"],
        true
    );
}

#[tokio::test]
async fn metrics_describe_the_host_and_window_asked_for() {
    let sim = demo(50).await;
    let (start, end) = (1_765_000_000_i64, 1_765_003_600_i64);
    let reply = get(
        &sim,
        &format!("/v2/monitoring/metrics/droplet/cpu?host_id=3164444&start={start}&end={end}"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let body = reply.json();
    assert_eq!(body["status"], "success");
    let result = body["data"]["result"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!result.is_empty(), "{body}");
    for series in &result {
        assert_eq!(series["metric"]["host_id"], "3164444", "{series}");
        let values = series["values"].as_array().cloned().unwrap_or_default();
        assert!(!values.is_empty() && values.len() <= 101, "{series}");
        for point in values {
            let at = point[0].as_i64().unwrap_or_default();
            assert!((start..=end).contains(&at), "{point} outside the window");
            assert!(
                point[1].as_str().is_some_and(|v| v.parse::<f64>().is_ok()),
                "{point}"
            );
        }
    }
    // The same window reads the same; a window that ends before it starts is refused.
    let again = get(
        &sim,
        &format!("/v2/monitoring/metrics/droplet/cpu?host_id=3164444&start={start}&end={end}"),
    )
    .await;
    assert_eq!(again.json(), body);
    let backwards = get(
        &sim,
        &format!("/v2/monitoring/metrics/droplet/load_1?host_id=3164444&start={end}&end={start}"),
    )
    .await;
    assert_eq!(
        backwards.status,
        StatusCode::BAD_REQUEST,
        "{}",
        backwards.text
    );
    // Load balancer metrics are labelled with the load balancer asked for.
    let lb = get(
        &sim,
        &format!("/v2/monitoring/metrics/load_balancer/frontend_connections_current?lb_id=4de7ac8b-495b-4884-9a69-1050c6793cd6&start={start}&end={end}"),
    )
    .await;
    assert_eq!(lb.status, StatusCode::OK, "{}", lb.text);
    assert_eq!(
        lb.json()["data"]["result"][0]["metric"]["lb_id"],
        "4de7ac8b-495b-4884-9a69-1050c6793cd6"
    );
}
