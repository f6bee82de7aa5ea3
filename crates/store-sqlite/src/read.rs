//! The read queries, run on pooled read-only connections.

use rusqlite::types::{Type, Value};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
use sagetag_store::{Counts, Error, ListQuery, Page, Resource, Scope, SortKey, Tag, TagPage};

use crate::cursor::Cursor;
use crate::errors;

/// The columns [`resource_row`] reads, in its order.
pub(crate) const RESOURCE_COLUMNS: &str = "id, name_key, account, region, kind, name, arn, \
     status, document, created_at, modified_at, parent";

/// A resource with the row id and name key that listing cursors need.
pub(crate) struct Listed {
    /// The row id.
    pub(crate) id: i64,
    /// The lower-cased name.
    pub(crate) name_key: String,
    /// The record.
    pub(crate) resource: Resource,
}

pub(crate) fn resource_row(row: &Row<'_>) -> rusqlite::Result<Listed> {
    let document: String = row.get(8)?;
    let document = serde_json::from_str(&document)
        .map_err(|err| rusqlite::Error::FromSqlConversionFailure(8, Type::Text, Box::new(err)))?;
    Ok(Listed {
        id: row.get(0)?,
        name_key: row.get(1)?,
        resource: Resource {
            scope: Scope {
                account: row.get(2)?,
                region: row.get(3)?,
            },
            kind: row.get(4)?,
            name: row.get(5)?,
            arn: row.get(6)?,
            status: row.get(7)?,
            document,
            created_at: row.get(9)?,
            modified_at: row.get(10)?,
            parent: row.get(11)?,
        },
    })
}

/// Looks a resource up by its lower-cased name.
///
/// # Errors
/// Only SQLite failures.
pub(crate) fn get_resource(
    conn: &Connection,
    scope: &Scope,
    kind: &str,
    name_key: &str,
) -> Result<Option<Resource>, Error> {
    let found = resource_by_key(conn, scope, kind, name_key)?;
    Ok(found.map(|listed| listed.resource))
}

/// Looks a resource up by its lower-cased name, with its row id; the writer
/// uses it too, inside its transaction.
///
/// # Errors
/// Only SQLite failures.
pub(crate) fn resource_by_key(
    conn: &Connection,
    scope: &Scope,
    kind: &str,
    name_key: &str,
) -> Result<Option<Listed>, Error> {
    let sql = format!(
        "SELECT {RESOURCE_COLUMNS} FROM resources \
         WHERE account = ?1 AND region = ?2 AND kind = ?3 AND name_key = ?4"
    );
    let mut stmt = conn.prepare_cached(&sql).map_err(errors::sqlite)?;
    stmt.query_row(
        params![scope.account, scope.region, kind, name_key],
        resource_row,
    )
    .optional()
    .map_err(errors::sqlite)
}

/// Looks a resource up by its exact ARN in `account`.
///
/// # Errors
/// Only SQLite failures.
pub(crate) fn get_resource_by_arn(
    conn: &Connection,
    account: &str,
    arn: &str,
) -> Result<Option<Resource>, Error> {
    let mut stmt = conn.prepare_cached(&by_arn_sql()).map_err(errors::sqlite)?;
    let found = stmt
        .query_row(params![arn, account], resource_row)
        .optional()
        .map_err(errors::sqlite)?;
    Ok(found.map(|listed| listed.resource))
}

/// The resource with ARN `?1` in account `?2`.
pub(crate) fn by_arn_sql() -> String {
    format!("SELECT {RESOURCE_COLUMNS} FROM resources WHERE arn = ?1 AND account = ?2")
}

/// One page of resources, by keyset: the cursor holds the last item's sort
/// values and id, and the next page starts strictly after them.
///
/// # Errors
/// [`Error::InvalidCursor`] for a cursor we did not make for this order.
pub(crate) fn list_resources(
    conn: &Connection,
    scope: &Scope,
    kind: &str,
    query: &ListQuery,
) -> Result<Page<Resource>, Error> {
    let cursor = match &query.after {
        Some(text) => Some(Cursor::decode(text, query.sort_by, query.descending)?),
        None => None,
    };
    let limit = query.limit.max(1);
    let (sql, args) = listing_sql(scope, kind, query, cursor.as_ref(), limit);

    let mut stmt = conn.prepare_cached(&sql).map_err(errors::sqlite)?;
    let rows = stmt
        .query_map(params_from_iter(args), resource_row)
        .map_err(errors::sqlite)?;
    let mut items = rows
        .collect::<rusqlite::Result<Vec<Listed>>>()
        .map_err(errors::sqlite)?;

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

/// A `WHERE … AND …` query under construction, with its arguments in order.
struct Sql {
    text: String,
    args: Vec<Value>,
}

impl Sql {
    fn and(&mut self, clause: &str, args: impl IntoIterator<Item = Value>) {
        self.text.push_str(" AND ");
        self.text.push_str(clause);
        self.args.extend(args);
    }
}

/// The SQL and arguments of one listing page, asking for `limit + 1` rows.
pub(crate) fn listing_sql(
    scope: &Scope,
    kind: &str,
    query: &ListQuery,
    cursor: Option<&Cursor>,
    limit: usize,
) -> (String, Vec<Value>) {
    // Without statistics SQLite would list a parent's children through an
    // index of the whole kind (three equalities and the order) and filter
    // every row of that kind; the parent's index reaches its few children
    // directly. INDEXED BY also fails loudly should the index ever go.
    let from = if query.parent.is_some() {
        "resources INDEXED BY resources_by_parent"
    } else {
        "resources"
    };
    let mut sql = Sql {
        text: format!("SELECT {RESOURCE_COLUMNS} FROM {from} WHERE account = ?"),
        args: vec![Value::Text(scope.account.clone())],
    };
    sql.and("region = ?", [Value::Text(scope.region.clone())]);
    sql.and("kind = ?", [Value::Text(kind.to_owned())]);
    add_filters(&mut sql, query);
    if let Some(cursor) = cursor {
        add_keyset(&mut sql, cursor);
    }

    // Every order ends in the unique row id, so ties break the same way on
    // every page.
    let dir = if query.descending { "DESC" } else { "ASC" };
    let order = match query.sort_by {
        SortKey::Name => format!("name_key {dir}, id {dir}"),
        SortKey::CreationTime => format!("created_at {dir}, id {dir}"),
        SortKey::Status => format!("status_key {dir}, name_key {dir}, id {dir}"),
    };
    sql.text.push_str(&format!(" ORDER BY {order} LIMIT ?"));
    let fetch = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
    sql.args.push(Value::Integer(fetch));
    (sql.text, sql.args)
}

fn add_filters(sql: &mut Sql, query: &ListQuery) {
    // `instr` rather than LIKE: no wildcard in the needle to escape.
    if let Some(needle) = &query.name_contains {
        sql.and(
            "instr(name_key, ?) > 0",
            [Value::Text(crate::name_key(needle))],
        );
    }
    if let Some(before) = query.created_before {
        sql.and("created_at < ?", [Value::Real(before)]);
    }
    if let Some(after) = query.created_after {
        sql.and("created_at > ?", [Value::Real(after)]);
    }
    // No index serves modification times: nothing sorts by them, and as a
    // filter they only narrow what an index already selected.
    if let Some(before) = query.modified_before {
        sql.and("modified_at < ?", [Value::Real(before)]);
    }
    if let Some(after) = query.modified_after {
        sql.and("modified_at > ?", [Value::Real(after)]);
    }
    if let Some(parent) = &query.parent {
        sql.and("parent = ?", [Value::Text(parent.clone())]);
    }
    if let Some(status) = &query.status_equals {
        sql.and("status = ?", [Value::Text(status.clone())]);
    }
}

/// Keeps only rows strictly past the cursor in the listing's order. The row
/// value comparison matches the index's column order, so SQLite seeks to the
/// cursor rather than scanning up to it.
fn add_keyset(sql: &mut Sql, cursor: &Cursor) {
    match cursor {
        Cursor::Name { desc, name, id } => sql.and(
            &past("(name_key, id)", *desc, "(?, ?)"),
            [Value::Text(name.clone()), Value::Integer(*id)],
        ),
        Cursor::Created { desc, at, id } => sql.and(
            &past("(created_at, id)", *desc, "(?, ?)"),
            [Value::Real(*at), Value::Integer(*id)],
        ),
        Cursor::Status {
            desc,
            status,
            name,
            id,
        } => sql.and(
            &past("(status_key, name_key, id)", *desc, "(?, ?, ?)"),
            [
                Value::Text(status.clone()),
                Value::Text(name.clone()),
                Value::Integer(*id),
            ],
        ),
    }
}

/// `columns > values`, or `<` when the listing runs backwards.
fn past(columns: &str, desc: bool, values: &str) -> String {
    let op = if desc { "<" } else { ">" };
    format!("{columns} {op} {values}")
}

fn cursor_after(last: &Listed, query: &ListQuery) -> Cursor {
    let (desc, id) = (query.descending, last.id);
    match query.sort_by {
        SortKey::Name => Cursor::Name {
            desc,
            name: last.name_key.clone(),
            id,
        },
        SortKey::CreationTime => Cursor::Created {
            desc,
            at: last.resource.created_at,
            id,
        },
        SortKey::Status => Cursor::Status {
            desc,
            status: last.resource.status.clone().unwrap_or_default(),
            name: last.name_key.clone(),
            id,
        },
    }
}

/// The tags of the resource with ARN `?1` in account `?2`, in key order; a
/// resource without tags gives one row of NULLs, and a missing resource none.
///
/// It reads the tags through the primary key `(resource_id, key)`, whose rows
/// carry `value` and `seq`, and not through `tags_by_seq`: that index lacks
/// `value`, so each tag would cost one more descent of the primary key, which
/// at a million resources (35 page reads per ListTags) no page cache holds.
/// The unary `+` keeps the planner from picking `tags_by_seq` for the seq
/// condition; the at most 50 rows are put in order in memory.
pub(crate) const LIST_TAGS_SQL: &str = "SELECT t.key, t.value, t.seq FROM resources AS r \
     LEFT JOIN tags AS t ON t.resource_id = r.id AND +t.seq > ?3 \
     WHERE r.arn = ?1 AND r.account = ?2";

/// Up to `limit` tags after position `after`, in insertion order.
///
/// The resource lookup and the tag read are one statement, so the page is one
/// snapshot even while the writer commits, without the cost of a `BEGIN`.
///
/// # Errors
/// [`Error::NotFound`] when no resource has this ARN in `account`.
pub(crate) fn list_tags(
    conn: &Connection,
    account: &str,
    arn: &str,
    after: Option<i64>,
    limit: usize,
) -> Result<TagPage, Error> {
    let mut stmt = conn.prepare_cached(LIST_TAGS_SQL).map_err(errors::sqlite)?;
    let mut rows = stmt
        .query(params![arn, account, after.unwrap_or(i64::MIN)])
        .map_err(errors::sqlite)?;
    let mut found = false;
    let mut tags = Vec::new();
    while let Some(row) = rows.next().map_err(errors::sqlite)? {
        found = true;
        // The row of NULLs of a resource with no (more) tags.
        let Some(seq) = row.get::<_, Option<i64>>(2).map_err(errors::sqlite)? else {
            continue;
        };
        let tag = Tag {
            key: row.get(0).map_err(errors::sqlite)?,
            value: row.get(1).map_err(errors::sqlite)?,
        };
        tags.push((seq, tag));
    }
    if !found {
        return Err(Error::NotFound);
    }

    tags.sort_unstable_by_key(|(seq, _)| *seq);
    let limit = limit.max(1);
    let next = if tags.len() > limit {
        tags.truncate(limit);
        tags.last().map(|(seq, _)| *seq)
    } else {
        None
    };
    Ok(TagPage {
        tags: tags.into_iter().map(|(_, tag)| tag).collect(),
        next,
    })
}

/// The row id of the resource with this exact ARN in `account`.
///
/// # Errors
/// Only SQLite failures.
pub(crate) fn resource_id(
    conn: &Connection,
    account: &str,
    arn: &str,
) -> Result<Option<i64>, Error> {
    let mut stmt = conn
        .prepare_cached("SELECT id FROM resources WHERE arn = ?1 AND account = ?2")
        .map_err(errors::sqlite)?;
    stmt.query_row(params![arn, account], |row| row.get(0))
        .optional()
        .map_err(errors::sqlite)
}

/// Proves the schema can be read.
///
/// # Errors
/// Only SQLite failures.
pub(crate) fn health(conn: &Connection) -> Result<(), Error> {
    conn.query_row(
        "SELECT count(*) FROM (SELECT 1 FROM resources LIMIT 1)",
        [],
        |_| Ok(()),
    )
    .map_err(errors::sqlite)
}

/// Resources by kind and the number of tags, over every account. One statement,
/// so both numbers come from one snapshot; it scans both tables, which is fine
/// at the rate metrics are scraped.
///
/// # Errors
/// Only SQLite failures.
pub(crate) fn counts(conn: &Connection) -> Result<Counts, Error> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT kind, count(*) FROM resources GROUP BY kind \
             UNION ALL SELECT NULL, count(*) FROM tags",
        )
        .map_err(errors::sqlite)?;
    let rows = stmt
        .query_map([], |row| {
            Ok((row.get::<_, Option<String>>(0)?, row.get::<_, i64>(1)?))
        })
        .map_err(errors::sqlite)?;
    let mut counts = Counts::default();
    for row in rows {
        let (kind, n) = row.map_err(errors::sqlite)?;
        let n = u64::try_from(n).unwrap_or(0);
        match kind {
            Some(kind) => counts.resources.push((kind, n)),
            None => counts.tags = n,
        }
    }
    counts.resources.sort();
    Ok(counts)
}
