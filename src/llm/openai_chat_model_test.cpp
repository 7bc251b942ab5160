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

CompletionRequest AskWithSchema() {
  CompletionRequest r = Ask(true);
  r.schema = JsonSchema{"minutes",
                        {{"type", "object"},
                         {"properties", {{"title", {{"type", "string"}}}}},
                         {"required", {"title"}}}};
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

TEST(OpenAiChat, ASchemaIsSentAsStructuredOutput) {
  FakeOpenAiServer server;
  server.Push({200, R"({"title":"Ship"})"});
  auto model = Model(server, true);  // streamed replies take it too
  auto c = model.Complete(AskWithSchema());
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->text, R"({"title":"Ship"})");
  EXPECT_TRUE(server.violations().empty()) << server.violations()[0];
  EXPECT_EQ(server.bodies().at(0)["response_format"],
            nlohmann::json::parse(R"({"type":"json_schema","json_schema":{"name":"minutes",
              "schema":{"type":"object","properties":{"title":{"type":"string"}},
                        "required":["title"]},"strict":false}})"));
  EXPECT_FALSE(model.SchemaRefused());
}

TEST(OpenAiChat, AServerThatRefusesTheSchemaGetsJsonObjectFromThenOn) {
  FakeOpenAiServer server;
  server.RefuseJsonSchema();
  server.Push({200, R"({"title":"Ship"})"});
  server.Push({200, R"({"title":"Again"})"});
  auto model = Model(server);
  auto c = model.Complete(AskWithSchema());
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->text, R"({"title":"Ship"})");
  EXPECT_TRUE(model.SchemaRefused());
  ASSERT_TRUE(model.Complete(AskWithSchema()).ok());
  auto bodies = server.bodies();
  ASSERT_EQ(bodies.size(), 3u);  // refused, json_object; then json_object straight away
  EXPECT_EQ(bodies[0]["response_format"]["type"], "json_schema");
  EXPECT_EQ(bodies[1]["response_format"], nlohmann::json({{"type", "json_object"}}));
  EXPECT_EQ(bodies[2]["response_format"], nlohmann::json({{"type", "json_object"}}));
  EXPECT_TRUE(server.violations().empty()) << server.violations()[0];
}

TEST(OpenAiChat, OnlyARefusalNamingResponseFormatCountsAsRefusingTheSchema) {
  auto refusal = [](int status, nlohmann::json param, nlohmann::json code) {
    HttpResponse r;
    r.status = status;
    r.body = nlohmann::json{{"error",
                             {{"message", "response_format json_schema is not supported"},
                              {"param", param},
                              {"code", code}}}}
                 .dump();
    return RefusesJsonSchema(r);
  };
  EXPECT_TRUE(refusal(400, "response_format", nullptr));
  EXPECT_TRUE(refusal(400, "response_format.json_schema", "invalid_value"));
  EXPECT_TRUE(refusal(400, nullptr, "json_schema_unsupported"));
  // The message mentions response_format, but the fields name something else.
  EXPECT_FALSE(refusal(400, "max_tokens", nullptr));
  EXPECT_FALSE(refusal(400, nullptr, nullptr));
  EXPECT_FALSE(refusal(500, "response_format", nullptr));
  HttpResponse text;
  text.status = 400;
  text.body = "response_format is not supported";
  EXPECT_FALSE(RefusesJsonSchema(text));

  // Another 400 is the error it is, without a second request.
  FakeOpenAiServer server;
  server.Push(ScriptedReply::Error(400, "context too long"));
  auto model = Model(server);
  auto c = model.Complete(AskWithSchema());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(server.bodies().size(), 1u);
  EXPECT_FALSE(model.SchemaRefused());
}

}  // namespace
}  // namespace minutes
