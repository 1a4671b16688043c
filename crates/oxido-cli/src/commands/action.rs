//! `oxido action ...`: read and wait for actions of any resource.

use crate::cli::{ActionCommand, WaitArgs};
use crate::commands::{finish_started, list_pages};
use crate::error::CliError;
use crate::output::Fetched;
use crate::session::Session;

/// Runs an `action` subcommand.
pub async fn run(command: ActionCommand, session: &Session) -> Result<(), CliError> {
    let actions = session.client.actions();
    match command {
        ActionCommand::Get { action_id } => {
            let action = Fetched::one(&actions.get_with_response(action_id).await?)?;
            Ok(session.output.action(&action)?)
        }
        ActionCommand::List { paging } => {
            let found = list_pages(|| actions.list(), &paging).await?;
            Ok(session.output.actions(&found)?)
        }
        ActionCommand::Wait {
            action_id,
            wait_timeout,
        } => {
            let current = Fetched::one(&actions.get_with_response(action_id).await?)?;
            let wait = WaitArgs {
                wait: true,
                wait_timeout: Some(wait_timeout),
            };
            finish_started(session, vec![current], &wait, false).await
        }
    }
}
