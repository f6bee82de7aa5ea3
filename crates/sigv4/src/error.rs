//! The ways a SigV4 check can fail, one variant per failure in `sagemaker-tagging.md` §6.
//!
//! Each variant's `Display` is the message AWS sends, so the server can put it in
//! the error body as it is; [`Error::code`] gives the matching `__type`. The HTTP
//! status is the server's business (it maps every variant in one place).

/// A request whose signature cannot be accepted.
///
/// No message ever contains a secret key, a signature or a security token: where
/// the `Authorization` header is echoed, its `Signature=` value reads `<redacted>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Neither an `Authorization` header nor `X-Amz-Algorithm` / `X-Amz-Signature`
    /// query parameters: the request is not signed at all.
    #[error("Request is missing Authentication Token")]
    MissingAuthenticationToken,

    /// The signature is malformed or incomplete: a missing or unparsable part of
    /// the `Authorization` header or of the presigned query, an unsupported
    /// algorithm, a missing or unparsable date, a scope date that does not match
    /// the request date, or a signed-header list that lacks `host` or names a
    /// header the request does not carry. The string is the whole message.
    #[error("{0}")]
    IncompleteSignature(String),

    /// The signature is well formed but is not the one the secret key gives.
    #[error(
        "The request signature we calculated does not match the signature you provided. \
         Check your AWS Secret Access Key and signing method. \
         Consult the service documentation for details."
    )]
    SignatureDoesNotMatch,

    /// The request time is too old: before `now` minus the clock-skew window
    /// (header form), or before `now` minus `X-Amz-Expires` (query form).
    #[error(
        "Signature expired: {request_time} is now earlier than {earliest} \
         ({now} - {window}.)"
    )]
    SignatureExpired {
        /// The request time, `yyyymmddTHHMMSSZ`.
        request_time: String,
        /// The earliest request time still accepted, `yyyymmddTHHMMSSZ`.
        earliest: String,
        /// The server time, `yyyymmddTHHMMSSZ`.
        now: String,
        /// The window as AWS writes it: `5 min` for the skew, `<n> sec` for
        /// `X-Amz-Expires`.
        window: String,
    },

    /// The request time is after `now` plus the clock-skew window.
    #[error(
        "Signature not yet current: {request_time} is still later than {latest} \
         ({now} + {window}.)"
    )]
    SignatureNotYetCurrent {
        /// The request time, `yyyymmddTHHMMSSZ`.
        request_time: String,
        /// The latest request time still accepted, `yyyymmddTHHMMSSZ`.
        latest: String,
        /// The server time, `yyyymmddTHHMMSSZ`.
        now: String,
        /// The window as AWS writes it, e.g. `5 min`.
        window: String,
    },

    /// The credential scope names a region this server does not serve. The string
    /// is that region.
    #[error("Credential should be scoped to a valid region, not '{0}'. ")]
    InvalidRegion(String),

    /// The credential scope names another service. The string is the service this
    /// server expects (`sagemaker`).
    #[error("Credential should be scoped to correct service: '{0}'. ")]
    InvalidService(String),
}

impl Error {
    /// The AWS error code (`__type`) for this failure.
    ///
    /// Every failure of a well-formed signature shares `InvalidSignatureException`,
    /// as AWS's JSON services answer (`sagemaker-tagging.md` §6).
    pub fn code(&self) -> &'static str {
        match self {
            Error::MissingAuthenticationToken => "MissingAuthenticationTokenException",
            Error::IncompleteSignature(_) => "IncompleteSignatureException",
            Error::SignatureDoesNotMatch
            | Error::SignatureExpired { .. }
            | Error::SignatureNotYetCurrent { .. }
            | Error::InvalidRegion(_)
            | Error::InvalidService(_) => "InvalidSignatureException",
        }
    }
}
