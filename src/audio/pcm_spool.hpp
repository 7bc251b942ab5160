#pragma once
// A disk spool of decoded PCM so long recordings never sit in memory.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.hpp"

namespace minutes {

/// An anonymous temporary file of 16-bit samples: appended once, then read by range from any
/// number of threads (Read uses pread and is thread-safe; Append is not).
class PcmSpool {
 public:
  /// Creates the spool in `dir` (TMPDIR or /tmp when empty); the file is unlinked at once.
  static Result<PcmSpool> Create(const std::string& dir = "");
  PcmSpool(PcmSpool&& other) noexcept;
  PcmSpool& operator=(PcmSpool&& other) noexcept;
  PcmSpool(const PcmSpool&) = delete;
  PcmSpool& operator=(const PcmSpool&) = delete;
  ~PcmSpool();

  Status Append(std::span<const int16_t> samples);
  /// Reads samples [start, end) clamped to what was written.
  Status Read(int64_t start, int64_t end, std::vector<int16_t>* out) const;
  int64_t size() const { return samples_; }

 private:
  explicit PcmSpool(int fd) : fd_(fd) {}
  int fd_ = -1;
  int64_t samples_ = 0;
};

}  // namespace minutes
