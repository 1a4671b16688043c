//! Droplet Actions: `/v2/droplets/{droplet_id}/actions` and `/v2/droplets/actions?tag_name=`.

use std::future::Future;

use super::envelopes::{decode_action, decode_action_list, decode_action_page};
use crate::action_call::ActionCall;
use crate::client::Client;
use crate::error::Error;
use crate::models::droplet_action::{require_id, require_text};
use crate::models::{Action, DropletAction, TagAction};
use crate::operation::Call;
use crate::pagination::ListBuilder;
use crate::response::Response;
use crate::transport::{ApiRequest, execute, push_id};
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
    ) -> impl Future<Output = Result<Action, Error>> + Send + 'static + use<> {
        let client = self.client.clone();
        async move {
            let request = get_request(droplet_id, action_id)?;
            let response = execute(&client.inner, &request).await?;
            decode_action(request.operation, &response.body)
                .map_err(|err| err.with_response(response))
        }
    }

    /// [`DropletActions::get`], also returning the status, headers and body exactly as the API sent them.
    ///
    /// # Errors
    /// As [`DropletActions::get`].
    pub fn get_with_response(
        &self,
        droplet_id: u64,
        action_id: u64,
    ) -> impl Future<Output = Result<Response<Action>, Error>> + Send + 'static + use<> {
        let client = self.client.clone();
        async move {
            let request = get_request(droplet_id, action_id)?;
            let response = execute(&client.inner, &request).await?;
            let action = match decode_action(request.operation, &response.body) {
                Ok(value) => value,
                Err(err) => return Err(err.with_response(response)),
            };
            Ok(Response::from_raw(response, action))
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
        ListBuilder::new(
            self.client.clone(),
            first,
            "actions",
            |operation, body, _| decode_action_page(operation, body),
        )
    }

    /// Starts an action on one Droplet (`POST /v2/droplets/{droplet_id}/actions`): `.await` it for the
    /// action as first answered, or chain [`ActionCall::wait`] to poll it until it finishes.
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
    ///     .wait()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn post(&self, droplet_id: u64, action: DropletAction) -> ActionCall {
        let call = Call::member(
            self.client.clone(),
            post_request(droplet_id, &action),
            "action",
        );
        ActionCall::new(self.client.clone(), call, move |action_id| {
            get_request(droplet_id, action_id)
        })
    }

    /// [`DropletActions::post`], also returning the status, headers and body exactly as the API sent them.
    ///
    /// # Errors
    /// As [`DropletActions::post`].
    pub fn post_with_response(
        &self,
        droplet_id: u64,
        action: DropletAction,
    ) -> impl Future<Output = Result<Response<Action>, Error>> + Send + 'static + use<> {
        let client = self.client.clone();
        async move {
            let request = post_request(droplet_id, &action)?;
            let response = execute(&client.inner, &request).await?;
            let action = match decode_action(request.operation, &response.body) {
                Ok(value) => value,
                Err(err) => return Err(err.with_response(response)),
            };
            Ok(Response::from_raw(response, action))
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
    ) -> impl Future<Output = Result<Vec<Action>, Error>> + Send + 'static + use<> {
        let client = self.client.clone();
        let request = post_by_tag_request(tag, &action);
        async move {
            let request = request?;
            let response = execute(&client.inner, &request).await?;
            decode_action_list(request.operation, &response.body)
                .map_err(|err| err.with_response(response))
        }
    }

    /// [`DropletActions::post_by_tag`], also returning the status, headers and body exactly as the API sent
    /// them.
    ///
    /// # Errors
    /// As [`DropletActions::post_by_tag`].
    pub fn post_by_tag_with_response(
        &self,
        tag: &str,
        action: TagAction,
    ) -> impl Future<Output = Result<Response<Vec<Action>>, Error>> + Send + 'static + use<> {
        let client = self.client.clone();
        let request = post_by_tag_request(tag, &action);
        async move {
            let request = request?;
            let response = execute(&client.inner, &request).await?;
            let actions = match decode_action_list(request.operation, &response.body) {
                Ok(value) => value,
                Err(err) => return Err(err.with_response(response)),
            };
            Ok(Response::from_raw(response, actions))
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
    let mut path = String::with_capacity(64);
    path.push_str("/v2/droplets/");
    push_id(&mut path, droplet_id);
    path.push_str("/actions/");
    push_id(&mut path, action_id);
    Ok(ApiRequest::get("droplet_actions.get", path))
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

#[cfg(test)]
mod tests {
    use http::Method;
    use proptest::prelude::*;

    use super::*;
    use crate::models::{BackupPolicy, ImageRef, Weekday};

    fn body_of(action: DropletAction) -> String {
        let request = post_request(3164444, &action).expect("valid action");
        request.body_text().expect("utf-8 body").to_owned()
    }

    #[test]
    fn get_builds_path_without_body() {
        let request = get_request(3934132, 2432342).expect("valid ids");
        assert_eq!(request.method, Method::GET);
        assert_eq!(
            request.path_and_query(),
            "/v2/droplets/3934132/actions/2432342"
        );
        assert_eq!(request.body, None);
        assert_eq!(request.operation, "droplet_actions.get");
    }

    #[test]
    fn list_builds_path() {
        let request = list_request(3164444).expect("valid id");
        assert_eq!(request.path_and_query(), "/v2/droplets/3164444/actions");
        assert_eq!(request.method, Method::GET);
    }

    #[test]
    fn post_path_and_method() {
        let request = post_request(3164444, &DropletAction::Reboot).expect("valid");
        assert_eq!(request.method, Method::POST);
        assert_eq!(request.path_and_query(), "/v2/droplets/3164444/actions");
    }

    #[test]
    fn all_sixteen_bodies_are_exact() {
        let cases = [
            (
                DropletAction::EnableBackups {
                    backup_policy: None,
                },
                r#"{"type":"enable_backups"}"#,
            ),
            (
                DropletAction::EnableBackups {
                    backup_policy: Some(BackupPolicy::daily(20)),
                },
                r#"{"type":"enable_backups","backup_policy":{"plan":"daily","hour":20}}"#,
            ),
            (
                DropletAction::DisableBackups,
                r#"{"type":"disable_backups"}"#,
            ),
            (
                DropletAction::ChangeBackupPolicy {
                    backup_policy: BackupPolicy::weekly(Weekday::Sun, 4),
                },
                r#"{"type":"change_backup_policy","backup_policy":{"plan":"weekly","weekday":"SUN","hour":4}}"#,
            ),
            (DropletAction::Reboot, r#"{"type":"reboot"}"#),
            (DropletAction::PowerCycle, r#"{"type":"power_cycle"}"#),
            (DropletAction::Shutdown, r#"{"type":"shutdown"}"#),
            (DropletAction::PowerOff, r#"{"type":"power_off"}"#),
            (DropletAction::PowerOn, r#"{"type":"power_on"}"#),
            (
                DropletAction::Restore { image: 12389723 },
                r#"{"type":"restore","image":12389723}"#,
            ),
            (DropletAction::PasswordReset, r#"{"type":"password_reset"}"#),
            (
                DropletAction::Resize {
                    size: "s-2vcpu-2gb".into(),
                    disk: true,
                },
                r#"{"type":"resize","size":"s-2vcpu-2gb","disk":true}"#,
            ),
            (
                DropletAction::Rebuild {
                    image: ImageRef::Slug("ubuntu-20-04-x64".into()),
                },
                r#"{"type":"rebuild","image":"ubuntu-20-04-x64"}"#,
            ),
            (
                DropletAction::Rebuild {
                    image: ImageRef::Id(12389723),
                },
                r#"{"type":"rebuild","image":12389723}"#,
            ),
            (
                DropletAction::Rename {
                    name: "nifty-new-name".into(),
                },
                r#"{"type":"rename","name":"nifty-new-name"}"#,
            ),
            (
                DropletAction::ChangeKernel { kernel: 12389723 },
                r#"{"type":"change_kernel","kernel":12389723}"#,
            ),
            (DropletAction::EnableIpv6, r#"{"type":"enable_ipv6"}"#),
            (
                DropletAction::Snapshot { name: None },
                r#"{"type":"snapshot"}"#,
            ),
            (
                DropletAction::Snapshot {
                    name: Some("Nifty New Snapshot".into()),
                },
                r#"{"type":"snapshot","name":"Nifty New Snapshot"}"#,
            ),
        ];
        let mut types = std::collections::BTreeSet::new();
        for (action, expected) in cases {
            types.insert(action.type_name());
            let type_in_body = format!(r#""type":"{}""#, action.type_name());
            let body = body_of(action.clone());
            assert_eq!(body, expected, "{action:?}");
            assert!(body.contains(&type_in_body));
            let decoded: DropletAction = serde_json::from_str(&body).expect("body decodes back");
            assert_eq!(decoded, action);
        }
        assert_eq!(types.len(), 16, "every action type is covered: {types:?}");
    }

    #[test]
    fn tag_bodies_and_encoded_tag() {
        let cases = [
            (TagAction::EnableBackups, r#"{"type":"enable_backups"}"#),
            (TagAction::DisableBackups, r#"{"type":"disable_backups"}"#),
            (TagAction::PowerCycle, r#"{"type":"power_cycle"}"#),
            (TagAction::Shutdown, r#"{"type":"shutdown"}"#),
            (TagAction::PowerOff, r#"{"type":"power_off"}"#),
            (TagAction::PowerOn, r#"{"type":"power_on"}"#),
            (TagAction::EnableIpv6, r#"{"type":"enable_ipv6"}"#),
            (TagAction::Snapshot { name: None }, r#"{"type":"snapshot"}"#),
            (
                TagAction::Snapshot {
                    name: Some("nightly".into()),
                },
                r#"{"type":"snapshot","name":"nightly"}"#,
            ),
        ];
        for (action, expected) in cases {
            let request = post_by_tag_request("web", &action).expect("valid");
            assert_eq!(request.method, Method::POST);
            assert_eq!(
                request.path_and_query(),
                "/v2/droplets/actions?tag_name=web"
            );
            assert_eq!(request.body_text(), Some(expected));
        }
        let request =
            post_by_tag_request("env:prod & staging/β", &TagAction::PowerOn).expect("valid");
        assert_eq!(
            request.path_and_query(),
            "/v2/droplets/actions?tag_name=env%3Aprod%20%26%20staging%2F%CE%B2"
        );
    }

    #[test]
    fn tag_actions_reject_types_not_allowed_by_tag() {
        for body in [
            r#"{"type":"reboot"}"#,
            r#"{"type":"resize","size":"s","disk":true}"#,
            r#"{"type":"rename","name":"x"}"#,
        ] {
            assert!(serde_json::from_str::<TagAction>(body).is_err(), "{body}");
        }
    }

    fn argument_of(err: Error) -> &'static str {
        match err {
            Error::InvalidArgument { argument, .. } => argument,
            other => panic!("expected an invalid argument, got {other:?}"),
        }
    }

    #[test]
    fn invalid_arguments_are_refused_by_name() {
        assert_eq!(
            argument_of(get_request(0, 1).expect_err("zero droplet")),
            "droplet_id"
        );
        assert_eq!(
            argument_of(get_request(1, 0).expect_err("zero action")),
            "action_id"
        );
        assert_eq!(
            argument_of(list_request(0).expect_err("zero droplet")),
            "droplet_id"
        );
        assert_eq!(
            argument_of(post_request(0, &DropletAction::Reboot).expect_err("zero")),
            "droplet_id"
        );
        let bad = [
            (
                DropletAction::Resize {
                    size: " ".into(),
                    disk: false,
                },
                "size",
            ),
            (
                DropletAction::Rename {
                    name: String::new(),
                },
                "name",
            ),
            (DropletAction::Restore { image: 0 }, "image"),
            (
                DropletAction::Rebuild {
                    image: ImageRef::Id(0),
                },
                "image",
            ),
            (
                DropletAction::Rebuild {
                    image: ImageRef::Slug(String::new()),
                },
                "image",
            ),
            (DropletAction::ChangeKernel { kernel: 0 }, "kernel"),
            (
                DropletAction::Snapshot {
                    name: Some(String::new()),
                },
                "name",
            ),
            (
                DropletAction::ChangeBackupPolicy {
                    backup_policy: BackupPolicy::daily(3),
                },
                "backup_policy.hour",
            ),
        ];
        for (action, argument) in bad {
            assert_eq!(
                argument_of(post_request(1, &action).expect_err("invalid")),
                argument,
                "{action:?}"
            );
        }
        assert_eq!(
            argument_of(post_by_tag_request("", &TagAction::PowerOff).expect_err("empty tag")),
            "tag"
        );
        assert_eq!(
            argument_of(post_by_tag_request("  ", &TagAction::PowerOff).expect_err("blank tag")),
            "tag"
        );
        let err = post_by_tag_request(
            "web",
            &TagAction::Snapshot {
                name: Some(String::new()),
            },
        )
        .expect_err("empty");
        assert_eq!(argument_of(err), "name");
    }

    fn any_policy() -> impl Strategy<Value = BackupPolicy> {
        let weekday = prop_oneof![
            Just(Weekday::Sun),
            Just(Weekday::Mon),
            Just(Weekday::Tue),
            Just(Weekday::Wed),
            Just(Weekday::Thu),
            Just(Weekday::Fri),
            Just(Weekday::Sat),
        ];
        let hour = proptest::sample::select(BackupPolicy::ALLOWED_HOURS.to_vec());
        prop_oneof![
            hour.clone().prop_map(BackupPolicy::daily),
            (weekday, hour).prop_map(|(day, hour)| BackupPolicy::weekly(day, hour)),
        ]
    }

    fn any_text() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9 ._-]{0,20}[a-zA-Z0-9]"
    }

    fn any_droplet_action() -> impl Strategy<Value = DropletAction> {
        prop_oneof![
            proptest::option::of(any_policy())
                .prop_map(|backup_policy| DropletAction::EnableBackups { backup_policy }),
            Just(DropletAction::DisableBackups),
            any_policy()
                .prop_map(|backup_policy| DropletAction::ChangeBackupPolicy { backup_policy }),
            Just(DropletAction::Reboot),
            Just(DropletAction::PowerCycle),
            Just(DropletAction::Shutdown),
            Just(DropletAction::PowerOff),
            Just(DropletAction::PowerOn),
            (1u64..).prop_map(|image| DropletAction::Restore { image }),
            Just(DropletAction::PasswordReset),
            (any_text(), any::<bool>())
                .prop_map(|(size, disk)| DropletAction::Resize { size, disk }),
            prop_oneof![
                (1u64..).prop_map(ImageRef::Id),
                any_text().prop_map(ImageRef::Slug)
            ]
            .prop_map(|image| DropletAction::Rebuild { image }),
            any_text().prop_map(|name| DropletAction::Rename { name }),
            (1u64..).prop_map(|kernel| DropletAction::ChangeKernel { kernel }),
            Just(DropletAction::EnableIpv6),
            proptest::option::of(any_text()).prop_map(|name| DropletAction::Snapshot { name }),
        ]
    }

    fn has_null(value: &serde_json::Value) -> bool {
        match value {
            serde_json::Value::Null => true,
            serde_json::Value::Array(items) => items.iter().any(has_null),
            serde_json::Value::Object(fields) => fields.values().any(has_null),
            _ => false,
        }
    }

    proptest! {
        #[test]
        fn any_valid_action_builds_a_null_free_body_that_decodes_back(
            droplet_id in 1u64..,
            action in any_droplet_action(),
        ) {
            let request = post_request(droplet_id, &action).expect("valid by construction");
            prop_assert_eq!(&request.path, &format!("/v2/droplets/{droplet_id}/actions"));
            let body: serde_json::Value =
                serde_json::from_str(request.body_text().expect("utf-8")).expect("JSON body");
            prop_assert_eq!(body.get("type").and_then(|t| t.as_str()), Some(action.type_name()));
            prop_assert!(!has_null(&body), "no nulls in {}", body);
            let decoded: DropletAction = serde_json::from_value(body).expect("decodes back");
            prop_assert_eq!(decoded, action);
        }

        #[test]
        fn get_path_holds_both_ids(droplet_id in 1u64.., action_id in 1u64..) {
            let request = get_request(droplet_id, action_id).expect("positive ids");
            prop_assert_eq!(request.path, format!("/v2/droplets/{droplet_id}/actions/{action_id}"));
        }

        #[test]
        fn any_tag_round_trips_through_the_query(tag in "\\PC{1,40}") {
            prop_assume!(!tag.trim().is_empty());
            let request = post_by_tag_request(&tag, &TagAction::PowerOff).expect("non-empty tag");
            let base = url::Url::parse("http://127.0.0.1:1").expect("valid");
            let url = request.url_below(&base).expect("plain path");
            let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
            prop_assert_eq!(pairs, vec![("tag_name".to_owned(), tag.clone())]);
            prop_assert_eq!(url.path(), "/v2/droplets/actions");
        }

        #[test]
        fn resize_body_is_exact_for_any_size(size in "[a-z0-9-]{1,30}", disk in any::<bool>()) {
            let body = body_of(DropletAction::Resize { size: size.clone(), disk });
            prop_assert_eq!(body, format!(r#"{{"type":"resize","size":"{size}","disk":{disk}}}"#));
        }

        #[test]
        fn rename_body_decodes_to_the_same_name(name in "\\PC{1,60}") {
            prop_assume!(!name.trim().is_empty());
            let body = body_of(DropletAction::Rename { name: name.clone() });
            let value: serde_json::Value = serde_json::from_str(&body).expect("json");
            prop_assert_eq!(value, serde_json::json!({"type": "rename", "name": name}));
        }
    }
}
