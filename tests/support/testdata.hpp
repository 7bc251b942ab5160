#pragma once
// Where tests find the synthesized meetings the `meetings` CTest fixture makes, and the binary.
#include <filesystem>
#include <string>

namespace minutes::testing {

/// The build tree (MINUTES_BINARY_DIR, set by CMake for the support library).
std::filesystem::path BinaryDir();

/// <build>/testdata/<rel>; the fixture must have run (CTest orders it).
std::filesystem::path TestData(const std::string& rel);

/// <source>/<rel>.
std::filesystem::path SourcePath(const std::string& rel);

/// The `minutes` binary under test.
std::string MinutesBinary();

}  // namespace minutes::testing
