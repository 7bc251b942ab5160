// The admin CLI as operators and scripts use it: defaults, users, tenants, API keys.
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

class AdminCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("minutes-admin-" + std::to_string(getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  minutes::testing::CommandResult Minutes(const std::string& args,
                                          const std::string& stdin_text = "") {
    std::string cmd = MinutesBinary() + " " + args + " --data-dir " + ShellQuote(dir_.string());
    if (!stdin_text.empty())
      cmd = "printf %s " + ShellQuote(stdin_text) + " | " + cmd;
    else
      cmd += " </dev/null";
    return RunCommand(cmd);
  }
  fs::path dir_;
};

TEST_F(AdminCli, InitDefaultsIsIdempotent) {
  auto first = Minutes("init-defaults");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("template default installed"), std::string::npos);
  EXPECT_NE(first.output.find("admin user 'admin'"), std::string::npos);
  auto second = Minutes("init-defaults");
  EXPECT_EQ(second.exit_code, 0);
  EXPECT_EQ(second.output.find("installed"), std::string::npos) << second.output;
  EXPECT_NE(second.output.find("no admin created"), std::string::npos);
}

TEST_F(AdminCli, UsersTenantsAndKeys) {
  auto add = Minutes("user add alice --tenant acme --password-stdin --admin", "correct-battery-42");
  ASSERT_EQ(add.exit_code, 0) << add.output;
  EXPECT_NE(add.output.find("user alice added to tenant acme as admin"), std::string::npos);
  auto dup = Minutes("user add alice --tenant globex --password-stdin", "correct-battery-42");
  EXPECT_EQ(dup.exit_code, 2);
  EXPECT_NE(dup.output.find("not available"), std::string::npos) << dup.output;
  EXPECT_EQ(Minutes("user add bob --tenant acme").exit_code, 2) << "no password, no terminal";
  EXPECT_EQ(
      Minutes("user add 'x/y' --tenant acme --password-stdin", "correct-battery-42").exit_code, 2);
  auto list = Minutes("user list --tenant acme");
  EXPECT_NE(list.output.find("alice\tacme\tadmin"), std::string::npos) << list.output;
  ASSERT_EQ(Minutes("user disable alice").exit_code, 0);
  EXPECT_NE(Minutes("user list").output.find("disabled"), std::string::npos);
  EXPECT_EQ(Minutes("user disable nobody").exit_code, 2);
  auto key = Minutes("apikey create alice --name ci");
  ASSERT_EQ(key.exit_code, 0) << key.output;
  EXPECT_NE(key.output.find("mk_"), std::string::npos) << key.output;
  EXPECT_NE(key.output.find("not shown again"), std::string::npos);
  EXPECT_EQ(Minutes("apikey revoke does-not-exist").exit_code, 2);
  EXPECT_NE(Minutes("tenant list").output.find("acme"), std::string::npos);
  EXPECT_EQ(Minutes("tenant add acme").exit_code, 2) << "exists";
  EXPECT_EQ(Minutes("user reset-password alice --password-stdin", "a-new-long-password").exit_code,
            0);
}

}  // namespace
}  // namespace minutes
