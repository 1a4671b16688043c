//! Request bodies for Droplet actions, by id and by tag.

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// An action to start on one Droplet (`POST /v2/droplets/{droplet_id}/actions`).
///
/// Each variant encodes to exactly the body the API expects, such as `{"type":"reboot"}` or
/// `{"type":"resize","size":"s-2vcpu-2gb","disk":true}`; absent options are left out rather than sent as `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum DropletAction {
    /// Turn on backups, optionally with a schedule (the API defaults to daily).
    EnableBackups {
        /// The schedule; `None` lets the API choose.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        backup_policy: Option<BackupPolicy>,
    },
    /// Turn off backups.
    DisableBackups,
    /// Change the backup schedule.
    ChangeBackupPolicy {
        /// The new schedule.
        backup_policy: BackupPolicy,
    },
    /// Reboot gracefully.
    Reboot,
    /// Power off hard, then on again.
    PowerCycle,
    /// Shut down gracefully.
    Shutdown,
    /// Power off hard.
    PowerOff,
    /// Power on.
    PowerOn,
    /// Restore from one of this Droplet's backups.
    Restore {
        /// The id of the backup image.
        image: u64,
    },
    /// Reset the root password.
    PasswordReset,
    /// Change the size.
    Resize {
        /// The target size slug, for example `s-2vcpu-2gb`.
        size: String,
        /// Also grow the disk; this cannot be undone.
        disk: bool,
    },
    /// Rebuild from an image, keeping the Droplet's id and addresses.
    Rebuild {
        /// The image to rebuild from.
        image: ImageRef,
    },
    /// Rename the Droplet.
    Rename {
        /// The new name.
        name: String,
    },
    /// Switch to another kernel.
    ChangeKernel {
        /// The id of the kernel.
        kernel: u64,
    },
    /// Turn on IPv6.
    EnableIpv6,
    /// Take a snapshot.
    Snapshot {
        /// The snapshot's name; `None` lets the API choose one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
}

impl DropletAction {
    /// The API's name for this action type, for example `power_off`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::EnableBackups { .. } => "enable_backups",
            Self::DisableBackups => "disable_backups",
            Self::ChangeBackupPolicy { .. } => "change_backup_policy",
            Self::Reboot => "reboot",
            Self::PowerCycle => "power_cycle",
            Self::Shutdown => "shutdown",
            Self::PowerOff => "power_off",
            Self::PowerOn => "power_on",
            Self::Restore { .. } => "restore",
            Self::PasswordReset => "password_reset",
            Self::Resize { .. } => "resize",
            Self::Rebuild { .. } => "rebuild",
            Self::Rename { .. } => "rename",
            Self::ChangeKernel { .. } => "change_kernel",
            Self::EnableIpv6 => "enable_ipv6",
            Self::Snapshot { .. } => "snapshot",
        }
    }

    /// Checks the arguments the way the API would, so bad input is refused before anything is sent.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the offending field.
    pub fn validate(&self) -> Result<(), Error> {
        match self {
            Self::EnableBackups {
                backup_policy: Some(policy),
            } => policy.validate(),
            Self::ChangeBackupPolicy { backup_policy } => backup_policy.validate(),
            Self::Restore { image } => require_id("image", *image),
            Self::Resize { size, .. } => require_text("size", size),
            Self::Rebuild { image } => image.validate(),
            Self::Rename { name } => require_text("name", name),
            Self::ChangeKernel { kernel } => require_id("kernel", *kernel),
            Self::Snapshot { name: Some(name) } => require_text("name", name),
            _ => Ok(()),
        }
    }
}

/// An action to start on every Droplet carrying a tag (`POST /v2/droplets/actions?tag_name=...`).
///
/// Only the action types the API accepts by tag exist here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TagAction {
    /// Turn on backups.
    EnableBackups,
    /// Turn off backups.
    DisableBackups,
    /// Power off hard, then on again.
    PowerCycle,
    /// Shut down gracefully.
    Shutdown,
    /// Power off hard.
    PowerOff,
    /// Power on.
    PowerOn,
    /// Turn on IPv6.
    EnableIpv6,
    /// Take a snapshot of each Droplet.
    Snapshot {
        /// The snapshot name; `None` lets the API choose one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
}

impl TagAction {
    /// The API's name for this action type, for example `power_off`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::EnableBackups => "enable_backups",
            Self::DisableBackups => "disable_backups",
            Self::PowerCycle => "power_cycle",
            Self::Shutdown => "shutdown",
            Self::PowerOff => "power_off",
            Self::PowerOn => "power_on",
            Self::EnableIpv6 => "enable_ipv6",
            Self::Snapshot { .. } => "snapshot",
        }
    }

    /// Checks the arguments before anything is sent.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the offending field.
    pub fn validate(&self) -> Result<(), Error> {
        match self {
            Self::Snapshot { name: Some(name) } => require_text("name", name),
            _ => Ok(()),
        }
    }
}

/// A Droplet's backup schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupPolicy {
    /// Daily or weekly.
    pub plan: BackupPlan,
    /// The day of a weekly backup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday: Option<Weekday>,
    /// The hour (UTC) the backup window starts: one of 0, 4, 8, 12, 16, 20.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hour: Option<u8>,
}

impl BackupPolicy {
    /// The hours at which the API lets a backup window start.
    pub const ALLOWED_HOURS: [u8; 6] = [0, 4, 8, 12, 16, 20];

    /// A daily backup starting at `hour`.
    pub fn daily(hour: u8) -> Self {
        Self {
            plan: BackupPlan::Daily,
            weekday: None,
            hour: Some(hour),
        }
    }

    /// A weekly backup on `weekday` starting at `hour`.
    pub fn weekly(weekday: Weekday, hour: u8) -> Self {
        Self {
            plan: BackupPlan::Weekly,
            weekday: Some(weekday),
            hour: Some(hour),
        }
    }

    /// Checks the hour against the windows the API offers.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming `backup_policy.hour`.
    pub fn validate(&self) -> Result<(), Error> {
        match self.hour {
            Some(hour) if !Self::ALLOWED_HOURS.contains(&hour) => Err(Error::invalid_argument(
                "backup_policy.hour",
                format!("{hour} is not one of 0, 4, 8, 12, 16, 20"),
            )),
            _ => Ok(()),
        }
    }
}

/// How often backups run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackupPlan {
    /// Every day.
    Daily,
    /// Once a week.
    Weekly,
}

/// A day of the week, as the backup policy spells it (`SUN` .. `SAT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Weekday {
    /// Sunday.
    Sun,
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
}

/// An image named either by numeric id or by slug (public images only).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ImageRef {
    /// A numeric image id.
    Id(u64),
    /// A public image slug, for example `ubuntu-24-04-x64`.
    Slug(String),
}

impl ImageRef {
    fn validate(&self) -> Result<(), Error> {
        match self {
            Self::Id(id) => require_id("image", *id),
            Self::Slug(slug) => require_text("image", slug),
        }
    }
}

impl From<u64> for ImageRef {
    fn from(id: u64) -> Self {
        Self::Id(id)
    }
}

impl From<&str> for ImageRef {
    fn from(slug: &str) -> Self {
        Self::Slug(slug.to_owned())
    }
}

impl From<String> for ImageRef {
    fn from(slug: String) -> Self {
        Self::Slug(slug)
    }
}

pub(crate) fn require_id(argument: &'static str, id: u64) -> Result<(), Error> {
    if id == 0 {
        return Err(Error::invalid_argument(argument, "must be 1 or greater"));
    }
    Ok(())
}

pub(crate) fn require_text(argument: &'static str, text: &str) -> Result<(), Error> {
    if text.trim().is_empty() {
        return Err(Error::invalid_argument(argument, "must not be empty"));
    }
    Ok(())
}
