//! Building and signing requests the way an AWS SDK sends them: `POST /` with an
//! AWS JSON 1.1 body, signed with SigV4 in the header form.
//!
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html>

use anyhow::Context;
use bytes::Bytes;
use http::{header, HeaderValue, Method, Request};
use http_body_util::Full;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::OffsetDateTime;

use sagetag_sigv4::{self as sigv4, RequestParts, SecretKey, SigningParams};

/// The signing name of SageMaker.
pub const SERVICE: &str = "sagemaker";

/// The AWS JSON 1.1 media type.
pub const JSON_1_1: &str = "application/x-amz-json-1.1";

/// The headers signed on every request: the four that botocore signs for a
/// JSON 1.1 call, and that the server must see unchanged.
const SIGNED_HEADERS: &[&str] = &["content-type", "host", "x-amz-date", "x-amz-target"];

/// `X-Amz-Date`'s basic ISO 8601 form, `yyyymmddTHHMMSSZ`.
const AMZ_DATE: &[BorrowedFormatItem<'static>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");

/// A request body ready to send: the `X-Amz-Target` operation and its JSON.
#[derive(Clone, Debug)]
pub struct Call {
    /// The operation name, e.g. `AddTags` (sent as `SageMaker.AddTags`).
    pub operation: &'static str,
    /// The JSON body.
    pub body: Bytes,
}

impl Call {
    /// A call of `operation` with `body` serialized as JSON.
    pub fn new(operation: &'static str, body: &serde_json::Value) -> Call {
        // Serializing a `Value` cannot fail.
        let body = serde_json::to_vec(body).unwrap_or_default();
        Call {
            operation,
            body: Bytes::from(body),
        }
    }
}

/// Who signs, for which region, and which host the requests name.
pub struct Signer {
    access_key_id: String,
    secret: SecretKey,
    region: String,
    host: HeaderValue,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("access_key_id", &self.access_key_id)
            .field("region", &self.region)
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// A signer for `access_key_id`/`secret` in `region`, sending `Host: host`
    /// (`ip:port`).
    ///
    /// # Errors
    /// When `host` cannot be a header value.
    pub fn new(
        access_key_id: &str,
        secret: SecretKey,
        region: &str,
        host: &str,
    ) -> anyhow::Result<Signer> {
        let host = HeaderValue::from_str(host).context("host is not a valid header value")?;
        Ok(Signer {
            access_key_id: access_key_id.to_owned(),
            secret,
            region: region.to_owned(),
            host,
        })
    }

    /// The region requests are signed for.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// `call` as a signed request, dated now.
    ///
    /// # Errors
    /// Only if the clock cannot be formatted, which a sane clock never causes.
    pub fn request(&self, call: &Call) -> anyhow::Result<Request<Full<Bytes>>> {
        self.request_at(call, OffsetDateTime::now_utc())
    }

    /// `call` as a signed request dated `now`.
    ///
    /// # Errors
    /// When `now` cannot be written as an `X-Amz-Date` (a year past 9999).
    pub fn request_at(
        &self,
        call: &Call,
        now: OffsetDateTime,
    ) -> anyhow::Result<Request<Full<Bytes>>> {
        let amz_date = now.format(AMZ_DATE).context("cannot format X-Amz-Date")?;
        let target = format!("SageMaker.{}", call.operation);
        let mut request = Request::builder()
            .method(Method::POST)
            .uri("/")
            .header(header::HOST, self.host.clone())
            .header(header::CONTENT_TYPE, JSON_1_1)
            .header("x-amz-date", amz_date)
            .header("x-amz-target", target)
            .body(Full::new(call.body.clone()))
            .context("cannot build the request")?;

        let parts = RequestParts {
            method: "POST",
            path: "/",
            query: None,
            headers: request.headers(),
        };
        let params = SigningParams {
            access_key_id: &self.access_key_id,
            secret: &self.secret,
            region: &self.region,
            service: SERVICE,
            amz_date: now,
            signed_headers: SIGNED_HEADERS,
        };
        let payload_hash = sigv4::payload_sha256_hex(&call.body);
        let authorization = sigv4::sign_with(&parts, &payload_hash, &params);
        let authorization =
            HeaderValue::from_str(&authorization).context("Authorization is not a header value")?;
        request
            .headers_mut()
            .insert(header::AUTHORIZATION, authorization);
        Ok(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;
    use time::macros::datetime;

    const SECRET: &str = "bench-secret-key-0123456789";

    fn signer() -> Signer {
        let secret = SecretKey::new(SECRET.to_owned());
        Signer::new("AKIDBENCH", secret, "us-east-1", "127.0.0.1:4570").expect("signer")
    }

    fn parts(request: &Request<Full<Bytes>>) -> RequestParts<'_> {
        RequestParts {
            method: request.method().as_str(),
            path: request.uri().path(),
            query: request.uri().query(),
            headers: request.headers(),
        }
    }

    #[tokio::test]
    async fn signed_request_verifies_with_the_same_secret_only() {
        let now = datetime!(2026-01-02 03:04:05 UTC);
        let call = Call::new("ListTags", &serde_json::json!({ "ResourceArn": "arn:x" }));
        let request = signer().request_at(&call, now).expect("request");

        let headers = request.headers();
        assert_eq!(headers["x-amz-date"], "20260102T030405Z");
        assert_eq!(headers["x-amz-target"], "SageMaker.ListTags");
        assert_eq!(headers[header::CONTENT_TYPE], JSON_1_1);

        let auth = sigv4::parse(&parts(&request)).expect("parse");
        assert_eq!(auth.access_key_id, "AKIDBENCH");
        assert_eq!(auth.region, "us-east-1");
        assert_eq!(auth.service, SERVICE);
        assert_eq!(auth.amz_date, now);
        assert_eq!(auth.signed_headers, SIGNED_HEADERS);

        let body = request
            .body()
            .clone()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let hash = sigv4::payload_sha256_hex(&body);
        let right = SecretKey::new(SECRET.to_owned());
        sigv4::verify(&parts(&request), &auth, &hash, &right).expect("verifies");

        let wrong = SecretKey::new("another-secret".to_owned());
        assert!(sigv4::verify(&parts(&request), &auth, &hash, &wrong).is_err());
        let tampered = sigv4::payload_sha256_hex(b"{}");
        assert!(sigv4::verify(&parts(&request), &auth, &tampered, &right).is_err());
    }
}
