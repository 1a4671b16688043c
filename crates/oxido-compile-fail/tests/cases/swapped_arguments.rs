// Required arguments of one kind go by name: the positional forms that compiled with region and size
// (or the two ports) swapped are gone.
use oxido::types::{DatabaseClusterEngine, DatabasesCreateClusterBody, ForwardingRule};

fn main() {
    let _ = DatabasesCreateClusterBody::new(
        DatabaseClusterEngine::Pg,
        "db",
        1,
        "db-s-1vcpu-1gb",
        "nyc3",
    );
    let _ = ForwardingRule::new(443, "https", 80, "http");
}
