#include "llm/provider_replies.hpp"

#include <gtest/gtest.h>

namespace minutes {
namespace {

TEST(ProviderReplies, ReadsEachProvidersReply) {
  auto o = ParseOpenAiChatReply(
      "openai",
      R"({"model":"gpt-4o-mini","choices":[{"message":{"content":"hi"},"finish_reason":"length"}],)"
      R"("usage":{"prompt_tokens":8,"completion_tokens":2}})");
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->text, "hi");
  EXPECT_TRUE(o->truncated);
  EXPECT_EQ(o->model, "gpt-4o-mini");
  EXPECT_EQ(o->tokens_in, 8);
  auto g = ParseGeminiReply(
      "gemini", R"({"candidates":[{"content":{"parts":[{"text":"a"},{"text":"b"}]},)"
                R"("finishReason":"MAX_TOKENS"}],"usageMetadata":{"promptTokenCount":5}})");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->text, "ab");
  EXPECT_TRUE(g->truncated);
  EXPECT_EQ(g->tokens_in, 5);
  auto b = ParseBedrockReply(
      "bedrock", R"({"output":{"message":{"content":[{"text":"x"}]}},"stopReason":"max_tokens"})");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->text, "x");
  EXPECT_TRUE(b->truncated);
  // Structured output through a forced tool: the tool's input is the reply.
  auto tool =
      ParseBedrockReply("bedrock", R"({"output":{"message":{"content":[{"toolUse":{"toolUseId":"t1",
        "name":"minutes","input":{"title":"Ship"}}}]}},"stopReason":"tool_use"})");
  ASSERT_TRUE(tool.ok());
  EXPECT_EQ(tool->text, R"({"title":"Ship"})");
  EXPECT_FALSE(tool->truncated);
}

// provider_reply_fuzz found the first: a message without "content" (as replies with tool calls
// or a refusal have) read through json's const operator[], undefined behaviour for a missing key
// (an assertion in debug builds). The others threw from value() on members of another type.
TEST(ProviderReplies, OddRepliesAreReadOrRefusedNeverThrow) {
  auto o = ParseOpenAiChatReply("openai", R"({"choices":[{"message":{"role":"assistant"}}]})");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->text, "");
  for (std::string body : {R"({"choices":[{"message":"text"}]})", R"({"choices":{}})",
                           R"({"choices":[]})", "[]", "not json"}) {
    auto r = ParseOpenAiChatReply("openai", body);
    EXPECT_EQ(r.status().kind(), ErrorKind::kUnavailable) << body;
  }
  auto g = ParseGeminiReply("gemini", R"({"candidates":[{"content":{"parts":[{"text":1}]},)"
                                      R"("finishReason":7}],"modelVersion":3,)"
                                      R"("usageMetadata":{"promptTokenCount":"9"}})");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->model, "");
  EXPECT_EQ(g->tokens_in, 0);
  EXPECT_EQ(ParseGeminiReply("gemini", R"({"candidates":[5]})").status().kind(),
            ErrorKind::kUnavailable);
  auto b = ParseBedrockReply("bedrock", R"({"output":{"message":{"content":"x"}},"stopReason":1,)"
                                        R"("usage":{"inputTokens":1e300,"outputTokens":-4}})");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->tokens_in, 2147483647) << "clamped, not an overflowing cast";
  EXPECT_EQ(b->tokens_out, 0);
  EXPECT_EQ(ParseBedrockReply("bedrock", R"({"output":[1]})").status().kind(),
            ErrorKind::kUnavailable);
}

}  // namespace
}  // namespace minutes
