//! Export and import: the whole store as a stream of [`Exported`] records.
//!
//! An export is one `REPEATABLE READ READ ONLY` transaction on a connection
//! of its own, so every page it reads comes from the same snapshot while
//! writers go on. It pages by `id` (keyset, no cursor, which every
//! PostgreSQL-compatible engine supports) and reads a page only when the
//! receiver has taken the last one, so memory stays flat.
//!
//! An import writes a batch with three statements whatever its size: the
//! resources, then all their tags, then all their steps, each as `unnest`
//! of one array per column.

use std::collections::HashMap;

use deadpool_postgres::{GenericClient, Pool};
use sagetag_store::{Error, Exported, NewStep, Tag, MAX_TAGS_PER_RESOURCE};
use tokio::sync::mpsc;
use tokio_postgres::IsolationLevel;

use crate::errors::Fault;
use crate::read::{self, query, RESOURCE_COLUMNS};
use crate::{retry, write};

/// Resources read per query of an export.
const EXPORT_PAGE: i64 = 500;

/// Walks every resource in creation order (`id`), with its tags and steps,
/// into `sink`; returns how many were sent. Stops when the receiver is gone.
///
/// # Errors
/// Only database failures.
pub(crate) async fn export(pool: &Pool, sink: &mpsc::Sender<Exported>) -> Result<u64, Fault> {
    let mut client = retry::client(pool).await?;
    let tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await?;
    // The tags and steps of each resource come along as arrays, in order, so
    // a page is one round trip.
    let sql = format!(
        "SELECT {RESOURCE_COLUMNS}, \
         ARRAY(SELECT t.key FROM tags AS t WHERE t.resource_id = r.id ORDER BY t.seq), \
         ARRAY(SELECT t.value FROM tags AS t WHERE t.resource_id = r.id ORDER BY t.seq), \
         ARRAY(SELECT s.due_at FROM steps AS s WHERE s.resource_id = r.id ORDER BY s.id), \
         ARRAY(SELECT s.action FROM steps AS s WHERE s.resource_id = r.id ORDER BY s.id) \
         FROM resources AS r WHERE r.id > $1 ORDER BY r.id LIMIT $2"
    );

    let mut sent = 0;
    let mut last = 0_i64;
    loop {
        let rows = query(&tx, &sql, &[&last, &EXPORT_PAGE]).await?;
        let full = rows.len() as i64 == EXPORT_PAGE;
        for row in rows {
            let listed = read::resource_row(&row)?;
            last = listed.id;
            let keys: Vec<String> = row.try_get(12)?;
            let values: Vec<String> = row.try_get(13)?;
            let due: Vec<f64> = row.try_get(14)?;
            let actions: Vec<String> = row.try_get(15)?;
            let exported = Exported {
                resource: listed.resource,
                tags: keys
                    .into_iter()
                    .zip(values)
                    .map(|(key, value)| Tag { key, value })
                    .collect(),
                steps: due
                    .into_iter()
                    .zip(actions)
                    .map(|(due_at, action)| NewStep { due_at, action })
                    .collect(),
            };
            if sink.send(exported).await.is_err() {
                return Ok(sent);
            }
            sent += 1;
        }
        if !full {
            return Ok(sent);
        }
    }
}

/// Refreshes the planner's statistics of the three tables after an import.
///
/// Until autovacuum gets to them, the planner knows nothing of the new rows
/// and guesses thousands of tags per resource. An export page then looks
/// costly enough to be JIT-compiled, on every page: the first export of
/// 100,000 freshly imported resources took 23–30 s, one after `ANALYZE` 1.8 s.
/// One table per statement, the form PostgreSQL-compatible engines accept.
///
/// # Errors
/// Only database failures.
pub(crate) async fn analyze<C: GenericClient>(client: &C) -> Result<(), Fault> {
    client
        .batch_execute("ANALYZE resources; ANALYZE tags; ANALYZE steps")
        .await?;
    Ok(())
}

const INSERT_RESOURCES: &str = "INSERT INTO resources (account, region, kind, name, name_key, \
     arn, status, document, created_at, modified_at, parent, last_tag_seq) \
     SELECT account, region, kind, name, name_key, arn, status, document, created_at, \
     modified_at, parent, last_tag_seq \
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
     $7::text[], $8::text[], $9::float8[], $10::float8[], $11::text[], $12::int8[]) \
     WITH ORDINALITY AS u(account, region, kind, name, name_key, arn, status, document, \
     created_at, modified_at, parent, last_tag_seq, n) \
     ORDER BY n RETURNING id, arn";

const INSERT_TAGS: &str = "INSERT INTO tags (resource_id, key, value, seq) \
     SELECT * FROM unnest($1::int8[], $2::text[], $3::text[], $4::int8[])";

// Ordered, so steps get ids in the batch's order: equal due times run in
// creation order.
const INSERT_STEPS: &str = "INSERT INTO steps (resource_id, due_at, action) \
     SELECT resource_id, due_at, action \
     FROM unnest($1::int8[], $2::float8[], $3::text[]) \
     WITH ORDINALITY AS u(resource_id, due_at, action, n) ORDER BY n";

/// One column per array, as the `unnest` statements take them.
#[derive(Default)]
struct Columns {
    account: Vec<String>,
    region: Vec<String>,
    kind: Vec<String>,
    name: Vec<String>,
    name_key: Vec<String>,
    arn: Vec<String>,
    status: Vec<Option<String>>,
    document: Vec<String>,
    created_at: Vec<f64>,
    modified_at: Vec<f64>,
    parent: Vec<Option<String>>,
    last_tag_seq: Vec<i64>,
}

/// Inserts `batch` as given, inside the caller's transaction.
///
/// # Errors
/// [`Error::AlreadyExists`] (as a unique violation) for a taken name or ARN;
/// [`Error::TagLimitExceeded`] for a resource with too many tags.
pub(crate) async fn import<C: GenericClient>(client: &C, batch: &[Exported]) -> Result<(), Fault> {
    // A key given twice keeps its first position and its last value, as an
    // AddTags of the same list would leave it.
    let tags: Vec<Vec<Tag>> = batch.iter().map(|e| write::merge(&e.tags)).collect();
    if let Some(crowded) = tags.iter().find(|t| t.len() > MAX_TAGS_PER_RESOURCE) {
        return Err(Fault::Store(Error::TagLimitExceeded {
            would_have: crowded.len(),
            max: MAX_TAGS_PER_RESOURCE,
        }));
    }

    let mut columns = Columns::default();
    for (exported, tags) in batch.iter().zip(&tags) {
        let resource = &exported.resource;
        columns.account.push(resource.scope.account.clone());
        columns.region.push(resource.scope.region.clone());
        columns.kind.push(resource.kind.clone());
        columns.name.push(resource.name.clone());
        columns.name_key.push(crate::name_key(&resource.name));
        columns.arn.push(resource.arn.clone());
        columns.status.push(resource.status.clone());
        let document = serde_json::to_string(&resource.document).map_err(Error::internal)?;
        columns.document.push(document);
        columns.created_at.push(resource.created_at);
        columns.modified_at.push(resource.modified_at);
        columns.parent.push(resource.parent.clone());
        columns.last_tag_seq.push(tags.len() as i64);
    }
    let c = &columns;
    let rows = query(
        client,
        INSERT_RESOURCES,
        &[
            &c.account,
            &c.region,
            &c.kind,
            &c.name,
            &c.name_key,
            &c.arn,
            &c.status,
            &c.document,
            &c.created_at,
            &c.modified_at,
            &c.parent,
            &c.last_tag_seq,
        ],
    )
    .await?;
    let mut ids = HashMap::with_capacity(rows.len());
    for row in &rows {
        let arn: String = row.try_get(1)?;
        ids.insert(arn, row.try_get::<_, i64>(0)?);
    }

    let (mut owners, mut keys, mut values, mut seqs) = (vec![], vec![], vec![], vec![]);
    let (mut step_owners, mut due, mut actions) = (vec![], vec![], vec![]);
    for (exported, tags) in batch.iter().zip(&tags) {
        let id = *ids
            .get(&exported.resource.arn)
            .ok_or_else(|| Error::Internal("an imported row came back without its id".into()))?;
        for (seq, tag) in (1_i64..).zip(tags) {
            owners.push(id);
            keys.push(tag.key.as_str());
            values.push(tag.value.as_str());
            seqs.push(seq);
        }
        for step in &exported.steps {
            step_owners.push(id);
            due.push(step.due_at);
            actions.push(step.action.as_str());
        }
    }
    if !owners.is_empty() {
        query(client, INSERT_TAGS, &[&owners, &keys, &values, &seqs]).await?;
    }
    if !step_owners.is_empty() {
        query(client, INSERT_STEPS, &[&step_owners, &due, &actions]).await?;
    }
    Ok(())
}
