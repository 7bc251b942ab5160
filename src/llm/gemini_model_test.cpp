// Gemini with a key pool, against a local server that checks requests as Google's reference
// describes them.
#include "llm/gemini_model.hpp"

#include <Poco/Net/HTTPServerResponse.h>
#include <gtest/gtest.h>

#include "fake_gemini_server.hpp"
#include "fake_http_server.hpp"

namespace minutes {
namespace {

using testing::FakeGeminiServer;
using namespace std::chrono_literals;

CompletionRequest Ask() {
  CompletionRequest r;
  r.system = "You write minutes.";
  r.messages = {{"user", "S1: ship it"}, {"assistant", "{}"}, {"user", "again"}};
  r.json_mode = true;
  r.max_tokens = 256;
  return r;
}

TEST(Gemini, SendsTheDocumentedRequestAndReadsTheReply) {
  FakeGeminiServer server({"k1"});
  GeminiModel model({server.BaseUrl(), {"k1"}, "gemini-2.0-flash", 5s});
  auto c = model.Complete(Ask());
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->text, R"({"ok":true})");
  EXPECT_EQ(c->tokens_in, 20);
  EXPECT_EQ(c->tokens_out, 5);
  EXPECT_EQ(c->provider, "gemini");
  EXPECT_EQ(c->model, "gemini-2.0-flash");
  ASSERT_TRUE(server.violations().empty()) << server.violations()[0];
  auto body = server.bodies().at(0);
  EXPECT_EQ(body["systemInstruction"]["parts"][0]["text"], "You write minutes.");
  EXPECT_EQ(body["contents"][1]["role"], "model");
  EXPECT_EQ(body["generationConfig"]["responseMimeType"], "application/json");
  EXPECT_EQ(body["generationConfig"]["maxOutputTokens"], 256);
}

TEST(Gemini, ASchemaIsSentAsResponseSchemaInGeminisDialect) {
  FakeGeminiServer server({"k1"});
  GeminiModel model({server.BaseUrl(), {"k1"}, "gemini-2.0-flash", 5s});
  CompletionRequest req = Ask();
  req.schema = JsonSchema{"minutes", nlohmann::json::parse(R"({"type":"object",
    "properties":{"title":{"type":"string"},
      "items":{"type":"array","items":{"type":"object","additionalProperties":false,
        "properties":{"due":{"type":["string","null"]}},"required":["due"]}}},
    "required":["title"],"additionalProperties":false})")};
  ASSERT_TRUE(model.Complete(req).ok());
  ASSERT_TRUE(server.violations().empty()) << server.violations()[0];
  EXPECT_EQ(server.bodies().at(0)["generationConfig"]["responseSchema"],
            nlohmann::json::parse(R"({"type":"OBJECT",
    "properties":{"title":{"type":"STRING"},
      "items":{"type":"ARRAY","items":{"type":"OBJECT",
        "properties":{"due":{"type":"STRING","nullable":true}},"required":["due"]}}},
    "required":["title"]})"));
}

TEST(Gemini, TheTestServerRefusesJsonSchemaKeywordsGeminiDoesNotKnow) {
  // The strictness the test above relies on: the schema as written for OpenAI is refused.
  FakeGeminiServer server({"k1"});
  HttpClient http;
  nlohmann::json body = {{"contents", {{{"role", "user"}, {"parts", {{{"text", "x"}}}}}}},
                         {"generationConfig",
                          {{"responseMimeType", "application/json"},
                           {"responseSchema",
                            {{"type", "object"},
                             {"properties", {{"a", {{"type", "string"}}}}},
                             {"additionalProperties", false}}}}}};
  auto r = http.Send(HttpRequest::Post(
      server.BaseUrl() + "/models/gemini-2.0-flash:generateContent",
      {{"Content-Type", "application/json"}, {"x-goog-api-key", "k1"}}, body.dump()));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(server.violations().size(), 1u);
}

TEST(Gemini, KeysTakeTurnsAndAnExhaustedKeyRestsForItsRetryDelay) {
  FakeGeminiServer server({"k1", "k2", "k3"});
  auto now = std::chrono::steady_clock::time_point{};
  GeminiModel model({server.BaseUrl(), {"k1", "k2", "k3"}, "gemini-2.0-flash", 5s},
                    [&] { return now; });
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(model.Complete(Ask()).ok());
  EXPECT_EQ(server.keys_used(), (std::vector<std::string>{"k1", "k2", "k3"}));
  server.Exhaust("k1", "30s");
  auto c = model.Complete(Ask());  // k1 answers 429: k2 serves the same call
  ASSERT_TRUE(c.ok()) << c.status().message();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(model.Complete(Ask()).ok());
  auto used = server.keys_used();
  std::vector<std::string> after(used.begin() + 3, used.end());
  EXPECT_EQ(after, (std::vector<std::string>{"k1", "k2", "k3", "k2", "k3", "k2"}));
  now += 31s;  // rested: k1 serves again
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(model.Complete(Ask()).ok());
  used = server.keys_used();
  EXPECT_NE(std::find(used.end() - 3, used.end(), "k1"), used.end());
  EXPECT_TRUE(server.violations().empty());
}

TEST(Gemini, WhenEveryKeyRestsTheCallSaysHowLongToWait) {
  FakeGeminiServer server({"k1", "k2"});
  auto now = std::chrono::steady_clock::time_point{};
  GeminiModel model({server.BaseUrl(), {"k1", "k2", "bad-key"}, "gemini-2.0-flash", 5s},
                    [&] { return now; });
  server.Exhaust("k1", "40s");
  server.Exhaust("k2", "12s");
  auto c = model.Complete(Ask());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().kind(), ErrorKind::kUnavailable);
  EXPECT_NEAR(c.status().retry_after_s(), 12, 0.01);
  EXPECT_EQ(c.status().message().find("bad-key"), std::string::npos) << c.status().message();
  auto again = model.Complete(Ask());  // nothing is called while every key rests
  EXPECT_EQ(again.status().kind(), ErrorKind::kUnavailable);
  EXPECT_NE(again.status().message().find("every key is resting"), std::string::npos);
  EXPECT_EQ(server.keys_used().size(), 2u);  // k1 and k2 (the invalid key is refused unrecorded)
  now += 13s;
  EXPECT_TRUE(model.Complete(Ask()).ok());
}

// Which error it was is Google's ErrorInfo reason, never the words of a message: a request
// refused for what it holds (here a transcript quoting the error) rests no key.
TEST(Gemini, OnlyTheReasonApiKeyInvalidRestsAKeyNotTheWordsOfAMessage) {
  const std::string refusal = R"json({"error": {"code": 400, "status": "INVALID_ARGUMENT",
    "message": "Invalid value at 'contents[0].parts[0].text' (\"why API_KEY_INVALID?\")",
    "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest",
      "fieldViolations": [{"field": "contents[0].parts[0].text",
                           "description": "API_KEY_INVALID"}]}]}})json";
  testing::FakeHttpServer server(
      [&](const testing::ReceivedRequest&, Poco::Net::HTTPServerResponse& res) {
        res.setStatus(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
        res.setContentType("application/json");
        res.send() << refusal;
      });
  GeminiModel model({server.Url("/v1beta"), {"k1", "k2"}, "gemini-2.0-flash", 5s});
  auto c = model.Complete(Ask());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message().find("every key is resting"), std::string::npos)
      << c.status().message();
  ASSERT_EQ(server.Received().size(), 1u) << "the request is at fault: no other key is tried";
  (void)model.Complete(Ask());
  (void)model.Complete(Ask());
  ASSERT_EQ(server.Received().size(), 3u);
  EXPECT_EQ(server.Received()[2].header("x-goog-api-key"), "k1") << "k1 is not resting";
}

}  // namespace
}  // namespace minutes
