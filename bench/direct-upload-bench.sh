#!/usr/bin/env bash
# A 1 GB direct multipart upload through presigned URLs (issue 4) on PostgreSQL + Redis + an
# S3-compatible server (s3rver): the client PUTs the parts straight to the bucket, 4 at once;
# the API only signs URLs, then completes the upload (joins the parts and reads the object back
# once to hash it). Reports throughput and the API process's RSS: idle, peak while the parts go
# up, peak through completion.
# Usage: bench/direct-upload-bench.sh [BUILD_DIR]  (after scripts/setup.sh and a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
BIN=$(realpath "$BUILD/minutes")
source bench/lib-backends.sh
PORT=$(free_port)
PID=
cleanup() {
  [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
  backends_cleanup
}
trap cleanup EXIT
export MINUTES_DATABASE=$PG_URL MINUTES_QUEUE=$REDIS_URL MINUTES_STORAGE_URL=$S3_URL MINUTES_LOG_LEVEL=warn
printf correct-battery-42 | "$BIN" user add bench --tenant bench --password-stdin --data-dir "$WORK/data" >/dev/null
"$BIN" serve --port "$PORT" --data-dir "$WORK/data" --workers 0 --max-upload-mb 2048 \
  >"$WORK/serve.out" 2>"$WORK/serve.err" &
PID=$!
URL=http://127.0.0.1:$PORT
until curl -fs -o /dev/null "$URL/health/ready"; do sleep 0.02; done
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$PID/status"; }
sleep 1
IDLE=$(rss_kb)
TOKEN=$(curl -fs -X POST "$URL/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"bench","password":"correct-battery-42"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

# 1 GiB of real media: a WAV of 48 kHz stereo silence.
ffmpeg -v error -f lavfi -i anullsrc=r=48000:cl=stereo -t 5592 -c:a pcm_s16le "$WORK/big.wav"
SIZE=$(stat -c %s "$WORK/big.wav")
# Peak RSS of the API, sampled every 50 ms into $1 while it runs.
sample() { local max=0 r; while kill -0 $PID 2>/dev/null && [ ! -f "$WORK/stop-sampling" ]; do
  r=$(rss_kb); ((r > max)) && max=$r; echo "$max" >"$1"; sleep 0.05; done; }

curl -fs -X POST "$URL/api/v1/uploads" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d "{\"filename\":\"big.wav\",\"size\":$SIZE,\"content_type\":\"audio/wav\"}" >"$WORK/upload.json"
python3 - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
u = json.load(open(f"{work}/upload.json"))
with open(f"{work}/parts.txt", "w") as f:
    for p in u["parts"]:
        f.write(f'{p["number"]} {(p["number"] - 1) * u["part_size"]} {p["size"]} {p["url"]}\n')
print(f'upload {u["id"]}: {u["parts_total"]} parts of {u["part_size"] >> 20} MiB')
PY
UPLOAD=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$WORK/upload.json")
sample "$WORK/peak-parts" & SAMPLER=$!
t0=$(date +%s%N)
# Each part straight from the file's byte range to its presigned URL; ETags kept for completion.
put_part() {  # number offset size url
  python3 - "$WORK/big.wav" "$2" "$3" <<'PY' | curl -fs -X PUT --data-binary @- -D - -o /dev/null "$4" |
import os, sys
f = open(sys.argv[1], "rb"); f.seek(int(sys.argv[2])); left = int(sys.argv[3])
while left > 0:
    b = f.read(min(left, 1 << 20)); sys.stdout.buffer.write(b); left -= len(b)
PY
    awk -v n="$1" 'tolower($1) == "etag:" {gsub("\r", ""); print n, $2}'
}
export -f put_part; export WORK
xargs -P 4 -L 1 bash -c 'put_part "$@"' _ <"$WORK/parts.txt" | sort -n >"$WORK/etags.txt"
t1=$(date +%s%N)
touch "$WORK/stop-sampling"; wait $SAMPLER; rm "$WORK/stop-sampling"
python3 - "$WORK" >"$WORK/complete.json" <<'PY'
import json, sys
parts = [{"number": int(n), "etag": e} for n, e in (l.split() for l in open(f"{sys.argv[1]}/etags.txt"))]
print(json.dumps({"parts": parts}))
PY
sample "$WORK/peak-complete" & SAMPLER=$!
t2=$(date +%s%N)
curl -fs -X POST "$URL/api/v1/uploads/$UPLOAD/complete" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' --data-binary @"$WORK/complete.json" >"$WORK/done.json"
t3=$(date +%s%N)
touch "$WORK/stop-sampling"; wait $SAMPLER
python3 - "$WORK/done.json" "$(sha256sum "$WORK/big.wav" | cut -d' ' -f1)" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["state"] == "completed" and d["object"]["sha256"] == sys.argv[2], d
print("completed; the object's SHA-256 matches the file")
PY
MB=$((SIZE / 1000000))
echo "size: $MB MB in $(wc -l <"$WORK/parts.txt") parts, 4 PUTs at once to s3rver"
echo "parts up: $(( (t1 - t0) / 1000000 )) ms = $(( MB * 1000000000 / (t1 - t0) )) MB/s (client -> bucket; the API is not in the path)"
echo "complete (join + hash read-back): $(( (t3 - t2) / 1000000 )) ms"
echo "API RSS: idle $((IDLE / 1024)) MB, peak while parts went up $(( $(cat "$WORK/peak-parts") / 1024 )) MB, peak through completion $(( $(cat "$WORK/peak-complete") / 1024 )) MB"
