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
use crate::commands::resource_wait::{self, Resource};
use crate::error::CliError;
use crate::generated::table::{HANDLERS, OPS};
use crate::session::Session;
use crate::stdio;
use crate::wait_progress::{Display, wait_all};

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
    /// Text, the flag repeated for more values.
    StrList,
    /// JSON (a number, `true`, an object, ...), else the text as a string.
    Json,
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

/// The about line of a generated handler.
fn handler_about(prefix: &str, count: usize) -> String {
    format!("[generated] the `{prefix}` API operations ({count} commands)")
}

/// Adds every generated handler to the root command. Only handlers named in `argv` get their
/// commands built (all of them when `all`, for completion scripts): building 650 commands
/// costs more start-up time than the command itself.
pub fn add_handlers(mut root: clap::Command, argv: &[String], all: bool) -> clap::Command {
    for (index, (name, prefix, start, end)) in HANDLERS.iter().enumerate() {
        let mut handler = clap::Command::new(*name)
            .about(handler_about(prefix, end - start))
            .subcommand_required(true)
            .arg_required_else_help(true);
        if all || argv.iter().any(|a| a == name) {
            handler = handler.subcommands(OPS[*start..*end].iter().map(op_command));
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
        .about(op.summary)
        .long_about(long)
        .after_help(format!("Example:\n  {}", op.example));
    for spec in op.args {
        cmd = cmd.arg(arg(spec));
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
            cmd = cmd.arg(Arg::new("body").long("body").value_name("FILE|-").help(
                "The whole JSON body from a file, or `-` for stdin; flags override its fields",
            ));
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

fn arg(spec: &'static ArgSpec) -> Arg {
    let mut arg = Arg::new(spec.id).help(spec.help);
    arg = if spec.place == Place::Path {
        arg.value_name(spec.flag).required(true)
    } else {
        let value_name = match spec.kind {
            Kind::Id => "ID",
            Kind::Int => "N",
            Kind::Float => "NUMBER",
            Kind::Bool => "BOOL",
            Kind::Str | Kind::StrList => "TEXT",
            Kind::Json => "JSON",
        };
        arg.long(spec.flag)
            .value_name(value_name)
            .required(spec.required)
    };
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
        Kind::Str | Kind::Json => arg,
        Kind::StrList => arg.action(ArgAction::Append),
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
    if !output.is_machine() {
        output.check_columns(op)?;
    }
    confirm(op, &input)?;
    let session = Session::open(global, output).await?;
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
            resource_wait::wait_and_print(&session, op, &input, kind, value, limit).await
        }
        (answer, _, _) => session.output.answer(op, answer),
    }
}

/// A destructive command runs with `--force`, or after a yes on a terminal; without a terminal
/// to ask on it is refused (exit 2) before anything is sent.
fn confirm(op: &OpSpec, input: &Input<'_>) -> Result<(), CliError> {
    use std::io::IsTerminal as _;
    if !op.destructive || input.m.get_flag("force") {
        return Ok(());
    }
    let target = input.target();
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(CliError::Usage(format!(
            "`oxido {} {}` cannot be undone ({target}); pass --force (-f) to run it without a \
             terminal to confirm on",
            op.handler, op.name
        )));
    }
    stdio::err_prompt(&format!(
        "{target}: {}. Go ahead? [y/N] ",
        op.summary.trim_end_matches('.')
    ));
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| CliError::Usage(format!("could not read the confirmation: {e}")))?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(CliError::Usage(format!(
            "not confirmed; nothing was sent ({target})"
        )))
    }
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
            Kind::Str | Kind::StrList | Kind::Json => self.opt_str(spec.id).map(str::to_owned),
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
                serde_json::from_slice::<Value>(&bytes)
                    .map_err(|e| CliError::Usage(format!("--body {source}: not JSON: {e}")))?
            }
            None => Value::Object(Map::new()),
        };
        for spec in self.op.args.iter().filter(|a| a.place == Place::Body) {
            let Some(value) = self.body_flag(spec) else {
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

    fn body_flag(&self, spec: &ArgSpec) -> Option<Value> {
        Some(match spec.kind {
            Kind::Id => Value::from(self.opt_id(spec.id)?),
            Kind::Int => Value::from(self.opt_int(spec.id)?),
            Kind::Float => Value::from(*self.m.get_one::<f64>(spec.id)?),
            Kind::Bool => Value::from(self.opt_flag(spec.id)?),
            Kind::Str => Value::from(self.opt_str(spec.id)?),
            Kind::StrList => {
                let values = self.strs(spec.id);
                if values.is_empty() {
                    return None;
                }
                Value::from(values)
            }
            Kind::Json => {
                let text = self.opt_str(spec.id)?;
                serde_json::from_str(text).unwrap_or_else(|_| Value::from(text))
            }
        })
    }

    /// A body sent as bytes, from `--body`.
    pub fn bytes_body(&self) -> Result<Vec<u8>, CliError> {
        read_source(self.str("body")?)
    }
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
        let curated = ["droplet-action", "action", "auth", "completion", "help"];
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
