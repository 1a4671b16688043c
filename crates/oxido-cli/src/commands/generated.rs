//! The generated commands' runtime: the clap grammar built from the static table in
//! `crate::generated::table` (only for the handler named on the command line, so start-up
//! stays fast), typed access to the arguments for the generated dispatch, the request body
//! from `--body` and flags checked against the SDK's type, and printing or waiting on the
//! answer.

use std::io::Read as _;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, value_parser};
use futures::TryStreamExt as _;
use oxido::{Action, ListStream, MAX_PER_PAGE, Page, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::cli::{GlobalArgs, parse_duration};
use crate::commands::resource_wait;
// The table's types live below the commands (`crate::ops`); the generated table and dispatch
// name them through this module.
use crate::error::CliError;
use crate::generated::table::{HANDLERS, OPS};
pub use crate::ops::{Answer, ArgSpec, Body, Kind, OpSpec, Output, Place, Wait};
use crate::session::Session;
use crate::stdio;
use crate::wait_progress::{Display, wait_all};

/// One line of `--help` per generated handler, and the short names doctl users type for it.
const HANDLER_INFO: &[(&str, &str, &[&str])] = &[
    ("account", "Your account: email, limits, status", &[]),
    ("addons", "Marketplace add-on resources", &[]),
    ("agent-inference", "Chat with a GenAI agent's endpoint", &[]),
    ("apps", "App Platform apps, deployments and logs", &["app"]),
    ("autoscalepools", "Droplet autoscale pools", &[]),
    ("balance", "The account's balance", &[]),
    ("billing-history", "Charges and payments", &[]),
    ("billing-insights", "Spending by resource", &[]),
    ("byoip-prefixes", "Bring-your-own IP prefixes", &[]),
    ("cdn", "CDN endpoints and cache purges", &[]),
    (
        "certificates",
        "TLS certificates for load balancers and CDN",
        &["certificate"],
    ),
    (
        "databases",
        "Managed database clusters, users, pools, replicas",
        &["db", "database"],
    ),
    (
        "dedicated-inferences",
        "Dedicated GenAI inference endpoints",
        &[],
    ),
    (
        "domains",
        "DNS domains and their records",
        &["domain", "dns"],
    ),
    (
        "droplets",
        "Droplets (virtual machines): create, list, destroy",
        &["droplet"],
    ),
    (
        "firewalls",
        "Cloud firewalls and their rules",
        &["firewall"],
    ),
    (
        "floating-ips",
        "Floating IPs (the older name of reserved IPs)",
        &["floating-ip"],
    ),
    (
        "floating-ips-action",
        "Assign and unassign floating IPs",
        &["floating-ip-actions"],
    ),
    (
        "functions",
        "Serverless functions namespaces and triggers",
        &[],
    ),
    (
        "functions-access-key",
        "Access keys for functions namespaces",
        &[],
    ),
    ("genai", "GenAI agents, knowledge bases, models", &[]),
    (
        "image-actions",
        "Transfer and convert images",
        &["image-action"],
    ),
    (
        "images",
        "Droplet images: distributions, snapshots, backups, custom",
        &["image"],
    ),
    ("inference", "Serverless GenAI inference", &[]),
    ("invoices", "Invoices, as PDF, CSV or summary", &["invoice"]),
    (
        "kubernetes",
        "Kubernetes clusters, node pools and kubeconfig",
        &["k8s", "kube"],
    ),
    (
        "load-balancers",
        "Load balancers and their rules",
        &["load-balancer", "lb"],
    ),
    ("monitoring", "Metrics, alert policies and sinks", &[]),
    ("nfs", "Network file storage shares", &[]),
    (
        "one-clicks",
        "1-Click apps for Droplets and Kubernetes",
        &["1-click"],
    ),
    ("organizations", "Teams in an organization", &[]),
    ("partner-attachments", "Partner network connections", &[]),
    (
        "projects",
        "Projects and the resources in them",
        &["project"],
    ),
    ("regions", "Data center regions", &["region"]),
    (
        "registries",
        "Container registries (several per account)",
        &[],
    ),
    (
        "registry",
        "The account's container registry and its repositories",
        &[],
    ),
    ("reserved-ips", "Reserved IPv4 addresses", &["reserved-ip"]),
    (
        "reserved-ips-actions",
        "Assign and unassign reserved IPv4 addresses",
        &["reserved-ip-actions"],
    ),
    ("reserved-ipv6", "Reserved IPv6 addresses", &[]),
    (
        "reserved-ipv6-actions",
        "Assign and unassign reserved IPv6 addresses",
        &[],
    ),
    ("security", "Security scans and findings", &[]),
    ("sizes", "Droplet sizes and prices", &["size"]),
    ("snapshots", "Droplet and volume snapshots", &["snapshot"]),
    ("spaces-key", "Spaces access keys", &["spaces-keys"]),
    ("ssh-keys", "SSH keys for new Droplets", &["ssh-key"]),
    ("tags", "Tags and what carries them", &["tag"]),
    ("uptime", "Uptime checks and their alerts", &[]),
    ("vector-databases", "Vector databases for GenAI", &[]),
    (
        "volume-actions",
        "Attach, detach and resize volumes",
        &["volume-action"],
    ),
    ("volume-snapshots", "Snapshots of one volume", &[]),
    ("volumes", "Block storage volumes", &["volume"]),
    ("vpc-peerings", "Peerings between VPCs", &[]),
    ("vpcnatgateways", "NAT gateways for VPCs", &[]),
    ("vpcs", "Virtual private clouds and their members", &["vpc"]),
];

const NO_ALIASES: &[&str] = &[];

/// A handler's description and aliases (none for a handler the list above misses).
fn handler_info(name: &str) -> (&'static str, &'static [&'static str]) {
    HANDLER_INFO
        .iter()
        .find(|(n, ..)| *n == name)
        .map_or(("", NO_ALIASES), |(_, about, aliases)| (*about, *aliases))
}

/// A handler's one-line description, for `search` (blank when it has none).
pub fn handler_about_line(name: &str) -> &'static str {
    handler_info(name).0
}

/// The about line of a generated handler.
fn handler_about(name: &str, prefix: &str, count: usize) -> String {
    match handler_info(name).0 {
        "" => format!("[generated] the `{prefix}` API operations ({count} commands)"),
        about => format!("[generated] {about} ({count} commands)"),
    }
}

/// Adds every generated handler to the root command. Only handlers named in `argv` get their
/// commands built (all of them when `all`, for completion scripts): building 650 commands
/// costs more start-up time than the command itself.
pub fn add_handlers(mut root: clap::Command, argv: &[String], all: bool) -> clap::Command {
    for (index, (name, prefix, start, end)) in HANDLERS.iter().enumerate() {
        let aliases = handler_info(name).1;
        let mut handler = clap::Command::new(*name)
            .about(handler_about(name, prefix, end - start))
            .visible_aliases(aliases.iter().copied())
            .subcommand_required(true)
            .arg_required_else_help(true);
        if all
            || argv
                .iter()
                .any(|a| a == name || aliases.contains(&a.as_str()))
        {
            handler = handler.subcommands(OPS[*start..*end].iter().map(op_command));
            handler = crate::commands::extras::augment(name, handler);
        } else {
            // A placeholder keeps `oxido <handler>` a usage error that points to --help.
            handler = handler.allow_external_subcommands(true);
        }
        let _ = index;
        root = root.subcommand(handler);
    }
    root
}

/// The clap command of one operation.
fn op_command(op: &'static OpSpec) -> clap::Command {
    let mut long = format!(
        "{}\n\n{} {}  (operation {})",
        op.summary, op.http_method, op.path, op.operation_id
    );
    if op.deprecated {
        long.push_str("\n\nDeprecated by the API.");
    }
    let mut cmd = clap::Command::new(op.name)
        .visible_aliases(op.aliases.iter().copied())
        .about(op.summary)
        .long_about(long)
        .after_help(format!("Example:\n  {}", op.example));
    let templated = op.body == Body::Json;
    for spec in op.args {
        cmd = cmd.arg(arg(spec, templated));
    }
    if op.destructive {
        cmd = cmd.arg(
            Arg::new("force")
                .long("force")
                .short('f')
                .action(ArgAction::SetTrue)
                .help("Run without asking (needed when there is no terminal to ask on)"),
        );
    }
    match op.body {
        Body::None => {}
        Body::Json => {
            cmd = cmd
                .arg(Arg::new("body").long("body").value_name("FILE|-").help(
                    "The whole body, JSON or YAML, from a file or `-` for stdin; flags override \
                     its fields (--body-template prints one to fill in)",
                ))
                .arg(
                    Arg::new("body-template")
                        .long("body-template")
                        .action(ArgAction::SetTrue)
                        .help("Print a body to fill in for --body, and send nothing"),
                );
        }
        Body::Bytes => {
            cmd = cmd.arg(
                Arg::new("body")
                    .long("body")
                    .value_name("FILE|-")
                    .required(true)
                    .help("The request body from a file, or `-` for stdin, sent as is"),
            );
        }
    }
    if op.output == Output::List {
        cmd = cmd
            .arg(
                Arg::new("page")
                    .long("page")
                    .value_name("N")
                    .value_parser(value_parser!(u32).range(1..))
                    .help("Fetch only this page (else every page)"),
            )
            .arg(
                Arg::new("per-page")
                    .long("per-page")
                    .value_name("N")
                    .value_parser(value_parser!(u32).range(1..=200))
                    .help("Items per page, 1 to 200"),
            );
    }
    if op.wait != Wait::None {
        let help = match op.wait {
            Wait::Resource(kind) => format!(
                "Wait until it is {} (exit 7 if it fails, 8 if the wait runs out)",
                kind.done()
            ),
            _ => "Wait until the action is done (exit 7 if it errors, 8 if the wait runs out)"
                .to_owned(),
        };
        cmd = cmd
            .arg(
                Arg::new("wait")
                    .long("wait")
                    .action(ArgAction::SetTrue)
                    .help(help),
            )
            .arg(
                Arg::new("wait-timeout")
                    .long("wait-timeout")
                    .value_name("DURATION")
                    .value_parser(parse_duration)
                    .help("Wait at most this long (implies --wait) [default: 10m]"),
            );
    }
    cmd
}

fn arg(spec: &'static ArgSpec, templated: bool) -> Arg {
    let mut arg = Arg::new(spec.id).help(spec.help);
    let required = spec.place == Place::Path || spec.required;
    arg = if spec.place == Place::Path {
        arg.value_name(spec.flag)
    } else {
        let value_name = match spec.kind {
            Kind::Id => "ID",
            Kind::Int => "N",
            Kind::Float => "NUMBER",
            Kind::Bool => "BOOL",
            Kind::Str | Kind::StrList | Kind::JsonList => "TEXT",
            Kind::Json => "JSON",
            Kind::Doc | Kind::DocList => "YAML|JSON|@FILE",
        };
        arg.long(spec.flag).value_name(value_name)
    };
    // `--body-template` needs none of the command's arguments.
    arg = match (required, templated) {
        (true, true) => arg.required_unless_present("body-template"),
        (true, false) => arg.required(true),
        _ => arg,
    };
    if !spec.alias.is_empty() {
        arg = arg.visible_alias(spec.alias);
    }
    match spec.kind {
        Kind::Id if spec.place == Place::Path => arg.value_parser(value_parser!(u64).range(1..)),
        Kind::Id => arg.value_parser(value_parser!(u64)),
        Kind::Int => arg
            .value_parser(value_parser!(i64))
            .allow_negative_numbers(true),
        Kind::Float => arg
            .value_parser(value_parser!(f64))
            .allow_negative_numbers(true),
        Kind::Bool if spec.place == Place::Path => arg.value_parser(value_parser!(bool)),
        Kind::Bool => arg
            .value_parser(value_parser!(bool))
            .num_args(0..=1)
            .require_equals(true)
            .default_missing_value("true")
            .value_name("BOOL"),
        Kind::Str if !spec.choices.is_empty() => arg.value_parser(
            clap::builder::PossibleValuesParser::new(spec.choices.iter().copied()),
        ),
        Kind::Str | Kind::Json | Kind::Doc => arg,
        Kind::StrList | Kind::JsonList | Kind::DocList => arg.action(ArgAction::Append),
    }
}

/// The generated command a parse selected: its index in the table and its matches.
pub fn selected(matches: &ArgMatches) -> Option<(usize, &ArgMatches)> {
    let (handler, sub) = matches.subcommand()?;
    let (_, _, start, end) = HANDLERS.iter().find(|(name, ..)| *name == handler)?;
    let (name, op_matches) = sub.subcommand()?;
    let index = (*start..*end).find(|&i| OPS[i].name == name)?;
    Some((index, op_matches))
}

/// Runs a generated command.
pub async fn run(
    index: usize,
    matches: &ArgMatches,
    global: &GlobalArgs,
    output: crate::output::Output,
) -> Result<(), CliError> {
    let op = &OPS[index];
    let input = Input { m: matches, op };
    if op.body == Body::Json && matches.get_flag("body-template") {
        return crate::output::write_stdout(op.template).map_err(CliError::Io);
    }
    if !output.is_machine() {
        output.check_columns(op)?;
    }
    confirm(op, &input)?;
    let session = Session::open(global, output, op.path.starts_with("/v2/")).await?;
    let answer = crate::generated::dispatch::dispatch(index, &input, &session.client).await?;
    if matches!(answer, Answer::Nothing) {
        // A delete answers 204 with no body: say what was done, on stderr so stdout stays
        // the result (nothing).
        stdio::err_line(&format!("Done: {}", input.target()));
        return Ok(());
    }
    let limit = input.wait_limit();
    let answer = if limit.is_some() {
        answer.into_value()?
    } else {
        answer
    };
    match (answer, op.wait, limit) {
        (Answer::One(value), Wait::Action, Some(limit)) => {
            wait_and_print(&session, op, vec![value], false, limit).await
        }
        (Answer::One(Value::Array(values)), Wait::Actions, Some(limit)) => {
            wait_and_print(&session, op, values, true, limit).await
        }
        (Answer::One(value), Wait::Resource(kind), Some(limit)) => {
            let parent = kind.parent_arg().and_then(|id| input.opt_str(id));
            let parent = parent.map(str::to_owned);
            resource_wait::wait_and_print(&session, op, parent, kind, value, limit).await
        }
        (answer, _, _) => session.output.answer(op, answer),
    }
}

/// A destructive command runs with `--force`, or after a yes on a terminal; without a terminal
/// to ask on it is refused (exit 2) before anything is sent.
fn confirm(op: &OpSpec, input: &Input<'_>) -> Result<(), CliError> {
    if !op.destructive || input.m.get_flag("force") {
        return Ok(());
    }
    crate::commands::confirm(
        &format!("{} {}", op.handler, op.name),
        &input.target(),
        op.summary.trim_end_matches('.'),
        "cannot be undone",
    )
}

/// Waits for the actions a command started (with the spinner and exit codes 7 and 8 of the
/// curated commands), then prints their final states.
async fn wait_and_print(
    session: &Session,
    op: &OpSpec,
    values: Vec<Value>,
    list: bool,
    limit: Duration,
) -> Result<(), CliError> {
    let actions = values
        .into_iter()
        .map(|v| {
            serde_json::from_value::<Action>(v)
                .map_err(|e| CliError::Unexpected(format!("the answer is not an action: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let display = Display::detect(&session.output);
    let (finals, outcome) =
        wait_all(&session.client, actions, limit, display, session.sandbox).await;
    let finals = finals.iter().map(value_of).collect::<Result<Vec<_>, _>>()?;
    let answer = if list {
        Answer::One(Value::Array(finals))
    } else {
        Answer::One(finals.into_iter().next().unwrap_or(Value::Null))
    };
    session.output.answer(op, answer)?;
    outcome
}

fn value_of<T: Serialize>(v: &T) -> Result<Value, CliError> {
    serde_json::to_value(v)
        .map_err(|e| CliError::Unexpected(format!("could not encode the answer as JSON: {e}")))
}

/// The API's JSON from an SDK response: the whole body, or its `key` member.
pub fn json<T>(response: &oxido::Response<T>, key: &str) -> Result<Answer, CliError> {
    if key.is_empty() {
        strip_envelope(&response.body).map(Answer::Json)
    } else {
        crate::output::json::member(&response.body, key).map(Answer::Json)
    }
}

/// The API's JSON with its envelope taken off, the same way for every command: an object whose
/// members besides `links` and `meta` are exactly one object or array (`{"droplet": {...},
/// "links": {...}}`, `{"reserved_ip": {...}}`) is that member; anything else is kept whole.
pub fn strip_envelope(body: &[u8]) -> Result<Box<RawValue>, CliError> {
    let not_json =
        |e: serde_json::Error| CliError::Unexpected(format!("the answer is not JSON: {e}"));
    let whole = serde_json::from_slice::<Box<RawValue>>(body).map_err(not_json)?;
    if !whole.get().starts_with('{') {
        return Ok(whole);
    }
    let members: Map<String, Value> = match serde_json::from_str::<Map<String, Value>>(whole.get())
    {
        Ok(members) => members,
        Err(_) => return Ok(whole),
    };
    let mut inner = members
        .keys()
        .filter(|k| !matches!(k.as_str(), "links" | "meta"));
    let (Some(key), None) = (inner.next(), inner.next()) else {
        return Ok(whole);
    };
    if !(members[key].is_object() || members[key].is_array()) {
        return Ok(whole);
    }
    crate::output::json::member(body, key)
}

/// An answer with no body.
pub fn unit(_: ()) -> Answer {
    Answer::Nothing
}

/// An answer that is text or bytes.
pub fn raw(bytes: Vec<u8>) -> Answer {
    Answer::Raw(bytes)
}

/// A list: the one page `--page` asks for, else every page. A page that fails fails the
/// command; nothing is printed from a partial list. Each item is kept as the API sent it
/// (cut from its page's `key` member), so `-o json` loses nothing.
pub async fn collect<R, T: Send + 'static>(
    a: &Input<'_>,
    key: &str,
    request: R,
    pages: impl FnOnce(R, u32) -> ListStream<Response<Page<T>>>,
) -> Result<Answer, CliError> {
    let one = a.m.get_one::<u32>("page").copied();
    let mut stream = pages(request, one.unwrap_or(1));
    let mut items = Vec::new();
    while let Some(page) = stream.try_next().await? {
        let raw = crate::output::json::member_items(&page.body, key)?;
        if raw.len() != page.value.items.len() {
            return Err(CliError::Unexpected(format!(
                "{} items decoded but {} in the answer",
                page.value.items.len(),
                raw.len()
            )));
        }
        items.extend(raw);
        if one.is_some() {
            break;
        }
    }
    Ok(Answer::List(items))
}

/// A generated command's arguments, read as the SDK's method takes them.
#[derive(Debug)]
pub struct Input<'a> {
    m: &'a ArgMatches,
    op: &'static OpSpec,
}

fn missing(id: &str) -> CliError {
    CliError::Usage(format!(
        "missing the argument `{}`",
        id.split_once(':').map_or(id, |(_, name)| name)
    ))
}

impl Input<'_> {
    /// A required id.
    pub fn id(&self, id: &str) -> Result<u64, CliError> {
        self.opt_id(id).ok_or_else(|| missing(id))
    }

    /// A required integer (emitted for a required integer query parameter).
    #[allow(dead_code)]
    pub fn int(&self, id: &str) -> Result<i64, CliError> {
        self.opt_int(id).ok_or_else(|| missing(id))
    }

    /// A required boolean.
    pub fn flag(&self, id: &str) -> Result<bool, CliError> {
        self.opt_flag(id).ok_or_else(|| missing(id))
    }

    /// A required text.
    pub fn str(&self, id: &str) -> Result<&str, CliError> {
        self.opt_str(id).ok_or_else(|| missing(id))
    }

    /// An optional id.
    pub fn opt_id(&self, id: &str) -> Option<u64> {
        self.m.get_one::<u64>(id).copied()
    }

    /// An optional integer.
    pub fn opt_int(&self, id: &str) -> Option<i64> {
        self.m.get_one::<i64>(id).copied()
    }

    /// An optional boolean.
    pub fn opt_flag(&self, id: &str) -> Option<bool> {
        self.m.get_one::<bool>(id).copied()
    }

    /// An optional text.
    pub fn opt_str(&self, id: &str) -> Option<&str> {
        self.m.get_one::<String>(id).map(String::as_str)
    }

    /// Every value of a repeated flag.
    pub fn strs(&self, id: &str) -> Vec<&str> {
        self.m
            .get_many::<String>(id)
            .map(|v| v.map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// What the command acts on, for messages: `DELETE /v2/droplets/3164444`.
    pub fn target(&self) -> String {
        let mut path = self.op.path.to_owned();
        for spec in self.op.args.iter().filter(|a| a.place == Place::Path) {
            if let Some(value) = self.text_of(spec) {
                path = path.replace(&format!("{{{}}}", spec.wire), &value);
            }
        }
        let mut target = format!("{} {path}", self.op.http_method);
        for spec in self
            .op
            .args
            .iter()
            .filter(|a| a.place == Place::Query && a.required)
        {
            if let Some(value) = self.text_of(spec) {
                target.push_str(&format!(" {}={value}", spec.wire));
            }
        }
        target
    }

    /// An argument's value as text, read with its own kind.
    fn text_of(&self, spec: &ArgSpec) -> Option<String> {
        match spec.kind {
            Kind::Id => self.opt_id(spec.id).map(|v| v.to_string()),
            Kind::Int => self.opt_int(spec.id).map(|v| v.to_string()),
            Kind::Float => self.m.get_one::<f64>(spec.id).map(|v| v.to_string()),
            Kind::Bool => self.opt_flag(spec.id).map(|v| v.to_string()),
            Kind::Str | Kind::StrList | Kind::Json | Kind::JsonList | Kind::Doc | Kind::DocList => {
                self.opt_str(spec.id).map(str::to_owned)
            }
        }
    }

    /// The page size: `--per-page`, else the largest when following every page, else the
    /// API's default for one page.
    pub fn per_page(&self) -> u32 {
        match (
            self.m.get_one::<u32>("per-page"),
            self.m.get_one::<u32>("page"),
        ) {
            (Some(&n), _) => n,
            (None, None) => MAX_PER_PAGE,
            (None, Some(_)) => 20,
        }
    }

    fn wait_limit(&self) -> Option<Duration> {
        if self.op.wait == Wait::None {
            return None;
        }
        match (
            self.m.get_flag("wait"),
            self.m.get_one::<Duration>("wait-timeout"),
        ) {
            (_, Some(&limit)) => Some(limit),
            (true, None) => Some(Duration::from_secs(600)),
            (false, None) => None,
        }
    }

    /// The JSON body: `--body` (a file or `-`), with every body flag given set over it,
    /// checked against the SDK's type before anything is sent.
    pub fn body<T: DeserializeOwned>(&self) -> Result<T, CliError> {
        checked(self.body_value()?)
    }

    /// A body whose type is a union of shapes: when it fits none, the error is the one of
    /// shape `V` (the first), which names a field rather than just "no variant matched".
    pub fn body_union<T: DeserializeOwned, V: DeserializeOwned>(&self) -> Result<T, CliError> {
        let body = self.body_value()?;
        match serde_json::from_value::<T>(body.clone()) {
            Ok(value) => Ok(value),
            Err(_) => {
                checked::<V>(body.clone())?;
                checked(body)
            }
        }
    }

    fn body_value(&self) -> Result<Value, CliError> {
        let mut body = match self.opt_str("body") {
            Some(source) => {
                let bytes = read_source(source)?;
                let text = String::from_utf8(bytes)
                    .map_err(|_| CliError::Usage(format!("--body {source}: not UTF-8 text")))?;
                document(&text).map_err(|e| CliError::Usage(format!("--body {source}: {e}")))?
            }
            None => Value::Object(Map::new()),
        };
        for spec in self.op.args.iter().filter(|a| a.place == Place::Body) {
            let Some(value) = self.body_flag(spec)? else {
                continue;
            };
            match &mut body {
                Value::Object(fields) => {
                    fields.insert(spec.wire.to_owned(), value);
                }
                _ => {
                    return Err(CliError::Usage(format!(
                        "--{} needs --body to be a JSON object",
                        spec.flag
                    )));
                }
            }
        }
        Ok(body)
    }

    /// A body flag's value as JSON, checked against the spec's limits; `None` when not given.
    fn body_flag(&self, spec: &ArgSpec) -> Result<Option<Value>, CliError> {
        let flag = format!("--{}", spec.flag);
        let value = match spec.kind {
            Kind::Id => self.opt_id(spec.id).map(Value::from),
            Kind::Int => self.opt_int(spec.id).map(Value::from),
            Kind::Float => self.m.get_one::<f64>(spec.id).map(|v| Value::from(*v)),
            Kind::Bool => self.opt_flag(spec.id).map(Value::from),
            Kind::Str => match self.opt_str(spec.id) {
                Some(text) => Some(Value::from(at_file(&flag, text)?)),
                None => None,
            },
            Kind::Json => match self.opt_str(spec.id) {
                Some(text) => {
                    let text = at_file(&flag, text)?;
                    Some(serde_json::from_str(&text).unwrap_or(Value::from(text)))
                }
                None => None,
            },
            Kind::StrList | Kind::JsonList => {
                let items: Vec<Value> = self
                    .strs(spec.id)
                    .into_iter()
                    .flat_map(|v| v.split(','))
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(|v| match spec.kind {
                        Kind::JsonList => v
                            .parse::<u64>()
                            .map(Value::from)
                            .unwrap_or_else(|_| Value::from(v)),
                        _ => Value::from(v),
                    })
                    .collect();
                (!items.is_empty()).then_some(Value::Array(items))
            }
            Kind::Doc => match self.opt_str(spec.id) {
                Some(text) => Some(flag_document(&flag, spec.wire, text)?),
                None => None,
            },
            Kind::DocList => {
                let mut items = Vec::new();
                for text in self.strs(spec.id) {
                    match flag_document(&flag, spec.wire, text)? {
                        Value::Array(more) => items.extend(more),
                        one => items.push(one),
                    }
                }
                (!items.is_empty()).then_some(Value::Array(items))
            }
        };
        if let Some(value) = &value {
            check_limits(&flag, spec, value)?;
        }
        Ok(value)
    }

    /// A body sent as bytes, from `--body`.
    pub fn bytes_body(&self) -> Result<Vec<u8>, CliError> {
        read_source(self.str("body")?)
    }
}

/// A flag's text, or the file's for `@file` (one trailing newline dropped: a key or a
/// certificate saved by an editor).
fn at_file(flag: &str, text: &str) -> Result<String, CliError> {
    let Some(path) = text.strip_prefix('@') else {
        return Ok(text.to_owned());
    };
    let bytes = std::fs::read(path).map_err(|e| CliError::Usage(format!("{flag} @{path}: {e}")))?;
    let mut text = String::from_utf8(bytes)
        .map_err(|_| CliError::Usage(format!("{flag} @{path}: not UTF-8 text")))?;
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    Ok(text)
}

/// JSON or YAML, told apart by content: JSON first (YAML would also read most JSON, with
/// worse errors), then YAML.
fn document(text: &str) -> Result<Value, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(value) => Ok(value),
        Err(json) => match serde_saphyr::from_str::<Value>(text) {
            Ok(value) => Ok(value),
            Err(yaml) if text.trim_start().starts_with(['{', '[']) => {
                Err(format!("not JSON: {json}; nor YAML: {yaml}"))
            }
            Err(yaml) => Err(format!("neither JSON nor YAML: {yaml}")),
        },
    }
}

/// An object flag's value: `@file`, `-` (stdin) or a file's path (`--spec app.yaml`), else the
/// text itself; then JSON, YAML, or the compact syntax of the field.
fn flag_document(flag: &str, wire: &str, text: &str) -> Result<Value, CliError> {
    let text = if text == "-" {
        String::from_utf8(read_source("-")?)
            .map_err(|_| CliError::Usage(format!("{flag} -: not UTF-8 text")))?
    } else if text.starts_with('@') {
        at_file(flag, text)?
    } else if !text.trim_start().starts_with(['{', '['])
        && !text.contains(['\n', ':', '=', ' '])
        && std::path::Path::new(text).is_file()
    {
        at_file(flag, &format!("@{text}"))?
    } else {
        text.to_owned()
    };
    let compact = !text.trim_start().starts_with(['{', '[']) && !text.contains('\n');
    match wire {
        "inbound_rules" | "outbound_rules" if compact => {
            return crate::commands::compact::firewall_rules(wire, &text)
                .map_err(|e| CliError::Usage(format!("{flag}: {e}")));
        }
        "node_pools" if compact => {
            return crate::commands::compact::node_pool(&text)
                .map(|pool| Value::Array(vec![pool]))
                .map_err(|e| CliError::Usage(format!("{flag}: {e}")));
        }
        _ => {}
    }
    document(&text).map_err(|e| CliError::Usage(format!("{flag}: {e}")))
}

/// The spec's minimum, maximum, pattern and enum for a flag's value (each item of a list),
/// checked before anything is sent.
fn check_limits(flag: &str, spec: &ArgSpec, value: &Value) -> Result<(), CliError> {
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        one => vec![one],
    };
    for item in items {
        if let Some(n) = item.as_f64() {
            if let Some(min) = spec.min.filter(|&min| n < min) {
                return Err(CliError::Usage(format!(
                    "{flag} {item}: must be at least {min}"
                )));
            }
            if let Some(max) = spec.max.filter(|&max| n > max) {
                return Err(CliError::Usage(format!(
                    "{flag} {item}: must be at most {max}"
                )));
            }
        }
        if let Some(text) = item.as_str() {
            if !spec.choices.is_empty() && !spec.choices.contains(&text) {
                return Err(CliError::Usage(format!(
                    "{flag} {text}: must be one of {}",
                    spec.choices.join(", ")
                )));
            }
            if let Some(pattern) = spec.pattern {
                // A pattern the regex crate cannot read is left to the API.
                if let Ok(re) = regex::Regex::new(pattern) {
                    if !re.is_match(text) {
                        return Err(CliError::Usage(format!(
                            "{flag} {text:?}: must match the pattern {pattern}"
                        )));
                    }
                }
            }
        }
    }
    Ok(())
}

/// Parses a JSON body into the SDK's type; a mismatch is a usage error naming the field.
fn checked<T: DeserializeOwned>(body: Value) -> Result<T, CliError> {
    serde_path_to_error::deserialize(body).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            CliError::Usage(format!("invalid request body: {inner}"))
        } else {
            CliError::Usage(format!("invalid request body at `{path}`: {inner}"))
        }
    })
}

/// The bytes of `--body FILE`, or of stdin for `-`.
fn read_source(source: &str) -> Result<Vec<u8>, CliError> {
    if source == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| CliError::Usage(format!("--body -: cannot read stdin: {e}")))?;
        Ok(bytes)
    } else {
        std::fs::read(source).map_err(|e| CliError::Usage(format!("--body {source}: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn the_table_has_every_handler_range_and_no_curated_name() {
        let curated = [
            "droplet-action",
            "droplet-actions",
            "action",
            "actions",
            "auth",
            "completion",
            "search",
            "help",
        ];
        let mut names: Vec<&str> = curated.to_vec();
        for (name, _, aliases) in HANDLER_INFO {
            names.push(*name);
            names.extend(aliases.iter().copied());
        }
        let unique: BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(unique.len(), names.len(), "a handler alias is taken twice");
        let mut covered = 0;
        for (name, _, start, end) in HANDLERS {
            assert!(!curated.contains(name), "{name} shadows a curated command");
            assert!(OPS[*start..*end].iter().all(|op| op.handler == *name));
            covered += end - start;
        }
        assert_eq!(covered, OPS.len());
        let names: BTreeSet<(&str, &str)> = OPS.iter().map(|op| (op.handler, op.name)).collect();
        assert_eq!(names.len(), OPS.len());
    }

    #[test]
    fn every_command_builds_and_passes_clap_checks() {
        let root = add_handlers(clap::Command::new("oxido"), &[], true);
        root.debug_assert();
    }

    #[test]
    fn a_body_that_does_not_fit_names_the_field() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Create {
            name: String,
            size: u32,
        }
        let err = checked::<Create>(serde_json::json!({"name": "a", "size": "big"})).unwrap_err();
        assert!(
            matches!(&err, CliError::Usage(m) if m.contains("`size`")),
            "{err}"
        );
        let err = checked::<Create>(serde_json::json!({"name": "a"})).unwrap_err();
        assert!(
            matches!(&err, CliError::Usage(m) if m.contains("missing field `size`")),
            "{err}"
        );
    }
}
