//! Hand-written commands that live inside generated groups, as doctl has them:
//! `account ratelimit` and `kubernetes kubeconfig save` (also `k8s kubeconfig save`).

use clap::{Arg, ArgAction, ArgMatches};

use crate::commands::{account, kubeconfig};
use crate::error::CliError;
use crate::session::Session;

/// A hand-written command picked from a generated group.
#[derive(Debug)]
pub enum Extra {
    /// `account ratelimit`.
    RateLimit,
    /// `kubernetes kubeconfig save CLUSTER_ID`.
    KubeconfigSave {
        /// The cluster whose kubeconfig is merged.
        cluster_id: String,
        /// Whether `current-context` is set to the cluster's context.
        set_current_context: bool,
    },
}

/// Adds the hand-written subcommands of generated group `handler`, if it has any.
pub fn augment(handler: &str, group: clap::Command) -> clap::Command {
    match handler {
        "account" => group.subcommand(clap::Command::new("ratelimit").about(
            "[curated] Show the API's rate limit: requests per hour, remaining, and when it resets",
        )),
        "kubernetes" => group.subcommand(
            clap::Command::new("kubeconfig")
                .about("[curated] Save a cluster's kubeconfig into your kubectl configuration")
                .subcommand_required(true)
                .arg_required_else_help(true)
                .subcommand(
                    clap::Command::new("save")
                        .about(
                            "Merge the cluster's kubeconfig into $KUBECONFIG (its first path) or \
                             ~/.kube/config, keeping the old file as config.bak",
                        )
                        .arg(
                            Arg::new("cluster-id")
                                .value_name("CLUSTER_ID")
                                .required(true)
                                .help("The cluster's id"),
                        )
                        .arg(
                            Arg::new("set-current-context")
                                .long("set-current-context")
                                .value_name("BOOL")
                                .num_args(0..=1)
                                .require_equals(true)
                                .default_value("true")
                                .default_missing_value("true")
                                .value_parser(clap::value_parser!(bool))
                                .action(ArgAction::Set)
                                .help("Make the cluster's context the current one"),
                        ),
                ),
        ),
        _ => group,
    }
}

/// The hand-written command the parsed line names, if any.
pub fn selected(matches: &ArgMatches) -> Option<Extra> {
    let (handler, sub) = matches.subcommand()?;
    match (handler, sub.subcommand()?) {
        ("account", ("ratelimit", _)) => Some(Extra::RateLimit),
        ("kubernetes", ("kubeconfig", kube)) => match kube.subcommand()? {
            ("save", save) => Some(Extra::KubeconfigSave {
                cluster_id: save.get_one::<String>("cluster-id")?.clone(),
                set_current_context: save
                    .get_one::<bool>("set-current-context")
                    .copied()
                    .unwrap_or(true),
            }),
            _ => None,
        },
        _ => None,
    }
}

/// Runs a hand-written command.
pub async fn run(extra: Extra, session: &Session) -> Result<(), CliError> {
    match extra {
        Extra::RateLimit => account::ratelimit(session).await,
        Extra::KubeconfigSave {
            cluster_id,
            set_current_context,
        } => kubeconfig::save(session, &cluster_id, set_current_context).await,
    }
}
