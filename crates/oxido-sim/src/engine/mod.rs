//! The engine: every API request is routed, validated and answered here.
//!
//! A request reaches it after the shared pipeline (journal, faults, auth, rate
//! limits). It matches the path against the description's templates (the one router),
//! validates the parameters and body, hands the call to the behaviour registered for
//! its [`OpId`] (`handwritten::dispatch`), and otherwise acts generically on the
//! account's collections: `POST /things` creates, `GET /things` lists,
//! `GET|PUT|PATCH|DELETE /things/{id}` read, update and delete; anything else answers
//! its documented example. See `docs/ARCHITECTURE.md`.

pub(crate) mod bounds;
pub(crate) mod call;
pub(crate) mod catalog;
pub(crate) mod demo;
pub(crate) mod deviations;
pub(crate) mod fit;
pub(crate) mod generate;
pub(crate) mod handwritten;
pub(crate) mod lifecycle;
pub(crate) mod persist;
pub(crate) mod router;
pub(crate) mod shape;
pub(crate) mod spec;
pub(crate) mod sse;
pub(crate) mod store;
pub(crate) mod validate;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, header};
use serde_json::{Map, Value};

use self::call::{Call, RequestCtx, ensure_seeded, static_answer};
use self::catalog::{
    Kind, concrete, id_field, item_template, list_member, template, with_item_template, wrapper,
};
use self::shape::{
    answer, answer_value, conforms, id_text, keeps, merge, merge_except, status_of, wrapped,
};
use self::spec::{Method, OpId, operation};
use self::store::oversized;
use crate::app::App;
use crate::auth::Principal;
use crate::wire::error::{ApiError, json};
use crate::wire::page::{ListQuery, PageInfo};

/// Every API request, after the pipeline.
pub(crate) async fn handle(State(app): State<Arc<App>>, request: Request) -> Response {
    let shape = handwritten::error_shapes::shape_for(request.method(), request.uri().path());
    // `serve` has released the account's lock by the time an answer is serialized.
    match serve(&app, request).await {
        Ok(response) => shape::serialized(response),
        Err(error) => shape
            .and_then(|s| handwritten::error_shapes::render(s, &error))
            .unwrap_or_else(|| error.into_response()),
    }
}

async fn serve(app: &App, request: Request) -> Result<Response, ApiError> {
    if request.uri().path().starts_with(handwritten::UPLOAD_PREFIX) {
        return Ok(handwritten::upload(app, request).await);
    }
    if request.uri().path().starts_with(handwritten::LOGS_PREFIX) {
        return Ok(handwritten::serve_log(app, &request));
    }
    let (parts, body) = request.into_parts();
    let catalog = catalog::get();
    let matched = catalog
        .routes
        .find(parts.uri.path())
        .ok_or_else(ApiError::not_found)?;
    let template = &catalog.routes.templates[matched.template];
    // HEAD is the GET without its body (hyper drops the body).
    let read = parts.method == http::Method::GET || parts.method == http::Method::HEAD;
    let method = if parts.method == http::Method::HEAD {
        Some(Method::Get)
    } else {
        Method::from_http(&parts.method)
    };
    let Some(op) = method.and_then(|m| template.op(m)) else {
        let mut response = ApiError::method_not_allowed().into_response();
        if let Ok(allow) = HeaderValue::from_str(&template.allow()) {
            response.headers_mut().insert(header::ALLOW, allow);
        }
        return Ok(response);
    };
    // The pipeline authenticates every API request; anything else is not an API route.
    let who = parts
        .extensions
        .get::<Principal>()
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    if !read && !who.writable {
        return Err(ApiError::forbidden());
    }
    let origin = parts
        .extensions
        .get::<RequestCtx>()
        .map_or_else(|| Arc::from(""), |c| c.origin.clone());
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let operation = operation(op);
    if !handwritten::parses_own_params(op) {
        let names: Vec<&str> = template.params.iter().flatten().copied().collect();
        validate::params(&operation, &names, &matched.values, &query)?;
    }
    // Every body, the typed routes' too, is checked against its operation's schema.
    let bytes = read_body(body).await?;
    let body = request_body(op, &operation, &parts.method, &bytes)?;
    if let Some(response) = sse::respond(&operation, body.as_ref()) {
        return Ok(response);
    }
    // The one lock, held until the answer is built (no await comes after this).
    let tx = app.worlds.begin(who.account);
    let call = Call {
        app,
        who,
        origin,
        op,
        template,
        template_index: matched.template,
        values: matched.values,
        query,
        raw_query: parts.uri.query().map(str::to_owned),
        path: parts.uri.path().to_owned(),
        body,
        tx,
    };
    if let Some(response) = handwritten::dispatch(&call)? {
        return Ok(response);
    }
    generic(&call)
}

async fn read_body(body: Body) -> Result<axum::body::Bytes, ApiError> {
    axum::body::to_bytes(body, crate::limits::MAX_BODY_BYTES)
        .await
        .map_err(|_| ApiError::payload_too_large(crate::limits::MAX_BODY_BYTES))
}

fn request_body(
    op: OpId,
    operation: &spec::Operation,
    method: &http::Method,
    bytes: &[u8],
) -> Result<Option<Value>, ApiError> {
    let Some(doc) = &operation.request else {
        return Ok(None);
    };
    if !operation.meta.request_media.contains("json") {
        return Ok(None);
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ApiError::bad_request("The request body is not valid UTF-8 JSON."))?;
    if text.trim().is_empty() {
        if operation.meta.request_required
            || *method == http::Method::POST
            || *method == http::Method::PUT
        {
            // A body whose schema requires nothing may be left out: pydo sends none to start a
            // registry garbage collection or restart an app, and the API takes it as `{}`.
            let empty = Value::Object(serde_json::Map::new());
            if doc.validator.as_ref().is_some_and(|v| v.is_valid(&empty)) {
                return Ok(Some(empty));
            }
            return Err(ApiError::bad_request(
                "The request body is empty; a JSON object is required.",
            ));
        }
        return Ok(None);
    }
    let value: Value = serde_json::from_str(text)
        .map_err(|e| ApiError::bad_request(format!("The request body is not valid JSON: {e}")))?;
    bounds::check(&value)?;
    let value = handwritten::as_documented(op, value);
    if let Some(validator) = &doc.validator {
        validate::body(validator, &doc.schema, &value)?;
    }
    if let Some(path) = oversized(&value, &mut Vec::new()) {
        return Err(ApiError::unprocessable(format!(
            "{path}: must be at most {} bytes",
            store::MAX_STRING
        )));
    }
    Ok(Some(value))
}

/// (collection, concrete collection path, id) of every item the path addresses.
fn addressed(call: &Call<'_>) -> Vec<(usize, String, String)> {
    let catalog = catalog::get();
    catalog.items[call.template_index]
        .iter()
        .map(|item| {
            (
                item.collection,
                concrete(call.template, &call.values, item.depth),
                call.values[item.value].clone(),
            )
        })
        .collect()
}

/// Does the item exist, in the engine or in a hand-written store?
fn exists(call: &Call<'_>, collection_path: &str, id: &str) -> bool {
    if let Some(found) = handwritten::object::exists(call, collection_path, id) {
        return found;
    }
    call.docs()
        .items(collection_path)
        .and_then(|items| items.key_of(id))
        .is_some()
}

/// Fills the members the server owns.
fn stamp(object: &mut Value, kind: &str, id: &Value) {
    let Some(map) = object.as_object_mut() else {
        return;
    };
    let now = generate::now();
    for field in ["created_at", "updated_at"] {
        if map.get(field).is_some_and(Value::is_string) {
            map.insert(field.to_owned(), Value::String(now.clone()));
        }
    }
    if map.get("urn").is_some_and(Value::is_string)
        && let Some(id) = id_text(id)
    {
        map.insert("urn".to_owned(), Value::String(format!("do:{kind}:{id}")));
    }
}

/// Whether `object` answers correctly through `op` and through its collection's read.
fn storable(op: OpId, collection: usize, object: &mut Value) -> bool {
    conforms_wrapped(op, object)
        && catalog::get().collections[collection]
            .read
            .is_none_or(|read| conforms_wrapped(read, object))
}

/// Whether `object`, in `op`'s envelope, conforms to `op`'s answer. The object is moved
/// into the envelope and back, not copied.
fn conforms_wrapped(op: OpId, object: &mut Value) -> bool {
    if !template(op).is_object() {
        // `wrapped` answers the template alone, without the object.
        return conforms(op, &wrapped(op, Value::Null));
    }
    let answer = wrapped(op, std::mem::take(object));
    let ok = conforms(op, &answer);
    *object = unwrapped(op, answer);
    ok
}

/// The object [`wrapped`] put into the envelope of `op` (whose template is an object),
/// taken back out.
fn unwrapped(op: OpId, answer: Value) -> Value {
    match (wrapper(&template(op)), answer) {
        (Some(key), Value::Object(mut members)) => members.remove(key).unwrap_or(Value::Null),
        (_, answer) => answer,
    }
}

/// Why `object` cannot be stored (the first spot its answers' schemas refuse, by path).
fn shape_error(op: OpId, collection: usize, object: &Value) -> Option<String> {
    let ops = [Some(op), catalog::get().collections[collection].read];
    for op in ops.into_iter().flatten() {
        let operation = operation(op);
        let Some(validator) = operation
            .response
            .as_ref()
            .and_then(|d| d.validator.as_ref())
        else {
            continue;
        };
        let answer = wrapped(op, object.clone());
        if let Some(error) = validator.iter_errors(&answer).next() {
            let at = error.instance_path().as_str().to_owned();
            // The path inside the object, without its envelope member.
            let inner = match wrapper(&answer) {
                Some(key) => at
                    .strip_prefix(&format!("/{key}"))
                    .unwrap_or(&at)
                    .to_owned(),
                None => at,
            };
            let field = inner.trim_start_matches('/').replace('/', ".");
            return Some(format!("{field}: {error}"));
        }
    }
    None
}

/// The top-level members an operation's request body describes.
fn request_members(op: OpId) -> Vec<String> {
    fn collect(root: &Value, schema: &Value, out: &mut Vec<String>, depth: u32) {
        let schema = generate::resolve(root, schema);
        if depth > 8 {
            return;
        }
        if let Some(Value::Object(props)) = schema.get("properties") {
            out.extend(props.keys().cloned());
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            for part in schema
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                collect(root, part, out, depth + 1);
            }
        }
    }
    let operation = operation(op);
    let mut out = Vec::new();
    if let Some(doc) = &operation.request {
        collect(&doc.schema, &doc.schema, &mut out, 0);
    }
    out
}

fn generic(call: &Call<'_>) -> Result<Response, ApiError> {
    let catalog = catalog::get();
    let items = addressed(call);
    let kind = catalog.kinds[call.op.index()];
    let own = match kind {
        Kind::List(_) | Kind::Create(_) => Some(concrete(
            call.template,
            &call.values,
            call.template.literals.len(),
        )),
        _ => None,
    };
    let mut paths: Vec<&str> = items.iter().map(|(_, p, _)| p.as_str()).collect();
    if let Some(own) = &own {
        paths.push(own);
    }
    ensure_seeded(call, &paths);
    for (_, path, id) in &items {
        if !exists(call, path, id) {
            return Err(ApiError::not_found());
        }
    }
    if !status_of(call.op).is_success() {
        // A retired endpoint: its documented error.
        return static_answer(call);
    }
    if let Kind::Create(c) | Kind::Update(c) = kind {
        handwritten::references::check_named(call)?;
        let creating = matches!(kind, Kind::Create(_));
        handwritten::semantics::check(call, catalog.collections[c].path, creating)?;
    }
    match kind {
        Kind::List(c) => list(call, c, own.as_deref().unwrap_or_default()),
        Kind::Create(c) => create(call, c, own.as_deref().unwrap_or_default()),
        Kind::Read(_) | Kind::Update(_) | Kind::Delete(_) => {
            let Some((_, path, id)) = items.last() else {
                return static_answer(call);
            };
            match handwritten::object::exists(call, path, id) {
                // A hand-written item the engine has no copy of: its documented answer.
                Some(_) => static_answer(call),
                None => item(call, kind, path, id),
            }
        }
        Kind::Static => static_answer(call),
    }
}

fn list(call: &Call<'_>, collection: usize, path: &str) -> Result<Response, ApiError> {
    let answer = template(call.op);
    let Some(member) = list_member(&answer) else {
        return static_answer(call);
    };
    let query = ListQuery::parse(call.raw_query.as_deref())?;
    let docs = call.docs();
    // An empty filter (`?name=`, which pydo sends on every certificate list) filters
    // nothing, as the API reads it.
    let filters: Vec<&(String, String)> = call
        .query
        .iter()
        .filter(|(k, v)| k != "page" && k != "per_page" && !v.is_empty())
        .collect();
    let data = Some(&*docs);
    // A domain's records are filtered by their fully qualified name, as the API does.
    let domain = (catalog::get().collections[collection].path
        == "/v2/domains/{domain_name}/records")
        .then(|| call.values.first())
        .flatten();
    // An app's deployments list newest first, as the API does (the Terraform provider takes
    // `deployments[0]` as the latest, app/resource_app.go).
    let newest_first =
        catalog::get().collections[collection].path == "/v2/apps/{app_id}/deployments";
    let matching: Vec<(&str, &Value)> = data
        .and_then(|d| d.items(path))
        .map(|items| {
            let ordered: Box<dyn Iterator<Item = (&str, &Value)>> = if newest_first {
                Box::new(items.iter().rev())
            } else {
                Box::new(items.iter())
            };
            ordered
                .filter(|(_, item)| {
                    filters.iter().all(|(k, v)| match domain {
                        Some(domain) if k == "name" => record_named(item, domain, v),
                        // `?tag_name=` keeps what carries the tag (`GET /v2/databases`).
                        _ if k == "tag_name" => carries_tag(item, v),
                        _ => keeps(item, k, v),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let total = matching.len();
    let skip = (query.paging.page - 1).saturating_mul(query.paging.per_page);
    let mut page: Vec<Value> = matching
        .into_iter()
        .skip(usize::try_from(skip).unwrap_or(usize::MAX))
        .take(usize::try_from(query.paging.per_page).unwrap_or(usize::MAX))
        .filter_map(|(key, item)| data.map(|d| d.rendered(path, key, item)))
        .collect();
    drop(docs);
    handwritten::decorate(call, catalog::get().collections[collection].path, &mut page);
    let mut answer = answer.clone();
    answer[member] = Value::Array(page);
    let info = PageInfo::new(&call.origin, &call.path, &query, total);
    // A list past one page links to the next even where its template has no `links`
    // (`GET /v2/kubernetes/clusters`): godo and pydo walk pages by those links only.
    let paged = info
        .links
        .get("pages")
        .and_then(Value::as_object)
        .is_some_and(|pages| !pages.is_empty());
    let mut added_links = false;
    if let Some(obj) = answer.as_object_mut() {
        if obj.contains_key("links") || paged {
            added_links = !obj.contains_key("links");
            obj.insert("links".into(), info.links);
        }
        if let Some(Value::Object(meta)) = obj.get_mut("meta") {
            meta.insert("total".into(), Value::from(total));
        }
    }
    if added_links
        && !conforms(call.op, &answer)
        && let Some(obj) = answer.as_object_mut()
    {
        obj.remove("links");
    }
    if !conforms(call.op, &answer) {
        // Stored objects that stray from the list's item shape still list as documented.
        return answer_value(call.op, template(call.op).clone());
    }
    answer_value(call.op, answer)
}

fn carries_tag(item: &Value, tag: &str) -> bool {
    item.get("tags")
        .and_then(Value::as_array)
        .is_some_and(|tags| tags.iter().any(|t| t.as_str() == Some(tag)))
}

/// Whether a record of `domain` has the fully qualified `name` (`@` is the domain itself).
fn record_named(item: &Value, domain: &str, name: &str) -> bool {
    let Some(own) = item.get("name").and_then(Value::as_str) else {
        return true;
    };
    let full = if own == "@" {
        domain.to_owned()
    } else {
        format!("{own}.{domain}")
    };
    full.eq_ignore_ascii_case(name) || own == name
}

fn create(call: &Call<'_>, collection: usize, path: &str) -> Result<Response, ApiError> {
    let catalog = catalog::get();
    let answer_t = template(call.op);
    let key_name = wrapper(&answer_t).map(str::to_owned);
    let collection_path = catalog.collections[collection].path;
    let kind = handwritten::references::urn_kind(collection_path)
        .map(str::to_owned)
        .or_else(|| key_name.clone())
        .unwrap_or_else(|| "resource".to_owned());
    // A new object is made from the schema alone, never from the documented example.
    let frame = self::catalog::fresh(call.op);
    let defaults = || initial(collection, &frame, &answer_t, key_name.as_deref());
    let lifecycle = lifecycle::of(collection_path);
    let json_answer = call.op.meta().response_media.contains("json")
        && status_of(call.op) != http::StatusCode::NO_CONTENT;
    // A region the collection stores by slug is not copied in from the catalog only to be
    // compared and dropped when stored: the object keeps its schema-only region (which
    // conforms, as the catalog's does) until it is stored by slug, and the answer shows the
    // catalog's. Nothing between reads a volume's region from the object.
    let mut by_slug = (lifecycle.is_none() && json_answer)
        .then(|| store::region_named(collection_path, call.body.as_ref()))
        .flatten();
    let mut object = defaults();
    if let Some(body) = &call.body {
        merge_except(&mut object, body, by_slug.map(|_| "region"));
    }
    let param = catalog.collections[collection].param;
    let field = id_field(param, &object).map(str::to_owned);
    // The documented item shows the id's kind (integer, UUID, name); its value is not used.
    let id = match &field {
        Some(f) => with_item_template(catalog, collection, |like| {
            new_id(
                call,
                f,
                like.get(f.as_str()).unwrap_or(&object[f.as_str()]),
                call.body.as_ref(),
            )
        }),
        None => Value::String(generate::uuid()),
    };
    // An id the API mints itself (a Spaces key's access key) is not the body's name.
    let id = handwritten::defaults::minted_id(collection_path).unwrap_or(id);
    let key = id_text(&id).unwrap_or_else(generate::uuid);
    let finish = |object: &mut Value| {
        if let Some(f) = &field {
            object[f.as_str()] = id.clone();
        }
        stamp(object, &kind, &id);
        handwritten::defaults::derive(call, collection_path, &key, object);
    };
    finish(&mut object);
    if !storable(call.op, collection, &mut object) {
        // The members the body gave that break the answer's shape fall back one by one.
        object = kept_where_valid(call.op, collection, defaults(), call.body.as_ref());
        finish(&mut object);
        by_slug = None;
    }
    handwritten::decorate(call, collection_path, std::slice::from_mut(&mut object));
    let links = handwritten::after_create(call, collection_path, &key, &mut object);
    // What is ready when made (an uploaded certificate) does not start a lifecycle.
    let lifecycle = lifecycle.filter(|_| !handwritten::ready_when_made(collection_path, &object));
    // The answer's envelope: the schema-only frame where it has the object's member and
    // conforms with the object in it, else the documented answer's.
    let in_frame = key_name
        .as_deref()
        .filter(|k| frame.as_object().is_some_and(|m| m.contains_key(*k)));
    let shown_whole = key_name.is_some() || answer_t.is_object();
    let urn_kind = handwritten::references::urn_kind(collection_path);
    let (response, urn) = if lifecycle.is_none() && json_answer {
        let framed = in_frame.is_some_and(|k| conforms_in(call.op, &frame, k, &mut object));
        let (envelope, member) = match in_frame {
            Some(k) if framed => (&*frame, Some(k)),
            _ => (&*answer_t, wrapper(&answer_t)),
        };
        // Serialized from borrowed parts, so the object is not copied for its answer.
        let overrides: Vec<(&'static str, Shown)> = by_slug
            .map(|(_, text)| vec![("region", Shown::Text(text))])
            .unwrap_or_default();
        let body = Borrowed {
            template: envelope,
            key: member,
            object: &object,
            overrides: &overrides,
            links: links.as_ref().filter(|_| envelope.get("links").is_some()),
        };
        let response = json(status_of(call.op), &body)?;
        if let Some((slug, _)) = by_slug {
            object["region"] = Value::String(slug.to_owned());
        }
        let urn = urn_kind.map(|kind| {
            let shown = if shown_whole { &object } else { &*answer_t };
            format!("do:{kind}:{}", urn_id(collection_path, shown))
        });
        handwritten::defaults::forget_shown_once(collection_path, &mut object);
        store_created(call, path, &key, object, param, None)?;
        (response, urn)
    } else {
        let framed = |object: Value| match in_frame {
            Some(k) => {
                let mut answer = frame.clone();
                answer[k] = object;
                answer
            }
            None => wrapped(call.op, object),
        };
        let mut answer = framed(object.clone());
        if !conforms(call.op, &answer) {
            answer = wrapped(call.op, object.clone());
        }
        // A long-running resource starts in its first status and reaches its last
        // once the configured action duration has passed.
        if let Some(l) = lifecycle {
            lifecycle::start(&mut object, l);
            let mut shown = object.clone();
            lifecycle::transition(l, call.app.action_duration()).unset_pending(&mut shown);
            let started = framed(shown);
            if conforms(call.op, &started) {
                answer = started;
            }
        }
        let urn = urn_kind.map(|kind| {
            let shown = key_name
                .as_deref()
                .and_then(|k| answer.get(k))
                .unwrap_or(&answer);
            format!("do:{kind}:{}", urn_id(collection_path, shown))
        });
        store_created(call, path, &key, object, param, lifecycle)?;
        (answer_value(call.op, answer)?, urn)
    };
    if let Some(urn) = urn {
        handwritten::references::join_default_project(call, &urn);
    }
    Ok(response)
}

/// Stores a new object under `key`, with its status on its way if it is long-running.
fn store_created(
    call: &Call<'_>,
    path: &str,
    key: &str,
    object: Value,
    param: &str,
    lifecycle: Option<&'static lifecycle::Lifecycle>,
) -> Result<(), ApiError> {
    let mut data = call.docs_mut();
    data.put(path, key.to_owned(), object)
        .map_err(|why| ApiError::unprocessable(format!("{param}: {why}")))?;
    if let Some(l) = lifecycle {
        data.transitions.insert(
            format!("{path}/{key}"),
            lifecycle::transition(l, call.app.action_duration()),
        );
    }
    Ok(())
}

/// Whether `envelope` with `object` as its member `key` conforms to `op`'s answer (the
/// object moved in and back out, not copied; the envelope's other members are copied).
fn conforms_in(op: OpId, envelope: &Value, key: &str, object: &mut Value) -> bool {
    let Some(members) = envelope.as_object() else {
        return false;
    };
    let mut answer: Map<String, Value> = members
        .iter()
        .filter(|(k, _)| *k != key)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    answer.insert(key.to_owned(), std::mem::take(object));
    let answer = Value::Object(answer);
    let ok = conforms(op, &answer);
    if let Value::Object(mut members) = answer {
        *object = members.remove(key).unwrap_or(Value::Null);
    }
    ok
}

/// A new object of `collection` before the request's body is merged in: the create's
/// answer from the schema alone, plus what the collection's read shows that the
/// create's answer does not (a BYOIP prefix's `prefix`, stored so it can be read back),
/// with the kind's defaults.
fn initial(collection: usize, frame: &Value, answer_t: &Value, key_name: Option<&str>) -> Value {
    let catalog = catalog::get();
    let mut object = match key_name {
        Some(key) => frame
            .get(key)
            .filter(|v| v.is_object())
            .unwrap_or(&answer_t[key])
            .clone(),
        None if frame.is_object() => frame.clone(),
        None => item_template(catalog, collection),
    };
    if let Some(read) = catalog.collections[collection].read {
        let shown = self::catalog::fresh(read);
        let read_template = template(read);
        let item = match wrapper(&read_template) {
            Some(k) => shown.get(k),
            None => Some(&*shown),
        };
        if let (Some(Value::Object(item)), Some(map)) = (item, object.as_object_mut()) {
            for (k, v) in item {
                if !map.contains_key(k) {
                    map.insert(k.clone(), v.clone());
                }
            }
        }
    }
    handwritten::defaults::apply(catalog.collections[collection].path, &mut object);
    object
}

fn urn_id(collection: &str, object: &Value) -> String {
    handwritten::references::urn_id(collection, object).unwrap_or_default()
}

/// `defaults` with each member of `body` merged in that keeps the object storable.
fn kept_where_valid(op: OpId, collection: usize, defaults: Value, body: Option<&Value>) -> Value {
    let mut object = defaults;
    let Some(Value::Object(members)) = body else {
        return object;
    };
    for (name, value) in members {
        let mut trial = object.clone();
        let one = Value::Object(Map::from_iter([(name.clone(), value.clone())]));
        merge(&mut trial, &one);
        if storable(op, collection, &mut trial) {
            object = trial;
        }
    }
    object
}

fn new_id(call: &Call<'_>, field: &str, current: &Value, body: Option<&Value>) -> Value {
    if let Some(named) = body.and_then(|b| b.get(field)).filter(|v| v.is_string())
        && field != "id"
        && field != "uuid"
    {
        return named.clone();
    }
    if field == "namespace" {
        // "A unique string format of UUID with a prefix fn-" (the spec's `namespace_info`).
        return Value::String(format!("fn-{}", generate::uuid()));
    }
    match current {
        Value::Number(_) => Value::from(call.tx.next_id()),
        Value::String(s) if s.len() == 36 && s.matches('-').count() == 4 => {
            Value::String(generate::uuid())
        }
        _ => match body.and_then(|b| b.get("name")).and_then(Value::as_str) {
            Some(name) => Value::String(name.to_owned()),
            None => Value::String(generate::uuid()),
        },
    }
}

fn item(call: &Call<'_>, kind: Kind, path: &str, id: &str) -> Result<Response, ApiError> {
    match kind {
        Kind::Read(collection) => {
            if let Some(response) =
                read_borrowed(call, catalog::get().collections[collection].path, path, id)?
            {
                return Ok(response);
            }
            let mut object = {
                let d = call.docs();
                let items = d.items(path).ok_or_else(ApiError::not_found)?;
                let key = items.key_of(id).ok_or_else(ApiError::not_found)?;
                items
                    .get(&key)
                    .map(|v| d.rendered(path, &key, v))
                    .ok_or_else(ApiError::not_found)?
            };
            handwritten::decorate(
                call,
                catalog::get().collections[collection].path,
                std::slice::from_mut(&mut object),
            );
            // Objects are checked against the read answer when stored, so none is needed here.
            answer_value(call.op, wrapped(call.op, object))
        }
        Kind::Update(collection) => {
            let mut data = call.docs_mut();
            let key = data
                .items(path)
                .and_then(|items| items.key_of(id))
                .ok_or_else(ApiError::not_found)?;
            let Some(stored) = data.settled_mut(path, &key) else {
                return Err(ApiError::not_found());
            };
            let mut updated = stored.clone();
            store::expand_region(path, &mut updated);
            if call.op.meta().method == Method::Put {
                // A replace: a list the request can carry and leaves out is emptied.
                for name in request_members(call.op) {
                    if call.body.as_ref().and_then(|b| b.get(&name)).is_none()
                        && let Some(slot) = updated.get_mut(&name)
                        && slot.is_array()
                    {
                        *slot = Value::Array(Vec::new());
                    }
                }
            }
            if let Some(body) = &call.body {
                merge(&mut updated, body);
                handwritten::defaults::updated(
                    catalog::get().collections[collection].path,
                    stored,
                    body,
                    &mut updated,
                )
                .map_err(ApiError::unprocessable)?;
            }
            if let Some(map) = updated.as_object_mut()
                && map.get("updated_at").is_some_and(Value::is_string)
            {
                map.insert("updated_at".into(), Value::String(generate::now()));
            }
            if let Some(why) = shape_error(call.op, collection, &updated) {
                // The API refuses an update it cannot hold; nothing changes.
                return Err(ApiError::unprocessable(why));
            }
            let mut answer = wrapped(call.op, updated.clone());
            store::compact_region(path, &mut updated);
            *stored = updated;
            drop(data);
            handwritten::after_update(
                call,
                catalog::get().collections[collection].path,
                &key,
                &mut answer,
            );
            answer_value(call.op, answer)
        }
        _ => {
            let mut data = call.docs_mut();
            let key = data
                .items(path)
                .and_then(|items| items.key_of(id))
                .ok_or_else(ApiError::not_found)?;
            let collection_path = match kind {
                Kind::Delete(c) => catalog::get().collections[c].path,
                _ => "",
            };
            handwritten::references::check_delete(call, &data, collection_path, path, &key)?;
            let removed = data.remove(path, &key).ok_or_else(ApiError::not_found)?;
            if let Some(kind) = handwritten::references::urn_kind(collection_path)
                && let Some(id) = handwritten::references::urn_id(collection_path, &removed)
            {
                handwritten::references::forget(&mut data, &format!("do:{kind}:{id}"), None);
            }
            drop(data);
            let documented = template(call.op);
            answer(call.op, (!documented.is_null()).then(|| documented.clone()))
        }
    }
}

/// A read answered straight from the stored object under the read lock, without
/// copying it, where nothing changes it on the way out: no status in transition, and
/// no decoration but a volume's `droplet_ids` (read first from the hand-written store).
/// `None` sends the read the general way.
fn read_borrowed(
    call: &Call<'_>,
    collection_path: &str,
    path: &str,
    id: &str,
) -> Result<Option<Response>, ApiError> {
    if handwritten::decorates_fully(collection_path)
        || !call.op.meta().response_media.contains("json")
    {
        return Ok(None);
    }
    let volume = collection_path == "/v2/volumes";
    let mut overrides: Vec<(&'static str, Shown)> = if volume {
        let ids = call.store().volume_droplets(call.who.account, id);
        vec![(
            "droplet_ids",
            Shown::Value(Value::Array(ids.into_iter().map(Value::from).collect())),
        )]
    } else {
        Vec::new()
    };
    let data = call.docs();
    let items = data.items(path).ok_or_else(ApiError::not_found)?;
    let key = items.key_of(id).ok_or_else(ApiError::not_found)?;
    if !data.transitions.is_empty() && data.transitions.contains_key(&format!("{path}/{key}")) {
        return Ok(None);
    }
    let object = items.get(&key).ok_or_else(ApiError::not_found)?;
    // The attachments were read for the path's id, which must be the volume's own.
    if volume && object.get("id").and_then(Value::as_str) != Some(id) {
        return Ok(None);
    }
    if let Some(region) = store::shown_region_text(path, object) {
        overrides.push(("region", Shown::Text(region)));
    }
    let template = template(call.op);
    let body = Borrowed {
        template: &template,
        key: wrapper(&template),
        object,
        overrides: &overrides,
        links: None,
    };
    json(status_of(call.op), &body).map(Some)
}

/// `wrapped(op, object)` as it serializes, borrowing the stored object.
struct Borrowed<'a> {
    template: &'a Value,
    key: Option<&'a str>,
    object: &'a Value,
    overrides: &'a [(&'static str, Shown)],
    /// The envelope's `links` in place of the template's, where the create made some.
    links: Option<&'a Value>,
}

impl serde::Serialize for Borrowed<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let object = Patched {
            object: self.object,
            overrides: self.overrides,
        };
        match (self.key, self.template.as_object()) {
            (Some(key), Some(members)) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (k, v) in members {
                    if k == key {
                        map.serialize_entry(k, &object)?;
                    } else if let (Some(links), "links") = (self.links, k.as_str()) {
                        map.serialize_entry(k, links)?;
                    } else {
                        map.serialize_entry(k, v)?;
                    }
                }
                map.end()
            }
            (None, Some(_)) => object.serialize(serializer),
            _ => self.template.serialize(serializer),
        }
    }
}

/// A member's value in place of the stored one: a value, or JSON text written before.
enum Shown {
    Value(Value),
    Text(&'static serde_json::value::RawValue),
}

impl serde::Serialize for Shown {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(value) => value.serialize(serializer),
            Self::Text(text) => text.serialize(serializer),
        }
    }
}

/// An object with some of its members' values replaced, as it serializes.
struct Patched<'a> {
    object: &'a Value,
    overrides: &'a [(&'static str, Shown)],
}

impl serde::Serialize for Patched<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let Some(members) = self.object.as_object() else {
            return self.object.serialize(serializer);
        };
        let mut map = serializer.serialize_map(Some(members.len()))?;
        for (k, v) in members {
            match self.overrides.iter().find(|(name, _)| name == k) {
                Some((_, shown)) => map.serialize_entry(k, shown)?,
                None => map.serialize_entry(k, v)?,
            }
        }
        map.end()
    }
}
