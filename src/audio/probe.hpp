#pragma once
// How long is this recording, really? Asked before a task is queued, so that a recording over
// the service's limit is refused at the door instead of holding a worker for hours. Container
// headers can lie (a 2.7 MB Ogg file of one page sequence repeated says "60 s" and decodes for
// an hour), so the answer is counted from the audio itself, never taken from metadata alone.
#include <cstdint>
#include <functional>
#include <string>

#include "core/status.hpp"

namespace minutes {

/// Random access to a recording's bytes (an object in the store, a file). `read` may be called
/// from the probing thread only; it returns how many bytes it put in `buf` (0 at the end).
struct MediaSource {
  int64_t size = 0;
  std::function<Result<int64_t>(int64_t offset, char* buf, int64_t len)> read;
};

/// What ProbeDuration found.
struct DurationProbe {
  std::string container;    ///< FFmpeg demuxer name
  double declared_s = 0;    ///< what the container claims; 0 when it does not say
  double counted_s = 0;     ///< counted from the audio, stopped once past the limit
  bool decoded = false;     ///< counted by decoding (packets had no durations, or disagreed)
  bool over_limit = false;  ///< the recording is longer than the limit asked about
  /// The duration to report: the counted one (at least the limit when over it).
  double seconds() const { return counted_s > 0 ? counted_s : declared_s; }
};

/// Measures the recording's audio duration, reading no further than needed to tell whether it
/// passes `limit_s` (0 = no limit: measured to the end). The container's duration, when it
/// gives one that is not a bitrate guess and is over the limit, is believed at once (a file that
/// claims to be too long is refused as such). Uncompressed PCM whose every byte together would
/// not pass the limit is not read at all. Otherwise the audio packets' durations are summed
/// (demuxing only: milliseconds for an hour of audio); when a packet has none, or the sum and the
/// container's figure disagree by more than 2 % + 1 s, the audio is decoded and its samples
/// counted instead (hundreds of times faster than real time, far cheaper than transcribing).
/// BadInput when FFmpeg cannot open the bytes or finds no audio track. Thread-safe: each call has
/// its own FFmpeg contexts.
Result<DurationProbe> ProbeDuration(const MediaSource& source, double limit_s);

/// A MediaSource over a local file (tests, the CLI).
Result<MediaSource> FileMediaSource(const std::string& path);

}  // namespace minutes
