#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: its own directory, a free
# loopback port, trust authentication for the `postgres` user, no service of
# the machine touched.
#
#   scripts/pg.sh start              initialise (first time) and start it; prints its URL
#   scripts/pg.sh stop [MODE]        stop it, keeping its data (MODE: fast, the
#                                    default, or immediate: a crash)
#   scripts/pg.sh url                print the URL of its `postgres` database
#   scripts/pg.sh createdb NAME      create database NAME if missing; prints its URL
#   scripts/pg.sh destroy            stop it and delete its directory
#
# The cluster lives in $SAGETAG_PG_HOME (default: $TMPDIR/sagetag-pg), which
# records its port, so stop and start again keep the same URL. Debian's
# `postgresql` package provides initdb and pg_ctl; it is installed when
# missing (as root). initdb refuses to run as root, so when run as root the
# cluster belongs to the `postgres` user and its commands run through runuser.
set -euo pipefail

home="${SAGETAG_PG_HOME:-${TMPDIR:-/tmp}/sagetag-pg}"
data="$home/data"

die() {
    echo "pg.sh: $*" >&2
    exit 1
}

# The directory of initdb and pg_ctl, installing PostgreSQL when missing.
pg_bin() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -z "$dir" || ! -x "$dir/initdb" ]]; then
        [[ "$(id -u)" == 0 ]] || die "PostgreSQL is not installed; run as root to install it"
        echo "pg.sh: installing PostgreSQL (apt-get install postgresql)" >&2
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        dir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    fi
    echo "$dir"
}

# Runs a command as the cluster's owner.
as_owner() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# A TCP port nobody listens on, on the loopback address.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

port() {
    [[ -f "$home/port" ]] || die "no cluster in $home: run 'scripts/pg.sh start' first"
    cat "$home/port"
}

url() {
    echo "postgres://postgres@127.0.0.1:$(port)/${1:-postgres}"
}

psql_admin() {
    psql "$(url)" -v ON_ERROR_STOP=1 -X -q "$@"
}

init() {
    local bin="$1"
    mkdir -p "$home"
    if [[ "$(id -u)" == 0 ]]; then
        chown postgres: "$home"
    fi
    chmod 700 "$home"
    as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 >"$home/initdb.log" 2>&1 || {
        cat "$home/initdb.log" >&2
        die "initdb failed"
    }
    free_port >"$home/port"
}

start() {
    local bin
    bin="$(pg_bin)"
    [[ -f "$data/PG_VERSION" ]] || init "$bin"
    if as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        url
        return
    fi
    # Only the loopback address, and the socket in our own directory so that
    # no other cluster's socket is touched. fsync stays on: the tests check
    # that acknowledged writes survive. After a crash (stop immediate) the
    # data directory is synced with one syncfs rather than a fsync per file.
    local options="-p $(port) -c listen_addresses=127.0.0.1 -k $home"
    options+=" -c max_connections=300 -c recovery_init_sync_method=syncfs"
    as_owner "$bin/pg_ctl" -D "$data" -l "$home/server.log" -w -t 120 -o "$options" \
        start >/dev/null || {
        tail -n 30 "$home/server.log" >&2 || true
        die "pg_ctl start failed"
    }
    url
}

stop() {
    local mode="${1:-fast}"
    [[ "$mode" == fast || "$mode" == immediate ]] || die "stop mode is fast or immediate"
    [[ -f "$data/PG_VERSION" ]] || return 0
    local bin
    bin="$(pg_bin)"
    if as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        as_owner "$bin/pg_ctl" -D "$data" -m "$mode" -w -t 60 stop >/dev/null
    fi
}

createdb() {
    local name="$1"
    [[ "$name" =~ ^[a-z0-9_]+$ ]] || die "database names here are [a-z0-9_]+"
    local exists
    exists="$(psql_admin -t -A -c "SELECT 1 FROM pg_database WHERE datname = '$name'")"
    if [[ -z "$exists" ]]; then
        psql_admin -c "CREATE DATABASE $name" >/dev/null
    fi
    url "$name"
}

destroy() {
    stop fast || true
    rm -rf "$home"
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:-fast}" ;;
    url) url ;;
    createdb) [[ $# -eq 2 ]] || die "usage: pg.sh createdb NAME"; createdb "$2" ;;
    destroy) destroy ;;
    *) die "usage: pg.sh start|stop [fast|immediate]|url|createdb NAME|destroy" ;;
esac
