//! Where the engine defers to hand-written state: operations on the hand-written
//! resources that have no route of their own, and the items those resources own.
//!
//! To hand-write an operation over the engine, add its `operationId` to `dispatch`;
//! the request arrives parsed and validated in a [`Call`].

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use jiff::Timestamp;
use serde_json::{Map, Value, json};

use super::Call;
use crate::app::App;
use crate::auth::Principal;
use crate::server::RequestCtx;
use crate::state::store::Paging;
use crate::wire::body::json_object;
use crate::wire::droplet::droplet_json;
use crate::wire::error::{ApiError, json};

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
        _ => None,
    }
}

/// Serves the operations hand-written over the engine; `None` leaves the call to it.
pub(crate) fn dispatch(call: &Call<'_>) -> Result<Option<Response>, ApiError> {
    let id = super::spec::OPS[call.op].id;
    match id {
        "droplets_destroy_byTag" => destroy_by_tag(call).map(Some),
        "inference_create_batch_file" => create_batch_file(call).map(Some),
        "volumeActions_post_byId" => volume_action(call, Target::Path).map(Some),
        "volumeActions_post" => volume_action(call, Target::Name).map(Some),
        "reservedIPsActions_post" => ip_action(call, "/v2/reserved_ips").map(Some),
        "floatingIPsAction_post" => ip_action(call, "/v2/floating_ips").map(Some),
        "tags_assign_resources" => tag_resources(call, true).map(Some),
        "tags_unassign_resources" => tag_resources(call, false).map(Some),
        "projects_assign_resources" | "projects_assign_resources_default" => {
            assign_to_project(call).map(Some)
        }
        "projects_list_resources" | "projects_list_resources_default" => {
            project_resources(call).map(Some)
        }
        _ => {
            if let Some(m) = MEMBERSHIPS.iter().find(|m| m.operation == id) {
                return membership(call, m).map(Some);
            }
            if let Some(setter) = SETTERS.iter().find(|s| s.operation == id) {
                return set_fields(call, setter).map(Some);
            }
            Ok(None)
        }
    }
}

/// An operation that adds members to (or removes them from) arrays of an object:
/// each field of the body is appended to (or taken out of) the same-named array.
struct Membership {
    operation: &'static str,
    collection: &'static str,
    fields: &'static [&'static str],
    add: bool,
}

const MEMBERSHIPS: &[Membership] = &[
    Membership {
        operation: "firewalls_assign_droplets",
        collection: "/v2/firewalls",
        fields: &["droplet_ids"],
        add: true,
    },
    Membership {
        operation: "firewalls_delete_droplets",
        collection: "/v2/firewalls",
        fields: &["droplet_ids"],
        add: false,
    },
    Membership {
        operation: "firewalls_add_tags",
        collection: "/v2/firewalls",
        fields: &["tags"],
        add: true,
    },
    Membership {
        operation: "firewalls_delete_tags",
        collection: "/v2/firewalls",
        fields: &["tags"],
        add: false,
    },
    Membership {
        operation: "firewalls_add_rules",
        collection: "/v2/firewalls",
        fields: &["inbound_rules", "outbound_rules"],
        add: true,
    },
    Membership {
        operation: "firewalls_delete_rules",
        collection: "/v2/firewalls",
        fields: &["inbound_rules", "outbound_rules"],
        add: false,
    },
    Membership {
        operation: "loadBalancers_add_droplets",
        collection: "/v2/load_balancers",
        fields: &["droplet_ids"],
        add: true,
    },
    Membership {
        operation: "loadBalancers_remove_droplets",
        collection: "/v2/load_balancers",
        fields: &["droplet_ids"],
        add: false,
    },
];

fn membership(call: &Call<'_>, m: &Membership) -> Result<Response, ApiError> {
    let id = call.values.first().cloned().unwrap_or_default();
    let catalog = super::catalog();
    let read = catalog
        .collections
        .iter()
        .find(|c| c.path == m.collection)
        .and_then(|c| c.read);
    with_object(call, m.collection, &id, |object| {
        let before = object.clone();
        for field in m.fields {
            let given: Vec<Value> = call
                .body
                .as_ref()
                .and_then(|b| b.get(*field))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let Some(map) = object.as_object_mut() else {
                continue;
            };
            let list = map
                .entry(*field)
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Some(list) = list.as_array_mut() {
                for value in given {
                    let present = list.contains(&value);
                    if m.add && !present {
                        list.push(value);
                    } else if !m.add {
                        list.retain(|v| *v != value);
                    }
                }
            }
        }
        // A change the object's own answer would not accept is not made.
        if let Some(read) = read
            && !super::conforms(read, &super::wrapped(read, object.clone()))
        {
            *object = before;
            return Err(ApiError::unprocessable(format!(
                "{}: the given members do not fit this resource",
                m.fields.join(", ")
            )));
        }
        Ok(())
    })?;
    Ok(super::empty(StatusCode::NO_CONTENT))
}

/// DELETE /v2/droplets?tag_name=: every Droplet carrying the tag goes.
fn destroy_by_tag(call: &Call<'_>) -> Result<Response, ApiError> {
    let tag = call
        .query
        .iter()
        .find(|(k, _)| k == "tag_name")
        .map(|(_, v)| v.as_str())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::unprocessable("tag_name is required as a query parameter."))?;
    let all = Paging {
        page: 1,
        per_page: u64::MAX,
    };
    let (tagged, _) = call
        .app
        .store
        .droplets(call.who.account, Some(tag), all, Timestamp::now());
    for droplet in tagged {
        call.app.store.delete_droplet(call.who.account, droplet.id);
    }
    Ok(super::empty(StatusCode::NO_CONTENT))
}

/// Most Droplets one request may create, as the API allows.
const MAX_NAMES: usize = 10;

/// POST /v2/droplets: one Droplet (`name`) through the hand-written route, or several
/// (`names`), each created as if requested alone and all answered together.
pub(crate) async fn create_droplets(
    State(app): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Extension(ctx): Extension<RequestCtx>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let object = json_object(&body)?;
    let Some(names) = object.get("names") else {
        return crate::routes::droplets::create(State(app), Extension(who), Extension(ctx), body)
            .await;
    };
    crate::routes::require_write(&who)?;
    let names: Vec<&str> = names
        .as_array()
        .filter(|n| !n.is_empty() && n.len() <= MAX_NAMES)
        .and_then(|n| n.iter().map(Value::as_str).collect::<Option<Vec<_>>>())
        .ok_or_else(|| {
            ApiError::unprocessable(format!(
                "names: must be an array of 1 to {MAX_NAMES} strings"
            ))
        })?;
    if object.contains_key("name") {
        return Err(ApiError::unprocessable(
            "name: give either name or names, not both",
        ));
    }
    // Every name is checked before any Droplet is made.
    let mut specs = Vec::with_capacity(names.len());
    for name in &names {
        let mut one: Map<String, Value> = object.clone();
        one.remove("names");
        one.insert("name".into(), Value::String((*name).to_owned()));
        specs.push(crate::wire::droplet_request::parse(&one)?);
    }
    let mut droplets = Vec::new();
    let mut actions = Vec::new();
    for spec in specs {
        let (droplet, action) =
            app.store
                .create_droplet(who.account, spec, app.action_duration(), &|kind| {
                    app.decide(kind)
                })?;
        droplets.push(droplet_json(&droplet));
        actions.push(json!({
            "id": action.id,
            "rel": "create",
            "href": format!("{}/v2/actions/{}", ctx.origin, action.id),
        }));
    }
    json(
        StatusCode::ACCEPTED,
        &json!({ "droplets": droplets, "links": { "actions": actions } }),
    )
}

/// Most presigned uploads remembered at once; the oldest is forgotten past it.
const MAX_UPLOADS: usize = 1_000;

/// Presigned upload slots handed out by `POST /v1/batches/files`: file id → signature.
#[derive(Debug, Default)]
pub(crate) struct Uploads {
    slots: Mutex<VecDeque<(String, String, Option<usize>)>>,
}

impl Uploads {
    fn open(&self, file_id: &str) -> String {
        let signature = super::generate::uuid().replace('-', "");
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if slots.len() >= MAX_UPLOADS {
            slots.pop_front();
        }
        slots.push_back((file_id.to_owned(), signature.clone(), None));
        signature
    }

    fn fill(&self, file_id: &str, signature: &str, size: usize) -> bool {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        match slots
            .iter_mut()
            .find(|(id, sig, _)| id == file_id && sig == signature)
        {
            Some(slot) => {
                slot.2 = Some(size);
                true
            }
            None => false,
        }
    }

    pub fn clear(&self) {
        self.slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

/// Where presigned uploads go: outside the API's paths, so they carry no token.
pub(crate) const UPLOAD_PREFIX: &str = "/_sim/uploads/";

/// POST /v1/batches/files: a file id and a presigned URL on this emulator to PUT it to.
fn create_batch_file(call: &Call<'_>) -> Result<Response, ApiError> {
    let mut answer = super::catalog::template(call.op).clone();
    let file_id = super::generate::uuid();
    let signature = call.app.engine.uploads.open(&file_id);
    if let Some(map) = answer.as_object_mut() {
        map.insert("file_id".into(), Value::String(file_id.clone()));
        map.insert(
            "upload_url".into(),
            Value::String(format!(
                "{}{UPLOAD_PREFIX}{file_id}?signature={signature}",
                call.origin
            )),
        );
    }
    super::answer(call.op, Some(answer))
}

/// PUT to a presigned upload URL: no token, the signature in the URL is the credential.
pub(crate) async fn upload(app: &App, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    if parts.method != http::Method::PUT {
        let mut response = ApiError::method_not_allowed().into_response();
        response
            .headers_mut()
            .insert(http::header::ALLOW, http::HeaderValue::from_static("PUT"));
        return response;
    }
    let file_id = parts
        .uri
        .path()
        .strip_prefix(UPLOAD_PREFIX)
        .unwrap_or_default()
        .to_owned();
    let signature = url::form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "signature")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let Ok(bytes) = axum::body::to_bytes(body, crate::server::MAX_BODY_BYTES).await else {
        return ApiError::payload_too_large(crate::server::MAX_BODY_BYTES).into_response();
    };
    if app.engine.uploads.fill(&file_id, &signature, bytes.len()) {
        super::empty(StatusCode::OK)
    } else {
        ApiError::forbidden().into_response()
    }
}

/// Runs `change` on an engine object (demo objects seeded first); 404 if it is not there.
fn with_object<R>(
    call: &Call<'_>,
    collection: &str,
    id: &str,
    change: impl FnOnce(&mut Value) -> Result<R, ApiError>,
) -> Result<R, ApiError> {
    super::ensure_seeded(call, &[collection]);
    let mut accounts = call.app.engine.store.write();
    let data = accounts
        .get_mut(&call.who.account)
        .ok_or_else(ApiError::not_found)?;
    let key = data
        .items(collection)
        .and_then(|items| items.key_of(id))
        .ok_or_else(ApiError::not_found)?;
    let object = data
        .settled_mut(collection, &key)
        .ok_or_else(ApiError::not_found)?;
    change(object)
}

/// The documented action answer, carrying the requested action type.
fn action_answer(call: &Call<'_>, kind: &str) -> Result<Response, ApiError> {
    let mut answer = super::catalog::template(call.op).clone();
    if let Some(slot) = answer.pointer_mut("/action/type") {
        *slot = Value::String(kind.to_owned());
    }
    if let Some(slot) = answer.pointer_mut("/action/started_at") {
        *slot = Value::String(super::generate::now());
    }
    if !super::conforms(call.op, &answer) {
        return super::static_answer(call);
    }
    super::answer(call.op, Some(answer))
}

fn body_str<'a>(call: &'a Call<'_>, field: &str) -> Option<&'a str> {
    call.body.as_ref()?.get(field)?.as_str()
}

fn body_u64(call: &Call<'_>, field: &str) -> Option<u64> {
    call.body.as_ref()?.get(field)?.as_u64()
}

/// A Droplet of the caller's account, from the body's `droplet_id`.
fn body_droplet(call: &Call<'_>) -> Result<crate::state::model::Droplet, ApiError> {
    let id = body_u64(call, "droplet_id")
        .ok_or_else(|| ApiError::unprocessable("droplet_id: is required"))?;
    call.app
        .store
        .droplet(call.who.account, id, Timestamp::now())
        .ok_or_else(|| ApiError::unprocessable(format!("droplet_id: no Droplet {id}")))
}

/// Which volume a volume action names.
#[derive(Debug, Clone, Copy)]
enum Target {
    Path,
    Name,
}

/// POST /v2/volumes/{volume_id}/actions and /v2/volumes/actions (by name): attach and
/// detach change the volume's `droplet_ids`, resize its size (volumes only grow).
fn volume_action(call: &Call<'_>, target: Target) -> Result<Response, ApiError> {
    let kind = body_str(call, "type").unwrap_or_default().to_owned();
    let volume = match target {
        Target::Path => call.values.first().cloned().unwrap_or_default(),
        Target::Name => body_str(call, "volume_name")
            .ok_or_else(|| ApiError::unprocessable("volume_name: is required"))?
            .to_owned(),
    };
    // Attaching needs a real Droplet; detaching one that is not attached changes nothing.
    let droplet = match kind.as_str() {
        "attach" => Some(body_droplet(call)?.id),
        "detach" => body_u64(call, "droplet_id"),
        _ => None,
    };
    let size = body_u64(call, "size_gigabytes");
    with_object(call, "/v2/volumes", &volume, |object| {
        match (kind.as_str(), droplet) {
            ("attach", Some(d)) => {
                let ids = object
                    .get_mut("droplet_ids")
                    .and_then(Value::as_array_mut)
                    .ok_or_else(|| ApiError::unprocessable("the volume cannot be attached"))?;
                if !ids.iter().any(|v| v.as_u64() == Some(d)) {
                    ids.push(Value::from(d));
                }
            }
            ("detach", Some(d)) => {
                if let Some(ids) = object.get_mut("droplet_ids").and_then(Value::as_array_mut) {
                    ids.retain(|v| v.as_u64() != Some(d));
                }
            }
            ("resize", _) => {
                let size =
                    size.ok_or_else(|| ApiError::unprocessable("size_gigabytes: is required"))?;
                let current = object["size_gigabytes"].as_u64().unwrap_or(0);
                if size < current {
                    return Err(ApiError::unprocessable(format!(
                        "size_gigabytes: a volume can only grow (it has {current})"
                    )));
                }
                object["size_gigabytes"] = Value::from(size);
            }
            _ => {}
        }
        Ok(())
    })?;
    action_answer(call, &kind)
}

/// POST /v2/reserved_ips/{ip}/actions (and the floating IP alias): assign puts the
/// Droplet on the address, unassign takes it off.
fn ip_action(call: &Call<'_>, collection: &str) -> Result<Response, ApiError> {
    let kind = body_str(call, "type").unwrap_or_default().to_owned();
    let ip = call.values.first().cloned().unwrap_or_default();
    let droplet = match kind.as_str() {
        "assign" => Some(droplet_json(&body_droplet(call)?)),
        _ => None,
    };
    with_object(call, collection, &ip, |object| {
        if let Some(map) = object.as_object_mut() {
            map.insert("droplet".into(), droplet.unwrap_or(Value::Null));
        }
        Ok(())
    })?;
    action_answer(call, &kind)
}

/// The engine collection holding a taggable resource type.
fn tagged_collection(resource_type: &str) -> Option<&'static str> {
    Some(match resource_type {
        "volume" => "/v2/volumes",
        "image" => "/v2/images",
        "volume_snapshot" => "/v2/snapshots",
        "database" => "/v2/databases",
        _ => return None,
    })
}

/// POST|DELETE /v2/tags/{tag_id}/resources: the tag appears in (or leaves) each
/// resource's `tags`, and the tag counts its resources.
fn tag_resources(call: &Call<'_>, assign: bool) -> Result<Response, ApiError> {
    let tag = call.values.first().cloned().unwrap_or_default();
    let resources: Vec<(String, String)> = call
        .body
        .as_ref()
        .and_then(|b| b.get("resources"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| {
            let id = match r.get("resource_id")? {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            Some((id, r.get("resource_type")?.as_str()?.to_owned()))
        })
        .collect();
    // Resources this account does not hold are passed over, as tagging is idempotent.
    let mut changed = 0i64;
    for (id, kind) in &resources {
        let Some(collection) = tagged_collection(kind) else {
            if kind == "droplet" {
                let droplet = id.parse::<u64>().ok();
                let tagged = match droplet {
                    Some(d) => call
                        .app
                        .store
                        .tag_droplet(call.who.account, d, &tag, assign)?,
                    None => None,
                };
                if tagged == Some(true) {
                    changed += 1;
                }
            }
            continue;
        };
        let _ = with_object(call, collection, id, |object| {
            let Some(map) = object.as_object_mut() else {
                return Ok(());
            };
            let tags = map
                .entry("tags")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Some(tags) = tags.as_array_mut() {
                let has = tags.iter().any(|t| t.as_str() == Some(tag.as_str()));
                if assign && !has {
                    tags.push(Value::String(tag.clone()));
                    changed += 1;
                } else if !assign && has {
                    tags.retain(|t| t.as_str() != Some(tag.as_str()));
                    changed += 1;
                }
            }
            Ok(())
        });
    }
    let delta = if assign { changed } else { -changed };
    with_object(call, "/v2/tags", &tag, |object| {
        if let Some(count) = object.pointer_mut("/resources/count") {
            let now = count.as_i64().unwrap_or(0).saturating_add(delta).max(0);
            *count = Value::from(now);
        }
        Ok(())
    })?;
    Ok(super::empty(StatusCode::NO_CONTENT))
}

/// An operation that changes members of an object from the same-named body fields
/// (`{"version": ...}` on an upgrade sets the cluster's `version`).
struct Setter {
    operation: &'static str,
    collection: &'static str,
    fields: &'static [&'static str],
}

const SETTERS: &[Setter] = &[
    Setter {
        operation: "kubernetes_upgrade_cluster",
        collection: "/v2/kubernetes/clusters",
        fields: &["version"],
    },
    Setter {
        operation: "databases_update_clusterSize",
        collection: "/v2/databases",
        fields: &["size", "num_nodes", "storage_size_mib"],
    },
    Setter {
        operation: "databases_update_region",
        collection: "/v2/databases",
        fields: &["region"],
    },
    Setter {
        operation: "databases_update_maintenanceWindow",
        collection: "/v2/databases",
        fields: &["maintenance_window"],
    },
];

fn set_fields(call: &Call<'_>, setter: &Setter) -> Result<Response, ApiError> {
    let id = call.values.first().cloned().unwrap_or_default();
    let read = super::catalog()
        .collections
        .iter()
        .find(|c| c.path == setter.collection)
        .and_then(|c| c.read);
    with_object(call, setter.collection, &id, |object| {
        let mut changed = object.clone();
        for field in setter.fields {
            if let Some(value) = call.body.as_ref().and_then(|b| b.get(*field))
                && let Some(map) = changed.as_object_mut()
                && map.contains_key(*field)
            {
                map.insert((*field).to_owned(), value.clone());
            }
        }
        // Only a change the object's own answer accepts is made.
        if read.is_none_or(|read| super::conforms(read, &super::wrapped(read, changed.clone()))) {
            *object = changed;
        }
        Ok(())
    })?;
    super::static_answer(call)
}

/// Where a project's assigned resources are kept (`default` names the default project).
fn project_resources_path(call: &Call<'_>) -> String {
    let project = call
        .values
        .first()
        .cloned()
        .unwrap_or_else(|| "default".to_owned());
    format!("/v2/projects/{project}/resources")
}

/// POST /v2/projects/{id}/resources: each URN is assigned (again, harmlessly, if it was).
fn assign_to_project(call: &Call<'_>) -> Result<Response, ApiError> {
    let path = project_resources_path(call);
    let urns: Vec<String> = call
        .body
        .as_ref()
        .and_then(|b| b.get("resources"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|u| u.as_str().map(str::to_owned))
        .collect();
    let now = super::generate::now();
    let mut assigned = Vec::new();
    {
        let mut accounts = call.app.engine.store.write();
        let data = accounts.entry(call.who.account).or_default();
        for urn in urns {
            let entry = json!({
                "urn": urn,
                "assigned_at": now,
                "links": { "self": format!("{}{}", call.origin, urn_path(&urn)) },
                "status": "ok",
            });
            data.put(&path, urn, entry.clone())
                .map_err(|why| ApiError::unprocessable(format!("resources: {why}")))?;
            assigned.push(entry);
        }
    }
    let mut answer = super::catalog::template(call.op).clone();
    answer["resources"] = Value::Array(assigned);
    if !super::conforms(call.op, &answer) {
        return super::static_answer(call);
    }
    super::answer(call.op, Some(answer))
}

/// `do:droplet:13457723` → `/v2/droplets/13457723`
fn urn_path(urn: &str) -> String {
    let mut parts = urn.splitn(3, ':').skip(1);
    match (parts.next(), parts.next()) {
        (Some(kind), Some(id)) => format!("/v2/{kind}s/{id}"),
        _ => String::new(),
    }
}

/// GET /v2/projects/{id}/resources: what was assigned, paged.
fn project_resources(call: &Call<'_>) -> Result<Response, ApiError> {
    let path = project_resources_path(call);
    let query = crate::wire::page::ListQuery::parse(call.raw_query.as_deref())?;
    let accounts = call.app.engine.store.read();
    let all: Vec<Value> = accounts
        .get(&call.who.account)
        .and_then(|d| d.items(&path))
        .map(|items| items.iter().map(|(_, v)| v.clone()).collect())
        .unwrap_or_default();
    drop(accounts);
    if all.is_empty() {
        // Nothing assigned here yet: the documented resources.
        return super::static_answer(call);
    }
    let total = all.len();
    let skip = usize::try_from((query.paging.page - 1).saturating_mul(query.paging.per_page))
        .unwrap_or(usize::MAX);
    let page: Vec<Value> = all
        .into_iter()
        .skip(skip)
        .take(usize::try_from(query.paging.per_page).unwrap_or(usize::MAX))
        .collect();
    let mut answer = super::catalog::template(call.op).clone();
    answer["resources"] = Value::Array(page);
    let info = crate::wire::page::PageInfo::new(&call.origin, &call.path, &query, total);
    if let Some(obj) = answer.as_object_mut() {
        obj.insert("links".into(), info.links);
        if let Some(Value::Object(meta)) = obj.get_mut("meta") {
            meta.insert("total".into(), Value::from(total));
        }
    }
    if !super::conforms(call.op, &answer) {
        return super::static_answer(call);
    }
    super::answer(call.op, Some(answer))
}
