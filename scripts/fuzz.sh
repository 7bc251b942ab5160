#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each for a few seconds: the parsers
# we wrote by hand, fed hostile input. Usage: scripts/fuzz.sh [SECONDS_EACH]   (default 15)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-15}
OUT=${FUZZ_DIR:-build-fuzz}
mkdir -p "$OUT"
FLAGS=(-std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Isrc)
# Each entry: the target, then the sources it needs.
TARGETS=(
  "src/http/multipart_reader_fuzz.cpp src/http/multipart_reader.cpp"
  "src/minutes/template_fuzz.cpp src/minutes/template_render.cpp src/minutes/template_outline.cpp src/core/text.cpp"
)
for entry in "${TARGETS[@]}"; do
  read -r -a sources <<<"$entry"
  target=${sources[0]}
  name=$(basename "$target" .cpp)
  clang++-14 "${FLAGS[@]}" "${sources[@]}" -o "$OUT/$name"
  mkdir -p "$OUT/$name.corpus"
  # A committed seed corpus (tests/fuzz/NAME) starts the run where the interesting inputs are;
  # new finds go to the build directory's corpus only.
  seeds=tests/fuzz/$name
  [[ -d $seeds ]] || seeds=
  echo "fuzz: $name for ${SECONDS_EACH}s"
  "$OUT/$name" -max_total_time="$SECONDS_EACH" -max_len=4096 -print_final_stats=1 \
    "$OUT/$name.corpus" $seeds 2>"$OUT/$name.log" || { tail -40 "$OUT/$name.log"; exit 1; }
  grep -E "stat::number_of_executed_units|cov:" "$OUT/$name.log" | tail -2
done
