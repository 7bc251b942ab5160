// Repeatable runs, and naming speakers with `minutes render` so every output uses the names.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "run_command.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;
using minutes::testing::MinutesBinary;
using minutes::testing::RunCommand;
using minutes::testing::ShellQuote;
using minutes::testing::TestData;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), {}};
}

class RunTwice : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = fs::temp_directory_path() / ("minutes-render-" + std::to_string(getpid()));
    fs::remove_all(root_);
    for (const char* out : {"a", "b"}) {
      auto r = RunCommand(MinutesBinary() + " run " +
                          ShellQuote(TestData("formats/standup.mp4").string()) +
                          " -q --threads 2 --out " + ShellQuote((root_ / out).string()));
      ASSERT_EQ(r.exit_code, 0) << r.output;
    }
  }
  static void TearDownTestSuite() { fs::remove_all(root_); }
  static fs::path root_;
};
fs::path RunTwice::root_;

TEST_F(RunTwice, TheSameInputGivesTheSameTranscriptAndMinutes) {
  EXPECT_EQ(Slurp(root_ / "a" / "transcript.json"), Slurp(root_ / "b" / "transcript.json"));
  EXPECT_EQ(Slurp(root_ / "a" / "minutes.json"), Slurp(root_ / "b" / "minutes.json"));
}

TEST_F(RunTwice, RenderNamesSpeakersInEveryOutput) {
  fs::path dir = root_ / "b";
  auto r = RunCommand(MinutesBinary() + " render " + ShellQuote(dir.string()) +
                      " --name S1=Alice --name 'S3=Smith, Carol' --template action-items");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(Slurp(dir / "transcript.txt").find("] Alice: "), std::string::npos);
  EXPECT_EQ(Slurp(dir / "transcript.txt").find("] S1: "), std::string::npos);
  EXPECT_NE(Slurp(dir / "transcript.srt").find("Smith, Carol: "), std::string::npos);
  EXPECT_NE(Slurp(dir / "transcript.vtt").find("<v Alice>"), std::string::npos);
  EXPECT_NE(Slurp(dir / "transcript.json").find("\"name\": \"Alice\""), std::string::npos);
  std::string md = Slurp(dir / "minutes.md");
  EXPECT_NE(md.find("# Action items:"), std::string::npos) << "the chosen template";
  EXPECT_NE(md.find("| Smith, Carol |"), std::string::npos) << "owners use the names:\n" << md;
  EXPECT_NE(Slurp(dir / "minutes.json").find("\"owner\": \"Smith, Carol\""), std::string::npos);
  EXPECT_NE(Slurp(dir / "transcript.rttm").find("SPEAKER standup 1"), std::string::npos)
      << "the recording's name survives a re-render";
}

TEST_F(RunTwice, RenderWithAnUnknownSpeakerChangesNothing) {
  fs::path dir = root_ / "a";
  std::string before = Slurp(dir / "transcript.txt");
  auto r = RunCommand(MinutesBinary() + " render " + ShellQuote(dir.string()) +
                      " --name S1=Alice --name S9=Zed");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("no speaker 'S9'"), std::string::npos) << r.output;
  EXPECT_EQ(Slurp(dir / "transcript.txt"), before);
}

TEST(Render, MissingOrBrokenTranscriptIsBadInput) {
  fs::path dir = fs::temp_directory_path() / ("minutes-render-bad-" + std::to_string(getpid()));
  fs::create_directories(dir);
  auto missing = RunCommand(MinutesBinary() + " render " + ShellQuote(dir.string()));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("transcript.json: no such file"), std::string::npos);
  std::ofstream(dir / "transcript.json") << "{\"duration\": \"long\"}";
  auto broken = RunCommand(MinutesBinary() + " render " + ShellQuote(dir.string()));
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_NE(broken.output.find("duration"), std::string::npos) << broken.output;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace minutes
