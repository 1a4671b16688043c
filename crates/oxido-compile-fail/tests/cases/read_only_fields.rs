// The API sets `id`, `status` and `created_at`; a create body has no room for them.
use oxido::types::FirewallRequest;

fn main() {
    let _ = FirewallRequest {
        id: Some("bb4b2611-3d72-467b-8602-280330ecd65c".into()),
        status: Some("succeeded".into()),
        created_at: Some("2017-05-23T21:24:00Z".into()),
        ..FirewallRequest::default()
    };
}
