//! What doctl (and the godo it is built on) sends, found by running doctl's commands
//! against the emulator: each request here is the body doctl sends for the command named.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{DROPLET, demo, get, send_json, wait_action};

/// `doctl compute droplet-action enable-private-networking` (godo's EnablePrivateNetworking,
/// which the Terraform provider also sends): every Droplet already has a private address,
/// so the action completes and the Droplet keeps it.
#[tokio::test]
async fn enable_private_networking_is_an_action_that_completes() {
    let sim = demo(0).await;
    let path = format!("/v2/droplets/{DROPLET}/actions");
    let reply = send_json(
        &sim,
        Method::POST,
        &path,
        json!({"type": "enable_private_networking"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let action = reply.json()["action"].clone();
    assert_eq!(action["type"], "enable_private_networking");
    let id = action["id"].as_u64().expect("action id");
    let done = wait_action(&sim, id, Duration::from_secs(10)).await;
    assert_eq!(done["status"], "completed", "{done}");
    let droplet = get(&sim, &format!("/v2/droplets/{DROPLET}")).await.json()["droplet"].clone();
    assert!(
        droplet["networks"]["v4"]
            .as_array()
            .is_some_and(|v4| v4.iter().any(|n| n["type"] == "private")),
        "{droplet}"
    );

    // By tag too (godo's EnablePrivateNetworkingByTag).
    let by_tag = send_json(
        &sim,
        Method::POST,
        "/v2/droplets/actions?tag_name=web",
        json!({"type": "enable_private_networking"}),
    )
    .await;
    assert_eq!(by_tag.status, StatusCode::CREATED, "{}", by_tag.text);
    assert!(
        by_tag.json()["actions"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    );

    // A type that does not exist is still refused, and the refusal lists the new one.
    let bad = send_json(&sim, Method::POST, &path, json!({"type": "enable_magic"})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    assert!(
        bad.text.contains("enable_private_networking"),
        "{}",
        bad.text
    );
}

/// `doctl projects update ID --name N` sends godo's UpdateProjectRequest: the members not
/// given go as null, and the API leaves them as they are.
#[tokio::test]
async fn a_project_patch_with_null_members_changes_only_what_is_given() {
    let sim = demo(0).await;
    let made = send_json(
        &sim,
        Method::POST,
        "/v2/projects",
        json!({"name": "p1", "description": "d1", "purpose": "Web Application", "environment": "Development"}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let id = made.json()["project"]["id"].as_str().unwrap().to_owned();
    let path = format!("/v2/projects/{id}");
    let reply = send_json(
        &sim,
        Method::PATCH,
        &path,
        json!({"name": "p2", "description": null, "purpose": null, "environment": null, "is_default": null}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let stored = get(&sim, &path).await.json()["project"].clone();
    assert_eq!(stored["name"], "p2");
    assert_eq!(stored["description"], "d1");
    assert_eq!(stored["purpose"], "Web Application");
    assert_eq!(stored["environment"], "Development");
    assert_eq!(stored["is_default"], false);

    // The default project takes the same body.
    let default = send_json(
        &sim,
        Method::PATCH,
        "/v2/projects/default",
        json!({"name": null, "description": "everything", "purpose": null, "environment": null, "is_default": null}),
    )
    .await;
    assert_eq!(default.status, StatusCode::OK, "{}", default.text);
    let project = default.json()["project"].clone();
    assert_eq!(project["description"], "everything");
    assert!(
        project["name"].as_str().is_some_and(|n| !n.is_empty()),
        "{project}"
    );

    // A member of the wrong type is still refused.
    let bad = send_json(&sim, Method::PATCH, &path, json!({"name": 5})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
}
