#!/usr/bin/env bash
# Installs every dependency of minutes on Debian 12 (idempotent; run as root).
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  # build
  build-essential cmake pkg-config clang-format mold
  # libFuzzer (scripts/fuzz.sh): clang with its sanitizer and fuzzer runtimes
  clang-14 libclang-rt-14-dev
  # libraries
  libavformat-dev libavcodec-dev libswresample-dev libavutil-dev
  libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us
  libwebrtc-audio-processing-dev nlohmann-json3-dev libcli11-dev libkainjow-mustache-dev
  libyaml-cpp-dev libsqlite3-dev sqlite3 libargon2-dev libssl-dev libpoco-dev libcurl4-openssl-dev libpq-dev libhiredis-dev
  libboost-dev libboost-context-dev liburing-dev
  # URLs, DOCX (zip), S3's XML replies; libpoco-dev above is for the tests' own HTTP clients
  liburiparser-dev libzip-dev libpugixml-dev
  libgtest-dev libgmock-dev libbenchmark-dev prometheus-cpp-dev
  # the tests check answers against /openapi.json with a JSON Schema validator
  libvalijson-dev
  # making and scoring test audio, the stock recognizer as the baseline, measuring
  pocketsphinx flite espeak-ng sox ffmpeg sctk python3 time bc
  # shape-true ONNX models for the neural diarizer's tests (tests/tools/make_diarization_models.py)
  python3-onnx python3-numpy
  # real voices (CMU test recordings, BSD) for the diarization development set and its test
  pocketsphinx-testdata
  # service tests and benchmarks: unzip reads the DOCX exports, wrk and curl load the API;
  # PostgreSQL 15 and Redis for the backend tests (started by the tests themselves)
  # golang-go: an independent HTTP client (net/http) in the edge tests
  golang-go
  unzip wrk curl postgresql-15 postgresql-client-15 redis-server
  # the web app's end-to-end tests drive a headless Chromium; CJK fonts for its screenshots
  chromium fonts-noto-cjk
  # deploy/ checked here: nginx in front of the service, systemd-analyze on the units, openssl for
  # a throwaway TLS certificate, yamllint on every YAML file
  nginx-light systemd openssl yamllint
  # promtool checks the Prometheus scrape config and alert rules in deploy/prometheus
  prometheus
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

# The web app, built into web/dist (not committed) whenever its sources are newer.
if [ ! -f web/dist/app.js ] || [ -n "$(find web/src web/build.mjs web/package-lock.json web/openapi.json web/tsconfig.json -newer web/dist/app.js 2>/dev/null | head -1)" ]; then
  echo "setup: building the web app"
  npm run --prefix web --silent build
fi

# whisper.cpp 1.9.1 (the high-accuracy local engine), built with the project. This machine reaches
# only Debian and the npm registry, so the sources come from the registry's nodejs-whisper@0.3.1,
# which vendors them under cpp/whisper.cpp; the tarball is pinned by its registry integrity.
WHISPER_NPM="nodejs-whisper@0.3.1"
WHISPER_INTEGRITY="sha512-ceoilUVraRuR5FnNyXpGQT2auAR48Oc3AQBEmkXnVpSn9iN6yVRzQBFCqVTGWbk6Wdi95NhvwXNzFvuR7erLWw=="
if [ ! -f third_party/whisper.cpp/CMakeLists.txt ]; then
  echo "setup: whisper.cpp sources from $WHISPER_NPM"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack "$WHISPER_NPM" --silent >/dev/null)
  got="sha512-$(openssl dgst -sha512 -binary "$tmp"/nodejs-whisper-*.tgz | base64 -w0)"
  if [ "$got" != "$WHISPER_INTEGRITY" ]; then
    echo "setup: $WHISPER_NPM does not match its pinned integrity ($got)" >&2
    rm -rf "$tmp"
    exit 1
  fi
  tar -xzf "$tmp"/nodejs-whisper-*.tgz -C "$tmp" package/cpp/whisper.cpp
  mkdir -p third_party
  rm -rf third_party/whisper.cpp.partial
  mv "$tmp/package/cpp/whisper.cpp" third_party/whisper.cpp.partial
  mv third_party/whisper.cpp.partial third_party/whisper.cpp
  rm -rf "$tmp"
fi

# sherpa-onnx 1.13.8's C API and ONNX Runtime (neural diarization, loaded with dlopen when a task
# asks for it), from the registry's sherpa-onnx-linux-x64@1.13.8, pinned by its integrity. Only the
# two libraries are kept: third_party/sherpa-onnx/{libsherpa-onnx-c-api.so,libonnxruntime.so}.
SHERPA_NPM="sherpa-onnx-linux-x64@1.13.8"
SHERPA_INTEGRITY="sha512-6plnhjagsSeTntCgnlag86hWbs/uZE9Crms1LgOb68/1nKsIQjMd+WG519m+aPwT6TrsBOiEMzrx41t8sL5L5g=="
if [ ! -f third_party/sherpa-onnx/libsherpa-onnx-c-api.so ] || [ ! -f third_party/sherpa-onnx/libonnxruntime.so ]; then
  echo "setup: sherpa-onnx libraries from $SHERPA_NPM"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack "$SHERPA_NPM" --silent >/dev/null)
  got="sha512-$(openssl dgst -sha512 -binary "$tmp"/sherpa-onnx-linux-x64-*.tgz | base64 -w0)"
  if [ "$got" != "$SHERPA_INTEGRITY" ]; then
    echo "setup: $SHERPA_NPM does not match its pinned integrity ($got)" >&2
    rm -rf "$tmp"
    exit 1
  fi
  tar -xzf "$tmp"/sherpa-onnx-linux-x64-*.tgz -C "$tmp" package/libsherpa-onnx-c-api.so \
    package/libonnxruntime.so
  mkdir -p third_party
  rm -rf third_party/sherpa-onnx.partial third_party/sherpa-onnx
  mkdir third_party/sherpa-onnx.partial
  mv "$tmp"/package/*.so third_party/sherpa-onnx.partial/
  mv third_party/sherpa-onnx.partial third_party/sherpa-onnx
  rm -rf "$tmp"
fi

# The S3-compatible server the storage tests start (s3rver) and playwright-core for the web
# app's browser tests, pinned by tests/tools/package-lock.json.
if [ ! -f tests/tools/node_modules/.package-lock.json ] || [ tests/tools/package-lock.json -nt tests/tools/node_modules/.package-lock.json ]; then
  echo "setup: npm ci in tests/tools/"
  npm ci --prefix tests/tools --no-audit --no-fund --ignore-scripts --loglevel=error
fi
