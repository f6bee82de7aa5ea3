//! AWS Signature Version 4 (SigV4) for sagetag: reading, checking and verifying
//! the signature of an incoming request, and signing one (for tests and the bench
//! tool).
//!
//! The crate is pure. It depends on nothing else in the workspace and reads no
//! clock, file or environment: the request parts, the payload hash, the current
//! time, the allowed regions and the secret key all come in as arguments, so
//! every rule can be tested on its own.
//!
//! A server runs the checks in this order, each one cheaper than the next:
//!
//! 1. [`parse`] reads what the request claims (header or query form) and refuses
//!    an unsigned or malformed request before its body is read;
//! 2. [`check_scope`] checks the region and service of the credential scope;
//! 3. [`check_clock`] checks the request time against the server clock;
//! 4. the server looks the access key (and session token) up itself;
//! 5. [`verify`] recomputes the signature with the secret key and compares it in
//!    constant time ([`verify_with_key`] with a [`ScopedSigningKey`] the server
//!    kept from an earlier request of the same key and scope).
//!
//! Every failure is an [`Error`] whose `Display` is AWS's message and whose
//! [`Error::code`] is AWS's `__type` (`sagemaker-tagging.md` §6). No message
//! carries a secret key, a signature or a security token.
//!
//! The files follow the steps of AWS's guide,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html>:
//! [`canonical_request`], [`string_to_sign`], the signing key, then the
//! signature; the header form is read in `authorization.rs`, the query form in
//! `presigned.rs`.
#![deny(missing_docs)]

mod amz_date;
mod authorization;
mod canonical_request;
mod clock_skew;
mod credential_scope;
mod error;
mod presigned;
mod secret;
mod signature;
mod signing_key;
mod string_to_sign;
mod uri_encoding;

#[cfg(test)]
mod aws_test_suite;
#[cfg(test)]
mod test_support;

use sha2::{Digest, Sha256};

pub use authorization::{parse, Authorization, Form};
pub use canonical_request::canonical_request;
pub use clock_skew::check_clock;
pub use credential_scope::check_scope;
pub use error::Error;
pub use presigned::{presign, MAX_EXPIRES_SECS};
pub use secret::SecretKey;
pub use signature::{sign, sign_with, verify, verify_with_key, SigningParams};
pub use signing_key::ScopedSigningKey;
pub use string_to_sign::string_to_sign;

/// The one signing algorithm SigV4 defines, and the only one accepted.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The parts of an HTTP request that SigV4 reads.
#[derive(Debug, Clone, Copy)]
pub struct RequestParts<'a> {
    /// The method, e.g. `POST`.
    pub method: &'a str,
    /// The path exactly as received, still percent-encoded (`uri.path()`).
    pub path: &'a str,
    /// The query string as received, without the `?` (`uri.query()`).
    pub query: Option<&'a str>,
    /// All request headers. `host` must be among them: HTTP/1.1 always sends it.
    pub headers: &'a http::HeaderMap,
}

/// The lower-case hex SHA-256 of `body`, the last line of the canonical request.
pub fn payload_sha256_hex(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_the_payload() {
        assert_eq!(
            payload_sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            payload_sha256_hex(b"Param1=value1"),
            "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"
        );
    }
}
