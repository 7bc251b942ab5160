# Sourced by the benchmarks that need PostgreSQL: starts PostgreSQL 15 on a free loopback port
# with its data in a temp directory ($WORK/pg), stops and removes it on exit. Sets PG_URL.
PG=/usr/lib/postgresql/15/bin
WORK=$(mktemp -d /tmp/minutes-bench-pg-XXXXXX)
PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
AS_PG=""
if [ "$(id -u)" = 0 ]; then AS_PG="runuser -u postgres --"; chown postgres "$WORK"; fi
pg_cleanup() { $AS_PG $PG/pg_ctl -D "$WORK/pg" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap pg_cleanup EXIT
$AS_PG $PG/initdb -D "$WORK/pg" -A trust -U postgres -E UTF8 >/dev/null
$AS_PG $PG/pg_ctl -D "$WORK/pg" -l "$WORK/pg.log" -w -o "-p $PG_PORT -k $WORK -c listen_addresses=127.0.0.1" start >/dev/null
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc 'CREATE DATABASE minutes'
PG_URL="postgresql://postgres@127.0.0.1:$PG_PORT/minutes"
