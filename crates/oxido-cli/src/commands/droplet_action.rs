//! `oxido droplet-action ...`: read a droplet's actions and start new ones.

use oxido::{BackupPlan, BackupPolicy, DropletAction, ImageRef, TagAction, Weekday};

use crate::cli::{
    BackupPolicyArgs, DropletActionCommand, DropletOrTag, OptionalBackupPolicyArgs, Plan, WaitArgs,
    Weekday as WeekdayArg,
};
use crate::commands::{confirm, finish_started, list_pages};
use crate::error::CliError;
use crate::output::Fetched;
use crate::session::Session;
use crate::stdio;

/// Refuses what cannot be sent, before the session opens (exit 2). A by-tag action reaches
/// every Droplet carrying the tag, however many that is: like the generated destructive
/// commands it runs after a yes on a terminal, or with `--force`.
pub fn check_before_sending(command: &DropletActionCommand) -> Result<(), CliError> {
    use DropletActionCommand as C;
    if let C::EnableBackups { target, policy, .. } = command
        && target.pick.tag.is_some()
        && policy.plan.is_some()
    {
        return Err(CliError::Usage(
            "--plan, --weekday and --hour apply to one droplet; \
             by tag the API uses its default policy"
                .to_owned(),
        ));
    }
    let (name, target) = match command {
        C::PowerCycle { target, .. } => ("power-cycle", target),
        C::Shutdown { target, .. } => ("shutdown", target),
        C::PowerOff { target, .. } => ("power-off", target),
        C::PowerOn { target, .. } => ("power-on", target),
        C::EnableIpv6 { target, .. } => ("enable-ipv6", target),
        C::DisableBackups { target, .. } => ("disable-backups", target),
        C::EnableBackups { target, .. } => ("enable-backups", target),
        C::Snapshot { target, .. } => ("snapshot", target),
        _ => return Ok(()),
    };
    let Some(tag) = &target.pick.tag else {
        return Ok(());
    };
    if target.force {
        return Ok(());
    }
    confirm(
        &format!("droplet-action {name} --tag {tag}"),
        &format!("every Droplet tagged {tag}"),
        &format!("{name}, one action per Droplet"),
        "acts on every Droplet with the tag",
    )
}

/// Runs a `droplet-action` subcommand.
pub async fn run(command: DropletActionCommand, session: &Session) -> Result<(), CliError> {
    use DropletActionCommand as C;
    let actions = session.client.droplet_actions();
    match command {
        C::Get {
            droplet_id,
            action_id,
        } => {
            let answer = actions.get_with_response(droplet_id, action_id).await?;
            Ok(session.output.action(&Fetched::one(&answer)?)?)
        }
        C::List { droplet_id, paging } => {
            let found = list_pages(|| actions.list(droplet_id), &paging).await?;
            Ok(session.output.actions(&found)?)
        }
        C::Reboot { target, wait } => {
            one(session, target.droplet_id, DropletAction::Reboot, &wait).await
        }
        C::PasswordReset { target, wait } => {
            one(
                session,
                target.droplet_id,
                DropletAction::PasswordReset,
                &wait,
            )
            .await
        }
        C::PowerCycle { target, wait } => {
            either(
                session,
                target,
                DropletAction::PowerCycle,
                TagAction::PowerCycle,
                &wait,
            )
            .await
        }
        C::Shutdown { target, wait } => {
            either(
                session,
                target,
                DropletAction::Shutdown,
                TagAction::Shutdown,
                &wait,
            )
            .await
        }
        C::PowerOff { target, wait } => {
            either(
                session,
                target,
                DropletAction::PowerOff,
                TagAction::PowerOff,
                &wait,
            )
            .await
        }
        C::PowerOn { target, wait } => {
            either(
                session,
                target,
                DropletAction::PowerOn,
                TagAction::PowerOn,
                &wait,
            )
            .await
        }
        C::EnableIpv6 { target, wait } => {
            either(
                session,
                target,
                DropletAction::EnableIpv6,
                TagAction::EnableIpv6,
                &wait,
            )
            .await
        }
        C::DisableBackups { target, wait } => {
            let by_tag = TagAction::DisableBackups;
            either(
                session,
                target,
                DropletAction::DisableBackups,
                by_tag,
                &wait,
            )
            .await
        }
        C::EnableBackups {
            target,
            policy,
            wait,
        } => {
            let backup_policy = optional_policy(&policy);
            let single = DropletAction::EnableBackups { backup_policy };
            either(session, target, single, TagAction::EnableBackups, &wait).await
        }
        C::ChangeBackupPolicy {
            target,
            policy,
            wait,
        } => {
            let action = DropletAction::ChangeBackupPolicy {
                backup_policy: required_policy(&policy),
            };
            one(session, target.droplet_id, action, &wait).await
        }
        C::Restore {
            target,
            image,
            wait,
        } => {
            one(
                session,
                target.droplet_id,
                DropletAction::Restore { image },
                &wait,
            )
            .await
        }
        C::Resize {
            target,
            size,
            disk,
            wait,
        } => {
            let action = DropletAction::Resize { size, disk };
            one(session, target.droplet_id, action, &wait).await
        }
        C::Rebuild {
            target,
            image,
            wait,
        } => {
            let action = DropletAction::Rebuild {
                image: image_ref(&image),
            };
            one(session, target.droplet_id, action, &wait).await
        }
        C::Rename { target, name, wait } => {
            one(
                session,
                target.droplet_id,
                DropletAction::Rename { name },
                &wait,
            )
            .await
        }
        C::ChangeKernel {
            target,
            kernel,
            wait,
        } => {
            let action = DropletAction::ChangeKernel { kernel };
            one(session, target.droplet_id, action, &wait).await
        }
        C::Snapshot { target, name, wait } => {
            let single = DropletAction::Snapshot { name: name.clone() };
            either(session, target, single, TagAction::Snapshot { name }, &wait).await
        }
    }
}

/// Starts an action on one droplet and prints it (after waiting, with `--wait`).
async fn one(
    session: &Session,
    droplet_id: u64,
    action: DropletAction,
    wait: &WaitArgs,
) -> Result<(), CliError> {
    let answer = session
        .client
        .droplet_actions()
        .post_with_response(droplet_id, action)
        .await?;
    finish_started(session, vec![Fetched::one(&answer)?], wait, false).await
}

/// Starts an action on one droplet, or on every droplet with `--tag` (printed as a list).
async fn either(
    session: &Session,
    target: DropletOrTag,
    single: DropletAction,
    by_tag: TagAction,
    wait: &WaitArgs,
) -> Result<(), CliError> {
    match (target.pick.droplet_id, target.pick.tag) {
        (Some(droplet_id), _) => one(session, droplet_id, single, wait).await,
        (None, Some(tag)) => {
            let answer = session
                .client
                .droplet_actions()
                .post_by_tag_with_response(&tag, by_tag)
                .await?;
            let started = Fetched::list(&answer)?;
            if started.is_empty() {
                // An empty table alone reads like a glitch; say why nothing happened.
                stdio::err_line(&format!(
                    "Note: no Droplets are tagged {tag}, so no action was started"
                ));
            }
            finish_started(session, started, wait, true).await
        }
        // clap's required group makes this unreachable; say so plainly if it ever is not.
        (None, None) => Err(CliError::Usage("give a droplet id or --tag".to_owned())),
    }
}

/// A numeric `--image` is an image id, anything else a slug.
fn image_ref(image: &str) -> ImageRef {
    match image.parse::<u64>() {
        Ok(id) => ImageRef::Id(id),
        Err(_) => ImageRef::Slug(image.to_owned()),
    }
}

fn optional_policy(args: &OptionalBackupPolicyArgs) -> Option<BackupPolicy> {
    args.plan.map(|plan| policy(plan, args.weekday, args.hour))
}

fn required_policy(args: &BackupPolicyArgs) -> BackupPolicy {
    policy(args.plan, args.weekday, args.hour)
}

fn policy(plan: Plan, weekday: Option<WeekdayArg>, hour: Option<u8>) -> BackupPolicy {
    BackupPolicy {
        plan: match plan {
            Plan::Daily => BackupPlan::Daily,
            Plan::Weekly => BackupPlan::Weekly,
        },
        weekday: weekday.map(|day| match day {
            WeekdayArg::Sun => Weekday::Sun,
            WeekdayArg::Mon => Weekday::Mon,
            WeekdayArg::Tue => Weekday::Tue,
            WeekdayArg::Wed => Weekday::Wed,
            WeekdayArg::Thu => Weekday::Thu,
            WeekdayArg::Fri => Weekday::Fri,
            WeekdayArg::Sat => Weekday::Sat,
        }),
        hour,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_images_are_ids_and_others_slugs() {
        assert_eq!(image_ref("12389723"), ImageRef::Id(12389723));
        assert_eq!(
            image_ref("ubuntu-22-04-x64"),
            ImageRef::Slug("ubuntu-22-04-x64".to_owned())
        );
    }

    #[test]
    fn policies_map_every_field() {
        let p = policy(Plan::Weekly, Some(WeekdayArg::Sat), Some(20));
        assert_eq!(p, BackupPolicy::weekly(Weekday::Sat, 20));
        let daily = optional_policy(&OptionalBackupPolicyArgs {
            plan: None,
            weekday: None,
            hour: None,
        });
        assert_eq!(daily, None);
    }
}
