#include "cli/render_command.hpp"

#include <gtest/gtest.h>

namespace minutes {
namespace {

Transcript Two() {
  Transcript t;
  t.speakers = {{"S1", std::nullopt, 1}, {"S2", std::nullopt, 2}};
  return t;
}

TEST(SpeakerNames, ParsesAndApplies) {
  auto names = ParseSpeakerNames({"S1=Alice", "S2=Smith, John"});
  ASSERT_TRUE(names.ok());
  Transcript t = Two();
  ASSERT_TRUE(ApplySpeakerNames(*names, &t).ok());
  EXPECT_EQ(t.DisplayName("S1"), "Alice");
  EXPECT_EQ(t.DisplayName("S2"), "Smith, John");
}

TEST(SpeakerNames, EmptyNameClears) {
  Transcript t = Two();
  t.speakers[0].name = "Alice";
  ASSERT_TRUE(ApplySpeakerNames(*ParseSpeakerNames({"S1="}), &t).ok());
  EXPECT_FALSE(t.speakers[0].name.has_value());
}

TEST(SpeakerNames, RejectsMalformedAndUnknown) {
  auto bad = ParseSpeakerNames({"Alice"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("SPEAKER=NAME"), std::string::npos);
  Transcript t = Two();
  Status s = ApplySpeakerNames({{"S1", "Al"}, {"S9", "Zed"}}, &t);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("S9"), std::string::npos);
  EXPECT_NE(s.message().find("S1, S2"), std::string::npos);
  EXPECT_FALSE(t.speakers[0].name.has_value()) << "nothing applied on error";
}

}  // namespace
}  // namespace minutes
