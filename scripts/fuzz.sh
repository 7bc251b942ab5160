#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each for a few seconds: every
# parser that takes outside input, fed hostile input. CI runs `scripts/fuzz.sh 5`; the long runs
# (10^6 executions or 30 min each) are bench/fuzz.sh.
# Usage: scripts/fuzz.sh [SECONDS_EACH]   (default 5; 0 = build only)
#        FUZZ_TARGETS="range_fuzz jwt_fuzz" scripts/fuzz.sh 60   (some of them)
# Each target is compiled from the few sources it needs (the parsers are pure functions of
# their input, apart from the rooms that do I/O), object by object through ccache, two
# targets at a time; the committed seeds (tests/fuzz/NAME, which include every input that
# once crashed) run first, so a regression fails here before any mutation.
# api_router_fuzz (every route, through the router, on a real in-process service) needs the
# whole service: only the api room is compiled here (instrumented, as one translation unit);
# the other rooms are the release build's static libraries in build/ (g++ -O2, not
# instrumented), which scripts/test.sh builds before it runs this.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-5}
OUT=${FUZZ_DIR:-build-fuzz}
BUILD=${FUZZ_BUILD_DIR:-build}
CXX=${FUZZ_CXX:-clang++-14}
command -v ccache >/dev/null && CXX="ccache $CXX"
# shellcheck disable=SC2054
LINK=(-fsanitize=fuzzer,address,undefined)
command -v mold >/dev/null && LINK+=(-fuse-ld=mold)
mkdir -p "$OUT"
# -gline-tables-only: stack traces with lines, at a fraction of -g's compile time.
# shellcheck disable=SC2054  # the commas are -fsanitize lists
FLAGS=(-std=c++20 -O1 -gline-tables-only -fno-omit-frame-pointer -Isrc
  -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined)

# name | sources (the target first) | libraries | extra flags | max_len
# A source `room:NAME` is every source of src/NAME (not its tests nor fuzz targets) compiled as
# one translation unit; the library `build:minutes` is what build/'s `minutes` executable links
# (the rooms' static libraries and the system libraries they need), without the rooms compiled
# here and the command line's.
TARGETS=(
  "api_router_fuzz|src/api/api_router_fuzz.cpp room:api|build:minutes||4096"
  "multipart_reader_fuzz|src/http/multipart_reader_fuzz.cpp src/http/multipart_reader.cpp|||4096"
  "template_fuzz|src/minutes/template_fuzz.cpp src/minutes/template_render.cpp src/minutes/template_outline.cpp src/core/text.cpp|||4096"
  "range_fuzz|src/http/range_fuzz.cpp src/http/range.cpp|||256"
  "http_head_fuzz|src/http/http_head_fuzz.cpp src/http/request_target.cpp src/net/url.cpp src/core/text.cpp|-luriparser|-DBOOST_DISABLE_ASSERTS|4096"
  "gateway_event_fuzz|src/api/gateway_event_fuzz.cpp src/api/gateway_event.cpp src/net/url.cpp src/net/base64.cpp src/core/text.cpp|-luriparser -lcrypto||4096"
  "s3_xml_fuzz|src/storage/s3_xml_fuzz.cpp src/storage/s3_xml.cpp|-lpugixml||4096"
  "jwt_fuzz|src/api/jwt_fuzz.cpp src/api/jwt.cpp src/api/jws.cpp src/api/external_jwt.cpp src/net/base64.cpp src/crypto/hmac.cpp src/crypto/hex.cpp|-lcrypto||4096"
  "provider_reply_fuzz|src/asr/provider_reply_fuzz.cpp src/asr/provider_replies.cpp src/llm/provider_replies.cpp src/core/text.cpp|||4096"
  "config_fuzz|src/config/config_fuzz.cpp src/config/config_fields.cpp src/config/config_load.cpp src/config/config_validate.cpp src/config/config_show.cpp src/net/url.cpp src/core/text.cpp|-lyaml-cpp -luriparser||4096"
  "media_probe_fuzz|src/audio/media_probe_fuzz.cpp src/audio/sniff.cpp src/audio/decoder.cpp src/audio/ffmpeg_api.cpp src/core/shared_library.cpp|-ldl||16384"
)

field() { cut -d'|' -f"$2" <<<"$1"; }
wanted() { [[ -z ${FUZZ_TARGETS:-} || " $FUZZ_TARGETS " == *" $1 "* ]]; }

# The libraries of build/'s `minutes` link line as paths from here, without the command line's
# room and the rooms in $2 (compiled instrumented instead). Fails, saying what to build, when
# build/ is missing or older than the sources.
build_libs() {
  local link=$BUILD/src/cli/CMakeFiles/minutes.dir/link.txt word lib room out=()
  local hint="build the release first: scripts/build.sh -DMINUTES_UNITY_BUILD=ON (as scripts/test.sh does), or cmake --build $BUILD --target minutes"
  if [[ ! -f $link || ! -x $BUILD/minutes ]]; then
    echo "fuzz: $1 links against the release build's libraries, and $BUILD/minutes is not built: $hint" >&2
    return 1
  fi
  local newer
  newer=$(find src -newer "$BUILD/minutes" \( -name '*.cpp' -o -name '*.hpp' \) \
    ! -name '*_test.cpp' ! -name '*_fuzz.cpp' ! -path 'src/api/*.cpp' | head -1)
  if [[ -n $newer ]]; then
    echo "fuzz: $1 links against $BUILD's libraries, which are older than $newer: $hint" >&2
    return 1
  fi
  # shellcheck disable=SC2013  # words, not lines
  for word in $(sed 's/.* -o [^ ]* //' "$link"); do
    case $word in
      -*) out+=("$word") ;;
      *.a | *.so | *.so.*)
        lib=$word
        [[ $lib == /* ]] || lib=$BUILD/src/cli/$lib
        room=$(basename "$lib" | sed -n 's/^libminutes_\(.*\)\.a$/\1/p')
        [[ -n $room && " cli $2 " == *" $room "* ]] || out+=("$lib")
        ;;
    esac
  done
  echo "${out[@]}"
}

build() {
  local entry=$1 name sources libs extra objs=() src obj rooms="" unity lib
  name=$(field "$entry" 1) sources=$(field "$entry" 2) libs=$(field "$entry" 3)
  extra=$(field "$entry" 4)
  for src in $sources; do [[ $src != room:* ]] || rooms+=" ${src#room:}"; done
  # The libraries first: a missing build/ is said before anything is compiled.
  local link_libs=() found more
  for lib in $libs; do
    if [[ $lib == build:minutes ]]; then
      found=$(build_libs "$name" "$rooms") || return 1
      read -ra more <<<"$found"
      link_libs+=("${more[@]}")
    else
      link_libs+=("$lib")
    fi
  done
  for src in $sources; do
    obj=$OUT/obj/$name/${src//\//_}.o
    if [[ $src == room:* ]]; then  # the room as one translation unit
      unity=$OUT/obj/$name/room_${src#room:}.cpp
      mkdir -p "$(dirname "$unity")"
      find "src/${src#room:}" -maxdepth 1 -name '*.cpp' ! -name '*_test.cpp' ! -name '*_itest.cpp' \
        ! -name '*_fuzz.cpp' | sort | sed "s|.*|#include \"$PWD/&\"|" >"$unity.new"
      if cmp -s "$unity.new" "$unity"; then rm "$unity.new"; else mv "$unity.new" "$unity"; fi
      src=$unity
    fi
    mkdir -p "$(dirname "$obj")"
    # shellcheck disable=SC2086
    $CXX "${FLAGS[@]}" $extra -c "$src" -o "$obj"
    objs+=("$obj")
  done
  $CXX "${LINK[@]}" "${objs[@]}" "${link_libs[@]}" -o "$OUT/$name"
}

start=$SECONDS
pids=()
for entry in "${TARGETS[@]}"; do
  wanted "$(field "$entry" 1)" || continue
  # Two compilers at a time (the CI machine has two cores): the next starts when either ends.
  while ((${#pids[@]} >= 2)); do
    wait -n -p done_pid "${pids[@]}"
    for i in "${!pids[@]}"; do [[ ${pids[i]} != "$done_pid" ]] || unset 'pids[i]'; done
    pids=("${pids[@]}")
  done
  build "$entry" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
echo "fuzz: built in $((SECONDS - start))s"
((SECONDS_EACH > 0)) || exit 0

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
for entry in "${TARGETS[@]}"; do
  name=$(field "$entry" 1)
  wanted "$name" || continue
  mkdir -p "$OUT/$name.corpus"
  seeds=tests/fuzz/$name
  [[ -d $seeds ]] || seeds=
  dict=()  # tests/fuzz/NAME.dict: tokens the mutations splice in
  [[ ! -f tests/fuzz/$name.dict ]] || dict=(-dict="tests/fuzz/$name.dict")
  # New finds go to the build directory's corpus only; crashes are written there too.
  # shellcheck disable=SC2086
  "$OUT/$name" -max_total_time="$SECONDS_EACH" -max_len="$(field "$entry" 5)" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$OUT/$name." "${dict[@]}" \
    "$OUT/$name.corpus" $seeds 2>"$OUT/$name.log" || {
    tail -40 "$OUT/$name.log"
    echo "fuzz: $name failed; the input is $OUT/$name.crash-* (or leak-, timeout-, oom-)"
    exit 1
  }
  runs=$(grep -aoE "stat::number_of_executed_units: *[0-9]+" "$OUT/$name.log" | grep -oE "[0-9]+$")
  cov=$(grep -aoE "cov: [0-9]+" "$OUT/$name.log" | tail -1)
  echo "fuzz: $name ${SECONDS_EACH}s, $runs runs, $cov"
done
echo "fuzz: done in $((SECONDS - start))s"
