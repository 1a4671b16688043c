//! Decoding success bodies, with errors that name the operation and the JSON path that failed.

use serde::de::DeserializeOwned;

use crate::error::Error;

/// Decodes `body` as `T`; on failure reports where in the document it went wrong.
pub(crate) fn decode_json<T: DeserializeOwned>(
    operation: &'static str,
    body: &[u8],
) -> Result<T, Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|err| Error::Decode {
        operation,
        path: err.path().to_string(),
        message: err.into_inner().to_string(),
    })
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
    fn non_json_body_is_a_decode_error() {
        let err = decode_json::<Outer>("things.get", b"<html>").expect_err("not json");
        assert!(matches!(err, Error::Decode { .. }));
    }
}
