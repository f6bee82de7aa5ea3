//! The SageMaker operations of sagetag: what each one means.
#![deny(missing_docs)]

pub mod validate;
