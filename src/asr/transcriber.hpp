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
  std::vector<std::string> hotwords;  ///< words to favour (a provider's prompt or vocabulary)
};

/// One thread's use of an engine (for PocketSphinx: one decoder). Not thread-safe.
class TranscriberSession {
 public:
  virtual ~TranscriberSession() = default;
  TranscriberSession() = default;
  TranscriberSession(const TranscriberSession&) = delete;
  TranscriberSession& operator=(const TranscriberSession&) = delete;

  /// Recognises `samples` (one utterance, ≤ 30 s); word times are offset by `offset_s`.
  /// The caller owns the samples.
  virtual Result<std::vector<Word>> Transcribe(std::span<const int16_t> samples,
                                               double offset_s) = 0;
};

/// A speech recognition engine: loads its model once and hands out sessions.
class Transcriber {
 public:
  virtual ~Transcriber() = default;
  Transcriber() = default;
  Transcriber(const Transcriber&) = delete;
  Transcriber& operator=(const Transcriber&) = delete;

  /// Engine name recorded in transcripts and task records ("pocketsphinx").
  virtual std::string Name() const = 0;
  /// A session for the calling thread. Thread-safe; sessions must not outlive the transcriber.
  virtual Result<std::unique_ptr<TranscriberSession>> NewSession() = 0;
};

/// Builds a transcriber from an engine name: "pocketsphinx" (embedded, offline).
/// Unknown names give Status::BadInput listing the known ones.
Result<std::unique_ptr<Transcriber>> MakeTranscriber(const std::string& engine,
                                                     const TranscriberOptions& options);

}  // namespace minutes
