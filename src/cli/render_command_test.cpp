#include "cli/render_command.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli/outputs.hpp"

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

// `minutes render`/`run` check the chosen templates directory before any work: the review's
// nesting bomb is refused with its line and the limit, and nothing is rendered.
TEST(RenderTemplates, NestingBombInTemplatesDirIsRefused) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("minutes-cli-bomb-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::string open, close;
  for (int i = 0; i < 21; ++i) {
    open += "{{#speakers}}";
    close += "{{/speakers}}";
  }
  std::ofstream(dir / "bomb.md.mustache") << "# {{title}}\n" << open << "{{name}}\n" << close;
  MinutesOptions o;
  o.template_name = "bomb";
  o.templates_dir = dir.string();
  Status s = CheckTemplate(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.kind(), ErrorKind::kBadInput);
  EXPECT_NE(s.message().find("template 'bomb' line 2: sections nested 21 deep; the limit is 8"),
            std::string::npos)
      << s.message();
  Transcript t = Two();
  auto out = BuildOutputs(t, o, "meeting");
  EXPECT_FALSE(out.ok());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace minutes
