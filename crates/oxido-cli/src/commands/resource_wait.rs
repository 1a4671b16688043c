//! `--wait` on commands that create a resource whose status moves (a Droplet becoming
//! `active`, a Kubernetes cluster `running`, a database `online`, an app deployment
//! `ACTIVE`): polls the resource until it gets there, with the same progress display and exit
//! statuses as action waits (7 when it ends in a failed state, 8 when the wait runs out).
//!
//! Droplets use the SDK's own waiter (`Droplets::wait_active`); the other kinds poll their
//! generated `get` call with the SDK's interval rules (1 s doubling to 10 s, one last look at
//! the deadline). Every state is read from the API's JSON, so `-o json` prints the last
//! object exactly as the API sent it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::join_all;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget};
use oxido::{Client, DEFAULT_MAX_POLL_INTERVAL, DEFAULT_MIN_POLL_INTERVAL};
use serde_json::Value;
use serde_json::value::RawValue;
use tokio::time::Instant;

use crate::commands::generated::{Answer, Input, OpSpec};
use crate::error::CliError;
use crate::generated::table::OPS;
use crate::output::json;
use crate::session::Session;
use crate::stdio;
use crate::wait_progress::{Display, finish_line, spinner};

/// A resource kind whose status moves after it is created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// A Droplet, until `active` (`archive` fails).
    Droplet,
    /// A Kubernetes cluster, until `running` (`error` or `deleted` fails).
    KubernetesCluster,
    /// A database cluster, until `online`.
    Database,
    /// A database read-only replica, until `online`.
    DatabaseReplica,
    /// An app deployment, until `ACTIVE` (`ERROR`, `CANCELED` or `SUPERSEDED` fails).
    AppDeployment,
    /// A new app, until the deployment it started is `ACTIVE`.
    App,
}

impl Resource {
    fn noun(self) -> &'static str {
        match self {
            Resource::Droplet => "droplet",
            Resource::KubernetesCluster => "kubernetes cluster",
            Resource::Database => "database cluster",
            Resource::DatabaseReplica => "database replica",
            Resource::AppDeployment | Resource::App => "app deployment",
        }
    }

    /// The state waited for, as `--help` tells it.
    pub fn done(self) -> &'static str {
        match self {
            Resource::Droplet => "active",
            Resource::KubernetesCluster => "running",
            Resource::Database | Resource::DatabaseReplica => "online",
            Resource::AppDeployment | Resource::App => "ACTIVE",
        }
    }

    fn failed(self, state: &str) -> bool {
        match self {
            Resource::Droplet => state == "archive",
            Resource::KubernetesCluster => matches!(state, "error" | "deleted"),
            Resource::Database | Resource::DatabaseReplica => false,
            Resource::AppDeployment | Resource::App => {
                matches!(state, "ERROR" | "CANCELED" | "SUPERSEDED")
            }
        }
    }

    /// The operation that reads one resource: its table columns are the ones printed.
    fn get_operation(self) -> &'static str {
        match self {
            Resource::Droplet => "droplets_get",
            Resource::KubernetesCluster => "kubernetes_get_cluster",
            Resource::Database => "databases_get_cluster",
            Resource::DatabaseReplica => "databases_get_replica",
            Resource::AppDeployment | Resource::App => "apps_get_deployment",
        }
    }

    /// The command that reads the resource again (for the hint after a timeout).
    fn get_command(self, target: &Target) -> String {
        let parent = target.parent.as_deref().unwrap_or_default();
        let id = &target.id;
        match self {
            Resource::Droplet => format!("oxido droplets get {id}"),
            Resource::KubernetesCluster => format!("oxido kubernetes get-cluster {id}"),
            Resource::Database => format!("oxido databases get-cluster {id}"),
            Resource::DatabaseReplica => format!("oxido databases get-replica {parent} {id}"),
            Resource::AppDeployment | Resource::App => {
                format!("oxido apps get-deployment {parent} {id}")
            }
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

/// A resource still waited for, after the wait ended short of its goal.
#[derive(Debug, Clone)]
pub struct Unfinished {
    /// `droplet 3164444`.
    pub what: String,
    /// Its last state seen.
    pub state: String,
    /// The command that reads it again.
    pub get: String,
}

/// Waits for the resources a command created, then prints their last states (the API's JSON
/// for each) and returns the first reason the wait fell short.
pub async fn wait_and_print(
    session: &Session,
    op: &OpSpec,
    input: &Input<'_>,
    kind: Resource,
    answer: Value,
    limit: Duration,
) -> Result<(), CliError> {
    let targets = targets(kind, input, &answer)?;
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
                get: kind.get_command(target),
            }),
            Ending::TimedOut(state) => timed_out.push(Unfinished {
                what,
                state,
                get: kind.get_command(target),
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
fn targets(kind: Resource, input: &Input<'_>, answer: &Value) -> Result<Vec<Target>, CliError> {
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
        Resource::DatabaseReplica => one(
            input.opt_str("p:database_cluster_uuid").map(str::to_owned),
            text_id(answer.get("name")),
        ),
        Resource::AppDeployment => one(
            input.opt_str("p:app_id").map(str::to_owned),
            text_id(answer.get("id")),
        ),
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

/// Reads a resource once: the API's JSON for it and its status.
async fn read(
    client: &Client,
    kind: Resource,
    target: &mut Target,
) -> Result<(Box<RawValue>, String), CliError> {
    let parent = target.parent.as_deref().unwrap_or_default();
    let raw = match kind {
        Resource::Droplet => {
            let id = target.id.parse::<u64>().map_err(|_| {
                CliError::Unexpected(format!("droplet id `{}` is not a number", target.id))
            })?;
            let r = client.droplets().get(id).send_with_response().await?;
            json::member(&r.body, "droplet")?
        }
        Resource::KubernetesCluster => {
            let r = client
                .kubernetes()
                .get_cluster(&target.id)
                .send_with_response()
                .await?;
            json::member(&r.body, "kubernetes_cluster")?
        }
        Resource::Database => {
            let r = client
                .databases()
                .get_cluster(&target.id)
                .send_with_response()
                .await?;
            json::member(&r.body, "database")?
        }
        Resource::DatabaseReplica => {
            let r = client
                .databases()
                .get_replica(parent, &target.id)
                .send_with_response()
                .await?;
            json::member(&r.body, "replica")?
        }
        Resource::App if target.id.is_empty() => {
            // No deployment named yet: the newest of the app's deployments is the one its
            // creation started.
            let page = client
                .apps()
                .list_deployments(parent)
                .per_page(1)
                .into_responses();
            let mut page = std::pin::pin!(page);
            use futures::StreamExt as _;
            let Some(first) = page.next().await else {
                return Ok((
                    RawValue::from_string("null".to_owned())
                        .map_err(|e| CliError::Unexpected(format!("could not build JSON: {e}")))?,
                    "no deployment yet".to_owned(),
                ));
            };
            let items = json::member_items(&first?.body, "deployments")?;
            match items.into_iter().next() {
                Some(deployment) => {
                    let value: Value = serde_json::from_str(deployment.get()).map_err(|e| {
                        CliError::Unexpected(format!("the deployment is not JSON: {e}"))
                    })?;
                    if let Some(id) = text_id(value.get("id")) {
                        target.id = id;
                    }
                    deployment
                }
                None => {
                    return Ok((
                        RawValue::from_string("null".to_owned()).map_err(|e| {
                            CliError::Unexpected(format!("could not build JSON: {e}"))
                        })?,
                        "no deployment yet".to_owned(),
                    ));
                }
            }
        }
        Resource::App => {
            match client
                .apps()
                .get_deployment(parent, &target.id)
                .send_with_response()
                .await
            {
                Ok(r) => json::member(&r.body, "deployment")?,
                // The deployment the answer named is not there (yet): look for the newest.
                Err(e) if e.is_not_found() => {
                    target.id.clear();
                    return Box::pin(read(client, kind, target)).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
        Resource::AppDeployment => {
            let r = client
                .apps()
                .get_deployment(parent, &target.id)
                .send_with_response()
                .await?;
            json::member(&r.body, "deployment")?
        }
    };
    let value: Value = serde_json::from_str(raw.get())
        .map_err(|e| CliError::Unexpected(format!("the answer is not JSON: {e}")))?;
    let pointer = match kind {
        Resource::KubernetesCluster => "/status/state",
        Resource::AppDeployment | Resource::App => "/phase",
        Resource::Droplet | Resource::Database | Resource::DatabaseReplica => "/status",
    };
    let state = value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_owned();
    Ok((raw, state))
}

/// Waits for one resource: its last JSON seen and how the wait ended.
async fn wait_one(
    client: &Client,
    kind: Resource,
    target: &Target,
    limit: Duration,
    mut tracker: Tracker,
) -> (Option<Box<RawValue>>, Ending) {
    let mut target = target.clone();
    let (last, ending) = match kind {
        Resource::Droplet => wait_droplet(client, &mut target, limit, &mut tracker).await,
        _ => poll(client, kind, &mut target, limit, &mut tracker).await,
    };
    tracker.finish(&ending);
    (last, ending)
}

/// A Droplet through the SDK's waiter; the last state is read once more as the API's JSON.
async fn wait_droplet(
    client: &Client,
    target: &mut Target,
    limit: Duration,
    tracker: &mut Tracker,
) -> (Option<Box<RawValue>>, Ending) {
    let Ok(id) = target.id.parse::<u64>() else {
        return (
            None,
            Ending::PollFailed(CliError::Unexpected(format!(
                "droplet id `{}` is not a number",
                target.id
            ))),
        );
    };
    let seen = Arc::new(Mutex::new(String::from("new")));
    let progress = Arc::clone(&seen);
    let shared = tracker.shared();
    let result = client
        .droplets()
        .wait_active(id)
        .timeout(limit)
        .on_progress(move |droplet| {
            let state = serde_json::to_value(&droplet.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            shared.update(&state);
            if let Ok(mut seen) = progress.lock() {
                *seen = state;
            }
        })
        .await;
    let state = seen.lock().map(|s| s.clone()).unwrap_or_default();
    let ending = match result {
        Ok(_) => Ending::Done,
        Err(oxido::Error::WaitFailed { state, .. }) => Ending::Failed(state),
        Err(oxido::Error::WaitForTimeout { .. }) => Ending::TimedOut(state),
        Err(error) => Ending::PollFailed(error.into()),
    };
    let last = match read(client, Resource::Droplet, target).await {
        Ok((raw, _)) => Some(raw),
        Err(_) => None,
    };
    (last, ending)
}

/// Any other kind: polls its `get` until done, failed, or the deadline.
async fn poll(
    client: &Client,
    kind: Resource,
    target: &mut Target,
    limit: Duration,
    tracker: &mut Tracker,
) -> (Option<Box<RawValue>>, Ending) {
    let deadline = Instant::now().checked_add(limit);
    let mut interval = DEFAULT_MIN_POLL_INTERVAL;
    let mut last: Option<Box<RawValue>> = None;
    let mut state = String::from("unknown");
    loop {
        let last_look = deadline.is_some_and(|d| Instant::now() >= d);
        let answer = match deadline.filter(|_| !last_look) {
            Some(deadline) => {
                match tokio::time::timeout_at(deadline, read(client, kind, target)).await {
                    Ok(answer) => answer,
                    Err(_) => return (last, Ending::TimedOut(state)),
                }
            }
            None => read(client, kind, target).await,
        };
        match answer {
            Ok((raw, now)) => {
                tracker.shared().update(&now);
                state = now;
                if raw.get() != "null" {
                    last = Some(raw);
                }
            }
            Err(error) => return (last, Ending::PollFailed(error)),
        }
        if state == kind.done() {
            return (last, Ending::Done);
        }
        if kind.failed(&state) {
            return (last, Ending::Failed(state));
        }
        if last_look {
            return (last, Ending::TimedOut(state));
        }
        let now = Instant::now();
        match (now.checked_add(interval), deadline) {
            (Some(wake), Some(deadline)) => tokio::time::sleep_until(wake.min(deadline)).await,
            (None, Some(deadline)) => tokio::time::sleep_until(deadline).await,
            (_, None) => tokio::time::sleep(interval).await,
        }
        interval = interval.saturating_mul(2).min(DEFAULT_MAX_POLL_INTERVAL);
    }
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
