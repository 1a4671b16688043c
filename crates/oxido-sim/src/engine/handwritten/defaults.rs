//! What a new object holds where its request is silent. Two sources, never an example:
//! `data/defaults.json`, one table per kind (a path template) of the values the API
//! puts there, and `derive`, the members the API makes fresh for each object (addresses,
//! ranges, hosts, passwords, keys, dates).

use std::sync::LazyLock;

use serde_json::{Map, Value};

use crate::engine::call::Call;
use crate::engine::generate::{now, uuid};

static TABLE: LazyLock<Map<String, Value>> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../../data/defaults.json"))
        .expect("data/defaults.json is a JSON object (checked by a unit test)")
});

/// The defaults table of `collection` (a path template), as JSON pointers and values.
pub(crate) fn table(collection: &str) -> Option<&'static Map<String, Value>> {
    TABLE.get(collection).and_then(Value::as_object)
}

/// Puts each default of the kind where the object's shape has that member.
pub(crate) fn apply(collection: &str, object: &mut Value) {
    for (pointer, value) in table(collection).into_iter().flatten() {
        if let Some(slot) = object.pointer_mut(pointer) {
            *slot = value.clone();
        }
    }
}

/// `n` random lowercase letters and digits.
fn token(n: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..n)
        .map(|_| char::from(ALPHABET[fastrand::usize(..ALPHABET.len())]))
        .collect()
}

fn hex(n: usize) -> String {
    (0..n)
        .map(|_| char::from(b"0123456789abcdef"[fastrand::usize(..16)]))
        .collect()
}

fn empty(object: &Value, member: &str) -> bool {
    object.get(member).is_some_and(empty_value)
}

fn empty_value(value: &Value) -> bool {
    match value {
        Value::String(s) => s.is_empty(),
        Value::Null => true,
        _ => false,
    }
}

fn set(object: &mut Value, member: &str, value: impl Into<Value>) {
    if let Some(map) = object.as_object_mut()
        && map.contains_key(member)
    {
        map.insert(member.to_owned(), value.into());
    }
}

/// The regions an uptime check runs from (the description's enum).
const UPTIME_REGIONS: [&str; 4] = ["us_east", "us_west", "eu_west", "se_asia"];

/// The id of a new object of `collection` where the API mints one that is neither a
/// UUID nor the body's name: a Spaces key is read back by its fresh access key.
pub(crate) fn minted_id(collection: &str) -> Option<Value> {
    match collection {
        "/v2/spaces/keys" => Some(Value::String(format!(
            "DO{}",
            token(18).to_ascii_uppercase()
        ))),
        _ => None,
    }
}

/// Takes out of a new object, once its create is answered, what the API shows only
/// then: a Spaces key's secret is never read back.
pub(crate) fn forget_shown_once(collection: &str, object: &mut Value) {
    if collection == "/v2/spaces/keys"
        && let Some(map) = object.as_object_mut()
    {
        map.remove("secret_key");
    }
}

/// Members the API makes for each new object, where the request did not give them.
pub(crate) fn derive(call: &Call<'_>, collection: &str, key: &str, object: &mut Value) {
    let name = object
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .unwrap_or("db")
        .to_ascii_lowercase();
    match collection {
        "/v2/vpcs" if empty(object, "ip_range") => {
            set(object, "ip_range", super::regional::fresh_vpc_range())
        }
        "/v2/load_balancers" => {
            // The Terraform provider's acceptance tests check `vpc_uuid` and `project_id`
            // set on a load balancer created without them
            // (loadbalancer/resource_loadbalancer_test.go), and read `ip` once it is active.
            super::regional::place_in_default_vpc(call, object, "vpc_uuid");
            super::regional::place_in_default_project(call, object);
            if empty(object, "ip") {
                set(object, "ip", public_address(call));
            }
            // Only a global load balancer has global settings (godo: `omitempty`); a
            // regional one made without them shows none, not the schema's zeroed frame.
            let global = object.get("type").and_then(Value::as_str) == Some("GLOBAL");
            if !global
                && !super::regional::given(call, "glb_settings")
                && let Some(map) = object.as_object_mut()
            {
                map.remove("glb_settings");
            }
            // A global load balancer made without a region has none, rather than an empty
            // one (godo's `Region *Region` is `omitempty`; the Terraform provider sets
            // `region` only `if loadbalancer.Region != nil`).
            if global
                && !super::regional::given(call, "region")
                && let Some(map) = object.as_object_mut()
            {
                map.remove("region");
            }
        }
        "/v2/databases" | "/v2/databases/{database_cluster_uuid}/replicas" => {
            // A replica connects as its primary's engine does (its own body names none).
            let primary_engine = || {
                let cluster = call.values.first()?;
                let docs = call.docs();
                let items = docs.items("/v2/databases")?;
                items
                    .get(&items.key_of(cluster)?)?
                    .get("engine")?
                    .as_str()
                    .map(str::to_owned)
            };
            let engine = object
                .get("engine")
                .and_then(Value::as_str)
                .filter(|e| !e.is_empty())
                .map(str::to_owned)
                .or_else(primary_engine)
                .unwrap_or_else(|| "pg".to_owned());
            let password = token(16);
            let account = host_account(call);
            for (member, prefix) in [("connection", ""), ("private_connection", "private-")] {
                let host = format!("{prefix}{name}-do-user-{account}-0.db.ondigitalocean.com");
                connection(object, member, &engine, &host, &password);
            }
            if !call.values.is_empty() {
                primary_region(call, object);
            }
            database(call, key, object);
        }
        "/v2/databases/{database_cluster_uuid}/pools" => {
            let cluster = call.values.first().map_or("cluster", String::as_str);
            let short = &cluster[..cluster.len().min(8)];
            let password = token(16);
            let user = host_account(call);
            // PgBouncer serves a pool under its own name: the spec's pool examples connect to
            // `…:25061/backend-pool` for the pool `backend-pool` of `defaultdb`.
            let db = object.get("name").cloned();
            let pool_user = object.get("user").filter(|u| !empty_value(u)).cloned();
            for member in ["connection", "private_connection"] {
                if let Some(Value::Object(conn)) = object.get_mut(member) {
                    if let Some(db) = &db {
                        conn.insert("database".into(), db.clone());
                    }
                    if let Some(u) = &pool_user {
                        conn.insert("user".into(), u.clone());
                    }
                }
            }
            for (member, prefix) in [("connection", ""), ("private_connection", "private-")] {
                let host = format!("{prefix}pool-{short}-do-user-{user}-0.db.ondigitalocean.com");
                connection(object, member, "pg", &host, &password);
            }
            let nodes = call.docs().items("/v2/databases").and_then(|items| {
                items
                    .get(cluster)
                    .and_then(|c| c.get("num_nodes").and_then(Value::as_u64))
            });
            crate::engine::fit::pool_standby(object, nodes.unwrap_or(1));
        }
        "/v2/functions/namespaces" => {
            // The namespace's `uuid` is its `fn-` id's UUID; functions are served at a host
            // of its own, and `key` is the random string doctl authenticates with.
            let uuid = object
                .get("namespace")
                .and_then(Value::as_str)
                .and_then(|n| n.strip_prefix("fn-"))
                .map(str::to_owned)
                .unwrap_or_else(uuid);
            let region = object
                .get("region")
                .and_then(Value::as_str)
                .unwrap_or("nyc1")
                .to_owned();
            set(object, "uuid", uuid);
            set(
                object,
                "api_host",
                format!("https://faas-{region}-{}.doserverless.co", hex(8)),
            );
            set(object, "key", token(64));
        }
        "/v2/gen-ai/agents" => {
            agent_model(call, object);
            workspace_of(call, object);
        }
        "/v2/nfs" => {
            // Served from an address of the first VPC it joins, at a path of its own.
            let host = object
                .pointer("/vpc_ids/0")
                .and_then(Value::as_str)
                .and_then(|vpc| vpc_host(call, vpc))
                .unwrap_or_else(|| "10.128.0.2".to_owned());
            set(object, "host", host);
            set(
                object,
                "mount_path",
                format!("/{}/{key}", call.who.account.0),
            );
        }
        "/v2/gen-ai/agents/{agent_uuid}/api_keys" | "/v2/gen-ai/models/api_keys" => {
            // A new key shows its secret once, at create; it is not deleted, and its maker
            // is the account's user, not the schema's placeholder.
            set(object, "secret_key", token(32));
            set(object, "created_by", call.who.account.0.to_string());
            if let Some(map) = object.as_object_mut() {
                map.remove("deleted_at");
            }
        }
        "/v2/functions/namespaces/{namespace_id}/triggers" => {
            if let Some(namespace) = call.values.first() {
                set(object, "namespace", namespace.clone());
            }
        }
        "/v2/databases/{database_cluster_uuid}/users" => database_user(call, object),
        "/v2/certificates" => {
            let later = jiff::Timestamp::now()
                .checked_add(jiff::SignedDuration::from_hours(90 * 24))
                .map(|t| {
                    jiff::Timestamp::from_second(t.as_second())
                        .unwrap_or(t)
                        .to_string()
                })
                .unwrap_or_else(|_| now());
            set(object, "not_after", later);
            set(object, "sha1_fingerprint", hex(40));
            // A custom certificate's are the uploaded leaf's own.
            super::certificates::read_leaf(object, call.body.as_ref());
        }
        "/v2/reserved_ipv6" => set(object, "reserved_at", now()),
        "/v2/domains/{domain_name}/records" => {
            super::dns::normalize_record(object);
            // The provider's tests read 1800 back for a record made without a TTL
            // (domain/resource_record_test.go).
            if !super::regional::given(call, "ttl") {
                set(object, "ttl", super::dns::DEFAULT_TTL);
            }
        }
        "/v2/apps" => app(call, key, object),
        "/v2/reserved_ips" | "/v2/floating_ips" => {
            super::regional::place_in_default_project(call, object);
        }
        "/v2/projects" => {
            // The API leaves out what the request did not give: the provider's tests read
            // back `environment` as "" for a project made without one
            // (project/resource_project_test.go), and check the owner set.
            drop_unless_given(call, object, &["environment"]);
            let default =
                crate::engine::catalog::template(crate::engine::spec::OpId::ProjectsGetDefault);
            if let Some(owner) = default.pointer("/project/owner_id") {
                set(object, "owner_id", owner.clone());
            }
            if let Some(owner) = crate::engine::fit::account_uuid() {
                set(object, "owner_uuid", owner);
            }
        }
        "/v2/cdn/endpoints" => {
            // A custom domain and its certificate exist only where the request names them;
            // the TTL defaults to an hour (the description's own `default`).
            drop_unless_given(call, object, &["custom_domain", "certificate_id"]);
            if !super::regional::given(call, "ttl") {
                set(object, "ttl", 3600);
            }
            if let Some(origin) = object.get("origin").and_then(Value::as_str) {
                let endpoint =
                    origin.replacen(".digitaloceanspaces.com", ".cdn.digitaloceanspaces.com", 1);
                set(object, "endpoint", endpoint);
            }
        }
        "/v2/spaces/keys" => set(object, "secret_key", token(43)),
        "/v2/images" => {
            // A custom image is imported into the region the request names; a transfer
            // adds regions to it (the Terraform provider reads `regions` and `type`).
            set(object, "type", "custom");
            set(object, "public", false);
            if let Some(region) = call
                .body
                .as_ref()
                .and_then(|b| b.get("region"))
                .and_then(Value::as_str)
            {
                set(object, "regions", Value::from(vec![region.to_owned()]));
            }
        }
        "/v2/firewalls" => super::firewalls::normalize_rules(object),
        "/v2/uptime/checks" => {
            // A check made without regions (godo sends `null`) checks from all of them.
            let none = object
                .get("regions")
                .is_none_or(|r| r.is_null() || r.as_array().is_some_and(Vec::is_empty));
            if none && let Some(map) = object.as_object_mut() {
                map.insert("regions".into(), Value::from(UPTIME_REGIONS.to_vec()));
            }
        }
        "/v2/vpc_peerings" | "/v2/vpcs/{vpc_id}/peerings" => {
            // A peering joins the path's VPC (if any) and the ones the body names.
            let mut ids: Vec<Value> = call
                .values
                .first()
                .cloned()
                .map(Value::from)
                .into_iter()
                .collect();
            let body = call.body.as_ref();
            for given in body
                .and_then(|b| b.get("vpc_ids"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .chain(body.and_then(|b| b.get("vpc_id")))
            {
                if !ids.contains(given) {
                    ids.push(given.clone());
                }
            }
            if ids.len() == 2 {
                set(object, "vpc_ids", Value::Array(ids));
            }
        }
        "/v2/databases/{database_cluster_uuid}/topics" => {
            let count = object
                .get("partition_count")
                .and_then(Value::as_u64)
                .unwrap_or(3);
            partitions(object, count);
        }
        "/v2/databases/{database_cluster_uuid}/logsink" => set(object, "sink_id", uuid()),
        "/v2/kubernetes/clusters" => {
            set(
                object,
                "endpoint",
                format!("https://{key}.k8s.ondigitalocean.com"),
            );
            // The schema-only filler is not the API's value: only what the request gave stays.
            let given = |member: &str| {
                call.body
                    .as_ref()
                    .and_then(|b| b.get(member))
                    .is_some_and(|v| !empty_value(v))
            };
            super::regional::place_in_default_vpc(call, object, "vpc_uuid");
            if empty(object, "ipv4") {
                set(object, "ipv4", public_address(call));
            }
            // What the API answers for a cluster made without them; the provider's tests
            // check both set (kubernetes/resource_kubernetes_cluster_test.go).
            if !given("maintenance_policy") {
                set(
                    object,
                    "maintenance_policy",
                    serde_json::json!({"start_time": "00:00", "duration": "4h0m0s", "day": "any"}),
                );
            }
            if !given("cluster_autoscaler_configuration") {
                set(
                    object,
                    "cluster_autoscaler_configuration",
                    serde_json::json!({
                        "scale_down_utilization_threshold": 0.5,
                        "scale_down_unneeded_time": "1m0s",
                    }),
                );
            }
            if !given("cluster_subnet") {
                set(object, "cluster_subnet", "10.244.0.0/16");
            }
            if !given("service_subnet") {
                set(object, "service_subnet", "10.245.0.0/16");
            }
            if let Some(map) = object.as_object_mut() {
                super::node_pools::add_system_tags(map, key, &[]);
            }
            if let Some(pools) = object.get_mut("node_pools").and_then(Value::as_array_mut) {
                for pool in pools {
                    // `catalog` refused counts over the bound before the object was made, so
                    // this cannot fail; a pool it could not fill keeps its request's shape.
                    let _ = super::node_pools::make_fresh(pool, key);
                }
            }
        }
        _ => {}
    }
}

/// A new app's addresses, owner, project and region, which the provider's tests check set
/// (`live_url`, `live_domain`, `default_ingress`, `project_id`: app/resource_app_test.go);
/// no deployment is in progress or pinned but the first, which `apps::first_deployment`
/// names as pending.
fn app(call: &Call<'_>, key: &str, object: &mut Value) {
    let name = object
        .pointer("/spec/name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .unwrap_or("app")
        .to_owned();
    let host = format!("{name}-{}.ondigitalocean.app", &key[..key.len().min(5)]);
    let url = format!("https://{host}");
    for (member, value) in [
        ("default_ingress", &url),
        ("live_url", &url),
        ("live_url_base", &url),
        ("live_domain", &host),
    ] {
        set(object, member, value.clone());
    }
    super::regional::place_in_default_project(call, object);
    if let Some(owner) = crate::engine::fit::account_uuid() {
        set(object, "owner_uuid", owner);
    }
    let region = object
        .pointer("/spec/region")
        .and_then(Value::as_str)
        .filter(|r| !r.is_empty())
        .unwrap_or("nyc")
        .to_owned();
    if let Some(found) = crate::state::catalog::app_region(&region) {
        set(object, "region", found.clone());
    }
    if let Some(map) = object.as_object_mut() {
        map.remove("in_progress_deployment");
        map.remove("pinned_deployment");
    }
}

/// Removes the optional `members` the request did not give (the API sends none for them).
fn drop_unless_given(call: &Call<'_>, object: &mut Value, members: &[&str]) {
    if let Some(map) = object.as_object_mut() {
        for member in members {
            if !super::regional::given(call, member) {
                map.remove(*member);
            }
        }
    }
}

/// A fresh public IPv4 address of the account's own range.
fn public_address(call: &Call<'_>) -> String {
    std::net::Ipv4Addr::from(call.tx.next_address()).to_string()
}

/// The storage a database node of `size` comes with, in MiB: the `db-s-*` plans' disk
/// by memory (10 GiB for 1 GB up to 1160 GiB for 64 GB; the provider's tests expect 30720
/// for `db-s-1vcpu-2gb`, database/resource_database_cluster_test.go), about 18 GiB per
/// GB of memory for larger or other families.
fn storage_mib(size: &str) -> u64 {
    let memory_gb = size
        .split('-')
        .find_map(|part| part.strip_suffix("gb")?.parse::<u64>().ok())
        .unwrap_or(1);
    let gib = match memory_gb {
        1 => 10,
        2 => 30,
        4 => 60,
        8 => 140,
        16 => 290,
        32 => 580,
        64 => 1160,
        n => n.saturating_mul(18),
    };
    gib * 1024
}

/// A database cluster's (or replica's) placement and the members the API fills in: the
/// region's default VPC, the default project, its storage, a maintenance window.
fn database(call: &Call<'_>, key: &str, object: &mut Value) {
    if call.values.is_empty() {
        engine_version(object, None);
    }
    super::regional::place_in_default_vpc(call, object, "private_network_uuid");
    super::regional::place_in_default_project(call, object);
    if !super::regional::given(call, "storage_size_mib")
        && let Some(size) = object.get("size").and_then(Value::as_str)
    {
        let mib = storage_mib(size);
        set(object, "storage_size_mib", mib);
    }
    admin_user(call, key, object);
    if !super::regional::given(call, "maintenance_window")
        && object.get("maintenance_window").is_some()
    {
        const DAYS: [&str; 7] = [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ];
        let window = serde_json::json!({
            "day": DAYS[fastrand::usize(..DAYS.len())],
            "hour": format!("{:02}:{:02}:00", fastrand::u8(..24), fastrand::u8(..60)),
            "pending": false,
            "description": [],
        });
        set(object, "maintenance_window", window);
    }
}

/// The account number in database host names (`…-do-user-N-0…`): one per account, as
/// every cluster, replica and pool of an account shares it.
fn host_account(call: &Call<'_>) -> u32 {
    10_000_000 + call.who.account.0.wrapping_mul(2_654_435_761) % 90_000_000
}

/// A replica created without `region` is placed in its primary's region.
fn primary_region(call: &Call<'_>, object: &mut Value) {
    if !empty(object, "region") {
        return;
    }
    let Some(primary) = call.values.first() else {
        return;
    };
    let region = {
        let docs = call.docs();
        docs.items("/v2/databases").and_then(|items| {
            items
                .get(&items.key_of(primary)?)?
                .get("region")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
    };
    if let Some(region) = region {
        set(object, "region", region);
    }
}

/// A cluster's `version` (`to`, else its own, else its engine's newest, as the API picks
/// for a create without one: godo and the Terraform provider leave it optional) and what
/// follows from it in the catalog: `semantic_version` and the end-of-life dates.
pub(crate) fn engine_version(cluster: &mut Value, to: Option<&str>) {
    let Some(engine) = cluster
        .get("engine")
        .and_then(Value::as_str)
        .and_then(crate::state::catalog::database_engine)
    else {
        return;
    };
    let own = cluster
        .get("version")
        .and_then(Value::as_str)
        .filter(|v| !v.is_empty());
    let Some(version) = to.or(own).or_else(|| engine.newest()).map(str::to_owned) else {
        return;
    };
    // A major alone (`"7"`) reads as the catalog's line it names (`7.0`).
    let line = engine
        .versions
        .iter()
        .find(|v| {
            **v == version
                || v.strip_prefix(version.as_str())
                    .is_some_and(|rest| rest.starts_with('.'))
        })
        .copied()
        .unwrap_or(version.as_str());
    let full = engine.semantic_versions.get(line).copied();
    let (end_of_life, end_of_availability) = engine.end_dates(line);
    let Some(map) = cluster.as_object_mut() else {
        return;
    };
    map.insert("version".into(), Value::String(version.clone()));
    for (member, value) in [
        ("semantic_version", full),
        ("version_end_of_life", end_of_life),
        ("version_end_of_availability", end_of_availability),
    ] {
        match value {
            Some(v) => {
                map.insert(member.into(), Value::String(v.to_owned()));
            }
            // The API leaves out what it has no date for (godo: `omitempty`).
            None => {
                map.remove(member);
            }
        }
    }
}

/// A new cluster's admin user (`default` for Valkey and Redis, `doadmin` otherwise), with
/// the connection's password, stored among its users so `GET …/users/doadmin` and the
/// cluster's `users` show it as the API does. Replicas share their primary's users.
fn admin_user(call: &Call<'_>, key: &str, object: &Value) {
    if !call.values.is_empty() {
        return;
    }
    let engine = object.get("engine").and_then(Value::as_str).unwrap_or("pg");
    let name = if matches!(engine, "redis" | "valkey") {
        "default"
    } else {
        "doadmin"
    };
    let password = object
        .pointer("/connection/password")
        .cloned()
        .unwrap_or(Value::Null);
    let user = serde_json::json!({"name": name, "role": "primary", "password": password});
    let path = format!("/v2/databases/{key}/users");
    let mut docs = call.docs_mut();
    docs.seeded.insert(path.clone());
    // A full account keeps the cluster without it rather than failing its create.
    let _ = docs.put(&path, name.to_owned(), user);
    // PostgreSQL and MySQL clusters start with `defaultdb`, listed by `GET …/dbs` too.
    if matches!(engine, "pg" | "mysql") {
        let path = format!("/v2/databases/{key}/dbs");
        docs.seeded.insert(path.clone());
        let _ = docs.put(
            &path,
            "defaultdb".to_owned(),
            serde_json::json!({"name": "defaultdb"}),
        );
    }
}

/// Puts `count` partitions in a Kafka topic that shows them.
fn partitions(object: &mut Value, count: u64) {
    let replicas = object
        .get("replication_factor")
        .and_then(Value::as_u64)
        .unwrap_or(2);
    if let Some(Value::Array(list)) = object.get_mut("partitions") {
        let count = usize::try_from(count.min(2048)).unwrap_or(0);
        list.truncate(count);
        for id in list.len()..count {
            list.push(serde_json::json!({
                "id": id, "size": 0, "in_sync_replicas": replicas, "earliest_offset": 0,
                "consumer_groups": [],
            }));
        }
    }
}

/// What an update changes beyond the members it names, or why the API refuses it.
pub(crate) fn updated(
    collection: &str,
    before: &Value,
    body: &Value,
    object: &mut Value,
) -> Result<(), String> {
    match collection {
        "/v2/databases/{database_cluster_uuid}/topics" => {
            if let Some(count) = body.get("partition_count").and_then(Value::as_u64) {
                let was = before
                    .get("partitions")
                    .and_then(Value::as_array)
                    .map(|p| p.len() as u64)
                    .or_else(|| before.get("partition_count").and_then(Value::as_u64))
                    .unwrap_or(0);
                if count < was {
                    return Err(format!(
                        "partition_count: can only be increased (the topic has {was})"
                    ));
                }
                partitions(object, count);
            }
        }
        "/v2/domains/{domain_name}/records" => super::dns::normalize_record(object),
        "/v2/databases/{database_cluster_uuid}/users" => acl_ids(object),
        "/v2/firewalls" => super::firewalls::normalize_rules(object),
        "/v2/cdn/endpoints" => {
            // An endpoint made without a custom domain holds no such member for the
            // generic merge to fill: the body's are put in; an empty one takes the
            // domain, and its certificate, off the endpoint.
            if let Some(map) = object.as_object_mut() {
                for member in ["custom_domain", "certificate_id"] {
                    match body.get(member).and_then(Value::as_str) {
                        Some("") => {
                            map.remove(member);
                        }
                        Some(given) => {
                            map.insert(member.into(), Value::String(given.to_owned()));
                        }
                        None => {}
                    }
                }
                if body.get("custom_domain").and_then(Value::as_str) == Some("") {
                    map.remove("certificate_id");
                }
            }
            if object
                .get("custom_domain")
                .and_then(Value::as_str)
                .is_some_and(|d| !d.is_empty())
                && object
                    .get("certificate_id")
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty)
            {
                // A custom domain is served with a certificate of the account's.
                return Err("certificate_id: a custom domain needs a certificate".to_owned());
            }
        }
        "/v2/uptime/checks" => {
            // `regions: null` (godo's none) leaves the check's regions as they were.
            if body.get("regions").is_some_and(Value::is_null)
                && let Some(map) = object.as_object_mut()
            {
                map.insert("regions".into(), before["regions"].clone());
            }
        }
        "/v2/droplets/autoscale" => {
            // One of two shapes (fixed or dynamic): the body's whole, not merged into
            // the other, so a fixed pool made dynamic keeps no `target_number_instances`.
            if let Some(config) = body.get("config") {
                object["config"] = config.clone();
            }
        }
        "/v2/byoip_prefixes" => {
            if let Some(advertise) = body.get("advertise").filter(|v| v.is_boolean())
                && let Some(map) = object.as_object_mut()
            {
                map.insert("advertised".into(), advertise.clone());
            }
        }
        _ => {}
    }
    Ok(())
}

/// The second host address of the VPC `id`'s range (the first is its gateway), if the
/// account has that VPC.
fn vpc_host(call: &Call<'_>, id: &str) -> Option<String> {
    let docs = call.docs();
    let items = docs.items("/v2/vpcs")?;
    let range = items.get(&items.key_of(id)?)?.get("ip_range")?.as_str()?;
    let network: std::net::Ipv4Addr = range.split('/').next()?.parse().ok()?;
    Some(std::net::Ipv4Addr::from(u32::from(network).checked_add(2)?).to_string())
}

/// A new database user as its cluster's engine makes it: a password; MySQL's
/// `mysql_settings` (`caching_sha2_password` unless asked otherwise) and no such member
/// for other engines; for Kafka a client certificate and key, and an id per ACL. The
/// Terraform provider's user tests check that a PostgreSQL user has no
/// `mysql_auth_plugin` and that a Kafka user has `access_cert`, `access_key` and
/// `settings.0.acl.0.id` (database/resource_database_user_test.go).
fn database_user(call: &Call<'_>, object: &mut Value) {
    if empty(object, "password") {
        set(object, "password", token(16));
    }
    let engine = call.values.first().and_then(|cluster| {
        let docs = call.docs();
        let items = docs.items("/v2/databases")?;
        items
            .get(&items.key_of(cluster)?)?
            .get("engine")?
            .as_str()
            .map(str::to_owned)
    });
    let given = |member: &str| super::regional::given(call, member);
    match engine.as_deref() {
        Some("mysql") if !given("mysql_settings") => set(
            object,
            "mysql_settings",
            serde_json::json!({"auth_plugin": "caching_sha2_password"}),
        ),
        Some("mysql") | None => {}
        Some(_) => {
            if let Some(map) = object.as_object_mut() {
                map.remove("mysql_settings");
            }
        }
    }
    if engine.as_deref() == Some("kafka") {
        set(object, "access_cert", pem("CERTIFICATE"));
        set(object, "access_key", pem("PRIVATE KEY"));
    }
    if let Some(engine) = engine.as_deref() {
        crate::engine::fit::fit_user(object, engine);
        // Replication is granted only when asked for (the spec: `false` when omitted).
        if engine == "pg" {
            let asked = call
                .body
                .as_ref()
                .and_then(|b| b.pointer("/settings/pg_allow_replication"))
                .cloned()
                .unwrap_or(Value::Bool(false));
            if let Some(map) = object.as_object_mut() {
                map.insert(
                    "settings".into(),
                    serde_json::json!({ "pg_allow_replication": asked }),
                );
            }
        }
    }
    acl_ids(object);
}

/// A PEM block of `label` around fresh random bytes: a stand-in client credential.
fn pem(label: &str) -> String {
    use base64::Engine as _;
    let bytes: Vec<u8> = (0..96).map(|_| fastrand::u8(..)).collect();
    let body = base64::engine::general_purpose::STANDARD.encode(bytes);
    format!("-----BEGIN {label}-----\n{body}\n-----END {label}-----\n")
}

/// Gives each Kafka ACL of a user's `settings.acl` that has none an `id`, as the API does.
fn acl_ids(user: &mut Value) {
    if let Some(Value::Array(acls)) = user.pointer_mut("/settings/acl") {
        for acl in acls.iter_mut().filter_map(Value::as_object_mut) {
            if acl
                .get("id")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                acl.insert("id".into(), Value::String(hex(16)));
            }
        }
    }
}

/// An agent made in a workspace (`workspace_uuid`) shows it as its `workspace`, so the
/// workspace's agent list finds it.
fn workspace_of(call: &Call<'_>, object: &mut Value) {
    let Some(uuid) = super::object::body_str(call, "workspace_uuid").filter(|u| !u.is_empty())
    else {
        return;
    };
    let name = {
        let docs = call.docs();
        docs.items("/v2/gen-ai/workspaces")
            .and_then(|items| items.get(&items.key_of(uuid)?)?.get("name").cloned())
    };
    if let Some(Value::Object(workspace)) = object.get_mut("workspace") {
        workspace.insert("uuid".into(), Value::String(uuid.to_owned()));
        if let Some(name) = name {
            workspace.insert("name".into(), name);
        }
    }
}

/// An agent's `model` is the one its `model_uuid` names: that uuid, and the name the
/// model list gives it, so a client that picks a model from `GET /v2/gen-ai/models`
/// reads it back on the agent.
fn agent_model(call: &Call<'_>, object: &mut Value) {
    let Some(uuid) = super::object::body_str(call, "model_uuid").filter(|u| !u.is_empty()) else {
        return;
    };
    let models = crate::engine::catalog::template(crate::engine::spec::OpId::GenaiListModels);
    let listed = models
        .get("models")
        .and_then(Value::as_array)
        .and_then(|list| {
            list.iter()
                .find(|m| m.get("uuid").and_then(Value::as_str) == Some(uuid))
        });
    if let Some(Value::Object(model)) = object.get_mut("model") {
        model.insert("uuid".into(), Value::String(uuid.to_owned()));
        if let Some(name) = listed.and_then(|m| m.get("name")).filter(|n| n.is_string()) {
            model.insert("name".into(), name.clone());
        }
    }
}

/// A database connection with its own host and password, in the engine's URI scheme, port,
/// admin user and database: Valkey and Redis take `default` on 25061 (TLS), MongoDB an
/// SRV URI to `admin` on 27017, Kafka 25073 (the Terraform provider's cluster test reads
/// that port), OpenSearch HTTPS on 25060. PostgreSQL and MySQL keep the table's
/// `doadmin`, `defaultdb` and 25060, and a pool its own.
fn connection(object: &mut Value, member: &str, engine: &str, host: &str, password: &str) {
    let Some(Value::Object(conn)) = object.get_mut(member) else {
        return;
    };
    let own: Option<(&str, &str, u64)> = match engine {
        "redis" | "valkey" => Some(("default", "", 25061)),
        "mongodb" => Some(("doadmin", "admin", 27017)),
        "kafka" => Some(("doadmin", "", 25073)),
        "opensearch" => Some(("doadmin", "", 25060)),
        _ => None,
    };
    if let Some((user, database, port)) = own {
        conn.insert("user".into(), Value::String(user.to_owned()));
        conn.insert("database".into(), Value::String(database.to_owned()));
        conn.insert("port".into(), Value::from(port));
    }
    let user = conn
        .get("user")
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty())
        .unwrap_or("doadmin")
        .to_owned();
    let database = conn
        .get("database")
        .and_then(Value::as_str)
        .unwrap_or("defaultdb")
        .to_owned();
    let port = conn.get("port").and_then(Value::as_u64).unwrap_or(25060);
    let uri = match engine {
        "mysql" => format!("mysql://{user}:{password}@{host}:{port}/{database}?ssl-mode=REQUIRED"),
        "redis" | "valkey" => format!("rediss://{user}:{password}@{host}:{port}"),
        // An SRV name carries no port.
        "mongodb" => {
            format!("mongodb+srv://{user}:{password}@{host}/{database}?tls=true&authSource=admin")
        }
        "kafka" => format!("kafka+ssl://{user}:{password}@{host}:{port}"),
        "opensearch" => format!("https://{user}:{password}@{host}:{port}"),
        _ => format!("postgresql://{user}:{password}@{host}:{port}/{database}?sslmode=require"),
    };
    for (k, v) in [
        ("host", host.to_owned()),
        ("password", password.to_owned()),
        ("uri", uri),
        ("user", user),
    ] {
        if conn.contains_key(k) {
            conn.insert(k.to_owned(), Value::String(v));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_table_is_pointers_per_kind() {
        assert!(!TABLE.is_empty());
        for (kind, table) in TABLE.iter() {
            assert!(kind.starts_with("/v2/"), "{kind}");
            for pointer in table.as_object().expect("a table per kind").keys() {
                assert!(pointer.starts_with('/'), "{kind}: {pointer}");
            }
        }
    }

    #[test]
    fn vpc_ranges_do_not_repeat() {
        let a = super::super::regional::fresh_vpc_range();
        let b = super::super::regional::fresh_vpc_range();
        assert_ne!(a, b);
        assert!(a.starts_with("10.") && a.ends_with("/20"), "{a}");
    }
}
