//! Versioned schema migrations, recorded in `PRAGMA user_version`.
//!
//! Each migration runs in its own `BEGIN IMMEDIATE` transaction together with
//! the version bump, so a crash leaves the database at one version or the next,
//! never in between. Migrations are append-only: a released one never changes.

use rusqlite::{Connection, TransactionBehavior};
use sagetag_store::Error;

use crate::errors;

/// The ordered migrations: `(version, sql)`, versions counting up from 1.
const MIGRATIONS: &[(u32, &str)] = &[
    (1, include_str!("../migrations/0001_initial.sql")),
    (2, include_str!("../migrations/0002_lifecycle.sql")),
];

/// The schema version this build writes and understands.
pub const SCHEMA_VERSION: u32 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// Why a database cannot be opened at its schema version.
#[derive(Debug, thiserror::Error)]
#[error(
    "database schema version {found} is newer than this build of sagetag knows \
     (at most {known}); use a newer sagetag"
)]
pub struct SchemaTooNew {
    /// The version recorded in the database.
    pub found: u32,
    /// The newest version this build knows.
    pub known: u32,
}

/// Brings the database up to [`SCHEMA_VERSION`] and returns how many migrations
/// it applied.
///
/// # Errors
/// [`Error::Internal`] wrapping [`SchemaTooNew`] when the database is newer than
/// this build; any SQLite failure while migrating.
pub(crate) fn apply(conn: &mut Connection) -> Result<usize, Error> {
    let mut applied = 0;
    for &(version, sql) in MIGRATIONS {
        // Re-read the version under the write lock: another process may have
        // migrated the same file since we last looked.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(errors::sqlite)?;
        let current = user_version(&tx)?;
        if current > SCHEMA_VERSION {
            return Err(Error::Internal(Box::new(SchemaTooNew {
                found: current,
                known: SCHEMA_VERSION,
            })));
        }
        if current >= version {
            continue;
        }
        tx.execute_batch(sql).map_err(errors::sqlite)?;
        tx.pragma_update(None, "user_version", version)
            .map_err(errors::sqlite)?;
        tx.commit().map_err(errors::sqlite)?;
        tracing::info!(version, "applied SQLite schema migration");
        applied += 1;
    }
    Ok(applied)
}

/// Reads the schema version recorded in the database (0 for a new file).
pub(crate) fn user_version(conn: &Connection) -> Result<u32, Error> {
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(errors::sqlite)
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

    #[test]
    fn applies_each_migration_once() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(apply(&mut conn).unwrap(), MIGRATIONS.len());
        assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION);
        assert_eq!(apply(&mut conn).unwrap(), 0);
        assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION);
    }

    #[test]
    fn refuses_a_newer_schema() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        let err = apply(&mut conn).unwrap_err();
        assert!(err.to_string().contains("newer than this build"), "{err}");
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 0, "nothing was created");
    }
}
