//! What the Terraform provider's acceptance tests (digitalocean/terraform-provider-
//! digitalocean, `digitalocean/<resource>/*_test.go`) check of the values the cloud
//! derives, asked of the emulator with the requests the provider sends. Each test names
//! the provider file whose checks it mirrors.

use oxido_sim::Sim;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{created as create, demo, get, send_json, settled as wait_for};

fn set(object: &Value, pointer: &str) -> String {
    let value = object
        .pointer(pointer)
        .unwrap_or_else(|| panic!("{pointer} missing in {object}"));
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    assert!(!text.is_empty(), "{pointer} is empty in {object}");
    text
}

/// The VPC `id` exists, is its region's default, and lies in `region`.
async fn default_vpc_of(sim: &Sim, id: &str, region: &str) {
    let vpc = get(sim, &format!("/v2/vpcs/{id}")).await;
    assert_eq!(vpc.status, StatusCode::OK, "vpc {id}: {}", vpc.text);
    let vpc = vpc.json()["vpc"].clone();
    assert_eq!(vpc["region"], region, "{vpc}");
    assert_eq!(vpc["default"], true, "{vpc}");
}

async fn default_project(sim: &Sim) -> Value {
    get(sim, "/v2/projects/default").await.json()["project"]["id"].clone()
}

/// droplet/resource_droplet_test.go: `vpc_uuid` set, and (for a client) one that resolves.
#[tokio::test]
async fn a_droplet_joins_its_regions_default_vpc() {
    let sim = demo(20).await;
    let droplet = create(
        &sim,
        "/v2/droplets",
        json!({"name": "d1", "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-22-04-x64"}),
        "droplet",
    )
    .await;
    default_vpc_of(&sim, &set(&droplet, "/vpc_uuid"), "nyc3").await;
}

/// droplet/resource_droplet_test.go: `public_networking = false` reads back no public
/// IPv4 address (the private one stays); the default keeps one.
#[tokio::test]
async fn a_droplet_without_public_networking_has_no_public_address() {
    let sim = demo(20).await;
    let mut ids = Vec::new();
    for public in [false, true] {
        let droplet = create(
            &sim,
            "/v2/droplets",
            json!({"name": format!("pn-{public}"), "region": "nyc3", "size": "s-1vcpu-1gb",
                   "image": "ubuntu-22-04-x64", "public_networking": public}),
            "droplet",
        )
        .await;
        ids.push((public, droplet["id"].as_u64().expect("id")));
    }
    for (public, id) in ids {
        let droplet = wait_for(&sim, &format!("/v2/droplets/{id}"), "droplet", |d| {
            d["status"] == "active"
        })
        .await;
        let kinds: Vec<&str> = droplet["networks"]["v4"]
            .as_array()
            .expect("v4")
            .iter()
            .filter_map(|n| n["type"].as_str())
            .collect();
        let expected: &[&str] = if public {
            &["private", "public"]
        } else {
            &["private"]
        };
        assert_eq!(kinds, expected, "public_networking {public}: {droplet}");
    }
}

/// A region where the account has no VPC yet gets its default one with the first resource.
#[tokio::test]
async fn the_first_resource_of_an_empty_account_makes_the_default_vpc() {
    let sim = Sim::builder()
        .seed(oxido_sim::Seed::Empty)
        .start()
        .await
        .expect("sim starts");
    let droplet = create(
        &sim,
        "/v2/droplets",
        json!({"name": "d1", "region": "fra1", "size": "s-1vcpu-1gb", "image": "ubuntu-22-04-x64"}),
        "droplet",
    )
    .await;
    let vpc = set(&droplet, "/vpc_uuid");
    default_vpc_of(&sim, &vpc, "fra1").await;
    let second = create(
        &sim,
        "/v2/droplets",
        json!({"name": "d2", "region": "fra1", "size": "s-1vcpu-1gb", "image": "ubuntu-22-04-x64"}),
        "droplet",
    )
    .await;
    assert_eq!(
        second["vpc_uuid"],
        vpc.as_str(),
        "one default VPC per region"
    );
}

/// loadbalancer/resource_loadbalancer_test.go: `vpc_uuid` and `project_id` set, the
/// defaults (`type`, `size_unit`, `network`, `network_stack`, `tls_cipher_policy`,
/// health check, sticky sessions), and an `ip` once active.
#[tokio::test]
async fn a_load_balancer_has_the_apis_defaults_and_placement() {
    let sim = demo(20).await;
    let made = create(
        &sim,
        "/v2/load_balancers",
        json!({"name": "lb1", "region": "nyc3", "algorithm": "round_robin", "size_unit": 1,
               "redirect_http_to_https": false, "enable_proxy_protocol": false,
               "enable_backend_keepalive": false, "disable_lets_encrypt_dns_records": false,
               "forwarding_rules": [{"entry_port": 80, "entry_protocol": "http",
                                     "target_port": 80, "target_protocol": "http",
                                     "tls_passthrough": false}]}),
        "load_balancer",
    )
    .await;
    let id = made["id"].as_str().expect("id");
    let lb = wait_for(
        &sim,
        &format!("/v2/load_balancers/{id}"),
        "load_balancer",
        |lb| lb["status"] == "active",
    )
    .await;
    default_vpc_of(&sim, &set(&lb, "/vpc_uuid"), "nyc3").await;
    assert_eq!(lb["project_id"], default_project(&sim).await);
    let ip: std::net::Ipv4Addr = set(&lb, "/ip").parse().expect("an IPv4 address");
    assert!(!ip.is_unspecified());
    for (pointer, expected) in [
        ("/type", json!("REGIONAL")),
        ("/size_unit", json!(1)),
        ("/network", json!("EXTERNAL")),
        ("/network_stack", json!("IPV4")),
        ("/tls_cipher_policy", json!("DEFAULT")),
        ("/http_idle_timeout_seconds", json!(60)),
        ("/health_check/protocol", json!("http")),
        ("/health_check/port", json!(80)),
        ("/sticky_sessions/type", json!("none")),
    ] {
        assert_eq!(lb.pointer(pointer), Some(&expected), "{pointer} in {lb}");
    }
}

/// kubernetes/resource_kubernetes_cluster_test.go: subnets, endpoint, `ipv4`, `vpc_uuid`,
/// the maintenance policy and the autoscaler configuration set on a cluster made without.
#[tokio::test]
async fn a_kubernetes_cluster_has_what_the_provider_checks() {
    let sim = demo(20).await;
    let made = create(
        &sim,
        "/v2/kubernetes/clusters",
        json!({"name": "k1", "region": "nyc1", "version": "latest",
               "node_pools": [{"size": "s-1vcpu-2gb", "name": "default", "count": 1}]}),
        "kubernetes_cluster",
    )
    .await;
    let id = made["id"].as_str().expect("id");
    let cluster = wait_for(
        &sim,
        &format!("/v2/kubernetes/clusters/{id}"),
        "kubernetes_cluster",
        |c| c["status"]["state"] == "running",
    )
    .await;
    for pointer in [
        "/cluster_subnet",
        "/service_subnet",
        "/endpoint",
        "/ipv4",
        "/created_at",
        "/updated_at",
        "/maintenance_policy/day",
        "/maintenance_policy/start_time",
        "/maintenance_policy/duration",
        "/cluster_autoscaler_configuration/scale_down_utilization_threshold",
        "/cluster_autoscaler_configuration/scale_down_unneeded_time",
        "/node_pools/0/nodes/0/name",
        "/node_pools/0/nodes/0/created_at",
    ] {
        set(&cluster, pointer);
    }
    default_vpc_of(&sim, &set(&cluster, "/vpc_uuid"), "nyc1").await;
    assert_eq!(cluster["surge_upgrade"], true);
    assert_eq!(cluster["ha"], false);
}

/// database/resource_database_cluster_test.go: connection members, `private_network_uuid`,
/// `project_id`, `storage_size_mib` (30720 for `db-s-1vcpu-2gb`) and the maintenance
/// window set; the admin user listed.
#[tokio::test]
async fn a_database_cluster_has_what_the_provider_checks() {
    let sim = demo(20).await;
    let made = create(
        &sim,
        "/v2/databases",
        json!({"name": "tf-db", "engine": "pg", "version": "15", "size": "db-s-1vcpu-2gb",
               "region": "nyc1", "num_nodes": 1, "tags": ["production"]}),
        "database",
    )
    .await;
    let id = made["id"].as_str().expect("id");
    let db = wait_for(&sim, &format!("/v2/databases/{id}"), "database", |d| {
        d["status"] == "online"
    })
    .await;
    for pointer in [
        "/connection/host",
        "/connection/port",
        "/connection/user",
        "/connection/password",
        "/connection/uri",
        "/private_connection/host",
        "/private_connection/uri",
        "/maintenance_window/day",
        "/maintenance_window/hour",
    ] {
        set(&db, pointer);
    }
    default_vpc_of(&sim, &set(&db, "/private_network_uuid"), "nyc1").await;
    assert_eq!(db["project_id"], default_project(&sim).await);
    assert_eq!(db["storage_size_mib"], 30720);
    assert!(
        db["users"]
            .as_array()
            .expect("users")
            .iter()
            .any(|u| u["name"] == "doadmin" && u["role"] == "primary"),
        "{db}"
    );
    let admin = get(&sim, &format!("/v2/databases/{id}/users/doadmin")).await;
    assert_eq!(admin.status, StatusCode::OK, "{}", admin.text);
    assert_eq!(
        admin.json()["user"]["password"],
        db["connection"]["password"]
    );
    let sized = create(
        &sim,
        "/v2/databases",
        json!({"name": "tf-db-2", "engine": "pg", "version": "15", "size": "db-s-1vcpu-2gb",
               "region": "nyc1", "num_nodes": 1, "storage_size_mib": 61440}),
        "database",
    )
    .await;
    assert_eq!(
        sized["storage_size_mib"], 61440,
        "what the request asks for"
    );
}

/// domain/resource_domain_test.go and resource_record_test.go: a domain's records, the
/// 1800 s default TTL, and hostname data without the trailing dot the provider adds back.
#[tokio::test]
async fn domains_and_records_read_back_as_the_provider_expects() {
    let sim = demo(20).await;
    create(
        &sim,
        "/v2/domains",
        json!({"name": "tf-checks.com", "ip_address": "192.168.0.10"}),
        "domain",
    )
    .await;
    let domain = get(&sim, "/v2/domains/tf-checks.com").await.json()["domain"].clone();
    assert_eq!(domain["ttl"], 1800);
    assert!(
        domain["zone_file"]
            .as_str()
            .is_some_and(|z| z.contains("192.168.0.10")),
        "{domain}"
    );
    let records = get(&sim, "/v2/domains/tf-checks.com/records").await.json();
    let kinds: Vec<(String, String)> = records["domain_records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| (set(r, "/type"), set(r, "/data")))
        .collect();
    for expected in [
        ("NS", "ns1.digitalocean.com"),
        ("NS", "ns2.digitalocean.com"),
        ("NS", "ns3.digitalocean.com"),
        ("A", "192.168.0.10"),
    ] {
        assert!(
            kinds.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} in {kinds:?}"
        );
    }
    assert!(kinds.iter().any(|(k, _)| k == "SOA"), "{kinds:?}");

    let a = create(
        &sim,
        "/v2/domains/tf-checks.com/records",
        json!({"type": "A", "name": "terraform", "data": "192.168.0.10"}),
        "domain_record",
    )
    .await;
    assert_eq!(a["ttl"], 1800, "{a}");
    let cname = create(
        &sim,
        "/v2/domains/tf-checks.com/records",
        json!({"type": "CNAME", "name": "www", "data": "a.foobar-test-terraform.com.", "ttl": 90}),
        "domain_record",
    )
    .await;
    assert_eq!(cname["data"], "a.foobar-test-terraform.com");
    assert_eq!(cname["ttl"], 90);
    let id = cname["id"].as_u64().expect("id");
    let updated = send_json(
        &sim,
        Method::PUT,
        &format!("/v2/domains/tf-checks.com/records/{id}"),
        json!({"type": "CNAME", "name": "www", "data": "b.foobar-test-terraform.com."}),
    )
    .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text);
    assert_eq!(
        updated.json()["domain_record"]["data"],
        "b.foobar-test-terraform.com"
    );
    let caa = create(
        &sim,
        "/v2/domains/tf-checks.com/records",
        json!({"type": "CAA", "name": "@", "data": "letsencrypt.org.", "flags": 1, "tag": "issue"}),
        "domain_record",
    )
    .await;
    assert_eq!(caa["data"], "letsencrypt.org");
}

/// project/resource_project_test.go: no `environment` given reads back as none; the owner
/// is set.
#[tokio::test]
async fn a_project_reads_back_what_it_was_given() {
    let sim = demo(20).await;
    let project = create(
        &sim,
        "/v2/projects",
        json!({"name": "tf-proj", "purpose": "Web Application"}),
        "project",
    )
    .await;
    let id = project["id"].as_str().expect("id");
    let read = get(&sim, &format!("/v2/projects/{id}")).await.json()["project"].clone();
    assert_eq!(read["environment"].as_str().unwrap_or_default(), "");
    assert_eq!(read["purpose"], "Web Application");
    set(&read, "/owner_uuid");
    set(&read, "/owner_id");
}

/// cdn/resource_cdn_test.go: the TTL defaults to 3600 and no custom domain appears.
#[tokio::test]
async fn a_cdn_endpoint_has_no_custom_domain_it_was_not_given() {
    let sim = demo(20).await;
    let cdn = create(
        &sim,
        "/v2/cdn/endpoints",
        json!({"origin": "tf-bucket.nyc3.digitaloceanspaces.com"}),
        "endpoint",
    )
    .await;
    assert_eq!(cdn["ttl"], 3600);
    assert_eq!(cdn["endpoint"], "tf-bucket.nyc3.cdn.digitaloceanspaces.com");
    assert_eq!(cdn["custom_domain"].as_str().unwrap_or_default(), "");
    assert_eq!(cdn["certificate_id"].as_str().unwrap_or_default(), "");
}

/// reservedip/resource_reserved_ip_test.go and firewall/resource_firewall.go: a reserved
/// IP sits in the default project; a firewall's changes end `succeeded`.
#[tokio::test]
async fn reserved_ips_and_firewalls_settle_where_the_api_puts_them() {
    let sim = demo(20).await;
    let ip = create(
        &sim,
        "/v2/reserved_ips",
        json!({"region": "nyc3"}),
        "reserved_ip",
    )
    .await;
    assert_eq!(ip["region"]["slug"], "nyc3");
    assert_eq!(ip["project_id"], default_project(&sim).await);
    let firewall = create(
        &sim,
        "/v2/firewalls",
        json!({"name": "tf-fw", "inbound_rules": [{"protocol": "tcp", "ports": "22",
                "sources": {"addresses": ["0.0.0.0/0"]}}]}),
        "firewall",
    )
    .await;
    assert_eq!(firewall["status"], "waiting");
    let id = firewall["id"].as_str().expect("id");
    wait_for(&sim, &format!("/v2/firewalls/{id}"), "firewall", |f| {
        f["status"] == "succeeded"
    })
    .await;
}

/// app/resource_app_test.go: `live_url`, `live_domain`, `default_ingress` and `project_id`
/// set; the provider polls the pending deployment, which ends as the active one.
#[tokio::test]
async fn an_app_has_its_addresses_project_and_first_deployment() {
    let sim = demo(20).await;
    let app = create(
        &sim,
        "/v2/apps",
        json!({"spec": {"name": "tf-app", "region": "ams", "services": [{"name": "web",
            "image": {"registry_type": "DOCKER_HUB", "repository": "nginx", "tag": "latest"}}]}}),
        "app",
    )
    .await;
    for pointer in [
        "/live_url",
        "/live_domain",
        "/default_ingress",
        "/created_at",
    ] {
        set(&app, pointer);
    }
    assert_eq!(app["project_id"], default_project(&sim).await);
    assert_eq!(app["region"]["slug"], "ams");
    assert!(app.get("in_progress_deployment").is_none(), "{app}");
    let pending = set(&app, "/pending_deployment/id");
    assert_eq!(app["pending_deployment"]["spec"]["name"], "tf-app");
    let id = app["id"].as_str().expect("id");
    let read = wait_for(&sim, &format!("/v2/apps/{id}"), "app", |a| {
        a["active_deployment"]["phase"] == "ACTIVE"
    })
    .await;
    assert_eq!(read["active_deployment"]["id"], pending.as_str());
    assert!(read.get("pending_deployment").is_none(), "{read}");
}

/// kubernetes/resource_kubernetes_node_pool_test.go: a pool added with no labels has none,
/// and carries only its own and the system tags (none of the documented example's).
#[tokio::test]
async fn an_added_node_pool_holds_only_what_it_was_given() {
    let sim = demo(20).await;
    let cluster = create(
        &sim,
        "/v2/kubernetes/clusters",
        json!({"name": "k1", "region": "nyc1", "version": "latest",
               "node_pools": [{"size": "s-1vcpu-2gb", "name": "default", "count": 1}]}),
        "kubernetes_cluster",
    )
    .await;
    let id = cluster["id"].as_str().expect("id");
    let pool = create(
        &sim,
        &format!("/v2/kubernetes/clusters/{id}/node_pools"),
        json!({"name": "barfoo", "size": "s-1vcpu-2gb", "count": 2, "tags": ["mine"]}),
        "node_pool",
    )
    .await;
    assert_eq!(
        pool["tags"],
        json!(["mine", "k8s", format!("k8s:{id}"), "k8s:worker"])
    );
    assert_eq!(pool["labels"], json!({}));
    assert_eq!(pool["auto_scale"], false);
    assert_eq!(pool["nodes"].as_array().map(Vec::len), Some(2));
}

/// project/datasource_project_test.go finds projects by name in the list, the default
/// one included (`is_default` true), in every account.
#[tokio::test]
async fn the_project_list_holds_the_default_project() {
    let sim = Sim::builder()
        .other_account_token("tf-other")
        .start()
        .await
        .expect("sim starts");
    for token in [sim.token().to_owned(), "tf-other".to_owned()] {
        let listed = crate::common::call(&sim, Method::GET, "/v2/projects", Some(&token), None)
            .await
            .json();
        let default = listed["projects"]
            .as_array()
            .expect("projects")
            .iter()
            .find(|p| p["is_default"] == true)
            .cloned()
            .unwrap_or_else(|| panic!("no default project in {listed}"));
        let by_id = crate::common::call(
            &sim,
            Method::GET,
            &format!("/v2/projects/{}", set(&default, "/id")),
            Some(&token),
            None,
        )
        .await;
        assert_eq!(by_id.status, StatusCode::OK, "{}", by_id.text);
    }
}

/// registry/resource_container_registry_test.go: a registry made here has had nothing
/// pushed, so it lists no repositories (not the documented registry's).
#[tokio::test]
async fn a_new_registry_lists_no_repositories() {
    let sim = Sim::builder()
        .seed(oxido_sim::Seed::Empty)
        .start()
        .await
        .expect("sim starts");
    create(
        &sim,
        "/v2/registry",
        json!({"name": "tf-reg", "subscription_tier_slug": "starter", "region": "sfo3"}),
        "registry",
    )
    .await;
    for path in [
        "/v2/registry/tf-reg/repositories",
        "/v2/registry/tf-reg/repositoriesV2",
    ] {
        let listed = get(&sim, path).await;
        assert_eq!(listed.status, StatusCode::OK, "{path}: {}", listed.text);
        assert_eq!(listed.json()["repositories"], json!([]), "{path}");
    }
}

/// vpc/resource_vpc_test.go checks `urn` set; every VPC's URN names its own id, and every
/// VPC the demo's Droplets, load balancers, clusters and databases name exists.
#[tokio::test]
async fn vpc_urns_and_references_resolve() {
    let sim = demo(20).await;
    let vpcs = get(&sim, "/v2/vpcs?per_page=200").await.json();
    for vpc in vpcs["vpcs"].as_array().expect("vpcs") {
        assert_eq!(
            vpc["urn"].as_str(),
            Some(format!("do:vpc:{}", set(vpc, "/id")).as_str()),
            "{vpc}"
        );
    }
    let mut named = Vec::new();
    for (path, member, field) in [
        ("/v2/droplets?per_page=200", "droplets", "vpc_uuid"),
        ("/v2/load_balancers", "load_balancers", "vpc_uuid"),
        ("/v2/kubernetes/clusters", "kubernetes_clusters", "vpc_uuid"),
        ("/v2/databases", "databases", "private_network_uuid"),
    ] {
        let listed = get(&sim, path).await.json();
        for item in listed[member].as_array().into_iter().flatten() {
            if let Some(vpc) = item[field].as_str().filter(|v| !v.is_empty()) {
                named.push(vpc.to_owned());
            }
        }
    }
    assert!(!named.is_empty());
    for vpc in named {
        let read = get(&sim, &format!("/v2/vpcs/{vpc}")).await;
        assert_eq!(read.status, StatusCode::OK, "vpc {vpc}: {}", read.text);
    }
}

/// certificate/resource_certificate.go waits for `verified`: an uploaded (custom)
/// certificate is at once, a Let's Encrypt one once issued.
#[tokio::test]
async fn certificates_reach_verified() {
    let sim = demo(20).await;
    let custom = create(
        &sim,
        "/v2/certificates",
        json!({"name": "tf-custom", "type": "custom",
               "private_key": "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----",
               "leaf_certificate": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"}),
        "certificate",
    )
    .await;
    let id = custom["id"].as_str().expect("id");
    let read = get(&sim, &format!("/v2/certificates/{id}")).await.json();
    assert_eq!(read["certificate"]["state"], "verified", "{read}");
    let issued = create(
        &sim,
        "/v2/certificates",
        json!({"name": "tf-le", "type": "lets_encrypt", "dns_names": ["example.com"]}),
        "certificate",
    )
    .await;
    assert_eq!(issued["state"], "pending");
    let id = issued["id"].as_str().expect("id");
    wait_for(
        &sim,
        &format!("/v2/certificates/{id}"),
        "certificate",
        |c| c["state"] == "verified",
    )
    .await;
}

/// loadbalancer/resource_loadbalancer_test.go pairs a load balancer's `project_id` with
/// its project: one made with a `project_id` sits in that project, not the default one.
#[tokio::test]
async fn a_resource_made_with_a_project_id_joins_that_project() {
    let sim = demo(20).await;
    let project = create(
        &sim,
        "/v2/projects",
        json!({"name": "tf-lb-project", "purpose": "Web Application"}),
        "project",
    )
    .await;
    let project_id = project["id"].as_str().expect("id");
    let lb = create(
        &sim,
        "/v2/load_balancers",
        json!({"name": "lb-in-project", "region": "nyc3", "project_id": project_id,
               "forwarding_rules": [{"entry_port": 80, "entry_protocol": "http",
                                     "target_port": 80, "target_protocol": "http"}]}),
        "load_balancer",
    )
    .await;
    assert_eq!(lb["project_id"], project_id);
    let urn = format!("do:loadbalancer:{}", lb["id"].as_str().expect("id"));
    let urns = |body: Value| -> Vec<String> {
        body["resources"]
            .as_array()
            .expect("resources")
            .iter()
            .filter_map(|r| r["urn"].as_str().map(str::to_owned))
            .collect()
    };
    let own = get(&sim, &format!("/v2/projects/{project_id}/resources")).await;
    assert!(urns(own.json()).contains(&urn), "{}", own.text);
    let default = get(&sim, "/v2/projects/default/resources?per_page=200").await;
    assert!(!urns(default.json()).contains(&urn), "{}", default.text);
}
