//! Every error answers `{"id","message","request_id"}` with a matching `x-request-id`.

use reqwest::Method;

use crate::common::*;

#[tokio::test]
async fn unauthorized_is_exactly_the_api_body() {
    let sim = demo(50).await;
    let path = "/v2/actions/36804636";
    for token in [None, Some("wrong-token")] {
        let reply = call(&sim, Method::GET, path, token, None).await;
        let body = reply.assert_error(401, "unauthorized");
        assert_eq!(body["message"], "Unable to authenticate you.");
        assert_eq!(body.as_object().unwrap().len(), 3);
        // No valid token, no rate-limit state to report: a fresh-looking
        // `ratelimit-remaining` would be a false snapshot.
        for name in ["ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"] {
            assert!(reply.header(name).is_none(), "{name}");
        }
    }
    // A malformed Authorization header (not Bearer).
    let reply = client()
        .get(format!("{}{path}", sim.base_url()))
        .header("authorization", format!("Basic {}", sim.token()))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status().as_u16(), 401);
}

#[tokio::test]
async fn not_found_for_unknown_and_malformed_ids_and_routes() {
    let sim = demo(50).await;
    for path in [
        "/v2/actions/1",
        "/v2/actions/abc",
        "/v2/actions/-5",
        "/v2/actions/0",
        "/v2/actions/99999999999999999999999",
        "/v2/actions/+36804636",
        "/v2/actions/036804636",
        "/v2/actions/0x10",
        "/v2/actions/1e3",
        "/v2/droplets/+3164444",
        "/v2/droplets/03164444/actions",
        "/v2/droplets/3164444/actions/52412087", // another droplet's action
        "/v2/droplets/1/actions",
        "/v2/droplets/%FF%FE",
        "/v2/nothing-here",
        "/",
        "/v2/actions/36804636/extra",
    ] {
        let body = get(&sim, path).await.assert_error(404, "not_found");
        assert_eq!(
            body["message"], "The resource you were accessing could not be found.",
            "{path}"
        );
    }
}

#[tokio::test]
async fn wrong_method_is_405_with_allow() {
    let sim = demo(50).await;
    let reply = call(&sim, Method::DELETE, "/v2/actions", Some(sim.token()), None).await;
    reply.assert_error(405, "method_not_allowed");
    let allow = reply.header("allow").expect("allow header");
    assert!(allow.contains("GET"), "{allow}");
    let reply = call(
        &sim,
        Method::PUT,
        "/v2/droplets/3164444/actions",
        Some(sim.token()),
        Some("{}"),
    )
    .await;
    reply.assert_error(405, "method_not_allowed");
    let allow = reply.header("allow").unwrap();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
}

#[tokio::test]
async fn invalid_action_bodies_are_422_naming_the_field() {
    let sim = demo(50).await;
    let path = format!("/v2/droplets/{DROPLET}/actions");
    let cases = [
        (r#"{}"#, "type"),
        (r#"{"type": 5}"#, "type"),
        (r#"{"type": "explode"}"#, "type"),
        (r#"{"type": "rename"}"#, "name"),
        (r#"{"type": "rename", "name": 7}"#, "name"),
        (r#"{"type": "rename", "name": "bad name!"}"#, "name"),
        (r#"{"type": "resize"}"#, "size"),
        (r#"{"type": "resize", "size": "huge"}"#, "size"),
        (
            r#"{"type": "resize", "size": "s-2vcpu-4gb", "disk": "yes"}"#,
            "disk",
        ),
        (r#"{"type": "rebuild"}"#, "image"),
        (r#"{"type": "rebuild", "image": "no-such-image"}"#, "image"),
        (r#"{"type": "rebuild", "image": [1]}"#, "image"),
        (r#"{"type": "restore"}"#, "image"),
        (r#"{"type": "restore", "image": "abc"}"#, "image"),
        (r#"{"type": "change_kernel", "kernel": -1}"#, "kernel"),
        (r#"{"type": "change_backup_policy"}"#, "backup_policy"),
        (
            r#"{"type": "enable_backups", "backup_policy": {"plan": "hourly"}}"#,
            "backup_policy.plan",
        ),
        (
            r#"{"type": "enable_backups", "backup_policy": {"hour": 3}}"#,
            "backup_policy.hour",
        ),
        (
            r#"{"type": "enable_backups", "backup_policy": {"weekday": "XYZ"}}"#,
            "backup_policy.weekday",
        ),
        (r#"{"type": "snapshot", "name": false}"#, "name"),
        (r#"[1, 2]"#, "object"),
    ];
    for (body, field) in cases {
        let reply = post(&sim, &path, body).await;
        let error = reply.assert_error(422, "unprocessable_entity");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains(field),
            "{body}: message {message:?} should name {field}"
        );
    }
}

#[tokio::test]
async fn non_json_bodies_are_400() {
    let sim = demo(50).await;
    let path = format!("/v2/droplets/{DROPLET}/actions");
    // JSON that breaks off is refused as every route refuses it (the tags route documents 400).
    for body in ["", "type=reboot", "<xml/>", r#"{"type": "#] {
        post(&sim, &path, body)
            .await
            .assert_error(400, "bad_request");
    }
}

#[tokio::test]
async fn by_tag_refuses_types_that_cannot_be_applied_by_tag() {
    let sim = demo(50).await;
    let reply = post(
        &sim,
        "/v2/droplets/actions?tag_name=web",
        r#"{"type":"reboot"}"#,
    )
    .await;
    let body = reply.assert_error(422, "unprocessable_entity");
    assert!(body["message"].as_str().unwrap().contains("by tag"));
    let reply = post(&sim, "/v2/droplets/actions", r#"{"type":"power_off"}"#).await;
    let body = reply.assert_error(422, "unprocessable_entity");
    assert!(body["message"].as_str().unwrap().contains("tag_name"));
}

#[tokio::test]
async fn oversized_request_body_is_413() {
    let sim = demo(50).await;
    let big = format!(r#"{{"type":"rename","name":"{}"}}"#, "a".repeat(2 << 20));
    let reply = post(&sim, &format!("/v2/droplets/{DROPLET}/actions"), &big).await;
    reply.assert_error(413, "request_entity_too_large");
}

#[tokio::test]
async fn a_droplet_with_a_pending_action_refuses_another() {
    let sim = demo(60_000).await;
    act(&sim, DROPLET, r#"{"type":"reboot"}"#).await;
    let reply = post(
        &sim,
        &format!("/v2/droplets/{DROPLET}/actions"),
        r#"{"type":"power_off"}"#,
    )
    .await;
    let body = reply.assert_error(422, "unprocessable_entity");
    assert!(body["message"].as_str().unwrap().contains("pending event"));
}
