//! The update job: one atomic change to one resource, its children and the
//! resources it spawns, in the order [`Update`] documents.
//!
//! Like every write here it may leave partial changes behind when it fails;
//! the writer rolls its savepoint back. So the checks need not all come first:
//! a spawned resource whose name is taken undoes the status change before it.

use rusqlite::{params, Connection};
use sagetag_store::{ChildrenUpdate, Error, Resource, Update};
use serde_json::{Map, Value};

use crate::read::{self, Listed};
use crate::{errors, steps, write};

/// Every child of the resource with ARN `?1`.
pub(crate) const CHILDREN_SQL: &str =
    "SELECT id, status, document FROM resources WHERE parent = ?1";

/// Applies `update` and returns the resource as it is afterwards (as it was
/// when removed, for a delete).
///
/// # Errors
/// [`Error::NotFound`], [`Error::StatusConflict`], [`Error::StepGone`], and
/// [`Error::AlreadyExists`] or [`Error::TagLimitExceeded`] for a spawned
/// resource; [`Error::Internal`] for a patch on a document that is not a JSON
/// object.
pub(crate) fn update(conn: &Connection, update: Update) -> Result<Resource, Error> {
    let key = crate::name_key(&update.name);
    let found = read::resource_by_key(conn, &update.scope, &update.kind, &key)?;
    let Listed {
        id, mut resource, ..
    } = found.ok_or(Error::NotFound)?;

    // The status the caller saw, then the step it carries out: both fail
    // before anything changed.
    if let Some(expected) = &update.expect_status {
        let seen = |status: &String| expected.contains(status);
        if !resource.status.as_ref().is_some_and(seen) {
            return Err(Error::StatusConflict {
                current: resource.status,
            });
        }
    }
    if let Some(step) = update.step {
        steps::consume(conn, id, step)?;
    }

    // The resource itself.
    if update.cancel_steps {
        steps::cancel(conn, id)?;
    }
    if let Some(status) = update.status {
        resource.status = Some(status);
    }
    let document = patch(&mut resource.document, &update.patch)?;
    resource.modified_at = update.modified_at;
    save(
        conn,
        id,
        resource.status.as_deref(),
        document,
        update.modified_at,
    )?;
    steps::add(conn, id, &update.schedule)?;

    // Its children as they were, then the resources it launches now, each
    // with a snapshot of its tags (`sagemaker-tagging.md` §8).
    if let Some(change) = &update.children {
        update_children(conn, &resource.arn, change, update.modified_at)?;
    }
    if !update.spawn.is_empty() {
        let inherited = if update.inherit_tags {
            write::tags_of(conn, id)?
        } else {
            Vec::new()
        };
        for new in update.spawn {
            write::create_with(conn, new, &inherited)?;
        }
    }

    if update.delete {
        write::delete_row(conn, id)?;
    }
    Ok(resource)
}

/// Changes every child of `parent` whose status is in `change.from`.
fn update_children(
    conn: &Connection,
    parent: &str,
    change: &ChildrenUpdate,
    modified_at: f64,
) -> Result<(), Error> {
    if change.from.is_empty() {
        return Ok(());
    }
    let mut select = conn.prepare_cached(CHILDREN_SQL).map_err(errors::sqlite)?;
    let rows = select
        .query_map([parent], |row| {
            let status: Option<String> = row.get(1)?;
            Ok((row.get::<_, i64>(0)?, status, row.get::<_, String>(2)?))
        })
        .map_err(errors::sqlite)?;
    let children = rows
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(errors::sqlite)?;

    for (id, status, document) in children {
        if !status.is_some_and(|s| change.from.contains(&s)) {
            continue;
        }
        let document = if change.patch.is_empty() {
            None
        } else {
            let mut document = serde_json::from_str(&document).map_err(Error::internal)?;
            patch(&mut document, &change.patch)?
        };
        save(conn, id, Some(&change.status), document, modified_at)?;
        if change.cancel_steps {
            steps::cancel(conn, id)?;
        }
    }
    Ok(())
}

/// Sets the top-level members of `members` in `document`, removing those set to
/// `null`, and returns the new text to store; `None` when there was nothing to
/// change.
///
/// `shift_remove` keeps the order of the other members (plain `remove` would
/// move the last member into the gap), which Describe output relies on.
fn patch(document: &mut Value, members: &Map<String, Value>) -> Result<Option<String>, Error> {
    if members.is_empty() {
        return Ok(None);
    }
    let Value::Object(object) = document else {
        return Err(Error::Internal(
            "cannot patch a resource document that is not a JSON object".into(),
        ));
    };
    for (key, value) in members {
        if value.is_null() {
            object.shift_remove(key);
        } else {
            object.insert(key.clone(), value.clone());
        }
    }
    serde_json::to_string(document)
        .map(Some)
        .map_err(Error::internal)
}

/// Writes a resource's status, document (when `Some`) and modification time.
fn save(
    conn: &Connection,
    id: i64,
    status: Option<&str>,
    document: Option<String>,
    modified_at: f64,
) -> Result<(), Error> {
    conn.prepare_cached(
        "UPDATE resources SET status = ?2, document = coalesce(?3, document), \
         modified_at = ?4 WHERE id = ?1",
    )
    .and_then(|mut stmt| stmt.execute(params![id, status, document, modified_at]))
    .map_err(errors::sqlite)?;
    Ok(())
}
