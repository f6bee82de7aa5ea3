//! Who is calling: SigV4 (from `sagetag-sigv4`) joined to the configured keys.
//!
//! The SigV4 library is pure; this module brings the clock, the credentials file
//! and the region rule (`sagemaker-tagging.md` §1, §6).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use subtle::ConstantTimeEq;
use time::OffsetDateTime;

use sagetag_ops::Caller;
use sagetag_sigv4::{self as sigv4, Authorization, RequestParts, ScopedSigningKey};

use crate::config::{is_region_name, AuthMode, Credential, Credentials};

/// The signing name of SageMaker (`sagemaker-tagging.md` §1).
const SERVICE: &str = "sagemaker";

/// The header that names the operation (`sagemaker-tagging.md` §1).
const TARGET_HEADER: &str = "x-amz-target";

/// The clock-skew window (`sagemaker-tagging.md` §6, O27, O28).
const SKEW: time::Duration = time::Duration::minutes(5);

/// Why a request is not authenticated.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The SigV4 layer refused it.
    #[error(transparent)]
    Signature(#[from] sigv4::Error),
    /// The access key is unknown, or the session token does not match.
    #[error("The security token included in the request is invalid.")]
    UnrecognizedClient,
    /// The session token has expired.
    #[error("The security token included in the request is expired")]
    ExpiredToken,
}

/// Authenticates requests under one [`AuthMode`].
#[derive(Debug)]
pub struct Authenticator {
    mode: AuthMode,
    regions: Option<Vec<String>>,
    /// The last signing key derived for each configured access key. A key's
    /// requests share one scope for a whole day, so this saves the four HMACs
    /// of the derivation on nearly every request. It holds one entry per
    /// configured key at most: only known keys reach it.
    signing_keys: Mutex<HashMap<String, Arc<ScopedSigningKey>>>,
}

impl Authenticator {
    /// An authenticator for `mode`, serving `regions` (any well-formed one if `None`).
    pub fn new(mode: AuthMode, regions: Option<Vec<String>>) -> Self {
        Authenticator {
            mode,
            regions,
            signing_keys: Mutex::new(HashMap::new()),
        }
    }

    /// Reads the claimed signature, before the body arrives: a request with no or a
    /// malformed signature is refused without reading what it sends.
    ///
    /// # Errors
    /// `MissingAuthenticationToken` or `IncompleteSignature`, the latter also when
    /// the request names an operation in an unsigned `X-Amz-Target`.
    pub fn parse(&self, request: &RequestParts) -> Result<Authorization, AuthError> {
        let auth = sigv4::parse(request)?;
        // The operation is chosen by this header, and operations share input
        // shapes (DescribeModel and DeleteModel both take `{"ModelName"}`): left
        // unsigned, a captured request could be replayed as another operation
        // inside the clock window. SigV4 itself does not demand it; every AWS SDK
        // signs it, so requiring it costs real clients nothing.
        let target_signed = auth.signed_headers.iter().any(|h| h == TARGET_HEADER);
        if request.headers.contains_key(TARGET_HEADER) && !target_signed {
            return Err(AuthError::Signature(sigv4::Error::IncompleteSignature(
                "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.".to_owned(),
            )));
        }
        Ok(auth)
    }

    /// Checks scope, clock, key, token and (with credentials) the signature.
    ///
    /// # Errors
    /// The §6 error for the first check that fails.
    pub fn authenticate(
        &self,
        request: &RequestParts,
        auth: &Authorization,
        payload_sha256_hex: &str,
        now: OffsetDateTime,
    ) -> Result<Caller, AuthError> {
        sigv4::check_scope(auth, SERVICE, |region| self.serves(region))?;
        sigv4::check_clock(auth, now, SKEW)?;

        let account = match &self.mode {
            AuthMode::Development { default_account } => default_account.clone(),
            AuthMode::Verified(credentials) => {
                self.verify(credentials, request, auth, payload_sha256_hex, now)?
            }
        };
        Ok(Caller {
            account,
            region: auth.region.clone(),
        })
    }

    fn serves(&self, region: &str) -> bool {
        match &self.regions {
            Some(regions) => regions.iter().any(|r| r == region),
            None => is_region_name(region),
        }
    }

    fn verify(
        &self,
        credentials: &Credentials,
        request: &RequestParts,
        auth: &Authorization,
        payload_sha256_hex: &str,
        now: OffsetDateTime,
    ) -> Result<String, AuthError> {
        let credential = check_key(credentials, auth, now)?;
        let key = self.signing_key(&auth.access_key_id, &credential.secret, auth);
        sigv4::verify_with_key(request, auth, payload_sha256_hex, &key)?;
        Ok(credential.account_id.clone())
    }

    /// The signing key of `secret` for the scope `auth` names: the kept one
    /// when it is for that scope, else a new one, kept in its place.
    fn signing_key(
        &self,
        access_key_id: &str,
        secret: &sigv4::SecretKey,
        auth: &Authorization,
    ) -> Arc<ScopedSigningKey> {
        let (date, region, service) = (&auth.date, &auth.region, &auth.service);
        // A panic cannot leave the map half-changed (one get or insert under
        // the lock), so a poisoned lock is taken over as it is.
        let mut keys = self
            .signing_keys
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match keys.get(access_key_id) {
            Some(key) if key.is_for(date, region, service) => Arc::clone(key),
            _ => {
                let key = Arc::new(ScopedSigningKey::derive(secret, date, region, service));
                keys.insert(access_key_id.to_owned(), Arc::clone(&key));
                key
            }
        }
    }
}

/// The credential of the access key `auth` names, once its session token (if
/// any) is the right one and still valid.
fn check_key<'c>(
    credentials: &'c Credentials,
    auth: &Authorization,
    now: OffsetDateTime,
) -> Result<&'c Credential, AuthError> {
    let credential = credentials
        .get(&auth.access_key_id)
        .ok_or(AuthError::UnrecognizedClient)?;

    // A long-term key must come without a token; a temporary one with exactly its
    // own token, compared in constant time.
    match (&credential.session_token, &auth.security_token) {
        (None, None) => {}
        (Some(expected), Some(given)) => {
            let same: bool = expected.expose().as_bytes().ct_eq(given.as_bytes()).into();
            if !same {
                return Err(AuthError::UnrecognizedClient);
            }
            if credential.session_token_expires.is_some_and(|at| now >= at) {
                return Err(AuthError::ExpiredToken);
            }
        }
        _ => return Err(AuthError::UnrecognizedClient),
    }

    Ok(credential)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_with(signed_headers: &str, target: Option<&str>) -> Result<Authorization, AuthError> {
        let mut headers = http::HeaderMap::new();
        headers.insert("host", "localhost".parse().unwrap());
        headers.insert("x-amz-date", "20150830T123600Z".parse().unwrap());
        if let Some(target) = target {
            headers.insert("x-amz-target", target.parse().unwrap());
        }
        let header = format!(
            "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/sagemaker/aws4_request, \
             SignedHeaders={signed_headers}, Signature={}",
            "0".repeat(64)
        );
        headers.insert("authorization", header.parse().unwrap());
        let request = RequestParts {
            method: "POST",
            path: "/",
            query: None,
            headers: &headers,
        };
        let mode = AuthMode::Development {
            default_account: "000000000000".to_owned(),
        };
        Authenticator::new(mode, None).parse(&request)
    }

    #[test]
    fn the_target_header_must_be_signed_when_present() {
        let target = Some("SageMaker.DeleteModel");
        assert!(parse_with("host;x-amz-date;x-amz-target", target).is_ok());
        let err = parse_with("host;x-amz-date", target).unwrap_err();
        assert_eq!(
            err.to_string(),
            "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization."
        );
        assert!(matches!(
            err,
            AuthError::Signature(sigv4::Error::IncompleteSignature(_))
        ));
        // Without the header there is nothing to sign; dispatch refuses it later.
        assert!(parse_with("host;x-amz-date", None).is_ok());
    }
}
