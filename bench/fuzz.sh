#!/usr/bin/env bash
# The long fuzz runs (not in CI): each libFuzzer target of scripts/fuzz.sh, with ASan + UBSan,
# for 10^6 executions or 30 minutes, whichever comes first, one after another, niced. Prints a
# line per target (executions, seconds, coverage) for the README's reliability section. A crash
# stops the run and leaves its input in build-fuzz/NAME.crash-*: fix the product code, keep the
# input in tests/fuzz/NAME and as a unit test beside the parser.
# Usage: bench/fuzz.sh [RUNS] [SECONDS]   (defaults 1000000 1800)
#        FUZZ_TARGETS="jwt_fuzz" bench/fuzz.sh   (some of them)
#        FUZZ_TIMEOUT=60 bench/fuzz.sh   (seconds one input may take: raise it on a busy machine,
#        where a niced fuzzer can be starved for longer than the default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-1000000}
MAX_SECONDS=${2:-1800}
OUT=${FUZZ_DIR:-build-fuzz}
scripts/fuzz.sh 0
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
# The names and max_len of the targets, as scripts/fuzz.sh lists them.
mapfile -t entries < <(sed -n 's/^  "\([a-z0-9_]*_fuzz\)|.*|\([0-9]*\)"$/\1 \2/p' scripts/fuzz.sh)
printf '%-22s %10s %8s %s\n' target executions seconds coverage
for entry in "${entries[@]}"; do
  read -r name max_len <<<"$entry"
  [[ -z ${FUZZ_TARGETS:-} || " $FUZZ_TARGETS " == *" $name "* ]] || continue
  mkdir -p "$OUT/$name.corpus"
  seeds=tests/fuzz/$name
  [[ -d $seeds ]] || seeds=
  dict=()
  [[ ! -f tests/fuzz/$name.dict ]] || dict=(-dict="tests/fuzz/$name.dict")
  start=$SECONDS
  # shellcheck disable=SC2086
  nice -n 15 "$OUT/$name" -runs="$RUNS" -max_total_time="$MAX_SECONDS" -max_len="$max_len" \
    -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$OUT/$name." \
    "${dict[@]}" "$OUT/$name.corpus" $seeds 2>"$OUT/$name.bench.log" || {
    tail -40 "$OUT/$name.bench.log"
    echo "bench/fuzz.sh: $name failed; the input is in $OUT/$name.*"
    exit 1
  }
  runs=$(grep -aoE "stat::number_of_executed_units: *[0-9]+" "$OUT/$name.bench.log" |
    grep -oE "[0-9]+$")
  cov=$(grep -aoE "cov: [0-9]+" "$OUT/$name.bench.log" | tail -1)
  printf '%-22s %10s %8s %s\n' "$name" "$runs" "$((SECONDS - start))" "$cov"
done
