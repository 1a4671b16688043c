//! DNS as the API keeps it: a new domain comes with its SOA and DigitalOcean's three NS
//! records (and an A record for `@` when the create names an `ip_address`), and hostname
//! data is stored without its trailing dot. The Terraform provider adds the dot back to
//! CNAME, MX, NS, SRV and CAA data it reads (domain/resource_record.go), so an answer that
//! kept it would read back as `name..`.

use serde_json::{Value, json};

use crate::engine::call::Call;
use crate::wire::error::ApiError;

/// The TTL the API gives a domain and a record made without one.
pub(crate) const DEFAULT_TTL: u64 = 1800;

/// The record types whose data is a hostname the API stores without its trailing dot.
fn hostname_data(kind: &str) -> bool {
    matches!(kind, "CNAME" | "MX" | "NS" | "SRV" | "CAA")
}

/// Drops one trailing dot from a record's hostname data (`@` and CAA `iodef` URLs stay).
pub(crate) fn normalize_record(record: &mut Value) {
    let kind = record
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !hostname_data(kind) {
        return;
    }
    if let Some(Value::String(data)) = record.get_mut("data")
        && data.len() > 1
        && data.ends_with('.')
    {
        data.pop();
    }
}

fn record(call: &Call<'_>, kind: &str, name: &str, data: &str) -> (String, Value) {
    let id = call.tx.next_id();
    (
        id.to_string(),
        json!({
            "id": id, "type": kind, "name": name, "data": data, "priority": null,
            "port": null, "ttl": DEFAULT_TTL, "weight": null, "flags": null, "tag": null,
        }),
    )
}

/// A new domain's records, and its TTL and zone file.
pub(super) fn domain_created(call: &Call<'_>, domain: &mut Value) {
    let Some(name) = domain
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        return;
    };
    let ip = domain
        .get("ip_address")
        .and_then(Value::as_str)
        .filter(|ip| !ip.is_empty())
        .map(str::to_owned);
    let mut records = vec![record(call, "SOA", "@", "1800")];
    for ns in ["ns1", "ns2", "ns3"] {
        records.push(record(call, "NS", "@", &format!("{ns}.digitalocean.com")));
    }
    if let Some(ip) = &ip {
        records.push(record(call, "A", "@", ip));
    }
    let mut zone = format!(
        "$ORIGIN {name}.\n$TTL {DEFAULT_TTL}\n{name}. IN SOA ns1.digitalocean.com. \
         hostmaster.{name}. 1 10800 3600 604800 1800\n"
    );
    for ns in ["ns1", "ns2", "ns3"] {
        zone.push_str(&format!(
            "{name}. {DEFAULT_TTL} IN NS {ns}.digitalocean.com.\n"
        ));
    }
    if let Some(ip) = &ip {
        zone.push_str(&format!("{name}. {DEFAULT_TTL} IN A {ip}\n"));
    }
    if let Some(map) = domain.as_object_mut() {
        map.insert("ttl".into(), Value::from(DEFAULT_TTL));
        map.insert("zone_file".into(), Value::String(zone));
    }
    let path = format!("/v2/domains/{name}/records");
    let mut docs = call.docs_mut();
    // A new domain has nothing of its own to seed.
    docs.seeded.insert(path.clone());
    for (key, record) in records {
        // A full account keeps the domain without them rather than failing its create.
        let _ = docs.put(&path, key, record);
    }
}

/// A record's name relative to its domain: `@` for the apex, given as `@`, as the
/// domain or as its FQDN; a label in any case and with or without the domain.
fn relative_name(name: &str, domain: &str) -> String {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    if name == "@" || name.is_empty() || name == domain {
        return "@".to_owned();
    }
    match name.strip_suffix(&format!(".{domain}")) {
        Some(label) => label.to_owned(),
        None => name,
    }
}

/// A CNAME owns its name (RFC 1034 §3.6.2, RFC 2181 §10.1): a CNAME where another record
/// is, or another record where a CNAME is, is a 422 with the API's own message, as
/// captured in kubernetes-sigs/external-dns issue 4802 ("CNAME records cannot share a
/// name with other records"). An update is checked with the record's stored type and name.
pub(super) fn cname_alone(call: &Call<'_>, body: &Value) -> Result<(), ApiError> {
    let Some(domain) = call.values.first() else {
        return Ok(());
    };
    let collection = format!("/v2/domains/{domain}/records");
    let own = call.values.get(1).map(String::as_str);
    let stored = own.and_then(|id| super::behave::find(call, &collection, id).map(|(_, r)| r));
    let member = |field: &str| {
        body.get(field)
            .and_then(Value::as_str)
            .or_else(|| stored.as_ref()?.get(field)?.as_str())
            .map(str::to_owned)
    };
    let (Some(kind), Some(name)) = (member("type"), member("name")) else {
        return Ok(());
    };
    let name = relative_name(&name, domain);
    let cname = kind.eq_ignore_ascii_case("CNAME");
    let clash = super::behave::any_other(call, &collection, own, |record| {
        let same_name = record
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| relative_name(n, domain) == name);
        let other_cname = record
            .get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("CNAME"));
        same_name && (cname || other_cname)
    });
    if clash {
        return Err(ApiError::unprocessable(format!(
            "name: CNAME records cannot share a name with other records ({name})"
        )));
    }
    Ok(())
}
