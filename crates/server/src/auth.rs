//! Who is calling: SigV4 (from `sagetag-sigv4`) joined to the configured keys.
//!
//! The SigV4 library is pure; this module brings the clock, the credentials file
//! and the region rule (`sagemaker-tagging.md` §1, §6).

use subtle::ConstantTimeEq;
use time::OffsetDateTime;

use sagetag_ops::Caller;
use sagetag_sigv4::{self as sigv4, Authorization, RequestParts};

use crate::config::{is_region_name, AuthMode, Credentials};

/// The signing name of SageMaker (`sagemaker-tagging.md` §1).
const SERVICE: &str = "sagemaker";

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
}

impl Authenticator {
    /// An authenticator for `mode`, serving `regions` (any well-formed one if `None`).
    pub fn new(mode: AuthMode, regions: Option<Vec<String>>) -> Self {
        Authenticator { mode, regions }
    }

    /// Reads the claimed signature, before the body arrives: a request with no or a
    /// malformed signature is refused without reading what it sends.
    ///
    /// # Errors
    /// `MissingAuthenticationToken` or `IncompleteSignature`.
    pub fn parse(&self, request: &RequestParts) -> Result<Authorization, AuthError> {
        Ok(sigv4::parse(request)?)
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
                verify(credentials, request, auth, payload_sha256_hex, now)?
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
}

fn verify(
    credentials: &Credentials,
    request: &RequestParts,
    auth: &Authorization,
    payload_sha256_hex: &str,
    now: OffsetDateTime,
) -> Result<String, AuthError> {
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

    sigv4::verify(request, auth, payload_sha256_hex, &credential.secret)?;
    Ok(credential.account_id.clone())
}
