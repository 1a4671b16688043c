//! The catalog as the API lists it (regions, sizes, images, Kubernetes, database, app and
//! registry options, 1-Clicks), the 422s of creates that name what it lacks, and a walk
//! over every reference the demo seed holds.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::*;

/// Every item of a paged list, following `next` (bounded).
async fn all(sim: &oxido_sim::Sim, path: &str, key: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut next = Some(format!("{path}?per_page=50"));
    for _ in 0..20 {
        let Some(url) = next.take() else { break };
        let reply = get(sim, &url).await;
        assert_eq!(reply.status, StatusCode::OK, "{url}: {}", reply.text);
        let body = reply.json();
        out.extend(body[key].as_array().expect("items").iter().cloned());
        next = body["links"]["pages"]["next"]
            .as_str()
            .and_then(|u| u.strip_prefix(&sim.base_url()))
            .map(str::to_owned);
    }
    assert!(next.is_none(), "{path}: more than 20 pages");
    out
}

fn slugs(items: &[Value]) -> Vec<&str> {
    items.iter().filter_map(|i| i["slug"].as_str()).collect()
}

async fn ok_json(sim: &oxido_sim::Sim, path: &str) -> Value {
    let reply = get(sim, path).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text);
    let body = reply.json();
    let template = path.split('?').next().unwrap_or(path);
    let template = if template.starts_with("/v2/apps/tiers/instance_sizes/") {
        "/v2/apps/tiers/instance_sizes/{slug}"
    } else if template.starts_with("/v2/images/") {
        "/v2/images/{image_id}"
    } else {
        template
    };
    conforms("GET", template, &body);
    body
}

#[tokio::test]
async fn the_catalog_lists_the_regions_sizes_images_and_options_the_api_does() {
    let sim = demo(0).await;
    let regions = all(&sim, "/v2/regions", "regions").await;
    assert_eq!(regions.len(), 15, "{:?}", slugs(&regions));
    let open: Vec<&str> = regions
        .iter()
        .filter(|r| r["available"] == true)
        .filter_map(|r| r["slug"].as_str())
        .collect();
    assert_eq!(open.len(), 12, "{open:?}");
    for slug in [
        "nyc1", "nyc3", "sfo3", "ams3", "fra1", "lon1", "sgp1", "tor1", "blr1", "syd1", "atl1",
    ] {
        assert!(open.contains(&slug), "{slug} is open: {open:?}");
    }
    let sizes = all(&sim, "/v2/sizes", "sizes").await;
    assert!(sizes.len() >= 60, "{}", sizes.len());
    let size_slugs = slugs(&sizes);
    for slug in [
        "s-1vcpu-512mb-10gb",
        "s-8vcpu-16gb",
        "s-2vcpu-4gb-amd",
        "s-1vcpu-1gb-35gb-intel",
        "c-2",
        "c2-2vcpu-4gb",
        "g-2vcpu-8gb",
        "gd-2vcpu-8gb",
        "m-2vcpu-16gb",
        "m3-2vcpu-16gb",
        "so1_5-2vcpu-16gb",
        "gpu-h100x1-80gb",
    ] {
        assert!(size_slugs.contains(&slug), "{slug}");
    }
    // A region offers exactly the sizes that name it.
    for region in &regions {
        let slug = region["slug"].as_str().expect("slug");
        let offered: Vec<&str> = region["sizes"]
            .as_array()
            .expect("sizes")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let naming: Vec<&str> = sizes
            .iter()
            .filter(|s| {
                s["regions"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|r| r == slug))
            })
            .filter_map(|s| s["slug"].as_str())
            .collect();
        assert_eq!(offered, naming, "{slug}");
        assert_eq!(offered.is_empty(), region["available"] == false, "{slug}");
    }

    let distributions = ok_json(&sim, "/v2/images?type=distribution&per_page=200").await;
    let distributions = distributions["images"].as_array().expect("images").clone();
    assert!(distributions.len() >= 10, "{}", distributions.len());
    assert!(
        distributions
            .iter()
            .all(|i| i["public"] == true && i["type"] == "base")
    );
    let names = slugs(&distributions);
    for slug in [
        "ubuntu-24-04-x64",
        "ubuntu-22-04-x64",
        "debian-12-x64",
        "fedora-42-x64",
        "centos-stream-9-x64",
        "rockylinux-9-x64",
    ] {
        assert!(names.contains(&slug), "{slug}: {names:?}");
    }
    let applications = ok_json(&sim, "/v2/images?type=application").await;
    let applications = applications["images"].as_array().expect("images").clone();
    assert!(slugs(&applications).contains(&"docker-20-04"));
    assert!(applications.iter().all(|i| i["public"] == true));
    let by_slug = ok_json(&sim, "/v2/images/ubuntu-24-04-x64").await;
    let id = by_slug["image"]["id"].as_u64().expect("id");
    let by_id = ok_json(&sim, &format!("/v2/images/{id}")).await;
    assert_eq!(by_slug, by_id);
    assert_eq!(get(&sim, "/v2/images/ubuntu-4-10-x64").await.status, 404);
    // Only the account's own images are private.
    let private = ok_json(&sim, "/v2/images?private=true&per_page=200").await;
    assert!(
        private["images"]
            .as_array()
            .expect("images")
            .iter()
            .all(|i| i["public"] == false),
        "{private}"
    );

    let k8s = ok_json(&sim, "/v2/kubernetes/options").await;
    let versions = k8s["options"]["versions"].as_array().expect("versions");
    assert!(versions.len() >= 3);
    assert!(
        versions
            .iter()
            .all(|v| v["slug"].as_str().is_some_and(|s| s.contains("-do."))),
        "{versions:?}"
    );
    let node_sizes = slugs(k8s["options"]["sizes"].as_array().expect("sizes"));
    assert!(node_sizes.contains(&"s-1vcpu-2gb") && !node_sizes.contains(&"s-1vcpu-1gb"));

    let databases = ok_json(&sim, "/v2/databases/options").await;
    for engine in ["pg", "mysql", "valkey", "mongodb", "kafka", "opensearch"] {
        let options = &databases["options"][engine];
        assert!(!options["versions"].as_array().expect(engine).is_empty());
        assert!(!options["layouts"].as_array().expect(engine).is_empty());
    }
    assert_eq!(databases["options"]["kafka"]["layouts"][0]["num_nodes"], 3);

    let instance_sizes = ok_json(&sim, "/v2/apps/tiers/instance_sizes").await;
    let instance_slugs = slugs(instance_sizes["instance_sizes"].as_array().expect("sizes"));
    assert!(instance_slugs.len() >= 12, "{instance_slugs:?}");
    for slug in ["apps-s-1vcpu-0.5gb", "apps-s-1vcpu-1gb", "apps-d-1vcpu-1gb"] {
        assert!(instance_slugs.contains(&slug), "{slug}");
    }
    let one = ok_json(&sim, "/v2/apps/tiers/instance_sizes/apps-d-2vcpu-8gb").await;
    assert_eq!(one["instance_size"]["cpu_type"], "DEDICATED");
    assert_eq!(
        get(&sim, "/v2/apps/tiers/instance_sizes/apps-x-9")
            .await
            .status,
        404
    );
    let app_regions = ok_json(&sim, "/v2/apps/regions").await;
    assert!(app_regions["regions"].as_array().expect("regions").len() >= 9);

    let registry = ok_json(&sim, "/v2/registry/options").await;
    let tiers = slugs(
        registry["options"]["subscription_tiers"]
            .as_array()
            .expect("tiers"),
    );
    assert_eq!(tiers, ["starter", "basic", "professional"]);

    let kubernetes = ok_json(&sim, "/v2/1-clicks?type=kubernetes").await;
    assert!(
        kubernetes["1_clicks"]
            .as_array()
            .expect("apps")
            .iter()
            .all(|a| a["type"] == "kubernetes")
    );
    let droplet_apps = ok_json(&sim, "/v2/1-clicks?type=droplet").await;
    assert!(slugs(droplet_apps["1_clicks"].as_array().expect("apps")).contains(&"docker-20-04"));
    // The API accepts a type it does not know and answers without the list.
    let unknown = ok_json(&sim, "/v2/1-clicks?type=vm").await;
    assert_eq!(unknown, json!({}));
}

/// Posts `body` to `path` and asserts a 422 whose message names `field`.
async fn refused(sim: &oxido_sim::Sim, path: &str, body: Value, field: &str) {
    let reply = send_json(sim, reqwest::Method::POST, path, body.clone()).await;
    let error = reply.assert_error(422, "unprocessable_entity");
    let message = error["message"].as_str().expect("message");
    assert!(
        message.contains(field),
        "POST {path} {body}: {message} does not name {field}"
    );
}

async fn created(sim: &oxido_sim::Sim, path: &str, body: Value) -> Value {
    let reply = send_json(sim, reqwest::Method::POST, path, body.clone()).await;
    assert!(
        reply.status.is_success(),
        "POST {path} {body}: {} {}",
        reply.status,
        reply.text
    );
    reply.json()
}

#[tokio::test]
async fn creates_naming_what_the_catalog_lacks_are_refused_naming_the_field() {
    let sim = demo(0).await;
    let droplet = |region: &str, size: &str, image: Value| json!({ "name": "cat-1", "region": region, "size": size, "image": image });
    let cases = [
        (
            "/v2/droplets",
            droplet("zzz9", "s-1vcpu-1gb", json!("ubuntu-24-04-x64")),
            "region",
        ),
        (
            "/v2/droplets",
            droplet("nyc2", "s-1vcpu-1gb", json!("ubuntu-24-04-x64")),
            "region",
        ),
        (
            "/v2/droplets",
            droplet("nyc3", "s-64vcpu-1tb", json!("ubuntu-24-04-x64")),
            "size",
        ),
        (
            "/v2/droplets",
            droplet("nyc3", "gpu-h100x1-80gb", json!("ubuntu-24-04-x64")),
            "size",
        ),
        (
            "/v2/droplets",
            droplet("nyc3", "s-1vcpu-1gb", json!("ubuntu-4-10-x64")),
            "image",
        ),
        (
            "/v2/droplets",
            droplet("nyc3", "s-1vcpu-1gb", json!(1)),
            "image",
        ),
        (
            "/v2/volumes",
            json!({ "name": "cat-v", "size_gigabytes": 10, "region": "sfo1" }),
            "region",
        ),
        (
            "/v2/vpcs",
            json!({ "name": "cat-vpc", "region": "zzz9" }),
            "region",
        ),
        ("/v2/reserved_ips", json!({ "region": "zzz9" }), "region"),
        (
            "/v2/load_balancers",
            json!({ "name": "cat-lb", "region": "nyc2", "forwarding_rules": [{
                "entry_protocol": "http", "entry_port": 80,
                "target_protocol": "http", "target_port": 80 }] }),
            "region",
        ),
        (
            "/v2/kubernetes/clusters",
            json!({ "name": "cat-k", "region": "zzz9", "version": "latest",
                "node_pools": [{ "name": "p", "size": "s-1vcpu-2gb", "count": 1 }] }),
            "region",
        ),
        (
            "/v2/kubernetes/clusters",
            json!({ "name": "cat-k", "region": "nyc1", "version": "1.18.6-do.0",
                "node_pools": [{ "name": "p", "size": "s-1vcpu-2gb", "count": 1 }] }),
            "version",
        ),
        (
            "/v2/kubernetes/clusters",
            json!({ "name": "cat-k", "region": "nyc1", "version": "latest",
                "node_pools": [{ "name": "p", "size": "s-1vcpu-1gb", "count": 1 }] }),
            "node_pools.0.size",
        ),
        (
            "/v2/kubernetes/clusters",
            json!({ "name": "cat-k", "region": "nyc1", "version": "latest",
                "node_pools": [{ "name": "p", "size": "gpu-h100x1-80gb", "count": 1 }] }),
            "node_pools.0.size",
        ),
        (
            "/v2/databases",
            json!({ "name": "cat-db", "engine": "oracle", "version": "19", "region": "nyc1",
                "size": "db-s-1vcpu-1gb", "num_nodes": 1 }),
            "engine",
        ),
        (
            "/v2/databases",
            json!({ "name": "cat-db", "engine": "pg", "version": "9", "region": "nyc1",
                "size": "db-s-1vcpu-1gb", "num_nodes": 1 }),
            "version",
        ),
        (
            "/v2/databases",
            json!({ "name": "cat-db", "engine": "pg", "version": "17", "region": "zzz9",
                "size": "db-s-1vcpu-1gb", "num_nodes": 1 }),
            "region",
        ),
        (
            "/v2/databases",
            json!({ "name": "cat-db", "engine": "pg", "version": "17", "region": "nyc1",
                "size": "db-s-1vcpu-1gb", "num_nodes": 3 }),
            "size",
        ),
        (
            "/v2/databases",
            json!({ "name": "cat-db", "engine": "kafka", "version": "3.8", "region": "nyc1",
                "size": "db-s-2vcpu-4gb", "num_nodes": 1 }),
            "num_nodes",
        ),
        (
            "/v2/registry",
            json!({ "name": "cat-reg", "subscription_tier_slug": "gold" }),
            "subscription_tier_slug",
        ),
        (
            "/v2/registry",
            json!({ "name": "cat-reg", "subscription_tier_slug": "basic", "region": "lon1" }),
            "region",
        ),
        (
            "/v2/apps",
            json!({ "spec": { "name": "cat-app", "region": "nyc",
                "services": [{ "name": "web", "instance_size_slug": "apps-huge" }] } }),
            "spec.services.0.instance_size_slug",
        ),
        (
            "/v2/apps",
            json!({ "spec": { "name": "cat-app", "region": "mars",
                "services": [{ "name": "web", "instance_size_slug": "apps-s-1vcpu-1gb" }] } }),
            "spec.region",
        ),
    ];
    for (path, body, field) in cases {
        refused(&sim, path, body, field).await;
    }
    // A node pool added to a cluster: a size its region offers.
    let cluster = created(
        &sim,
        "/v2/kubernetes/clusters",
        json!({ "name": "cat-k8s", "region": "nyc1", "version": "latest",
            "node_pools": [{ "name": "p", "size": "s-2vcpu-4gb", "count": 1 }] }),
    )
    .await;
    let id = cluster["kubernetes_cluster"]["id"].as_str().expect("id");
    refused(
        &sim,
        &format!("/v2/kubernetes/clusters/{id}/node_pools"),
        json!({ "name": "gpu", "size": "gpu-h100x1-80gb", "count": 1 }),
        "size",
    )
    .await;
}

#[tokio::test]
async fn creates_naming_the_catalog_are_made_as_the_catalog_says() {
    let sim = demo(0).await;
    let made = created(
        &sim,
        "/v2/droplets",
        json!({ "name": "cat-2", "region": "sfo3", "size": "s-1vcpu-512mb-10gb",
            "image": "ubuntu-24-04-x64" }),
    )
    .await;
    assert_eq!(made["droplet"]["image"]["slug"], "ubuntu-24-04-x64");
    assert_eq!(made["droplet"]["size"]["memory"], 512);
    let gpu = created(
        &sim,
        "/v2/droplets",
        json!({ "name": "cat-3", "region": "tor1", "size": "gpu-h100x1-80gb",
            "image": "ubuntu-22-04-x64" }),
    )
    .await;
    assert_eq!(gpu["droplet"]["size"]["gpu_info"]["count"], 1);

    // `latest` is stored as the newest version.
    let newest =
        ok_json(&sim, "/v2/kubernetes/options").await["options"]["versions"][0]["slug"].clone();
    let cluster = created(
        &sim,
        "/v2/kubernetes/clusters",
        json!({ "name": "cat-latest", "region": "ams3", "version": "latest",
            "node_pools": [{ "name": "p", "size": "s-1vcpu-2gb", "count": 1 }] }),
    )
    .await;
    assert_eq!(cluster["kubernetes_cluster"]["version"], newest);
    let id = cluster["kubernetes_cluster"]["id"].as_str().expect("id");
    let read = get(&sim, &format!("/v2/kubernetes/clusters/{id}"))
        .await
        .json();
    assert_eq!(read["kubernetes_cluster"]["version"], newest, "{read}");

    let database = created(
        &sim,
        "/v2/databases",
        json!({ "name": "cat-pg", "engine": "pg", "version": "17", "region": "fra1",
            "size": "db-s-1vcpu-2gb", "num_nodes": 3 }),
    )
    .await;
    assert_eq!(database["database"]["version"], "17");

    // A registry made with the starter tier reports it, in a region of the options (the
    // account has one registry: the demo's goes first).
    let gone = crate::common::call(
        &sim,
        reqwest::Method::DELETE,
        "/v2/registry",
        Some(sim.token()),
        None,
    )
    .await;
    assert_eq!(gone.status.as_u16(), 204, "{}", gone.text);
    let registry = created(
        &sim,
        "/v2/registry",
        json!({ "name": "cat-reg", "subscription_tier_slug": "starter", "region": "sfo2" }),
    )
    .await;
    let tier = &registry["registry"]["subscription"]["tier"];
    assert_eq!(tier["slug"], "starter");
    assert_eq!(tier["name"], "Starter");
    assert_eq!(tier["monthly_price_in_cents"], 0);
    let read = ok_json(&sim, "/v2/registry").await;
    assert_eq!(read["registry"]["subscription"]["tier"]["slug"], "starter");
    // Moving to another tier changes what the registry reports.
    refused(
        &sim,
        "/v2/registry/subscription",
        json!({ "tier_slug": "gold" }),
        "tier_slug",
    )
    .await;
    let moved = created(
        &sim,
        "/v2/registry/subscription",
        json!({ "tier_slug": "professional" }),
    )
    .await;
    conforms("POST", "/v2/registry/subscription", &moved);
    assert_eq!(moved["subscription"]["tier"]["slug"], "professional");
    let read = ok_json(&sim, "/v2/registry/subscription").await;
    assert_eq!(read["subscription"]["tier"]["name"], "Professional");
    let read = ok_json(&sim, "/v2/registry").await;
    assert_eq!(
        read["registry"]["subscription"]["tier"]["slug"],
        "professional"
    );

    created(
        &sim,
        "/v2/apps",
        json!({ "spec": { "name": "cat-app", "region": "fra",
            "services": [{ "name": "web", "instance_size_slug": "apps-s-1vcpu-1gb" }] } }),
    )
    .await;
    created(
        &sim,
        "/v2/volumes",
        json!({ "name": "cat-vol", "size_gigabytes": 10, "region": "syd1" }),
    )
    .await;
}

/// The slug of a `region` member, whether a slug or a region object.
fn region_of(object: &Value) -> Option<&str> {
    let region = object.get("region")?;
    region
        .as_str()
        .or_else(|| region.get("slug").and_then(Value::as_str))
}

#[tokio::test]
async fn every_reference_the_demo_seed_holds_resolves() {
    let sim = demo(0).await;
    let regions = all(&sim, "/v2/regions", "regions").await;
    let sizes = all(&sim, "/v2/sizes", "sizes").await;
    let region_ok = |slug: &str| regions.iter().any(|r| r["slug"] == slug);
    let offers = |region: &str, size: &str| {
        sizes.iter().any(|s| {
            s["slug"] == size
                && s["regions"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|r| r == region))
        })
    };
    let mut checked = 0;
    let exists = |path: String| {
        let sim = &sim;
        async move {
            let reply = get(sim, &path).await;
            assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text);
        }
    };

    for d in all(&sim, "/v2/droplets", "droplets").await {
        let id = &d["id"];
        let region = region_of(&d).expect("region");
        let size = d["size_slug"].as_str().expect("size_slug");
        assert!(offers(region, size), "droplet {id}: {size} in {region}");
        exists(format!("/v2/images/{}", d["image"]["id"])).await;
        exists(format!(
            "/v2/images/{}",
            d["image"]["slug"].as_str().expect("image slug")
        ))
        .await;
        exists(format!("/v2/vpcs/{}", d["vpc_uuid"].as_str().expect("vpc"))).await;
        for volume in d["volume_ids"].as_array().expect("volume_ids") {
            exists(format!("/v2/volumes/{}", volume.as_str().expect("id"))).await;
        }
        for image in d["snapshot_ids"]
            .as_array()
            .into_iter()
            .chain(d["backup_ids"].as_array())
            .flatten()
        {
            exists(format!("/v2/images/{image}")).await;
        }
        checked += 1;
    }
    for v in all(&sim, "/v2/volumes", "volumes").await {
        assert!(region_of(&v).is_some_and(region_ok), "{v}");
        for droplet in v["droplet_ids"].as_array().into_iter().flatten() {
            exists(format!("/v2/droplets/{droplet}")).await;
        }
        checked += 1;
    }
    for vpc in all(&sim, "/v2/vpcs", "vpcs").await {
        assert!(region_of(&vpc).is_some_and(region_ok), "{vpc}");
        checked += 1;
    }
    let k8s = ok_json(&sim, "/v2/kubernetes/options").await;
    for c in all(&sim, "/v2/kubernetes/clusters", "kubernetes_clusters").await {
        let region = region_of(&c).expect("region");
        assert!(region_ok(region), "{c}");
        assert!(
            k8s["options"]["versions"]
                .as_array()
                .expect("versions")
                .iter()
                .any(|v| v["slug"] == c["version"]),
            "cluster version {}",
            c["version"]
        );
        for pool in c["node_pools"].as_array().expect("pools") {
            let size = pool["size"].as_str().expect("size");
            assert!(offers(region, size), "pool {size} in {region}");
        }
        if let Some(vpc) = c["vpc_uuid"].as_str() {
            exists(format!("/v2/vpcs/{vpc}")).await;
        }
        checked += 1;
    }
    let db = ok_json(&sim, "/v2/databases/options").await;
    for d in all(&sim, "/v2/databases", "databases").await {
        let engine = &db["options"][d["engine"].as_str().expect("engine")];
        let listed =
            |key: &str, value: &Value| engine[key].as_array().is_some_and(|a| a.contains(value));
        assert!(listed("versions", &d["version"]), "{}", d["version"]);
        assert!(listed("regions", &d["region"]), "{}", d["region"]);
        assert!(
            engine["layouts"]
                .as_array()
                .expect("layouts")
                .iter()
                .any(|l| l["num_nodes"] == d["num_nodes"]
                    && l["sizes"]
                        .as_array()
                        .is_some_and(|s| s.contains(&d["size"]))),
            "{} nodes of {}",
            d["num_nodes"],
            d["size"]
        );
        if let Some(vpc) = d["private_network_uuid"].as_str() {
            exists(format!("/v2/vpcs/{vpc}")).await;
        }
        checked += 1;
    }
    for lb in all(&sim, "/v2/load_balancers", "load_balancers").await {
        if let Some(region) = region_of(&lb) {
            assert!(region_ok(region), "{lb}");
        }
        for droplet in lb["droplet_ids"].as_array().into_iter().flatten() {
            exists(format!("/v2/droplets/{droplet}")).await;
        }
        if let Some(vpc) = lb["vpc_uuid"].as_str() {
            exists(format!("/v2/vpcs/{vpc}")).await;
        }
        checked += 1;
    }
    for ip in all(&sim, "/v2/reserved_ips", "reserved_ips").await {
        assert!(region_of(&ip).is_some_and(region_ok), "{ip}");
        if let Some(droplet) = ip["droplet"]["id"].as_u64() {
            exists(format!("/v2/droplets/{droplet}")).await;
        }
        checked += 1;
    }
    for firewall in all(&sim, "/v2/firewalls", "firewalls").await {
        for droplet in firewall["droplet_ids"].as_array().into_iter().flatten() {
            exists(format!("/v2/droplets/{droplet}")).await;
        }
        checked += 1;
    }
    let registry = ok_json(&sim, "/v2/registry").await;
    let options = ok_json(&sim, "/v2/registry/options").await;
    assert!(
        options["options"]["available_regions"]
            .as_array()
            .expect("regions")
            .contains(&registry["registry"]["region"])
    );
    assert!(
        options["options"]["subscription_tiers"]
            .as_array()
            .expect("tiers")
            .iter()
            .any(|t| t["slug"] == registry["registry"]["subscription"]["tier"]["slug"])
    );
    let instance_sizes = ok_json(&sim, "/v2/apps/tiers/instance_sizes").await;
    let app_regions = ok_json(&sim, "/v2/apps/regions").await;
    for app in all(&sim, "/v2/apps", "apps").await {
        let spec = &app["spec"];
        if let Some(region) = spec["region"].as_str() {
            assert!(
                app_regions["regions"]
                    .as_array()
                    .expect("regions")
                    .iter()
                    .any(|r| r["slug"] == region),
                "app region {region}"
            );
        }
        for kind in ["services", "workers", "jobs"] {
            for component in spec[kind].as_array().into_iter().flatten() {
                if let Some(size) = component.get("instance_size_slug") {
                    assert!(
                        instance_sizes["instance_sizes"]
                            .as_array()
                            .expect("sizes")
                            .iter()
                            .any(|s| &s["slug"] == size),
                        "app instance size {size}"
                    );
                }
            }
        }
        checked += 1;
    }
    assert!(checked >= 20, "walked {checked} objects");
}
