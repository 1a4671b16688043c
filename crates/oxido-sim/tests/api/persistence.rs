//! State documents over the admin routes: export, import, per-account reset, save.

use oxido_sim::Sim;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::*;

pub async fn admin(sim: &Sim, method: Method, path: &str, body: Option<&str>) -> Reply {
    call(sim, method, path, Some(sim.admin_token()), body).await
}

/// Ids of objects of several kinds made through the API with `token`.
#[derive(Debug, Clone)]
pub struct World {
    pub droplet: u64,
    pub action: u64,
    pub volume: String,
    pub domain: String,
    pub record: u64,
    pub project: String,
}

async fn made(reply: Reply, what: &str) -> Value {
    assert!(
        reply.status.is_success(),
        "{what}: {} {}",
        reply.status,
        reply.text
    );
    reply.json()
}

/// Creates a Droplet, an action on it, a volume, a domain with a record and a project
/// through plain HTTP at `base` with `token`.
pub async fn make_world(base: &str, token: &str, tag: &str) -> World {
    let client = client();
    let send = |method: Method, path: String, body: Value| {
        let request = client
            .request(method, format!("{base}{path}"))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body.to_string());
        async move {
            let response = request.send().await.expect("answered");
            let status = response.status();
            let headers = response.headers().clone();
            let text = response.text().await.expect("body");
            Reply {
                status,
                headers,
                text,
            }
        }
    };
    let created = made(
        send(
            Method::POST,
            "/v2/droplets".into(),
            json!({"name": format!("kept-{tag}"), "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-22-04-x64"}),
        )
        .await,
        "droplet",
    )
    .await;
    let droplet = created["droplet"]["id"].as_u64().expect("droplet id");
    // The Droplet's `create` action.
    let action = created["links"]["actions"][0]["id"]
        .as_u64()
        .expect("action id");
    let volume = made(
        send(
            Method::POST,
            "/v2/volumes".into(),
            json!({"name": format!("vol-{tag}"), "size_gigabytes": 10, "region": "nyc3"}),
        )
        .await,
        "volume",
    )
    .await["volume"]["id"]
        .as_str()
        .expect("volume id")
        .to_owned();
    let domain = format!("kept-{tag}.example");
    made(
        send(Method::POST, "/v2/domains".into(), json!({"name": domain})).await,
        "domain",
    )
    .await;
    let record = made(
        send(
            Method::POST,
            format!("/v2/domains/{domain}/records"),
            json!({"type": "A", "name": "www", "data": "192.0.2.7", "ttl": 1800}),
        )
        .await,
        "record",
    )
    .await["domain_record"]["id"]
        .as_u64()
        .expect("record id");
    let project = made(
        send(
            Method::POST,
            "/v2/projects".into(),
            json!({"name": format!("proj-{tag}"), "purpose": "Web Application"}),
        )
        .await,
        "project",
    )
    .await["project"]["id"]
        .as_str()
        .expect("project id")
        .to_owned();
    World {
        droplet,
        action,
        volume,
        domain,
        record,
        project,
    }
}

/// Reads every object of `world` back at `base`, asserting each answers 200 as made.
pub async fn read_world(base: &str, token: &str, world: &World, tag: &str) {
    let client = client();
    let get = |path: String| {
        let request = client.get(format!("{base}{path}")).bearer_auth(token);
        async move {
            let response = request.send().await.expect("answered");
            let status = response.status();
            let text = response.text().await.expect("body");
            assert_eq!(status, StatusCode::OK, "{path}: {text}");
            serde_json::from_str::<Value>(&text).expect("JSON")
        }
    };
    let droplet = get(format!("/v2/droplets/{}", world.droplet)).await;
    assert_eq!(droplet["droplet"]["id"], world.droplet);
    let action = get(format!("/v2/actions/{}", world.action)).await;
    assert_eq!(action["action"]["type"], "create");
    assert_eq!(action["action"]["resource_id"], world.droplet);
    let listed = get(format!("/v2/droplets/{}/actions", world.droplet)).await;
    let ids: Vec<u64> = listed["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a["id"].as_u64())
        .collect();
    assert!(ids.contains(&world.action), "{listed}");
    let volume = get(format!("/v2/volumes/{}", world.volume)).await;
    assert_eq!(volume["volume"]["name"], format!("vol-{tag}"));
    let domain = get(format!("/v2/domains/{}", world.domain)).await;
    assert_eq!(domain["domain"]["name"], world.domain);
    let record = get(format!(
        "/v2/domains/{}/records/{}",
        world.domain, world.record
    ))
    .await;
    assert_eq!(record["domain_record"]["data"], "192.0.2.7");
    let project = get(format!("/v2/projects/{}", world.project)).await;
    assert_eq!(project["project"]["name"], format!("proj-{tag}"));
}

async fn export(sim: &Sim, query: &str) -> Value {
    let reply = admin(sim, Method::GET, &format!("/_sim/state{query}"), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert!(
        reply
            .header("content-type")
            .is_some_and(|c| c.starts_with("application/json"))
    );
    reply.json()
}

#[tokio::test]
async fn an_account_exported_then_reset_comes_back_whole_on_import() {
    let sim = demo(60_000).await;
    let base = sim.base_url();
    let world = make_world(&base, sim.token(), "a").await;
    let doc = export(&sim, "").await;
    assert_eq!(doc["format"], "oxido-sim-state");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc, export(&sim, &format!("?token={}", sim.token())).await);

    // A reset of the account forgets it all...
    let reset = admin(
        &sim,
        Method::POST,
        &format!("/_sim/reset?token={}", sim.token()),
        None,
    )
    .await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT, "{}", reset.text);
    let gone = get(&sim, &format!("/v2/droplets/{}", world.droplet)).await;
    gone.assert_error(404, "not_found");
    get(&sim, &format!("/v2/domains/{}", world.domain))
        .await
        .assert_error(404, "not_found");
    // ... and brings the demo seed back.
    assert_eq!(droplet(&sim, DROPLET).await["name"], "example.com");

    // The import restores every object, with the same ids.
    let put = admin(&sim, Method::PUT, "/_sim/state", Some(&doc.to_string())).await;
    assert_eq!(put.status, StatusCode::NO_CONTENT, "{}", put.text);
    read_world(&base, sim.token(), &world, "a").await;
    assert_eq!(export(&sim, "").await["account"], doc["account"]);

    // A fresh emulator starts from the same fixture.
    let fresh = demo(60_000).await;
    let put = admin(&fresh, Method::PUT, "/_sim/state", Some(&doc.to_string())).await;
    assert_eq!(put.status, StatusCode::NO_CONTENT, "{}", put.text);
    read_world(&fresh.base_url(), fresh.token(), &world, "a").await;
    // New objects never take an imported id.
    let next = make_world(&fresh.base_url(), fresh.token(), "b").await;
    assert!(next.droplet > world.droplet && next.action > world.action);
    assert!(next.record != world.record);
}

#[tokio::test]
async fn a_bad_document_is_refused_naming_the_problem_and_changes_nothing() {
    let sim = demo(60_000).await;
    make_world(&sim.base_url(), sim.token(), "c").await;
    let before = export(&sim, "").await;
    let mut other_format = before.clone();
    other_format["format"] = json!("something-else");
    let mut future = before.clone();
    future["version"] = json!(2);
    let mut bad_region = before.clone();
    bad_region["account"]["store"]["droplets"][0]["region"] = json!("atlantis9");
    let mut unknown_member = before.clone();
    unknown_member["account"]["stuff"] = json!(1);
    let mut doubled = before.clone();
    let first = doubled["account"]["store"]["droplets"][0].clone();
    doubled["account"]["store"]["droplets"]
        .as_array_mut()
        .expect("droplets")
        .push(first);
    let cases: [(String, &str); 7] = [
        ("{not json".into(), "not valid JSON"),
        ("[]".into(), "not a JSON object"),
        (other_format.to_string(), "format"),
        (future.to_string(), "version: 2 is not supported"),
        (bad_region.to_string(), "unknown region 'atlantis9'"),
        (unknown_member.to_string(), "stuff"),
        (doubled.to_string(), "appears twice"),
    ];
    for (body, named) in cases {
        let reply = admin(&sim, Method::PUT, "/_sim/state", Some(&body)).await;
        let error = reply.assert_error(422, "unprocessable_entity");
        let message = error["message"].as_str().unwrap_or_default();
        assert!(message.contains(named), "{named}: {message}");
        assert_eq!(
            export(&sim, "").await["account"],
            before["account"],
            "after {named}"
        );
    }
}

#[tokio::test]
async fn a_reset_by_token_touches_only_that_account() {
    let sim = start(
        Sim::builder()
            .action_duration(std::time::Duration::from_secs(60))
            .other_account_token("other-account"),
    )
    .await;
    let base = sim.base_url();
    let mine = make_world(&base, sim.token(), "mine").await;
    let theirs = make_world(&base, "other-account", "theirs").await;
    let their_doc = export(&sim, "?token=other-account").await;
    assert_eq!(
        their_doc["account"]["store"]["droplets"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let reset = admin(&sim, Method::POST, "/_sim/reset?token=other-account", None).await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT, "{}", reset.text);
    read_world(&base, sim.token(), &mine, "mine").await;
    let gone = call(
        &sim,
        Method::GET,
        &format!("/v2/droplets/{}", theirs.droplet),
        Some("other-account"),
        None,
    )
    .await;
    gone.assert_error(404, "not_found");
    let empty = export(&sim, "?token=other-account").await;
    assert_eq!(empty["account"]["store"]["droplets"], json!([]));
    // Imported back into its own account.
    let put = admin(
        &sim,
        Method::PUT,
        "/_sim/state?token=other-account",
        Some(&their_doc.to_string()),
    )
    .await;
    assert_eq!(put.status, StatusCode::NO_CONTENT, "{}", put.text);
    read_world(&base, "other-account", &theirs, "theirs").await;
    // Ids are counted per account, so one account's document is a fixture for another:
    // imported into the primary account, it replaces that account's state alone.
    let into_mine = admin(
        &sim,
        Method::PUT,
        "/_sim/state",
        Some(&their_doc.to_string()),
    )
    .await;
    assert_eq!(
        into_mine.status,
        StatusCode::NO_CONTENT,
        "{}",
        into_mine.text
    );
    read_world(&base, sim.token(), &theirs, "theirs").await;
    read_world(&base, "other-account", &theirs, "theirs").await;
    // An unknown token names no account.
    admin(&sim, Method::GET, "/_sim/state?token=nobody", None)
        .await
        .assert_error(404, "not_found");
    admin(&sim, Method::POST, "/_sim/reset?token=nobody", None)
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn state_routes_need_the_admin_token() {
    let sim = demo(1000).await;
    for (method, path) in [
        (Method::GET, "/_sim/state"),
        (Method::PUT, "/_sim/state"),
        (Method::POST, "/_sim/save"),
        (Method::GET, "/_sim/operations"),
    ] {
        call(&sim, method.clone(), path, Some(sim.token()), Some("{}"))
            .await
            .assert_error(401, "unauthorized");
        call(&sim, method, path, None, None)
            .await
            .assert_error(401, "unauthorized");
    }
}

#[tokio::test]
async fn save_writes_the_state_file_a_new_emulator_loads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("state.json");
    // Without a state file, there is nothing to save to.
    let plain = demo(1000).await;
    admin(&plain, Method::POST, "/_sim/save", None)
        .await
        .assert_error(409, "conflict");

    let sim = start(
        Sim::builder()
            .action_duration(std::time::Duration::from_secs(60))
            .state_file(&path),
    )
    .await;
    let world = make_world(&sim.base_url(), sim.token(), "saved").await;
    let saved = admin(&sim, Method::POST, "/_sim/save", None).await;
    assert_eq!(saved.status, StatusCode::NO_CONTENT, "{}", saved.text);
    let file: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("written")).expect("JSON");
    assert_eq!(file["format"], "oxido-sim-state");
    assert_eq!(file["version"], 1);
    // Only the file itself is left in the directory: the temporary one was renamed.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, [std::ffi::OsString::from("state.json")]);
    drop(sim);

    let again = start(Sim::builder().state_file(&path)).await;
    read_world(&again.base_url(), again.token(), &world, "saved").await;
    again.save_state().expect("saves");
}

#[tokio::test]
async fn a_corrupt_or_foreign_state_file_stops_the_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("state.json");
    for (content, named) in [
        (
            "{\"format\":\"oxido-sim-state\",\"version\":1,",
            "not valid JSON",
        ),
        ("{\"format\":\"other\",\"version\":1}", "format"),
        (
            "{\"format\":\"oxido-sim-state\",\"version\":99,\"accounts\":{}}",
            "version: 99",
        ),
    ] {
        std::fs::write(&path, content).expect("written");
        let error = Sim::builder()
            .state_file(&path)
            .start()
            .await
            .expect_err("refused");
        let text = error.to_string();
        assert!(matches!(error, oxido_sim::Error::State(_)), "{text}");
        assert!(
            text.contains(named) && text.contains("state.json"),
            "{text}"
        );
    }
    // A missing file is a first start.
    std::fs::remove_file(&path).expect("removed");
    let sim = start(Sim::builder().state_file(&path)).await;
    assert_eq!(droplet(&sim, DROPLET).await["name"], "example.com");
}

#[tokio::test]
async fn the_admin_token_is_random_per_start_unless_set() {
    let one = demo(1000).await;
    let two = demo(1000).await;
    assert_ne!(one.admin_token(), two.admin_token());
    assert!(one.admin_token().len() >= 32, "{}", one.admin_token());
    assert_ne!(one.admin_token(), "oxido-sim-admin-token");
    let set = start(Sim::builder().admin_token("chosen-admin")).await;
    assert_eq!(set.admin_token(), "chosen-admin");
    let reply = call(
        &set,
        Method::GET,
        "/_sim/faults",
        Some("chosen-admin"),
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    call(
        &set,
        Method::GET,
        "/_sim/faults",
        Some(one.admin_token()),
        None,
    )
    .await
    .assert_error(401, "unauthorized");
}

/// A volume keeps its region by slug and answers with the catalog's whole region object. A
/// state file written before that holds the whole object on each volume: it still loads,
/// the volume reads as before, and the next save stores the slug.
#[tokio::test]
async fn a_state_file_with_a_whole_region_on_a_volume_still_loads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("state.json");
    let sim = start(Sim::builder().state_file(&path)).await;
    let world = make_world(&sim.base_url(), sim.token(), "old").await;
    let volume_path = format!("/v2/volumes/{}", world.volume);
    let before = get(&sim, &volume_path).await.json();
    let region = before["volume"]["region"].clone();
    assert_eq!(region["slug"], "nyc3");
    assert!(
        region["sizes"].as_array().is_some_and(|s| !s.is_empty()),
        "{region}"
    );
    // The account's export shows the volume as the API does, its region whole.
    let exported = export(&sim, "").await;
    let shown = &exported["account"]["engine"]["collections"]["/v2/volumes"];
    assert!(
        shown
            .as_array()
            .into_iter()
            .flatten()
            .any(|item| item["key"] == world.volume.as_str() && item["object"]["region"] == region),
        "{shown}"
    );
    sim.save_state().expect("saves");
    drop(sim);

    let mut file: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("written")).expect("JSON");
    let mut rewritten = 0;
    for (_, account) in file["accounts"].as_object_mut().expect("accounts") {
        let items = account
            .pointer_mut("/engine/collections/~1v2~1volumes")
            .and_then(Value::as_array_mut);
        for item in items.into_iter().flatten() {
            if item["key"] == world.volume.as_str() {
                // Saved by slug; rewritten as an emulator before this change saved it.
                assert_eq!(item["object"]["region"], "nyc3", "{item}");
                item["object"]["region"] = region.clone();
                rewritten += 1;
            }
        }
    }
    assert_eq!(rewritten, 1, "the volume is in the state file once");
    std::fs::write(&path, serde_json::to_vec(&file).expect("JSON")).expect("rewritten");

    let again = start(Sim::builder().state_file(&path)).await;
    read_world(&again.base_url(), again.token(), &world, "old").await;
    assert_eq!(get(&again, &volume_path).await.json(), before);
    let listed = get(&again, "/v2/volumes").await.json();
    assert!(
        listed["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|v| v["id"] == world.volume.as_str() && v["region"] == region),
        "{listed}"
    );
    again.save_state().expect("saves");
    let file: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("written")).expect("JSON");
    let stored = file["accounts"]
        .as_object()
        .into_iter()
        .flat_map(|accounts| accounts.values())
        .filter_map(|a| a.pointer("/engine/collections/~1v2~1volumes"))
        .flat_map(|items| items.as_array().into_iter().flatten())
        .find(|item| item["key"] == world.volume.as_str())
        .map(|item| item["object"]["region"].clone());
    assert_eq!(stored, Some(Value::from("nyc3")));
}
