#!/usr/bin/env bash
# Generates the synthetic test recordings used by the test suite.
#
#   make-test-data.sh OUTDIR            meetings + formats (the CTest fixture "meetings")
#   make-test-data.sh OUTDIR --bench    additionally long10/ and long60/ (benchmarks only)
#
# OUTDIR/<name>/      for each tests/meetings/<name>.txt except long.txt:
#                     meeting.wav (16 kHz mono s16), reference.{json,stm,rttm,txt}, script.txt
#                     (noisy.txt is synthesized with --noise 0.02)
# OUTDIR/formats/     the standup recording re-encoded by ffmpeg, plus broken inputs
# OUTDIR/long10/, OUTDIR/long60/   long.txt repeated to ~10 and ~60 minutes (--bench only)
#
# Idempotent: a stamp file holds the hash of the meeting scripts, the synthesizer and this
# script; when it matches, nothing is regenerated.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 || ($# -eq 2 && "$2" != "--bench") ]]; then
  echo "usage: $0 OUTDIR [--bench]" >&2
  exit 2
fi
OUT=$1
BENCH=${2:-}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
MEETINGS=$SRC/tests/meetings
SYNTH=$SRC/tools/synth-meeting

for tool in python3 flite sox ffmpeg sha256sum flock; do
  command -v "$tool" >/dev/null || { echo "$0: missing required tool: $tool" >&2; exit 1; }
done

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# One generator at a time per OUTDIR (parallel ctest runs, a build target and a test...).
exec 9>"$OUT/.lock"
flock 9
rm -rf "$OUT"/*.tmp.*  # leftovers of an interrupted run

HASH=$( (cd "$SRC" && sha256sum tests/meetings/*.txt tools/synth-meeting tests/data/make-test-data.sh) |
  sha256sum | cut -d' ' -f1)

# synth NAME OUTDIR [synth-meeting options...]: synthesize tests/meetings/NAME.txt atomically.
synth() {
  local name=$1 dest=$2
  shift 2
  local tmp="$dest.tmp.$$"
  rm -rf "$tmp" "$dest"
  python3 "$SYNTH" "$@" "$MEETINGS/$name.txt" "$tmp" >/dev/null
  cp "$MEETINGS/$name.txt" "$tmp/script.txt"
  mv "$tmp" "$dest"
}

# wait_all PID...: waits for every job, fails if any failed.
wait_all() {
  local rc=0 pid
  for pid in "$@"; do wait "$pid" || rc=1; done
  return $rc
}

FF=(ffmpeg -nostdin -hide_banner -loglevel error -y)
VIDEO=(-f lavfi -i "color=c=black:s=160x120:r=10")
# Reproducible output: no encoder/version tags.
BX=(-map_metadata -1 -fflags +bitexact -flags:a +bitexact -flags:v +bitexact)

make_formats() {
  local in=$OUT/standup/meeting.wav fmt=$OUT/formats.tmp.$$
  rm -rf "$fmt" "$OUT/formats"
  mkdir -p "$fmt"
  local pids=()
  # Good inputs: several containers, codecs, sample rates and channel counts. Opus in the
  # MKV: Matroska trims Opus padding exactly, Vorbis in Matroska leaves ~30 ms of it.
  "${FF[@]}" -i "$in" -c:a pcm_s16le -ar 16000 -ac 1 "${BX[@]}" "$fmt/standup.wav" &
  pids+=($!)
  "${FF[@]}" -i "$in" -c:a libmp3lame -b:a 64k -ar 44100 -ac 2 "${BX[@]}" "$fmt/standup.mp3" &
  pids+=($!)
  "${FF[@]}" -i "$in" -c:a aac -b:a 64k -ar 48000 -ac 2 "${BX[@]}" "$fmt/standup.m4a" &
  pids+=($!)
  "${FF[@]}" -i "$in" -c:a libvorbis -q:a 3 -ar 22050 -ac 1 "${BX[@]}" "$fmt/standup.ogg" &
  pids+=($!)
  "${FF[@]}" -i "$in" -c:a libopus -b:a 32k "${BX[@]}" "$fmt/standup.opus" &
  pids+=($!)
  "${FF[@]}" -i "$in" -c:a flac "${BX[@]}" "$fmt/standup.flac" &
  pids+=($!)
  "${FF[@]}" -i "$in" -c:a libopus -b:a 32k -ac 2 "${BX[@]}" "$fmt/standup.webm" &
  pids+=($!)
  "${FF[@]}" "${VIDEO[@]}" -i "$in" -map 0:v -map 1:a -c:v libx264 -preset ultrafast -pix_fmt yuv420p \
    -c:a aac -b:a 64k -ar 44100 -shortest "${BX[@]}" "$fmt/standup.mp4" &
  pids+=($!)
  "${FF[@]}" "${VIDEO[@]}" -i "$in" -map 0:v -map 1:a -c:v mpeg4 -c:a libopus -b:a 32k -shortest \
    "${BX[@]}" "$fmt/standup.mkv" &
  pids+=($!)
  "${FF[@]}" "${VIDEO[@]}" -t 5 -c:v libx264 -preset ultrafast -pix_fmt yuv420p "${BX[@]}" "$fmt/video-only.mp4" &
  pids+=($!)
  wait_all "${pids[@]}"

  # Bad inputs.
  : >"$fmt/empty.wav"
  local size
  size=$(stat -c %s "$fmt/standup.m4a")
  head -c $((size * 40 / 100)) "$fmt/standup.m4a" >"$fmt/truncated.m4a"
  size=$(stat -c %s "$fmt/standup.wav")
  head -c $((size * 40 / 100)) "$fmt/standup.wav" >"$fmt/truncated.wav"
  python3 - "$fmt/standup.mp3" "$fmt/corrupt.mp3" <<'PY'
import random, sys
data = bytearray(open(sys.argv[1], "rb").read())
a, b = len(data) // 4, len(data) * 3 // 4
data[a:b] = random.Random(20240229).randbytes(b - a)
open(sys.argv[2], "wb").write(data)
PY
  printf 'This is a plain text file, not audio.\nIt only has a .wav extension.\n' >"$fmt/notmedia.txt.wav"
  mv "$fmt" "$OUT/formats"
}

# complete: true when the stamp matches and every expected output exists.
complete() {
  local stamp=$1
  shift
  [[ "$(cat "$OUT/$stamp" 2>/dev/null)" == "$HASH" ]] || return 1
  local f
  for f in "$@"; do [[ -e "$OUT/$f" ]] || return 1; done
}

expected=(formats/standup.mkv formats/notmedia.txt.wav)
for script in "$MEETINGS"/*.txt; do
  name=$(basename "$script" .txt)
  [[ $name == long ]] || expected+=("$name/reference.json")
done

start=$SECONDS
if ! complete .stamp "${expected[@]}"; then
  rm -f "$OUT/.stamp"
  pids=()
  standup_pid=
  for script in "$MEETINGS"/*.txt; do
    name=$(basename "$script" .txt)
    [[ $name == long ]] && continue
    opts=()
    [[ $name == noisy ]] && opts=(--noise 0.02)
    synth "$name" "$OUT/$name" "${opts[@]}" &
    if [[ $name == standup ]]; then standup_pid=$!; else pids+=($!); fi
  done
  [[ -n $standup_pid ]] || { echo "$0: $MEETINGS/standup.txt is missing" >&2; exit 1; }
  if wait "$standup_pid"; then
    make_formats &
    pids+=($!)
  else
    wait_all "${pids[@]}" || true
    echo "$0: synthesizing standup failed" >&2
    exit 1
  fi
  if ! wait_all "${pids[@]}"; then
    echo "$0: generating test data failed" >&2
    exit 1
  fi
  echo "$HASH" >"$OUT/.stamp"
  echo "test data generated in $OUT ($((SECONDS - start)) s)"
else
  echo "test data in $OUT is up to date"
fi

if [[ $BENCH == --bench ]]; then
  if ! complete .stamp-bench long10/reference.json long60/reference.json; then
    rm -f "$OUT/.stamp-bench"
    # long.txt lasts ~3.3 min: 3 repeats ~ 10 min, 18 repeats ~ 59 min.
    synth long "$OUT/long10" --repeat 3 &
    p1=$!
    synth long "$OUT/long60" --repeat 18 &
    p2=$!
    wait_all $p1 $p2 || { echo "$0: generating bench data failed" >&2; exit 1; }
    echo "$HASH" >"$OUT/.stamp-bench"
    echo "bench data generated in $OUT ($((SECONDS - start)) s)"
  else
    echo "bench data in $OUT is up to date"
  fi
fi
