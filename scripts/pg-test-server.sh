#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback for the test suite (CI runs every test on SQLite and on PostgreSQL).
#
#   scripts/pg-test-server.sh start   # initdb + start; prints the DATABASE_URL (the only line on stdout)
#   scripts/pg-test-server.sh url     # prints the DATABASE_URL of the running cluster
#   scripts/pg-test-server.sh stop    # stops the cluster and deletes its files
#
# Trust authentication on 127.0.0.1 only and fsync off: the data is disposable, never use this for real data.
# PANAH_PG_PORT (default 54329) and PANAH_PG_DIR (default $TMPDIR/panah-pg-<port>) choose where it lives.
set -euo pipefail

port="${PANAH_PG_PORT:-54329}"
dir="${PANAH_PG_DIR:-${TMPDIR:-/tmp}/panah-pg-$port}"
data="$dir/data"
url="postgres://postgres@127.0.0.1:$port/panah"

log() { printf 'pg-test-server: %s\n' "$*" >&2; }

find_bindir() {
    local initdb
    # Newest installed major version first (sort -V puts 15 before 16).
    initdb=$(ls -1 /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
    [ -n "$initdb" ] && dirname "$initdb"
}

install_postgresql() {
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
        log "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin; install them: sudo apt-get install -y postgresql"
        exit 1
    fi
    log "installing PostgreSQL with apt-get"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
}

# initdb and postgres refuse to run as root: as root, run them as the postgres user (Debian's package creates it).
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

is_running() {
    [ -n "${bindir:-}" ] && [ -f "$data/PG_VERSION" ] && as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1
}

start() {
    bindir=$(find_bindir) || true
    if [ -z "$bindir" ]; then
        install_postgresql
        bindir=$(find_bindir)
    fi
    if is_running; then
        log "already running on 127.0.0.1:$port ($data)"
        echo "$url"
        return
    fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        log "port $port is taken by another server; choose another with PANAH_PG_PORT"
        exit 1
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    as_owner "$bindir/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    # Disposable data: durability off for speed; sockets in our own folder, not /var/run/postgresql.
    as_owner "$bindir/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start -o \
        "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
        >/dev/null || {
        cat "$dir/server.log" >&2
        exit 1
    }
    "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres panah
    log "PostgreSQL $(cat "$data/PG_VERSION") running on 127.0.0.1:$port ($dir); stop it with: $0 stop"
    echo "$url"
}

stop() {
    bindir=$(find_bindir) || true
    if is_running; then
        as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null
        log "stopped the cluster on 127.0.0.1:$port"
    else
        log "no cluster running in $data"
    fi
    rm -rf "$dir"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
url)
    bindir=$(find_bindir) || true
    is_running || { log "not running"; exit 1; }
    echo "$url"
    ;;
*)
    echo "usage: $0 start|url|stop" >&2
    exit 2
    ;;
esac
