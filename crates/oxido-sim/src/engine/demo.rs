//! The demo account's documents: on the first touch of a collection path, the objects
//! whose ids the description's parameter examples name (long-running ones at their
//! final status), with the few more that other examples name and the fixes that keep
//! them consistent with the catalog and the typed store's demo Droplets.

use serde_json::Value;

use super::catalog::{self as routes, id_field, item_template, template};
use super::lifecycle;
use super::shape::{conforms, typed_id, wrapped};
use super::store::AccountData;
use crate::state::catalog;

/// Puts the documented demo objects of `collection_path` in place, once.
pub(crate) fn seed_collection(data: &mut AccountData, collection_path: &str) {
    if !data.seeded.insert(collection_path.to_owned()) {
        return;
    }
    let catalog = routes::get();
    let Some((collection, ids)) = catalog.seed.get(collection_path) else {
        return;
    };
    let mut base = item_template(catalog, *collection);
    // The demo's long-running resources came up long ago.
    if let Some(life) = lifecycle::of(catalog.collections[*collection].path)
        && let Some(slot) = base.pointer_mut(life.pointer)
    {
        *slot = Value::String(life.done.to_owned());
    }
    crate::engine::catalog::unquote(&mut base);
    own_projects(&mut base, catalog);
    own_vpcs(&mut base, catalog);
    own_references(&mut base, collection_path, catalog);
    for id in ids {
        let mut object = base.clone();
        let param = catalog.collections[*collection].param;
        if let Some(field) = id_field(param, &object).map(str::to_owned) {
            let original = object[&field].clone();
            object[&field] = typed_id(&original, id);
            // An example id that breaks the member's format keeps the template's own.
            if let Some(read) = catalog.collections[*collection].read
                && !conforms(read, &wrapped(read, object.clone()))
            {
                object[&field] = original;
            }
        }
        let _ = data.put(collection_path, id.clone(), object);
    }
    seed_more(data, collection_path);
}

/// Points every `project_id` of a demo object that names no demo project at the default
/// project: the examples name projects the demo does not hold, and the API puts a
/// resource made without a project in the default one.
fn own_projects(value: &mut Value, catalog: &routes::Catalog) {
    let Some(default) = template(crate::engine::spec::OpId::ProjectsGetDefault)
        .pointer("/project/id")
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        return;
    };
    let held = |id: &str| {
        id == default
            || catalog
                .seed
                .get("/v2/projects")
                .is_some_and(|(_, ids)| ids.iter().any(|i| i == id))
    };
    fn walk(value: &mut Value, fix: &dyn Fn(&mut Value)) {
        match value {
            Value::Object(map) => {
                if let Some(slot) = map.get_mut("project_id") {
                    fix(slot);
                }
                map.values_mut().for_each(|v| walk(v, fix));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| walk(v, fix)),
            _ => {}
        }
    }
    walk(value, &|slot: &mut Value| {
        if slot.as_str().is_some_and(|id| !id.is_empty() && !held(id)) {
            *slot = Value::String(default.clone());
        }
    });
}

/// The ids of the demo's VPCs: the documented ones and the Droplets' regions' own.
fn demo_vpc(catalog: &routes::Catalog, id: &str) -> bool {
    crate::seed::DEMO_VPCS.iter().any(|(v, ..)| *v == id)
        || catalog
            .seed
            .get("/v2/vpcs")
            .is_some_and(|(_, ids)| ids.iter().any(|i| i == id))
}

/// Points every VPC reference of a demo object (`vpc_uuid`, `vpc_id`, `vpc_ids`) that
/// names no demo VPC, or a demo VPC of another region than the object's, at a demo VPC:
/// its region's default where the demo has one. The examples name VPCs the demo does not
/// hold, and a resource always sits in a VPC of its own region.
fn own_vpcs(value: &mut Value, catalog: &routes::Catalog) {
    fn region_of(map: &serde_json::Map<String, Value>) -> Option<String> {
        match map.get("region")? {
            Value::String(s) => Some(s.clone()),
            Value::Object(r) => r.get("slug").and_then(Value::as_str).map(str::to_owned),
            _ => None,
        }
    }
    fn vpc_region(id: &str) -> Option<&'static str> {
        crate::seed::DEMO_VPCS
            .iter()
            .find(|(v, ..)| *v == id)
            .map(|(_, r, ..)| *r)
    }
    fn choose(region: Option<&str>, taken: &[String]) -> Option<String> {
        let demo = crate::seed::DEMO_VPCS;
        demo.iter()
            .filter(|(id, ..)| !taken.iter().any(|t| t == id))
            .find(|(_, r, _, default)| Some(*r) == region && *default)
            .or_else(|| {
                demo.iter()
                    .find(|(id, r, ..)| Some(*r) == region && !taken.iter().any(|t| t == id))
            })
            .or_else(|| demo.iter().find(|(id, ..)| !taken.iter().any(|t| t == id)))
            .map(|(id, ..)| (*id).to_owned())
    }
    fn walk(value: &mut Value, region: Option<&str>, catalog: &routes::Catalog) {
        match value {
            Value::Object(map) => {
                let own = region_of(map);
                let region = own.as_deref().or(region);
                let wrong = |id: &str| {
                    !demo_vpc(catalog, id)
                        || matches!((vpc_region(id), region), (Some(v), Some(r)) if v != r && crate::seed::DEMO_VPCS.iter().any(|(_, dr, ..)| *dr == r))
                };
                for field in ["vpc_uuid", "vpc_id"] {
                    if let Some(Value::String(id)) = map.get(field)
                        && !id.is_empty()
                        && wrong(id)
                        && let Some(vpc) = choose(region, &[])
                    {
                        map.insert(field.into(), Value::String(vpc));
                    }
                }
                if let Some(Value::Array(ids)) = map.get_mut("vpc_ids") {
                    let mut taken: Vec<String> = Vec::new();
                    for slot in ids.iter_mut() {
                        if let Value::String(id) = slot
                            && wrong(id)
                            && let Some(vpc) = choose(region, &taken)
                        {
                            *id = vpc;
                        }
                        if let Value::String(id) = slot {
                            taken.push(id.clone());
                        }
                    }
                }
                for child in map.values_mut() {
                    walk(child, region, catalog);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| walk(v, region, catalog)),
            _ => {}
        }
    }
    walk(value, None, catalog);
}

/// Points references the examples make to objects of another demo collection, where they
/// name none of its objects, at that collection's first: an app's events and job
/// invocations at one of its deployments, evaluation metrics at a demo preset.
fn own_references(value: &mut Value, collection_path: &str, catalog: &routes::Catalog) {
    let app_child = ["/events", "/job-invocations"]
        .iter()
        .find_map(|tail| collection_path.strip_suffix(tail))
        .filter(|app| app.starts_with("/v2/apps/"))
        .map(|app| format!("{app}/deployments"));
    let rules: Vec<(&str, Vec<String>)> = [
        app_child.map(|deployments| ("deployment_id", held(catalog, &deployments))),
        Some((
            "eval_preset_uuid",
            held(catalog, "/v2/gen-ai/model_evaluation_presets"),
        )),
        // Projects and apps are the account's own.
        super::fit::account_uuid().map(|uuid| ("owner_uuid", vec![uuid])),
        // A demo snapshot was taken of the reference Droplet, a volume snapshot of the
        // demo volume.
        (collection_path == "/v2/snapshots").then(|| {
            (
                "resource_id",
                vec![crate::seed::DEMO_REFERENCE_DROPLET.to_string()],
            )
        }),
        (collection_path.starts_with("/v2/volumes/") && collection_path.ends_with("/snapshots"))
            .then(|| ("resource_id", held(catalog, "/v2/volumes"))),
    ]
    .into_iter()
    .flatten()
    .collect();
    fn walk(value: &mut Value, field: &str, held: &[String]) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(id)) = map.get_mut(field)
                    && !id.is_empty()
                    && !held.contains(id)
                    && let Some(first) = held.first()
                {
                    *id = first.clone();
                }
                map.values_mut().for_each(|v| walk(v, field, held));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| walk(v, field, held)),
            _ => {}
        }
    }
    for (field, held) in rules {
        walk(value, field, &held);
    }
}

/// The ids the demo holds in `collection` (a concrete path), as its parameter examples
/// name them.
fn held(catalog: &routes::Catalog, collection: &str) -> Vec<String> {
    catalog
        .seed
        .get(collection)
        .map(|(_, ids)| ids.clone())
        .unwrap_or_default()
}

/// Demo objects the description's examples name beyond its parameter examples.
fn seed_more(data: &mut AccountData, collection_path: &str) {
    if collection_path == "/v2/kubernetes/clusters" {
        seed_registry_clusters(data);
    }
    // After the copies above, so each copy's nodes get their own Droplet ids.
    seed_fixups(data, collection_path);
    if collection_path == "/v2/volumes" {
        seed_by_name(data);
    }
    if collection_path == "/v2/apps"
        || (collection_path.starts_with("/v2/apps/") && collection_path.ends_with("/deployments"))
    {
        seed_component(data, collection_path);
    }
    if collection_path == "/v2/vpcs" {
        seed_vpcs(data);
    }
    if collection_path == "/v2/nfs" || collection_path == "/v2/nfs/snapshots" {
        nfs_shares(data, collection_path);
    }
    if let Some(cluster) = collection_path
        .strip_prefix("/v2/databases/")
        .and_then(|rest| rest.strip_suffix("/users"))
    {
        fit_users(data, collection_path, cluster);
    }
    if let Some(cluster) = collection_path
        .strip_prefix("/v2/databases/")
        .and_then(|rest| rest.strip_suffix("/pools"))
    {
        seed_collection(data, "/v2/databases");
        let nodes = data
            .items("/v2/databases")
            .and_then(|items| items.get(cluster))
            .and_then(|c| c.get("num_nodes").and_then(Value::as_u64))
            .unwrap_or(1);
        let keys: Vec<String> = data
            .items(collection_path)
            .map(|items| items.iter().map(|(k, _)| k.to_owned()).collect())
            .unwrap_or_default();
        for key in keys {
            if let Some(pool) = data.settled_mut(collection_path, &key) {
                super::fit::pool_standby(pool, nodes);
            }
        }
    }
    if collection_path == "/v2/account/keys" {
        seed_named(data);
    }
    if collection_path == "/v2/projects" {
        seed_default_project(data);
    }
    if collection_path == "/v2/images" {
        // The Droplets' own images are the hand-written store's.
        for id in crate::seed::DEMO_DROPLET_IMAGES {
            data.remove(collection_path, &id.to_string());
        }
    }
    if collection_path.starts_with("/v2/registry/")
        && (collection_path.ends_with("/tags") || collection_path.ends_with("/digests"))
    {
        seed_listed(data, collection_path);
    }
}

/// Demo objects of `collection_path` whose examples name what the catalog no longer
/// offers take a current entry, so every reference in the demo resolves: a cluster on
/// Kubernetes 1.18 runs the oldest supported version (so it has upgrades on offer); each
/// demo node runs on its own worker Droplet of the typed store (`seed::demo_workers`),
/// and a cluster's copies carry their own `k8s:<id>` tags.
fn seed_fixups(data: &mut AccountData, collection_path: &str) {
    if collection_path == "/v2/databases" {
        database_networks(data);
    }
    if collection_path != "/v2/kubernetes/clusters" {
        return;
    }
    let Some(oldest) = catalog::kubernetes().versions.last() else {
        return;
    };
    let keys: Vec<String> = data
        .items(collection_path)
        .map(|items| items.iter().map(|(k, _)| k.to_owned()).collect())
        .unwrap_or_default();
    let documented = crate::seed::DEMO_K8S_CLUSTERS[0];
    for key in &keys {
        let Some(cluster) = data.settled_mut(collection_path, key) else {
            continue;
        };
        if key != documented {
            retag(cluster, documented, key);
        }
        // The API has no subnet objects to name; unset, the VPC's default subnet is used.
        if let Some(map) = cluster.as_object_mut() {
            map.remove("worker_subnet_uuid");
        }
        let pools = cluster
            .get_mut("node_pools")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten();
        for (p, pool) in pools.enumerate() {
            let nodes = pool
                .get_mut("nodes")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten();
            for (n, node) in nodes.enumerate() {
                let worker = crate::seed::demo_workers()
                    .find(|w| w.cluster == key && w.pool == p && w.node == n);
                node["droplet_id"] =
                    Value::String(worker.map(|w| w.id.to_string()).unwrap_or_default());
            }
        }
    }
    for key in keys {
        if let Some(cluster) = data.settled_mut(collection_path, &key)
            && let Some(version) = cluster.get_mut("version")
            && version
                .as_str()
                .is_none_or(|v| catalog::kubernetes_version(v).is_none())
        {
            *version = Value::String(oldest.slug.to_owned());
        }
    }
}

/// Replaces the `k8s:<from>` tag with `k8s:<to>` wherever a copied cluster carries it.
fn retag(value: &mut Value, from: &str, to: &str) {
    let old = format!("k8s:{from}");
    match value {
        Value::String(s) if *s == old => *s = format!("k8s:{to}"),
        Value::Array(items) => items.iter_mut().for_each(|v| retag(v, from, to)),
        Value::Object(map) => map.values_mut().for_each(|v| retag(v, from, to)),
        _ => {}
    }
}

/// A demo database cluster sits in its region's default demo VPC.
fn database_networks(data: &mut AccountData) {
    let collection = "/v2/databases";
    let keys: Vec<String> = data
        .items(collection)
        .map(|items| items.iter().map(|(k, _)| k.to_owned()).collect())
        .unwrap_or_default();
    for key in keys {
        let Some(cluster) = data.settled_mut(collection, &key) else {
            continue;
        };
        let region = cluster.get("region").and_then(Value::as_str).unwrap_or("");
        let vpc = crate::seed::DEMO_VPCS
            .iter()
            .find(|(_, r, _, default)| *r == region && *default)
            .map(|(id, ..)| *id);
        if let (Some(vpc), Some(slot)) = (vpc, cluster.get_mut("private_network_uuid"))
            && slot.is_string()
        {
            *slot = Value::String(vpc.to_owned());
        }
    }
}

/// The delete-by-name example names a volume `example` in nyc3, beside the nyc1 one
/// the id examples hold: the demo account has both.
fn seed_by_name(data: &mut AccountData) {
    let Some(mut twin) = data
        .items("/v2/volumes")
        .and_then(|items| items.iter().next().map(|(_, v)| v.clone()))
    else {
        return;
    };
    let id = super::generate::uuid();
    let region = catalog::region("nyc3").and_then(|r| serde_json::to_value(r).ok());
    if let (Some(map), Some(region)) = (twin.as_object_mut(), region) {
        map.insert("id".into(), Value::String(id.clone()));
        map.insert("name".into(), Value::String("example".into()));
        map.insert("region".into(), region);
        let _ = data.put("/v2/volumes", id, twin);
    }
}

/// The clusters the registry examples name besides the documented one: the demo holds
/// them too, as copies of it under their own ids.
fn seed_registry_clusters(data: &mut AccountData) {
    const CLUSTERS: &str = "/v2/kubernetes/clusters";
    const NAMED: [&str; 1] = ["50c2f44c-011d-493e-aee5-361a4a0d1844"];
    let Some((_, first)) = data
        .items(CLUSTERS)
        .and_then(|items| items.iter().next().map(|(k, v)| (k.to_owned(), v.clone())))
    else {
        return;
    };
    for id in NAMED {
        if data.items(CLUSTERS).and_then(|i| i.get(id)).is_none() {
            let mut cluster = first.clone();
            cluster["id"] = Value::String(id.to_owned());
            let _ = data.put(CLUSTERS, id.to_owned(), cluster);
        }
    }
}

/// The demo app's documented logs example names a component `component`: the demo app
/// and its deployments run a worker of that name beside their `web` service.
fn seed_component(data: &mut AccountData, path: &str) {
    let keys: Vec<String> = data
        .items(path)
        .map(|items| items.iter().map(|(k, _)| k.to_owned()).collect())
        .unwrap_or_default();
    for key in keys {
        if let Some(spec) = data
            .settled_mut(path, &key)
            .and_then(|o| o.get_mut("spec"))
            .and_then(Value::as_object_mut)
        {
            let workers = spec
                .entry("workers")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Some(workers) = workers.as_array_mut()
                && !workers.iter().any(|w| w["name"] == "component")
            {
                workers.push(serde_json::json!({ "name": "component" }));
            }
        }
    }
}

/// Gives a new key the fingerprint of its public key.
/// The key the Droplet create example names, by id and fingerprint.
fn seed_named(data: &mut AccountData) {
    let Some(mut twin) = data
        .items("/v2/account/keys")
        .and_then(|items| items.iter().next().map(|(_, v)| v.clone()))
    else {
        return;
    };
    if let Some(map) = twin.as_object_mut() {
        map.insert("id".into(), Value::from(289794));
        map.insert(
            "fingerprint".into(),
            Value::from("3b:16:e4:bf:8b:00:8b:b8:59:8c:a9:d3:f0:19:fa:45"),
        );
        map.insert("name".into(), Value::from("Example Key"));
        let _ = data.put("/v2/account/keys", "289794".to_owned(), twin);
    }
}

/// The demo repository's tags and manifests: every item its documented list shows,
/// beside the ones the parameter examples name.
fn seed_listed(data: &mut AccountData, collection_path: &str) {
    let catalog = routes::get();
    let Some((collection, _)) = catalog.seed.get(collection_path) else {
        return;
    };
    let c = &catalog.collections[*collection];
    let Some(list) = c.list else {
        return;
    };
    let documented = template(list);
    let Some(member) = routes::list_member(&documented) else {
        return;
    };
    let Some(items) = documented.get(member).and_then(Value::as_array) else {
        return;
    };
    for item in items {
        let Some(field) = routes::id_field(c.param, item) else {
            continue;
        };
        if let Some(id) = item.get(field).and_then(Value::as_str)
            && data
                .items(collection_path)
                .is_none_or(|i| i.get(id).is_none())
        {
            let _ = data.put(collection_path, id.to_owned(), item.clone());
        }
    }
}

/// The demo's default project among its projects (the API lists it with the others), as
/// `GET /v2/projects/default` documents it.
fn seed_default_project(data: &mut AccountData) {
    let documented =
        crate::engine::catalog::template(crate::engine::spec::OpId::ProjectsGetDefault);
    if let Some(project) = documented.get("project")
        && let Some(id) = project.get("id").and_then(Value::as_str)
    {
        let mut project = project.clone();
        project["is_default"] = Value::Bool(true);
        if let Some(owner) = super::fit::account_uuid() {
            project["owner_uuid"] = Value::String(owner);
        }
        let _ = data.put("/v2/projects", id.to_owned(), project);
    }
}

/// The demo Droplets' VPCs, each its region's default; the documented VPC is not a
/// default one, so its examples (delete included) apply to it.
fn seed_vpcs(data: &mut AccountData) {
    let twin = data
        .items("/v2/vpcs")
        .and_then(|items| items.iter().next().map(|(_, v)| v.clone()));
    let keys: Vec<String> = data
        .items("/v2/vpcs")
        .map(|items| items.iter().map(|(k, _)| k.to_owned()).collect())
        .unwrap_or_default();
    for key in keys {
        if let Some(Value::Object(map)) = data
            .collections
            .get_mut("/v2/vpcs")
            .and_then(|i| i.get_mut(&key))
        {
            map.insert("default".into(), Value::Bool(false));
            // The documented VPC's URN names another VPC's id; a URN names its own.
            if let Some(id) = map.get("id").and_then(Value::as_str).map(str::to_owned)
                && map.contains_key("urn")
            {
                map.insert("urn".into(), Value::from(format!("do:vpc:{id}")));
            }
        }
    }
    let Some(Value::Object(twin)) = twin else {
        return;
    };
    for (id, region, range, default) in crate::seed::DEMO_VPCS {
        let mut vpc = twin.clone();
        for (k, v) in [
            ("id", Value::from(id)),
            ("urn", Value::from(format!("do:vpc:{id}"))),
            (
                "name",
                Value::from(if default {
                    format!("default-{region}")
                } else {
                    format!("{region}-vpc")
                }),
            ),
            ("region", Value::from(region)),
            ("ip_range", Value::from(range)),
            ("description", Value::from("")),
            ("default", Value::Bool(default)),
        ] {
            if vpc.contains_key(k) {
                vpc.insert(k.to_owned(), v);
            }
        }
        let _ = data.put("/v2/vpcs", id.to_owned(), Value::Object(vpc));
    }
}

/// A demo cluster's users carry only their engine's settings (the documented user shows
/// every engine's at once).
fn fit_users(data: &mut AccountData, collection_path: &str, cluster: &str) {
    seed_collection(data, "/v2/databases");
    let Some(engine) = data
        .items("/v2/databases")
        .and_then(|items| items.get(cluster))
        .and_then(|c| c.get("engine").and_then(Value::as_str).map(str::to_owned))
    else {
        return;
    };
    let keys: Vec<String> = data
        .items(collection_path)
        .map(|items| items.iter().map(|(k, _)| k.to_owned()).collect())
        .unwrap_or_default();
    for key in keys {
        if let Some(user) = data.settled_mut(collection_path, &key) {
            super::fit::fit_user(user, &engine);
        }
    }
}

/// The NFS examples name one share by two ids: the share routes by one, the access
/// point routes (and the share's access points) by another. The demo holds both shares,
/// each with access points that name it: the second has the documented access points,
/// the first its own default one. A demo share snapshot names a demo share.
fn nfs_shares(data: &mut AccountData, collection_path: &str) {
    seed_collection(data, "/v2/nfs");
    if collection_path == "/v2/nfs" {
        twin_share(data);
    }
    let shares: Vec<String> = data
        .items("/v2/nfs")
        .map(|items| items.iter().map(|(k, _)| k.to_owned()).collect())
        .unwrap_or_default();
    let keys: Vec<String> = data
        .items(collection_path)
        .map(|items| items.iter().map(|(k, _)| k.to_owned()).collect())
        .unwrap_or_default();
    for key in keys {
        let Some(object) = data.settled_mut(collection_path, &key) else {
            continue;
        };
        if let Some(Value::String(share)) = object.get_mut("share_id")
            && !shares.contains(share)
            && let Some(first) = shares.first()
        {
            *share = first.clone();
        }
    }
}

fn twin_share(data: &mut AccountData) {
    const SHARES: &str = "/v2/nfs";
    let Some((key, first)) = data
        .items(SHARES)
        .and_then(|items| items.iter().next().map(|(k, v)| (k.to_owned(), v.clone())))
    else {
        return;
    };
    let named = first
        .pointer("/access_points/0/share_id")
        .and_then(Value::as_str)
        .filter(|id| *id != key)
        .map(str::to_owned);
    let Some(named) = named else {
        return;
    };
    if data.items(SHARES).and_then(|i| i.get(&named)).is_none() {
        let mut twin = first.clone();
        twin["id"] = Value::String(named.clone());
        if let Some(name) = first.get("name").and_then(Value::as_str) {
            twin["name"] = Value::String(format!("{name}-2"));
        }
        let _ = data.put(SHARES, named, twin);
    }
    if let Some(share) = data.settled_mut(SHARES, &key)
        && let Some(Value::Array(points)) = share.get_mut("access_points")
    {
        points.retain(|p| p.get("is_default") == Some(&Value::Bool(true)));
        for point in points.iter_mut() {
            point["id"] = Value::String(super::generate::uuid());
            point["share_id"] = Value::String(key.clone());
        }
    }
}
