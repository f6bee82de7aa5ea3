//! A small pool of read-only connections, used on Tokio's blocking threads or,
//! for short point reads, on the calling thread.
//!
//! WAL mode lets these read beside the writer: each read sees the database as
//! of the last commit before it started. A semaphore bounds how many reads run
//! at once, and so how many connections ever exist; idle ones are kept for
//! reuse, and a missing one is opened on demand.

use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rusqlite::Connection;
use sagetag_store::Error;
use tokio::sync::Semaphore;

use crate::connection;

/// Read-only connections to one database file.
pub(crate) struct ReadPool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
}

impl ReadPool {
    /// Makes a pool of at most `size` connections and opens the first one, so
    /// that a file that cannot be read fails now rather than on the first read.
    ///
    /// # Errors
    /// [`Error::Internal`] when the file cannot be opened for reading.
    pub(crate) fn new(path: PathBuf, size: usize) -> Result<Arc<ReadPool>, Error> {
        let first = connection::open_reader(&path)?;
        Ok(Arc::new(ReadPool {
            path,
            idle: Mutex::new(vec![first]),
            permits: Arc::new(Semaphore::new(size.max(1))),
        }))
    }

    /// Runs `read` on a pooled connection on a blocking thread.
    ///
    /// # Errors
    /// Whatever `read` returns; [`Error::Internal`] when a connection cannot be
    /// opened or `read` panicked.
    pub(crate) async fn run<T, F>(self: &Arc<Self>, read: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, Error> + Send + 'static,
    {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|_| Error::Unavailable("the SQLite read pool is closed".to_owned()))?;
        let pool = Arc::clone(self);
        let task = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut conn = pool.checkout()?;
            let result = read(&mut conn);
            pool.idle().push(conn);
            result
        });
        task.await.map_err(Error::internal)?
    }

    /// Runs `read` on the calling (async worker) thread when a permit and an
    /// idle connection are free right now; otherwise as [`ReadPool::run`] does.
    ///
    /// Only for reads that are one or two index lookups of a few dozen rows
    /// (a resource by name or ARN, a ListTags page). Handing those to a
    /// blocking thread and back cost two thread switches and futex waits per
    /// request, about 17% of the server's CPU at 64 ListTags clients on one
    /// core, more than the read itself. The price: while the read runs, the
    /// worker serves nothing else, and a read that waits on the disk (a cold
    /// page) or on a lock (another process checkpointing, up to the busy
    /// timeout) stalls that worker's other connections for as long. Reads that
    /// can scan (listings, filters, counts) keep using [`ReadPool::run`].
    ///
    /// # Errors
    /// As [`ReadPool::run`].
    pub(crate) async fn run_inline<T, F>(self: &Arc<Self>, read: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, Error> + Send + 'static,
    {
        if let Ok(_permit) = self.permits.try_acquire() {
            let idle = self.idle().pop();
            if let Some(mut conn) = idle {
                // A panicking read must not take the worker's other
                // connections down with it; it becomes an internal error, as
                // a panic on a blocking thread does.
                let result = panic::catch_unwind(AssertUnwindSafe(|| read(&mut conn)));
                return match result {
                    Ok(result) => {
                        self.idle().push(conn);
                        result
                    }
                    Err(_) => Err(Error::Internal("a SQLite read panicked".into())),
                };
            }
        }
        self.run(read).await
    }

    fn checkout(&self) -> Result<Connection, Error> {
        let idle = self.idle().pop();
        match idle {
            Some(conn) => Ok(conn),
            None => connection::open_reader(&self.path),
        }
    }

    /// The idle list. A panic elsewhere cannot leave a `Vec` of connections
    /// half-changed (the lock is held only for a push or a pop), so a poisoned
    /// lock is taken over as it is rather than failing every later read.
    fn idle(&self) -> MutexGuard<'_, Vec<Connection>> {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
