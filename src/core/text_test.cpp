#include "core/text.hpp"

#include <gtest/gtest.h>

namespace minutes {

TEST(FormatClock, FormatsHoursMinutesSecondsAndMillis) {
  EXPECT_EQ(FormatClock(0), "00:00:00");
  EXPECT_EQ(FormatClock(62.5), "00:01:02");
  EXPECT_EQ(FormatClock(3723.045, ','), "01:02:03,045");
  EXPECT_EQ(FormatClock(36000.0, '.'), "10:00:00.000");
  EXPECT_EQ(FormatClock(-3, '.'), "00:00:00.000");
}

TEST(NormalizeWords, LowercasesAndSplitsOnPunctuation) {
  auto w = NormalizeWords("Thanks Bob. Carol, how's it going?");
  std::vector<std::string> want{"thanks", "bob", "carol", "how's", "it", "going"};
  EXPECT_EQ(w, want);
  EXPECT_TRUE(NormalizeWords("  ...  ").empty());
}

TEST(AsciiLower, LowersAsciiLettersOnly) {
  EXPECT_EQ(AsciiLower("Content-Type: ÄB会议"), "content-type: Äb会议");
}

TEST(TrimSpace, DropsAsciiWhitespaceAtBothEndsOnly) {
  EXPECT_EQ(TrimSpace(" \t\r\n\v\fa b\n"), "a b");
  EXPECT_EQ(TrimSpace(" \n "), "");
  EXPECT_EQ(TrimSpace("会议"), "会议");
}

TEST(FormatSeconds, SaysDurationsAsPeopleDo) {
  EXPECT_EQ(FormatSeconds(14400), "4 h");
  EXPECT_EQ(FormatSeconds(5400), "1 h 30 min");
  EXPECT_EQ(FormatSeconds(605), "10 min 5 s");
  EXPECT_EQ(FormatSeconds(300), "5 min");
  EXPECT_EQ(FormatSeconds(42.4), "42 s");
  EXPECT_EQ(FormatSeconds(59.6), "1 min");
  EXPECT_EQ(FormatSeconds(2.54), "2.5 s");
  EXPECT_EQ(FormatSeconds(3), "3 s");
  EXPECT_EQ(FormatSeconds(0), "0 s");
  EXPECT_EQ(FormatSeconds(-5), "0 s");
}

TEST(Join, JoinsWithSeparator) {
  EXPECT_EQ(Join({"a", "b", "c"}, ", "), "a, b, c");
  EXPECT_EQ(Join({}, ","), "");
}

}  // namespace minutes

TEST(AppendWord, SpacesLatinWordsButNotCjkOrTrailingPunctuation) {
  std::string t;
  for (const char* w : {"We", "agreed", ",", "ship", "it", "."}) minutes::AppendWord(&t, w);
  EXPECT_EQ(t, "We agreed, ship it.");
  std::string z;
  for (const char* w : {"我们", "决定", "下周", "发布", "。", "OK"}) minutes::AppendWord(&z, w);
  EXPECT_EQ(z, "我们决定下周发布。OK");
  std::string mixed;
  for (const char* w : {"用", "API", "接口"}) minutes::AppendWord(&mixed, w);
  EXPECT_EQ(mixed, "用API接口");
}
