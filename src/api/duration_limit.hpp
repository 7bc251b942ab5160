#pragma once
// limits.max_duration_s at the door: a stored recording's duration, probed with FFmpeg before its
// task is queued (audio/probe.hpp), so a recording over the limit is refused while nothing has
// been queued or billed for it.
#include <cstdint>
#include <string>

#include "core/status.hpp"
#include "storage/object_store.hpp"

namespace minutes {

/// The duration of the stored recording `key` (`size` bytes) in seconds, counted from its audio
/// up to `max_duration_s`. FailedPrecondition naming the limit and the probed duration when it
/// is longer. 0 when FFmpeg cannot tell (it cannot open the file or finds no audio track): the
/// worker then reports what is wrong with it, and its decoder stops at the limit anyway. The
/// store's own failures come back as they are.
Result<double> CheckRecordingDuration(ObjectStore& store, const std::string& key, int64_t size,
                                      int max_duration_s);

}  // namespace minutes
