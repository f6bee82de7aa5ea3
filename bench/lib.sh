# Shared by compare.sh and scale.sh: build, pin, start and stop servers.
# Source it from the repository root; it defines functions and a few variables.

# The shared target directory, so the release server is built once for everyone.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
SAGETAG="${SAGETAG_BIN:-$CARGO_TARGET_DIR/release/sagetag}"
BENCH="$CARGO_TARGET_DIR/release/sagetag-bench"

# The signing key both servers are driven with. moto accepts any signature;
# sagetag is started with a credentials file that holds this key, so every
# request's signature is verified.
export AWS_ACCESS_KEY_ID="AKIDSAGETAGBENCH"
AWS_SECRET_ACCESS_KEY="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export AWS_SECRET_ACCESS_KEY
export AWS_REGION="us-east-1"
BENCH_ACCOUNT="123456789012"

# Servers on core 0, the load generator on core 1, when there are two cores.
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
    PIN_SERVER=(taskset -c 0)
    PIN_CLIENT=(taskset -c 1)
else
    PIN_SERVER=()
    PIN_CLIENT=()
fi

# Server logs go nowhere unless KEEP_LOGS=1: at tens of thousands of requests a
# second the per-request line would fill the disk the database is measured on.
# The server still formats every line, as it would in production.
server_log() {
    if [ "${KEEP_LOGS:-0}" = 1 ]; then echo "$1"; else echo /dev/null; fi
}

build() {
    echo "== building sagetag and sagetag-bench (release, $CARGO_TARGET_DIR)" >&2
    cargo build --release -p sagetag -p sagetag-bench >&2
}

# write_credentials FILE: the TOML keys file holding the bench key.
write_credentials() {
    cat >"$1" <<TOML
[[credentials]]
access_key_id = "$AWS_ACCESS_KEY_ID"
secret_access_key = "$AWS_SECRET_ACCESS_KEY"
account_id = "$BENCH_ACCOUNT"
TOML
    chmod 600 "$1"
}

# start_sagetag DATA_DIR CREDENTIALS OUTDIR: starts the server on a free port
# and sets SAGETAG_PID and SAGETAG_URL.
start_sagetag() {
    local data_dir=$1 credentials=$2 outdir=$3
    local stdout="$outdir/sagetag.stdout"
    : >"$stdout"
    "${PIN_SERVER[@]}" "$SAGETAG" serve --listen 127.0.0.1:0 --data-dir "$data_dir" \
        --credentials "$credentials" >"$stdout" 2>"$(server_log "$outdir/sagetag.log")" &
    SAGETAG_PID=$!
    STARTED_PIDS+=("$SAGETAG_PID")
    for _ in $(seq 100); do
        SAGETAG_URL=$(sed -n 's/^sagetag listening on \(http:\/\/[0-9.:]*\).*/\1/p' "$stdout")
        [ -n "$SAGETAG_URL" ] && return 0
        kill -0 "$SAGETAG_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "sagetag did not start; see $outdir" >&2
    return 1
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# start_moto OUTDIR: starts moto's server on a free port and sets MOTO_PID and
# MOTO_URL.
start_moto() {
    local outdir=$1 port
    port=$(free_port)
    "${PIN_SERVER[@]}" bench/.venv/bin/moto_server -H 127.0.0.1 -p "$port" \
        >"$(server_log "$outdir/moto.log")" 2>&1 &
    MOTO_PID=$!
    STARTED_PIDS+=("$MOTO_PID")
    MOTO_URL="http://127.0.0.1:$port"
    for _ in $(seq 150); do
        curl -sf -o /dev/null "$MOTO_URL/moto-api/data.json" && return 0
        kill -0 "$MOTO_PID" 2>/dev/null || break
        sleep 0.2
    done
    echo "moto did not start" >&2
    return 1
}

# stop PID: asks a server this script started to stop, and waits for it.
stop() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# Every server this script started, stopped on exit whatever happens.
STARTED_PIDS=()
stop_all() {
    for pid in "${STARTED_PIDS[@]}"; do
        stop "$pid"
    done
}
trap stop_all EXIT

# machine_info: what the figures were measured on.
machine_info() {
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "nproc: $(nproc)"
    echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | sort -u | paste -sd';')"
    echo "memory: $(free -h | awk '/^Mem:/ {print $2}')"
    local device
    device=$(basename "$(df --output=source . | tail -1)")
    echo "disk: $(df -h --output=source,fstype,size . | tail -1 | tr -s ' '), rotational=$(
        cat "/sys/block/$device/queue/rotational" 2>/dev/null || echo '?')"
    echo "kernel: $(uname -r)"
    echo "pinning: server=${PIN_SERVER[*]:-none} client=${PIN_CLIENT[*]:-none}"
    echo "server binary: $SAGETAG, built $(date -u -r "$SAGETAG" +%Y-%m-%dT%H:%M:%SZ)," \
        "sha256 $(sha256sum "$SAGETAG" | cut -c1-12)"
    echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# wait_quiet: other work on this machine skews every figure, so wait (up to
# QUIET_WAIT seconds, default 600) for the 1-minute load average to fall below
# QUIET_LOAD (default 1.0). Runs go ahead anyway afterwards; each result
# records the load average it was measured under.
wait_quiet() {
    local limit=${QUIET_LOAD:-1.0} waited=0 load
    while :; do
        load=$(cut -d' ' -f1 /proc/loadavg)
        awk -v l="$load" -v m="$limit" 'BEGIN { exit !(l < m) }' && return 0
        if [ "$waited" -ge "${QUIET_WAIT:-600}" ]; then
            echo "!!! load average still $load after ${waited}s; measuring anyway" >&2
            return 0
        fi
        echo "== load average $load >= $limit, waiting for a quiet moment" >&2
        sleep 15
        waited=$((waited + 15))
    done
}
