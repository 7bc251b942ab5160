#pragma once
// Chat completions on any OpenAI-compatible server: OpenAI, Azure OpenAI, DeepSeek,
// Qwen/DashScope, Ollama, vLLM, llama.cpp's server. POST {base_url}/chat/completions, plain or
// streamed (Server-Sent Events). A request's JSON Schema goes as response_format json_schema;
// a server that refuses that (older ones; Ollama and llama.cpp accept it) gets json_object
// instead, from then on.
#include <atomic>
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

  /// The request body for `request` (public for tests): its schema as response_format
  /// json_schema unless `with_schema` is false or it has none (then json_object in json_mode).
  std::string Body(const CompletionRequest& request, bool with_schema = true) const;
  /// Whether the server refused a json_schema response_format (then it is no longer sent).
  bool SchemaRefused() const { return schema_refused_; }

 private:
  Result<Completion> Send(const CompletionRequest& request, bool with_schema);
  Result<Completion> Parse(const HttpResponse& response, const std::string& streamed,
                           Completion streamed_completion) const;
  OpenAiChatOptions o_;
  HttpClient http_;
  std::atomic<bool> schema_refused_{false};
};

/// Whether `r` is an OpenAI-compatible server's refusal of response_format json_schema: a 400
/// whose error names response_format in `param` (OpenAI) or json_schema/response_format in
/// `code`. Decided on those fields, never on the message.
bool RefusesJsonSchema(const HttpResponse& r);

/// The Status for a provider's non-2xx reply: 429/5xx/408 kUnavailable (with Retry-After),
/// others kBadInput; the message names the provider, the status and the provider's own error
/// message — never the key.
Status ProviderHttpError(const std::string& name, const HttpResponse& r);

}  // namespace minutes
