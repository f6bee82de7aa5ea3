#!/usr/bin/env bash
# Runs every test of the project: format and lint gates, the Rust unit and
# conformance tests, then the end-to-end suite against the real binary
# through boto3 and the AWS CLI, then through the AWS SDKs for JavaScript v3
# (Node.js 20 or newer) and Rust. Stops at the first failing step.
#
# Extra arguments go to pytest, e.g. `./scripts/test.sh -k sigv4 -x`.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${SAGETAG_VENV:-$repo/.venv}"
cd "$repo"

current_step=""
step() {
    current_step="$1"
    printf '\n==> %s\n' "$current_step"
}
pg_cleanup=""
on_exit() {
    local status=$?
    if [[ -n "$pg_cleanup" ]]; then
        scripts/pg.sh "$pg_cleanup" >/dev/null 2>&1 || true
    fi
    if (( status != 0 )); then
        printf "\n==> FAILED: %s (exit %d)\n" "$current_step" "$status" >&2
    fi
}
trap on_exit EXIT

step "cargo fmt --check"
cargo fmt --all -- --check

# A throwaway PostgreSQL cluster (scripts/pg.sh) for the PostgreSQL backend's
# conformance tests (also linted with it) and the second end-to-end run;
# destroyed on exit.
step "PostgreSQL for the tests"
# A cluster in a SAGETAG_PG_HOME of the caller's is only stopped at the end.
pg_cleanup=stop
if [[ -z "${SAGETAG_PG_HOME:-}" ]]; then
    SAGETAG_PG_HOME="$(mktemp -d "${TMPDIR:-/tmp}/sagetag-pg.XXXXXX")"
    pg_cleanup=destroy
fi
export SAGETAG_PG_HOME
SAGETAG_TEST_DATABASE_URL="$(scripts/pg.sh start)"
export SAGETAG_TEST_DATABASE_URL
echo "PostgreSQL at $SAGETAG_TEST_DATABASE_URL"

# The AWS SDK for Rust suite is left to its own step below: its build takes minutes.
step "cargo clippy"
cargo clippy --workspace --exclude sagetag-rust-sdk-tests --all-targets --all-features \
    -- -D warnings

step "cargo test"
cargo test --workspace --exclude sagetag-rust-sdk-tests --all-features

# Each fuzz target for SAGETAG_FUZZ_SECONDS (default 20), after its own build
# in fuzz/target; a longer run is `scripts/fuzz.sh 600`.
step "fuzz"
scripts/fuzz.sh "${SAGETAG_FUZZ_SECONDS:-20}"

step "cargo build -p sagetag"
cargo build -p sagetag

step "python venv"
scripts/setup-venv.sh

step "end-to-end tests"
if [[ -z "${SAGETAG_BIN:-}" ]]; then
    target_dir="$(cargo metadata --format-version 1 --no-deps \
        | "$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
    SAGETAG_BIN="$target_dir/debug/sagetag"
fi
export SAGETAG_BIN
echo "using $SAGETAG_BIN"
"$venv/bin/python" -m pytest tests/e2e -q "$@"

step "end-to-end tests on PostgreSQL"
SAGETAG_E2E_DATABASE_URL="$SAGETAG_TEST_DATABASE_URL" "$venv/bin/python" -m pytest tests/e2e -q "$@"

step "AWS SDK for JavaScript v3 tests"
scripts/setup-js.sh
(cd tests/js && node --test)

step "AWS SDK for Rust tests"
cargo test -p sagetag-rust-sdk-tests

printf '\n==> all steps passed\n'
