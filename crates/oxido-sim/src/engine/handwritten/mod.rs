//! Where the engine defers to hand-written state: operations on the hand-written
//! resources that have no route of their own, and the items those resources own.
//!
//! To hand-write an operation over the engine, add its `operationId` to `dispatch`;
//! the request arrives parsed and validated in a [`Call`].

mod actions;
mod apps;
mod billing;
mod catalog;
mod cdn;
mod db_firewall;
pub(crate) mod defaults;
mod droplet_images;
mod droplets;
mod envelopes;
mod firewalls;
mod images;
mod members;
mod neighbors;
mod nfs;
mod node_pools;
mod object;
mod projects;
pub(crate) mod references;
mod registry;
mod registry_gc;
mod reserved_ips;
pub(crate) mod semantics;
mod setters;
mod ssh_keys;
mod tags;
mod uploads;
mod volume_snapshots;
mod volumes;
mod vpc_members;
mod writes;

use axum::response::Response;
use jiff::Timestamp;

pub(crate) use self::cdn::purges as cdn_purges;
pub(crate) use self::droplets::create_droplets;
pub(crate) use self::reserved_ips::{NEXT_ADDRESS, droplet_deleted};
pub(crate) use self::uploads::{UPLOAD_PREFIX, Uploads, upload};
use serde_json::Value;

use super::Call;
use crate::state::images::ImageKind;
use crate::state::model::Family;
use crate::wire::error::ApiError;

/// Whether an item lives in a hand-written store; `None` if the engine owns the collection.
pub(crate) fn exists(call: &Call<'_>, collection_path: &str, id: &str) -> Option<bool> {
    match collection_path {
        "/v2/droplets" => Some(
            id.parse::<u64>()
                .ok()
                .and_then(|id| {
                    call.app
                        .store
                        .droplet(call.who.account, id, Timestamp::now())
                })
                .is_some(),
        ),
        // A Droplet's own snapshot or backup; any other image is the engine's.
        "/v2/images" => id
            .parse::<u64>()
            .ok()
            .and_then(|id| call.app.store.image(call.who.account, id, Timestamp::now()))
            .map(|_| true),
        _ => None,
    }
}

/// Serves the operations hand-written over the engine; `None` leaves the call to it.
pub(crate) fn dispatch(call: &Call<'_>) -> Result<Option<Response>, ApiError> {
    let id = super::spec::OPS[call.op].id;
    if super::spec::OPS[call.op]
        .path
        .starts_with("/v2/registry/{registry_name}")
    {
        registry::check_name(call)?;
    }
    if let Some(response) = writes::dispatch(call)? {
        return Ok(Some(response));
    }
    if let Some(response) = catalog::dispatch(call)? {
        return Ok(Some(response));
    }
    match id {
        "registry_get" => registry::get(call).map(Some),
        "apps_get_health" => envelopes::app_health(call).map(Some),
        "cdn_purge_cache" => cdn::purge(call).map(Some),
        "apps_get_logs" => apps::logs(call, true, true).map(Some),
        "apps_get_logs_aggregate" => apps::logs(call, true, false).map(Some),
        "apps_get_logs_active_deployment" => apps::logs(call, false, true).map(Some),
        "apps_get_logs_active_deployment_aggregate" => apps::logs(call, false, false).map(Some),
        "regions_list" => catalog::regions(call).map(Some),
        "sizes_list" => catalog::sizes(call).map(Some),
        "oneClicks_list" => catalog::one_clicks(call).map(Some),
        "databases_list_firewall_rules" => db_firewall::list(call).map(Some),
        "databases_update_firewall_rules" => db_firewall::replace(call).map(Some),
        "registry_create" => registry::create(call).map(Some),
        "registry_delete" => registry::delete(call).map(Some),
        "droplets_destroy_byTag" => droplets::destroy_by_tag(call).map(Some),
        "inference_create_batch_file" => uploads::create_batch_file(call).map(Some),
        "volumeActions_post_byId" => volumes::action(call, volumes::Target::Path).map(Some),
        "volumeActions_post" => volumes::action(call, volumes::Target::Name).map(Some),
        "volumeActions_list" => volumes::list_actions(call),
        "volumeActions_get" => volumes::get_action(call),
        "volumes_delete" => volumes::delete(call),
        "volumes_delete_byName" => volumes::delete_by_name(call).map(Some),
        "droplets_list_snapshots" => {
            droplet_images::list_for_droplet(call, ImageKind::Snapshot).map(Some)
        }
        "droplets_list_backups" => {
            droplet_images::list_for_droplet(call, ImageKind::Backup).map(Some)
        }
        "droplets_list_kernels" => neighbors::kernels(call).map(Some),
        "droplets_get_backup_policy" => droplet_images::backup_policy(call).map(Some),
        "droplets_list_backup_policies" => droplet_images::backup_policies(call).map(Some),
        "droplets_list_firewalls" => firewalls::for_droplet(call).map(Some),
        "droplets_list_neighbors" => neighbors::list(call).map(Some),
        "droplets_list_neighborsIds" => neighbors::ids(call).map(Some),
        "snapshots_list" => droplet_images::list_snapshots(call).map(Some),
        "snapshots_get" => droplet_images::get_snapshot(call),
        "snapshots_delete" => droplet_images::delete(call, Some(ImageKind::Snapshot)),
        "images_list" => droplet_images::list_images(call).map(Some),
        "images_get" => droplet_images::get_image(call),
        "images_delete" => droplet_images::delete(call, None),
        "images_update" => droplet_images::update(call),
        "registry_run_garbageCollection" | "registries_run_garbageCollection" => {
            registry_gc::run(call).map(Some)
        }
        "registry_get_garbageCollection" | "registries_get_garbageCollection" => {
            registry_gc::active(call).map(Some)
        }
        "registry_list_garbageCollections" | "registries_list_garbageCollections" => {
            registry_gc::list(call).map(Some)
        }
        "registry_update_garbageCollection" | "registries_update_garbageCollection" => {
            registry_gc::update(call).map(Some)
        }
        "kubernetes_add_nodePool" => node_pools::add(call).map(Some),
        "kubernetes_list_nodePools" => node_pools::list(call).map(Some),
        "kubernetes_get_nodePool" => node_pools::get(call).map(Some),
        "kubernetes_update_nodePool" => node_pools::update(call).map(Some),
        "kubernetes_delete_nodePool" => node_pools::delete(call).map(Some),
        "kubernetes_delete_node" => node_pools::delete_node(call).map(Some),
        "balance_get" => billing::balance(call).map(Some),
        "invoices_list" => billing::invoices(call).map(Some),
        "billingHistory_list" => billing::history(call).map(Some),
        "invoices_get_byUUID" => billing::invoice(call).map(Some),
        "invoices_get_csvByUUID" => billing::invoice_csv(call).map(Some),
        "invoices_get_pdfByUUID" => billing::invoice_pdf(call).map(Some),
        "invoices_get_summaryByUUID" => billing::invoice_summary(call).map(Some),
        "vpcs_list_members" => vpc_members::list(call).map(Some),
        "volumeSnapshots_create" => volume_snapshots::create(call).map(Some),
        "volumeSnapshots_list" => volume_snapshots::list(call).map(Some),
        "volumeSnapshots_get_byId" => volume_snapshots::get(call),
        "volumeSnapshots_delete_byId" => volume_snapshots::delete(call),
        "imageActions_post" => images::action(call).map(Some),
        "imageActions_list" => images::list_actions(call),
        "imageActions_get" => images::get_action(call),
        "reservedIPsActions_post" => reserved_ips::action(call, Family::ReservedIp).map(Some),
        "reservedIPsActions_list" => reserved_ips::list_actions(call, Family::ReservedIp),
        "reservedIPsActions_get" => reserved_ips::get_action(call, Family::ReservedIp),
        "floatingIPsAction_post" => reserved_ips::action(call, Family::FloatingIp).map(Some),
        "floatingIPsAction_list" => reserved_ips::list_actions(call, Family::FloatingIp),
        "floatingIPsAction_get" => reserved_ips::get_action(call, Family::FloatingIp),
        "reservedIPv6Actions_post" => reserved_ips::action(call, Family::ReservedIpv6).map(Some),
        "nfs_create_action" => nfs::action(call).map(Some),
        "tags_assign_resources" => tags::tag_resources(call, true).map(Some),
        "tags_list" => tags::list(call).map(Some),
        "tags_get" => tags::get(call).map(Some),
        "tags_create" => tags::create(call).map(Some),
        "tags_delete" => tags::delete(call).map(Some),
        "tags_unassign_resources" => tags::tag_resources(call, false).map(Some),
        "projects_assign_resources" | "projects_assign_resources_default" => {
            projects::assign(call).map(Some)
        }
        "projects_list_resources" | "projects_list_resources_default" => {
            projects::list(call).map(Some)
        }
        _ => {
            if let Some(m) = members::MEMBERSHIPS.iter().find(|m| m.operation == id) {
                return members::membership(call, m).map(Some);
            }
            if let Some(setter) = setters::SETTERS.iter().find(|s| s.operation == id) {
                return setters::set_fields(call, setter).map(Some);
            }
            Ok(None)
        }
    }
}

/// Whether `decorate` does more to objects of `collection` than set a volume's
/// `droplet_ids` (which a borrowed read can do itself).
pub(crate) fn decorates_fully(collection: &str) -> bool {
    matches!(
        collection,
        "/v2/kubernetes/clusters" | "/v2/apps" | "/v2/load_balancers" | "/v2/databases"
    )
}

/// Puts into engine objects of `collection` (a path template) the members whose truth
/// lives in the hand-written store, before they are answered.
pub(crate) fn decorate(call: &Call<'_>, collection: &str, objects: &mut [Value]) {
    match collection {
        "/v2/volumes" => volumes::decorate(call, objects),
        "/v2/apps" => apps::decorate(call, objects),
        "/v2/load_balancers" => references::cover_tagged(call, objects),
        "/v2/databases" => references::database_children(call, objects),
        "/v2/kubernetes/clusters" => {
            for cluster in objects {
                node_pools::settle_nodes(cluster, call.app.action_duration());
            }
        }
        _ => {}
    }
}

/// Demo objects the description's examples name beyond its parameter examples.
pub(crate) fn seed_more(data: &mut super::store::AccountData, collection_path: &str) {
    catalog::seed_fixups(data, collection_path);
    if collection_path == "/v2/volumes" {
        volumes::seed_by_name(data);
    }
    if collection_path == "/v2/kubernetes/clusters" {
        writes::seed_registry_clusters(data);
    }
    if collection_path == "/v2/apps"
        || (collection_path.starts_with("/v2/apps/") && collection_path.ends_with("/deployments"))
    {
        apps::seed_component(data, collection_path);
    }
    if collection_path == "/v2/vpcs" {
        references::seed_vpcs(data);
    }
    if collection_path == "/v2/account/keys" {
        ssh_keys::seed_named(data);
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
        registry::seed_listed(data, collection_path);
    }
}

/// Effects of creating an object of `collection` (a path template) stored under `key`,
/// made before it is stored and answered.
pub(crate) fn after_create(call: &Call<'_>, collection: &str, key: &str, object: &mut Value) {
    match collection {
        "/v2/apps" => apps::first_deployment(call, key, object),
        "/v2/floating_ips" | "/v2/reserved_ips" | "/v2/reserved_ipv6" => {
            reserved_ips::created(call, object);
        }
        "/v2/account/keys" => ssh_keys::created(object),
        "/v2/kubernetes/clusters" => catalog::cluster_created(object),
        _ => {}
    }
}
