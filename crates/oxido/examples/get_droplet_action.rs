//! Fetches one Droplet action, like the reference page's request sample
//! (`client.droplet_actions.get(droplet_id=..., action_id=...)`), against an `oxido-sim`
//! emulator started inside this process, so the example never needs an account or the network.
//!
//! ```text
//! cargo run -p oxido --example get_droplet_action              # the demo seed's 3164444 / 36804636
//! cargo run -p oxido --example get_droplet_action -- 3164444 36804636
//! ```
//!
//! Against the real API the only change is the client: `Client::from_env()?` (it reads
//! `DIGITALOCEAN_TOKEN`) instead of pointing the builder at the emulator.

use std::process::ExitCode;

use oxido::Client;
use oxido_sim::{Seed, Sim};

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let ids = (
        parse_id(args.next(), "droplet_id", 3164444),
        parse_id(args.next(), "action_id", 36804636),
    );
    let (droplet_id, action_id) = match ids {
        (Ok(droplet_id), Ok(action_id)) => (droplet_id, action_id),
        (Err(message), _) | (_, Err(message)) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };

    let sim = match Sim::builder().seed(Seed::Demo).start().await {
        Ok(sim) => sim,
        Err(err) => {
            eprintln!("could not start the emulator: {err}");
            return ExitCode::FAILURE;
        }
    };
    let client = match Client::builder()
        .token(sim.token())
        .base_url(sim.base_url())
        .build()
    {
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
    let Some(text) = arg else {
        return Ok(default);
    };
    match text.parse::<u64>() {
        Ok(id) if id >= 1 => Ok(id),
        _ => Err(format!("{name} must be a positive integer, got `{text}`")),
    }
}
