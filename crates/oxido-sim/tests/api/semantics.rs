//! Uniqueness, semantics and leniency (issue 16, item 4): what the API refuses is a 422
//! naming the field; what it accepts although the description is stricter is accepted
//! (each such case is a row of `data/deviations.json`, with its evidence).
//!
//! Reproduce the counts: `cargo test -p oxido-sim --test api semantics -- --nocapture`.

use oxido_sim::{Seed, Sim};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{Reply, call, get, start};

async fn send(sim: &Sim, method: Method, path: &str, body: Value) -> Reply {
    call(
        sim,
        method,
        path,
        Some(sim.token()),
        Some(&body.to_string()),
    )
    .await
}

const KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDUpI/qA1SrOIoe/PXS/aB9YBSJDdApE9EqkpFtMosjZ sammy";

#[tokio::test]
async fn duplicates_are_refused() {
    let sim = start(Sim::builder().seed(Seed::Empty)).await;
    let cases = [
        (
            "/v2/volumes",
            json!({"name": "data", "region": "nyc3", "size_gigabytes": 10}),
            "name",
        ),
        (
            "/v2/account/keys",
            json!({"name": "k", "public_key": KEY}),
            "public_key",
        ),
        ("/v2/domains", json!({"name": "example.org"}), "name"),
        // The API answers `name is not unique` (a captured answer: deviations.json).
        (
            "/v2/certificates",
            json!({"name": "web", "type": "lets_encrypt", "dns_names": ["www.example.org"]}),
            "name",
        ),
    ];
    for (path, body, field) in &cases {
        let first = send(&sim, Method::POST, path, body.clone()).await;
        assert_eq!(first.status, StatusCode::CREATED, "{path}: {}", first.text);
        let again = send(&sim, Method::POST, path, body.clone()).await;
        let error = again.assert_error(422, "unprocessable_entity");
        assert!(
            error["message"]
                .as_str()
                .is_some_and(|m| m.starts_with(field)),
            "{path}: {error}"
        );
    }
    // The same volume name in another region is another volume.
    let elsewhere = send(
        &sim,
        Method::POST,
        "/v2/volumes",
        json!({"name": "data", "region": "ams3", "size_gigabytes": 10}),
    )
    .await;
    assert_eq!(elsewhere.status, StatusCode::CREATED, "{}", elsewhere.text);
    println!("duplicates refused: {}", cases.len());
}

/// The duplicate checks follow the account through a delete, a reset and an import (they
/// look up an index the store keeps, not a scan, so each path must keep it exact).
#[tokio::test]
async fn duplicates_follow_deletes_resets_and_imports() {
    let sim = start(Sim::builder().seed(Seed::Empty)).await;
    let volume = json!({"name": "kept", "region": "nyc3", "size_gigabytes": 1});
    let domain = json!({"name": "Example.NET"});
    let create = |path: &'static str, body: &Value| {
        let body = body.clone();
        let sim = &sim;
        async move { send(sim, Method::POST, path, body).await.status }
    };
    let admin = |method: Method, path: String, body: Option<String>| {
        let sim = &sim;
        async move {
            crate::common::call(sim, method, &path, Some(sim.admin_token()), body.as_deref()).await
        }
    };
    let made = send(&sim, Method::POST, "/v2/volumes", volume.clone()).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let id = made.json()["volume"]["id"]
        .as_str()
        .expect("a volume id")
        .to_owned();
    assert_eq!(create("/v2/domains", &domain).await, StatusCode::CREATED);
    // Case does not make another domain.
    let lower = json!({"name": "example.net"});
    assert_eq!(
        create("/v2/domains", &lower).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let exported = admin(Method::GET, "/_sim/state".into(), None).await;
    assert_eq!(exported.status, StatusCode::OK, "{}", exported.text);

    // Deleted: the name is free again, once.
    let deleted = call(
        &sim,
        Method::DELETE,
        &format!("/v2/volumes/{id}"),
        Some(sim.token()),
        None,
    )
    .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    assert_eq!(create("/v2/volumes", &volume).await, StatusCode::CREATED);
    assert_eq!(
        create("/v2/volumes", &volume).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Reset: nothing is held.
    let reset = admin(
        Method::POST,
        format!("/_sim/reset?token={}", sim.token()),
        None,
    )
    .await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT, "{}", reset.text);
    assert_eq!(create("/v2/volumes", &volume).await, StatusCode::CREATED);
    assert_eq!(create("/v2/domains", &lower).await, StatusCode::CREATED);

    // Import: exactly what the document holds.
    let import = admin(
        Method::PUT,
        "/_sim/state".into(),
        Some(exported.text.clone()),
    )
    .await;
    assert_eq!(import.status, StatusCode::NO_CONTENT, "{}", import.text);
    assert_eq!(
        create("/v2/volumes", &volume).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        create("/v2/domains", &lower).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let elsewhere = json!({"name": "kept", "region": "ams3", "size_gigabytes": 1});
    assert_eq!(create("/v2/volumes", &elsewhere).await, StatusCode::CREATED);
}

#[tokio::test]
async fn malformed_values_are_refused_naming_the_field() {
    let sim = start(Sim::builder().seed(Seed::Empty)).await;
    let domain = send(
        &sim,
        Method::POST,
        "/v2/domains",
        json!({"name": "example.net"}),
    )
    .await;
    assert_eq!(domain.status, StatusCode::CREATED, "{}", domain.text);
    let records = "/v2/domains/example.net/records";
    let record = |kind: &str, data: &str| json!({"type": kind, "name": "www", "data": data, "ttl": 1800, "priority": 10, "port": 1, "weight": 1});
    let cases = [
        (records, record("A", "not-an-ip"), "data"),
        (records, record("A", "2001:db8::1"), "data"),
        (records, record("AAAA", "192.0.2.1"), "data"),
        (records, record("CNAME", "not a host!"), "data"),
        (records, record("MX", "-mail.example.net"), "data"),
        (records, record("BOGUS", "x"), "type"),
        (
            "/v2/volumes",
            json!({"name": "v", "region": "nyc3", "size_gigabytes": -5}),
            "size_gigabytes",
        ),
        ("/v2/domains", json!({"name": "not a domain!!"}), "name"),
        (
            "/v2/account/keys",
            json!({"name": "k", "public_key": "not a key at all"}),
            "public_key",
        ),
        (
            "/v2/vpcs",
            json!({"name": "v", "region": "nyc3", "ip_range": "10.0.0.0/33"}),
            "ip_range",
        ),
    ];
    for (path, body, field) in &cases {
        let reply = send(&sim, Method::POST, path, body.clone()).await;
        let error = reply.assert_error(422, "unprocessable_entity");
        assert!(
            error["message"]
                .as_str()
                .is_some_and(|m| m.starts_with(field)),
            "{path} {body}: {error}"
        );
    }
    // Well-formed ones are stored.
    for (kind, data) in [
        ("A", "192.0.2.1"),
        ("AAAA", "2001:db8::1"),
        ("CNAME", "@"),
        ("MX", "mail.example.net."),
    ] {
        // Each at its own name: a CNAME shares its name with no other record.
        let mut body = record(kind, data);
        body["name"] = json!(kind.to_ascii_lowercase());
        let made = send(&sim, Method::POST, records, body).await;
        assert_eq!(
            made.status,
            StatusCode::CREATED,
            "{kind} {data}: {}",
            made.text
        );
    }
    println!("semantic checks: {}", cases.len());
}

#[tokio::test]
async fn what_the_api_accepts_is_accepted_where_the_description_is_stricter() {
    let sim = start(Sim::builder().seed(Seed::Empty)).await;
    let uptime = send(&sim, Method::POST, "/v2/uptime/checks", json!({
        "name": "landing", "type": "https", "target": "https://example.com", "regions": ["us_east"], "enabled": true
    })).await;
    assert_eq!(
        uptime.status,
        StatusCode::CREATED,
        "uptime check without method: {}",
        uptime.text
    );
    let lb = send(&sim, Method::POST, "/v2/load_balancers", json!({
        "name": "lb", "region": "nyc3",
        "forwarding_rules": [{"entry_protocol": "http", "entry_port": 80, "target_protocol": "http", "target_port": 80}]
    })).await;
    assert_eq!(
        lb.status,
        StatusCode::ACCEPTED,
        "load balancer without droplet_ids: {}",
        lb.text
    );
    let tagged = send(&sim, Method::POST, "/v2/load_balancers", json!({
        "name": "lb2", "region": "nyc3", "tag": "web",
        "forwarding_rules": [{"entry_protocol": "http", "entry_port": 80, "target_protocol": "http", "target_port": 80}]
    })).await;
    assert_eq!(
        tagged.status,
        StatusCode::ACCEPTED,
        "load balancer by tag: {}",
        tagged.text
    );
    for slack in [None, Some(Value::Null)] {
        let mut alerts = json!({"email": ["sammy@example.com"]});
        if let Some(s) = &slack {
            alerts["slack"] = s.clone();
        }
        let policy = send(&sim, Method::POST, "/v2/monitoring/alerts", json!({
            "type": "v1/insights/droplet/cpu", "description": "CPU", "compare": "GreaterThan", "value": 80,
            "window": "5m", "entities": [], "tags": [], "alerts": alerts, "enabled": true
        })).await;
        assert!(
            policy.status.is_success(),
            "alert policy with slack {slack:?}: {}",
            policy.text
        );
    }
    let clicks = get(&sim, "/v2/1-clicks?type=unknown").await;
    assert_eq!(
        clicks.status,
        StatusCode::OK,
        "unknown 1-Click type: {}",
        clicks.text
    );
}

/// godo, doctl and Terraform send `"ssh_keys": null` and `"tags": null` when a Droplet has
/// none (no `omitempty` on either), so the Droplet create takes both.
#[tokio::test]
async fn a_droplet_create_takes_the_nulls_godo_sends() {
    let sim = start(Sim::builder().seed(Seed::Demo)).await;
    let body = json!({
        "name": "from-godo", "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-22-04-x64",
        "ssh_keys": null, "backups": false, "ipv6": false, "private_networking": false,
        "monitoring": false, "tags": null,
    });
    let made = send(&sim, Method::POST, "/v2/droplets", body).await;
    assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.text);
    let refused = send(
        &sim,
        Method::POST,
        "/v2/droplets",
        json!({"name": "x", "region": "nyc3", "size": "s-1vcpu-1gb",
               "image": "ubuntu-22-04-x64", "ssh_keys": "not a list"}),
    )
    .await;
    assert_eq!(refused.status.as_u16(), 422, "{}", refused.text);
    assert!(refused.text.contains("ssh_keys"), "{}", refused.text);
}

/// A record create missing members hears of the members its `type` needs: the spec's
/// discriminator picks the shape, not the shape with the fewest complaints (SOA, whose
/// only missing member was `ttl`).
#[tokio::test]
async fn a_record_missing_members_hears_of_its_own_types_members() {
    let sim = crate::common::demo(1000).await;
    let made = crate::common::send_json(
        &sim,
        reqwest::Method::POST,
        "/v2/domains",
        serde_json::json!({"name": "discriminated.example"}),
    )
    .await;
    assert_eq!(made.status.as_u16(), 201, "{}", made.text);
    let records = "/v2/domains/discriminated.example/records";
    for (body, wanted) in [
        (
            serde_json::json!({"type": "A"}),
            "name: is required; data: is required",
        ),
        (
            serde_json::json!({"type": "CNAME", "data": "x.example"}),
            "name: is required",
        ),
        // As godo sends it: `flags` always, `tag` only when set.
        (
            serde_json::json!({"type": "TXT", "name": "@", "flags": 0}),
            "data: is required",
        ),
    ] {
        let reply =
            crate::common::send_json(&sim, reqwest::Method::POST, records, body.clone()).await;
        let error = reply.assert_error(422, "unprocessable_entity");
        assert_eq!(error["message"], wanted, "{body}");
    }
    // A type the discriminator does not map is named as such.
    let reply = crate::common::send_json(
        &sim,
        reqwest::Method::POST,
        records,
        serde_json::json!({"type": "BOGUS", "name": "a", "data": "b"}),
    )
    .await;
    let error = reply.assert_error(422, "unprocessable_entity");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("type: ") && message.contains("CNAME"),
        "{message}"
    );
}

/// A refusal in the API's error shape, whose message starts with the field it names.
fn refused(reply: &Reply, status: u16, id: &str, field: &str) {
    let error = reply.assert_error(status, id);
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.starts_with(field)),
        "{field}: {error}"
    );
}

/// The id (string or number) of what a create answered in its envelope member.
fn made_id(reply: &Reply, member: &str) -> String {
    assert!(reply.status.is_success(), "{member}: {}", reply.text);
    match &reply.json()[member]["id"] {
        Value::String(id) => id.clone(),
        other => other.to_string(),
    }
}

/// The duplicates and references the API refuses beyond names of volumes, keys, domains
/// and certificates, each with the status and message the evidence shows (the module
/// that checks each cites it): a database user twice in a cluster, `backup_restore`
/// naming no cluster, an app's `spec.name` (409), a second registry (409 or 422), a
/// CNAME sharing its name, a second CDN endpoint for one origin (409), VPC, peering and
/// project names, a VPC peered with itself, and a TCP rule without ports.
#[tokio::test]
async fn more_duplicates_are_refused_as_the_api_refuses_them() {
    let sim = start(Sim::builder().seed(Seed::Empty)).await;
    let mut refusals = 0;
    let mut check = |reply: Reply, status: u16, id: &str, field: &str| {
        refused(&reply, status, id, field);
        refusals += 1;
    };
    let cluster = json!({"name": "pg-a", "engine": "pg", "version": "16", "region": "nyc1",
        "size": "db-s-1vcpu-1gb", "num_nodes": 1});
    let made = send(&sim, Method::POST, "/v2/databases", cluster.clone()).await;
    let db = made_id(&made, "database");
    let users = format!("/v2/databases/{db}/users");
    let alice = send(&sim, Method::POST, &users, json!({"name": "alice"})).await;
    assert_eq!(alice.status, StatusCode::CREATED, "{}", alice.text);
    let password = alice.json()["user"]["password"].clone();
    let again = send(&sim, Method::POST, &users, json!({"name": "alice"})).await;
    check(again, 422, "unprocessable_entity", "name");
    // The refused create left the first user (and its password) as it was.
    let read = call(
        &sim,
        Method::GET,
        &format!("{users}/alice"),
        Some(sim.token()),
        None,
    )
    .await;
    assert_eq!(read.json()["user"]["password"], password, "{}", read.text);
    let admin = send(&sim, Method::POST, &users, json!({"name": "doadmin"})).await;
    check(admin, 422, "unprocessable_entity", "name");

    let mut restore = cluster.clone();
    restore["name"] = json!("pg-b");
    restore["backup_restore"] = json!({"database_name": "no-such-cluster"});
    let nowhere = send(&sim, Method::POST, "/v2/databases", restore.clone()).await;
    check(
        nowhere,
        422,
        "unprocessable_entity",
        "backup_restore.database_name",
    );
    restore["backup_restore"] = json!({"database_name": "pg-a"});
    let restored = send(&sim, Method::POST, "/v2/databases", restore).await;
    assert_eq!(restored.status, StatusCode::CREATED, "{}", restored.text);

    let app = |name: &str| json!({"spec": {"name": name, "region": "ams"}});
    let first = made_id(
        &send(&sim, Method::POST, "/v2/apps", app("dup-app")).await,
        "app",
    );
    let twin = send(&sim, Method::POST, "/v2/apps", app("dup-app")).await;
    check(twin, 409, "conflict", "spec.name");
    let other = made_id(
        &send(&sim, Method::POST, "/v2/apps", app("other-app")).await,
        "app",
    );
    let rename = send(
        &sim,
        Method::PUT,
        &format!("/v2/apps/{other}"),
        app("dup-app"),
    )
    .await;
    check(rename, 409, "conflict", "spec.name");
    let keep = send(
        &sim,
        Method::PUT,
        &format!("/v2/apps/{first}"),
        app("dup-app"),
    )
    .await;
    assert_eq!(
        keep.status,
        StatusCode::OK,
        "an app keeps its own name: {}",
        keep.text
    );

    let registry = |name: &str| json!({"name": name, "subscription_tier_slug": "basic"});
    let made = send(&sim, Method::POST, "/v2/registry", registry("reg-one")).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let same = send(&sim, Method::POST, "/v2/registry", registry("reg-one")).await;
    check(same, 409, "conflict", "name");
    let second = send(&sim, Method::POST, "/v2/registry", registry("reg-two")).await;
    check(second, 422, "unprocessable_entity", "name");
    let gone = call(
        &sim,
        Method::DELETE,
        "/v2/registry",
        Some(sim.token()),
        None,
    )
    .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    let after = send(&sim, Method::POST, "/v2/registry", registry("reg-two")).await;
    assert_eq!(after.status, StatusCode::CREATED, "{}", after.text);

    let domain = send(
        &sim,
        Method::POST,
        "/v2/domains",
        json!({"name": "cname.example"}),
    )
    .await;
    assert_eq!(domain.status, StatusCode::CREATED, "{}", domain.text);
    let records = "/v2/domains/cname.example/records";
    let rec = |kind: &str, name: &str, data: &str| json!({"type": kind, "name": name, "data": data, "ttl": 1800});
    let www = made_id(
        &send(&sim, Method::POST, records, rec("A", "www", "192.0.2.1")).await,
        "domain_record",
    );
    for (kind, name, data) in [
        ("CNAME", "www", "target.example.net."),
        ("CNAME", "www.cname.example.", "target.example.net."),
        // The apex holds the SOA and NS records.
        ("CNAME", "@", "target.example.net."),
    ] {
        let clash = send(&sim, Method::POST, records, rec(kind, name, data)).await;
        check(clash, 422, "unprocessable_entity", "name");
    }
    let blog = send(
        &sim,
        Method::POST,
        records,
        rec("CNAME", "blog", "target.example.net."),
    )
    .await;
    assert_eq!(blog.status, StatusCode::CREATED, "{}", blog.text);
    let beside = send(&sim, Method::POST, records, rec("TXT", "blog", "hello")).await;
    check(beside, 422, "unprocessable_entity", "name");
    let moved = send(
        &sim,
        Method::PUT,
        &format!("{records}/{www}"),
        json!({"name": "blog"}),
    )
    .await;
    check(moved, 422, "unprocessable_entity", "name");

    let origin = json!({"origin": "assets.nyc3.digitaloceanspaces.com", "ttl": 3600});
    let cdn = send(&sim, Method::POST, "/v2/cdn/endpoints", origin.clone()).await;
    assert_eq!(cdn.status, StatusCode::CREATED, "{}", cdn.text);
    let again = send(&sim, Method::POST, "/v2/cdn/endpoints", origin).await;
    check(again, 409, "conflict", "origin");

    let vpc = |name: &str| json!({"name": name, "region": "nyc1"});
    let a = made_id(
        &send(&sim, Method::POST, "/v2/vpcs", vpc("net-a")).await,
        "vpc",
    );
    let b = made_id(
        &send(&sim, Method::POST, "/v2/vpcs", vpc("net-b")).await,
        "vpc",
    );
    let twin = send(&sim, Method::POST, "/v2/vpcs", vpc("net-a")).await;
    check(twin, 422, "unprocessable_entity", "name");
    let rename = send(
        &sim,
        Method::PATCH,
        &format!("/v2/vpcs/{b}"),
        json!({"name": "net-a"}),
    )
    .await;
    check(rename, 422, "unprocessable_entity", "name");
    let own = send(
        &sim,
        Method::PATCH,
        &format!("/v2/vpcs/{a}"),
        json!({"name": "net-a"}),
    )
    .await;
    assert_eq!(
        own.status,
        StatusCode::OK,
        "a VPC keeps its own name: {}",
        own.text
    );
    let itself = send(
        &sim,
        Method::POST,
        "/v2/vpc_peerings",
        json!({"name": "loop", "vpc_ids": [a, a]}),
    )
    .await;
    check(itself, 422, "unprocessable_entity", "vpc_ids");
    let under = send(
        &sim,
        Method::POST,
        &format!("/v2/vpcs/{a}/peerings"),
        json!({"name": "loop", "vpc_id": a}),
    )
    .await;
    check(under, 422, "unprocessable_entity", "vpc_ids");
    let peering = json!({"name": "a-to-b", "vpc_ids": [a, b]});
    let made = send(&sim, Method::POST, "/v2/vpc_peerings", peering).await;
    assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.text);
    let named = send(
        &sim,
        Method::POST,
        &format!("/v2/vpcs/{b}/peerings"),
        json!({"name": "a-to-b", "vpc_id": a}),
    )
    .await;
    check(named, 422, "unprocessable_entity", "name");

    let project = |name: &str| json!({"name": name, "purpose": "testing"});
    let made = send(&sim, Method::POST, "/v2/projects", project("web")).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let twin = send(&sim, Method::POST, "/v2/projects", project("web")).await;
    check(twin, 422, "unprocessable_entity", "name");
    let api = made_id(
        &send(&sim, Method::POST, "/v2/projects", project("api")).await,
        "project",
    );
    let rename = send(
        &sim,
        Method::PATCH,
        &format!("/v2/projects/{api}"),
        json!({"name": "web"}),
    )
    .await;
    check(rename, 422, "unprocessable_entity", "name");

    let rule = |ports: Option<&str>| {
        let mut rule = json!({"protocol": "tcp", "sources": {"addresses": ["0.0.0.0/0"]}});
        if let Some(ports) = ports {
            rule["ports"] = json!(ports);
        }
        json!({"name": "fw", "inbound_rules": [{"protocol": "icmp", "sources": {"addresses": ["0.0.0.0/0"]}}, rule]})
    };
    for ports in [None, Some("")] {
        let bare = send(&sim, Method::POST, "/v2/firewalls", rule(ports)).await;
        check(bare, 422, "unprocessable_entity", "inbound_rules.1.ports");
    }
    let all = send(&sim, Method::POST, "/v2/firewalls", rule(Some("all"))).await;
    assert_eq!(all.status, StatusCode::ACCEPTED, "{}", all.text);
    assert_eq!(all.json()["firewall"]["inbound_rules"][1]["ports"], "0");
    println!("more duplicates and references refused: {refusals}");
}
