//! `--sandbox`: an oxido-sim emulator inside this process, with the demo data, for one command.

use std::time::Duration;

use oxido_sim::{Seed, Sim};

use crate::error::CliError;
use crate::stdio;

/// How long sandbox actions stay `in-progress`: long enough to watch `--wait`, short enough
/// not to bore anyone.
const ACTION_DURATION: Duration = Duration::from_secs(1);

/// A running emulator; dropping it shuts it down.
pub struct Sandbox {
    sim: Sim,
}

impl Sandbox {
    /// Starts the emulator on an ephemeral 127.0.0.1 port and says so on stderr.
    pub async fn start() -> Result<Sandbox, CliError> {
        let sim = Sim::builder()
            .seed(Seed::Demo)
            .action_duration(ACTION_DURATION)
            .start()
            .await
            .map_err(|e| CliError::Sandbox(e.to_string()))?;
        stdio::err_line(&format!(
            "Sandbox: a local emulator with demo data at {}; its state lasts for this command only.",
            sim.base_url()
        ));
        Ok(Sandbox { sim })
    }

    /// The emulator's base URL.
    pub fn base_url(&self) -> String {
        self.sim.base_url()
    }

    /// A token the emulator accepts.
    pub fn token(&self) -> &str {
        self.sim.token()
    }
}
