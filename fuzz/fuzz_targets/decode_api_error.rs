//! Any error answer (status 400-599, any body, any request-id and rate-limit headers): the SDK returns an
//! `ApiError` with that status, a one-line Display, and never the token; it never panics.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use oxido_fuzz::{CannedServer, Reply, block_on, check_error, header_value, sdk_client};

#[derive(Debug, Arbitrary)]
struct ErrorReply {
    status: u16,
    request_id: Option<Vec<u8>>,
    rate_limit: Option<(Vec<u8>, Vec<u8>, Vec<u8>)>,
    retry_after: Option<Vec<u8>>,
    content_type: bool,
    body: Vec<u8>,
}

fuzz_target!(|input: ErrorReply| {
    let status = 400 + input.status % 200;
    let mut headers = Vec::new();
    let mut add = |name: &str, raw: &[u8]| {
        let value = header_value(raw);
        if !value.is_empty() {
            headers.push((name.to_owned(), value));
        }
    };
    if let Some(id) = &input.request_id {
        add("x-request-id", id);
    }
    if let Some((limit, remaining, reset)) = &input.rate_limit {
        add("ratelimit-limit", limit);
        add("ratelimit-remaining", remaining);
        add("ratelimit-reset", reset);
    }
    if let Some(retry_after) = &input.retry_after {
        add("retry-after", retry_after);
    }
    if input.content_type {
        headers.push(("content-type".into(), "application/json".into()));
    }

    let client = sdk_client();
    CannedServer::get().set_reply(Reply {
        status,
        headers,
        body: input.body,
    });
    let err = block_on(client.droplet_actions().get(3_164_444, 36_804_636))
        .expect_err("a 4xx/5xx answer must be an error");
    check_error(&err);
    let api = err
        .api_error()
        .expect("an answer with a status is an ApiError");
    assert_eq!(api.status, status);
    assert!(!api.id.is_empty() && !api.message.is_empty(), "{api:?}");
    assert!(err.to_string().contains(&status.to_string()), "{err}");
});
