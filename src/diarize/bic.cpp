#include "diarize/bic.hpp"

#include <algorithm>
#include <cmath>

namespace minutes {

GaussianStats::GaussianStats(int dims)
    : dims_(dims),
      sum_(static_cast<size_t>(dims), 0),
      outer_(static_cast<size_t>(dims) * static_cast<size_t>(dims), 0) {}

void GaussianStats::Add(const float* frame) {
  auto d = static_cast<size_t>(dims_);
  n_ += 1;
  for (size_t i = 0; i < d; ++i) {
    sum_[i] += frame[i];
    for (size_t j = 0; j <= i; ++j) outer_[i * d + j] += static_cast<double>(frame[i]) * frame[j];
  }
}

void GaussianStats::Add(const GaussianStats& other) {
  n_ += other.n_;
  for (size_t i = 0; i < sum_.size(); ++i) sum_[i] += other.sum_[i];
  for (size_t i = 0; i < outer_.size(); ++i) outer_[i] += other.outer_[i];
}

double GaussianStats::LogDetCovariance() const {
  auto d = static_cast<size_t>(dims_);
  if (n_ < 1 || d == 0) return 0;
  // Covariance (lower triangle), then Cholesky: log det = 2 Σ log L_ii.
  std::vector<double> c(d * d, 0);
  for (size_t i = 0; i < d; ++i)
    for (size_t j = 0; j <= i; ++j)
      c[i * d + j] = outer_[i * d + j] / n_ - (sum_[i] / n_) * (sum_[j] / n_);
  for (size_t i = 0; i < d; ++i) c[i * d + i] += 1e-4;
  double log_det = 0;
  for (size_t j = 0; j < d; ++j) {
    double v = c[j * d + j];
    for (size_t k = 0; k < j; ++k) v -= c[j * d + k] * c[j * d + k];
    v = std::sqrt(std::max(v, 1e-12));
    c[j * d + j] = v;
    log_det += 2 * std::log(v);
    for (size_t i = j + 1; i < d; ++i) {
      double w = c[i * d + j];
      for (size_t k = 0; k < j; ++k) w -= c[i * d + k] * c[j * d + k];
      c[i * d + j] = w / v;
    }
  }
  return log_det;
}

double GaussianDivergence(const GaussianStats& a, const GaussianStats& b) {
  double n = a.count() + b.count();
  return n > 0 ? DeltaBic(a, b, 0) / n : 0;
}

double DeltaBic(const GaussianStats& a, const GaussianStats& b, double penalty) {
  GaussianStats both = a;
  both.Add(b);
  double n = both.count();
  if (a.count() < 2 || b.count() < 2) return -1;  // a speaker left with no frames is no voice
  double d = a.dims(), params = d + d * (d + 1) / 2;
  return 0.5 * (n * both.LogDetCovariance() - a.count() * a.LogDetCovariance() -
                b.count() * b.LogDetCovariance()) -
         penalty * 0.5 * params * std::log(n);
}

}  // namespace minutes
