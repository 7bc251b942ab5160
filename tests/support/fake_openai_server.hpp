#pragma once
// An OpenAI-compatible chat-completions server for tests, checking requests the way the API
// reference describes them (https://platform.openai.com/docs/api-reference/chat/create): POST
// {prefix}/chat/completions, JSON, Bearer key, a known model, messages with known roles and
// string content, only documented fields, stream_options only with stream. A request that
// breaks a rule gets OpenAI's 400 and is recorded in violations() — tests assert it is empty.
// Replies are scripted: a queue of replies (plain, streamed as SSE, errors, slow ones).
// response_format json_schema is checked as documented (name, schema, strict; nothing else);
// RefuseJsonSchema() makes the server answer it the way servers without structured output do
// (400, param "response_format"), as many older OpenAI-compatible servers still do.
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "received_request.hpp"

namespace Poco::Net {
class HTTPServerResponse;
}

namespace minutes::testing {

class FakeHttpServer;

struct ScriptedReply {
  ScriptedReply() = default;
  ScriptedReply(int status_, std::string text_, std::string finish = "stop", int in = 11,
                int out = 7)
      : status(status_),
        text(std::move(text_)),
        finish_reason(std::move(finish)),
        prompt_tokens(in),
        completion_tokens(out) {}
  static ScriptedReply Error(int status, std::string message,
                             std::map<std::string, std::string> headers = {}) {
    ScriptedReply r(status, "");
    r.error_message = std::move(message);
    r.headers = std::move(headers);
    return r;
  }
  int status = 200;
  std::string text;  ///< the assistant's content (200)
  std::string finish_reason = "stop";
  int prompt_tokens = 11, completion_tokens = 7;
  std::string error_message;  ///< non-200: {"error": {"message"}}
  std::map<std::string, std::string> headers;
  std::chrono::milliseconds delay{0};
};

class FakeOpenAiServer {
 public:
  explicit FakeOpenAiServer(std::string key = "sk-test", std::string prefix = "/v1");
  ~FakeOpenAiServer();
  std::string BaseUrl() const;
  /// Replies computed from the request body, once the scripted queue is empty.
  void Respond(std::function<ScriptedReply(const nlohmann::json& body)> responder) {
    std::lock_guard lock(mu_);
    responder_ = std::move(responder);
  }
  void Push(ScriptedReply r) {
    std::lock_guard lock(mu_);
    replies_.push_back(std::move(r));
  }
  void RefuseJsonSchema(bool refuse = true) {
    std::lock_guard lock(mu_);
    refuse_json_schema_ = refuse;
  }
  std::vector<std::string> violations() {
    std::lock_guard lock(mu_);
    return violations_;
  }
  std::vector<nlohmann::json> bodies() {
    std::lock_guard lock(mu_);
    return bodies_;
  }
  std::vector<ReceivedRequest> requests();

 private:
  static void SendError(Poco::Net::HTTPServerResponse& res, int status, const std::string& message,
                        const std::string& type, nlohmann::json param = nullptr);
  // What is wrong with a response_format, or "".
  static std::string CheckResponseFormat(const nlohmann::json& f);
  // The first rule `r` breaks, or "".
  std::string Check(const ReceivedRequest& r, nlohmann::json& body);
  void Handle(const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res);

  std::string key_, prefix_;
  std::mutex mu_;
  std::deque<ScriptedReply> replies_;
  bool refuse_json_schema_ = false;
  std::vector<std::string> violations_;
  std::vector<nlohmann::json> bodies_;
  std::function<ScriptedReply(const nlohmann::json&)> responder_;
  std::unique_ptr<FakeHttpServer>
      server_;  ///< last: stopped before the members its handler uses go
};

}  // namespace minutes::testing
