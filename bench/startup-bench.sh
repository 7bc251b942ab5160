#!/usr/bin/env bash
# Start-up time and idle memory of `minutes serve` on a new database, for one or more binaries
# measured in the same run, rounds interleaved so a busy moment hits every binary alike:
#   bench/startup-bench.sh [-n ROUNDS] LABEL=BINARY [LABEL=BINARY...]
# Per binary: median start-up (exec → first 200 from /health, polled every millisecond as in
# edge-bench.sh's start_server), median VmRSS one second later, and the dynamic loader's
# relocation count and time for `minutes --version` (LD_DEBUG=statistics).
set -euo pipefail
ROUNDS=11
if [ "${1:-}" = -n ]; then
  ROUNDS=$2
  shift 2
fi
[ $# -ge 1 ] || { sed -n 2,7p "$0" >&2; exit 2; }
WORK=$(mktemp -d /tmp/startup-bench.XXXXXX)
trap 'kill "${PID:-}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
PORT=$((20000 + RANDOM % 20000))

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# one LABEL BIN ROUND: start on a new data directory, wait for /health, read VmRSS after 1 s.
one() {
  local label=$1 bin=$2 round=$3 t0 t1 line
  local data="$WORK/$label-$round"
  t0=$(date +%s%N)
  "$bin" serve --port "$PORT" --workers 0 --data-dir "$data" >"$data.out" 2>&1 &
  PID=$!
  until (exec 3<>"/dev/tcp/127.0.0.1/$PORT" &&
    printf 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&3 &&
    read -r -t 1 line <&3 && [[ $line == *" 200 "* ]]) 2>/dev/null; do
    kill -0 "$PID" 2>/dev/null || { cat "$data.out" >&2; exit 1; }
    sleep 0.001
  done
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000)) >>"$WORK/$label.startup_us"
  sleep 1
  awk '/^VmRSS:/ { print $2 }' "/proc/$PID/status" >>"$WORK/$label.rss_kb"
  kill "$PID"
  wait "$PID" 2>/dev/null || true
  PID=
}

for ((round = 0; round < ROUNDS; ++round)); do
  for pair in "$@"; do one "${pair%%=*}" "${pair#*=}" "$round"; done
done

printf '%-10s %12s %12s %10s %14s %12s\n' binary startup_ms idle_rss_mb libraries relocations ld_time_ms
for pair in "$@"; do
  label=${pair%%=*} bin=${pair#*=}
  startup=$(median <"$WORK/$label.startup_us")
  rss=$(median <"$WORK/$label.rss_kb")
  libs=$(ldd "$bin" | grep -c '=>')
  stats=$(LD_DEBUG=statistics "$bin" --version 2>&1 >/dev/null)
  relocs=$(sed -nE 's/.*number of relocations: *([0-9]+).*/\1/p' <<<"$stats" | head -1)
  # "total startup time in dynamic loader: 12345678 cycles" (or a time in ns/us on newer glibc)
  ld=$(sed -nE 's/.*total startup time in dynamic loader: *(.*)$/\1/p' <<<"$stats" | head -1)
  printf '%-10s %12.1f %12.1f %10s %14s %12s\n' "$label" "$(bc -l <<<"$startup / 1000")" \
    "$(bc -l <<<"$rss / 1024")" "$libs" "$relocs" "$ld"
done
