#!/usr/bin/env bash
# Installs every dependency of minutes on Debian 12 (idempotent; run as root).
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  # build
  build-essential cmake pkg-config clang-format
  # libraries
  libavformat-dev libavcodec-dev libswresample-dev libavutil-dev
  libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us
  libwebrtc-audio-processing-dev nlohmann-json3-dev libcli11-dev libkainjow-mustache-dev
  libyaml-cpp-dev libsqlite3-dev sqlite3 libargon2-dev libssl-dev libpoco-dev libcurl4-openssl-dev libpq-dev libhiredis-dev
  libgtest-dev libgmock-dev libbenchmark-dev prometheus-cpp-dev
  # making and scoring test audio, the stock recognizer as the baseline, measuring
  pocketsphinx flite espeak-ng sox ffmpeg sctk python3 time bc
  # service tests and benchmarks: unzip reads the DOCX exports, wrk and curl load the API;
  # PostgreSQL 15 and Redis for the backend tests (started by the tests themselves)
  unzip wrk curl postgresql-15 postgresql-client-15 redis-server
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all ${#PACKAGES[@]} packages present"
fi

# Node.js and npm for web/'s packages: Debian's, unless a Node.js with npm is already there
# (e.g. NodeSource's nodejs, which bundles npm and conflicts with Debian's npm package).
if ! command -v npm >/dev/null; then
  echo "setup: installing nodejs npm"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm
fi

# npm packages of web/ (pinned by web/package-lock.json), installed again only when the lock
# file changed since the last install.
if [ ! -f web/node_modules/.package-lock.json ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  echo "setup: npm ci in web/"
  npm ci --prefix web --no-audit --no-fund --ignore-scripts --loglevel=error
fi

# The S3-compatible server the storage tests start (s3rver), pinned by tests/tools/package-lock.json.
if [ ! -f tests/tools/node_modules/.package-lock.json ] || [ tests/tools/package-lock.json -nt tests/tools/node_modules/.package-lock.json ]; then
  echo "setup: npm ci in tests/tools/"
  npm ci --prefix tests/tools --no-audit --no-fund --ignore-scripts --loglevel=error
fi
