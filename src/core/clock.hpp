#pragma once
// UTC timestamps as ISO 8601 text: what every table stores and every log line carries.
#include <string>

namespace minutes {

/// Now, with milliseconds ("2026-11-22T10:00:00.123Z"): rows created in the same second still
/// sort in creation order.
std::string NowIso();

/// `offset_s` seconds from now, to the second ("2026-11-22T10:00:30Z"). Job leases and retry
/// times use it; SQL compares these strings with each other, so their format stays fixed.
std::string IsoFromNow(int offset_s);

}  // namespace minutes
