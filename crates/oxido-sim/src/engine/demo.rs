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

/// The first demo Kubernetes node's Droplet id: the documented example's.
const DEMO_NODE_DROPLETS: u64 = 205_545_370;

/// Demo objects of `collection_path` whose examples name what the catalog no longer
/// offers take a current entry, so every reference in the demo resolves: a cluster on
/// Kubernetes 1.18 runs the oldest supported version (so it has upgrades on offer),
/// and each demo node gets its own Droplet id.
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
    // Each demo node runs on its own Droplet id, counted up from the example's (far above
    // the ids the store hands out), where the seeded copies all shared the example's one.
    let mut next_node_droplet = DEMO_NODE_DROPLETS;
    for key in &keys {
        let Some(cluster) = data.settled_mut(collection_path, key) else {
            continue;
        };
        let pools = cluster
            .get_mut("node_pools")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten();
        for pool in pools {
            let nodes = pool
                .get_mut("nodes")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten();
            for node in nodes.filter(|n| n.get("droplet_id").is_some()) {
                node["droplet_id"] = Value::String(next_node_droplet.to_string());
                next_node_droplet += 1;
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
