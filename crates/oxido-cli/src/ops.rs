//! The generated command table's types (filled in by `crate::generated::table`) and what a
//! command answered: data only, below the commands, so `output` and `error` can read them
//! without reaching up into `commands`.

use serde_json::Value;
use serde_json::value::RawValue;

use crate::error::CliError;

/// One generated command.
#[derive(Debug)]
pub struct OpSpec {
    /// The handler's name in kebab case, e.g. `floating-ips-action`.
    #[allow(dead_code)] // read by the table's tests
    pub handler: &'static str,
    /// The method's name in kebab case, e.g. `get-kubeconfig`.
    pub name: &'static str,
    /// The spec's operationId.
    pub operation_id: &'static str,
    /// The spec's summary.
    pub summary: &'static str,
    /// `GET`, `POST`, ...
    pub http_method: &'static str,
    /// The path template.
    pub path: &'static str,
    /// One example command line.
    pub example: &'static str,
    /// Other names of the command (`ls` for `list`, `rm` for `delete`).
    pub aliases: &'static [&'static str],
    /// Positionals and flags.
    pub args: &'static [ArgSpec],
    /// What request body the command sends.
    pub body: Body,
    /// What the answer is.
    pub output: Output,
    /// Default table columns (fields, doctl's short names or dotted paths).
    pub columns: &'static [&'static str],
    /// Every field of one answer row, which `--format` may name (empty: shape unknown).
    pub fields: &'static [&'static str],
    /// What `--wait` waits for.
    pub wait: Wait,
    /// Deprecated by the API.
    pub deprecated: bool,
    /// Deletes or destroys: asks on a terminal, needs `--force` otherwise.
    pub destructive: bool,
    /// A JSON body to fill in (`--body-template`): the spec's request example, else the
    /// required members.
    pub template: &'static str,
}

/// One positional or flag of a generated command.
#[derive(Debug)]
pub struct ArgSpec {
    /// The clap id: `p:`, `q:` or `b:` and the wire name.
    pub id: &'static str,
    /// The long flag, or a positional's value name.
    pub flag: &'static str,
    /// The name on the wire.
    pub wire: &'static str,
    /// How the value is parsed.
    pub kind: Kind,
    /// Where it goes.
    pub place: Place,
    /// Required flag (positionals always are).
    pub required: bool,
    /// One line of help.
    pub help: &'static str,
    /// A second name for the flag (`""`: none).
    pub alias: &'static str,
    /// The spec's `minimum`, checked before sending.
    pub min: Option<f64>,
    /// The spec's `maximum`.
    pub max: Option<f64>,
    /// The spec's `pattern` (for a list, of each item).
    pub pattern: Option<&'static str>,
    /// The spec's `enum` (for a list, of each item); empty: any value.
    pub choices: &'static [&'static str],
}

/// How a value is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A positive id.
    Id,
    /// An integer.
    Int,
    /// A number.
    Float,
    /// `true`/`false`; a bare flag means `true`.
    Bool,
    /// Text.
    Str,
    /// Text, comma-separated or the flag repeated for more values.
    StrList,
    /// JSON (a number, `true`, an object, ...), else the text as a string.
    Json,
    /// A list of ids or slugs (`--ssh-keys 123,ab:cd`): comma-separated or repeated, each a
    /// number when it reads as one.
    JsonList,
    /// An object: JSON or YAML inline, `@file`, or a file's path (`apps create --spec app.yaml`).
    Doc,
    /// A list of objects: each value one object (or a JSON/YAML list of them), or a compact
    /// syntax doctl users know (`--inbound-rules`, `--node-pool`).
    DocList,
}

/// Where an argument goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A path segment (a positional).
    Path,
    /// A query parameter.
    Query,
    /// A top-level field of the JSON body.
    Body,
}

/// The request body of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// None.
    None,
    /// JSON, from `--body` and flags.
    Json,
    /// Bytes from `--body`.
    Bytes,
}

/// The kind of answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// No body (204).
    Empty,
    /// One JSON value.
    Value,
    /// A paged list.
    List,
    /// Text or bytes (YAML, CSV, PDF) copied to stdout.
    Raw,
}

/// What `--wait` waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Nothing; the command has no `--wait`.
    None,
    /// The action the command returns.
    Action,
    /// The actions the command returns (emitted for an answer that is a list of actions).
    #[allow(dead_code)]
    Actions,
    /// The resource the command creates, until its status gets where it is going.
    Resource(Resource),
}

/// What a command answered.
#[derive(Debug)]
pub enum Answer {
    /// Nothing (204).
    Nothing,
    /// One JSON value (an object, or an array of them).
    One(Value),
    /// Every item of a list, each as the API sent it.
    List(Vec<Box<RawValue>>),
    /// Bytes to copy to stdout.
    Raw(Vec<u8>),
    /// The API's own JSON for the result, as sent.
    Json(Box<RawValue>),
}

impl Answer {
    /// The answer as a JSON value (tables and `--wait` read it so).
    pub fn into_value(self) -> Result<Answer, CliError> {
        match self {
            Answer::Json(raw) => serde_json::from_str(raw.get())
                .map(Answer::One)
                .map_err(|e| CliError::Unexpected(format!("the answer is not JSON: {e}"))),
            other => Ok(other),
        }
    }
}

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
    /// A new app, until the deployment it started is `ACTIVE`; the app is printed.
    App,
}

impl Resource {
    /// What progress and error lines call it.
    pub fn noun(self) -> &'static str {
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

    /// Whether `state` ends the wait short of its goal. The SDK's waiter decides that; this
    /// only keeps the progress lines from showing the final state twice.
    pub fn failed(self, state: &str) -> bool {
        match self {
            Resource::Droplet => state == "archive",
            Resource::KubernetesCluster => matches!(state, "error" | "deleted"),
            Resource::Database | Resource::DatabaseReplica => false,
            Resource::AppDeployment | Resource::App => {
                matches!(state, "ERROR" | "CANCELED" | "SUPERSEDED")
            }
        }
    }

    /// The command's argument naming what the resource belongs to, where its path needs it.
    pub fn parent_arg(self) -> Option<&'static str> {
        match self {
            Resource::DatabaseReplica => Some("p:database_cluster_uuid"),
            Resource::AppDeployment => Some("p:app_id"),
            _ => None,
        }
    }

    /// The operation that reads one resource: its table columns are the ones printed.
    pub fn get_operation(self) -> &'static str {
        match self {
            Resource::Droplet => "droplets_get",
            Resource::KubernetesCluster => "kubernetes_get_cluster",
            Resource::Database => "databases_get_cluster",
            Resource::DatabaseReplica => "databases_get_replica",
            Resource::AppDeployment => "apps_get_deployment",
            Resource::App => "apps_get",
        }
    }
}
