//! `sagetag export` and `sagetag import`: the whole store as a JSON Lines
//! file ([`format`]), for backups, restores, and moving from the embedded
//! store to PostgreSQL and back.
//!
//! Both stream: the export writes each resource as the store hands it over,
//! and the import reads the file in batches, so memory does not grow with
//! the data.

pub mod export;
pub mod format;
pub mod import;
mod progress;

use anyhow::Context;

/// The runtime both commands run on: the store API is async.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// The total of the per-kind resource counts.
fn total(counts: &sagetag_store::Counts) -> u64 {
    counts.resources.iter().map(|(_, n)| n).sum()
}
