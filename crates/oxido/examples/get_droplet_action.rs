//! Fetches one Droplet action, like the reference page's request sample
//! (`client.droplet_actions.get(droplet_id=3934132, action_id=2432342)`).
//!
//! Reads the token from `DIGITALOCEAN_TOKEN` and, when set, the server from `DIGITALOCEAN_API_URL`
//! (point it at the local emulator: `DIGITALOCEAN_API_URL=http://127.0.0.1:3000`).
//!
//! ```text
//! DIGITALOCEAN_TOKEN=... cargo run -p oxido --example get_droplet_action -- 3934132 2432342
//! ```

use std::process::ExitCode;

use oxido::Client;

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let droplet_id = parse_id(args.next(), "droplet_id", 3934132);
    let action_id = parse_id(args.next(), "action_id", 2432342);
    let (droplet_id, action_id) = match (droplet_id, action_id) {
        (Ok(droplet_id), Ok(action_id)) => (droplet_id, action_id),
        (Err(message), _) | (_, Err(message)) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };

    let client = match Client::from_env() {
        Ok(client) => client,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::from(2);
        }
    };

    match client.droplet_actions().get(droplet_id, action_id).await {
        Ok(action) => match serde_json::to_string_pretty(&action) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("could not print the action: {err}");
                ExitCode::FAILURE
            }
        },
        Err(err) => {
            eprintln!("{err}");
            ExitCode::FAILURE
        }
    }
}

fn parse_id(arg: Option<String>, name: &str, default: u64) -> Result<u64, String> {
    match arg {
        None => Ok(default),
        Some(text) => text
            .parse()
            .map_err(|_| format!("{name} must be a positive integer, got `{text}`")),
    }
}
