//! Every error sagetag answers, mapped to its AWS code, HTTP status and message in
//! this one file (`sagemaker-tagging.md` §2, §6). Matches are exhaustive on
//! purpose: a new variant anywhere must be mapped here before it compiles.

use http::StatusCode;
use sagetag_ops::Error as OpsError;
use sagetag_sigv4::Error as SigError;

use crate::auth::AuthError;
use crate::throttle::Throttled;

/// A failure of the framing itself, before any operation runs.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    /// No `X-Amz-Target` header.
    #[error("Missing X-Amz-Target header.")]
    MissingTarget,
    /// A target that names no operation sagetag implements.
    #[error("Operation '{0}' is not supported by this service.")]
    UnknownOperation(String),
    /// A content type other than AWS JSON 1.1.
    #[error("Unsupported content type '{0}': send application/x-amz-json-1.1.")]
    UnsupportedContentType(String),
    /// A path or method that is no part of the API.
    #[error("No operation at {method} {path}.")]
    NoRoute {
        /// The method.
        method: String,
        /// The path.
        path: String,
    },
    /// A body over the configured limit.
    #[error("Request body exceeds the limit of {limit} bytes.")]
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// A body that did not arrive in time.
    #[error("Request body was not received within {seconds} seconds.")]
    BodyTimeout {
        /// The limit in seconds.
        seconds: u64,
    },
    /// The connection failed while the body was read.
    #[error("The request body could not be read.")]
    BodyRead,
    /// A body that is not JSON, or not a JSON object.
    #[error("{0}")]
    InvalidJson(String),
}

/// An error as it goes on the wire.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// The `__type` code, also sent as `x-amzn-ErrorType`.
    pub code: &'static str,
    /// The text for the client.
    pub message: String,
    /// Whether the code is one of SageMaker's four modeled errors, whose message
    /// member is `Message` rather than `message` (Q11).
    pub modeled: bool,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            modeled: false,
        }
    }

    fn modeled(code: &'static str, message: String) -> Self {
        ApiError {
            modeled: true,
            ..ApiError::new(StatusCode::BAD_REQUEST, code, message)
        }
    }

    /// Whether this error is the server's fault (logged at error level).
    pub fn is_server_error(&self) -> bool {
        self.status.is_server_error()
    }
}

const BAD: StatusCode = StatusCode::BAD_REQUEST;

impl From<OpsError> for ApiError {
    fn from(err: OpsError) -> Self {
        match err {
            OpsError::Validation(m) => ApiError::new(BAD, "ValidationException", m),
            OpsError::Serialization(m) => ApiError::new(BAD, "SerializationException", m),
            OpsError::UnknownOperation(m) => ApiError::new(BAD, "UnknownOperationException", m),
            OpsError::ResourceNotFound(m) => ApiError::modeled("ResourceNotFound", m),
            OpsError::ResourceInUse(m) => ApiError::modeled("ResourceInUse", m),
            OpsError::ResourceLimitExceeded(m) => ApiError::modeled("ResourceLimitExceeded", m),
            OpsError::Unavailable(_) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "ServiceUnavailable",
                "The service is unavailable. Please try again later.",
            ),
            // The cause is logged by the caller, never sent (STYLE habit 6).
            OpsError::Internal(_) => ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalFailure",
                "The request processing has failed because of an unknown error.",
            ),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(err: AuthError) -> Self {
        let message = err.to_string();
        match err {
            AuthError::Signature(sig) => match sig {
                // Q8: 403, the one SigV4 failure that is not a 400.
                SigError::MissingAuthenticationToken => ApiError::new(
                    StatusCode::FORBIDDEN,
                    "MissingAuthenticationTokenException",
                    message,
                ),
                SigError::IncompleteSignature(_) => {
                    ApiError::new(BAD, "IncompleteSignatureException", message)
                }
                SigError::SignatureDoesNotMatch
                | SigError::SignatureExpired { .. }
                | SigError::SignatureNotYetCurrent { .. }
                | SigError::InvalidRegion(_)
                | SigError::InvalidService(_) => {
                    ApiError::new(BAD, "InvalidSignatureException", message)
                }
            },
            AuthError::UnrecognizedClient => {
                ApiError::new(BAD, "UnrecognizedClientException", message)
            }
            AuthError::ExpiredToken => ApiError::new(BAD, "ExpiredTokenException", message),
        }
    }
}

impl From<Throttled> for ApiError {
    /// SageMaker's throttle answer, byte for byte: HTTP 400 and
    /// `{"__type":"ThrottlingException","message":"Rate exceeded"}` (O21). SDKs
    /// retry it in both standard and legacy retry modes.
    fn from(err: Throttled) -> Self {
        ApiError::new(BAD, "ThrottlingException", err.to_string())
    }
}

impl From<WireError> for ApiError {
    fn from(err: WireError) -> Self {
        let message = err.to_string();
        match err {
            WireError::MissingTarget
            | WireError::UnknownOperation(_)
            | WireError::UnsupportedContentType(_) => {
                ApiError::new(BAD, "UnknownOperationException", message)
            }
            WireError::NoRoute { .. } => {
                ApiError::new(StatusCode::NOT_FOUND, "UnknownOperationException", message)
            }
            WireError::BodyTooLarge { .. } => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "RequestEntityTooLargeException",
                message,
            ),
            WireError::BodyTimeout { .. } => ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "RequestTimeoutException",
                message,
            ),
            WireError::BodyRead | WireError::InvalidJson(_) => {
                ApiError::new(BAD, "SerializationException", message)
            }
        }
    }
}
