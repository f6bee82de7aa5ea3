//! The one error enum of the operations layer.
//!
//! Each variant is one AWS error code; the server maps them to the wire (code,
//! HTTP status, message key) in exactly one place. Messages are final text for the
//! client: they never carry secrets or internal detail.

use sagetag_store as store;

/// Everything an operation can answer instead of its output.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `ValidationException`: a constraint of `sagemaker-tagging.md` §5, a semantic
    /// rule (§3), or a missing resource where SageMaker answers with validation.
    #[error("{0}")]
    Validation(String),

    /// `SerializationException`: the body is not JSON, or a member has the wrong type.
    #[error("{0}")]
    Serialization(String),

    /// `UnknownOperationException`: the target names no operation sagetag implements.
    #[error("{0}")]
    UnknownOperation(String),

    /// `ResourceNotFound` (modeled): for the operations that SageMaker models with it.
    #[error("{0}")]
    ResourceNotFound(String),

    /// `ResourceInUse` (modeled): a duplicate name for the kinds that answer so.
    #[error("{0}")]
    ResourceInUse(String),

    /// `ResourceLimitExceeded` (modeled): an account quota.
    #[error("{0}")]
    ResourceLimitExceeded(String),

    /// `ServiceUnavailable`: the store cannot be reached now; clients retry.
    #[error("the store is unavailable")]
    Unavailable(#[source] store::Error),

    /// `InternalFailure`: a bug or an I/O failure; logged, never detailed to clients.
    #[error("internal failure")]
    Internal(#[source] store::Error),
}

impl Error {
    /// Turns a store error that the calling operation does not translate itself
    /// into `ServiceUnavailable` or `InternalFailure` (Garage's opt-in rule: only
    /// what an operation maps on purpose reaches the client as a client error).
    pub fn backend(err: store::Error) -> Self {
        match err {
            store::Error::Unavailable(_) => Error::Unavailable(err),
            _ => Error::Internal(err),
        }
    }
}

/// The message every tag operation answers for a resource the caller cannot see
/// (`sagemaker-tagging.md` §3.1, O1–O3, Q7).
pub const RESOURCE_DOES_NOT_EXIST: &str = "Resource does not exist.";
