//! The command-line grammar: every option, subcommand and value parser.
//!
//! Global options carry `global = true` so they are accepted before or after the subcommand.
//! Everything that can be checked without the network (ids, columns, durations, backup hours)
//! is checked here, so bad input is a usage error (exit 2) and nothing is sent.

use std::fmt;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;

/// The exit status table; the single source for `--help` (see also `exit::ExitStatus`).
macro_rules! exit_status_help {
    () => {
        "Exit status:
  0  success
  1  any other failure (network, configuration, unexpected response)
  2  usage error, or input the API rejected as invalid (400, 422)
  3  authentication or permission (no token, 401, 403)
  4  not found (404)
  5  rate limited (429 after retries)
  6  server error (5xx after retries)
  7  an action ended `errored`
  8  timed out (a request, or --wait)"
    };
}

macro_rules! token_and_sandbox_help {
    () => {
        "Token, first found wins: --token, the context named by --context (it must exist),
DIGITALOCEAN_TOKEN, DIGITALOCEAN_ACCESS_TOKEN, then the current context of the config
file written by `oxido auth init`.

--sandbox runs the command against an emulator started inside this process, with demo
data (droplet 3164444 and its action 36804636 among it). Its state lasts for this one
command only; run the `oxido-sim` binary for state that lasts between commands."
    };
}

/// `oxido`: the DigitalOcean API from the command line.
#[derive(Debug, Parser)]
#[command(
    name = "oxido",
    version,
    about = "The DigitalOcean API from the command line",
    after_help = "[curated] commands are written by hand; [generated] ones map one-to-one to the API's operations \
(docs/cli.md lists them all). See --help for where the token comes from, --sandbox, and the exit status table.",
    after_long_help = concat!(
        "[curated] commands are written by hand; [generated] ones map one-to-one to the API's\n\
operations (`oxido <handler> <method> [path args] [flags]`, all listed in docs/cli.md).\n\
A generated handler never takes a curated command's name.\n\n",
        token_and_sandbox_help!(),
        "\n\n",
        exit_status_help!()
    )
)]
pub struct Cli {
    /// Options accepted by every command.
    #[command(flatten)]
    pub global: GlobalArgs,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options accepted before or after any subcommand.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// API token (else --context, DIGITALOCEAN_TOKEN, DIGITALOCEAN_ACCESS_TOKEN, the config file)
    #[arg(long, global = true, value_name = "TOKEN", value_parser = SecretArg::parse)]
    pub token: Option<SecretArg>,

    /// API base URL, else DIGITALOCEAN_API_URL [default: https://api.digitalocean.com]
    // Read by hand (session.rs), not with clap's `env`: an empty variable must count as unset
    // while an empty flag stays an error.
    #[arg(long, global = true, value_name = "URL", value_parser = non_empty("--api-url"))]
    pub api_url: Option<String>,

    /// Also trust the CA certificates in this PEM file (e.g. `oxido-sim --tls`'s), else SSL_CERT_FILE
    #[arg(long, global = true, value_name = "FILE")]
    pub cacert: Option<std::path::PathBuf>,

    /// Config file context to take the token from; wins over the token variables
    #[arg(long, global = true, value_name = "NAME", value_parser = non_empty("--context"))]
    pub context: Option<String>,

    /// Output format
    #[arg(
        short = 'o',
        long,
        global = true,
        value_enum,
        ignore_case = true,
        default_value_t = OutputKind::Table
    )]
    pub output: OutputKind,

    /// Table columns to show, in order: `ID,Status` for actions, any field or dotted path
    /// (`id,name,region.slug,networks.v4.0.ip_address`) for generated commands
    #[arg(long, global = true, value_name = "COL,COL", value_parser = non_empty("--format"))]
    pub format: Option<String>,

    /// Leave out the table's header line
    #[arg(long, global = true)]
    pub no_header: bool,

    /// Run against an in-process emulator with demo data; state lasts for this command only
    #[arg(long, global = true)]
    pub sandbox: bool,

    /// Log each HTTP request on stderr (the token is never shown)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// How many times a failed request is retried [default: the SDK's policy]
    #[arg(long, global = true, value_name = "N")]
    pub retries: Option<u32>,

    /// Overall time limit for each request, retries included, e.g. `30s`, `2m`
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputKind {
    /// Aligned columns with a header line
    Table,
    /// The API's own JSON: an object for one result, an array for a list
    Json,
    /// The same document as `-o json`, written as YAML
    Yaml,
}

/// The top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// [curated] Act on droplets (reboot, resize, snapshot, ...) and read their actions
    #[command(subcommand, visible_alias = "droplet-actions")]
    DropletAction(DropletActionCommand),

    /// [curated] Read and wait for actions of any resource
    #[command(subcommand, visible_alias = "actions")]
    Action(ActionCommand),

    /// [curated] Find commands: every word must appear in the command's name or summary
    Search {
        /// Words to look for, e.g. `dns record`
        #[arg(required = true, value_parser = non_empty("a search word"))]
        words: Vec<String>,
    },

    /// [curated] Store API tokens in named contexts
    #[command(subcommand)]
    Auth(AuthCommand),

    /// [curated] Print a shell completion script for every command
    ///
    /// This static script holds every command, so sourcing it costs time and memory at each
    /// shell start. Completion that costs nothing there asks the binary on each TAB instead:
    /// `source <(COMPLETE=bash oxido)` in ~/.bashrc (or `COMPLETE=zsh`, `fish`, `elvish`,
    /// `powershell`); it also completes Droplet, volume and SSH key ids and context names.
    Completion {
        /// The shell to generate completions for
        #[arg(value_enum)]
        shell: Shell,
    },
}

/// `oxido droplet-action ...`
#[derive(Debug, Subcommand)]
pub enum DropletActionCommand {
    /// Show one action of a droplet
    Get {
        /// The droplet's id
        #[arg(value_parser = id_parser())]
        droplet_id: u64,
        /// The action's id
        #[arg(value_parser = id_parser())]
        action_id: u64,
    },
    /// List a droplet's actions (all pages, unless --page is given)
    List {
        /// The droplet's id
        #[arg(value_parser = id_parser())]
        droplet_id: u64,
        #[command(flatten)]
        paging: PagingArgs,
    },
    /// Reboot a droplet gracefully
    Reboot {
        #[command(flatten)]
        target: DropletId,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Power a droplet off and on again (a hard reset)
    PowerCycle {
        #[command(flatten)]
        target: DropletOrTag,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Shut a droplet down gracefully
    Shutdown {
        #[command(flatten)]
        target: DropletOrTag,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Power a droplet off (a hard shutdown)
    PowerOff {
        #[command(flatten)]
        target: DropletOrTag,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Power a droplet on
    PowerOn {
        #[command(flatten)]
        target: DropletOrTag,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Reset a droplet's root password (the new one is emailed)
    PasswordReset {
        #[command(flatten)]
        target: DropletId,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Enable IPv6 networking on a droplet
    EnableIpv6 {
        #[command(flatten)]
        target: DropletOrTag,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Disable backups of a droplet
    DisableBackups {
        #[command(flatten)]
        target: DropletOrTag,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Enable backups of a droplet, with the API's default policy unless --plan is given
    EnableBackups {
        #[command(flatten)]
        target: DropletOrTag,
        #[command(flatten)]
        policy: OptionalBackupPolicyArgs,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Change the backup policy of a droplet whose backups are enabled
    ChangeBackupPolicy {
        #[command(flatten)]
        target: DropletId,
        #[command(flatten)]
        policy: BackupPolicyArgs,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Restore a droplet from one of its backups
    Restore {
        #[command(flatten)]
        target: DropletId,
        /// The backup image's id
        #[arg(long, value_name = "ID", value_parser = id_parser())]
        image: u64,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Resize a droplet to another size
    Resize {
        #[command(flatten)]
        target: DropletId,
        /// The new size's slug, e.g. `s-2vcpu-2gb`
        #[arg(long, value_name = "SLUG", value_parser = non_empty("--size"))]
        size: String,
        /// Grow the disk too (permanent: a disk can never shrink again)
        #[arg(long)]
        disk: bool,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Rebuild a droplet from an image, erasing its disk
    Rebuild {
        #[command(flatten)]
        target: DropletId,
        /// The image's numeric id or its slug, e.g. `ubuntu-22-04-x64`
        #[arg(long, value_name = "ID_OR_SLUG", value_parser = non_empty("--image"))]
        image: String,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Rename a droplet
    Rename {
        #[command(flatten)]
        target: DropletId,
        /// The new name
        #[arg(long, value_name = "NAME", value_parser = non_empty("--name"))]
        name: String,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Change the kernel of a droplet
    ChangeKernel {
        #[command(flatten)]
        target: DropletId,
        /// The kernel's id
        #[arg(long, value_name = "ID", value_parser = id_parser())]
        kernel: u64,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Take a snapshot of a droplet
    Snapshot {
        #[command(flatten)]
        target: DropletOrTag,
        /// The snapshot's name (the API picks one if absent)
        #[arg(long, value_name = "NAME", value_parser = non_empty("--name"))]
        name: Option<String>,
        #[command(flatten)]
        wait: WaitArgs,
    },
}

/// `oxido action ...`
#[derive(Debug, Subcommand)]
pub enum ActionCommand {
    /// Show one action
    Get {
        /// The action's id
        #[arg(value_parser = id_parser())]
        action_id: u64,
    },
    /// List the account's actions, newest first (all pages, unless --page is given)
    List {
        #[command(flatten)]
        paging: PagingArgs,
    },
    /// Wait until an action completes or errors, then show it
    Wait {
        /// The action's id
        #[arg(value_parser = id_parser())]
        action_id: u64,
        /// Give up after this long, e.g. `90s`, `10m`
        #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "10m")]
        wait_timeout: Duration,
    },
}

/// `oxido auth ...`
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Store a token (--token, else read from stdin or prompted for) in a context; --context names it
    Init,
    /// List the stored contexts (never their tokens); `*` marks the current one
    List,
    /// Make a stored context the current one
    Switch {
        /// The context's name
        #[arg(value_parser = non_empty("the context name"))]
        name: String,
    },
    /// Delete a stored context and its token
    Remove {
        /// The context's name
        #[arg(value_parser = non_empty("the context name"))]
        name: String,
    },
}

/// A single droplet, for actions the API only accepts one droplet at a time.
#[derive(Debug, Args)]
pub struct DropletId {
    /// The droplet's id
    #[arg(value_parser = id_parser())]
    pub droplet_id: u64,
}

/// A droplet, or every droplet carrying a tag, for actions the API accepts by tag.
#[derive(Debug, Args)]
pub struct DropletOrTag {
    #[command(flatten)]
    pub pick: DropletOrTagPick,
    /// With --tag: run without asking (needed when there is no terminal to ask on)
    #[arg(long, short = 'f')]
    pub force: bool,
}

/// Exactly one of a droplet id and `--tag`.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct DropletOrTagPick {
    /// The droplet's id
    #[arg(value_parser = id_parser())]
    pub droplet_id: Option<u64>,
    /// Act on every droplet with this tag instead (one action each; asks first, or --force)
    #[arg(long, value_name = "TAG", value_parser = non_empty("--tag"))]
    pub tag: Option<String>,
}

/// `--wait` and its time limit.
#[derive(Debug, Args)]
pub struct WaitArgs {
    /// Wait until the action completes or errors, showing progress on stderr
    #[arg(long)]
    pub wait: bool,
    /// Give up waiting after this long (implies --wait), e.g. `90s`, `10m` [default: 10m]
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub wait_timeout: Option<Duration>,
}

impl WaitArgs {
    /// How long to wait, or `None` when the command should not wait at all.
    pub fn limit(&self) -> Option<Duration> {
        const DEFAULT_WAIT: Duration = Duration::from_secs(600);
        match (self.wait, self.wait_timeout) {
            (_, Some(limit)) => Some(limit),
            (true, None) => Some(DEFAULT_WAIT),
            (false, None) => None,
        }
    }
}

/// `--page`/`--per-page`: fetch one page instead of all of them.
#[derive(Debug, Args)]
pub struct PagingArgs {
    /// Fetch only this page (from 1)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub page: Option<u32>,
    /// Items per page, 1 to 200
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=200))]
    pub per_page: Option<u32>,
}

/// The backup plan names the API accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Plan {
    /// Every day
    Daily,
    /// Once a week, on --weekday
    Weekly,
}

/// Days of the week, as the API spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "UPPER")]
pub enum Weekday {
    Sun,
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
}

/// A backup policy whose plan must be given (change-backup-policy).
#[derive(Debug, Args)]
pub struct BackupPolicyArgs {
    /// The backup plan
    #[arg(long, value_enum, ignore_case = true)]
    pub plan: Plan,
    /// The day of weekly backups
    #[arg(long, value_enum, ignore_case = true)]
    pub weekday: Option<Weekday>,
    /// The hour (UTC) the backup window starts: 0, 4, 8, 12, 16 or 20
    #[arg(long, value_name = "H", value_parser = parse_backup_hour)]
    pub hour: Option<u8>,
}

/// A backup policy that may be left to the API's default (enable-backups).
#[derive(Debug, Args)]
pub struct OptionalBackupPolicyArgs {
    /// The backup plan (the API defaults to daily)
    #[arg(long, value_enum, ignore_case = true)]
    pub plan: Option<Plan>,
    /// The day of weekly backups
    #[arg(long, value_enum, ignore_case = true, requires = "plan")]
    pub weekday: Option<Weekday>,
    /// The hour (UTC) the backup window starts: 0, 4, 8, 12, 16 or 20
    #[arg(long, value_name = "H", value_parser = parse_backup_hour, requires = "plan")]
    pub hour: Option<u8>,
}

/// Ids are positive: 0 or a negative number is refused before anything is sent.
fn id_parser() -> impl Fn(&str) -> Result<u64, String> + Clone {
    |value: &str| match value.trim().parse::<u64>() {
        Ok(id) if id >= 1 => Ok(id),
        _ => Err("an id must be a positive integer (1 or more)".to_owned()),
    }
}

/// Rejects empty or blank text for the named option.
fn non_empty(option: &'static str) -> impl Fn(&str) -> Result<String, String> + Clone {
    move |value: &str| {
        if value.trim().is_empty() {
            Err(format!("{option} must not be empty"))
        } else {
            Ok(value.to_owned())
        }
    }
}

/// Parses `90s`, `10m`, `1h 30m`, ... (humantime's format).
pub fn parse_duration(value: &str) -> Result<Duration, String> {
    let duration = humantime::parse_duration(value)
        .map_err(|e| format!("{e} (expected a duration such as 30s, 5m or 1h)"))?;
    if duration.is_zero() {
        return Err("a duration must be longer than zero".to_owned());
    }
    Ok(duration)
}

/// The backup window can only start on these hours.
const BACKUP_HOURS: [u8; 6] = [0, 4, 8, 12, 16, 20];

fn parse_backup_hour(value: &str) -> Result<u8, String> {
    value
        .parse::<u8>()
        .ok()
        .filter(|hour| BACKUP_HOURS.contains(hour))
        .ok_or_else(|| "the hour must be one of 0, 4, 8, 12, 16, 20".to_owned())
}

/// A token given on the command line; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretArg(String);

impl SecretArg {
    /// The clap value parser for `--token`.
    pub fn parse(value: &str) -> Result<SecretArg, String> {
        Ok(SecretArg(value.to_owned()))
    }

    /// The token itself, for the client or the config file; never for display.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretArg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_grammar_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn wait_timeout_implies_wait() {
        let args = WaitArgs {
            wait: false,
            wait_timeout: Some(Duration::from_secs(5)),
        };
        assert_eq!(args.limit(), Some(Duration::from_secs(5)));
        let none = WaitArgs {
            wait: false,
            wait_timeout: None,
        };
        assert_eq!(none.limit(), None);
    }

    #[test]
    fn ids_must_be_positive_integers() {
        let parse = id_parser();
        assert_eq!(parse("3164444"), Ok(3164444));
        for bad in ["0", "-1", "abc", "", "1.5", "18446744073709551616"] {
            let err = parse(bad).expect_err(bad);
            assert!(err.contains("positive integer"), "{bad}: {err}");
        }
    }

    #[test]
    fn backup_hours_are_restricted_to_the_api_windows() {
        assert_eq!(parse_backup_hour("20"), Ok(20));
        assert!(parse_backup_hour("3").is_err());
        assert!(parse_backup_hour("x").is_err());
    }

    #[test]
    fn zero_and_malformed_durations_are_refused() {
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("soon").is_err());
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
    }
}
