//! The write operations, each run by the writer inside its own savepoint.
//!
//! Every function here may leave partial changes behind when it returns an
//! error: the caller ([`crate::writer`]) rolls the job's savepoint back, which is
//! what makes each operation all-or-nothing. In particular the tag limit is
//! checked by counting after the tags are written, in the same transaction, so
//! no racing write can slip between the check and the change.

use rusqlite::{params, Connection, OptionalExtension};
use sagetag_store::{Error, NewResource, Resource, Scope, Tag, MAX_TAGS_PER_RESOURCE};

use crate::{errors, read, steps};

/// Inserts a resource with its initial tags and schedule, then its children
/// with theirs.
///
/// # Errors
/// [`Error::AlreadyExists`] for a taken name or ARN; [`Error::TagLimitExceeded`]
/// for more than [`MAX_TAGS_PER_RESOURCE`] distinct keys; either also for a
/// child.
pub(crate) fn create(conn: &Connection, new: NewResource) -> Result<Resource, Error> {
    create_with(conn, new, &[])
}

/// [`create`], with `inherited` tags put on the resource (not on its children)
/// before its own.
///
/// # Errors
/// As [`create`]; the tag limit counts the inherited tags too.
pub(crate) fn create_with(
    conn: &Connection,
    mut new: NewResource,
    inherited: &[Tag],
) -> Result<Resource, Error> {
    let children = std::mem::take(&mut new.children);
    let created = insert_one(conn, new, inherited)?;
    // One level only: a child's own `children` are ignored (the contract).
    for child in children {
        insert_one(conn, child, &[])?;
    }
    Ok(created)
}

/// Inserts one resource, its tags (`inherited` first, then its own, a repeated
/// key overwriting in place) and its schedule; ignores its `children`.
fn insert_one(conn: &Connection, new: NewResource, inherited: &[Tag]) -> Result<Resource, Error> {
    insert_row(conn, &new, inherited, new.created_at)?;
    Ok(Resource {
        scope: new.scope,
        kind: new.kind,
        name: new.name,
        arn: new.arn,
        status: new.status,
        document: new.document,
        created_at: new.created_at,
        modified_at: new.created_at,
        parent: new.parent,
    })
}

/// [`insert_one`] with the modification time to record, without building the
/// record: returns the new row id. The import uses it too.
///
/// # Errors
/// As [`create`], for this resource alone.
pub(crate) fn insert_row(
    conn: &Connection,
    new: &NewResource,
    inherited: &[Tag],
    modified_at: f64,
) -> Result<i64, Error> {
    let document = serde_json::to_string(&new.document).map_err(Error::internal)?;
    let mut insert = conn
        .prepare_cached(
            "INSERT INTO resources (account, region, kind, name, name_key, arn, status, \
             document, created_at, modified_at, parent) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )
        .map_err(errors::sqlite)?;
    let inserted = insert.insert(params![
        &new.scope.account,
        &new.scope.region,
        &new.kind,
        &new.name,
        crate::name_key(&new.name),
        &new.arn,
        &new.status,
        document,
        new.created_at,
        modified_at,
        &new.parent,
    ]);
    let id = match inserted {
        Ok(id) => id,
        Err(err) if errors::is_unique_violation(&err) => return Err(Error::AlreadyExists),
        Err(err) => return Err(errors::sqlite(err)),
    };

    // A new row starts at `last_tag_seq` 0 (the column's default).
    if inherited.is_empty() {
        put_tags(conn, id, 0, &new.tags, MAX_TAGS_PER_RESOURCE)?;
    } else {
        let tags: Vec<Tag> = inherited.iter().chain(&new.tags).cloned().collect();
        put_tags(conn, id, 0, &tags, MAX_TAGS_PER_RESOURCE)?;
    }
    steps::add(conn, id, &new.schedule)?;
    Ok(id)
}

/// Deletes a resource; its tags and steps go with it (`ON DELETE CASCADE`).
///
/// # Errors
/// [`Error::NotFound`] when there is no such resource.
pub(crate) fn delete(
    conn: &Connection,
    scope: &Scope,
    kind: &str,
    name: &str,
) -> Result<(), Error> {
    let mut stmt = conn
        .prepare_cached(
            "DELETE FROM resources \
             WHERE account = ?1 AND region = ?2 AND kind = ?3 AND name_key = ?4 \
             RETURNING arn",
        )
        .map_err(errors::sqlite)?;
    let key = crate::name_key(name);
    let arn: Option<String> = stmt
        .query_row(params![scope.account, scope.region, kind, key], |row| {
            row.get(0)
        })
        .optional()
        .map_err(errors::sqlite)?;
    let arn = arn.ok_or(Error::NotFound)?;
    detach_children(conn, &scope.account, &arn)
}

/// Clears the parent of every resource launched by the one with `arn`, which is
/// being deleted: a new resource of the same name must not inherit them (a new
/// tuning job would otherwise count the old one's training jobs as its own).
fn detach_children(conn: &Connection, account: &str, arn: &str) -> Result<(), Error> {
    conn.prepare_cached(
        "UPDATE resources SET parent = NULL \
         WHERE parent = ?1 AND account = ?2",
    )
    .and_then(|mut stmt| stmt.execute(params![arn, account]))
    .map_err(errors::sqlite)?;
    Ok(())
}

/// Adds or overwrites tags on the resource with this ARN in `account`.
///
/// # Errors
/// [`Error::NotFound`] for an unknown ARN; [`Error::TagLimitExceeded`] when the
/// resource would end up with more than `max_tags` tags.
pub(crate) fn add_tags(
    conn: &Connection,
    account: &str,
    arn: &str,
    tags: &[Tag],
    max_tags: usize,
) -> Result<(), Error> {
    let (id, last_seq) = conn
        .prepare_cached("SELECT id, last_tag_seq FROM resources WHERE arn = ?1 AND account = ?2")
        .and_then(|mut stmt| {
            stmt.query_row(params![arn, account], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()
        })
        .map_err(errors::sqlite)?
        .ok_or(Error::NotFound)?;
    put_tags(conn, id, last_seq, tags, max_tags)
}

/// Removes the given keys; absent keys are ignored.
///
/// # Errors
/// [`Error::NotFound`] for an unknown ARN.
pub(crate) fn delete_tags(
    conn: &Connection,
    account: &str,
    arn: &str,
    keys: &[String],
) -> Result<(), Error> {
    let id = read::resource_id(conn, account, arn)?.ok_or(Error::NotFound)?;
    let mut stmt = conn
        .prepare_cached("DELETE FROM tags WHERE resource_id = ?1 AND key = ?2")
        .map_err(errors::sqlite)?;
    for key in keys {
        stmt.execute(params![id, key]).map_err(errors::sqlite)?;
    }
    Ok(())
}

/// Deletes resource `id`, with its tags and steps, and detaches its children.
///
/// # Errors
/// Only SQLite failures.
pub(crate) fn delete_row(conn: &Connection, id: i64) -> Result<(), Error> {
    let deleted: Option<(String, String)> = conn
        .prepare_cached("DELETE FROM resources WHERE id = ?1 RETURNING account, arn")
        .and_then(|mut stmt| {
            stmt.query_row([id], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()
        })
        .map_err(errors::sqlite)?;
    match deleted {
        Some((account, arn)) => detach_children(conn, &account, &arn),
        None => Ok(()),
    }
}

/// Every tag of resource `id`, in insertion order.
///
/// # Errors
/// Only SQLite failures.
pub(crate) fn tags_of(conn: &Connection, id: i64) -> Result<Vec<Tag>, Error> {
    let mut stmt = conn
        .prepare_cached("SELECT key, value FROM tags WHERE resource_id = ?1 ORDER BY seq")
        .map_err(errors::sqlite)?;
    let rows = stmt
        .query_map([id], |row| {
            Ok(Tag {
                key: row.get(0)?,
                value: row.get(1)?,
            })
        })
        .map_err(errors::sqlite)?;
    rows.collect::<rusqlite::Result<Vec<Tag>>>()
        .map_err(errors::sqlite)
}

/// Deletes every step, tag and resource.
///
/// # Errors
/// Only SQLite failures.
pub(crate) fn reset(conn: &Connection) -> Result<(), Error> {
    conn.execute_batch("DELETE FROM steps; DELETE FROM tags; DELETE FROM resources;")
        .map_err(errors::sqlite)
}

/// Writes `tags` on resource `id`, whose `last_tag_seq` is `last_seq`, in
/// order, then refuses the result if it holds more than `max_tags` tags. A key
/// given twice is written twice: the second value wins and the first position
/// stays.
///
/// An existing key keeps its `seq` and takes the new value; a new key takes the
/// next position after `last_seq`. Only the count afterwards matters for the
/// limit, so overwrites never count against it.
///
/// Overwriting keys only, the common AddTags, runs one UPDATE per tag and
/// nothing else: no position is handed out and the count cannot grow, so the
/// `last_tag_seq` update and the count (two of the five statements a job used
/// to run, on the one writer thread) are skipped. A resource can already hold
/// more than `max_tags` only if an earlier call allowed more; overwriting its
/// keys is then accepted, as it leaves the count where that call put it.
fn put_tags(
    conn: &Connection,
    id: i64,
    last_seq: i64,
    tags: &[Tag],
    max_tags: usize,
) -> Result<(), Error> {
    let mut update = conn
        .prepare_cached("UPDATE tags SET value = ?3 WHERE resource_id = ?1 AND key = ?2")
        .map_err(errors::sqlite)?;
    let mut insert = conn
        .prepare_cached("INSERT INTO tags (resource_id, key, value, seq) VALUES (?1, ?2, ?3, ?4)")
        .map_err(errors::sqlite)?;
    let mut seq = last_seq;
    for tag in tags {
        let updated = update
            .execute(params![id, tag.key, tag.value])
            .map_err(errors::sqlite)?;
        if updated == 0 {
            seq += 1;
            insert
                .execute(params![id, tag.key, tag.value, seq])
                .map_err(errors::sqlite)?;
        }
    }
    if seq == last_seq {
        return Ok(());
    }
    conn.prepare_cached("UPDATE resources SET last_tag_seq = ?2 WHERE id = ?1")
        .and_then(|mut stmt| stmt.execute(params![id, seq]))
        .map_err(errors::sqlite)?;

    let count: i64 = conn
        .prepare_cached("SELECT count(*) FROM tags WHERE resource_id = ?1")
        .and_then(|mut stmt| stmt.query_row([id], |row| row.get(0)))
        .map_err(errors::sqlite)?;
    let would_have = usize::try_from(count).unwrap_or(usize::MAX);
    if would_have > max_tags {
        return Err(Error::TagLimitExceeded {
            would_have,
            max: max_tags,
        });
    }
    Ok(())
}
