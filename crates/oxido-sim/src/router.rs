//! The whole application as one axum router: every API request goes through the
//! pipeline (journal, faults, auth, rate limits) to the engine, which routes it by the
//! description's templates; `/_sim` is the admin API.

use std::sync::Arc;

use axum::Router;
use axum::middleware::from_fn_with_state;

use crate::app::App;

/// The whole application: API routes, admin routes, and the pipeline around them.
pub(crate) fn router(app: Arc<App>) -> Router {
    Router::new()
        .nest("/_sim", crate::admin::router())
        .fallback(crate::engine::handle)
        .method_not_allowed_fallback(crate::engine::handle)
        .layer(from_fn_with_state(app.clone(), crate::server::pipeline))
        .with_state(app)
}
