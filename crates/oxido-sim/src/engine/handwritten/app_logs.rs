//! App log archives. The API answers a logs request with presigned storage addresses
//! (`historic_urls`) that need no token; the emulator writes the lines an app's state
//! implies (each component's build, deploy and start) and serves them itself, so that
//! `doctl apps logs` and a test that downloads the archive read real lines.
//! The live stream (`live_url`, a WebSocket) is not served.

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};
use serde_json::Value;

use crate::app::App;
use crate::engine::call::Call;
use crate::wire::error::ApiError;

/// Where archives are served: outside the API's paths, so they carry no token.
pub(crate) const LOGS_PREFIX: &str = "/_sim/logs/";

/// Longest archive kept: a spec's components are bounded, so this is only a backstop.
const MAX_TEXT: usize = 64 * 1024;

/// The component kinds of an app spec, as the log lines name them.
const KINDS: [&str; 5] = ["services", "static_sites", "workers", "jobs", "functions"];

/// Keeps `text` and gives the address it is served at.
pub(super) fn archive(call: &Call<'_>, mut text: String) -> String {
    if text.len() > MAX_TEXT {
        let cut = (0..=MAX_TEXT)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        text.truncate(cut);
    }
    let (id, signature) = call.app.logs.keep(text);
    format!("{}{LOGS_PREFIX}{id}?signature={signature}", call.origin)
}

/// The lines of logs of `kind` (`BUILD`, `DEPLOY`, `RUN`, `RUN_RESTARTED`, or any other
/// for all three phases) that a deployment of `spec` wrote, for one component or all.
pub(super) fn lines(
    spec: &Value,
    deployment: Option<&Value>,
    component: Option<&str>,
    kind: &str,
) -> String {
    let at = |member: &str| {
        deployment
            .and_then(|d| d.get(member))
            .and_then(Value::as_str)
            .unwrap_or("1970-01-01T00:00:00Z")
            .to_owned()
    };
    let (started, finished) = (at("created_at"), at("updated_at"));
    let phases: &[&str] = match kind {
        "build" => &["build"],
        "deploy" => &["deploy"],
        "run" => &["run"],
        // No instance of the emulator's apps ever restarts.
        "run_restarted" => &[],
        _ => &["build", "deploy", "run"],
    };
    let mut out = String::new();
    for (kind_name, part) in KINDS.iter().filter_map(|k| Some((*k, spec.get(*k)?))) {
        for part in part.as_array().into_iter().flatten() {
            let Some(name) = part.get("name").and_then(Value::as_str) else {
                continue;
            };
            if component.is_some_and(|c| c != name) {
                continue;
            }
            for phase in phases {
                for line in phase_lines(kind_name, part, phase) {
                    let when = if *phase == "build" {
                        &started
                    } else {
                        &finished
                    };
                    out.push_str(&format!("{name} {when} {line}\n"));
                }
            }
        }
    }
    out
}

fn phase_lines(kind: &str, part: &Value, phase: &str) -> Vec<String> {
    let text = |pointer: &str| part.pointer(pointer).and_then(Value::as_str);
    let image = text("/image/repository").map(|repo| {
        let tag = text("/image/tag").unwrap_or("latest");
        format!("{repo}:{tag}")
    });
    let repository = ["github", "gitlab", "bitbucket"]
        .iter()
        .find_map(|host| text(&format!("/{host}/repo")))
        .or_else(|| text("/git/repo_clone_url"))
        .unwrap_or("the app's source");
    match phase {
        // An image is pulled, not built.
        "build" if image.is_some() => vec![
            format!("Pulling image {}", image.unwrap_or_default()),
            "Image pulled".to_owned(),
        ],
        "build" => vec![
            format!("Fetching repository {repository}"),
            match text("/build_command") {
                Some(command) => format!("Running build command: {command}"),
                None => "Building with the detected buildpack".to_owned(),
            },
            "Build complete".to_owned(),
        ],
        "deploy" => {
            let count = part
                .get("instance_count")
                .and_then(Value::as_u64)
                .unwrap_or(1);
            let size = text("/instance_size_slug").unwrap_or("apps-s-1vcpu-0.5gb");
            vec![
                format!("Deploying {count} instance(s) of {size}"),
                "Deployed".to_owned(),
            ]
        }
        _ if kind == "static_sites" => vec!["Serving static files".to_owned()],
        _ => vec![match text("/run_command") {
            Some(command) => format!("Starting: {command}"),
            None => "Starting the image's default command".to_owned(),
        }],
    }
}

/// GET on an archive's address: its lines as text, with no token (the signature in the
/// address is the credential, as in a presigned storage address).
pub(crate) fn serve(app: &App, request: &Request) -> Response {
    if request.method() != http::Method::GET {
        let mut response = ApiError::method_not_allowed().into_response();
        response
            .headers_mut()
            .insert(header::ALLOW, http::HeaderValue::from_static("GET"));
        return response;
    }
    let id = request
        .uri()
        .path()
        .strip_prefix(LOGS_PREFIX)
        .unwrap_or_default();
    let signature = url::form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "signature")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    match app.logs.read(id, &signature) {
        Some(text) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            text.to_string(),
        )
            .into_response(),
        None => ApiError::not_found().into_response(),
    }
}
