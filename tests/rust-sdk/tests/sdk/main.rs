//! sagetag through the AWS SDK for Rust: tags, errors, a paginator and a waiter.
//!
//! One test binary (STYLE habit 13, tier c). Every test starts its own
//! `sagetag serve` on port 0 with a fresh data directory, so tests share
//! nothing and run in parallel.

mod errors;
mod lifecycle;
mod pagination;
mod server;
mod tags;
