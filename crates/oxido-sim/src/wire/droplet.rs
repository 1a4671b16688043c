//! The API's `droplet` object.
//!
//! Serialized straight from the stored [`Droplet`] through borrowed views, so a
//! read builds no `serde_json::Value` tree and copies no catalog data.

use std::fmt;
use std::net::Ipv4Addr;

use jiff::Timestamp;
use serde::Serialize;
use serde::ser::Serializer;
use serde_json::Value;

use super::Stamp;
use crate::state::catalog::{self, Image, Region, Size};
use crate::state::model::{Droplet, DropletStatus, PrivateAddr};

/// Serializes a droplet as the API does, as a JSON value (for answers built as values).
pub(crate) fn droplet_json(d: &Droplet) -> Value {
    serde_json::to_value(DropletWire(d)).unwrap_or(Value::Null)
}

/// A droplet in its wire form; serialize it directly into a response body.
pub(crate) struct DropletWire<'a>(pub &'a Droplet);

#[derive(Serialize)]
struct Body<'a> {
    id: u64,
    name: &'a str,
    memory: u32,
    vcpus: u32,
    disk: u32,
    disk_info: [DiskInfo; 1],
    locked: bool,
    status: &'static str,
    kernel: Option<Kernel>,
    created_at: Stamp,
    features: Features,
    backup_ids: &'a [u64],
    next_backup_window: Option<Window>,
    snapshot_ids: &'a [u64],
    image: Shown<'a>,
    volume_ids: &'a [String],
    size: SizeWire,
    size_slug: &'static str,
    networks: Networks,
    region: &'static Region,
    tags: &'a [String],
    vpc_uuid: &'a str,
}

impl Serialize for DropletWire<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let d = self.0;
        Body {
            id: d.id,
            name: &d.name,
            memory: d.size.memory,
            vcpus: d.size.vcpus,
            disk: d.disk,
            disk_info: [DiskInfo {
                kind: "local",
                size: DiskSize {
                    amount: d.disk,
                    unit: "gib",
                },
            }],
            locked: false,
            status: d.status.as_str(),
            kernel: d.kernel.map(Kernel),
            created_at: Stamp(d.created_at),
            features: Features {
                backups: d.backups,
                ipv6: d.ipv6,
                monitoring: d.monitoring,
            },
            backup_ids: &d.backup_ids,
            next_backup_window: if d.backups {
                next_backup_window(d)
            } else {
                None
            },
            snapshot_ids: &d.snapshot_ids,
            image: match d.image_shown.as_deref() {
                Some(shown) => Shown::Own(shown),
                None => Shown::Catalog(ImageWire(d.image)),
            },
            volume_ids: &d.volume_ids,
            size: SizeWire(d.size),
            size_slug: d.size.slug,
            networks: Networks {
                id: d.id,
                new: d.status == DropletStatus::New,
                ipv6: d.ipv6,
                public_ipv4: d.public_ipv4,
                private: d.private_ipv4,
            },
            region: d.region,
            tags: &d.tags,
            vpc_uuid: &d.vpc_uuid,
        }
        .serialize(serializer)
    }
}

#[derive(Serialize)]
struct DiskInfo {
    #[serde(rename = "type")]
    kind: &'static str,
    size: DiskSize,
}

#[derive(Serialize)]
struct DiskSize {
    amount: u32,
    unit: &'static str,
}

struct Kernel(u64);

impl Serialize for Kernel {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wire<'a> {
            id: u64,
            name: fmt::Arguments<'a>,
            version: fmt::Arguments<'a>,
        }
        let id = self.0;
        Wire {
            id,
            name: format_args!("Kernel {id}"),
            version: format_args!("6.8.0-{}-generic", id % 100),
        }
        .serialize(serializer)
    }
}

struct Features {
    backups: bool,
    ipv6: bool,
    monitoring: bool,
}

impl Serialize for Features {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let all = [
            (self.backups, "backups"),
            (true, "private_networking"),
            (self.ipv6, "ipv6"),
            (self.monitoring, "monitoring"),
        ];
        serializer.collect_seq(all.iter().filter(|(on, _)| *on).map(|(_, name)| name))
    }
}

#[derive(Serialize)]
struct Window {
    start: Stamp,
    end: Stamp,
}

/// A Droplet's backup policy as `/v2/droplets/{id}/backups/policy` shows it.
pub(crate) fn backup_policy_json(d: &Droplet) -> Value {
    let mut policy = serde_json::json!({
        "droplet_id": d.id,
        "backup_enabled": d.backups,
    });
    if d.backups {
        let p = d.backup_policy.clone().unwrap_or_default();
        let weekly = p.plan == "weekly";
        let mut plan = serde_json::json!({
            "plan": p.plan,
            "hour": p.hour,
            "window_length_hours": 4,
            "retention_period_days": if weekly { 28 } else { 7 },
        });
        if weekly {
            plan["weekday"] = Value::String(p.weekday.clone());
        }
        policy["backup_policy"] = plan;
        if let Some(window) = next_backup_window(d).and_then(|w| serde_json::to_value(w).ok()) {
            policy["next_backup_window"] = window;
        }
    }
    policy
}

/// The Droplet's next backup window by its policy, from now: a daily plan's next window
/// at its hour, a weekly plan's on its weekday; both last four hours, and a window under
/// way is the next one until it ends.
fn next_backup_window(d: &Droplet) -> Option<Window> {
    window_after(d, Timestamp::now())
}

fn window_after(d: &Droplet, now: Timestamp) -> Option<Window> {
    const WEEK: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    const DAY: i64 = 86_400;
    const LENGTH: i64 = 4 * 3_600;
    let (weekly, weekday, hour) = match &d.backup_policy {
        Some(p) => (p.plan == "weekly", p.weekday.as_str(), p.hour),
        None => (false, "SUN", 0),
    };
    let now = now.as_second();
    let at = i64::from(hour) * 3_600;
    let start = if weekly {
        let wanted = WEEK.iter().position(|w| *w == weekday).unwrap_or(0) as i64;
        // The Unix epoch was a Thursday (day 4 counted from Sunday).
        let midnight = now.div_euclid(DAY) * DAY;
        let today = (now.div_euclid(DAY) + 4).rem_euclid(7);
        let mut start = midnight + (wanted - today).rem_euclid(7) * DAY + at;
        if start + LENGTH <= now {
            start += 7 * DAY;
        }
        start
    } else {
        let mut start = now.div_euclid(DAY) * DAY + at;
        if start + LENGTH <= now {
            start += DAY;
        }
        start
    };
    Some(Window {
        start: Stamp(Timestamp::from_second(start).ok()?),
        end: Stamp(Timestamp::from_second(start + LENGTH).ok()?),
    })
}

/// Every open region's slug, written without collecting them first.
struct RegionSlugs;

impl Serialize for RegionSlugs {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            catalog::REGIONS
                .iter()
                .filter(|r| r.available)
                .map(|r| r.slug),
        )
    }
}

struct ImageWire(&'static Image);

/// A Droplet's `image`: the catalog's, or the account's own it was made from.
#[derive(Serialize)]
#[serde(untagged)]
enum Shown<'a> {
    Catalog(ImageWire),
    Own(&'a Value),
}

/// A public image as `/v2/images` and a Droplet's `image` show it.
pub(crate) fn image_json(image: &'static Image) -> Value {
    serde_json::to_value(ImageWire(image)).unwrap_or(Value::Null)
}

impl Serialize for ImageWire {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wire {
            id: u64,
            name: &'static str,
            distribution: &'static str,
            slug: &'static str,
            public: bool,
            regions: RegionSlugs,
            created_at: &'static str,
            #[serde(rename = "type")]
            kind: &'static str,
            min_disk_size: u32,
            size_gigabytes: f64,
            description: &'static str,
            tags: [&'static str; 0],
            status: &'static str,
            error_message: &'static str,
        }
        let image = self.0;
        Wire {
            id: image.id,
            name: image.name,
            distribution: image.distribution,
            slug: image.slug,
            public: true,
            regions: RegionSlugs,
            created_at: image.created_at,
            // Distributions are base images; 1-Click applications are snapshots.
            kind: if image.kind == "application" {
                "snapshot"
            } else {
                "base"
            },
            min_disk_size: image.min_disk_size,
            size_gigabytes: image.size_gigabytes,
            description: "",
            tags: [],
            status: "available",
            error_message: "",
        }
        .serialize(serializer)
    }
}

struct SizeWire(&'static Size);

/// A size as `/v2/sizes` and a Droplet's `size` show it.
pub(crate) fn size_json(size: &'static Size) -> Value {
    serde_json::to_value(SizeWire(size)).unwrap_or(Value::Null)
}

impl Serialize for SizeWire {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

// Addresses come from the documentation ranges (RFC 5737, RFC 3849) so they can
// never be mistaken for, or collide with, real hosts.
struct Networks {
    id: u64,
    new: bool,
    ipv6: bool,
    public_ipv4: bool,
    /// The address in its VPC; absent only for Droplets loaded from older state files,
    /// which keep the address derived from their id.
    private: Option<PrivateAddr>,
}

/// A documentation-range address, written without an intermediate string.
#[derive(Clone, Copy)]
enum Addr {
    V4(Ipv4Addr),
    Private { mid: u64, low: u64 },
    Public { low: u64 },
    V6(u64),
}

impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Addr::V4(ip) => write!(f, "{ip}"),
            Addr::Private { mid, low } => write!(f, "10.128.{mid}.{low}"),
            Addr::Public { low } => write!(f, "203.0.113.{low}"),
            Addr::V6(id) => write!(
                f,
                "2001:db8:0:1010:{:x}:{:x}:{:x}:{:x}",
                id >> 48,
                (id >> 32) & 0xffff,
                (id >> 16) & 0xffff,
                id & 0xffff
            ),
        }
    }
}

impl Serialize for Addr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[derive(Serialize)]
struct V4 {
    ip_address: Addr,
    netmask: Ipv4Addr,
    gateway: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct V6 {
    ip_address: Addr,
    netmask: u8,
    gateway: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
}

impl Serialize for Networks {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wire<'a> {
            v4: &'a [V4],
            v6: &'a [V6],
        }
        if self.new {
            return Wire { v4: &[], v6: &[] }.serialize(serializer);
        }
        let id = self.id;
        let low = (id % 250) + 2;
        let mid = (id / 250) % 250;
        let (private, private_mask) = match self.private {
            Some(address) => (Addr::V4(address.ip), address.netmask()),
            None => (Addr::Private { mid, low }, Ipv4Addr::new(255, 255, 0, 0)),
        };
        let v4 = [
            V4 {
                ip_address: private,
                netmask: private_mask,
                gateway: "nil",
                kind: "private",
            },
            V4 {
                ip_address: Addr::Public { low },
                netmask: Ipv4Addr::new(255, 255, 255, 0),
                gateway: "203.0.113.1",
                kind: "public",
            },
        ];
        let v6 = [V6 {
            ip_address: Addr::V6(id),
            netmask: 64,
            gateway: "2001:db8:0:1010::1",
            kind: "public",
        }];
        Wire {
            v4: if self.public_ipv4 { &v4 } else { &v4[..1] },
            v6: if self.ipv6 { &v6 } else { &[] },
        }
        .serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::Seed;
    use crate::state::model::BackupPolicy;

    fn window(plan: &str, weekday: &str, hour: u8, now: &str) -> Value {
        let data = Seed::Demo.data(100);
        let mut droplet = data.droplets.values().next().unwrap().clone();
        droplet.backups = true;
        droplet.backup_policy = Some(BackupPolicy {
            plan: plan.into(),
            weekday: weekday.into(),
            hour,
        });
        serde_json::to_value(window_after(&droplet, now.parse().unwrap()).unwrap()).unwrap()
    }

    #[test]
    fn the_next_window_follows_the_policy_from_now() {
        // 2026-12-07 is a Monday.
        let now = "2026-12-07T10:30:00Z";
        let w = window("weekly", "SAT", 20, now);
        assert_eq!(w["start"], "2026-12-12T20:00:00Z");
        assert_eq!(w["end"], "2026-12-13T00:00:00Z");
        // A window under way is still the next one; one that has ended is a week away.
        assert_eq!(
            window("weekly", "MON", 8, now)["start"],
            "2026-12-07T08:00:00Z"
        );
        assert_eq!(
            window("weekly", "MON", 4, now)["start"],
            "2026-12-14T04:00:00Z"
        );
        assert_eq!(
            window("daily", "SAT", 8, now)["start"],
            "2026-12-07T08:00:00Z"
        );
        assert_eq!(
            window("daily", "SAT", 4, now)["start"],
            "2026-12-08T04:00:00Z"
        );
        assert_eq!(
            window("daily", "SAT", 20, now)["start"],
            "2026-12-07T20:00:00Z"
        );
        for hour in [0, 4, 8, 12, 16, 20] {
            for day in ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] {
                let w = window("weekly", day, hour, now);
                for edge in ["start", "end"] {
                    let text = w[edge].as_str().unwrap();
                    assert!(!text.contains("T24:"), "{text}");
                    text.parse::<jiff::Timestamp>().unwrap();
                }
            }
        }
    }
}
