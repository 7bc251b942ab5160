#!/usr/bin/env bash
# The whole test suite: install, build, run every test, then again under ASan + UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# CI time: the test builds are unity builds (each room's sources one translation unit: most of a
# file's compile time is templates every file instantiates again) and carry no full debug
# information (it costs compile and link time on every one of the ~50 binaries); ASan keeps line
# tables (-g1) for its stack traces. The installed build (scripts/build.sh alone, the Dockerfile)
# stays RelWithDebInfo, file by file.
scripts/build.sh -DMINUTES_UNITY_BUILD=ON -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG" \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG"
(cd build && ctest --output-on-failure -j"$(nproc)" --timeout 600)
scripts/fuzz.sh 5
# Benchmarks never run in CI; the sanitizer build leaves them out.
BUILD_DIR=build-asan BUILD_TYPE=Debug scripts/build.sh -DMINUTES_SANITIZE=ON -DMINUTES_BENCH=OFF \
  -DMINUTES_UNITY_BUILD=ON \
  -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DCMAKE_C_FLAGS_DEBUG=-g1
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j"$(nproc)" --timeout 1200)
echo "test.sh: all tests passed (release and ASan+UBSan)"
