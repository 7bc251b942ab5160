#include "cli/progress.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace minutes {
namespace {

std::string Capture(bool tty, void (*fn)(ProgressReporter&)) {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* f = open_memstream(&buf, &len);
  ProgressReporter p(f, tty, {{"decode", 1}, {"transcribe", 8}, {"diarize", 1}});
  fn(p);
  p.Finish();
  std::fclose(f);
  std::string s(buf, len);
  free(buf);
  return s;
}

TEST(ProgressReporter, PlainLinesWhenNotATerminal) {
  auto s = Capture(false, [](ProgressReporter& p) {
    p.Update("decode", 1);
    p.Update("transcribe", 0.5);
    p.Update("transcribe", 0.51);  // same decile: no new line
    p.Update("diarize", 1);
  });
  EXPECT_EQ(s.find('\r'), std::string::npos);
  EXPECT_EQ(s.find("\033["), std::string::npos);
  EXPECT_NE(s.find("transcribe  50%  overall  50%"), std::string::npos) << s;
  EXPECT_NE(s.find("diarize    100%  overall 100%"), std::string::npos) << s;
  EXPECT_EQ(std::count(s.begin(), s.end(), '\n'), 3);
}

TEST(ProgressReporter, RedrawnBarWithEtaOnATerminal) {
  auto s = Capture(true, [](ProgressReporter& p) {
    p.Update("decode", 1);
    p.Update("transcribe", 1);
  });
  EXPECT_NE(s.find('\r'), std::string::npos);
  EXPECT_NE(s.find("ETA"), std::string::npos);
  EXPECT_NE(s.find("elapsed"), std::string::npos);
  EXPECT_NE(s.find(" 90%"), std::string::npos) << s;
}

TEST(ProgressReporter, OverallNeverGoesBackwards) {
  std::FILE* f = std::fopen("/dev/null", "w");
  ProgressReporter p(f, false, {{"a", 1}, {"b", 1}});
  p.Update("b", 0.5);
  p.Update("a", 0.1);
  EXPECT_DOUBLE_EQ(p.Overall(), 0.75);
  std::fclose(f);
}

TEST(FormatDuration, MinutesAndHours) {
  EXPECT_EQ(FormatDuration(65), "1:05");
  EXPECT_EQ(FormatDuration(3725), "1:02:05");
}

}  // namespace
}  // namespace minutes
