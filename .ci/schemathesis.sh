#!/usr/bin/env bash
# The API against its own OpenAPI schema: a live server (gunicorn, as in production) on a free
# local port, over a throw-away SQLite archive holding the seed speeches; Schemathesis sends it
# generated requests, valid and invalid, and fails on any server error or any response that does
# not match the schema. Bounded: SCHEMATHESIS_MAX_EXAMPLES per operation, a time limit overall.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
SEED=../shared/corpus/seed/000_7a9278ea8ea9553e.txt
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
export DATABASE_URL="sqlite:///$WORK/archive.sqlite3"
export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY="schemathesis-$(date +%s)-$$"
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_STATIC_ROOT="$WORK/static"
# The fuzzer asks thousands of times a minute from one address; the limit itself is tested in tests/api.
export DJANGO_API_THROTTLE_RATE=1000000/minute
export DJANGO_LOG_LEVEL=ERROR
export GUNICORN_BIND="127.0.0.1:$PORT"
export WEB_CONCURRENCY=2
export GUNICORN_LOG_LEVEL=warning

$PY manage.py migrate --noinput >/dev/null
$PY manage.py collectstatic --noinput >/dev/null
$PY manage.py import_speeches "$SEED" >/dev/null

.venv/bin/gunicorn -c gunicorn.conf.py --access-logfile /dev/null archive.wsgi &
SERVER_PID=$!

# From the scratch folder: Schemathesis keeps its replay cache (.schemathesis/) in the current one.
SCHEMATHESIS="$PWD/.venv/bin/schemathesis"
cd "$WORK"
status=0
timeout "${SCHEMATHESIS_TIMEOUT:-900}" "$SCHEMATHESIS" run "http://127.0.0.1:$PORT/api/schema/" \
  --wait-for-schema 60 \
  --checks not_a_server_error,response_schema_conformance \
  --phases examples,coverage,fuzzing \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-20}" \
  --workers 2 \
  --request-timeout 30 \
  --generation-database none \
  --no-color || status=$?
exit "$status"
