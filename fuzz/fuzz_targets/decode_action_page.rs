//! Any bytes as the body of a 200 answer to a list call: one page decodes or fails with a decode error; the
//! stream over pages stops (every page here is the same, so a `next` link repeats) instead of looping.
#![no_main]

use futures::StreamExt;
use libfuzzer_sys::fuzz_target;
use oxido_fuzz::{CannedServer, Reply, block_on, check_error, sdk_client};

/// More pages than any well-behaved stream can fetch here: the second identical `next` link must stop it.
const PAGE_BOUND: usize = 50;

fuzz_target!(|body: &[u8]| {
    let client = sdk_client();
    CannedServer::get().set_reply(Reply {
        status: 200,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.to_vec(),
    });
    match block_on(
        client
            .droplet_actions()
            .list(3_164_444)
            .per_page(200)
            .send(),
    ) {
        Ok(page) => {
            let _ = page.next_link();
        }
        Err(err) => {
            assert!(
                matches!(err, oxido::Error::Decode { .. }),
                "a 200 gave {err:?}"
            );
            check_error(&err);
        }
    }

    let pages = block_on(async {
        let mut stream = client.droplet_actions().list(3_164_444).into_pages();
        let mut seen = 0;
        while let Some(page) = stream.next().await {
            seen += 1;
            if let Err(err) = page {
                check_error(&err);
                break;
            }
            if seen > PAGE_BOUND {
                break;
            }
        }
        seen
    });
    assert!(
        pages <= PAGE_BOUND,
        "the page stream did not stop on a repeated next link"
    );
});
