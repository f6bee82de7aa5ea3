#!/usr/bin/env bash
# The scale run: ListTags and AddTags latency with 1,000 models in the store,
# then with MODELS models (default 1,000,000), 10 tags each; plus the server's
# resident memory and the database size on disk.
#
#   bench/scale.sh            # 1,000 vs 1,000,000 models
#   bench/scale.sh 100000     # a quicker run
#
# The models are written by `sagetag-bench load-models` through the store's own
# API (SqliteStore + Store::create_resource from many tasks, batched by group
# commit), not by SQL typed by hand. Results go to bench/results/scale-<time>/.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

MODELS=${1:-1000000}
SMALL=${SMALL:-1000}
TAGS=10
CONCURRENCY=${CONCURRENCY:-1,64}
WARMUP=${WARMUP:-2}
DURATION=${DURATION:-10}
OUT=${OUT:-bench/results/scale-$(date -u +%Y%m%dT%H%M%SZ)}
TMP=bench/results/tmp/scale

[ "${SKIP_BUILD:-0}" = 1 ] || build
mkdir -p "$OUT" "$TMP"
machine_info | tee "$OUT/machine.txt"
write_credentials "$TMP/credentials.toml"

failed=0
summary="$OUT/summary.md"
{
    echo "| models | load s | models/s | db MiB | RSS MiB after runs | peak RSS MiB |"
    echo "|--:|--:|--:|--:|--:|--:|"
} >"$summary"

for models in "$SMALL" "$MODELS"; do
    data="$TMP/data-$models"
    rm -rf "$data"
    echo "== loading $models models with $TAGS tags each into $data" >&2
    "$BENCH" load-models --data-dir "$data" --models "$models" --tags "$TAGS" \
        --account "$BENCH_ACCOUNT" --json "$OUT/load-$models.json" | tee -a "$OUT/load.txt"

    # The load itself keeps both cores busy; let the load average settle again.
    wait_quiet
    start_sagetag "$data" "$TMP/credentials.toml" "$TMP"
    echo "== sagetag on $models models at $SAGETAG_URL (pid $SAGETAG_PID)" >&2
    "${PIN_CLIENT[@]}" "$BENCH" run --endpoint "$SAGETAG_URL" --target "sagetag-$models" \
        --scenario list-tags-preloaded,add-tags-preloaded --concurrency "$CONCURRENCY" \
        --warmup "$WARMUP" --duration "$DURATION" --server-pid "$SAGETAG_PID" \
        --preloaded-models "$models" --preloaded-tags "$TAGS" --account "$BENCH_ACCOUNT" \
        --results "$OUT/results.jsonl" >/dev/null || failed=1

    rss=$(awk '/^VmRSS:/ {print $2}' /proc/"$SAGETAG_PID"/status)
    hwm=$(awk '/^VmHWM:/ {print $2}' /proc/"$SAGETAG_PID"/status)
    stop "$SAGETAG_PID"
    db=$(du -sb "$data" | cut -f1)
    load_s=$(sed -n 's/.*"seconds": \([0-9.]*\).*/\1/p' "$OUT/load-$models.json")
    rate=$(sed -n 's/.*"models_per_s": \([0-9.]*\).*/\1/p' "$OUT/load-$models.json")
    awk -v m="$models" -v s="$load_s" -v r="$rate" -v d="$db" -v rss="$rss" -v h="$hwm" \
        'BEGIN { printf "| %s | %.1f | %.0f | %.1f | %.1f | %.1f |\n",
                 m, s, r, d / 1048576, rss / 1024, h / 1024 }' >>"$summary"
done

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"
{
    echo "### Store size and server memory"
    echo
    cat "$summary"
    echo
    "$BENCH" report --results "$OUT/results.jsonl" \
        --candidate "sagetag-$MODELS" --baseline "sagetag-$SMALL"
} | tee "$OUT/report.md" || failed=1
if [ "${KEEP_DATA:-0}" != 1 ]; then rm -rf "$TMP"/data-*; fi
echo "== results in $OUT" >&2
exit "$failed"
