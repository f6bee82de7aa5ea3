#!/usr/bin/env bash
# Runs the same scenarios against sagetag and moto's server in one run,
# alternating between the two, then prints sagetag/moto per scenario, and the
# SQLite group-commit ceiling of this disk.
#
#   bench/compare.sh                      # all scenarios at 1, 16 and 64
#   SCENARIOS=list-tags-50 CONCURRENCY=64 DURATION=5 bench/compare.sh
#
# Both servers run on loopback, pinned to core 0 (the load generator to core
# 1) when the machine has two cores. sagetag runs as built for release, on its
# SQLite store, verifying every signature against a credentials file; moto
# accepts any signature. Both get the same set-up calls through the API.
# Results go to bench/results/compare-<time>/.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

SCENARIOS=${SCENARIOS:-add-tags-overwrite,add-tags-new,list-tags-50,mix,model-churn}
CONCURRENCY=${CONCURRENCY:-1,16,64}
WARMUP=${WARMUP:-2}
DURATION=${DURATION:-10}
OUT=${OUT:-bench/results/compare-$(date -u +%Y%m%dT%H%M%SZ)}
TMP=bench/results/tmp/compare

if [ ! -x bench/.venv/bin/moto_server ]; then
    echo "== installing moto's server into bench/.venv" >&2
    python3 -m venv bench/.venv
    bench/.venv/bin/pip install --quiet -r bench/requirements-moto.txt
fi
[ "${SKIP_BUILD:-0}" = 1 ] || build

mkdir -p "$OUT"
rm -rf "$TMP" && mkdir -p "$TMP"
wait_quiet
machine_info | tee "$OUT/machine.txt"
write_credentials "$TMP/credentials.toml"

start_sagetag "$TMP/sagetag-data" "$TMP/credentials.toml" "$TMP"
start_moto "$TMP"
echo "== sagetag at $SAGETAG_URL (pid $SAGETAG_PID), moto at $MOTO_URL (pid $MOTO_PID)" >&2

# run_one TARGET SCENARIO CONCURRENCY: one measurement, appended to the results.
failed=0
run_one() {
    local target=$1 scenario=$2 concurrency=$3 url pid
    if [ "$target" = sagetag ]; then url=$SAGETAG_URL pid=$SAGETAG_PID
    else url=$MOTO_URL pid=$MOTO_PID; fi
    "${PIN_CLIENT[@]}" "$BENCH" run --endpoint "$url" --target "$target" \
        --scenario "$scenario" --concurrency "$concurrency" \
        --warmup "$WARMUP" --duration "$DURATION" --server-pid "$pid" \
        --results "$OUT/results.jsonl" >/dev/null || {
        echo "!!! $target $scenario c=$concurrency failed or had errors" >&2
        failed=1
    }
}

# Alternate which server goes first, so that neither always runs on a disk or
# a cache the other has just warmed or dirtied.
turn=0
IFS=, read -ra scenarios <<<"$SCENARIOS"
IFS=, read -ra concurrencies <<<"$CONCURRENCY"
for scenario in "${scenarios[@]}"; do
    for concurrency in "${concurrencies[@]}"; do
        if [ $((turn % 2)) = 0 ]; then order=(sagetag moto); else order=(moto sagetag); fi
        for target in "${order[@]}"; do
            run_one "$target" "$scenario" "$concurrency"
        done
        turn=$((turn + 1))
    done
done

echo "== sagetag RSS: $(grep -E 'VmRSS|VmHWM' /proc/"$SAGETAG_PID"/status | tr -s ' \n' ' ')" \
    | tee "$OUT/sagetag-memory.txt" >&2
stop "$SAGETAG_PID"
stop "$MOTO_PID"

echo "== SQLite group-commit ceiling on the same disk" >&2
"$BENCH" sqlite-ceiling --dir "$TMP/ceiling" --json "$OUT/ceiling.json" >/dev/null

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"
"$BENCH" report --results "$OUT/results.jsonl" --ceiling "$OUT/ceiling.json" \
    | tee "$OUT/report.md" || failed=1
if [ "${KEEP_DATA:-0}" != 1 ]; then rm -rf "$TMP/sagetag-data"; fi
echo "== results in $OUT" >&2
exit "$failed"
