//! What the API refuses that a schema cannot say: duplicates (a volume name in a region,
//! a public key, a domain, a certificate name; and, in their families' modules, a
//! database user, an app, a CDN origin, a CNAME's name, a VPC, a VPC peering, a
//! project), DNS record data per type, domain names, CIDRs, public keys that do not
//! parse, and sizes that are not positive. Each refusal is a 422 (409 where the API
//! answers so) naming the field.

use std::net::{Ipv4Addr, Ipv6Addr};

use base64::Engine as _;
use md5::{Digest, Md5};
use serde_json::Value;

use crate::engine::call::{Call, ensure_seeded};
use crate::engine::store::Unique;
use crate::wire::error::ApiError;

/// The largest volume the product offers: 16 TiB (csi-digitalocean's
/// `maximumVolumeSizeInBytes`, driver/controller.go).
pub(crate) const MAX_VOLUME_GIB: u64 = 16_384;

/// A Spaces key grant's permissions: the spec's `grant.permission` ("Possible values are
/// `read`, `readwrite`, `fullaccess`, or an empty string"), godo's `SpacesKeyPermission`s.
const SPACES_PERMISSIONS: [&str; 4] = ["read", "readwrite", "fullaccess", ""];

fn refuse(message: String) -> ApiError {
    ApiError::unprocessable(message)
}

fn body_str<'a>(body: &'a Value, field: &str) -> Option<&'a str> {
    body.get(field).and_then(Value::as_str)
}

/// Checks a create (`creating`) or update of an object of `collection` (a path template).
pub(crate) fn check(call: &Call<'_>, collection: &str, creating: bool) -> Result<(), ApiError> {
    let Some(body) = call.body.as_ref() else {
        return Ok(());
    };
    match collection {
        "/v2/volumes" => {
            if creating && let Some(name) = body_str(body, "name") {
                volume_name(name)?;
            }
            if let Some(size) = body.get("size_gigabytes").and_then(Value::as_f64)
                && size <= 0.0
            {
                return Err(refuse(format!(
                    "size_gigabytes: must be a positive number of GiB (got {size})"
                )));
            }
            if let Some(size) = body.get("size_gigabytes").and_then(Value::as_f64)
                && size > MAX_VOLUME_GIB as f64
            {
                return Err(refuse(format!(
                    "size_gigabytes: a volume holds at most {MAX_VOLUME_GIB} GiB (16 TiB) (got {size})"
                )));
            }
            if creating
                && let (Some(name), Some(region)) =
                    (body_str(body, "name"), body_str(body, "region"))
                && held(
                    call,
                    "/v2/volumes",
                    Unique::VolumeInRegion,
                    &Unique::volume(name, region),
                )
            {
                return Err(refuse(format!(
                    "name: a volume named {name} already exists in {region}"
                )));
            }
        }
        "/v2/account/keys" => {
            if let Some(key) = body_str(body, "public_key") {
                let print = fingerprint(key).ok_or_else(|| {
                    refuse("public_key: is not an OpenSSH public key (`<type> <base64 blob> [comment]`)".to_owned())
                })?;
                if creating && held(call, "/v2/account/keys", Unique::Fingerprint, &print) {
                    return Err(refuse(
                        "public_key: SSH Key is already in use on your account".to_owned(),
                    ));
                }
            }
        }
        "/v2/domains" => {
            if let Some(name) = body_str(body, "name") {
                if !is_hostname(name) {
                    return Err(refuse(format!("name: {name:?} is not a domain name")));
                }
                if creating
                    && held(
                        call,
                        "/v2/domains",
                        Unique::DomainName,
                        &Unique::domain(name),
                    )
                {
                    return Err(refuse(format!("name: the domain {name} already exists")));
                }
            }
        }
        // The API's answer to a second certificate of one name, as captured from
        // api.digitalocean.com (RentFreeMedia/rentfreemedia#12); the Terraform provider
        // keys a certificate by its name (certificate/resource_certificate.go).
        "/v2/certificates" => {
            if creating && body_str(body, "type") == Some("lets_encrypt") {
                lets_encrypt_names(call, body)?;
            }
            if creating
                && body_str(body, "type") == Some("custom")
                && let Some(pem) = body_str(body, "leaf_certificate")
                && !super::certificates::has_pem_block(pem)
            {
                return Err(refuse(
                    "leaf_certificate: is not a PEM-encoded certificate".to_owned(),
                ));
            }
            if creating
                && let Some(name) = body_str(body, "name")
                && held(call, "/v2/certificates", Unique::Name, name)
            {
                return Err(refuse("name is not unique".to_owned()));
            }
        }
        // A custom domain is served with a certificate.
        "/v2/cdn/endpoints"
            if creating
                && body_str(body, "custom_domain").is_some_and(|d| !d.is_empty())
                && body_str(body, "certificate_id").is_none_or(str::is_empty) =>
        {
            return Err(refuse(
                "certificate_id: a custom domain needs a certificate".to_owned(),
            ));
        }
        "/v2/load_balancers" => {
            // Only a GLOBAL load balancer goes without a region and forwarding rules
            // (data/deviations.json relaxes the schema for it).
            let global = body_str(body, "type") == Some("GLOBAL");
            // Droplets come by id or by tag, never both (the description's two shapes).
            if body_str(body, "tag").is_some_and(|t| !t.is_empty())
                && body
                    .get("droplet_ids")
                    .and_then(Value::as_array)
                    .is_some_and(|ids| !ids.is_empty())
            {
                return Err(refuse(
                    "droplet_ids: give either droplet_ids or tag, not both".to_owned(),
                ));
            }
            if !global {
                for member in ["region", "forwarding_rules"] {
                    if body.get(member).is_none_or(Value::is_null) {
                        return Err(refuse(format!("{member}: is required")));
                    }
                }
            }
        }
        "/v2/domains/{domain_name}/records" => {
            // An update may leave `type` out: new data must still suit the stored type.
            let stored = (!creating && body_str(body, "type").is_none())
                .then(|| stored_record_type(call))
                .flatten();
            record(body, stored.as_deref(), creating)?;
            if creating {
                record_fields(body)?;
            }
        }
        "/v2/vpcs" => {
            // The description: `default` cannot be unset; another VPC is made the default.
            if !creating
                && body.get("default") == Some(&Value::Bool(false))
                && call.values.first().is_some_and(|id| {
                    call.docs().items("/v2/vpcs").is_some_and(|items| {
                        items
                            .key_of(id)
                            .and_then(|key| items.get(&key))
                            .is_some_and(|vpc| vpc["default"] == true)
                    })
                })
            {
                return Err(refuse(
                    "default: the default VPC stays the default until another VPC in its region is made the default".to_owned(),
                ));
            }
            if let Some(range) = body_str(body, "ip_range") {
                if !is_cidr(range) {
                    return Err(refuse(format!(
                        "ip_range: {range:?} is not an IPv4 CIDR block"
                    )));
                }
                if creating {
                    vpc_range_ok(range)?;
                }
            }
        }
        "/v2/spaces/keys" => {
            let grants = body.get("grants").and_then(Value::as_array);
            for (i, grant) in grants.into_iter().flatten().enumerate() {
                if let Some(permission) = body_str(grant, "permission")
                    && !SPACES_PERMISSIONS.contains(&permission)
                {
                    return Err(refuse(format!(
                        "grants[{i}].permission: '{permission}' is not one of read, readwrite, \
                         fullaccess or an empty string"
                    )));
                }
            }
        }
        _ => {}
    }
    unique(call, collection, body, creating)
}

/// Duplicates and references each family refuses, checked in that family's module.
fn unique(call: &Call<'_>, collection: &str, body: &Value, creating: bool) -> Result<(), ApiError> {
    match collection {
        "/v2/databases" if creating => super::db_ops::backup_source_exists(call, body),
        "/v2/databases/{database_cluster_uuid}/users" if creating => {
            super::db_ops::user_name_free(call, body)
        }
        "/v2/apps" => super::apps::name_free(call, body),
        "/v2/cdn/endpoints" if creating => super::cdn::origin_free(call, body),
        "/v2/domains/{domain_name}/records" => super::dns::cname_alone(call, body),
        "/v2/vpcs" => super::vpc_members::vpc_name_free(call, body),
        "/v2/vpc_peerings" | "/v2/vpcs/{vpc_id}/peerings" => {
            super::vpc_members::peering_ok(call, body, creating)
        }
        "/v2/projects" => {
            super::projects::name_free(call, body, call.values.first().map(String::as_str))
        }
        _ => Ok(()),
    }
}

/// Whether an item of the account's collection holds `key` under `rule` (an index
/// lookup: the collection's items keep it exact).
fn held(call: &Call<'_>, collection: &str, rule: Unique, key: &str) -> bool {
    ensure_seeded(call, &[collection]);
    call.docs()
        .items(collection)
        .is_some_and(|items| items.holds(rule, key))
}

/// The shortest TTL the API takes for a DNS record, in seconds.
const MIN_TTL: i64 = 30;

const RECORD_TYPES: &[&str] = &["A", "AAAA", "CAA", "CNAME", "MX", "NS", "SOA", "SRV", "TXT"];

/// The stored type of the record an update names (`…/records/{id}`), if it exists.
fn stored_record_type(call: &Call<'_>) -> Option<String> {
    let [domain, id, ..] = call.values.as_slice() else {
        return None;
    };
    let collection = format!("/v2/domains/{domain}/records");
    ensure_seeded(call, &[&collection]);
    let docs = call.docs();
    let items = docs.items(&collection)?;
    items
        .get(&items.key_of(id)?)?
        .get("type")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// A DNS record's type (the body's, or `stored` on an update without one) and its data
/// for that type.
fn record(body: &Value, stored: Option<&str>, creating: bool) -> Result<(), ApiError> {
    // The API refuses a TTL under 30 seconds (data/deviations.json has the evidence).
    if let Some(ttl) = body.get("ttl").and_then(Value::as_i64)
        && ttl < MIN_TTL
    {
        return Err(refuse(format!(
            "ttl: {ttl} is below the minimum of {MIN_TTL} seconds"
        )));
    }
    let kind = body_str(body, "type").or(stored);
    if creating || kind.is_some() {
        let kind = kind.unwrap_or_default();
        if !RECORD_TYPES.contains(&kind) {
            return Err(refuse(format!(
                "type: {kind:?} is not one of {}",
                RECORD_TYPES.join(", ")
            )));
        }
        if let Some(data) = body_str(body, "data") {
            let ok = match kind {
                "A" => data.parse::<Ipv4Addr>().is_ok(),
                "AAAA" => data.parse::<Ipv6Addr>().is_ok(),
                "CNAME" | "MX" | "NS" => data == "@" || is_hostname(data.trim_end_matches('.')),
                _ => !data.is_empty(),
            };
            if !ok {
                let wanted = match kind {
                    "A" => "an IPv4 address",
                    "AAAA" => "an IPv6 address",
                    "CNAME" | "MX" | "NS" => "a hostname or @",
                    _ => "not empty",
                };
                return Err(refuse(format!(
                    "data: {data:?} is not valid for a {kind} record: must be {wanted}"
                )));
            }
        }
    }
    Ok(())
}

/// Let's Encrypt certificates are issued for names in domains the account manages with
/// DigitalOcean DNS (the API validates them through its own records).
fn lets_encrypt_names(call: &Call<'_>, body: &Value) -> Result<(), ApiError> {
    let names: Vec<&str> = body
        .get("dns_names")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if names.is_empty() {
        return Ok(());
    }
    ensure_seeded(call, &["/v2/domains"]);
    let docs = call.docs();
    let Some(domains) = docs.items("/v2/domains") else {
        return Err(refuse(format!(
            "dns_names: {} is not in a domain this account manages",
            names[0]
        )));
    };
    for name in names {
        let name = name.trim_start_matches("*.").trim_end_matches('.');
        let mut labels = name;
        let managed = loop {
            if domains.key_of(labels).is_some() {
                break true;
            }
            match labels.split_once('.') {
                Some((_, parent)) if parent.contains('.') => labels = parent,
                _ => break false,
            }
        };
        if !managed {
            return Err(refuse(format!(
                "dns_names: {name} is not in a domain this account manages"
            )));
        }
    }
    Ok(())
}

/// The members a new record of its type needs, as the API's description of each
/// says: MX a priority; SRV a priority, port and weight; CAA a known tag.
fn record_fields(body: &Value) -> Result<(), ApiError> {
    let needs: &[&str] = match body_str(body, "type") {
        Some("MX") => &["priority"],
        Some("SRV") => &["priority", "port", "weight"],
        Some("CAA") => &["flags", "tag"],
        _ => &[],
    };
    let kind = body_str(body, "type").unwrap_or_default();
    for member in needs {
        if body.get(*member).is_none_or(Value::is_null) {
            return Err(refuse(format!("{member}: is required for a {kind} record")));
        }
    }
    if kind == "CAA"
        && let Some(tag) = body_str(body, "tag")
        && !["issue", "issuewild", "iodef"].contains(&tag)
    {
        return Err(refuse(format!(
            "tag: {tag:?} is not one of issue, issuewild, iodef"
        )));
    }
    Ok(())
}

/// A DNS name: dot-separated labels of letters, digits and inner hyphens (63 bytes
/// each, 253 in all), with at least two labels.
pub(crate) fn is_hostname(name: &str) -> bool {
    let labels: Vec<&str> = name.split('.').collect();
    name.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// `a.b.c.d/n` with `n` at most 32.
/// `a.b.c.d/n` as its first address and prefix length.
fn cidr(text: &str) -> Option<(u32, u8)> {
    let (address, bits) = text.split_once('/')?;
    let bits = bits.parse::<u8>().ok().filter(|b| *b <= 32)?;
    Some((u32::from(address.parse::<Ipv4Addr>().ok()?), bits))
}

/// A new VPC's range, as the description of `ip_range` bounds it: private (RFC 1918)
/// and no larger than /16. Overlaps are not refused: the demo's documented VPC holds
/// 10.10.10.0/24, the very range the Terraform provider's VPC test asks for
/// (vpc/resource_vpc_test.go), which a fresh account of the API would grant. Nor are
/// ranges under /28, which the emulator's own tests use to fill a VPC quickly.
fn vpc_range_ok(range: &str) -> Result<(), ApiError> {
    let Some((base, bits)) = cidr(range) else {
        return Ok(());
    };
    if bits < 16 {
        return Err(refuse(format!("ip_range: {range} is larger than /16")));
    }
    let private = [(0x0a00_0000, 8), (0xac10_0000, 12), (0xc0a8_0000, 16)]
        .iter()
        .any(|(net, len)| base >> (32 - len) == net >> (32 - len));
    if !private {
        return Err(refuse(format!(
            "ip_range: {range} is not a private (RFC 1918) range"
        )));
    }
    Ok(())
}

fn is_cidr(text: &str) -> bool {
    let Some((address, bits)) = text.split_once('/') else {
        return false;
    };
    address.parse::<Ipv4Addr>().is_ok()
        && !bits.starts_with('+')
        && bits.parse::<u8>().is_ok_and(|b| b <= 32)
}

/// The MD5 fingerprint of an OpenSSH public key, as `ssh-keygen -E md5 -l` prints it
/// (colon-separated hex); `None` if the key does not parse: its blob must be base64
/// whose first field is the key type the line names.
pub(crate) fn fingerprint(public_key: &str) -> Option<String> {
    let mut fields = public_key.split_whitespace();
    let kind = fields.next()?;
    let blob = base64::engine::general_purpose::STANDARD
        .decode(fields.next()?)
        .ok()?;
    let fields = ssh_fields(&blob)?;
    let (first, rest) = fields.split_first()?;
    if *first != kind.as_bytes() || !key_fields_fit(kind, rest) {
        return None;
    }
    let digest = Md5::digest(&blob);
    Some(
        digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":"),
    )
}

/// The SSH wire strings (a 4-byte big-endian length, then that many bytes) a key blob
/// is made of; `None` if one is cut short.
fn ssh_fields(mut blob: &[u8]) -> Option<Vec<&[u8]>> {
    let mut out = Vec::new();
    while !blob.is_empty() {
        let len = u32::from_be_bytes(blob.get(..4)?.try_into().ok()?) as usize;
        out.push(blob.get(4..4usize.checked_add(len)?)?);
        blob = &blob[4 + len..];
    }
    Some(out)
}

/// Whether the fields after a key's type are what that type holds (RFC 4253, 5656,
/// 8709): a truncated or padded key does not parse.
fn key_fields_fit(kind: &str, fields: &[&[u8]]) -> bool {
    match kind {
        "ssh-ed25519" => fields.len() == 1 && fields[0].len() == 32,
        "ssh-rsa" => {
            fields.len() == 2 && fields.iter().all(|f| !f.is_empty()) && fields[1].len() >= 64
        }
        "ssh-dss" => fields.len() == 4 && fields.iter().all(|f| !f.is_empty()),
        "ecdsa-sha2-nistp256" => fields.len() == 2 && fields[1].len() == 65,
        "ecdsa-sha2-nistp384" => fields.len() == 2 && fields[1].len() == 97,
        "ecdsa-sha2-nistp521" => fields.len() == 2 && fields[1].len() == 133,
        // Security-key and other types: at least one well-formed field.
        _ => !fields.is_empty() && fields.iter().all(|f| !f.is_empty()),
    }
}

/// A volume's name as the API takes it: lowercase letters, digits and `-`, starting
/// with a letter, at most 64 characters (the spec's `volume_base.name`; the API answers
/// a 422 "invalid volume name. names must be lowercase and alphanumeric",
/// terraform-provider-digitalocean#386 and pulumi-digitalocean#240).
fn volume_name(name: &str) -> Result<(), ApiError> {
    let valid = name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(refuse(format!(
            "name: invalid volume name '{name}': names must be lowercase letters, digits and \
             '-', start with a letter and be at most 64 characters"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key made by `ssh-keygen -t ed25519`; `ssh-keygen -E md5 -lf` printed
    /// `MD5:a2:a7:3f:20:72:36:f5:10:f7:70:fd:68:8d:5c:4a:18` for it.
    const KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDUpI/qA1SrOIoe/PXS/aB9YBSJDdApE9EqkpFtMosjZ sammy@example";

    #[test]
    fn fingerprints_are_the_md5_of_the_blob() {
        let print = fingerprint(KEY).expect("parses");
        assert_eq!(print, "a2:a7:3f:20:72:36:f5:10:f7:70:fd:68:8d:5c:4a:18");
        assert_eq!(
            fingerprint(&KEY.replace("sammy@example", "other")),
            Some(print)
        );
        assert_eq!(fingerprint("not a key at all"), None);
        // The blob says ed25519; the line says rsa.
        assert_eq!(fingerprint(&KEY.replace("ssh-ed25519", "ssh-rsa")), None);
        // A truncated key: its 32-byte point cut to 29 bytes.
        let blob = base64::engine::general_purpose::STANDARD
            .decode("AAAAC3NzaC1lZDI1NTE5AAAAIDUpI/qA1SrOIoe/PXS/aB9YBSJDdApE9EqkpFtMosjZ")
            .expect("base64");
        let cut = base64::engine::general_purpose::STANDARD.encode(&blob[..blob.len() - 3]);
        assert_eq!(fingerprint(&format!("ssh-ed25519 {cut}")), None);
        // Its declared length kept, its bytes cut.
        let short = base64::engine::general_purpose::STANDARD.encode(&blob[..blob.len() - 1]);
        assert_eq!(fingerprint(&format!("ssh-ed25519 {short} x")), None);
        // Bytes after the key.
        let mut padded = blob.clone();
        padded.extend_from_slice(&[0, 0, 0, 1, 7]);
        let padded = base64::engine::general_purpose::STANDARD.encode(&padded);
        assert_eq!(fingerprint(&format!("ssh-ed25519 {padded}")), None);
    }

    #[test]
    fn names_and_ranges() {
        assert!(is_hostname("example.com"));
        assert!(is_hostname("a-b.example.co.uk"));
        assert!(!is_hostname("not a domain!!"));
        assert!(!is_hostname("-x.com"));
        assert!(!is_hostname("localhost"));
        assert!(is_cidr("10.0.0.0/16"));
        assert!(!is_cidr("10.0.0.0/33"));
        assert!(!is_cidr("10.0.0/16"));
    }
}
