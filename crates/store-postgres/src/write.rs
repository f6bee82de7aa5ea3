//! The write operations, each run inside a transaction by [`crate::retry`].
//!
//! Every function here may leave partial changes behind when it returns an
//! error: the caller rolls the transaction back, which is what makes each
//! operation all-or-nothing.
//!
//! Every write to an existing resource's tags or steps first takes the
//! resource's row by writing it (an `UPDATE`, or `SELECT … FOR UPDATE` where
//! the same transaction updates the row later). Writers of one resource
//! therefore run one after the other, and the tag limit is checked against
//! the tags as they are under that lock, so no racing write slips between the
//! check and the change. This holds at READ COMMITTED, where the waiting
//! writer goes on with the committed state, and at REPEATABLE READ or
//! SERIALIZABLE (CockroachDB), where it fails with a serialization failure
//! and is retried.

use std::collections::HashSet;

use deadpool_postgres::GenericClient;
use sagetag_store::{Error, NewResource, Resource, Scope, Tag, MAX_TAGS_PER_RESOURCE};

use crate::errors::Fault;
use crate::read::{execute, query, query_opt};
use crate::steps;

/// Inserts a resource with its initial tags and schedule, then its children
/// with theirs.
///
/// # Errors
/// [`Error::AlreadyExists`] for a taken name or ARN; [`Error::TagLimitExceeded`]
/// for more than [`MAX_TAGS_PER_RESOURCE`] distinct keys; either also for a
/// child.
pub(crate) async fn create<C: GenericClient>(
    client: &C,
    new: &NewResource,
) -> Result<Resource, Fault> {
    create_with(client, new, &[]).await
}

/// [`create`], with `inherited` tags put on the resource (not on its
/// children) before its own.
///
/// # Errors
/// As [`create`]; the tag limit counts the inherited tags too.
pub(crate) async fn create_with<C: GenericClient>(
    client: &C,
    new: &NewResource,
    inherited: &[Tag],
) -> Result<Resource, Fault> {
    let created = insert_one(client, new, inherited).await?;
    // One level only: a child's own `children` are ignored (the contract).
    for child in &new.children {
        insert_one(client, child, &[]).await?;
    }
    Ok(created)
}

const INSERT_SQL: &str = "INSERT INTO resources (account, region, kind, name, name_key, arn, \
     status, document, created_at, modified_at, parent) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id";

/// Inserts one resource, its tags (`inherited` first, then its own, a
/// repeated key overwriting in place) and its schedule; ignores its
/// `children`.
async fn insert_one<C: GenericClient>(
    client: &C,
    new: &NewResource,
    inherited: &[Tag],
) -> Result<Resource, Fault> {
    let document = serde_json::to_string(&new.document).map_err(Error::internal)?;
    let name_key = crate::name_key(&new.name);
    let params: [crate::read::Param<'_>; 10] = [
        &new.scope.account,
        &new.scope.region,
        &new.kind,
        &new.name,
        &name_key,
        &new.arn,
        &new.status,
        &document,
        &new.created_at,
        &new.parent,
    ];
    // A taken name or ARN is a unique violation, which `retry` reports as
    // AlreadyExists.
    let row = query_opt(client, INSERT_SQL, &params).await?;
    let id: i64 = match row {
        Some(row) => row.try_get(0)?,
        None => return Err(Error::Internal("INSERT … RETURNING gave no row".into()).into()),
    };

    let tags: Vec<Tag> = inherited.iter().chain(&new.tags).cloned().collect();
    put_tags(client, id, 0, &tags, MAX_TAGS_PER_RESOURCE, true).await?;
    steps::add(client, id, &new.schedule).await?;
    Ok(Resource {
        scope: new.scope.clone(),
        kind: new.kind.clone(),
        name: new.name.clone(),
        arn: new.arn.clone(),
        status: new.status.clone(),
        document: new.document.clone(),
        created_at: new.created_at,
        modified_at: new.created_at,
        parent: new.parent.clone(),
    })
}

/// Deletes a resource; its tags and steps go with it (`ON DELETE CASCADE`).
///
/// # Errors
/// [`Error::NotFound`] when there is no such resource.
pub(crate) async fn delete<C: GenericClient>(
    client: &C,
    scope: &Scope,
    kind: &str,
    name: &str,
) -> Result<(), Fault> {
    let key = crate::name_key(name);
    let row = query_opt(
        client,
        "DELETE FROM resources \
         WHERE account = $1 AND region = $2 AND kind = $3 AND name_key = $4 \
         RETURNING arn",
        &[&scope.account, &scope.region, &kind, &key],
    )
    .await?;
    let arn: String = row.ok_or(Error::NotFound)?.try_get(0)?;
    detach_children(client, &scope.account, &arn).await
}

/// Deletes resource `id`, with its tags and steps, and detaches its children.
///
/// # Errors
/// Only database failures.
pub(crate) async fn delete_row<C: GenericClient>(client: &C, id: i64) -> Result<(), Fault> {
    let row = query_opt(
        client,
        "DELETE FROM resources WHERE id = $1 RETURNING account, arn",
        &[&id],
    )
    .await?;
    let Some(row) = row else {
        return Ok(());
    };
    let (account, arn): (String, String) = (row.try_get(0)?, row.try_get(1)?);
    detach_children(client, &account, &arn).await
}

/// Clears the parent of every resource launched by the one with `arn`, which
/// is being deleted: a new resource of the same name must not inherit them (a
/// new tuning job would otherwise count the old one's training jobs as its
/// own).
async fn detach_children<C: GenericClient>(
    client: &C,
    account: &str,
    arn: &str,
) -> Result<(), Fault> {
    execute(
        client,
        "UPDATE resources SET parent = NULL WHERE parent = $1 AND account = $2",
        &[&arn, &account],
    )
    .await?;
    Ok(())
}

/// Takes the row of the resource with this ARN in `account` by writing it
/// (a no-op update: it changes nothing, but it creates the write conflict that
/// REPEATABLE READ and SERIALIZABLE need to see a racing tag writer), and
/// returns its id and last tag position.
async fn lock_by_arn<C: GenericClient>(
    client: &C,
    account: &str,
    arn: &str,
) -> Result<(i64, i64), Fault> {
    let row = query_opt(
        client,
        "UPDATE resources SET last_tag_seq = last_tag_seq \
         WHERE arn = $1 AND account = $2 RETURNING id, last_tag_seq",
        &[&arn, &account],
    )
    .await?;
    let row = row.ok_or(Error::NotFound)?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}

/// Adds or overwrites tags on the resource with this ARN in `account`.
///
/// # Errors
/// [`Error::NotFound`] for an unknown ARN; [`Error::TagLimitExceeded`] when the
/// resource would end up with more than `max_tags` tags.
pub(crate) async fn add_tags<C: GenericClient>(
    client: &C,
    account: &str,
    arn: &str,
    tags: &[Tag],
    max_tags: usize,
) -> Result<(), Fault> {
    let (id, last_seq) = lock_by_arn(client, account, arn).await?;
    put_tags(client, id, last_seq, tags, max_tags, false).await
}

/// Removes the given keys; absent keys are ignored.
///
/// # Errors
/// [`Error::NotFound`] for an unknown ARN.
pub(crate) async fn delete_tags<C: GenericClient>(
    client: &C,
    account: &str,
    arn: &str,
    keys: &[String],
) -> Result<(), Fault> {
    let (id, _) = lock_by_arn(client, account, arn).await?;
    if keys.is_empty() {
        return Ok(());
    }
    execute(
        client,
        "DELETE FROM tags WHERE resource_id = $1 AND key = ANY($2)",
        &[&id, &keys],
    )
    .await?;
    Ok(())
}

/// Every tag of resource `id`, in insertion order.
///
/// # Errors
/// Only database failures.
pub(crate) async fn tags_of<C: GenericClient>(client: &C, id: i64) -> Result<Vec<Tag>, Fault> {
    let rows = query(
        client,
        "SELECT key, value FROM tags WHERE resource_id = $1 ORDER BY seq",
        &[&id],
    )
    .await?;
    let mut tags = Vec::with_capacity(rows.len());
    for row in rows {
        tags.push(Tag {
            key: row.try_get(0)?,
            value: row.try_get(1)?,
        });
    }
    Ok(tags)
}

/// Deletes every step, tag and resource.
///
/// # Errors
/// Only database failures.
pub(crate) async fn reset<C: GenericClient>(client: &C) -> Result<(), Fault> {
    client
        .batch_execute("DELETE FROM steps; DELETE FROM tags; DELETE FROM resources;")
        .await?;
    Ok(())
}

/// Writes `tags` on resource `id`, whose last tag position is `last_seq`, or
/// refuses them all when the resource would then hold more than `max_tags`.
/// A key given twice keeps its first position and its last value.
///
/// An existing key keeps its position and takes the new value; a new key takes
/// the next position after `last_seq`. Only the count afterwards matters for
/// the limit, so overwrites never count against it. `fresh` says the resource
/// was created in this transaction and has no tags yet.
async fn put_tags<C: GenericClient>(
    client: &C,
    id: i64,
    last_seq: i64,
    tags: &[Tag],
    max_tags: usize,
    fresh: bool,
) -> Result<(), Fault> {
    if tags.is_empty() {
        return Ok(());
    }
    let tags = merge(tags);
    let present: HashSet<String> = if fresh {
        HashSet::new()
    } else {
        let rows = query(
            client,
            "SELECT key FROM tags WHERE resource_id = $1",
            &[&id],
        )
        .await?;
        rows.iter()
            .map(|row| row.try_get(0))
            .collect::<Result<_, _>>()?
    };
    let (old, new): (Vec<&Tag>, Vec<&Tag>) = tags.iter().partition(|t| present.contains(&t.key));
    let would_have = present.len() + new.len();
    if would_have > max_tags {
        let exceeded = Error::TagLimitExceeded {
            would_have,
            max: max_tags,
        };
        return Err(exceeded.into());
    }

    if !old.is_empty() {
        let (keys, values) = columns(&old);
        execute(
            client,
            "UPDATE tags SET value = u.v FROM unnest($2::text[], $3::text[]) AS u (k, v) \
             WHERE tags.resource_id = $1 AND tags.key = u.k",
            &[&id, &keys, &values],
        )
        .await?;
    }
    if !new.is_empty() {
        let (keys, values) = columns(&new);
        let seqs: Vec<i64> = (1..).map(|i| last_seq + i).take(new.len()).collect();
        execute(
            client,
            "INSERT INTO tags (resource_id, key, value, seq) \
             SELECT $1, n.k, n.v, n.s FROM unnest($2::text[], $3::text[], $4::bigint[]) \
             AS n (k, v, s)",
            &[&id, &keys, &values, &seqs],
        )
        .await?;
        let last = last_seq + seqs.len() as i64;
        execute(
            client,
            "UPDATE resources SET last_tag_seq = $2 WHERE id = $1",
            &[&id, &last],
        )
        .await?;
    }
    Ok(())
}

/// The tags with distinct keys: each key at its first position, with its last
/// value.
pub(crate) fn merge(tags: &[Tag]) -> Vec<Tag> {
    let mut merged: Vec<Tag> = Vec::with_capacity(tags.len());
    for tag in tags {
        match merged.iter_mut().find(|t| t.key == tag.key) {
            Some(seen) => seen.value.clone_from(&tag.value),
            None => merged.push(tag.clone()),
        }
    }
    merged
}

/// The keys and the values of `tags`, as two parallel arrays.
fn columns(tags: &[&Tag]) -> (Vec<String>, Vec<String>) {
    tags.iter()
        .map(|t| (t.key.clone(), t.value.clone()))
        .unzip()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(key: &str, value: &str) -> Tag {
        Tag {
            key: key.to_owned(),
            value: value.to_owned(),
        }
    }

    #[test]
    fn merge_keeps_first_position_and_last_value() {
        let merged = merge(&[tag("a", "1"), tag("b", "2"), tag("a", "3"), tag("A", "4")]);
        assert_eq!(merged, [tag("a", "3"), tag("b", "2"), tag("A", "4")]);
    }
}
