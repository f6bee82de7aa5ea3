//! The shared storage conformance suite, run on PostgreSQL with a fresh
//! database per case, once with each isolation level of write transactions.
//!
//! Needs `SAGETAG_TEST_DATABASE_URL`, the URL of a database of a cluster
//! where this user may create databases (`scripts/test.sh` starts one with
//! `scripts/pg.sh` and sets it); without it the suite is skipped with a note.

#[cfg(sagetag_pg_tests)]
mod support;

#[cfg(sagetag_pg_tests)]
mod read_committed {
    sagetag_store::store_conformance_tests!(crate::support::fresh(
        sagetag_store_postgres::Isolation::ReadCommitted
    ));
}

#[cfg(sagetag_pg_tests)]
mod serializable {
    sagetag_store::store_conformance_tests!(crate::support::fresh(
        sagetag_store_postgres::Isolation::Serializable
    ));
}

#[cfg(not(sagetag_pg_tests))]
#[test]
fn skipped_without_a_database() {
    eprintln!(
        "note: PostgreSQL conformance tests skipped: set SAGETAG_TEST_DATABASE_URL \
         (scripts/test.sh does, with scripts/pg.sh) and rebuild"
    );
}
