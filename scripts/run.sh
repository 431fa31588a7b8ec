#!/usr/bin/env bash
# Start the whole system in the foreground: web (gunicorn), Celery worker and Celery beat.
# Ctrl-C, or any one of the three exiting, stops all of them.
# Honours DATABASE_URL / REDIS_URL (default: SQLite in var/ and a filesystem broker in var/broker).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$(pwd)"

if [[ -z "${PYTHON:-}" ]]; then
    if [[ -x "$ROOT/.venv/bin/python" ]]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi
PORT="${PORT:-8000}"
# The demo: debug pages on, the built-in key, any host (config/settings.py refuses those with DEBUG
# off). A production server runs deploy/, never this script.
export DEBUG="${DEBUG:-1}"
VAR_DIR="${VAR_DIR:-$ROOT/var}"
export VAR_DIR
mkdir -p "$VAR_DIR"

echo "==> database: ${DATABASE_URL:-sqlite (${VAR_DIR}/db.sqlite3)}"
echo "==> broker:   ${REDIS_URL:-filesystem (${VAR_DIR}/broker)}"

"$PYTHON" manage.py migrate --noinput
"$PYTHON" manage.py collectstatic --noinput -v 0
if "$PYTHON" manage.py help demo_data >/dev/null 2>&1; then
    "$PYTHON" manage.py demo_data
else
    echo "!! management command demo_data not available yet; skipping demo data" >&2
fi

pids=()
stopping=0
stop_all() {
    if [[ $stopping -eq 1 ]]; then
        # Second Ctrl-C while shutting down: stop waiting for a warm shutdown.
        kill -KILL "${pids[@]}" 2>/dev/null || true
        return
    fi
    stopping=1
    echo "==> stopping web, worker and beat"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    # Allow a warm shutdown (running tasks finish), but not forever.
    (
        trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
        sleep "${STOP_TIMEOUT:-20}" & sleeper=$!
        wait "$sleeper"
        kill -KILL "${pids[@]}" 2>/dev/null
    ) &
    local watchdog=$!
    wait "${pids[@]}" 2>/dev/null || true
    kill "$watchdog" 2>/dev/null || true
    wait "$watchdog" 2>/dev/null || true
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

GUNICORN_BIND="0.0.0.0:${PORT}" GUNICORN_WORKERS="${GUNICORN_WORKERS:-2}" GUNICORN_THREADS="${GUNICORN_THREADS:-2}" \
    "$PYTHON" -m gunicorn -c gunicorn.conf.py config.wsgi:application &
pids+=($!)
"$PYTHON" -m celery -A config worker -l info &
pids+=($!)
"$PYTHON" -m celery -A config beat -l info \
    --schedule "$VAR_DIR/celerybeat-schedule" &
pids+=($!)

cat <<MSG

==> running: web (pid ${pids[0]}), celery worker (pid ${pids[1]}), celery beat (pid ${pids[2]})
==> log in at  http://localhost:${PORT}/accounts/login/   (demo logins are listed above)
==> press Ctrl-C to stop all three

MSG

status=0
wait -n "${pids[@]}" || status=$?
if [[ $stopping -eq 0 ]]; then
    echo "==> one of web/worker/beat ended (status $status); stopping the others" >&2
fi
stop_all
exit "$status"
