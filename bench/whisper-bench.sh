#!/usr/bin/env bash
# whisper.cpp in `minutes run` against whisper.cpp's own whisper-cli, side by side in one run on
# the same audio, model and thread count. No real weights can be downloaded here, so both run a
# model of the official shapes with random weights (bench/whisper_model_gen, the generator the
# tests use): the text is nonsense, the work per window is the real one.
# Usage: bench/whisper-bench.sh [BUILD_DIR] [MODELS] [MEETING]
#   MODELS default "tiny.en base.en"; MEETING a make-test-data.sh meeting (default long10)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
MODELS=${2:-"tiny.en base.en"}
MEETING=${3:-long10}
THREADS=$(nproc)
BIN=$BUILD/minutes
DATA=$BUILD/testdata
CLI_BUILD=$BUILD/whisper-cli
bash tests/data/make-test-data.sh "$DATA" --bench >/dev/null
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# whisper-cli from the very sources the project builds (third_party/whisper.cpp), same flags.
if [ ! -x "$CLI_BUILD/bin/whisper-cli" ]; then
  echo "building whisper-cli from third_party/whisper.cpp …" >&2
  cmake -S third_party/whisper.cpp -B "$CLI_BUILD" -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=OFF \
    -DGGML_OPENMP=ON -DBUILD_SHARED_LIBS=OFF -DWHISPER_BUILD_EXAMPLES=ON \
    -DWHISPER_BUILD_TESTS=OFF -DWHISPER_BUILD_SERVER=OFF >/dev/null
  cmake --build "$CLI_BUILD" --target whisper-cli -j"$(nproc)" >/dev/null
fi

measure() {  # LABEL CMD... -> "wall_s peak_rss_mb"
  local label=$1
  shift
  /usr/bin/time -v -o "$OUT/$label.time" "$@" >"$OUT/$label.stdout" 2>"$OUT/$label.stderr"
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$OUT/$label.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$OUT/$label.time")
  echo "$wall $rss"
}

wav=$DATA/$MEETING/meeting.wav
len=$(soxi -D "$wav")
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); audio: $MEETING, $(printf %.0f "$len") s; threads: $THREADS"
for model in $MODELS; do
  mdir=$OUT/models
  mkdir -p "$mdir"
  "$BUILD/bench/whisper_model_gen" "$model" "$mdir/ggml-$model.bin"
  msize=$(( $(stat -c %s "$mdir/ggml-$model.bin") / 1048576 ))
  # whisper-cli decoding as minutes does: greedy (-bs 1), one candidate per fallback temperature
  # (-bo 1), no text carried from window to window (-mc 0).
  read -r c_wall c_rss < <(measure cli-$model "$CLI_BUILD/bin/whisper-cli" -m "$mdir/ggml-$model.bin" \
    -f "$wav" -t "$THREADS" -l en -bs 1 -bo 1 -mc 0 -np)
  read -r m_wall m_rss < <(measure minutes-$model env MINUTES_MODELS_DIR="$mdir" "$BIN" run "$wav" \
    --engine whisper --model "$model" --threads "$THREADS" --out "$OUT/run-$model" --quiet)
  echo
  echo "== $model (model file $msize MB) =="
  printf "%-40s %8s %8s %10s\n" "" "wall s" "RTF" "peak RSS"
  printf "%-40s %8.1f %8.3f %7s MB\n" "whisper-cli -t $THREADS -bs 1 -bo 1 -mc 0" "$c_wall" "$(echo "$c_wall/$len" | bc -l)" "$c_rss"
  printf "%-40s %8.1f %8.3f %7s MB\n" "minutes run --engine whisper (all stages)" "$m_wall" "$(echo "$m_wall/$len" | bc -l)" "$m_rss"
  printf "ratio minutes/whisper-cli wall time: %.2f (target <= 1.10)\n" "$(echo "$m_wall/$c_wall" | bc -l)"
  printf "minutes peak RSS - model size: %d MB (target <= 200)\n" "$((m_rss - msize))"
  echo "minutes summary: $(cat "$OUT/minutes-$model.stdout")"
  rm -f "$mdir/ggml-$model.bin"
done
