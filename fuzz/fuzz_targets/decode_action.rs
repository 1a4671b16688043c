//! Any bytes as the body of a 200 answer to `droplet_actions().get`: the SDK returns the action or a decode
//! error, never panics; a decoded action serializes and decodes back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxido_fuzz::{CannedServer, Reply, block_on, check_error, sdk_client};

fuzz_target!(|body: &[u8]| {
    if let Ok(action) = serde_json::from_slice::<oxido::Action>(body) {
        let encoded = serde_json::to_vec(&action).expect("an Action always serializes");
        let decoded: oxido::Action =
            serde_json::from_slice(&encoded).expect("an Action decodes from its own JSON");
        assert_eq!(decoded, action, "round trip changed the action");
    }

    let client = sdk_client();
    CannedServer::get().set_reply(Reply {
        status: 200,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.to_vec(),
    });
    match block_on(client.droplet_actions().get(3_164_444, 36_804_636)) {
        Ok(_) => {}
        Err(err) => {
            assert!(
                matches!(err, oxido::Error::Decode { .. }),
                "a 200 gave {err:?}"
            );
            assert!(err.to_string().contains("droplet_actions.get"), "{err}");
            check_error(&err);
        }
    }
});
