//! Data types exchanged with the API: what responses decode into and what request bodies encode from.

mod action;
pub(crate) mod droplet_action;
mod lists;
mod page;
mod region;
pub(crate) mod string_enum;
mod string_list;
mod timestamp;
#[cfg(feature = "volumes")]
mod volume_body;

pub use action::{Action, ActionStatus, ActionType};
pub use droplet_action::{BackupPlan, BackupPolicy, DropletAction, ImageRef, TagAction, Weekday};
/// The type of every `date-time` field.
pub use jiff::Timestamp;
pub(crate) use lists::null_as_empty;
pub use page::{Links, Meta, Page, PageLinks};
pub use region::Region;
