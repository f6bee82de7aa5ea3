#!/usr/bin/env bash
# Runs the fuzz targets of fuzz/ (cargo-fuzz, libFuzzer) for a bounded time
# each, one after the other, and fails on the first crash, panic, hang or
# memory blow-up.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# SECONDS is the time per target (default 20; scripts/test.sh uses that);
# TARGET defaults to every target (`cargo fuzz list`). For a longer run:
# `scripts/fuzz.sh 600`.
#
# cargo-fuzz is installed when missing. It builds with unstable rustc flags
# (libFuzzer's coverage instrumentation, and the sanitizer's), which the
# stable toolchain accepts under RUSTC_BOOTSTRAP=1; the script sets it. The
# build (release, debug assertions on) goes to fuzz/target.
#
# SAGETAG_FUZZ_SANITIZER picks cargo-fuzz's sanitizer, `none` by default:
# sagetag forbids unsafe code, so AddressSanitizer (`address`) only watches
# the unsafe code of dependencies, for about 2 more minutes of build and a
# sixth of the executions per second. Switching rebuilds everything.
#
# Each target reads its seeds from fuzz/corpus/<target> (committed, kept
# small, written by fuzz/make_seeds.py, as is fuzz/dict/) and writes what it
# finds to fuzz/target/corpus/<target>, which later runs start from. A
# failing input is saved in fuzz/artifacts/<target>/; replay it with
# `RUSTC_BOOTSTRAP=1 cargo fuzz run -s none <target> <file>` from fuzz/ (the
# same sanitizer as the run that found it).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo/fuzz"

seconds="${1:-20}"
shift || true
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "fuzz.sh: SECONDS must be a number" >&2; exit 2; }

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: installing cargo-fuzz (cargo install cargo-fuzz --locked)"
    cargo install cargo-fuzz --locked
fi

export RUSTC_BOOTSTRAP=1
cargo_fuzz=(cargo fuzz)
flags=(--sanitizer "${SAGETAG_FUZZ_SANITIZER:-none}")

targets=("$@")
if (( ${#targets[@]} == 0 )); then
    mapfile -t targets < <("${cargo_fuzz[@]}" list)
fi

started=$SECONDS
"${cargo_fuzz[@]}" build "${flags[@]}"
echo "fuzz.sh: built in $((SECONDS - started))s"

summary=()
for target in "${targets[@]}"; do
    work="target/corpus/$target"
    mkdir -p "$work"
    log="target/fuzz-$target.log"
    # A dictionary of tokens the fuzzer cannot find by itself (dict/<target>.dict).
    dict=()
    if [[ -f "dict/$target.dict" ]]; then
        dict=(-dict="$PWD/dict/$target.dict")
    fi
    echo "fuzz.sh: $target for ${seconds}s"
    # -timeout: one input taking over 10 s is a hang; -rss_limit_mb: memory.
    if ! "${cargo_fuzz[@]}" run "${flags[@]}" "$target" "$work" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
        -print_final_stats=1 "${dict[@]}" >"$log" 2>&1; then
        tail -n 60 "$log" >&2
        echo "fuzz.sh: $target FAILED; the input is in fuzz/artifacts/$target/" >&2
        exit 1
    fi
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
    summary+=("$target: ${runs:-?} executions in ${seconds}s, corpus $(ls "$work" | wc -l) inputs")
done

printf 'fuzz.sh: %s\n' "${summary[@]}"
echo "fuzz.sh: done in $((SECONDS - started))s"
