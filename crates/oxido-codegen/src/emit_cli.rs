//! Emits the CLI's generated part: the command table (`oxido-cli/src/generated/table.rs`), the dispatch
//! `match` that calls the typed SDK method of each operation (`generated/dispatch.rs`), the per-operation
//! test table (`oxido-cli/tests/generated/commands.rs`) and `docs/cli.md`.
//!
//! The table is plain static data that the CLI turns into clap commands with the builder API, only for the
//! handler named on the command line; 650 derive structs would cost build time and start-up time alike.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::emit_rust::{HEADER, public_ty};
use crate::ir::*;
use crate::naming::bare;

/// Top-level commands written by hand in `oxido-cli`; a generated handler must never take one of these names.
pub const CURATED: &[&str] = &[
    "droplet-action",
    "droplet-actions",
    "action",
    "actions",
    "auth",
    "completion",
    "search",
    "help",
];

/// Flags every command has (global options and the ones the runtime adds); a body field that would take
/// one of these names gets a `body-` prefix.
const RESERVED: &[&str] = &[
    "token",
    "api-url",
    "cacert",
    "context",
    "output",
    "format",
    "no-header",
    "sandbox",
    "verbose",
    "retries",
    "timeout",
    "help",
    "body",
    "page",
    "per-page",
    "wait",
    "wait-timeout",
    "force",
    "body-template",
];

/// Commands whose generated name misleads or is long: (operationId, the name, its aliases). `databases list`
/// lists the clusters, as doctl's does; the databases of one cluster are `list-dbs`. A cluster is what
/// `k8s ls`, `k8s create` and `db create` mean.
const RENAMES: &[(&str, &str, &[&str])] = &[
    ("databases_list_clusters", "list", &["ls", "list-clusters"]),
    ("databases_list", "list-dbs", &[]),
    ("databases_create_cluster", "create-cluster", &["create"]),
    ("kubernetes_list_clusters", "list-clusters", &["ls", "list"]),
    ("kubernetes_create_cluster", "create-cluster", &["create"]),
    ("kubernetes_get_cluster", "get-cluster", &["get"]),
    (
        "kubernetes_delete_cluster",
        "delete-cluster",
        &["rm", "delete"],
    ),
];

/// Most columns a default table shows.
const MAX_COLUMNS: usize = 8;

/// Field names that make good table columns, best first.
const PREFERRED: &[&str] = &[
    "id",
    "uuid",
    "name",
    "spec",
    "slug",
    "email",
    "status",
    "state",
    "phase",
    "region",
    "size_slug",
    "size",
    "type",
    "ip",
    "ip_address",
    "version",
    "engine",
    "num_nodes",
    "memory",
    "vcpus",
    "disk",
    "size_gigabytes",
    "data",
    "ttl",
    "fingerprint",
    "droplet_ids",
    "tags",
    "created_at",
];

/// Fields never shown by default: whole keys, certificates and zone files (key-length or multi-line
/// cells), and a second spelling of an address another column shows. `--format` still reaches them.
const NOT_BY_DEFAULT: &[&str] = &[
    "public_key",
    "private_key",
    "zone_file",
    "user_data",
    "certificate",
    "certificate_chain",
    "leaf_certificate",
    "default_ingress",
    "live_domain",
    "live_url_base",
    "owner_uuid",
    "last_deployment_created_at",
    "updated_at",
];

/// The Rust files: (path below the repository root, unformatted source).
pub fn emit(api: &Api, spec: &serde_json::Value) -> Vec<(String, String)> {
    let commands = commands(api, spec);
    vec![
        (
            "crates/oxido-cli/src/generated/mod.rs".to_owned(),
            emit_mod(),
        ),
        (
            "crates/oxido-cli/src/generated/table.rs".to_owned(),
            emit_table(&commands),
        ),
        (
            "crates/oxido-cli/src/generated/dispatch.rs".to_owned(),
            emit_dispatch(api, &commands),
        ),
        (
            "crates/oxido-cli/tests/generated/commands.rs".to_owned(),
            emit_test_table(api, spec, &commands),
        ),
    ]
}

/// `docs/cli.md`: every command.
pub fn docs(api: &Api, spec: &serde_json::Value) -> String {
    emit_docs(&commands(api, spec))
}

/// One generated command, in the order of the table.
pub struct Command<'a> {
    pub service: &'a Service,
    pub op: &'a Operation,
    pub handler: String,
    pub name: String,
    /// Other names: doctl's `ls`/`rm`, and the generated name where a clearer one replaced it.
    pub aliases: Vec<String>,
    pub args: Vec<Arg>,
    pub columns: Vec<String>,
    pub wait: &'static str,
    pub example: String,
    /// The fields of one answer row, which `--format` may name.
    pub fields: Vec<String>,
    /// Deletes or destroys something: needs confirmation or `--force`.
    pub destructive: bool,
    /// `--body-template`'s body: the spec's request example, else the required members (pretty JSON).
    pub template: String,
}

/// One argument of a generated command.
pub struct Arg {
    /// The clap id, unique within the command: `p:`, `q:` or `b:` and the wire name.
    pub id: String,
    /// The long flag, or the value name of a positional.
    pub flag: String,
    pub wire: String,
    pub kind: &'static str,
    pub place: &'static str,
    pub required: bool,
    pub help: String,
    /// The SDK setter or argument name (query parameters).
    pub ident: String,
    pub param_kind: Option<ParamKind>,
    /// What the spec allows, checked before sending.
    pub limits: Limits,
    /// A second name for the flag (`""`: none).
    pub alias: String,
}

/// The limits the spec states for a body field (for a list, for each item).
#[derive(Default, Debug, Clone, PartialEq)]
pub struct Limits {
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub pattern: Option<String>,
    pub choices: Vec<String>,
}

/// A body field's limits: `minimum`, `maximum`, `pattern` and a string `enum`, of the field or of its
/// items (a list), looking through `$ref` and `allOf`.
fn limits(spec: &serde_json::Value, schema: &serde_json::Value) -> Limits {
    let mut schema = resolve(spec, schema);
    if schema.get("type").and_then(serde_json::Value::as_str) == Some("array") {
        if let Some(items) = schema.get("items") {
            schema = resolve(spec, items);
        }
    }
    let mut parts = vec![schema];
    if let Some(serde_json::Value::Array(all)) = schema.get("allOf") {
        parts.extend(all.iter().map(|p| resolve(spec, p)));
    }
    let mut out = Limits::default();
    for part in parts {
        out.minimum = out
            .minimum
            .or_else(|| part.get("minimum").and_then(serde_json::Value::as_f64));
        out.maximum = out
            .maximum
            .or_else(|| part.get("maximum").and_then(serde_json::Value::as_f64));
        if out.pattern.is_none() {
            out.pattern = part
                .get("pattern")
                .and_then(serde_json::Value::as_str)
                .filter(|p| regex_syntax_ok(p))
                .map(str::to_owned);
        }
        if out.choices.is_empty() {
            if let Some(serde_json::Value::Array(values)) = part.get("enum") {
                let strings: Vec<String> = values
                    .iter()
                    .filter_map(serde_json::Value::as_str)
                    .map(str::to_owned)
                    .collect();
                if strings.len() == values.len() {
                    out.choices = strings;
                }
            }
        }
    }
    out
}

/// Patterns the CLI's `regex` can compile: ECMA-only look-arounds and back-references are left to the
/// API to check.
fn regex_syntax_ok(pattern: &str) -> bool {
    !["(?=", "(?!", "(?<=", "(?<!", "\\1", "\\2"]
        .iter()
        .any(|p| pattern.contains(p))
}

/// The request body's top-level properties (resolved), from every `allOf` part and `oneOf`/`anyOf`
/// branch.
fn body_properties(
    spec: &serde_json::Value,
    path: &str,
    method: &str,
) -> std::collections::BTreeMap<String, serde_json::Value> {
    let mut out = std::collections::BTreeMap::new();
    let Some(op) = spec
        .get("paths")
        .and_then(|p| p.get(path))
        .and_then(|p| p.get(method.to_ascii_lowercase()))
    else {
        return out;
    };
    let Some(schema) = op
        .get("requestBody")
        .map(|b| resolve(spec, b))
        .and_then(|b| b.get("content"))
        .and_then(|c| c.get("application/json"))
        .and_then(|c| c.get("schema"))
    else {
        return out;
    };
    let mut parts = vec![schema];
    let mut seen = 0;
    while let Some(part) = parts.pop() {
        seen += 1;
        if seen > 64 {
            break;
        }
        let part = resolve(spec, part);
        if let Some(serde_json::Value::Object(props)) = part.get("properties") {
            for (k, v) in props {
                out.entry(k.clone())
                    .or_insert_with(|| resolve(spec, v).clone());
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(serde_json::Value::Array(more)) = part.get(key) {
                parts.extend(more.iter());
            }
        }
    }
    out
}

pub fn kebab(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

fn param_kind_name(kind: ParamKind) -> &'static str {
    match kind {
        ParamKind::Id => "Id",
        ParamKind::Int => "Int",
        ParamKind::Bool => "Bool",
        ParamKind::Str => "Str",
        ParamKind::StrList => "StrList",
    }
}

/// The first sentence-ish line of a description, short enough for `--help`.
fn short_help(text: &str) -> String {
    let line = crate::doc::clean(text)
        .into_iter()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let line = line.trim().trim_start_matches(['#', ' ']).to_owned();
    let end = line.find(". ").map(|i| i + 1).unwrap_or(line.len());
    let mut short: String = line[..end].chars().take(120).collect();
    if short.len() < line[..end].len() {
        short.push('…');
    }
    short
}

pub fn commands<'a>(api: &'a Api, spec: &serde_json::Value) -> Vec<Command<'a>> {
    let mut out = Vec::new();
    for service in api.services.iter().filter(|s| !s.hand_written) {
        let handler = kebab(&service.handler);
        assert!(
            !CURATED.contains(&handler.as_str()),
            "generated handler `{handler}` would shadow a curated command"
        );
        for op in &service.operations {
            out.push(command(api, spec, service, op, handler.clone()));
        }
    }
    out
}

fn command<'a>(
    api: &Api,
    spec: &serde_json::Value,
    service: &'a Service,
    op: &'a Operation,
    handler: String,
) -> Command<'a> {
    let mut args = Vec::new();
    let mut used: BTreeSet<String> = RESERVED.iter().map(|s| (*s).to_owned()).collect();
    for p in &op.path_params {
        args.push(Arg {
            id: format!("p:{}", p.name),
            flag: p.name.to_ascii_uppercase().replace('-', "_"),
            wire: p.name.clone(),
            kind: param_kind_name(p.kind),
            place: "Path",
            required: true,
            help: short_help(&p.description),
            ident: p.ident.clone(),
            param_kind: Some(p.kind),
            limits: Limits::default(),
            alias: String::new(),
        });
    }
    for (list, required) in [(&op.required_query, true), (&op.optional_query, false)] {
        for p in list {
            if op.is_list() && matches!(p.name.as_str(), "page" | "per_page") {
                continue;
            }
            let mut flag = kebab(&p.name);
            if used.contains(&flag) {
                flag = format!("query-{flag}");
            }
            used.insert(flag.clone());
            args.push(Arg {
                id: format!("q:{}", p.name),
                flag,
                wire: p.name.clone(),
                kind: param_kind_name(p.kind),
                place: "Query",
                required,
                help: short_help(&p.description),
                ident: p.ident.clone(),
                param_kind: Some(p.kind),
                limits: Limits::default(),
                alias: String::new(),
            });
        }
    }
    if let Some(fields) = body_fields(api, op) {
        let props = body_properties(spec, &op.path, &op.http_method);
        for field in fields {
            let Some(kind) = flag_kind(api, &field.ty) else {
                continue;
            };
            let schema = props.get(&field.json_name);
            // The API sets these itself (`id`, `created_at`, `status`): never a flag.
            if schema.is_some_and(|s| s.get("readOnly") == Some(&serde_json::Value::Bool(true))) {
                continue;
            }
            let mut flag = kebab(&field.json_name);
            if flag.is_empty() {
                continue;
            }
            if used.contains(&flag) {
                flag = format!("body-{flag}");
                if used.contains(&flag) {
                    continue;
                }
            }
            used.insert(flag.clone());
            let mut limits = schema.map(|s| limits(spec, s)).unwrap_or_default();
            // A storage size the spec leaves unbounded still cannot be below one unit
            // (`volumes create --size-gigabytes -5` must not reach the API).
            if limits.minimum.is_none()
                && kind == "Int"
                && ["_gigabytes", "_gib", "_mib"]
                    .iter()
                    .any(|unit| field.json_name.ends_with(unit))
            {
                limits.minimum = Some(1.0);
            }
            // The Kubernetes `--version` was `--body-version` while subcommands had a version flag;
            // doctl's singular `--node-pool` reads better for one pool at a time.
            let alias = match flag.as_str() {
                "version" => "body-version",
                "node-pools" => "node-pool",
                _ => "",
            };
            args.push(Arg {
                limits,
                alias: alias.to_owned(),
                id: format!("b:{}", field.json_name),
                flag,
                wire: field.json_name.clone(),
                kind,
                place: "Body",
                required: false,
                help: short_help(&field.doc),
                ident: field.ident.clone(),
                param_kind: None,
            });
        }
    }
    let mut name = kebab(bare(&op.method_name));
    let mut aliases: Vec<String> = Vec::new();
    if let Some((_, clear, alias)) = RENAMES.iter().find(|(id, ..)| *id == op.operation_id) {
        name = (*clear).to_owned();
        aliases.extend(alias.iter().map(|a| (*a).to_owned()));
    }
    // doctl's `ls` and `rm`, where the handler has one `list` and one `delete` (else `destroy`).
    let has = |method: &str| {
        service
            .operations
            .iter()
            .any(|o| kebab(bare(&o.method_name)) == method)
    };
    match name.as_str() {
        "list" if !aliases.iter().any(|a| a == "ls") => aliases.push("ls".to_owned()),
        "delete" => aliases.push("rm".to_owned()),
        "destroy" if !has("delete") => aliases.push("rm".to_owned()),
        _ => {}
    }
    let columns = columns(api, op);
    let wait = wait_kind(api, op);
    let fields = row_fields(api, op);
    let destructive = is_destructive(op, &name);
    let mut cmd = Command {
        service,
        op,
        handler,
        name,
        aliases,
        args,
        columns,
        wait,
        example: String::new(),
        fields,
        destructive,
        template: String::new(),
    };
    cmd.example = example(&cmd, spec);
    cmd.template = template(op, spec);
    cmd
}

/// The top-level fields of a JSON body: a struct's, or those of every struct variant of a union (the
/// first variant naming a field decides its flag's kind).
/// The fields a body's flags can set: a struct's, or every branch's of a union, plus a tagged union's
/// tag (its payloads leave it to the variant: `domains create-record --type A`).
fn body_fields(api: &Api, op: &Operation) -> Option<Vec<Field>> {
    let body = op
        .body
        .as_ref()
        .filter(|b| b.content_type == "application/json")?;
    let Ty::Named(i) = &body.ty else { return None };
    match &api.types[*i].kind {
        TypeKind::Struct(fields) => Some(fields.clone()),
        TypeKind::Union { variants, tag } => {
            let mut out: Vec<Field> = Vec::new();
            if let Some(tag) = tag {
                let values: Vec<&str> = variants
                    .iter()
                    .flat_map(|v| v.tag_values.iter().map(String::as_str))
                    .collect();
                out.push(Field {
                    json_name: tag.clone(),
                    ident: crate::naming::field_ident(tag),
                    ty: Ty::Str,
                    required: true,
                    doc: format!("The kind: {}.", values.join(", ")),
                });
            }
            for variant in variants {
                if let Ty::Named(v) = &variant.ty {
                    if let TypeKind::Struct(fields) = &api.types[*v].kind {
                        for field in fields {
                            if !out.iter().any(|f| f.json_name == field.json_name) {
                                out.push(field.clone());
                            }
                        }
                    }
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// How a body field is given as a flag, when it can be.
fn flag_kind(api: &Api, ty: &Ty) -> Option<&'static str> {
    let is_string = |ty: &Ty| match ty {
        Ty::Str => true,
        Ty::Named(i) => matches!(
            api.types[*i].kind,
            TypeKind::StringEnum(_) | TypeKind::Existing(crate::lower::TIMESTAMP)
        ),
        _ => false,
    };
    let scalar_union = |ty: &Ty| match ty {
        Ty::Named(i) => match &api.types[*i].kind {
            TypeKind::Union { variants, .. } => variants
                .iter()
                .all(|v| matches!(v.ty, Ty::Str | Ty::Int | Ty::U64 | Ty::Float | Ty::Bool)),
            _ => false,
        },
        _ => false,
    };
    match ty {
        Ty::Int | Ty::U64 => Some("Int"),
        Ty::Float => Some("Float"),
        Ty::Bool => Some("Bool"),
        Ty::Vec(inner) if is_string(inner) => Some("StrList"),
        // Ids, or ids and slugs (`--ssh-keys 512189,3b:16:bf:...`).
        Ty::Vec(inner) if matches!(**inner, Ty::Int | Ty::U64) || scalar_union(inner) => {
            Some("JsonList")
        }
        other if is_string(other) => Some("Str"),
        // An id or a slug (`--image 12345` or `--image ubuntu-24-04-x64`), or free-form JSON.
        other if scalar_union(other) || matches!(other, Ty::Value) => Some("Json"),
        // Objects (an app spec, node pools, firewall rules): JSON or YAML, inline, `@file` or a file's
        // path, or a compact syntax the CLI knows for the field.
        Ty::Vec(inner) if matches!(**inner, Ty::Named(_) | Ty::Boxed(_)) => Some("DocList"),
        Ty::Named(_) | Ty::Boxed(_) => Some("Doc"),
        _ => None,
    }
}

/// The type one table row shows. An answer that is an envelope (one member besides `links` and `meta`,
/// as `droplets create` and `reserved-ips create` answer) shows its member, as the CLI strips it at run
/// time (`commands::generated::json`); a union of envelopes shows its first variant's.
fn row_type<'a>(api: &'a Api, op: &'a Operation) -> Option<&'a Ty> {
    let ty = match &op.response {
        ResponseKind::Page { item, .. } => item,
        ResponseKind::Json(ty) | ResponseKind::Member { ty, .. } => ty,
        _ => return None,
    };
    let mut ty = match ty {
        Ty::Vec(inner) => inner,
        other => other,
    };
    if matches!(op.response, ResponseKind::Json(_)) {
        for _ in 0..2 {
            let Ty::Named(i) = ty else { break };
            match &api.types[*i].kind {
                TypeKind::Struct(fields) => {
                    let members: Vec<&Field> = fields
                        .iter()
                        .filter(|f| !matches!(f.json_name.as_str(), "links" | "meta"))
                        .collect();
                    if members.len() == 1
                        && fields.len() > 1
                        && matches!(members[0].ty, Ty::Named(_) | Ty::Vec(_))
                    {
                        ty = match &members[0].ty {
                            Ty::Vec(inner) => inner,
                            other => other,
                        };
                    }
                    break;
                }
                TypeKind::Union { variants, .. } => match variants.first() {
                    Some(v) => ty = &v.ty,
                    None => break,
                },
                _ => break,
            }
        }
    }
    Some(ty)
}

/// Every field name of one answer row (what `--format` may start a column with); empty when the row
/// has no known shape.
fn row_fields(api: &Api, op: &Operation) -> Vec<String> {
    let Some(Ty::Named(index)) = row_type(api, op) else {
        return Vec::new();
    };
    match &api.types[*index].kind {
        TypeKind::Struct(fields) => fields.iter().map(|f| f.json_name.clone()).collect(),
        TypeKind::Existing("crate::models::Action") => [
            "id",
            "status",
            "type",
            "started_at",
            "completed_at",
            "resource_id",
            "resource_type",
            "region",
            "region_slug",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect(),
        TypeKind::Existing("crate::models::Region") => {
            ["slug", "name", "available", "features", "sizes"]
                .iter()
                .map(|s| (*s).to_owned())
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Commands that delete or destroy: every `DELETE`, and the `destroy`/`dangerous` ones whatever their
/// method. They ask on a terminal and need `--force` otherwise.
fn is_destructive(op: &Operation, name: &str) -> bool {
    op.http_method == "DELETE" || name.contains("destroy") || name.contains("dangerous")
}

fn is_scalar(api: &Api, ty: &Ty) -> bool {
    match ty {
        Ty::Str | Ty::Int | Ty::U64 | Ty::Float | Ty::Bool => true,
        Ty::Named(i) => matches!(
            api.types[*i].kind,
            TypeKind::StringEnum(_) | TypeKind::Existing(crate::lower::TIMESTAMP)
        ),
        _ => false,
    }
}

/// Default table columns for an operation's answer, chosen from its schema: preferred names first (with
/// `region.slug` for a region object), then other scalar fields in the schema's order.
fn columns(api: &Api, op: &Operation) -> Vec<String> {
    let Some(Ty::Named(index)) = row_type(api, op) else {
        return Vec::new();
    };
    let def = &api.types[*index];
    // A Droplet as doctl shows it: the public address, tags and volumes rather than memory and disk.
    if def.schema.as_deref() == Some("droplet") {
        return [
            "id",
            "name",
            "PublicIPv4",
            "region.slug",
            "size_slug",
            "status",
            "tags",
            "volume_ids",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    }
    let fields = match &def.kind {
        TypeKind::Existing(path) => {
            let known: &[&str] = match *path {
                "crate::models::Action" => &[
                    "id",
                    "status",
                    "type",
                    "started_at",
                    "completed_at",
                    "resource_id",
                    "resource_type",
                    "region_slug",
                ],
                "crate::models::Region" => &["slug", "name", "available"],
                _ => &[],
            };
            return known.iter().map(|s| (*s).to_owned()).collect();
        }
        TypeKind::Struct(fields) => fields,
        _ => return Vec::new(),
    };
    let mut chosen: Vec<String> = Vec::new();
    let column_of = |field: &Field| -> Option<String> {
        if NOT_BY_DEFAULT.contains(&field.json_name.as_str()) {
            return None;
        }
        if is_scalar(api, &field.ty) {
            return Some(field.json_name.clone());
        }
        // Lists of ids or tags read well joined with commas.
        if matches!(&field.ty, Ty::Vec(inner) if is_scalar(api, inner))
            && matches!(field.json_name.as_str(), "tags" | "droplet_ids")
        {
            return Some(field.json_name.clone());
        }
        // An object with a slug (region, size, image) reads best as its slug.
        if let Ty::Named(i) = &field.ty {
            let has_slug = match &api.types[*i].kind {
                TypeKind::Struct(inner) => inner
                    .iter()
                    .any(|f| f.json_name == "slug" && is_scalar(api, &f.ty)),
                TypeKind::Existing("crate::models::Region") => true,
                _ => false,
            };
            if has_slug && matches!(field.json_name.as_str(), "region" | "size" | "image") {
                return Some(format!("{}.slug", field.json_name));
            }
            // A status object's state (Kubernetes) and a spec's name (apps).
            let inner_scalar = |name: &str| match &api.types[*i].kind {
                TypeKind::Struct(inner) => inner
                    .iter()
                    .any(|f| f.json_name == name && is_scalar(api, &f.ty)),
                _ => false,
            };
            if field.json_name == "status" && inner_scalar("state") {
                return Some("status.state".to_owned());
            }
            if field.json_name == "spec" && inner_scalar("name") {
                return Some("spec.name".to_owned());
            }
        }
        None
    };
    for name in PREFERRED {
        if let Some(field) = fields.iter().find(|f| f.json_name == *name) {
            if let Some(column) = column_of(field) {
                if !(column == "size.slug" && chosen.iter().any(|c| c == "size_slug")) {
                    chosen.push(column);
                }
            }
        }
    }
    for field in fields {
        if chosen.len() >= MAX_COLUMNS {
            break;
        }
        if let Some(column) = column_of(field).filter(|c| !c.contains('.')) {
            if !chosen.contains(&column) && !field.json_name.contains("description") {
                chosen.push(column);
            }
        }
    }
    // A row that only nests objects (`{"team": {...}, "access_point": {...}}`) shows the scalar fields of
    // its first object, so a create never prints an empty table.
    if chosen.is_empty() {
        for field in fields {
            let Ty::Named(i) = &field.ty else { continue };
            let TypeKind::Struct(inner) = &api.types[*i].kind else {
                continue;
            };
            chosen = inner
                .iter()
                .filter(|f| {
                    is_scalar(api, &f.ty) && !NOT_BY_DEFAULT.contains(&f.json_name.as_str())
                })
                .filter(|f| !f.json_name.contains("description"))
                .map(|f| format!("{}.{}", field.json_name, f.json_name))
                .take(MAX_COLUMNS)
                .collect();
            if !chosen.is_empty() {
                break;
            }
        }
    }
    // created_at, when present, stays last even when it was preferred early.
    chosen.truncate(MAX_COLUMNS);
    if let Some(at) = chosen.iter().position(|c| c == "created_at") {
        let c = chosen.remove(at);
        chosen.push(c);
    }
    chosen
}

/// Whether a type is an action: the SDK's `Action`, or a schema that extends it (`volumeAction`).
fn is_action(api: &Api, ty: &Ty) -> bool {
    let Ty::Named(i) = ty else { return false };
    match &api.types[*i].kind {
        TypeKind::Existing(path) => *path == "crate::models::Action",
        TypeKind::Struct(fields) => ["id", "status", "type", "started_at", "resource_type"]
            .iter()
            .all(|name| fields.iter().any(|f| f.json_name == *name)),
        _ => false,
    }
}

/// Operations that create a resource whose status moves, and the CLI's `resource_wait::Resource` that
/// waits for it (a Droplet `active`, a cluster `running`, a database `online`, a deployment `ACTIVE`).
const RESOURCE_WAITS: &[(&str, &str)] = &[
    ("droplets_create", "Resource(Resource::Droplet)"),
    (
        "kubernetes_create_cluster",
        "Resource(Resource::KubernetesCluster)",
    ),
    ("databases_create_cluster", "Resource(Resource::Database)"),
    (
        "databases_create_replica",
        "Resource(Resource::DatabaseReplica)",
    ),
    ("apps_create", "Resource(Resource::App)"),
    (
        "apps_create_deployment",
        "Resource(Resource::AppDeployment)",
    ),
    ("apps_create_rollback", "Resource(Resource::AppDeployment)"),
];

/// What `--wait` waits for: `Action` for an answer that is an action, `Actions` for a list of them, a
/// resource's status for the operations in [`RESOURCE_WAITS`].
fn wait_kind(api: &Api, op: &Operation) -> &'static str {
    if let Some((_, wait)) = RESOURCE_WAITS.iter().find(|(id, _)| *id == op.operation_id) {
        return wait;
    }
    if op.http_method == "GET" {
        return "None";
    }
    match &op.response {
        ResponseKind::Member {
            ty: Ty::Vec(inner), ..
        }
        | ResponseKind::Json(Ty::Vec(inner))
            if is_action(api, inner) =>
        {
            "Actions"
        }
        ResponseKind::Member { ty, .. } | ResponseKind::Json(ty) if is_action(api, ty) => "Action",
        _ => "None",
    }
}

fn shell_word(value: &str) -> String {
    if !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,".contains(c))
    {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', "'\\''"))
    }
}

fn example_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// One example command line, from the spec's examples where it has them.
fn example(cmd: &Command<'_>, spec: &serde_json::Value) -> String {
    let (words, _) = example_argv(cmd, spec);
    let mut line = vec!["oxido".to_owned()];
    line.extend(words.iter().map(|w| {
        if w.starts_with('<') && w.ends_with('>') {
            w.clone()
        } else {
            shell_word(w)
        }
    }));
    line.join(" ")
}

/// The example's arguments after `oxido`, unquoted, and the JSON body it reads from `--body body.json`
/// (the spec's request example), if any.
fn example_argv(cmd: &Command<'_>, spec: &serde_json::Value) -> (Vec<String>, Option<String>) {
    let op = cmd.op;
    let mut words = vec![cmd.handler.clone(), cmd.name.clone()];
    if cmd.destructive {
        words.push("--force".to_owned());
    }
    let mut body_json = None;
    for p in &op.path_params {
        let value = p
            .example
            .as_ref()
            .or_else(|| shared_parameter_example(spec, &p.name))
            .and_then(example_text)
            // The GenAI paths quote their example id inside the string; the id is what is
            // inside (what the emulator's demo holds, and what a user types).
            .map(
                |v| match v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
                    Some(inner) if !inner.is_empty() && !inner.contains('"') => inner.to_owned(),
                    _ => v,
                },
            )
            .unwrap_or_else(|| match p.kind {
                ParamKind::Id | ParamKind::Int => "1".to_owned(),
                _ => format!("<{}>", kebab(&p.name)),
            });
        words.push(value);
    }
    for p in &op.required_query {
        let arg = cmd
            .args
            .iter()
            .find(|a| a.place == "Query" && a.wire == p.name);
        let Some(arg) = arg else { continue };
        let value = p.example.as_ref().and_then(|v| match v {
            serde_json::Value::Array(items) => items.first().and_then(example_text),
            other => example_text(other),
        });
        let value = value.unwrap_or_else(|| format!("<{}>", arg.flag));
        if arg.kind == "Bool" {
            // A boolean flag takes its value only as `--flag=value`.
            words.push(format!("--{}={value}", arg.flag));
        } else {
            words.push(format!("--{}", arg.flag));
            words.push(value);
        }
    }
    if let Some(body) = &op.body {
        let example = op
            .request_examples
            .first()
            .and_then(|(_, pointer)| spec.pointer(pointer));
        let mut flags: Vec<Vec<String>> = Vec::new();
        let mut covered = true;
        if let Some(serde_json::Value::Object(map)) = example {
            for (key, value) in map {
                let arg = cmd
                    .args
                    .iter()
                    .find(|a| a.place == "Body" && &a.wire == key);
                match (arg, value) {
                    (Some(arg), serde_json::Value::Array(items)) if arg.kind == "StrList" => {
                        for item in items.iter().filter_map(example_text) {
                            flags.push(vec![format!("--{}", arg.flag), item]);
                        }
                    }
                    (Some(arg), value) if arg.kind != "StrList" => match example_text(value) {
                        Some(text) if arg.kind == "Bool" => {
                            flags.push(vec![format!("--{}={text}", arg.flag)])
                        }
                        Some(text) => flags.push(vec![format!("--{}", arg.flag), text]),
                        None => covered = false,
                    },
                    _ => covered = false,
                }
            }
        } else {
            covered = false;
        }
        if body.content_type != "application/json" {
            words.extend(["--body".to_owned(), "FILE".to_owned()]);
        } else if covered && !flags.is_empty() && flags.len() <= 6 {
            words.extend(flags.into_iter().flatten());
        } else {
            words.extend(["--body".to_owned(), "body.json".to_owned()]);
            let value = example
                .cloned()
                .or_else(|| minimal_body(spec, &op.path, &op.http_method));
            body_json = value.map(|e| serde_json::to_string(&e).unwrap_or_default());
        }
    }
    (words, body_json)
}

/// The body `--body-template` prints: the spec's request example, else the members it requires.
fn template(op: &Operation, spec: &serde_json::Value) -> String {
    let Some(body) = &op.body else {
        return String::new();
    };
    if body.content_type != "application/json" {
        return String::new();
    }
    let value = op
        .request_examples
        .first()
        .and_then(|(_, pointer)| spec.pointer(pointer))
        .cloned()
        .or_else(|| minimal_body(spec, &op.path, &op.http_method))
        .unwrap_or_else(|| serde_json::json!({}));
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// The example of a shared parameter with this name, for an operation that declares the parameter inline
/// without one (`images_get` takes an id or a slug, and gives no example of either).
fn shared_parameter_example<'a>(
    spec: &'a serde_json::Value,
    name: &str,
) -> Option<&'a serde_json::Value> {
    spec.pointer("/components/parameters")?
        .as_object()?
        .values()
        .filter(|p| p.get("name").and_then(serde_json::Value::as_str) == Some(name))
        .find_map(|p| p.get("example"))
}

/// For an operation whose spec has no request example: a JSON body with only the required members, from
/// the schema's own examples where it has them.
fn minimal_body(spec: &serde_json::Value, path: &str, method: &str) -> Option<serde_json::Value> {
    let op = spec
        .get("paths")?
        .get(path)?
        .get(method.to_ascii_lowercase())?;
    let body = resolve(spec, op.get("requestBody")?);
    let schema = body
        .get("content")?
        .get("application/json")?
        .get("schema")?;
    Some(required_only(spec, schema, 0))
}

fn resolve<'a>(
    spec: &'a serde_json::Value,
    mut value: &'a serde_json::Value,
) -> &'a serde_json::Value {
    for _ in 0..16 {
        match value
            .get("$ref")
            .and_then(serde_json::Value::as_str)
            .and_then(|r| spec.pointer(r.trim_start_matches('#')))
        {
            Some(target) => value = target,
            None => break,
        }
    }
    value
}

fn required_only(
    spec: &serde_json::Value,
    schema: &serde_json::Value,
    depth: u32,
) -> serde_json::Value {
    use serde_json::{Value, json};
    let schema = resolve(spec, schema);
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(Value::Array(values)) = schema.get("enum") {
        if let Some(first) = values.first() {
            return first.clone();
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(alternatives)) = schema.get(key) {
            if let Some(first) = alternatives.first() {
                let mut value = required_only(spec, first, depth + 1);
                // The branch's own discriminator value, not the first value of an enum all branches
                // share (which would select another branch).
                if let (Some(discriminator), Some(reference), Some(fields)) = (
                    schema.get("discriminator"),
                    first.get("$ref").and_then(Value::as_str),
                    value.as_object_mut(),
                ) {
                    let tag = discriminator.get("propertyName").and_then(Value::as_str);
                    let mapped = discriminator
                        .get("mapping")
                        .and_then(Value::as_object)
                        .and_then(|m| m.iter().find(|(_, r)| r.as_str() == Some(reference)));
                    if let (Some(tag), Some((tag_value, _))) = (tag, mapped) {
                        fields.insert(tag.to_owned(), json!(tag_value));
                    }
                }
                return value;
            }
        }
    }
    let mut properties = serde_json::Map::new();
    let mut required: Vec<String> = Vec::new();
    let mut parts = vec![schema];
    while let Some(part) = parts.pop() {
        let part = resolve(spec, part);
        if let Some(Value::Object(props)) = part.get("properties") {
            for (k, v) in props {
                properties.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        for name in part
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(name) = name.as_str() {
                if !required.iter().any(|r| r == name) {
                    required.push(name.to_owned());
                }
            }
        }
        parts.extend(
            part.get("allOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
    }
    let kind = schema.get("type").and_then(Value::as_str).unwrap_or(
        if properties.is_empty() && schema.get("allOf").is_none() {
            "string"
        } else {
            "object"
        },
    );
    match kind {
        "object" => {
            let mut out = serde_json::Map::new();
            if depth < 10 {
                // A body that requires nothing (the spec leaves `required` out of some the API needs, e.g.
                // a tag's name) still shows what it takes: the members the schema gives an example for.
                if depth == 0 && required.is_empty() {
                    required = properties
                        .iter()
                        .filter(|(_, p)| {
                            let p = resolve(spec, p);
                            p.get("example").is_some()
                                && p.get("readOnly") != Some(&Value::Bool(true))
                        })
                        .map(|(name, _)| name.clone())
                        .collect();
                }
                for name in required {
                    let prop = properties.get(&name).cloned().unwrap_or(Value::Null);
                    out.insert(name, required_only(spec, &prop, depth + 1));
                }
            }
            Value::Object(out)
        }
        "array" => match schema.get("items") {
            Some(items) => json!([required_only(spec, items, depth + 1)]),
            None => json!([]),
        },
        "integer" | "number" => json!(schema.get("minimum").and_then(Value::as_i64).unwrap_or(1)),
        "boolean" => json!(true),
        _ => match schema.get("format").and_then(Value::as_str) {
            Some("uuid") => json!("3d3c6d4e-7c5a-4b8e-9f10-2a1b3c4d5e6f"),
            Some("date-time") => json!("2026-01-01T00:00:00Z"),
            Some("ipv4") => json!("192.0.2.10"),
            Some("email") => json!("sammy@example.com"),
            _ => json!("example"),
        },
    }
}

// ---------------------------------------------------------------------------------------------------------
// Emitters

fn emit_mod() -> String {
    let mut out = String::from(HEADER);
    out.push_str("//! The generated commands: one per API operation, from the same spec and generator as the SDK.\n\n");
    out.push_str("pub mod dispatch;\npub mod table;\n");
    out
}

fn lit(text: &str) -> String {
    format!("{text:?}")
}

fn emit_table(commands: &[Command<'_>]) -> String {
    let mut out = String::from(HEADER);
    out.push_str("//! Every generated command as static data; `crate::commands::generated` builds clap commands from it.\n\n");
    out.push_str(
        "use crate::commands::generated::{ArgSpec, Body, Kind, OpSpec, Output, Place, Wait};\nuse crate::commands::resource_wait::Resource;\n\n",
    );
    let mut handlers: Vec<(String, String, usize, usize)> = Vec::new();
    for (i, cmd) in commands.iter().enumerate() {
        match handlers.last_mut() {
            Some((name, _, _, end)) if *name == cmd.handler => *end = i + 1,
            _ => handlers.push((cmd.handler.clone(), cmd.service.prefix.clone(), i, i + 1)),
        }
    }
    let _ = writeln!(
        out,
        "/// Each handler's kebab-case name, its operationId prefix and its commands' range in [`OPS`]."
    );
    let _ = writeln!(
        out,
        "pub static HANDLERS: &[(&str, &str, usize, usize)] = &["
    );
    for (name, prefix, start, end) in &handlers {
        let _ = writeln!(out, "({}, {}, {start}, {end}),", lit(name), lit(prefix));
    }
    out.push_str("];\n\n");
    let _ = writeln!(
        out,
        "/// All {} generated commands, by handler then method.",
        commands.len()
    );
    out.push_str("pub static OPS: &[OpSpec] = &[\n");
    for cmd in commands {
        let op = cmd.op;
        let output = match &op.response {
            ResponseKind::Empty => "Empty",
            ResponseKind::Json(_) | ResponseKind::Member { .. } => "Value",
            ResponseKind::Page { .. } => "List",
            ResponseKind::Text { .. } | ResponseKind::Bytes { .. } => "Raw",
        };
        let body = match &op.body {
            None => "None",
            Some(b) if b.content_type == "application/json" => "Json",
            Some(_) => "Bytes",
        };
        let args: Vec<String> = cmd
            .args
            .iter()
            .map(|a| {
                let number = |n: Option<f64>| n.map_or("None".to_owned(), |n| format!("Some({n:?})"));
                let choices: Vec<String> = a.limits.choices.iter().map(|c| lit(c)).collect();
                format!(
                    "ArgSpec {{ id: {}, flag: {}, wire: {}, kind: Kind::{}, place: Place::{}, required: {}, help: {}, alias: {}, min: {}, max: {}, pattern: {}, choices: &[{}] }}",
                    lit(&a.id),
                    lit(&a.flag),
                    lit(&a.wire),
                    a.kind,
                    a.place,
                    a.required,
                    lit(&a.help),
                    lit(&a.alias),
                    number(a.limits.minimum),
                    number(a.limits.maximum),
                    a.limits.pattern.as_ref().map_or("None".to_owned(), |p| format!("Some({})", lit(p))),
                    choices.join(", "),
                )
            })
            .collect();
        let columns: Vec<String> = cmd.columns.iter().map(|c| lit(c)).collect();
        let fields: Vec<String> = cmd.fields.iter().map(|c| lit(c)).collect();
        let _ = writeln!(
            out,
            "OpSpec {{ handler: {}, name: {}, operation_id: {}, summary: {}, http_method: {}, path: {}, example: {}, aliases: &[{}], args: &[{}], body: Body::{body}, output: Output::{output}, columns: &[{}], fields: &[{}], wait: Wait::{}, deprecated: {}, destructive: {}, template: {} }},",
            lit(&cmd.handler),
            lit(&cmd.name),
            lit(&op.operation_id),
            lit(op.summary.trim()),
            lit(&op.http_method),
            lit(&op.path),
            lit(&cmd.example),
            cmd.aliases
                .iter()
                .map(|a| lit(a))
                .collect::<Vec<_>>()
                .join(", "),
            args.join(", "),
            columns.join(", "),
            fields.join(", "),
            cmd.wait,
            op.deprecated,
            cmd.destructive,
            lit(&cmd.template),
        );
    }
    out.push_str("];\n");
    out
}

/// The Rust expression reading one required argument, typed as the SDK method takes it.
fn required_arg(arg: &Arg) -> String {
    let id = lit(&arg.id);
    match arg.param_kind {
        Some(ParamKind::Id) => format!("a.id({id})?"),
        Some(ParamKind::Int) => format!("a.int({id})?"),
        Some(ParamKind::Bool) => format!("a.flag({id})?"),
        Some(ParamKind::StrList) => format!("&a.strs({id})"),
        _ => format!("a.str({id})?"),
    }
}

fn emit_dispatch(api: &Api, commands: &[Command<'_>]) -> String {
    let mut out = String::from(HEADER);
    out.push_str("//! Calls the typed SDK method of each generated command, so a body is parsed into the SDK's own type.\n\n");
    out.push_str("use crate::commands::generated::{Answer, Input, collect, json, raw, unit};\nuse crate::error::CliError;\n\n");
    out.push_str("/// Runs command `index` of [`super::table::OPS`] with the client.\n");
    out.push_str("#[allow(clippy::too_many_lines)]\n");
    out.push_str("pub async fn dispatch(index: usize, a: &Input<'_>, c: &oxido::Client) -> Result<Answer, CliError> {\n");
    out.push_str("Ok(match index {\n");
    for (index, cmd) in commands.iter().enumerate() {
        let op = cmd.op;
        let mut call_args: Vec<String> = Vec::new();
        for p in op.path_params.iter().chain(&op.required_query) {
            let place = if op.path_params.iter().any(|q| q.name == p.name) {
                "p"
            } else {
                "q"
            };
            let arg = cmd
                .args
                .iter()
                .find(|a| a.id == format!("{place}:{}", p.name))
                .expect("argument of a parameter");
            call_args.push(required_arg(arg));
        }
        if let Some(body) = &op.body {
            if body.content_type == "application/json" {
                let first_struct = match &body.ty {
                    Ty::Named(i) => match &api.types[*i].kind {
                        TypeKind::Union { variants, .. } => variants.iter().find(|v| matches!(&v.ty, Ty::Named(j) if matches!(api.types[*j].kind, TypeKind::Struct(_)))),
                        _ => None,
                    },
                    _ => None,
                };
                match first_struct {
                    Some(variant) => call_args.push(format!(
                        "a.body_union::<{}, {}>()?",
                        public_ty(api, &body.ty),
                        public_ty(api, &variant.ty)
                    )),
                    None => call_args.push(format!("a.body::<{}>()?", public_ty(api, &body.ty))),
                }
            } else {
                call_args.push("a.bytes_body()?".to_owned());
            }
        }
        let _ = writeln!(out, "// {}", op.operation_id);
        let _ = write!(out, "{index} => {{ ");
        // One-or-many (`create` and `create_many`): the body's variant picks the call.
        if let Some(split) = crate::emit_rust::one_or_many(api, op) {
            let body = op.body.as_ref().expect("a body");
            let union = public_ty(api, &body.ty);
            let mut fixed = call_args.clone();
            let parsed = fixed.pop().expect("the body argument");
            let lead: String = fixed.iter().map(|a| format!("{a}, ")).collect();
            let _ = writeln!(
                out,
                "match {parsed} {{ {union}::{}(body) => json(&c.{h}().{m}({lead}body).send_with_response().await?, \"\")?, {union}::{}(body) => json(&c.{h}().{m}_many({lead}body).send_with_response().await?, \"\")? }} }}",
                split.one.0,
                split.many.0,
                h = cmd.service.handler,
                m = op.method_name,
            );
            continue;
        }
        let setters: Vec<&Arg> = cmd
            .args
            .iter()
            .filter(|a| a.place == "Query" && !a.required)
            .collect();
        let setters_empty = setters.is_empty();
        let mutable = if setters_empty { "" } else { "mut " };
        let _ = write!(
            out,
            "let {mutable}r = c.{}().{}({});",
            cmd.service.handler,
            op.method_name,
            call_args.join(", ")
        );
        for arg in setters {
            let id = lit(&arg.id);
            let ident = &arg.ident;
            let _ = match arg.param_kind {
                Some(ParamKind::StrList) => write!(
                    out,
                    "let v = a.strs({id}); if !v.is_empty() {{ r = r.{ident}(v); }}"
                ),
                Some(ParamKind::Id) => write!(
                    out,
                    "if let Some(v) = a.opt_id({id}) {{ r = r.{ident}(v); }}"
                ),
                Some(ParamKind::Int) => write!(
                    out,
                    "if let Some(v) = a.opt_int({id}) {{ r = r.{ident}(v); }}"
                ),
                Some(ParamKind::Bool) => write!(
                    out,
                    "if let Some(v) = a.opt_flag({id}) {{ r = r.{ident}(v); }}"
                ),
                _ => write!(
                    out,
                    "if let Some(v) = a.opt_str({id}) {{ r = r.{ident}(v); }}"
                ),
            };
        }
        let finish = match &op.response {
            ResponseKind::Empty => "unit(r.send().await?)".to_owned(),
            // The answer keeps the API's bytes, so `-o json` prints what was sent, not a re-encoding.
            ResponseKind::Json(_) => "json(&r.send_with_response().await?, \"\")?".to_owned(),
            ResponseKind::Member { key, .. } => {
                format!("json(&r.send_with_response().await?, {})?", lit(key))
            }
            // Every page's answer as sent, so `-o json` prints the API's items untouched.
            ResponseKind::Page { key, .. } => format!(
                "collect(a, {}, r.per_page(a.per_page()), |r, p| r.page(p).into_responses()).await?",
                lit(key)
            ),
            ResponseKind::Text { .. } => "raw(r.send().await?.into_bytes())".to_owned(),
            ResponseKind::Bytes { .. } => "raw(r.send().await?.to_vec())".to_owned(),
        };
        let _ = writeln!(out, " {finish} }}");
    }
    out.push_str("_ => return Err(CliError::Unexpected(format!(\"no generated command number {index}\"))),\n");
    out.push_str("})\n}\n");
    out
}

/// The test table: for each command, the argv to run and what must reach the server.
fn emit_test_table(api: &Api, spec: &serde_json::Value, commands: &[Command<'_>]) -> String {
    let samples = crate::emit_tests::Samples::new(api, spec);
    let mut out = String::from(HEADER);
    out.push_str("//! One case per generated command: the arguments (every query parameter with its own value), the\n//! request the CLI must send for them, and the answer to give (the spec's example, else a sample with every\n//! field filled). Commands of the inference and agent hosts are left out: outside `--sandbox` the CLI sends\n//! them to those hosts, never to `--api-url`.\n\n");
    out.push_str("/// One command line and the request it must produce.\npub struct Case {\n    pub operation_id: &'static str,\n    pub args: &'static [&'static str],\n    pub method: &'static str,\n    pub path: &'static str,\n    pub query: &'static [(&'static str, &'static str)],\n    /// The JSON body that must be sent (`\"\"` for none).\n    pub body: &'static str,\n    /// What the canned server answers (`\"\"` for an empty answer).\n    pub answer: &'static str,\n    /// The answer's content type.\n    pub content_type: &'static str,\n    /// The answer's member that is the result (a one-member envelope's key, a page's list), `\"\"` for the whole answer.\n    pub envelope: &'static str,\n    pub status: u16,\n    pub list: bool,\n}\n\n");
    let _ = writeln!(out, "pub static CASES: &[Case] = &[");
    for cmd in commands {
        let op = cmd.op;
        if op.host != Host::Api {
            continue;
        }
        let mut values = crate::emit_tests::Values::new();
        let mut args = vec![cmd.handler.clone(), cmd.name.clone()];
        if cmd.destructive {
            args.push("--force".to_owned());
        }
        let mut path = op.path.clone();
        for p in &op.path_params {
            let (_, _, wire) = values.sample(p);
            let value = wire.join("");
            path = path.replace(&format!("{{{}}}", p.name), &value);
            args.push(value);
        }
        let mut query: Vec<(String, String)> = Vec::new();
        for p in op.required_query.iter().chain(&op.optional_query) {
            if op.is_list() && matches!(p.name.as_str(), "page" | "per_page") {
                continue;
            }
            let Some(arg) = cmd
                .args
                .iter()
                .find(|a| a.place == "Query" && a.wire == p.name)
            else {
                continue;
            };
            let (_, _, wire) = values.sample(p);
            for value in wire {
                args.push(format!("--{}={value}", arg.flag));
                query.push((arg.wire.clone(), value));
            }
        }
        let body = match &op.body {
            Some(b) if b.content_type == "application/json" => {
                let value = crate::emit_tests::good_example(
                    &op.operation_id,
                    "request",
                    &op.request_examples,
                )
                .and_then(|pointer| spec.pointer(pointer))
                .cloned()
                .unwrap_or_else(|| samples.value(&b.ty));
                args.push("--body".to_owned());
                args.push("-".to_owned());
                serde_json::to_string(&value).unwrap_or_default()
            }
            // Uploads go to a presigned URL (another host).
            Some(_) => continue,
            None => String::new(),
        };
        let answer_of = |ty: &Ty| {
            let value = crate::emit_tests::good_example(
                &op.operation_id,
                "response",
                &op.response_examples,
            )
            .and_then(|pointer| spec.pointer(pointer))
            .cloned()
            .unwrap_or_else(|| {
                let sample = samples.value(ty);
                match &op.response {
                    ResponseKind::Member { key, .. } => serde_json::json!({ key: sample }),
                    ResponseKind::Page { key, .. } => {
                        serde_json::json!({ key: [sample], "links": {}, "meta": {"total": 1} })
                    }
                    _ => sample,
                }
            });
            serde_json::to_string(&value).unwrap_or_default()
        };
        let (status, answer, content_type) = match &op.response {
            ResponseKind::Empty => (204, String::new(), "application/json".to_owned()),
            ResponseKind::Text { accept } | ResponseKind::Bytes { accept } => {
                (200, "answer as sent\n".to_owned(), accept.clone())
            }
            ResponseKind::Json(ty) | ResponseKind::Member { ty, .. } => {
                (200, answer_of(ty), "application/json".to_owned())
            }
            ResponseKind::Page { item, .. } => {
                (200, answer_of(item), "application/json".to_owned())
            }
        };
        let envelope = match &op.response {
            ResponseKind::Member { key, .. } | ResponseKind::Page { key, .. } => key.as_str(),
            _ => "",
        };
        let list = op.is_list();
        let query: Vec<String> = query
            .iter()
            .map(|(k, v)| format!("({}, {})", lit(k), lit(v)))
            .collect();
        let args: Vec<String> = args.iter().map(|a| lit(a)).collect();
        let _ = writeln!(
            out,
            "Case {{ operation_id: {}, args: &[{}], method: {}, path: {}, query: &[{}], body: {}, answer: {}, content_type: {}, envelope: {}, status: {status}, list: {list} }},",
            lit(&op.operation_id),
            args.join(", "),
            lit(&op.http_method),
            lit(&path),
            query.join(", "),
            lit(&body),
            lit(&answer),
            lit(&content_type),
            lit(envelope),
        );
    }
    out.push_str("];\n\n");
    out.push_str("/// Every generated command's example from its `--help` (the arguments after `oxido`), and the JSON body a\n/// `--body body.json` in it stands for (`\"\"` for none).\n");
    out.push_str("pub static EXAMPLES: &[(&str, &[&str], &str)] = &[\n");
    for cmd in commands {
        let (words, body) = example_argv(cmd, spec);
        let words: Vec<String> = words.iter().map(|w| lit(w)).collect();
        let _ = writeln!(
            out,
            "({}, &[{}], {}),",
            lit(&cmd.op.operation_id),
            words.join(", "),
            lit(body.as_deref().unwrap_or_default())
        );
    }
    out.push_str("];\n");
    out
}

fn emit_docs(commands: &[Command<'_>]) -> String {
    let mut out = String::new();
    out.push_str("<!-- @generated by `cargo run -p oxido-codegen` from spec/digitalocean-openapi.json. Do not edit. -->\n");
    out.push_str("# `oxido` commands\n\n");
    let _ = writeln!(
        out,
        "Every operation of the DigitalOcean API is one command, `oxido <handler> <method> [path args…] [flags]`: {} generated \
         commands, plus the curated commands written by hand (`droplet-action`, `action`, `auth`, `completion`, `search`, and \
         inside generated groups `account ratelimit`, which shows the rate limit, and `kubernetes kubeconfig save ID`, which \
         merges a cluster's kubeconfig into `$KUBECONFIG` or `~/.kube/config` with a `.bak` backup and sets the current \
         context unless `--set-current-context=false`). Path \
         parameters are positional, query parameters are flags, and a body comes from flags for its top-level fields (lists \
         comma-separated, objects as JSON, YAML, `@file` or a file's path, `@file` for any text) and/or `--body FILE` (JSON or \
         YAML; `--body -` reads stdin; `--body-template` prints one to fill in); a flag wins over the same field of `--body`, \
         and the spec's limits are checked before sending. Lists fetch every page unless \
         `--page` is given. Commands that start an action, or create a resource whose status moves (a Droplet, a Kubernetes or \
         database cluster, an app deployment), accept `--wait`. Output is a table, `-o json` (as the API sent it) or `-o yaml`. \
         `oxido <handler> <method> --help` shows each command's flags. `-v` logs each request on stderr, `-vv` adds the \
         request and response headers and `-vvv` the bodies, with the token redacted. Deletes, destroys and the actions by \
         tag (`oxido droplet-action power-off --tag web`) ask on a terminal and need `-f` (`--force`) in a script.\n\n\
         Completion: `source <(COMPLETE=bash oxido)` in `~/.bashrc` (zsh: `source <(COMPLETE=zsh oxido)` in `~/.zshrc`; \
         fish: `COMPLETE=fish oxido | source`) registers a few lines that call `oxido` back on each TAB, listing \
         subcommands before flags, and Droplet, volume and SSH key ids. That costs one start of `oxido` per new shell; \
         to spare even that, save the registration once (`COMPLETE=bash oxido > \
         ~/.oxido-completion.bash`) and put `source ~/.oxido-completion.bash` in `~/.bashrc` instead. `oxido completion \
         <shell>` prints a static script of the whole grammar, for those who want no call back.\n",
        commands.len()
    );
    out.push('\n');
    out.push_str(include_str!("doctl_users.md"));
    let mut current = "";
    for cmd in commands {
        if cmd.handler != current {
            current = &cmd.handler;
            let _ = writeln!(
                out,
                "\n## `{current}`\n\n| Command | HTTP | Summary |\n| --- | --- | --- |"
            );
        }
        let _ = writeln!(
            out,
            "| `oxido {} {}` | `{} {}` | {}{} |",
            cmd.handler,
            cmd.name,
            cmd.op.http_method,
            cmd.op.path,
            cmd.op.summary.trim().replace('|', "\\|"),
            if cmd.wait != "None" {
                " (`--wait`)"
            } else {
                ""
            }
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api() -> (Api, serde_json::Value) {
        let mut spec: serde_json::Value = serde_json::from_slice(
            &std::fs::read(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../spec/digitalocean-openapi.json"
            ))
            .expect("spec"),
        )
        .expect("json");
        crate::defects::patch_spec(&mut spec);
        std::thread::Builder::new()
            .stack_size(256 * 1024 * 1024)
            .spawn(move || (crate::lower::lower(&spec), spec))
            .expect("thread")
            .join()
            .expect("lower")
    }

    /// CI's `--check` failed on a clean clone because merged types took their doc from a hash map's
    /// first entry: the same spec must always give the same source.
    #[test]
    fn the_same_spec_gives_the_same_source() {
        let (first, _) = api();
        let (second, _) = api();
        let a = crate::emit_rust::emit(&first);
        let b = crate::emit_rust::emit(&second);
        assert_eq!(a.len(), b.len());
        for ((name, x), (_, y)) in a.iter().zip(&b) {
            assert!(x == y, "{name} differs between two runs on one spec");
        }
    }

    #[test]
    fn kebab_case() {
        assert_eq!(kebab("get_kubeconfig"), "get-kubeconfig");
        assert_eq!(kebab("floating_ips_action"), "floating-ips-action");
        assert_eq!(kebab("X-Dangerous"), "x-dangerous");
    }

    #[test]
    fn commands_are_unique_and_never_shadow_curated_ones() {
        let (api, spec) = api();
        let commands = commands(&api, &spec);
        let mut seen = BTreeSet::new();
        for cmd in &commands {
            for name in std::iter::once(&cmd.name).chain(&cmd.aliases) {
                assert!(
                    seen.insert((cmd.handler.clone(), name.clone())),
                    "duplicate {} {name}",
                    cmd.handler,
                );
            }
            assert!(!CURATED.contains(&cmd.handler.as_str()));
            let mut flags = BTreeSet::new();
            for arg in &cmd.args {
                assert!(
                    flags.insert(arg.flag.clone()),
                    "duplicate flag {} on {} {}",
                    arg.flag,
                    cmd.handler,
                    cmd.name
                );
                assert!(
                    !RESERVED.contains(&arg.flag.as_str()),
                    "reserved flag {} on {} {}",
                    arg.flag,
                    cmd.handler,
                    cmd.name
                );
            }
        }
        let generated: usize = api
            .services
            .iter()
            .filter(|s| !s.hand_written)
            .map(|s| s.operations.len())
            .sum();
        assert_eq!(commands.len(), generated);
    }

    #[test]
    fn droplets_get_the_columns_and_flags_the_issue_names() {
        let (api, spec) = api();
        let commands = commands(&api, &spec);
        let list = commands
            .iter()
            .find(|c| c.op.operation_id == "droplets_list")
            .expect("droplets list");
        assert_eq!(list.columns.first().map(String::as_str), Some("id"));
        assert!(list.columns.iter().any(|c| c == "name"));
        assert!(list.columns.iter().any(|c| c == "status"));
        assert!(list.columns.iter().any(|c| c == "region.slug"));
        assert!(list.columns.len() <= MAX_COLUMNS);
        for column in ["PublicIPv4", "tags", "volume_ids"] {
            assert!(list.columns.iter().any(|c| c == column), "{column}");
        }
        let create = commands
            .iter()
            .find(|c| c.op.operation_id == "droplets_create")
            .expect("droplets create");
        for flag in ["name", "region", "size", "image", "tags"] {
            assert!(
                create
                    .args
                    .iter()
                    .any(|a| a.flag == flag && a.place == "Body"),
                "--{flag}"
            );
        }
        let get = commands
            .iter()
            .find(|c| c.op.operation_id == "droplets_get")
            .expect("droplets get");
        assert_eq!(get.example, "oxido droplets get 3164444");
        let kubeconfig = commands
            .iter()
            .find(|c| c.handler == "kubernetes" && c.name == "get-kubeconfig")
            .expect("kubeconfig");
        assert!(matches!(kubeconfig.op.response, ResponseKind::Text { .. }));
    }

    #[test]
    fn every_create_shows_the_created_object_and_no_key_length_column() {
        let (api, spec) = api();
        let commands = commands(&api, &spec);
        let column = |id: &str| -> Vec<String> {
            commands
                .iter()
                .find(|c| c.op.operation_id == id)
                .expect(id)
                .columns
                .clone()
        };
        assert_eq!(column("droplets_create"), column("droplets_get"));
        assert_eq!(column("reservedIPs_create"), column("reservedIPs_get"));
        assert!(column("volumes_list").iter().any(|c| c == "droplet_ids"));
        assert!(!column("sshKeys_list").iter().any(|c| c == "public_key"));
        assert!(!column("domains_list").iter().any(|c| c == "zone_file"));
        let mut blank = Vec::new();
        for cmd in &commands {
            let creates = cmd.op.http_method == "POST" && cmd.name.starts_with("create");
            if creates
                && matches!(
                    cmd.op.response,
                    ResponseKind::Json(_) | ResponseKind::Member { .. }
                )
            {
                let row = row_type(&api, cmd.op);
                let known = matches!(row, Some(Ty::Named(i)) if matches!(api.types[*i].kind, TypeKind::Struct(_)));
                if known && cmd.columns.is_empty() {
                    blank.push(cmd.op.operation_id.as_str());
                }
            }
        }
        assert!(blank.is_empty(), "creates without columns: {blank:?}");
    }

    #[test]
    fn read_only_fields_are_no_flags_and_limits_come_from_the_spec() {
        let (api, spec) = api();
        let commands = commands(&api, &spec);
        let find = |id: &str| commands.iter().find(|c| c.op.operation_id == id).expect(id);
        let flag = |id: &str, name: &str| {
            find(id)
                .args
                .iter()
                .find(|a| a.flag == name)
                .map(|a| (a.kind, a.limits.clone()))
        };
        for read_only in ["id", "created-at", "status"] {
            assert!(flag("volumes_create", read_only).is_none(), "--{read_only}");
        }
        let (kind, size) = flag("volumes_create", "size-gigabytes").expect("--size-gigabytes");
        assert_eq!(kind, "Int");
        assert!(size.minimum.is_some_and(|m| m >= 1.0), "{size:?}");
        assert_eq!(
            flag("droplets_create", "ssh-keys").map(|f| f.0),
            Some("JsonList")
        );
        assert_eq!(flag("apps_create", "spec").map(|f| f.0), Some("Doc"));
        assert_eq!(
            flag("firewalls_create", "inbound-rules").map(|f| f.0),
            Some("DocList")
        );
        assert_eq!(
            flag("kubernetes_create_cluster", "node-pools").map(|f| f.0),
            Some("DocList")
        );
        let version = find("kubernetes_create_cluster")
            .args
            .iter()
            .find(|a| a.flag == "version")
            .expect("--version");
        assert_eq!(version.alias, "body-version");
        assert!(find("volumes_create").template.contains("size_gigabytes"));
    }

    #[test]
    fn deletes_and_destroys_need_force_and_their_examples_pass_it() {
        let (api, spec) = api();
        let commands = commands(&api, &spec);
        let find = |id: &str| commands.iter().find(|c| c.op.operation_id == id).expect(id);
        for id in [
            "droplets_destroy",
            "droplets_destroy_byTag",
            "droplets_destroy_withAssociatedResourcesDangerous",
            "databases_destroy_cluster",
            "volumes_delete",
        ] {
            let cmd = find(id);
            assert!(cmd.destructive, "{id}");
            assert!(
                example_argv(cmd, &spec).0.contains(&"--force".to_owned()),
                "{id}"
            );
        }
        assert!(!find("droplets_get").destructive);
        assert!(!find("droplets_create").destructive);
    }

    #[test]
    fn a_union_body_example_carries_its_own_branch_tag() {
        let (api, spec) = api();
        let commands = commands(&api, &spec);
        for id in [
            "floatingIPsAction_post",
            "reservedIPsActions_post",
            "reservedIPv6Actions_post",
        ] {
            let cmd = commands.iter().find(|c| c.op.operation_id == id).expect(id);
            // The first branch is unassign; the shared enum's first value (`assign`) would select the
            // assign branch, which then lacks its `droplet_id`.
            let (_, body) = example_argv(cmd, &spec);
            assert_eq!(body.as_deref(), Some(r#"{"type":"unassign"}"#), "{id}");
        }
    }

    #[test]
    fn a_path_parameter_without_an_example_borrows_the_shared_one() {
        let (api, spec) = api();
        let commands = commands(&api, &spec);
        let cmd = commands
            .iter()
            .find(|c| c.op.operation_id == "images_get")
            .expect("images_get");
        let (words, _) = example_argv(cmd, &spec);
        assert_eq!(words, ["images", "get", "62137902"]);
    }

    #[test]
    fn a_body_that_requires_nothing_shows_its_exampled_members() {
        let (api, spec) = api();
        let commands = commands(&api, &spec);
        let cmd = commands
            .iter()
            .find(|c| c.op.operation_id == "tags_create")
            .expect("tags_create");
        // The spec requires no member of a tag, but the API refuses one without a name; the read-only
        // `resources` stays out.
        let (_, body) = example_argv(cmd, &spec);
        assert_eq!(body.as_deref(), Some(r#"{"name":"extra-awesome"}"#));
    }

    #[test]
    fn branches_that_pin_a_type_make_a_tagged_union() {
        let (api, _) = api();
        let union = api
            .types
            .iter()
            .find(|t| t.schema.as_deref() == Some("messages_response_content_block"))
            .expect("messages_response_content_block");
        let TypeKind::Union { tag, variants } = &union.kind else {
            panic!("not a union");
        };
        assert_eq!(tag.as_deref(), Some("type"));
        let values: Vec<&[String]> = variants.iter().map(|v| v.tag_values.as_slice()).collect();
        assert_eq!(values, [["text".to_owned()], ["tool_use".to_owned()]]);
    }

    #[test]
    fn union_variants_are_named_by_field_or_title_not_number() {
        let (api, _) = api();
        let variants = |schema: &str| -> Vec<String> {
            let union = api
                .types
                .iter()
                .find(|t| t.schema.as_deref() == Some(schema) && crate::tidy::live(t))
                .expect(schema);
            let TypeKind::Union { variants, .. } = &union.kind else {
                panic!("{schema} is not a union");
            };
            variants.iter().map(|v| v.name.clone()).collect()
        };
        // `reserved_ip_create` has the same shape, so it is merged into this one type.
        assert!(
            !api.types
                .iter()
                .any(|t| t.schema.as_deref() == Some("reserved_ip_create") && crate::tidy::live(t))
        );
        let mut reserved = variants("floating_ip_create");
        reserved.sort();
        assert_eq!(reserved, ["DropletId", "Region"]);
        assert!(variants("partner_attachment_updatable").contains(&"Bgp".to_owned()));
    }

    #[test]
    fn action_answers_can_be_waited_for() {
        let (api, spec) = api();
        let commands = commands(&api, &spec);
        let waits = commands.iter().filter(|c| c.wait != "None").count();
        assert!(waits >= 5, "{waits}");
        let post = commands
            .iter()
            .find(|c| c.op.operation_id == "volumeActions_post")
            .expect("volume actions");
        assert_eq!(post.wait, "Action");
        // Every resource wait names an operation that exists, so a spec change cannot drop one silently.
        for (id, wait) in RESOURCE_WAITS {
            let cmd = commands
                .iter()
                .find(|c| c.op.operation_id == *id)
                .unwrap_or_else(|| panic!("no operation {id}"));
            assert_eq!(cmd.wait, *wait, "{id}");
        }
    }
}
