//! Functions and GenAI flows as suites against the real API drive them: a namespace is
//! addressed by its `fn-` id, an agent reads back the model picked from the model list,
//! its API key shows its secret, and function routes attach and detach. Each test is a
//! defect the platform probes found.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{call, demo, get, send_json};

#[tokio::test]
async fn a_functions_namespace_is_addressed_by_its_fn_id() {
    let sim = demo(50).await;
    let made = send_json(
        &sim,
        Method::POST,
        "/v2/functions/namespaces",
        json!({"region": "nyc1", "label": "probe-ns"}),
    )
    .await;
    assert!(made.status.is_success(), "{}", made.text);
    let ns = made.json()["namespace"].clone();
    let id = ns["namespace"].as_str().expect("namespace").to_owned();
    assert_eq!(id.strip_prefix("fn-"), ns["uuid"].as_str(), "{ns}");
    let host = ns["api_host"].as_str().expect("api_host");
    assert!(host.starts_with("https://faas-nyc1-"), "{host}");
    assert!(ns["key"].as_str().is_some_and(|k| k.len() >= 32), "{ns}");
    let read = get(&sim, &format!("/v2/functions/namespaces/{id}")).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(read.json()["namespace"]["label"], "probe-ns");
    let trigger = send_json(
        &sim,
        Method::POST,
        &format!("/v2/functions/namespaces/{id}/triggers"),
        json!({"name": "nightly", "function": "hello", "type": "SCHEDULED", "is_enabled": true,
               "scheduled_details": {"cron": "0 0 * * *"}}),
    )
    .await;
    assert!(trigger.status.is_success(), "{}", trigger.text);
    assert_eq!(trigger.json()["trigger"]["namespace"], id.as_str());
    let gone = call(
        &sim,
        Method::DELETE,
        &format!("/v2/functions/namespaces/{id}"),
        Some(sim.token()),
        None,
    )
    .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    let read = get(&sim, &format!("/v2/functions/namespaces/{id}")).await;
    assert_eq!(read.status, StatusCode::NOT_FOUND);
}

async fn agent(sim: &oxido_sim::Sim) -> (Value, String) {
    let models = get(sim, "/v2/gen-ai/models").await.json();
    let model = models["models"][0].clone();
    let uuid = model["uuid"].as_str().expect("uuid").to_owned();
    assert!(!uuid.contains('"'), "a listed model's uuid is bare: {uuid}");
    let made = send_json(
        sim,
        Method::POST,
        "/v2/gen-ai/agents",
        json!({"name": "agent1", "model_uuid": uuid, "instruction": "be nice", "region": "tor1"}),
    )
    .await;
    assert!(made.status.is_success(), "{}", made.text);
    let agent = made.json()["agent"].clone();
    assert_eq!(agent["model"]["uuid"], uuid.as_str(), "{}", agent["model"]);
    assert_eq!(agent["model"]["name"], model["name"]);
    let id = agent["uuid"].as_str().expect("uuid").to_owned();
    (agent, id)
}

#[tokio::test]
async fn an_agent_keeps_its_model_and_its_new_key_shows_a_secret() {
    let sim = demo(50).await;
    let (_, id) = agent(&sim).await;
    let key = send_json(
        &sim,
        Method::POST,
        &format!("/v2/gen-ai/agents/{id}/api_keys"),
        json!({"agent_uuid": id, "name": "k1"}),
    )
    .await;
    assert!(key.status.is_success(), "{}", key.text);
    let info = key.json()["api_key_info"].clone();
    assert!(
        info["secret_key"].as_str().is_some_and(|s| s.len() >= 32),
        "{info}"
    );
    assert!(
        info.get("deleted_at").is_none_or(Value::is_null),
        "a new key is not deleted: {info}"
    );
}

#[tokio::test]
async fn function_routes_attach_update_and_detach() {
    let sim = demo(50).await;
    let (_, id) = agent(&sim).await;
    let attached = send_json(
        &sim,
        Method::POST,
        &format!("/v2/gen-ai/agents/{id}/functions"),
        json!({"agent_uuid": id, "function_name": "weather", "description": "d",
               "faas_name": "default/weather", "faas_namespace": "fn-ns",
               "input_schema": {"type": "object"}, "output_schema": {}}),
    )
    .await;
    assert!(attached.status.is_success(), "{}", attached.text);
    let functions = attached.json()["agent"]["functions"].clone();
    assert_eq!(functions.as_array().map(Vec::len), Some(1), "{functions}");
    assert_eq!(functions[0]["name"], "weather");
    assert_eq!(functions[0]["faas_name"], "default/weather");
    let function = functions[0]["uuid"].as_str().expect("uuid").to_owned();
    let read = get(&sim, &format!("/v2/gen-ai/agents/{id}")).await.json();
    assert_eq!(read["agent"]["functions"][0]["uuid"], function.as_str());
    let updated = send_json(
        &sim,
        Method::PUT,
        &format!("/v2/gen-ai/agents/{id}/functions/{function}"),
        json!({"agent_uuid": id, "function_uuid": function, "description": "newer"}),
    )
    .await;
    assert!(updated.status.is_success(), "{}", updated.text);
    assert_eq!(
        updated.json()["agent"]["functions"][0]["description"],
        "newer"
    );
    let detached = call(
        &sim,
        Method::DELETE,
        &format!("/v2/gen-ai/agents/{id}/functions/{function}"),
        Some(sim.token()),
        None,
    )
    .await;
    assert!(detached.status.is_success(), "{}", detached.text);
    let read = get(&sim, &format!("/v2/gen-ai/agents/{id}")).await.json();
    assert_eq!(
        read["agent"]["functions"],
        json!([]),
        "{}",
        read["agent"]["functions"]
    );
    let again = call(
        &sim,
        Method::DELETE,
        &format!("/v2/gen-ai/agents/{id}/functions/{function}"),
        Some(sim.token()),
        None,
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "{}", again.text);
}

#[tokio::test]
async fn an_agent_lists_its_own_version() {
    let sim = demo(50).await;
    let (agent, id) = agent(&sim).await;
    let reply = get(&sim, &format!("/v2/gen-ai/agents/{id}/versions")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let body = reply.json();
    crate::common::conforms("GET", "/v2/gen-ai/agents/{uuid}/versions", &body);
    let versions = body["agent_versions"].as_array().expect("versions");
    assert_eq!(versions.len(), 1, "{body}");
    assert_eq!(versions[0]["agent_uuid"], id.as_str());
    assert_eq!(versions[0]["name"], agent["name"]);
    assert_eq!(versions[0]["instruction"], "be nice");
    assert_eq!(versions[0]["currently_applied"], true);
    let missing = get(
        &sim,
        "/v2/gen-ai/agents/00000000-0000-4000-8000-000000000000/versions",
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.text);
}

#[tokio::test]
async fn a_knowledge_base_lists_the_data_sources_it_was_made_with() {
    let sim = demo(50).await;
    let made = send_json(
        &sim,
        Method::POST,
        "/v2/gen-ai/knowledge_bases",
        json!({"name": "kb-a", "embedding_model_uuid": "12345678-1234-1234-1234-123456789012",
               "region": "tor1",
               "datasources": [
                   {"spaces_data_source": {"bucket_name": "b", "region": "nyc3", "item_path": "/"}},
                   {"web_crawler_data_source": {"base_url": "https://example.com", "crawling_option": "SCOPED"}}
               ]}),
    )
    .await;
    assert!(made.status.is_success(), "{}", made.text);
    let kb = made.json()["knowledge_base"]["uuid"]
        .as_str()
        .expect("uuid")
        .to_owned();
    let path = format!("/v2/gen-ai/knowledge_bases/{kb}/data_sources");
    let listed = get(&sim, &path).await.json();
    crate::common::conforms(
        "GET",
        "/v2/gen-ai/knowledge_bases/{knowledge_base_uuid}/data_sources",
        &listed,
    );
    let sources = listed["knowledge_base_data_sources"]
        .as_array()
        .expect("sources")
        .clone();
    assert_eq!(sources.len(), 2, "{listed}");
    assert_eq!(sources[0]["spaces_data_source"]["bucket_name"], "b");
    assert_eq!(
        sources[1]["web_crawler_data_source"]["base_url"],
        "https://example.com"
    );
    let first = sources[0]["uuid"].as_str().expect("uuid");
    let gone = call(
        &sim,
        Method::DELETE,
        &format!("{path}/{first}"),
        Some(sim.token()),
        None,
    )
    .await;
    assert!(gone.status.is_success(), "{}", gone.text);
    let listed = get(&sim, &path).await.json();
    assert_eq!(
        listed["knowledge_base_data_sources"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "{listed}"
    );
}

#[tokio::test]
async fn an_agent_made_in_a_workspace_is_listed_there() {
    let sim = demo(50).await;
    let workspace = send_json(
        &sim,
        Method::POST,
        "/v2/gen-ai/workspaces",
        json!({"name": "ws1", "description": "d"}),
    )
    .await;
    assert!(workspace.status.is_success(), "{}", workspace.text);
    let ws = workspace.json()["workspace"]["uuid"]
        .as_str()
        .expect("uuid")
        .to_owned();
    let made = send_json(
        &sim,
        Method::POST,
        "/v2/gen-ai/agents",
        json!({"name": "wa", "model_uuid": "12345678-1234-1234-1234-123456789012",
               "instruction": "x", "region": "tor1", "workspace_uuid": ws}),
    )
    .await;
    assert!(made.status.is_success(), "{}", made.text);
    let agent = made.json()["agent"].clone();
    assert_eq!(
        agent["workspace"]["uuid"],
        ws.as_str(),
        "{}",
        agent["workspace"]
    );
    assert_eq!(agent["workspace"]["name"], "ws1");
    let listed = get(&sim, &format!("/v2/gen-ai/workspaces/{ws}/agents"))
        .await
        .json();
    let ids: Vec<&Value> = listed["agents"]
        .as_array()
        .expect("agents")
        .iter()
        .map(|a| &a["uuid"])
        .collect();
    assert_eq!(ids, vec![&agent["uuid"]], "{listed}");
}
