//! The action object: the record of one asynchronous operation on a resource.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::region::Region;
use super::string_enum::open_string_enum;

/// One asynchronous operation the API performed or is performing, such as a reboot.
///
/// Serializing an `Action` gives back the API's JSON object field for field (`type` in JSON is
/// [`Action::kind`] here). Fields the crate does not know are ignored when decoding. `Default` (id 0, an
/// empty status and kind, the Unix epoch) is for building one in tests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    /// The action's numeric id.
    pub id: u64,
    /// Where the action stands: in progress, completed or errored.
    pub status: ActionStatus,
    /// What the action does, for example `power_off`.
    #[serde(rename = "type")]
    pub kind: ActionType,
    /// When the action started.
    #[serde(deserialize_with = "super::timestamp::deserialize")]
    pub started_at: Timestamp,
    /// When the action finished; `None` while it is still running.
    #[serde(default, deserialize_with = "super::timestamp::deserialize_option")]
    pub completed_at: Option<Timestamp>,
    /// The id of the resource the action works on, if it has one.
    pub resource_id: Option<u64>,
    /// The kind of resource the action works on, for example `droplet`.
    pub resource_type: String,
    /// The region the action ran in. Real responses sometimes carry `null` here.
    pub region: Option<Region>,
    /// The slug of the region the action ran in.
    pub region_slug: Option<String>,
}

impl Action {
    /// Whether the action has reached a final state (completed or errored).
    pub fn is_done(&self) -> bool {
        self.status.is_terminal()
    }
}

/// `Other("")`, for actions built in tests.
impl Default for ActionStatus {
    fn default() -> Self {
        Self::Other(String::new())
    }
}

/// `Other("")`, for actions built in tests.
impl Default for ActionType {
    fn default() -> Self {
        Self::Other(String::new())
    }
}

open_string_enum! {
    /// The state of an action.
    pub enum ActionStatus {
        /// The action is still running.
        InProgress => "in-progress",
        /// The action finished successfully.
        Completed => "completed",
        /// The action failed.
        Errored => "errored",
    }
}

impl ActionStatus {
    /// Whether no further change is expected. Unknown states count as not final, so a waiter keeps polling
    /// until its timeout rather than stopping on a state it cannot interpret.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Completed | Self::Errored)
    }
}

open_string_enum! {
    /// What an action does. The API does not close this list, so unknown kinds are kept verbatim.
    pub enum ActionType {
        /// A resource was created.
        Create => "create",
        /// A resource was destroyed.
        Destroy => "destroy",
        /// Backups were turned on.
        EnableBackups => "enable_backups",
        /// Backups were turned off.
        DisableBackups => "disable_backups",
        /// The backup schedule was changed.
        ChangeBackupPolicy => "change_backup_policy",
        /// A graceful reboot.
        Reboot => "reboot",
        /// A hard power off followed by power on.
        PowerCycle => "power_cycle",
        /// A graceful shutdown.
        Shutdown => "shutdown",
        /// A hard power off.
        PowerOff => "power_off",
        /// Power on.
        PowerOn => "power_on",
        /// A restore from a backup image.
        Restore => "restore",
        /// A root password reset.
        PasswordReset => "password_reset",
        /// A change of size.
        Resize => "resize",
        /// A rebuild from an image.
        Rebuild => "rebuild",
        /// A rename.
        Rename => "rename",
        /// A kernel change.
        ChangeKernel => "change_kernel",
        /// IPv6 was turned on.
        EnableIpv6 => "enable_ipv6",
        /// A snapshot was taken.
        Snapshot => "snapshot",
        /// An image transfer between regions.
        Transfer => "transfer",
    }
}
