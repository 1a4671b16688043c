//! Projects: resources assigned by URN and listed back, paged. `default` names the
//! default project by its id, so both paths show the same resources.

use axum::response::Response;
use serde_json::{Value, json};

use super::object::with_object;
use super::references::{current_default, default_id, leave_other_projects, urn_path};
use crate::engine::call::Call;
use crate::engine::spec::OpId;
use crate::wire::error::ApiError;

/// Where a project's assigned resources are kept (`default` is the default project,
/// under its id); 404 for a project the account does not have.
fn resources_path(call: &Call<'_>) -> Result<String, ApiError> {
    let documented = default_id().unwrap_or_else(|| "default".to_owned());
    let default = current_default(call).unwrap_or_else(|| documented.clone());
    let project = match call.values.first() {
        None => default.clone(),
        Some(id) if *id == default => default.clone(),
        Some(id) => with_object(call, "/v2/projects", id, |object| {
            Ok(object
                .get("id")
                .and_then(Value::as_str)
                .map_or_else(|| id.clone(), str::to_owned))
        })?,
    };
    let path = format!("/v2/projects/{project}/resources");
    if project == documented && crate::engine::call::seeds_demo(call.app, &call.who) {
        // The demo's default project holds the documented resources.
        let mut docs = call.docs_mut();
        let data = &mut *docs;
        if data.seeded.insert(path.clone()) {
            for resource in crate::engine::catalog::template(OpId::ProjectsListResourcesDefault)
                .get("resources")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(urn) = resource.get("urn").and_then(Value::as_str) {
                    let _ = data.put(&path, urn.to_owned(), resource.clone());
                }
            }
        }
    }
    Ok(path)
}

/// POST /v2/projects/{id}/resources: each URN is assigned (again, harmlessly, if it was).
pub(super) fn assign(call: &Call<'_>) -> Result<Response, ApiError> {
    let path = resources_path(call)?;
    let urns: Vec<String> = call
        .body
        .as_ref()
        .and_then(|b| b.get("resources"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|u| u.as_str().map(super::references::canonical_urn))
        .collect();
    for urn in &urns {
        if super::references::urn_exists(call, urn) == Some(false) {
            return Err(ApiError::unprocessable(format!(
                "resources: {urn} names no resource of this account"
            )));
        }
    }
    let now = crate::engine::generate::now();
    let mut assigned = Vec::new();
    {
        let mut docs = call.docs_mut();
        let data = &mut *docs;
        for urn in urns {
            let entry = json!({
                "urn": urn,
                "assigned_at": now,
                "links": { "self": format!("{}{}", call.origin, urn_path(&urn)) },
                "status": "ok",
            });
            leave_other_projects(data, &urn, &path);
            data.put(&path, urn, entry.clone())
                .map_err(|why| ApiError::unprocessable(format!("resources: {why}")))?;
            assigned.push(entry);
        }
    }
    let mut answer = crate::engine::catalog::template(call.op).clone();
    answer["resources"] = Value::Array(assigned);
    if !crate::engine::shape::conforms(call.op, &answer) {
        return crate::engine::call::static_answer(call);
    }
    crate::engine::shape::answer(call.op, Some(answer))
}

/// GET /v2/projects/{id}/resources: what was assigned, paged.
pub(super) fn list(call: &Call<'_>) -> Result<Response, ApiError> {
    let path = resources_path(call)?;
    let query = crate::wire::page::ListQuery::parse(call.raw_query.as_deref())?;
    let docs = call.docs();
    let all: Vec<Value> = docs
        .items(&path)
        .map(|items| items.iter().map(|(_, v)| v.clone()).collect())
        .unwrap_or_default();
    drop(docs);
    // Resources joined at their create keep a path; the link is absolute, on this server.
    let mut all = all;
    for entry in &mut all {
        if let Some(Value::String(link)) = entry.pointer_mut("/links/self")
            && link.starts_with('/')
        {
            *link = format!("{}{link}", call.origin);
        }
    }
    let total = all.len();
    let skip = usize::try_from((query.paging.page - 1).saturating_mul(query.paging.per_page))
        .unwrap_or(usize::MAX);
    let page: Vec<Value> = all
        .into_iter()
        .skip(skip)
        .take(usize::try_from(query.paging.per_page).unwrap_or(usize::MAX))
        .collect();
    let mut answer = crate::engine::catalog::template(call.op).clone();
    answer["resources"] = Value::Array(page);
    let info = crate::wire::page::PageInfo::new(&call.origin, &call.path, &query, total);
    if let Some(obj) = answer.as_object_mut() {
        obj.insert("links".into(), info.links);
        if let Some(Value::Object(meta)) = obj.get_mut("meta") {
            meta.insert("total".into(), Value::from(total));
        }
    }
    if !crate::engine::shape::conforms(call.op, &answer) {
        return crate::engine::call::static_answer(call);
    }
    crate::engine::shape::answer(call.op, Some(answer))
}

/// POST /v2/projects, PUT/PATCH /v2/projects/{id} (and `default`, the project `own`):
/// "the name must be unique" (the description of a project's `name`), so a create or a
/// rename onto another project's name is refused.
pub(super) fn name_free(call: &Call<'_>, body: &Value, own: Option<&str>) -> Result<(), ApiError> {
    let Some(name) = body.get("name").and_then(Value::as_str) else {
        return Ok(());
    };
    let taken = super::behave::any_other(call, "/v2/projects", own, |project| {
        project.get("name").and_then(Value::as_str) == Some(name)
    });
    if taken {
        return Err(ApiError::unprocessable(format!(
            "name: a project named {name} already exists"
        )));
    }
    Ok(())
}
