//! The behaviours: operations served by hand, over the typed store (Droplets,
//! actions, images) or over the engine's documents, and the items those own.
//!
//! To hand-write an operation, add its [`OpId`] to `dispatch`; the request arrives
//! routed, authorized and its body validated against the operation's schema in a
//! [`Call`] (the ops of [`parses_own_params`] parse their path and query themselves).

mod account_actions;
mod actions;
mod app_deployments;
mod app_logs;
mod app_progress;
mod apps;
mod autoscale;
mod behave;
mod billing;
mod catalog;
mod cdn;
mod certificates;
mod computed;
mod db_firewall;
mod db_ops;
pub(crate) mod defaults;
mod derived_reads;
mod dns;
mod droplet_actions;
mod droplet_images;
mod droplet_make;
mod droplets;
mod envelopes;
pub(crate) mod error_shapes;
mod firewalls;
mod genai_writes;
mod images;
mod inference;
mod k8s_ops;
mod members;
pub(crate) mod metrics;
mod neighbors;
mod nfs;
mod node_pools;
pub(crate) mod object;
mod projects;
pub(crate) mod references;
mod regional;
mod registry;
mod registry_gc;
mod reserved_ips;
mod resource_ops;
pub(crate) mod semantics;
mod setters;
mod ssh_keys;
mod tags;
mod uploads;
mod volume_snapshots;
mod volumes;
mod vpc_members;
mod writes;

use axum::response::Response;

pub(crate) use self::app_logs::{LOGS_PREFIX, serve as serve_log};
pub(crate) use self::cdn::purges as cdn_purges;
pub(crate) use self::uploads::{UPLOAD_PREFIX, upload};
use serde_json::Value;

use super::call::Call;
use super::spec::OpId;
use crate::state::images::ImageKind;
use crate::state::model::Family;
use crate::wire::error::ApiError;

/// Serves the operations hand-written over the engine; `None` leaves the call to it.
pub(crate) fn dispatch(call: &Call<'_>) -> Result<Option<Response>, ApiError> {
    if call
        .op
        .meta()
        .path
        .starts_with("/v2/registry/{registry_name}")
    {
        registry::check_name(call)?;
    }
    if matches!(call.op, OpId::ProjectsList | OpId::ProjectsGet) {
        // The API lists the default project with the others; the engine answers then.
        writes::ensure_default_project(call)?;
    }
    if matches!(
        call.op,
        OpId::FirewallsCreate | OpId::FirewallsUpdate | OpId::FirewallsAddRules
    ) {
        firewalls::ports_given(call)?;
    }
    if let Some(response) = writes::dispatch(call)? {
        return Ok(Some(response));
    }
    if let Some(response) = catalog::dispatch(call)? {
        return Ok(Some(response));
    }
    if let Some(response) = inference::dispatch(call)? {
        return Ok(Some(response));
    }
    if let Some(response) = computed::dispatch(call)? {
        return Ok(Some(response));
    }
    match call.op {
        OpId::DropletsList => droplets::list(call).map(Some),
        OpId::DropletsCreate => droplets::create(call).map(Some),
        OpId::DropletsGet => droplets::get(call).map(Some),
        OpId::DropletsDestroy => droplets::delete(call).map(Some),
        OpId::DropletActionsList => droplet_actions::list(call).map(Some),
        OpId::DropletActionsPost => droplet_actions::post(call).map(Some),
        OpId::DropletActionsGet => droplet_actions::get(call).map(Some),
        OpId::DropletActionsPostByTag => droplet_actions::post_by_tag(call).map(Some),
        OpId::ActionsList => account_actions::list(call).map(Some),
        OpId::ActionsGet => account_actions::get(call).map(Some),
        OpId::RegistryGet => registry::get(call).map(Some),
        OpId::RegistryListRepositories | OpId::RegistryListRepositoriesV2 => {
            registry::repositories(call).map(Some)
        }
        OpId::AppsRestart => app_deployments::restart(call).map(Some),
        OpId::AppsCreateRollback => app_deployments::create_rollback(call).map(Some),
        OpId::AppsValidateRollback => app_deployments::validate_rollback(call).map(Some),
        OpId::AppsCommitRollback => app_deployments::commit_rollback(call).map(Some),
        OpId::AppsRevertRollback => app_deployments::revert_rollback(call).map(Some),
        OpId::AppsCancelDeployment => app_deployments::cancel_deployment(call).map(Some),
        OpId::AppsListAlerts => app_deployments::list_alerts(call).map(Some),
        OpId::AppsAssignAlertDestinations => {
            app_deployments::assign_alert_destinations(call).map(Some)
        }
        OpId::DatabasesPromoteReplica => db_ops::promote_replica(call).map(Some),
        OpId::DatabasesInstallUpdate => db_ops::install_update(call).map(Some),
        OpId::DatabasesUpdateOnlineMigration => db_ops::start_migration(call).map(Some),
        OpId::DatabasesGetMigrationStatus => db_ops::migration_status(call).map(Some),
        OpId::DatabasesDeleteOnlineMigration => db_ops::stop_migration(call).map(Some),
        OpId::DatabasesGetDoSettings => db_ops::do_settings(call, false).map(Some),
        OpId::DatabasesUpdateDoSettings => db_ops::do_settings(call, true).map(Some),
        OpId::KubernetesGetStatusMessages => derived_reads::k8s_status_messages(call).map(Some),
        OpId::KubernetesGetClusterUser => derived_reads::k8s_cluster_user(call).map(Some),
        OpId::DatabasesGetCa => derived_reads::database_ca(call).map(Some),
        OpId::DatabasesListBackups => derived_reads::database_backups(call).map(Some),
        OpId::DatabasesListEventsLogs => derived_reads::database_events(call).map(Some),
        OpId::AppsGetInstances => derived_reads::app_instances(call).map(Some),
        OpId::AppsGetEventLogs => derived_reads::app_event_logs(call).map(Some),
        OpId::AppsGetJobInvocationLogs => derived_reads::job_invocation_logs(call).map(Some),
        OpId::UptimeGetCheckState => derived_reads::uptime_state(call).map(Some),
        OpId::GenaiGetAgentChildren => derived_reads::agent_children(call).map(Some),
        OpId::GenaiListAgentVersions => derived_reads::agent_versions(call).map(Some),
        OpId::GenaiListIndexingJobsByKnowledgeBase
        | OpId::GenaiListAgentsByAnthropicKey
        | OpId::GenaiListAgentsByOpenaiKey
        | OpId::GenaiListEvaluationRunsByTestCase => derived_reads::named_by(call).map(Some),
        OpId::KubernetesListAssociatedResources => k8s_ops::list_associated(call).map(Some),
        OpId::KubernetesDestroyAssociatedResourcesDangerous => {
            k8s_ops::destroy(call, false).map(Some)
        }
        OpId::KubernetesDestroyAssociatedResourcesSelective => {
            k8s_ops::destroy(call, true).map(Some)
        }
        OpId::KubernetesRecycleNodePool => k8s_ops::recycle(call).map(Some),
        OpId::KubernetesGetKubeconfig => k8s_ops::kubeconfig(call).map(Some),
        OpId::KubernetesGetCredentials => k8s_ops::credentials(call).map(Some),
        OpId::KubernetesRunClusterLint => k8s_ops::run_lint(call).map(Some),
        OpId::KubernetesGetClusterLintResults => k8s_ops::lint_result(call).map(Some),
        OpId::LoadBalancersDeleteCache => resource_ops::purge_lb_cache(call).map(Some),
        OpId::RegistryValidateName | OpId::RegistriesValidateName => {
            resource_ops::validate_registry_name(call).map(Some)
        }
        OpId::ImagesPostAccountTransferCreate => resource_ops::transfer_create(call).map(Some),
        OpId::ImagesPostAccountTransferAccept => {
            resource_ops::transfer_end(call, "accepted").map(Some)
        }
        OpId::ImagesPostAccountTransferCancel => {
            resource_ops::transfer_end(call, "cancelled").map(Some)
        }
        OpId::ImagesPostAccountTransferDecline => {
            resource_ops::transfer_end(call, "declined").map(Some)
        }
        OpId::OneClicksInstallKubernetes => resource_ops::install_kubernetes(call).map(Some),
        OpId::NfsCreateAccessPoint => resource_ops::create_access_point(call).map(Some),
        OpId::NfsListAccessPoints => resource_ops::list_access_points(call).map(Some),
        OpId::NfsGetAccessPoint => resource_ops::get_access_point(call).map(Some),
        OpId::NfsDeleteAccessPoint => resource_ops::delete_access_point(call).map(Some),
        OpId::MonitoringUpdateDestination => resource_ops::update_destination(call).map(Some),
        OpId::OrganizationsCreateTeam => resource_ops::create_team(call).map(Some),
        OpId::OrganizationsListTeams => resource_ops::list_teams(call).map(Some),
        OpId::PartnerAttachmentsCreateServiceKey => {
            resource_ops::create_service_key(call).map(Some)
        }
        OpId::PartnerAttachmentsGetServiceKey => resource_ops::get_service_key(call).map(Some),
        OpId::SecurityCreateScanRule => resource_ops::create_scan_rule(call).map(Some),
        OpId::SecurityUpdateSettingsPlan => resource_ops::update_settings_plan(call).map(Some),
        OpId::SecurityListSettings => resource_ops::list_settings(call).map(Some),
        OpId::VectorDatabasesPostResize => resource_ops::resize_vector_db(call).map(Some),
        OpId::VectorDatabasesPostRestoreBackup => resource_ops::restore_vector_db(call).map(Some),
        OpId::VectorDatabasesGetRestoreStatus => resource_ops::restore_status(call).map(Some),
        OpId::AutoscalepoolsDeleteDangerous => autoscale::delete_dangerous(call).map(Some),
        OpId::AutoscalepoolsListMembers => autoscale::list_members(call).map(Some),
        OpId::AutoscalepoolsListHistory => autoscale::list_history(call).map(Some),
        OpId::AddonsPatchPlan => resource_ops::patch_addon_plan(call).map(Some),
        OpId::GenaiRegenerateAgentApiKey => genai_writes::regenerate_key(call, true).map(Some),
        OpId::GenaiRegenerateModelApiKey => genai_writes::regenerate_key(call, false).map(Some),
        OpId::GenaiAttachKnowledgeBase => genai_writes::knowledge_base(call, true).map(Some),
        OpId::GenaiDetachKnowledgeBase => genai_writes::knowledge_base(call, false).map(Some),
        OpId::GenaiAttachAgentFunction => {
            genai_writes::agent_function(call, genai_writes::FunctionChange::Attach).map(Some)
        }
        OpId::GenaiUpdateAgentFunction => {
            genai_writes::agent_function(call, genai_writes::FunctionChange::Update).map(Some)
        }
        OpId::GenaiDetachAgentFunction => {
            genai_writes::agent_function(call, genai_writes::FunctionChange::Detach).map(Some)
        }
        OpId::GenaiAttachAgent => genai_writes::child_agent(call, true).map(Some),
        OpId::GenaiDetachAgent => genai_writes::child_agent(call, false).map(Some),
        OpId::GenaiRollbackToAgentVersion => genai_writes::rollback_version(call).map(Some),
        OpId::GenaiImportCustomModel => genai_writes::import_custom_model(call).map(Some),
        OpId::GenaiUpdateCustomModelMetadata => genai_writes::custom_model_metadata(call).map(Some),
        OpId::GenaiCancelIndexingJob => genai_writes::cancel(call, false).map(Some),
        OpId::GenaiCancelModelEvaluationRun => genai_writes::cancel(call, true).map(Some),
        OpId::GenaiUpdateAgentsWorkspace => genai_writes::move_agents(call).map(Some),
        OpId::GenaiListAgentsByWorkspace => genai_writes::agents_in_workspace(call).map(Some),
        OpId::InferenceCancelBatch => inference::cancel_batch(call).map(Some),
        OpId::AppsCancelEvent => app_deployments::cancel_event(call).map(Some),
        OpId::AppsCancelJobInvocation => app_deployments::cancel_job_invocation(call).map(Some),
        OpId::GenaiCreateDataSourceFileUploadPresignedUrls => {
            genai_writes::presigned_urls(call).map(Some)
        }
        OpId::GenaiCreateEvaluationDatasetFileUploadPresignedUrls => {
            genai_writes::presigned_urls(call).map(Some)
        }
        OpId::GenaiCreateModelEvalDatasetUploadPresignedUrls => {
            genai_writes::presigned_urls(call).map(Some)
        }
        OpId::AppsGetHealth => envelopes::app_health(call).map(Some),
        OpId::CdnPurgeCache => cdn::purge(call).map(Some),
        OpId::AppsGetLogs => apps::logs(call, true, true).map(Some),
        OpId::AppsGetLogsAggregate => apps::logs(call, true, false).map(Some),
        OpId::AppsGetLogsActiveDeployment => apps::logs(call, false, true).map(Some),
        OpId::AppsGetLogsActiveDeploymentAggregate => apps::logs(call, false, false).map(Some),
        OpId::RegionsList => catalog::regions(call).map(Some),
        OpId::SizesList => catalog::sizes(call).map(Some),
        OpId::OneClicksList => catalog::one_clicks(call).map(Some),
        OpId::DatabasesListFirewallRules => db_firewall::list(call).map(Some),
        OpId::DatabasesUpdateFirewallRules => db_firewall::replace(call).map(Some),
        OpId::RegistryCreate => registry::create(call).map(Some),
        OpId::RegistryDelete => registry::delete(call).map(Some),
        OpId::DropletsDestroyByTag => droplets::destroy_by_tag(call).map(Some),
        OpId::InferenceCreateBatchFile => uploads::create_batch_file(call).map(Some),
        OpId::VolumeActionsPostById => volumes::action(call, volumes::Target::Path).map(Some),
        OpId::VolumeActionsPost => volumes::action(call, volumes::Target::Name).map(Some),
        OpId::VolumeActionsList => volumes::list_actions(call),
        OpId::VolumeActionsGet => volumes::get_action(call),
        OpId::VolumesDelete => volumes::delete(call),
        OpId::VolumesDeleteByName => volumes::delete_by_name(call).map(Some),
        OpId::DropletsListSnapshots => {
            droplet_images::list_for_droplet(call, ImageKind::Snapshot).map(Some)
        }
        OpId::DropletsListBackups => {
            droplet_images::list_for_droplet(call, ImageKind::Backup).map(Some)
        }
        OpId::DropletsListKernels => neighbors::kernels(call).map(Some),
        OpId::DropletsGetBackupPolicy => droplet_images::backup_policy(call).map(Some),
        OpId::DropletsListBackupPolicies => droplet_images::backup_policies(call).map(Some),
        OpId::DropletsListFirewalls => firewalls::for_droplet(call).map(Some),
        OpId::DropletsListNeighbors => neighbors::list(call).map(Some),
        OpId::DropletsListNeighborsIds => neighbors::ids(call).map(Some),
        OpId::SnapshotsList => droplet_images::list_snapshots(call).map(Some),
        OpId::SnapshotsGet => droplet_images::get_snapshot(call),
        OpId::SnapshotsDelete => droplet_images::delete(call, Some(ImageKind::Snapshot)),
        OpId::ImagesList => droplet_images::list_images(call).map(Some),
        OpId::ImagesGet => droplet_images::get_image(call),
        OpId::ImagesDelete => droplet_images::delete(call, None),
        OpId::ImagesUpdate => droplet_images::update(call),
        OpId::RegistryRunGarbageCollection | OpId::RegistriesRunGarbageCollection => {
            registry_gc::run(call).map(Some)
        }
        OpId::RegistryGetGarbageCollection | OpId::RegistriesGetGarbageCollection => {
            registry_gc::active(call).map(Some)
        }
        OpId::RegistryListGarbageCollections | OpId::RegistriesListGarbageCollections => {
            registry_gc::list(call).map(Some)
        }
        OpId::RegistryUpdateGarbageCollection | OpId::RegistriesUpdateGarbageCollection => {
            registry_gc::update(call).map(Some)
        }
        OpId::KubernetesAddNodePool => node_pools::add(call).map(Some),
        OpId::KubernetesListNodePools => node_pools::list(call).map(Some),
        OpId::KubernetesGetNodePool => node_pools::get(call).map(Some),
        OpId::KubernetesUpdateNodePool => node_pools::update(call).map(Some),
        OpId::KubernetesDeleteNodePool => node_pools::delete(call).map(Some),
        OpId::KubernetesDeleteNode => node_pools::delete_node(call).map(Some),
        OpId::KubernetesDeleteCluster => {
            // Its workers go with it; the engine deletes the cluster itself.
            node_pools::cluster_deleted(call);
            Ok(None)
        }
        OpId::BalanceGet => billing::balance(call).map(Some),
        OpId::InvoicesList => billing::invoices(call).map(Some),
        OpId::BillingHistoryList => billing::history(call).map(Some),
        OpId::InvoicesGetByUUID => billing::invoice(call).map(Some),
        OpId::InvoicesGetCsvByUUID => billing::invoice_csv(call).map(Some),
        OpId::InvoicesGetPdfByUUID => billing::invoice_pdf(call).map(Some),
        OpId::InvoicesGetSummaryByUUID => billing::invoice_summary(call).map(Some),
        OpId::VpcsListMembers => vpc_members::list(call).map(Some),
        OpId::VpcsListPeerings => vpc_members::peerings(call).map(Some),
        OpId::VolumeSnapshotsCreate => volume_snapshots::create(call).map(Some),
        OpId::VolumeSnapshotsList => volume_snapshots::list(call).map(Some),
        OpId::VolumeSnapshotsGetById => volume_snapshots::get(call),
        OpId::VolumeSnapshotsDeleteById => volume_snapshots::delete(call),
        OpId::ImageActionsPost => images::action(call).map(Some),
        OpId::ImageActionsList => images::list_actions(call),
        OpId::ImageActionsGet => images::get_action(call),
        OpId::ReservedIPsActionsPost => reserved_ips::action(call, Family::ReservedIp).map(Some),
        OpId::ReservedIPsActionsList => reserved_ips::list_actions(call, Family::ReservedIp),
        OpId::ReservedIPsActionsGet => reserved_ips::get_action(call, Family::ReservedIp),
        OpId::FloatingIPsActionPost => reserved_ips::action(call, Family::FloatingIp).map(Some),
        OpId::FloatingIPsActionList => reserved_ips::list_actions(call, Family::FloatingIp),
        OpId::FloatingIPsActionGet => reserved_ips::get_action(call, Family::FloatingIp),
        OpId::ReservedIPv6ActionsPost => reserved_ips::action(call, Family::ReservedIpv6).map(Some),
        OpId::NfsCreateAction => nfs::action(call).map(Some),
        OpId::TagsAssignResources => tags::tag_resources(call, true).map(Some),
        OpId::TagsList => tags::list(call).map(Some),
        OpId::TagsGet => tags::get(call).map(Some),
        OpId::TagsCreate => tags::create(call).map(Some),
        OpId::TagsDelete => tags::delete(call).map(Some),
        OpId::TagsUnassignResources => tags::tag_resources(call, false).map(Some),
        OpId::ProjectsAssignResources | OpId::ProjectsAssignResourcesDefault => {
            projects::assign(call).map(Some)
        }
        OpId::ProjectsListResources | OpId::ProjectsListResourcesDefault => {
            projects::list(call).map(Some)
        }
        _ => {
            if let Some(m) = members::MEMBERSHIPS.iter().find(|m| m.operation == call.op) {
                return members::membership(call, m).map(Some);
            }
            if let Some(setter) = setters::SETTERS.iter().find(|s| s.operation == call.op) {
                return setters::set_fields(call, setter).map(Some);
            }
            Ok(None)
        }
    }
}

/// The operations whose path and query the typed model parses itself (canonical
/// decimal ids, `wire::page`), with its own messages. Their bodies, like every other,
/// are checked against the operation's schema first; the typed parsers then turn them
/// into the model's requests and check what a schema cannot say (catalog entries).
pub(crate) fn parses_own_params(op: OpId) -> bool {
    matches!(
        op,
        OpId::DropletsList
            | OpId::DropletsCreate
            | OpId::DropletsGet
            | OpId::DropletsDestroy
            | OpId::DropletActionsList
            | OpId::DropletActionsPost
            | OpId::DropletActionsGet
            | OpId::DropletActionsPostByTag
            | OpId::ActionsList
            | OpId::ActionsGet
    )
}

/// Whether `decorate` does more to objects of `collection` than set a volume's
/// `droplet_ids` (which a borrowed read can do itself).
pub(crate) fn decorates_fully(collection: &str) -> bool {
    matches!(
        collection,
        "/v2/kubernetes/clusters"
            | "/v2/apps"
            | "/v2/apps/{app_id}/deployments"
            | "/v2/load_balancers"
            | "/v2/databases"
            | "/v2/droplets/autoscale"
            | "/v2/certificates"
    )
}

/// A request body in the documented shape, where a client the API serves sends another
/// shape of the same request.
pub(crate) fn as_documented(op: OpId, body: Value) -> Value {
    match (op, body) {
        // doctl's `serverless namespaces create` wraps the namespace and spells `Region`
        // (do/serverless.go, `newNamespaceRequest`, `inputNamespace`); godo sends it bare.
        // The API takes both, its JSON decoding matching member names in any case.
        (OpId::FunctionsCreateNamespace, Value::Object(mut map))
            if map.len() == 1 && map.get("namespace").is_some_and(Value::is_object) =>
        {
            match map.remove("namespace") {
                Some(Value::Object(inner)) => Value::Object(
                    inner
                        .into_iter()
                        .map(|(k, v)| (k.to_ascii_lowercase(), v))
                        .collect(),
                ),
                _ => Value::Object(map),
            }
        }
        // An ICMP rule has no ports: godo tags them `omitempty`, doctl and the Terraform
        // provider send none, and the API answers `"0"` for them.
        (
            OpId::FirewallsCreate
            | OpId::FirewallsUpdate
            | OpId::FirewallsAddRules
            | OpId::FirewallsDeleteRules,
            Value::Object(mut map),
        ) => {
            for rules in ["inbound_rules", "outbound_rules"] {
                for rule in map
                    .get_mut(rules)
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_object_mut)
                {
                    if rule.get("protocol").and_then(Value::as_str) == Some("icmp")
                        && rule.get("ports").is_none_or(Value::is_null)
                    {
                        rule.insert("ports".into(), Value::from("0"));
                    }
                }
            }
            Value::Object(map)
        }
        (_, body) => body,
    }
}

/// Puts into engine objects of `collection` (a path template) the members whose truth
/// lives in the hand-written store, before they are answered.
pub(crate) fn decorate(call: &Call<'_>, collection: &str, objects: &mut [Value]) {
    match collection {
        "/v2/volumes" => volumes::decorate(call, objects),
        "/v2/apps" => apps::decorate(call, objects),
        "/v2/apps/{app_id}/deployments" => objects.iter_mut().for_each(app_progress::derive),
        "/v2/load_balancers" => references::cover_tagged(call, objects),
        "/v2/databases" => references::database_children(call, objects),
        "/v2/droplets/autoscale" => autoscale::decorate(call, objects),
        "/v2/certificates" => {
            // A custom certificate is verified when uploaded; only Let's Encrypt ones wait
            // for issuance (the Terraform provider waits for `verified` either way).
            for cert in objects.iter_mut().filter(|c| c["type"] == "custom") {
                cert["state"] = Value::from("verified");
            }
        }
        "/v2/kubernetes/clusters" => {
            for cluster in objects {
                node_pools::settle_nodes(cluster, call.app.action_duration());
            }
        }
        _ => {}
    }
}

/// Whether a new object of `collection` is in its final state when made: a custom
/// certificate is verified as it is uploaded (godo's recorded create answer,
/// certificates_test.go), only a Let's Encrypt one waits for issuance.
pub(crate) fn ready_when_made(collection: &str, object: &Value) -> bool {
    collection == "/v2/certificates" && object["type"] == "custom"
}

/// Effects of creating an object of `collection` (a path template) stored under `key`,
/// made before it is stored and answered; the answer's `links` where the create makes
/// more than the object (a reserved IP's assignment action).
pub(crate) fn after_create(
    call: &Call<'_>,
    collection: &str,
    key: &str,
    object: &mut Value,
) -> Option<Value> {
    if let Some(Value::Array(applied)) = object.get("tags") {
        tags::remember(call, applied.iter().filter_map(Value::as_str));
    }
    match collection {
        "/v2/apps" => apps::first_deployment(call, key, object),
        "/v2/gen-ai/knowledge_bases" => genai_writes::knowledge_base_created(call, key),
        "/v2/floating_ips" => return reserved_ips::created(call, Family::FloatingIp, object),
        "/v2/reserved_ips" => return reserved_ips::created(call, Family::ReservedIp, object),
        "/v2/reserved_ipv6" => return reserved_ips::created(call, Family::ReservedIpv6, object),
        "/v2/account/keys" => ssh_keys::created(object),
        "/v2/kubernetes/clusters" => {
            catalog::cluster_created(object);
            // The catalog check made room for the workers before the cluster was made; a
            // node left without one gets it at the cluster's next node change.
            let _ = node_pools::give_workers(call, key, object);
        }
        "/v2/droplets/autoscale" => autoscale::created(call, object),
        "/v2/domains" => dns::domain_created(call, object),
        "/v2/volumes" => volume_snapshots::sized_from_snapshot(call, object),
        "/v2/projects" if is_default(object) => {
            // The documented default exists first, so that it is the one unmarked.
            let _ = writes::ensure_default_project(call);
            references::only_default(&mut call.docs_mut(), key);
        }
        _ => {}
    }
    None
}

/// Effects of an update of the object stored under `key` in `collection` (a path
/// template), made once it is stored; `answer` is the update's answer, to show them.
pub(crate) fn after_update(call: &Call<'_>, collection: &str, key: &str, answer: &mut Value) {
    match collection {
        "/v2/apps" => apps::spec_updated(call, key, answer),
        "/v2/projects" => {
            let mut docs = call.docs_mut();
            let marked = docs
                .items(collection)
                .and_then(|items| items.get(key))
                .is_some_and(is_default);
            if marked {
                references::only_default(&mut docs, key);
            }
        }
        "/v2/vpcs" => regional::only_default_vpc(call, key),
        _ => {}
    }
}

fn is_default(object: &Value) -> bool {
    object.get("is_default").and_then(Value::as_bool) == Some(true)
}
