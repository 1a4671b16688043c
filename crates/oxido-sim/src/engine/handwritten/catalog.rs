//! The catalog as the API lists it (`state/catalog.rs`, from `data/catalog/`): regions,
//! sizes, public images, 1-Click apps, Kubernetes, database, app and registry options;
//! and the checks that rest on it, so a create naming a region, size, image, version,
//! engine, instance size or tier the catalog lacks is a 422 naming the field.

use axum::response::Response;
use serde_json::{Value, json};

use super::object::page;
use crate::engine::call::{Call, ensure_seeded};
use crate::engine::shape::answer;
use crate::engine::spec::OpId;
use crate::state::catalog::{self, IMAGES, REGIONS, SIZES};
use crate::wire::droplet::{image_json, size_json};
use crate::wire::error::ApiError;

/// Serves the catalog's lists and checks the creates that name catalog entries;
/// `None` leaves the call to the rest of the dispatch.
pub(super) fn dispatch(call: &Call<'_>) -> Result<Option<Response>, ApiError> {
    match call.op {
        OpId::KubernetesListOptions => kubernetes_options(call).map(Some),
        OpId::KubernetesGetAvailableUpgrades => kubernetes_upgrades(call),
        OpId::DatabasesListOptions => database_options(call).map(Some),
        OpId::AppsListInstanceSizes => app_instance_sizes(call).map(Some),
        OpId::AppsGetInstanceSize => app_instance_size(call).map(Some),
        OpId::AppsListRegions => app_regions(call).map(Some),
        OpId::RegistryGetOptions | OpId::RegistriesGetOptions => registry_options(call).map(Some),
        OpId::RegistryGetSubscription | OpId::RegistriesGetSubscription => {
            subscription(call, None).map(Some)
        }
        OpId::RegistryUpdateSubscription | OpId::RegistriesUpdateSubscription => {
            let body = call.body.as_ref().unwrap_or(&Value::Null);
            registry_tier_slug("tier_slug", body)?;
            subscription(call, body_str(body, "tier_slug")).map(Some)
        }
        _ => {
            check(call, call.op)?;
            Ok(None)
        }
    }
}

/// GET /v2/regions
pub(super) fn regions(call: &Call<'_>) -> Result<Response, ApiError> {
    let all = REGIONS
        .iter()
        .filter_map(|r| serde_json::to_value(r).ok())
        .collect();
    page(call, all)
}

/// GET /v2/sizes
pub(super) fn sizes(call: &Call<'_>) -> Result<Response, ApiError> {
    page(call, SIZES.iter().map(size_json).collect())
}

/// GET /v2/1-clicks: the catalog's apps, only those of the `type` asked for (an unknown
/// type lists none: the API accepts it, see `data/deviations.json`).
pub(super) fn one_clicks(call: &Call<'_>) -> Result<Response, ApiError> {
    let wanted = query(call, "type");
    let apps: Vec<Value> = catalog::one_clicks()
        .filter(|(_, kind)| wanted.is_none_or(|w| w == *kind))
        .map(|(slug, kind)| json!({ "slug": slug, "type": kind }))
        .collect();
    if apps.is_empty() && wanted.is_some() {
        // The API leaves the member out when a `type` matches nothing (pydo's integration test
        // `test_one_click_list` expects no `1_clicks` for `type=thisshouldnotmatch`).
        return answer(call.op, Some(json!({})));
    }
    answer(call.op, Some(json!({ "1_clicks": apps })))
}

/// The public images `GET /v2/images` lists for its filters: distributions and
/// applications unless only private images or a tag are asked for.
pub(super) fn public_images(call: &Call<'_>) -> Vec<Value> {
    if query(call, "private") == Some("true") || query(call, "tag_name").is_some() {
        return Vec::new();
    }
    let kind = query(call, "type");
    IMAGES
        .iter()
        .filter(|i| kind.is_none_or(|k| k == i.kind))
        .map(image_json)
        .collect()
}

/// GET /v2/images/{image_id} of a public image, by id or slug; `None` if it is none.
pub(super) fn get_image(call: &Call<'_>) -> Result<Option<Response>, ApiError> {
    let Some(key) = call.values.first() else {
        return Ok(None);
    };
    let image = match key.parse::<u64>() {
        Ok(id) => catalog::image_by_id(id),
        Err(_) => catalog::image_by_slug(key),
    };
    match image {
        Some(image) => answer(call.op, Some(json!({ "image": image_json(image) }))).map(Some),
        None => Ok(None),
    }
}

fn query<'a>(call: &'a Call<'_>, key: &str) -> Option<&'a str> {
    call.query
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn named(slug: &str) -> Value {
    json!({ "name": slug, "slug": slug })
}

/// GET /v2/kubernetes/options
fn kubernetes_options(call: &Call<'_>) -> Result<Response, ApiError> {
    let k8s = catalog::kubernetes();
    let regions: Vec<Value> = k8s
        .regions
        .iter()
        .filter_map(|slug| catalog::region(slug))
        .map(|r| json!({ "name": r.name, "slug": r.slug }))
        .collect();
    let sizes: Vec<Value> = catalog::node_sizes().map(|s| named(s.slug)).collect();
    answer(
        call.op,
        Some(
            json!({ "options": { "regions": regions, "versions": k8s.versions, "sizes": sizes } }),
        ),
    )
}

/// GET /v2/kubernetes/clusters/{cluster_id}/upgrades: the catalog's versions newer than
/// the cluster's (`null` when it is up to date, as the API answers); `None` leaves a
/// cluster that does not exist to the engine's 404.
fn kubernetes_upgrades(call: &Call<'_>) -> Result<Option<Response>, ApiError> {
    let Some(current) = stored_member(call, "/v2/kubernetes/clusters", "version") else {
        return Ok(None);
    };
    let versions = &catalog::kubernetes().versions;
    // Newest first: the versions before the cluster's own are the newer ones.
    let newer: Vec<&catalog::KubernetesVersion> =
        versions.iter().take_while(|v| v.slug != current).collect();
    let newer = if newer.is_empty() || newer.len() == versions.len() {
        Value::Null
    } else {
        json!(newer)
    };
    answer(
        call.op,
        Some(json!({ "available_upgrade_versions": newer })),
    )
    .map(Some)
}

/// GET /v2/databases/options
fn database_options(call: &Call<'_>) -> Result<Response, ApiError> {
    answer(
        call.op,
        Some(json!({
            "options": catalog::database_engines(),
            "version_availability": catalog::version_availability(),
        })),
    )
}

/// GET /v2/apps/tiers/instance_sizes
fn app_instance_sizes(call: &Call<'_>) -> Result<Response, ApiError> {
    answer(
        call.op,
        Some(json!({ "instance_sizes": catalog::apps().instance_sizes })),
    )
}

/// GET /v2/apps/tiers/instance_sizes/{slug}
fn app_instance_size(call: &Call<'_>) -> Result<Response, ApiError> {
    let slug = call.values.first().map_or("", String::as_str);
    let size = catalog::app_instance_size(slug).ok_or_else(ApiError::not_found)?;
    answer(call.op, Some(json!({ "instance_size": size })))
}

/// GET /v2/apps/regions
fn app_regions(call: &Call<'_>) -> Result<Response, ApiError> {
    answer(call.op, Some(json!({ "regions": catalog::apps().regions })))
}

/// GET /v2/registry/options: every tier is open to an account without a registry's usage.
fn registry_options(call: &Call<'_>) -> Result<Response, ApiError> {
    let registry = catalog::registry();
    let tiers: Vec<Value> = registry
        .tiers
        .iter()
        .map(|t| {
            let mut tier = t.clone();
            tier["eligible"] = Value::Bool(true);
            tier
        })
        .collect();
    answer(
        call.op,
        Some(json!({ "options": {
            "available_regions": registry.regions,
            "subscription_tiers": tiers,
        } })),
    )
}

/// The account registry's subscription, moved first to the tier `to` if given; 404
/// without a registry.
fn subscription(call: &Call<'_>, to: Option<&str>) -> Result<Response, ApiError> {
    let (name, mut registry) = super::registry::current(call).ok_or_else(ApiError::not_found)?;
    if let Some(tier) = to.and_then(registry_tier) {
        let mut docs = call.docs_mut();
        let stored = docs
            .settled_mut("/v2/registry", &name)
            .ok_or_else(ApiError::not_found)?;
        if let Some(Value::Object(subscription)) = stored.get_mut("subscription") {
            subscription.insert("tier".into(), tier);
            subscription.insert(
                "updated_at".into(),
                Value::String(crate::engine::generate::now()),
            );
        }
        registry = stored.clone();
    }
    answer(
        call.op,
        Some(
            json!({ "subscription": registry.get("subscription").cloned().unwrap_or(Value::Null) }),
        ),
    )
}

/// The registry tier object a registry created or moved to `slug` reports.
pub(super) fn registry_tier(slug: &str) -> Option<Value> {
    catalog::registry_tier(slug).cloned()
}

/// A value quoted in a refusal, cut so a hostile one cannot flood the message.
fn shown(value: &str) -> String {
    let cut: String = value.chars().take(64).collect();
    if cut.len() < value.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

fn refuse(field: &str, value: &str, what: &str) -> ApiError {
    ApiError::unprocessable(format!("{field}: '{}' is not {what}", shown(value)))
}

fn body_str<'a>(body: &'a Value, field: &str) -> Option<&'a str> {
    body.get(field).and_then(Value::as_str)
}

/// Regions that take NFS shares (and the VPCs they join) but are not in the Droplet
/// catalog: the description's `region_slug` enum lacks them, so nothing else may be
/// made there (see `data/catalog/README.md`).
const NFS_ONLY_REGIONS: &[&str] = &["atl1"];

/// An open region, by slug.
fn open_region(field: &str, slug: &str) -> Result<&'static catalog::Region, ApiError> {
    catalog::region(slug)
        .filter(|r| r.available)
        .ok_or_else(|| refuse(field, slug, "an available region (see GET /v2/regions)"))
}

/// Checks a request that names catalog entries; operations not listed pass.
fn check(call: &Call<'_>, op: OpId) -> Result<(), ApiError> {
    let Some(body) = call.body.as_ref() else {
        return Ok(());
    };
    match op {
        // NFS runs in regions the Droplet catalog leaves out (atl1: the spec's NFS
        // `region` names it, and the Terraform provider's NFS tests make their VPC and
        // share there), so a VPC may be made there for a share.
        OpId::VpcsCreate
            if body_str(body, "region").is_some_and(|r| NFS_ONLY_REGIONS.contains(&r)) => {}
        OpId::VolumesCreate
        | OpId::VpcsCreate
        | OpId::LoadBalancersCreate
        | OpId::LoadBalancersUpdate
        | OpId::ReservedIPsCreate
        | OpId::FloatingIPsCreate => {
            if let Some(slug) = body_str(body, "region") {
                open_region("region", slug)?;
            }
        }
        OpId::ReservedIPv6Create => {
            if let Some(slug) = body_str(body, "region_slug") {
                open_region("region_slug", slug)?;
            }
        }
        OpId::KubernetesCreateCluster => kubernetes_cluster(body)?,
        OpId::KubernetesAddNodePool => {
            let region = cluster_region(call);
            node_pool_size("size", body, region.as_deref())?;
        }
        OpId::KubernetesUpgradeCluster => {
            if let Some(version) = body_str(body, "version") {
                kubernetes_version("version", version)?;
            }
        }
        OpId::DatabasesCreateCluster => database_cluster(body)?,
        OpId::DatabasesCreateReplica => database_replica(call, body)?,
        OpId::RegistryCreate | OpId::RegistriesCreate => {
            registry_tier_slug("subscription_tier_slug", body)?;
            if let Some(region) = body_str(body, "region")
                && !catalog::registry().regions.contains(&region)
            {
                return Err(refuse(
                    "region",
                    region,
                    "a container registry region (see GET /v2/registry/options)",
                ));
            }
        }
        OpId::AppsCreate | OpId::AppsUpdate => {
            if let Some(spec) = body.get("spec") {
                app_spec(spec)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn kubernetes_version(field: &str, slug: &str) -> Result<(), ApiError> {
    catalog::kubernetes_version(slug)
        .map(|_| ())
        .ok_or_else(|| {
            refuse(
                field,
                slug,
                "a supported Kubernetes version (see GET /v2/kubernetes/options)",
            )
        })
}

fn kubernetes_cluster(body: &Value) -> Result<(), ApiError> {
    let region = body_str(body, "region");
    if let Some(slug) = region
        && !catalog::kubernetes().regions.contains(&slug)
    {
        return Err(refuse(
            "region",
            slug,
            "a Kubernetes region (see GET /v2/kubernetes/options)",
        ));
    }
    if let Some(version) = body_str(body, "version") {
        kubernetes_version("version", version)?;
    }
    for (i, pool) in body
        .get("node_pools")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        node_pool_size(&format!("node_pools.{i}.size"), pool, region)?;
        super::node_pools::check_count(&format!("node_pools.{i}.count"), pool)?;
    }
    Ok(())
}

/// A node pool's `size`: a node size, offered in the cluster's region.
fn node_pool_size(field: &str, pool: &Value, region: Option<&str>) -> Result<(), ApiError> {
    let Some(slug) = body_str(pool, "size") else {
        return Ok(());
    };
    let size = catalog::node_sizes()
        .find(|s| s.slug == slug)
        .ok_or_else(|| {
            refuse(
                field,
                slug,
                "a Kubernetes node size (see GET /v2/kubernetes/options)",
            )
        })?;
    if let Some(region) = region.and_then(catalog::region)
        && !catalog::offers(region, size)
    {
        return Err(ApiError::unprocessable(format!(
            "{field}: '{slug}' is not available in {}",
            region.slug
        )));
    }
    Ok(())
}

/// The region of the cluster the path names (demo clusters seeded first).
fn cluster_region(call: &Call<'_>) -> Option<String> {
    stored_member(call, "/v2/kubernetes/clusters", "region")
}

/// A member of the engine object of `collection` that the path's first value names.
fn stored_member(call: &Call<'_>, collection: &str, member: &str) -> Option<String> {
    let id = call.values.first()?;
    ensure_seeded(call, &[collection]);
    let docs = call.docs();
    let items = docs.items(collection)?;
    let key = items.key_of(id)?;
    let value = items.get(&key)?.get(member)?;
    value
        .as_str()
        .or_else(|| value.get("slug").and_then(Value::as_str))
        .map(str::to_owned)
}

fn database_cluster(body: &Value) -> Result<(), ApiError> {
    let Some(engine_slug) = body_str(body, "engine") else {
        return Ok(());
    };
    let engine = catalog::database_engine(engine_slug).ok_or_else(|| {
        refuse(
            "engine",
            engine_slug,
            "a database engine (see GET /v2/databases/options)",
        )
    })?;
    if let Some(version) = body_str(body, "version")
        && !engine.versions.contains(&version)
    {
        return Err(refuse(
            "version",
            version,
            &format!("a {engine_slug} version offered (see GET /v2/databases/options)"),
        ));
    }
    if let Some(region) = body_str(body, "region")
        && !engine.regions.contains(&region)
    {
        return Err(refuse(
            "region",
            region,
            &format!("a region offering {engine_slug}"),
        ));
    }
    let nodes = body.get("num_nodes").and_then(Value::as_u64);
    if let Some(nodes) = nodes {
        let layout = engine
            .layouts
            .iter()
            .find(|l| u64::from(l.num_nodes) == nodes)
            .ok_or_else(|| {
                ApiError::unprocessable(format!(
                    "num_nodes: {engine_slug} clusters have {} nodes",
                    engine
                        .layouts
                        .iter()
                        .map(|l| l.num_nodes.to_string())
                        .collect::<Vec<_>>()
                        .join(" or ")
                ))
            })?;
        if let Some(size) = body_str(body, "size")
            && !layout.sizes.contains(&size)
        {
            return Err(refuse(
                "size",
                size,
                &format!("a size for a {nodes}-node {engine_slug} cluster"),
            ));
        }
    }
    Ok(())
}

fn database_replica(call: &Call<'_>, body: &Value) -> Result<(), ApiError> {
    let Some(engine) =
        stored_member(call, "/v2/databases", "engine").and_then(|e| catalog::database_engine(&e))
    else {
        return Ok(());
    };
    if let Some(region) = body_str(body, "region")
        && !engine.regions.contains(&region)
    {
        return Err(refuse("region", region, "a region offering this engine"));
    }
    if let Some(size) = body_str(body, "size")
        && !engine.layouts.iter().any(|l| l.sizes.contains(&size))
    {
        return Err(refuse("size", size, "a size offered for this engine"));
    }
    Ok(())
}

fn registry_tier_slug(field: &str, body: &Value) -> Result<(), ApiError> {
    match body_str(body, field) {
        Some(slug) if catalog::registry_tier(slug).is_none() => Err(refuse(
            field,
            slug,
            "a subscription tier (starter, basic or professional)",
        )),
        _ => Ok(()),
    }
}

/// An app spec's region and its components' instance sizes.
fn app_spec(spec: &Value) -> Result<(), ApiError> {
    if let Some(region) = body_str(spec, "region")
        && catalog::app_region(region).is_none()
    {
        return Err(refuse(
            "spec.region",
            region,
            "an App Platform region (see GET /v2/apps/regions)",
        ));
    }
    for kind in ["services", "workers", "jobs"] {
        for (i, component) in spec
            .get(kind)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(slug) = body_str(component, "instance_size_slug")
                && catalog::app_instance_size(slug).is_none()
            {
                return Err(refuse(
                    &format!("spec.{kind}.{i}.instance_size_slug"),
                    slug,
                    "an instance size (see GET /v2/apps/tiers/instance_sizes)",
                ));
            }
        }
    }
    Ok(())
}

/// A new cluster's `latest` version is the newest one's slug, as the API stores it.
pub(super) fn cluster_created(object: &mut Value) {
    // Node pools get their ids, nodes and tags in `defaults::derive` (`node_pools::make_fresh`).
    if let Some(slot) = object.get_mut("version")
        && slot.as_str() == Some("latest")
        && let Some(newest) = catalog::kubernetes_version("latest")
    {
        *slot = Value::String(newest.slug.to_owned());
    }
}
