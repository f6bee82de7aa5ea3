//! Opening connections with the settings the backend relies on.
//!
//! The one writer connection puts the file in WAL mode, so that readers never
//! block it nor it them, and sets `synchronous = FULL`, so that a commit returns
//! only once the WAL is synced to disk: an acknowledged write survives a crash
//! of the machine, not just of the process.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use sagetag_store::Error;

use crate::errors;

/// How long a statement waits for a lock that another process holds (a backup,
/// a second server on the same file by mistake) before it gives up as
/// [`Error::Unavailable`].
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Prepared statements kept per connection; listing has a few dozen shapes.
const STATEMENT_CACHE: usize = 64;

/// Opens the read-write connection, creating the file if needed.
///
/// # Errors
/// [`Error::Internal`] when the file cannot be opened or refuses WAL mode.
pub(crate) fn open_writer(path: &Path) -> Result<Connection, Error> {
    let conn = Connection::open(path).map_err(errors::sqlite)?;
    configure(&conn)?;

    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
        .map_err(errors::sqlite)?;
    if !mode.eq_ignore_ascii_case("wal") {
        let reason = format!("{} cannot use WAL mode (got {mode})", path.display());
        return Err(Error::Internal(reason.into()));
    }
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(errors::sqlite)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(errors::sqlite)?;
    Ok(conn)
}

/// Page cache of each read connection, in KiB (SQLite's default is 2 MiB).
///
/// At a million resources the interior pages of the three B-trees a ListTags
/// descends (the ARN index, the resources, the tags' primary key) are about
/// 800 pages, more than the default cache holds, so every read fetched a few
/// of them again from the OS. 16 MiB holds them with room for hot leaves; at
/// most a few connections exist, so this bounds the memory at tens of MiB.
const READER_CACHE_KIB: i64 = 16 * 1024;

/// Opens a read-only connection to an existing file.
///
/// # Errors
/// [`Error::Internal`] when the file cannot be opened.
pub(crate) fn open_reader(path: &Path) -> Result<Connection, Error> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(errors::sqlite)?;
    configure(&conn)?;
    // A negative size is in KiB rather than pages.
    conn.pragma_update(None, "cache_size", -READER_CACHE_KIB)
        .map_err(errors::sqlite)?;
    Ok(conn)
}

fn configure(conn: &Connection) -> Result<(), Error> {
    conn.busy_timeout(BUSY_TIMEOUT).map_err(errors::sqlite)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(())
}
