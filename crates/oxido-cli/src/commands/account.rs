//! `oxido account ratelimit`: the API's rate limit as the last answer reported it.
//!
//! Written by hand beside the generated `account` commands; `extras` adds it to that group.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::cli::OutputKind;
use crate::error::CliError;
use crate::output::table::render_titled;
use crate::output::write_stdout;
use crate::session::Session;

/// Sends one cheap request (GET /v2/account) and prints the limit it reported.
pub async fn ratelimit(session: &Session) -> Result<(), CliError> {
    session.client.account().get().await?;
    let Some(limit) = session.client.rate_limit() else {
        return Err(CliError::Unexpected(
            "the API's answer to GET /v2/account had no ratelimit-limit, ratelimit-remaining \
             and ratelimit-reset headers"
                .to_owned(),
        ));
    };
    let reset = UNIX_EPOCH + Duration::from_secs(limit.reset);
    let reset_text = humantime::format_rfc3339_seconds(reset).to_string();
    let text = match session.output.kind() {
        OutputKind::Table => {
            let titles = ["Limit", "Remaining", "Reset"].map(str::to_owned);
            let row = vec![
                limit.limit.to_string(),
                limit.remaining.to_string(),
                reset_text,
            ];
            render_titled(&titles, &[row], session.output.header(), None)
        }
        OutputKind::Json | OutputKind::Yaml => {
            let in_seconds = limit.reset.saturating_sub(
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |now| now.as_secs()),
            );
            let json = serde_json::json!({
                "limit": limit.limit,
                "remaining": limit.remaining,
                "reset": limit.reset,
                "reset_at": reset_text,
                "reset_in_seconds": in_seconds,
            });
            return session
                .output
                .structured(format!("{json:#}\n"))
                .map_err(CliError::Io);
        }
    };
    write_stdout(&text).map_err(CliError::Io)
}
