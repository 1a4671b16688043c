//! Helpers of the state-changing behaviours that replaced example answers: reading
//! path values and the body, storing and finding objects, answering in the
//! operation's envelope.

use axum::response::Response;
use serde_json::Value;

use crate::engine::call::{Call, ensure_seeded};
use crate::engine::catalog::{template, wrapper};
use crate::engine::shape::answer;
use crate::wire::error::ApiError;

/// The path's `i`th value (`""` past the end).
pub(super) fn value(call: &Call<'_>, i: usize) -> String {
    call.values.get(i).cloned().unwrap_or_default()
}

/// The body's member `field`, if given.
pub(super) fn field<'a>(call: &'a Call<'_>, field: &str) -> Option<&'a Value> {
    call.body.as_ref()?.get(field)
}

/// Stores `object` under `key` in the account's `collection`, within its bounds.
pub(super) fn put(
    call: &Call<'_>,
    collection: &str,
    key: &str,
    object: Value,
) -> Result<(), ApiError> {
    call.docs_mut()
        .put(collection, key.to_owned(), object)
        .map_err(|why| ApiError::unprocessable(format!("{collection}: {why}")))
}

/// The object `id` names in `collection` as it reads now (demo objects seeded first).
pub(super) fn find(call: &Call<'_>, collection: &str, id: &str) -> Option<(String, Value)> {
    ensure_seeded(call, &[collection]);
    let docs = call.docs();
    let data = &*docs;
    let items = data.items(collection)?;
    let key = items.key_of(id)?;
    let object = data.rendered(collection, &key, items.get(&key)?);
    Some((key, object))
}

/// Whether an object of `collection`, as stored (not rendered), other than the one keyed
/// `except`, passes `test`: the uniqueness checks' scan.
pub(super) fn any_other(
    call: &Call<'_>,
    collection: &str,
    except: Option<&str>,
    test: impl Fn(&Value) -> bool,
) -> bool {
    ensure_seeded(call, &[collection]);
    let docs = call.docs();
    let Some(items) = docs.items(collection) else {
        return false;
    };
    let skip = except.and_then(|id| items.key_of(id));
    items
        .iter()
        .any(|(key, object)| Some(key) != skip.as_deref() && test(object))
}

/// Every object of `collection` as it reads now, oldest first.
pub(super) fn all(call: &Call<'_>, collection: &str) -> Vec<(String, Value)> {
    ensure_seeded(call, &[collection]);
    let docs = call.docs();
    let data = &*docs;
    data.items(collection)
        .into_iter()
        .flat_map(|items| items.iter())
        .map(|(k, v)| (k.to_owned(), data.rendered(collection, k, v)))
        .collect()
}

/// Removes the object stored under `key` (and its own sub-collections).
pub(super) fn remove(call: &Call<'_>, collection: &str, key: &str) -> Option<Value> {
    call.docs_mut().remove(collection, key)
}

/// Answers `object` inside the operation's envelope member (`{"deployment": …}`), or
/// bare when the documented answer has none.
pub(super) fn reply(call: &Call<'_>, object: Value) -> Result<Response, ApiError> {
    let documented = template(call.op);
    let out = match wrapper(&documented) {
        Some(key) if object.get(key).is_none() => crate::engine::shape::wrapped(call.op, object),
        _ => object,
    };
    answer(call.op, Some(out))
}

/// A 409 that says what is in the way.
pub(super) fn conflict(message: impl Into<std::borrow::Cow<'static, str>>) -> ApiError {
    ApiError::new(http::StatusCode::CONFLICT, "conflict", message)
}

/// Whether `key` is one of the demo objects of `collection` (the description's parameter
/// examples) in an account the demo seeds: those have the documented history, such as
/// an earlier clusterlint run or a service key.
pub(super) fn is_demo(call: &Call<'_>, collection: &str, key: &str) -> bool {
    crate::engine::call::seeds_demo(call.app, &call.who)
        && crate::engine::catalog::get()
            .seed
            .get(collection)
            .is_some_and(|(_, ids)| ids.iter().any(|id| id == key))
}

/// The operation's documented answer (for a demo object's documented history).
pub(super) fn documented(call: &Call<'_>) -> Value {
    template(call.op).clone()
}
