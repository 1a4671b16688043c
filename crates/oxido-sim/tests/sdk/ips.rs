//! Floating IPs, reserved IPs and reserved IPv6 through the SDK: created, assigned to a
//! Droplet and unassigned, each action followed by its waiter; and the NFS action waiter.

use oxido::ActionStatus;
use oxido::types::{IpActionAssign, IpActionBody, IpReservationDroplet};
use serde_json::json;

use super::common::*;

const RESERVED_IPV6: &str = "2409:40d0:f7:1017:74b4:3a96:105e:4c6e";
const SHARE: &str = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";

#[tokio::test]
async fn reserved_ipv6_and_nfs_waiters_follow_v2_actions_to_completed() {
    // Slow enough that the first read sees the action in progress even on a loaded machine.
    let sim = slow_sim().await;
    let client = client(&sim);

    let assign = client
        .reserved_ipv6_actions()
        .post(
            RESERVED_IPV6,
            IpActionBody::Assign(IpActionAssign::new(DROPLET)),
        )
        .await
        .expect("assign accepted");
    assert_eq!(assign.resource_type.as_str(), "reserved_ipv6");
    let id = assign.id;
    let first = client.actions().get(id).await.expect("under /v2/actions");
    assert_eq!(first.status, ActionStatus::InProgress);
    let done = client
        .reserved_ipv6_actions()
        .wait(id)
        .poll_interval(POLL_MIN, POLL_MAX)
        .timeout(PATIENCE)
        .await
        .expect("the assign completes");
    assert_eq!(done.status, ActionStatus::Completed);

    let resize = client
        .nfs()
        .create_action(
            SHARE,
            body(json!({"type": "resize", "region": "atl1", "params": {"size_gib": 2048}})),
        )
        .await
        .expect("resize accepted");
    assert_eq!(resize.kind, "RESIZE_SHARE");
    let id: u64 = resize
        .id
        .as_deref()
        .and_then(|id| id.parse().ok())
        .expect("the NFS action id is an /v2/actions id");
    let done = client
        .nfs()
        .wait(id)
        .poll_interval(POLL_MIN, POLL_MAX)
        .timeout(PATIENCE)
        .await
        .expect("the resize completes");
    assert_eq!(done.resource_type, "SHARE");
    let share = client.nfs().get(SHARE).await.expect("share");
    assert_eq!(share.size_gib, 2048);
}

fn droplet_of(droplet: Option<&IpReservationDroplet>) -> Option<u64> {
    match droplet? {
        IpReservationDroplet::Droplet(d) => Some(d.id),
        IpReservationDroplet::Value(v) if v.is_null() => None,
        IpReservationDroplet::Value(v) => panic!("not a Droplet: {v}"),
    }
}

#[tokio::test]
async fn a_floating_ip_is_unassigned_reassigned_and_released() {
    let sim = sim().await;
    let client = client(&sim);
    let fips = client.floating_ips();
    let actions = client.floating_ips_action();
    let created = fips
        .create(body(json!({"droplet_id": OTHER_DROPLET})))
        .await
        .expect("created for a Droplet");
    let ip = created.floating_ip.expect("an address").ip;
    let read = fips.get(&ip).await.expect("read back");
    assert_eq!(droplet_of(read.droplet.as_ref()), Some(OTHER_DROPLET));

    let started = actions
        .post(&ip, IpActionBody::Unassign)
        .await
        .expect("unassign accepted");
    assert_eq!(started.kind.as_str(), "unassign_ip");
    actions
        .wait(&ip, started.id)
        .poll_interval(POLL_MIN, POLL_MAX)
        .timeout(PATIENCE)
        .await
        .expect("the unassign completes");
    let read = fips.get(&ip).await.expect("read back");
    assert_eq!(droplet_of(read.droplet.as_ref()), None);

    let started = actions
        .post(&ip, IpActionBody::Assign(IpActionAssign::new(DROPLET)))
        .await
        .expect("assign accepted");
    assert_eq!(started.kind.as_str(), "assign_ip");
    let id = started.id;
    let done = actions
        .wait(&ip, id)
        .poll_interval(POLL_MIN, POLL_MAX)
        .timeout(PATIENCE)
        .await
        .expect("the assign completes");
    assert_eq!(done.status, ActionStatus::Completed);
    let read = fips.get(&ip).await.expect("read back");
    assert_eq!(droplet_of(read.droplet.as_ref()), Some(DROPLET));
    let history = actions.list(&ip).send().await.expect("its actions");
    assert!(history.items.iter().any(|a| a.id == id), "{history:?}");

    fips.delete(&ip).await.expect("released");
    let gone = fips.get(&ip).await.expect_err("released");
    assert!(gone.is_not_found(), "{gone}");
}

#[tokio::test]
async fn a_floating_ip_reserved_in_a_region_starts_unassigned() {
    let sim = sim().await;
    let client = client(&sim);
    let created = client
        .floating_ips()
        .create(body(json!({"region": "nyc3"})))
        .await
        .expect("reserved in a region");
    let ip = created.floating_ip.expect("an address").ip;
    let read = client.floating_ips().get(&ip).await.expect("read back");
    assert_eq!(droplet_of(read.droplet.as_ref()), None);
    let region = json_of(&read.region);
    assert_eq!(region["slug"], "nyc3", "{region}");
}

#[tokio::test]
async fn a_reserved_ip_is_assigned_to_a_droplet_unassigned_and_released() {
    let sim = sim().await;
    let client = client(&sim);
    let rips = client.reserved_ips();
    let actions = client.reserved_ips_actions();
    let created = rips
        .create(body(json!({"region": "nyc3"})))
        .await
        .expect("reserved in a region");
    let ip = created.reserved_ip.expect("an address").ip;
    let started = actions
        .post(&ip, IpActionBody::Assign(IpActionAssign::new(DROPLET)))
        .await
        .expect("assign accepted");
    actions
        .wait(&ip, started.id)
        .poll_interval(POLL_MIN, POLL_MAX)
        .timeout(PATIENCE)
        .await
        .expect("the assign completes");
    let read = rips.get(&ip).await.expect("read back");
    assert_eq!(droplet_of(read.droplet.as_ref()), Some(DROPLET));
    let listed = rips.list().per_page(200).send().await.expect("listed");
    assert!(
        listed
            .items
            .iter()
            .any(|r| r.ip == *ip && droplet_of(r.droplet.as_ref()) == Some(DROPLET))
    );

    let started = actions
        .post(&ip, IpActionBody::Unassign)
        .await
        .expect("unassign accepted");
    let id = started.id;
    actions
        .wait(&ip, id)
        .poll_interval(POLL_MIN, POLL_MAX)
        .timeout(PATIENCE)
        .await
        .expect("the unassign completes");
    let read = actions.get(&ip, id).await.expect("the action reads back");
    assert_eq!(read.kind.as_str(), "unassign_ip");
    let read = rips.get(&ip).await.expect("read back");
    assert_eq!(droplet_of(read.droplet.as_ref()), None);

    rips.delete(&ip).await.expect("released");
    let gone = rips.get(&ip).await.expect_err("released");
    assert!(gone.is_not_found(), "{gone}");
}

#[tokio::test]
async fn a_reserved_ipv6_is_assigned_to_a_droplet_unassigned_and_released() {
    let sim = sim().await;
    let client = client(&sim);
    let v6 = client.reserved_ipv6();
    let actions = client.reserved_ipv6_actions();
    let created = v6
        .create(body(json!({"region_slug": "nyc3"})))
        .await
        .expect("reserved");
    let ip = created.ip.expect("an address");
    assert!(ip.parse::<std::net::Ipv6Addr>().is_ok(), "{ip}");
    assert_eq!(created.region_slug.as_deref(), Some("nyc3"));

    let started = actions
        .post(&ip, IpActionBody::Assign(IpActionAssign::new(DROPLET)))
        .await
        .expect("assign accepted");
    actions
        .wait(started.id)
        .poll_interval(POLL_MIN, POLL_MAX)
        .timeout(PATIENCE)
        .await
        .expect("the assign completes");
    let read = v6.get(&ip).await.expect("read back");
    assert_eq!(droplet_of(read.droplet.as_ref()), Some(DROPLET));

    let started = actions
        .post(&ip, IpActionBody::Unassign)
        .await
        .expect("unassign accepted");
    actions
        .wait(started.id)
        .poll_interval(POLL_MIN, POLL_MAX)
        .timeout(PATIENCE)
        .await
        .expect("the unassign completes");
    let read = v6.get(&ip).await.expect("read back");
    assert_eq!(droplet_of(read.droplet.as_ref()), None);

    v6.delete(&ip).await.expect("released");
    let gone = v6.get(&ip).await.expect_err("released");
    assert!(gone.is_not_found(), "{gone}");
}

#[tokio::test]
async fn deleting_a_droplet_frees_its_reserved_ip() {
    let sim = sim().await;
    let client = client(&sim);
    let created = client
        .reserved_ips()
        .create(body(json!({"region": "nyc3"})))
        .await
        .expect("reserved");
    let ip = created.reserved_ip.expect("an address").ip;
    let started = client
        .reserved_ips_actions()
        .post(
            &ip,
            IpActionBody::Assign(IpActionAssign::new(OTHER_DROPLET)),
        )
        .await
        .expect("assign accepted");
    client
        .reserved_ips_actions()
        .wait(&ip, started.id)
        .poll_interval(POLL_MIN, POLL_MAX)
        .timeout(PATIENCE)
        .await
        .expect("the assign completes");
    let read = client.reserved_ips().get(&ip).await.expect("read back");
    assert_eq!(droplet_of(read.droplet.as_ref()), Some(OTHER_DROPLET));
    client
        .droplets()
        .destroy(OTHER_DROPLET)
        .await
        .expect("droplet deleted");
    let read = client.reserved_ips().get(&ip).await.expect("the IP stays");
    assert_eq!(droplet_of(read.droplet.as_ref()), None);
}

#[tokio::test]
async fn an_ip_created_for_a_droplet_starts_assigned_to_it() {
    let sim = sim().await;
    let client = client(&sim);
    // Not 3164444, which is also the documented example's Droplet.
    let floating = client
        .floating_ips()
        .create(body(json!({"droplet_id": OTHER_DROPLET})))
        .await
        .expect("created for a Droplet");
    let ip = floating.floating_ip.expect("an address").ip;
    let read = client.floating_ips().get(&ip).await.expect("read back");
    assert_eq!(droplet_of(read.droplet.as_ref()), Some(OTHER_DROPLET));
    let reserved = client
        .reserved_ips()
        .create(body(json!({"droplet_id": OTHER_DROPLET})))
        .await
        .expect("created for a Droplet");
    let ip = reserved.reserved_ip.expect("an address").ip;
    let read = client.reserved_ips().get(&ip).await.expect("read back");
    assert_eq!(droplet_of(read.droplet.as_ref()), Some(OTHER_DROPLET));
}
