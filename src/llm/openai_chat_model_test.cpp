// The OpenAI-compatible chat model against a local server that checks requests as the API
// reference describes them.
#include "llm/openai_chat_model.hpp"

#include <gtest/gtest.h>

#include "fake_openai_server.hpp"

namespace minutes {
namespace {

using testing::FakeOpenAiServer;
using testing::ScriptedReply;
using namespace std::chrono_literals;

CompletionRequest Ask(bool json = false) {
  CompletionRequest r;
  r.system = "You write minutes.";
  r.messages = {{"user", "S1: we ship on Friday"}};
  r.max_tokens = 300;
  r.json_mode = json;
  return r;
}

OpenAiChatModel Model(const FakeOpenAiServer& s, bool stream = false,
                      const std::string& key = "sk-test") {
  OpenAiChatOptions o;
  o.base_url = s.BaseUrl();
  o.api_key = key;
  o.model = "gpt-4o-mini";
  o.stream = stream;
  o.timeout = 2s;
  return OpenAiChatModel(o);
}

TEST(OpenAiChat, SendsTheDocumentedRequestAndReadsTheReply) {
  FakeOpenAiServer server;
  server.Push({200, R"({"title":"Ship"})", "stop", 42, 9});
  auto model = Model(server);
  auto c = model.Complete(Ask(true));
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->text, R"({"title":"Ship"})");
  EXPECT_EQ(c->tokens_in, 42);
  EXPECT_EQ(c->tokens_out, 9);
  EXPECT_EQ(c->model, "gpt-4o-mini");
  EXPECT_EQ(c->provider, "openai");
  EXPECT_FALSE(c->truncated);
  EXPECT_TRUE(server.violations().empty()) << server.violations()[0];
  auto body = server.bodies().at(0);
  EXPECT_EQ(body["messages"][0]["role"], "system");
  EXPECT_EQ(body["messages"][1]["content"], "S1: we ship on Friday");
  EXPECT_EQ(body["response_format"]["type"], "json_object");
  EXPECT_EQ(body["max_tokens"], 300);
  EXPECT_FALSE(body.contains("stream"));
}

TEST(OpenAiChat, StreamsTheReplyWithUsage) {
  FakeOpenAiServer server;
  server.Push({200, "Decided: ship on Friday. 决定：周五发布。", "stop", 30, 12});
  auto model = Model(server, true);
  auto c = model.Complete(Ask());
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->text, "Decided: ship on Friday. 决定：周五发布。");
  EXPECT_EQ(c->tokens_in, 30);
  EXPECT_EQ(c->tokens_out, 12);
  EXPECT_TRUE(server.violations().empty()) << server.violations()[0];
  EXPECT_EQ(server.bodies().at(0)["stream_options"]["include_usage"], true);
}

TEST(OpenAiChat, ACutReplyIsMarkedTruncated) {
  FakeOpenAiServer server;
  server.Push({200, R"({"title":"Sh)", "length"});
  server.Push({200, R"({"title":"Sh)", "length"});
  EXPECT_TRUE(Model(server).Complete(Ask())->truncated);
  EXPECT_TRUE(Model(server, true).Complete(Ask())->truncated);
}

TEST(OpenAiChat, ErrorsSayWhatHappenedAndWhetherToRetry) {
  FakeOpenAiServer server;
  auto wrong = Model(server, false, "sk-wrong-key-123").Complete(Ask());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().kind(), ErrorKind::kBadInput);
  EXPECT_NE(wrong.status().message().find("HTTP 401: Incorrect API key"), std::string::npos)
      << wrong.status().message();
  EXPECT_EQ(wrong.status().message().find("sk-wrong"), std::string::npos);

  server.Push(ScriptedReply::Error(429, "Rate limit reached", {{"Retry-After", "7"}}));
  auto limited = Model(server).Complete(Ask());
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.status().kind(), ErrorKind::kUnavailable);
  EXPECT_EQ(limited.status().retry_after_s(), 7);
  EXPECT_NE(limited.status().message().find("openai:gpt-4o-mini: HTTP 429: Rate limit reached"),
            std::string::npos);

  server.Push(ScriptedReply::Error(503, "overloaded"));
  auto down = Model(server).Complete(Ask());
  EXPECT_EQ(down.status().kind(), ErrorKind::kUnavailable);
  EXPECT_EQ(down.status().retry_after_s(), -1);

  ScriptedReply slow{200, "late"};
  slow.delay = 3s;
  server.Push(slow);
  auto timed_out = Model(server).Complete(Ask());
  EXPECT_EQ(timed_out.status().kind(), ErrorKind::kUnavailable);
  EXPECT_NE(timed_out.status().message().find("within 2000 ms"), std::string::npos)
      << timed_out.status().message();
  EXPECT_TRUE(server.violations().empty());
}

TEST(OpenAiChat, AzureSendsItsKeyHeaderAndApiVersion) {
  FakeOpenAiServer server("az-key", "/openai/deployments/minutes");
  server.Push({200, "ok"});
  OpenAiChatOptions o;
  o.provider = "azure";
  o.base_url = server.BaseUrl();
  o.api_key = "az-key";
  o.model = "gpt-4o";
  o.azure_api_version = "2024-10-21";
  OpenAiChatModel model(o);
  auto c = model.Complete(Ask());
  ASSERT_TRUE(c.ok()) << c.status().message();
  auto req = server.requests().at(0);
  EXPECT_EQ(req.uri, "/openai/deployments/minutes/chat/completions?api-version=2024-10-21");
  EXPECT_EQ(req.header("api-key"), "az-key");
  EXPECT_EQ(req.header("authorization"), "");
}

TEST(OpenAiChat, TheTestServerRefusesUndocumentedFields) {
  // The strictness the other tests rely on: a field OpenAI does not know is a 400.
  FakeOpenAiServer server;
  HttpClient http;
  auto r = http.Send(HttpRequest::Post(
      server.BaseUrl() + "/chat/completions",
      {{"Content-Type", "application/json"}, {"Authorization", "Bearer sk-test"}},
      R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_token":5})"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("Unrecognized request argument supplied: max_token"), std::string::npos);
  EXPECT_EQ(server.violations().size(), 1u);
}

}  // namespace
}  // namespace minutes
