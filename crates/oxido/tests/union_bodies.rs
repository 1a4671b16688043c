//! Tagged unions: the tag picks the branch when decoding, and the branch picks the tag when encoding.
//! The floating IP, reserved IP and reserved IPv6 action bodies are `oneOf`s whose branches share one
//! `type` enum (`assign`, `unassign`), so only the union's discriminator says which value goes with
//! which branch.

use std::time::Duration;

use oxido::Client;
use oxido::types::{IpActionAssign, IpActionBody, MessagesResponseContentBlock};
use oxido_sim::{Seed, Sim};
use serde_json::json;

#[test]
fn unassign_decodes_as_the_unassign_branch() {
    let body: IpActionBody =
        serde_json::from_value(json!({"type": "unassign"})).expect("unassign decodes");
    assert!(matches!(body, IpActionBody::Unassign), "{body:?}");
    let body: IpActionBody =
        serde_json::from_value(json!({"type": "assign", "droplet_id": 3164444}))
            .expect("assign decodes");
    match body {
        IpActionBody::Assign(assign) => {
            assert_eq!(assign.droplet_id, 3164444)
        }
        other => panic!("{other:?}"),
    }
    let err = serde_json::from_value::<IpActionBody>(json!({"type": "assign"}))
        .expect_err("assign without a droplet");
    assert!(err.to_string().contains("droplet_id"), "{err}");
}

#[test]
fn the_branch_decides_the_type_sent() {
    // The tag is the variant's alone: no payload field can disagree with it.
    assert_eq!(
        serde_json::to_value(IpActionBody::Unassign).expect("encodes"),
        json!({"type": "unassign"})
    );
    let body = IpActionBody::Assign(IpActionAssign::new(3164444));
    assert_eq!(
        serde_json::to_value(&body).expect("encodes"),
        json!({"type": "assign", "droplet_id": 3164444})
    );
    // A kind the crate does not know goes out as it came in.
    let other: IpActionBody =
        serde_json::from_value(json!({"type": "move", "to": 1})).expect("kept");
    assert_eq!(
        serde_json::to_value(&other).expect("encodes"),
        json!({"type": "move", "to": 1})
    );
}

#[test]
fn content_blocks_are_picked_by_their_type() {
    // Branches that pin `type` to one value each make a tagged union: a block kind added later is
    // kept, not a decode error for the whole answer.
    let block: MessagesResponseContentBlock =
        serde_json::from_value(json!({"type": "thinking", "thinking": "hmm"})).expect("kept");
    assert!(
        matches!(block, MessagesResponseContentBlock::Other(_)),
        "{block:?}"
    );
    let block: MessagesResponseContentBlock =
        serde_json::from_value(json!({"type": "text", "text": "hi"})).expect("text");
    assert!(
        matches!(block, MessagesResponseContentBlock::TextBlock(_)),
        "{block:?}"
    );
    let encoded = serde_json::to_value(&block).expect("encodes");
    assert_eq!(encoded, json!({"type": "text", "text": "hi"}));
}

#[tokio::test]
async fn unassign_reaches_the_emulator_as_unassign() {
    let sim = Sim::builder()
        .seed(Seed::Demo)
        .action_duration(Duration::from_millis(50))
        .start()
        .await
        .expect("emulator starts");
    let client = Client::builder()
        .no_proxy()
        .token(sim.token())
        .base_url(sim.base_url())
        .overall_timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    let body = IpActionBody::Unassign;
    let action = client
        .floating_ips_action()
        .post("45.55.96.47", body)
        .await
        .expect("unassign is accepted");
    assert_eq!(action.kind.as_str(), "unassign_ip", "{action:?}");
    let sent: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path == "/v2/floating_ips/45.55.96.47/actions")
        .collect();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let sent: serde_json::Value = serde_json::from_str(&sent[0].body).expect("JSON body");
    assert_eq!(sent, json!({"type": "unassign"}));
}
