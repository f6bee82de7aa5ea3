//! Checks, on the real schema, that every query which grows with the data
//! reaches its rows through an index, by reading SQLite's `EXPLAIN QUERY PLAN`.
//! Without statistics the planner's choice can surprise; these tests pin it.

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};
use sagetag_store::{ListQuery, Scope, SortKey};

use crate::cursor::Cursor;
use crate::{migrations, read, steps, update};

fn schema() -> Connection {
    let mut conn = Connection::open_in_memory().unwrap();
    migrations::apply(&mut conn).unwrap();
    conn
}

/// The `detail` lines of the plan of `sql`, one per step.
fn plan(conn: &Connection, sql: &str, args: Vec<Value>) -> Vec<String> {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let rows = stmt
        .query_map(params_from_iter(args), |row| row.get::<_, String>(3))
        .unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

/// The plan reads `table` through `index` and scans no table whole.
fn assert_searches(plan: &[String], table: &str, index: &str) {
    let search = format!("SEARCH {table} USING ");
    let uses = |line: &String| {
        line.starts_with(&search)
            && (line.contains(&format!("INDEX {index} ")) || line.ends_with(&format!(" {index}")))
    };
    assert!(plan.iter().any(uses), "{index} not used: {plan:?}");
    assert!(!plan.iter().any(|l| l.starts_with("SCAN")), "{plan:?}");
}

fn scope() -> Scope {
    Scope {
        account: "111122223333".to_owned(),
        region: "us-east-1".to_owned(),
    }
}

/// A cursor for `sort`, so that the keyset condition is part of the plan.
fn cursor(sort: SortKey) -> Cursor {
    let (desc, id) = (false, 7);
    match sort {
        SortKey::Name => Cursor::Name {
            desc,
            name: "m".into(),
            id,
        },
        SortKey::CreationTime => Cursor::Created { desc, at: 1.5, id },
        SortKey::Status => Cursor::Status {
            desc,
            status: "InProgress".into(),
            name: "m".into(),
            id,
        },
    }
}

fn listing_plans(query: &ListQuery) -> Vec<(SortKey, Vec<String>)> {
    let conn = schema();
    let mut plans = Vec::new();
    for sort_by in [SortKey::Name, SortKey::CreationTime, SortKey::Status] {
        for after in [None, Some(cursor(sort_by))] {
            let query = ListQuery {
                sort_by,
                ..query.clone()
            };
            let (sql, args) =
                read::listing_sql(&scope(), "training-job", &query, after.as_ref(), 10);
            plans.push((sort_by, plan(&conn, &sql, args)));
        }
    }
    plans
}

#[test]
fn listing_by_parent_goes_through_the_parent_index() {
    let query = ListQuery {
        parent: Some(
            "arn:aws:sagemaker:us-east-1:111122223333:hyper-parameter-tuning-job/t".into(),
        ),
        modified_after: Some(1.0),
        status_equals: Some("InProgress".into()),
        ..ListQuery::default()
    };
    for (sort, plan) in listing_plans(&query) {
        assert_searches(&plan, "resources", "resources_by_parent");
        // The default order of ListTrainingJobsForHyperParameterTuningJob
        // comes straight from the index.
        if sort == SortKey::Name {
            assert!(!plan.iter().any(|l| l.contains("TEMP B-TREE")), "{plan:?}");
        }
    }
}

#[test]
fn modification_filters_keep_the_sort_indexes() {
    let query = ListQuery {
        modified_before: Some(9.0),
        modified_after: Some(1.0),
        ..ListQuery::default()
    };
    let expected = |sort| match sort {
        SortKey::Name => "sqlite_autoindex_resources_2",
        SortKey::CreationTime => "resources_by_created",
        SortKey::Status => "resources_by_status",
    };
    for (sort, plan) in listing_plans(&query) {
        assert_searches(&plan, "resources", expected(sort));
        assert!(!plan.iter().any(|l| l.contains("TEMP B-TREE")), "{plan:?}");
    }
}

#[test]
fn lookups_by_arn_and_parent_use_indexes() {
    let conn = schema();
    let arn = || Value::Text("arn:aws:sagemaker:us-east-1:111122223333:model/m".into());

    let by_arn = plan(&conn, &read::by_arn_sql(), vec![arn(), arn()]);
    assert_searches(&by_arn, "resources", "sqlite_autoindex_resources_1");
    let children = plan(&conn, update::CHILDREN_SQL, vec![arn()]);
    assert_searches(&children, "resources", "resources_by_parent");
}

#[test]
fn step_queries_use_indexes() {
    let conn = schema();

    let due = plan(
        &conn,
        steps::DUE_SQL,
        vec![Value::Real(1.0), Value::Integer(10)],
    );
    assert_searches(&due, "s", "steps_by_due");
    assert!(!due.iter().any(|l| l.contains("TEMP B-TREE")), "{due:?}");
    let next = plan(&conn, steps::NEXT_DUE_SQL, Vec::new());
    assert_searches(&next, "steps", "steps_by_due");
    let cancel = plan(&conn, steps::CANCEL_SQL, vec![Value::Integer(1)]);
    assert_searches(&cancel, "steps", "steps_by_resource");
}

#[test]
fn list_tags_reads_the_primary_key_not_tags_by_seq() {
    let conn = schema();
    let arn = Value::Text("arn:aws:sagemaker:us-east-1:111122223333:model/m".into());
    let args = vec![arn, Value::Text("111122223333".into()), Value::Integer(3)];

    let plan = plan(&conn, read::LIST_TAGS_SQL, args);
    assert_searches(&plan, "r", "sqlite_autoindex_resources_1");
    let by_key = |l: &String| l.starts_with("SEARCH t USING PRIMARY KEY (resource_id=?)");
    assert!(plan.iter().any(by_key), "{plan:?}");
    assert!(!plan.iter().any(|l| l.contains("tags_by_seq")), "{plan:?}");
}
