//! Task 2 of SigV4: the string to sign.
//!
//! ```text
//! AWS4-HMAC-SHA256 \n RequestDateTime \n CredentialScope \n hex(SHA256(CanonicalRequest))
//! ```
//!
//! AWS guide, section "Create a string to sign":
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html>

use sha2::{Digest, Sha256};

use crate::amz_date::format_basic;
use crate::authorization::Authorization;
use crate::canonical_request::canonical_request;
use crate::credential_scope::scope;
use crate::{RequestParts, ALGORITHM};

/// The string to sign for `req` as `auth` claims it was signed. Exposed for
/// debugging and tests.
///
/// The request time line is always `yyyymmddTHHMMSSZ`, also when the time came
/// from the `Date` header.
pub fn string_to_sign(
    req: &RequestParts<'_>,
    auth: &Authorization,
    payload_sha256_hex: &str,
) -> String {
    let creq = canonical_request(req, auth, payload_sha256_hex);
    build(
        &format_basic(auth.amz_date),
        &scope(&auth.date, &auth.region, &auth.service),
        &creq,
    )
}

/// Assembles the string to sign from its parts.
pub(crate) fn build(amz_date: &str, scope: &str, canonical_request: &[u8]) -> String {
    let hash = hex::encode(Sha256::digest(canonical_request));
    format!("{ALGORITHM}\n{amz_date}\n{scope}\n{hash}")
}
