#!/usr/bin/env bash
# Soak: 30 minutes of mixed load against `minutes serve` (API only) and one `minutes worker` on
# one SQLite database and file storage, as a small team would use it all day: an upload every
# 20 s (the standup meeting, transcribed and summarised by the worker), 4 clients polling tasks,
# lists, usage, transcripts and minutes, 10 event streams that come and go, a minutes
# regeneration every 30 s, a question every 10 s, a sign-in every 5 s and a wrong one every 15 s,
# old tasks deleted (bench/soak_load.py, Python's own HTTP client).
# Every 10 s it samples both processes' RSS and open descriptors. It passes when, between the end
# of the warm-up and the end, RSS grew at most 10 % (medians of the first and last minute), the
# descriptor counts stayed flat (at most +16: the event streams come and go), and no answer
# was unexpected (5xx, transport errors, 4xx the load did not ask for).
# Never in CI. Usage: bench/soak.sh [BUILD_DIR]   Environment: DURATION (1800 s), WARMUP (300 s),
#   KEEP=1 (keep the work directory: samples.csv, logs).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib-serve.sh
BUILD=${1:-build}
BIN=$BUILD/minutes
DURATION=${DURATION:-1800} WARMUP=${WARMUP:-300}
WAV=$BUILD/testdata/standup/meeting.wav
[ -x "$BIN" ] || { echo "no $BIN: build it first (scripts/build.sh)" >&2; exit 1; }
[ -f "$WAV" ] || cmake --build "$BUILD" --target testdata >/dev/null
((WARMUP + 120 <= DURATION)) || { echo "DURATION must be at least WARMUP + 120 s" >&2; exit 1; }

WORK=$(mktemp -d /tmp/minutes-soak-XXXXXX)
SERVE='' WORKER='' SAMPLER=''
cleanup() {
  for p in $SAMPLER $WORKER $SERVE; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [ -n "${KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

DATA=$WORK/data
printf correct-battery-42 | "$BIN" user add soak --tenant soak --admin --password-stdin --data-dir "$DATA" >/dev/null
PORT=$(free_port)
# Generous per-user limits: the load must not be refused for its own rate.
export MINUTES_LIMITS_USER_UPLOADS_PER_MINUTE=0 MINUTES_AUTH_LOGIN_FREE_FAILURES=1000
"$BIN" serve --port "$PORT" --data-dir "$DATA" --workers 0 >"$WORK/serve.log" 2>&1 &
SERVE=$!
"$BIN" worker --data-dir "$DATA" --status-port -1 >"$WORK/worker.log" 2>&1 &
WORKER=$!
until curl -fs "http://127.0.0.1:$PORT/health" >/dev/null; do
  kill -0 "$SERVE" 2>/dev/null || { tail "$WORK/serve.log" >&2; exit 1; }
  sleep 0.1
done

echo "t,serve_rss_kb,serve_fds,worker_rss_kb,worker_fds" >"$WORK/samples.csv"
(
  start=$SECONDS
  while :; do
    echo "$((SECONDS - start)),$(rss_kb "$SERVE"),$(fd_count "$SERVE"),$(rss_kb "$WORKER"),$(fd_count "$WORKER")" >>"$WORK/samples.csv"
    sleep 10
  done
) &
SAMPLER=$!

echo "soak: $DURATION s of mixed load (warm-up $WARMUP s) against serve (pid $SERVE) + worker (pid $WORKER)"
python3 bench/soak_load.py --url "http://127.0.0.1:$PORT" --user soak --password correct-battery-42 \
  --wav "$WAV" --duration "$DURATION" >"$WORK/load.json"
kill "$SAMPLER"; wait "$SAMPLER" 2>/dev/null || true; SAMPLER=
alive=yes
kill -0 "$SERVE" 2>/dev/null && kill -0 "$WORKER" 2>/dev/null || alive=no

python3 - "$WORK/samples.csv" "$WORK/load.json" "$WARMUP" "$alive" <<'PY'
import csv, json, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["serve_rss_kb"]]
load = json.load(open(sys.argv[2]))
warmup, alive = int(sys.argv[3]), sys.argv[4] == "yes"
end = max(int(r["t"]) for r in rows)
def med(proc, what, lo, hi):
    v = [int(r[f"{proc}_{what}"]) for r in rows if lo <= int(r["t"]) < hi and r[f"{proc}_{what}"]]
    return statistics.median(v) if v else float("nan")
ok = alive and load["unexpected"] == 0
print(f"requests {load['requests']}, unexpected {load['unexpected']}, events read "
      f"{load['events_seen']}, tasks seen succeeded {load['tasks_succeeded_seen']}")
for ex in load["unexpected_examples"]:
    print("  unexpected:", ex)
print("| process | RSS after warm-up (MB) | RSS at the end (MB) | growth | fds after warm-up | fds at the end |")
print("|---|---|---|---|---|---|")
for proc in ("serve", "worker"):
    r0, r1 = med(proc, "rss_kb", warmup, warmup + 60), med(proc, "rss_kb", end - 60, end + 1)
    f0, f1 = med(proc, "fds", warmup, warmup + 60), med(proc, "fds", end - 60, end + 1)
    growth = 100 * (r1 - r0) / r0
    ok = ok and growth <= 10 and f1 - f0 <= 16
    print(f"| {proc} | {r0 / 1024:.1f} | {r1 / 1024:.1f} | {growth:+.1f} % | {f0:.0f} | {f1:.0f} |")
print("by kind and status:", ", ".join(f"{k}: {n}" for k, n in load["by_kind"].items()))
print("soak:", "PASSED" if ok else "FAILED", "" if alive else "(a process died)")
sys.exit(0 if ok else 1)
PY
