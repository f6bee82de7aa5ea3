//! The `steps` table: lifecycle steps waiting for their time.
//!
//! A step belongs to one resource and goes when it goes (`ON DELETE CASCADE`).
//! The store never runs a step: it hands out the due ones ([`due`]), and the
//! update that carries one out removes it in the same transaction
//! ([`consume`]). That removal is what makes each step take effect once, even
//! when two schedulers pick up the same step: the second update finds it gone.

use rusqlite::{params, Connection};
use sagetag_store::{Error, NewStep, Scope, Step};

use crate::errors;

/// The steps due at `?1` or before, earliest first, at most `?2`.
pub(crate) const DUE_SQL: &str =
    "SELECT s.id, r.account, r.region, r.kind, r.name, s.due_at, s.action \
     FROM steps AS s JOIN resources AS r ON r.id = s.resource_id \
     WHERE s.due_at <= ?1 ORDER BY s.due_at, s.id LIMIT ?2";

/// The earliest due time.
pub(crate) const NEXT_DUE_SQL: &str = "SELECT min(due_at) FROM steps";

/// Drops the steps of resource `?1`.
pub(crate) const CANCEL_SQL: &str = "DELETE FROM steps WHERE resource_id = ?1";

/// Adds `steps` to resource `id`.
///
/// # Errors
/// Only SQLite failures (a non-finite `due_at` is one: SQLite stores NaN as
/// NULL, which the schema refuses).
pub(crate) fn add(conn: &Connection, id: i64, steps: &[NewStep]) -> Result<(), Error> {
    if steps.is_empty() {
        return Ok(());
    }
    let mut insert = conn
        .prepare_cached("INSERT INTO steps (resource_id, due_at, action) VALUES (?1, ?2, ?3)")
        .map_err(errors::sqlite)?;
    for step in steps {
        insert
            .execute(params![id, step.due_at, step.action])
            .map_err(errors::sqlite)?;
    }
    Ok(())
}

/// The steps of resource `id`, in creation order.
///
/// # Errors
/// Only SQLite failures.
pub(crate) fn of(conn: &Connection, id: i64) -> Result<Vec<NewStep>, Error> {
    let mut stmt = conn
        .prepare_cached("SELECT due_at, action FROM steps WHERE resource_id = ?1 ORDER BY id")
        .map_err(errors::sqlite)?;
    let rows = stmt
        .query_map([id], |row| {
            Ok(NewStep {
                due_at: row.get(0)?,
                action: row.get(1)?,
            })
        })
        .map_err(errors::sqlite)?;
    rows.collect::<rusqlite::Result<Vec<NewStep>>>()
        .map_err(errors::sqlite)
}

/// Removes step `step` of resource `id`.
///
/// # Errors
/// [`Error::StepGone`] when resource `id` has no such step: it ran already,
/// was cancelled, or belongs to another resource (which keeps it).
pub(crate) fn consume(conn: &Connection, id: i64, step: i64) -> Result<(), Error> {
    let deleted = conn
        .prepare_cached("DELETE FROM steps WHERE id = ?1 AND resource_id = ?2")
        .and_then(|mut stmt| stmt.execute(params![step, id]))
        .map_err(errors::sqlite)?;
    if deleted == 0 {
        return Err(Error::StepGone);
    }
    Ok(())
}

/// Removes every pending step of resource `id`.
///
/// # Errors
/// Only SQLite failures.
pub(crate) fn cancel(conn: &Connection, id: i64) -> Result<(), Error> {
    conn.prepare_cached(CANCEL_SQL)
        .and_then(|mut stmt| stmt.execute([id]))
        .map_err(errors::sqlite)?;
    Ok(())
}

/// Up to `limit` steps due at or before `now`, earliest first; equal times in
/// creation order (the id).
///
/// # Errors
/// Only SQLite failures.
pub(crate) fn due(conn: &Connection, now: f64, limit: usize) -> Result<Vec<Step>, Error> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(DUE_SQL).map_err(errors::sqlite)?;
    let rows = stmt
        .query_map(params![now, limit], |row| {
            Ok(Step {
                id: row.get(0)?,
                scope: Scope {
                    account: row.get(1)?,
                    region: row.get(2)?,
                },
                kind: row.get(3)?,
                name: row.get(4)?,
                due_at: row.get(5)?,
                action: row.get(6)?,
            })
        })
        .map_err(errors::sqlite)?;
    rows.collect::<rusqlite::Result<Vec<Step>>>()
        .map_err(errors::sqlite)
}

/// The earliest due time of any step.
///
/// # Errors
/// Only SQLite failures.
pub(crate) fn next_due(conn: &Connection) -> Result<Option<f64>, Error> {
    conn.prepare_cached(NEXT_DUE_SQL)
        .and_then(|mut stmt| stmt.query_row([], |row| row.get(0)))
        .map_err(errors::sqlite)
}
