#!/usr/bin/env bash
# Serve Panah on 127.0.0.1:$PORT with its background worker; Ctrl-C stops both (`make run` calls this).
#
# The web server is gunicorn, not `manage.py runserver`: it is the server production runs (config.wsgi), it
# serves the collected static files through whitenoise exactly as deployed (compressed, hashed names), and it is
# not the development server Django warns against. Without autoreload: `make run` is for using Panah; while
# editing code, run `manage.py runserver` yourself.
set -euo pipefail
cd "$(dirname "$0")/.."

port="${PORT:-8000}"
bin=.venv/bin
pids=()

stop_all() {
    trap - INT TERM EXIT
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    wait "${pids[@]}" 2>/dev/null || true
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap stop_all EXIT

# Tasks (imports, exports, notifications) are queued in the database; this process runs them.
"$bin/python" manage.py db_worker --no-reload --queue-name '*' &
pids+=($!)

# Feedback service-level escalation every ten minutes, run by the worker (production: a cron timer, docs/deploying.md).
# (`wait` on a background sleep lets the stop signal end the loop at once, its sleep included.)
(
    trap 'kill "$nap" 2>/dev/null; exit 0' TERM
    while true; do
        sleep 600 &
        nap=$!
        wait "$nap"
        "$bin/python" manage.py feedback_escalate --enqueue >/dev/null || true
    done
) &
pids+=($!)

# Two processes for two cores; threads keep one slow request (an export) from holding up the others. No control
# socket: it would live in ~/.gunicorn and clash between two checkouts served at once. The access log has the path
# without its query string (%(U)s): a search box can carry a person's name, and logs hold no personal data.
"$bin/gunicorn" config.wsgi \
    --bind "127.0.0.1:$port" \
    --workers 2 --threads 4 \
    --access-logfile - \
    --access-logformat '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss request_id=%({x-request-id}o)s' \
    --graceful-timeout 10 \
    --no-control-socket &
pids+=($!)

echo "Panah is serving on http://127.0.0.1:$port/ with a background worker. Ctrl-C stops both."

# Whichever stops first (a crash, a port already taken), stop the other: a web server without its worker
# would queue tasks that never run.
set +e
wait -n "${pids[@]}"
status=$?
set -e
stop_all
exit "$status"
