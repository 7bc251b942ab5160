#include "scoring/wer.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace minutes::scoring {
namespace {

std::vector<std::string> W(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == ' ') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

TEST(ComputeWer, IdenticalIsZero) {
  auto r = ComputeWer(W("the cat sat on the mat"), W("the cat sat on the mat"));
  EXPECT_EQ(r.hits, 6);
  EXPECT_EQ(r.errors(), 0);
  EXPECT_EQ(r.ref_words, 6);
  EXPECT_DOUBLE_EQ(r.wer, 0.0);
}

TEST(ComputeWer, SubstitutionAndDeletion) {
  auto r = ComputeWer(W("the cat sat on the mat"), W("the cat sit on mat"));
  EXPECT_EQ(r.substitutions, 1);
  EXPECT_EQ(r.deletions, 1);
  EXPECT_EQ(r.insertions, 0);
  EXPECT_EQ(r.hits, 4);
  EXPECT_DOUBLE_EQ(r.wer, 2.0 / 6.0);
}

TEST(ComputeWer, Insertions) {
  auto r = ComputeWer(W("hello world"), W("oh hello big world today"));
  EXPECT_EQ(r.substitutions, 0);
  EXPECT_EQ(r.deletions, 0);
  EXPECT_EQ(r.insertions, 3);
  EXPECT_DOUBLE_EQ(r.wer, 1.5);
}

TEST(ComputeWer, EmptyHypothesisIsAllDeletions) {
  auto r = ComputeWer(W("one two three"), {});
  EXPECT_EQ(r.deletions, 3);
  EXPECT_DOUBLE_EQ(r.wer, 1.0);
}

TEST(ComputeWer, EmptyReference) {
  EXPECT_DOUBLE_EQ(ComputeWer({}, {}).wer, 0.0);
  auto r = ComputeWer({}, W("a b"));
  EXPECT_EQ(r.insertions, 2);
  EXPECT_EQ(r.ref_words, 0);
  EXPECT_DOUBLE_EQ(r.wer, 1.0);
}

TEST(ComputeWer, AllSubstituted) {
  auto r = ComputeWer(W("a b c"), W("x y z"));
  EXPECT_EQ(r.substitutions, 3);
  EXPECT_EQ(r.deletions + r.insertions, 0);
}

TEST(ComputeWer, PrefersDeletionPlusInsertionOverTwoSubstitutions) {
  // Both alignments have two errors; sclite's costs (sub 4, ins 3, del 3) keep the match.
  auto r = ComputeWer(W("a b"), W("b c"));
  EXPECT_EQ(r.hits, 1);
  EXPECT_EQ(r.substitutions, 0);
  EXPECT_EQ(r.deletions, 1);
  EXPECT_EQ(r.insertions, 1);
}

TEST(ComputeWer, FollowsSclitesCostsRatherThanFewestErrors) {
  // Plain Levenshtein finds 4 errors (3 substitutions, 1 deletion); with sclite's costs that
  // alignment ties (15) with 3 deletions + 2 insertions, which sclite 2.10 reports.
  auto r = ComputeWer(W("d c b b a"), W("b a d b"));
  EXPECT_EQ(r.hits, 2);
  EXPECT_EQ(r.substitutions, 0);
  EXPECT_EQ(r.deletions, 3);
  EXPECT_EQ(r.insertions, 2);
  EXPECT_DOUBLE_EQ(r.wer, 1.0);
}

TEST(ComputeWer, LongInputIsFast) {
  std::vector<std::string> ref, hyp;
  for (int i = 0; i < 6000; ++i) {
    ref.push_back("w" + std::to_string(i % 97));
    if (i % 10 != 3) hyp.push_back(i % 17 == 0 ? "x" : ref.back());
  }
  auto r = ComputeWer(ref, hyp);
  EXPECT_EQ(r.ref_words, 6000);
  EXPECT_EQ(r.deletions, 600);
  EXPECT_GT(r.substitutions, 0);
  EXPECT_NEAR(r.wer, r.errors() / 6000.0, 1e-12);
}

TEST(ComputeTextWer, NormalizesCaseAndPunctuation) {
  auto r =
      ComputeTextWer("Good morning, everyone! Let's start.", "good morning everyone lets start");
  EXPECT_EQ(r.ref_words, 5);
  EXPECT_EQ(r.substitutions, 1);  // let's / lets
  EXPECT_EQ(r.errors(), 1);
}

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "wer_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    auto path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::filesystem::path dir_;
};

using ReadStmWordsTest = TempDir;

TEST_F(ReadStmWordsTest, ConcatenatesNormalizedTranscripts) {
  auto path = Write("ref.stm",
                    ";; comment line\n"
                    "standup 1 alice 0.421 3.951 good morning everyone\n"
                    "\n"
                    "standup 1 bob 5.0 10.2 <o,f0,male> Yesterday I FINISHED, the page.\n"
                    "standup 1 excluded_region 10.2 11.0 IGNORE_TIME_SEGMENT_IN_SCORING\n"
                    "standup 1 alice 11.1 15.3 it's done\n");
  std::string error = "unset";
  auto words = ReadStmWords(path, &error);
  EXPECT_EQ(error, "");
  EXPECT_EQ(words, W("good morning everyone yesterday i finished the page it's done"));
}

TEST_F(ReadStmWordsTest, ReportsErrors) {
  std::string error;
  EXPECT_TRUE(ReadStmWords((dir_ / "missing.stm").string(), &error).empty());
  EXPECT_NE(error.find("cannot open"), std::string::npos);
  auto bad = Write("bad.stm", "standup 1 alice\n");
  EXPECT_TRUE(ReadStmWords(bad, &error).empty());
  EXPECT_NE(error.find(":1:"), std::string::npos);
}

}  // namespace
}  // namespace minutes::scoring
