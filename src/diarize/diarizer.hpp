#pragma once
// Speaker diarization behind one interface: who spoke when.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "audio/vad.hpp"
#include "core/status.hpp"

namespace minutes {

/// A stretch of speech attributed to one speaker; labels are 0-based in order of first appearance.
struct SpeakerTurn {
  double start = 0;
  double end = 0;
  int speaker = 0;
};

/// Reads 16 kHz samples [start, end) of the recording; must be safe to call from several threads.
using PcmReader = std::function<Status(int64_t start, int64_t end, std::vector<int16_t>* out)>;

struct DiarizeOptions {
  int speakers = 0;      ///< known number of speakers; 0 = find it automatically
  int max_speakers = 8;  ///< upper bound when searching
  int threads = 1;       ///< feature extraction threads
};

/// Labels utterances with speakers.
class Diarizer {
 public:
  virtual ~Diarizer() = default;
  Diarizer() = default;
  Diarizer(const Diarizer&) = delete;
  Diarizer& operator=(const Diarizer&) = delete;

  virtual std::string Name() const = 0;
  /// Returns turns covering the utterances' speech, in time order, non-overlapping.
  /// Thread-compatible: one call at a time per instance.
  virtual Result<std::vector<SpeakerTurn>> Diarize(const std::vector<Utterance>& utterances,
                                                   const PcmReader& read,
                                                   const DiarizeOptions& options) = 0;
};

/// `turns` with speakers renumbered 0, 1, … in order of first appearance (every diarizer's
/// labels, whatever its clustering called them).
std::vector<SpeakerTurn> RenumberByFirstAppearance(std::vector<SpeakerTurn> turns);

/// "local" (embedded MFCC statistics + clustering; no model download). Unknown names give
/// Status::BadInput.
Result<std::unique_ptr<Diarizer>> MakeDiarizer(const std::string& name);

}  // namespace minutes
