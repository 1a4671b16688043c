//! Referential integrity, the way the API keeps it: ids a request names must exist, a
//! deleted resource leaves everything that named it, a VPC with members and a project
//! with resources cannot be deleted, and new resources join the default project.

use http::StatusCode;
use jiff::Timestamp;
use serde_json::Value;

use crate::engine::call::{Call, ensure_seeded};
use crate::engine::spec::OpId;
use crate::engine::store::AccountData;
use crate::state::store::Paging;
use crate::wire::error::ApiError;

/// Engine collections whose objects sit in a project, with the kind their URN names.
pub(crate) const PROJECT_KINDS: &[(&str, &str)] = &[
    ("/v2/load_balancers", "loadbalancer"),
    ("/v2/volumes", "volume"),
    ("/v2/domains", "domain"),
    ("/v2/databases", "dbaas"),
    ("/v2/kubernetes/clusters", "kubernetes"),
    ("/v2/floating_ips", "floatingip"),
    // A reserved IP is the floating IP renamed, one address space: the URN pattern of
    // project resources knows only `floatingip` (godo's `ReservedIP.URN()` says
    // `reservedip`, which `canonical_urn` takes too).
    ("/v2/reserved_ips", "floatingip"),
    ("/v2/apps", "app"),
];

/// Engine collections that refer to Droplets by id in `droplet_ids`.
const HOLDS_DROPLETS: &[&str] = &["/v2/load_balancers", "/v2/firewalls"];

/// The URN kind of a collection's objects, if they sit in projects.
pub(crate) fn urn_kind(collection: &str) -> Option<&'static str> {
    PROJECT_KINDS
        .iter()
        .find(|(c, _)| *c == collection)
        .map(|(_, k)| *k)
}

/// The identifier a URN carries for an object (`name` for domains, the address for
/// reserved and floating IPs, which have no `id`, else `id`).
pub(crate) fn urn_id(collection: &str, object: &Value) -> Option<String> {
    let member = match collection {
        "/v2/domains" => "name",
        "/v2/reserved_ips" | "/v2/floating_ips" => "ip",
        _ => "id",
    };
    match object.get(member)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn droplet_exists(call: &Call<'_>, id: u64) -> bool {
    call.store()
        .droplet(call.who.account, id, Timestamp::now())
        .is_some()
}

/// Whether the account has the VPC: the engine holds it, or a Droplet is in it.
fn vpc_exists(call: &Call<'_>, id: &str) -> bool {
    ensure_seeded(call, &["/v2/vpcs"]);
    let held = call
        .docs()
        .items("/v2/vpcs")
        .and_then(|items| items.key_of(id))
        .is_some();
    held || droplets_in_vpc(call, id) > 0
}

fn droplets_in_vpc(call: &Call<'_>, vpc: &str) -> usize {
    let all = Paging {
        page: 1,
        per_page: u64::MAX,
    };
    let (droplets, _) = call
        .store()
        .droplets(call.who.account, None, all, Timestamp::now());
    droplets.iter().filter(|d| d.vpc_uuid == vpc).count()
}

/// Refuses a create or update that names a Droplet or VPC the account does not have.
pub(crate) fn check_named(call: &Call<'_>) -> Result<(), ApiError> {
    let Some(body) = call.body.as_ref() else {
        return Ok(());
    };
    let mut droplets: Vec<(&str, &Value)> = Vec::new();
    for field in ["droplet_ids"] {
        for id in body
            .get(field)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            droplets.push((field, id));
        }
    }
    if let Some(id) = body.get("droplet_id").filter(|v| !v.is_null()) {
        droplets.push(("droplet_id", id));
    }
    for (field, id) in droplets {
        let known = id.as_u64().is_some_and(|n| droplet_exists(call, n));
        if !known {
            return Err(ApiError::unprocessable(format!(
                "{field}: the account has no Droplet {id}"
            )));
        }
    }
    check_vpcs(call)
}

/// Where a request names VPCs: a member, or `*` for every item of an array. The GenAI
/// examples carry quoted placeholders where a VPC id goes, so their paths are left out.
const VPC_REFERENCES: &[&[&str]] = &[
    &["vpc_uuid"],
    &["private_network_uuid"],
    &["vpc_id"],
    &["vpc_ids", "*"],
    &["vpcs", "*", "vpc_uuid"],
    &["droplet_template", "vpc_uuid"],
    &["spec", "vpc", "uuid"],
    &["params", "vpc_id"],
    &["params", "new_vpc_id"],
];

/// The resources that sit in one region's VPCs: a VPC they join must be in theirs.
const REGIONAL_VPC_USERS: &[&str] = &["/v2/nfs", "/v2/vpc_nat_gateways"];

fn vpc_references<'a>(
    value: &'a Value,
    path: &[&str],
    field: String,
    out: &mut Vec<(String, &'a str)>,
) {
    match path.split_first() {
        None => {
            if let Some(id) = value.as_str().filter(|s| !s.is_empty()) {
                out.push((field, id));
            }
        }
        Some((&"*", rest)) => {
            for (i, item) in value.as_array().into_iter().flatten().enumerate() {
                vpc_references(item, rest, format!("{field}[{i}]"), out);
            }
        }
        Some((member, rest)) => {
            if let Some(inner) = value.get(member) {
                let field = if field.is_empty() {
                    (*member).to_owned()
                } else {
                    format!("{field}.{member}")
                };
                vpc_references(inner, rest, field, out);
            }
        }
    }
}

/// Refuses a write that names a VPC the account does not have, or, for a resource that
/// lives in one region, a VPC of another region (each VPC is regional).
pub(crate) fn check_vpcs(call: &Call<'_>) -> Result<(), ApiError> {
    let Some(body) = call.body.as_ref() else {
        return Ok(());
    };
    if call.op.meta().path.starts_with("/v2/gen-ai") {
        return Ok(());
    }
    let mut named = Vec::new();
    for path in VPC_REFERENCES {
        vpc_references(body, path, String::new(), &mut named);
    }
    if named.is_empty() {
        return Ok(());
    }
    let region = body
        .get("region")
        .and_then(Value::as_str)
        .filter(|_| {
            REGIONAL_VPC_USERS
                .iter()
                .any(|c| call.op.meta().path.starts_with(c))
        })
        .map(str::to_owned);
    for (field, id) in named {
        if !vpc_exists(call, id) {
            return Err(ApiError::unprocessable(format!(
                "{field}: the account has no VPC {id}"
            )));
        }
        if let Some(region) = &region {
            check_vpc_region(call, &field, id, region)?;
        }
    }
    Ok(())
}

/// Refuses a VPC of another region than `region` for a resource that lives there.
pub(crate) fn check_vpc_region(
    call: &Call<'_>,
    field: &str,
    id: &str,
    region: &str,
) -> Result<(), ApiError> {
    match vpc_region(call, id) {
        Some(theirs) if !same_region(&theirs, region) => Err(ApiError::unprocessable(format!(
            "{field}: VPC {id} is in {theirs}, not in {region}"
        ))),
        _ => Ok(()),
    }
}

/// The region a VPC the engine holds is in.
fn vpc_region(call: &Call<'_>, id: &str) -> Option<String> {
    let docs = call.docs();
    let items = docs.items("/v2/vpcs")?;
    let vpc = items.get(&items.key_of(id)?)?;
    vpc.get("region").and_then(Value::as_str).map(str::to_owned)
}

/// Region slugs name a datacenter (`nyc3`); a request may name its metro (`nyc`).
fn same_region(vpc: &str, given: &str) -> bool {
    vpc == given || vpc.trim_end_matches(|c: char| c.is_ascii_digit()) == given
}

/// Refuses a Droplet create whose `vpc_uuid` or `ssh_keys` (ids or fingerprints) the
/// account does not have.
pub(crate) fn check_droplet_body(
    call: &Call<'_>,
    body: &serde_json::Map<String, Value>,
) -> Result<(), ApiError> {
    ensure_seeded(call, &["/v2/vpcs", "/v2/account/keys"]);
    if let Some(vpc) = body.get("vpc_uuid").and_then(Value::as_str)
        && !vpc_exists(call, vpc)
    {
        return Err(ApiError::unprocessable(format!(
            "vpc_uuid: the account has no VPC {vpc}"
        )));
    }
    check_keys(call, body)
}

fn check_keys(call: &Call<'_>, body: &serde_json::Map<String, Value>) -> Result<(), ApiError> {
    let docs = call.docs();
    let keys = docs.items("/v2/account/keys");
    for key in body
        .get("ssh_keys")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let text = match key {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if keys.and_then(|k| k.key_of(&text)).is_none() {
            return Err(ApiError::unprocessable(format!(
                "ssh_keys: the account has no SSH key {text}"
            )));
        }
    }
    Ok(())
}

/// Refuses deleting what the API refuses to delete while in use.
pub(crate) fn check_delete(
    call: &Call<'_>,
    data: &AccountData,
    collection: &str,
    path: &str,
    key: &str,
) -> Result<(), ApiError> {
    match collection {
        "/v2/vpcs" => {
            let object = data.items(path).and_then(|i| i.get(key));
            let id = object
                .and_then(|o| o.get("id"))
                .and_then(Value::as_str)
                .unwrap_or(key);
            if object.and_then(|o| o.get("default")) == Some(&Value::Bool(true)) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    "A region's default VPC cannot be deleted.",
                ));
            }
            let engine_members = super::vpc_members::JOINERS.iter().any(|(c, _, field)| {
                data.items(c).is_some_and(|items| {
                    items
                        .iter()
                        .any(|(_, o)| o.get(*field).and_then(Value::as_str) == Some(id))
                })
            });
            if engine_members || droplets_in_vpc(call, id) > 0 {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    "The VPC still has members; delete or move them first.",
                ));
            }
        }
        "/v2/projects" => {
            let object = data.items(path).and_then(|i| i.get(key));
            let id = object
                .and_then(|o| o.get("id"))
                .and_then(Value::as_str)
                .unwrap_or(key);
            let resources = format!("/v2/projects/{id}/resources");
            if data.items(&resources).is_some_and(|i| i.len() > 0) {
                return Err(ApiError::new(
                    StatusCode::PRECONDITION_FAILED,
                    "precondition_failed",
                    "The project still has resources; reassign or destroy them first.",
                ));
            }
        }
        _ => {}
    }
    Ok(())
}

/// Takes a deleted resource out of everything that named it: every project, and (a
/// Droplet) the load balancers and firewalls that held it.
pub(crate) fn forget(data: &mut AccountData, urn: &str, droplet: Option<u64>) {
    let projects: Vec<String> = data
        .collections
        .keys()
        .filter(|k| k.starts_with("/v2/projects/") && k.ends_with("/resources"))
        .cloned()
        .collect();
    for path in projects {
        data.remove(&path, urn);
    }
    let Some(id) = droplet else {
        return;
    };
    for collection in HOLDS_DROPLETS {
        let Some(items) = data.collections.get_mut(*collection) else {
            continue;
        };
        let keys: Vec<String> = items.iter().map(|(k, _)| k.to_owned()).collect();
        for key in keys {
            if let Some(Value::Array(ids)) =
                items.get_mut(&key).and_then(|o| o.get_mut("droplet_ids"))
            {
                ids.retain(|d| d.as_u64() != Some(id));
            }
        }
    }
}

/// A deleted Droplet leaves its projects, load balancers and firewalls.
pub(crate) fn droplet_deleted(data: &mut AccountData, id: u64) {
    forget(data, &format!("do:droplet:{id}"), Some(id));
}

/// Puts a new resource in the default project, as the API does.
pub(crate) fn join_default_project(call: &Call<'_>, urn: &str) {
    // A create naming one of the account's projects (`project_id`: load balancers,
    // databases, apps, reserved IPs) joins that one instead, as the API places it.
    let named = call
        .body
        .as_ref()
        .and_then(|b| b.get("project_id"))
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
        .and_then(|id| {
            ensure_seeded(call, &["/v2/projects"]);
            call.docs().items("/v2/projects")?.key_of(id)
        });
    let Some(project) = named.or_else(|| current_default(call)) else {
        return;
    };
    let path = format!("/v2/projects/{project}/resources");
    let entry = serde_json::json!({
        "urn": urn,
        "assigned_at": crate::engine::generate::now(),
        "links": { "self": urn_path(urn) },
        "status": "ok",
    });
    // A full account keeps the resource out of the list rather than failing its create.
    let _ = call.docs_mut().put(&path, urn.to_owned(), entry);
}

/// Whether the resource a URN names exists; `None` for a kind the emulator does not hold.
pub(crate) fn urn_exists(call: &Call<'_>, urn: &str) -> Option<bool> {
    let mut parts = urn.splitn(3, ':');
    let (Some("do"), Some(kind), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
        return Some(false);
    };
    if kind == "droplet" {
        return Some(id.parse::<u64>().is_ok_and(|n| droplet_exists(call, n)));
    }
    let collections: Vec<&str> = PROJECT_KINDS
        .iter()
        .filter(|(_, k)| *k == kind)
        .map(|(c, _)| *c)
        .collect();
    if collections.is_empty() {
        return None;
    }
    ensure_seeded(call, &collections);
    let docs = call.docs();
    Some(collections.iter().any(|collection| {
        docs.items(collection)
            .and_then(|items| items.key_of(id))
            .is_some()
    }))
}

/// The URN a project keeps for `urn`: a reserved IP's (`do:reservedip:…`, as godo
/// writes it) is the floating IP's.
pub(crate) fn canonical_urn(urn: &str) -> String {
    match urn.strip_prefix("do:reservedip:") {
        Some(ip) => format!("do:floatingip:{ip}"),
        None => urn.to_owned(),
    }
}

/// The Droplets a load balancer bound to a tag covers: every Droplet carrying it.
pub(crate) fn cover_tagged(call: &Call<'_>, objects: &mut [Value]) {
    for object in objects {
        let Some(tag) = object
            .get("tag")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
        else {
            continue;
        };
        let all = Paging {
            page: 1,
            per_page: u64::MAX,
        };
        let (droplets, _) =
            call.store()
                .droplets(call.who.account, Some(&tag), all, Timestamp::now());
        if let Some(map) = object.as_object_mut() {
            map.insert(
                "droplet_ids".into(),
                Value::Array(droplets.iter().map(|d| Value::from(d.id)).collect()),
            );
        }
    }
}

/// A database cluster lists the users and databases created under it.
pub(crate) fn database_children(call: &Call<'_>, objects: &mut [Value]) {
    let docs = call.docs();
    let data = &*docs;
    for object in objects {
        let Some(id) = object.get("id").and_then(Value::as_str).map(str::to_owned) else {
            continue;
        };
        let users = data.items(&format!("/v2/databases/{id}/users"));
        let dbs = data.items(&format!("/v2/databases/{id}/dbs"));
        let engine = object
            .get("engine")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let Some(map) = object.as_object_mut() else {
            continue;
        };
        // What the cluster was made with, then what was created under it.
        if let Some(users) = users
            && let Some(Value::Array(listed)) = map.get_mut("users")
        {
            for (_, user) in users.iter() {
                let name = user.get("name");
                if !listed.iter().any(|u| u.get("name") == name) {
                    listed.push(user.clone());
                }
            }
        }
        if let Some(Value::Array(listed)) = map.get_mut("users") {
            for user in listed {
                crate::engine::fit::fit_user(user, &engine);
            }
        }
        if let Some(dbs) = dbs
            && let Some(Value::Array(listed)) = map.get_mut("db_names")
        {
            for name in dbs.iter().filter_map(|(_, d)| d.get("name")) {
                if !listed.contains(name) {
                    listed.push(name.clone());
                }
            }
        }
    }
}

/// The key of the account's default project: the one marked `is_default` (a project made
/// the default by an update), else the documented default's id.
pub(crate) fn current_default(call: &Call<'_>) -> Option<String> {
    let marked = call.docs().items("/v2/projects").and_then(|items| {
        items
            .iter()
            .find(|(_, p)| p.get("is_default").and_then(Value::as_bool) == Some(true))
            .map(|(k, _)| k.to_owned())
    });
    marked.or_else(default_id)
}

/// A resource belongs to one project: assigning `urn` to the project kept under
/// `keep` (a resources path) takes it out of every other.
pub(crate) fn leave_other_projects(data: &mut AccountData, urn: &str, keep: &str) {
    let projects: Vec<String> = data
        .collections
        .keys()
        .filter(|k| k.starts_with("/v2/projects/") && k.ends_with("/resources") && *k != keep)
        .cloned()
        .collect();
    for path in projects {
        data.remove(&path, urn);
    }
}

/// Only one project is the default: marking `key` the default unmarks the others.
pub(crate) fn only_default(data: &mut AccountData, key: &str) {
    let Some(items) = data.collections.get_mut("/v2/projects") else {
        return;
    };
    let others: Vec<String> = items
        .iter()
        .filter(|(k, p)| *k != key && p.get("is_default").and_then(Value::as_bool) == Some(true))
        .map(|(k, _)| k.to_owned())
        .collect();
    for other in others {
        if let Some(project) = items.get_mut(&other) {
            project["is_default"] = Value::Bool(false);
        }
    }
}

/// The default project's id, as `GET /v2/projects/default` answers it.
pub(super) fn default_id() -> Option<String> {
    crate::engine::catalog::template(OpId::ProjectsGetDefault)
        .pointer("/project/id")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// `do:droplet:13457723` → `/v2/droplets/13457723`
pub(super) fn urn_path(urn: &str) -> String {
    let mut parts = urn.splitn(3, ':').skip(1);
    match (parts.next(), parts.next()) {
        (Some(kind), Some(id)) => format!("/v2/{kind}s/{id}"),
        _ => String::new(),
    }
}
