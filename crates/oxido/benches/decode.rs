//! Criterion benchmarks of the SDK's CPU work with no I/O: decoding the reference page's action, decoding a
//! full 200-action list page, turning an error reply into an `ApiError`, and building requests.
//!
//! `cargo bench -p oxido --bench decode`. The code under test is reached through `oxido::__bench`, the same
//! functions a real response goes through.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use oxido::__bench;
use oxido::{DropletAction, TagAction};
use serde_json::{Value, json};

/// The reference page's example action (GET /v2/droplets/3164444/actions/36804636).
fn reference_action() -> Value {
    json!({
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
            "features": ["private_networking", "backups", "ipv6", "metadata", "install_agent", "storage", "image_transfer"],
            "available": true,
            "sizes": [
                "s-1vcpu-1gb", "s-1vcpu-2gb", "s-1vcpu-3gb", "s-2vcpu-2gb", "s-3vcpu-1gb", "s-2vcpu-4gb",
                "s-4vcpu-8gb", "s-6vcpu-16gb", "s-8vcpu-32gb", "s-12vcpu-48gb", "s-16vcpu-64gb",
                "s-20vcpu-96gb", "s-24vcpu-128gb", "s-32vcpu-192g"
            ]
        },
        "region_slug": "nyc3"
    })
}

/// A middle page of 200 actions with first/prev/next/last links, as the API sends it.
fn page_of_200() -> Vec<u8> {
    let actions: Vec<Value> = (0..200u64)
        .map(|n| {
            let mut action = reference_action();
            action["id"] = json!(36804636 + n);
            if n % 3 == 0 {
                action["status"] = json!("in-progress");
                action["completed_at"] = Value::Null;
                action["type"] = json!("reboot");
            }
            action
        })
        .collect();
    let link = |page: u32| {
        format!("https://api.digitalocean.com/v2/droplets/3164444/actions?page={page}&per_page=200")
    };
    serde_json::to_vec(&json!({
        "actions": actions,
        "links": {"pages": {"first": link(1), "prev": link(1), "next": link(3), "last": link(50)}},
        "meta": {"total": 10000}
    }))
    .expect("the page serializes")
}

fn decoding(c: &mut Criterion) {
    let single = serde_json::to_vec(&json!({ "action": reference_action() })).expect("serializes");
    let page = page_of_200();
    let error_body = br#"{"id":"not_found","message":"The resource you requested could not be found.","request_id":"4d9d8375-3c56-4925-a3e7-eed06a0a2f7a"}"#;
    let html_body = b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
    let headers = http::HeaderMap::new();

    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Bytes(single.len() as u64));
    group.bench_function("reference_action", |b| {
        b.iter(|| __bench::decode_action(black_box(&single)).expect("decodes"))
    });
    group.throughput(Throughput::Elements(200));
    group.bench_function("page_of_200_actions", |b| {
        b.iter(|| __bench::decode_action_page(black_box(&page)).expect("decodes"))
    });
    group.throughput(Throughput::Elements(1));
    group.bench_function("api_error_json", |b| {
        b.iter(|| __bench::decode_api_error(404, &headers, black_box(error_body)))
    });
    group.bench_function("api_error_html", |b| {
        b.iter(|| __bench::decode_api_error(502, &headers, black_box(html_body)))
    });
    group.finish();
}

fn request_building(c: &mut Criterion) {
    let resize = DropletAction::Resize {
        size: "s-2vcpu-2gb".into(),
        disk: true,
    };
    let mut group = c.benchmark_group("build_request");
    group.bench_function("droplet_action_get", |b| {
        b.iter(|| {
            __bench::droplet_action_get_request(black_box(3164444), black_box(36804636))
                .expect("valid")
        })
    });
    group.bench_function("droplet_action_post_resize", |b| {
        b.iter(|| {
            __bench::droplet_action_post_request(black_box(3164444), black_box(&resize))
                .expect("valid")
        })
    });
    group.bench_function("droplet_action_post_by_tag", |b| {
        b.iter(|| {
            __bench::droplet_action_post_by_tag_request(
                black_box("env:prod web"),
                black_box(&TagAction::PowerOff),
            )
            .expect("valid")
        })
    });
    group.finish();
}

criterion_group!(benches, decoding, request_building);
criterion_main!(benches);
