#pragma once
// A diagonal-covariance Gaussian mixture over cepstral frames: the recording's own background
// model. Its components are sound classes (roughly phones), so statistics taken per component
// compare how two stretches of speech say the same sounds: the speaker, not the words.
// Pure functions of their inputs, no I/O; thread-compatible.
#include <cstddef>
#include <span>
#include <vector>

#include "diarize/features.hpp"

namespace minutes {

/// A mixture of `size()` diagonal Gaussians over `dims`-dimensional frames.
class DiagonalGmm {
 public:
  /// Fits `components` Gaussians (a power of two) to the frames by binary splitting and EM;
  /// uses at most `max_frames` frames, evenly spaced. Frames must be non-empty.
  static DiagonalGmm Train(const Cepstra& frames, int components, size_t max_frames = 10000);

  int dims() const { return dims_; }
  int size() const { return static_cast<int>(weights_.size()); }
  const float* mean(int c) const { return means_.data() + static_cast<size_t>(c) * dims_; }

  /// log p(x | component c) + log weight, for every component.
  void ComponentScores(const float* x, std::vector<double>* out) const;
  /// Posteriors of the components for frame x; returns log p(x).
  double Posteriors(const float* x, std::vector<double>* post) const;
  /// log p(x) using only the listed components (the top ones of another model).
  double LogLikelihood(const float* x, std::span<const int> components) const;

  /// Zeroth- and first-order statistics of frames [begin, end): n[c] and f[c*dims + d].
  struct Stats {
    std::vector<double> n, f;
  };
  Stats Accumulate(const Cepstra& frames, size_t begin, size_t end) const;

  /// Every frame's `top` likeliest components and their posteriors (renormalised over them):
  /// computed once, it stands in for the model in every later pass over the frames.
  struct Alignment {
    size_t top = 0;
    std::vector<int> components;  ///< frames × top
    std::vector<float> posteriors;
  };
  Alignment Align(const Cepstra& frames, int top) const;
  /// Accumulate() from an alignment of the same frames.
  Stats Accumulate(const Cepstra& frames, const Alignment& a, size_t begin, size_t end) const;

  /// A copy whose means are MAP-adapted to the statistics (relevance factor `relevance`).
  DiagonalGmm AdaptMeans(const Stats& s, double relevance) const;

  /// The speaker supervector of the statistics: per component, the MAP shift of its mean
  /// scaled by sqrt(weight) / sigma, so that Euclidean and cosine geometry follow the model's
  /// likelihood. size() * dims() values.
  std::vector<float> Supervector(const Stats& s, double relevance) const;

 private:
  void Refresh();  // recomputes the cached inverse variances and normalisers
  // log(w_c N(x; mean_c, var_c)) of component c.
  double ComponentScore(const float* x, size_t c) const;
  // One EM iteration; `hard` gives each frame wholly to its likeliest component.
  void EmStep(const Cepstra& frames, const std::vector<size_t>& picks, bool hard);

  int dims_ = 0;
  std::vector<double> weights_;
  std::vector<float> means_, vars_;
  std::vector<float> inv_vars_;  // cached 1 / var
  std::vector<double> consts_;   // cached log w - 0.5 (sum log var + dims log 2 pi)
};

}  // namespace minutes
