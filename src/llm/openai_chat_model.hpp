#pragma once
// Chat completions on any OpenAI-compatible server: OpenAI, Azure OpenAI, DeepSeek,
// Qwen/DashScope, Ollama, vLLM, llama.cpp's server. POST {base_url}/chat/completions, plain or
// streamed (Server-Sent Events).
#include <chrono>
#include <memory>
#include <string>

#include "llm/language_model.hpp"
#include "net/http_client.hpp"

namespace minutes {

struct OpenAiChatOptions {
  std::string provider = "openai";  ///< the name calls are audited under
  std::string base_url;             ///< "https://api.openai.com/v1", "http://ollama:11434/v1"
  std::string api_key;              ///< empty for servers without keys (Ollama)
  std::string model;
  bool stream = false;  ///< read the reply as it is generated (SSE)
  std::chrono::milliseconds timeout{120000};
  /// Azure OpenAI: the key goes in "api-key" and "?api-version=…" is added.
  std::string azure_api_version;
};

class OpenAiChatModel : public LanguageModel {
 public:
  explicit OpenAiChatModel(OpenAiChatOptions options);
  std::string Name() const override { return o_.provider + ":" + o_.model; }
  Result<Completion> Complete(const CompletionRequest& request) override;

  /// The request body for `request` (public for tests).
  std::string Body(const CompletionRequest& request) const;

 private:
  Result<Completion> Parse(const HttpResponse& response, const std::string& streamed,
                           Completion streamed_completion) const;
  OpenAiChatOptions o_;
  HttpClient http_;
};

/// The Status for a provider's non-2xx reply: 429/5xx/408 kUnavailable (with Retry-After),
/// others kBadInput; the message names the provider, the status and the provider's own error
/// message — never the key.
Status ProviderHttpError(const std::string& name, const HttpResponse& r);

}  // namespace minutes
