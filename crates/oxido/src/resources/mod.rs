//! One handler per API family. Handlers own a [`crate::Client`] clone, so they and the futures they return
//! can be moved into spawned tasks.

mod actions;
pub(crate) mod droplet_actions;
pub(crate) mod envelopes;

pub use actions::Actions;
pub use droplet_actions::DropletActions;
