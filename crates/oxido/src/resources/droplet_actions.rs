//! Droplet Actions: `/v2/droplets/{droplet_id}/actions` and `/v2/droplets/actions?tag_name=`.

use std::future::Future;

use super::envelopes::{decode_action, decode_action_list, decode_action_page};
use crate::client::Client;
use crate::error::Error;
use crate::models::droplet_action::{require_id, require_text};
use crate::models::{Action, DropletAction, TagAction};
use crate::pagination::ListBuilder;
use crate::transport::{ApiRequest, execute};
use crate::wait::Wait;

/// Operations on the actions of Droplets. Get one from [`Client::droplet_actions`].
#[derive(Debug, Clone)]
pub struct DropletActions {
    client: Client,
}

impl DropletActions {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// Fetches one action of one Droplet (`GET /v2/droplets/{droplet_id}/actions/{action_id}`).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a zero id; otherwise any failure of the call, 404 included.
    ///
    /// ```no_run
    /// # async fn run(client: oxido::Client) -> Result<(), oxido::Error> {
    /// let action = client.droplet_actions().get(3934132, 2432342).await?;
    /// assert_eq!(action.id, 2432342);
    /// # Ok(()) }
    /// ```
    pub fn get(
        &self,
        droplet_id: u64,
        action_id: u64,
    ) -> impl Future<Output = Result<Action, Error>> + Send + 'static {
        let client = self.client.clone();
        async move {
            let request = get_request(droplet_id, action_id)?;
            let response = execute(&client.inner, &request).await?;
            decode_action(request.operation, &response.body)
        }
    }

    /// Lists the actions of one Droplet (`GET /v2/droplets/{droplet_id}/actions`), one page with
    /// [`ListBuilder::send`] or all of them with [`ListBuilder::into_stream`].
    ///
    /// ```no_run
    /// # async fn run(client: oxido::Client) -> Result<(), oxido::Error> {
    /// use futures::TryStreamExt;
    /// let first = client.droplet_actions().list(3164444).per_page(200).send().await?;
    /// println!("{} of {:?}", first.items.len(), first.total());
    /// let all: Vec<oxido::Action> = client.droplet_actions().list(3164444).into_stream().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self, droplet_id: u64) -> ListBuilder<Action> {
        let first = list_request(droplet_id);
        ListBuilder::new(self.client.clone(), first, decode_action_page)
    }

    /// Starts an action on one Droplet (`POST /v2/droplets/{droplet_id}/actions`).
    ///
    /// The request is sent at most once unless the server provably did not process it, so an action is never
    /// started twice by a retry.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the bad field; otherwise any failure of the call.
    ///
    /// ```no_run
    /// # async fn run(client: oxido::Client) -> Result<(), oxido::Error> {
    /// use oxido::DropletAction;
    /// let action = client
    ///     .droplet_actions()
    ///     .post(3164444, DropletAction::Resize { size: "s-2vcpu-2gb".into(), disk: true })
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn post(
        &self,
        droplet_id: u64,
        action: DropletAction,
    ) -> impl Future<Output = Result<Action, Error>> + Send + 'static {
        let client = self.client.clone();
        async move {
            let request = post_request(droplet_id, &action)?;
            let response = execute(&client.inner, &request).await?;
            decode_action(request.operation, &response.body)
        }
    }

    /// Starts an action on every Droplet carrying `tag` (`POST /v2/droplets/actions?tag_name=...`) and returns
    /// one action per Droplet.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an empty tag or bad field; otherwise any failure of the call.
    ///
    /// ```no_run
    /// # async fn run(client: oxido::Client) -> Result<(), oxido::Error> {
    /// use oxido::TagAction;
    /// let started = client.droplet_actions().post_by_tag("web", TagAction::PowerOff).await?;
    /// # Ok(()) }
    /// ```
    pub fn post_by_tag(
        &self,
        tag: &str,
        action: TagAction,
    ) -> impl Future<Output = Result<Vec<Action>, Error>> + Send + 'static {
        let client = self.client.clone();
        let request = post_by_tag_request(tag, &action);
        async move {
            let request = request?;
            let response = execute(&client.inner, &request).await?;
            decode_action_list(request.operation, &response.body)
        }
    }

    /// Waits for an action of a Droplet to finish, polling this Droplet's action endpoint.
    /// See [`Wait`] for the settings.
    pub fn wait(&self, droplet_id: u64, action_id: u64) -> Wait {
        Wait::for_droplet_action(self.client.clone(), droplet_id, action_id)
    }
}

pub(crate) fn get_request(droplet_id: u64, action_id: u64) -> Result<ApiRequest, Error> {
    require_id("droplet_id", droplet_id)?;
    require_id("action_id", action_id)?;
    Ok(ApiRequest::get(
        "droplet_actions.get",
        format!("/v2/droplets/{droplet_id}/actions/{action_id}"),
    ))
}

pub(crate) fn list_request(droplet_id: u64) -> Result<ApiRequest, Error> {
    require_id("droplet_id", droplet_id)?;
    Ok(ApiRequest::get(
        "droplet_actions.list",
        format!("/v2/droplets/{droplet_id}/actions"),
    ))
}

pub(crate) fn post_request(droplet_id: u64, action: &DropletAction) -> Result<ApiRequest, Error> {
    require_id("droplet_id", droplet_id)?;
    action.validate()?;
    ApiRequest::post_json(
        "droplet_actions.post",
        format!("/v2/droplets/{droplet_id}/actions"),
        action,
    )
}

pub(crate) fn post_by_tag_request(tag: &str, action: &TagAction) -> Result<ApiRequest, Error> {
    require_text("tag", tag)?;
    action.validate()?;
    Ok(ApiRequest::post_json(
        "droplet_actions.post_by_tag",
        "/v2/droplets/actions".to_owned(),
        action,
    )?
    .with_query("tag_name", tag))
}
