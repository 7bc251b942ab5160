#include "diarize/resegment.hpp"

#include <algorithm>
#include <limits>

namespace minutes {

std::vector<double> FrameScores(const Cepstra& frames, size_t begin, size_t end,
                                const DiagonalGmm::Alignment& alignment,
                                const std::vector<DiagonalGmm>& speakers) {
  end = std::min(end, frames.frames());
  size_t k = speakers.size(), top = alignment.top;
  std::vector<double> out(end > begin ? (end - begin) * k : 0);
  for (size_t i = begin; i < end; ++i) {
    std::span<const int> best(alignment.components.data() + i * top, top);
    for (size_t s = 0; s < k; ++s)
      out[(i - begin) * k + s] = speakers[s].LogLikelihood(frames.frame(i), best);
  }
  return out;
}

std::vector<int> ViterbiBlocks(const std::vector<double>& scores, size_t models, size_t block,
                               double switch_penalty) {
  size_t frames = models ? scores.size() / models : 0;
  size_t n = (frames + block - 1) / block;
  if (n == 0) return {};
  std::vector<double> gain(n * models, 0);
  for (size_t f = 0; f < frames; ++f)
    for (size_t s = 0; s < models; ++s) gain[(f / block) * models + s] += scores[f * models + s];
  std::vector<double> total(gain.begin(), gain.begin() + static_cast<long>(models)), next(models);
  std::vector<int> back(n * models, 0);
  for (size_t t = 1; t < n; ++t) {
    size_t stay_best =
        static_cast<size_t>(std::max_element(total.begin(), total.end()) - total.begin());
    for (size_t s = 0; s < models; ++s) {
      double stay = total[s], move = total[stay_best] - switch_penalty;
      bool moved = stay_best != s && move > stay;
      back[t * models + s] = static_cast<int>(moved ? stay_best : s);
      next[s] = (moved ? move : stay) + gain[t * models + s];
    }
    total.swap(next);
  }
  std::vector<int> path(n);
  path[n - 1] = static_cast<int>(std::max_element(total.begin(), total.end()) - total.begin());
  for (size_t t = n - 1; t > 0; --t) path[t - 1] = back[t * models + static_cast<size_t>(path[t])];
  return path;
}

}  // namespace minutes
