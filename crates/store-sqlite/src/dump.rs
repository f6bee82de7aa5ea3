//! Export and import: the whole store as a stream of [`Exported`] records.
//!
//! An export reads on a connection of its own, not a pooled one, since it
//! may take minutes: one read transaction over the whole walk gives one
//! snapshot (WAL mode keeps it for the reader while the writer goes on), and
//! the walk goes at the pace of the receiver, so memory stays flat.
//!
//! An import is a writer job like any other: one savepoint per batch.

use rusqlite::Connection;
use sagetag_store::{Error, Exported, NewResource};
use tokio::sync::mpsc;

use crate::{errors, read, steps, write};

/// Walks every resource in creation order (`id`), with its tags and steps,
/// into `sink`; returns how many were sent. Stops when the receiver is gone.
/// Runs on a blocking thread.
///
/// # Errors
/// Only SQLite failures.
pub(crate) fn export(conn: &mut Connection, sink: &mpsc::Sender<Exported>) -> Result<u64, Error> {
    let tx = conn.transaction().map_err(errors::sqlite)?;
    let sql = format!(
        "SELECT {} FROM resources ORDER BY id",
        read::RESOURCE_COLUMNS
    );
    let mut resources = tx.prepare(&sql).map_err(errors::sqlite)?;
    let mut rows = resources.query([]).map_err(errors::sqlite)?;

    let mut sent = 0;
    while let Some(row) = rows.next().map_err(errors::sqlite)? {
        let listed = read::resource_row(row).map_err(errors::sqlite)?;
        let exported = Exported {
            tags: write::tags_of(&tx, listed.id)?,
            steps: steps::of(&tx, listed.id)?,
            resource: listed.resource,
        };
        if sink.blocking_send(exported).is_err() {
            break;
        }
        sent += 1;
    }
    Ok(sent)
}

/// Inserts `batch` as given; the writer runs it in one savepoint.
///
/// # Errors
/// [`Error::AlreadyExists`] for a taken name or ARN;
/// [`Error::TagLimitExceeded`] for a resource with too many tags.
pub(crate) fn import(conn: &Connection, batch: Vec<Exported>) -> Result<(), Error> {
    for Exported {
        resource,
        tags,
        steps,
    } in batch
    {
        let new = NewResource {
            scope: resource.scope,
            kind: resource.kind,
            name: resource.name,
            arn: resource.arn,
            status: resource.status,
            document: resource.document,
            created_at: resource.created_at,
            tags,
            parent: resource.parent,
            schedule: steps,
            children: Vec::new(),
        };
        write::insert_row(conn, &new, &[], resource.modified_at)?;
    }
    Ok(())
}
