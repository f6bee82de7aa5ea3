//! The SQLite group-commit ceiling: how fast durable commits can possibly go on
//! this disk, measured with raw rusqlite and no server in the way.
//!
//! Both measurements use the server's settings, WAL with `synchronous = FULL`,
//! and a table shaped like its `tags` table:
//!
//! - (a) one thread, one row per transaction: the price of one durable commit;
//! - (b) many writer threads, each with one row in flight, whose rows a single
//!   committer thread gathers into one `BEGIN IMMEDIATE` transaction per commit,
//!   each row inside its own savepoint, answering every writer only after the
//!   commit. This mirrors the store's writer thread, so (b) is the most that
//!   AddTags at that concurrency could reach if the server cost nothing.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use rusqlite::{params, Connection, TransactionBehavior};
use serde::{Deserialize, Serialize};

/// Most rows per transaction, as in the store's writer.
const MAX_BATCH: usize = 512;

/// The `tags` table of the store, without its foreign key.
const SCHEMA: &str = "CREATE TABLE tags (
    resource_id INTEGER NOT NULL,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    PRIMARY KEY (resource_id, key)
) WITHOUT ROWID;";

const INSERT: &str = "INSERT INTO tags (resource_id, key, value, seq) VALUES (?1, ?2, ?3, ?4)";

/// How the ceiling is measured.
#[derive(Clone, Debug)]
pub struct CeilingOptions {
    /// Directory for the scratch database, on the disk under test.
    pub dir: PathBuf,
    /// Time per measurement.
    pub duration: Duration,
    /// Concurrent writers in (b).
    pub writers: usize,
    /// Rounds of (b); the best counts.
    pub rounds: usize,
}

/// What the ceiling measurement found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CeilingResult {
    /// Where the scratch database lived.
    pub dir: String,
    /// Seconds per measurement.
    pub duration_s: f64,
    /// (a): single-row commits per second from one thread.
    pub single_commits_per_s: f64,
    /// Concurrent writers in (b).
    pub writers: usize,
    /// (b): rows per second in each round.
    pub batched_rows_per_s: Vec<f64>,
    /// (b): the best round.
    pub batched_best_rows_per_s: f64,
    /// (b): commits per second in the best round.
    pub batched_commits_per_s: f64,
    /// (b): mean rows per commit in the best round.
    pub batched_mean_rows_per_commit: f64,
}

/// Runs (a) once and (b) `options.rounds` times, each on a fresh database.
///
/// # Errors
/// When the scratch database cannot be made or SQLite fails.
pub fn measure(options: &CeilingOptions) -> anyhow::Result<CeilingResult> {
    std::fs::create_dir_all(&options.dir)
        .with_context(|| format!("cannot create {}", options.dir.display()))?;
    let path = options.dir.join("ceiling.db");

    let single = with_fresh_db(&path, |conn| single_commits(conn, options.duration))?;
    let mut rounds = Vec::new();
    for _ in 0..options.rounds.max(1) {
        let round = with_fresh_db(&path, |conn| {
            batched(conn, options.writers.max(1), options.duration)
        })?;
        rounds.push(round);
    }
    let best = rounds
        .iter()
        .copied()
        .max_by(|a, b| a.rows_per_s().total_cmp(&b.rows_per_s()))
        .context("no round ran")?;

    Ok(CeilingResult {
        dir: options.dir.display().to_string(),
        duration_s: options.duration.as_secs_f64(),
        single_commits_per_s: single,
        writers: options.writers,
        batched_rows_per_s: rounds.iter().map(Round::rows_per_s).collect(),
        batched_best_rows_per_s: best.rows_per_s(),
        batched_commits_per_s: best.commits as f64 / best.seconds,
        batched_mean_rows_per_commit: best.rows as f64 / best.commits.max(1) as f64,
    })
}

/// The result as a Markdown table.
pub fn table(result: &CeilingResult) -> String {
    let rounds: Vec<String> = result
        .batched_rows_per_s
        .iter()
        .map(|r| format!("{r:.0}"))
        .collect();
    format!(
        "| measurement | result |\n|---|--:|\n\
         | (a) single-row commits/s, one thread | {:.0} |\n\
         | (b) rows/s, {} writers batched, best of {} | {:.0} |\n\
         | (b) rounds, rows/s | {} |\n\
         | (b) commits/s in the best round | {:.0} |\n\
         | (b) mean rows per commit in the best round | {:.1} |\n",
        result.single_commits_per_s,
        result.writers,
        result.batched_rows_per_s.len(),
        result.batched_best_rows_per_s,
        rounds.join(", "),
        result.batched_commits_per_s,
        result.batched_mean_rows_per_commit,
    )
}

/// Opens a new database at `path` with the server's settings, runs `f`, and
/// removes the files again.
fn with_fresh_db<T>(
    path: &Path,
    f: impl FnOnce(Connection) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    remove_db(path);
    let conn = Connection::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    anyhow::ensure!(mode.eq_ignore_ascii_case("wal"), "WAL mode refused: {mode}");
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.execute_batch(SCHEMA)?;
    let result = f(conn);
    remove_db(path);
    result
}

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
}

/// (a): one row per transaction, as fast as one thread can.
fn single_commits(mut conn: Connection, duration: Duration) -> anyhow::Result<f64> {
    let started = Instant::now();
    let mut commits: u64 = 0;
    while started.elapsed() < duration {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        insert(&tx, commits)?;
        tx.commit()?;
        commits += 1;
    }
    Ok(commits as f64 / started.elapsed().as_secs_f64())
}

fn insert(conn: &Connection, n: u64) -> rusqlite::Result<()> {
    let id = (n % 1000) as i64;
    conn.prepare_cached(INSERT)?
        .execute(params![id, format!("k{n}"), "value", n as i64])
        .map(|_| ())
}

/// One round of (b).
#[derive(Clone, Copy, Debug)]
struct Round {
    rows: u64,
    commits: u64,
    seconds: f64,
}

impl Round {
    fn rows_per_s(&self) -> f64 {
        self.rows as f64 / self.seconds
    }
}

/// A row to commit and where to say it is done.
struct Job {
    reply: SyncSender<()>,
}

/// (b): `writers` threads, one row in flight each, batched by one committer.
fn batched(conn: Connection, writers: usize, duration: Duration) -> anyhow::Result<Round> {
    let (jobs, queue) = mpsc::sync_channel::<Job>(4096);
    let stop = Arc::new(AtomicBool::new(false));
    let committer = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || commit_loop(conn, queue, &stop, duration))
    };
    let mut threads = Vec::with_capacity(writers);
    for _ in 0..writers {
        let (jobs, stop) = (jobs.clone(), Arc::clone(&stop));
        threads.push(std::thread::spawn(move || {
            let (reply, done) = mpsc::sync_channel(1);
            while !stop.load(Ordering::Relaxed) {
                let sent = jobs.send(Job {
                    reply: reply.clone(),
                });
                if sent.is_err() || done.recv().is_err() {
                    break;
                }
            }
        }));
    }
    drop(jobs);
    for thread in threads {
        let _ = thread.join();
    }
    committer
        .join()
        .map_err(|_| anyhow::anyhow!("the committer thread panicked"))?
}

/// The committer: take the first job, then whatever else is queued, commit
/// them in one transaction, answer them; count until `duration` is over, then
/// tell the writers to stop and wave the rest through.
fn commit_loop(
    mut conn: Connection,
    queue: Receiver<Job>,
    stop: &AtomicBool,
    duration: Duration,
) -> anyhow::Result<Round> {
    let started = Instant::now();
    let (mut rows, mut commits) = (0u64, 0u64);
    let mut result = None;
    while let Ok(first) = queue.recv() {
        if result.is_some() {
            let _ = first.reply.send(());
            continue;
        }
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for n in rows..rows + batch.len() as u64 {
            let sp = tx.savepoint_with_name("job")?;
            insert(&sp, n)?;
            sp.commit()?;
        }
        tx.commit()?;
        rows += batch.len() as u64;
        commits += 1;
        for job in batch {
            let _ = job.reply.send(());
        }
        if started.elapsed() >= duration {
            let seconds = started.elapsed().as_secs_f64();
            result = Some(Round {
                rows,
                commits,
                seconds,
            });
            stop.store(true, Ordering::Relaxed);
        }
    }
    result.context("the measurement ended before its time was up")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_both_on_a_scratch_database() {
        let dir = tempfile::tempdir().expect("tempdir");
        let options = CeilingOptions {
            dir: dir.path().to_owned(),
            duration: Duration::from_millis(200),
            writers: 4,
            rounds: 2,
        };
        let result = measure(&options).expect("measure");
        assert!(result.single_commits_per_s > 0.0);
        assert_eq!(result.batched_rows_per_s.len(), 2);
        assert!(result.batched_mean_rows_per_commit >= 1.0);
        assert!(!dir.path().join("ceiling.db").exists());
        assert!(table(&result).contains("(b) rows/s, 4 writers batched, best of 2"));
    }
}
