#pragma once
// Where tests find the synthesized meetings the `meetings` CTest fixture makes, and the binary.
#include <filesystem>
#include <string>

namespace minutes::testing {

/// The build tree (set by CMake for every test binary).
inline std::filesystem::path BinaryDir() { return MINUTES_BINARY_DIR; }

/// <build>/testdata/<rel>; the fixture must have run (CTest orders it).
inline std::filesystem::path TestData(const std::string& rel) {
  return BinaryDir() / "testdata" / rel;
}

/// <source>/<rel>.
inline std::filesystem::path SourcePath(const std::string& rel) {
  return std::filesystem::path(MINUTES_SOURCE_DIR) / rel;
}

/// The `minutes` binary under test.
inline std::string MinutesBinary() { return (BinaryDir() / "minutes").string(); }

}  // namespace minutes::testing
