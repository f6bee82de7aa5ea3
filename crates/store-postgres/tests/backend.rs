//! What the PostgreSQL backend does beyond the shared suite: migrations when
//! several servers start at once, several stores (servers) over one database,
//! and failures of the database itself.
//!
//! Needs `SAGETAG_TEST_DATABASE_URL`, like `tests/conformance.rs`.

#[cfg(sagetag_pg_tests)]
mod support;

#[cfg(sagetag_pg_tests)]
mod cases {
    use std::collections::BTreeSet;
    use std::sync::Arc;

    use sagetag_store::{Error, NewResource, NewStep, Scope, Store, Tag, Update};
    use sagetag_store_postgres::{PgOptions, PgStore, SchemaTooNew, SCHEMA_VERSION};
    use serde_json::json;
    use tokio::task::JoinSet;

    use crate::support::FreshSchema;

    fn scope() -> Scope {
        Scope {
            account: "111122223333".to_owned(),
            region: "us-east-1".to_owned(),
        }
    }

    fn resource(kind: &str, name: &str) -> NewResource {
        NewResource {
            scope: scope(),
            kind: kind.to_owned(),
            name: name.to_owned(),
            arn: format!("arn:aws:sagemaker:us-east-1:111122223333:{kind}/{name}"),
            status: Some("InProgress".to_owned()),
            document: json!({ "Name": name }),
            created_at: 1.0,
            tags: Vec::new(),
            parent: None,
            schedule: Vec::new(),
            children: Vec::new(),
        }
    }

    async fn open(schema: &FreshSchema) -> PgStore {
        PgStore::connect_with(schema.config.clone(), &PgOptions::default())
            .await
            .expect("connect")
    }

    async fn admin(schema: &FreshSchema) -> tokio_postgres::Client {
        let (client, connection) = schema
            .config
            .connect(tokio_postgres::NoTls)
            .await
            .expect("connect");
        tokio::spawn(connection);
        client
    }

    /// Eight servers starting together on an empty database: each succeeds,
    /// and each migration is applied exactly once.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_starters_migrate_once() {
        let schema = FreshSchema::create().await;
        let mut starts = JoinSet::new();
        for _ in 0..8 {
            let config = schema.config.clone();
            let options = PgOptions::default();
            starts.spawn(async move { PgStore::connect_with(config, &options).await });
        }
        while let Some(started) = starts.join_next().await {
            started
                .expect("task")
                .expect("every starter opens the store");
        }
        let rows = admin(&schema)
            .await
            .query(
                "SELECT version FROM sagetag_migrations ORDER BY version",
                &[],
            )
            .await
            .expect("versions");
        let versions: Vec<i32> = rows.iter().map(|row| row.get(0)).collect();
        assert_eq!(versions, (1..=SCHEMA_VERSION).collect::<Vec<_>>());
    }

    /// A database migrated by a newer sagetag is refused, not touched.
    #[tokio::test]
    async fn a_newer_schema_is_refused() {
        let schema = FreshSchema::create().await;
        drop(open(&schema).await);
        admin(&schema)
            .await
            .execute(
                "INSERT INTO sagetag_migrations (version) VALUES ($1)",
                &[&(SCHEMA_VERSION + 1)],
            )
            .await
            .expect("insert");
        let err = PgStore::connect_with(schema.config.clone(), &PgOptions::default())
            .await
            .expect_err("newer schema");
        let Error::Internal(source) = &err else {
            panic!("{err:?}");
        };
        assert!(source.is::<SchemaTooNew>(), "{err}");
    }

    /// Nothing listening: Unavailable, quickly, and no panic.
    #[tokio::test]
    async fn an_unreachable_database_is_unavailable() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
        let err = PgStore::connect(&url, &PgOptions::default())
            .await
            .expect_err("nothing listens");
        assert!(matches!(err, Error::Unavailable(_)), "{err:?}");
    }

    /// A URL that asks for TLS is refused, not sent in the clear.
    #[tokio::test]
    async fn tls_is_refused_rather_than_skipped() {
        let url = "postgres://postgres@127.0.0.1:1/postgres?sslmode=require";
        let err = PgStore::connect(url, &PgOptions::default()).await;
        assert!(matches!(err, Err(Error::Internal(_))), "{err:?}");
    }

    /// Counts cover every account, kinds in order.
    #[tokio::test]
    async fn counts_cover_every_kind_and_tag() {
        let schema = FreshSchema::create().await;
        let store = open(&schema).await;
        let mut model = resource("model", "m");
        model.tags = vec![Tag {
            key: "k".to_owned(),
            value: "v".to_owned(),
        }];
        store.create_resource(model).await.expect("create");
        for name in ["a", "b"] {
            let job = resource("training-job", name);
            store.create_resource(job).await.expect("create");
        }
        let counts = store.counts().await.expect("counts").expect("some");
        let expected = [("model".to_owned(), 1), ("training-job".to_owned(), 2)];
        assert_eq!(counts.resources, expected);
        assert_eq!(counts.tags, 1);
    }

    /// Health answers from the database; a closed store is unavailable.
    #[tokio::test]
    async fn health_reaches_the_database() {
        let schema = FreshSchema::create().await;
        let store = open(&schema).await;
        store.health().await.expect("healthy");
        store.close();
        let err = store.health().await;
        assert!(matches!(err, Err(Error::Unavailable(_))), "{err:?}");
    }

    /// Four stores over one database, as four servers: 80 single-key AddTags
    /// spread over them leave exactly 50 tags, the acknowledged ones.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn servers_share_the_tag_limit() {
        let schema = FreshSchema::create().await;
        let mut stores = Vec::new();
        for _ in 0..4 {
            stores.push(Arc::new(open(&schema).await));
        }
        let arn = stores[0]
            .create_resource(resource("model", "contended"))
            .await
            .expect("create")
            .arn;

        let start = Arc::new(tokio::sync::Barrier::new(80));
        let mut tasks = JoinSet::new();
        for i in 0..80 {
            let store = Arc::clone(&stores[i % stores.len()]);
            let (arn, start) = (arn.clone(), Arc::clone(&start));
            tasks.spawn(async move {
                let tag = Tag {
                    key: format!("key-{i:02}"),
                    value: "v".to_owned(),
                };
                start.wait().await;
                let added = store
                    .add_tags(&scope().account, &arn, std::slice::from_ref(&tag), 50)
                    .await;
                (tag.key, added)
            });
        }
        let mut acknowledged = BTreeSet::new();
        let mut refused = 0;
        while let Some(joined) = tasks.join_next().await {
            match joined.expect("task") {
                (key, Ok(())) => {
                    acknowledged.insert(key);
                }
                (_, Err(Error::TagLimitExceeded { .. })) => refused += 1,
                (key, Err(err)) => panic!("{key}: {err:?}"),
            }
        }
        assert_eq!((acknowledged.len(), refused), (50, 30));
        let page = stores[3]
            .list_tags(&scope().account, &arn, None, 100)
            .await
            .expect("list");
        let stored: BTreeSet<String> = page.tags.into_iter().map(|t| t.key).collect();
        assert_eq!(stored, acknowledged);
    }

    /// Every store sees the same due step; of the updates that race to carry
    /// it out, from all of them, exactly one takes effect.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn servers_consume_a_step_once() {
        let schema = FreshSchema::create().await;
        let mut stores = Vec::new();
        for _ in 0..4 {
            stores.push(Arc::new(open(&schema).await));
        }
        let mut new = resource("hyper-parameter-tuning-job", "tune");
        new.schedule = vec![NewStep {
            due_at: 1.0,
            action: "InProgress>tick".to_owned(),
        }];
        stores[0].create_resource(new).await.expect("create");

        // Every server reads the due step before any of them acts on it.
        let read = Arc::new(tokio::sync::Barrier::new(stores.len()));
        let mut tasks = JoinSet::new();
        for (i, store) in stores.iter().enumerate() {
            let (store, read) = (Arc::clone(store), Arc::clone(&read));
            tasks.spawn(async move {
                let due = store.due_steps(2.0, 10).await.expect("due");
                read.wait().await;
                let [step] = &due[..] else {
                    panic!("one step is due: {due:?}");
                };
                // Each would launch its own training job.
                let update = Update {
                    scope: step.scope.clone(),
                    kind: step.kind.clone(),
                    name: step.name.clone(),
                    step: Some(step.id),
                    spawn: vec![resource("training-job", &format!("tune-{i}"))],
                    inherit_tags: true,
                    modified_at: 2.0,
                    ..Update::default()
                };
                store.update_resource(update).await
            });
        }
        let mut won = 0;
        while let Some(joined) = tasks.join_next().await {
            match joined.expect("task") {
                Ok(_) => won += 1,
                Err(Error::StepGone) => {}
                Err(err) => panic!("{err:?}"),
            }
        }
        assert_eq!(won, 1);
        let query = sagetag_store::ListQuery {
            limit: 10,
            ..Default::default()
        };
        let page = stores[1]
            .list_resources(&scope(), "training-job", &query)
            .await
            .expect("list");
        assert_eq!(page.items.len(), 1, "exactly one training job launched");
        assert_eq!(stores[2].due_steps(f64::MAX, 10).await.expect("due"), []);
    }
}

#[cfg(not(sagetag_pg_tests))]
#[test]
fn skipped_without_a_database() {
    eprintln!(
        "note: PostgreSQL backend tests skipped: set SAGETAG_TEST_DATABASE_URL \
         (scripts/test.sh does, with scripts/pg.sh) and rebuild"
    );
}
