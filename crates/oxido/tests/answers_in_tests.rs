//! Every answer is `#[non_exhaustive]`, so users build one in their own tests with `Default` or, for the
//! answers that hold a request body with required fields (an app's `spec`, a cluster's `region`), with
//! `new(…)` taking just those. Each such answer is built here, a field is set, and the value must come
//! back unchanged through the JSON the SDK would decode.

use oxido::types::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;

/// Encodes `value`, decodes it again as the SDK decodes an answer, and returns the JSON.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(
    value: &T,
) -> serde_json::Value {
    let encoded = serde_json::to_value(value).expect("an answer built in a test encodes");
    let decoded: T = serde_json::from_value(encoded.clone())
        .unwrap_or_else(|e| panic!("{encoded} does not decode again: {e}"));
    assert_eq!(&decoded, value);
    encoded
}

fn region() -> RegionSlug {
    RegionSlug::from("nyc3")
}

#[test]
fn an_app_is_built_from_its_spec() {
    let mut app = App::new(AppSpec::new("web"));
    app.id = "4f6c71e2-1e90-4762-9fee-6cc4a0a9f2cf".to_owned();
    let json = round_trip(&app);
    assert_eq!(json["spec"]["name"], "web");
    assert_eq!(json["id"], "4f6c71e2-1e90-4762-9fee-6cc4a0a9f2cf");
}

#[test]
fn kubernetes_clusters_are_built_from_their_region() {
    let mut cluster = Cluster::new(region());
    cluster.name = "prod".to_owned();
    let json = round_trip(&cluster);
    assert_eq!(json["region"], "nyc3");
    assert_eq!(json["name"], "prod");
    let read = ClusterRead::new(region());
    assert_eq!(round_trip(&read)["region"], "nyc3");
}

#[test]
fn database_answers_are_built_from_their_kinds() {
    let mut cluster = DatabaseCluster::new(DatabaseClusterEngine::Pg, region());
    cluster.name = "pg".to_owned();
    let json = round_trip(&cluster);
    assert_eq!(json["engine"], "pg");
    assert_eq!(json["region"], "nyc3");
    assert_eq!(json["name"], "pg");

    let rule = DatabaseFirewallRule::new(DatabaseFirewallRuleType::IpAddr);
    assert_eq!(round_trip(&rule)["type"], "ip_addr");

    let config =
        DatabasesGetKafkaSchemaSubjectConfig::new(GetKafkaSchemaConfigCompatibilityLevel::BACKWARD);
    assert_eq!(round_trip(&config)["compatibility_level"], "BACKWARD");
}

#[test]
fn nfs_answers_are_built_from_their_region_and_access_policy() {
    let share = NfsResponse::new(region());
    assert_eq!(round_trip(&share)["region"], "nyc3");
    let snapshot = NfsSnapshotResponse::new(region());
    assert_eq!(round_trip(&snapshot)["region"], "nyc3");

    let policy = AccessPolicy::new(AccessPolicyRequired {
        anongid: 65534,
        anonuid: 65534,
        identity_enforcement_enabled: false,
        protocols: vec![AccessPolicyProtocolsItem::NFS4],
        squash_config: AccessPolicySquashConfig::ROOTSQUASH,
    });
    let mut point = AccessPointResponse::new(policy);
    point.name = "home".to_owned();
    let json = round_trip(&point);
    assert_eq!(json["access_policy"]["squash_config"], "ROOT_SQUASH");
    assert_eq!(json["name"], "home");
    let action = AccessPointActionResponse::new(point);
    assert_eq!(round_trip(&action)["access_point"]["name"], "home");
}

#[test]
fn the_other_answers_holding_a_body_are_built_with_new() {
    let pool = AutoscalePool::new(
        AutoscalePoolConfig::StaticConfig(AutoscalePoolStaticConfig {
            target_number_instances: 3,
        }),
        AutoscalePoolDropletTemplate::new(AutoscalePoolDropletTemplateRequired {
            image: "ubuntu-24-04-x64".to_owned(),
            region: region(),
            size: "s-1vcpu-1gb".to_owned(),
            ssh_keys: vec!["3b:16:e4".to_owned()],
        }),
    );
    let json = round_trip(&pool);
    assert_eq!(json["config"], json!({"target_number_instances": 3}));
    assert_eq!(json["droplet_template"]["size"], "s-1vcpu-1gb");

    let policy = AlertPolicy::new(
        Alerts::new(vec!["ops@example.com".to_owned()], Vec::new()),
        AlertPolicyCompare::GreaterThan,
        AlertPolicyType::V1InsightsDropletCpu,
        AlertPolicyWindow::T5m,
    );
    let json = round_trip(&policy);
    assert_eq!(json["type"], "v1/insights/droplet/cpu");
    assert_eq!(json["window"], "5m");

    let feature = AddonsFeature::new(AddonsFeatureValue::Boolean(true));
    assert_eq!(round_trip(&feature)["value"], true);

    let spec = DedicatedInferenceSpec::new(region(), PendingDeploymentSpecVpc::new("vpc-uuid"));
    assert_eq!(round_trip(&spec)["vpc"]["uuid"], "vpc-uuid");

    let batch = Batch::new(BatchCompletionWindow::T24h, BatchProvider::Openai);
    let json = round_trip(&batch);
    assert_eq!(json["completion_window"], "24h");
    assert_eq!(json["provider"], "openai");
}
