//! One module per command family, plus the steps they share.

pub mod action;
pub mod auth;
pub mod completion;
pub mod droplet_action;

use futures::TryStreamExt;
use oxido::{Action, ListBuilder, MAX_PER_PAGE};

use crate::cli::{PagingArgs, WaitArgs};
use crate::error::CliError;
use crate::session::Session;
use crate::wait_progress::{Display, wait_all};

/// One page with `--page`, else every page (at the largest page size unless `--per-page`).
async fn list_pages(
    list: ListBuilder<Action>,
    paging: &PagingArgs,
) -> Result<Vec<Action>, CliError> {
    match paging.page {
        Some(page) => {
            let mut list = list.page(page);
            if let Some(per_page) = paging.per_page {
                list = list.per_page(per_page);
            }
            Ok(list.send().await?.items)
        }
        None => {
            let per_page = paging.per_page.unwrap_or(MAX_PER_PAGE);
            Ok(list.per_page(per_page).into_stream().try_collect().await?)
        }
    }
}

/// Prints freshly started actions, after waiting for them when `--wait` asks to.
///
/// `as_list` prints a JSON array even for one action (by-tag results are lists).
async fn finish_started(
    session: &Session,
    started: Vec<Action>,
    wait: &WaitArgs,
    as_list: bool,
) -> Result<(), CliError> {
    let (finals, outcome) = match wait.limit() {
        None => (started, Ok(())),
        Some(limit) => {
            let display = Display::detect(&session.output);
            wait_all(&session.client, started, limit, display, session.sandbox).await
        }
    };
    match finals.as_slice() {
        [single] if !as_list => session.output.action(single)?,
        all => session.output.actions(all)?,
    }
    outcome
}
