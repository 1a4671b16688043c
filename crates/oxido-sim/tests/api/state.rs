//! Resources whose answers follow what was done to them, not the documented example.

use oxido_sim::Sim;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::*;

const CLUSTER: &str = "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30";

async fn delete(sim: &Sim, path: &str) -> Reply {
    call(sim, Method::DELETE, path, Some(sim.token()), None).await
}

#[tokio::test]
async fn database_firewall_rules_are_replaced_by_put_and_read_back() {
    let sim = demo(100).await;
    let path = format!("/v2/databases/{CLUSTER}/firewall");
    let before = get(&sim, &path).await.json();
    conforms(
        "GET",
        "/v2/databases/{database_cluster_uuid}/firewall",
        &before,
    );
    assert_eq!(
        before["rules"].as_array().map(Vec::len),
        Some(4),
        "{before}"
    );

    let put = send_json(
        &sim,
        Method::PUT,
        &path,
        json!({"rules": [
            {"type": "ip_addr", "value": "192.168.1.0/24", "description": "office"},
            {"type": "droplet", "value": "3164444"},
        ]}),
    )
    .await;
    assert_eq!(put.status, StatusCode::NO_CONTENT, "{}", put.text);
    let after = get(&sim, &path).await.json();
    conforms(
        "GET",
        "/v2/databases/{database_cluster_uuid}/firewall",
        &after,
    );
    let rules = after["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), 2, "{after}");
    assert_eq!(rules[0]["value"], "192.168.1.0/24");
    assert_eq!(rules[0]["description"], "office");
    assert_eq!(rules[1]["type"], "droplet");
    for rule in rules {
        assert_eq!(rule["cluster_uuid"], CLUSTER);
        assert_eq!(rule["uuid"].as_str().map(str::len), Some(36), "{rule}");
        assert!(rule["created_at"].is_string(), "{rule}");
        assert_ne!(rule["uuid"], before["rules"][0]["uuid"]);
    }

    // A value that does not fit its type, and an unknown cluster.
    send_json(
        &sim,
        Method::PUT,
        &path,
        json!({"rules": [{"type": "ip_addr", "value": "not-an-ip"}]}),
    )
    .await
    .assert_error(422, "unprocessable_entity");
    assert_eq!(get(&sim, &path).await.json()["rules"], after["rules"]);
    let unknown = "/v2/databases/00000000-0000-4000-8000-000000000000/firewall";
    get(&sim, unknown).await.assert_error(404, "not_found");
    send_json(&sim, Method::PUT, unknown, json!({"rules": []}))
        .await
        .assert_error(404, "not_found");

    // Emptied, then gone with the cluster.
    let put = send_json(&sim, Method::PUT, &path, json!({"rules": []})).await;
    assert_eq!(put.status, StatusCode::NO_CONTENT, "{}", put.text);
    assert_eq!(get(&sim, &path).await.json()["rules"], json!([]));
    let gone = delete(&sim, &format!("/v2/databases/{CLUSTER}")).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    get(&sim, &path).await.assert_error(404, "not_found");
}

#[tokio::test]
async fn another_account_has_no_firewall_rules_for_a_cluster_it_makes() {
    let sim = start(Sim::builder().other_account_token("other")).await;
    let made = call(
        &sim,
        Method::POST,
        "/v2/databases",
        Some("other"),
        Some(
            &json!({"name": "db", "engine": "pg", "num_nodes": 1, "size": "db-s-1vcpu-1gb", "region": "nyc3"})
                .to_string(),
        ),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let id = made.json()["database"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let rules = call(
        &sim,
        Method::GET,
        &format!("/v2/databases/{id}/firewall"),
        Some("other"),
        None,
    )
    .await;
    assert_eq!(rules.status, StatusCode::OK, "{}", rules.text);
    assert_eq!(rules.json()["rules"], json!([]));
}

#[tokio::test]
async fn a_new_volume_is_in_the_region_its_body_names() {
    let sim = demo(100).await;
    let made = send_json(
        &sim,
        Method::POST,
        "/v2/volumes",
        json!({"name": "scratch", "region": "fra1", "size_gigabytes": 5}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    conforms("POST", "/v2/volumes", &made.json());
    assert_eq!(made.json()["volume"]["region"]["slug"], "fra1");
    assert_eq!(made.json()["volume"]["droplet_ids"], json!([]));
    let gone = delete(&sim, "/v2/volumes?name=scratch&region=fra1").await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
}

#[tokio::test]
async fn new_floating_and_reserved_ips_are_fresh_addresses_on_what_the_body_names() {
    let sim = demo(100).await;
    for (collection, member) in [
        ("/v2/floating_ips", "floating_ip"),
        ("/v2/reserved_ips", "reserved_ip"),
    ] {
        let free = send_json(&sim, Method::POST, collection, json!({"region": "fra1"})).await;
        assert_eq!(free.status, StatusCode::ACCEPTED, "{}", free.text);
        let free = free.json();
        conforms("POST", collection, &free);
        assert!(free[member]["droplet"].is_null(), "{free}");
        assert_eq!(free[member]["region"]["slug"], "fra1");
        let held = send_json(
            &sim,
            Method::POST,
            collection,
            json!({"droplet_id": DROPLET}),
        )
        .await;
        assert_eq!(held.status, StatusCode::ACCEPTED, "{}", held.text);
        let held = held.json();
        assert_eq!(held[member]["droplet"]["id"], DROPLET, "{held}");
        assert_eq!(held[member]["region"]["slug"], "nyc3");
        let (a, b) = (
            free[member]["ip"].as_str().expect("ip"),
            held[member]["ip"].as_str().expect("ip"),
        );
        assert_ne!(a, b);
        assert_ne!(a, "45.55.96.47");
        let read = get(&sim, &format!("{collection}/{a}")).await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.text);
        assert!(read.json()[member]["droplet"].is_null());
    }
}

#[tokio::test]
async fn a_firewall_holds_what_it_is_given_and_shows_on_its_droplets() {
    let sim = demo(100).await;
    let made = send_json(
        &sim,
        Method::POST,
        "/v2/firewalls",
        json!({"name": "fresh", "inbound_rules": [{"protocol": "tcp", "ports": "22", "sources": {"addresses": ["0.0.0.0/0"]}}]}),
    )
    .await;
    assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.text);
    let firewall = made.json()["firewall"].clone();
    assert_eq!(firewall["droplet_ids"], json!([]), "{firewall}");
    assert_eq!(firewall["tags"], json!([]), "{firewall}");
    let id = firewall["id"].as_str().expect("id").to_owned();
    let listed = |body: Value| -> Vec<String> {
        body["firewalls"]
            .as_array()
            .expect("firewalls")
            .iter()
            .map(|f| f["id"].as_str().expect("id").to_owned())
            .collect()
    };
    let path = format!("/v2/droplets/{OTHER_DROPLET}/firewalls");
    assert!(!listed(get(&sim, &path).await.json()).contains(&id));
    let added = send_json(
        &sim,
        Method::POST,
        &format!("/v2/firewalls/{id}/droplets"),
        json!({"droplet_ids": [OTHER_DROPLET]}),
    )
    .await;
    assert_eq!(added.status, StatusCode::NO_CONTENT, "{}", added.text);
    let mine = get(&sim, &path).await.json();
    conforms("GET", "/v2/droplets/{droplet_id}/firewalls", &mine);
    assert!(listed(mine).contains(&id));
    get(&sim, "/v2/droplets/999/firewalls")
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn load_balancer_forwarding_rules_are_added_and_removed() {
    let sim = demo(100).await;
    let lbs = get(&sim, "/v2/load_balancers").await.json();
    let id = lbs["load_balancers"][0]["id"]
        .as_str()
        .expect("a demo balancer")
        .to_owned();
    let path = format!("/v2/load_balancers/{id}");
    let rule = json!({"entry_protocol": "tcp", "entry_port": 3306, "target_protocol": "tcp", "target_port": 3306});
    let rules = |body: Value| {
        body["load_balancer"]["forwarding_rules"]
            .as_array()
            .cloned()
            .expect("rules")
    };
    let before = rules(get(&sim, &path).await.json());
    let added = send_json(
        &sim,
        Method::POST,
        &format!("{path}/forwarding_rules"),
        json!({"forwarding_rules": [rule.clone()]}),
    )
    .await;
    assert_eq!(added.status, StatusCode::NO_CONTENT, "{}", added.text);
    let after = rules(get(&sim, &path).await.json());
    assert_eq!(after.len(), before.len() + 1, "{after:?}");
    assert!(after.iter().any(|r| r["entry_port"] == 3306));
    let removed = send_json(
        &sim,
        Method::DELETE,
        &format!("{path}/forwarding_rules"),
        json!({"forwarding_rules": [rule]}),
    )
    .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.text);
    assert_eq!(rules(get(&sim, &path).await.json()), before);
}

#[tokio::test]
async fn tags_count_their_resources_per_kind_and_exist_once_applied() {
    let sim = demo(0).await;
    // A Droplet created with a tag makes that tag.
    let made = post(
        &sim,
        "/v2/droplets",
        r#"{"name":"tagged","region":"nyc3","size":"s-1vcpu-1gb","image":"ubuntu-22-04-x64","tags":["fresh"]}"#,
    )
    .await;
    assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.text);
    let listed = get(&sim, "/v2/tags").await.json();
    conforms("GET", "/v2/tags", &listed);
    let names: Vec<&str> = listed["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .map(|t| t["name"].as_str().expect("name"))
        .collect();
    assert!(
        names.contains(&"fresh") && names.contains(&"web"),
        "{names:?}"
    );
    let fresh = get(&sim, "/v2/tags/fresh").await.json();
    conforms("GET", "/v2/tags/{tag_id}", &fresh);
    assert_eq!(fresh["tag"]["name"], "fresh");
    assert_eq!(fresh["tag"]["resources"]["count"], 1);
    assert_eq!(fresh["tag"]["resources"]["droplets"]["count"], 1);
    // The demo's `web` Droplets, then a volume too.
    let web = get(&sim, "/v2/tags/web").await.json();
    assert_eq!(web["tag"]["resources"]["droplets"]["count"], 2, "{web}");
    let before = web["tag"]["resources"]["count"].as_u64().expect("count");
    let tagged = send_json(
        &sim,
        Method::POST,
        "/v2/tags/web/resources",
        json!({"resources": [{"resource_id": "7724db7c-e098-11e5-b522-000f53304e51", "resource_type": "volume"}]}),
    )
    .await;
    assert_eq!(tagged.status, StatusCode::NO_CONTENT, "{}", tagged.text);
    let web = get(&sim, "/v2/tags/web").await.json();
    assert_eq!(web["tag"]["resources"]["volumes"]["count"], 1, "{web}");
    assert_eq!(web["tag"]["resources"]["count"], before + 1, "{web}");
    // Deleting a tag takes it off everything.
    let gone = delete(&sim, "/v2/tags/web").await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    get(&sim, "/v2/tags/web")
        .await
        .assert_error(404, "not_found");
    assert_eq!(droplet(&sim, DROPLET).await["tags"], json!(["env:prod"]));
    send_json(
        &sim,
        Method::POST,
        "/v2/tags/nothing/resources",
        json!({"resources": [{"resource_id": "3164444", "resource_type": "droplet"}]}),
    )
    .await
    .assert_error(404, "not_found");
}

#[tokio::test]
async fn a_project_lists_only_what_was_assigned_and_default_names_the_default_project() {
    let sim = demo(100).await;
    let made = send_json(
        &sim,
        Method::POST,
        "/v2/projects",
        json!({"name": "empty", "purpose": "testing", "environment": "Development"}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let id = made.json()["project"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let listed = get(&sim, &format!("/v2/projects/{id}/resources"))
        .await
        .json();
    conforms("GET", "/v2/projects/{project_id}/resources", &listed);
    assert_eq!(listed["resources"], json!([]), "{listed}");
    assert_eq!(listed["meta"]["total"], 0);

    let default = get(&sim, "/v2/projects/default").await.json()["project"]["id"]
        .as_str()
        .expect("the default project's id")
        .to_owned();
    let assigned = send_json(
        &sim,
        Method::POST,
        "/v2/projects/default/resources",
        json!({"resources": ["do:droplet:3164450"]}),
    )
    .await;
    assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.text);
    for path in [
        "/v2/projects/default/resources".to_owned(),
        format!("/v2/projects/{default}/resources"),
    ] {
        let listed = get(&sim, &path).await.json();
        assert!(
            listed["resources"]
                .as_array()
                .expect("resources")
                .iter()
                .any(|r| r["urn"] == "do:droplet:3164450"),
            "{path}: {listed}"
        );
    }
    get(
        &sim,
        "/v2/projects/00000000-0000-4000-8000-000000000000/resources",
    )
    .await
    .assert_error(404, "not_found");
}

#[tokio::test]
async fn a_new_ssh_key_has_its_own_fingerprint() {
    let sim = demo(100).await;
    let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDUpI/qA1SrOIoe/PXS/aB9YBSJDdApE9EqkpFtMosjZ sammy@example";
    let made = send_json(
        &sim,
        Method::POST,
        "/v2/account/keys",
        json!({"name": "mine", "public_key": key}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let made = made.json();
    conforms("POST", "/v2/account/keys", &made);
    let print = made["ssh_key"]["fingerprint"]
        .as_str()
        .expect("fingerprint")
        .to_owned();
    // What `ssh-keygen -E md5 -lf` prints for this key.
    assert_eq!(print, "a2:a7:3f:20:72:36:f5:10:f7:70:fd:68:8d:5c:4a:18");
    let read = get(&sim, &format!("/v2/account/keys/{print}")).await.json();
    assert_eq!(read["ssh_key"]["name"], "mine", "{read}");
    assert_eq!(read["ssh_key"]["public_key"], key);
}

#[tokio::test]
async fn regions_and_sizes_are_the_catalog_droplets_are_made_from() {
    let sim = demo(100).await;
    let regions = get(&sim, "/v2/regions").await.json();
    conforms("GET", "/v2/regions", &regions);
    let slugs: Vec<&str> = regions["regions"]
        .as_array()
        .expect("regions")
        .iter()
        .map(|r| r["slug"].as_str().expect("slug"))
        .collect();
    assert!(
        slugs.contains(&"nyc3") && slugs.contains(&"fra1"),
        "{slugs:?}"
    );
    assert_eq!(regions["meta"]["total"], slugs.len());
    let sizes = get(&sim, "/v2/sizes?per_page=2").await.json();
    conforms("GET", "/v2/sizes", &sizes);
    // Cheapest first, as the API lists them.
    assert_eq!(sizes["sizes"][0]["slug"], "s-1vcpu-512mb-10gb");
    assert!(sizes["links"]["pages"]["next"].is_string(), "{sizes}");
    let apps = get(&sim, "/v2/1-clicks?type=kubernetes").await.json();
    conforms("GET", "/v2/1-clicks", &apps);
    let types: Vec<&Value> = apps["1_clicks"]
        .as_array()
        .expect("apps")
        .iter()
        .map(|a| &a["type"])
        .collect();
    assert!(
        !types.is_empty() && types.iter().all(|t| *t == "kubernetes"),
        "{apps}"
    );
}

#[tokio::test]
async fn app_log_urls_name_the_app_deployment_and_component_asked_for() {
    let sim = demo(50).await;
    let app = "4f6c71e2-1e90-4762-9fee-6cc4a0a9f2cf";
    let deployment = "3aa4d20e-5527-4c00-b496-601fbd22520a";
    let path = format!("/v2/apps/{app}/deployments/{deployment}/components/web/logs?type=BUILD");
    let logs = get(&sim, &path).await;
    assert_eq!(logs.status, StatusCode::OK, "{}", logs.text);
    let logs = logs.json();
    conforms(
        "GET",
        "/v2/apps/{app_id}/deployments/{deployment_id}/components/{component_name}/logs",
        &logs,
    );
    // Not following: the archive alone (doctl opens `live_url` whenever one is given).
    assert!(logs.get("live_url").is_none(), "{logs}");
    // The archive is served by the emulator: that deployment's build lines of `web` alone.
    let historic = logs["historic_urls"][0].as_str().expect("historic_urls");
    let text = crate::common::client()
        .get(historic)
        .send()
        .await
        .expect("the archive is served")
        .text()
        .await
        .expect("text");
    assert!(!text.is_empty(), "{historic}");
    assert!(
        text.lines().all(|l| l.starts_with("web ")) && text.contains("Build complete"),
        "{text}"
    );
    // Following: the live stream alone, as godo's `TestApps_GetLogs` answers it.
    let followed = get(&sim, &format!("{path}&follow=true")).await.json();
    let live = followed["live_url"].as_str().expect("live_url");
    assert!(live.contains(&format!("{app}/{deployment}/web")), "{live}");
    assert!(live.contains("type=build"), "{live}");
    assert!(followed.get("historic_urls").is_none(), "{followed}");
    assert_ne!(live, "https://logs-example/build.log");
    // The documented example's component is in the demo app too.
    let documented = get(
        &sim,
        &format!("/v2/apps/{app}/deployments/{deployment}/components/component/logs?type=BUILD"),
    )
    .await;
    assert_eq!(documented.status, StatusCode::OK, "{}", documented.text);

    // Unknown app, deployment or component.
    for bad in [
        format!(
            "/v2/apps/00000000-0000-4000-8000-000000000000/deployments/{deployment}/components/web/logs?type=RUN"
        ),
        format!(
            "/v2/apps/{app}/deployments/00000000-0000-4000-8000-000000000000/components/web/logs?type=RUN"
        ),
        format!("/v2/apps/{app}/deployments/{deployment}/components/nope/logs?type=RUN"),
        format!("/v2/apps/{app}/components/nope/logs?type=RUN"),
    ] {
        get(&sim, &bad).await.assert_error(404, "not_found");
    }

    // A new app's logs follow its first deployment once it is active.
    let made = send_json(
        &sim,
        Method::POST,
        "/v2/apps",
        json!({"spec": {"name": "logged", "region": "ams", "services": [{"name": "api", "github": {"repo": "a/b", "branch": "main"}}]}}),
    )
    .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.text);
    let made = made.json();
    let id = made["app"]["id"].as_str().expect("id").to_owned();
    let first = made["app"]["pending_deployment"]["id"]
        .as_str()
        .expect("deployment")
        .to_owned();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let logs = loop {
        let reply = get(
            &sim,
            &format!("/v2/apps/{id}/components/api/logs?type=RUN&follow=true"),
        )
        .await;
        if reply.status == StatusCode::OK {
            break reply.json();
        }
        assert!(std::time::Instant::now() < deadline, "{}", reply.text);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    let live = logs["live_url"].as_str().expect("live_url");
    assert!(live.contains(&format!("{id}/{first}/api")), "{live}");
    let all = get(&sim, &format!("/v2/apps/{id}/logs?type=RUN&follow=true"))
        .await
        .json();
    assert!(
        all["live_url"]
            .as_str()
            .expect("live")
            .contains(&format!("{id}/{first}?")),
        "{all}"
    );
}

#[tokio::test]
async fn a_cdn_purge_is_checked_recorded_and_rate_limited() {
    let sim = demo(2_000).await;
    let endpoint = "19f06b6a-3ace-4315-b086-499a0e521b76";
    let path = format!("/v2/cdn/endpoints/{endpoint}/cache");
    let purge = |files: Value| {
        let sim = &sim;
        let path = path.clone();
        async move { send_json(sim, Method::DELETE, &path, json!({ "files": files })).await }
    };
    let done = purge(json!(["assets/img/hero.png", "assets/css/*"])).await;
    assert_eq!(done.status, StatusCode::NO_CONTENT, "{}", done.text);
    // Recorded, for a test to see.
    let seen = call(
        &sim,
        Method::GET,
        "/_sim/cdn-purges",
        Some(sim.admin_token()),
        None,
    )
    .await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.text);
    let purges = seen.json()["purges"].clone();
    assert_eq!(purges.as_array().map(Vec::len), Some(1), "{purges}");
    assert_eq!(purges[0]["endpoint_id"], endpoint);
    assert_eq!(
        purges[0]["files"],
        json!(["assets/css/*", "assets/img/hero.png"])
    );
    // The same purge again while the first runs: refused.
    purge(json!(["assets/css/*", "assets/img/hero.png"]))
        .await
        .assert_error(409, "conflict");
    // Bad `files`, an unknown endpoint.
    purge(json!([]))
        .await
        .assert_error(422, "unprocessable_entity");
    purge(json!([""]))
        .await
        .assert_error(422, "unprocessable_entity");
    send_json(
        &sim,
        Method::DELETE,
        "/v2/cdn/endpoints/00000000-0000-4000-8000-000000000000/cache",
        json!({"files": ["*"]}),
    )
    .await
    .assert_error(404, "not_found");
    // 50 files per 20 seconds: 2 used, 48 more fit, then one more does not.
    let many: Vec<String> = (0..48).map(|i| format!("img/{i}.png")).collect();
    let fits = purge(json!(many)).await;
    assert_eq!(fits.status, StatusCode::NO_CONTENT, "{}", fits.text);
    purge(json!(["one-more.png"]))
        .await
        .assert_error(429, "too_many_requests");
    // Purges go with their endpoint.
    let gone = delete(&sim, &format!("/v2/cdn/endpoints/{endpoint}")).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    let seen = call(
        &sim,
        Method::GET,
        "/_sim/cdn-purges",
        Some(sim.admin_token()),
        None,
    )
    .await;
    assert_eq!(seen.json()["purges"], json!([]));
}

/// Every integer in `value` fits an `i64`.
fn fits_i64(value: &Value) -> bool {
    match value {
        Value::Number(n) => !n.is_u64() || n.as_i64().is_some(),
        Value::Array(items) => items.iter().all(fits_i64),
        Value::Object(map) => map.values().all(fits_i64),
        _ => true,
    }
}

#[tokio::test]
async fn answers_whose_examples_miss_their_schema_follow_the_schema() {
    let sim = demo(100).await;
    let app = "4f6c71e2-1e90-4762-9fee-6cc4a0a9f2cf";
    let health = get(&sim, &format!("/v2/apps/{app}/health")).await.json();
    conforms("GET", "/v2/apps/{app_id}/health", &health);
    let names: Vec<&str> = health["app_health"]["components"]
        .as_array()
        .expect("app_health.components")
        .iter()
        .map(|c| c["name"].as_str().expect("name"))
        .collect();
    assert!(names.contains(&"web"), "{health}");
    get(&sim, "/v2/apps/00000000-0000-4000-8000-000000000000/health")
        .await
        .assert_error(404, "not_found");

    let dataset = send_json(
        &sim,
        Method::POST,
        "/v2/gen-ai/evaluation_datasets",
        json!({"name": "set"}),
    )
    .await;
    assert_eq!(dataset.status, StatusCode::OK, "{}", dataset.text);
    assert_eq!(
        dataset.json()["evaluation_dataset_uuid"]
            .as_str()
            .map(str::len),
        Some(36)
    );
    let runs = send_json(
        &sim,
        Method::POST,
        "/v2/gen-ai/evaluation_runs",
        json!({"agent_uuids": ["a", "b"], "test_case_uuid": "c"}),
    )
    .await;
    assert_eq!(runs.status, StatusCode::OK, "{}", runs.text);
    assert_eq!(
        runs.json()["evaluation_run_uuids"].as_array().map(Vec::len),
        Some(2)
    );
    let suppressed = send_json(
        &sim,
        Method::POST,
        "/v2/security/settings/suppressions",
        json!({"rule_uuid": "460e09ef-dc84-11e8-981e-3cfdfeaae000", "resources": ["do:droplet:3164444"]}),
    )
    .await;
    assert_eq!(
        suppressed.status,
        StatusCode::CREATED,
        "{}",
        suppressed.text
    );
    let suppressed = suppressed.json();
    conforms("POST", "/v2/security/settings/suppressions", &suppressed);
    assert_eq!(suppressed["resources"][0]["resource_id"], "3164444");
    assert_eq!(suppressed["meta"]["total"], 1);

    let topic = get(
        &sim,
        &format!("/v2/databases/{CLUSTER}/topics/customer-events"),
    )
    .await;
    assert_eq!(topic.status, StatusCode::OK, "{}", topic.text);
    assert!(fits_i64(&topic.json()), "{}", topic.text);
}

#[tokio::test]
async fn demo_and_deleted_resources_read_as_the_api_would() {
    let sim = demo(50).await;
    // The demo cluster came up long ago.
    let cluster = get(&sim, &format!("/v2/databases/{CLUSTER}")).await.json();
    assert_eq!(cluster["database"]["status"], "online", "{cluster}");
    // Regions offer only sizes `/v2/sizes` lists.
    let sizes: Vec<String> = get(&sim, "/v2/sizes?per_page=200").await.json()["sizes"]
        .as_array()
        .expect("sizes")
        .iter()
        .map(|s| s["slug"].as_str().expect("slug").to_owned())
        .collect();
    let regions = get(&sim, "/v2/regions").await.json();
    for region in regions["regions"].as_array().expect("regions") {
        for size in region["sizes"].as_array().expect("sizes") {
            assert!(sizes.iter().any(|s| size == s), "{size} in {region}");
        }
    }
    // A new reserved IPv6 is a fresh address; deleting it makes it gone.
    let made = send_json(
        &sim,
        Method::POST,
        "/v2/reserved_ipv6",
        json!({"region_slug": "nyc3"}),
    )
    .await;
    assert_eq!(made.status.as_u16() / 100, 2, "{}", made.text);
    let ip = made.json()["reserved_ipv6"]["ip"]
        .as_str()
        .expect("ip")
        .to_owned();
    assert_ne!(ip, "2409:40d0:f7:1017:74b4:3a96:105e:4c6e");
    assert!(ip.parse::<std::net::Ipv6Addr>().is_ok(), "{ip}");
    let gone = delete(&sim, &format!("/v2/reserved_ipv6/{ip}")).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    get(&sim, &format!("/v2/reserved_ipv6/{ip}"))
        .await
        .assert_error(404, "not_found");
    // Deleting a Droplet frees its reserved IP.
    let held = send_json(
        &sim,
        Method::POST,
        "/v2/reserved_ips",
        json!({"droplet_id": OTHER_DROPLET}),
    )
    .await;
    let ip = held.json()["reserved_ip"]["ip"]
        .as_str()
        .expect("ip")
        .to_owned();
    let gone = delete(&sim, &format!("/v2/droplets/{OTHER_DROPLET}")).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    let freed = get(&sim, &format!("/v2/reserved_ips/{ip}")).await.json();
    assert!(freed["reserved_ip"]["droplet"].is_null(), "{freed}");
    // A new app's active deployment is its own first one once ACTIVE.
    let made = send_json(
        &sim,
        Method::POST,
        "/v2/apps",
        json!({"spec": {"name": "mine", "region": "ams", "services": [{"name": "api"}]}}),
    )
    .await;
    let made = made.json();
    let id = made["app"]["id"].as_str().expect("id").to_owned();
    let first = made["app"]["pending_deployment"]["id"]
        .as_str()
        .expect("first")
        .to_owned();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let app = get(&sim, &format!("/v2/apps/{id}")).await.json();
        if app["app"]["active_deployment"]["id"] == first.as_str() {
            conforms("GET", "/v2/apps/{id}", &app);
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{app}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_droplet_created_with_a_volume_holds_it() {
    let sim = demo(50).await;
    let volume = "7724db7c-e098-11e5-b522-000f53304e51";
    let body = json!({"name": "with-volume", "region": "nyc1", "size": "s-1vcpu-1gb", "image": "ubuntu-22-04-x64", "volumes": [volume]});
    // Still on the demo's Droplet 11612190: refused, nothing made.
    send_json(&sim, Method::POST, "/v2/droplets", body.clone())
        .await
        .assert_error(422, "unprocessable_entity");
    let detach = send_json(
        &sim,
        Method::POST,
        &format!("/v2/volumes/{volume}/actions"),
        json!({"type": "detach", "droplet_id": HOST, "region": "nyc1"}),
    )
    .await;
    assert_eq!(detach.status, StatusCode::ACCEPTED, "{}", detach.text);
    let made = send_json(&sim, Method::POST, "/v2/droplets", body).await;
    assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.text);
    let made = made.json();
    assert_eq!(made["droplet"]["volume_ids"], json!([volume]));
    let id = made["droplet"]["id"].as_u64().expect("id");
    let read = get(&sim, &format!("/v2/volumes/{volume}")).await.json();
    assert_eq!(read["volume"]["droplet_ids"], json!([id]));
}

#[tokio::test]
async fn invoices_are_computed_for_any_account_and_their_pages_end() {
    let sim = start(Sim::builder().other_account_token("other")).await;
    // The demo's past invoice, a page at a time: the pages end, each item once.
    let uuid = "22737513-0ea7-4206-8ceb-98a575af7681";
    let mut next = Some(format!("/v2/customers/my/invoices/{uuid}?per_page=1"));
    let mut seen = 0;
    let mut total = 0;
    for _ in 0..10 {
        let Some(path) = next.take() else { break };
        let page = get(&sim, &path).await.json();
        conforms("GET", "/v2/customers/my/invoices/{invoice_uuid}", &page);
        seen += page["invoice_items"].as_array().map_or(0, Vec::len);
        total = page["meta"]["total"].as_u64().expect("total");
        next = page["links"]["pages"]["next"].as_str().map(|url| {
            url.strip_prefix(&sim.base_url())
                .expect("our own link")
                .to_owned()
        });
    }
    assert!(next.is_none(), "the pages go on");
    assert_eq!(seen as u64, total);
    let history = get(&sim, "/v2/customers/my/billing_history").await.json();
    conforms("GET", "/v2/customers/my/billing_history", &history);
    assert!(
        history["billing_history"]
            .as_array()
            .expect("history")
            .iter()
            .any(|e| e["invoice_uuid"] == uuid),
        "{history}"
    );
    get(
        &sim,
        "/v2/customers/my/invoices/00000000-0000-4000-8000-000000000000",
    )
    .await
    .assert_error(404, "not_found");

    // Another account: no past invoices, and this month's preview is its Droplets.
    let as_other = |method: Method, path: &str, body: Option<String>| {
        let sim = &sim;
        let path = path.to_owned();
        async move { call(sim, method, &path, Some("other"), body.as_deref()).await }
    };
    let made = as_other(
        Method::POST,
        "/v2/droplets",
        Some(json!({"name": "billed", "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-22-04-x64"}).to_string()),
    )
    .await;
    assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.text);
    let listed = as_other(Method::GET, "/v2/customers/my/invoices", None)
        .await
        .json();
    conforms("GET", "/v2/customers/my/invoices", &listed);
    assert_eq!(listed["invoices"], json!([]));
    let preview_uuid = listed["invoice_preview"]["invoice_uuid"]
        .as_str()
        .expect("uuid")
        .to_owned();
    for path in [
        "/v2/customers/my/invoices/preview".to_owned(),
        format!("/v2/customers/my/invoices/{preview_uuid}"),
    ] {
        let items = as_other(Method::GET, &path, None).await.json();
        conforms("GET", "/v2/customers/my/invoices/{invoice_uuid}", &items);
        assert_eq!(
            items["invoice_items"].as_array().map(Vec::len),
            Some(1),
            "{items}"
        );
        assert_eq!(items["invoice_items"][0]["product"], "Droplets");
        assert!(
            items["invoice_items"][0]["description"]
                .as_str()
                .expect("d")
                .contains("billed")
        );
    }
    let csv = as_other(Method::GET, "/v2/customers/my/invoices/preview/csv", None).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.text);
    assert_eq!(csv.text.lines().count(), 2, "{}", csv.text);
    assert!(
        csv.text
            .lines()
            .nth(1)
            .expect("a line")
            .starts_with("Droplets,"),
        "{}",
        csv.text
    );
    let summary = as_other(
        Method::GET,
        "/v2/customers/my/invoices/preview/summary",
        None,
    )
    .await
    .json();
    conforms(
        "GET",
        "/v2/customers/my/invoices/{invoice_uuid}/summary",
        &summary,
    );
    assert_eq!(summary["invoice_uuid"], preview_uuid.as_str());
    assert_eq!(summary["product_charges"]["items"][0]["name"], "Droplets");
    assert_eq!(summary["amount"], listed["invoice_preview"]["amount"]);
    let history = as_other(Method::GET, "/v2/customers/my/billing_history", None)
        .await
        .json();
    assert_eq!(history["billing_history"], json!([]));
    // The demo's past invoice is not this account's.
    assert_eq!(
        as_other(
            Method::GET,
            &format!("/v2/customers/my/invoices/{uuid}"),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_engine_read_answers_the_stored_object_as_its_list_does() {
    // Reads serialize the stored object in place; they must say what the list says.
    let sim = demo(50).await;
    let volume = "7724db7c-e098-11e5-b522-000f53304e51";
    for attached in [true, false] {
        let read = get(&sim, &format!("/v2/volumes/{volume}")).await.json();
        conforms("GET", "/v2/volumes/{volume_id}", &read);
        let listed = get(&sim, "/v2/volumes?per_page=200").await.json();
        let twin = listed["volumes"]
            .as_array()
            .expect("volumes")
            .iter()
            .find(|v| v["id"] == volume)
            .expect("listed")
            .clone();
        assert_eq!(read["volume"], twin);
        let expected = if attached { json!([HOST]) } else { json!([]) };
        assert_eq!(read["volume"]["droplet_ids"], expected);
        let detach = send_json(
            &sim,
            Method::POST,
            &format!("/v2/volumes/{volume}/actions"),
            json!({"type": "detach", "droplet_id": HOST, "region": "nyc1"}),
        )
        .await;
        assert_eq!(
            detach.status.as_u16() / 100,
            if attached { 2 } else { 4 },
            "{}",
            detach.text
        );
    }
    let domain = get(&sim, "/v2/domains/example.com").await;
    assert_eq!(domain.status, StatusCode::OK, "{}", domain.text);
    conforms("GET", "/v2/domains/{domain_name}", &domain.json());
}

#[tokio::test]
async fn domain_records_filter_by_their_fully_qualified_name() {
    let sim = demo(50).await;
    let made = send_json(
        &sim,
        Method::POST,
        "/v2/domains",
        json!({"name": "filtered.example"}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    for (kind, data) in [("A", "192.0.2.1"), ("TXT", "hello")] {
        let record = send_json(
            &sim,
            Method::POST,
            "/v2/domains/filtered.example/records",
            json!({"type": kind, "name": "www", "data": data, "ttl": 1800}),
        )
        .await;
        assert_eq!(record.status, StatusCode::CREATED, "{}", record.text);
    }
    for (query, count) in [
        ("name=www.filtered.example", 2),
        ("name=www.filtered.example&type=TXT", 1),
        ("name=mail.filtered.example", 0),
    ] {
        let found = get(
            &sim,
            &format!("/v2/domains/filtered.example/records?{query}"),
        )
        .await
        .json();
        assert_eq!(
            found["domain_records"].as_array().map(Vec::len),
            Some(count),
            "{query}: {found}"
        );
    }
}
