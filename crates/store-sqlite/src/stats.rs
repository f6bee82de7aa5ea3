//! Counters of the writer, for tests and metrics.

use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot of what the writer has done since the store was opened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Write jobs received (every create, update, delete, tag change, reset and
    /// health ping), whatever their outcome.
    pub jobs: u64,
    /// Transactions started, one per batch of jobs.
    pub batches: u64,
    /// Transactions committed; each costs one sync of the WAL to disk.
    pub commits: u64,
    /// The most jobs one transaction carried.
    pub largest_batch: u64,
}

/// The live counters behind [`Stats`], shared with the writer thread.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    jobs: AtomicU64,
    batches: AtomicU64,
    commits: AtomicU64,
    largest_batch: AtomicU64,
}

impl Counters {
    /// Counts a batch of `jobs` jobs about to run in one transaction.
    pub(crate) fn batch_started(&self, jobs: usize) {
        let jobs = u64::try_from(jobs).unwrap_or(u64::MAX);
        self.jobs.fetch_add(jobs, Ordering::Relaxed);
        self.batches.fetch_add(1, Ordering::Relaxed);
        self.largest_batch.fetch_max(jobs, Ordering::Relaxed);
    }

    /// Counts a successful commit.
    pub(crate) fn committed(&self) {
        self.commits.fetch_add(1, Ordering::Relaxed);
    }

    /// Reads the counters. Each is exact; the four need not be from one instant.
    pub(crate) fn snapshot(&self) -> Stats {
        Stats {
            jobs: self.jobs.load(Ordering::Relaxed),
            batches: self.batches.load(Ordering::Relaxed),
            commits: self.commits.load(Ordering::Relaxed),
            largest_batch: self.largest_batch.load(Ordering::Relaxed),
        }
    }
}
