//! HTTPS: the certificate the emulator makes for itself at start, or the user's own.
//!
//! A generated setup is a throwaway CA plus a server certificate it signs for
//! `localhost`, `127.0.0.1` and `::1`. The CA is separate from the server
//! certificate because webpki (rustls, so the SDK and the CLI) refuses a
//! self-signed end-entity certificate as its own trust anchor; OpenSSL (Python,
//! curl) and Go accept this layout as well. Keys are ECDSA P-256: made in
//! microseconds, and cheap handshakes.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::error::Error;

/// The names the generated server certificate is valid for.
pub(crate) const SERVER_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// A ready TLS setup: the rustls configuration and, for a generated one, the CA.
pub(crate) struct Tls {
    pub config: Arc<rustls::ServerConfig>,
    /// The CA certificate as PEM, when the emulator made its own certificate.
    pub ca_pem: Option<String>,
}

/// Makes a fresh CA and a server certificate signed by it.
pub(crate) fn generate() -> Result<Tls, Error> {
    let fail = |e: rcgen::Error| Error::InvalidConfig(format!("cannot make a certificate: {e}"));
    let ca_key = KeyPair::generate().map_err(fail)?;
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(fail)?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca.distinguished_name
        .push(DnType::CommonName, "oxido-sim local CA");
    let ca_cert = ca.self_signed(&ca_key).map_err(fail)?;
    let issuer = Issuer::new(ca, ca_key);

    let key = KeyPair::generate().map_err(fail)?;
    let names: Vec<String> = SERVER_NAMES.iter().map(|s| (*s).to_owned()).collect();
    let mut leaf = CertificateParams::new(names).map_err(fail)?;
    leaf.distinguished_name
        .push(DnType::CommonName, "localhost");
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    // Python 3.13's default X509 strict mode requires the AKI on a leaf.
    leaf.use_authority_key_identifier_extension = true;
    let leaf_cert = leaf.signed_by(&key, &issuer).map_err(fail)?;

    let chain = vec![leaf_cert.der().clone(), ca_cert.der().clone()];
    let key = PrivateKeyDer::try_from(key.serialize_der())
        .map_err(|e| Error::InvalidConfig(format!("the generated key is unusable: {e}")))?;
    Ok(Tls {
        config: server_config(chain, key)?,
        ca_pem: Some(ca_cert.pem()),
    })
}

/// Uses the caller's certificate chain and private key, both PEM.
pub(crate) fn from_pem(cert_pem: &[u8], key_pem: &[u8]) -> Result<Tls, Error> {
    let chain = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::InvalidConfig(format!("the TLS certificate is not valid PEM: {e}")))?;
    if chain.is_empty() {
        return Err(Error::InvalidConfig(
            "the TLS certificate file holds no CERTIFICATE block".into(),
        ));
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| {
        Error::InvalidConfig(format!(
            "the TLS key holds no usable PKCS#8, PKCS#1 or SEC1 private key: {e}"
        ))
    })?;
    Ok(Tls {
        config: server_config(chain, key)?,
        ca_pem: None,
    })
}

fn server_config(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<Arc<rustls::ServerConfig>, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::InvalidConfig(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| {
            Error::InvalidConfig(format!("the certificate and key do not fit together: {e}"))
        })?;
    // The server speaks HTTP/1.1 only; saying so stops clients from trying h2.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_setup_round_trips_through_pem() {
        let tls = generate().unwrap();
        let ca = tls.ca_pem.unwrap();
        assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"));
        assert_eq!(CertificateDer::pem_slice_iter(ca.as_bytes()).count(), 1);
    }

    #[test]
    fn bad_pem_is_named() {
        let err = from_pem(b"not a certificate", b"nor a key").err().unwrap();
        assert!(err.to_string().contains("no CERTIFICATE block"), "{err}");
        let tls = generate().unwrap();
        let ca = tls.ca_pem.unwrap();
        let err = from_pem(ca.as_bytes(), b"nor a key").err().unwrap();
        assert!(err.to_string().contains("private key"), "{err}");
    }
}
