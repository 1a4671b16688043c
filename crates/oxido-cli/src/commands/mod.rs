//! One module per command family, plus the steps they share.

pub mod account;
pub mod action;
pub mod auth;
pub mod compact;
pub mod completion;
pub mod droplet_action;
pub mod extras;
pub mod generated;
pub mod kubeconfig;
pub mod resource_wait;
pub mod search;

use oxido::{Action, ListBuilder, MAX_PER_PAGE};

use crate::cli::{PagingArgs, WaitArgs};
use crate::error::CliError;
use crate::output::Fetched;
use crate::session::Session;
use crate::wait_progress::{Display, wait_all};

/// Pages fetched at most when following a list whose total the API did not state.
const MAX_PAGES: u32 = 10_000;

/// One page with `--page`, else every page (at the largest page size unless `--per-page`).
///
/// Pages are fetched by number with `send_with_response`, because `-o json` prints each
/// object as the API sent it and the SDK's item stream keeps only the decoded items. The
/// walk stops at the last page (no `next` link), and refuses to go on past what the API's
/// `meta.total` allows or after an empty page that still announces a next one.
async fn list_pages(
    list: impl Fn() -> ListBuilder<Action>,
    paging: &PagingArgs,
) -> Result<Vec<Fetched>, CliError> {
    if let Some(page) = paging.page {
        let mut one = list().page(page);
        if let Some(per_page) = paging.per_page {
            one = one.per_page(per_page);
        }
        return Fetched::page(&one.send_with_response().await?);
    }
    let per_page = paging.per_page.unwrap_or(MAX_PER_PAGE);
    let mut all = Vec::new();
    let mut page: u32 = 1;
    loop {
        let response = list()
            .page(page)
            .per_page(per_page)
            .send_with_response()
            .await?;
        let items = Fetched::page(&response)?;
        let more = response.value.next_link().is_some();
        let last_page = response
            .value
            .total()
            .map(|total| total.div_ceil(u64::from(per_page)))
            .unwrap_or(u64::from(MAX_PAGES));
        if more && items.is_empty() {
            return Err(CliError::Unexpected(format!(
                "page {page} of the list was empty but announced a next page"
            )));
        }
        all.extend(items);
        if !more {
            return Ok(all);
        }
        if u64::from(page) >= last_page.min(u64::from(MAX_PAGES)) {
            return Err(CliError::Unexpected(format!(
                "the list announced a page after page {page}, past its stated total"
            )));
        }
        page += 1;
    }
}

/// Asks on the terminal before `oxido <command>` changes `target` (`what` says how, `why`
/// why it asks); without a terminal to ask on it is refused (exit 2), so scripts must say
/// `--force`. Nothing has been sent either way when this refuses.
pub fn confirm(command: &str, target: &str, what: &str, why: &str) -> Result<(), CliError> {
    use std::io::IsTerminal as _;
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(CliError::Usage(format!(
            "`oxido {command}` {why} ({target}); pass --force (-f) to run it without a \
             terminal to confirm on"
        )));
    }
    crate::stdio::err_prompt(&format!("{target}: {what}. Go ahead? [y/N] "));
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| CliError::Usage(format!("could not read the confirmation: {e}")))?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(CliError::Usage(format!(
            "not confirmed; nothing was sent ({target})"
        )))
    }
}

/// Prints freshly started actions, after waiting for them when `--wait` asks to.
///
/// `as_list` prints a JSON array even for one action (by-tag results are lists). With
/// `-o json`, waited-for actions are read once more so the JSON printed is the API's own
/// for their final state.
async fn finish_started(
    session: &Session,
    started: Vec<Fetched>,
    wait: &WaitArgs,
    as_list: bool,
) -> Result<(), CliError> {
    let (finals, outcome) = match wait.limit() {
        None => (started, Ok(())),
        Some(limit) => {
            let display = Display::detect(&session.output);
            let actions = started.iter().map(|f| f.action.clone()).collect();
            let (finals, outcome) =
                wait_all(&session.client, actions, limit, display, session.sandbox).await;
            let polling_works = !matches!(outcome, Err(CliError::WaitFailed { .. }));
            let mut fetched = Vec::with_capacity(finals.len());
            for (last, first) in finals.into_iter().zip(started) {
                fetched.push(final_state(session, last, first, polling_works).await);
            }
            (fetched, outcome)
        }
    };
    match finals.as_slice() {
        [single] if !as_list => session.output.action(single)?,
        all => session.output.actions(all)?,
    }
    outcome
}

/// The API's JSON for an action's last state; the JSON from its start when that cannot be
/// read (tables only use the decoded `last`).
async fn final_state(session: &Session, last: Action, first: Fetched, reread: bool) -> Fetched {
    if reread && session.output.is_machine() {
        let answer = session.client.actions().get_with_response(last.id).await;
        if let Ok(fetched) = answer
            .map_err(CliError::from)
            .and_then(|r| Fetched::one(&r))
        {
            return fetched;
        }
    }
    Fetched {
        action: last,
        json: first.json,
    }
}
