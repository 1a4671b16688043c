//! Tokens, scopes and account isolation.

use reqwest::Method;

use crate::common::*;
use oxido_sim::Sim;

#[tokio::test]
async fn read_only_tokens_read_but_cannot_write() {
    let sim = start(Sim::builder().read_token("reader")).await;
    let read = call(
        &sim,
        Method::GET,
        "/v2/actions/36804636",
        Some("reader"),
        None,
    )
    .await;
    assert_eq!(read.status.as_u16(), 200);
    let list = call(&sim, Method::GET, "/v2/droplets", Some("reader"), None).await;
    assert_eq!(list.status.as_u16(), 200);
    let writes = [
        (
            Method::POST,
            "/v2/droplets/3164444/actions",
            Some(r#"{"type":"reboot"}"#),
        ),
        (
            Method::POST,
            "/v2/droplets/actions?tag_name=web",
            Some(r#"{"type":"power_on"}"#),
        ),
        (
            Method::POST,
            "/v2/droplets",
            Some(r#"{"name":"x","size":"s-1vcpu-1gb","image":"ubuntu-22-04-x64"}"#),
        ),
        (Method::DELETE, "/v2/droplets/3164444", None),
    ];
    for (method, path, body) in writes {
        let reply = call(&sim, method, path, Some("reader"), body).await;
        reply.assert_error(403, "forbidden");
    }
    // Nothing was changed by the refused writes.
    assert_eq!(droplet(&sim, DROPLET).await["status"], "active");
}

#[tokio::test]
async fn extra_tokens_share_the_demo_account() {
    let sim = start(Sim::builder().token("t1")).await;
    let reply = call(&sim, Method::GET, "/v2/droplets/3164444", Some("t1"), None).await;
    assert_eq!(reply.status.as_u16(), 200);
}

#[tokio::test]
async fn other_accounts_cannot_see_the_demo_account() {
    let sim = start(
        Sim::builder()
            .other_account_token("stranger")
            .action_duration(std::time::Duration::from_millis(20)),
    )
    .await;
    let stranger = Some("stranger");
    for path in [
        "/v2/droplets/3164444",
        "/v2/droplets/3164444/actions",
        "/v2/droplets/3164444/actions/36804636",
        "/v2/actions/36804636",
    ] {
        call(&sim, Method::GET, path, stranger, None)
            .await
            .assert_error(404, "not_found");
    }
    let reply = call(
        &sim,
        Method::POST,
        "/v2/droplets/3164444/actions",
        stranger,
        Some(r#"{"type":"reboot"}"#),
    )
    .await;
    reply.assert_error(404, "not_found");
    call(&sim, Method::DELETE, "/v2/droplets/3164444", stranger, None)
        .await
        .assert_error(404, "not_found");
    let lists = call(&sim, Method::GET, "/v2/actions", stranger, None)
        .await
        .json();
    assert_eq!(lists["meta"]["total"], 0);
    assert_eq!(lists["actions"].as_array().unwrap().len(), 0);
    let tagged = call(
        &sim,
        Method::POST,
        "/v2/droplets/actions?tag_name=web",
        stranger,
        Some(r#"{"type":"power_off"}"#),
    )
    .await;
    assert_eq!(tagged.status.as_u16(), 201);
    assert_eq!(tagged.json()["actions"].as_array().unwrap().len(), 0);

    // The stranger's own droplet is invisible to the demo token.
    let created = call(
        &sim,
        Method::POST,
        "/v2/droplets",
        stranger,
        Some(r#"{"name":"mine","size":"s-1vcpu-1gb","image":"ubuntu-22-04-x64"}"#),
    )
    .await;
    assert_eq!(created.status.as_u16(), 202, "{}", created.text);
    let id = created.json()["droplet"]["id"].as_u64().unwrap();
    get(&sim, &format!("/v2/droplets/{id}"))
        .await
        .assert_error(404, "not_found");
    assert_eq!(
        call(
            &sim,
            Method::GET,
            &format!("/v2/droplets/{id}"),
            stranger,
            None
        )
        .await
        .status
        .as_u16(),
        200
    );
}

#[tokio::test]
async fn admin_routes_need_the_admin_token() {
    let sim = demo(50).await;
    let url = format!("{}/_sim/requests", sim.base_url());
    let reply = client()
        .get(&url)
        .bearer_auth(sim.token())
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status().as_u16(), 401);
    let reply = client().get(&url).send().await.unwrap();
    assert_eq!(reply.status().as_u16(), 401);
    let reply = client()
        .get(&url)
        .bearer_auth(sim.admin_token())
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status().as_u16(), 200);
}

#[tokio::test]
async fn invalid_configuration_is_refused_with_a_reason() {
    let err = Sim::builder().token("has space").start().await.unwrap_err();
    assert!(err.to_string().contains("token"), "{err}");
    let err = Sim::builder()
        .rate_limit_per_minute(0)
        .start()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("rate limit"), "{err}");
    let err = Sim::builder()
        .admin_token(oxido_sim::DEMO_TOKEN)
        .start()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("admin"), "{err}");
}
