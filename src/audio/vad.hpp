#pragma once
// Voice activity detection and segmentation of a sample stream into utterances.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/status.hpp"

namespace minutes {

/// A stretch of speech, in 16 kHz samples from the start of the recording: [start, end).
struct Utterance {
  int64_t start = 0;
  int64_t end = 0;
  double start_s() const { return start / 16000.0; }
  double end_s() const { return end / 16000.0; }
};

/// Segmenter settings; defaults suit meetings (cut at pauses, never longer than 30 s).
struct SegmenterParams {
  int vad_mode = 2;             ///< WebRTC aggressiveness 0..3
  double min_pause = 0.25;      ///< silence that ends an utterance, s
  double pad = 0.15;            ///< silence kept on each side of speech, s
  double min_speech = 0.2;      ///< shorter bursts are dropped, s
  double max_utterance = 30.0;  ///< longer speech is cut at its quietest point, s
};

/// Loads WebRTC's VAD library (once, on first use): the error (kind Unavailable) names the
/// library when the installation lacks it. A Segmenter made without it aborts.
Status LoadVad();

/// Feeds 16 kHz mono samples in any block sizes; yields utterances as they close.
/// Memory is bounded by max_utterance, not by the stream's length. Not thread-safe.
class Segmenter {
 public:
  explicit Segmenter(SegmenterParams params = {});
  ~Segmenter();
  Segmenter(const Segmenter&) = delete;
  Segmenter& operator=(const Segmenter&) = delete;

  /// Consumes samples; closed utterances are appended to `out`.
  void Push(std::span<const int16_t> samples, std::vector<Utterance>* out);
  /// Ends the stream, closing any open utterance.
  void Finish(std::vector<Utterance>* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace minutes
