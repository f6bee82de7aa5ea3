//! Reading requests: the operation named by `X-Amz-Target`, and the JSON body.

use std::time::Duration;

use bytes::Bytes;
use http::HeaderMap;
use http_body_util::{BodyExt, Limited};
use hyper::body::{Body as _, Incoming};

use sagetag_ops::Operation;

use super::strict_json::{self, JsonError};
use super::WireError;

/// The prefix of every SageMaker target (`targetPrefix` in the model).
const TARGET_PREFIX: &str = "SageMaker.";

/// The operation a request names, checking its content type on the way.
///
/// # Errors
/// `UnknownOperationException` for a missing or unknown target or a content type
/// that is not JSON.
pub fn operation(headers: &HeaderMap) -> Result<Operation, WireError> {
    let content_type = headers
        .get(http::header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    // Parameters such as `; charset=utf-8` are allowed; `application/json` is what
    // some hand-written clients send, and AWS JSON services take it too.
    let media_type = content_type.split(';').next().unwrap_or("").trim();
    if !media_type.eq_ignore_ascii_case(super::JSON_1_1)
        && !media_type.eq_ignore_ascii_case("application/json")
    {
        return Err(WireError::UnsupportedContentType(truncate(&content_type)));
    }

    let target = headers
        .get("x-amz-target")
        .ok_or(WireError::MissingTarget)?;
    let target = String::from_utf8_lossy(target.as_bytes());
    target
        .strip_prefix(TARGET_PREFIX)
        .and_then(Operation::from_name)
        .ok_or_else(|| WireError::UnknownOperation(truncate(&target)))
}

/// Reads the whole body, refusing more than `limit` bytes or a sender slower than
/// `timeout`.
///
/// # Errors
/// `BodyTooLarge`, `BodyTimeout` or `BodyRead`.
pub async fn read_body(
    body: Incoming,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, WireError> {
    // A declared Content-Length over the limit is refused before anything is
    // read, rather than waiting for bytes that will be refused anyway.
    if body.size_hint().lower() > limit as u64 {
        return Err(WireError::BodyTooLarge { limit });
    }
    let collect = Limited::new(body, limit).collect();
    match tokio::time::timeout(timeout, collect).await {
        Err(_) => Err(WireError::BodyTimeout {
            seconds: timeout.as_secs(),
        }),
        Ok(Err(err)) if err.is::<http_body_util::LengthLimitError>() => {
            Err(WireError::BodyTooLarge { limit })
        }
        Ok(Err(_)) => Err(WireError::BodyRead),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
    }
}

/// Parses the body as JSON. An empty body is `{}`, as SDKs send for operations
/// without input members.
///
/// # Errors
/// `SerializationException` when it is not JSON, names a member twice in one
/// object (`strict_json.rs` says why), or nests deeper than 128 levels.
pub fn read_json(body: &[u8]) -> Result<serde_json::Value, WireError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Value::Object(serde_json::Map::new()));
    }
    strict_json::parse(body).map_err(|err| {
        WireError::InvalidJson(match err {
            JsonError::Duplicate { name, line, column } => format!(
                "The request body is not valid JSON: member '{name}' appears twice in one \
                 object at line {line} column {column}."
            ),
            // serde_json's own words ("recursion limit exceeded", "invalid unicode
            // code point", "EOF while parsing a string"…) with line and column;
            // they never quote the body.
            JsonError::Syntax(err) => format!("The request body is not valid JSON: {err}."),
        })
    })
}

/// Client text echoed in a message is cut short so a message stays small.
fn truncate(text: &str) -> String {
    const MAX: usize = 128;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, v.parse().unwrap());
        }
        map
    }

    #[test]
    fn target_and_content_type_pick_the_operation() {
        let ok = headers(&[
            ("content-type", "application/x-amz-json-1.1"),
            ("x-amz-target", "SageMaker.AddTags"),
        ]);
        assert_eq!(operation(&ok).unwrap(), Operation::AddTags);

        let charset = headers(&[
            ("content-type", "application/json; charset=utf-8"),
            ("x-amz-target", "SageMaker.ListTags"),
        ]);
        assert_eq!(operation(&charset).unwrap(), Operation::ListTags);

        let missing = headers(&[("content-type", "application/x-amz-json-1.1")]);
        assert!(matches!(operation(&missing), Err(WireError::MissingTarget)));

        let unknown = headers(&[
            ("content-type", "application/x-amz-json-1.1"),
            ("x-amz-target", "SageMaker.Explode"),
        ]);
        assert!(matches!(
            operation(&unknown),
            Err(WireError::UnknownOperation(_))
        ));

        let other_service = headers(&[
            ("content-type", "application/x-amz-json-1.1"),
            ("x-amz-target", "DynamoDB_20120810.AddTags"),
        ]);
        assert!(matches!(
            operation(&other_service),
            Err(WireError::UnknownOperation(_))
        ));

        let xml = headers(&[
            ("content-type", "text/xml"),
            ("x-amz-target", "SageMaker.AddTags"),
        ]);
        assert!(matches!(
            operation(&xml),
            Err(WireError::UnsupportedContentType(_))
        ));
    }

    #[test]
    fn empty_body_is_an_empty_object_and_garbage_is_refused() {
        assert_eq!(read_json(b"").unwrap(), serde_json::json!({}));
        assert_eq!(read_json(b" \n").unwrap(), serde_json::json!({}));
        let err = read_json(b"{\"a\":").unwrap_err().to_string();
        assert!(
            err.starts_with("The request body is not valid JSON"),
            "{err}"
        );
    }

    #[test]
    fn messages_name_the_fault_without_quoting_the_body() {
        let message = |body: &[u8]| read_json(body).unwrap_err().to_string();
        assert_eq!(
            message(br#"{"ResourceArn":"a","ResourceArn":"b"}"#),
            "The request body is not valid JSON: member 'ResourceArn' appears twice in one \
             object at line 1 column 32."
        );
        assert_eq!(
            message("[".repeat(200).as_bytes()),
            "The request body is not valid JSON: recursion limit exceeded at line 1 column 128."
        );
        assert_eq!(
            message(b"{\"a\":\"secret\xff\"}"),
            "The request body is not valid JSON: invalid unicode code point at line 1 column 13."
        );
    }

    #[test]
    fn echoed_text_is_bounded() {
        let long = "x".repeat(1000);
        assert_eq!(truncate(&long).len(), 131);
        assert_eq!(truncate("short"), "short");
    }
}
