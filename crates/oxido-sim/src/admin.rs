//! `/_sim/...`: run-time control for tests, guarded by the admin token.
//!
//! - `GET|POST|DELETE /_sim/faults`, `DELETE /_sim/faults/{id}`: fault rules (JSON as [`Fault`])
//! - `POST|DELETE /_sim/action-failures`: rules making actions end `errored` ([`ActionFailure`])
//! - `PUT /_sim/action-duration` with `{"duration":"250ms"}`
//! - `GET|DELETE /_sim/requests`: the requests seen
//! - `POST /_sim/reset`: back to the seed, no faults, no requests, fresh rate limits;
//!   `POST /_sim/reset?token=T`: only the account of API token `T` back to its seed
//! - `GET /_sim/state[?token=T]`: one account's state as a versioned document (without
//!   `token`, the demo account's); `PUT` replaces it with such a document, all or nothing
//! - `POST /_sim/save`: writes the `--state` file now (409 without one)
//! - `GET /_sim/operations`: every operation with how the emulator serves it
//! - `GET /_sim/cdn-purges`: the CDN cache purges made (endpoint, files, times)

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{OriginalUri, State};
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use http::{HeaderMap, StatusCode, header};
use serde_json::json;

use crate::app::App;
use crate::auth::{PRIMARY_ACCOUNT, bearer};
use crate::faults::{ActionFailure, Fault, FaultId};
use crate::state::model::AccountId;
use crate::wire::error::{ApiError, json};

/// Admin routes, to be nested under `/_sim`.
pub(crate) fn router() -> Router<Arc<App>> {
    Router::new()
        .route(
            "/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/faults/{id}", delete(remove_fault))
        .route("/action-failures", post(add_failure).delete(clear_failures))
        .route("/action-duration", put(set_duration))
        .route("/requests", get(list_requests).delete(clear_requests))
        .route("/reset", post(reset))
        .route("/state", get(get_state).put(put_state))
        .route("/save", post(save))
        .route("/operations", get(operations))
        .route("/cdn-purges", get(list_purges))
}

fn check(app: &App, headers: &HeaderMap) -> Result<(), ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer);
    if token == Some(app.admin_token.as_str()) {
        Ok(())
    } else {
        Err(ApiError::unauthorized())
    }
}

fn no_content() -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::unprocessable(format!("invalid body: {e}")))
}

async fn list_faults(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    check(&app, &headers)?;
    json(StatusCode::OK, &json!({ "faults": app.faults.list() }))
}

async fn add_fault(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    check(&app, &headers)?;
    let fault: Fault = parse(&body)?;
    let id = app
        .faults
        .add(fault)
        .map_err(|e| ApiError::unprocessable(e.to_string()))?;
    json(StatusCode::CREATED, &json!({ "id": id }))
}

async fn clear_faults(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    check(&app, &headers)?;
    app.faults.clear();
    Ok(no_content())
}

async fn remove_fault(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    check(&app, &headers)?;
    let id = uri
        .path()
        .split('/')
        .nth(3)
        .and_then(crate::state::model::canonical_id)
        .ok_or_else(ApiError::not_found)?;
    if app.faults.remove(FaultId(id)) {
        Ok(no_content())
    } else {
        Err(ApiError::not_found())
    }
}

async fn add_failure(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    check(&app, &headers)?;
    let rule: ActionFailure = parse(&body)?;
    app.failures
        .add_bounded(rule)
        .map_err(|e| ApiError::unprocessable(e.to_string()))?;
    Ok(no_content())
}

async fn clear_failures(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    check(&app, &headers)?;
    app.failures.clear();
    Ok(no_content())
}

async fn set_duration(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    check(&app, &headers)?;
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Body {
        duration: String,
    }
    let body: Body = parse(&body)?;
    let duration = humantime::parse_duration(&body.duration)
        .map_err(|e| ApiError::unprocessable(format!("duration: {e}")))?;
    app.set_action_duration(duration);
    Ok(no_content())
}

async fn list_requests(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    check(&app, &headers)?;
    json(
        StatusCode::OK,
        &json!({ "requests": app.journal.snapshot() }),
    )
}

async fn clear_requests(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    check(&app, &headers)?;
    app.journal.clear();
    Ok(no_content())
}

async fn list_purges(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    check(&app, &headers)?;
    json(
        StatusCode::OK,
        &json!({ "purges": crate::engine::handwritten::cdn_purges(&app.worlds.lock()) }),
    )
}

async fn reset(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    check(&app, &headers)?;
    match account_in(&app, &uri)? {
        Some(account) => {
            crate::snapshot::reset_account(&app, account).map_err(ApiError::unprocessable)?;
        }
        None => app.reset(),
    }
    Ok(no_content())
}

/// Most bytes a state document sent to `PUT /_sim/state` may have.
const MAX_STATE_BYTES: usize = 256 << 20;

/// The account of the API token in the `token` query parameter, if one is given.
fn account_in(app: &App, uri: &http::Uri) -> Result<Option<AccountId>, ApiError> {
    let token = url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned());
    match token {
        None => Ok(None),
        // The token is not echoed: it is a credential.
        Some(token) => app
            .auth
            .account_of(&token)
            .map(Some)
            .ok_or_else(|| ApiError::not_found_with("token: no account has this API token")),
    }
}

async fn get_state(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    check(&app, &headers)?;
    let account = account_in(&app, &uri)?.unwrap_or(PRIMARY_ACCOUNT);
    json(
        StatusCode::OK,
        &crate::snapshot::export_account(&app, account),
    )
}

async fn put_state(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    body: Body,
) -> Result<Response, ApiError> {
    check(&app, &headers)?;
    let account = account_in(&app, &uri)?.unwrap_or(PRIMARY_ACCOUNT);
    let bytes = axum::body::to_bytes(body, MAX_STATE_BYTES)
        .await
        .map_err(|_| ApiError::payload_too_large(MAX_STATE_BYTES))?;
    crate::snapshot::import_account(&app, account, &bytes).map_err(ApiError::unprocessable)?;
    Ok(no_content())
}

async fn save(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Response, ApiError> {
    check(&app, &headers)?;
    let Some(path) = app.state_file.clone() else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            "this emulator was started without a state file (--state)",
        ));
    };
    // Serializing and syncing a large state blocks; keep it off the request threads.
    let saver = app.clone();
    tokio::task::spawn_blocking(move || crate::snapshot::save(&saver, &path))
        .await
        .map_err(|e| e.to_string())
        .and_then(|saved| saved)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "server_error", e))?;
    Ok(no_content())
}

async fn operations(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Response, ApiError> {
    check(&app, &headers)?;
    json(StatusCode::OK, &crate::parity::report())
}
