#pragma once
// The Bayesian information criterion for "are these two sets of frames one voice?": each set
// as one full-covariance Gaussian, against both together as one (Chen & Gopalakrishnan). It
// weighs the evidence by how much there is, so small clusters are not split off on noise.
// Pure functions, no I/O.
#include <cstddef>
#include <vector>

#include "diarize/features.hpp"

namespace minutes {

/// Count, sum and sum of outer products of frames: enough to fit a full-covariance Gaussian.
class GaussianStats {
 public:
  explicit GaussianStats(int dims = 0);
  void Add(const float* frame);
  void Add(const GaussianStats& other);
  double count() const { return n_; }
  int dims() const { return dims_; }
  /// log det of the maximum-likelihood covariance (with a small floor on the diagonal).
  double LogDetCovariance() const;

 private:
  int dims_ = 0;
  double n_ = 0;
  std::vector<double> sum_, outer_;  // dims, dims × dims
};

/// How far apart two sets of frames are, whatever their amount: the log-likelihood gained per
/// frame by modelling them as two Gaussians rather than one (a divergence; 0 for equal ones).
double GaussianDivergence(const GaussianStats& a, const GaussianStats& b);

/// ΔBIC of modelling `a` and `b` apart rather than together; below zero means one voice.
/// `penalty` (λ) scales the cost of the extra Gaussian's parameters.
double DeltaBic(const GaussianStats& a, const GaussianStats& b, double penalty);

}  // namespace minutes
