#pragma once
// Zip archives built in memory with libzip (the one wrapper of libzip): members deflated, with a
// fixed modification time so the same content gives the same bytes.
#include <memory>
#include <string>
#include <vector>

#include "core/status.hpp"

namespace minutes {

/// Collects members, then writes the archive. Not thread-safe.
class ZipWriter {
 public:
  /// Adds `name` (a '/'-separated path inside the archive) with `content`, deflated.
  void Add(std::string name, std::string content);
  /// The archive with every member added so far, dated 2026-01-01 00:00; Internal with
  /// libzip's reason when it cannot be written.
  Result<std::string> Finish() const;

 private:
  std::vector<std::pair<std::string, std::string>> members_;
};

}  // namespace minutes
