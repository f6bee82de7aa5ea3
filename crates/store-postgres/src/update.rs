//! The update: one atomic change to one resource, its children and the
//! resources it spawns, in the order [`Update`] documents.
//!
//! It starts by locking the resource's row (`FOR UPDATE`), so that updates of
//! one resource, from any server, run one at a time: of two schedulers racing
//! to carry out the same step, the second waits, then finds the step gone.
//! The children it changes are locked the same way, parent first, child
//! second, the order every writer follows. Like every write here it may leave
//! partial changes behind when it fails; the transaction is rolled back.

use deadpool_postgres::GenericClient;
use sagetag_store::{ChildrenUpdate, Error, Resource, Update};
use serde_json::{Map, Value};

use crate::errors::Fault;
use crate::read::{self, execute, query, Listed};
use crate::{steps, write};

/// Applies `update` and returns the resource as it is afterwards (as it was
/// when removed, for a delete).
///
/// # Errors
/// [`Error::NotFound`], [`Error::StatusConflict`], [`Error::StepGone`], and
/// [`Error::AlreadyExists`] or [`Error::TagLimitExceeded`] for a spawned
/// resource; [`Error::Internal`] for a patch on a document that is not a JSON
/// object.
pub(crate) async fn update<C: GenericClient>(
    client: &C,
    update: &Update,
) -> Result<Resource, Fault> {
    let key = crate::name_key(&update.name);
    let found = read::resource_by_key(client, &update.scope, &update.kind, &key, true).await?;
    let Listed {
        id, mut resource, ..
    } = found.ok_or(Error::NotFound)?;

    // The status the caller saw, then the step it carries out: both fail
    // before anything changed.
    if let Some(expected) = &update.expect_status {
        let seen = |status: &String| expected.contains(status);
        if !resource.status.as_ref().is_some_and(seen) {
            let current = resource.status;
            return Err(Error::StatusConflict { current }.into());
        }
    }
    if let Some(step) = update.step {
        steps::consume(client, id, step).await?;
    }

    // The resource itself.
    if update.cancel_steps {
        steps::cancel(client, &[id]).await?;
    }
    if let Some(status) = &update.status {
        resource.status = Some(status.clone());
    }
    let document = patch(&mut resource.document, &update.patch)?;
    resource.modified_at = update.modified_at;
    let saved = Saved {
        status: resource.status.as_deref(),
        document,
        modified_at: update.modified_at,
    };
    save(client, &[id], &saved).await?;
    steps::add(client, id, &update.schedule).await?;

    // Its children as they were, then the resources it launches now, each
    // with a snapshot of its tags (`sagemaker-tagging.md` §8).
    if let Some(change) = &update.children {
        update_children(client, &resource.arn, change, update.modified_at).await?;
    }
    if !update.spawn.is_empty() {
        let inherited = if update.inherit_tags {
            write::tags_of(client, id).await?
        } else {
            Vec::new()
        };
        for new in &update.spawn {
            write::create_with(client, new, &inherited).await?;
        }
    }

    if update.delete {
        write::delete_row(client, id).await?;
    }
    Ok(resource)
}

/// The children of `$1` whose status is one of `$2`, locked.
const CHILDREN_SQL: &str =
    "SELECT id, document FROM resources WHERE parent = $1 AND status = ANY($2) \
     ORDER BY id FOR UPDATE";

/// Changes every child of `parent` whose status is in `change.from`.
async fn update_children<C: GenericClient>(
    client: &C,
    parent: &str,
    change: &ChildrenUpdate,
    modified_at: f64,
) -> Result<(), Fault> {
    if change.from.is_empty() {
        return Ok(());
    }
    let rows = query(client, CHILDREN_SQL, &[&parent, &change.from]).await?;
    let mut ids = Vec::with_capacity(rows.len());
    let saved = Saved {
        status: Some(&change.status),
        document: None,
        modified_at,
    };
    for row in rows {
        let id: i64 = row.try_get(0)?;
        ids.push(id);
        if change.patch.is_empty() {
            continue;
        }
        // Each child's document is its own, so each is patched and saved
        // alone; without a patch one statement does them all, below.
        let text: String = row.try_get(1)?;
        let mut document = serde_json::from_str(&text).map_err(Error::internal)?;
        let document = patch(&mut document, &change.patch)?;
        save(client, &[id], &Saved { document, ..saved }).await?;
    }
    if change.patch.is_empty() {
        save(client, &ids, &saved).await?;
    }
    if change.cancel_steps {
        steps::cancel(client, &ids).await?;
    }
    Ok(())
}

/// Sets the top-level members of `members` in `document`, removing those set
/// to `null`, and returns the new text to store; `None` when there was
/// nothing to change.
///
/// `shift_remove` keeps the order of the other members (plain `remove` would
/// move the last member into the gap), which Describe output relies on.
fn patch(document: &mut Value, members: &Map<String, Value>) -> Result<Option<String>, Fault> {
    if members.is_empty() {
        return Ok(None);
    }
    let Value::Object(object) = document else {
        let err = "cannot patch a resource document that is not a JSON object";
        return Err(Error::Internal(err.into()).into());
    };
    for (key, value) in members {
        if value.is_null() {
            object.shift_remove(key);
        } else {
            object.insert(key.clone(), value.clone());
        }
    }
    let text = serde_json::to_string(document).map_err(Error::internal)?;
    Ok(Some(text))
}

/// What [`save`] writes.
#[derive(Clone)]
struct Saved<'a> {
    status: Option<&'a str>,
    /// The new document, or `None` to keep each row's own.
    document: Option<String>,
    modified_at: f64,
}

/// Writes the status, document and modification time of the resources `ids`.
async fn save<C: GenericClient>(client: &C, ids: &[i64], saved: &Saved<'_>) -> Result<(), Fault> {
    if ids.is_empty() {
        return Ok(());
    }
    execute(
        client,
        "UPDATE resources SET status = $2, document = coalesce($3, document), \
         modified_at = $4 WHERE id = ANY($1)",
        &[&ids, &saved.status, &saved.document, &saved.modified_at],
    )
    .await?;
    Ok(())
}
