#!/usr/bin/env bash
# migrate-data of 100,000 segment rows from SQLite to PostgreSQL 15 (issue 4's target: <= 30 s).
# Starts its own PostgreSQL on a free port in a temp directory. Usage: bench/migrate-data-bench.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-build}/minutes")
source bench/lib-postgres.sh

DB="$WORK/src.db"
"$BIN" db migrate --database "sqlite://$DB" >/dev/null
sqlite3 "$DB" <<'SQL'
INSERT INTO tenants VALUES ('t', 'bench', '2026-01-01T00:00:00Z');
INSERT INTO users (id, tenant_id, username, password_hash, role, created_at) VALUES ('u', 't', 'bench', 'x', 'admin', 'now');
INSERT INTO objects (id, tenant_id, storage_key, filename, content_type, size, sha256, format, created_at) VALUES ('o', 't', 'k', 'f', '', 1, 's', 'wav', 'now');
INSERT INTO tasks (id, tenant_id, user_id, title, object_id, state, created_at, updated_at) VALUES ('task', 't', 'u', 'b', 'o', 'succeeded', 'now', 'now');
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99999)
INSERT INTO segments (task_id, seq, id, speaker, start_s, end_s, text, words)
SELECT 'task', i, 'seg-' || i, 'S' || (i % 4 + 1), i * 2.5, i * 2.5 + 2.0,
       'we agreed to ship the release on friday and alice will write the notes ' || i,
       '[{"word":"we","start":0.1,"end":0.3,"confidence":0.9}]' FROM n;
SQL
echo "source: $(sqlite3 "$DB" 'SELECT count(*) FROM segments') segments, $(du -h "$DB" | cut -f1)"
/usr/bin/time -f "migrate-data: %e s wall, %M KB peak RSS" \
  "$BIN" migrate-data --from "sqlite://$DB" --to "$PG_URL" | grep -E "segments|all "
