#include "fake_openai_server.hpp"

#include <Poco/Net/HTTPServerResponse.h>

#include <algorithm>
#include <regex>
#include <set>
#include <thread>

#include "fake_http_server.hpp"

namespace minutes::testing {

FakeOpenAiServer::FakeOpenAiServer(std::string key, std::string prefix)
    : key_(std::move(key)),
      prefix_(std::move(prefix)),
      server_(std::make_unique<FakeHttpServer>(
          [this](const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
            Handle(r, res);
          })) {}

FakeOpenAiServer::~FakeOpenAiServer() = default;

std::string FakeOpenAiServer::BaseUrl() const { return server_->Url(prefix_); }

std::vector<ReceivedRequest> FakeOpenAiServer::requests() { return server_->Received(); }

void FakeOpenAiServer::SendError(Poco::Net::HTTPServerResponse& res, int status,
                                 const std::string& message, const std::string& type,
                                 nlohmann::json param) {
  res.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  res.setContentType("application/json");
  res.send() << nlohmann::json{{"error",
                                {{"message", message},
                                 {"type", type},
                                 {"param", param},
                                 {"code", nullptr}}}}
                    .dump();
}
// What is wrong with a response_format, or "".
std::string FakeOpenAiServer::CheckResponseFormat(const nlohmann::json& f) {
  if (!f.is_object() || !f.contains("type") ||
      (f["type"] != "text" && f["type"] != "json_object" && f["type"] != "json_schema"))
    return "response_format.type must be text, json_object or json_schema";
  for (auto& [k, v] : f.items())
    if (k != "type" && !(k == "json_schema" && f["type"] == "json_schema"))
      return "Unrecognized response_format argument: " + k;
  if (f["type"] != "json_schema") return "";
  if (!f.contains("json_schema") || !f["json_schema"].is_object())
    return "response_format.json_schema is required";
  const auto& js = f["json_schema"];
  static const std::set<std::string> kFields = {"name", "schema", "strict", "description"};
  for (auto& [k, v] : js.items())
    if (!kFields.count(k)) return "Unrecognized json_schema argument: " + k;
  static const std::regex kName("[A-Za-z0-9_-]{1,64}");
  if (!js.contains("name") || !js["name"].is_string() ||
      !std::regex_match(js["name"].get<std::string>(), kName))
    return "json_schema.name must match ^[a-zA-Z0-9_-]{1,64}$";
  if (js.contains("schema") &&
      (!js["schema"].is_object() || js["schema"].value("type", "") != "object"))
    return "json_schema.schema must be a JSON Schema object of type object";
  if (js.contains("strict") && !js["strict"].is_boolean()) return "strict must be a boolean";
  return "";
}
// The first rule `r` breaks, or "".
std::string FakeOpenAiServer::Check(const ReceivedRequest& r, nlohmann::json& body) {
  if (r.method != "POST") return "method must be POST";
  if (r.uri.substr(0, r.uri.find('?')) != prefix_ + "/chat/completions")
    return "unknown path " + r.uri;
  if (r.header("content-type").rfind("application/json", 0) != 0)
    return "Content-Type must be application/json";
  body = nlohmann::json::parse(r.body, nullptr, false);
  if (!body.is_object()) return "the body is not a JSON object";
  static const std::set<std::string> kFields = {
      "model",           "messages",    "max_tokens",       "max_completion_tokens", "temperature",
      "top_p",           "n",           "stream",           "stream_options",        "stop",
      "response_format", "seed",        "presence_penalty", "frequency_penalty",     "user",
      "tools",           "tool_choice", "logprobs",         "top_logprobs"};
  for (auto& [k, v] : body.items())
    if (!kFields.count(k)) return "Unrecognized request argument supplied: " + k;
  if (!body.contains("model") || !body["model"].is_string() || body["model"] == "")
    return "you must provide a model parameter";
  if (!body.contains("messages") || !body["messages"].is_array() || body["messages"].empty())
    return "messages must be a non-empty array";
  static const std::set<std::string> kRoles = {"system", "developer", "user", "assistant", "tool"};
  for (auto& m : body["messages"]) {
    if (!m.is_object() || !m.contains("role") || !m["role"].is_string() ||
        !kRoles.count(m["role"].get<std::string>()))
      return "each message needs a role of system, developer, user, assistant or tool";
    if (!m.contains("content") || !m["content"].is_string())
      return "message content must be a string";
    for (auto& [k, v] : m.items())
      if (k != "role" && k != "content" && k != "name") return "unknown message field " + k;
  }
  if (body.contains("max_tokens") &&
      (!body["max_tokens"].is_number_integer() || body["max_tokens"].get<int>() < 1))
    return "max_tokens must be a positive integer";
  if (body.contains("temperature") &&
      (!body["temperature"].is_number() || body["temperature"].get<double>() < 0 ||
       body["temperature"].get<double>() > 2))
    return "temperature must be a number from 0 to 2";
  if (body.contains("response_format"))
    if (std::string bad = CheckResponseFormat(body["response_format"]); !bad.empty()) return bad;
  if (body.contains("stream") && !body["stream"].is_boolean()) return "stream must be a boolean";
  if (body.contains("stream_options") && body.value("stream", false) != true)
    return "The 'stream_options' parameter is only allowed when 'stream' is enabled.";
  return "";
}
void FakeOpenAiServer::Handle(const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
  std::string auth = r.header("authorization");
  bool azure = r.uri.find("api-version=") != std::string::npos;
  std::string given = azure                           ? r.header("api-key")
                      : auth.rfind("Bearer ", 0) == 0 ? auth.substr(7)
                                                      : "";
  if (!key_.empty() && given != key_)
    return SendError(res, 401, "Incorrect API key provided.", "invalid_request_error");
  nlohmann::json body;
  if (std::string broken = Check(r, body); !broken.empty()) {
    std::lock_guard lock(mu_);
    violations_.push_back(broken);
    return SendError(res, 400, broken, "invalid_request_error");
  }
  ScriptedReply reply;
  {
    std::lock_guard lock(mu_);
    bodies_.push_back(body);
    if (refuse_json_schema_ && body.contains("response_format") &&
        body["response_format"]["type"] == "json_schema")
      return SendError(res, 400,
                       "Invalid parameter: 'response_format' of type 'json_schema' is not "
                       "supported with this model.",
                       "invalid_request_error", "response_format");
    if (replies_.empty() && responder_) {
      reply = responder_(body);
    } else if (replies_.empty()) {
      reply.status = 500;
      reply.error_message = "no scripted reply left";
    } else {
      reply = replies_.front();
      replies_.pop_front();
    }
  }
  std::this_thread::sleep_for(reply.delay);
  for (auto& [k, v] : reply.headers) res.set(k, v);
  if (reply.status != 200) return SendError(res, reply.status, reply.error_message, "server_error");
  std::string model = body["model"];
  if (body.value("stream", false)) {
    res.setContentType("text/event-stream");
    res.setChunkedTransferEncoding(true);
    std::ostream& out = res.send();
    // The content in pieces of 5 bytes (splitting UTF-8 only at character starts).
    for (size_t i = 0; i < reply.text.size();) {
      size_t n = std::min<size_t>(5, reply.text.size() - i);
      while (i + n < reply.text.size() && (reply.text[i + n] & 0xC0) == 0x80) ++n;
      nlohmann::json chunk = {{"id", "chatcmpl-1"},
                              {"object", "chat.completion.chunk"},
                              {"model", model},
                              {"choices",
                               {{{"index", 0},
                                 {"delta", {{"content", reply.text.substr(i, n)}}},
                                 {"finish_reason", nullptr}}}}};
      out << "data: " << chunk.dump() << "\n\n";
      out.flush();
      i += n;
    }
    nlohmann::json last = {{"id", "chatcmpl-1"},
                           {"object", "chat.completion.chunk"},
                           {"model", model},
                           {"choices",
                            {{{"index", 0},
                              {"delta", nlohmann::json::object()},
                              {"finish_reason", reply.finish_reason}}}}};
    out << "data: " << last.dump() << "\n\n";
    if (body.contains("stream_options") && body["stream_options"].value("include_usage", false))
      out << "data: "
          << nlohmann::json{{"id", "chatcmpl-1"},
                            {"object", "chat.completion.chunk"},
                            {"model", model},
                            {"choices", nlohmann::json::array()},
                            {"usage",
                             {{"prompt_tokens", reply.prompt_tokens},
                              {"completion_tokens", reply.completion_tokens},
                              {"total_tokens", reply.prompt_tokens + reply.completion_tokens}}}}
                 .dump()
          << "\n\n";
    out << "data: [DONE]\n\n";
    return;
  }
  res.setContentType("application/json");
  res.send() << nlohmann::json{{"id", "chatcmpl-1"},
                               {"object", "chat.completion"},
                               {"created", 1700000000},
                               {"model", model},
                               {"choices",
                                {{{"index", 0},
                                  {"message", {{"role", "assistant"}, {"content", reply.text}}},
                                  {"finish_reason", reply.finish_reason}}}},
                               {"usage",
                                {{"prompt_tokens", reply.prompt_tokens},
                                 {"completion_tokens", reply.completion_tokens},
                                 {"total_tokens", reply.prompt_tokens + reply.completion_tokens}}}}
                    .dump();
}

}  // namespace minutes::testing
