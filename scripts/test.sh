#!/usr/bin/env bash
# The whole test suite: install, build, run every test, then again under ASan + UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
(cd build && ctest --output-on-failure -j"$(nproc)" --timeout 600)
scripts/fuzz.sh 15
# Benchmarks never run in CI; the sanitizer build leaves them out.
BUILD_DIR=build-asan BUILD_TYPE=Debug scripts/build.sh -DMINUTES_SANITIZE=ON -DMINUTES_BENCH=OFF
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j"$(nproc)" --timeout 1200)
echo "test.sh: all tests passed (release and ASan+UBSan)"
