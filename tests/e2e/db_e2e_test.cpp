// `minutes db status|migrate` on a fresh data directory, as an operator runs them.
#include <gtest/gtest.h>

#include <filesystem>

#include "run_command.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

namespace fs = std::filesystem;
using minutes::testing::MinutesBinary;
using minutes::testing::RunCommand;
using minutes::testing::ShellQuote;

TEST(DbCommand, StatusMigrateStatus) {
  fs::path dir = fs::temp_directory_path() / ("minutes-dbcmd-" + std::to_string(getpid()));
  fs::remove_all(dir);
  std::string args = " --data-dir " + ShellQuote(dir.string());
  auto before = RunCommand(MinutesBinary() + " db status" + args);
  EXPECT_EQ(before.exit_code, 3) << "pending migrations: " << before.output;
  EXPECT_NE(before.output.find("0001 init"), std::string::npos);
  auto migrate = RunCommand(MinutesBinary() + " db migrate" + args);
  EXPECT_EQ(migrate.exit_code, 0) << migrate.output;
  EXPECT_NE(migrate.output.find("applied migration 0001"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "minutes.db"));
  auto again = RunCommand(MinutesBinary() + " db migrate" + args);
  EXPECT_NE(again.output.find("up to date"), std::string::npos);
  auto after = RunCommand(MinutesBinary() + " db status" + args);
  EXPECT_EQ(after.exit_code, 0) << after.output;
  EXPECT_NE(after.output.find("applied"), std::string::npos);
  fs::remove_all(dir);
}

TEST(DbCommand, BadUrlIsBadInput) {
  auto r = RunCommand(MinutesBinary() + " db migrate --database mysql://host/db");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("database: must start with sqlite://"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace minutes
