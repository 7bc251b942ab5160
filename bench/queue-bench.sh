#!/usr/bin/env bash
# Enqueue -> job start latency for a burst of 100 tasks on PostgreSQL: the database queue
# (workers poll the table) against the Redis stream, in the same run.
# Usage: bench/queue-bench.sh  (after scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib-backends.sh
for queue in database "$REDIS_URL"; do
  echo "== queue: $queue (database: PostgreSQL 15)"
  MINUTES_LOG_LEVEL=error MINUTES_BENCH_DATABASE="$PG_URL" MINUTES_BENCH_QUEUE="$queue" \
    build/bench/queue_bench --benchmark_counters_tabular=true 2>&1 | grep -v '^{'
done
