# Sourced by the benchmarks that compare `minutes` with an earlier commit's binary, side by side.
# baseline_binary REV prints the path of REV's `minutes`, built once (RelWithDebInfo, only the
# `minutes` target, nice'd, -j${BASELINE_JOBS:-2}) into ${BASELINE_CACHE:-/tmp}/minutes-baseline-REV
# from `git archive`, with the checkout's untracked third_party/whisper.cpp and web/{node_modules,dist}
# symlinked in; reused by later runs. Progress goes to stderr, the build log to the cache dir.
baseline_binary() {
  local rev=$1 root sha dir
  root=$(git -C "$(dirname "${BASH_SOURCE[0]}")/.." rev-parse --show-toplevel)
  sha=$(git -C "$root" rev-parse --verify "$rev^{commit}")
  dir=${BASELINE_CACHE:-/tmp}/minutes-baseline-${sha:0:7}
  if [ ! -x "$dir/build/minutes" ] || [ ! -f "$dir/build/.complete" ]; then
    mkdir -p "$dir"
    (  # one builder at a time per cache dir; a second caller waits, then finds it built
      flock 9
      if [ ! -f "$dir/build/.complete" ]; then
        echo "building the baseline ${sha:0:7} into $dir (once; log: $dir/build.log) …" >&2
        if [ ! -f "$dir/src/CMakeLists.txt" ]; then
          rm -rf "$dir/src"
          mkdir -p "$dir/src"
          git -C "$root" archive "$sha" | tar -x -C "$dir/src"
        fi
        mkdir -p "$dir/src/third_party" "$dir/src/web"
        local link
        for link in third_party/whisper.cpp web/node_modules web/dist; do
          [ -e "$root/$link" ] && [ ! -e "$dir/src/$link" ] && ln -s "$root/$link" "$dir/src/$link"
        done
        {
          nice -n 10 cmake -S "$dir/src" -B "$dir/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
            nice -n 10 cmake --build "$dir/build" --target minutes -j"${BASELINE_JOBS:-2}"
        } >"$dir/build.log" 2>&1 || { echo "baseline build failed: see $dir/build.log" >&2; exit 1; }
        touch "$dir/build/.complete"
      fi
    ) 9>"$dir/.lock" || return 1
  fi
  echo "$dir/build/minutes"
}
