//! The `steps` table: lifecycle steps waiting for their time.
//!
//! A step belongs to one resource and goes when it goes (`ON DELETE CASCADE`).
//! The store never runs a step: it hands out the due ones ([`due`]), and the
//! update that carries one out deletes it in the same transaction
//! ([`consume`]), after taking its resource's row lock. Two servers that pick
//! up the same step therefore queue on that lock, and the second finds the
//! step gone: each step takes effect once. A server that dies mid-step has
//! committed nothing, so the step stays due for another server.

use deadpool_postgres::GenericClient;
use sagetag_store::{Error, NewStep, Scope, Step};

use crate::errors::Fault;
use crate::read::{execute, query, query_opt};

/// The steps due at `$1` or before, earliest first, at most `$2`.
const DUE_SQL: &str = "SELECT s.id, r.account, r.region, r.kind, r.name, s.due_at, s.action \
     FROM steps AS s JOIN resources AS r ON r.id = s.resource_id \
     WHERE s.due_at <= $1 ORDER BY s.due_at, s.id LIMIT $2";

/// Adds `steps` to resource `id`, one statement each so that their ids
/// follow their order.
///
/// # Errors
/// Only database failures.
pub(crate) async fn add<C: GenericClient>(
    client: &C,
    id: i64,
    steps: &[NewStep],
) -> Result<(), Fault> {
    for step in steps {
        execute(
            client,
            "INSERT INTO steps (resource_id, due_at, action) VALUES ($1, $2, $3)",
            &[&id, &step.due_at, &step.action],
        )
        .await?;
    }
    Ok(())
}

/// Removes step `step` of resource `id`. The caller holds the resource's row
/// lock.
///
/// # Errors
/// [`Error::StepGone`] when resource `id` has no such step: it ran already,
/// was cancelled, or belongs to another resource (which keeps it).
pub(crate) async fn consume<C>(client: &C, id: i64, step: i64) -> Result<(), Fault>
where
    C: GenericClient,
{
    let deleted = execute(
        client,
        "DELETE FROM steps WHERE id = $1 AND resource_id = $2",
        &[&step, &id],
    )
    .await?;
    if deleted == 0 {
        return Err(Error::StepGone.into());
    }
    Ok(())
}

/// Removes every pending step of the resources `ids`.
///
/// # Errors
/// Only database failures.
pub(crate) async fn cancel<C: GenericClient>(client: &C, ids: &[i64]) -> Result<(), Fault> {
    if ids.is_empty() {
        return Ok(());
    }
    execute(
        client,
        "DELETE FROM steps WHERE resource_id = ANY($1)",
        &[&ids],
    )
    .await?;
    Ok(())
}

/// Up to `limit` steps due at or before `now`, earliest first; equal times in
/// creation order (the id).
///
/// # Errors
/// Only database failures.
pub(crate) async fn due<C: GenericClient>(
    client: &C,
    now: f64,
    limit: usize,
) -> Result<Vec<Step>, Fault> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = query(client, DUE_SQL, &[&now, &limit]).await?;
    let mut steps = Vec::with_capacity(rows.len());
    for row in rows {
        steps.push(Step {
            id: row.try_get(0)?,
            scope: Scope {
                account: row.try_get(1)?,
                region: row.try_get(2)?,
            },
            kind: row.try_get(3)?,
            name: row.try_get(4)?,
            due_at: row.try_get(5)?,
            action: row.try_get(6)?,
        });
    }
    Ok(steps)
}

/// The earliest due time of any step.
///
/// # Errors
/// Only database failures.
pub(crate) async fn next_due<C: GenericClient>(client: &C) -> Result<Option<f64>, Fault> {
    let row = query_opt(client, "SELECT min(due_at) FROM steps", &[]).await?;
    match row {
        Some(row) => Ok(row.try_get(0)?),
        None => Ok(None),
    }
}
