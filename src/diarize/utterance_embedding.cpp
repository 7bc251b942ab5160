#include "diarize/utterance_embedding.hpp"

#include <algorithm>
#include <cmath>

namespace minutes {
namespace {

void ScaleToUnitLength(Embedding* x) {
  double n = 0;
  for (float v : *x) n += static_cast<double>(v) * v;
  n = std::sqrt(n + 1e-12);
  for (float& v : *x) v = static_cast<float>(v / n);
}

// Supervectors are compared as shifts from what the whole recording sounds like.
void Center(std::vector<Embedding>* xs) {
  if (xs->empty()) return;
  std::vector<double> mean(xs->front().size(), 0);
  for (auto& x : *xs)
    for (size_t d = 0; d < x.size(); ++d) mean[d] += x[d] / static_cast<double>(xs->size());
  for (auto& x : *xs)
    for (size_t d = 0; d < x.size(); ++d) x[d] = static_cast<float>(x[d] - mean[d]);
}

std::vector<Embedding> WindowEmbeddings(const Cepstra& frames,
                                        const std::vector<FrameRange>& ranges) {
  constexpr size_t kWindow = kFramesPerSecond, kHop = kFramesPerSecond / 2;
  std::vector<std::vector<Embedding>> windows(ranges.size());
  std::vector<Embedding> all;
  for (size_t j = 0; j < ranges.size(); ++j) {
    auto [b, e] = ranges[j];
    for (size_t s = b; s == b || s + kWindow <= e + kHop / 2; s += kHop) {
      windows[j].push_back(FrameStats(frames, s, std::min(e, s + kWindow)));
      all.push_back(windows[j].back());
      if (s + kWindow >= e) break;
    }
  }
  if (all.empty()) return std::vector<Embedding>(ranges.size());
  size_t dims = all.front().size();
  auto n = static_cast<double>(all.size());
  std::vector<double> mean(dims, 0), var(dims, 0);
  for (auto& w : all)
    for (size_t d = 0; d < dims; ++d) mean[d] += w[d] / n;
  for (auto& w : all)
    for (size_t d = 0; d < dims; ++d) var[d] += (w[d] - mean[d]) * (w[d] - mean[d]) / n;
  std::vector<Embedding> out;
  for (auto& ws : windows) {
    Embedding u(dims, 0);
    for (auto& w : ws)
      for (size_t d = 0; d < dims; ++d)
        u[d] += static_cast<float>((w[d] - mean[d]) / std::sqrt(std::max(1e-9, var[d])) /
                                   static_cast<double>(ws.size()));
    out.push_back(std::move(u));
  }
  return out;
}

}  // namespace

std::vector<Embedding> UtteranceEmbeddings(const Cepstra& frames,
                                           const std::vector<FrameRange>& ranges,
                                           const std::vector<DiagonalGmm::Stats>& stats,
                                           const DiagonalGmm& background, double relevance) {
  std::vector<Embedding> xs;
  for (auto& s : stats) xs.push_back(background.Supervector(s, relevance));
  Center(&xs);
  std::vector<Embedding> windows = WindowEmbeddings(frames, ranges);
  for (size_t j = 0; j < xs.size(); ++j) {
    ScaleToUnitLength(&xs[j]);
    ScaleToUnitLength(&windows[j]);
    xs[j].insert(xs[j].end(), windows[j].begin(), windows[j].end());
  }
  return xs;
}

}  // namespace minutes
