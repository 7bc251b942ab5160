#pragma once
// What the HTTP edge's end-to-end tests share: which binary they start, whether to leave out the
// edge's config keys (to run them against a binary from before the edge), and elapsed time.
#include <chrono>
#include <cstdlib>
#include <string>

#include "testdata.hpp"

namespace minutes::testing {

/// MINUTES_E2E_WITHOUT_EDGE_KEYS=1: leave the server.* edge keys out of the config.
inline bool WithoutEdgeKeys() {
  const char* v = std::getenv("MINUTES_E2E_WITHOUT_EDGE_KEYS");
  return v && *v && std::string(v) != "0";
}

/// MINUTES_E2E_BINARY, else the build tree's `minutes`.
inline std::string EdgeTestBinary() {
  const char* v = std::getenv("MINUTES_E2E_BINARY");
  return v && *v ? std::string(v) : MinutesBinary();
}

/// Milliseconds since `t`.
inline double MsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace minutes::testing
