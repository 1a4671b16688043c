//! Differences found by driving the infrastructure families the way suites written
//! against the real API do (create with the fields people send, wait, read back, list
//! with filters, update, delete), each pinned here with the requests that showed it.

use std::time::Duration;

use oxido_sim::Sim;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{call, created as made, demo, get, send_json, settled, wait_action};

async fn droplet_in(sim: &Sim, region: &str, extra: Value) -> Value {
    let mut body = json!({
        "name": "probe", "region": region, "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64",
    });
    if let (Some(map), Value::Object(more)) = (body.as_object_mut(), extra) {
        map.extend(more);
    }
    let reply = send_json(sim, Method::POST, "/v2/droplets", body).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
    reply.json()
}

fn urns(listing: &Value) -> Vec<String> {
    listing["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter_map(|r| r["urn"].as_str().map(str::to_owned))
        .collect()
}

/// A reserved IP joins the default project by its address, and the project's listing
/// still holds what joined before (a URN without an id made the listing fall back to
/// the documented example, dropping every new Droplet).
#[tokio::test]
async fn a_reserved_ip_joins_the_default_project_without_hiding_the_rest() {
    let sim = demo(50).await;
    let droplet = droplet_in(&sim, "nyc3", json!({}))
        .await
        .pointer("/droplet/id")
        .and_then(Value::as_u64)
        .expect("id");
    let ip = made(
        &sim,
        "/v2/reserved_ips",
        json!({"region": "nyc3"}),
        "reserved_ip",
    )
    .await["ip"]
        .as_str()
        .expect("ip")
        .to_owned();
    let listing = get(&sim, "/v2/projects/default/resources?per_page=200")
        .await
        .json();
    let held = urns(&listing);
    assert!(held.contains(&format!("do:droplet:{droplet}")), "{held:?}");
    assert!(held.contains(&format!("do:floatingip:{ip}")), "{held:?}");
    // godo writes a reserved IP's URN as `do:reservedip:…`: it is assigned all the same.
    let project = made(
        &sim,
        "/v2/projects",
        json!({"name": "ips", "purpose": "Other"}),
        "project",
    )
    .await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let assigned = send_json(
        &sim,
        Method::POST,
        &format!("/v2/projects/{project}/resources"),
        json!({"resources": [format!("do:reservedip:{ip}")]}),
    )
    .await;
    assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.text);
    let there = get(&sim, &format!("/v2/projects/{project}/resources"))
        .await
        .json();
    assert_eq!(urns(&there), vec![format!("do:floatingip:{ip}")]);
    // Deleting the address takes it out of the project.
    let gone = call(
        &sim,
        Method::DELETE,
        &format!("/v2/reserved_ips/{ip}"),
        Some(sim.token()),
        None,
    )
    .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    let there = get(&sim, &format!("/v2/projects/{project}/resources"))
        .await
        .json();
    assert!(urns(&there).is_empty(), "{there}");
}

/// `GET /v2/droplets?name=` lists only the Droplets of that name, case-insensitively.
#[tokio::test]
async fn droplets_are_listed_by_name() {
    let sim = demo(50).await;
    let made = droplet_in(&sim, "nyc3", json!({"name": "Web-Probe-01"})).await;
    let id = made["droplet"]["id"].clone();
    let listing = get(&sim, "/v2/droplets?name=web-probe-01").await.json();
    let ids: Vec<Value> = listing["droplets"]
        .as_array()
        .expect("droplets")
        .iter()
        .map(|d| d["id"].clone())
        .collect();
    assert_eq!(ids, vec![id], "{listing}");
    assert_eq!(listing["meta"]["total"], 1);
    let none = get(&sim, "/v2/droplets?name=no-such-droplet").await.json();
    assert_eq!(none["droplets"], json!([]));
}

/// A Spaces key is read, updated and deleted by the access key its create returned, and
/// its secret is shown only then.
#[tokio::test]
async fn a_spaces_key_is_read_back_by_its_access_key() {
    let sim = demo(50).await;
    let key = made(
        &sim,
        "/v2/spaces/keys",
        json!({"name": "probe-key", "grants": [{"bucket": "", "permission": "fullaccess"}]}),
        "key",
    )
    .await;
    let access = key["access_key"].as_str().expect("access_key").to_owned();
    assert!(
        key["secret_key"].as_str().is_some_and(|s| !s.is_empty()),
        "{key}"
    );
    let read = get(&sim, &format!("/v2/spaces/keys/{access}")).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    let read = read.json()["key"].clone();
    assert_eq!(read["name"], "probe-key");
    assert!(read.get("secret_key").is_none_or(|s| s == ""), "{read}");
    let listed = get(&sim, "/v2/spaces/keys").await.json();
    assert!(
        listed["keys"]
            .as_array()
            .expect("keys")
            .iter()
            .all(|k| k.get("secret_key").is_none_or(|s| s == "")),
        "{listed}"
    );
    let renamed = send_json(
        &sim,
        Method::PATCH,
        &format!("/v2/spaces/keys/{access}"),
        json!({"name": "renamed"}),
    )
    .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);
    assert_eq!(
        get(&sim, &format!("/v2/spaces/keys/{access}")).await.json()["key"]["name"],
        "renamed"
    );
    let gone = call(
        &sim,
        Method::DELETE,
        &format!("/v2/spaces/keys/{access}"),
        Some(sim.token()),
        None,
    )
    .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    assert_eq!(
        get(&sim, &format!("/v2/spaces/keys/{access}")).await.status,
        StatusCode::NOT_FOUND
    );
}

/// A dynamic autoscale pool keeps the config it was given, and a replace to a fixed
/// size holds only that.
#[tokio::test]
async fn an_autoscale_pool_keeps_its_config() {
    let sim = demo(50).await;
    let template = json!({"size": "s-1vcpu-1gb", "region": "nyc3", "image": "ubuntu-24-04-x64",
        "ssh_keys": [], "tags": ["probe-pool"]});
    let config = json!({"min_instances": 1, "max_instances": 3,
        "target_cpu_utilization": 0.5, "cooldown_minutes": 5});
    let pool = made(
        &sim,
        "/v2/droplets/autoscale",
        json!({"name": "probe-pool", "config": config, "droplet_template": template}),
        "autoscale_pool",
    )
    .await;
    assert_eq!(pool["config"], config, "{pool}");
    let id = pool["id"].as_str().expect("id").to_owned();
    assert_eq!(
        get(&sim, &format!("/v2/droplets/autoscale/{id}"))
            .await
            .json()["autoscale_pool"]["config"],
        config
    );
    let members = get(&sim, &format!("/v2/droplets/autoscale/{id}/members"))
        .await
        .json();
    assert_eq!(members["droplets"].as_array().map(Vec::len), Some(1));
    let fixed = json!({"target_number_instances": 2});
    let put = send_json(
        &sim,
        Method::PUT,
        &format!("/v2/droplets/autoscale/{id}"),
        json!({"name": "probe-pool", "config": fixed, "droplet_template": template}),
    )
    .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    assert_eq!(
        get(&sim, &format!("/v2/droplets/autoscale/{id}"))
            .await
            .json()["autoscale_pool"]["config"],
        fixed
    );
    let members = get(&sim, &format!("/v2/droplets/autoscale/{id}/members"))
        .await
        .json();
    assert_eq!(members["droplets"].as_array().map(Vec::len), Some(2));
}

/// A VPC peering leaves PROVISIONING for ACTIVE and a NAT gateway NEW for ACTIVE, as
/// the Terraform provider waits for.
#[tokio::test]
async fn peerings_and_nat_gateways_become_active() {
    let sim = demo(50).await;
    let a = made(
        &sim,
        "/v2/vpcs",
        json!({"name": "peer-a", "region": "nyc3"}),
        "vpc",
    )
    .await;
    let b = made(
        &sim,
        "/v2/vpcs",
        json!({"name": "peer-b", "region": "sfo3"}),
        "vpc",
    )
    .await;
    let peering = made(
        &sim,
        "/v2/vpc_peerings",
        json!({"name": "probe-peering", "vpc_ids": [a["id"], b["id"]]}),
        "vpc_peering",
    )
    .await;
    assert_eq!(peering["status"], "PROVISIONING", "{peering}");
    let path = format!("/v2/vpc_peerings/{}", peering["id"].as_str().expect("id"));
    settled(&sim, &path, "vpc_peering", |p| p["status"] == "ACTIVE").await;
    let nat = made(
        &sim,
        "/v2/vpc_nat_gateways",
        json!({"name": "probe-nat", "type": "PUBLIC", "region": "nyc3", "size": 1,
            "vpcs": [{"vpc_uuid": a["id"]}]}),
        "vpc_nat_gateway",
    )
    .await;
    assert_eq!(nat["state"], "NEW", "{nat}");
    let path = format!("/v2/vpc_nat_gateways/{}", nat["id"].as_str().expect("id"));
    settled(&sim, &path, "vpc_nat_gateway", |n| n["state"] == "ACTIVE").await;
}

/// An ICMP rule goes without ports, and the API answers `"0"` for it and for `"all"`
/// (the Terraform provider reads `"0"` back as `all`).
#[tokio::test]
async fn firewall_rules_take_icmp_without_ports_and_answer_all_as_zero() {
    let sim = demo(50).await;
    let firewall = made(
        &sim,
        "/v2/firewalls",
        json!({"name": "probe-fw",
        "inbound_rules": [
            {"protocol": "icmp", "sources": {"addresses": ["0.0.0.0/0"]}},
            {"protocol": "tcp", "ports": "all", "sources": {"addresses": ["0.0.0.0/0"]}}
        ]}),
        "firewall",
    )
    .await;
    let ports: Vec<&Value> = firewall["inbound_rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| &r["ports"])
        .collect();
    assert_eq!(ports, vec!["0", "0"], "{firewall}");
    let id = firewall["id"].as_str().expect("id").to_owned();
    let outbound = json!({"outbound_rules": [
        {"protocol": "udp", "ports": "all", "destinations": {"addresses": ["0.0.0.0/0"]}}]});
    let added = send_json(
        &sim,
        Method::POST,
        &format!("/v2/firewalls/{id}/rules"),
        outbound.clone(),
    )
    .await;
    assert_eq!(added.status, StatusCode::NO_CONTENT, "{}", added.text);
    let read = get(&sim, &format!("/v2/firewalls/{id}")).await.json()["firewall"].clone();
    assert_eq!(read["outbound_rules"][0]["ports"], "0", "{read}");
    // Removing with the same words as were added finds the rule.
    let removed = send_json(
        &sim,
        Method::DELETE,
        &format!("/v2/firewalls/{id}/rules"),
        outbound,
    )
    .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.text);
    let read = get(&sim, &format!("/v2/firewalls/{id}")).await.json()["firewall"].clone();
    assert_eq!(read["outbound_rules"], json!([]), "{read}");
    let replaced = send_json(
        &sim,
        Method::PUT,
        &format!("/v2/firewalls/{id}"),
        json!({"name": "probe-fw2", "inbound_rules": [
            {"protocol": "icmp", "sources": {"addresses": ["0.0.0.0/0"]}}]}),
    )
    .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text);
    let read = get(&sim, &format!("/v2/firewalls/{id}")).await.json()["firewall"].clone();
    assert_eq!(read["name"], "probe-fw2");
    assert_eq!(
        read["inbound_rules"],
        json!([{"protocol": "icmp", "ports": "0", "sources": {"addresses": ["0.0.0.0/0"]}}])
    );
}

/// A custom image is `custom`, in the region it was imported to, and a transfer adds a
/// region rather than replacing it.
#[tokio::test]
async fn a_custom_image_is_custom_and_transfers_add_regions() {
    let sim = demo(50).await;
    let image = made(
        &sim,
        "/v2/images",
        json!({"name": "probe-image", "url": "http://example.com/image.img",
            "region": "nyc3", "distribution": "Ubuntu"}),
        "image",
    )
    .await;
    assert_eq!(image["type"], "custom", "{image}");
    assert_eq!(image["public"], false, "{image}");
    let id = image["id"].as_u64().expect("id");
    let path = format!("/v2/images/{id}");
    let ready = settled(&sim, &path, "image", |i| i["status"] == "available").await;
    assert_eq!(ready["regions"], json!(["nyc3"]), "{ready}");
    let transfer = send_json(
        &sim,
        Method::POST,
        &format!("/v2/images/{id}/actions"),
        json!({"type": "transfer", "region": "sfo3"}),
    )
    .await;
    assert_eq!(transfer.status, StatusCode::CREATED, "{}", transfer.text);
    let action = transfer.json()["action"]["id"].as_u64().expect("action id");
    wait_action(&sim, action, Duration::from_secs(5)).await;
    let read = get(&sim, &path).await.json()["image"].clone();
    assert_eq!(read["regions"], json!(["nyc3", "sfo3"]), "{read}");
}

/// A Droplet made with backups and a policy keeps the policy it was given.
#[tokio::test]
async fn a_droplet_keeps_the_backup_policy_it_was_made_with() {
    let sim = demo(50).await;
    let made = droplet_in(
        &sim,
        "nyc3",
        json!({"backups": true, "backup_policy": {"plan": "weekly", "weekday": "TUE", "hour": 20}}),
    )
    .await;
    let id = made["droplet"]["id"].as_u64().expect("id");
    let policy = get(&sim, &format!("/v2/droplets/{id}/backups/policy")).await;
    assert_eq!(policy.status, StatusCode::OK, "{}", policy.text);
    let policy = policy.json()["policy"].clone();
    assert_eq!(policy["backup_enabled"], true, "{policy}");
    assert_eq!(policy["backup_policy"]["plan"], "weekly", "{policy}");
    assert_eq!(policy["backup_policy"]["weekday"], "TUE", "{policy}");
    assert_eq!(policy["backup_policy"]["hour"], 20, "{policy}");
}

/// A VPC and a volume each live in one region: a Droplet of another region can join
/// neither.
#[tokio::test]
async fn vpcs_and_volumes_refuse_droplets_of_other_regions() {
    let sim = demo(50).await;
    let vpc = made(
        &sim,
        "/v2/vpcs",
        json!({"name": "east", "region": "nyc3"}),
        "vpc",
    )
    .await;
    let refused = send_json(
        &sim,
        Method::POST,
        "/v2/droplets",
        json!({"name": "west", "region": "sfo3", "size": "s-1vcpu-1gb",
            "image": "ubuntu-24-04-x64", "vpc_uuid": vpc["id"]}),
    )
    .await;
    refused.assert_error(422, "unprocessable_entity");
    assert!(refused.text.contains("vpc_uuid"), "{}", refused.text);
    let droplet = droplet_in(&sim, "nyc3", json!({})).await["droplet"]["id"].clone();
    let volume = made(
        &sim,
        "/v2/volumes",
        json!({"name": "west-vol", "region": "sfo3", "size_gigabytes": 1}),
        "volume",
    )
    .await;
    let attach = send_json(
        &sim,
        Method::POST,
        &format!("/v2/volumes/{}/actions", volume["id"].as_str().expect("id")),
        json!({"type": "attach", "droplet_id": droplet, "region": "sfo3"}),
    )
    .await;
    attach.assert_error(422, "unprocessable_entity");
    let volume = get(
        &sim,
        &format!("/v2/volumes/{}", volume["id"].as_str().expect("id")),
    )
    .await
    .json();
    assert_eq!(volume["volume"]["droplet_ids"], json!([]));
}

/// Records of each type need the members their type's description names.
#[tokio::test]
async fn dns_records_need_their_types_members() {
    let sim = demo(50).await;
    made(
        &sim,
        "/v2/domains",
        json!({"name": "probe-records.com"}),
        "domain",
    )
    .await;
    let records = "/v2/domains/probe-records.com/records";
    for refused in [
        json!({"type": "MX", "name": "@", "data": "mail.example.com."}),
        json!({"type": "SRV", "name": "_sip._tcp", "data": "sip.example.com.", "priority": 1, "weight": 1}),
        json!({"type": "CAA", "name": "@", "data": "letsencrypt.org.", "flags": 0, "tag": "bogus"}),
    ] {
        let reply = send_json(&sim, Method::POST, records, refused.clone()).await;
        reply.assert_error(422, "unprocessable_entity");
    }
    for accepted in [
        json!({"type": "MX", "name": "@", "data": "mail.example.com.", "priority": 10}),
        json!({"type": "SRV", "name": "_sip._tcp", "data": "sip.example.com.", "priority": 1, "weight": 1, "port": 5060}),
        json!({"type": "CAA", "name": "@", "data": "letsencrypt.org.", "flags": 0, "tag": "issue"}),
        json!({"type": "A", "name": "www", "data": "192.0.2.1"}),
        json!({"type": "CNAME", "name": "blog", "data": "www.example.com."}),
    ] {
        let reply = send_json(&sim, Method::POST, records, accepted.clone()).await;
        assert_eq!(
            reply.status,
            StatusCode::CREATED,
            "{accepted}: {}",
            reply.text
        );
    }
    let mx = get(&sim, &format!("{records}?type=MX")).await.json();
    assert_eq!(
        mx["domain_records"].as_array().map(Vec::len),
        Some(1),
        "{mx}"
    );
}

/// A GLOBAL load balancer goes without region and forwarding rules (as the Terraform
/// provider's global test creates one); a REGIONAL one still needs both, and takes
/// Droplets by id or by tag, not both.
#[tokio::test]
async fn load_balancer_shapes_by_type() {
    let sim = demo(50).await;
    let droplet = droplet_in(&sim, "nyc3", json!({})).await["droplet"]["id"].clone();
    let global = send_json(
        &sim,
        Method::POST,
        "/v2/load_balancers",
        json!({"name": "probe-glb", "type": "GLOBAL",
            "domains": [{"name": "probe.example.com", "is_managed": false}],
            "glb_settings": {"target_protocol": "http", "target_port": 80},
            "droplet_ids": [droplet]}),
    )
    .await;
    assert_eq!(global.status, StatusCode::ACCEPTED, "{}", global.text);
    assert_eq!(global.json()["load_balancer"]["type"], "GLOBAL");
    let rule = json!([{"entry_protocol": "http", "entry_port": 80,
        "target_protocol": "http", "target_port": 80}]);
    for refused in [
        json!({"name": "no-region", "forwarding_rules": rule, "droplet_ids": [droplet]}),
        json!({"name": "no-rules", "region": "nyc3", "droplet_ids": [droplet]}),
        json!({"name": "both", "region": "nyc3", "forwarding_rules": rule,
            "droplet_ids": [droplet], "tag": "web"}),
    ] {
        let reply = send_json(&sim, Method::POST, "/v2/load_balancers", refused.clone()).await;
        reply.assert_error(422, "unprocessable_entity");
    }
}

/// Unassigning a reserved IP that no Droplet holds is a 422, which the Terraform
/// provider's delete expects.
#[tokio::test]
async fn unassigning_an_unassigned_reserved_ip_is_refused() {
    let sim = demo(50).await;
    let ip = made(
        &sim,
        "/v2/reserved_ips",
        json!({"region": "nyc3"}),
        "reserved_ip",
    )
    .await["ip"]
        .as_str()
        .expect("ip")
        .to_owned();
    let reply = send_json(
        &sim,
        Method::POST,
        &format!("/v2/reserved_ips/{ip}/actions"),
        json!({"type": "unassign"}),
    )
    .await;
    reply.assert_error(422, "unprocessable_entity");
    let listed = get(&sim, &format!("/v2/reserved_ips/{ip}/actions"))
        .await
        .json();
    assert_eq!(listed["actions"], json!([]), "{listed}");
}

/// A VPC's range is private and no larger than /16, as its description bounds it.
#[tokio::test]
async fn vpc_ranges_are_private_and_sized() {
    let sim = demo(50).await;
    for range in ["8.8.8.0/24", "10.0.0.0/8", "192.169.0.0/24"] {
        let reply = send_json(
            &sim,
            Method::POST,
            "/v2/vpcs",
            json!({"name": "bad-range", "region": "nyc3", "ip_range": range}),
        )
        .await;
        reply.assert_error(422, "unprocessable_entity");
    }
    let vpc = made(
        &sim,
        "/v2/vpcs",
        json!({"name": "good-range", "region": "nyc3", "ip_range": "172.16.0.0/24"}),
        "vpc",
    )
    .await;
    assert_eq!(vpc["ip_range"], "172.16.0.0/24");
}

/// An uptime check made without regions (godo sends `null`) checks from every region,
/// and an update with `regions: null` keeps them.
#[tokio::test]
async fn an_uptime_check_without_regions_checks_from_all() {
    let sim = demo(50).await;
    let check = made(
        &sim,
        "/v2/uptime/checks",
        json!({"name": "probe-check", "type": "https", "target": "https://example.com",
            "regions": null, "enabled": true}),
        "check",
    )
    .await;
    let all = json!(["us_east", "us_west", "eu_west", "se_asia"]);
    assert_eq!(check["regions"], all, "{check}");
    let id = check["id"].as_str().expect("id").to_owned();
    let put = send_json(
        &sim,
        Method::PUT,
        &format!("/v2/uptime/checks/{id}"),
        json!({"name": "renamed", "type": "https", "target": "https://example.com",
            "regions": null, "enabled": false}),
    )
    .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    let read = get(&sim, &format!("/v2/uptime/checks/{id}")).await.json()["check"].clone();
    assert_eq!(read["regions"], all, "{read}");
    assert_eq!(read["name"], "renamed");
}

/// `GET /v2/volumes?region=` lists only that region's volumes, demo ones included.
#[tokio::test]
async fn volumes_are_listed_by_region() {
    let sim = demo(50).await;
    made(
        &sim,
        "/v2/volumes",
        json!({"name": "east-vol", "region": "nyc3", "size_gigabytes": 1}),
        "volume",
    )
    .await;
    made(
        &sim,
        "/v2/volumes",
        json!({"name": "west-vol", "region": "sfo3", "size_gigabytes": 1}),
        "volume",
    )
    .await;
    let listing = get(&sim, "/v2/volumes?region=sfo3&per_page=200")
        .await
        .json();
    let regions: Vec<&Value> = listing["volumes"]
        .as_array()
        .expect("volumes")
        .iter()
        .map(|v| &v["region"]["slug"])
        .collect();
    assert!(!regions.is_empty(), "{listing}");
    assert!(regions.iter().all(|r| *r == "sfo3"), "{regions:?}");
}

/// A CDN endpoint takes a custom domain with a certificate by update, refuses one
/// without, and gives it up for an empty one (as the Terraform provider
/// removes it).
#[tokio::test]
async fn a_cdn_custom_domain_is_set_and_removed_by_update() {
    let sim = demo(50).await;
    made(
        &sim,
        "/v2/domains",
        json!({"name": "probe-cdn.com"}),
        "domain",
    )
    .await;
    let cert = made(
        &sim,
        "/v2/certificates",
        json!({"name": "cdn-cert", "type": "lets_encrypt", "dns_names": ["static.probe-cdn.com"]}),
        "certificate",
    )
    .await["id"]
        .clone();
    let refused = send_json(
        &sim,
        Method::POST,
        "/v2/cdn/endpoints",
        json!({"origin": "other.nyc3.digitaloceanspaces.com",
            "custom_domain": "static.probe-cdn.com"}),
    )
    .await;
    refused.assert_error(422, "unprocessable_entity");
    let endpoint = made(
        &sim,
        "/v2/cdn/endpoints",
        json!({"origin": "probe.nyc3.digitaloceanspaces.com"}),
        "endpoint",
    )
    .await;
    let path = format!("/v2/cdn/endpoints/{}", endpoint["id"].as_str().expect("id"));
    let without = send_json(
        &sim,
        Method::PUT,
        &path,
        json!({"custom_domain": "static.probe-cdn.com"}),
    )
    .await;
    without.assert_error(422, "unprocessable_entity");
    let set = send_json(
        &sim,
        Method::PUT,
        &path,
        json!({"custom_domain": "static.probe-cdn.com", "certificate_id": cert}),
    )
    .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    let read = get(&sim, &path).await.json()["endpoint"].clone();
    assert_eq!(read["custom_domain"], "static.probe-cdn.com", "{read}");
    assert_eq!(read["certificate_id"], cert, "{read}");
    let cleared = send_json(
        &sim,
        Method::PUT,
        &path,
        json!({"custom_domain": "", "certificate_id": ""}),
    )
    .await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.text);
    let read = get(&sim, &path).await.json()["endpoint"].clone();
    assert!(read.get("custom_domain").is_none(), "{read}");
    assert!(read.get("certificate_id").is_none(), "{read}");
}

/// godo sends the lists a monitoring request leaves unset as `null` (`entities`,
/// `tags`, `alerts.email`, an uptime alert's `notifications` and their `email` and
/// `slack`): the requests are taken, and the answers hold empty lists.
#[tokio::test]
async fn monitoring_requests_take_godos_nulls() {
    let sim = demo(50).await;
    let policy = made(
        &sim,
        "/v2/monitoring/alerts",
        json!({"alerts": {"email": null,
                "slack": [{"channel": "#ops", "url": "https://hooks.slack.com/services/x"}]},
            "compare": "GreaterThan", "description": "cpu by tag", "enabled": true,
            "entities": null, "tags": ["web"], "type": "v1/insights/droplet/cpu",
            "value": 80, "window": "5m"}),
        "policy",
    )
    .await;
    assert_eq!(policy["entities"], json!([]), "{policy}");
    assert_eq!(policy["tags"], json!(["web"]), "{policy}");
    assert_eq!(policy["alerts"]["email"], json!([]), "{policy}");
    let check = made(
        &sim,
        "/v2/uptime/checks",
        json!({"name": "probe-up", "type": "http", "target": "http://example.com",
            "regions": ["us_east"], "enabled": true}),
        "check",
    )
    .await;
    let alerts = format!(
        "/v2/uptime/checks/{}/alerts",
        check["id"].as_str().expect("id")
    );
    let bare = made(
        &sim,
        &alerts,
        json!({"name": "down", "type": "down", "threshold": 0, "comparison": "greater_than",
            "period": "2m", "notifications": null}),
        "alert",
    )
    .await;
    assert_eq!(
        bare["notifications"],
        json!({"email": [], "slack": []}),
        "{bare}"
    );
    let mailed = made(
        &sim,
        &alerts,
        json!({"name": "down2", "type": "down", "threshold": 0, "comparison": "greater_than",
            "period": "2m", "notifications": {"email": ["ops@example.com"], "slack": null}}),
        "alert",
    )
    .await;
    assert_eq!(
        mailed["notifications"],
        json!({"email": ["ops@example.com"], "slack": []}),
        "{mailed}"
    );
}

/// The Droplet list leaves GPU Droplets out unless `type=gpus` asks for only them.
#[tokio::test]
async fn gpu_droplets_are_listed_apart() {
    let sim = demo(50).await;
    let sizes = get(&sim, "/v2/sizes?per_page=200").await.json();
    let gpu = sizes["sizes"]
        .as_array()
        .expect("sizes")
        .iter()
        .find(|s| {
            s["slug"]
                .as_str()
                .is_some_and(|slug| slug.starts_with("gpu-"))
                && s["regions"].as_array().is_some_and(|r| !r.is_empty())
        })
        .expect("the catalog has a GPU size")
        .clone();
    let region = gpu["regions"][0].as_str().expect("region").to_owned();
    let made = send_json(
        &sim,
        Method::POST,
        "/v2/droplets",
        json!({"name": "gpu-probe", "region": region, "size": gpu["slug"],
            "image": "ubuntu-24-04-x64"}),
    )
    .await;
    assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.text);
    let id = made.json()["droplet"]["id"].clone();
    let ids = |listing: &Value| -> Vec<Value> {
        listing["droplets"]
            .as_array()
            .expect("droplets")
            .iter()
            .map(|d| d["id"].clone())
            .collect()
    };
    let plain = get(&sim, "/v2/droplets?per_page=200").await.json();
    assert!(!ids(&plain).contains(&id), "{plain}");
    let gpus = get(&sim, "/v2/droplets?type=gpus").await.json();
    assert_eq!(ids(&gpus), vec![id.clone()], "{gpus}");
    assert_eq!(gpus["meta"]["total"], 1);
    let by_name = get(&sim, "/v2/droplets?type=gpus&name=gpu-probe")
        .await
        .json();
    assert_eq!(ids(&by_name), vec![id], "{by_name}");
}

/// A custom certificate reads its DNS names, expiry and SHA-1 fingerprint from the
/// uploaded leaf, and an upload that holds no PEM certificate is refused.
#[tokio::test]
async fn a_custom_certificate_is_read_from_its_leaf() {
    let sim = demo(50).await;
    let key = rcgen::KeyPair::generate().expect("key");
    let mut params = rcgen::CertificateParams::new(vec![
        "probe.example.com".to_owned(),
        "www.probe.example.com".to_owned(),
    ])
    .expect("params");
    params.not_after = rcgen::date_time_ymd(2031, 1, 2);
    let cert = params.self_signed(&key).expect("certificate");
    let sha1: String = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, cert.der())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let made = made(
        &sim,
        "/v2/certificates",
        json!({"name": "probe-custom", "type": "custom", "private_key": key.serialize_pem(),
            "leaf_certificate": cert.pem(), "certificate_chain": cert.pem()}),
        "certificate",
    )
    .await;
    assert_eq!(made["sha1_fingerprint"], sha1, "{made}");
    assert_eq!(made["not_after"], "2031-01-02T00:00:00Z", "{made}");
    assert_eq!(
        made["dns_names"],
        json!(["probe.example.com", "www.probe.example.com"]),
        "{made}"
    );
    let read = get(
        &sim,
        &format!("/v2/certificates/{}", made["id"].as_str().expect("id")),
    )
    .await
    .json()["certificate"]
        .clone();
    assert_eq!(read["sha1_fingerprint"], sha1, "{read}");
    assert_eq!(read["state"], "verified", "{read}");
    let refused = send_json(
        &sim,
        Method::POST,
        "/v2/certificates",
        json!({"name": "not-pem", "type": "custom", "private_key": "nope",
            "leaf_certificate": "not a certificate"}),
    )
    .await;
    refused.assert_error(422, "unprocessable_entity");
}

/// A Let's Encrypt certificate is issued only for names in domains the account manages,
/// and then reaches `verified`.
#[tokio::test]
async fn lets_encrypt_names_lie_in_managed_domains() {
    let sim = demo(50).await;
    let foreign = send_json(
        &sim,
        Method::POST,
        "/v2/certificates",
        json!({"name": "foreign", "type": "lets_encrypt", "dns_names": ["www.not-managed.net"]}),
    )
    .await;
    foreign.assert_error(422, "unprocessable_entity");
    made(
        &sim,
        "/v2/domains",
        json!({"name": "probe-le.com"}),
        "domain",
    )
    .await;
    let cert = made(
        &sim,
        "/v2/certificates",
        json!({"name": "managed", "type": "lets_encrypt",
            "dns_names": ["probe-le.com", "*.probe-le.com", "a.b.probe-le.com"]}),
        "certificate",
    )
    .await;
    assert_eq!(cert["state"], "pending", "{cert}");
    let path = format!("/v2/certificates/{}", cert["id"].as_str().expect("id"));
    settled(&sim, &path, "certificate", |c| c["state"] == "verified").await;
}

/// A Droplet is made from the account's own images by id, a custom image once it is
/// available and a snapshot in its region and within its size's disk, and shows that
/// image; the image survives a state export and import.
#[tokio::test]
async fn droplets_are_made_from_custom_images_and_snapshots() {
    let sim = demo(50).await;
    let image = made(
        &sim,
        "/v2/images",
        json!({"name": "probe-custom", "url": "http://example.com/image.img",
            "region": "nyc3", "distribution": "Ubuntu"}),
        "image",
    )
    .await;
    let image_id = image["id"].as_u64().expect("id");
    let body = |region: &str, size: &str, image: u64| json!({"name": "from-own", "region": region, "size": size, "image": image});
    let early = send_json(
        &sim,
        Method::POST,
        "/v2/droplets",
        body("nyc3", "s-1vcpu-1gb", image_id),
    )
    .await;
    early.assert_error(422, "unprocessable_entity");
    settled(&sim, &format!("/v2/images/{image_id}"), "image", |i| {
        i["status"] == "available"
    })
    .await;
    let elsewhere = send_json(
        &sim,
        Method::POST,
        "/v2/droplets",
        body("sfo3", "s-1vcpu-1gb", image_id),
    )
    .await;
    elsewhere.assert_error(422, "unprocessable_entity");
    let made_from = send_json(
        &sim,
        Method::POST,
        "/v2/droplets",
        body("nyc3", "s-1vcpu-1gb", image_id),
    )
    .await;
    assert_eq!(made_from.status, StatusCode::ACCEPTED, "{}", made_from.text);
    let made_from = made_from.json();
    let droplet = made_from["droplet"]["id"].as_u64().expect("id");
    assert_eq!(made_from["droplet"]["image"]["id"], image_id);
    assert_eq!(made_from["droplet"]["image"]["type"], "custom");
    let action = made_from["links"]["actions"][0]["id"]
        .as_u64()
        .expect("action");
    wait_action(&sim, action, Duration::from_secs(5)).await;
    let snapshot = send_json(
        &sim,
        Method::POST,
        &format!("/v2/droplets/{droplet}/actions"),
        json!({"type": "snapshot", "name": "probe-snap"}),
    )
    .await;
    assert_eq!(snapshot.status, StatusCode::CREATED, "{}", snapshot.text);
    let action = snapshot.json()["action"]["id"].as_u64().expect("action");
    wait_action(&sim, action, Duration::from_secs(5)).await;
    let snapshots = get(&sim, &format!("/v2/droplets/{droplet}/snapshots"))
        .await
        .json();
    let snap = snapshots["snapshots"][0]["id"]
        .as_u64()
        .expect("snapshot id");
    let small = send_json(
        &sim,
        Method::POST,
        "/v2/droplets",
        body("nyc3", "s-1vcpu-512mb-10gb", snap),
    )
    .await;
    small.assert_error(422, "unprocessable_entity");
    let restored = send_json(
        &sim,
        Method::POST,
        "/v2/droplets",
        body("nyc3", "s-1vcpu-1gb", snap),
    )
    .await;
    assert_eq!(restored.status, StatusCode::ACCEPTED, "{}", restored.text);
    let restored = restored.json()["droplet"]["id"].as_u64().expect("id");
    let shown = get(&sim, &format!("/v2/droplets/{restored}")).await.json();
    assert_eq!(shown["droplet"]["image"]["id"], snap, "{shown}");
    assert_eq!(shown["droplet"]["image"]["type"], "snapshot", "{shown}");
    // Exported and imported, the Droplet still shows the image it was made from.
    let state = call(
        &sim,
        Method::GET,
        "/_sim/state",
        Some(sim.admin_token()),
        None,
    )
    .await;
    assert_eq!(state.status, StatusCode::OK, "{}", state.text);
    let fresh = demo(50).await;
    let put = call(
        &fresh,
        Method::PUT,
        "/_sim/state",
        Some(fresh.admin_token()),
        Some(&state.text),
    )
    .await;
    assert!(put.status.is_success(), "{}", put.text);
    let again = get(&fresh, &format!("/v2/droplets/{restored}"))
        .await
        .json();
    assert_eq!(again["droplet"]["image"]["id"], snap, "{again}");
}

/// A peering made through `/v2/vpc_peerings` is listed under each VPC it joins.
#[tokio::test]
async fn a_peering_is_listed_under_its_vpcs() {
    let sim = demo(50).await;
    let a = made(
        &sim,
        "/v2/vpcs",
        json!({"name": "list-a", "region": "nyc3"}),
        "vpc",
    )
    .await;
    let b = made(
        &sim,
        "/v2/vpcs",
        json!({"name": "list-b", "region": "sfo3"}),
        "vpc",
    )
    .await;
    let lone = made(
        &sim,
        "/v2/vpcs",
        json!({"name": "list-c", "region": "ams3"}),
        "vpc",
    )
    .await;
    let peering = made(
        &sim,
        "/v2/vpc_peerings",
        json!({"name": "listed", "vpc_ids": [a["id"], b["id"]]}),
        "vpc_peering",
    )
    .await;
    for vpc in [&a, &b] {
        let listing = get(
            &sim,
            &format!("/v2/vpcs/{}/peerings", vpc["id"].as_str().expect("id")),
        )
        .await;
        assert_eq!(listing.status, StatusCode::OK, "{}", listing.text);
        let listing = listing.json();
        let ids: Vec<&Value> = listing["peerings"]
            .as_array()
            .expect("peerings")
            .iter()
            .map(|p| &p["id"])
            .collect();
        assert_eq!(ids, vec![&peering["id"]], "{listing}");
    }
    let none = get(
        &sim,
        &format!("/v2/vpcs/{}/peerings", lone["id"].as_str().expect("id")),
    )
    .await
    .json();
    assert_eq!(none["peerings"], json!([]), "{none}");
    let missing = get(
        &sim,
        "/v2/vpcs/00000000-0000-4000-8000-000000000000/peerings",
    )
    .await;
    missing.assert_error(404, "not_found");
}
