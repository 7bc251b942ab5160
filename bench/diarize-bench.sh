#!/usr/bin/env bash
# The local diarizer against an earlier version of itself, side by side in one run on the same
# recordings: DER, speakers found (reference count in brackets) and diarization time per file.
# The development set is tests/data/make-diarization-set.sh's (real voices and long
# synthesized meetings with repeated lines) plus the test meetings of make-test-data.sh.
#
# Usage: bench/diarize-bench.sh [BUILD_DIR] [BASE_REF] [--long]
#   BASE_REF (default main) is checked out in a temporary worktree, and bench/diarize_eval.cpp
#   built there against that version's diarizer (its own tunables left at their defaults).
#   --long adds the 60-minute meeting.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
BASE=${2:-main}
LONG=${3:-}
DATA=$BUILD/testdata
BASE_SRC=$BUILD/diarize-base-src  # fixed paths: ccache and make reuse the last base build
BASE_BUILD=$BUILD/diarize-base
JFK=third_party/whisper.cpp/bindings/go/samples/jfk.wav
nice_run() { setsid -w sh -c 'echo 19 >/proc/self/autogroup; exec nice -n 19 "$@"' x "$@"; }

bash tests/data/make-test-data.sh "$DATA" >/dev/null
JFK_WAV=$JFK bash tests/data/make-diarization-set.sh "$DATA/diarization" $LONG
nice_run cmake --build "$BUILD" --target diarize_eval -j2 >/dev/null

# The base version: its sources in a worktree, this eval program added to its bench/.
SRC=$BASE_SRC
git worktree remove --force "$SRC" >/dev/null 2>&1 || rm -rf "$SRC"
trap 'git worktree remove --force "$SRC" >/dev/null 2>&1 || true' EXIT
git worktree add --detach "$SRC" "$BASE" >/dev/null
ln -s "$PWD/third_party" "$SRC/third_party"
cp bench/diarize_eval.cpp "$SRC/bench/diarize_eval_now.cpp"
cat >>"$SRC/bench/CMakeLists.txt" <<'EOF'
add_executable(diarize_eval_base diarize_eval_now.cpp)
target_compile_definitions(diarize_eval_base PRIVATE DIARIZE_EVAL_DEFAULTS_ONLY)
target_link_libraries(diarize_eval_base PRIVATE minutes::audio minutes::diarize minutes::scoring)
EOF
nice_run cmake -S "$SRC" -B "$BASE_BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMINUTES_UNITY_BUILD=ON -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG" >/dev/null
nice_run cmake --build "$BASE_BUILD" --target diarize_eval_base -j2 >/dev/null

DIRS=("$DATA"/diarization/real{2,3,4} "$DATA"/diarization/*-voices-*min
  "$DATA"/{standup,planning,review,noisy})
OUT=$(mktemp)
# File by file, each version in turn (each the fastest of 3 runs): load that comes and goes on
# the machine falls on both alike.
for dir in "${DIRS[@]}"; do
  nice_run "$BASE_BUILD/bench/diarize_eval_base" "$dir" | tail -n +2 >>"$OUT.base"
  nice_run "$BUILD/bench/diarize_eval" "$dir" | tail -n +2 >>"$OUT.now"
done
echo "base = $BASE ($(git rev-parse --short "$BASE")), now = $(git rev-parse --short HEAD)"
printf "%-20s %8s | %8s %8s | %8s %8s | %10s %10s\n" recording length_s "der_base" "der_now" \
  "spk_base" "spk_now" "ms_base" "ms_now"
join <(sort "$OUT.base") <(sort "$OUT.now") |
  awk '{printf "%-20s %8.1f | %7.1f%% %7.1f%% | %4d [%d] %4d [%d] | %10.1f %10.1f\n",
        $1, $2, $5, $10, $4, $3, $9, $8, $6, $11}'
rm -f "$OUT" "$OUT.base" "$OUT.now"
