#include "export/output_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace minutes {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void Spit(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

std::set<std::string> Names(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

class WriteOutputFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "export_test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(WriteOutputFilesTest, CreatesTheDirectoryAndLeavesNoStaging) {
  fs::path out = root_ / "out";
  ASSERT_TRUE(WriteOutputFiles(out, {{"a.txt", "你好 🎉\n"}, {"b.json", "{}"}, {"empty", ""}}).ok());
  EXPECT_EQ(Names(root_), std::set<std::string>{"out"});
  EXPECT_EQ(Names(out), (std::set<std::string>{"a.txt", "b.json", "empty"}));
  EXPECT_EQ(Slurp(out / "a.txt"), "你好 🎉\n");
  EXPECT_EQ(Slurp(out / "empty"), "");
}

TEST_F(WriteOutputFilesTest, ReplacesSameNamesAndKeepsOtherFiles) {
  fs::path out = root_ / "out";
  fs::create_directory(out);
  Spit(out / "a.txt", "old");
  Spit(out / "keep.md", "mine");
  ASSERT_TRUE(WriteOutputFiles(out.string() + "/", {{"a.txt", "new"}}).ok());
  EXPECT_EQ(Slurp(out / "a.txt"), "new");
  EXPECT_EQ(Slurp(out / "keep.md"), "mine");
  EXPECT_EQ(Names(root_), std::set<std::string>{"out"});
}

TEST_F(WriteOutputFilesTest, TargetThatIsAFileFailsAndLeavesNothing) {
  fs::path out = root_ / "out";
  Spit(out, "not a directory");
  Status s = WriteOutputFiles(out, {{"a.txt", "x"}, {"b.txt", "y"}});
  EXPECT_EQ(s.kind(), ErrorKind::kIo);
  EXPECT_THAT(s.message(), HasSubstr(out.string()));
  EXPECT_THAT(s.message(), HasSubstr("Not a directory"));
  EXPECT_EQ(Names(root_), std::set<std::string>{"out"});
  EXPECT_EQ(Slurp(out), "not a directory");
}

TEST_F(WriteOutputFilesTest, FailedRenameRollsBackEarlierFiles) {
  fs::path out = root_ / "out";
  fs::create_directories(out / "b.txt");  // a directory where the second file should go
  Spit(out / "a.txt", "old a");
  Spit(out / "keep.md", "mine");
  Status s = WriteOutputFiles(out, {{"a.txt", "new a"}, {"b.txt", "new b"}, {"c.txt", "new c"}});
  EXPECT_EQ(s.kind(), ErrorKind::kIo);
  EXPECT_THAT(s.message(), HasSubstr((out / "b.txt").string()));
  EXPECT_EQ(Slurp(out / "a.txt"), "old a");
  EXPECT_EQ(Names(out), (std::set<std::string>{"a.txt", "b.txt", "keep.md"}));
  EXPECT_TRUE(fs::is_directory(out / "b.txt"));
  EXPECT_EQ(Names(root_), std::set<std::string>{"out"});
}

TEST_F(WriteOutputFilesTest, MissingParentsAreCreatedLikeMkdirP) {
  Status s = WriteOutputFiles(root_ / "missing" / "deeper" / "out", {{"a.txt", "x"}});
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(Slurp(root_ / "missing" / "deeper" / "out" / "a.txt"), "x");
  EXPECT_EQ(Names(root_ / "missing" / "deeper"), std::set<std::string>{"out"});
}

TEST_F(WriteOutputFilesTest, ParentThatIsAFileFailsAndLeavesNothing) {
  std::ofstream(root_ / "file") << "x";
  Status s = WriteOutputFiles(root_ / "file" / "out", {{"a.txt", "x"}});
  EXPECT_EQ(s.kind(), ErrorKind::kIo);
  EXPECT_THAT(s.message(), HasSubstr((root_ / "file").string()));
  EXPECT_EQ(Names(root_), std::set<std::string>{"file"});
}

TEST_F(WriteOutputFilesTest, RejectsNamesThatAreNotPlainFileNames) {
  fs::path out = root_ / "out";
  for (const char* bad : {"", ".", "..", "../escape", "sub/file"}) {
    Status s = WriteOutputFiles(out, {{"ok.txt", "x"}, {bad, "y"}});
    EXPECT_EQ(s.kind(), ErrorKind::kBadInput) << bad;
  }
  EXPECT_EQ(WriteOutputFiles(out, {{"a", "1"}, {"a", "2"}}).kind(), ErrorKind::kBadInput);
  EXPECT_TRUE(Names(root_).empty());
}

}  // namespace
}  // namespace minutes
