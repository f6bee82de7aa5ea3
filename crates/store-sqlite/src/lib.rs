//! The embedded storage backend of sagetag: one SQLite file, the default.
//!
//! [`SqliteStore`] implements [`sagetag_store::Store`] on a database file in
//! WAL mode with `synchronous = FULL`. Writes go to one writer thread that
//! commits them in groups (see the `writer` module): every acknowledged write
//! is on disk, yet concurrent writers share a sync instead of paying one each.
//! Reads run on a small pool of read-only connections beside the writer.
//!
//! Lifecycle steps live in their own table beside the resources (the `steps`
//! module); an update that carries a step out removes it in its own
//! transaction, so each step takes effect once.
//!
//! The schema is versioned from the first release: [`SCHEMA_VERSION`] is
//! recorded in the file, older files are migrated on open and newer ones are
//! refused.
//!
//! This crate depends on the store contract only; it knows nothing of HTTP,
//! SigV4 or SageMaker shapes.
#![deny(missing_docs)]

mod connection;
mod cursor;
mod dump;
mod errors;
mod migrations;
mod pool;
#[cfg(test)]
mod query_plans;
mod read;
mod stats;
mod steps;
mod update;
mod write;
mod writer;

pub use migrations::{SchemaTooNew, SCHEMA_VERSION};
pub use stats::{Stats, BATCH_SIZE_BOUNDS, COMMIT_MICROS_BOUNDS};

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use sagetag_store::{
    Error, Exported, ListQuery, NewResource, Page, Resource, Scope, Step, Store, Tag, TagPage,
    Update,
};
use tokio::sync::mpsc;

use crate::pool::ReadPool;
use crate::stats::Counters;
use crate::writer::{Job, Writer};

/// The name of the database file inside the data directory.
pub const DB_FILE_NAME: &str = "sagetag.db";

/// Read connections kept open; reads are short, and the machine has few cores.
const READ_CONNECTIONS: usize = 4;

/// A [`Store`] kept in one SQLite file.
///
/// Dropping it finishes the queued writes, stops the writer thread and closes
/// the file.
pub struct SqliteStore {
    writer: Writer,
    readers: Arc<ReadPool>,
    counters: Arc<Counters>,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens the store in `dir`, creating the directory and [`DB_FILE_NAME`] in
    /// it when missing, and migrating the schema to [`SCHEMA_VERSION`].
    ///
    /// # Errors
    /// [`Error::Internal`] when the directory or file cannot be created or
    /// opened, when the file is not a SQLite database, when it was written by a
    /// newer sagetag (the source is a [`SchemaTooNew`]), or when a migration
    /// fails; [`Error::Unavailable`] when another process holds the file locked
    /// for longer than the busy timeout.
    pub fn open(dir: &Path) -> Result<SqliteStore, Error> {
        std::fs::create_dir_all(dir).map_err(Error::internal)?;
        let path = dir.join(DB_FILE_NAME);

        let mut conn = connection::open_writer(&path)?;
        migrations::apply(&mut conn)?;

        let readers = ReadPool::new(path.clone(), READ_CONNECTIONS)?;
        let counters = Arc::new(Counters::default());
        let writer = Writer::spawn(conn, Arc::clone(&counters))?;
        tracing::debug!(path = %path.display(), "opened SQLite store");
        Ok(SqliteStore {
            writer,
            readers,
            counters,
            path,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What the writer has done since this store was opened.
    pub fn stats(&self) -> Stats {
        self.counters.snapshot()
    }
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

/// The form of a name that uniqueness, lookups and the Name sort compare:
/// lower-cased, since names are unique regardless of case (`resources.md` §1).
pub(crate) fn name_key(name: &str) -> String {
    name.to_lowercase()
}

#[async_trait]
impl Store for SqliteStore {
    async fn create_resource(&self, resource: NewResource) -> Result<Resource, Error> {
        let resource = Box::new(resource);
        self.writer
            .submit(|reply| Job::Create { resource, reply })
            .await
    }

    async fn get_resource(
        &self,
        scope: &Scope,
        kind: &str,
        name: &str,
    ) -> Result<Option<Resource>, Error> {
        let (scope, kind, key) = (scope.clone(), kind.to_owned(), name_key(name));
        self.readers
            .run_inline(move |conn| read::get_resource(conn, &scope, &kind, &key))
            .await
    }

    async fn get_resource_by_arn(
        &self,
        account: &str,
        arn: &str,
    ) -> Result<Option<Resource>, Error> {
        let (account, arn) = (account.to_owned(), arn.to_owned());
        self.readers
            .run_inline(move |conn| read::get_resource_by_arn(conn, &account, &arn))
            .await
    }

    async fn update_resource(&self, update: Update) -> Result<Resource, Error> {
        let update = Box::new(update);
        self.writer
            .submit(|reply| Job::Update { update, reply })
            .await
    }

    async fn due_steps(&self, now: f64, limit: usize) -> Result<Vec<Step>, Error> {
        self.readers
            .run(move |conn| steps::due(conn, now, limit))
            .await
    }

    async fn next_step_due(&self) -> Result<Option<f64>, Error> {
        self.readers.run(|conn| steps::next_due(conn)).await
    }

    async fn delete_resource(&self, scope: &Scope, kind: &str, name: &str) -> Result<(), Error> {
        let (scope, kind, name) = (scope.clone(), kind.to_owned(), name.to_owned());
        self.writer
            .submit(|reply| Job::Delete {
                scope,
                kind,
                name,
                reply,
            })
            .await
    }

    async fn list_resources(
        &self,
        scope: &Scope,
        kind: &str,
        query: &ListQuery,
    ) -> Result<Page<Resource>, Error> {
        let (scope, kind, query) = (scope.clone(), kind.to_owned(), query.clone());
        self.readers
            .run(move |conn| read::list_resources(conn, &scope, &kind, &query))
            .await
    }

    async fn add_tags(
        &self,
        account: &str,
        arn: &str,
        tags: &[Tag],
        max_tags: usize,
    ) -> Result<(), Error> {
        let (account, arn, tags) = (account.to_owned(), arn.to_owned(), tags.to_vec());
        self.writer
            .submit(|reply| Job::AddTags {
                account,
                arn,
                tags,
                max_tags,
                reply,
            })
            .await
    }

    async fn list_tags(
        &self,
        account: &str,
        arn: &str,
        after: Option<i64>,
        limit: usize,
    ) -> Result<TagPage, Error> {
        let (account, arn) = (account.to_owned(), arn.to_owned());
        self.readers
            .run_inline(move |conn| read::list_tags(conn, &account, &arn, after, limit))
            .await
    }

    async fn delete_tags(&self, account: &str, arn: &str, keys: &[String]) -> Result<(), Error> {
        let (account, arn, keys) = (account.to_owned(), arn.to_owned(), keys.to_vec());
        self.writer
            .submit(|reply| Job::DeleteTags {
                account,
                arn,
                keys,
                reply,
            })
            .await
    }

    async fn reset(&self) -> Result<(), Error> {
        self.writer.submit(|reply| Job::Reset { reply }).await
    }

    async fn health(&self) -> Result<(), Error> {
        let read = self.readers.run(|conn| read::health(conn)).await;
        let write = match read {
            Ok(()) => self.writer.submit(|reply| Job::Ping { reply }).await,
            Err(err) => Err(err),
        };
        write.map_err(|err| match err {
            Error::Unavailable(_) => err,
            other => Error::Unavailable(other.to_string()),
        })
    }

    async fn counts(&self) -> Result<Option<sagetag_store::Counts>, Error> {
        self.readers.run(|conn| read::counts(conn).map(Some)).await
    }

    async fn export(&self, sink: mpsc::Sender<Exported>) -> Result<u64, Error> {
        // A connection of its own: the walk may take minutes, and a pooled
        // connection held that long would starve the requests.
        let path = self.path.clone();
        let walk = tokio::task::spawn_blocking(move || {
            let mut conn = connection::open_reader(&path)?;
            dump::export(&mut conn, &sink)
        });
        walk.await.map_err(Error::internal)?
    }

    async fn import(&self, batch: Vec<Exported>) -> Result<(), Error> {
        self.writer
            .submit(|reply| Job::Import { batch, reply })
            .await
    }
}
