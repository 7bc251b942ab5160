#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each for a few seconds: the parsers
# we wrote by hand, fed hostile input. Usage: scripts/fuzz.sh [SECONDS_EACH]   (default 15)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-15}
OUT=${FUZZ_DIR:-build-fuzz}
mkdir -p "$OUT"
FLAGS=(-std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Isrc)
for target in src/http/multipart_reader_fuzz.cpp; do
  name=$(basename "$target" .cpp)
  clang++-14 "${FLAGS[@]}" "$target" src/http/multipart_reader.cpp -o "$OUT/$name"
  mkdir -p "$OUT/$name.corpus"
  echo "fuzz: $name for ${SECONDS_EACH}s"
  "$OUT/$name" -max_total_time="$SECONDS_EACH" -max_len=4096 -print_final_stats=1 \
    "$OUT/$name.corpus" 2>"$OUT/$name.log" || { tail -40 "$OUT/$name.log"; exit 1; }
  grep -E "stat::number_of_executed_units|cov:" "$OUT/$name.log" | tail -2
done
