#!/usr/bin/env bash
# The issue's benchmark, in one go: on a synthesized 10-minute meeting, the stock
# pocketsphinx_continuous and then `minutes run`, with wall time, RTF per stage, peak RSS and
# the ratio; then `minutes run` on a 60-minute meeting to show memory does not grow.
# Usage: bench/run-bench.sh [BUILD_DIR]   (needs scripts/setup.sh and a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
BIN=$BUILD/minutes
DATA=$BUILD/testdata
bash tests/data/make-test-data.sh "$DATA" --bench >/dev/null
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# measure LABEL CMD... -> prints "LABEL wall_s peak_rss_mb", keeps the command's stdout in $OUT
measure() {
  local label=$1
  shift
  /usr/bin/time -v -o "$OUT/$label.time" "$@" >"$OUT/$label.stdout" 2>"$OUT/$label.stderr"
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$OUT/$label.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$OUT/$label.time")
  echo "$wall $rss"
}

audio_len() { soxi -D "$1"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
for n in long10; do
  wav=$DATA/$n/meeting.wav
  len=$(audio_len "$wav")
  read -r s_wall s_rss < <(measure stock-$n pocketsphinx_continuous -infile "$wav" -logfn /dev/null)
  read -r m_wall m_rss < <(measure minutes-$n "$BIN" run "$wav" --out "$OUT/$n" --quiet)
  echo
  echo "== $n: $(printf %.0f "$len") s of audio =="
  printf "%-32s %8s %8s %10s\n" "" "wall s" "RTF" "peak RSS"
  printf "%-32s %8.1f %8.3f %7s MB\n" "stock pocketsphinx_continuous" "$s_wall" "$(echo "$s_wall/$len" | bc -l)" "$s_rss"
  printf "%-32s %8.1f %8.3f %7s MB\n" "minutes run (whole pipeline)" "$m_wall" "$(echo "$m_wall/$len" | bc -l)" "$m_rss"
  printf "ratio minutes/stock wall time: %.2f (target <= 0.60)\n" "$(echo "$m_wall/$s_wall" | bc -l)"
  echo "minutes summary: $(cat "$OUT/minutes-$n.stdout")"
done
wav=$DATA/long60/meeting.wav
len=$(audio_len "$wav")
read -r m_wall m_rss < <(measure minutes-long60 "$BIN" run "$wav" --out "$OUT/long60" --quiet)
echo
echo "== long60: $(printf %.0f "$len") s of audio =="
printf "%-32s %8.1f %8.3f %7s MB\n" "minutes run (whole pipeline)" "$m_wall" "$(echo "$m_wall/$len" | bc -l)" "$m_rss"
echo "minutes summary: $(cat "$OUT/minutes-long60.stdout")"
