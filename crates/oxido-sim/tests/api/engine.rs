//! The generic engine: collections inferred from the description, validation against
//! it, and the shared pipeline (auth, faults, journal, reset) on its routes.

use oxido_sim::{Fault, Seed, Sim};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{OTHER_DROPLET, call, client, demo, droplet, get, post, start};

const VOLUME: &str = "7724db7c-e098-11e5-b522-000f53304e51";

async fn send(sim: &Sim, method: Method, path: &str, body: Option<Value>) -> crate::common::Reply {
    let text = body.map(|b| b.to_string());
    call(sim, method, path, Some(sim.token()), text.as_deref()).await
}

fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

#[tokio::test]
async fn a_volume_is_created_read_listed_and_deleted() {
    let sim = start(Sim::builder().seed(Seed::Empty)).await;
    let before = get(&sim, "/v2/volumes").await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.text);
    assert_eq!(before.json()["meta"]["total"], 0);

    let created = post(
        &sim,
        "/v2/volumes",
        r#"{"size_gigabytes": 25, "name": "data-1", "region": "nyc1", "description": "scratch"}"#,
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let volume = created.json()["volume"].clone();
    let id = volume["id"].as_str().expect("id is a string").to_owned();
    assert!(is_uuid(&id), "{id}");
    assert_eq!(volume["name"], "data-1");
    assert_eq!(volume["size_gigabytes"], 25);
    assert_eq!(volume["description"], "scratch");
    let created_at = volume["created_at"].as_str().expect("created_at");
    assert!(
        created_at.starts_with("20") && created_at.ends_with('Z'),
        "{created_at}"
    );

    let read = get(&sim, &format!("/v2/volumes/{id}")).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(read.json()["volume"], volume);

    let listed = get(&sim, "/v2/volumes").await.json();
    assert_eq!(listed["meta"]["total"], 1);
    assert_eq!(listed["volumes"][0]["id"], id.as_str());

    let deleted = send(&sim, Method::DELETE, &format!("/v2/volumes/{id}"), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    get(&sim, &format!("/v2/volumes/{id}"))
        .await
        .assert_error(404, "not_found");
    let again = send(&sim, Method::DELETE, &format!("/v2/volumes/{id}"), None).await;
    again.assert_error(404, "not_found");
}

#[tokio::test]
async fn lists_page_with_links_and_meta() {
    let sim = start(Sim::builder().seed(Seed::Empty)).await;
    for n in 0..5 {
        // Distinct keys: one key is stored once per account.
        let key = format!("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{n:A>43} sammy");
        let body = json!({ "name": format!("key-{n}"), "public_key": key });
        let reply = send(&sim, Method::POST, "/v2/account/keys", Some(body)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    }
    let page = get(&sim, "/v2/account/keys?per_page=2&page=2").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let page = page.json();
    assert_eq!(page["meta"]["total"], 5);
    let names: Vec<&str> = page["ssh_keys"]
        .as_array()
        .expect("ssh_keys")
        .iter()
        .filter_map(|k| k["name"].as_str())
        .collect();
    assert_eq!(names, ["key-2", "key-3"]);
    let next = page["links"]["pages"]["next"].as_str().expect("next link");
    assert!(
        next.contains("page=3") && next.contains("per_page=2"),
        "{next}"
    );
    // An oversized page is capped, as the API does, rather than refused.
    let capped = get(&sim, "/v2/account/keys?per_page=500").await;
    assert_eq!(capped.status, StatusCode::OK, "{}", capped.text);
    get(&sim, "/v2/account/keys?page=0")
        .await
        .assert_error(422, "unprocessable_entity");
}

#[tokio::test]
async fn an_ssh_key_is_renamed_by_id_and_by_fingerprint() {
    let sim = start(Sim::builder().seed(Seed::Empty)).await;
    let body = json!({ "name": "laptop", "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDUpI/qA1SrOIoe/PXS/aB9YBSJDdApE9EqkpFtMosjZ sammy" });
    let key = send(&sim, Method::POST, "/v2/account/keys", Some(body))
        .await
        .json()["ssh_key"]
        .clone();
    let id = key["id"].as_i64().expect("integer id");
    let renamed = send(
        &sim,
        Method::PUT,
        &format!("/v2/account/keys/{id}"),
        Some(json!({ "name": "desktop" })),
    )
    .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);
    assert_eq!(renamed.json()["ssh_key"]["name"], "desktop");
    let fingerprint = key["fingerprint"].as_str().expect("fingerprint");
    let by_print = get(&sim, &format!("/v2/account/keys/{fingerprint}")).await;
    assert_eq!(by_print.status, StatusCode::OK, "{}", by_print.text);
    assert_eq!(by_print.json()["ssh_key"]["name"], "desktop");
}

#[tokio::test]
async fn domain_records_are_nested_under_their_domain() {
    let sim = start(Sim::builder()).await;
    let record = post(
        &sim,
        "/v2/domains/example.com/records",
        r#"{"type": "A", "name": "www", "data": "192.0.2.44", "ttl": 600}"#,
    )
    .await;
    assert_eq!(record.status, StatusCode::CREATED, "{}", record.text);
    let id = record.json()["domain_record"]["id"].as_i64().expect("id");
    let read = get(&sim, &format!("/v2/domains/example.com/records/{id}")).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(read.json()["domain_record"]["data"], "192.0.2.44");
    // The same record id under another domain does not exist.
    get(&sim, &format!("/v2/domains/example.org/records/{id}"))
        .await
        .assert_error(404, "not_found");
    // Deleting the domain takes its records with it.
    let gone = send(&sim, Method::DELETE, "/v2/domains/example.com", None).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    get(&sim, "/v2/domains/example.com/records")
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn bodies_and_parameters_are_validated_against_the_description() {
    let sim = start(Sim::builder()).await;
    let wrong_type = post(
        &sim,
        "/v2/volumes",
        r#"{"size_gigabytes": "ten", "name": "v", "region": "nyc1"}"#,
    )
    .await;
    let body = wrong_type.assert_error(422, "unprocessable_entity");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("size_gigabytes: must be an integer")),
        "{body}"
    );
    let missing = post(&sim, "/v2/account/keys", r#"{"name": "k"}"#).await;
    let body = missing.assert_error(422, "unprocessable_entity");
    assert_eq!(body["message"], "public_key: is required", "{body}");
    let bad_enum = post(
        &sim,
        &format!("/v2/volumes/{VOLUME}/actions"),
        r#"{"type": "explode"}"#,
    )
    .await;
    let body = bad_enum.assert_error(422, "unprocessable_entity");
    assert!(
        body["message"].as_str().is_some_and(|m| m.contains("type")),
        "{body}"
    );
    let bad_uuid = get(&sim, "/v2/volumes/not-a-uuid").await;
    let body = bad_uuid.assert_error(400, "bad_request");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("volume_id: must be a valid uuid")),
        "{body}"
    );
    let no_body = call(&sim, Method::POST, "/v2/volumes", Some(sim.token()), None).await;
    no_body.assert_error(400, "bad_request");
    let not_json = post(&sim, "/v2/volumes", "size=10").await;
    not_json.assert_error(400, "bad_request");
}

#[tokio::test]
async fn unknown_paths_are_404_and_wrong_methods_405_with_allow() {
    let sim = start(Sim::builder()).await;
    get(&sim, "/v2/no-such-thing")
        .await
        .assert_error(404, "not_found");
    let patch = send(&sim, Method::PATCH, "/v2/volumes", Some(json!({}))).await;
    patch.assert_error(405, "method_not_allowed");
    assert_eq!(patch.header("allow"), Some("DELETE, GET, POST"));
    // A hand-written path keeps the description's full method list.
    let put = send(&sim, Method::PUT, "/v2/droplets/3164444", Some(json!({}))).await;
    put.assert_error(405, "method_not_allowed");
    assert_eq!(put.header("allow"), Some("DELETE, GET"));
    // Inference and per-agent paths share the listener.
    let models = get(&sim, "/v1/models").await;
    assert_eq!(models.status, StatusCode::OK, "{}", models.text);
    let chat = post(
        &sim,
        "/api/v1/chat/completions?agent=true",
        r#"{"model": "llama3.3-70b-instruct", "messages": [{"role": "user", "content": "hi"}]}"#,
    )
    .await;
    assert_eq!(chat.status, StatusCode::OK, "{}", chat.text);
}

#[tokio::test]
async fn tokens_scopes_and_accounts_apply_to_engine_routes() {
    let sim = start(
        Sim::builder()
            .read_token("reader-token")
            .other_account_token("stranger-token"),
    )
    .await;
    let path = format!("/v2/volumes/{VOLUME}");
    let unauthenticated = call(&sim, Method::GET, &path, None, None).await;
    unauthenticated.assert_error(401, "unauthorized");
    let read = call(&sim, Method::GET, &path, Some("reader-token"), None).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    let write = call(&sim, Method::DELETE, &path, Some("reader-token"), None).await;
    write.assert_error(403, "forbidden");
    let stranger = call(&sim, Method::GET, &path, Some("stranger-token"), None).await;
    stranger.assert_error(404, "not_found");
    let created = call(
        &sim,
        Method::POST,
        "/v2/tags",
        Some("stranger-token"),
        Some(r#"{"name": "secret"}"#),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    get(&sim, "/v2/tags/secret")
        .await
        .assert_error(404, "not_found");
    let own = call(
        &sim,
        Method::GET,
        "/v2/tags/secret",
        Some("stranger-token"),
        None,
    )
    .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.text);
}

#[tokio::test]
async fn faults_journal_and_reset_cover_engine_routes() {
    let sim = start(Sim::builder()).await;
    let path = format!("/v2/volumes/{VOLUME}");
    sim.inject(
        Fault::status(503)
            .on("GET", "/v2/volumes/{volume_id}")
            .times(1),
    )
    .expect("fault accepted");
    get(&sim, &path)
        .await
        .assert_error(503, "service_unavailable");
    assert_eq!(get(&sim, &path).await.status, StatusCode::OK);
    // The demo volume is attached to Droplet 11612190 until detached.
    let detached = send(
        &sim,
        Method::POST,
        &format!("{path}/actions"),
        Some(serde_json::json!({"type": "detach", "droplet_id": 11612190, "region": "nyc1"})),
    )
    .await;
    assert_eq!(detached.status, StatusCode::ACCEPTED, "{}", detached.text);
    let deleted = send(&sim, Method::DELETE, &path, None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    get(&sim, &path).await.assert_error(404, "not_found");
    let seen = sim.requests();
    assert!(
        seen.iter().any(|r| r.method == "DELETE" && r.path == path),
        "{seen:?}"
    );
    sim.reset();
    assert_eq!(get(&sim, &path).await.status, StatusCode::OK);
}

#[tokio::test]
async fn droplets_are_created_several_at_once_and_deleted_by_tag() {
    let sim = start(Sim::builder().seed(Seed::Empty)).await;
    let created = post(
        &sim,
        "/v2/droplets",
        r#"{"names": ["a-1", "a-2", "a-3"], "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-22-04-x64", "tags": ["batch"]}"#,
    )
    .await;
    assert_eq!(created.status, StatusCode::ACCEPTED, "{}", created.text);
    let body = created.json();
    assert_eq!(body["droplets"].as_array().map(Vec::len), Some(3));
    assert_eq!(body["links"]["actions"].as_array().map(Vec::len), Some(3));
    assert_eq!(
        get(&sim, "/v2/droplets?tag_name=batch").await.json()["meta"]["total"],
        3
    );
    let bad = post(
        &sim,
        "/v2/droplets",
        r#"{"names": ["ok", "not a hostname!"], "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-22-04-x64"}"#,
    )
    .await;
    bad.assert_error(422, "unprocessable_entity");
    assert_eq!(
        get(&sim, "/v2/droplets").await.json()["meta"]["total"],
        3,
        "nothing half-made"
    );
    let gone = send(&sim, Method::DELETE, "/v2/droplets?tag_name=batch", None).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    assert_eq!(get(&sim, "/v2/droplets").await.json()["meta"]["total"], 0);
    send(&sim, Method::DELETE, "/v2/droplets", None)
        .await
        .assert_error(422, "unprocessable_entity");
}

#[tokio::test]
async fn a_batch_file_uploads_to_its_presigned_url_without_a_token() {
    let sim = start(Sim::builder()).await;
    let intent = post(
        &sim,
        "/v1/batches/files",
        r#"{"file_name": "requests.jsonl"}"#,
    )
    .await;
    assert!(intent.status.is_success(), "{}", intent.text);
    let url = intent.json()["upload_url"]
        .as_str()
        .expect("upload_url")
        .to_owned();
    assert!(url.starts_with(&sim.base_url()), "{url}");
    let put = client()
        .put(&url)
        .header("content-type", "application/octet-stream")
        .body("{\"custom_id\":\"1\"}\n")
        .send()
        .await
        .expect("answered");
    assert_eq!(put.status(), StatusCode::OK);
    let forged = client()
        .put(url.replace("signature=", "signature=0"))
        .body("x")
        .send()
        .await
        .expect("answered");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    // Found by the sim_requests fuzz target: another method is a 405 that says which one fits.
    let read = client().get(&url).send().await.expect("answered");
    assert_eq!(read.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        read.headers().get("allow").and_then(|v| v.to_str().ok()),
        Some("PUT")
    );
}

/// Tagging a Droplet through `/v2/tags/{tag}/resources` changes its `tags`, so lists
/// by tag and by-tag actions find it; untagging takes it back out.
#[tokio::test]
async fn tagging_a_droplet_changes_its_tags_and_by_tag_lists() {
    let sim = demo(30).await;
    let tag = "engine2-batch";
    let created = post(&sim, "/v2/tags", &format!(r#"{{"name":"{tag}"}}"#)).await;
    assert!(created.status.is_success(), "{}", created.text);
    let body = format!(
        r#"{{"resources":[{{"resource_id":"{OTHER_DROPLET}","resource_type":"droplet"}}]}}"#
    );
    let tagged = post(&sim, &format!("/v2/tags/{tag}/resources"), &body).await;
    assert_eq!(tagged.status.as_u16(), 204, "{}", tagged.text);
    let d = droplet(&sim, OTHER_DROPLET).await;
    assert!(
        d["tags"].as_array().unwrap().iter().any(|t| t == tag),
        "{d}"
    );
    let listed = get(&sim, &format!("/v2/droplets?tag_name={tag}"))
        .await
        .json();
    let ids: Vec<u64> = listed["droplets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, vec![OTHER_DROPLET]);
    let by_tag = post(
        &sim,
        &format!("/v2/droplets/actions?tag_name={tag}"),
        r#"{"type":"power_off"}"#,
    )
    .await;
    assert_eq!(by_tag.status.as_u16(), 201, "{}", by_tag.text);
    assert_eq!(by_tag.json()["actions"][0]["resource_id"], OTHER_DROPLET);
    let untagged = call(
        &sim,
        Method::DELETE,
        &format!("/v2/tags/{tag}/resources"),
        Some(sim.token()),
        Some(&body),
    )
    .await;
    assert_eq!(untagged.status.as_u16(), 204, "{}", untagged.text);
    let listed = get(&sim, &format!("/v2/droplets?tag_name={tag}"))
        .await
        .json();
    assert_eq!(listed["meta"]["total"], 0, "{listed}");
}

#[tokio::test]
async fn following_the_pages_of_regions_and_sizes_ends_with_every_item_once() {
    // The spec's example lists carry `next`/`last` links to pages that would repeat the same
    // items; a client following them looped (`oxido --sandbox regions list`). They are the
    // catalog's lists now, paged for real.
    let sim = demo(0).await;
    for (path, key) in [
        ("/v2/regions?per_page=2", "regions"),
        ("/v2/sizes?per_page=2", "sizes"),
    ] {
        let mut next = Some(format!("{}{path}", sim.base_url()));
        let mut seen = Vec::new();
        let mut total = None;
        for _ in 0..60 {
            let Some(url) = next.take() else { break };
            let relative = url
                .strip_prefix(&sim.base_url())
                .expect("a link to the emulator");
            let body = get(&sim, relative).await.json();
            total = body["meta"]["total"].as_u64();
            for item in body[key].as_array().expect("items") {
                seen.push(item["slug"].as_str().expect("slug").to_owned());
            }
            next = body["links"]["pages"]["next"].as_str().map(str::to_owned);
        }
        assert!(next.is_none(), "{path}: still more pages after 60");
        let count = seen.len();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), count, "{path}: an item came twice");
        assert_eq!(
            Some(count as u64),
            total,
            "{path}: meta.total counts the items"
        );
    }
}

#[tokio::test]
async fn one_router_serves_droplets_and_everything_else_alike() {
    let sim = start(Sim::builder().read_token("reader")).await;
    // The Droplet routes and a generic route, through the same router: HEAD is the GET
    // without its body, for a read-only token too; an undocumented method is a 405.
    for path in ["/v2/droplets/3164444", "/v2/actions", "/v2/account"] {
        let head = call(&sim, Method::HEAD, path, Some("reader"), None).await;
        assert_eq!(head.status, StatusCode::OK, "HEAD {path}");
        assert!(head.text.is_empty(), "HEAD {path}: {}", head.text);
        assert_eq!(get(&sim, path).await.status, StatusCode::OK, "GET {path}");
    }
    let put = send(&sim, Method::PUT, "/v2/droplets/3164444", Some(json!({}))).await;
    put.assert_error(405, "method_not_allowed");
    assert_eq!(put.header("allow"), Some("DELETE, GET"));
    // The literal `autoscale` wins over `{droplet_id}`, with no special case.
    let pools = get(&sim, "/v2/droplets/autoscale").await;
    assert_eq!(pools.status, StatusCode::OK, "{}", pools.text);
    assert!(pools.json()["autoscale_pools"].is_array(), "{}", pools.text);
}
