#include "fake_bedrock_server.hpp"

#include <Poco/Net/HTTPServerResponse.h>

#include <chrono>
#include <regex>
#include <set>
#include <thread>

#include "fake_http_server.hpp"
#include "sigv4_check.hpp"

namespace minutes::testing {

FakeBedrockServer::FakeBedrockServer(AwsCredentials creds, std::string region)
    : creds_(std::move(creds)),
      region_(std::move(region)),
      server_(std::make_unique<FakeHttpServer>(
          [this](const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
            Handle(r, res);
          })) {}

FakeBedrockServer::~FakeBedrockServer() = default;

std::string FakeBedrockServer::Endpoint() const { return server_->Url(); }

std::vector<ReceivedRequest> FakeBedrockServer::requests() { return server_->Received(); }

void FakeBedrockServer::Error(Poco::Net::HTTPServerResponse& res, int code, const std::string& type,
                              const std::string& message) {
  res.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(code));
  res.setContentType("application/json");
  res.set("x-amzn-ErrorType", type);
  res.send() << nlohmann::json{{"message", message}}.dump();
}

std::string FakeBedrockServer::CheckSignature(const ReceivedRequest& r) {
  return CheckSigV4(r, creds_, region_, "bedrock");
}

std::string FakeBedrockServer::CheckToolConfig(const nlohmann::json& t) {
  if (!t.is_object() || !t.contains("tools") || !t["tools"].is_array() || t["tools"].empty())
    return "toolConfig.tools must be a non-empty array";
  for (auto& [k, v] : t.items())
    if (k != "tools" && k != "toolChoice") return "extraneous key [" + k + "] is not permitted";
  std::set<std::string> names;
  for (auto& tool : t["tools"]) {
    if (!tool.is_object() || tool.size() != 1 || !tool.contains("toolSpec"))
      return "each tool must be {toolSpec}";
    const auto& spec = tool["toolSpec"];
    for (auto& [k, v] : spec.items())
      if (k != "name" && k != "description" && k != "inputSchema")
        return "extraneous key [" + k + "] is not permitted";
    static const std::regex kName("[a-zA-Z0-9_-]{1,64}");
    if (!spec.contains("name") || !spec["name"].is_string() ||
        !std::regex_match(spec["name"].get<std::string>(), kName))
      return "toolSpec.name must match [a-zA-Z0-9_-]{1,64}";
    if (!spec.contains("inputSchema") || !spec["inputSchema"].is_object() ||
        spec["inputSchema"].size() != 1 || !spec["inputSchema"].contains("json") ||
        !spec["inputSchema"]["json"].is_object() ||
        spec["inputSchema"]["json"].value("type", "") != "object")
      return "toolSpec.inputSchema must be {json: a JSON Schema of type object}";
    names.insert(spec["name"].get<std::string>());
  }
  if (t.contains("toolChoice")) {
    const auto& c = t["toolChoice"];
    if (!c.is_object() || c.size() != 1) return "toolChoice must have one of auto, any, tool";
    if (c.contains("tool")) {
      if (!c["tool"].is_object() || !names.count(c["tool"].value("name", "")))
        return "toolChoice.tool.name must name one of the tools";
    } else if (!c.contains("auto") && !c.contains("any")) {
      return "toolChoice must have one of auto, any, tool";
    }
  }
  return "";
}

std::string FakeBedrockServer::CheckBody(const ReceivedRequest& r, nlohmann::json& body) {
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
  if (body.contains("toolConfig"))
    if (std::string bad = CheckToolConfig(body["toolConfig"]); !bad.empty()) return bad;
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

void FakeBedrockServer::Handle(const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
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
  std::string forced;  // the tool the model must answer through
  if (body.contains("toolConfig") && body["toolConfig"].contains("toolChoice") &&
      body["toolConfig"]["toolChoice"].contains("tool"))
    forced = body["toolConfig"]["toolChoice"]["tool"]["name"];
  if (!forced.empty() && refuse_tool_choice)
    return Error(res, 400, "ValidationException",
                 "This model doesn't support the toolConfig.toolChoice.tool field. Remove "
                 "toolConfig.toolChoice.tool and try again.");
  nlohmann::json content = {{{"text", reply_text}}};
  if (!forced.empty())
    content = {{{"toolUse",
                 {{"toolUseId", "tooluse_1"},
                  {"name", forced},
                  {"input", nlohmann::json::parse(reply_text)}}}}};
  res.setContentType("application/json");
  res.send() << nlohmann::json{
      {"output", {{"message", {{"role", "assistant"}, {"content", content}}}}},
      {"stopReason", forced.empty() ? "end_turn" : "tool_use"},
      {"usage", {{"inputTokens", 30}, {"outputTokens", 8}, {"totalTokens", 38}}},
      {"metrics",
       {{"latencyMs",
         120}}}}.dump();
}
}  // namespace minutes::testing
