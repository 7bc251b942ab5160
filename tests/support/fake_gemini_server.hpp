#pragma once
// A Gemini API server for tests, checking requests the way the generateContent reference
// describes them (https://ai.google.dev/api/generate-content): POST
// /v1beta/models/{model}:generateContent, x-goog-api-key, contents with user/model roles and
// text parts, only documented fields. Keys it does not know get Google's API_KEY_INVALID; a
// key can be made to answer 429 RESOURCE_EXHAUSTED with a RetryInfo delay. A responseSchema
// is checked against Gemini's Schema object (an OpenAPI subset: upper-case types, "nullable",
// no additionalProperties or JSON Schema type lists) and needs responseMimeType
// application/json, as the API requires.
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "received_request.hpp"

namespace Poco::Net {
class HTTPServerResponse;
}

namespace minutes::testing {

class FakeHttpServer;

class FakeGeminiServer {
 public:
  explicit FakeGeminiServer(std::set<std::string> keys);
  ~FakeGeminiServer();
  std::string BaseUrl() const;
  /// The next call with `key` answers 429 with RetryInfo `retry_delay` (e.g. "30s").
  void Exhaust(const std::string& key, const std::string& retry_delay) {
    std::lock_guard lock(mu_);
    exhausted_[key].push_back(retry_delay);
  }
  std::string reply_text = R"({"ok":true})";
  std::vector<std::string> keys_used() {
    std::lock_guard lock(mu_);
    return used_;
  }
  std::vector<std::string> violations() {
    std::lock_guard lock(mu_);
    return violations_;
  }
  std::vector<nlohmann::json> bodies() {
    std::lock_guard lock(mu_);
    return bodies_;
  }

 private:
  static void Error(Poco::Net::HTTPServerResponse& res, int code, const std::string& status,
                    const std::string& message, nlohmann::json details = nlohmann::json::array());
  // What is wrong with a Schema object at `path`, or "".
  static std::string CheckSchema(const nlohmann::json& s, const std::string& path);
  std::string Check(const ReceivedRequest& r, nlohmann::json& body, std::string* model);
  void Handle(const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res);

  std::set<std::string> keys_;
  std::mutex mu_;
  std::map<std::string, std::deque<std::string>> exhausted_;
  std::vector<std::string> used_, violations_;
  std::vector<nlohmann::json> bodies_;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace minutes::testing
