#pragma once
// Where tests find the synthesized meetings the `meetings` CTest fixture makes.
#include <cstdlib>
#include <filesystem>
#include <string>

namespace minutes::testing {

/// ${MINUTES_BINARY_DIR}/testdata/<rel>; the fixture must have run (CTest orders it).
inline std::filesystem::path TestData(const std::string& rel) {
  const char* b = std::getenv("MINUTES_BINARY_DIR");
  return std::filesystem::path(b ? b : ".") / "testdata" / rel;
}

/// ${MINUTES_SOURCE_DIR}/<rel>.
inline std::filesystem::path SourcePath(const std::string& rel) {
  const char* s = std::getenv("MINUTES_SOURCE_DIR");
  return std::filesystem::path(s ? s : ".") / rel;
}

}  // namespace minutes::testing
