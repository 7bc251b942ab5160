#include "api/duration_limit.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <sstream>

#include "audio/probe.hpp"
#include "core/text.hpp"

namespace minutes {
namespace {

constexpr int64_t kBlockBytes = 1 << 20;

// The object read in 1 MiB ranged GETs, the last one kept: FFmpeg reads in small pieces.
MediaSource StoredSource(ObjectStore& store, const std::string& key, int64_t size) {
  struct Block {
    int64_t at = -1;
    std::string bytes;
  };
  auto block = std::make_shared<Block>();
  MediaSource m;
  m.size = size;
  m.read = [&store, key, size, block](int64_t offset, char* buf, int64_t len) -> Result<int64_t> {
    if (offset >= size) return int64_t{0};
    if (block->at < 0 || offset < block->at ||
        offset >= block->at + static_cast<int64_t>(block->bytes.size())) {
      std::ostringstream out;
      if (Status s = store.Get(key, offset, kBlockBytes, out); !s.ok()) return s;
      block->at = offset;
      block->bytes = std::move(out).str();
      if (block->bytes.empty()) return int64_t{0};
    }
    int64_t from = offset - block->at;
    int64_t n = std::min<int64_t>(len, static_cast<int64_t>(block->bytes.size()) - from);
    std::memcpy(buf, block->bytes.data() + from, static_cast<size_t>(n));
    return n;
  };
  return m;
}

}  // namespace

Result<double> CheckRecordingDuration(ObjectStore& store, const std::string& key, int64_t size,
                                      int max_duration_s) {
  auto probe = ProbeDuration(StoredSource(store, key, size), max_duration_s);
  if (!probe.ok()) {
    if (probe.status().kind() == ErrorKind::kBadInput) return 0.0;
    return probe.status();
  }
  if (!probe->over_limit) return probe->seconds();
  std::string how = probe->counted_s > max_duration_s
                        ? "has more than " + FormatSeconds(probe->counted_s) + " of audio (" +
                              (probe->decoded ? "decoded" : "counted from its packets") +
                              ", stopped past the limit)"
                        : "is " + FormatSeconds(probe->declared_s) + " long (its container says)";
  return Status::FailedPrecondition(
      "the recording " + how + "; the longest accepted is " + FormatSeconds(max_duration_s) +
      " (limits.max_duration_s = " + std::to_string(max_duration_s) + ")");
}

}  // namespace minutes
