#include "llm/openai_chat_model.hpp"

#include <nlohmann/json.hpp>

#include "core/json_read.hpp"
#include "llm/provider_replies.hpp"

namespace minutes {

Status ProviderHttpError(const std::string& name, const HttpResponse& r) {
  std::string detail;
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("error")) {  // OpenAI, Gemini: {"error": {"message"}}
    const auto& e = j["error"];
    detail = e.is_object() ? e.value("message", "") : e.is_string() ? e.get<std::string>() : "";
  } else if (j.is_object() && j.contains("message") && j["message"].is_string()) {  // AWS
    detail = j["message"];
  } else {
    detail = r.body.substr(0, 200);
  }
  std::string message =
      name + ": HTTP " + std::to_string(r.status) + (detail.empty() ? "" : ": " + detail);
  bool passing = r.status == 429 || r.status == 408 || r.status >= 500;
  if (!passing) return Status::BadInput(message);
  return Status(ErrorKind::kUnavailable, message).WithRetryAfter(RetryAfterSeconds(r));
}

bool RefusesJsonSchema(const HttpResponse& r) {
  if (r.status != 400) return false;
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  const auto& e = JsonMember(j, "error");
  std::string param = JsonString(JsonMember(e, "param"));
  std::string code = JsonString(JsonMember(e, "code"));
  auto names = [](const std::string& field, const char* what) {
    return field.find(what) != std::string::npos;
  };
  return names(param, "response_format") || names(code, "response_format") ||
         names(code, "json_schema");
}

OpenAiChatModel::OpenAiChatModel(OpenAiChatOptions options) : o_(std::move(options)) {
  while (!o_.base_url.empty() && o_.base_url.back() == '/') o_.base_url.pop_back();
}

std::string OpenAiChatModel::Body(const CompletionRequest& request, bool with_schema) const {
  nlohmann::json messages = nlohmann::json::array();
  if (!request.system.empty())
    messages.push_back({{"role", "system"}, {"content", request.system}});
  for (const auto& m : request.messages)
    messages.push_back({{"role", m.role}, {"content", m.content}});
  nlohmann::json body = {{"model", o_.model},
                         {"messages", messages},
                         {"max_tokens", request.max_tokens},
                         {"temperature", request.temperature}};
  if (request.json_mode && request.schema && with_schema) {
    // strict: false — strict mode refuses optional fields and most schemas written for humans.
    body["response_format"] = {
        {"type", "json_schema"},
        {"json_schema",
         {{"name", request.schema->name}, {"schema", request.schema->schema}, {"strict", false}}}};
  } else if (request.json_mode) {
    body["response_format"] = {{"type", "json_object"}};
  }
  if (o_.stream) {
    body["stream"] = true;
    body["stream_options"] = {{"include_usage", true}};
  }
  return body.dump();
}

Result<Completion> OpenAiChatModel::Complete(const CompletionRequest& request) {
  bool with_schema = request.json_mode && request.schema && !schema_refused_;
  auto c = Send(request, with_schema);
  if (with_schema && !c.ok() && c.status().kind() == ErrorKind::kFailedPrecondition) {
    schema_refused_ = true;  // this server (model) does not take json_schema: json_object it is
    return Send(request, false);
  }
  return c;
}

Result<Completion> OpenAiChatModel::Send(const CompletionRequest& request, bool with_schema) {
  HttpRequest r;
  r.url = o_.base_url + "/chat/completions";
  r.headers = {{"Content-Type", "application/json"}};
  if (!o_.azure_api_version.empty()) {
    r.url += "?api-version=" + o_.azure_api_version;
    r.headers.push_back({"api-key", o_.api_key});
  } else if (!o_.api_key.empty()) {
    r.headers.push_back({"Authorization", "Bearer " + o_.api_key});
  }
  r.body = Body(request, with_schema);
  r.timeout = o_.timeout;
  std::string text;
  Completion streamed;
  Status stream_error;
  SseParser sse([&](const std::string&, const std::string& data) {
    if (data == "[DONE]" || !stream_error.ok()) return;
    auto chunk = nlohmann::json::parse(data, nullptr, false);
    if (!chunk.is_object()) {
      stream_error = Status(ErrorKind::kUnavailable, Name() + ": a stream event is not JSON");
      return;
    }
    if (chunk.contains("error")) {
      stream_error = Status(ErrorKind::kUnavailable, Name() + ": " + chunk["error"].dump());
      return;
    }
    if (chunk.contains("model") && chunk["model"].is_string()) streamed.model = chunk["model"];
    if (chunk.contains("choices") && chunk["choices"].is_array() && !chunk["choices"].empty()) {
      const auto& c = chunk["choices"][0];
      if (c.contains("delta") && c["delta"].contains("content") &&
          c["delta"]["content"].is_string())
        text += c["delta"]["content"].get<std::string>();
      if (c.contains("finish_reason") && c["finish_reason"] == "length") streamed.truncated = true;
    }
    if (chunk.contains("usage") && chunk["usage"].is_object()) {
      streamed.tokens_in = chunk["usage"].value("prompt_tokens", 0);
      streamed.tokens_out = chunk["usage"].value("completion_tokens", 0);
    }
  });
  if (o_.stream)
    r.on_data = [&](std::string_view chunk) {
      sse.Feed(chunk);
      return Status::Ok();
    };
  auto res = http_.Send(r);
  if (!res.ok()) return Status(res.status().kind(), o_.provider + ": " + res.status().message());
  if (with_schema && RefusesJsonSchema(*res))  // a kind of its own, so Complete can fall back
    return Status::FailedPrecondition(ProviderHttpError(Name(), *res).message());
  if (res->status < 200 || res->status >= 300) return ProviderHttpError(Name(), *res);
  if (!stream_error.ok()) return stream_error;
  return Parse(*res, text, streamed);
}

Result<Completion> OpenAiChatModel::Parse(const HttpResponse& res, const std::string& streamed,
                                          Completion out) const {
  out.provider = o_.provider;
  out.seconds = res.seconds;
  if (o_.stream) {
    out.text = streamed;
    if (out.model.empty()) out.model = o_.model;
    return out;
  }
  auto reply = ParseOpenAiChatReply(Name(), res.body);
  if (!reply.ok()) return reply.status();
  out.text = std::move(reply->text);
  out.truncated = reply->truncated;
  out.model = reply->model.empty() ? o_.model : std::move(reply->model);
  out.tokens_in = reply->tokens_in;
  out.tokens_out = reply->tokens_out;
  return out;
}

}  // namespace minutes
