#include "scoring/expectations.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "testdata.hpp"

namespace minutes::scoring {
namespace {

namespace fs = std::filesystem;

fs::path MeetingsDir() { return minutes::testing::SourcePath("tests/meetings"); }

TEST(ReadExpectations, ParsesDecisionsAndActions) {
  auto path =
      fs::temp_directory_path() / ("expectations_test_" + std::to_string(getpid()) + ".txt");
  std::ofstream(path) << "# A meeting.\n"
                         "# expect-decision: Release version two\n"
                         "#expect-action: Carol | release notes\n"
                         "alice(slt): We decided to release version two.\n";
  std::string error = "unset";
  auto e = ReadExpectations(path.string(), &error);
  fs::remove(path);
  EXPECT_EQ(error, "");
  ASSERT_EQ(e.decisions.size(), 1u);
  EXPECT_EQ(e.decisions[0].owner, "");
  EXPECT_EQ(e.decisions[0].words, (std::vector<std::string>{"release", "version", "two"}));
  ASSERT_EQ(e.actions.size(), 1u);
  EXPECT_EQ(e.actions[0].owner, "carol");
  EXPECT_EQ(e.actions[0].words, (std::vector<std::string>{"release", "notes"}));
}

TEST(ReadExpectations, RejectsActionWithoutOwner) {
  auto path = fs::temp_directory_path() / ("expectations_bad_" + std::to_string(getpid()) + ".txt");
  std::ofstream(path) << "# expect-action: release notes\n";
  std::string error;
  auto e = ReadExpectations(path.string(), &error);
  fs::remove(path);
  EXPECT_TRUE(e.actions.empty());
  EXPECT_NE(error.find(":1:"), std::string::npos);
}

TEST(ContainsKeyWords, NeedsEveryWord) {
  EXPECT_TRUE(ContainsKeyWords("Send the Release Notes by Thursday.", {"release", "notes"}));
  EXPECT_FALSE(ContainsKeyWords("send the notes", {"release", "notes"}));
  EXPECT_TRUE(ContainsKeyWords("anything", {}));
}

// The meeting scripts in tests/meetings: every expectation parses, names a speaker of the
// script as owner, and its key words occur in one utterance of the script.
TEST(MeetingScripts, ExpectationsMatchTheirScripts) {
  ASSERT_TRUE(fs::is_directory(MeetingsDir())) << MeetingsDir();
  int scripts = 0;
  for (const auto& entry : fs::directory_iterator(MeetingsDir())) {
    if (entry.path().extension() != ".txt") continue;
    ++scripts;
    SCOPED_TRACE(entry.path().string());
    std::string error;
    auto e = ReadExpectations(entry.path().string(), &error);
    ASSERT_EQ(error, "");
    EXPECT_FALSE(e.decisions.empty());
    EXPECT_FALSE(e.actions.empty());
    std::vector<std::string> speakers, utterances;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] == '#') continue;
      size_t paren = line.find('('), colon = line.find("):");
      ASSERT_TRUE(paren != std::string::npos && colon != std::string::npos) << line;
      speakers.push_back(line.substr(0, paren));
      utterances.push_back(line.substr(colon + 2));
    }
    auto said = [&](const ExpectedItem& item) {
      return std::any_of(utterances.begin(), utterances.end(),
                         [&](const std::string& u) { return ContainsKeyWords(u, item.words); });
    };
    for (const auto& d : e.decisions) EXPECT_TRUE(said(d)) << d.words[0];
    for (const auto& a : e.actions) {
      EXPECT_TRUE(said(a)) << a.words[0];
      EXPECT_NE(std::find(speakers.begin(), speakers.end(), a.owner), speakers.end()) << a.owner;
    }
  }
  EXPECT_GE(scripts, 5);
}

}  // namespace
}  // namespace minutes::scoring
