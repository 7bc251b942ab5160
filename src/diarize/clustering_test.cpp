#include "diarize/clustering.hpp"

#include <gtest/gtest.h>

#include <random>

namespace minutes {
namespace {

std::vector<Embedding> Blobs(int k, int per, unsigned seed, double spread = 0.3) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0, spread);
  std::vector<Embedding> out;
  for (int i = 0; i < per; ++i)
    for (int c = 0; c < k; ++c) {
      Embedding e(6, 0);
      for (size_t d = 0; d < e.size(); ++d)
        e[d] = static_cast<float>((d == static_cast<size_t>(c) ? 3.0 : 0.0) + noise(rng));
      out.push_back(e);
    }
  return out;
}

TEST(Cluster, FindsTheNumberOfWellSeparatedGroups) {
  for (int k = 2; k <= 4; ++k) {
    auto xs = Blobs(k, 8, 7u + static_cast<unsigned>(k));
    std::vector<double> w(xs.size(), 1.0);
    auto labels = ClusterEmbeddings(xs, w, 0, 8);
    int found = *std::max_element(labels.begin(), labels.end()) + 1;
    EXPECT_EQ(found, k);
    // Points were generated round-robin: point i belongs to group i % k.
    for (size_t i = 0; i < xs.size(); ++i)
      EXPECT_EQ(labels[i], labels[i % static_cast<size_t>(k)]) << "point " << i;
  }
}

TEST(Cluster, HonoursAGivenCountAndLabelsInOrderOfAppearance) {
  auto xs = Blobs(3, 5, 3);
  std::vector<double> w(xs.size(), 1.0);
  auto labels = ClusterEmbeddings(xs, w, 2, 8);
  EXPECT_EQ(*std::max_element(labels.begin(), labels.end()), 1);
  EXPECT_EQ(labels[0], 0);
  auto one = ClusterEmbeddings(xs, w, 1, 8);
  EXPECT_EQ(*std::max_element(one.begin(), one.end()), 0);
}

TEST(Cluster, OneGroupStaysOne) {
  auto xs = Blobs(1, 20, 5, 1.0);
  std::vector<double> w(xs.size(), 1.0);
  auto labels = ClusterEmbeddings(xs, w, 0, 8);
  EXPECT_EQ(*std::max_element(labels.begin(), labels.end()), 0);
}

TEST(Cluster, EdgeCases) {
  EXPECT_TRUE(ClusterEmbeddings({}, {}, 0, 8).empty());
  EXPECT_EQ(ClusterEmbeddings({{1, 2}}, {1}, 0, 8), std::vector<int>{0});
}

TEST(CosineDistance, KnownValues) {
  EXPECT_NEAR(CosineDistance({1, 0}, {1, 0}), 0.0, 1e-9);
  EXPECT_NEAR(CosineDistance({1, 0}, {0, 1}), 1.0, 1e-9);
  EXPECT_NEAR(CosineDistance({1, 0}, {-1, 0}), 2.0, 1e-9);
}

}  // namespace
}  // namespace minutes
