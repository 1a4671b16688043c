//! The types of the generated operation table (`oxido::operations::OPERATIONS`).

/// One API operation, described as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationInfo {
    /// The spec's operationId, e.g. `droplets_get`.
    pub operation_id: &'static str,
    /// The handler accessor on `Client`, e.g. `droplets`.
    pub handler: &'static str,
    /// The method on the handler, e.g. `get`.
    pub method: &'static str,
    /// The HTTP method, upper case.
    pub http_method: &'static str,
    /// The path template, with `{name}` placeholders.
    pub path: &'static str,
    /// The server the operation goes to.
    pub host: Host,
    /// Path parameters in path order, then query parameters (required first).
    pub params: &'static [ParamInfo],
    /// The request body.
    pub body: BodyKind,
    /// How the answer is returned.
    pub response: ResponseKind,
    /// The Rust type the call yields.
    pub output: &'static str,
    /// The spec's one-line summary.
    pub summary: &'static str,
    /// Written by hand (`droplet_actions`, `actions`) rather than generated.
    pub hand_written: bool,
}

/// One parameter of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamInfo {
    /// The name on the wire.
    pub name: &'static str,
    /// The Rust argument or setter name.
    pub rust_name: &'static str,
    /// Where it goes.
    pub location: ParamLocation,
    /// Its type.
    pub kind: ParamKind,
    /// Positional (required) or a setter (optional).
    pub required: bool,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// A path segment.
    Path,
    /// A query parameter.
    Query,
}

/// The type of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// A positive integer id (`u64`).
    Id,
    /// An integer (`i64`).
    Int,
    /// A boolean.
    Bool,
    /// A string.
    Str,
    /// A list of strings, sent as repeated query parameters.
    StrList,
}

/// The request body of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// No body.
    None,
    /// JSON of the named Rust type.
    Json(&'static str),
    /// Raw bytes of the given content type.
    Bytes(&'static str),
}

/// How an operation's answer is returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseKind {
    /// Nothing (`()`).
    Empty,
    /// The whole JSON body.
    Json,
    /// The single member of a JSON envelope.
    Member,
    /// A page of a list, with links and meta.
    Page,
    /// Text (YAML, CSV).
    Text,
    /// Bytes (PDF).
    Bytes,
}

/// The server an operation goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// The API (`https://api.digitalocean.com`).
    Api,
    /// The inference host (`https://inference.do-ai.run`).
    Inference,
    /// An agent's own URL.
    Agent,
    /// A whole URL given by the caller (a presigned upload).
    Absolute,
}
