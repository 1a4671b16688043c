//! The records the store keeps: compact actions and full droplets.

use std::collections::VecDeque;
use std::net::Ipv4Addr;

use jiff::Timestamp;

use super::catalog::{Image, Region, Size};

/// Identifies the account a token, droplet or action belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct AccountId(pub u32);

/// Every action type the simulator knows, including `create` (made by droplet creation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActionKind {
    Create,
    EnableBackups,
    DisableBackups,
    ChangeBackupPolicy,
    Reboot,
    PowerCycle,
    Shutdown,
    PowerOff,
    PowerOn,
    Restore,
    PasswordReset,
    Resize,
    Rebuild,
    Rename,
    ChangeKernel,
    EnableIpv6,
    EnablePrivateNetworking,
    Snapshot,
}

impl ActionKind {
    /// Types a client may post to `/v2/droplets/{id}/actions`.
    pub const POSTABLE: [ActionKind; 17] = [
        Self::EnableBackups,
        Self::DisableBackups,
        Self::ChangeBackupPolicy,
        Self::Reboot,
        Self::PowerCycle,
        Self::Shutdown,
        Self::PowerOff,
        Self::PowerOn,
        Self::Restore,
        Self::PasswordReset,
        Self::Resize,
        Self::Rebuild,
        Self::Rename,
        Self::ChangeKernel,
        Self::EnableIpv6,
        Self::EnablePrivateNetworking,
        Self::Snapshot,
    ];

    /// Types a client may post by tag to `/v2/droplets/actions`.
    pub const BY_TAG: [ActionKind; 9] = [
        Self::EnableBackups,
        Self::DisableBackups,
        Self::PowerCycle,
        Self::Shutdown,
        Self::PowerOff,
        Self::PowerOn,
        Self::EnableIpv6,
        Self::EnablePrivateNetworking,
        Self::Snapshot,
    ];

    /// The wire name of the type.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::EnableBackups => "enable_backups",
            Self::DisableBackups => "disable_backups",
            Self::ChangeBackupPolicy => "change_backup_policy",
            Self::Reboot => "reboot",
            Self::PowerCycle => "power_cycle",
            Self::Shutdown => "shutdown",
            Self::PowerOff => "power_off",
            Self::PowerOn => "power_on",
            Self::Restore => "restore",
            Self::PasswordReset => "password_reset",
            Self::Resize => "resize",
            Self::Rebuild => "rebuild",
            Self::Rename => "rename",
            Self::ChangeKernel => "change_kernel",
            Self::EnableIpv6 => "enable_ipv6",
            Self::EnablePrivateNetworking => "enable_private_networking",
            Self::Snapshot => "snapshot",
        }
    }

    /// Parses a postable type name.
    pub fn parse_postable(name: &str) -> Option<Self> {
        Self::POSTABLE.into_iter().find(|k| k.as_str() == name)
    }
}

/// How an action ends once its duration has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Completed,
    Errored,
}

/// The wire status of an action at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActionStatus {
    InProgress,
    Completed,
    Errored,
}

impl ActionStatus {
    /// The wire name of the status.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "in-progress",
            Self::Completed => "completed",
            Self::Errored => "errored",
        }
    }
}

/// The resource families whose actions are not Droplet actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Family {
    Volume,
    Image,
    FloatingIp,
    ReservedIp,
    ReservedIpv6,
    NfsShare,
}

impl Family {
    /// The action's `resource_type`.
    pub fn resource_type(self) -> &'static str {
        match self {
            Self::Volume => "volume",
            Self::Image => "image",
            Self::FloatingIp => "floating_ip",
            Self::ReservedIp => "reserved_ip",
            Self::ReservedIpv6 => "reserved_ipv6",
            Self::NfsShare => "SHARE",
        }
    }

    /// Whether the family's resources have integer ids an action can name.
    fn numeric_id(self) -> bool {
        !matches!(self, Self::Volume | Self::NfsShare)
    }
}

/// What an action acts on: a Droplet (its `kind` says how), or another family's
/// resource with the action's wire type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Subject {
    Droplet,
    Other(Family, &'static str),
}

/// One action. Kept small and `Copy` so 100,000 of them stay cheap, and so a
/// reader copies it out of the lock and serializes without holding it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Action {
    pub id: u64,
    pub account: AccountId,
    /// The Droplet action's type; only meaningful when `subject` is a Droplet.
    pub kind: ActionKind,
    pub subject: Subject,
    /// The Droplet's id, or the other resource's integer id (0 if it has none).
    pub droplet_id: u64,
    pub region: &'static Region,
    pub started_at: Timestamp,
    /// `None` means the action never completes (its duration overflowed the calendar).
    pub completes_at: Option<Timestamp>,
    pub outcome: Outcome,
}

impl Action {
    /// The wire `type`.
    pub fn type_name(&self) -> &'static str {
        match self.subject {
            Subject::Droplet => self.kind.as_str(),
            Subject::Other(_, name) => name,
        }
    }

    /// The wire `resource_type`.
    pub fn resource_type(&self) -> &'static str {
        match self.subject {
            Subject::Droplet => "droplet",
            Subject::Other(family, _) => family.resource_type(),
        }
    }

    /// The wire `resource_id`: null for resources named by UUID.
    pub fn resource_id(&self) -> Option<u64> {
        match self.subject {
            Subject::Other(family, _) if !family.numeric_id() => None,
            _ => Some(self.droplet_id),
        }
    }

    /// Status and completion time as seen at `now`. The status is a pure function of
    /// time, so every reader agrees and an action completes exactly once.
    pub fn status_at(&self, now: Timestamp) -> (ActionStatus, Option<Timestamp>) {
        match self.completes_at {
            Some(done) if done <= now => {
                let status = match self.outcome {
                    Outcome::Completed => ActionStatus::Completed,
                    Outcome::Errored => ActionStatus::Errored,
                };
                (status, Some(done))
            }
            _ => (ActionStatus::InProgress, None),
        }
    }
}

/// A Droplet's power state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DropletStatus {
    New,
    Active,
    Off,
}

impl DropletStatus {
    /// The wire name of the status.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Active => "active",
            Self::Off => "off",
        }
    }
}

/// A validated backup policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BackupPolicy {
    pub plan: String,
    pub weekday: String,
    pub hour: u8,
}

impl Default for BackupPolicy {
    fn default() -> Self {
        Self {
            plan: "daily".into(),
            weekday: "SUN".into(),
            hour: 0,
        }
    }
}

/// What a pending action does to its droplet when it completes successfully.
#[derive(Debug, Clone)]
pub(crate) enum Effect {
    Activate,
    PowerOff,
    Rename(String),
    Resize {
        size: &'static Size,
        disk: bool,
    },
    /// With the name the client gave, if any.
    Snapshot(Option<String>),
    EnableBackups(Option<BackupPolicy>),
    DisableBackups,
    ChangeBackupPolicy(BackupPolicy),
    EnableIpv6,
    /// The catalog image the Droplet runs, and how it shows one of the account's own
    /// images (a snapshot or backup) it was rebuilt from.
    Rebuild(&'static Image, Option<Box<serde_json::Value>>),
    ChangeKernel(u64),
    Nothing,
}

/// An action the droplet is waiting on, with the change it will make.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub action_id: u64,
    pub effect: Effect,
}

/// One Droplet with everything its wire form needs.
#[derive(Debug, Clone)]
pub(crate) struct Droplet {
    pub id: u64,
    pub account: AccountId,
    pub name: String,
    pub size: &'static Size,
    pub disk: u32,
    pub status: DropletStatus,
    pub created_at: Timestamp,
    pub backups: bool,
    pub backup_policy: Option<BackupPolicy>,
    /// Since when scheduled backups are made (backups enabled), and how many of the
    /// schedule's backups have been made since.
    pub backups_since: Option<Timestamp>,
    pub backups_made: u64,
    pub ipv6: bool,
    /// Whether it has a public IPv4 address (`public_networking`, true unless refused).
    pub public_ipv4: bool,
    pub monitoring: bool,
    pub backup_ids: Vec<u64>,
    pub snapshot_ids: Vec<u64>,
    pub image: &'static Image,
    /// The account's own image it was made from (a snapshot, backup or custom image),
    /// as the API shows it in `image`; `image` is then the catalog image it runs.
    pub image_shown: Option<Box<serde_json::Value>>,
    pub kernel: Option<u64>,
    pub region: &'static Region,
    pub tags: Vec<String>,
    pub vpc_uuid: String,
    /// Its address inside its VPC's range (`None` only in state files written before
    /// addresses were kept).
    pub private_ipv4: Option<PrivateAddr>,
    /// Volumes attached, in attach order.
    pub volume_ids: Vec<String>,
    /// Ids of this droplet's actions, oldest first (ids only grow).
    pub action_ids: VecDeque<u64>,
    pub pending: Option<Pending>,
}

/// A Droplet's private IPv4 address and the prefix length of its VPC's range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PrivateAddr {
    pub ip: Ipv4Addr,
    pub prefix: u8,
}

impl PrivateAddr {
    /// The range's netmask.
    pub fn netmask(self) -> Ipv4Addr {
        Ipv4Addr::from(
            u32::MAX
                .checked_shl(32 - u32::from(self.prefix))
                .unwrap_or(0),
        )
    }

    /// The first host of `range` (`a.b.c.d/n`) that `used` does not hold, from the
    /// range's third address on (its first two are the network and its gateway) and
    /// short of its broadcast address. `None` if the range is malformed or full.
    pub fn first_free(range: &str, used: impl Fn(Ipv4Addr) -> bool) -> Option<Self> {
        let (address, bits) = range.split_once('/')?;
        let prefix: u8 = bits.parse().ok().filter(|b| *b <= 30)?;
        let size = 1u32 << (32 - prefix);
        let network = u32::from(address.parse::<Ipv4Addr>().ok()?) & !(size - 1);
        (2..size - 1)
            .map(|offset| Ipv4Addr::from(network + offset))
            .find(|ip| !used(*ip))
            .map(|ip| Self { ip, prefix })
    }
}

impl std::fmt::Display for PrivateAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.ip, self.prefix)
    }
}

impl std::str::FromStr for PrivateAddr {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("'{text}' is not an address with its prefix length (a.b.c.d/n)");
        let (ip, bits) = text.split_once('/').ok_or_else(bad)?;
        Ok(Self {
            ip: ip.parse().map_err(|_| bad())?,
            prefix: bits.parse().ok().filter(|b| *b <= 32).ok_or_else(bad)?,
        })
    }
}

/// The id a path segment names: only the canonical decimal form of a positive number
/// (`+5`, `05`, `0x5` or `5e0` name nothing).
pub(crate) fn canonical_id(segment: &str) -> Option<u64> {
    if segment.is_empty()
        || segment.starts_with('0')
        || !segment.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    segment.parse::<u64>().ok().filter(|n| *n > 0)
}
