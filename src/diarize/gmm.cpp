#include "diarize/gmm.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace minutes {
namespace {

constexpr double kLog2Pi = 1.8378770664093453;
constexpr float kVarianceFloor = 1e-2f;  // frames are normalised to unit variance first
// After each split: hard assignments first (two components born from one overlap
// almost completely, and soft EM would pull them apart only slowly), then soft EM.
constexpr int kHardIterationsPerSplit = 3;
constexpr int kEmIterationsPerSplit = 3;

double LogSumExp(const std::vector<double>& v) {
  double m = *std::max_element(v.begin(), v.end());
  double s = 0;
  for (double x : v) s += std::exp(x - m);
  return m + std::log(s);
}

}  // namespace

DiagonalGmm DiagonalGmm::Train(const Cepstra& frames, int components, size_t max_frames) {
  DiagonalGmm g;
  g.dims_ = frames.dims;
  auto d = static_cast<size_t>(frames.dims);
  size_t n = frames.frames();
  std::vector<size_t> picks;
  size_t step = std::max<size_t>(1, n / std::max<size_t>(1, max_frames));
  for (size_t i = 0; i < n; i += step) picks.push_back(i);

  // One Gaussian for everything, then split every component in two until there are enough.
  std::vector<double> sum(d, 0), sq(d, 0);
  for (size_t i : picks)
    for (size_t k = 0; k < d; ++k) {
      sum[k] += frames.frame(i)[k];
      sq[k] += static_cast<double>(frames.frame(i)[k]) * frames.frame(i)[k];
    }
  g.weights_ = {1.0};
  g.means_.resize(d);
  g.vars_.resize(d);
  for (size_t k = 0; k < d; ++k) {
    double m = sum[k] / static_cast<double>(picks.size());
    g.means_[k] = static_cast<float>(m);
    g.vars_[k] = std::max(kVarianceFloor, static_cast<float>(sq[k] / picks.size() - m * m));
  }
  g.Refresh();
  while (g.size() < components) {
    size_t c0 = static_cast<size_t>(g.size());
    std::vector<float> means(2 * c0 * d), vars(2 * c0 * d);
    std::vector<double> weights(2 * c0);
    for (size_t c = 0; c < c0; ++c)
      for (int side = 0; side < 2; ++side) {
        size_t to = 2 * c + static_cast<size_t>(side);
        weights[to] = g.weights_[c] / 2;
        for (size_t k = 0; k < d; ++k) {
          float sd = std::sqrt(g.vars_[c * d + k]);
          means[to * d + k] = g.means_[c * d + k] + (side ? 0.2f : -0.2f) * sd;
          vars[to * d + k] = g.vars_[c * d + k];
        }
      }
    g.means_ = std::move(means);
    g.vars_ = std::move(vars);
    g.weights_ = std::move(weights);
    g.Refresh();
    for (int it = 0; it < kHardIterationsPerSplit; ++it) g.EmStep(frames, picks, true);
    for (int it = 0; it < kEmIterationsPerSplit; ++it) g.EmStep(frames, picks, false);
  }
  return g;
}

void DiagonalGmm::Refresh() {
  auto d = static_cast<size_t>(dims_);
  inv_vars_.resize(vars_.size());
  consts_.resize(weights_.size());
  for (size_t c = 0; c < weights_.size(); ++c) {
    double log_det = 0;
    for (size_t k = 0; k < d; ++k) {
      inv_vars_[c * d + k] = 1.0f / vars_[c * d + k];
      log_det += std::log(vars_[c * d + k]);
    }
    consts_[c] = std::log(std::max(weights_[c], 1e-30)) - 0.5 * (log_det + dims_ * kLog2Pi);
  }
}

void DiagonalGmm::EmStep(const Cepstra& frames, const std::vector<size_t>& picks, bool hard) {
  auto d = static_cast<size_t>(dims_);
  size_t k = weights_.size();
  std::vector<double> n(k, 0), f(k * d, 0), s(k * d, 0), post;
  for (size_t i : picks) {
    const float* x = frames.frame(i);
    if (hard) {
      ComponentScores(x, &post);
      size_t best = static_cast<size_t>(std::max_element(post.begin(), post.end()) - post.begin());
      std::fill(post.begin(), post.end(), 0.0);
      post[best] = 1;
    } else {
      Posteriors(x, &post);
    }
    for (size_t c = 0; c < k; ++c) {
      if (post[c] < 1e-6) continue;
      n[c] += post[c];
      for (size_t j = 0; j < d; ++j) {
        f[c * d + j] += post[c] * x[j];
        s[c * d + j] += post[c] * x[j] * x[j];
      }
    }
  }
  double total = static_cast<double>(picks.size());
  for (size_t c = 0; c < k; ++c) {
    if (n[c] < 1e-3) continue;  // an empty component keeps its place
    weights_[c] = n[c] / total;
    for (size_t j = 0; j < d; ++j) {
      double m = f[c * d + j] / n[c];
      means_[c * d + j] = static_cast<float>(m);
      vars_[c * d + j] = std::max(kVarianceFloor, static_cast<float>(s[c * d + j] / n[c] - m * m));
    }
  }
  Refresh();
}

double DiagonalGmm::ComponentScore(const float* x, size_t c) const {
  auto d = static_cast<size_t>(dims_);
  const float* m = means_.data() + c * d;
  const float* iv = inv_vars_.data() + c * d;
  float acc = 0;
  for (size_t j = 0; j < d; ++j) {
    float diff = x[j] - m[j];
    acc += diff * diff * iv[j];
  }
  return consts_[c] - 0.5 * acc;
}

void DiagonalGmm::ComponentScores(const float* x, std::vector<double>* out) const {
  out->resize(weights_.size());
  for (size_t c = 0; c < weights_.size(); ++c) (*out)[c] = ComponentScore(x, c);
}

double DiagonalGmm::Posteriors(const float* x, std::vector<double>* post) const {
  ComponentScores(x, post);
  double total = LogSumExp(*post);
  for (double& p : *post) p = std::exp(p - total);
  return total;
}

double DiagonalGmm::LogLikelihood(const float* x, std::span<const int> components) const {
  double best = -std::numeric_limits<double>::infinity(), sum = 0;
  double scores[64];
  size_t used = std::min<size_t>(components.size(), 64);
  for (size_t i = 0; i < used; ++i) {
    scores[i] = ComponentScore(x, static_cast<size_t>(components[i]));
    best = std::max(best, scores[i]);
  }
  for (size_t i = 0; i < used; ++i) sum += std::exp(scores[i] - best);
  return best + std::log(sum);
}

DiagonalGmm::Stats DiagonalGmm::Accumulate(const Cepstra& frames, size_t begin, size_t end) const {
  auto d = static_cast<size_t>(dims_);
  Stats s;
  s.n.assign(weights_.size(), 0);
  s.f.assign(weights_.size() * d, 0);
  std::vector<double> post;
  for (size_t i = begin; i < end && i < frames.frames(); ++i) {
    const float* x = frames.frame(i);
    Posteriors(x, &post);
    for (size_t c = 0; c < weights_.size(); ++c) {
      if (post[c] < 1e-4) continue;
      s.n[c] += post[c];
      for (size_t j = 0; j < d; ++j) s.f[c * d + j] += post[c] * x[j];
    }
  }
  return s;
}

DiagonalGmm::Alignment DiagonalGmm::Align(const Cepstra& frames, int top) const {
  Alignment a;
  a.top = static_cast<size_t>(std::clamp(top, 1, size()));
  size_t n = frames.frames();
  a.components.resize(n * a.top);
  a.posteriors.resize(n * a.top);
  std::vector<double> scores;
  std::vector<int> order(weights_.size());
  for (size_t i = 0; i < n; ++i) {
    ComponentScores(frames.frame(i), &scores);
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + static_cast<long>(a.top), order.end(),
                      [&](int x, int y) {
                        return scores[static_cast<size_t>(x)] > scores[static_cast<size_t>(y)];
                      });
    double best = scores[static_cast<size_t>(order[0])], sum = 0;
    for (size_t j = 0; j < a.top; ++j)
      sum += std::exp(scores[static_cast<size_t>(order[j])] - best);
    for (size_t j = 0; j < a.top; ++j) {
      a.components[i * a.top + j] = order[j];
      a.posteriors[i * a.top + j] =
          static_cast<float>(std::exp(scores[static_cast<size_t>(order[j])] - best) / sum);
    }
  }
  return a;
}

DiagonalGmm::Stats DiagonalGmm::Accumulate(const Cepstra& frames, const Alignment& a, size_t begin,
                                           size_t end) const {
  auto d = static_cast<size_t>(dims_);
  Stats s;
  s.n.assign(weights_.size(), 0);
  s.f.assign(weights_.size() * d, 0);
  for (size_t i = begin; i < end && i < frames.frames(); ++i) {
    const float* x = frames.frame(i);
    for (size_t j = 0; j < a.top; ++j) {
      auto c = static_cast<size_t>(a.components[i * a.top + j]);
      double p = a.posteriors[i * a.top + j];
      s.n[c] += p;
      for (size_t k = 0; k < d; ++k) s.f[c * d + k] += p * x[k];
    }
  }
  return s;
}

DiagonalGmm DiagonalGmm::AdaptMeans(const Stats& s, double relevance) const {
  DiagonalGmm g = *this;
  auto d = static_cast<size_t>(dims_);
  for (size_t c = 0; c < weights_.size(); ++c) {
    double alpha = s.n[c] / (s.n[c] + relevance);
    if (s.n[c] <= 0) continue;
    for (size_t j = 0; j < d; ++j) {
      double target = s.f[c * d + j] / s.n[c];
      g.means_[c * d + j] = static_cast<float>(alpha * target + (1 - alpha) * means_[c * d + j]);
    }
  }
  return g;  // weights and variances unchanged: the cached constants still hold
}

std::vector<float> DiagonalGmm::Supervector(const Stats& s, double relevance) const {
  auto d = static_cast<size_t>(dims_);
  std::vector<float> sv(weights_.size() * d);
  for (size_t c = 0; c < weights_.size(); ++c) {
    double scale = std::sqrt(weights_[c]) / (s.n[c] + relevance);
    for (size_t j = 0; j < d; ++j) {
      double shift = s.f[c * d + j] - s.n[c] * means_[c * d + j];
      sv[c * d + j] = static_cast<float>(scale * shift * std::sqrt(inv_vars_[c * d + j]));
    }
  }
  return sv;
}

}  // namespace minutes
