//! Signing a request and verifying its signature: tasks 1 to 4 of SigV4 put
//! together.
//!
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html>

use subtle::ConstantTimeEq;
use time::OffsetDateTime;

use crate::amz_date::{format_basic, format_date};
use crate::authorization::{check_signed_headers, Authorization};
use crate::canonical_request::{assemble, canonical_query, canonical_uri, CanonicalHeaders};
use crate::credential_scope::scope;
use crate::error::Error;
use crate::secret::SecretKey;
use crate::signing_key::{ScopedSigningKey, SigningKey};
use crate::string_to_sign::{build, string_to_sign};
use crate::{RequestParts, ALGORITHM};

/// Checks the signature `auth` claims for `req` against the one `secret` gives.
///
/// `payload_sha256_hex` is the lower-case hex SHA-256 of the body as received
/// (see [`payload_sha256_hex`](crate::payload_sha256_hex)); the server hashes the
/// body itself, since botocore sends no `X-Amz-Content-Sha256`. The comparison
/// runs in constant time. Call [`check_scope`](crate::check_scope) and
/// [`check_clock`](crate::check_clock) first: this function checks neither.
///
/// # Errors
///
/// [`Error::IncompleteSignature`] when `host` is not signed or a signed header is
/// absent (already refused by [`parse`](crate::parse), checked again for an
/// `Authorization` built by hand); [`Error::SignatureDoesNotMatch`] otherwise
/// when the signatures differ.
pub fn verify(
    req: &RequestParts<'_>,
    auth: &Authorization,
    payload_sha256_hex: &str,
    secret: &SecretKey,
) -> Result<(), Error> {
    let key = SigningKey::derive(secret, &auth.date, &auth.region, &auth.service);
    check_signature(req, auth, payload_sha256_hex, &key)
}

/// [`verify`] with a signing key derived earlier (and kept by the caller) for
/// the scope `auth` names. A key of any other scope never verifies: the
/// answer is then [`Error::SignatureDoesNotMatch`], as with a wrong secret.
///
/// # Errors
/// As [`verify`].
pub fn verify_with_key(
    req: &RequestParts<'_>,
    auth: &Authorization,
    payload_sha256_hex: &str,
    key: &ScopedSigningKey,
) -> Result<(), Error> {
    if !key.is_for(&auth.date, &auth.region, &auth.service) {
        // The headers are checked first either way, so both paths refuse the
        // same requests with the same error.
        check_signed_headers(&auth.signed_headers, req.headers)?;
        return Err(Error::SignatureDoesNotMatch);
    }
    check_signature(req, auth, payload_sha256_hex, &key.key)
}

/// The signed headers are there, and `key` gives the claimed signature.
fn check_signature(
    req: &RequestParts<'_>,
    auth: &Authorization,
    payload_sha256_hex: &str,
    key: &SigningKey,
) -> Result<(), Error> {
    check_signed_headers(&auth.signed_headers, req.headers)?;
    let sts = string_to_sign(req, auth, payload_sha256_hex);
    let expected = key.sign(&sts);
    if expected.as_bytes().ct_eq(auth.signature.as_bytes()).into() {
        Ok(())
    } else {
        Err(Error::SignatureDoesNotMatch)
    }
}

/// Who signs, for which scope, when, and which headers: the inputs of
/// [`sign_with`] and [`presign`](crate::presign).
#[derive(Debug, Clone, Copy)]
pub struct SigningParams<'a> {
    /// The access key id.
    pub access_key_id: &'a str,
    /// The secret access key.
    pub secret: &'a SecretKey,
    /// The scope region, e.g. `us-east-1`.
    pub region: &'a str,
    /// The scope service (signing name), e.g. `sagemaker`.
    pub service: &'a str,
    /// The request time. The request must carry it already, as `X-Amz-Date`
    /// (`yyyymmddTHHMMSSZ`) or, failing that, as `Date`.
    pub amz_date: OffsetDateTime,
    /// The headers to sign, any case; `host` should be one of them.
    pub signed_headers: &'a [&'a str],
}

/// Signs `req` in the header form and returns the `Authorization` header value.
///
/// The same as [`sign_with`], with the parameters spelled out. The request is not
/// changed: it must already carry every header in `signed_headers`, including
/// `X-Amz-Date` (and `X-Amz-Security-Token` for session credentials) with the
/// values that go on the wire. For tests and the bench tool; the server never
/// signs.
// The parameter list is the crate's documented API; `sign_with` takes a struct.
#[allow(clippy::too_many_arguments)]
pub fn sign(
    req: &RequestParts<'_>,
    payload_sha256_hex: &str,
    access_key_id: &str,
    secret: &SecretKey,
    region: &str,
    service: &str,
    amz_date: OffsetDateTime,
    signed_headers: &[&str],
) -> String {
    let params = SigningParams {
        access_key_id,
        secret,
        region,
        service,
        amz_date,
        signed_headers,
    };
    sign_with(req, payload_sha256_hex, &params)
}

/// Signs `req` in the header form and returns the `Authorization` header value:
/// `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
///
/// The signed header names are lower-cased and sorted. See [`sign`] for what the
/// request must already carry.
pub fn sign_with(
    req: &RequestParts<'_>,
    payload_sha256_hex: &str,
    params: &SigningParams<'_>,
) -> String {
    let headers = CanonicalHeaders::new(req.headers, params.signed_headers);
    let creq = assemble(
        req.method,
        &canonical_uri(req.path),
        &canonical_query(req.query, false),
        &headers,
        payload_sha256_hex,
    );
    let date = format_date(params.amz_date);
    let scope = scope(&date, params.region, params.service);
    let sts = build(&format_basic(params.amz_date), &scope, &creq);
    let key = SigningKey::derive(params.secret, &date, params.region, params.service);
    format!(
        "{ALGORITHM} Credential={}/{scope}, SignedHeaders={}, Signature={}",
        params.access_key_id,
        headers.signed,
        key.sign(&sts)
    )
}

#[cfg(test)]
mod tests;
