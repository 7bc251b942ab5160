#!/usr/bin/env bash
# bench/api-bench.sh on the production backends: PostgreSQL 15, Redis (the queue) and an
# S3-compatible server (s3rver, the storage), all on this machine.
# Usage: bench/api-bench-production.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib-backends.sh
echo "database: PostgreSQL 15 on 127.0.0.1:$PG_PORT; queue: $REDIS_URL; storage: s3rver on 127.0.0.1:$S3_PORT"
MINUTES_DATABASE="$PG_URL" MINUTES_QUEUE="$REDIS_URL" MINUTES_STORAGE_URL="$S3_URL" bench/api-bench.sh "$@"
