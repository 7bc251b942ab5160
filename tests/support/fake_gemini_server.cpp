#include "fake_gemini_server.hpp"

#include <Poco/Net/HTTPServerResponse.h>

#include "fake_http_server.hpp"

namespace minutes::testing {

FakeGeminiServer::FakeGeminiServer(std::set<std::string> keys)
    : keys_(std::move(keys)),
      server_(std::make_unique<FakeHttpServer>(
          [this](const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
            Handle(r, res);
          })) {}

FakeGeminiServer::~FakeGeminiServer() = default;

std::string FakeGeminiServer::BaseUrl() const { return server_->Url("/v1beta"); }

void FakeGeminiServer::Error(Poco::Net::HTTPServerResponse& res, int code,
                             const std::string& status, const std::string& message,
                             nlohmann::json details) {
  res.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(code));
  res.setContentType("application/json");
  res.send() << nlohmann::json{{"error",
                                {{"code", code},
                                 {"message", message},
                                 {"status", status},
                                 {"details", details}}}}
                    .dump();
}

std::string FakeGeminiServer::CheckSchema(const nlohmann::json& s, const std::string& path) {
  if (!s.is_object()) return path + " must be a Schema object";
  static const std::set<std::string> kFields = {
      "type",      "format",    "title",      "description", "nullable",      "enum",
      "maxItems",  "minItems",  "properties", "required",    "minProperties", "maxProperties",
      "minLength", "maxLength", "pattern",    "example",     "anyOf",         "propertyOrdering",
      "default",   "items",     "minimum",    "maximum"};
  for (auto& [k, v] : s.items())
    if (!kFields.count(k))
      return "Invalid JSON payload received. Unknown name \"" + k + "\" at '" + path + "'";
  static const std::set<std::string> kTypes = {"STRING",  "NUMBER", "INTEGER",
                                               "BOOLEAN", "ARRAY",  "OBJECT"};
  if (!s.contains("type") || !s["type"].is_string() || !kTypes.count(s["type"].get<std::string>()))
    return "Invalid value at '" + path + ".type': " + s.value("type", nlohmann::json()).dump();
  if (s.contains("nullable") && !s["nullable"].is_boolean())
    return path + ".nullable must be a boolean";
  if (s["type"] == "ARRAY") {
    if (!s.contains("items")) return path + ".items: missing for an ARRAY";
    if (auto bad = CheckSchema(s["items"], path + ".items"); !bad.empty()) return bad;
  }
  if (s.contains("properties")) {
    if (s["type"] != "OBJECT" || !s["properties"].is_object())
      return path + ".properties only for an OBJECT";
    for (auto& [k, v] : s["properties"].items())
      if (auto bad = CheckSchema(v, path + ".properties[" + k + "]"); !bad.empty()) return bad;
  }
  if (s.contains("required"))
    for (auto& r : s["required"])
      if (!r.is_string() || !s.contains("properties") || !s["properties"].contains(r))
        return path + ".required names a property it does not have";
  return "";
}

std::string FakeGeminiServer::Check(const ReceivedRequest& r, nlohmann::json& body,
                                    std::string* model) {
  if (r.method != "POST") return "method must be POST";
  const std::string prefix = "/v1beta/models/", suffix = ":generateContent";
  if (r.uri.rfind(prefix, 0) != 0 || r.uri.size() <= prefix.size() + suffix.size() ||
      r.uri.compare(r.uri.size() - suffix.size(), suffix.size(), suffix) != 0)
    return "unknown path " + r.uri;
  *model = r.uri.substr(prefix.size(), r.uri.size() - prefix.size() - suffix.size());
  if (r.header("content-type").rfind("application/json", 0) != 0)
    return "Content-Type must be application/json";
  body = nlohmann::json::parse(r.body, nullptr, false);
  if (!body.is_object()) return "Invalid JSON payload received.";
  static const std::set<std::string> kTop = {
      "contents", "systemInstruction", "generationConfig", "safetySettings",
      "tools",    "toolConfig",        "cachedContent"};
  for (auto& [k, v] : body.items())
    if (!kTop.count(k)) return "Invalid JSON payload received. Unknown name \"" + k + "\"";
  if (!body.contains("contents") || !body["contents"].is_array() || body["contents"].empty())
    return "contents is not specified";
  auto parts_ok = [](const nlohmann::json& parts) {
    if (!parts.is_array() || parts.empty()) return false;
    for (auto& p : parts)
      if (!p.is_object() || !p.contains("text") || !p["text"].is_string() || p.size() != 1)
        return false;
    return true;
  };
  for (auto& c : body["contents"]) {
    if (!c.is_object() || !c.contains("role") || (c["role"] != "user" && c["role"] != "model"))
      return "Please use a valid role: user, model.";
    if (!c.contains("parts") || !parts_ok(c["parts"])) return "contents.parts must be text parts";
  }
  if (body.contains("systemInstruction") &&
      (!body["systemInstruction"].is_object() || !body["systemInstruction"].contains("parts") ||
       !parts_ok(body["systemInstruction"]["parts"])))
    return "systemInstruction must be {parts: [{text}]}";
  if (body.contains("generationConfig")) {
    static const std::set<std::string> kConfig = {"temperature",
                                                  "maxOutputTokens",
                                                  "topP",
                                                  "topK",
                                                  "candidateCount",
                                                  "stopSequences",
                                                  "responseMimeType",
                                                  "responseSchema",
                                                  "presencePenalty",
                                                  "frequencyPenalty",
                                                  "seed"};
    for (auto& [k, v] : body["generationConfig"].items())
      if (!kConfig.count(k))
        return "Invalid JSON payload received. Unknown name \"" + k + "\" at 'generation_config'";
    const auto& g = body["generationConfig"];
    if (g.contains("responseMimeType") && g["responseMimeType"] != "text/plain" &&
        g["responseMimeType"] != "application/json" && g["responseMimeType"] != "text/x.enum")
      return "unsupported responseMimeType";
    if (g.contains("maxOutputTokens") && !g["maxOutputTokens"].is_number_integer())
      return "maxOutputTokens must be an integer";
    if (g.contains("responseSchema")) {
      if (g.value("responseMimeType", "") != "application/json")
        return "responseSchema needs responseMimeType application/json";
      if (auto bad = CheckSchema(g["responseSchema"], "generation_config.response_schema");
          !bad.empty())
        return bad;
    }
  }
  return "";
}

void FakeGeminiServer::Handle(const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
  std::string key = r.header("x-goog-api-key");
  if (!keys_.count(key))
    return Error(
        res, 400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
        {{{"@type", "type.googleapis.com/google.rpc.ErrorInfo"}, {"reason", "API_KEY_INVALID"}}});
  nlohmann::json body;
  std::string model;
  std::string delay;
  {
    std::lock_guard lock(mu_);
    used_.push_back(key);
    if (std::string broken = Check(r, body, &model); !broken.empty()) {
      violations_.push_back(broken);
      return Error(res, 400, "INVALID_ARGUMENT", broken);
    }
    bodies_.push_back(body);
    auto& queue = exhausted_[key];
    if (!queue.empty()) {
      delay = queue.front();
      queue.pop_front();
    }
  }
  if (!delay.empty())
    return Error(res, 429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).",
                 {{{"@type", "type.googleapis.com/google.rpc.RetryInfo"}, {"retryDelay", delay}}});
  res.setContentType("application/json");
  res.send() << nlohmann::json{
      {"candidates",
       {{{"content", {{"parts", {{{"text", reply_text}}}}, {"role", "model"}}},
         {"finishReason", "STOP"},
         {"index", 0}}}},
      {"usageMetadata",
       {{"promptTokenCount", 20}, {"candidatesTokenCount", 5}, {"totalTokenCount", 25}}},
      {"modelVersion",
       model}}.dump();
}
}  // namespace minutes::testing
