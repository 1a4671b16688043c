//! Tags: applying one shows in each resource's `tags`; a tag exists once created or
//! applied, and its `resources` are counted per kind from what carries it now.

use std::collections::BTreeSet;

use axum::response::Response;
use http::StatusCode;
use jiff::Timestamp;
use serde_json::{Map, Value, json};

use super::object::{page, with_object};
use crate::engine::call::{Call, ensure_seeded};
use crate::engine::shape::answer;
use crate::state::store::Paging;
use crate::wire::error::ApiError;

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
pub(super) fn tag_resources(call: &Call<'_>, assign: bool) -> Result<Response, ApiError> {
    let tag = named(call)?;
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
    // The tag outlives its resources: untagging the last one leaves it listed.
    remember(call, [tag.as_str()]);
    // Resources this account does not hold are passed over, as tagging is idempotent.
    for (id, kind) in &resources {
        // A Droplet snapshot or backup is an image in the typed store.
        if kind == "image"
            && let Ok(image) = id.parse::<u64>()
            && call
                .store()
                .tag_image(call.who.account, image, &tag, assign)?
                .is_some()
        {
            continue;
        }
        let Some(collection) = tagged_collection(kind) else {
            if kind == "droplet" {
                let droplet = id.parse::<u64>().ok();
                if let Some(d) = droplet {
                    call.store()
                        .tag_droplet(call.who.account, d, &tag, assign)?;
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
                } else if !assign && has {
                    tags.retain(|t| t.as_str() != Some(tag.as_str()));
                }
            }
            Ok(())
        });
    }
    Ok(crate::engine::shape::empty(StatusCode::NO_CONTENT))
}

const TAGS: &str = "/v2/tags";

/// Applying a tag creates it, and it stays until deleted, whatever carries it later.
pub(super) fn remember<'a>(call: &Call<'_>, names: impl IntoIterator<Item = &'a str>) {
    let mut names = names.into_iter().peekable();
    if names.peek().is_none() {
        return;
    }
    ensure_seeded(call, &[TAGS]);
    let mut docs = call.docs_mut();
    for name in names {
        if docs
            .items(TAGS)
            .is_some_and(|items| items.get(name).is_some())
        {
            continue;
        }
        // A full account keeps the tag derived from its resources rather than failing.
        let _ = docs.put(TAGS, name.to_owned(), json!({ "name": name }));
    }
}

/// Each kind of tagged resource: its member in a tag's `resources`, its collection.
const KINDS: [(&str, &str); 4] = [
    ("images", "/v2/images"),
    ("volumes", "/v2/volumes"),
    ("volume_snapshots", "/v2/snapshots"),
    ("databases", "/v2/databases"),
];

/// The ids of the account's Droplet images (snapshots, backups) that carry `tag`.
fn tagged_images(call: &Call<'_>, tag: &str) -> Vec<u64> {
    call.store()
        .account_images(call.who.account, Timestamp::now())
        .into_iter()
        .filter(|i| i.tags.iter().any(|t| t == tag))
        .map(|i| i.id)
        .collect()
}

fn all_droplets(call: &Call<'_>) -> Vec<crate::state::model::Droplet> {
    let all = Paging {
        page: 1,
        per_page: u64::MAX,
    };
    call.store()
        .droplets(call.who.account, None, all, Timestamp::now())
        .0
}

/// Tags of an engine object.
fn tags_of(object: &Value) -> impl Iterator<Item = &str> {
    object
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

/// Every tag of the account: those created, and those on any resource (applying a tag
/// creates it, as in the API), sorted by name.
fn names(call: &Call<'_>) -> Vec<String> {
    let mut paths = vec![TAGS];
    paths.extend(KINDS.iter().map(|(_, c)| *c));
    ensure_seeded(call, &paths);
    let mut names: BTreeSet<String> = all_droplets(call)
        .into_iter()
        .flat_map(|d| d.tags)
        .collect();
    names.extend(
        call.store()
            .account_images(call.who.account, Timestamp::now())
            .into_iter()
            .flat_map(|i| i.tags),
    );
    let data = call.docs();
    if let Some(items) = data.items(TAGS) {
        names.extend(items.iter().map(|(k, _)| k.to_owned()));
    }
    for (_, collection) in KINDS {
        for (_, object) in data.items(collection).into_iter().flat_map(|i| i.iter()) {
            names.extend(tags_of(object).map(str::to_owned));
        }
    }
    names.into_iter().collect()
}

/// The API names tagged resources by its own address, whatever address the client called: a
/// tag's `last_tagged_uri` is informational, not a link a client follows (pydo's integration
/// test `test_tag_droplet` compares it with `https://api.digitalocean.com/v2/droplets/{id}`).
const API_ORIGIN: &str = "https://api.digitalocean.com";

/// A tag with its resources counted, per kind, from what carries it now.
fn tag_object(call: &Call<'_>, name: &str) -> Value {
    let mut total = 0usize;
    let mut last = None;
    let mut resources = Map::new();
    let droplets: Vec<u64> = all_droplets(call)
        .into_iter()
        .filter(|d| d.tags.iter().any(|t| t == name))
        .map(|d| d.id)
        .collect();
    let kind_entry = |count: usize, uri: Option<String>| {
        let mut entry = Map::new();
        entry.insert("count".into(), Value::from(count));
        if let Some(uri) = uri {
            entry.insert("last_tagged_uri".into(), Value::String(uri));
        }
        Value::Object(entry)
    };
    let droplet_uri = droplets
        .last()
        .map(|id| format!("{API_ORIGIN}/v2/droplets/{id}"));
    total += droplets.len();
    if droplet_uri.is_some() {
        last.clone_from(&droplet_uri);
    }
    resources.insert("droplets".into(), kind_entry(droplets.len(), droplet_uri));
    let docs = call.docs();
    for (member, collection) in KINDS {
        // Droplet images are counted with the account's other images.
        let mut tagged: Vec<String> = if collection == "/v2/images" {
            tagged_images(call, name)
                .into_iter()
                .map(|id| id.to_string())
                .collect()
        } else {
            Vec::new()
        };
        tagged.extend(
            docs.items(collection)
                .map(|items| {
                    items
                        .iter()
                        .filter(|(_, o)| tags_of(o).any(|t| t == name))
                        .map(|(key, o)| {
                            o.get("id")
                                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                                .unwrap_or_else(|| key.to_owned())
                        })
                        .collect::<Vec<String>>()
                })
                .unwrap_or_default(),
        );
        let uri = tagged
            .last()
            .map(|id| format!("{API_ORIGIN}{collection}/{id}"));
        total += tagged.len();
        if uri.is_some() {
            last.clone_from(&uri);
        }
        resources.insert(member.into(), kind_entry(tagged.len(), uri));
    }
    resources.insert("count".into(), Value::from(total));
    if let Some(uri) = last {
        resources.insert("last_tagged_uri".into(), Value::String(uri));
    }
    json!({ "name": name, "resources": resources })
}

fn named(call: &Call<'_>) -> Result<String, ApiError> {
    let name = call.values.first().cloned().unwrap_or_default();
    if names(call).contains(&name) {
        Ok(name)
    } else {
        Err(ApiError::not_found())
    }
}

/// GET /v2/tags
pub(super) fn list(call: &Call<'_>) -> Result<Response, ApiError> {
    let all = names(call).iter().map(|n| tag_object(call, n)).collect();
    page(call, all)
}

/// GET /v2/tags/{tag_id}
pub(super) fn get(call: &Call<'_>) -> Result<Response, ApiError> {
    let name = named(call)?;
    answer(call.op, Some(json!({ "tag": tag_object(call, &name) })))
}

/// POST /v2/tags: creating a tag that exists answers it again.
pub(super) fn create(call: &Call<'_>) -> Result<Response, ApiError> {
    let name = call
        .body
        .as_ref()
        .and_then(|b| b.get("name"))
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::unprocessable("name: is required"))?
        .to_owned();
    crate::limits::tag("name", &name)?;
    ensure_seeded(call, &[TAGS]);
    {
        let mut docs = call.docs_mut();
        let data = &mut *docs;
        data.put(TAGS, name.clone(), json!({ "name": name }))
            .map_err(|why| ApiError::unprocessable(format!("name: {why}")))?;
    }
    answer(call.op, Some(json!({ "tag": tag_object(call, &name) })))
}

/// DELETE /v2/tags/{tag_id}: the tag leaves every resource that carried it.
pub(super) fn delete(call: &Call<'_>) -> Result<Response, ApiError> {
    let name = named(call)?;
    for droplet in all_droplets(call) {
        if droplet.tags.contains(&name) {
            call.store()
                .tag_droplet(call.who.account, droplet.id, &name, false)?;
        }
    }
    for image in tagged_images(call, &name) {
        call.store()
            .tag_image(call.who.account, image, &name, false)?;
    }
    let mut docs = call.docs_mut();
    {
        let data = &mut *docs;
        data.remove(TAGS, &name);
        for (_, collection) in KINDS {
            let keys: Vec<String> = data
                .items(collection)
                .map(|items| {
                    items
                        .iter()
                        .filter(|(_, o)| tags_of(o).any(|t| t == name))
                        .map(|(k, _)| k.to_owned())
                        .collect()
                })
                .unwrap_or_default();
            for key in keys {
                if let Some(Value::Array(tags)) = data
                    .settled_mut(collection, &key)
                    .and_then(|o| o.get_mut("tags"))
                {
                    tags.retain(|t| t.as_str() != Some(name.as_str()));
                }
            }
        }
    }
    Ok(crate::engine::shape::empty(StatusCode::NO_CONTENT))
}
