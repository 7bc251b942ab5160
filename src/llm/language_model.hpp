#pragma once
// Large language models behind one interface; cloud and self-hosted providers plug in here.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.hpp"

namespace minutes {

/// One chat message.
struct ChatMessage {
  std::string role;  ///< "user" or "assistant"
  std::string content;
};

/// The JSON Schema a reply must follow, for providers that can enforce one (structured output).
struct JsonSchema {
  std::string name;       ///< a short identifier ("minutes"): letters, digits, '_' and '-'
  nlohmann::json schema;  ///< JSON Schema; providers with a narrower dialect convert it
};

/// A completion request in the shape every chat API shares.
struct CompletionRequest {
  std::string system;
  std::vector<ChatMessage> messages;
  int max_tokens = 1024;
  double temperature = 0.2;
  bool json_mode = false;  ///< ask for a JSON object as the whole reply
  /// With json_mode: the shape of that object, enforced where the provider supports it (the
  /// prompt should still describe it: providers without support only get json_mode).
  std::optional<JsonSchema> schema;
};

/// The reply, with what it cost (for the audit and cost log).
struct Completion {
  std::string text;
  std::string model;
  int tokens_in = 0;
  int tokens_out = 0;
  std::string provider;    ///< which provider answered ("openai", "ollama", …)
  bool truncated = false;  ///< the model stopped at max_tokens
  double seconds = 0;      ///< latency of the call that answered
};

/// A chat-completion model. Implementations are thread-safe: the service calls one instance
/// from many workers.
class LanguageModel {
 public:
  virtual ~LanguageModel() = default;
  LanguageModel() = default;
  LanguageModel(const LanguageModel&) = delete;
  LanguageModel& operator=(const LanguageModel&) = delete;

  /// Provider and model, e.g. "openai:gpt-4o-mini".
  virtual std::string Name() const = 0;
  /// Sends the request; routine failures come back as Status: kUnavailable for what may pass
  /// (429, 5xx, timeouts, network; with retry_after_s() when the provider said), kBadInput for
  /// what will not (a refused request, a wrong key, an unknown model).
  virtual Result<Completion> Complete(const CompletionRequest& request) = 0;
};

}  // namespace minutes
