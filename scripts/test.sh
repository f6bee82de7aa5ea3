#!/usr/bin/env bash
# Runs every test of the project: format and lint gates, the Rust unit and
# conformance tests, then the end-to-end suite against the real binary
# through boto3 and the AWS CLI. Stops at the first failing step.
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
trap 'status=$?; if (( status != 0 )); then printf "\n==> FAILED: %s (exit %d)\n" "$current_step" "$status" >&2; fi' EXIT

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets --all-features -- -D warnings

step "cargo test"
cargo test --workspace --all-features

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

printf '\n==> all steps passed\n'
