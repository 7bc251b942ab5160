#pragma once
// An Amazon Bedrock runtime for tests: the Converse API as its reference describes it
// (POST /model/{modelId}/converse; messages alternating user/assistant with text content
// blocks; system; inferenceConfig), and every request's SigV4 signature verified the way AWS
// does — recomputed from what arrived (method, path, query, signed headers, SHA-256 of the
// body) with net/sigv4, whose signer is checked against AWS's published examples. A bad
// signature gets AWS's 403 and is recorded in violations().
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>

#include "fake_http_server.hpp"
#include "sigv4_check.hpp"

namespace minutes::testing {

class FakeBedrockServer {
 public:
  FakeBedrockServer(AwsCredentials creds, std::string region)
      : creds_(std::move(creds)),
        region_(std::move(region)),
        server_([this](const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
          Handle(r, res);
        }) {}
  std::string Endpoint() const { return server_.Url(); }
  std::string reply_text = R"({"ok":true})";
  void Throttle(int times) {
    std::lock_guard lock(mu_);
    throttle_ = times;
  }
  std::vector<std::string> violations() {
    std::lock_guard lock(mu_);
    return violations_;
  }
  std::vector<nlohmann::json> bodies() {
    std::lock_guard lock(mu_);
    return bodies_;
  }
  std::vector<ReceivedRequest> requests() { return server_.Received(); }

 private:
  static void Error(Poco::Net::HTTPServerResponse& res, int code, const std::string& type,
                    const std::string& message) {
    res.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(code));
    res.setContentType("application/json");
    res.set("x-amzn-ErrorType", type);
    res.send() << nlohmann::json{{"message", message}}.dump();
  }
  std::string CheckSignature(const ReceivedRequest& r) {
    return CheckSigV4(r, creds_, region_, "bedrock");
  }
  std::string CheckBody(const ReceivedRequest& r, nlohmann::json& body) {
    const std::string prefix = "/model/", suffix = "/converse";
    if (r.method != "POST" || r.uri.rfind(prefix, 0) != 0 ||
        r.uri.compare(r.uri.size() - suffix.size(), suffix.size(), suffix) != 0)
      return "unknown operation " + r.method + " " + r.uri;
    if (r.uri.find(':') != std::string::npos)
      return "the model id must be percent-encoded in the path";
    body = nlohmann::json::parse(r.body, nullptr, false);
    if (!body.is_object()) return "The request body is not JSON";
    static const std::set<std::string> kTop = {"messages",
                                               "system",
                                               "inferenceConfig",
                                               "toolConfig",
                                               "guardrailConfig",
                                               "additionalModelRequestFields",
                                               "additionalModelResponseFieldPaths",
                                               "promptVariables",
                                               "requestMetadata",
                                               "performanceConfig"};
    for (auto& [k, v] : body.items())
      if (!kTop.count(k)) return "extraneous key [" + k + "] is not permitted";
    if (!body.contains("messages") || !body["messages"].is_array() || body["messages"].empty())
      return "messages must be a non-empty array";
    std::string expect = "user";
    for (auto& m : body["messages"]) {
      if (!m.is_object() || m.value("role", "") != expect)
        return "A conversation must start with a user message and alternate user and assistant "
               "roles.";
      expect = expect == "user" ? "assistant" : "user";
      if (!m.contains("content") || !m["content"].is_array() || m["content"].empty())
        return "content must be a non-empty array of content blocks";
      for (auto& b : m["content"])
        if (!b.is_object() || b.size() != 1 || !b.contains("text") || !b["text"].is_string())
          return "content blocks must be {text}";
    }
    if (body.contains("system"))
      for (auto& b : body["system"])
        if (!b.is_object() || !b.contains("text")) return "system blocks must be {text}";
    if (body.contains("inferenceConfig")) {
      static const std::set<std::string> kConfig = {"maxTokens", "temperature", "topP",
                                                    "stopSequences"};
      for (auto& [k, v] : body["inferenceConfig"].items())
        if (!kConfig.count(k)) return "extraneous key [" + k + "] is not permitted";
      if (body["inferenceConfig"].contains("maxTokens") &&
          (!body["inferenceConfig"]["maxTokens"].is_number_integer() ||
           body["inferenceConfig"]["maxTokens"].get<int>() < 1))
        return "maxTokens must be a positive integer";
    }
    return "";
  }
  void Handle(const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
    if (std::string bad = CheckSignature(r); !bad.empty()) {
      {
        std::lock_guard lock(mu_);
        violations_.push_back(bad);
      }
      return Error(res, 403,
                   bad.find("token") != std::string::npos ? "UnrecognizedClientException"
                                                          : "InvalidSignatureException",
                   bad);
    }
    nlohmann::json body;
    if (std::string bad = CheckBody(r, body); !bad.empty()) {
      {
        std::lock_guard lock(mu_);
        violations_.push_back(bad);
      }
      return Error(res, 400, "ValidationException", bad);
    }
    {
      std::lock_guard lock(mu_);
      bodies_.push_back(body);
      if (throttle_ > 0) {
        --throttle_;
        return Error(res, 429, "ThrottlingException",
                     "Too many requests, please wait before trying again.");
      }
    }
    res.setContentType("application/json");
    res.send() << nlohmann::json{
        {"output", {{"message", {{"role", "assistant"}, {"content", {{{"text", reply_text}}}}}}}},
        {"stopReason", "end_turn"},
        {"usage", {{"inputTokens", 30}, {"outputTokens", 8}, {"totalTokens", 38}}},
        {"metrics",
         {{"latencyMs",
           120}}}}.dump();
  }

  AwsCredentials creds_;
  std::string region_;
  std::mutex mu_;
  int throttle_ = 0;
  std::vector<std::string> violations_;
  std::vector<nlohmann::json> bodies_;
  FakeHttpServer server_;
};

}  // namespace minutes::testing
