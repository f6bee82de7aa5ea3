//! SQLite-specific behaviour beyond the shared suite: durability across a
//! reopen, schema versioning, group commit and failure isolation in a batch.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rusqlite::Connection;
use sagetag_store::{Error, ListQuery, NewResource, NewStep, Scope, SortKey, Store, Tag, Update};
use sagetag_store_sqlite::{SchemaTooNew, SqliteStore, DB_FILE_NAME, SCHEMA_VERSION};
use tokio::task::JoinSet;

const ACCOUNT: &str = "111122223333";

fn scope() -> Scope {
    Scope {
        account: ACCOUNT.to_owned(),
        region: "us-east-1".to_owned(),
    }
}

fn model(name: &str) -> NewResource {
    NewResource {
        scope: scope(),
        kind: "model".to_owned(),
        name: name.to_owned(),
        arn: format!("arn:aws:sagemaker:us-east-1:{ACCOUNT}:model/{name}"),
        status: Some("InService".to_owned()),
        document: serde_json::json!({ "ModelName": name }),
        created_at: 1_700_000_000.5,
        tags: vec![tag("first", "1")],
        parent: None,
        schedule: Vec::new(),
        children: Vec::new(),
    }
}

fn tag(key: &str, value: &str) -> Tag {
    Tag {
        key: key.to_owned(),
        value: value.to_owned(),
    }
}

fn raw(dir: &Path) -> Connection {
    let conn = Connection::open(dir.join(DB_FILE_NAME)).expect("raw connection");
    conn.busy_timeout(Duration::from_secs(5))
        .expect("busy timeout");
    conn
}

fn user_version(conn: &Connection) -> u32 {
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
        .expect("user_version")
}

/// Stalls the writer: takes the database's write lock from outside the store,
/// then gives the writer a throwaway job so that it sits in `BEGIN IMMEDIATE`
/// waiting for the lock. Jobs sent after this queue up behind it and form the
/// next batch once `lock` commits. Returns the throwaway job, to be awaited.
async fn stall_writer(
    store: &Arc<SqliteStore>,
    lock: &Connection,
) -> tokio::task::JoinHandle<Result<(), Error>> {
    lock.execute_batch("BEGIN IMMEDIATE")
        .expect("take the write lock");
    let store = Arc::clone(store);
    let stalled = tokio::spawn(async move {
        let blocker = model("blocker");
        store.create_resource(blocker).await.map(drop)
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    stalled
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn data_survives_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let created = {
        let store = SqliteStore::open(dir.path()).unwrap();
        let created = store.create_resource(model("Durable")).await.unwrap();
        let arn = &created.arn;
        store
            .add_tags(ACCOUNT, arn, &[tag("second", "2")], 50)
            .await
            .unwrap();
        store
            .add_tags(ACCOUNT, arn, &[tag("first", "one")], 50)
            .await
            .unwrap();
        created
    };

    let store = SqliteStore::open(dir.path()).unwrap();
    let found = store
        .get_resource(&scope(), "model", "durable")
        .await
        .unwrap();
    assert_eq!(found, Some(created.clone()));
    let page = store
        .list_tags(ACCOUNT, &created.arn, None, 50)
        .await
        .unwrap();
    assert_eq!(page.tags, [tag("first", "one"), tag("second", "2")]);
}

#[tokio::test]
async fn an_acknowledged_write_is_committed() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    let created = store.create_resource(model("seen")).await.unwrap();
    store
        .add_tags(ACCOUNT, &created.arn, &[tag("k", "v")], 50)
        .await
        .unwrap();

    // Another connection sees the change while the store is still open: the
    // writer answered after COMMIT, not before.
    let conn = raw(dir.path());
    let tags: i64 = conn
        .query_row("SELECT count(*) FROM tags", [], |row| row.get(0))
        .unwrap();
    assert_eq!(tags, 2);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn migrations_are_applied_once_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    drop(SqliteStore::open(dir.path()).unwrap());
    assert_eq!(user_version(&raw(dir.path())), SCHEMA_VERSION);

    // A second open finds the schema current; re-running a migration would
    // fail on its CREATE TABLE.
    let store = SqliteStore::open(dir.path()).unwrap();
    store.create_resource(model("after-reopen")).await.unwrap();
    drop(store);
    assert_eq!(user_version(&raw(dir.path())), SCHEMA_VERSION);
}

/// A file written at schema version 1 is migrated on open and keeps its
/// resources and tags; they have no parent and no steps, and take steps.
#[tokio::test]
async fn a_version_1_file_is_migrated_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let arn = format!("arn:aws:sagemaker:us-east-1:{ACCOUNT}:model/Old");
    let conn = raw(dir.path());
    conn.execute_batch(include_str!("../migrations/0001_initial.sql"))
        .unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    conn.execute(
        "INSERT INTO resources (account, region, kind, name, name_key, arn, status, \
         document, created_at, modified_at, last_tag_seq) \
         VALUES (?1, 'us-east-1', 'model', 'Old', 'old', ?2, NULL, '{\"ModelName\":\"Old\"}', \
         1.5, 2.5, 1)",
        rusqlite::params![ACCOUNT, arn],
    )
    .unwrap();
    conn.execute("INSERT INTO tags VALUES (1, 'k', 'v', 1)", [])
        .unwrap();
    drop(conn);

    let store = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(user_version(&raw(dir.path())), SCHEMA_VERSION);
    let found = store.get_resource_by_arn(ACCOUNT, &arn).await.unwrap();
    let found = found.expect("the old resource");
    assert_eq!((found.name.as_str(), found.parent), ("Old", None));
    assert_eq!((found.created_at, found.modified_at), (1.5, 2.5));
    assert_eq!(found.document, serde_json::json!({ "ModelName": "Old" }));
    let page = store.list_tags(ACCOUNT, &arn, None, 50).await.unwrap();
    assert_eq!(page.tags, [tag("k", "v")]);
    assert_eq!(store.next_step_due().await.unwrap(), None);

    let update = Update {
        scope: scope(),
        kind: "model".to_owned(),
        name: "old".to_owned(),
        schedule: vec![NewStep {
            due_at: 3.0,
            action: "Check".to_owned(),
        }],
        modified_at: 3.5,
        ..Update::default()
    };
    store.update_resource(update).await.unwrap();
    let steps = store.due_steps(3.0, 10).await.unwrap();
    assert_eq!((steps.len(), steps[0].name.as_str()), (1, "Old"));
}

#[tokio::test]
async fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let conn = raw(dir.path());
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(conn);

    let err = SqliteStore::open(dir.path()).expect_err("a newer schema");
    let Error::Internal(source) = &err else {
        panic!("expected Internal, got {err:?}");
    };
    let too_new = source.downcast_ref::<SchemaTooNew>().expect("SchemaTooNew");
    assert_eq!(
        (too_new.found, too_new.known),
        (SCHEMA_VERSION + 1, SCHEMA_VERSION)
    );
    assert!(err.to_string().contains("newer than this build"), "{err}");

    // The file was left as it was.
    let conn = raw(dir.path());
    assert_eq!(user_version(&conn), SCHEMA_VERSION + 1);
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))
        .unwrap();
    assert_eq!(tables, 0);
}

#[tokio::test]
async fn a_file_that_is_not_a_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(DB_FILE_NAME), vec![0x5a; 8192]).unwrap();
    let err = SqliteStore::open(dir.path()).expect_err("not a database");
    assert!(matches!(err, Error::Internal(_)), "{err:?}");

    let file = dir.path().join("a-file");
    std::fs::write(&file, b"").unwrap();
    let err = SqliteStore::open(&file).expect_err("a file, not a directory");
    assert!(matches!(err, Error::Internal(_)), "{err:?}");
}

/// 64 concurrent writers, released at once, need fewer commits than writes.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writes_share_commits() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(dir.path()).unwrap());
    let arn = store.create_resource(model("busy")).await.unwrap().arn;
    let before = store.stats();

    let start = Arc::new(tokio::sync::Barrier::new(64));
    let mut tasks = JoinSet::new();
    for i in 0..64 {
        let (store, arn, start) = (Arc::clone(&store), arn.clone(), Arc::clone(&start));
        tasks.spawn(async move {
            start.wait().await;
            store
                .add_tags(ACCOUNT, &arn, &[tag(&format!("k{i}"), "v")], 100)
                .await
        });
    }
    while let Some(joined) = tasks.join_next().await {
        joined.unwrap().unwrap();
    }

    let after = store.stats();
    let (jobs, commits) = (after.jobs - before.jobs, after.commits - before.commits);
    eprintln!("64 concurrent add_tags: {jobs} jobs in {commits} commits, {after:?}");
    assert_eq!(jobs, 64);
    assert!(commits < jobs, "{commits} commits for {jobs} jobs");
    let page = store.list_tags(ACCOUNT, &arn, None, 100).await.unwrap();
    assert_eq!(page.tags.len(), 65);
}

/// With the writer held up, everything queued behind it goes in one commit.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn queued_writes_go_in_one_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(dir.path()).unwrap());
    let arn = store.create_resource(model("queued")).await.unwrap().arn;
    let before = store.stats();

    let lock = raw(dir.path());
    let stalled = stall_writer(&store, &lock).await;
    let mut tasks = JoinSet::new();
    for i in 0..64 {
        let (store, arn) = (Arc::clone(&store), arn.clone());
        tasks.spawn(async move {
            store
                .add_tags(ACCOUNT, &arn, &[tag(&format!("k{i}"), "v")], 100)
                .await
        });
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    lock.execute_batch("COMMIT").unwrap();
    stalled.await.unwrap().unwrap();
    while let Some(joined) = tasks.join_next().await {
        joined.unwrap().unwrap();
    }

    // One commit for the throwaway job, one for all 64 queued behind it.
    let after = store.stats();
    let (jobs, commits) = (after.jobs - before.jobs, after.commits - before.commits);
    eprintln!("64 queued add_tags: {jobs} jobs in {commits} commits, {after:?}");
    assert_eq!((jobs, commits), (65, 2));
    assert_eq!(after.largest_batch, 64);
    // The histograms agree: one batch of 1 and one of 64 (bucket 32 < n <= 64).
    let batches = |s: &sagetag_store_sqlite::Stats, i: usize| s.batch_sizes[i];
    assert_eq!(batches(&after, 0) - batches(&before, 0), 1);
    assert_eq!(batches(&after, 6) - batches(&before, 6), 1);
    let timed = |s: &sagetag_store_sqlite::Stats| s.commit_micros.iter().sum::<u64>();
    assert_eq!(timed(&after) - timed(&before), 2);
    assert!(after.commit_micros_total > before.commit_micros_total);
}

/// Jobs that fail inside a batch roll back alone; their neighbours commit.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failed_job_rolls_back_alone() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(dir.path()).unwrap());
    let arn = store.create_resource(model("target")).await.unwrap().arn;
    let before = store.stats();

    let lock = raw(dir.path());
    let stalled = stall_writer(&store, &lock).await;
    let mut tasks = JoinSet::new();
    let writes: [(&str, Vec<Tag>, usize); 5] = [
        ("ok-1", vec![tag("a", "1")], 50),
        (
            "over-limit",
            vec![tag("b", "2"), tag("c", "3"), tag("first", "x")],
            3,
        ),
        ("missing", vec![tag("d", "4")], 50),
        ("ok-2", vec![tag("e", "5"), tag("first", "changed")], 50),
        ("ok-3", vec![tag("f", "6")], 50),
    ];
    for (label, tags, max) in writes {
        let store = Arc::clone(&store);
        let arn = if label == "missing" {
            format!("{arn}-gone")
        } else {
            arn.clone()
        };
        tasks.spawn(async move { (label, store.add_tags(ACCOUNT, &arn, &tags, max).await) });
        // Queue them in this order.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let duplicate = {
        let store = Arc::clone(&store);
        tokio::spawn(async move { store.create_resource(model("TARGET")).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    lock.execute_batch("COMMIT").unwrap();
    stalled.await.unwrap().unwrap();

    let mut outcomes = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        outcomes.push(joined.unwrap());
    }
    outcomes.sort_by_key(|(label, _)| *label);
    for (label, outcome) in &outcomes {
        match *label {
            "missing" => assert!(matches!(outcome, Err(Error::NotFound)), "{outcome:?}"),
            "over-limit" => assert!(
                matches!(
                    outcome,
                    Err(Error::TagLimitExceeded {
                        would_have: 4,
                        max: 3
                    })
                ),
                "{outcome:?}"
            ),
            _ => assert!(outcome.is_ok(), "{label}: {outcome:?}"),
        }
    }
    let duplicate = duplicate.await.unwrap();
    assert!(
        matches!(duplicate, Err(Error::AlreadyExists)),
        "{duplicate:?}"
    );

    let page = store.list_tags(ACCOUNT, &arn, None, 50).await.unwrap();
    let expected = [
        tag("first", "changed"),
        tag("a", "1"),
        tag("e", "5"),
        tag("f", "6"),
    ];
    assert_eq!(page.tags, expected);
    let after = store.stats();
    // The three failures shared one transaction with the three writes that
    // committed: the throwaway job's batch, then all six.
    assert_eq!(after.jobs - before.jobs, 7);
    assert_eq!(after.commits - before.commits, 2, "{after:?}");
    assert_eq!(after.largest_batch, 6, "{after:?}");
}

#[tokio::test]
async fn a_cursor_for_another_order_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    for name in ["a", "b", "c"] {
        store.create_resource(model(name)).await.unwrap();
    }
    let by_name = ListQuery {
        sort_by: SortKey::Name,
        limit: 1,
        ..ListQuery::default()
    };
    let page = store
        .list_resources(&scope(), "model", &by_name)
        .await
        .unwrap();
    let cursor = page.next.expect("more pages");

    let others = [
        ListQuery {
            sort_by: SortKey::CreationTime,
            ..by_name.clone()
        },
        ListQuery {
            descending: true,
            ..by_name.clone()
        },
    ];
    for query in others {
        let query = ListQuery {
            after: Some(cursor.clone()),
            ..query
        };
        let got = store.list_resources(&scope(), "model", &query).await;
        assert!(
            matches!(got, Err(Error::InvalidCursor)),
            "{query:?}: {got:?}"
        );
    }
}

#[tokio::test]
async fn health_reports_ok_and_counts_a_ping() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    store.health().await.unwrap();
    assert_eq!(store.stats().jobs, 1);
    assert_eq!(store.stats().commits, 1);
}

#[tokio::test]
async fn counts_cover_every_account_and_kind() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    let empty = store.counts().await.unwrap().expect("SQLite counts");
    assert_eq!((empty.resources.len(), empty.tags), (0, 0));

    store.create_resource(model("a")).await.unwrap();
    let b = store.create_resource(model("b")).await.unwrap();
    store
        .add_tags(ACCOUNT, &b.arn, &[tag("second", "2")], 50)
        .await
        .unwrap();
    let mut elsewhere = model("a");
    elsewhere.scope.account = "444455556666".to_owned();
    elsewhere.kind = "endpoint".to_owned();
    elsewhere.arn = "arn:aws:sagemaker:us-east-1:444455556666:endpoint/a".to_owned();
    store.create_resource(elsewhere).await.unwrap();

    let counts = store.counts().await.unwrap().unwrap();
    let expected = vec![("endpoint".to_owned(), 1), ("model".to_owned(), 2)];
    assert_eq!(counts.resources, expected);
    assert_eq!(counts.tags, 4);
}

/// Many more concurrent ListTags than read connections, while one writer keeps
/// overwriting two tags together: every page holds both tags with the same
/// value (each read is one snapshot), in insertion order, and no read fails
/// whether it ran on the calling thread or waited for a pooled connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn point_reads_beside_the_writer_each_see_one_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(dir.path()).unwrap());
    let arn = store.create_resource(model("pair")).await.unwrap().arn;
    let pair = |n: usize| [tag("a", &n.to_string()), tag("b", &n.to_string())];
    store.add_tags(ACCOUNT, &arn, &pair(0), 50).await.unwrap();

    let writer = {
        let (store, arn) = (Arc::clone(&store), arn.clone());
        tokio::spawn(async move {
            for n in 1..=200 {
                store.add_tags(ACCOUNT, &arn, &pair(n), 50).await.unwrap();
            }
        })
    };
    let mut readers = JoinSet::new();
    for _ in 0..32 {
        let (store, arn) = (Arc::clone(&store), arn.clone());
        readers.spawn(async move {
            for _ in 0..50 {
                let page = store.list_tags(ACCOUNT, &arn, None, 50).await.unwrap();
                let keys: Vec<&str> = page.tags.iter().map(|t| t.key.as_str()).collect();
                assert_eq!(keys, ["first", "a", "b"]);
                assert_eq!(page.tags[1].value, page.tags[2].value, "{page:?}");
                let found = store.get_resource_by_arn(ACCOUNT, &arn).await.unwrap();
                assert!(found.is_some());
            }
        });
    }
    while let Some(joined) = readers.join_next().await {
        joined.unwrap();
    }
    writer.await.unwrap();
    let page = store.list_tags(ACCOUNT, &arn, None, 50).await.unwrap();
    assert_eq!(page.tags[1], tag("a", "200"));
}
