#!/usr/bin/env bash
# `make test`: the whole suite on the database DATABASE_URL names (SQLite unless it is postgres://...).
# Extra arguments go to pytest: `make test ARGS="-k households"`; `ARGS="-n 0"` runs in one process.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=.venv/bin
chromium="${PANAH_CHROMIUM:-/usr/bin/chromium}"

case "${DATABASE_URL:-}" in
postgres://* | postgresql://*)
    # Host, port and database only: the URL may carry a password.
    database="PostgreSQL at $(sed -E 's#^[a-z]+://([^@/]*@)?##; s#\?.*##' <<<"$DATABASE_URL")"
    ;;
"" | sqlite:*) database="SQLite" ;;
*) database="${DATABASE_URL%%:*}" ;;
esac

# Browser tests drive Debian's Chromium through Playwright (no browser download). Root can install it here.
if [ ! -x "$chromium" ] && [ "$chromium" = /usr/bin/chromium ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium (and Noto fonts for Urdu) with apt-get for the browser tests"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null; } ||
        echo "apt-get could not install chromium"
fi
# One registry test runs the linkage on PySpark in local mode, which needs a Java runtime. Root can install it here.
if ! command -v java >/dev/null && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's default-jre-headless with apt-get for the Spark linkage test"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; } ||
        echo "apt-get could not install a Java runtime: the Spark linkage test will fail"
fi
if [ -x "$chromium" ]; then
    browser="run in $chromium"
elif [[ "${PANAH_REQUIRE_BROWSER_TESTS:-0}" =~ ^(1|true|yes|on)$ ]]; then
    browser="REQUIRED (PANAH_REQUIRE_BROWSER_TESTS) but $chromium is missing: they will fail"
else
    browser="skipped: $chromium is missing"
    if [ "$(id -u)" -ne 0 ]; then
        browser+=" and installing it needs root (sudo apt-get install chromium fonts-noto-core)"
    fi
fi
echo "make test: database $database; browser tests $browser"

# Two xdist workers for two cores. Each worker has its own test database and its own live server, so the
# browser tests run in parallel too (checked on SQLite and PostgreSQL). Short tracebacks keep CI logs
# readable: ARGS="--tb=long" for the full ones.
set +e
"$bin/pytest" -n 2 --durations=10 --tb=short "$@"
status=$?
set -e

case $status in
0) verdict="passed" ;;
5) verdict="FAILED (pytest ran no tests, exit 5: an empty run counts as a failure)" ;;
*) verdict="FAILED (pytest exit $status)" ;;
esac
echo "make test: $verdict on $database in ${SECONDS}s; browser tests $browser"
if [ "$status" -eq 0 ]; then exit 0; fi
if [ "$status" -eq 5 ]; then exit 1; fi
exit "$status"
