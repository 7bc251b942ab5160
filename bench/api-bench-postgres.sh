#!/usr/bin/env bash
# bench/api-bench.sh with the database on PostgreSQL 15 (started here on a free port in a temp
# directory). Issue 4's target: GET /api/v1/tasks/{id} with a JWT >= 10,000 req/s.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=$(mktemp -d /tmp/minutes-apg-XXXXXX)
PG=/usr/lib/postgresql/15/bin
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
AS_PG=""
if [ "$(id -u)" = 0 ]; then AS_PG="runuser -u postgres --"; chown postgres "$WORK"; fi
cleanup() { $AS_PG $PG/pg_ctl -D "$WORK/pg" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
$AS_PG $PG/initdb -D "$WORK/pg" -A trust -U postgres -E UTF8 >/dev/null
$AS_PG $PG/pg_ctl -D "$WORK/pg" -l "$WORK/pg.log" -w -o "-p $PORT -k $WORK -c listen_addresses=127.0.0.1" start >/dev/null
psql -h 127.0.0.1 -p "$PORT" -U postgres -qc 'CREATE DATABASE minutes'
echo "database: PostgreSQL 15 on 127.0.0.1:$PORT"
MINUTES_DATABASE="postgresql://postgres@127.0.0.1:$PORT/minutes" bench/api-bench.sh "$@"
