//! The PostgreSQL backend of sagetag: many stateless servers over one database.
//!
//! [`PgStore`] implements [`sagetag_store::Store`] on a PostgreSQL database
//! (or a PostgreSQL-compatible one, such as CockroachDB or YugabyteDB) through
//! a pool of connections. All state lives in the database, so any number of
//! servers can share it and behave as one: every guarantee of the contract
//! (the tag limit, unique names, each lifecycle step taking effect once) is
//! enforced by the database, whichever server a request reaches.
//!
//! How it stays correct across servers:
//! - names and ARNs are unique constraints;
//! - each write runs in one transaction (module `retry`) that first takes the
//!   row of the resource it changes, so writers of one resource queue one
//!   behind the other, and what they check (the tag count, the status, whether
//!   a step is still there) cannot change before they commit (see `write` and
//!   `update`);
//! - serialization failures and deadlocks are retried with jittered backoff,
//!   so the same SQL is correct at SERIALIZABLE, CockroachDB's isolation;
//! - reads are single statements, each one consistent snapshot.
//!
//! A database that cannot be reached makes calls fail with
//! [`Error::Unavailable`] (the server answers 503) and the pool reconnects by
//! itself when it returns. The schema is migrated at start-up by whichever
//! server gets there first (see [`SCHEMA_VERSION`]).
//!
//! This crate depends on the store contract only; it knows nothing of HTTP,
//! SigV4 or SageMaker shapes.
#![deny(missing_docs)]

mod cursor;
mod dump;
mod errors;
mod migrations;
mod read;
mod retry;
mod steps;
mod update;
mod write;

pub use migrations::{SchemaTooNew, SCHEMA_VERSION};

use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use sagetag_store::{Counts, Error, ListQuery, NewResource, Page, Resource, Scope, Step, Store};
use sagetag_store::{Exported, Tag, TagPage, Update};
use tokio::sync::mpsc;
use tokio_postgres::{IsolationLevel, NoTls};

/// How long to wait for a free connection, a new connection, or a check of a
/// pooled one, before the call fails as [`Error::Unavailable`].
const POOL_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a new connection may take to be made.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The isolation level of write transactions.
///
/// Both are correct: every write takes its resource's row before it reads
/// what it checks, so writers of one resource are serialized by the row lock
/// at READ COMMITTED, and by the database's conflict checks (and our retries)
/// at SERIALIZABLE.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Isolation {
    /// PostgreSQL's default. A writer that waited for a resource's row goes on
    /// with what the other committed, so racing writers of one resource queue
    /// instead of failing and retrying; the best choice on PostgreSQL.
    #[default]
    ReadCommitted,
    /// Every transaction SERIALIZABLE, as on CockroachDB. On PostgreSQL a
    /// writer that waited for a row fails with a serialization failure and is
    /// retried, so a resource that many clients write at once costs retries.
    Serializable,
}

/// Settings of a [`PgStore`].
#[derive(Clone, Debug)]
pub struct PgOptions {
    /// Connections kept open at most; each server needs its own share of the
    /// database's `max_connections`.
    pub pool_size: usize,
    /// The isolation level of write transactions.
    pub isolation: Isolation,
}

impl Default for PgOptions {
    fn default() -> Self {
        PgOptions {
            pool_size: 16,
            isolation: Isolation::default(),
        }
    }
}

/// A [`Store`] kept in a PostgreSQL database.
pub struct PgStore {
    pool: Pool,
    isolation: IsolationLevel,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a password, so only the pool's state is shown.
        f.debug_struct("PgStore")
            .field("pool", &self.pool.status())
            .field("isolation", &self.isolation)
            .finish_non_exhaustive()
    }
}

/// The form of a name that uniqueness, lookups and the Name sort compare:
/// lower-cased, since names are unique regardless of case (`resources.md` §1).
pub(crate) fn name_key(name: &str) -> String {
    name.to_lowercase()
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/db`,
    /// or the `key=value` form libpq accepts) and migrates its schema to
    /// [`SCHEMA_VERSION`].
    ///
    /// # Errors
    /// [`Error::Internal`] for a URL that does not parse or asks for TLS, a
    /// database written by a newer sagetag (the source is a [`SchemaTooNew`]),
    /// or a failing migration; [`Error::Unavailable`] when the database cannot
    /// be reached.
    pub async fn connect(url: &str, options: &PgOptions) -> Result<PgStore, Error> {
        // tokio-postgres's parse errors never quote the URL, so no password
        // reaches a log through them.
        let config: tokio_postgres::Config = url.parse().map_err(|err| {
            Error::Internal(format!("--database-url does not parse: {err}").into())
        })?;
        PgStore::connect_with(config, options).await
    }

    /// [`PgStore::connect`] with an already parsed configuration.
    ///
    /// # Errors
    /// As [`PgStore::connect`].
    pub async fn connect_with(
        mut config: tokio_postgres::Config,
        options: &PgOptions,
    ) -> Result<PgStore, Error> {
        // TODO: TLS to the database is not supported yet: tokio-postgres
        // needs a TLS connector (rustls) for it. Until then a URL that
        // requires TLS is refused here rather than sent in the clear.
        if config.get_ssl_mode() == tokio_postgres::config::SslMode::Require {
            let err = "sslmode=require is not supported yet: sagetag connects without TLS";
            return Err(Error::Internal(err.into()));
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("sagetag");
        }
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                // A connection that broke is closed, which the fast check sees.
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(options.pool_size.max(1))
            .wait_timeout(Some(POOL_TIMEOUT))
            .create_timeout(Some(POOL_TIMEOUT))
            .recycle_timeout(Some(POOL_TIMEOUT))
            .runtime(Runtime::Tokio1)
            .build()
            .map_err(Error::internal)?;

        let applied = migrations::apply(&pool).await?;
        tracing::debug!(applied, "opened PostgreSQL store");
        let isolation = match options.isolation {
            Isolation::ReadCommitted => IsolationLevel::ReadCommitted,
            Isolation::Serializable => IsolationLevel::Serializable,
        };
        Ok(PgStore { pool, isolation })
    }

    /// Closes the pool: calls made after this fail as [`Error::Unavailable`].
    pub fn close(&self) {
        self.pool.close();
    }
}

#[async_trait]
impl Store for PgStore {
    async fn create_resource(&self, resource: NewResource) -> Result<Resource, Error> {
        retry::transaction!(&self.pool, self.isolation, |tx| async {
            write::create(tx, &resource).await
        })
    }

    async fn get_resource(
        &self,
        scope: &Scope,
        kind: &str,
        name: &str,
    ) -> Result<Option<Resource>, Error> {
        let key = name_key(name);
        retry::read!(&self.pool, |client| async {
            let found = read::resource_by_key(client, scope, kind, &key, false).await?;
            Ok(found.map(|listed| listed.resource))
        })
    }

    async fn get_resource_by_arn(
        &self,
        account: &str,
        arn: &str,
    ) -> Result<Option<Resource>, Error> {
        retry::read!(&self.pool, |client| async {
            read::resource_by_arn(client, account, arn).await
        })
    }

    async fn update_resource(&self, update: Update) -> Result<Resource, Error> {
        retry::transaction!(&self.pool, self.isolation, |tx| async {
            update::update(tx, &update).await
        })
    }

    async fn due_steps(&self, now: f64, limit: usize) -> Result<Vec<Step>, Error> {
        retry::read!(&self.pool, |client| async {
            steps::due(client, now, limit).await
        })
    }

    async fn next_step_due(&self) -> Result<Option<f64>, Error> {
        retry::read!(&self.pool, |client| steps::next_due(client))
    }

    async fn delete_resource(&self, scope: &Scope, kind: &str, name: &str) -> Result<(), Error> {
        retry::transaction!(&self.pool, self.isolation, |tx| async {
            write::delete(tx, scope, kind, name).await
        })
    }

    async fn list_resources(
        &self,
        scope: &Scope,
        kind: &str,
        query: &ListQuery,
    ) -> Result<Page<Resource>, Error> {
        retry::read!(&self.pool, |client| async {
            read::list_resources(client, scope, kind, query).await
        })
    }

    async fn add_tags(
        &self,
        account: &str,
        arn: &str,
        tags: &[Tag],
        max_tags: usize,
    ) -> Result<(), Error> {
        retry::transaction!(&self.pool, self.isolation, |tx| async {
            write::add_tags(tx, account, arn, tags, max_tags).await
        })
    }

    async fn list_tags(
        &self,
        account: &str,
        arn: &str,
        after: Option<i64>,
        limit: usize,
    ) -> Result<TagPage, Error> {
        retry::read!(&self.pool, |client| async {
            read::list_tags(client, account, arn, after, limit).await
        })
    }

    async fn delete_tags(&self, account: &str, arn: &str, keys: &[String]) -> Result<(), Error> {
        retry::transaction!(&self.pool, self.isolation, |tx| async {
            write::delete_tags(tx, account, arn, keys).await
        })
    }

    async fn reset(&self) -> Result<(), Error> {
        retry::transaction!(&self.pool, self.isolation, |tx| async {
            write::reset(tx).await
        })
    }

    async fn counts(&self) -> Result<Option<Counts>, Error> {
        retry::read!(&self.pool, |client| read::counts(client)).map(Some)
    }

    async fn health(&self) -> Result<(), Error> {
        // A READ WRITE transaction that reads the schema: it fails on a
        // database that is down, lacks our tables, or is a read-only standby.
        let isolation = IsolationLevel::ReadCommitted;
        let checked = retry::transaction!(&self.pool, isolation, |tx| read::health(tx));
        checked.map_err(|err| match err {
            Error::Unavailable(_) => err,
            other => Error::Unavailable(other.to_string()),
        })
    }

    async fn export(&self, sink: mpsc::Sender<Exported>) -> Result<u64, Error> {
        // Not retried: records already sent cannot be taken back.
        dump::export(&self.pool, &sink)
            .await
            .map_err(errors::Fault::into_error)
    }

    async fn import(&self, batch: Vec<Exported>) -> Result<(), Error> {
        retry::transaction!(&self.pool, self.isolation, |tx| async {
            dump::import(tx, &batch).await
        })
    }

    async fn finish_import(&self) -> Result<(), Error> {
        retry::read!(&self.pool, |client| dump::analyze(client))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>(_: T) {}

    #[test]
    fn connecting_can_run_on_any_thread() {
        assert_send(PgStore::connect(
            "postgres://localhost/x",
            &PgOptions::default(),
        ));
    }
}
