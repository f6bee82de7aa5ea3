//! Counters of the writer, for tests and metrics.
//!
//! Two of them are histograms with fixed buckets, kept here as plain counts so
//! that this crate needs no metrics library: the server turns them into its
//! exposition format.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the batch-size buckets of [`Stats::batch_sizes`], in jobs.
/// The last is the writer's largest batch, so no batch falls above it.
pub const BATCH_SIZE_BOUNDS: [u64; 10] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

/// Upper bounds of the commit-time buckets of [`Stats::commit_micros`], in
/// microseconds.
pub const COMMIT_MICROS_BOUNDS: [u64; 12] = [
    250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000,
];

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
    /// Batches by size: entry `i` counts those of more than
    /// `BATCH_SIZE_BOUNDS[i - 1]` and at most [`BATCH_SIZE_BOUNDS`]`[i]` jobs.
    /// The entries add up to `batches`, their sizes to `jobs`.
    pub batch_sizes: [u64; BATCH_SIZE_BOUNDS.len()],
    /// Committed batches by the time from `BEGIN` to the end of `COMMIT` (its
    /// WAL sync included): entry `i` counts those of more than
    /// `COMMIT_MICROS_BOUNDS[i - 1]` and at most [`COMMIT_MICROS_BOUNDS`]`[i]`
    /// microseconds; the extra last entry counts the slower ones.
    pub commit_micros: [u64; COMMIT_MICROS_BOUNDS.len() + 1],
    /// The time of every committed batch, added up, in microseconds.
    pub commit_micros_total: u64,
}

/// The live counters behind [`Stats`], shared with the writer thread.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    jobs: AtomicU64,
    batches: AtomicU64,
    commits: AtomicU64,
    largest_batch: AtomicU64,
    batch_sizes: [AtomicU64; BATCH_SIZE_BOUNDS.len()],
    commit_micros: [AtomicU64; COMMIT_MICROS_BOUNDS.len() + 1],
    commit_micros_total: AtomicU64,
}

impl Counters {
    /// Counts a batch of `jobs` jobs about to run in one transaction.
    pub(crate) fn batch_started(&self, jobs: usize) {
        let jobs = u64::try_from(jobs).unwrap_or(u64::MAX);
        self.jobs.fetch_add(jobs, Ordering::Relaxed);
        self.batches.fetch_add(1, Ordering::Relaxed);
        self.largest_batch.fetch_max(jobs, Ordering::Relaxed);
        self.batch_sizes[bucket(&BATCH_SIZE_BOUNDS, jobs)].fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a successful commit of a batch whose transaction took `elapsed`.
    pub(crate) fn committed(&self, elapsed: Duration) {
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.commit_micros[bucket(&COMMIT_MICROS_BOUNDS, micros)].fetch_add(1, Ordering::Relaxed);
        self.commit_micros_total
            .fetch_add(micros, Ordering::Relaxed);
        self.commits.fetch_add(1, Ordering::Relaxed);
    }

    /// Reads the counters. Each is exact; the four need not be from one instant.
    pub(crate) fn snapshot(&self) -> Stats {
        Stats {
            jobs: self.jobs.load(Ordering::Relaxed),
            batches: self.batches.load(Ordering::Relaxed),
            commits: self.commits.load(Ordering::Relaxed),
            largest_batch: self.largest_batch.load(Ordering::Relaxed),
            batch_sizes: load_all(&self.batch_sizes),
            commit_micros: load_all(&self.commit_micros),
            commit_micros_total: self.commit_micros_total.load(Ordering::Relaxed),
        }
    }
}

/// The index of the first bound `value` does not exceed, or one past the last.
fn bucket(bounds: &[u64], value: u64) -> usize {
    bounds.partition_point(|&bound| bound < value)
}

fn load_all<const N: usize>(counters: &[AtomicU64; N]) -> [u64; N] {
    std::array::from_fn(|i| counters[i].load(Ordering::Relaxed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_fall_in_the_first_bucket_they_do_not_exceed() {
        assert_eq!(bucket(&BATCH_SIZE_BOUNDS, 1), 0);
        assert_eq!(bucket(&BATCH_SIZE_BOUNDS, 3), 2);
        assert_eq!(bucket(&BATCH_SIZE_BOUNDS, 4), 2);
        assert_eq!(bucket(&BATCH_SIZE_BOUNDS, 512), 9);
        assert_eq!(bucket(&COMMIT_MICROS_BOUNDS, 0), 0);
        assert_eq!(
            bucket(&COMMIT_MICROS_BOUNDS, 2_000_000),
            COMMIT_MICROS_BOUNDS.len()
        );
    }

    #[test]
    fn snapshots_add_up() {
        let counters = Counters::default();
        counters.batch_started(1);
        counters.batch_started(3);
        counters.committed(Duration::from_micros(300));
        counters.committed(Duration::from_secs(2));
        let stats = counters.snapshot();
        assert_eq!(stats.batch_sizes.iter().sum::<u64>(), stats.batches);
        assert_eq!(stats.batch_sizes[..3], [1, 0, 1]);
        assert_eq!(stats.commit_micros.iter().sum::<u64>(), stats.commits);
        assert_eq!(stats.commit_micros[1], 1);
        assert_eq!(stats.commit_micros[COMMIT_MICROS_BOUNDS.len()], 1);
        assert_eq!(stats.commit_micros_total, 2_000_300);
    }
}
