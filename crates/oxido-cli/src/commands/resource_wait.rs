//! `--wait` on commands that create a resource whose status moves (a Droplet becoming
//! `active`, a Kubernetes cluster `running`, a database `online`, an app deployment
//! `ACTIVE`): polls the resource until it gets there, with the same progress display and exit
//! statuses as action waits (7 when it ends in a failed state, 8 when the wait runs out).
//!
//! Every kind waits through the SDK's own waiter (`Droplets::wait_active`,
//! `Kubernetes::wait_running`, `Databases::wait_online`, `Apps::wait_deployment_active`, …),
//! which also judges the states, in its `with_response` form: each polled answer is kept as
//! the API sent it, so `-o json` prints the last object exactly so.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::join_all;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget};
use oxido::{Client, WaitFor};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::error::{CliError, Unfinished};
use crate::generated::table::OPS;
pub use crate::ops::Resource;
use crate::ops::{Answer, OpSpec};
use crate::output::json;
use crate::session::Session;
use crate::stdio;
use crate::wait_progress::{Display, finish_line, spinner};

/// The command that reads the resource again (for the hint after a timeout).
fn get_command(kind: Resource, target: &Target) -> String {
    let parent = target.parent.as_deref().unwrap_or_default();
    let id = &target.id;
    match kind {
        Resource::Droplet => format!("oxido droplets get {id}"),
        Resource::KubernetesCluster => format!("oxido kubernetes get-cluster {id}"),
        Resource::Database => format!("oxido databases get-cluster {id}"),
        Resource::DatabaseReplica => format!("oxido databases get-replica {parent} {id}"),
        Resource::AppDeployment | Resource::App => {
            format!("oxido apps get-deployment {parent} {id}")
        }
    }
}

/// One resource to wait for: its id, and the id of what it belongs to (the app, the
/// database cluster) where the API path needs it.
#[derive(Debug, Clone)]
struct Target {
    parent: Option<String>,
    id: String,
}

/// How one resource's wait ended.
enum Ending {
    Done,
    Failed(String),
    TimedOut(String),
    PollFailed(CliError),
}

/// Waits for the resources a command created, then prints their last states (the API's JSON
/// for each) and returns the first reason the wait fell short.
pub async fn wait_and_print(
    session: &Session,
    op: &OpSpec,
    parent: Option<String>,
    kind: Resource,
    answer: Value,
    limit: Duration,
) -> Result<(), CliError> {
    let targets = targets(kind, parent, &answer)?;
    let display = Display::detect(&session.output);
    let board = (display == Display::Spinner)
        .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
    let waits = targets.iter().map(|target| {
        let tracker = Tracker::new(kind, target, display, board.as_ref());
        wait_one(&session.client, kind, target, limit, tracker)
    });
    let results = join_all(waits).await;
    if board.is_some() {
        stdio::err_line("");
    }
    let mut objects = Vec::with_capacity(results.len());
    let mut failed = Vec::new();
    let mut timed_out = Vec::new();
    let mut poll_error = None;
    for ((last, ending), target) in results.into_iter().zip(&targets) {
        let what = format!("{} {}", kind.noun(), target.id);
        match ending {
            Ending::Done => {}
            Ending::Failed(state) => failed.push(Unfinished {
                what,
                state,
                get: get_command(kind, target),
            }),
            Ending::TimedOut(state) => timed_out.push(Unfinished {
                what,
                state,
                get: get_command(kind, target),
            }),
            Ending::PollFailed(error) => {
                poll_error.get_or_insert(error);
            }
        }
        if let Some(last) = last {
            objects.push(last);
        }
    }
    let printed = match objects.as_slice() {
        [] => None,
        [one] if targets.len() == 1 => Some(one.clone()),
        many => Some(array(many)?),
    };
    if let Some(raw) = printed {
        let get = OPS
            .iter()
            .find(|o| o.operation_id == kind.get_operation())
            .unwrap_or(op);
        session.output.answer(get, Answer::Json(raw))?;
    }
    if let Some(error) = poll_error {
        return Err(error);
    }
    if !failed.is_empty() {
        return Err(CliError::ResourceFailed(failed));
    }
    if !timed_out.is_empty() {
        return Err(CliError::ResourceTimedOut {
            resources: timed_out,
            sandbox: session.sandbox,
        });
    }
    Ok(())
}

fn array(objects: &[Box<RawValue>]) -> Result<Box<RawValue>, CliError> {
    let joined: Vec<&str> = objects.iter().map(|o| o.get()).collect();
    RawValue::from_string(format!("[{}]", joined.join(",")))
        .map_err(|e| CliError::Unexpected(format!("the answers are not JSON: {e}")))
}

fn text_id(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The resources the command's answer names.
fn targets(
    kind: Resource,
    parent: Option<String>,
    answer: &Value,
) -> Result<Vec<Target>, CliError> {
    let missing =
        || CliError::Unexpected(format!("the answer names no {} to wait for", kind.noun()));
    let one = |parent: Option<String>, id: Option<String>| -> Result<Vec<Target>, CliError> {
        Ok(vec![Target {
            parent,
            id: id.ok_or_else(missing)?,
        }])
    };
    match kind {
        // `{"droplet": {...}}`, or `{"droplets": [...]}` for a multi-create.
        Resource::Droplet => {
            if let Some(Value::Array(many)) = answer.get("droplets") {
                let ids = many
                    .iter()
                    .map(|d| text_id(d.get("id")).ok_or_else(missing))
                    .collect::<Result<Vec<_>, _>>()?;
                return Ok(ids
                    .into_iter()
                    .map(|id| Target { parent: None, id })
                    .collect());
            }
            let droplet = answer.get("droplet").unwrap_or(answer);
            one(None, text_id(droplet.get("id")))
        }
        Resource::KubernetesCluster | Resource::Database => one(None, text_id(answer.get("id"))),
        Resource::DatabaseReplica => one(parent, text_id(answer.get("name"))),
        Resource::AppDeployment => one(parent, text_id(answer.get("id"))),
        // A new app starts its first deployment; its id is in the answer when the API has
        // one pending already, else the app's deployments are listed for it.
        Resource::App => {
            let app = text_id(answer.get("id"));
            let deployment = ["/pending_deployment/id", "/in_progress_deployment/id"]
                .iter()
                .find_map(|p| text_id(answer.pointer(p)));
            Ok(vec![Target {
                parent: Some(app.ok_or_else(missing)?),
                id: deployment.unwrap_or_default(),
            }])
        }
    }
}

/// Waits for one resource through the SDK's waiter for its kind: the API's JSON of the
/// resource asked for (the app itself for [`Resource::App`]) and how the wait ended.
async fn wait_one(
    client: &Client,
    kind: Resource,
    target: &Target,
    limit: Duration,
    tracker: Tracker,
) -> (Option<Box<RawValue>>, Ending) {
    let parent = target.parent.as_deref().unwrap_or_default();
    let id = target.id.as_str();
    let (last, ending) = match kind {
        Resource::Droplet => match id.parse::<u64>() {
            Ok(droplet) => {
                let waiter = client.droplets().wait_active(droplet);
                sdk_wait(waiter, "droplet", kind, limit, &tracker).await
            }
            Err(_) => (
                None,
                Ending::PollFailed(CliError::Unexpected(format!(
                    "droplet id `{id}` is not a number"
                ))),
            ),
        },
        Resource::KubernetesCluster => {
            let waiter = client.kubernetes().wait_running(id);
            sdk_wait(waiter, "kubernetes_cluster", kind, limit, &tracker).await
        }
        Resource::Database => {
            let waiter = client.databases().wait_online(id);
            sdk_wait(waiter, "database", kind, limit, &tracker).await
        }
        Resource::DatabaseReplica => {
            let waiter = client.databases().wait_replica_online(parent, id);
            sdk_wait(waiter, "replica", kind, limit, &tracker).await
        }
        Resource::AppDeployment => {
            let waiter = client.apps().wait_deployment_active(parent, id);
            sdk_wait(waiter, "deployment", kind, limit, &tracker).await
        }
        Resource::App => wait_app(client, parent, id, limit, &tracker).await,
    };
    tracker.finish(&ending);
    (last, ending)
}

/// A new app: waits for the deployment its creation started, then reads the app once more,
/// since `--wait` prints what was asked for (the app, as doctl does), not its deployment.
async fn wait_app(
    client: &Client,
    app: &str,
    deployment: &str,
    limit: Duration,
    tracker: &Tracker,
) -> (Option<Box<RawValue>>, Ending) {
    let deployment = if deployment.is_empty() {
        match newest_deployment(client, app).await {
            Ok(id) => id,
            Err(error) => return (None, Ending::PollFailed(error)),
        }
    } else {
        deployment.to_owned()
    };
    let waiter = client.apps().wait_deployment_active(app, &deployment);
    let (_, ending) = sdk_wait(waiter, "deployment", Resource::App, limit, tracker).await;
    let read = async {
        let response = client.apps().get(app).send_raw().await?;
        json::member(&response.body, "app")
    };
    match read.await {
        Ok(raw) => (Some(raw), ending),
        // The wait's own failure says more than the read's.
        Err(error) => match ending {
            Ending::Done => (None, Ending::PollFailed(error)),
            other => (None, other),
        },
    }
}

/// The id of an app's newest deployment, for an answer that names none: the one its
/// creation started.
async fn newest_deployment(client: &Client, app: &str) -> Result<String, CliError> {
    use futures::StreamExt as _;
    let pages = client
        .apps()
        .list_deployments(app)
        .per_page(1)
        .max_pages(1)
        .into_responses();
    let mut pages = std::pin::pin!(pages);
    let first = match pages.next().await {
        Some(page) => json::member_items(&page?.body, "deployments")?,
        None => Vec::new(),
    };
    first
        .first()
        .and_then(|raw| serde_json::from_str::<Value>(raw.get()).ok())
        .and_then(|deployment| text_id(deployment.get("id")))
        .ok_or_else(|| CliError::Unexpected(format!("app {app} has no deployment to wait for")))
}

/// The last answer a waiter polled (the API's JSON of the resource) and its state.
type Seen = (Box<RawValue>, String);

/// Runs one SDK waiter, keeping each polled answer's `key` member as the API sent it, so the
/// last one seen is printed losslessly whatever the ending; each answer's state goes to the
/// tracker.
async fn sdk_wait<T: Send + 'static>(
    waiter: WaitFor<T>,
    key: &'static str,
    kind: Resource,
    limit: Duration,
    tracker: &Tracker,
) -> (Option<Box<RawValue>>, Ending) {
    let seen: Arc<Mutex<Option<Seen>>> = Arc::new(Mutex::new(None));
    let record = Arc::clone(&seen);
    let shared = tracker.shared();
    let result = waiter
        .with_response()
        .timeout(limit)
        .on_progress(move |response| {
            let Ok(raw) = json::member(&response.body, key) else {
                return;
            };
            let state = state_of(kind, &raw);
            shared.update(&state);
            if let Ok(mut seen) = record.lock() {
                *seen = Some((raw, state));
            }
        })
        .await;
    let (last, state) = match seen.lock().ok().and_then(|mut seen| seen.take()) {
        Some((raw, state)) => (Some(raw), state),
        None => (None, "unknown".to_owned()),
    };
    let ending = match result {
        Ok(_) => Ending::Done,
        Err(oxido::Error::WaitFailed { state, .. }) => Ending::Failed(state),
        Err(oxido::Error::WaitForTimeout { .. }) => Ending::TimedOut(state),
        Err(error) => Ending::PollFailed(error.into()),
    };
    (last, ending)
}

/// The status a resource's JSON reports, for the progress display and the error lines.
fn state_of(kind: Resource, raw: &RawValue) -> String {
    let pointer = match kind {
        Resource::KubernetesCluster => "/status/state",
        Resource::AppDeployment | Resource::App => "/phase",
        Resource::Droplet | Resource::Database | Resource::DatabaseReplica => "/status",
    };
    serde_json::from_str::<Value>(raw.get())
        .ok()
        .and_then(|value| value.pointer(pointer)?.as_str().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// One resource's progress line or spinner.
struct Tracker {
    inner: Arc<TrackerInner>,
}

struct TrackerInner {
    kind: Resource,
    label: String,
    started: std::time::Instant,
    display: Display,
    spinner: Option<ProgressBar>,
    last: Mutex<Option<String>>,
}

impl Tracker {
    fn new(
        kind: Resource,
        target: &Target,
        display: Display,
        board: Option<&MultiProgress>,
    ) -> Tracker {
        let label = if target.id.is_empty() {
            format!(
                "{} of app {}",
                kind.noun(),
                target.parent.as_deref().unwrap_or_default()
            )
        } else {
            format!("{} {}", kind.noun(), target.id)
        };
        let spinner =
            board.map(|board| spinner(board, format!("{label}: waiting for {}", kind.done())));
        if display == Display::Lines {
            stdio::err_line(&format!("Waiting for {label} to be {}", kind.done()));
        }
        Tracker {
            inner: Arc::new(TrackerInner {
                kind,
                label,
                started: std::time::Instant::now(),
                display,
                spinner,
                last: Mutex::new(None),
            }),
        }
    }

    fn shared(&self) -> Arc<TrackerInner> {
        Arc::clone(&self.inner)
    }

    fn finish(&self, ending: &Ending) {
        let inner = &self.inner;
        let last = inner
            .last
            .lock()
            .ok()
            .and_then(|l| l.clone())
            .unwrap_or_default();
        let ending = match ending {
            Ending::Done | Ending::Failed(_) => last,
            Ending::TimedOut(state) => format!("still {state} when the wait ran out"),
            Ending::PollFailed(_) => "could not be polled".to_owned(),
        };
        let line = format!("{}: {ending} after {}", inner.label, inner.elapsed());
        finish_line(inner.spinner.as_ref(), inner.display, line);
    }
}

impl TrackerInner {
    fn update(&self, state: &str) {
        if let Some(bar) = &self.spinner {
            bar.set_message(format!("{}: {state}", self.label));
        }
        let Ok(mut last) = self.last.lock() else {
            return;
        };
        if last.as_deref() != Some(state) {
            // The final state is the finishing line's.
            let last_one = state == self.kind.done() || self.kind.failed(state);
            if self.display == Display::Lines && !last_one {
                stdio::err_line(&format!("{}: {state} after {}", self.label, self.elapsed()));
            }
            *last = Some(state.to_owned());
        }
    }

    fn elapsed(&self) -> String {
        format!("{:.1}s", self.started.elapsed().as_secs_f64())
    }
}
