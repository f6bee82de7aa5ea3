//! End-to-end tests of sagetag through the AWS SDK for Rust (`aws-sdk-sagemaker`).
//!
//! The library is empty on purpose; the tests live in `tests/sdk/`. Each test
//! starts the real `sagetag` binary on port 0 (found through `SAGETAG_BIN`, else
//! the workspace's `target/debug/sagetag`) and drives it with the SDK's client,
//! paginator and waiter. The package is left out of the workspace's default
//! members because the SDK takes minutes to build; run it with
//! `cargo test -p sagetag-rust-sdk-tests` after `cargo build -p sagetag`.
#![deny(missing_docs)]
