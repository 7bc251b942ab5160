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

TEST(Text, DecodeBase64BothAlphabetsAndRefusesTheRest) {
  EXPECT_EQ(minutes::DecodeBase64("aGVsbG8="), "hello");
  EXPECT_EQ(minutes::DecodeBase64("aGVsbG8"), "hello");
  EXPECT_EQ(minutes::DecodeBase64("-_8"), "\xfb\xff");
  EXPECT_EQ(minutes::DecodeBase64("+/8="), "\xfb\xff");
  EXPECT_EQ(minutes::DecodeBase64(""), "");
  EXPECT_EQ(minutes::DecodeBase64("a"), std::nullopt);
  EXPECT_EQ(minutes::DecodeBase64("aGV!bG8="), std::nullopt);
  EXPECT_EQ(minutes::DecodeBase64("aG=Vs"), std::nullopt);
}
