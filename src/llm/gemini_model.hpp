#pragma once
// Google Gemini generateContent (POST {base}/models/{model}:generateContent, x-goog-api-key)
// with a key pool: keys are used round-robin, and a key answered with 429 (quota) rests for
// the retry delay Google gives (RetryInfo or Retry-After; 60 s when none) while the others
// serve. A key Google calls invalid rests for an hour. Only when every key rests does the call
// fail (kUnavailable with the shortest rest as its retry-after). A request's JSON Schema goes
// as generationConfig.responseSchema, in Gemini's OpenAPI-subset dialect (GeminiSchema).
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "llm/language_model.hpp"
#include "net/http_client.hpp"

namespace minutes {

/// `schema` (JSON Schema) as Gemini's responseSchema takes it: upper-case types, a
/// ["T", "null"] type as T with "nullable": true, and only the keywords Gemini knows
/// (additionalProperties, strict and the like are left out).
nlohmann::json GeminiSchema(const nlohmann::json& schema);

struct GeminiOptions {
  std::string base_url = "https://generativelanguage.googleapis.com/v1beta";
  std::vector<std::string> keys;
  std::string model = "gemini-2.0-flash";
  std::chrono::milliseconds timeout{120000};
};

class GeminiModel : public LanguageModel {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  explicit GeminiModel(GeminiOptions options, Clock clock = {});
  std::string Name() const override { return "gemini:" + o_.model; }
  Result<Completion> Complete(const CompletionRequest& request) override;
  /// The request body (public for tests).
  std::string Body(const CompletionRequest& request) const;

 private:
  /// The next key not resting (round-robin), or -1 with `*wait_s` the shortest rest left.
  int NextKey(double* wait_s);
  void Rest(int key, double seconds);
  GeminiOptions o_;
  Clock clock_;
  HttpClient http_;
  std::mutex mu_;
  size_t next_ = 0;
  std::vector<std::chrono::steady_clock::time_point> rest_until_;
};

}  // namespace minutes
