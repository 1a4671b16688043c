//! The body of a droplet action request, checked against each type's parameters.

use serde_json::{Map, Value};

use super::body::{opt_bool, opt_str, req_id, req_str};
use super::error::ApiError;
use crate::state::catalog;
use crate::state::model::{ActionKind, BackupPolicy, Effect};
use crate::state::store::ActionRequest;

/// Where the request was posted: to one droplet, or to every droplet with a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    One,
    Tag,
}

/// Parses and validates an action request body.
pub(crate) fn parse(body: &Map<String, Value>, target: Target) -> Result<ActionRequest, ApiError> {
    let name = req_str(body, "type")?;
    let allowed: &[ActionKind] = match target {
        Target::One => &ActionKind::POSTABLE,
        Target::Tag => &ActionKind::BY_TAG,
    };
    let Some(kind) = allowed.iter().copied().find(|k| k.as_str() == name) else {
        let names: Vec<&str> = allowed.iter().map(|k| k.as_str()).collect();
        let why = if target == Target::Tag && ActionKind::parse_postable(name).is_some() {
            "cannot be applied by tag"
        } else {
            "is not a valid action type"
        };
        return Err(ApiError::unprocessable(format!(
            "type: '{}' {why}; expected one of {}.",
            excerpt(name),
            names.join(", ")
        )));
    };
    let effect = match kind {
        ActionKind::Reboot | ActionKind::PowerCycle | ActionKind::PowerOn | ActionKind::Restore => {
            if kind == ActionKind::Restore {
                req_id(body, "image")?;
            }
            Effect::Activate
        }
        ActionKind::Shutdown | ActionKind::PowerOff => Effect::PowerOff,
        // Every Droplet is in a VPC with a private address, so there is nothing to enable.
        ActionKind::PasswordReset | ActionKind::Create | ActionKind::EnablePrivateNetworking => {
            Effect::Nothing
        }
        ActionKind::EnableBackups => Effect::EnableBackups(opt_policy(body)?),
        ActionKind::DisableBackups => Effect::DisableBackups,
        ActionKind::ChangeBackupPolicy => Effect::ChangeBackupPolicy(
            opt_policy(body)?
                .ok_or_else(|| ApiError::unprocessable("backup_policy is required."))?,
        ),
        ActionKind::Resize => {
            let slug = req_str(body, "size")?;
            let size = catalog::size(slug).ok_or_else(|| {
                ApiError::unprocessable(format!(
                    "size: '{}' is not a known size slug.",
                    excerpt(slug)
                ))
            })?;
            let disk = opt_bool(body, "disk")?.unwrap_or(false);
            Effect::Resize { size, disk }
        }
        ActionKind::Rebuild => Effect::Rebuild(image(body)?, None),
        ActionKind::Rename => {
            let name = req_str(body, "name")?;
            check_hostname(name)?;
            Effect::Rename(name.to_owned())
        }
        ActionKind::ChangeKernel => Effect::ChangeKernel(req_id(body, "kernel")?),
        ActionKind::EnableIpv6 => Effect::EnableIpv6,
        ActionKind::Snapshot => {
            let name = opt_str(body, "name")?;
            if let Some(name) = name {
                crate::limits::bounded_str("name", name, crate::limits::MAX_NAME_BYTES)?;
            }
            Effect::Snapshot(name.map(str::to_owned))
        }
    };
    Ok(ActionRequest { kind, effect })
}

fn image(body: &Map<String, Value>) -> Result<&'static catalog::Image, ApiError> {
    let found = match body.get("image") {
        None | Some(Value::Null) => return Err(ApiError::unprocessable("image is required.")),
        Some(Value::String(slug)) => catalog::image_by_slug(slug),
        Some(Value::Number(n)) => n.as_u64().and_then(catalog::image_by_id),
        Some(_) => {
            return Err(ApiError::unprocessable(
                "image must be an image slug or a numeric image id.",
            ));
        }
    };
    found.ok_or_else(|| {
        ApiError::unprocessable("image: no image with that slug or id is available.")
    })
}

pub(super) fn opt_policy(body: &Map<String, Value>) -> Result<Option<BackupPolicy>, ApiError> {
    let policy = match body.get("backup_policy") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(map)) => map,
        Some(_) => return Err(ApiError::unprocessable("backup_policy must be an object.")),
    };
    let mut out = BackupPolicy::default();
    if let Some(plan) = opt_str(policy, "plan").map_err(prefix_policy)? {
        if !["daily", "weekly"].contains(&plan) {
            return Err(ApiError::unprocessable(
                "backup_policy.plan must be 'daily' or 'weekly'.",
            ));
        }
        plan.clone_into(&mut out.plan);
    }
    if let Some(day) = opt_str(policy, "weekday").map_err(prefix_policy)? {
        if !["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"].contains(&day) {
            return Err(ApiError::unprocessable(
                "backup_policy.weekday must be one of SUN, MON, TUE, WED, THU, FRI, SAT.",
            ));
        }
        day.clone_into(&mut out.weekday);
    }
    match policy.get("hour") {
        None | Some(Value::Null) => {}
        Some(v) => match v.as_u64() {
            Some(h @ (0 | 4 | 8 | 12 | 16 | 20)) => out.hour = h as u8,
            _ => {
                return Err(ApiError::unprocessable(
                    "backup_policy.hour must be one of 0, 4, 8, 12, 16, 20.",
                ));
            }
        },
    }
    Ok(Some(out))
}

fn prefix_policy(mut e: ApiError) -> ApiError {
    e.message = format!("backup_policy.{}", e.message).into();
    e
}

/// Checks a droplet name the way the API's create schema constrains it.
pub(crate) fn check_hostname(name: &str) -> Result<(), ApiError> {
    let valid_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    let valid_ends = name
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    if name.is_empty() || name.len() > crate::limits::MAX_NAME_BYTES || !valid_chars || !valid_ends
    {
        return Err(ApiError::unprocessable(
            "name must be 1-255 characters of letters, digits, '.' and '-', ending with a letter or digit.",
        ));
    }
    Ok(())
}

/// Echoes user input in messages, shortened so a huge value cannot bloat an error.
pub(crate) fn excerpt(text: &str) -> String {
    const LIMIT: usize = 64;
    if text.chars().count() <= LIMIT {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(LIMIT).collect();
        format!("{cut}...")
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    fn outcome(bytes: &[u8], target: Target) -> Result<ActionKind, ApiError> {
        // The engine hands the parser only bodies that are JSON objects.
        let body: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(bytes)
            .map_err(|e| ApiError::bad_request(format!("not a JSON object: {e}")))?;
        parse(&body, target).map(|r| r.kind)
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_are_refused_with_400_or_422(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            if let Err(e) = outcome(&bytes, Target::One) {
                prop_assert!(e.status.as_u16() == 400 || e.status.as_u16() == 422, "{e:?}");
                prop_assert!(!e.message.is_empty());
            }
        }

        #[test]
        fn arbitrary_json_values_for_each_parameter_never_panic(
            kind in prop::sample::select(ActionKind::POSTABLE.to_vec()),
            field in prop::sample::select(vec!["name", "size", "disk", "image", "kernel", "backup_policy"]),
            value in prop_oneof![
                Just(serde_json::json!(null)),
                any::<bool>().prop_map(serde_json::Value::from),
                any::<i64>().prop_map(serde_json::Value::from),
                any::<f64>().prop_map(serde_json::Value::from),
                ".{0,40}".prop_map(serde_json::Value::from),
                Just(serde_json::json!({"plan": "weekly", "hour": 25})),
                Just(serde_json::json!([1, "two"])),
            ],
        ) {
            let body = serde_json::json!({ "type": kind.as_str(), field: value });
            let bytes = serde_json::to_vec(&body).unwrap();
            match outcome(&bytes, Target::One) {
                Ok(parsed) => prop_assert_eq!(parsed, kind),
                Err(e) => {
                    prop_assert_eq!(e.status.as_u16(), 422);
                    prop_assert!(!e.message.is_empty());
                }
            }
        }
    }

    #[test]
    fn every_postable_type_parses_with_its_required_parameters() {
        let bodies = [
            r#"{"type":"enable_backups"}"#,
            r#"{"type":"disable_backups"}"#,
            r#"{"type":"change_backup_policy","backup_policy":{"plan":"weekly","weekday":"MON","hour":20}}"#,
            r#"{"type":"reboot"}"#,
            r#"{"type":"power_cycle"}"#,
            r#"{"type":"shutdown"}"#,
            r#"{"type":"power_off"}"#,
            r#"{"type":"power_on"}"#,
            r#"{"type":"restore","image":12389723}"#,
            r#"{"type":"password_reset"}"#,
            r#"{"type":"resize","size":"s-2vcpu-2gb","disk":true}"#,
            r#"{"type":"rebuild","image":"ubuntu-22-04-x64"}"#,
            r#"{"type":"rename","name":"nifty-new-name"}"#,
            r#"{"type":"change_kernel","kernel":12389723}"#,
            r#"{"type":"enable_ipv6"}"#,
            r#"{"type":"enable_private_networking"}"#,
            r#"{"type":"snapshot","name":"Nifty New Snapshot"}"#,
        ];
        assert_eq!(bodies.len(), ActionKind::POSTABLE.len());
        for (body, kind) in bodies.iter().zip(ActionKind::POSTABLE) {
            assert_eq!(
                outcome(body.as_bytes(), Target::One).unwrap(),
                kind,
                "{body}"
            );
        }
    }
}
