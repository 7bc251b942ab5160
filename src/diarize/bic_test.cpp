#include "diarize/bic.hpp"

#include <gtest/gtest.h>

#include <random>

namespace minutes {
namespace {

GaussianStats Draw(float mean, float spread, int n, unsigned seed, int dims = 4) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0, 1);
  GaussianStats s(dims);
  std::vector<float> x(static_cast<size_t>(dims));
  for (int i = 0; i < n; ++i) {
    for (int d = 0; d < dims; ++d)
      x[static_cast<size_t>(d)] = (d == 0 ? mean : 0) + spread * noise(rng);
    s.Add(x.data());
  }
  return s;
}

TEST(DeltaBic, OneVoiceSplitInTwoIsJoined) {
  EXPECT_LT(DeltaBic(Draw(0, 1, 500, 1), Draw(0, 1, 400, 2), 1.0), 0);
}

TEST(DeltaBic, TwoVoicesStayApart) {
  EXPECT_GT(DeltaBic(Draw(0, 1, 500, 1), Draw(1.5, 1, 400, 2), 1.0), 0);
  EXPECT_GT(DeltaBic(Draw(0, 1, 500, 3), Draw(0, 2, 400, 4), 1.0), 0) << "a wider voice";
}

TEST(DeltaBic, MoreEvidenceIsNeededUnderAHigherPenaltyAndFromLessData) {
  auto a = Draw(0, 1, 300, 5), b = Draw(0.4, 1, 300, 6);
  EXPECT_GT(DeltaBic(a, b, 0.5), DeltaBic(a, b, 2.0));
  EXPECT_LT(DeltaBic(Draw(0, 1, 20, 7), Draw(0.4, 1, 20, 8), 1.0), 0);
}

TEST(DeltaBic, AnEmptySpeakerIsNoVoice) {
  EXPECT_LT(DeltaBic(Draw(0, 1, 500, 1), GaussianStats(4), 1.0), 0);
}

TEST(GaussianDivergence, GrowsWithTheDistanceNotWithTheAmountOfFrames) {
  double same = GaussianDivergence(Draw(0, 1, 500, 1), Draw(0, 1, 500, 2));
  double near = GaussianDivergence(Draw(0, 1, 500, 1), Draw(1, 1, 500, 2));
  double far = GaussianDivergence(Draw(0, 1, 500, 1), Draw(3, 1, 500, 2));
  EXPECT_LT(same, 0.02);
  EXPECT_LT(same, near);
  EXPECT_LT(near, far);
  double more = GaussianDivergence(Draw(0, 1, 5000, 3), Draw(1, 1, 5000, 4));
  EXPECT_NEAR(more, near, 0.05) << "per frame: ten times the frames, the same divergence";
}

TEST(GaussianStats, LogDetOfAKnownCovariance) {
  GaussianStats s = Draw(0, 2, 20000, 9, 3);  // covariance 4·I: log det = 3 log 4
  EXPECT_NEAR(s.LogDetCovariance(), 3 * std::log(4.0), 0.05);
}

}  // namespace
}  // namespace minutes
