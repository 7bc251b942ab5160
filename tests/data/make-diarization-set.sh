#!/usr/bin/env bash
# Generates the diarization development set: real human voices mixed into conversations, and
# long synthesized meetings whose voices say the same short lines.
#
#   make-diarization-set.sh OUTDIR          real-voice mixes + 10-minute meetings
#   make-diarization-set.sh OUTDIR --small  only the real-voice mixes (CTest fixture "real_voices")
#   make-diarization-set.sh OUTDIR --long   also the 60-minute meeting (benchmarks)
#
# OUTDIR/<name>/{meeting.wav,reference.rttm,reference.json}:
#   real2   a LibriVox reader and President Kennedy (whisper.cpp's jfk.wav), ~40 s
#   real3   the LibriVox reader, the CMU "cards" speaker and the an4 test speaker, ~40 s
#   real4   all four, ~60 s
#   two-voices-10min, four-voices-10min   tests/diarization/*-repeated.txt, 10+ minutes
#   two-voices-60min                      (--long only)
# The real recordings come from Debian's pocketsphinx-testdata (BSD licence, CMU) and from the
# whisper.cpp sources the build uses (MIT; $JFK_WAV, default third_party/whisper.cpp/...); they
# are read where they are installed, none is copied into the repository.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 || ($# -eq 2 && "$2" != "--small" && "$2" != "--long") ]]; then
  echo "usage: $0 OUTDIR [--small|--long]" >&2
  exit 2
fi
OUT=$1
MODE=${2:-}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
MIX=$SRC/tools/mix-real-speech
SYNTH=$SRC/tools/synth-meeting
PS=${POCKETSPHINX_TESTDATA:-/usr/share/pocketsphinx/test/data}
JFK=${JFK_WAV:-$SRC/third_party/whisper.cpp/bindings/go/samples/jfk.wav}
[[ -d $PS/librivox ]] || { echo "$0: $PS/librivox missing (apt-get install pocketsphinx-testdata)" >&2; exit 1; }
[[ -f $JFK ]] || { echo "$0: $JFK missing (whisper.cpp's samples; set JFK_WAV)" >&2; exit 1; }

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
exec 9>"$OUT/.lock"
flock 9

files() { local IFS=,; echo "$*"; }
READER=reader=$(files "$PS"/librivox/*.wav)
CARDS=cards=$(files "$PS"/cards/*.wav)
AN4=an4=$(files "$PS/goforward.raw" "$PS/something.raw" "$PS/numbers.raw")
KENNEDY=kennedy=$JFK
# Cut at pauses of 0.12 s so that the reader's long sentences give several turns.
CUT=(--min-pause 0.12 --min-phrase 1.0)

# generate NAME COMMAND...: runs COMMAND with OUTDIR/NAME.tmp for @OUT@, then moves that into
# place; skipped when NAME exists and was made by the same tools (its stamp holds their hash).
generate() {
  local name=$1 dest=$OUT/$1
  shift
  local stamp
  stamp=$( (cat "$MIX" "$SYNTH" "${BASH_SOURCE[0]}" "$SRC"/tests/diarization/*.txt; echo "$*") |
    sha256sum | cut -d' ' -f1)
  if [[ -f $dest/stamp && $(cat "$dest/stamp") == "$stamp" ]]; then return; fi
  rm -rf "$dest" "$dest.tmp"
  "${@/@OUT@/$dest.tmp}" >/dev/null
  echo "$stamp" >"$dest.tmp/stamp"
  mv "$dest.tmp" "$dest"
}

generate real2 python3 "$MIX" @OUT@ "${CUT[@]}" --seed 2 "$READER" "$KENNEDY"
generate real3 python3 "$MIX" @OUT@ "${CUT[@]}" --seed 3 "$READER" "$CARDS" "$AN4"
generate real4 python3 "$MIX" @OUT@ "${CUT[@]}" --seed 4 "$READER" "$KENNEDY" "$CARDS" "$AN4"
[[ $MODE == --small ]] && exit 0
generate two-voices-10min python3 "$SYNTH" --seed 5 --repeat 10 \
  "$SRC/tests/diarization/two-voices-repeated.txt" @OUT@
generate four-voices-10min python3 "$SYNTH" --seed 6 --repeat 12 \
  "$SRC/tests/diarization/four-voices-repeated.txt" @OUT@
if [[ $MODE == --long ]]; then
  generate two-voices-60min python3 "$SYNTH" --seed 7 --repeat 60 \
    "$SRC/tests/diarization/two-voices-repeated.txt" @OUT@
fi
