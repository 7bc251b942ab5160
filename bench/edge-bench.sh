#!/usr/bin/env bash
# The HTTP edge's benchmark: `minutes serve` of the baseline commit (POCO's thread-per-connection
# HTTPServer, 7e6a961) and of this checkout (${BUILD}/minutes), one after the other in the same
# run, printed as one table. For each server:
#  1. unloaded: start-up (exec -> first answer from /health), idle RSS and threads, a /health
#     latency probe (200 GETs at 20/s, a fresh connection each, 5 s cap) and GET /api/v1/tasks/{id}
#     with a JWT under wrk -t2 -c32 -d10s;
#  2. a 1 GiB upload to POST /api/v1/tasks, raw body (audio/wav) and multipart, sent by
#     bench/upload_client with sendfile(2) (curl -T reads and sends 64 KiB at a time and tops out
#     near 370 MB/s here even into a socket that drops everything): MB/s and the server's RSS
#     growth (VmHWM after clear_refs, minus VmRSS before);
#  3. under attack, on a fresh start: bench/edge_load holds 10,000 idle connections, 1,000 slow-body
#     senders (POST announcing 100 MB, 1 byte/s) and 2,000 open event streams, from 127.0.0.2-250,
#     while the /health probe and wrk run from 127.0.0.1 as a normal client; RSS, threads and
#     descriptors sampled every second. edge_load runs at nice 10: a real attacker spends its
#     own machine's CPU, not the server's (both servers are measured the same way). wrk runs
#     ATTACK_ROUNDS times under attack, and before, between and after those rounds with the
#     attack stopped, against the same process: the ratio is the medians', so the VM's drift
#     (a third, minute to minute, with no load) is not taken for the attack's effect.
# Both run with --workers 0 (API only): the task the streams watch stays queued, so its event
# streams stay open, and no transcription competes for the cores. The new binary also gets
# server.max_connections 20000 and server.max_streams_per_user 5000 (its per-client limit stays at
# its default: the load is spread over 249 source addresses); the baseline rejects those keys.
# The uploads run twice: into the data directory on disk, then into a copy of it on tmpfs
# (/dev/shm), beside dd's O_DIRECT write speed to the same disk, which bounds the first.
# Usage: bench/edge-bench.sh [BUILD_DIR]   (after a release build of `minutes`; 3-5 min, plus
#   ~30 min the first time, nice'd, to build the baseline)
# Environment: BASELINE (7e6a961), NEW_BIN (BUILD_DIR/minutes), EDGE_LOAD (default
#   BUILD_DIR/bench/edge_load, which is brought up to date first), IDLE=10000 SLOW=1000 SSE=2000 SOURCES=2-250, PROBES=200, WRK_SECONDS=10, ATTACK_ROUNDS=3,
#   UPLOAD_MB=1024, EDGE_SERVER_KEYS="k: v;k: v" (more server.* keys for new), ONLY=baseline|new, KEEP=1 (keep logs), EDGE_BENCH_NOWAIT=1 (do not wait for
#   compilers to finish). The baseline is built once into /tmp/minutes-baseline-SHA (lib-baseline.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib-serve.sh
source bench/lib-baseline.sh
BUILD=${1:-${BUILD:-build}}
BASELINE=${BASELINE:-7e6a961}
IDLE=${IDLE:-10000} SLOW=${SLOW:-1000} SSE=${SSE:-2000} SOURCES=${SOURCES:-2-250}
PROBES=${PROBES:-200} WRK_SECONDS=${WRK_SECONDS:-10} UPLOAD_MB=${UPLOAD_MB:-1024}
ATTACK_ROUNDS=${ATTACK_ROUNDS:-3}
NEW_BIN=${NEW_BIN:-$BUILD/minutes}
EDGE_LOAD_SET=${EDGE_LOAD:+1}
EDGE_LOAD=${EDGE_LOAD:-$BUILD/bench/edge_load}
UPLOAD_CLIENT=${UPLOAD_CLIENT:-$BUILD/bench/upload_client}
ulimit -n "$(ulimit -Hn)"  # the server and edge_load each hold ~13,000 sockets

WORK=$(mktemp -d /tmp/minutes-edge-bench-XXXXXX)
PID='' HOLD='' SAMPLER='' WATCHER=''
stop_pid() { if [ -n "$1" ]; then kill -9 "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi; }
cleanup() {
  stop_pid "$WATCHER"; stop_pid "$SAMPLER"; stop_pid "$HOLD"; stop_pid "$PID"
  [ -n "${DATA:-}" ] && rm -rf "$DATA"
  if [ -n "${KEEP:-}" ]; then echo "logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# Benchmarks share two cores with builds: wait until no compiler runs (never mid-build figures),
# and count the seconds one ran anyway while a server was measured (watch_compilers FILE).
# (ps, not pgrep: pgrep silently matches nothing with a pattern longer than 15 characters.)
# A stopped compiler (SIGSTOP, state T) uses no CPU and does not count.
compiling() {
  ps -eo stat=,comm= | awk '$1 !~ /^T/ { print $2 }' |
    grep -qxE 'cc1plus|cc1|as|ld|ld\.gold|collect2|lto1|lto-wrapper|rustc'
}
wait_for_quiet() {
  [ -n "${EDGE_BENCH_NOWAIT:-}" ] && return 0
  local waited=0
  while compiling; do
    ((waited == 0)) && echo "  waiting for the running compilers to finish (EDGE_BENCH_NOWAIT=1 skips) …" >&2
    ((waited >= 1200)) && { echo "  still busy after 20 min; measuring anyway" >&2; break; }
    sleep 5
    waited=$((waited + 5))
  done
}
watch_compilers() {
  local n=0
  echo 0 >"$1"
  while :; do
    compiling && n=$((n + 1)) && echo "$n" >"$1"
    sleep 1
  done
}

[ -x "$NEW_BIN" ] || [ "${ONLY:-}" = baseline ] || { echo "no $NEW_BIN: build it first" >&2; exit 1; }
if [ -z "${EDGE_LOAD_SET:-}" ]; then  # brought up to date with bench/edge_load.cpp
  if ! nice -n 10 cmake --build "$BUILD" --target edge_load upload_client -j2 >"$WORK/edge_load-build.log" 2>&1; then
    [ -x "$EDGE_LOAD" ] || { cat "$WORK/edge_load-build.log" >&2; exit 1; }
    echo "note: could not rebuild $EDGE_LOAD (see below); using the one there" >&2
    tail -5 "$WORK/edge_load-build.log" >&2
  fi
fi
BASE_BIN=$(baseline_binary "$BASELINE")

# Test files: a 3 s tone for the task the GETs and event streams read; the big upload.
sox -n -r 16000 -c 1 -b 16 "$WORK/tone.wav" synth 3 sine 440 2>/dev/null
make_wav "$WORK/big.wav" $((UPLOAD_MB * 1048576))
BIG_SIZE=$(stat -c %s "$WORK/big.wav")
cat >"$WORK/edge.yaml" <<'YAML'
server:
  max_connections: 20000
  max_streams_per_user: 5000
YAML
# EDGE_SERVER_KEYS="io_threads: 1;handler_threads: 2" tries other server.* settings.
IFS=';' read -ra extra_keys <<<"${EDGE_SERVER_KEYS:-}"
for k in "${extra_keys[@]}"; do [ -n "$k" ] && echo "  $k" >>"$WORK/edge.yaml"; done
# Four 1 GiB uploads by one user (disk, then tmpfs) reach limits.user_upload_mb_per_hour's
# default of 4 GiB: the limit is not what is measured here (the baseline has none).
printf 'limits:\n  user_upload_mb_per_hour: 0\n' >>"$WORK/edge.yaml"

declare -A R  # R[label/metric] = figure

# median N...: the middle value (the mean of the two middle ones for an even count).
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0;
    else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# wrk_run LABEL PHASE: wrk -t2 -c32 on GET /api/v1/tasks/{id}; R[LABEL/PHASE_rps|_p99|_err].
wrk_run() {
  local out=$WORK/$1/wrk-$2.txt
  # 2 s of warm-up first (connections, caches, page faults), not counted: the figures are the
  # steady state, for both servers alike.
  wrk -t2 -c32 -d2s -s "$WORK/auth.lua" "$URL/api/v1/tasks/$TASK" >/dev/null 2>&1 || true
  wrk -t2 -c32 -d"${WRK_SECONDS}s" --latency -s "$WORK/auth.lua" "$URL/api/v1/tasks/$TASK" >"$out" 2>&1 || true
  R[$1/$2_rps]=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$out")
  R[$1/$2_p99]=$(awk '$1 == "99%" { v = $2; m = 1;
      if (v ~ /us$/) m = 0.001; else if (v ~ /ms$/) m = 1; else if (v ~ /m$/) m = 60000; else if (v ~ /s$/) m = 1000;
      sub(/[a-z]+$/, "", v); printf "%.1f", v * m }' "$out")
  R[$1/$2_err]=$(awk '/Socket errors/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } /Non-2xx/ { n += $5 }
      END { print n + 0 }' "$out")
  [ "${R[$1/$2_rps]:-0}" = 0 ] && R[$1/$2_p99]=-  # no request got through: no latency
  echo "  wrk: ${R[$1/$2_rps]:-?} req/s, p99 ${R[$1/$2_p99]:-?} ms, ${R[$1/$2_err]} errors"
}

# probe_run LABEL PHASE: the /health probe; R[LABEL/PHASE_health] = "p50 / p99 / max", _failed.
probe_run() {
  local line
  line=$("$EDGE_LOAD" probe --port "$PORT" --path /health --count "$PROBES" --rate 20 --timeout 5)
  echo "  /health probe: $line"
  R[$1/$2_health]=$(sed -E 's/.*p50_ms=([^ ]+) p99_ms=([^ ]+) max_ms=([^ ]+).*/\1 \/ \2 \/ \3/' <<<"$line")
  R[$1/$2_failed]="$(sed -E 's/.*failed=([0-9]+).*/\1/' <<<"$line")/$PROBES"
  if [[ $line == *timed_out=* ]]; then
    R[$1/$2_failed]+=" ($(sed -E 's/.*timed_out=([0-9]+).*/\1/' <<<"$line") timed out)"
  fi
}

# start_server LABEL BIN ARGS...: serve on $PORT, waits for /health; R[LABEL/startup_ms].
start_server() {
  local label=$1 bin=$2 t0 t1
  shift 2
  t0=$(date +%s%N)
  "$bin" serve "$@" --port "$PORT" --data-dir "${DATA:-$WORK/$label/data}" --workers 0 --max-upload-mb 2048 \
    >>"$WORK/$label/serve.out" 2>>"$WORK/$label/serve.err" &
  PID=$!
  # Polled from this shell: each try forks a subshell and a `sleep`, which adds ~10 ms here;
  # bench/startup-bench.sh (startup_probe) measures start-up precisely, many rounds.
  until (exec 3<>"/dev/tcp/127.0.0.1/$PORT" && printf 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&3 &&
    read -r -t 1 line <&3 && [[ $line == *" 200 "* ]]) 2>/dev/null; do
    kill -0 "$PID" 2>/dev/null || { tail "$WORK/$label/serve.err" >&2; exit 1; }
    sleep 0.001
  done
  t1=$(date +%s%N)
  R[$label/startup_ms]=$(((t1 - t0) / 1000000))
}

# upload LABEL KIND: the big file as a raw body or multipart; R[LABEL/KIND_mbs], R[LABEL/KIND_rss].
upload() {
  local label=$1 kind=$2 before code secs
  sync
  sleep 1
  echo 5 >"/proc/$PID/clear_refs"  # VmHWM := VmRSS, so the peak below is the upload's
  before=$(rss_kb "$PID")
  local -a multipart=()
  [ "$kind" = multipart ] && multipart=(--multipart)
  read -r code secs < <("$UPLOAD_CLIENT" --port "$PORT" --path "/api/v1/tasks?title=big-$kind" \
    --token "$TOKEN" --file "$WORK/big.wav" "${multipart[@]}" |
    sed -E 's/status=([0-9]+) seconds=([0-9.]+).*/\1 \2/')
  R[$label/${kind}_mbs]=$(awk -v b="$BIG_SIZE" -v s="$secs" 'BEGIN { printf "%.0f", b / 1e6 / s }')
  R[$label/${kind}_rss]=$((($(hwm_kb "$PID") - before) / 1024))
  [[ $code == 2* ]] || R[$label/${kind}_mbs]="HTTP $code"
  echo "  $kind upload: HTTP $code in ${secs}s, ${R[$label/${kind}_mbs]} MB/s, RSS +${R[$label/${kind}_rss]} MB"
  find "${DATA:-$WORK/$label/data}" -type f -size +100M -delete  # the stored copy: disk, not figures
}

# sample PID FILE: every second, the peak RSS (MB), threads and descriptors so far, into FILE.
sample() {
  local rss=0 thr=0 fds=0 r t f
  while kill -0 "$1" 2>/dev/null; do
    r=$(rss_kb "$1") t=$(thread_count "$1") f=$(fd_count "$1")
    ((r > rss)) && rss=$r
    ((t > thr)) && thr=$t
    ((f > fds)) && fds=$f
    echo "$((rss / 1024)) $thr $fds" >"$2"
    sleep 1
  done
}

# held FIELD...: those fields of edge_load's last status line, one a line ("idle=9990/10000" ->
# 9990; 0 before the first line).
held() {
  grep '^t=' "$WORK/$LABEL/hold.log" | tail -1 | awk -v want="$*" '{
    for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
    END { n = split(want, w, " "); for (j = 1; j <= n; j++) { x = v[w[j]]; sub("/.*", "", x); print (x == "" ? 0 : x) } }'
}

bench_one() {
  LABEL=$1
  local bin=$2
  shift 2
  mkdir -p "$WORK/$LABEL"
  printf correct-battery-42 | "$bin" user add bench --tenant bench --password-stdin --data-dir "$WORK/$LABEL/data" >/dev/null
  "$bin" db migrate --data-dir "$WORK/$LABEL/data" >/dev/null
  PORT=$(free_port)
  URL=http://127.0.0.1:$PORT
  echo
  echo "== $LABEL: $bin $* (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  wait_for_quiet
  watch_compilers "$WORK/$LABEL/compiler-seconds" &
  WATCHER=$!
  start_server "$LABEL" "$bin" "$@"
  sleep 1
  R[$LABEL/idle_rss]=$(($(rss_kb "$PID") / 1024))
  R[$LABEL/idle_threads]=$(thread_count "$PID")
  echo "  start-up ${R[$LABEL/startup_ms]} ms, idle RSS ${R[$LABEL/idle_rss]} MB, ${R[$LABEL/idle_threads]} threads"
  TOKEN=$(login_token "$URL" bench correct-battery-42)
  TASK=$(curl -fs -X POST "$URL/api/v1/tasks?title=bench" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: audio/wav' --data-binary @"$WORK/tone.wav" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$TOKEN" >"$WORK/auth.lua"

  echo " unloaded:"
  probe_run "$LABEL" unloaded
  wrk_run "$LABEL" unloaded
  R[$LABEL/unloaded_threads]=$(thread_count "$PID")

  echo " $((BIG_SIZE / 1048576)) MiB uploads:"
  cat "$WORK/big.wav" >/dev/null
  upload "$LABEL" raw
  upload "$LABEL" multipart
  # The same into storage on tmpfs (a copy of the data directory, same secret and token): what
  # the server's upload path does when this VM's disk is not the limit. And the disk's own
  # ceiling, dd writing 1 GiB with O_DIRECT in 4 MiB blocks as the server does.
  R[$LABEL/dd_mbs]=$(dd if=/dev/zero of="$WORK/$LABEL/dd.bin" bs=4M count=$((BIG_SIZE / 4194304)) \
    oflag=direct conv=fdatasync 2>&1 | awk '/copied/ { for (i = 1; i <= NF; i++) if ($i == "copied,") {
      b = $1; s = $(i + 1) } } END { if (s > 0) printf "%.0f", b / 1e6 / s }')
  rm -f "$WORK/$LABEL/dd.bin"
  echo "  dd to this disk: ${R[$LABEL/dd_mbs]} MB/s"
  stop_pid "$PID"
  PID=
  DATA=/dev/shm/minutes-edge-bench-$$-$LABEL
  rm -rf "$DATA"
  cp -a "$WORK/$LABEL/data" "$DATA"
  local disk_start=${R[$LABEL/startup_ms]}
  start_server "$LABEL" "$bin" "$@"
  R[$LABEL/startup_ms]=$disk_start
  echo "  into storage on tmpfs:"
  local disk_mbs disk_rss
  for kind in raw multipart; do
    disk_mbs=${R[$LABEL/${kind}_mbs]} disk_rss=${R[$LABEL/${kind}_rss]}
    upload "$LABEL" "$kind"
    R[$LABEL/${kind}_tmpfs_mbs]=${R[$LABEL/${kind}_mbs]}
    R[$LABEL/${kind}_mbs]=$disk_mbs R[$LABEL/${kind}_rss]=$disk_rss
  done
  stop_pid "$PID"
  PID=
  rm -rf "$DATA"
  DATA=

  echo " under attack (fresh start): $IDLE idle, $SLOW slow-body, $SSE event streams from 127.0.0.$SOURCES:"
  stop_pid "$PID"
  PID=
  local first_start=${R[$LABEL/startup_ms]}
  start_server "$LABEL" "$bin" "$@"
  R[$LABEL/restart_ms]=${R[$LABEL/startup_ms]}  # the database exists now: a restart
  R[$LABEL/startup_ms]=$first_start
  echo "  (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  sample "$PID" "$WORK/$LABEL/peaks" &
  SAMPLER=$!
  # Rounds: wrk with no attack, then under attack, ATTACK_ROUNDS times, and once more with no
  # attack at the end, all against this one process. This VM's throughput drifts by a third
  # from minute to minute with no load at all; comparing each attack round with the rounds
  # just before and after it measures the attack, not the drift.
  local round total=$((IDLE + SLOW + SSE)) waited i s e
  local -a quiet_rps=() attack_rps=() attack_p99=()
  for ((round = 1; round <= ATTACK_ROUNDS; round++)); do
    echo "  round $round, no attack:"
    wrk_run "$LABEL" "quiet$round"
    quiet_rps+=("${R[$LABEL/quiet${round}_rps]:-0}")
    nice -n 10 "$EDGE_LOAD" hold --port "$PORT" --token "$TOKEN" --task "$TASK" --idle "$IDLE" --slow "$SLOW" \
      --sse "$SSE" --sources "$SOURCES" --every 2 >"$WORK/$LABEL/hold.log" 2>&1 &
    HOLD=$!
    # Ramp-up (2,000 connections a second), then until 90 % of each kind is held, 20 s at most.
    waited=0
    sleep $((total / 2000 + 2))
    while ((waited < 20)); do
      read -r i s e < <(held idle slow sse | paste -sd' ')
      ((${i:-0} * 10 >= IDLE * 9 && ${s:-0} * 10 >= SLOW * 9 && ${e:-0} * 10 >= SSE * 9)) && break
      sleep 1
      waited=$((waited + 1))
    done
    read -r i s e < <(held idle slow sse | paste -sd' ')
    R[$LABEL/held_start]="$i / $s / $e"
    R[$LABEL/server_fds]=$(fd_count "$PID")
    echo "  round $round, under attack: held (client side, idle / slow / streams) ${R[$LABEL/held_start]}; server descriptors ${R[$LABEL/server_fds]}"
    ((round == 1)) && probe_run "$LABEL" attack
    wrk_run "$LABEL" "attack$round"
    attack_rps+=("${R[$LABEL/attack${round}_rps]:-0}")
    attack_p99+=("${R[$LABEL/attack${round}_p99]:-0}")
    R[$LABEL/attack_err]=$((${R[$LABEL/attack_err]:-0} + ${R[$LABEL/attack${round}_err]:-0}))
    read -r i s e < <(held idle slow sse | paste -sd' ')
    R[$LABEL/held_end]="$i / $s / $e"
    R[$LABEL/reconnects]=$(held idle_closed slow_closed sse_closed | paste -sd/ | sed 's,/, / ,g')
    R[$LABEL/attack_cpu]="$(cpu_s "$PID") / $(cpu_s "$HOLD")"
    R[$LABEL/attack_rss]=$(($(rss_kb "$PID") / 1024))
    R[$LABEL/answers]="$(held idle_answers slow_answers sse_answers | paste -sd' ')"
    echo "  held at the end: ${R[$LABEL/held_end]}; closed by the server: ${R[$LABEL/reconnects]}"
    echo "  last status: $(grep '^t=' "$WORK/$LABEL/hold.log" | tail -1)"
    stop_pid "$HOLD"; HOLD=
    sleep 3  # the server closes the attack's connections
  done
  echo "  round $round, no attack:"
  wrk_run "$LABEL" "quiet$round"
  quiet_rps+=("${R[$LABEL/quiet${round}_rps]:-0}")
  R[$LABEL/attack_rps]=$(median "${attack_rps[@]}")
  R[$LABEL/attack_p99]=$(median "${attack_p99[@]}")
  R[$LABEL/quiet_rps]=$(median "${quiet_rps[@]}")
  R[$LABEL/attack_rounds]="${attack_rps[*]}"
  R[$LABEL/quiet_rounds]="${quiet_rps[*]}"
  R[$LABEL/attack_hwm]=$(($(hwm_kb "$PID") / 1024))
  read -r _ "R[$LABEL/attack_threads]" "R[$LABEL/attack_fds]" <"$WORK/$LABEL/peaks"
  echo "  CPU seconds since the fresh start, server / edge_load: ${R[$LABEL/attack_cpu]}"
  echo "  server: RSS ${R[$LABEL/attack_rss]} MB (peak ${R[$LABEL/attack_hwm]}), threads peak ${R[$LABEL/attack_threads]}, descriptors peak ${R[$LABEL/attack_fds]}"
  stop_pid "$SAMPLER"; SAMPLER=
  stop_pid "$PID"; PID=
  stop_pid "$WATCHER"; WATCHER=
  R[$LABEL/compiler_s]=$(cat "$WORK/$LABEL/compiler-seconds")
  [ "${R[$LABEL/compiler_s]}" = 0 ] || echo "  WARNING: a compiler ran for ${R[$LABEL/compiler_s]} s while $LABEL was measured"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); RLIMIT_NOFILE $(ulimit -n)"
POOL='?'
LABELS=()
if [ "${ONLY:-}" != new ]; then
  bench_one baseline "$BASE_BIN"
  LABELS+=(baseline)
fi
if [ "${ONLY:-}" != baseline ]; then
  NEW_ARGS=(--config "$WORK/edge.yaml")
  if ! "$NEW_BIN" config show --config "$WORK/edge.yaml" >"$WORK/new-config.txt" 2>&1; then
    echo "note: $NEW_BIN does not take the edge's config keys ($(tail -1 "$WORK/new-config.txt")): run without them"
    NEW_ARGS=()
  fi
  POOL=$(awk -F': *' '$1 ~ /handler_threads$/ {print $2 + 0; exit}' "$WORK/new-config.txt")
  POOL=${POOL:-?}
  if [ "$POOL" = 0 ]; then  # auto on SQLite, as here: one per core, at least 2 (server.handler_threads)
    POOL=$(nproc); [ "$POOL" -lt 2 ] && POOL=2
  fi
  bench_one new "$NEW_BIN" "${NEW_ARGS[@]}"
  LABELS+=(new)
fi

echo
echo "== edge benchmark: baseline = POCO HTTPServer at $(git rev-parse --short "$BASELINE"), new = $NEW_BIN"
echo "   (load average at the end $(cut -d' ' -f1-3 /proc/loadavg); 2 cores shared by server, wrk and edge_load)"
row() { printf "%-48s" "$1"; shift; for l in "${LABELS[@]}"; do printf " %22s" "${R[$l/$1]:--}"; done; printf "   %s\n" "${2:-}"; }
printf "%-48s" ""; for l in "${LABELS[@]}"; do printf " %22s" "$l"; done; printf "   target\n"
row "start-up, shell-polled, one run (ms), new database" startup_ms
row "start-up, shell-polled, existing database (a restart)" restart_ms
row "idle RSS (MB)" idle_rss
row "idle threads" idle_threads
row "/health p50 / p99 / max (ms), unloaded" unloaded_health
row "/health probes failed, unloaded" unloaded_failed "0"
row "GET task req/s, unloaded (wrk -t2 -c32)" unloaded_rps "15000-19000 today"
row "GET task p99 (ms), unloaded" unloaded_p99
row "GET task wrk errors, unloaded" unloaded_err
row "threads after wrk" unloaded_threads
row "raw upload $((BIG_SIZE / 1048576)) MiB (MB/s)" raw_mbs ">= 600"
row "raw upload: server RSS growth (MB)" raw_rss
row "multipart upload (MB/s)" multipart_mbs ">= 600"
row "multipart upload: server RSS growth (MB)" multipart_rss
row "  this disk's ceiling: dd 1 GiB O_DIRECT (MB/s)" dd_mbs
row "raw upload into tmpfs storage (MB/s)" raw_tmpfs_mbs ">= 600"
row "multipart upload into tmpfs storage (MB/s)" multipart_tmpfs_mbs ">= 600"
echo "under attack ($IDLE idle + $SLOW slow-body + $SSE event streams):"
row "  held at start: idle / slow / streams" held_start
row "  held at end: idle / slow / streams" held_end
row "  closed by server: idle / slow / streams" reconnects
row "  server descriptors at start" server_fds
row "  /health p50 / p99 / max (ms)" attack_health "p99 <= 20 ms"
row "  /health probes failed" attack_failed "0"
for l in "${LABELS[@]}"; do
  u=${R[$l/quiet_rps]:-0} a=${R[$l/attack_rps]:-0}
  R[$l/attack_ratio]=$(awk -v u="$u" -v a="$a" 'BEGIN { if (u > 0) printf "%.0f %%", 100 * a / u; else print "-" }')
done
row "  GET task req/s, each round, no attack" quiet_rounds
row "  GET task req/s, each round, under attack" attack_rounds
row "  GET task req/s, median, no attack (same process)" quiet_rps
row "  GET task req/s, median, under attack" attack_rps
row "  GET task req/s, under attack / no attack" attack_ratio ">= 80 %"
row "  GET task p99 (ms), median, under attack" attack_p99
row "  GET task wrk errors" attack_err
row "  server RSS now (MB)" attack_rss
row "  server RSS peak (VmHWM, MB)" attack_hwm "<= 150 MB"
LIMIT="2 x $(nproc) cores + $POOL handler threads"
[[ $POOL =~ ^[0-9]+$ ]] && LIMIT="<= $((2 * $(nproc) + POOL)) ($LIMIT)"
row "  server threads, peak" attack_threads "$LIMIT"
row "  server descriptors, peak" attack_fds
row "  CPU s from the fresh start: server / edge_load" attack_cpu
row "seconds a compiler ran during the measurements" compiler_s "0 (else the figures are suspect)"
for l in "${LABELS[@]}"; do echo "  $l answered the load (status:count, idle / slow / streams): ${R[$l/answers]:--}"; done
