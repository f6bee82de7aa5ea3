//! How PostgreSQL and pool failures become [`store::Error`]s.
//!
//! Four outcomes, decided by SQLSTATE where the server sent one:
//! - a serialization failure or a deadlock (`40001`, `40P01`) is retried by
//!   [`crate::retry`], and only becomes [`Error::Unavailable`] when the
//!   retries run out;
//! - a unique violation (`23505`) is [`Error::AlreadyExists`]: the only unique
//!   constraints a write can break are a resource's name and ARN;
//! - a lost or refused connection, a server shutting down, a pool that has no
//!   connection to give, or a deadline passed is [`Error::Unavailable`]: the
//!   client may retry, and the pool reconnects by itself;
//! - everything else is [`Error::Internal`].

use std::error::Error as _;

use deadpool_postgres::PoolError;
use sagetag_store::{self as store, Error};
use tokio_postgres::error::SqlState;

/// What went wrong inside a transaction: the contract's own refusal (kept as
/// is), or a database failure still to be classified.
#[derive(Debug)]
pub(crate) enum Fault {
    /// A refusal the caller must hear as it is (NotFound, StepGone…).
    Store(store::Error),
    /// A database failure; [`crate::retry`] decides whether to try again.
    Db(tokio_postgres::Error),
}

impl From<tokio_postgres::Error> for Fault {
    fn from(err: tokio_postgres::Error) -> Self {
        Fault::Db(err)
    }
}

impl From<store::Error> for Fault {
    fn from(err: store::Error) -> Self {
        Fault::Store(err)
    }
}

impl Fault {
    /// The store error this fault finally is, once it will not be retried.
    pub(crate) fn into_error(self) -> Error {
        match self {
            Fault::Store(err) => err,
            Fault::Db(err) => db(err),
        }
    }
}

/// How a database failure is handled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// Run the whole transaction again.
    Retry,
    /// A resource's name or ARN is taken.
    Unique,
    /// The database cannot be reached or is going away.
    Unavailable,
    /// A bug, a schema mismatch, corruption.
    Internal,
}

/// Classifies a database failure.
pub(crate) fn classify(err: &tokio_postgres::Error) -> Class {
    match err.code() {
        Some(code) => classify_code(code),
        // No SQLSTATE: the connection broke or could not be made, or a value
        // did not convert.
        None if err.is_closed() || io_source(err) => Class::Unavailable,
        None => Class::Internal,
    }
}

fn classify_code(code: &SqlState) -> Class {
    if *code == SqlState::T_R_SERIALIZATION_FAILURE || *code == SqlState::T_R_DEADLOCK_DETECTED {
        return Class::Retry;
    }
    if *code == SqlState::UNIQUE_VIOLATION {
        return Class::Unique;
    }
    let text = code.code();
    // Class 08: connection exceptions. 57P01-57P03: the server is shutting
    // down, crashed, or is starting. 53300: too many connections. 25006: a
    // write reached a read-only standby (a failover in progress). 40003: a
    // statement whose outcome is unknown (CockroachDB's ambiguous result).
    let unavailable = text.starts_with("08")
        || matches!(
            text,
            "57P01" | "57P02" | "57P03" | "53300" | "25006" | "40003"
        );
    if unavailable {
        Class::Unavailable
    } else {
        Class::Internal
    }
}

/// Whether an I/O error is somewhere in the chain (a refused or reset
/// connection, a connect timeout).
fn io_source(err: &tokio_postgres::Error) -> bool {
    let mut source = err.source();
    while let Some(cause) = source {
        if cause.is::<std::io::Error>() {
            return true;
        }
        source = cause.source();
    }
    false
}

/// Maps a database failure that will not be retried.
pub(crate) fn db(err: tokio_postgres::Error) -> Error {
    match classify(&err) {
        Class::Unique => Error::AlreadyExists,
        Class::Unavailable => Error::Unavailable(format!("PostgreSQL: {}", describe(&err))),
        Class::Retry => Error::Unavailable(format!(
            "PostgreSQL: too much contention, still failing after retries: {}",
            describe(&err)
        )),
        Class::Internal => Error::internal(err),
    }
}

/// Maps a failure to get a connection from the pool.
pub(crate) fn pool(err: PoolError) -> Error {
    match err {
        PoolError::Backend(err) => match classify(&err) {
            Class::Internal => Error::internal(err),
            _ => Error::Unavailable(format!("PostgreSQL: cannot connect: {}", describe(&err))),
        },
        PoolError::Timeout(kind) => Error::Unavailable(format!(
            "PostgreSQL: no connection within the pool's timeout ({kind:?})"
        )),
        PoolError::Closed => Error::Unavailable("the PostgreSQL pool is closed".to_owned()),
        other => Error::internal(other),
    }
}

/// A database error with the server's message and its cause, on one line
/// (`Display` of a tokio-postgres error alone often says only "db error").
pub(crate) fn describe(err: &tokio_postgres::Error) -> String {
    match err.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => match err.source() {
            Some(cause) => format!("{err}: {cause}"),
            None => err.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialization_failures_and_deadlocks_are_retried() {
        for code in [
            SqlState::T_R_SERIALIZATION_FAILURE,
            SqlState::T_R_DEADLOCK_DETECTED,
        ] {
            assert_eq!(classify_code(&code), Class::Retry, "{}", code.code());
        }
    }

    #[test]
    fn unique_violations_are_already_exists() {
        assert_eq!(classify_code(&SqlState::UNIQUE_VIOLATION), Class::Unique);
    }

    #[test]
    fn connection_trouble_is_unavailable() {
        for code in [
            SqlState::CONNECTION_FAILURE,
            SqlState::CONNECTION_EXCEPTION,
            SqlState::ADMIN_SHUTDOWN,
            SqlState::CRASH_SHUTDOWN,
            SqlState::CANNOT_CONNECT_NOW,
            SqlState::TOO_MANY_CONNECTIONS,
            SqlState::READ_ONLY_SQL_TRANSACTION,
            SqlState::from_code("40003"),
        ] {
            assert_eq!(classify_code(&code), Class::Unavailable, "{}", code.code());
        }
    }

    #[test]
    fn everything_else_is_internal() {
        for code in [
            SqlState::UNDEFINED_TABLE,
            SqlState::SYNTAX_ERROR,
            SqlState::FOREIGN_KEY_VIOLATION,
            SqlState::DATA_CORRUPTED,
        ] {
            assert_eq!(classify_code(&code), Class::Internal, "{}", code.code());
        }
    }
}
