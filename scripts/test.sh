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
#
# The release tests leave about a third of the two cores idle (they wait for servers, workers,
# timeouts): the sanitizer build is compiled meanwhile, at nice 19, so that the tests keep the
# CPU whenever they want it.
phase_start=$SECONDS
phase() { echo "test.sh: $1 in $((SECONDS - phase_start)) s"; phase_start=$SECONDS; }
LOGS=$(mktemp -d /tmp/minutes-test-XXXXXX)
background=()
stop_background() { for pid in "${background[@]}"; do kill -- -"$pid" 2>/dev/null || true; done; }
trap stop_background EXIT
# run_background LOG CMD...: CMD at nice 19 in a session of its own (so that it can be stopped as
# a whole), output to $LOGS/LOG. With the kernel's autogroup scheduling, nice only ranks
# processes of one session against each other and every session gets an equal share: the new
# session's own nice is set to 19 as well, or the background job would take half the CPU.
run_background() {
  local log=$LOGS/$1
  shift
  setsid -w sh -c '[ -w /proc/self/autogroup ] && echo 19 >/proc/self/autogroup; exec nice -n 19 "$@"' \
    background "$@" >"$log" 2>&1 &
  background+=($!)
}
# finish_background PID LOG WHAT: waits for it; on failure shows the end of its log and fails.
finish_background() {
  if ! wait "$1"; then
    echo "test.sh: $3 failed; the end of its output:" >&2
    tail -n 200 "$LOGS/$2" >&2
    exit 1
  fi
  echo "test.sh: $3 done (output in $LOGS/$2)"
}

scripts/build.sh -DMINUTES_UNITY_BUILD=ON -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG" \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG"
phase "release build"
# Benchmarks never run in CI; the sanitizer build leaves them out.
run_background asan-build.log env BUILD_DIR=build-asan BUILD_TYPE=Debug scripts/build.sh \
  -DMINUTES_SANITIZE=ON -DMINUTES_BENCH=OFF -DMINUTES_UNITY_BUILD=ON \
  -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DCMAKE_C_FLAGS_DEBUG=-g1
asan_build=${background[-1]}
(cd build && ctest --output-on-failure -j"$(nproc)" --timeout 600)
phase "release tests"
finish_background "$asan_build" asan-build.log "the ASan + UBSan build"
phase "rest of the ASan + UBSan build"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j"$(nproc)" --timeout 1200)
phase "ASan + UBSan tests"
# The fuzzers after them: the sanitizer tests keep both cores busy (a fuzz build behind them
# slowed them by about as much as it saved).
scripts/fuzz.sh 5
phase "fuzzers"
echo "test.sh: all tests passed (release and ASan+UBSan) and every fuzzer ran clean"
