//! The single writer and its group commit.
//!
//! One OS thread owns the only read-write connection. Callers send it a [`Job`]
//! and wait on a oneshot reply. The thread blocks for the first job, then takes
//! whatever else is already queued (up to [`MAX_BATCH`]) and runs the whole
//! batch in one `BEGIN IMMEDIATE` transaction, each job inside its own
//! savepoint: a job that fails (NotFound, AlreadyExists, StepGone…) is
//! rolled back alone and the others go on. It then commits once and only then
//! answers every job, so no caller hears "done" before its change is on disk.
//! Under load the batch grows by itself, and many writes share one WAL sync.
//!
//! If the transaction cannot start, cannot finish, or SQLite rolls it back on
//! its own, every job of the batch gets the error: none of them is durable.

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Instant;

use rusqlite::{Connection, Transaction, TransactionBehavior};
use sagetag_store::{Error, Exported, NewResource, Resource, Scope, Tag, Update};
use tokio::sync::{mpsc, oneshot};

use crate::errors;
use crate::stats::{Counters, BATCH_SIZE_BOUNDS};
use crate::{dump, update, write};

/// The most jobs one transaction carries, so a flood of writers cannot make one
/// transaction (and the latency of its first job) grow without bound.
const MAX_BATCH: usize = 512;

// The batch-size histogram's last bucket is the largest batch.
const _: () = assert!(MAX_BATCH as u64 == BATCH_SIZE_BOUNDS[BATCH_SIZE_BOUNDS.len() - 1]);

/// Jobs that may wait in the queue before senders wait for room.
const QUEUE_DEPTH: usize = 4096;

/// Where a job's outcome goes.
pub(crate) type Reply<T> = oneshot::Sender<Result<T, Error>>;

/// One write operation and its reply channel.
pub(crate) enum Job {
    /// [`write::create`]. Boxed, like an update: a new resource is several
    /// times larger than the other jobs, and the queue holds thousands.
    Create {
        resource: Box<NewResource>,
        reply: Reply<Resource>,
    },
    /// [`update::update`].
    Update {
        update: Box<Update>,
        reply: Reply<Resource>,
    },
    /// [`write::delete`].
    Delete {
        scope: Scope,
        kind: String,
        name: String,
        reply: Reply<()>,
    },
    /// [`write::add_tags`].
    AddTags {
        account: String,
        arn: String,
        tags: Vec<Tag>,
        max_tags: usize,
        reply: Reply<()>,
    },
    /// [`write::delete_tags`].
    DeleteTags {
        account: String,
        arn: String,
        keys: Vec<String>,
        reply: Reply<()>,
    },
    /// [`dump::import`].
    Import {
        batch: Vec<Exported>,
        reply: Reply<()>,
    },
    /// [`write::reset`].
    Reset { reply: Reply<()> },
    /// Changes nothing; proves the writer takes and commits transactions.
    Ping { reply: Reply<()> },
}

/// The handle to the writer thread. Dropping it lets the thread finish the
/// queued jobs, close the connection and exit, and waits for that.
pub(crate) struct Writer {
    jobs: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    /// Starts the writer thread on `conn`.
    ///
    /// # Errors
    /// [`Error::Internal`] when the thread cannot be started.
    pub(crate) fn spawn(conn: Connection, counters: Arc<Counters>) -> Result<Writer, Error> {
        let (jobs, queue) = mpsc::channel(QUEUE_DEPTH);
        let thread = std::thread::Builder::new()
            .name("sagetag-sqlite-writer".to_owned())
            .spawn(move || run(conn, queue, &counters))
            .map_err(Error::internal)?;
        Ok(Writer {
            jobs: Some(jobs),
            thread: Some(thread),
        })
    }

    /// Sends the job that `make` builds around a reply channel, and waits until
    /// it is committed or has failed.
    ///
    /// # Errors
    /// The job's own error, the batch's commit error, or [`Error::Unavailable`]
    /// when the writer thread has stopped.
    pub(crate) async fn submit<T>(&self, make: impl FnOnce(Reply<T>) -> Job) -> Result<T, Error> {
        let jobs = self.jobs.as_ref().ok_or_else(errors::writer_stopped)?;
        let (reply, answer) = oneshot::channel();
        jobs.send(make(reply))
            .await
            .map_err(|_| errors::writer_stopped())?;
        answer.await.map_err(|_| errors::writer_stopped())?
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // Closing the channel ends the thread's loop once the queue is empty.
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::error!("the SQLite writer thread panicked");
            }
        }
    }
}

/// The writer thread: batch, run, commit, answer, until the channel closes.
fn run(mut conn: Connection, mut queue: mpsc::Receiver<Job>, counters: &Counters) {
    while let Some(first) = queue.blocking_recv() {
        let mut batch = Vec::with_capacity(16);
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        counters.batch_started(batch.len());
        run_batch(&mut conn, batch, counters);
    }
    tracing::debug!("SQLite writer stopped");
}

/// Runs one batch in one transaction and answers every job.
fn run_batch(conn: &mut Connection, batch: Vec<Job>, counters: &Counters) {
    let size = batch.len();
    let started = Instant::now();
    let mut tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(err) => {
            tracing::error!(jobs = size, error = %err, "SQLite write batch could not start");
            fail_all(Vec::new(), batch, || errors::shared(&err));
            return;
        }
    };

    let mut answers = Vec::with_capacity(size);
    let mut pending = batch.into_iter();
    while let Some(job) = pending.next() {
        let (answer, broken) = execute(&mut tx, job);
        answers.push(answer);
        // A savepoint that could not be released or rolled back may hold half a
        // job; and on some I/O or memory errors SQLite rolls the whole
        // transaction back by itself, after which nothing here may be committed.
        let broken = match broken {
            Some(err) => Some(errors::shared(&err).to_string()),
            None if tx.is_autocommit() => Some("SQLite rolled the transaction back".to_owned()),
            None => None,
        };
        if let Some(reason) = broken {
            drop(tx);
            tracing::error!(jobs = size, error = %reason, "SQLite write batch abandoned");
            let unavailable = || Error::Unavailable(format!("write batch abandoned: {reason}"));
            fail_all(answers, pending.collect(), unavailable);
            return;
        }
    }

    match tx.commit() {
        Ok(()) => {
            counters.committed(started.elapsed());
            tracing::trace!(jobs = size, "SQLite write batch committed");
            answers.into_iter().for_each(Answer::send);
        }
        Err(err) => {
            tracing::error!(jobs = size, error = %err, "SQLite write batch failed to commit");
            fail_all(answers, Vec::new(), || errors::shared(&err));
        }
    }
}

/// Runs one job in its own savepoint. The second value is set when the
/// savepoint itself failed, which breaks the whole batch.
fn execute(tx: &mut Transaction<'_>, job: Job) -> (Answer, Option<rusqlite::Error>) {
    match job {
        Job::Create { resource, reply } => {
            let (result, broken) = in_savepoint(tx, |c| write::create(c, *resource));
            (Answer::Resource(reply, Box::new(result)), broken)
        }
        Job::Update { update, reply } => {
            let (result, broken) = in_savepoint(tx, |c| update::update(c, *update));
            (Answer::Resource(reply, Box::new(result)), broken)
        }
        Job::Delete {
            scope,
            kind,
            name,
            reply,
        } => unit(
            reply,
            in_savepoint(tx, |c| write::delete(c, &scope, &kind, &name)),
        ),
        Job::AddTags {
            account,
            arn,
            tags,
            max_tags,
            reply,
        } => unit(
            reply,
            in_savepoint(tx, |c| write::add_tags(c, &account, &arn, &tags, max_tags)),
        ),
        Job::DeleteTags {
            account,
            arn,
            keys,
            reply,
        } => unit(
            reply,
            in_savepoint(tx, |c| write::delete_tags(c, &account, &arn, &keys)),
        ),
        Job::Import { batch, reply } => unit(reply, in_savepoint(tx, |c| dump::import(c, batch))),
        Job::Reset { reply } => unit(reply, in_savepoint(tx, write::reset)),
        Job::Ping { reply } => (Answer::Unit(reply, Ok(())), None),
    }
}

fn unit(
    reply: Reply<()>,
    (result, broken): (Result<(), Error>, Option<rusqlite::Error>),
) -> (Answer, Option<rusqlite::Error>) {
    (Answer::Unit(reply, result), broken)
}

/// Runs `op` between `SAVEPOINT` and `RELEASE`, rolling back to the savepoint
/// first when `op` fails.
fn in_savepoint<T>(
    tx: &mut Transaction<'_>,
    op: impl FnOnce(&Connection) -> Result<T, Error>,
) -> (Result<T, Error>, Option<rusqlite::Error>) {
    let sp = match tx.savepoint() {
        Ok(sp) => sp,
        Err(err) => return (Err(errors::shared(&err)), Some(err)),
    };
    let result = op(&sp);
    // `finish` on a savepoint that was not committed rolls it back, then
    // releases it.
    let closed = if result.is_ok() {
        sp.commit()
    } else {
        sp.finish()
    };
    match closed {
        Ok(()) => (result, None),
        Err(err) => (Err(errors::shared(&err)), Some(err)),
    }
}

/// A finished job waiting for the batch's commit.
enum Answer {
    /// Boxed: a resource is far larger than the other outcomes.
    Resource(Reply<Resource>, Box<Result<Resource, Error>>),
    Unit(Reply<()>, Result<(), Error>),
}

impl Answer {
    /// Delivers the job's own outcome. A caller that stopped waiting (its
    /// future was dropped) is not an error: the write stands either way.
    fn send(self) {
        match self {
            Answer::Resource(reply, result) => {
                let _ = reply.send(*result);
            }
            Answer::Unit(reply, result) => {
                let _ = reply.send(result);
            }
        }
    }

    fn fail(self, err: Error) {
        match self {
            Answer::Resource(reply, _) => {
                let _ = reply.send(Err(err));
            }
            Answer::Unit(reply, _) => {
                let _ = reply.send(Err(err));
            }
        }
    }
}

impl Job {
    fn fail(self, err: Error) {
        match self {
            Job::Create { reply, .. } | Job::Update { reply, .. } => {
                let _ = reply.send(Err(err));
            }
            Job::Delete { reply, .. }
            | Job::AddTags { reply, .. }
            | Job::DeleteTags { reply, .. }
            | Job::Import { reply, .. }
            | Job::Reset { reply }
            | Job::Ping { reply } => {
                let _ = reply.send(Err(err));
            }
        }
    }
}

/// Tells every job of a failed batch, run or not, the batch's error.
fn fail_all(answers: Vec<Answer>, unrun: Vec<Job>, err: impl Fn() -> Error) {
    for answer in answers {
        answer.fail(err());
    }
    for job in unrun {
        job.fail(err());
    }
}
