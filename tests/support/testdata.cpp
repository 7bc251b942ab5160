#include "testdata.hpp"

namespace minutes::testing {

std::filesystem::path BinaryDir() { return MINUTES_BINARY_DIR; }

std::filesystem::path TestData(const std::string& rel) { return BinaryDir() / "testdata" / rel; }

std::filesystem::path SourcePath(const std::string& rel) {
  return std::filesystem::path(MINUTES_SOURCE_DIR) / rel;
}

std::string MinutesBinary() { return (BinaryDir() / "minutes").string(); }

}  // namespace minutes::testing
