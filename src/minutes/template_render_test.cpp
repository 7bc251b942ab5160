#include "minutes/template_render.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "minutes/template_set.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace minutes {
namespace {

MinutesDoc Doc(int people = 2) {
  MinutesDoc d;
  d.title = "Weekly standup";
  d.summary = {"We release on Friday.", "Staging is ready."};
  d.decisions = {{"Release on Friday.", "S1", "seg-0006"}};
  d.action_items = {{"Send the notes.", "Carol", "by thursday", "seg-0007"}};
  d.topics = {"staging", "release"};
  for (int i = 1; i <= people; ++i)
    d.speakers.push_back({"S" + std::to_string(i), "Person " + std::to_string(i), 10, 0.5});
  return d;
}

RenderContext Ctx() { return {"2026-11-22", 3725, "standup.m4a"}; }

// The review's template: 21 sections inside each other, each over the speakers, so the output
// doubles per level with two speakers (120 MB).
std::string Bomb(int levels) {
  std::string open, close;
  for (int i = 0; i < levels; ++i) {
    open += "{{#speakers}}";
    close += "{{/speakers}}";
  }
  return open + "{{name}} says hello and hello and hello\n" + close;
}

double Millis(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since)
      .count();
}

TEST(TemplateLimits, DepthBombIsRefusedAtSaveWithTheLineAndTheLimit) {
  Status s = TemplateSet::Validate("bomb", "# {{title}}\n" + Bomb(21));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.kind(), ErrorKind::kBadInput);
  EXPECT_EQ(s.message(), "template 'bomb' line 2: sections nested 21 deep; the limit is 8");
  EXPECT_TRUE(TemplateSet::Validate("ok", Bomb(8)).ok());
  TemplateLimits tight;
  tight.max_depth = 2;
  EXPECT_FALSE(TemplateSet::Validate("three", Bomb(3), tight).ok());
}

TEST(TemplateLimits, DeepNestingIsRefusedWithoutRecursing) {
  // 100,000 levels would overflow a handler's stack in kainjow's recursive parser.
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "{{#a}}";
  const TemplateLimits roomy{4 << 20, 8, 1 << 20, 1000};
  Status s = TemplateSet::Validate("deep", deep, roomy);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("unclosed section"), std::string::npos) << s.message();
  for (int i = 0; i < 100000; ++i) deep += "{{/a}}";
  s = TemplateSet::Validate("deep", deep, roomy);
  EXPECT_NE(s.message().find("sections nested 100000 deep"), std::string::npos) << s.message();
}

TEST(TemplateLimits, StoredBombIsRefusedAtRenderWithoutWork) {
  TemplateSet set = TemplateSet::Builtin();
  set.AddStored("bomb", Bomb(21));  // saved before the caps existed
  auto start = std::chrono::steady_clock::now();
  auto md = set.Render("bomb", Doc(), Ctx());
  ASSERT_FALSE(md.ok());
  EXPECT_EQ(md.status().kind(), ErrorKind::kFailedPrecondition);
  EXPECT_NE(md.status().message().find("sections nested 21 deep"), std::string::npos)
      << md.status().message();
  EXPECT_LT(Millis(start), 100);
}

TEST(TemplateLimits, OutputPastTheCapIsRefusedBeforeRendering) {
  // Within the depth limit, but 12 speakers to the 6th power is about 3 million lines.
  TemplateSet set = TemplateSet::Builtin();
  ASSERT_TRUE(set.Add("wide", Bomb(6)).ok());
  auto start = std::chrono::steady_clock::now();
  auto md = set.Render("wide", Doc(12), Ctx());
  ASSERT_FALSE(md.ok());
  EXPECT_EQ(md.status().kind(), ErrorKind::kFailedPrecondition);
  EXPECT_NE(md.status().message().find("could render up to"), std::string::npos)
      << md.status().message();
  EXPECT_NE(md.status().message().find("the limit is 1024 KB"), std::string::npos);
  EXPECT_LT(Millis(start), 100);
  // The same template over minutes that fit renders in full.
  auto small = set.Render("wide", Doc(2), Ctx());
  ASSERT_TRUE(small.ok()) << small.status().message();
  EXPECT_EQ(std::count(small->begin(), small->end(), '\n'), 64);
}

TEST(TemplateLimits, OutputCapIsConfigurable) {
  TemplateLimits limits;
  limits.max_output_bytes = 16 * 1024;
  std::string t = "{{#summary}}{{#speakers}}{{name}}: {{.}}\n{{/speakers}}{{/summary}}";
  MinutesDoc doc = Doc(40);
  doc.summary.assign(40, std::string(20, 'x'));
  auto md = RenderTemplate("t", t, doc, Ctx(), limits);
  ASSERT_FALSE(md.ok());
  EXPECT_EQ(md.status().kind(), ErrorKind::kFailedPrecondition);
  EXPECT_NE(md.status().message().find("the limit is 16 KB"), std::string::npos);
  limits.max_output_bytes = 1024 * 1024;
  EXPECT_TRUE(RenderTemplate("t", t, doc, Ctx(), limits).ok());
}

TEST(TemplateLimits, RenderStopsAtTheDeadline) {
  // Little output, much work: three loops over 150 action items are 3.4 million iterations.
  MinutesDoc doc = Doc();
  doc.action_items.assign(150, {"x", "Bob", "", "seg"});
  std::string t =
      "{{#action_items}}{{#action_items}}{{#action_items}}{{due}}{{/action_items}}"
      "{{/action_items}}{{/action_items}}done\n";
  TemplateLimits limits;
  limits.max_render_ms = 20;
  auto start = std::chrono::steady_clock::now();
  RenderReport report;
  auto md = RenderTemplate("slow", t, doc, Ctx(), limits, &report);
  ASSERT_FALSE(md.ok());
  EXPECT_EQ(md.status().kind(), ErrorKind::kFailedPrecondition);
  EXPECT_EQ(md.status().message(),
            "template 'slow' took longer than 20 ms to render; the rendering was stopped");
  EXPECT_LT(Millis(start), 500);
}

TEST(TemplateLimits, TooLargeTemplateIsRefused) {
  TemplateLimits limits;
  limits.max_source_bytes = 100;
  Status s = TemplateSet::Validate("big", std::string(101, 'x'), limits);
  EXPECT_EQ(s.kind(), ErrorKind::kTooLarge);
  EXPECT_EQ(s.message(), "template 'big' is 101 bytes; the limit is 100");
}

TEST(TemplateLimits, UnknownNamesAndPartialsAreRefusedAtSave) {
  Status s = TemplateSet::Validate("typo", "# {{title}}\n\n{{#decisions}}{{txt}}{{/decisions}}");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("template 'typo' line 3: unknown name 'txt' (names: ", 0), 0)
      << s.message();
  EXPECT_TRUE(TemplateSet::Validate("dots", "{{#speakers}}{{.}}{{name}}{{/speakers}}").ok());
  Status p = TemplateSet::Validate("inc", "a\n{{>title}}");
  EXPECT_EQ(p.message(), "template 'inc' line 2: partials ({{>title}}) are not supported");
}

TEST(TemplateLimits, PartialsNeverRenderData) {
  // A partial would render a meeting title as a template, and a title naming itself recursed
  // without end.
  MinutesDoc doc = Doc();
  doc.title = "{{>title}}";
  auto md = RenderTemplate("p", "[{{>title}}]", doc, Ctx(), {});
  ASSERT_FALSE(md.ok());  // refused before rendering, like at save
  EXPECT_EQ(md.status().kind(), ErrorKind::kFailedPrecondition);
}

TEST(TemplateLimits, SetDelimitersAndTripleBracesStillWork) {
  auto md = RenderTemplate(
      "d", "{{=<% %>=}}<%title%> <%#topics%>[<%.%>]<%/topics%>\n<%={{ }}=%>{{{title}}}", Doc(),
      Ctx(), {});
  ASSERT_TRUE(md.ok()) << md.status().message();
  EXPECT_EQ(*md, "Weekly standup [staging][release]\nWeekly standup");
}

TEST(TemplateLimits, BuiltinsStayWellInsideTheirBound) {
  for (auto& name : TemplateSet::Builtin().Names()) {
    RenderReport report;
    auto md =
        RenderTemplate(name, *TemplateSet::Builtin().Source(name), Doc(5), Ctx(), {}, &report);
    ASSERT_TRUE(md.ok()) << name << ": " << md.status().message();
    EXPECT_LE(static_cast<double>(report.raw_bytes), report.output_bound) << name;
    EXPECT_LT(report.output_bound, 4 * static_cast<double>(report.raw_bytes)) << name;
  }
}

// Every input the fuzz target was seeded with or found trouble with runs here too, under the
// test suite's compilers and sanitizers.
TEST(TemplateFuzzCorpus, EverySavedInputPasses) {
  namespace fs = std::filesystem;
  int n = 0;
  for (auto& e :
       fs::directory_iterator(fs::path(MINUTES_SOURCE_DIR) / "tests/fuzz/template_fuzz")) {
    std::ifstream in(e.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    ++n;
  }
  EXPECT_GE(n, 10);
}

}  // namespace
}  // namespace minutes
