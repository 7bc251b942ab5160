#pragma once
// Speaker features: MFCC frames (sphinxbase front end) and their statistics over windows.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/status.hpp"

namespace minutes {

/// Frames of cepstra per second: every 20 ms (25.6 ms windows). A voice needs no finer step,
/// and half the frames halve the time of everything after the front end.
constexpr int kFramesPerSecond = 50;

/// Frames of cepstra, kFramesPerSecond per second, `dims` coefficients each (c0, the energy,
/// excluded).
struct Cepstra {
  int dims = 0;
  std::vector<float> data;  ///< frames × dims, row-major
  size_t frames() const { return dims ? data.size() / static_cast<size_t>(dims) : 0; }
  const float* frame(size_t i) const { return data.data() + i * static_cast<size_t>(dims); }
};

/// An MFCC extractor; one per thread (the sphinxbase front end is not thread-safe).
class MfccExtractor {
 public:
  MfccExtractor();
  ~MfccExtractor();
  MfccExtractor(const MfccExtractor&) = delete;
  MfccExtractor& operator=(const MfccExtractor&) = delete;
  /// Cepstra of 16 kHz samples.
  Result<Cepstra> Compute(std::span<const int16_t> samples);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Scales every coefficient to zero mean and unit variance over all frames of `c` (cepstral
/// mean and variance normalisation over the recording: the channel goes, the voice stays).
void NormalizeFrames(Cepstra* c);

/// Mean and standard deviation of frames [begin, end): a 2×dims speaker embedding.
std::vector<float> FrameStats(const Cepstra& c, size_t begin, size_t end);

}  // namespace minutes
