// Language models from llm.chain URLs.
#include "llm/model_factory.hpp"

#include <gtest/gtest.h>

#include "fake_bedrock_server.hpp"
#include "fake_gemini_server.hpp"
#include "fake_openai_server.hpp"

namespace minutes {
namespace {

TEST(ModelFactory, BuildsAChainFromUrls) {
  testing::FakeOpenAiServer server("sk/with+chars");
  server.Push({200, "hello"});
  std::string port = server.BaseUrl().substr(server.BaseUrl().rfind(':') + 1);
  auto models = OpenModels(
      {"openai+http://:sk%2Fwith%2Bchars@127.0.0.1:" + port +
           "?model=llama3.1&name=ollama&retries=0&in_flight=2&context=32768&timeout_s=5",
       "openai://:k@api.deepseek.com/v1?model=deepseek-chat&name=deepseek&context=65536"});
  ASSERT_TRUE(models.ok()) << models.status().message();
  EXPECT_EQ(models->chain->Name(), "chain(ollama:llama3.1, deepseek:deepseek-chat)");
  EXPECT_EQ(models->context_tokens, 32768) << "the smallest context of the chain";
  CompletionRequest r;
  r.messages = {{"user", "hi"}};
  auto c = models->chain->Complete(r);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->provider, "ollama");
  EXPECT_EQ(server.requests().at(0).header("authorization"), "Bearer sk/with+chars");
  EXPECT_TRUE(OpenModels({})->chain == nullptr);
}

TEST(ModelFactory, GeminiUrlsCarryAKeyPool) {
  testing::FakeGeminiServer server({"g1", "g2"});
  std::string port = server.BaseUrl().substr(server.BaseUrl().rfind(':') + 1);
  port = port.substr(0, port.find('/'));
  auto models = OpenModels(
      {"gemini+http://:g1,g2@127.0.0.1:" + port + "/v1beta?model=gemini-2.0-flash&retries=0"});
  ASSERT_TRUE(models.ok()) << models.status().message();
  CompletionRequest r;
  r.messages = {{"user", "hi"}};
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(models->chain->Complete(r).ok());
  EXPECT_EQ(server.keys_used(), (std::vector<std::string>{"g1", "g2"}));
  EXPECT_FALSE(OpenModels({"gemini://generativelanguage.googleapis.com/v1beta?model=m"}).ok());
}

TEST(ModelFactory, BedrockUrlsSignWithTheAwsEnvironment) {
  AwsCredentials creds{"AKIDEXAMPLE", "secret-example", ""};
  testing::FakeBedrockServer server(creds, "eu-west-1");
  setenv("AWS_ACCESS_KEY_ID", creds.access_key.c_str(), 1);
  setenv("AWS_SECRET_ACCESS_KEY", creds.secret_key.c_str(), 1);
  auto models = OpenModels(
      {"bedrock://eu-west-1?model=amazon.nova-pro-v1:0&retries=0&endpoint=" + server.Endpoint()});
  ASSERT_TRUE(models.ok()) << models.status().message();
  CompletionRequest r;
  r.messages = {{"user", "hi"}};
  auto c = models->chain->Complete(r);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->provider, "bedrock");
  EXPECT_TRUE(server.violations().empty()) << server.violations()[0];
}

TEST(ModelFactory, BadUrlsSayWhatIsWrongWithoutTheKey) {
  for (auto [url, says] : std::vector<std::pair<std::string, std::string>>{
           {"bedrock2://:secret@x/v1?model=m", "unknown provider \"bedrock2\""},
           {"openai://:secret@x/v1", "no model="},
           {"openai://:secret@x/v1?model=m&retries=many", "retries must be a whole number"},
           {"openai://:secret@x/v1?model=m&colour=blue", "unknown parameter \"colour\""},
           {"openai://x/v1?model=m&key_env=MINUTES_TEST_NO_SUCH_VAR", "is not set"}}) {
    auto m = OpenModels({url});
    ASSERT_FALSE(m.ok()) << url;
    EXPECT_EQ(m.status().kind(), ErrorKind::kBadInput);
    EXPECT_NE(m.status().message().find(says), std::string::npos) << m.status().message();
    EXPECT_EQ(m.status().message().find("secret"), std::string::npos) << m.status().message();
    EXPECT_EQ(m.status().message().rfind("llm.chain: ", 0), 0u) << m.status().message();
  }
}

}  // namespace
}  // namespace minutes
