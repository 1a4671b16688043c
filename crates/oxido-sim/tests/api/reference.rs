//! The demo seed serves the reference page's example field for field.

use serde_json::Value;

use crate::common::*;

const REFERENCE_EXAMPLE: &str = r#"{
  "action": {
    "id": 36804636,
    "status": "completed",
    "type": "create",
    "started_at": "2020-11-14T16:29:21Z",
    "completed_at": "2020-11-14T16:30:06Z",
    "resource_id": 3164444,
    "resource_type": "droplet",
    "region": {
      "name": "New York 3",
      "slug": "nyc3",
      "features": ["private_networking","backups","ipv6","metadata","install_agent","storage","image_transfer"],
      "available": true,
      "sizes": ["s-1vcpu-1gb","s-1vcpu-2gb","s-1vcpu-3gb","s-2vcpu-2gb","s-3vcpu-1gb","s-2vcpu-4gb",
        "s-4vcpu-8gb","s-6vcpu-16gb","s-8vcpu-32gb","s-12vcpu-48gb","s-16vcpu-64gb","s-20vcpu-96gb",
        "s-24vcpu-128gb","s-32vcpu-192g"]
    },
    "region_slug": "nyc3"
  }
}"#;

#[tokio::test]
async fn droplet_action_equals_the_reference_example() {
    let sim = demo(50).await;
    let reply = get(&sim, "/v2/droplets/3164444/actions/36804636").await;
    assert_eq!(reply.status.as_u16(), 200);
    let expected: Value = serde_json::from_str(REFERENCE_EXAMPLE).unwrap();
    assert_eq!(reply.json(), expected);
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    // The same action through /v2/actions/{id}.
    assert_eq!(get(&sim, "/v2/actions/36804636").await.json(), expected);
}

#[tokio::test]
async fn droplet_has_the_schema_fields() {
    let sim = demo(50).await;
    let d = droplet(&sim, DROPLET).await;
    for field in [
        "id",
        "name",
        "memory",
        "vcpus",
        "disk",
        "disk_info",
        "locked",
        "status",
        "kernel",
        "created_at",
        "features",
        "backup_ids",
        "next_backup_window",
        "snapshot_ids",
        "image",
        "volume_ids",
        "size",
        "size_slug",
        "networks",
        "region",
        "tags",
        "vpc_uuid",
    ] {
        assert!(d.get(field).is_some(), "droplet lacks {field}: {d}");
    }
    assert_eq!(d["name"], "example.com");
    assert_eq!(d["status"], "active");
    assert_eq!(d["size_slug"], "s-1vcpu-1gb");
    assert_eq!(d["region"]["slug"], "nyc3");
    assert_eq!(d["tags"], serde_json::json!(["web", "env:prod"]));
    assert_eq!(d["networks"]["v4"].as_array().unwrap().len(), 2);
}
