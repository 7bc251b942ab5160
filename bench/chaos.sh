#!/usr/bin/env bash
# Chaos: kill -9 of workers at random moments across a batch of tasks, and backend restarts
# mid-batch. Each mode runs an API-only `minutes serve`, 3 `minutes worker` processes on one
# database, PostgreSQL 15 / redis-server on loopback ports in temp directories (started and
# stopped by the run), a batch of short synthesized meetings (the standup, cut to 8 s), and
# KILLS kill -9 of a random worker (one holding a job when there is one; started again each
# time), at exponentially distributed moments:
#   sqlite   — table queue on SQLite
#   postgres — table queue on PostgreSQL; PostgreSQL stopped for 5 s two thirds of the way in
#   redis    — Redis Streams on PostgreSQL; redis-server stopped for 5 s a third of the way in
#              (back empty), PostgreSQL two thirds of the way in
# At the end it asserts every task succeeded exactly once (one transcript, one minutes version,
# one charge per engine in the cost log, one task.succeeded event, no task ever went back from
# succeeded), every job is done, nothing is orphaned (every stored file is a task's
# recording; nothing left in the workers' temp directory), and during a database outage the
# API answered 503 — never 500, never a hang. The runs are tests/e2e/chaos_e2e_test.cpp at
# full size (CI runs them with 6 tasks and 10 kills); this prints their figures.
#
# Usage: bench/chaos.sh [sqlite|postgres|redis ...]   (after scripts/build.sh; all three when
# none is named). Environment: KILLS (100), TASKS (40), GAP_MS (mean time between kills, 1500),
# OUTAGE_S (5), CLIP_S (seconds of audio per task, 8), SEED (random), WORKERS (3), NICE (0).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/tests/e2e/chaos_e2e_test
[ -x "$BIN" ] || { echo "build first: cmake --build build --target minutes chaos_e2e_test" >&2; exit 1; }
[ -f build/testdata/standup/meeting.wav ] || cmake --build build --target testdata >/dev/null
modes=("$@")
[ ${#modes[@]} -gt 0 ] || modes=(sqlite postgres redis)
declare -A filter=(
  [sqlite]=Chaos.TableQueueOnSqliteWorkersKilled
  [postgres]=Chaos.OnPostgresWorkersKilledAndBackendsRestarted
  [redis]=Chaos.OnPostgresWorkersKilledAndBackendsRestarted
)
declare -A queue=([sqlite]=table [postgres]=table [redis]=redis)
export MINUTES_CHAOS_KILLS=${KILLS:-100} MINUTES_CHAOS_TASKS=${TASKS:-40}
export MINUTES_CHAOS_GAP_MS=${GAP_MS:-1500} MINUTES_CHAOS_WORKERS=${WORKERS:-3}
export MINUTES_CHAOS_OUTAGE_S=${OUTAGE_S:-5} MINUTES_CHAOS_CLIP_S=${CLIP_S:-8}
[ -n "${SEED:-}" ] && export MINUTES_CHAOS_SEED=$SEED
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
rc=0
for mode in "${modes[@]}"; do
  [ -n "${filter[$mode]:-}" ] || { echo "unknown mode '$mode' (sqlite, postgres, redis)" >&2; exit 2; }
  echo "== chaos: $mode ($MINUTES_CHAOS_KILLS kills, $MINUTES_CHAOS_TASKS tasks)"
  out=$(MINUTES_CHAOS_QUEUE=${queue[$mode]} nice -n "${NICE:-0}" "$BIN" --gtest_filter="${filter[$mode]}" 2>&1) || rc=1
  grep -E '^chaos:|Failure|Expected|Which is|actual|\[  (FAILED|PASSED|  OK) ' <<<"$out" || true
  grep '^chaos:' <<<"$out" >>"$summary" || true
done
echo
echo "== summary"
python3 - "$summary" <<'PY'
import sys
runs, outages = [], []
for line in open(sys.argv[1]):
    f = dict(kv.split("=", 1) for kv in line[len("chaos: "):].split() if "=" in kv)
    if "outage" in f:
        f["mode"] = runs[-1]["mode"] if runs else "?"
    (outages if "outage" in f else runs).append(f)
if runs:
    print("| mode | tasks | kills (mid-job) | wall time | retries (max on one task) | succeeded once | orphans |")
    print("|---|---|---|---|---|---|---|")
for f in runs:
    print(f"| {f['mode'].replace('/', ' + ').replace('-', ' ')} | {f['tasks']} | {f['kills']} ({f['mid_job_kills']}) | "
          f"{float(f['wall_s']):.0f} s | {f['retries']} ({f['max_attempts_one_task']}) | "
          f"{f['succeeded_once']}/{f['tasks']} | {f['orphans']} |")
for f in outages:
    print(f"{f['mode'].replace('/', ' + ').replace('-', ' ')}, {f['outage']} stopped: {f['requests']} requests answered {f['statuses'].replace('x', '×').replace(',', ', ')}"
          f" (slowest {f['slowest_s']} s); uploads sent again after: {f['uploads_sent_again']}")
PY
exit $rc
