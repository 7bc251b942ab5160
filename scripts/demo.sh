#!/usr/bin/env bash
# The README's first command: install, build, synthesize a sample meeting and run minutes on it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
mkdir -p build/sample
[ -f build/sample/standup/meeting.wav ] ||
  tools/synth-meeting tests/meetings/standup.txt build/sample/standup >/dev/null
ffmpeg -loglevel error -y -i build/sample/standup/meeting.wav build/sample/standup.m4a
build/minutes run build/sample/standup.m4a --out out/standup
echo
cat out/standup/minutes.md
