//! The one error enum of the storage layer.

/// Everything a [`crate::Store`] call can fail with.
///
/// The operations layer turns the first six into the AWS errors the spec asks
/// for, or handles them itself (a scheduler that meets [`Error::StepGone`] has
/// lost a race it may ignore); the last two are the backend's own trouble and
/// never reach a client as anything but `ServiceUnavailable` or
/// `InternalFailure`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The resource named by the call does not exist in the caller's scope.
    #[error("resource not found")]
    NotFound,

    /// A resource with the same kind and name (or the same ARN) already exists.
    #[error("resource already exists")]
    AlreadyExists,

    /// The write would leave the resource with more tags than allowed.
    #[error("tag limit exceeded: {would_have} tags, at most {max}")]
    TagLimitExceeded {
        /// How many tags the resource would have had.
        would_have: usize,
        /// The limit.
        max: usize,
    },

    /// An update expected another status (`current` is what the resource has).
    #[error("status conflict: the resource is {current:?}")]
    StatusConflict {
        /// The resource's status when the update was refused.
        current: Option<String>,
    },

    /// The step an update was to carry out is not one of the resource's (any
    /// more): it already ran, was cancelled, or belongs to another resource.
    #[error("step already taken")]
    StepGone,

    /// A listing cursor that this backend did not make, or that no longer parses.
    #[error("invalid cursor")]
    InvalidCursor,

    /// The backend cannot be reached right now; the caller may retry.
    #[error("store unavailable: {0}")]
    Unavailable(String),

    /// Anything else: a bug, corruption, or an I/O failure.
    #[error("store failure: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl Error {
    /// Wraps any backend error as [`Error::Internal`].
    pub fn internal(err: impl std::error::Error + Send + Sync + 'static) -> Self {
        Error::Internal(Box::new(err))
    }
}
