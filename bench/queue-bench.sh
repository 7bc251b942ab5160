#!/usr/bin/env bash
# Enqueue -> job start latency for a burst of 100 tasks on PostgreSQL: the database queue
# (workers poll the table) against the Redis stream, in the same run.
# Usage: bench/queue-bench.sh  (after scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib-postgres.sh
REDIS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" \
  --daemonize yes --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log"
trap 'kill "$(cat "$WORK/redis.pid")" 2>/dev/null || true; pg_cleanup' EXIT
for i in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
for queue in database "redis://127.0.0.1:$REDIS_PORT/0"; do
  echo "== queue: $queue (database: PostgreSQL 15)"
  MINUTES_LOG_LEVEL=error MINUTES_BENCH_DATABASE="$PG_URL" MINUTES_BENCH_QUEUE="$queue" \
    build/bench/queue_bench --benchmark_counters_tabular=true 2>&1 | grep -v '^{'
done
