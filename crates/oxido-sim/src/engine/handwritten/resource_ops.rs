//! Writes on single resources that once answered the documented example alone: each
//! now checks what it names and changes something a later request sees.
//!
//! - load balancer cache purge (the balancer must exist and have a CDN to purge);
//! - container registry name validation (the subscription is the catalog's);
//! - image account transfers (create → accept | decline | cancel);
//! - 1-Click installs on a Kubernetes cluster;
//! - NFS access points (create, list, read, delete);
//! - monitoring sink destination updates;
//! - organization teams;
//! - partner attachment service keys;
//! - security scan rules and the scanning plan;
//! - vector database resize and backup restore;
//! - autoscale pools deleted at once;
//! - add-on plan changes.

use crate::engine::spec::OpId;
use crate::engine::store::AccountData;
use axum::response::Response;
use http::StatusCode;
use jiff::Timestamp;
use serde_json::{Map, Value, json};

use super::behave::{all, conflict, field, find, put, remove, reply, value};
use super::object::with_object;
use crate::engine::call::{Call, seeds_demo};
use crate::engine::catalog::template;
use crate::engine::generate;
use crate::engine::shape::{answer, empty};
use crate::wire::error::ApiError;

fn required_str<'a>(call: &'a Call<'_>, name: &str) -> Result<&'a str, ApiError> {
    field(call, name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::unprocessable(format!("{name}: is required")))
}

/// DELETE /v2/load_balancers/{lb_id}/cache: 404 without the balancer; a balancer with
/// nothing cached (no CDN) has nothing to purge, which the API still accepts.
pub(super) fn purge_lb_cache(call: &Call<'_>) -> Result<Response, ApiError> {
    with_object(call, "/v2/load_balancers", &value(call, 0), |lb| {
        lb.as_object_mut()
            .map(|m| m.insert("updated_at".into(), Value::String(generate::now())));
        Ok(())
    })?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// POST /v2/registry/validate-name: 204 for a free name, 409 for one in use (registry
/// names are global, so any account's counts).
pub(super) fn validate_registry_name(call: &Call<'_>) -> Result<Response, ApiError> {
    let name = required_str(call, "name")?;
    let valid = name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !valid {
        return Err(ApiError::unprocessable(
            "name: up to 63 lowercase letters, digits and '-'",
        ));
    }
    // The caller's own (demo) registry is put in place before looking.
    let _ = super::registry::current(call);
    let holds = |data: &AccountData| {
        data.items("/v2/registry")
            .is_some_and(|items| items.get(name).is_some())
    };
    let taken = holds(&call.docs()) || call.tx.registry_elsewhere(name);
    if taken {
        return Err(conflict(format!(
            "name: the registry name '{name}' is taken"
        )));
    }
    Ok(empty(StatusCode::NO_CONTENT))
}

fn image_exists(call: &Call<'_>, id: &str) -> bool {
    super::object::exists(call, "/v2/images", id).unwrap_or(false)
        || find(call, "/v2/images", id).is_some()
}

fn transfers(image: &str) -> String {
    format!("/v2/images/{image}/account_transfer")
}

/// POST /v2/images/{image_id}/account_transfer: a pending transfer of the image.
pub(super) fn transfer_create(call: &Call<'_>) -> Result<Response, ApiError> {
    let image = value(call, 0);
    if !image_exists(call, &image) {
        return Err(ApiError::not_found());
    }
    let path = transfers(&image);
    if all(call, &path)
        .iter()
        .any(|(_, t)| t["status"] == "pending")
    {
        return Err(conflict("the image already has a pending transfer"));
    }
    let recipient = field(call, "recipient_email")
        .or_else(|| field(call, "recipient_uuid"))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::unprocessable("recipient_email: or recipient_uuid is required"))?;
    // A positive number that fits every client's integer.
    let id = u64::from_str_radix(&generate::uuid()[..7], 16).unwrap_or(1) + 1;
    let transfer = json!({
        "transfer_id": id,
        "image_id": image,
        "recipient": recipient,
        "status": "pending",
        "created_at": generate::now(),
    });
    put(call, &path, &id.to_string(), transfer)?;
    answer(call.op, Some(json!({ "transfer_id": id })))
}

/// POST …/account_transfer/{accept|cancel|decline}: the pending transfer the body's
/// `transfer_id` names ends `status`; one already ended is refused.
pub(super) fn transfer_end(call: &Call<'_>, status: &'static str) -> Result<Response, ApiError> {
    let image = value(call, 0);
    let id = field(call, "transfer_id")
        .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
        .ok_or_else(|| ApiError::unprocessable("transfer_id: is required"))?;
    let path = transfers(&image);
    let (key, mut transfer) = find(call, &path, &id.to_string())
        .ok_or_else(|| ApiError::not_found_with(format!("image {image} has no transfer {id}")))?;
    if transfer["status"] != "pending" {
        return Err(conflict(format!(
            "transfer {id} already ended ({})",
            transfer["status"].as_str().unwrap_or("")
        )));
    }
    transfer["status"] = Value::String(status.to_owned());
    transfer["ended_at"] = Value::String(generate::now());
    put(call, &path, &key, transfer)?;
    if status == "accepted" {
        // The image moves to the recipient's account: it leaves this one's images, its
        // regions with it (the recipient's account is not one the emulator holds).
        let moved = image
            .parse::<u64>()
            .is_ok_and(|id| call.store().delete_image(call.who.account, id));
        if !moved && let Some((image_key, _)) = find(call, "/v2/images", &image) {
            remove(call, "/v2/images", &image_key);
        }
    }
    answer(call.op, None)
}

/// POST /v2/1-clicks/kubernetes: the cluster must exist; the install is recorded on it.
pub(super) fn install_kubernetes(call: &Call<'_>) -> Result<Response, ApiError> {
    let cluster = required_str(call, "cluster_uuid")?;
    let slugs: Vec<Value> = field(call, "addon_slugs")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if slugs.is_empty() {
        return Err(ApiError::unprocessable(
            "addon_slugs: name at least one 1-Click application",
        ));
    }
    crate::limits::bounded_array("addon_slugs", &slugs, crate::limits::MAX_ARRAY_ITEMS)?;
    let (key, _) = find(call, "/v2/kubernetes/clusters", cluster).ok_or_else(|| {
        ApiError::unprocessable(format!("cluster_uuid: no Kubernetes cluster {cluster}"))
    })?;
    let id = generate::uuid();
    put(
        call,
        &format!("/v2/kubernetes/clusters/{key}/1-clicks"),
        &id,
        json!({"id": id, "addon_slugs": slugs, "requested_at": generate::now()}),
    )?;
    answer(
        call.op,
        Some(json!({"message": "Successfully kicked off addon job."})),
    )
}

const SHARES: &str = "/v2/nfs";
const ACCESS_POINTS: &str = "/v2/nfs/access_points";

/// The share a path names: by its id, or (the demo's) as the share its access points name.
fn share(call: &Call<'_>, id: &str) -> Option<(String, Value)> {
    find(call, SHARES, id).or_else(|| {
        all(call, SHARES).into_iter().find(|(_, share)| {
            share
                .get("access_points")
                .and_then(Value::as_array)
                .is_some_and(|list| list.iter().any(|p| p["share_id"] == id))
        })
    })
}

/// Every access point: the shares' own (their default ones) and those made here.
fn access_points(call: &Call<'_>) -> Vec<Value> {
    let mut out: Vec<Value> = all(call, SHARES)
        .into_iter()
        .flat_map(|(_, share)| {
            share
                .get("access_points")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    for (_, point) in all(call, ACCESS_POINTS) {
        if !out.iter().any(|p| p.get("id") == point.get("id")) {
            out.push(point);
        }
    }
    out
}

/// POST /v2/nfs/shares/{share_id}/access_points: a new access point of the share, named
/// uniquely in it, listed on the share and readable by id.
pub(super) fn create_access_point(call: &Call<'_>) -> Result<Response, ApiError> {
    let named = value(call, 0);
    let (share_key, share) = share(call, &named).ok_or_else(ApiError::not_found)?;
    // The id the share's access points carry: the path's, which found it.
    let share_id = named;
    let name = required_str(call, "name")?;
    let path = required_str(call, "path")?;
    let name_ok = (2..=63).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if !name_ok || name.eq_ignore_ascii_case("default") {
        return Err(ApiError::unprocessable(
            "name: 2-63 letters, digits and '-', not starting or ending with '-', and not 'default'",
        ));
    }
    let path_ok = path.starts_with('/')
        && path != "/"
        && path.len() <= 1024
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b))
        && !path.split('/').any(|s| s == "..");
    if !path_ok {
        return Err(ApiError::unprocessable(
            "path: starts with '/', is not '/', at most 1024 of letters, digits, '-', '_', '.', '/', without '..'",
        ));
    }
    super::references::check_vpcs(call)?;
    if let Some(vpc) = field(call, "vpc_id").and_then(Value::as_str)
        && let Some(region) = share.get("region").and_then(Value::as_str)
    {
        super::references::check_vpc_region(call, "vpc_id", vpc, region)?;
    }
    if access_points(call)
        .iter()
        .any(|p| p["share_id"] == share_id.as_str() && p["name"] == name)
    {
        return Err(conflict(format!(
            "name: the share already has an access point '{name}'"
        )));
    }
    let id = generate::uuid();
    let now = generate::now();
    let policy = field(call, "access_policy").cloned().unwrap_or_else(|| {
        json!({"anonuid": 65534, "anongid": 65534, "protocols": ["NFS4"],
               "squash_config": "ROOT_SQUASH", "identity_enforcement_enabled": false})
    });
    let point = json!({
        "id": id,
        "name": name,
        "share_id": share_id,
        "path": path,
        "vpc_id": field(call, "vpc_id").cloned().unwrap_or(Value::String(String::new())),
        "status": "ACCESS_POINT_ACTIVE",
        "is_default": false,
        "created_at": now,
        "updated_at": now,
        "access_policy": policy,
    });
    put(call, ACCESS_POINTS, &id, point.clone())?;
    let copy = point.clone();
    with_object(call, SHARES, &share_key, |share| {
        if let Some(map) = share.as_object_mut() {
            let list = map
                .entry("access_points")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Some(list) = list.as_array_mut() {
                list.push(copy);
            }
        }
        Ok(())
    })?;
    let region = share.get("region").cloned().unwrap_or(Value::Null);
    answer(
        call.op,
        Some(json!({
            "access_point": point,
            "action": {
                "id": generate::uuid(),
                "region_slug": region,
                "resource_id": id,
                "resource_type": "SHARE",
                "type": "CREATE_ACCESS_POINT",
                "status": "COMPLETED",
                "started_at": now,
            },
        })),
    )
}

/// GET /v2/nfs/shares/{share_id}/access_points
pub(super) fn list_access_points(call: &Call<'_>) -> Result<Response, ApiError> {
    let id = value(call, 0);
    let (_, share) = share(call, &id).ok_or_else(ApiError::not_found)?;
    // The share's own list, and any made for it that the list lacks.
    let mut points: Vec<Value> = share
        .get("access_points")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (_, point) in all(call, ACCESS_POINTS) {
        if point["share_id"] == id.as_str() && !points.iter().any(|p| p["id"] == point["id"]) {
            points.push(point);
        }
    }
    super::object::page(call, points)
}

/// GET /v2/nfs/access_points/{access_point_id}
pub(super) fn get_access_point(call: &Call<'_>) -> Result<Response, ApiError> {
    let id = value(call, 0);
    let point = access_points(call)
        .into_iter()
        .find(|p| p["id"] == id.as_str())
        .ok_or_else(ApiError::not_found)?;
    reply(call, point)
}

/// DELETE /v2/nfs/access_points/{access_point_id}: the access point leaves its share;
/// a share's default access point goes only with the share.
pub(super) fn delete_access_point(call: &Call<'_>) -> Result<Response, ApiError> {
    let id = value(call, 0);
    let point = access_points(call)
        .into_iter()
        .find(|p| p["id"] == id.as_str())
        .ok_or_else(ApiError::not_found)?;
    if point["is_default"] == true {
        return Err(ApiError::unprocessable(
            "access_point_id: a share's default access point cannot be deleted",
        ));
    }
    remove(call, ACCESS_POINTS, &id);
    let holders: Vec<String> = all(call, SHARES)
        .into_iter()
        .filter(|(_, share)| {
            share
                .get("access_points")
                .and_then(Value::as_array)
                .is_some_and(|list| list.iter().any(|p| p["id"] == id.as_str()))
        })
        .map(|(key, _)| key)
        .collect();
    for key in holders {
        with_object(call, SHARES, &key, |share| {
            if let Some(list) = share.get_mut("access_points").and_then(Value::as_array_mut) {
                list.retain(|p| p["id"] != id.as_str());
            }
            Ok(())
        })?;
    }
    answer(call.op, None)
}

/// POST /v2/monitoring/sinks/destinations/{uuid}: the destination takes the body's name,
/// type and config.
pub(super) fn update_destination(call: &Call<'_>) -> Result<Response, ApiError> {
    let body = call.body.clone().unwrap_or_else(|| json!({}));
    with_object(
        call,
        "/v2/monitoring/sinks/destinations",
        &value(call, 0),
        |destination| {
            for member in ["name", "type", "config"] {
                if let Some(v) = body.get(member) {
                    destination[member] = v.clone();
                }
            }
            Ok(())
        },
    )?;
    answer(call.op, None)
}

const TEAMS: &str = "/v2/organizations/teams";

/// The organization's teams; the demo's are the documented ones.
fn teams(call: &Call<'_>) -> Vec<Value> {
    if seeds_demo(call.app, &call.who) {
        let mut docs = call.docs_mut();
        let data = &mut *docs;
        if data.seeded.insert(TEAMS.to_owned()) {
            for team in template(OpId::OrganizationsListTeams)
                .get("teams")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(uuid) = team.get("uuid").and_then(Value::as_str) {
                    let _ = data.put(TEAMS, uuid.to_owned(), team.clone());
                }
            }
        }
    }
    all(call, TEAMS).into_iter().map(|(_, t)| t).collect()
}

/// GET /v2/organizations/teams
pub(super) fn list_teams(call: &Call<'_>) -> Result<Response, ApiError> {
    let list = teams(call);
    answer(call.op, Some(json!({ "teams": list })))
}

/// POST /v2/organizations/team: a new team, listed afterwards; invitations answered ok.
pub(super) fn create_team(call: &Call<'_>) -> Result<Response, ApiError> {
    let name = required_str(call, "name")?.to_owned();
    crate::limits::bounded_str("name", &name, crate::limits::MAX_NAME_BYTES)?;
    let existing = teams(call);
    let invitations: Vec<Value> = field(call, "invitations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    crate::limits::bounded_array("invitations", &invitations, crate::limits::MAX_ARRAY_ITEMS)?;
    let uuid = generate::uuid();
    let id = existing
        .iter()
        .filter_map(|t| t.get("id").and_then(Value::as_u64))
        .max()
        .unwrap_or(4_000_000)
        + 1;
    let team = json!({
        "id": id,
        "uuid": uuid,
        "name": name,
        "member_count": 1,
        "status": "joined",
        "joined_organization_at": generate::now(),
    });
    put(call, TEAMS, &uuid, team)?;
    let statuses: Map<String, Value> = invitations
        .iter()
        .filter_map(|i| i.get("email").and_then(Value::as_str))
        .map(|email| (email.to_owned(), json!({"status": "ok"})))
        .collect();
    answer(
        call.op,
        Some(json!({"team": {"uuid": uuid, "name": name}, "invitations": statuses})),
    )
}

fn service_key_path(attachment: &str) -> String {
    format!("/v2/partner_network_connect/attachments/{attachment}/service_key")
}

/// POST …/attachments/{pa_id}/service_key: a new service key replaces the old one.
pub(super) fn create_service_key(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, _) = find(
        call,
        "/v2/partner_network_connect/attachments",
        &value(call, 0),
    )
    .ok_or_else(ApiError::not_found)?;
    let service_key = json!({
        "value": generate::uuid(),
        "created_at": generate::now(),
        "state": "CREATED",
    });
    put(call, &service_key_path(&key), "current", service_key)?;
    answer(call.op, Some(json!({})))
}

/// GET …/attachments/{pa_id}/service_key: the key made last; 404 before one is made.
pub(super) fn get_service_key(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, _) = find(
        call,
        "/v2/partner_network_connect/attachments",
        &value(call, 0),
    )
    .ok_or_else(ApiError::not_found)?;
    let made = all(call, &service_key_path(&key)).into_iter().next();
    match made {
        Some((_, service_key)) => answer(call.op, Some(json!({ "service_key": service_key }))),
        // The demo's attachment has had its key since before: the documented one.
        None if super::behave::is_demo(call, "/v2/partner_network_connect/attachments", &key) => {
            answer(call.op, Some(super::behave::documented(call)))
        }
        None => Err(ApiError::not_found_with(
            "the attachment has no service key yet",
        )),
    }
}

/// POST /v2/security/scans/rules: the resource is kept out of future scans (a
/// suppression the settings list).
pub(super) fn create_scan_rule(call: &Call<'_>) -> Result<Response, ApiError> {
    let urn = required_str(call, "resource")?;
    let mut parts = urn.splitn(3, ':');
    // The URN's shape only: a scan rule may name what the account does not hold yet.
    let (Some("do"), Some(kind), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(ApiError::unprocessable(
            "resource: a URN such as do:droplet:123",
        ));
    };
    let key = generate::uuid();
    put(
        call,
        "/v2/security/settings/suppressions",
        &key,
        json!({"id": key, "rule_uuid": "", "resource_id": id, "resource_type": kind}),
    )?;
    answer(call.op, None)
}

/// PUT /v2/security/settings/plan: the coverage per tier, as given, which the settings
/// then answer.
pub(super) fn update_settings_plan(call: &Call<'_>) -> Result<Response, ApiError> {
    let coverage = field(call, "tier_coverage")
        .and_then(Value::as_object)
        .cloned()
        .ok_or_else(|| ApiError::unprocessable("tier_coverage: is required"))?;
    for (tier, scope) in &coverage {
        for member in ["resources", "tags"] {
            if let Some(list) = scope.get(member).and_then(Value::as_array) {
                crate::limits::bounded_array(
                    &format!("tier_coverage.{tier}.{member}"),
                    list,
                    crate::limits::MAX_ARRAY_ITEMS,
                )?;
            }
        }
    }
    let coverage = Value::Object(coverage);
    put(call, "/v2/security/settings", "plan", coverage.clone())?;
    answer(call.op, Some(json!({ "tier_coverage": coverage })))
}

/// GET /v2/security/settings: the suppressions kept and the plan set.
pub(super) fn list_settings(call: &Call<'_>) -> Result<Response, ApiError> {
    let suppressions: Vec<Value> = all(call, "/v2/security/settings/suppressions")
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    let total = suppressions.len();
    let coverage = all(call, "/v2/security/settings")
        .into_iter()
        .find(|(k, _)| k == "plan")
        .map_or_else(|| json!({}), |(_, c)| c);
    answer(
        call.op,
        Some(json!({
            "settings": {"suppressions": {"resources": suppressions, "links": {}, "meta": {"total": total}}},
            "tier_coverage": coverage,
            "plan_downgrades": {},
        })),
    )
}

const VECTOR_DBS: &str = "/v2/vector-databases";
/// The vector database tiers a resize may name.
const VECTOR_SIZES: [&str; 3] = ["small", "medium", "large"];

/// POST /v2/vector-databases/{id}/resize: the database's `size` becomes the tier asked.
pub(super) fn resize_vector_db(call: &Call<'_>) -> Result<Response, ApiError> {
    let size = required_str(call, "size")?.to_owned();
    if !VECTOR_SIZES.contains(&size.as_str()) {
        return Err(ApiError::unprocessable(format!(
            "size: '{size}' is not a tier (small, medium, large)"
        )));
    }
    let db = with_object(call, VECTOR_DBS, &value(call, 0), |db| {
        db["size"] = Value::String(size);
        db["updated_at"] = Value::String(generate::now());
        Ok(db.clone())
    })?;
    reply(call, db)
}

fn restores(db: &str) -> String {
    format!("/v2/vector-databases/{db}/restores")
}

/// POST /v2/vector-databases/{id}/backups/{backup_id}/restore: a restore that succeeds
/// over the action duration; its status reads back.
pub(super) fn restore_vector_db(call: &Call<'_>) -> Result<Response, ApiError> {
    let backup = value(call, 1);
    let (key, _) = find(call, VECTOR_DBS, &value(call, 0)).ok_or_else(ApiError::not_found)?;
    let path = restores(&key);
    let restore = json!({"backup_id": backup, "status": "STARTED", "error": ""});
    put(call, &path, &backup, restore)?;
    {
        let mut docs = call.docs_mut();
        {
            let data = &mut *docs;
            let from = Timestamp::now();
            let at = jiff::SignedDuration::try_from(call.app.action_duration())
                .ok()
                .and_then(|d| from.checked_add(d).ok())
                .unwrap_or(from);
            data.transitions.insert(
                format!("{path}/{backup}"),
                crate::engine::store::Transition {
                    pointer: "/status",
                    steps: &["TRANSFERRING", "TRANSFERRED", "FINALIZING"],
                    done: "SUCCESS",
                    unset: &[],
                    from,
                    at,
                },
            );
        }
    }
    with_object(call, VECTOR_DBS, &key, |db| {
        db["last_restore_id"] = Value::String(backup.clone());
        Ok(())
    })?;
    answer(
        call.op,
        Some(json!({"backup_id": backup, "status": "STARTED"})),
    )
}

/// GET …/backups/{backup_id}/restore: the restore of that backup; 404 if none.
pub(super) fn restore_status(call: &Call<'_>) -> Result<Response, ApiError> {
    let (key, _) = find(call, VECTOR_DBS, &value(call, 0)).ok_or_else(ApiError::not_found)?;
    let (_, restore) = find(call, &restores(&key), &value(call, 1))
        .ok_or_else(|| ApiError::not_found_with("no restore of this backup"))?;
    answer(call.op, Some(restore))
}

/// PATCH /v2/add-ons/saas/{resource_uuid}/plan: the resource's plan becomes `plan_slug`.
pub(super) fn patch_addon_plan(call: &Call<'_>) -> Result<Response, ApiError> {
    let slug = required_str(call, "plan_slug")?.to_owned();
    let resource = with_object(call, "/v2/add-ons/saas", &value(call, 0), |resource| {
        resource["plan_slug"] = Value::String(slug);
        Ok(resource.clone())
    })?;
    reply(call, resource)
}
