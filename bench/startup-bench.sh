#!/usr/bin/env bash
# Start-up time and idle memory of `minutes serve` on a new database, for one or more binaries
# measured in the same run, rounds interleaved so a busy moment hits every binary alike:
#   bench/startup-bench.sh [-n ROUNDS] LABEL=BINARY [LABEL=BINARY...]
# Per binary: median start-up (exec → first 200 from /health, polled every 200 µs by
# bench/startup_probe, which costs the server nothing), median VmRSS one second later, and the
# dynamic loader's relocation count and time for `minutes --version` (LD_DEBUG=statistics).
# RESTART=1 measures restarts on an existing database instead of new ones.
# Environment: PROBE (default build/bench/startup_probe).
set -euo pipefail
ROUNDS=11
if [ "${1:-}" = -n ]; then
  ROUNDS=$2
  shift 2
fi
[ $# -ge 1 ] || { sed -n 2,7p "$0" >&2; exit 2; }
WORK=$(mktemp -d /tmp/startup-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
PORT=$((20000 + RANDOM % 20000))
PROBE=${PROBE:-build/bench/startup_probe}
[ -x "$PROBE" ] || { echo "no $PROBE: cmake --build build --target startup_probe" >&2; exit 1; }

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# one LABEL BIN ROUND: start on a new data directory (or, with RESTART=1, on the one its first
# round created), time exec -> first 200 from /health and read VmRSS 1 s later (startup_probe).
one() {
  local label=$1 bin=$2 round=$3 data
  data="$WORK/$label-$round"
  [ -n "${RESTART:-}" ] && data="$WORK/$label-restart"
  if [ -n "${RESTART:-}" ] && [ ! -d "$data" ]; then  # the database the restarts reopen
    "$PROBE" "$PORT" "$bin" serve --port "$PORT" --workers 0 --data-dir "$data" >/dev/null
  fi
  read -r us kb < <("$PROBE" "$PORT" "$bin" serve --port "$PORT" --workers 0 --data-dir "$data")
  [ -n "${kb:-}" ] || { echo "startup_probe failed for $label" >&2; exit 1; }
  echo "$us" >>"$WORK/$label.startup_us"
  echo "$kb" >>"$WORK/$label.rss_kb"
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
