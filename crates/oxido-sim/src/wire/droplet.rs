//! The API's `droplet` object.

use serde_json::{Value, json};

use super::Stamp;
use crate::state::catalog::{self, Image, Size};
use crate::state::model::Droplet;

/// Serializes a droplet as the API does.
pub(crate) fn droplet_json(d: &Droplet) -> Value {
    let mut features = Vec::new();
    if d.backups {
        features.push("backups");
    }
    features.push("private_networking");
    if d.ipv6 {
        features.push("ipv6");
    }
    if d.monitoring {
        features.push("monitoring");
    }
    json!({
        "id": d.id,
        "name": d.name,
        "memory": d.size.memory,
        "vcpus": d.size.vcpus,
        "disk": d.disk,
        "disk_info": [{"type": "local", "size": {"amount": d.disk, "unit": "gib"}}],
        "locked": false,
        "status": d.status.as_str(),
        "kernel": d.kernel.map(|id| json!({
            "id": id,
            "name": format!("Kernel {id}"),
            "version": format!("6.8.0-{}-generic", id % 100),
        })),
        "created_at": Stamp(d.created_at).to_string(),
        "features": features,
        "backup_ids": d.backup_ids,
        "next_backup_window": d.backups.then(|| next_backup_window(d)),
        "snapshot_ids": d.snapshot_ids,
        "image": image_json(d.image),
        "volume_ids": [],
        "size": size_json(d.size),
        "size_slug": d.size.slug,
        "networks": networks(d),
        "region": d.region,
        "tags": d.tags,
        "vpc_uuid": d.vpc_uuid,
    })
}

fn next_backup_window(d: &Droplet) -> Value {
    let hour = d.backup_policy.as_ref().map_or(0, |p| p.hour);
    json!({
        "start": format!("2030-01-06T{hour:02}:00:00Z"),
        "end": format!("2030-01-06T{:02}:00:00Z", hour + 4),
    })
}

fn image_json(image: &Image) -> Value {
    json!({
        "id": image.id,
        "name": image.name,
        "distribution": image.distribution,
        "slug": image.slug,
        "public": true,
        "regions": catalog::region_slugs(),
        "created_at": image.created_at,
        "type": "base",
        "min_disk_size": image.min_disk_size,
        "size_gigabytes": image.size_gigabytes,
        "description": "",
        "tags": [],
        "status": "available",
        "error_message": "",
    })
}

fn size_json(size: &Size) -> Value {
    json!({
        "slug": size.slug,
        "memory": size.memory,
        "vcpus": size.vcpus,
        "disk": size.disk,
        "transfer": size.transfer,
        "price_monthly": size.price_monthly,
        "price_hourly": size.price_hourly,
        "regions": catalog::region_slugs(),
        "available": true,
        "description": size.description,
    })
}

// Addresses come from the documentation ranges (RFC 5737, RFC 3849) so they can
// never be mistaken for, or collide with, real hosts.
fn networks(d: &Droplet) -> Value {
    if d.status == crate::state::model::DropletStatus::New {
        return json!({"v4": [], "v6": []});
    }
    let low = (d.id % 250) + 2;
    let mid = (d.id / 250) % 250;
    let v6 = if d.ipv6 {
        json!([{
            "ip_address": format!(
                "2001:db8:0:1010:{:x}:{:x}:{:x}:{:x}",
                d.id >> 48,
                (d.id >> 32) & 0xffff,
                (d.id >> 16) & 0xffff,
                d.id & 0xffff
            ),
            "netmask": 64,
            "gateway": "2001:db8:0:1010::1",
            "type": "public",
        }])
    } else {
        json!([])
    };
    json!({
        "v4": [
            {"ip_address": format!("10.128.{mid}.{low}"), "netmask": "255.255.0.0", "gateway": "nil", "type": "private"},
            {"ip_address": format!("203.0.113.{low}"), "netmask": "255.255.255.0", "gateway": "203.0.113.1", "type": "public"},
        ],
        "v6": v6,
    })
}
