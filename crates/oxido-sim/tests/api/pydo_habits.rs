//! What pydo flows written for the infrastructure families (Droplets, storage, images,
//! networking, DNS, certificates, monitoring) showed the emulator got wrong, one test per
//! finding, in plain reqwest so that no client of ours can hide a mistake.

use std::time::Duration;

use http::{Method, StatusCode};
use oxido_sim::Sim;
use serde_json::{Value, json};

use crate::common::{DROPLET, act, created, demo, get, send_json, wait_action};

/// pydo sends `?name=` (its default, an empty string) on every certificate list; an
/// empty filter filters nothing, so the account's certificates are all listed.
#[tokio::test]
async fn an_empty_query_filter_filters_nothing() {
    let sim = demo(10).await;
    let made = created(
        &sim,
        "/v2/certificates",
        json!({"name": "le-habit", "type": "lets_encrypt", "dns_names": ["example.com"]}),
        "certificate",
    )
    .await;
    let all = get(&sim, "/v2/certificates").await.json();
    let empty = get(&sim, "/v2/certificates?per_page=20&page=1&name=").await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.text);
    let empty = empty.json();
    assert_eq!(empty["meta"]["total"], all["meta"]["total"]);
    assert!(
        empty["certificates"]
            .as_array()
            .expect("certificates")
            .iter()
            .any(|c| c["id"] == made["id"]),
        "{empty}"
    );
    // A filter with a value still filters.
    let named = get(&sim, "/v2/certificates?name=le-habit").await.json();
    assert_eq!(named["meta"]["total"], 1, "{named}");
    let none = get(&sim, "/v2/certificates?name=no-such-cert").await.json();
    assert_eq!(none["meta"]["total"], 0, "{none}");
}

fn self_signed() -> (String, String) {
    let key = rcgen::KeyPair::generate().expect("key");
    let params =
        rcgen::CertificateParams::new(vec!["custom.example.com".to_owned()]).expect("params");
    let cert = params.self_signed(&key).expect("cert");
    (cert.pem(), key.serialize_pem())
}

/// A custom certificate is verified as it is uploaded, in the create's answer too
/// (godo's recorded create answer, certificates_test.go); a Let's Encrypt one starts
/// pending.
#[tokio::test]
async fn a_custom_certificate_is_verified_in_its_create_answer() {
    let sim = demo(60_000).await;
    let (leaf, key) = self_signed();
    let custom = created(
        &sim,
        "/v2/certificates",
        json!({"name": "custom-habit", "type": "custom", "leaf_certificate": leaf, "private_key": key}),
        "certificate",
    )
    .await;
    assert_eq!(custom["state"], "verified", "{custom}");
    assert_eq!(custom["dns_names"], json!(["custom.example.com"]));
    let read = get(
        &sim,
        &format!("/v2/certificates/{}", custom["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(read.json()["certificate"]["state"], "verified");
    let le = created(
        &sim,
        "/v2/certificates",
        json!({"name": "le-pending", "type": "lets_encrypt", "dns_names": ["example.com"]}),
        "certificate",
    )
    .await;
    assert_eq!(le["state"], "pending", "{le}");
}

/// A reserved IP made for a Droplet answers `links` to the Droplet and to its
/// `assign_ip` action (the spec's `reserved_ip_created`), and the action can be followed.
#[tokio::test]
async fn a_reserved_ip_made_for_a_droplet_links_its_assignment_action() {
    let sim = demo(10).await;
    for (path, member) in [
        ("/v2/reserved_ips", "reserved_ip"),
        ("/v2/floating_ips", "floating_ip"),
    ] {
        let reply = send_json(&sim, Method::POST, path, json!({"droplet_id": DROPLET})).await;
        assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
        let body = reply.json();
        let ip = body[member]["ip"].as_str().expect("ip").to_owned();
        assert_eq!(body["links"]["droplets"][0]["id"], DROPLET, "{body}");
        assert_eq!(body["links"]["droplets"][0]["rel"], "droplet");
        let action = &body["links"]["actions"][0];
        assert_eq!(action["rel"], "assign_ip", "{body}");
        let id = action["id"].as_u64().expect("action id");
        assert!(
            action["href"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/v2/actions/{id}")),
            "{action}"
        );
        let done = wait_action(&sim, id, Duration::from_secs(5)).await;
        assert_eq!(done["type"], "assign_ip");
        assert_eq!(done["status"], "completed");
        let listed = get(&sim, &format!("{path}/{ip}/actions")).await.json();
        assert!(
            listed["actions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["id"] == id),
            "{listed}"
        );
        let read = get(&sim, &format!("{path}/{ip}")).await.json();
        assert_eq!(read[member]["droplet"]["id"], DROPLET);
    }
    // Reserved in a region, it links nothing.
    let reply = send_json(
        &sim,
        Method::POST,
        "/v2/reserved_ips",
        json!({"region": "nyc3"}),
    )
    .await;
    let body = reply.json();
    assert!(
        body["links"]
            .get("actions")
            .is_none_or(|a| a.as_array().is_some_and(Vec::is_empty)),
        "{body}"
    );
}

/// An image update keeps its `description` and `distribution`, as the API's
/// `image_update` allows, for a Droplet snapshot too.
#[tokio::test]
async fn an_image_update_keeps_description_and_distribution() {
    let sim = demo(10).await;
    let id = act(&sim, DROPLET, r#"{"type":"snapshot","name":"habit-snap"}"#).await;
    wait_action(&sim, id, Duration::from_secs(5)).await;
    let snaps = get(&sim, &format!("/v2/droplets/{DROPLET}/snapshots"))
        .await
        .json();
    let image = snaps["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "habit-snap")
        .expect("snapshot")["id"]
        .as_u64()
        .unwrap();
    let reply = send_json(
        &sim,
        Method::PUT,
        &format!("/v2/images/{image}"),
        json!({"name": "renamed", "description": "nightly", "distribution": "Debian"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let answer = reply.json();
    assert_eq!(answer["image"]["description"], "nightly", "{answer}");
    let read = get(&sim, &format!("/v2/images/{image}")).await.json();
    assert_eq!(read["image"]["name"], "renamed");
    assert_eq!(read["image"]["description"], "nightly");
    assert_eq!(read["image"]["distribution"], "Debian");
    // An update without them keeps them.
    let reply = send_json(
        &sim,
        Method::PUT,
        &format!("/v2/images/{image}"),
        json!({"name": "again"}),
    )
    .await;
    assert_eq!(reply.json()["image"]["description"], "nightly");
}

/// Volume names are lowercase letters, digits and `-`, starting with a letter (the
/// API's 422 "invalid volume name. names must be lowercase and alphanumeric").
#[tokio::test]
async fn a_volume_name_must_be_lowercase_and_start_with_a_letter() {
    let sim = demo(10).await;
    for bad in [
        "Bad-Name",
        "under_score",
        "9starts-with-digit",
        "has space",
        &"a".repeat(65),
    ] {
        let reply = send_json(
            &sim,
            Method::POST,
            "/v2/volumes",
            json!({"name": bad, "size_gigabytes": 1, "region": "nyc3"}),
        )
        .await;
        let body = reply.assert_error(422, "unprocessable_entity");
        assert!(body["message"].as_str().unwrap().contains("name"), "{body}");
    }
    let good = created(
        &sim,
        "/v2/volumes",
        json!({"name": "vol-2-ok", "size_gigabytes": 1, "region": "nyc3"}),
        "volume",
    )
    .await;
    assert_eq!(good["name"], "vol-2-ok");
}

/// An uptime alert may notify only by email or only by Slack: the other member may be
/// left out, on create and on update.
#[tokio::test]
async fn an_uptime_alert_may_leave_out_slack_or_email() {
    let sim = demo(10).await;
    let check = created(
        &sim,
        "/v2/uptime/checks",
        json!({"name": "habit", "type": "https", "target": "https://example.com", "regions": ["us_east"], "enabled": true}),
        "check",
    )
    .await;
    let check_id = check["id"].as_str().expect("check id");
    let alerts = format!("/v2/uptime/checks/{check_id}/alerts");
    let alert = created(
        &sim,
        &alerts,
        json!({"name": "down", "type": "down", "threshold": 1, "comparison": "less_than",
               "period": "2m", "notifications": {"email": ["bob@example.com"]}}),
        "alert",
    )
    .await;
    assert_eq!(alert["notifications"]["email"], json!(["bob@example.com"]));
    let alert_id = alert["id"].as_str().expect("alert id");
    let reply = send_json(
        &sim,
        Method::PUT,
        &format!("{alerts}/{alert_id}"),
        json!({"name": "slow", "type": "latency", "threshold": 300, "comparison": "greater_than",
               "period": "5m", "notifications": {"slack": [{"channel": "#ops", "url": "https://hooks.slack.com/services/T/B/X"}]}}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let read: Value = get(&sim, &format!("{alerts}/{alert_id}")).await.json();
    assert_eq!(read["alert"]["name"], "slow");
    assert_eq!(read["alert"]["threshold"], 300);
}

/// A snapshot of the demo Droplet named `snapshot` (its image id, once the action is
/// done) and a custom image named `custom` in nyc3 (its answer).
async fn snapshot_and_custom_image(sim: &Sim, snapshot: &str, custom: &str) -> (u64, Value) {
    let body = json!({"type": "snapshot", "name": snapshot}).to_string();
    let id = act(sim, DROPLET, &body).await;
    wait_action(sim, id, Duration::from_secs(5)).await;
    let snaps = get(sim, &format!("/v2/droplets/{DROPLET}/snapshots"))
        .await
        .json();
    let image = snaps["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == snapshot)
        .expect("snapshot")["id"]
        .as_u64()
        .unwrap();
    let custom = created(
        sim,
        "/v2/images",
        json!({"name": custom, "url": "https://example.com/i.qcow2", "region": "nyc3"}),
        "image",
    )
    .await;
    (image, custom)
}

/// A Droplet snapshot is an image: tagging it (`resource_type: image`) shows in its
/// `tags`, in `GET /v2/images?tag_name=` and in the tag's image count, and deleting the
/// tag takes it off; a custom image without the tag is not listed under it.
#[tokio::test]
async fn a_droplet_snapshot_can_be_tagged_and_listed_by_tag() {
    let sim = demo(10).await;
    let (image, custom) = snapshot_and_custom_image(&sim, "tagged-snap", "untagged-custom").await;
    created(&sim, "/v2/tags", json!({"name": "nightly"}), "tag").await;
    let reply = send_json(
        &sim,
        Method::POST,
        "/v2/tags/nightly/resources",
        json!({"resources": [{"resource_id": image.to_string(), "resource_type": "image"}]}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text);
    let read = get(&sim, &format!("/v2/images/{image}")).await.json();
    assert_eq!(read["image"]["tags"], json!(["nightly"]), "{read}");
    let listed = get(&sim, "/v2/images?tag_name=nightly").await.json();
    let ids: Vec<&Value> = listed["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["id"])
        .collect();
    assert_eq!(ids, vec![&json!(image)], "{listed}");
    assert!(!ids.contains(&&custom["id"]));
    let tag = get(&sim, "/v2/tags/nightly").await.json();
    assert_eq!(tag["tag"]["resources"]["images"]["count"], 1, "{tag}");
    assert_eq!(tag["tag"]["resources"]["count"], 1, "{tag}");
    let deleted = send_json(&sim, Method::DELETE, "/v2/tags/nightly", json!({})).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    let read = get(&sim, &format!("/v2/images/{image}")).await.json();
    assert_eq!(read["image"]["tags"], json!([]), "{read}");
}

/// A Droplet is rebuilt from one of the account's own snapshots by id, as the API does
/// (godo's `DropletActions.RebuildByImageID`); it then shows that image. An id that is no
/// image is still refused.
#[tokio::test]
async fn a_droplet_is_rebuilt_from_its_own_snapshot_by_id() {
    let sim = demo(10).await;
    let id = act(
        &sim,
        DROPLET,
        r#"{"type":"snapshot","name":"rebuild-from"}"#,
    )
    .await;
    wait_action(&sim, id, Duration::from_secs(5)).await;
    let snaps = get(&sim, &format!("/v2/droplets/{DROPLET}/snapshots"))
        .await
        .json();
    let image = snaps["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "rebuild-from")
        .expect("snapshot")["id"]
        .as_u64()
        .unwrap();
    let id = act(
        &sim,
        DROPLET,
        &format!(r#"{{"type":"rebuild","image":{image}}}"#),
    )
    .await;
    let done = wait_action(&sim, id, Duration::from_secs(5)).await;
    assert_eq!(done["type"], "rebuild");
    assert_eq!(done["status"], "completed");
    let droplet = crate::common::droplet(&sim, DROPLET).await;
    assert_eq!(droplet["image"]["id"], image, "{}", droplet["image"]);
    assert_eq!(droplet["image"]["name"], "rebuild-from");
    assert_eq!(droplet["status"], "active");
    // Rebuilt again from a catalog image, it shows that one.
    let id = act(
        &sim,
        DROPLET,
        r#"{"type":"rebuild","image":"debian-12-x64"}"#,
    )
    .await;
    wait_action(&sim, id, Duration::from_secs(5)).await;
    let droplet = crate::common::droplet(&sim, DROPLET).await;
    assert_eq!(droplet["image"]["slug"], "debian-12-x64");
    let reply = crate::common::post(
        &sim,
        &format!("/v2/droplets/{DROPLET}/actions"),
        r#"{"type":"rebuild","image":987654321}"#,
    )
    .await;
    reply.assert_error(422, "unprocessable_entity");
}

/// A Spaces key grant's permission is `read`, `readwrite`, `fullaccess` or empty (the
/// spec's `grant.permission`, godo's `SpacesKeyPermission`s); another is refused.
#[tokio::test]
async fn a_spaces_key_grant_names_a_known_permission() {
    let sim = demo(10).await;
    let reply = send_json(
        &sim,
        Method::POST,
        "/v2/spaces/keys",
        json!({"name": "bad-grant", "grants": [{"bucket": "", "permission": "godmode"}]}),
    )
    .await;
    let body = reply.assert_error(422, "unprocessable_entity");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("grants[0].permission"),
        "{body}"
    );
    for permission in ["read", "readwrite", "fullaccess"] {
        let key = created(
            &sim,
            "/v2/spaces/keys",
            json!({"name": format!("ok-{permission}"), "grants": [{"bucket": if permission == "fullaccess" { "" } else { "b" }, "permission": permission}]}),
            "key",
        )
        .await;
        assert_eq!(key["grants"][0]["permission"], permission);
    }
}

/// An image is transferred only to a region of the catalog: another is a 422 and the
/// image's regions do not change (a stored unknown region would also make the saved state
/// unloadable).
#[tokio::test]
async fn an_image_transfer_names_a_known_region() {
    let sim = demo(10).await;
    let (image, custom) = snapshot_and_custom_image(&sim, "transfer-me", "custom-transfer").await;
    for target in [image.to_string(), custom["id"].to_string()] {
        let before = get(&sim, &format!("/v2/images/{target}")).await.json();
        let reply = send_json(
            &sim,
            Method::POST,
            &format!("/v2/images/{target}/actions"),
            json!({"type": "transfer", "region": "nowhere"}),
        )
        .await;
        let body = reply.assert_error(422, "unprocessable_entity");
        assert!(
            body["message"].as_str().unwrap().contains("region"),
            "{body}"
        );
        let after = get(&sim, &format!("/v2/images/{target}")).await.json();
        assert_eq!(after["image"]["regions"], before["image"]["regions"]);
        let reply = send_json(
            &sim,
            Method::POST,
            &format!("/v2/images/{target}/actions"),
            json!({"type": "transfer", "region": "ams3"}),
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        assert_eq!(reply.json()["action"]["region_slug"], "ams3");
    }
}

/// A volume made from a snapshot has the snapshot's size: `size_gigabytes` "does not apply
/// when creating a volume from a snapshot" (the spec; droplet_kit#320 shows the API).
#[tokio::test]
async fn a_volume_made_from_a_snapshot_has_the_snapshots_size() {
    let sim = demo(10).await;
    let volume = created(
        &sim,
        "/v2/volumes",
        json!({"name": "snap-source", "size_gigabytes": 10, "region": "nyc3"}),
        "volume",
    )
    .await;
    let snapshot = created(
        &sim,
        &format!("/v2/volumes/{}/snapshots", volume["id"].as_str().unwrap()),
        json!({"name": "snap-of-10"}),
        "snapshot",
    )
    .await;
    assert_eq!(snapshot["min_disk_size"], 10);
    for asked in [5, 200] {
        let made = created(
            &sim,
            "/v2/volumes",
            json!({"name": format!("from-snap-{asked}"), "size_gigabytes": asked, "region": "nyc3",
                   "snapshot_id": snapshot["id"]}),
            "volume",
        )
        .await;
        assert_eq!(made["size_gigabytes"], 10, "{made}");
        let read = get(
            &sim,
            &format!("/v2/volumes/{}", made["id"].as_str().unwrap()),
        )
        .await;
        assert_eq!(read.json()["volume"]["size_gigabytes"], 10);
    }
}
