//! One handler per API family. Handlers own a [`crate::Client`] clone, so they and the futures they return
//! can be moved into spawned tasks.

pub(crate) mod actions;
pub(crate) mod droplet_actions;
pub(crate) mod envelopes;

pub use actions::Actions;
pub use droplet_actions::DropletActions;

pub(crate) use actions::get_request as actions_get_request;
pub(crate) use droplet_actions::get_request as droplet_actions_get_request;
