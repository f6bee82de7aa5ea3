//! The read queries. Each is one statement, so it sees one consistent
//! snapshot without an explicit transaction; the writers share
//! [`resource_by_key`] and [`resource_row`].

use deadpool_postgres::GenericClient;
use sagetag_store::{Counts, Error, ListQuery, Page, Resource, Scope, SortKey, Tag, TagPage};
use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

use crate::cursor::{Cursor, Position};
use crate::errors::Fault;

/// The columns [`resource_row`] reads, in its order.
pub(crate) const RESOURCE_COLUMNS: &str = "id, name_key, account, region, kind, name, arn, \
                                           status, document, created_at, modified_at, parent";

/// One query parameter.
pub(crate) type Param<'a> = &'a (dyn ToSql + Sync);

/// A resource with the id and name key that cursors and writers need.
pub(crate) struct Listed {
    /// The row id.
    pub(crate) id: i64,
    /// The lower-cased name.
    pub(crate) name_key: String,
    /// The record.
    pub(crate) resource: Resource,
}

/// Reads a row of [`RESOURCE_COLUMNS`].
///
/// # Errors
/// A column that does not convert, or a document that is not JSON.
pub(crate) fn resource_row(row: &Row) -> Result<Listed, Fault> {
    let document: String = row.try_get(8)?;
    let document = serde_json::from_str(&document).map_err(Error::internal)?;
    Ok(Listed {
        id: row.try_get(0)?,
        name_key: row.try_get(1)?,
        resource: Resource {
            scope: Scope {
                account: row.try_get(2)?,
                region: row.try_get(3)?,
            },
            kind: row.try_get(4)?,
            name: row.try_get(5)?,
            arn: row.try_get(6)?,
            status: row.try_get(7)?,
            document,
            created_at: row.try_get(9)?,
            modified_at: row.try_get(10)?,
            parent: row.try_get(11)?,
        },
    })
}

/// Runs `sql` as a cached prepared statement and returns its rows.
pub(crate) async fn query<C: GenericClient>(
    client: &C,
    sql: &str,
    params: &[Param<'_>],
) -> Result<Vec<Row>, tokio_postgres::Error> {
    let statement = client.prepare_cached(sql).await?;
    client.query(&statement, params).await
}

/// Runs `sql` as a cached prepared statement and returns its one row, if any.
pub(crate) async fn query_opt<C: GenericClient>(
    client: &C,
    sql: &str,
    params: &[Param<'_>],
) -> Result<Option<Row>, tokio_postgres::Error> {
    let statement = client.prepare_cached(sql).await?;
    client.query_opt(&statement, params).await
}

/// Runs `sql` as a cached prepared statement and returns how many rows it
/// changed.
pub(crate) async fn execute<C: GenericClient>(
    client: &C,
    sql: &str,
    params: &[Param<'_>],
) -> Result<u64, tokio_postgres::Error> {
    let statement = client.prepare_cached(sql).await?;
    client.execute(&statement, params).await
}

/// Looks a resource up by its lower-cased name; `lock` takes its row lock
/// (`FOR UPDATE`), which every writer of a resource does first.
///
/// # Errors
/// Only database failures.
pub(crate) async fn resource_by_key<C: GenericClient>(
    client: &C,
    scope: &Scope,
    kind: &str,
    name_key: &str,
    lock: bool,
) -> Result<Option<Listed>, Fault> {
    let sql = format!(
        "SELECT {RESOURCE_COLUMNS} FROM resources \
         WHERE account = $1 AND region = $2 AND kind = $3 AND name_key = $4{}",
        if lock { " FOR UPDATE" } else { "" }
    );
    let params: [Param<'_>; 4] = [&scope.account, &scope.region, &kind, &name_key];
    match query_opt(client, &sql, &params).await? {
        Some(row) => resource_row(&row).map(Some),
        None => Ok(None),
    }
}

/// Looks a resource up by its exact ARN in `account`.
///
/// # Errors
/// Only database failures.
pub(crate) async fn resource_by_arn<C: GenericClient>(
    client: &C,
    account: &str,
    arn: &str,
) -> Result<Option<Resource>, Fault> {
    let sql = format!("SELECT {RESOURCE_COLUMNS} FROM resources WHERE arn = $1 AND account = $2");
    match query_opt(client, &sql, &[&arn, &account]).await? {
        Some(row) => Ok(Some(resource_row(&row)?.resource)),
        None => Ok(None),
    }
}

/// One page of resources, by keyset: the cursor holds the last item's sort
/// values and id, and the next page starts strictly after them.
///
/// # Errors
/// [`Error::InvalidCursor`] for a cursor we did not make for this order.
pub(crate) async fn list_resources<C: GenericClient>(
    client: &C,
    scope: &Scope,
    kind: &str,
    query: &ListQuery,
) -> Result<Page<Resource>, Fault> {
    let cursor = match &query.after {
        Some(text) => Some(Cursor::decode(text, query.sort_by, query.descending)?),
        None => None,
    };
    let limit = query.limit.max(1);
    let fetch = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
    let needle = query.name_contains.as_deref().map(crate::name_key);
    let mut sql = Listing::new(scope, &kind);
    sql.filters(query, needle.as_ref());
    if let Some(cursor) = &cursor {
        sql.keyset(cursor);
    }
    sql.order(query, &fetch);

    let rows = self::query(client, &sql.text, &sql.params).await?;
    let mut items = rows
        .iter()
        .map(resource_row)
        .collect::<Result<Vec<_>, _>>()?;

    // One row more than asked tells whether another page follows.
    let next = if items.len() > limit {
        items.truncate(limit);
        items.last().map(|last| cursor_after(last, query).encode())
    } else {
        None
    };
    let items = items.into_iter().map(|listed| listed.resource).collect();
    Ok(Page { items, next })
}

/// A listing query under construction: its text and its parameters, numbered
/// in the order they are added.
struct Listing<'a> {
    text: String,
    params: Vec<Param<'a>>,
}

impl<'a> Listing<'a> {
    fn new(scope: &'a Scope, kind: &'a &'a str) -> Listing<'a> {
        Listing {
            text: format!(
                "SELECT {RESOURCE_COLUMNS} FROM resources \
                 WHERE account = $1 AND region = $2 AND kind = $3"
            ),
            params: vec![&scope.account, &scope.region, kind],
        }
    }

    /// The next placeholder, `$n`, bound to `param`.
    fn bind(&mut self, param: Param<'a>) -> String {
        self.params.push(param);
        format!("${}", self.params.len())
    }

    /// Appends ` AND <clause>`, where `clause` is built around a placeholder.
    fn and(&mut self, param: Param<'a>, clause: impl FnOnce(&str) -> String) {
        let placeholder = self.bind(param);
        self.text.push_str(" AND ");
        self.text.push_str(&clause(&placeholder));
    }

    /// `needle` is `query.name_contains` lower-cased like `name_key`, in Rust
    /// rather than by the database, whose `lower` follows its locale.
    fn filters(&mut self, query: &'a ListQuery, needle: Option<&'a String>) {
        // `strpos` rather than LIKE: no wildcard in the needle to escape.
        if let Some(needle) = needle {
            self.and(needle, |p| format!("strpos(name_key, {p}) > 0"));
        }
        if let Some(before) = &query.created_before {
            self.and(before, |p| format!("created_at < {p}"));
        }
        if let Some(after) = &query.created_after {
            self.and(after, |p| format!("created_at > {p}"));
        }
        if let Some(before) = &query.modified_before {
            self.and(before, |p| format!("modified_at < {p}"));
        }
        if let Some(after) = &query.modified_after {
            self.and(after, |p| format!("modified_at > {p}"));
        }
        if let Some(parent) = &query.parent {
            self.and(parent, |p| format!("parent = {p}"));
        }
        if let Some(status) = &query.status_equals {
            self.and(status, |p| format!("status = {p}"));
        }
    }

    /// Keeps only rows strictly past the cursor in the listing's order; the
    /// row comparison follows the index's column order, so the scan starts at
    /// the cursor rather than before it.
    fn keyset(&mut self, cursor: &'a Cursor) {
        let op = if cursor.desc { "<" } else { ">" };
        let (columns, values) = match &cursor.position {
            Position::Name(name) => ("name_key, id", vec![self.bind(name)]),
            Position::Created(at) => ("created_at, id", vec![self.bind(at)]),
            Position::Status(status, name) => (
                "status_key, name_key, id",
                vec![self.bind(status), self.bind(name)],
            ),
        };
        let id = self.bind(&cursor.id);
        self.text.push_str(&format!(
            " AND ({columns}) {op} ({}, {id})",
            values.join(", ")
        ));
    }

    /// Every order ends in the unique id, so ties break the same way on every
    /// page.
    fn order(&mut self, query: &ListQuery, fetch: &'a i64) {
        let dir = if query.descending { "DESC" } else { "ASC" };
        let order = match query.sort_by {
            SortKey::Name => format!("name_key {dir}, id {dir}"),
            SortKey::CreationTime => format!("created_at {dir}, id {dir}"),
            SortKey::Status => format!("status_key {dir}, name_key {dir}, id {dir}"),
        };
        let limit = self.bind(fetch);
        self.text
            .push_str(&format!(" ORDER BY {order} LIMIT {limit}"));
    }
}

fn cursor_after(last: &Listed, query: &ListQuery) -> Cursor {
    let position = match query.sort_by {
        SortKey::Name => Position::Name(last.name_key.clone()),
        SortKey::CreationTime => Position::Created(last.resource.created_at),
        SortKey::Status => Position::Status(
            last.resource.status.clone().unwrap_or_default(),
            last.name_key.clone(),
        ),
    };
    Cursor {
        desc: query.descending,
        position,
        id: last.id,
    }
}

/// The tags of the resource with ARN `$1` in account `$2` after position
/// `$3`, in order, at most `$4`; a resource without such tags gives one row of
/// NULLs, and a missing resource none.
const LIST_TAGS_SQL: &str = "SELECT t.key, t.value, t.seq FROM resources AS r \
     LEFT JOIN tags AS t ON t.resource_id = r.id AND t.seq > $3 \
     WHERE r.arn = $1 AND r.account = $2 \
     ORDER BY t.seq LIMIT $4";

/// Up to `limit` tags after position `after`, in insertion order. The lookup
/// and the read are one statement, so the page is one snapshot.
///
/// # Errors
/// [`Error::NotFound`] when no resource has this ARN in `account`.
pub(crate) async fn list_tags<C: GenericClient>(
    client: &C,
    account: &str,
    arn: &str,
    after: Option<i64>,
    limit: usize,
) -> Result<TagPage, Fault> {
    let limit = limit.max(1);
    let fetch = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
    let after = after.unwrap_or(i64::MIN);
    let rows = query(client, LIST_TAGS_SQL, &[&arn, &account, &after, &fetch]).await?;
    if rows.is_empty() {
        return Err(Error::NotFound.into());
    }

    let mut tags = Vec::with_capacity(rows.len());
    for row in &rows {
        // The row of NULLs of a resource with no (more) tags.
        let Some(seq) = row.try_get::<_, Option<i64>>(2)? else {
            continue;
        };
        let tag = Tag {
            key: row.try_get(0)?,
            value: row.try_get(1)?,
        };
        tags.push((tag, seq));
    }
    let next = if tags.len() > limit {
        tags.truncate(limit);
        tags.last().map(|(_, seq)| *seq)
    } else {
        None
    };
    Ok(TagPage {
        tags: tags.into_iter().map(|(tag, _)| tag).collect(),
        next,
    })
}

/// Proves the database takes writes and has our schema: inside a
/// transaction, asks for READ WRITE (refused by a read-only standby) and reads
/// the resources table.
///
/// # Errors
/// Only database failures.
pub(crate) async fn health<C: GenericClient>(client: &C) -> Result<(), Fault> {
    client.batch_execute("SET TRANSACTION READ WRITE").await?;
    query(client, "SELECT 1 FROM resources LIMIT 1", &[]).await?;
    Ok(())
}

/// How many resources of each kind, and how many tags, the database holds.
/// Two plain counts: MVCC reads block no writer.
///
/// # Errors
/// Only database failures.
pub(crate) async fn counts<C: GenericClient>(client: &C) -> Result<Counts, Fault> {
    let rows = query(
        client,
        "SELECT kind, count(*) FROM resources GROUP BY kind ORDER BY kind COLLATE \"C\"",
        &[],
    )
    .await?;
    let mut resources = Vec::with_capacity(rows.len());
    for row in rows {
        let count: i64 = row.try_get(1)?;
        resources.push((row.try_get(0)?, u64::try_from(count).unwrap_or(0)));
    }
    let tags: i64 = match query_opt(client, "SELECT count(*) FROM tags", &[]).await? {
        Some(row) => row.try_get(0)?,
        None => 0,
    };
    let tags = u64::try_from(tags).unwrap_or(0);
    Ok(Counts { resources, tags })
}
