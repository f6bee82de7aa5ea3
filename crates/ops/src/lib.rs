//! The SageMaker operations of sagetag: what each one means.
//!
//! Owns the resource kinds and their ARNs ([`arn`]), the tag rules ([`tags`]),
//! shape-driven input validation ([`validate`]), one handler per operation
//! ([`operations`]) and the table that dispatches to them ([`Operation`]).
//! Depends on the store contract only: no HTTP, no SigV4, no backend.
#![deny(missing_docs)]

pub mod arn;
pub mod context;
pub mod error;
pub mod kinds;
pub mod lifecycle;
pub mod operation;
pub mod operations;
pub mod tags;
pub mod timestamp;
pub mod token;
pub mod tuning;
pub mod validate;

pub use context::{Caller, Clock, Ctx, ManualClock, SystemClock};
pub use error::Error;
pub use operation::Operation;
