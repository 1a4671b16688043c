// A domain record's variant is its type: an A record takes no `type`, so it cannot be sent as a CNAME.
use oxido::types::{DomainRecordA, DomainRecordARequired};

fn main() {
    let _ = DomainRecordA::new("162.10.66.0", "www", "CNAME");
    let _ = DomainRecordA::new(DomainRecordARequired {
        data: "162.10.66.0".into(),
        name: "www".into(),
        kind: "CNAME".into(),
    });
}
