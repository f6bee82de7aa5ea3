//! Versioned schema migrations, recorded in the `sagetag_migrations` table,
//! safe when several servers start at once.
//!
//! Each migration runs in one SERIALIZABLE transaction that first reads the
//! versions applied, then runs the migration's SQL and inserts its version row,
//! and commits all of it together: a crash leaves the database at one version
//! or the next, never in between. When two servers start together, both may
//! begin the same migration; the second then trips over the first (a
//! serialization failure, a duplicate table or a duplicate version row), rolls
//! back, waits a moment, and on its next try finds the version applied. No
//! advisory lock is needed, which keeps this portable to CockroachDB.
//!
//! Migrations are append-only: a released one never changes.

use deadpool_postgres::Pool;
use sagetag_store::Error;
use tokio_postgres::error::SqlState;
use tokio_postgres::IsolationLevel;

use crate::errors::{self, Class};
use crate::retry;

/// The ordered migrations: `(version, sql)`, versions counting up from 1.
const MIGRATIONS: &[(i32, &str)] = &[(1, include_str!("../migrations/0001_initial.sql"))];

/// The schema version this build writes and understands.
pub const SCHEMA_VERSION: i32 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// Creates the versions table; a no-op when it exists. Notices (such as
/// "already exists, skipping") are not wanted on this connection, nor on any
/// other use of it from the pool.
const BOOTSTRAP_SQL: &str = "SET client_min_messages = warning; \
     CREATE TABLE IF NOT EXISTS sagetag_migrations (\
     version INTEGER PRIMARY KEY, \
     applied_at TIMESTAMPTZ NOT NULL DEFAULT now())";

/// How many times a migration is tried while other starters race for it.
const MAX_ATTEMPTS: u32 = 20;

/// Why a database cannot be used at its schema version.
#[derive(Debug, thiserror::Error)]
#[error(
    "database schema version {found} is newer than this build of sagetag knows \
     (at most {known}); use a newer sagetag"
)]
pub struct SchemaTooNew {
    /// The version recorded in the database.
    pub found: i32,
    /// The newest version this build knows.
    pub known: i32,
}

/// What one try at a migration came to.
enum Outcome {
    /// This starter applied it.
    Applied,
    /// It was there already (another starter applied it, or an earlier run).
    Present,
}

/// Brings the database up to [`SCHEMA_VERSION`] and returns how many
/// migrations this call applied.
///
/// # Errors
/// [`Error::Internal`] wrapping [`SchemaTooNew`] when the database is newer
/// than this build, or for a failing migration; [`Error::Unavailable`] when
/// the database cannot be reached or the race never settles.
pub(crate) async fn apply(pool: &Pool) -> Result<usize, Error> {
    let mut tries = Tries::default();
    while !tries.settle("bootstrap", bootstrap(pool).await).await? {}

    let mut applied = 0;
    for &(version, sql) in MIGRATIONS {
        let mut tries = Tries::default();
        let outcome = loop {
            let outcome = migrate(pool, version, sql).await.map(Some);
            if let Some(outcome) = tries.settle("migration", outcome).await? {
                break outcome;
            }
        };
        if let Outcome::Applied = outcome {
            tracing::info!(version, "applied PostgreSQL schema migration");
            applied += 1;
        }
    }
    Ok(applied)
}

/// Creates the versions table if it is missing.
async fn bootstrap(pool: &Pool) -> Result<bool, Try> {
    let client = pool.get().await.map_err(errors::pool)?;
    client.batch_execute(BOOTSTRAP_SQL).await?;
    Ok(true)
}

/// One try at migration `version`.
async fn migrate(pool: &Pool, version: i32, sql: &str) -> Result<Outcome, Try> {
    let mut client = pool.get().await.map_err(errors::pool)?;
    let tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::Serializable)
        .start()
        .await?;
    let current: Option<i32> = tx
        .query_one("SELECT max(version) FROM sagetag_migrations", &[])
        .await?
        .try_get(0)?;
    let current = current.unwrap_or(0);
    if current >= version {
        // Nothing to do; end the transaction now rather than when the
        // connection next runs a statement.
        tx.rollback().await?;
        if current > SCHEMA_VERSION {
            let too_new = SchemaTooNew {
                found: current,
                known: SCHEMA_VERSION,
            };
            return Err(Try::Final(Error::Internal(Box::new(too_new))));
        }
        return Ok(Outcome::Present);
    }
    tx.batch_execute(sql).await?;
    tx.execute(
        "INSERT INTO sagetag_migrations (version) VALUES ($1)",
        &[&version],
    )
    .await?;
    tx.commit().await?;
    Ok(Outcome::Applied)
}

/// A failed try: final, or a database error that may mean another starter is
/// at the same work.
enum Try {
    Final(Error),
    Db(tokio_postgres::Error),
}

impl From<Error> for Try {
    fn from(err: Error) -> Self {
        Try::Final(err)
    }
}

impl From<tokio_postgres::Error> for Try {
    fn from(err: tokio_postgres::Error) -> Self {
        Try::Db(err)
    }
}

/// Whether `err` is what a racing starter causes: a serialization failure or
/// deadlock, or the same table, type, index or version row created at once.
fn raced(err: &tokio_postgres::Error) -> bool {
    let duplicate = matches!(
        err.code(),
        Some(code) if *code == SqlState::DUPLICATE_TABLE || *code == SqlState::DUPLICATE_OBJECT
    );
    duplicate || matches!(errors::classify(err), Class::Retry | Class::Unique)
}

/// The tries at one step of [`apply`] so far.
#[derive(Default)]
struct Tries {
    count: u32,
}

impl Tries {
    /// What a try came to: its value, or `Default` (no value yet) after a
    /// pause when another starter raced it and another try may succeed.
    async fn settle<T: Default>(&mut self, what: &str, tried: Result<T, Try>) -> Result<T, Error> {
        self.count += 1;
        match tried {
            Ok(value) => Ok(value),
            Err(Try::Db(err)) if raced(&err) && self.count < MAX_ATTEMPTS => {
                let error = errors::describe(&err);
                tracing::debug!(what, tries = self.count, %error, "migration raced");
                tokio::time::sleep(retry::backoff(self.count)).await;
                Ok(T::default())
            }
            Err(Try::Db(err)) => Err(match errors::classify(&err) {
                Class::Unavailable => errors::db(err),
                _ => {
                    let message = format!("{what} failed: {}", errors::describe(&err));
                    Error::Internal(message.into())
                }
            }),
            Err(Try::Final(err)) => Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_count_up_from_one() {
        for (index, &(version, _)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(version as usize, index + 1);
        }
    }
}
