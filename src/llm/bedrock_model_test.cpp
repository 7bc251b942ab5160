// Bedrock Converse against a local runtime that verifies every SigV4 signature.
#include "llm/bedrock_model.hpp"

#include <gtest/gtest.h>

#include "crypto/sha256.hpp"
#include "fake_bedrock_server.hpp"

namespace minutes {
namespace {

using testing::FakeBedrockServer;
using namespace std::chrono_literals;

const AwsCredentials kCreds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};

CompletionRequest Ask() {
  CompletionRequest r;
  r.system = "You write minutes.";
  r.messages = {{"user", "S1: ship it"}, {"assistant", "{}"}, {"user", "again, as JSON"}};
  r.json_mode = true;
  r.max_tokens = 400;
  return r;
}

BedrockModel Model(const FakeBedrockServer& s, AwsCredentials creds = kCreds) {
  return BedrockModel({"eu-central-1", "amazon.nova-pro-v1:0", creds, s.Endpoint(), 5s});
}

TEST(Bedrock, SignsTheConverseRequestAndReadsTheReply) {
  FakeBedrockServer server(kCreds, "eu-central-1");
  auto model = Model(server);
  auto c = model.Complete(Ask());
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->text, R"({"ok":true})");
  EXPECT_EQ(c->tokens_in, 30);
  EXPECT_EQ(c->tokens_out, 8);
  EXPECT_EQ(c->provider, "bedrock");
  EXPECT_EQ(model.Name(), "bedrock:amazon.nova-pro-v1:0");
  ASSERT_TRUE(server.violations().empty()) << server.violations()[0];
  auto req = server.requests().at(0);
  EXPECT_EQ(req.uri, "/model/amazon.nova-pro-v1%3A0/converse");
  EXPECT_NE(req.header("authorization").find("/eu-central-1/bedrock/aws4_request"),
            std::string::npos);
  auto body = server.bodies().at(0);
  EXPECT_EQ(body["messages"][1]["role"], "assistant");
  EXPECT_EQ(body["inferenceConfig"]["maxTokens"], 400);
  EXPECT_NE(body["system"][0]["text"].get<std::string>().find("JSON"), std::string::npos);
}

CompletionRequest AskWithSchema() {
  CompletionRequest r = Ask();
  r.schema = JsonSchema{"minutes",
                        {{"type", "object"},
                         {"properties", {{"title", {{"type", "string"}}}}},
                         {"required", {"title"}}}};
  return r;
}

TEST(Bedrock, ASchemaIsAForcedToolWhoseInputIsTheReply) {
  FakeBedrockServer server(kCreds, "eu-central-1");
  server.reply_text = R"({"title":"Ship"})";
  auto model = Model(server);
  auto c = model.Complete(AskWithSchema());
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(nlohmann::json::parse(c->text), nlohmann::json::parse(R"({"title":"Ship"})"));
  ASSERT_TRUE(server.violations().empty()) << server.violations()[0];
  auto tools = server.bodies().at(0)["toolConfig"];
  EXPECT_EQ(tools["toolChoice"], nlohmann::json::parse(R"({"tool":{"name":"minutes"}})"));
  EXPECT_EQ(tools["tools"][0]["toolSpec"]["name"], "minutes");
  EXPECT_EQ(tools["tools"][0]["toolSpec"]["inputSchema"]["json"], AskWithSchema().schema->schema);
  EXPECT_FALSE(model.SchemaRefused());
}

TEST(Bedrock, AModelWithoutForcedToolsIsAskedAgainWithoutAndRemembered) {
  FakeBedrockServer server(kCreds, "eu-central-1");
  server.refuse_tool_choice = true;
  server.reply_text = R"({"title":"Ship"})";
  auto model = Model(server);
  auto c = model.Complete(AskWithSchema());
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->text, R"({"title":"Ship"})");
  EXPECT_TRUE(model.SchemaRefused());
  ASSERT_TRUE(model.Complete(AskWithSchema()).ok());
  auto bodies = server.bodies();
  ASSERT_EQ(bodies.size(), 3u);  // refused, without the tool; then without it at once
  EXPECT_TRUE(bodies[0].contains("toolConfig"));
  EXPECT_FALSE(bodies[1].contains("toolConfig"));
  EXPECT_NE(bodies[1]["system"][0]["text"].get<std::string>().find("JSON"), std::string::npos);
  EXPECT_FALSE(bodies[2].contains("toolConfig"));
}

TEST(Bedrock, AWrongSecretIsRefusedByTheSignatureCheck) {
  FakeBedrockServer server(kCreds, "eu-central-1");
  AwsCredentials wrong = kCreds;
  wrong.secret_key = "not-the-secret";
  auto c = Model(server, wrong).Complete(Ask());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().kind(), ErrorKind::kBadInput);
  EXPECT_NE(
      c.status().message().find("HTTP 403: The request signature we calculated does not match"),
      std::string::npos)
      << c.status().message();
  EXPECT_EQ(c.status().message().find("not-the-secret"), std::string::npos);
  EXPECT_EQ(BedrockModel({"eu-central-1", "m", {}, server.Endpoint(), 5s})
                .Complete(Ask())
                .status()
                .kind(),
            ErrorKind::kBadInput);
}

TEST(Bedrock, TheTestServerCatchesATamperedBody) {
  // What the verifier checks: a body that is not the one signed is refused.
  FakeBedrockServer server(kCreds, "eu-central-1");
  auto model = Model(server);
  std::string body = model.Body(Ask());
  std::string host = server.Endpoint().substr(7);
  SigV4Request sr{"POST",
                  host,
                  "/model/amazon.nova-pro-v1%3A0/converse",
                  {},
                  {{"content-type", "application/json"}},
                  Sha256Hex(body)};
  auto signed_req =
      SignV4(sr, kCreds, {"eu-central-1", "bedrock", AmzDate(std::chrono::system_clock::now())});
  HttpRequest r = HttpRequest::Post(server.Endpoint() + "/model/amazon.nova-pro-v1%3A0/converse",
                                    {{"Content-Type", "application/json"}}, body);
  for (auto& h : signed_req.headers)
    if (h.first != "x-amz-content-sha256") r.headers.push_back(h);
  HttpClient http;
  EXPECT_EQ(http.Send(r)->status, 200);
  r.body = body + " ";
  EXPECT_EQ(http.Send(r)->status, 403);
}

TEST(Bedrock, ThrottlingIsWorthRetrying) {
  FakeBedrockServer server(kCreds, "eu-central-1");
  server.Throttle(1);
  auto c = Model(server).Complete(Ask());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().kind(), ErrorKind::kUnavailable);
  EXPECT_NE(c.status().message().find("HTTP 429: Too many requests"), std::string::npos);
  EXPECT_TRUE(Model(server).Complete(Ask()).ok());
}

}  // namespace
}  // namespace minutes
