#pragma once
// Small pieces shared by the whole-recording providers (Amazon Transcribe, Volcano Engine):
// random job ids, waits that a canceled task cuts short, and the WAV of a recording.
#include <chrono>
#include <functional>
#include <string>

#include "core/status.hpp"

namespace minutes {

/// A place among a provider's calls in flight, process-wide: at most `limit` holders of the same
/// `key` at once (every task and thread of this process); the constructor waits for a place.
class ProviderSlot {
 public:
  ProviderSlot(const std::string& key, int limit);
  ~ProviderSlot();
  ProviderSlot(const ProviderSlot&) = delete;
  ProviderSlot& operator=(const ProviderSlot&) = delete;
  /// How many hold `key` now (tests).
  static int InUse(const std::string& key);

 private:
  std::string key_;
};

/// `n` random lowercase hex digits.
std::string RandomHex(int n);

/// Sleeps `d` in short steps; false as soon as `canceled` (may be empty) says so.
bool SleepUnlessCanceled(std::chrono::milliseconds d, const std::function<bool()>& canceled);

/// The wait before poll number `n` (0-based): `first`, growing by half each time, at most `max`.
std::chrono::milliseconds PollDelay(int n, std::chrono::milliseconds first,
                                    std::chrono::milliseconds max);

/// Parses a provider URL's numeric parameter (seconds, counts): BadInput naming `what` when it
/// is not a number in [lo, hi].
Result<double> NumberParam(const std::string& what, const std::string& value, double lo, double hi);

}  // namespace minutes
