//! Decoding success bodies, with errors that name the operation and the JSON path that failed.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use crate::error::Error;
use crate::models::{Links, Meta, Page};
use crate::text::one_line_clipped;

/// The longest JSON path or parser message kept in a decode error; both can quote server-controlled text.
const DETAIL_CHARS: usize = 300;

/// Decodes `body` as `T`; on failure reports where in the document it went wrong.
///
/// A good body is decoded once by plain serde_json; only a failing one is decoded a second time with path
/// tracking, which costs a little on every value, to name the place.
///
/// The body is checked to be UTF-8 once, as a whole, and then read as text: reading bytes, serde_json checks
/// every string on its own, which costs more than the whole check when an answer holds many short strings. A
/// body that is not UTF-8 is read as bytes, exactly as before (a bad byte inside an ignored field is no error).
pub(crate) fn decode_json<T: DeserializeOwned>(
    operation: &'static str,
    body: &[u8],
) -> Result<T, Error> {
    let decoded = match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(body),
    };
    if let Ok(value) = decoded {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let tracked: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
    tracked.map_err(|err| {
        Error::decode(
            operation,
            one_line_clipped(&err.path().to_string(), DETAIL_CHARS),
            one_line_clipped(&err.into_inner().to_string(), DETAIL_CHARS),
        )
    })
}

/// A body that is text (YAML, CSV): it must be UTF-8.
#[allow(dead_code)] // used by generated operations that answer text
pub(crate) fn decode_text(operation: &'static str, body: &[u8]) -> Result<String, Error> {
    String::from_utf8(body.to_vec()).map_err(|err| {
        Error::decode(
            operation,
            ".".to_owned(),
            format!("the body is not UTF-8 text ({err})"),
        )
    })
}

// ---------------------------------------------------------------------------------------------------------
// Envelopes and pages, decoded without building the members they skip

fn decode_error(
    operation: &'static str,
    err: serde_path_to_error::Error<serde_json::Error>,
) -> Error {
    Error::decode(
        operation,
        one_line_clipped(&err.path().to_string(), DETAIL_CHARS),
        one_line_clipped(&err.into_inner().to_string(), DETAIL_CHARS),
    )
}

/// Runs a seed over the body as `decode_json` does: UTF-8 is checked once and the body read as a
/// `&str` (serde_json then skips its per-string checks), with no path tracking; only a body that fails
/// is read again with the JSON path tracked, so the error names where it broke at no cost to good ones.
pub(crate) fn decode_seed<S, V>(
    operation: &'static str,
    body: &[u8],
    seed: impl Fn() -> S,
) -> Result<V, Error>
where
    S: for<'de> DeserializeSeed<'de, Value = V>,
{
    let fast = match std::str::from_utf8(body) {
        Ok(text) => seed().deserialize(&mut serde_json::Deserializer::from_str(text)),
        Err(_) => seed().deserialize(&mut serde_json::Deserializer::from_slice(body)),
    };
    if let Ok(value) = fast {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let mut track = serde_path_to_error::Track::new();
    let tracked = serde_path_to_error::Deserializer::new(&mut deserializer, &mut track);
    seed().deserialize(tracked).map_err(|err| {
        decode_error(
            operation,
            serde_path_to_error::Error::new(track.path(), err),
        )
    })
}

/// Decodes one page `{"key": [T], "links": …, "meta": …}`. A page without its `key` member is an error
/// (a `null` list is an empty one): an answer of another shape must not pass for an empty page.
pub(crate) fn page<T: DeserializeOwned>(
    operation: &'static str,
    body: &[u8],
    key: &'static str,
) -> Result<Page<T>, Error> {
    let (items, links, meta) = decode_seed(operation, body, || PageSeed::<T> {
        key,
        marker: PhantomData,
    })?;
    let Some(items) = items else {
        return Err(Error::decode(
            operation,
            String::new(),
            format!("the page has no `{key}` list"),
        ));
    };
    Ok(Page {
        items: items.unwrap_or_default(),
        links: links.unwrap_or_default(),
        meta: meta.unwrap_or_default(),
    })
}

struct PageSeed<T> {
    key: &'static str,
    marker: PhantomData<T>,
}

/// The list (absent, or present and maybe `null`), links and meta of a page.
type PageParts<T> = (Option<Option<Vec<T>>>, Option<Links>, Option<Meta>);

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for PageSeed<T> {
    type Value = PageParts<T>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for PageSeed<T> {
    type Value = PageParts<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with a `{}` list", self.key)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut items, mut links, mut meta) = (None, None, None);
        while let Some(name) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match name.as_ref() {
                "links" => links = map.next_value::<Option<Links>>()?,
                "meta" => meta = map.next_value::<Option<Meta>>()?,
                other if other == self.key => {
                    items = Some(map.next_value::<Option<Vec<T>>>()?);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok((items, links, meta))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Outer {
        #[allow(dead_code)]
        inner: Inner,
    }

    #[derive(Debug, serde::Deserialize)]
    struct Inner {
        #[allow(dead_code)]
        id: u64,
    }

    #[test]
    fn error_names_operation_and_path() {
        let err = decode_json::<Outer>("things.get", br#"{"inner":{"id":"seven"}}"#)
            .expect_err("wrong type");
        match &err {
            Error::Decode {
                operation, path, ..
            } => {
                assert_eq!(*operation, "things.get");
                assert_eq!(path, "inner.id");
            }
            other => panic!("unexpected error {other:?}"),
        }
        assert!(
            err.to_string()
                .starts_with("decoding the response of things.get failed at `inner.id`")
        );
    }

    #[test]
    fn server_text_in_the_path_or_message_cannot_break_the_line() {
        // Found by the decode_action_page fuzz target: a key holding an escaped newline puts it in the path.
        let body = br#"{"x\nforged log line\u001b[2J": [1,,]}"#;
        let err = decode_json::<Outer>("things.list", body).expect_err("bad body");
        let Error::Decode { path, .. } = &err else {
            panic!("unexpected error {err:?}");
        };
        assert_eq!(path, "x forged log line [2J");
        let line = err.to_string();
        assert!(!line.contains(['\n', '\u{1b}']), "{line:?}");

        let huge = format!(r#"{{"inner":{{"id":"{}"}}}}"#, "x".repeat(100_000));
        let line = decode_json::<Outer>("things.get", huge.as_bytes())
            .expect_err("wrong type")
            .to_string();
        assert!(line.len() < 1_000, "{} bytes", line.len());
    }

    #[test]
    fn text_bodies_must_be_utf8() {
        assert_eq!(
            decode_text("k.get", b"apiVersion: v1\n").expect("text"),
            "apiVersion: v1\n"
        );
        let err = decode_text("k.get", b"\xff\xfe").expect_err("not utf-8");
        assert!(err.to_string().contains("k.get"), "{err}");
    }

    #[test]
    fn text_and_byte_bodies_decode_alike() {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Named {
            name: String,
        }
        assert_eq!(
            decode_json::<Named>("n.get", "{\"name\":\"caf\u{e9} \\u00e9\\n\"}".as_bytes())
                .expect("utf-8"),
            Named {
                name: "caf\u{e9} \u{e9}\n".to_owned()
            }
        );
        // Not UTF-8 in a field nobody reads: no error, as with serde_json's byte reader.
        let mut body = b"{\"name\":\"x\",\"junk\":\"".to_vec();
        body.extend_from_slice(b"\xff\xfe\"}");
        assert_eq!(
            decode_json::<Named>("n.get", &body).expect("ignored bytes"),
            Named {
                name: "x".to_owned()
            }
        );
        // Not UTF-8 in a field that is read: a decode error naming it.
        let err = decode_json::<Named>("n.get", b"{\"name\":\"\xff\"}").expect_err("bad");
        match err {
            Error::Decode { path, .. } => assert_eq!(path, "name"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn non_json_body_is_a_decode_error() {
        let err = decode_json::<Outer>("things.get", b"<html>").expect_err("not json");
        assert!(matches!(err, Error::Decode { .. }));
    }
}
