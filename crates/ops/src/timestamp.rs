//! Timestamps as the AWS JSON protocol carries them.

use serde::{Deserialize, Deserializer};

/// Reads a timestamp member: epoch seconds (what SDKs send for `awsJson1_1`), or an
/// RFC 3339 string, which some hand-written clients send. The validator has
/// already refused any other JSON type.
pub fn deserialize_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Seconds(f64),
        Text(String),
    }
    match Option::<Raw>::deserialize(d)? {
        None => Ok(None),
        Some(Raw::Seconds(s)) => Ok(Some(s)),
        Some(Raw::Text(t)) => parse_rfc3339(&t)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("invalid timestamp '{t}'"))),
    }
}

fn parse_rfc3339(text: &str) -> Option<f64> {
    let at = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339);
    at.ok().map(|t| t.unix_timestamp_nanos() as f64 / 1e9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "deserialize_opt")]
        t: Option<f64>,
    }

    #[test]
    fn numbers_and_rfc3339_strings() {
        let a: T = serde_json::from_str(r#"{"t": 1529870369.5}"#).unwrap();
        assert_eq!(a.t, Some(1529870369.5));
        let b: T = serde_json::from_str(r#"{"t": "2018-06-24T19:59:29.5Z"}"#).unwrap();
        assert_eq!(b.t, Some(1529870369.5));
        let c: T = serde_json::from_str(r#"{}"#).unwrap();
        assert_eq!(c.t, None);
        assert!(serde_json::from_str::<T>(r#"{"t": "yesterday"}"#).is_err());
    }
}
