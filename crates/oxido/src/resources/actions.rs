//! Actions of any resource: `/v2/actions`.

use std::future::Future;

use super::envelopes::{decode_action, decode_action_page};
use crate::client::Client;
use crate::error::Error;
use crate::models::Action;
use crate::models::droplet_action::require_id;
use crate::pagination::ListBuilder;
use crate::response::Response;
use crate::transport::{ApiRequest, execute};
use crate::wait::Wait;

/// Operations on the account's actions. Get one from [`Client::actions`].
#[derive(Debug, Clone)]
pub struct Actions {
    client: Client,
}

impl Actions {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// Fetches one action (`GET /v2/actions/{action_id}`).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a zero id; otherwise any failure of the call, 404 included.
    pub fn get(
        &self,
        action_id: u64,
    ) -> impl Future<Output = Result<Action, Error>> + Send + 'static + use<> {
        let client = self.client.clone();
        async move {
            let request = get_request(action_id)?;
            let response = execute(&client.inner, &request).await?;
            decode_action(request.operation, &response.body)
                .map_err(|err| err.with_response(response))
        }
    }

    /// [`Actions::get`], also returning the status, headers and body exactly as the API sent them.
    ///
    /// # Errors
    /// As [`Actions::get`].
    pub fn get_with_response(
        &self,
        action_id: u64,
    ) -> impl Future<Output = Result<Response<Action>, Error>> + Send + 'static + use<> {
        let client = self.client.clone();
        async move {
            let request = get_request(action_id)?;
            let response = execute(&client.inner, &request).await?;
            let action = match decode_action(request.operation, &response.body) {
                Ok(value) => value,
                Err(err) => return Err(err.with_response(response)),
            };
            Ok(Response::from_raw(response, action))
        }
    }

    /// Lists all actions of the account (`GET /v2/actions`), newest first.
    pub fn list(&self) -> ListBuilder<Action> {
        ListBuilder::new(
            self.client.clone(),
            Ok(list_request()),
            "actions",
            |operation, body, _| decode_action_page(operation, body),
        )
    }

    /// Waits for an action to finish by polling `GET /v2/actions/{action_id}`.
    ///
    /// ```no_run
    /// # async fn run(client: oxido::Client) -> Result<(), oxido::Error> {
    /// use std::time::Duration;
    /// let done = client
    ///     .actions()
    ///     .wait(36804636)
    ///     .timeout(Duration::from_secs(300))
    ///     .poll_interval(Duration::from_secs(1), Duration::from_secs(10))
    ///     .on_progress(|action| eprintln!("{}: {}", action.kind, action.status))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn wait(&self, action_id: u64) -> Wait {
        Wait::for_action(self.client.clone(), action_id)
    }
}

pub(crate) fn get_request(action_id: u64) -> Result<ApiRequest, Error> {
    require_id("action_id", action_id)?;
    Ok(ApiRequest::get(
        "actions.get",
        format!("/v2/actions/{action_id}"),
    ))
}

pub(crate) fn list_request() -> ApiRequest {
    ApiRequest::get("actions.list", "/v2/actions".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_and_list_paths() {
        let request = get_request(36804636).expect("valid id");
        assert_eq!(request.path_and_query(), "/v2/actions/36804636");
        assert_eq!(request.operation, "actions.get");
        assert_eq!(list_request().path_and_query(), "/v2/actions");
        match get_request(0) {
            Err(Error::InvalidArgument { argument, .. }) => assert_eq!(argument, "action_id"),
            other => panic!("expected invalid action_id, got {other:?}"),
        }
    }
}
