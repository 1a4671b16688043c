//! The server under test: where it is, how to authenticate, and which action to fetch.

use url::Url;

/// The reference page's droplet and action, present in the emulator's demo seed.
pub const REFERENCE_ACTION: (u64, u64) = (3_164_444, 36_804_636);

/// A server the loops talk to.
#[derive(Debug, Clone)]
pub struct Target {
    /// Base URL, for example `http://127.0.0.1:3000`.
    pub base_url: String,
    /// Bearer token the server accepts.
    pub token: String,
    /// (droplet id, action id) fetched by the GET loops.
    pub action: (u64, u64),
}

impl Target {
    /// A target on a loopback address; anything else is refused, so no benchmark can reach a real API.
    pub fn loopback(base_url: &str, token: &str) -> Result<Self, String> {
        let url = Url::parse(base_url).map_err(|err| format!("--base-url {base_url:?}: {err}"))?;
        let loopback = match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(name)) => name == "localhost",
            None => false,
        };
        if !loopback || url.scheme() != "http" {
            return Err(format!(
                "--base-url must be an http URL on 127.0.0.1 or localhost, got {base_url:?}"
            ));
        }
        Ok(Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            action: REFERENCE_ACTION,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_http_is_accepted() {
        assert!(Target::loopback("http://127.0.0.1:3000", "t").is_ok());
        assert!(Target::loopback("http://localhost:3000/", "t").is_ok());
        assert!(Target::loopback("http://[::1]:3000", "t").is_ok());
        for bad in [
            "https://api.digitalocean.com",
            "http://10.0.0.1:80",
            "not a url",
        ] {
            let err = Target::loopback(bad, "t").expect_err(bad);
            assert!(err.contains("--base-url"), "{err}");
        }
    }
}
