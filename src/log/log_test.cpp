#include "log/log.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

namespace minutes {
namespace {

// Runs `body` with stderr sent to a file and returns what the log wrote there.
template <typename F>
std::vector<std::string> Captured(F body) {
  std::string path = ::testing::TempDir() + "log_test_" + std::to_string(getpid());
  std::fflush(stderr);
  int saved = dup(STDERR_FILENO);
  FILE* f = std::fopen(path.c_str(), "w");
  dup2(fileno(f), STDERR_FILENO);
  body();
  FlushLog();
  dup2(saved, STDERR_FILENO);
  close(saved);
  std::fclose(f);
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::remove(path.c_str());
  return lines;
}

TEST(Log, JsonLinesCarryTimeLevelEventAndFields) {
  ConfigureLog("info", "json");
  auto lines = Captured([] {
    LogEvent(LogLevel::kInfo, "job_succeeded", {{"task_id", "t1"}, {"duration_ms", 12}});
  });
  ASSERT_EQ(lines.size(), 1u);
  auto j = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["event"], "job_succeeded");
  EXPECT_EQ(j["task_id"], "t1");
  EXPECT_EQ(j["duration_ms"], 12);
  EXPECT_EQ(j["time"].get<std::string>().size(), 24u);  // 2026-11-22T10:00:00.123Z
}

TEST(Log, LevelFiltersAndTextFormat) {
  ConfigureLog("warn", "text");
  auto lines = Captured([] {
    LogEvent(LogLevel::kInfo, "quiet");
    LogEvent(LogLevel::kError, "loud", {{"error", "disk full"}});
  });
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(" error loud error=disk full"), std::string::npos) << lines[0];
  ConfigureLog("info", "json");
}

TEST(Log, SecretsNeverReachTheLine) {
  ConfigureLog("info", "json");
  auto lines = Captured([] {
    LogEvent(LogLevel::kInfo, "x",
             {{"password", "hunter2"},
              {"nested", {{"api_key", "abc"}}},
              {"note", "used mk_0123456789abcdef and Bearer eyJhbGciOi.eyJzdWIi.sig"}});
  });
  ASSERT_EQ(lines.size(), 1u);
  for (const char* secret : {"hunter2", "abc\"", "mk_0123456789abcdef", "eyJhbGciOi"})
    EXPECT_EQ(lines[0].find(secret), std::string::npos) << secret << " in " << lines[0];
  EXPECT_NE(lines[0].find("[redacted]"), std::string::npos);
}

TEST(Log, QuotingKeepsLinesValidJson) {
  std::string out;
  JsonQuote(out, "a\"b\\c\nd\x01");
  EXPECT_EQ(nlohmann::json::parse(out).get<std::string>(), "a\"b\\c\nd\x01");
}

}  // namespace
}  // namespace minutes
