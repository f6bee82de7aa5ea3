//! The shared storage conformance suite, run on SQLite with a fresh database
//! directory per case.

use sagetag_store_sqlite::SqliteStore;
use tempfile::TempDir;

async fn fresh() -> (SqliteStore, TempDir) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = SqliteStore::open(dir.path()).expect("open a fresh store");
    (store, dir)
}

sagetag_store::store_conformance_tests!(fresh());
