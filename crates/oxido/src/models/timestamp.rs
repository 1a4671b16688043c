//! Reading timestamps the way the API writes them (`2020-11-14T16:29:21Z`) without jiff's general parser.
//!
//! Every action carries one or two of them. The general RFC 3339 / Temporal parser costs several times what
//! this one fixed form needs; anything else (fractions, offsets, lowercase `t`/`z`, leap seconds, errors) goes
//! to jiff's own parser, so the result, and every error, is exactly what `jiff`'s `Deserialize` gives.

use std::fmt;

use jiff::Timestamp;
use jiff::fmt::temporal::DateTimeParser;
use serde::de::{Deserializer, Error, Visitor};

/// The parser `jiff`'s own `Deserialize for Timestamp` uses.
static PARSER: DateTimeParser = DateTimeParser::new();

/// `deserialize_with` for a `Timestamp` field.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Timestamp, D::Error> {
    deserializer.deserialize_str(TimestampVisitor)
}

/// `deserialize_with` for an `Option<Timestamp>` field (with `#[serde(default)]`, as a missing field is `None`).
pub(crate) fn deserialize_option<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Timestamp>, D::Error> {
    struct OptionVisitor;

    impl<'de> Visitor<'de> for OptionVisitor {
        type Value = Option<Timestamp>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a timestamp string or null")
        }

        fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            deserialize(deserializer).map(Some)
        }
    }

    deserializer.deserialize_option(OptionVisitor)
}

struct TimestampVisitor;

impl Visitor<'_> for TimestampVisitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a timestamp string")
    }

    fn visit_bytes<E: Error>(self, value: &[u8]) -> Result<Timestamp, E> {
        match utc_seconds(value) {
            Some(timestamp) => Ok(timestamp),
            None => PARSER.parse_timestamp(value).map_err(E::custom),
        }
    }

    fn visit_str<E: Error>(self, value: &str) -> Result<Timestamp, E> {
        self.visit_bytes(value.as_bytes())
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` with a real calendar date and a time below 24:00:00; `None` for anything else.
fn utc_seconds(text: &[u8]) -> Option<Timestamp> {
    let [
        y1,
        y2,
        y3,
        y4,
        b'-',
        m1,
        m2,
        b'-',
        d1,
        d2,
        b'T',
        h1,
        h2,
        b':',
        i1,
        i2,
        b':',
        s1,
        s2,
        b'Z',
    ] = *text
    else {
        return None;
    };
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0i64, |value, &digit| {
            digit
                .is_ascii_digit()
                .then(|| value * 10 + i64::from(digit - b'0'))
        })
    };
    let year = number(&[y1, y2, y3, y4])?;
    let month = number(&[m1, m2])?;
    let day = number(&[d1, d2])?;
    let hour = number(&[h1, h2])?;
    let minute = number(&[i1, i2])?;
    let second = number(&[s1, s2])?;
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second;
    Timestamp::from_second(seconds).ok()
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`), for years 0 to 9999.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ours(text: &str) -> Result<Timestamp, String> {
        deserialize(serde_json::Value::String(text.to_owned())).map_err(|err| err.to_string())
    }

    fn jiffs(text: &str) -> Result<Timestamp, String> {
        serde_json::from_value::<Timestamp>(serde_json::Value::String(text.to_owned()))
            .map_err(|err| err.to_string())
    }

    #[test]
    fn the_api_form_and_its_edges_decode_as_jiff_does() {
        for text in [
            "2020-11-14T16:29:21Z",
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "2000-02-29T12:00:00Z",
            "2024-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2020-11-31T00:00:00Z",
            "2020-13-01T00:00:00Z",
            "2020-00-01T00:00:00Z",
            "2020-11-00T00:00:00Z",
            "2020-11-14T24:00:00Z",
            "2020-11-14T23:60:00Z",
            "2016-12-31T23:59:60Z",
            "2020-11-14t16:29:21z",
            "2020-11-14T16:29:21.5Z",
            "2020-11-14T16:29:21+01:00",
            "2020-11-14 16:29:21Z",
            "2020-11-14T16:29:21",
            "+2020-11-14T16:29:21Z",
            "2020-1a-14T16:29:21Z",
            "",
        ] {
            assert_eq!(ours(text), jiffs(text), "{text:?}");
        }
    }

    #[test]
    fn null_and_absent_are_none() {
        #[derive(serde::Deserialize)]
        struct Holder {
            #[serde(default, deserialize_with = "deserialize_option")]
            at: Option<Timestamp>,
        }
        let absent: Holder = serde_json::from_str("{}").expect("absent");
        assert_eq!(absent.at, None);
        let null: Holder = serde_json::from_str(r#"{"at":null}"#).expect("null");
        assert_eq!(null.at, None);
        let set: Holder = serde_json::from_str(r#"{"at":"2020-11-14T16:30:06Z"}"#).expect("set");
        assert_eq!(set.at.map(|at| at.as_second()), Some(1_605_371_406));
        assert!(serde_json::from_str::<Holder>(r#"{"at":7}"#).is_err());
    }

    proptest! {
        #[test]
        fn any_fixed_form_text_decodes_as_jiff_does(
            year in 0u32..=9999, month in 0u32..=13, day in 0u32..=32,
            hour in 0u32..=24, minute in 0u32..=60, second in 0u32..=60,
        ) {
            let text = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z");
            prop_assert_eq!(ours(&text), jiffs(&text), "{}", text);
        }
    }
}
