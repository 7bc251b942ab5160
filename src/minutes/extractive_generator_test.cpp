#include "minutes/extractive_generator.hpp"

#include <gtest/gtest.h>

namespace minutes {
namespace {

// The standup as PocketSphinx hears it: lower case, no punctuation.
Transcript Standup() {
  Transcript t;
  t.duration = 40;
  const char* lines[][2] = {
      {"S1", "good morning everyone let us start the weekly stand up"},
      {"S2", "yesterday i finished the login page and fixed two bugs in the upload form"},
      {"S1", "thanks bob carol how is the database migration going"},
      {"S3", "the migration script is ready i will run it on the staging server tomorrow"},
      {"S2", "i can help test the staging server after lunch"},
      {"S1", "great we decided to release version two on friday"},
      {"S3", "action item for me send the release notes to the team by thursday"},
      {"S1", "okay that is all for today thank you everyone"},
  };
  double at = 0;
  int n = 0;
  for (auto& l : lines) {
    Segment s;
    s.id = "seg-000" + std::to_string(++n);
    s.speaker = l[0];
    s.start = at;
    s.end = at + 4;
    s.text = l[1];
    at += 5;
    t.segments.push_back(s);
  }
  t.speakers = {{"S1", std::nullopt, 16}, {"S2", std::nullopt, 8}, {"S3", "Carol", 8}};
  return t;
}

TEST(ExtractiveGenerator, FindsTheDecisionWithItsSpeaker) {
  auto doc = ExtractiveGenerator().Generate(Standup(), {});
  ASSERT_TRUE(doc.ok());
  ASSERT_EQ(doc->decisions.size(), 1u);
  EXPECT_EQ(doc->decisions[0].text, "Great we decided to release version two on friday.");
  EXPECT_EQ(doc->decisions[0].speaker, "S1");
  EXPECT_EQ(doc->decisions[0].segment, "seg-0006");
}

TEST(ExtractiveGenerator, FindsActionItemsWithOwnersAndDueDates) {
  auto doc = ExtractiveGenerator().Generate(Standup(), {});
  ASSERT_TRUE(doc.ok());
  const ActionItem* notes = nullptr;
  const ActionItem* migration = nullptr;
  for (auto& a : doc->action_items) {
    if (a.text.find("release notes") != std::string::npos) notes = &a;
    if (a.text.find("run it on the staging") != std::string::npos) migration = &a;
  }
  ASSERT_NE(notes, nullptr);
  EXPECT_EQ(notes->owner, "Carol") << "the speaker's display name";
  EXPECT_EQ(notes->due, "by thursday");
  ASSERT_NE(migration, nullptr);
  EXPECT_EQ(migration->owner, "Carol");
  EXPECT_EQ(migration->due, "tomorrow");
  for (auto& a : doc->action_items)
    EXPECT_EQ(a.text.find("decided"), std::string::npos) << "decisions are not actions too";
}

TEST(ExtractiveGenerator, OwnerIsTheNamedPerson) {
  Transcript t = Standup();
  t.segments[4].text = "carol can you update the docs by next week";
  auto doc = ExtractiveGenerator().Generate(t, {});
  ASSERT_TRUE(doc.ok());
  bool found = false;
  for (auto& a : doc->action_items)
    if (a.text.find("update the docs") != std::string::npos) {
      found = true;
      EXPECT_EQ(a.owner, "Carol");
      EXPECT_EQ(a.due, "by next week");
    }
  EXPECT_TRUE(found);
}

TEST(ExtractiveGenerator, SummaryTopicsSpeakersAreDeterministic) {
  auto a = ExtractiveGenerator().Generate(Standup(), {});
  auto b = ExtractiveGenerator().Generate(Standup(), {});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_FALSE(a->summary.empty());
  EXPECT_EQ(a->summary, b->summary);
  EXPECT_EQ(a->topics, b->topics);
  EXPECT_FALSE(a->topics.empty());
  EXPECT_NE(std::find(a->topics.begin(), a->topics.end(), "staging server"), a->topics.end());
  double share = 0;
  for (auto& s : a->speakers) share += s.share;
  EXPECT_NEAR(share, 1.0, 1e-9);
  EXPECT_EQ(a->speakers[2].name, "Carol");
  EXPECT_EQ(a->title, "Meeting on " + a->topics[0] + " and " + a->topics[1]);
}

TEST(ExtractiveGenerator, SummaryIsInTimeOrder) {
  Transcript t = Standup();
  auto doc = ExtractiveGenerator().Generate(t, {});
  ASSERT_TRUE(doc.ok());
  size_t last = 0;
  for (auto& s : doc->summary) {
    size_t at = 0;
    for (size_t i = 0; i < t.segments.size(); ++i)
      if (s.find(t.segments[i].text.substr(1, 20)) != std::string::npos) at = i;
    EXPECT_GE(at, last);
    last = at;
  }
}

TEST(ExtractiveGenerator, PunctuatedAndUnicodeText) {
  Transcript t;
  t.speakers = {{"S1", std::nullopt, 5}};
  Segment s;
  s.id = "seg-0001";
  s.speaker = "S1";
  s.end = 5;
  s.text = "Hello team. We agreed to move the café launch! 我们决定下周发布。";
  t.segments.push_back(s);
  auto doc = ExtractiveGenerator().Generate(t, {});
  ASSERT_TRUE(doc.ok());
  ASSERT_EQ(doc->decisions.size(), 2u);
  EXPECT_EQ(doc->decisions[0].text, "We agreed to move the café launch!");
  EXPECT_EQ(doc->decisions[1].text, "我们决定下周发布。");  // Chinese cues (决定) count too
}

TEST(ExtractiveGenerator, ChineseMeeting) {
  Transcript t;
  t.language = "zh";
  t.speakers = {{"S1", std::string("王芳"), 30}, {"S2", std::string("李雷"), 20}};
  auto add = [&](const char* sp, double start, const char* text) {
    t.segments.push_back(
        {"seg-" + std::to_string(t.segments.size() + 1), sp, start, start + 5, text, {}});
  };
  add("S1", 0, "大家好，今天讨论新版本的发布计划。");
  add("S2", 5, "测试环境已经准备好了，新版本的功能测试还差一点。");
  add("S1", 10, "我们决定下周五发布新版本。");
  add("S2", 15, "好的，我负责功能测试，周三之前完成。");
  add("S1", 20, "请王芳跟进发布说明，发布说明月底前上线。");
  add("S2", 25, "新版本的发布计划就这么定了。");
  auto doc = ExtractiveGenerator().Generate(t, {});
  ASSERT_TRUE(doc.ok());
  ASSERT_EQ(doc->decisions.size(), 2u);
  EXPECT_EQ(doc->decisions[0].text, "我们决定下周五发布新版本。");
  EXPECT_EQ(doc->decisions[0].segment, "seg-3");
  ASSERT_EQ(doc->action_items.size(), 2u);
  EXPECT_EQ(doc->action_items[0].owner, "李雷");  // 我负责: the speaker
  EXPECT_EQ(doc->action_items[0].due, "周三之前");
  EXPECT_EQ(doc->action_items[1].owner, "王芳");  // 请王芳跟进
  EXPECT_EQ(doc->action_items[1].due, "月底前");
  EXPECT_FALSE(doc->summary.empty());
  ASSERT_FALSE(doc->topics.empty());
  EXPECT_NE(std::find(doc->topics.begin(), doc->topics.end(), "发布"), doc->topics.end());
  EXPECT_EQ(doc->title.rfind("关于", 0), 0u) << doc->title;
}

TEST(ExtractiveGenerator, EmptyTranscriptGivesEmptyMinutes) {
  auto doc = ExtractiveGenerator().Generate(Transcript{}, {});
  ASSERT_TRUE(doc.ok());
  EXPECT_TRUE(doc->summary.empty());
  EXPECT_TRUE(doc->decisions.empty());
  EXPECT_EQ(doc->title, "Meeting");
  GenerateOptions o;
  o.title_hint = "Weekly sync";
  EXPECT_EQ(ExtractiveGenerator().Generate(Transcript{}, o)->title, "Weekly sync");
}

}  // namespace
}  // namespace minutes
