#include "diarize/resegment.hpp"

#include <gtest/gtest.h>

namespace minutes {
namespace {

// Frame scores for two models: `who` says which model explains each frame by `margin` nats.
std::vector<double> Scores(const std::vector<int>& who, double margin) {
  std::vector<double> s;
  for (int w : who) {
    s.push_back(w == 0 ? margin : 0);
    s.push_back(w == 1 ? margin : 0);
  }
  return s;
}

TEST(ViterbiBlocks, FollowsAClearChangeOfSpeaker) {
  std::vector<int> who(40, 0);
  for (size_t i = 20; i < who.size(); ++i) who[i] = 1;
  auto path = ViterbiBlocks(Scores(who, 2.0), 2, 10, 5.0);
  EXPECT_EQ(path, (std::vector<int>{0, 0, 1, 1}));
}

TEST(ViterbiBlocks, IgnoresABlipCheaperThanTheSwitchPenalty) {
  std::vector<int> who(50, 0);
  for (size_t i = 20; i < 30; ++i) who[i] = 1;  // one block's worth, 10 nats of evidence
  EXPECT_EQ(ViterbiBlocks(Scores(who, 1.0), 2, 10, 30.0), (std::vector<int>(5, 0)));
  EXPECT_EQ(ViterbiBlocks(Scores(who, 1.0), 2, 10, 2.0), (std::vector<int>{0, 0, 1, 0, 0}));
}

TEST(ViterbiBlocks, ALastShortBlockAndNoFrames) {
  EXPECT_EQ(ViterbiBlocks(Scores({1, 1, 1}, 1.0), 2, 10, 5.0), (std::vector<int>{1}));
  EXPECT_TRUE(ViterbiBlocks({}, 2, 10, 5.0).empty());
}

}  // namespace
}  // namespace minutes
