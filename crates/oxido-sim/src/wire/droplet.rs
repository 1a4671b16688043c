//! The API's `droplet` object.

use jiff::Timestamp;
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
        "volume_ids": d.volume_ids,
        "size": size_json(d.size),
        "size_slug": d.size.slug,
        "networks": networks(d),
        "region": d.region,
        "tags": d.tags,
        "vpc_uuid": d.vpc_uuid,
    })
}

/// The backup window in a fixed reference week (Sunday 2030-01-06 to Saturday
/// 2030-01-12), so answers are reproducible: a daily plan's window starts on the
/// Sunday, a weekly plan's on its weekday; both last four hours and may end on the
/// next day (never at `24:00`).
fn next_backup_window(d: &Droplet) -> Value {
    const WEEK: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    let policy = d.backup_policy.clone().unwrap_or_default();
    let day = if policy.plan == "weekly" {
        WEEK.iter().position(|w| *w == policy.weekday).unwrap_or(0)
    } else {
        0
    };
    // 2030-01-06T00:00:00Z, a Sunday.
    const SUNDAY: i64 = 1_893_888_000;
    let start = SUNDAY + day as i64 * 86_400 + i64::from(policy.hour) * 3_600;
    let window = Timestamp::from_second(start)
        .ok()
        .zip(Timestamp::from_second(start + 4 * 3_600).ok());
    match window {
        Some((start, end)) => json!({
            "start": Stamp(start).to_string(),
            "end": Stamp(end).to_string(),
        }),
        None => Value::Null,
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::Seed;
    use crate::state::model::BackupPolicy;

    fn window(plan: &str, weekday: &str, hour: u8) -> Value {
        let data = Seed::Demo.data(100);
        let mut droplet = data.droplets.values().next().unwrap().clone();
        droplet.backups = true;
        droplet.backup_policy = Some(BackupPolicy {
            plan: plan.into(),
            weekday: weekday.into(),
            hour,
        });
        droplet_json(&droplet)["next_backup_window"].clone()
    }

    #[test]
    fn a_weekly_window_falls_on_its_weekday_and_ends_on_a_real_time() {
        let w = window("weekly", "SAT", 20);
        assert_eq!(w["start"], "2030-01-12T20:00:00Z");
        assert_eq!(w["end"], "2030-01-13T00:00:00Z");
        let start: Timestamp = w["start"].as_str().unwrap().parse().unwrap();
        // The Unix epoch was a Thursday: day 2 of a Saturday-first count.
        assert_eq!(start.as_second().div_euclid(86_400).rem_euclid(7), 2);
        assert_eq!(window("weekly", "MON", 4)["start"], "2030-01-07T04:00:00Z");
        assert_eq!(window("daily", "SAT", 8)["start"], "2030-01-06T08:00:00Z");
        for hour in [0, 4, 8, 12, 16, 20] {
            for day in ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] {
                let w = window("weekly", day, hour);
                for edge in ["start", "end"] {
                    let text = w[edge].as_str().unwrap();
                    assert!(!text.contains("T24:"), "{text}");
                    text.parse::<jiff::Timestamp>().unwrap();
                }
            }
        }
    }
}
