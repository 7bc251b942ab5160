# Sourced by the benchmarks that need the production backends: PostgreSQL 15 (lib-postgres.sh),
# redis-server and s3rver on free loopback ports with their data in $WORK, all stopped and
# removed on exit. Sets PG_URL, REDIS_URL, S3_URL (a bucket "media", prefix "minutes") and the
# AWS_* credentials s3rver accepts.
source "$(dirname "${BASH_SOURCE[0]}")/lib-serve.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib-postgres.sh"
REDIS_PORT=$(free_port)
S3_PORT=$(free_port)
S3PID=
backends_cleanup() {
  [ -n "$S3PID" ] && kill "$S3PID" 2>/dev/null
  kill "$(cat "$WORK/redis.pid" 2>/dev/null)" 2>/dev/null || true
  pg_cleanup
}
trap backends_cleanup EXIT
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" \
  --daemonize yes --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log"
mkdir -p "$WORK/s3"
NODE_OPTIONS=--openssl-legacy-provider "$(dirname "${BASH_SOURCE[0]}")/../tests/tools/node_modules/.bin/s3rver" \
  -d "$WORK/s3" -p "$S3_PORT" -a 127.0.0.1 --configure-bucket media >"$WORK/s3rver.log" 2>&1 &
S3PID=$!
until curl -s -o /dev/null "http://127.0.0.1:$S3_PORT/"; do sleep 0.1; done
until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do sleep 0.05; done
REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
S3_URL="s3://media/minutes?endpoint=http://127.0.0.1:$S3_PORT&path_style=true&region=us-east-1"
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
