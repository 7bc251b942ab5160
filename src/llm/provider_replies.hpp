#pragma once
// What chat-completion providers reply, read into a Completion: pure functions of the reply's
// text, apart from the clients that fetch them so that they can be tested and fuzzed alone
// (src/asr/provider_reply_fuzz.cpp). A reply that is not what the provider documents is
// Unavailable, its message starting with `name`. `model` is left empty when the reply names
// none, and `provider` and `seconds` are the caller's to fill.
#include <string>

#include "core/status.hpp"
#include "llm/language_model.hpp"

namespace minutes {

/// An OpenAI-compatible /chat/completions reply: choices[0].message.content, finish_reason
/// "length" as truncated, usage.prompt_tokens/completion_tokens.
Result<Completion> ParseOpenAiChatReply(const std::string& name, const std::string& body);

/// A Gemini generateContent reply: the text parts of candidates[0].content, finishReason
/// MAX_TOKENS as truncated, modelVersion, usageMetadata.
Result<Completion> ParseGeminiReply(const std::string& name, const std::string& body);

/// A Bedrock Converse reply: the text parts of output.message.content (or, when the model
/// answered through a tool, that toolUse's input as JSON), stopReason max_tokens as truncated,
/// usage.inputTokens/outputTokens.
Result<Completion> ParseBedrockReply(const std::string& name, const std::string& body);

}  // namespace minutes
