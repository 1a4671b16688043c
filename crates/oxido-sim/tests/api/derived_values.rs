//! Values the API derives for a new object, checked against the objects they relate to:
//! a Droplet's private address and its VPC's range.

use std::net::Ipv4Addr;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::*;

/// Whether `ip` lies inside `range` (`a.b.c.d/n`).
fn inside(ip: &str, range: &str) -> bool {
    let (network, bits) = range.split_once('/').expect("a CIDR range");
    let bits: u32 = bits.parse().expect("prefix length");
    let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
    let ip: Ipv4Addr = ip.parse().expect("an IPv4 address");
    let network: Ipv4Addr = network.parse().expect("an IPv4 network");
    u32::from(ip) & mask == u32::from(network) & mask
}

/// The Droplet's private IPv4 entry, once its create action has finished.
async fn private_v4(sim: &oxido_sim::Sim, created: &Value) -> Value {
    let action = created["links"]["actions"][0]["id"]
        .as_u64()
        .expect("create action");
    wait_action(sim, action, Duration::from_secs(5)).await;
    let id = created["droplet"]["id"].as_u64().expect("droplet id");
    let droplet = droplet(sim, id).await;
    droplet["networks"]["v4"]
        .as_array()
        .and_then(|v4| v4.iter().find(|n| n["type"] == "private"))
        .cloned()
        .unwrap_or_else(|| panic!("no private address: {droplet}"))
}

async fn create_droplet(sim: &oxido_sim::Sim, body: Value) -> Value {
    let reply = send_json(sim, Method::POST, "/v2/droplets", body).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.text);
    reply.json()
}

async fn vpc_range(sim: &oxido_sim::Sim, vpc: &str) -> String {
    let reply = get(sim, &format!("/v2/vpcs/{vpc}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()["vpc"]["ip_range"]
        .as_str()
        .expect("ip_range")
        .to_owned()
}

#[tokio::test]
async fn a_droplets_private_address_lies_in_its_vpcs_range_and_is_its_own() {
    let sim = demo(50).await;
    let vpc = send_json(
        &sim,
        Method::POST,
        "/v2/vpcs",
        json!({"name": "small", "region": "nyc1", "ip_range": "10.200.16.0/24"}),
    )
    .await;
    assert_eq!(vpc.status, StatusCode::CREATED, "{}", vpc.text);
    let vpc_id = vpc.json()["vpc"]["id"].as_str().expect("vpc id").to_owned();
    let mut seen = Vec::new();
    for name in ["a", "b", "c"] {
        let created = create_droplet(
            &sim,
            json!({"name": name, "region": "nyc1", "size": "s-1vcpu-1gb",
                   "image": "ubuntu-24-04-x64", "vpc_uuid": vpc_id}),
        )
        .await;
        let private = private_v4(&sim, &created).await;
        let ip = private["ip_address"].as_str().expect("ip").to_owned();
        assert!(inside(&ip, "10.200.16.0/24"), "{ip}");
        assert_eq!(private["netmask"], "255.255.255.0");
        assert!(!seen.contains(&ip), "{ip} given twice: {seen:?}");
        seen.push(ip);
    }
    // Without a VPC, the Droplet joins its region's default one and takes its range.
    let created = create_droplet(
        &sim,
        json!({"name": "d", "region": "sfo2", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64"}),
    )
    .await;
    let private = private_v4(&sim, &created).await;
    let id = created["droplet"]["id"].as_u64().expect("id");
    let default_vpc = droplet(&sim, id).await["vpc_uuid"]
        .as_str()
        .expect("vpc_uuid")
        .to_owned();
    let range = vpc_range(&sim, &default_vpc).await;
    let ip = private["ip_address"].as_str().expect("ip");
    assert!(inside(ip, &range), "{ip} outside {range}");
}

#[tokio::test]
async fn the_demo_droplets_addresses_lie_in_their_vpcs() {
    let sim = demo(50).await;
    let droplets = get(&sim, "/v2/droplets?per_page=200").await.json();
    let mut seen = Vec::new();
    for d in droplets["droplets"].as_array().expect("droplets") {
        let Some(private) = d["networks"]["v4"]
            .as_array()
            .and_then(|v4| v4.iter().find(|n| n["type"] == "private"))
        else {
            continue;
        };
        let range = vpc_range(&sim, d["vpc_uuid"].as_str().expect("vpc_uuid")).await;
        let ip = private["ip_address"].as_str().expect("ip").to_owned();
        assert!(
            inside(&ip, &range),
            "Droplet {}: {ip} outside {range}",
            d["id"]
        );
        assert!(!seen.contains(&ip), "{ip} given twice");
        seen.push(ip);
    }
    assert!(!seen.is_empty(), "the demo has active Droplets");
}

#[tokio::test]
async fn a_full_vpc_range_refuses_another_droplet() {
    let sim = demo(50).await;
    // A /29 holds five Droplet addresses: eight, less network, gateway and broadcast.
    let vpc = send_json(
        &sim,
        Method::POST,
        "/v2/vpcs",
        json!({"name": "tiny", "region": "nyc1", "ip_range": "10.201.0.0/29"}),
    )
    .await;
    assert_eq!(vpc.status, StatusCode::CREATED, "{}", vpc.text);
    let vpc_id = vpc.json()["vpc"]["id"].as_str().expect("vpc id").to_owned();
    let body = |name: &str| {
        json!({"name": name, "region": "nyc1", "size": "s-1vcpu-1gb",
               "image": "ubuntu-24-04-x64", "vpc_uuid": vpc_id})
    };
    for n in 0..5 {
        create_droplet(&sim, body(&format!("m{n}"))).await;
    }
    let refused = send_json(&sim, Method::POST, "/v2/droplets", body("m5")).await;
    let error = refused.assert_error(422, "unprocessable_entity");
    assert!(
        error["message"]
            .as_str()
            .unwrap_or_default()
            .contains("no free address"),
        "{error}"
    );
}
