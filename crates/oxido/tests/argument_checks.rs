//! Generated calls refuse what the hand-written ones refuse, before anything is sent: ids below 1, empty
//! required strings, and the bounds the spec states. A wiremock server on 127.0.0.1 counts what arrives.

mod common;

use common::client_for;
use oxido::Error;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    server
}

async fn sent(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

fn refused(result: Result<(), Error>, argument: &str, reason: &str) {
    match result {
        Err(Error::InvalidArgument {
            argument: name,
            reason: why,
        }) => {
            assert_eq!(name, argument);
            assert!(why.contains(reason), "{why}");
        }
        other => panic!("expected `{argument}` to be refused, got {other:?}"),
    }
}

#[tokio::test]
async fn an_id_of_zero_is_refused() {
    let server = server().await;
    let client = client_for(&server.uri());
    refused(
        client.droplets().destroy(0).await,
        "droplet_id",
        "1 or greater",
    );
    refused(
        client.droplets().list_kernels(0).send().await.map(drop),
        "droplet_id",
        "1 or greater",
    );
    assert_eq!(sent(&server).await, 0);
    client.droplets().destroy(1).await.expect("id 1 is sent");
    assert_eq!(sent(&server).await, 1);
}

#[tokio::test]
async fn an_empty_required_string_is_refused() {
    let server = server().await;
    let client = client_for(&server.uri());
    refused(
        client.droplets().destroy_by_tag("").await,
        "tag_name",
        "must not be empty",
    );
    refused(
        client.droplets().destroy_by_tag("  ").await,
        "tag_name",
        "must not be empty",
    );
    refused(client.volumes().delete("").await, "volume_id", "empty");
    assert_eq!(sent(&server).await, 0);
    client
        .droplets()
        .destroy_by_tag("web")
        .await
        .expect("a tag is sent");
    assert_eq!(sent(&server).await, 1);
}

#[tokio::test]
async fn the_specs_string_bounds_are_checked() {
    let server = server().await;
    let client = client_for(&server.uri());
    refused(
        client.tags().delete(&"t".repeat(256)).await,
        "tag_id",
        "at most 255",
    );
    refused(client.tags().delete("web prod").await, "tag_id", "' '");
    refused(client.tags().delete("web/prod").await, "tag_id", "'/'");
    assert_eq!(sent(&server).await, 0);
    client
        .tags()
        .delete("env:prod_web-1")
        .await
        .expect("letters, digits, `_`, `-` and `:` are sent");
    client
        .tags()
        .delete(&"t".repeat(255))
        .await
        .expect("255 characters are sent");
    assert_eq!(sent(&server).await, 2);
}

#[tokio::test]
async fn the_specs_integer_bounds_are_checked_in_option_setters() {
    let server = server().await;
    let client = client_for(&server.uri());
    refused(
        client
            .kubernetes()
            .delete_node("c", "p", "n")
            .skip_drain(2)
            .await,
        "skip_drain",
        "not between 0 and 1",
    );
    refused(
        client
            .kubernetes()
            .get_kubeconfig("c")
            .expiry_seconds(-5)
            .send()
            .await
            .map(drop),
        "expiry_seconds",
        "less than 0",
    );
    assert_eq!(sent(&server).await, 0);
    client
        .kubernetes()
        .delete_node("c", "p", "n")
        .skip_drain(1)
        .await
        .expect("in bounds");
    assert_eq!(sent(&server).await, 1);
}
