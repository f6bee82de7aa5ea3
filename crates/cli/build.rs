//! Turns the export/import tests between the two backends on when
//! `SAGETAG_TEST_DATABASE_URL` is set at build time (`scripts/test.sh` sets
//! it); without it they compile to one test that says they were skipped.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(sagetag_pg_tests)");
    println!("cargo::rerun-if-env-changed=SAGETAG_TEST_DATABASE_URL");
    if std::env::var_os("SAGETAG_TEST_DATABASE_URL").is_some_and(|url| !url.is_empty()) {
        println!("cargo::rustc-cfg=sagetag_pg_tests");
    }
}
