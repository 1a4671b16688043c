//! The API's routes, one file per resource.

pub(crate) mod actions;
pub(crate) mod droplet_actions;
pub(crate) mod droplets;

use std::sync::Arc;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{any, get, post};
use http::Uri;

use crate::app::App;
use crate::auth::Principal;
use crate::wire::error::ApiError;

/// The whole application: API routes, admin routes, and the pipeline around them.
pub(crate) fn router(app: Arc<App>) -> Router {
    Router::new()
        .route(
            "/v2/droplets",
            get(droplets::list).post(crate::engine::handwritten::create_droplets),
        )
        // A literal the `{droplet_id}` route below would otherwise take.
        .route("/v2/droplets/autoscale", any(crate::engine::handle))
        .route("/v2/droplets/actions", post(droplet_actions::post_by_tag))
        .route(
            "/v2/droplets/{droplet_id}",
            get(droplets::get_one).delete(droplets::delete),
        )
        .route(
            "/v2/droplets/{droplet_id}/actions",
            get(droplet_actions::list).post(droplet_actions::post),
        )
        .route(
            "/v2/droplets/{droplet_id}/actions/{action_id}",
            get(droplet_actions::get_one),
        )
        .route("/v2/actions", get(actions::list))
        .route("/v2/actions/{action_id}", get(actions::get_one))
        .nest("/_sim", crate::admin::router())
        .fallback(crate::engine::handle)
        .method_not_allowed_fallback(crate::engine::handle)
        .layer(from_fn_with_state(app.clone(), crate::server::pipeline))
        .with_state(app)
}

/// The numeric id in path segment `index` (`/v2/x/{id}` has the id at 3);
/// anything malformed is simply a resource that does not exist. Only the canonical
/// decimal form names a resource: `+5`, `05`, `0x5` or `5e0` do not.
pub(crate) fn id_at(uri: &Uri, index: usize) -> Result<u64, ApiError> {
    uri.path()
        .split('/')
        .nth(index)
        .filter(|s| s.bytes().all(|b| b.is_ascii_digit()) && !s.starts_with('0'))
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|n| *n > 0)
        .ok_or_else(ApiError::not_found)
}

/// Refuses writes from read-only tokens.
pub(crate) fn require_write(who: &Principal) -> Result<(), ApiError> {
    if who.writable {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}
