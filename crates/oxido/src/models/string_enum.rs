//! A macro for API string enums that must survive values this crate does not know yet.

/// Declares an enum whose variants map to fixed API strings, plus an `Other(String)` variant that keeps
/// any unknown string verbatim so decoding never fails and re-encoding gives back the same text.
macro_rules! open_string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the crate does not know, kept exactly as the API sent it.
            Other(String),
        }

        impl $name {
            /// The string the API uses for this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )+
                    Self::Other(text) => text.as_str(),
                }
            }

            /// Maps an API string to its variant; unknown strings become [`Self::Other`].
            pub fn from_api_str(text: &str) -> Self {
                match text {
                    $( $text => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                Self::from_api_str(text)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_api_str(text))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::models::string_enum::deserialize_open(deserializer, Self::from_api_str)
            }
        }
    };
}

pub(crate) use open_string_enum;

/// Reads a string and maps it with `from_api_str`, without first copying it into a `String` of its own when
/// the deserializer can lend it (a known value then allocates nothing).
pub(crate) fn deserialize_open<'de, D, T>(
    deserializer: D,
    from_api_str: fn(&str) -> T,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct OpenVisitor<T>(fn(&str) -> T);

    impl<T> serde::de::Visitor<'_> for OpenVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<T, E> {
            Ok((self.0)(text))
        }
    }

    deserializer.deserialize_str(OpenVisitor(from_api_str))
}

#[cfg(test)]
mod tests {
    use crate::models::{ActionStatus, ActionType};

    #[test]
    fn known_unknown_and_escaped_values_decode() {
        let decoded: Vec<ActionType> =
            serde_json::from_str(r#"["reboot", "warp_drive", "power\u005foff"]"#).expect("strings");
        assert_eq!(
            decoded,
            vec![
                ActionType::Reboot,
                ActionType::Other("warp_drive".to_owned()),
                ActionType::PowerOff
            ]
        );
        let from_bytes: ActionStatus = serde_json::from_slice(b"\"completed\"").expect("bytes");
        assert_eq!(from_bytes, ActionStatus::Completed);
        let from_value: ActionStatus =
            serde_json::from_value(serde_json::json!("in-progress")).expect("value");
        assert_eq!(from_value, ActionStatus::InProgress);
        let err = serde_json::from_str::<ActionStatus>("7").expect_err("not a string");
        assert!(err.to_string().contains("a string"), "{err}");
    }
}
