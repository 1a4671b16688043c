//! A subscriber that listens to events only (no spans), as the CLI's `-v` does, still gets the request id of
//! a successful answer.

mod common;

use std::sync::{Arc, Mutex};

use common::{REFERENCE_ACTION, client_for};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Clone, Default)]
struct EventsOnly {
    request_ids: Arc<Mutex<Vec<String>>>,
}

struct RequestId<'a>(&'a mut Option<String>);

impl Visit for RequestId<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "request_id" {
            *self.0 = Some(value.to_owned());
        }
    }

    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

impl<S: tracing::Subscriber> Layer<S> for EventsOnly {
    fn enabled(&self, meta: &tracing::Metadata<'_>, _: Context<'_, S>) -> bool {
        meta.is_event() && meta.target() == "oxido"
    }

    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut id = None;
        event.record(&mut RequestId(&mut id));
        if let (Some(id), Ok(mut ids)) = (id, self.request_ids.lock()) {
            ids.push(id);
        }
    }
}

#[tokio::test]
async fn an_events_only_subscriber_sees_the_request_id_of_a_success() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(REFERENCE_ACTION, "application/json")
                .insert_header("x-request-id", "req-events-1"),
        )
        .mount(&server)
        .await;
    let layer = EventsOnly::default();
    let subscriber = tracing_subscriber::registry().with(layer.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    client_for(&server.uri())
        .droplet_actions()
        .get(3164444, 36804636)
        .await
        .expect("200");
    let ids = layer.request_ids.lock().expect("not poisoned").clone();
    assert_eq!(ids, ["req-events-1"]);
}
