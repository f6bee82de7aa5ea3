//! How SQLite failures become [`store::Error`]s.
//!
//! Lock contention and I/O trouble may pass, so they become
//! [`Error::Unavailable`] (the caller may retry); everything else is a bug or
//! corruption and becomes [`Error::Internal`].

use rusqlite::ErrorCode;
use sagetag_store::{self as store, Error};

/// A SQLite failure told to several callers at once (every job of a batch whose
/// commit failed), so it carries the message rather than the original error.
#[derive(Debug, thiserror::Error)]
#[error("SQLite: {0}")]
pub(crate) struct Shared(String);

/// Maps one SQLite failure, keeping it as the source of an internal error.
pub(crate) fn sqlite(err: rusqlite::Error) -> store::Error {
    if is_transient(&err) {
        Error::Unavailable(format!("SQLite: {err}"))
    } else {
        Error::internal(err)
    }
}

/// Maps a SQLite failure that several callers must each be told about.
pub(crate) fn shared(err: &rusqlite::Error) -> store::Error {
    if is_transient(err) {
        Error::Unavailable(format!("SQLite: {err}"))
    } else {
        Error::Internal(Box::new(Shared(err.to_string())))
    }
}

/// The writer thread is gone: the store was dropped, or the thread died.
pub(crate) fn writer_stopped() -> store::Error {
    Error::Unavailable("the SQLite writer thread has stopped".to_owned())
}

/// True for a UNIQUE or PRIMARY KEY violation.
pub(crate) fn is_unique_violation(err: &rusqlite::Error) -> bool {
    const UNIQUE: i32 = rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE;
    const PRIMARY_KEY: i32 = rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY;
    matches!(
        err,
        rusqlite::Error::SqliteFailure(e, _)
            if e.extended_code == UNIQUE || e.extended_code == PRIMARY_KEY
    )
}

/// Busy past the timeout, a full disk or an I/O error: worth a retry later.
fn is_transient(err: &rusqlite::Error) -> bool {
    let code = match err {
        rusqlite::Error::SqliteFailure(e, _) => e.code,
        _ => return false,
    };
    matches!(
        code,
        ErrorCode::DatabaseBusy
            | ErrorCode::DatabaseLocked
            | ErrorCode::SystemIoFailure
            | ErrorCode::DiskFull
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::ffi;

    fn failure(code: i32) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(ffi::Error::new(code), None)
    }

    #[test]
    fn busy_and_io_are_unavailable() {
        for code in [ffi::SQLITE_BUSY, ffi::SQLITE_IOERR_FSYNC, ffi::SQLITE_FULL] {
            assert!(matches!(sqlite(failure(code)), Error::Unavailable(_)));
            assert!(matches!(shared(&failure(code)), Error::Unavailable(_)));
        }
    }

    #[test]
    fn corruption_is_internal() {
        assert!(matches!(
            sqlite(failure(ffi::SQLITE_CORRUPT)),
            Error::Internal(_)
        ));
        assert!(matches!(
            shared(&failure(ffi::SQLITE_CORRUPT)),
            Error::Internal(_)
        ));
    }

    #[test]
    fn unique_violations_are_recognised() {
        assert!(is_unique_violation(&failure(ffi::SQLITE_CONSTRAINT_UNIQUE)));
        assert!(is_unique_violation(&failure(
            ffi::SQLITE_CONSTRAINT_PRIMARYKEY
        )));
        assert!(!is_unique_violation(&failure(
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY
        )));
    }
}
