#include "llm/provider_replies.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/json_read.hpp"

namespace minutes {
namespace {

using nlohmann::json;

// Readers that never throw and never index past what is there: json's const operator[] is
// undefined for a missing key (a reply without choices[0].message.content crashed
// provider_reply_fuzz), and value() throws for a member of another type.
const json& First(const json& j) {
  static const json kNull;
  return j.is_array() && !j.empty() ? j.front() : kNull;
}

// A token count: a number in [0, INT_MAX], anything else 0.
int Count(const json& j) {
  if (!j.is_number()) return 0;
  double v = j.get<double>();
  return std::isfinite(v) ? static_cast<int>(std::clamp(v, 0.0, static_cast<double>(INT_MAX))) : 0;
}

// The concatenated "text" members of an array of parts.
std::string Parts(const json& parts) {
  std::string text;
  if (parts.is_array())
    for (const auto& p : parts) text += JsonString(JsonMember(p, "text"));
  return text;
}

}  // namespace

Result<Completion> ParseOpenAiChatReply(const std::string& name, const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  const json& choice = First(JsonMember(j, "choices"));
  const json& message = JsonMember(choice, "message");
  if (!message.is_object())
    return Status(ErrorKind::kUnavailable, name + ": the reply has no choices[0].message");
  Completion out;
  out.text = JsonString(JsonMember(message, "content"));
  out.truncated = JsonString(JsonMember(choice, "finish_reason")) == "length";
  out.model = JsonString(JsonMember(j, "model"));
  out.tokens_in = Count(JsonMember(JsonMember(j, "usage"), "prompt_tokens"));
  out.tokens_out = Count(JsonMember(JsonMember(j, "usage"), "completion_tokens"));
  return out;
}

Result<Completion> ParseGeminiReply(const std::string& name, const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  const json& cand = First(JsonMember(j, "candidates"));
  if (!cand.is_object())
    return Status(ErrorKind::kUnavailable, name + ": the reply has no candidates");
  Completion c;
  c.text = Parts(JsonMember(JsonMember(cand, "content"), "parts"));
  c.truncated = JsonString(JsonMember(cand, "finishReason")) == "MAX_TOKENS";
  c.model = JsonString(JsonMember(j, "modelVersion"));
  c.tokens_in = Count(JsonMember(JsonMember(j, "usageMetadata"), "promptTokenCount"));
  c.tokens_out = Count(JsonMember(JsonMember(j, "usageMetadata"), "candidatesTokenCount"));
  return c;
}

Result<Completion> ParseBedrockReply(const std::string& name, const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  const json& message = JsonMember(JsonMember(j, "output"), "message");
  if (!message.is_object())
    return Status(ErrorKind::kUnavailable, name + ": the reply has no output.message");
  Completion c;
  c.text = Parts(JsonMember(message, "content"));
  // A reply through a tool (structured output): the tool's input is the answer.
  if (const json& content = JsonMember(message, "content"); content.is_array())
    for (const auto& block : content)
      if (const json& input = JsonMember(JsonMember(block, "toolUse"), "input"); input.is_object())
        c.text = input.dump();
  c.truncated = JsonString(JsonMember(j, "stopReason")) == "max_tokens";
  c.tokens_in = Count(JsonMember(JsonMember(j, "usage"), "inputTokens"));
  c.tokens_out = Count(JsonMember(JsonMember(j, "usage"), "outputTokens"));
  return c;
}

}  // namespace minutes
