#include "minutes/template_set.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace minutes {
namespace {

namespace fs = std::filesystem;

MinutesDoc Doc() {
  MinutesDoc d;
  d.title = "Weekly standup";
  d.summary = {"We release on Friday.", "Staging is ready."};
  d.decisions = {{"Release version two on Friday.", "S1", "seg-0006"}};
  d.action_items = {{"Send the release notes.", "Carol", "by thursday", "seg-0007"},
                    {"Test staging | smoke.", "Bob", "", "seg-0005"}};
  d.topics = {"staging server", "release notes"};
  d.speakers = {{"S1", "Alice", 20, 0.5}, {"S2", "Bob", 10, 0.25}, {"S3", "Carol", 10, 0.25}};
  return d;
}

RenderContext Ctx() { return {"2026-11-22", 3725, "standup.m4a"}; }

TEST(TemplateSet, BuiltinsRenderTheirSections) {
  auto set = TemplateSet::Builtin();
  EXPECT_EQ(set.Names(), (std::vector<std::string>{"action-items", "brief", "default", "zh"}));
  auto md = set.Render("default", Doc(), Ctx());
  ASSERT_TRUE(md.ok()) << md.status().message();
  for (auto* want : {"# Weekly standup", "01:02:05", "## Summary", "- We release on Friday.",
                     "## Decisions", "Release version two on Friday. — _Alice_",
                     "- [ ] **Carol**: Send the release notes. (due: by thursday)",
                     "| Alice | 00:00:20 | 50% |", "staging server, release notes"})
    EXPECT_NE(md->find(want), std::string::npos) << want << "\n" << *md;
  auto table = set.Render("action-items", Doc(), Ctx());
  ASSERT_TRUE(table.ok());
  EXPECT_NE(table->find("| Carol | Send the release notes. | by thursday |"), std::string::npos)
      << *table;
  EXPECT_NE(table->find("Test staging \\| smoke."), std::string::npos) << "pipes escaped";
  auto brief = set.Render("brief", Doc(), Ctx());
  ASSERT_TRUE(brief.ok());
  EXPECT_NE(brief->find("**To do:**"), std::string::npos);
  auto zh = set.Render("zh", Doc(), Ctx());
  ASSERT_TRUE(zh.ok()) << zh.status().message();
  for (auto* want : {"## 会议摘要", "## 决定事项", "## 待办事项",
                     "- [ ] **Carol**：Send the release notes.（截止：by thursday）"})
    EXPECT_NE(zh->find(want), std::string::npos) << want << "\n" << *zh;
}

TEST(TemplateSet, EmptyMinutesSayNothingWasRecorded) {
  auto md = TemplateSet::Builtin().Render("default", MinutesDoc{}, Ctx());
  ASSERT_TRUE(md.ok());
  EXPECT_NE(md->find("No decisions were recorded"), std::string::npos);
  EXPECT_NE(md->find("No action items were recorded"), std::string::npos);
}

// A model's decision whose speaker was left out as wrong (issue 18's repairs) reads as the
// decision alone, not "— __".
TEST(TemplateSet, ADecisionWithoutASpeakerHasNoEmptyAttribution) {
  MinutesDoc doc = Doc();
  doc.decisions.push_back({"Ship the beta.", "", ""});
  for (const char* name : {"default", "zh"}) {
    auto md = TemplateSet::Builtin().Render(name, doc, Ctx());
    ASSERT_TRUE(md.ok()) << md.status().message();
    EXPECT_NE(md->find("- Ship the beta.\n"), std::string::npos) << name << "\n" << *md;
    EXPECT_EQ(md->find("— __"), std::string::npos) << name << "\n" << *md;
    EXPECT_NE(md->find("Release version two on Friday. — _Alice_"), std::string::npos) << name;
  }
}

TEST(TemplateSet, UnknownTemplateListsAvailable) {
  auto md = TemplateSet::Builtin().Render("weekly", Doc(), Ctx());
  ASSERT_FALSE(md.ok());
  EXPECT_EQ(md.status().kind(), ErrorKind::kNotFound);
  EXPECT_NE(md.status().message().find("action-items, brief, default"), std::string::npos);
}

TEST(TemplateSet, BadTemplateNamesLineAndReason) {
  Status s = TemplateSet::Validate("weekly", "# {{title}}\n\n{{#decisions}}\n- {{text}}\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "template 'weekly' line 3: unclosed section \"decisions\"");
  Status t = TemplateSet::Validate("x", "line one\nline {{two\n");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.message().find("line 2: unclosed tag"), std::string::npos) << t.message();
}

TEST(TemplateSet, DirectoryOverridesAndAddsAndRejectsBadFiles) {
  fs::path dir = fs::temp_directory_path() / ("minutes-tpl-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "default.md.mustache") << "custom {{title}}\n";
  std::ofstream(dir / "weekly.md.mustache") << "weekly {{#topics}}[{{.}}]{{/topics}}\n";
  std::ofstream(dir / "notes.txt") << "ignored {{#";
  auto set = TemplateSet::LoadDirectory(dir);
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(*set->Render("default", Doc(), Ctx()), "custom Weekly standup\n");
  EXPECT_EQ(*set->Render("weekly", Doc(), Ctx()), "weekly [staging server][release notes]\n");
  EXPECT_TRUE(set->Has("brief"));
  std::ofstream(dir / "broken.md.mustache") << "ok\n{{/nothing}}\n";
  auto bad = TemplateSet::LoadDirectory(dir);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("template 'broken' line 2: unopened section"),
            std::string::npos)
      << bad.status().message();
  fs::remove_all(dir);
  EXPECT_FALSE(TemplateSet::LoadDirectory(dir).ok());
}

TEST(EscapeMarkdown, EscapesSpecials) {
  EXPECT_EQ(EscapeMarkdown("a*b_c|d"), "a\\*b\\_c\\|d");
  EXPECT_EQ(EscapeMarkdown("你好"), "你好");
}

}  // namespace
}  // namespace minutes

TEST(TemplatePrompt, IsTheLeadingPromptComment) {
  EXPECT_EQ(
      minutes::TemplatePrompt("{{! prompt: Focus on risks,\n   and who owns them. }}\n# {{title}}"),
      "Focus on risks, and who owns them.");
  EXPECT_EQ(minutes::TemplatePrompt("{{! just a note }}\n# {{title}}"), "");
  EXPECT_EQ(minutes::TemplatePrompt("# {{title}}"), "");
  // Rendering ignores it.
  auto set = minutes::TemplateSet::Builtin();
  ASSERT_TRUE(set.Add("p", "{{! prompt: be brief }}# {{title}}").ok());
  minutes::MinutesDoc doc;
  doc.title = "T";
  auto out = set.Render("p", doc, {});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->find("be brief"), std::string::npos);
  EXPECT_NE(out->find("# T"), std::string::npos);
}
