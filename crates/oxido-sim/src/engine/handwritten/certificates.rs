//! Custom certificates: what the API reads from the uploaded leaf certificate (its DNS
//! names, expiry and SHA-1 fingerprint) instead of values made up for it.

use serde_json::Value;
use x509_parser::extensions::GeneralName;
use x509_parser::pem::parse_x509_pem;

/// What a leaf certificate says of itself.
pub(crate) struct Leaf {
    pub sha1_fingerprint: String,
    pub not_after: String,
    pub dns_names: Vec<String>,
}

/// Whether `pem` holds a PEM certificate block at all (the API refuses an upload that
/// does not).
pub(crate) fn has_pem_block(pem: &str) -> bool {
    pem.contains("-----BEGIN CERTIFICATE-----") && pem.contains("-----END CERTIFICATE-----")
}

/// The first certificate of `pem`, read; `None` for one that does not parse.
pub(crate) fn leaf(pem: &str) -> Option<Leaf> {
    let (_, block) = parse_x509_pem(pem.trim_start().as_bytes()).ok()?;
    let cert = block.parse_x509().ok()?;
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &block.contents);
    let sha1_fingerprint = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    let not_after = jiff::Timestamp::from_second(cert.validity().not_after.timestamp())
        .ok()?
        .to_string();
    let mut dns_names: Vec<String> = cert
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|san| {
            san.value
                .general_names
                .iter()
                .filter_map(|name| match name {
                    GeneralName::DNSName(dns) => Some((*dns).to_owned()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    if dns_names.is_empty() {
        dns_names.extend(
            cert.subject()
                .iter_common_name()
                .filter_map(|cn| cn.as_str().ok().map(str::to_owned)),
        );
    }
    Some(Leaf {
        sha1_fingerprint,
        not_after,
        dns_names,
    })
}

/// Puts what the uploaded leaf says into a new custom certificate.
pub(crate) fn read_leaf(object: &mut Value, body: Option<&Value>) {
    let Some(pem) = body
        .and_then(|b| b.get("leaf_certificate"))
        .and_then(Value::as_str)
    else {
        return;
    };
    let Some(leaf) = leaf(pem) else {
        return;
    };
    if let Some(map) = object.as_object_mut() {
        map.insert("sha1_fingerprint".into(), leaf.sha1_fingerprint.into());
        map.insert("not_after".into(), leaf.not_after.into());
        map.insert("dns_names".into(), Value::from(leaf.dns_names));
    }
}
