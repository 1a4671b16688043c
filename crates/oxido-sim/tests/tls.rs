//! HTTPS (issue 19): the emulator's generated CA, the user's own certificate, HTTP and
//! HTTPS side by side, the SDK trusting an extra CA, and clients that do not trust it
//! being refused. Everything on 127.0.0.1.

use futures::TryStreamExt;
use oxido_sim::{DEMO_TOKEN, Sim};

fn trusting(ca_pem: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes()).unwrap())
        .build()
        .unwrap()
}

fn sdk(url: &str, ca_pem: Option<&str>) -> oxido::Client {
    let mut builder = oxido::Client::builder()
        .token(DEMO_TOKEN)
        .base_url(url)
        .no_proxy()
        .retry(oxido::RetryPolicy::default().with_max_retries(0));
    if let Some(pem) = ca_pem {
        builder = builder.add_root_certificate_pem(pem.as_bytes());
    }
    builder.build().expect("a client")
}

#[tokio::test]
async fn https_serves_the_api_and_links_say_https() {
    let sim = Sim::builder().tls(true).start().await.unwrap();
    let url = sim.base_url();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    assert_eq!(sim.tls_url().as_deref(), Some(url.as_str()));
    let ca = sim.ca_pem().expect("a generated CA");
    let client = trusting(ca);
    for host in [url.clone(), url.replace("127.0.0.1", "localhost")] {
        let response = client
            .get(format!("{host}/v2/droplets?per_page=1"))
            .bearer_auth(DEMO_TOKEN)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{host}: {e:?}"));
        assert_eq!(response.status(), 200);
        assert_eq!(response.version(), reqwest::Version::HTTP_11);
        let body: serde_json::Value =
            serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        let next = body["links"]["pages"]["next"]
            .as_str()
            .expect("a next link");
        assert!(next.starts_with(&format!("{host}/v2/droplets?")), "{next}");
    }
}

#[tokio::test]
async fn the_sdk_works_over_https_with_the_ca_added() {
    let sim = Sim::builder()
        .tls(true)
        .action_duration(std::time::Duration::from_millis(50))
        .start()
        .await
        .unwrap();
    let client = sdk(&sim.base_url(), sim.ca_pem());
    let action = client
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect("the reference action over HTTPS");
    assert_eq!(action.id, 36804636);
    // Pagination follows links across pages over the same TLS connection pool.
    let actions: Vec<oxido::Action> = client
        .actions()
        .list()
        .per_page(1)
        .into_stream()
        .try_collect()
        .await
        .expect("every action, one per page");
    assert!(actions.len() > 1, "{}", actions.len());
    // A write and a wait, so POST bodies and polling cross TLS too.
    let posted = client
        .droplet_actions()
        .post(3164444, oxido::DropletAction::Reboot)
        .await
        .expect("a reboot");
    let done = client
        .actions()
        .wait(posted.id)
        .poll_interval(
            std::time::Duration::from_millis(20),
            std::time::Duration::from_millis(100),
        )
        .timeout(std::time::Duration::from_secs(20))
        .await
        .expect("the reboot completes");
    assert_eq!(done.status, oxido::ActionStatus::Completed);
}

#[tokio::test]
async fn clients_that_do_not_trust_the_ca_are_refused() {
    let sim = Sim::builder().tls(true).start().await.unwrap();
    let url = format!("{}/v2/account", sim.base_url());
    let plain = reqwest::Client::builder().no_proxy().build().unwrap();
    let err = plain
        .get(&url)
        .bearer_auth(DEMO_TOKEN)
        .send()
        .await
        .expect_err("an unknown CA is refused");
    assert!(err.is_connect(), "{err:?}");
    assert!(format!("{err:?}").contains("UnknownIssuer"), "{err:?}");

    // Another emulator's CA does not vouch for this one.
    let other = Sim::builder().tls(true).start().await.unwrap();
    let err = trusting(other.ca_pem().unwrap())
        .get(&url)
        .send()
        .await
        .expect_err("a different CA is refused");
    assert!(err.is_connect(), "{err:?}");

    let err = sdk(&sim.base_url(), None)
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect_err("the SDK without the CA is refused");
    assert!(matches!(err, oxido::Error::Transport { .. }), "{err:?}");
    // The refused handshakes never reached the API pipeline.
    assert!(sim.requests().is_empty(), "{:?}", sim.requests());
}

#[tokio::test]
async fn plain_http_to_the_https_port_gets_no_api_answer() {
    let sim = Sim::builder().tls(true).start().await.unwrap();
    let url = sim.base_url().replace("https://", "http://");
    let plain = reqwest::Client::builder().no_proxy().build().unwrap();
    // rustls answers a plaintext request with a TLS alert and closes; no API status comes back.
    let outcome = plain.get(format!("{url}/v2/account")).send().await;
    assert!(outcome.is_err(), "{outcome:?}");
    // The server is still serving TLS clients afterwards.
    let ok = trusting(sim.ca_pem().unwrap())
        .get(format!("{}/v2/account", sim.base_url()))
        .bearer_auth(DEMO_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn http_and_https_listen_side_by_side_on_one_state() {
    let sim = Sim::builder()
        .tls_listen("127.0.0.1:0".parse().unwrap())
        .start()
        .await
        .unwrap();
    let http = sim.base_url();
    let https = sim.tls_url().expect("the HTTPS listener");
    assert!(http.starts_with("http://127.0.0.1:"), "{http}");
    assert!(https.starts_with("https://127.0.0.1:"), "{https}");
    assert_ne!(http, https.replace("https", "http"));
    let client = trusting(sim.ca_pem().unwrap());
    let made = client
        .post(format!("{http}/v2/tags"))
        .bearer_auth(DEMO_TOKEN)
        .header("content-type", "application/json")
        .body(r#"{"name": "seen-on-both"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 201);
    let read = client
        .get(format!("{https}/v2/tags/seen-on-both"))
        .bearer_auth(DEMO_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200, "{:?}", read.text().await);
}

#[tokio::test]
async fn the_callers_own_certificate_is_served() {
    // A CA and a server certificate made the way a user's tooling would.
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca, ca_key);
    let key = rcgen::KeyPair::generate().unwrap();
    let leaf = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();

    let sim = Sim::builder()
        .tls(true)
        .tls_cert_and_key(leaf.pem(), key.serialize_pem())
        .start()
        .await
        .unwrap();
    assert!(
        sim.ca_pem().is_none(),
        "no generated CA with the caller's certificate"
    );
    let url = sim.base_url().replace("127.0.0.1", "localhost");
    let response = trusting(&ca_cert.pem())
        .get(format!("{url}/v2/account"))
        .bearer_auth(DEMO_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn bad_tls_settings_are_named() {
    let err = Sim::builder()
        .tls_cert_and_key("x", "y")
        .start()
        .await
        .expect_err("a certificate without TLS on");
    assert!(err.to_string().contains("tls(true)"), "{err}");
    let err = Sim::builder()
        .tls(true)
        .tls_cert_and_key("not pem", "not pem")
        .start()
        .await
        .expect_err("garbage PEM");
    assert!(err.to_string().contains("certificate"), "{err}");

    let err = oxido::Client::builder()
        .token(DEMO_TOKEN)
        .add_root_certificate_pem(b"not a certificate")
        .build()
        .expect_err("a PEM without a certificate");
    assert!(err.to_string().contains("root certificate 1"), "{err}");
    assert!(err.to_string().contains("no PEM CERTIFICATE"), "{err}");
}

/// Kills the spawned binary however the test ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_serves_both_and_writes_the_ca_it_prints() {
    use std::io::BufRead;
    let ca_out =
        std::env::temp_dir().join(format!("oxido-sim-tls-test-{}.pem", std::process::id()));
    let mut child = Child(
        std::process::Command::new(env!("CARGO_BIN_EXE_oxido-sim"))
            .args([
                "--listen",
                "127.0.0.1:0",
                "--tls-listen",
                "127.0.0.1:0",
                "--ca-out",
            ])
            .arg(&ca_out)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the binary starts"),
    );
    let stdout = child.0.stdout.take().unwrap();
    // The banner is five lines; reading them blocks at most until the process prints or exits.
    let banner: Vec<String> = tokio::task::spawn_blocking(move || {
        std::io::BufReader::new(stdout)
            .lines()
            .take(5)
            .map(|line| line.unwrap())
            .collect()
    })
    .await
    .unwrap();
    let urls: Vec<&str> = banner
        .iter()
        .filter_map(|l| l.strip_prefix("oxido-sim listening on "))
        .collect();
    assert_eq!(urls.len(), 2, "{banner:?}");
    assert!(
        urls[0].starts_with("http://") && urls[1].starts_with("https://"),
        "{urls:?}"
    );
    let printed = format!("CA certificate: {}", ca_out.display());
    assert!(banner.contains(&printed), "{banner:?}");
    let ca = std::fs::read_to_string(&ca_out).expect("the CA file");
    let _ = std::fs::remove_file(&ca_out);
    let client = trusting(&ca);
    for url in urls {
        let response = client
            .get(format!("{url}/v2/account"))
            .bearer_auth(DEMO_TOKEN)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{url}: {e:?}"));
        assert_eq!(response.status(), 200, "{url}");
    }
}

#[test]
fn the_binary_names_tls_flags_used_without_tls() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_oxido-sim"))
        .args(["--listen", "127.0.0.1:0", "--ca-out", "/nonexistent/ca.pem"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("need --tls or --tls-listen"), "{stderr}");
}
