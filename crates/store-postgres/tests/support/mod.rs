//! Fresh, empty places for the PostgreSQL tests: one schema per case, in the
//! database of `SAGETAG_TEST_DATABASE_URL`, dropped when the case ends. A
//! schema is much quicker to make than a database, and the store reaches it
//! the way a deployment would: through `search_path` in the connection
//! options.
#![allow(dead_code)] // Each test binary uses its own part of this module.

use sagetag_store_postgres::{Isolation, PgOptions, PgStore};

/// A schema created for one case; dropping it drops the schema.
pub struct FreshSchema {
    admin: tokio_postgres::Config,
    /// Connection settings that put the schema first on the search path.
    pub config: tokio_postgres::Config,
    name: String,
}

/// The cluster's URL from the environment.
pub fn admin_url() -> String {
    std::env::var("SAGETAG_TEST_DATABASE_URL")
        .expect("SAGETAG_TEST_DATABASE_URL is set (the build saw it)")
}

async fn admin(config: &tokio_postgres::Config) -> tokio_postgres::Client {
    let (client, connection) = config
        .connect(tokio_postgres::NoTls)
        .await
        .expect("connect to SAGETAG_TEST_DATABASE_URL");
    tokio::spawn(connection);
    client
}

impl FreshSchema {
    /// Creates an empty schema with a unique name.
    pub async fn create() -> FreshSchema {
        let admin_config: tokio_postgres::Config = admin_url()
            .parse()
            .expect("SAGETAG_TEST_DATABASE_URL parses");
        let name = format!("sagetag_test_{}", uuid::Uuid::new_v4().simple());
        admin(&admin_config)
            .await
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .await
            .expect("CREATE SCHEMA");
        let mut config = admin_config.clone();
        config.options(format!("-c search_path={name}"));
        FreshSchema {
            admin: admin_config,
            config,
            name,
        }
    }
}

impl Drop for FreshSchema {
    fn drop(&mut self) {
        // Drop runs inside the test's runtime, which cannot be blocked on;
        // a thread with its own runtime can.
        let (admin_config, name) = (self.admin.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                // The case's own connections may still be open (their tasks
                // belong to the blocked runtime); give up rather than wait
                // for them forever.
                let sql = format!(
                    "SET lock_timeout = '10s'; \
                     DROP SCHEMA IF EXISTS {name} CASCADE"
                );
                admin(&admin_config).await.batch_execute(&sql).await
            })
        });
        if let Ok(Err(err)) = dropped.join() {
            eprintln!("could not drop test schema {}: {err}", self.name);
        }
    }
}

/// A store on a fresh schema, and the schema's guard.
pub async fn fresh(isolation: Isolation) -> (PgStore, FreshSchema) {
    let db = FreshSchema::create().await;
    let options = PgOptions {
        isolation,
        ..PgOptions::default()
    };
    let store = PgStore::connect_with(db.config.clone(), &options)
        .await
        .expect("open a fresh store");
    (store, db)
}
