#!/usr/bin/env bash
# bench/api-bench.sh with the database on PostgreSQL 15 (started here on a free port in a temp
# directory). Issue 4's target: GET /api/v1/tasks/{id} with a JWT >= 10,000 req/s.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib-postgres.sh
echo "database: PostgreSQL 15 on 127.0.0.1:$PG_PORT"
MINUTES_DATABASE="$PG_URL" bench/api-bench.sh "$@"
