//! `/v2/droplets`: enough of droplets to give actions something to act on.

use std::sync::Arc;

use axum::Extension;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::response::Response;
use http::{HeaderValue, StatusCode, Uri, header};
use jiff::Timestamp;
use serde::Serialize;
use serde_json::{Value, json};

use super::{id_at, require_write};
use crate::app::App;
use crate::auth::Principal;
use crate::server::RequestCtx;
use crate::wire::body::json_object;
use crate::wire::droplet::DropletWire;
use crate::wire::droplet_request;
use crate::wire::error::{ApiError, JSON_CONTENT_TYPE, json};
use crate::wire::page::{ListQuery, PageInfo};

/// GET /v2/droplets/{droplet_id}
pub(crate) async fn get_one(
    State(app): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let id = id_at(&uri, 3)?;
    let droplet = app
        .store
        .droplet(who.account, id, Timestamp::now())
        .ok_or_else(ApiError::not_found)?;
    json(
        StatusCode::OK,
        &One {
            droplet: DropletWire(&droplet),
        },
    )
}

/// `{"droplet": …}`, serialized without an intermediate JSON value.
#[derive(Serialize)]
struct One<'a> {
    droplet: DropletWire<'a>,
}

/// GET /v2/droplets
pub(crate) async fn list(
    State(app): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Extension(ctx): Extension<RequestCtx>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let query = ListQuery::parse(uri.query())?;
    let tag = query.get("tag_name").filter(|t| !t.is_empty());
    let (droplets, total) = app
        .store
        .droplets(who.account, tag, query.paging, Timestamp::now());
    let info = PageInfo::new(&ctx.origin, uri.path(), &query, total);
    #[derive(Serialize)]
    struct Page<'a> {
        droplets: Vec<DropletWire<'a>>,
        links: Value,
        meta: crate::wire::page::Meta,
    }
    json(
        StatusCode::OK,
        &Page {
            droplets: droplets.iter().map(DropletWire).collect(),
            links: info.links,
            meta: info.meta,
        },
    )
}

/// POST /v2/droplets
pub(crate) async fn create(
    State(app): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    Extension(ctx): Extension<RequestCtx>,
    body: Bytes,
) -> Result<Response, ApiError> {
    require_write(&who)?;
    let spec = droplet_request::parse(&json_object(&body)?)?;
    let (droplet, action) =
        app.store
            .create_droplet(who.account, spec, app.action_duration(), &|kind| {
                app.decide(kind)
            })?;
    crate::engine::handwritten::references::join_default_project(
        &app,
        who.account,
        &format!("do:droplet:{}", droplet.id),
    );
    json(
        StatusCode::ACCEPTED,
        &json!({
            "droplet": DropletWire(&droplet),
            "links": {
                "actions": [{
                    "id": action.id,
                    "rel": "create",
                    "href": format!("{}/v2/actions/{}", ctx.origin, action.id),
                }]
            }
        }),
    )
}

/// DELETE /v2/droplets/{droplet_id}
pub(crate) async fn delete(
    State(app): State<Arc<App>>,
    Extension(who): Extension<Principal>,
    uri: Uri,
) -> Result<Response, ApiError> {
    require_write(&who)?;
    let id = id_at(&uri, 3)?;
    if !app.store.delete_droplet(who.account, id) {
        return Err(ApiError::not_found());
    }
    crate::engine::handwritten::droplet_deleted(&app, who.account, id);
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(JSON_CONTENT_TYPE),
    );
    Ok(response)
}
