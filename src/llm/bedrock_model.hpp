#pragma once
// Amazon Bedrock's Converse API: POST https://bedrock-runtime.{region}.amazonaws.com/model/
// {modelId}/converse, signed with SigV4 (service "bedrock"), e.g. model amazon.nova-pro-v1:0.
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
  std::string Body(const CompletionRequest& request) const;

 private:
  BedrockOptions o_;
  Clock clock_;
  HttpClient http_;
};

}  // namespace minutes
