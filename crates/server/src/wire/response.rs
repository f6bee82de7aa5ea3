//! Writing answers: JSON 1.1 bodies and AWS error bodies (`sagemaker-tagging.md` §2).

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode};
use http_body_util::Full;

use super::ApiError;

/// The AWS JSON 1.1 media type.
pub const JSON_1_1: &str = "application/x-amz-json-1.1";

/// An answer with a JSON body.
pub fn json_response(status: StatusCode, body: &serde_json::Value) -> Response<Full<Bytes>> {
    // Serializing a Value cannot fail.
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    json_bytes_response(status, bytes)
}

/// An answer whose JSON body is already written, such as an operation's output.
pub fn json_bytes_response(status: StatusCode, body: Vec<u8>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(JSON_1_1),
    );
    response
}

/// An error answer: `{"__type": code, "message": text}` (or `Message` for the
/// modeled errors) with `x-amzn-ErrorType` agreeing with `__type`, which JS v3 and
/// the Rust SDK read before the body.
pub fn error_response(err: &ApiError) -> Response<Full<Bytes>> {
    let key = if err.modeled { "Message" } else { "message" };
    let body = serde_json::json!({ "__type": err.code, key: err.message });
    let mut response = json_response(err.status, &body);
    response
        .headers_mut()
        .insert("x-amzn-ErrorType", HeaderValue::from_static(err.code));
    response
}
