//! Decoding and encoding of the action object against the reference page's example.

mod common;

use common::REFERENCE_ACTION;
use oxido::{Action, ActionStatus, ActionType};
use serde_json::{Value, json};

fn reference_action_value() -> Value {
    let envelope: Value =
        serde_json::from_str(REFERENCE_ACTION).expect("reference example is JSON");
    envelope["action"].clone()
}

#[test]
fn reference_example_round_trips_exactly() {
    let original = reference_action_value();
    let action: Action =
        serde_json::from_value(original.clone()).expect("reference example decodes");
    assert_eq!(action.id, 36804636);
    assert_eq!(action.status, ActionStatus::Completed);
    assert_eq!(action.kind, ActionType::Create);
    assert_eq!(action.started_at.to_string(), "2020-11-14T16:29:21Z");
    assert_eq!(
        action.completed_at.map(|t| t.to_string()).as_deref(),
        Some("2020-11-14T16:30:06Z")
    );
    assert_eq!(action.resource_id, Some(3164444));
    assert_eq!(action.resource_type, "droplet");
    assert_eq!(
        action.region.as_ref().map(|r| r.slug.as_str()),
        Some("nyc3")
    );
    assert_eq!(action.region.as_ref().map(|r| r.sizes.len()), Some(14));
    assert_eq!(action.region_slug.as_deref(), Some("nyc3"));

    let encoded = serde_json::to_value(&action).expect("encodes");
    assert_eq!(encoded, original);

    // Field order and text too: pretty-printing the decoded envelope reproduces the page's example byte for byte.
    #[derive(serde::Serialize)]
    struct Envelope<'a> {
        action: &'a Action,
    }
    let pretty = serde_json::to_string_pretty(&Envelope { action: &action }).expect("encodes");
    assert_eq!(pretty, REFERENCE_ACTION.trim_end());
}

#[test]
fn unknown_status_and_type_are_kept_verbatim() {
    let mut value = reference_action_value();
    value["status"] = json!("paused-by-operator");
    value["type"] = json!("teleport");
    let action: Action = serde_json::from_value(value.clone()).expect("unknown values decode");
    assert_eq!(
        action.status,
        ActionStatus::Other("paused-by-operator".into())
    );
    assert_eq!(action.kind, ActionType::Other("teleport".into()));
    assert_eq!(action.status.as_str(), "paused-by-operator");
    assert!(!action.status.is_terminal());
    assert_eq!(serde_json::to_value(&action).expect("encodes"), value);
}

#[test]
fn null_fields_and_unknown_fields_decode() {
    let value = json!({
        "id": 7,
        "status": "in-progress",
        "type": "power_off",
        "started_at": "2024-01-02T03:04:05Z",
        "completed_at": null,
        "resource_id": null,
        "resource_type": "droplet",
        "region": null,
        "region_slug": null,
        "a_field_from_the_future": {"nested": true}
    });
    let action: Action = serde_json::from_value(value).expect("nulls decode");
    assert_eq!(action.status, ActionStatus::InProgress);
    assert_eq!(action.kind, ActionType::PowerOff);
    assert_eq!(action.completed_at, None);
    assert_eq!(action.resource_id, None);
    assert_eq!(action.region, None);
    assert_eq!(action.region_slug, None);
    assert!(!action.is_done());
}

#[test]
fn status_and_type_display_as_api_strings() {
    assert_eq!(ActionStatus::InProgress.to_string(), "in-progress");
    assert_eq!(ActionStatus::Errored.as_str(), "errored");
    assert_eq!(ActionType::PowerOff.to_string(), "power_off");
    assert_eq!(ActionType::EnableIpv6.as_str(), "enable_ipv6");
    assert_eq!(
        "change_backup_policy".parse::<ActionType>(),
        Ok(ActionType::ChangeBackupPolicy)
    );
    assert_eq!(
        "completed".parse::<ActionStatus>(),
        Ok(ActionStatus::Completed)
    );
}
