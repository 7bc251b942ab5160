#include "diarize/utterance_embedding.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace minutes {
namespace {

// Three "utterances" of 2 s: two by a voice centred at 0, one by a voice centred at 3.
Cepstra ThreeUtterances() {
  std::mt19937 rng(11);
  std::normal_distribution<float> noise(0, 1);
  Cepstra c;
  c.dims = 3;
  for (float centre : {0.0f, 0.0f, 3.0f})
    for (int f = 0; f < 2 * kFramesPerSecond; ++f)
      for (int d = 0; d < c.dims; ++d) c.data.push_back(centre + noise(rng));
  return c;
}

TEST(UtteranceEmbeddings, TwoUnitLengthHalvesThatFollowTheVoice) {
  Cepstra c = ThreeUtterances();
  DiagonalGmm g = DiagonalGmm::Train(c, 2);
  auto n = static_cast<size_t>(2 * kFramesPerSecond);
  std::vector<FrameRange> ranges = {{0, n}, {n, 2 * n}, {2 * n, 3 * n}};
  std::vector<DiagonalGmm::Stats> stats;
  for (auto [b, e] : ranges) stats.push_back(g.Accumulate(c, b, e));
  auto xs = UtteranceEmbeddings(c, ranges, stats, g, 4.0);
  ASSERT_EQ(xs.size(), 3u);
  size_t supervector = static_cast<size_t>(g.size() * c.dims), windows = 2 * 3;
  for (auto& x : xs) {
    ASSERT_EQ(x.size(), supervector + windows);
    double a = 0, b = 0;
    for (size_t i = 0; i < supervector; ++i) a += x[i] * x[i];
    for (size_t i = supervector; i < x.size(); ++i) b += x[i] * x[i];
    EXPECT_NEAR(a, 1, 1e-4);
    EXPECT_NEAR(b, 1, 1e-4);
  }
  EXPECT_LT(CosineDistance(xs[0], xs[1]), CosineDistance(xs[0], xs[2]));
  EXPECT_LT(CosineDistance(xs[0], xs[1]), CosineDistance(xs[1], xs[2]));
}

}  // namespace
}  // namespace minutes
