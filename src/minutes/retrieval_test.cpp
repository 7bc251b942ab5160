// Finding the segments that answer a question, in English and in Chinese.
#include "minutes/retrieval.hpp"

#include <gtest/gtest.h>

namespace minutes {
namespace {

Transcript Make(std::vector<std::string> texts) {
  Transcript t;
  for (size_t i = 0; i < texts.size(); ++i)
    t.segments.push_back(
        {"seg-" + std::to_string(i + 1), "S1", i * 5.0, i * 5.0 + 5, texts[i], {}});
  return t;
}

TEST(Retrieval, TermsDropStopwordsAndSplitChinese) {
  EXPECT_EQ(SearchTerms("When is the Release?"), (std::vector<std::string>{"release"}));
  EXPECT_EQ(SearchTerms("发布日期"),
            (std::vector<std::string>{"发", "布", "发布", "日", "布日", "期", "日期"}));
  EXPECT_EQ(SearchTerms("v2 发布"), (std::vector<std::string>{"v2", "发", "布", "发布"}));
}

TEST(Retrieval, RanksTheSegmentsThatAnswer) {
  auto t = Make({"good morning everyone", "the release moves to friday because of the database",
                 "lunch is at noon", "database migration needs a review before the release"});
  auto best = BestSegments(t, "When is the release?", 3);
  ASSERT_EQ(best.size(), 2u) << "only segments sharing a term";
  EXPECT_EQ(best[0], 1u);
  auto db = BestSegments(t, "database migration", 1);
  ASSERT_EQ(db.size(), 1u);
  EXPECT_EQ(db[0], 3u);
  EXPECT_TRUE(BestSegments(t, "the and of", 3).empty());
}

TEST(Retrieval, FindsChinesePassages) {
  auto t = Make({"大家早上好", "我们决定下周五发布新版本", "午饭在十二点", "测试由王芳负责"});
  auto best = BestSegments(t, "什么时候发布？", 2);
  ASSERT_FALSE(best.empty());
  EXPECT_EQ(best[0], 1u);
  EXPECT_EQ(BestSegments(t, "谁负责测试", 1).at(0), 3u);
}

}  // namespace
}  // namespace minutes
