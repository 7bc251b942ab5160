#!/usr/bin/env bash
# The service's benchmark (issue 3): start-up to ready, idle RSS, GET /api/v1/tasks/{id} with a
# JWT under wrk (32 connections), and a 1 GB streamed upload with the server's RSS growth.
# Usage: bench/api-bench.sh [BUILD_DIR]   (needs scripts/setup.sh and a release build)
# MINUTES_DATABASE / MINUTES_STORAGE in the environment select other backends
# (bench/api-bench-postgres.sh runs it on a PostgreSQL it starts).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
BIN=$(realpath "$BUILD/minutes")
WORK=$(mktemp -d)
PID=
cleanup() {
  [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
DATA=$WORK/data
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
printf correct-battery-42 | "$BIN" user add bench --tenant bench --password-stdin --data-dir "$DATA" >/dev/null
"$BIN" db migrate --data-dir "$DATA" >/dev/null

# Start-up: exec to the first 200 from /health/ready (database, queue and storage probed).
t0=$(date +%s%N)
"$BIN" serve --port "$PORT" --data-dir "$DATA" --workers 1 --max-upload-mb 2048 \
  >"$WORK/serve.out" 2>"$WORK/serve.err" &
PID=$!
until curl -fs -o /dev/null "$URL/health/ready"; do sleep 0.005; done
t1=$(date +%s%N)
echo "start-up to ready: $(( (t1 - t0) / 1000000 )) ms (target <= 200)"
sleep 1
echo "idle RSS (serve --workers 1): $(( $(rss_kb $PID) / 1024 )) MB (target <= 30)"

TOKEN=$(curl -fs -X POST "$URL/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"bench","password":"correct-battery-42"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

# A task to read: a short recording (the worker transcribes it; the GETs read the row meanwhile).
sox -n -r 16000 -c 1 -b 16 "$WORK/tone.wav" synth 3 sine 440 2>/dev/null
ID=$(curl -fs -X POST "$URL/api/v1/tasks?title=bench" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: audio/wav' --data-binary @"$WORK/tone.wav" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
sleep 3

cat >"$WORK/auth.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
echo
echo "== GET /api/v1/tasks/{id} with a JWT: wrk -t2 -c32 -d15s (targets >= 15000 req/s, p99 <= 10 ms) =="
wrk -t2 -c32 -d15s --latency -s "$WORK/auth.lua" "$URL/api/v1/tasks/$ID" | tee "$WORK/wrk.txt" |
  grep -E "Requests/sec|Latency  |50%|99%|Non-2xx"
echo "RSS after wrk: $(( $(rss_kb $PID) / 1024 )) MB"

# 1 GB upload: a WAV of 48 kHz stereo silence (real media, so sniffing accepts it).
ffmpeg -v error -f lavfi -i anullsrc=r=48000:cl=stereo -t 5600 -c:a pcm_s16le "$WORK/big.wav"
SIZE=$(stat -c %s "$WORK/big.wav")
sync; sleep 2  # earlier writes flushed: the disk is quiet when the upload starts
cat "$WORK/big.wav" >/dev/null  # the client reads from page cache: measure the server, not the disk
echo 5 >"/proc/$PID/clear_refs"  # resets VmHWM, so the peak below is the upload's
before=$(rss_kb $PID)
echo
echo "== upload of $((SIZE / 1048576)) MiB (target >= 400 MB/s, server RSS growth <= 32 MB) =="
curl -fs -o "$WORK/up.json" -w '%{time_total} %{speed_upload}\n' -X POST "$URL/api/v1/tasks?title=big" \
  -H "Authorization: Bearer $TOKEN" -H 'Content-Type: audio/wav' -H 'Expect:' \
  -T "$WORK/big.wav" >"$WORK/up.txt"  # -T streams the file; --data-binary would load it whole
read -r secs speed <"$WORK/up.txt"
printf "upload: %.2f s, %.0f MB/s\n" "$secs" "$(echo "$speed/1000000" | bc -l)"
echo "server RSS growth during upload (peak - before): $(( ($(hwm_kb $PID) - before) / 1024 )) MB"
