#include "diarize/gmm.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace minutes {
namespace {

// Frames drawn from unit Gaussians centred on the given points, `per` from each, interleaved.
Cepstra Blobs(const std::vector<std::vector<float>>& centres, size_t per, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0, 1);
  Cepstra c;
  c.dims = static_cast<int>(centres[0].size());
  for (size_t i = 0; i < per; ++i)
    for (auto& m : centres)
      for (float v : m) c.data.push_back(v + noise(rng));
  return c;
}

TEST(DiagonalGmm, FindsTheSoundClassesItIsGiven) {
  Cepstra c = Blobs({{-6, 0}, {6, 0}}, 500, 1);
  DiagonalGmm g = DiagonalGmm::Train(c, 2);
  ASSERT_EQ(g.size(), 2);
  float a = g.mean(0)[0], b = g.mean(1)[0];
  EXPECT_NEAR(std::min(a, b), -6, 0.3);
  EXPECT_NEAR(std::max(a, b), 6, 0.3);
  std::vector<double> post;
  float left[] = {-6, 0};
  g.Posteriors(left, &post);
  EXPECT_GT(post[a < b ? 0 : 1], 0.99);
}

TEST(DiagonalGmm, SupervectorsFollowTheShiftNotTheSound) {
  // Two "speakers" say two "sounds"; speaker B's version of every sound is shifted up in
  // dimension 1. Supervectors of B's frames point one way whichever sound they hold.
  Cepstra all = Blobs({{-6, 0}, {6, 0}, {-6, 1}, {6, 1}}, 400, 2);
  DiagonalGmm g = DiagonalGmm::Train(all, 2);
  Cepstra a_low = Blobs({{-6, 0}}, 200, 3), b_low = Blobs({{-6, 1}}, 200, 4),
          b_high = Blobs({{6, 1}}, 200, 5);
  auto sv = [&](const Cepstra& c) { return g.Supervector(g.Accumulate(c, 0, c.frames()), 4.0); };
  auto dot = [](const std::vector<float>& x, const std::vector<float>& y) {
    double s = 0;
    for (size_t i = 0; i < x.size(); ++i) s += x[i] * y[i];
    return s;
  };
  auto al = sv(a_low), bl = sv(b_low), bh = sv(b_high);
  // Only the component of the sound said carries a shift; along dimension 1, A is below the
  // middle and B above it, so B's two sounds agree with each other and not with A.
  double b_sum = 0, a_sum = 0;
  for (size_t c = 0; c < 2; ++c) b_sum += bl[c * 2 + 1] + bh[c * 2 + 1], a_sum += al[c * 2 + 1];
  EXPECT_GT(b_sum, 0);
  EXPECT_LT(a_sum, 0);
  EXPECT_LT(dot(al, bl), 0) << "the same sound by two speakers points apart";
}

TEST(DiagonalGmm, AdaptedMeansMoveTowardsTheData) {
  Cepstra c = Blobs({{0, 0}}, 1000, 6);
  DiagonalGmm g = DiagonalGmm::Train(c, 1);
  Cepstra shifted = Blobs({{2, 0}}, 100, 7);
  auto stats = g.Accumulate(shifted, 0, shifted.frames());
  DiagonalGmm few = g.AdaptMeans(stats, 1000.0), many = g.AdaptMeans(stats, 1.0);
  EXPECT_GT(many.mean(0)[0], 1.8);
  EXPECT_LT(few.mean(0)[0], 0.5) << "little data moves a mean little";
  float x[] = {2, 0};
  std::vector<int> all = {0};
  EXPECT_GT(many.LogLikelihood(x, all), g.LogLikelihood(x, all));
}

TEST(DiagonalGmm, AnAlignmentOfEveryComponentGivesTheSameStatistics) {
  Cepstra c = Blobs({{-2, 0}, {2, 1}}, 300, 8);
  DiagonalGmm g = DiagonalGmm::Train(c, 4);
  auto exact = g.Accumulate(c, 10, 200);
  auto aligned = g.Accumulate(c, g.Align(c, g.size()), 10, 200);
  for (size_t i = 0; i < exact.n.size(); ++i) EXPECT_NEAR(aligned.n[i], exact.n[i], 0.05);
  for (size_t i = 0; i < exact.f.size(); ++i) EXPECT_NEAR(aligned.f[i], exact.f[i], 0.1);
  auto top1 = g.Align(c, 1);
  EXPECT_EQ(top1.top, 1u);
  for (float p : top1.posteriors) EXPECT_FLOAT_EQ(p, 1.0f);
}

}  // namespace
}  // namespace minutes
