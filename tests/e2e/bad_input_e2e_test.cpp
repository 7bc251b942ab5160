// `minutes run` on bad input: a clear error naming the file and reason, exit 2, nothing written.
#include <gtest/gtest.h>

#include <filesystem>

#include "run_command.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;
using minutes::testing::RunCommand;
using minutes::testing::ShellQuote;
using minutes::testing::TestData;

struct BadCase {
  const char* file;
  const char* reason;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.file; }

class BadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadInput, ExitsTwoNamingFileAndReasonAndWritesNothing) {
  fs::path in = TestData(std::string("formats/") + GetParam().file);
  fs::path out = fs::temp_directory_path() /
                 ("minutes-bad-" + std::to_string(getpid()) + "-" + GetParam().file);
  fs::remove_all(out);
  auto r = RunCommand(minutes::testing::MinutesBinary() + " run " + ShellQuote(in.string()) +
                      " --out " + ShellQuote(out.string()));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(in.string()), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(GetParam().reason), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out)) << "nothing may be written on bad input";
  // No temporary siblings left behind either.
  for (auto& e : fs::directory_iterator(out.parent_path()))
    EXPECT_EQ(e.path().filename().string().find(out.filename().string() + ".tmp"),
              std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Files, BadInput,
                         ::testing::Values(BadCase{"empty.wav", "empty"},
                                           BadCase{"truncated.wav", "truncated"},
                                           BadCase{"truncated.m4a", "not a recognised"},
                                           BadCase{"corrupt.mp3", "corrupt"},
                                           BadCase{"notmedia.txt.wav", "not a recognised"},
                                           BadCase{"video-only.mp4", "no audio track"},
                                           BadCase{"does-not-exist.wav", "no such file"}),
                         [](const auto& info) {
                           std::string n = info.param.file;
                           for (auto& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

TEST(BadInput, UnknownTemplateFailsBeforeTranscribing) {
  auto r = RunCommand(minutes::testing::MinutesBinary() + " run " +
                      ShellQuote(TestData("standup/meeting.wav").string()) +
                      " --template nope --out /tmp/minutes-never");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("unknown template 'nope'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("action-items"), std::string::npos) << "lists what is available";
  EXPECT_FALSE(fs::exists("/tmp/minutes-never"));
}

TEST(BadInput, UsageErrorsExitTwo) {
  EXPECT_EQ(RunCommand(minutes::testing::MinutesBinary() + " run").exit_code, 2);
  EXPECT_EQ(RunCommand(minutes::testing::MinutesBinary() + " run x.wav --speakers -3").exit_code,
            2);
  EXPECT_EQ(RunCommand(minutes::testing::MinutesBinary() + " frobnicate").exit_code, 2);
}

}  // namespace
}  // namespace minutes
