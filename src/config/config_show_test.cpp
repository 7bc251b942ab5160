#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <fstream>

#include "config/config.hpp"
#include "config/config_command.hpp"
#include "config/config_test_util.hpp"

namespace minutes {
namespace {

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(ShowConfig, MasksSecrets) {
  Config config;
  config.auth.jwt_secret = "topsecret";
  config.database = "postgresql://app:hunter2@db.internal:5432/minutes";
  config.queue = "redis://:redispw@cache:6379/0";
  config.storage = "s3://bucket/objects?region=eu&secret_key=AKIAXYZ";
  std::string out = ShowConfig(config);
  EXPECT_TRUE(Contains(out, "jwt_secret: \"****\"")) << out;
  EXPECT_TRUE(Contains(out, "\"postgresql://app:****@db.internal:5432/minutes\"")) << out;
  EXPECT_TRUE(Contains(out, "\"redis://:****@cache:6379/0\"")) << out;
  EXPECT_TRUE(Contains(out, "\"s3://bucket/objects?region=eu&secret_key=****\"")) << out;
  for (const char* leaked : {"topsecret", "hunter2", "redispw", "AKIAXYZ"}) {
    EXPECT_FALSE(Contains(out, leaked)) << leaked << " leaked in\n" << out;
  }
  EXPECT_TRUE(Contains(out, "api_key_prefix: \"mk_\"")) << out;  // public, not masked
}

// openai://KEY@host and redis://PASSWORD@host: the secret is all of the user info.
TEST(ShowConfig, MasksKeysGivenWhereAUserNameWouldBe) {
  Config config;
  config.queue = "redis://redispw@cache:6379/0";
  config.llm.chain = {"openai://sk-live-abc@api.openai.com/v1?model=gpt-4o-mini",
                      "openai://:sk-other@api.deepseek.com/v1?model=deepseek-chat"};
  config.database = "postgresql://app@db.internal/minutes";  // a user name, no secret
  std::string out = ShowConfig(config);
  EXPECT_TRUE(Contains(out, "\"redis://****@cache:6379/0\"")) << out;
  EXPECT_TRUE(Contains(out, "\"openai://****@api.openai.com/v1?model=gpt-4o-mini\"")) << out;
  EXPECT_TRUE(Contains(out, "\"openai://:****@api.deepseek.com/v1?model=deepseek-chat\"")) << out;
  EXPECT_TRUE(Contains(out, "\"postgresql://app@db.internal/minutes\"")) << out;
  for (const char* leaked : {"redispw", "sk-live-abc", "sk-other"})
    EXPECT_FALSE(Contains(out, leaked)) << leaked << " leaked in\n" << out;
}

TEST(ShowConfig, UnsetSecretShowsEmpty) {
  std::string out = ShowConfig(Config{});
  EXPECT_TRUE(Contains(out, "jwt_secret: \"\"")) << out;
}

using ShowConfigFileTest = ConfigFileTest;

TEST_F(ShowConfigFileTest, RoundTripsConfigWithoutSecrets) {
  std::string path = Write(R"(
server: {host: 0.0.0.0, port: 9001, workers: 3, trusted_proxies: [10.0.0.0/8, "::1/128"]}
data_dir: "/srv/data with space"
database: "postgresql://app@db/minutes"
queue: "redis://cache:6379/0"
auth: {jwt_ttl_s: 120, api_key_prefix: "key_"}
asr: {engine: pocketsphinx, threads: 2, language: "no"}
minutes: {template: "board: monthly", templates_dir: "#t/$${HOME}"}
log: {level: error, format: text}
prices: {whisper: 0.1, "gpt 4o": 2.5, tiny: 1e-7}
)");
  auto first = LoadConfig(path, {});
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->minutes.templates_dir, "#t/${HOME}");
  std::string shown = ShowConfig(*first);
  auto second = LoadConfig(Write(shown), {});
  ASSERT_TRUE(second.ok()) << second.status().message() << "\n" << shown;
  EXPECT_TRUE(*second == *first) << shown;
  EXPECT_EQ(ShowConfig(*second), shown);
  auto defaults = LoadConfig("", {});
  auto defaults_again = LoadConfig(Write(ShowConfig(*defaults)), {});
  ASSERT_TRUE(defaults_again.ok()) << defaults_again.status().message();
  EXPECT_TRUE(*defaults_again == *defaults);
}

TEST_F(ShowConfigFileTest, CommandPrintsConfigAndFailsOnBadConfig) {
  int exit_code = 0;
  {
    CLI::App app;
    AddConfigCommand(app, &exit_code);
    std::string path = Write("server: {port: 9100}\n");
    std::vector<std::string> args = {path, "--config", "show", "config"};  // reversed argv
    testing::internal::CaptureStdout();
    app.parse(args);
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_EQ(exit_code, 0);
    EXPECT_TRUE(Contains(out, "port: 9100")) << out;
  }
  {
    CLI::App app;
    AddConfigCommand(app, &exit_code);
    std::string path = Write("server: {prot: 9100}\n");
    std::vector<std::string> args = {path, "--config", "show", "config"};  // reversed argv
    testing::internal::CaptureStderr();
    app.parse(args);
    std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(exit_code, 2);
    EXPECT_TRUE(Contains(err, "server.prot: unknown key")) << err;
  }
}

}  // namespace
}  // namespace minutes
