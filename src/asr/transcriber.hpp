#pragma once
// Speech recognition behind one interface: embedded engines now, cloud providers later.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "core/transcript.hpp"

namespace minutes {

/// Options every engine understands; engines ignore what does not apply to them.
struct TranscriberOptions {
  int threads = 1;        ///< how many Transcribe calls may run at once
  std::string model_dir;  ///< engine-specific model location; empty = the engine's default
  std::string language = "en";
};

/// Turns one utterance of 16 kHz mono audio into timed words.
class Transcriber {
 public:
  virtual ~Transcriber() = default;
  Transcriber() = default;
  Transcriber(const Transcriber&) = delete;
  Transcriber& operator=(const Transcriber&) = delete;

  /// Engine name recorded in transcripts and task records ("pocketsphinx").
  virtual std::string Name() const = 0;
  /// Recognises `samples` (≤ 30 s); word times are offset by `offset_s`. Thread-safe for up to
  /// `TranscriberOptions::threads` concurrent callers; the caller owns the samples.
  virtual Result<std::vector<Word>> Transcribe(std::span<const int16_t> samples,
                                               double offset_s) = 0;
};

/// Builds a transcriber from an engine name: "pocketsphinx" (embedded, offline).
/// Unknown names give Status::BadInput listing the known ones.
Result<std::unique_ptr<Transcriber>> MakeTranscriber(const std::string& engine,
                                                     const TranscriberOptions& options);

}  // namespace minutes
