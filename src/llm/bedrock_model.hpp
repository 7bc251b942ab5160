#pragma once
// Amazon Bedrock's Converse API: POST https://bedrock-runtime.{region}.amazonaws.com/model/
// {modelId}/converse, signed with SigV4 (service "bedrock"), e.g. model amazon.nova-pro-v1:0.
// A request's JSON Schema is sent as a tool the model must call (toolChoice), whose input is
// the reply. Models that do not take a forced tool answer 400 ValidationException: the request
// is then sent once more without it, and when that succeeds the model gets none from then on.
#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "llm/language_model.hpp"
#include "net/http_client.hpp"
#include "net/sigv4.hpp"

namespace minutes {

struct BedrockOptions {
  std::string region = "us-east-1";
  std::string model;           ///< "amazon.nova-pro-v1:0", "anthropic.claude-3-5-sonnet-…"
  AwsCredentials credentials;  ///< AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / session token
  std::string endpoint;        ///< "" = https://bedrock-runtime.{region}.amazonaws.com
  std::chrono::milliseconds timeout{120000};
};

class BedrockModel : public LanguageModel {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  explicit BedrockModel(BedrockOptions options, Clock clock = {});
  std::string Name() const override { return "bedrock:" + o_.model; }
  Result<Completion> Complete(const CompletionRequest& request) override;
  /// The Converse body; the schema as a forced tool unless `with_schema` is false.
  std::string Body(const CompletionRequest& request, bool with_schema = true) const;
  /// Whether the model refused the schema's tool (then it is no longer sent).
  bool SchemaRefused() const { return schema_refused_; }

 private:
  Result<Completion> Send(const CompletionRequest& request, bool with_schema);
  std::atomic<bool> schema_refused_{false};
  BedrockOptions o_;
  Clock clock_;
  HttpClient http_;
};

}  // namespace minutes
