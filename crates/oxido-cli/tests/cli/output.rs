//! Output a script can trust: creates print what they made, `-o json` has no envelope,
//! `--format` refuses unknown columns and takes doctl's short names, and table cells are
//! measured, escaped and cut.

use serde_json::Value;

use crate::common::{Harness, stderr, stdout};

const CREATE: &[&str] = &[
    "droplets",
    "create",
    "--name",
    "web-1",
    "--region",
    "nyc3",
    "--size",
    "s-1vcpu-1gb",
    "--image",
    "ubuntu-20-04-x64",
];

#[test]
fn droplets_create_prints_the_droplet_and_its_id_for_a_script() {
    let h = Harness::start();
    let out = h.oxido().args(CREATE).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&out);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 2, "{table}");
    assert!(lines[0].starts_with("ID "), "{table}");
    assert!(lines[0].contains("Public IPv4"), "{table}");
    assert!(lines[0].contains("Tags"), "{table}");
    assert!(lines[1].contains("web-1"), "{table}");

    let out = h
        .oxido()
        .args(CREATE)
        .args(["--format", "id", "--no-header"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let id: u64 = stdout(&out).trim().parse().expect("one id");
    assert_eq!(h.droplet(id)["name"], "web-1");
}

#[test]
fn create_json_is_the_object_without_its_envelope() {
    let h = Harness::start();
    let out = h
        .oxido()
        .args(CREATE)
        .args(["-o", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let droplet: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(droplet["name"], "web-1");
    assert!(droplet.get("links").is_none() && droplet.get("droplet").is_none());
    let id = droplet["id"].as_u64().unwrap();
    assert_eq!(h.droplet(id)["id"], droplet["id"]);

    let out = h
        .oxido()
        .args(["reserved-ips", "create", "--region", "nyc3", "-o", "yaml"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let yaml = stdout(&out);
    assert!(
        yaml.starts_with("ip: ") || yaml.contains("\nip: "),
        "{yaml}"
    );
    assert!(
        !yaml.contains("links:") && !yaml.contains("reserved_ip:"),
        "{yaml}"
    );
}

#[test]
fn reserved_and_floating_ip_creates_print_a_row() {
    let h = Harness::start();
    for handler in ["reserved-ips", "floating-ips"] {
        let out = h
            .oxido()
            .args([handler, "create", "--region", "nyc3"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let table = stdout(&out);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 2, "{handler}: {table}");
        assert!(lines[0].contains("IP"), "{handler}: {table}");
        assert!(lines[1].contains("nyc3"), "{handler}: {table}");
    }
}

#[test]
fn format_refuses_an_unknown_column_before_sending() {
    let h = Harness::start();
    let before = h.requests_to("/v2/droplets");
    let out = h
        .oxido()
        .args(CREATE)
        .args(["--format", "ID,Colour"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("unknown column `Colour`"), "{err}");
    assert!(err.contains("PublicIPv4") && err.contains("Tags"), "{err}");
    assert_eq!(h.requests_to("/v2/droplets"), before, "nothing was sent");
}

#[test]
fn doctl_short_names_and_dotted_paths_pick_the_right_address() {
    let h = Harness::start();
    let droplet = h.droplet(3164444);
    let v4 = droplet["networks"]["v4"].as_array().unwrap();
    let public = v4.iter().find(|n| n["type"] == "public").unwrap()["ip_address"]
        .as_str()
        .unwrap();
    let private = v4.iter().find(|n| n["type"] == "private").unwrap()["ip_address"]
        .as_str()
        .unwrap();
    let out = h
        .oxido()
        .args(["droplets", "get", "3164444", "--no-header"])
        .args([
            "--format",
            "ID,PublicIPv4,PrivateIPv4,networks.v4[type=public].ip_address,Region",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let cells: Vec<String> = stdout(&out).split_whitespace().map(str::to_owned).collect();
    assert_eq!(cells, ["3164444", public, private, public, "nyc3"]);

    let out = h
        .oxido()
        .args([
            "droplets",
            "get",
            "3164444",
            "--format",
            "id,networks.v4.0.ip_address",
        ])
        .output()
        .unwrap();
    let header = stdout(&out).lines().next().unwrap_or_default().to_owned();
    assert_eq!(header, "ID        IP Address", "headers read as words");
}

#[test]
fn default_columns_are_the_ones_a_person_would_pick() {
    let h = Harness::start();
    let header = |args: &[&str]| -> String {
        let out = h.oxido().args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            text.lines().all(|l| l.chars().count() <= 200),
            "{args:?}: a line wider than 200 columns:\n{text}"
        );
        text.lines().next().unwrap_or_default().to_owned()
    };
    let droplets = header(&["droplets", "list"]);
    for column in ["Public IPv4", "Tags", "Region", "Status"] {
        assert!(droplets.contains(column), "{droplets}");
    }
    assert!(header(&["volumes", "list"]).contains("Droplet IDs"));
    assert!(!header(&["ssh-keys", "list"]).contains("Public Key"));
    assert!(!header(&["domains", "list"]).contains("Zone File"));
    header(&["apps", "list"]);
}

#[test]
fn cells_are_measured_by_display_width_escaped_and_cut() {
    let h = Harness::start();
    // Two real keys: the API (and the emulator) refuse a public key stored twice.
    let keys = [
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAII1Fz8XbgcmtQwrlRqsOaM3P5l0nPBIyfM0soMyfZPeb t1",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ4Re6ggeXNzG8XUG31KurknPXibABhRgMUCShJyORay t2",
    ];
    for (name, key) in ["東京キー\u{1b}[31m", "web"].into_iter().zip(keys) {
        let out = h
            .oxido()
            .args(["ssh-keys", "create", "--name", name, "--public-key", key])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let out = h
        .oxido()
        .args(["ssh-keys", "list", "--format", "name,fingerprint"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains('\u{1b}'), "raw escape reached the terminal");
    let lines: Vec<&str> = text.lines().collect();
    let row = |name: &str| *lines.iter().find(|l| l.starts_with(name)).expect(name);
    // The fingerprint (the last column, 47 ASCII characters) starts at the same display column
    // in every row: the CJK name takes two columns a character.
    let start = |line: &str| display_width(&line[..line.len() - 47]);
    let cjk = row("東京キー\\u{1b}[31m");
    let web = row("web");
    assert_eq!(start(cjk), start(web), "\n{text}");

    let out = h
        .oxido()
        .env("COLUMNS", "12")
        .args(["ssh-keys", "list", "--format", "fingerprint"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.lines()
            .skip(1)
            .all(|l| l.ends_with('…') && l.chars().count() == 12),
        "{text}"
    );
}

/// Display width of ASCII and the CJK of these tests (two columns each).
fn display_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}
