//! Request handling without a socket, for fuzzers (`oxido_sim::__fuzz`). Not a stable API.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use tower::ServiceExt;

use crate::app::App;
use crate::router;

/// The simulator's full request pipeline, driven by direct calls instead of HTTP.
///
/// Everything behaves as over a socket except the `drop_connection` fault, which
/// needs a connection to cut and is ignored here.
pub struct InProcess {
    app: Arc<App>,
    router: Router,
}

impl std::fmt::Debug for InProcess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InProcess").finish_non_exhaustive()
    }
}

impl InProcess {
    pub(crate) fn new(app: Arc<App>) -> Self {
        Self {
            router: router::router(app.clone()),
            app,
        }
    }

    /// Handles one request and returns the complete response. Must run inside a Tokio runtime.
    pub async fn call(&self, request: http::Request<Bytes>) -> http::Response<Bytes> {
        let response = match self.router.clone().oneshot(request.map(Body::from)).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX)
            .await
            .unwrap_or_default();
        http::Response::from_parts(parts, bytes)
    }

    /// Back to the seed data, as `Sim::reset`.
    pub fn reset(&self) {
        self.app.reset();
    }
}
