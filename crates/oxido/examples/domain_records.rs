//! Creates the domain `oxido-example.com` with an A record for `www` and a CNAME for `blog`.

use oxido::Client;
use oxido::types::{
    DomainRecordA, DomainRecordARequired, DomainRecordCname, DomainRecordCnameRequired,
    DomainRequest, DomainsCreateRecordBody,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;

    let domain = DomainRequest {
        name: Some("oxido-example.com".into()),
        ..DomainRequest::default()
    };
    client.domains().create(domain).await?;
    let a = DomainRecordA {
        ttl: Some(1800),
        ..DomainRecordA::new(DomainRecordARequired {
            data: "203.0.113.10".into(),
            name: "www".into(),
        })
    };
    let a = client
        .domains()
        .create_record("oxido-example.com", DomainsCreateRecordBody::A(a))
        .await?;
    let cname = DomainRecordCname {
        ttl: Some(1800),
        ..DomainRecordCname::new(DomainRecordCnameRequired {
            data: "www.oxido-example.com.".into(),
            name: "blog".into(),
        })
    };
    let cname = client
        .domains()
        .create_record("oxido-example.com", DomainsCreateRecordBody::Cname(cname))
        .await?;
    let (a_id, cname_id) = (
        a.id.ok_or("A record without an id")?,
        cname.id.ok_or("CNAME without an id")?,
    );
    println!("domain oxido-example.com: A record {a_id}, CNAME record {cname_id}");
    Ok(())
}
