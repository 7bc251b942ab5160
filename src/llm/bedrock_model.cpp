#include "llm/bedrock_model.hpp"

#include <nlohmann/json.hpp>

#include "crypto/sha256.hpp"
#include "llm/openai_chat_model.hpp"
#include "llm/provider_replies.hpp"

namespace minutes {

BedrockModel::BedrockModel(BedrockOptions options, Clock clock)
    : o_(std::move(options)), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return std::chrono::system_clock::now(); };
  if (o_.endpoint.empty()) o_.endpoint = "https://bedrock-runtime." + o_.region + ".amazonaws.com";
  while (!o_.endpoint.empty() && o_.endpoint.back() == '/') o_.endpoint.pop_back();
}

std::string BedrockModel::Body(const CompletionRequest& request, bool with_schema) const {
  nlohmann::json messages = nlohmann::json::array();
  for (const auto& m : request.messages)
    messages.push_back({{"role", m.role == "assistant" ? "assistant" : "user"},
                        {"content", {{{"text", m.content}}}}});
  nlohmann::json body = {
      {"messages", messages},
      {"inferenceConfig",
       {{"maxTokens", request.max_tokens}, {"temperature", request.temperature}}}};
  std::string system = request.system;
  if (request.json_mode && request.schema && with_schema) {
    // Structured output on Converse is a tool the model must call: its input is the reply.
    body["toolConfig"] = {{"tools",
                           {{{"toolSpec",
                              {{"name", request.schema->name},
                               {"description", "Give the reply as this tool's input."},
                               {"inputSchema", {{"json", request.schema->schema}}}}}}}},
                          {"toolChoice", {{"tool", {{"name", request.schema->name}}}}}};
  } else if (request.json_mode) {
    system += "\nReply with one JSON object and nothing else.";
  }
  if (!system.empty()) body["system"] = {{{"text", system}}};
  return body.dump();
}

Result<Completion> BedrockModel::Complete(const CompletionRequest& request) {
  bool with_schema = request.json_mode && request.schema && !schema_refused_;
  auto c = Send(request, with_schema);
  if (with_schema && !c.ok() && c.status().kind() == ErrorKind::kFailedPrecondition) {
    auto plain = Send(request, false);
    // Refused only the tool when the same request without it goes through.
    if (plain.ok()) schema_refused_ = true;
    return plain;
  }
  return c;
}

Result<Completion> BedrockModel::Send(const CompletionRequest& request, bool with_schema) {
  if (o_.credentials.access_key.empty() || o_.credentials.secret_key.empty())
    return Status::BadInput(Name() +
                            ": no AWS credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)");
  std::string scheme = o_.endpoint.substr(0, o_.endpoint.find("://"));
  std::string host = o_.endpoint.substr(scheme.size() + 3);
  // The path as sent has the model id percent-encoded once ("…v1%3A0"); SigV4 for services
  // other than S3 encodes the path once more in the canonical request.
  std::string path = "/model/" + UriEncode(o_.model, true) + "/converse";
  std::string body = Body(request, with_schema);
  SigV4Request sr{"POST", host, path, {}, {{"content-type", "application/json"}}, Sha256Hex(body)};
  SigV4Scope scope{o_.region, "bedrock", AmzDate(clock_())};
  SignedRequest signed_req = SignV4(sr, o_.credentials, scope);
  HttpRequest r =
      HttpRequest::Post(o_.endpoint + path, {{"Content-Type", "application/json"}}, body);
  for (auto& h : signed_req.headers) r.headers.push_back(h);
  r.timeout = o_.timeout;
  auto res = http_.Send(r);
  if (!res.ok()) return Status(res.status().kind(), "bedrock: " + res.status().message());
  auto type = res->headers.find("x-amzn-errortype");
  if (with_schema && res->status == 400 && type != res->headers.end() &&
      type->second.rfind("ValidationException", 0) == 0)  // maybe the tool: Complete retries
    return Status::FailedPrecondition(ProviderHttpError(Name(), *res).message());
  if (res->status < 200 || res->status >= 300) return ProviderHttpError(Name(), *res);
  auto reply = ParseBedrockReply(Name(), res->body);
  if (!reply.ok()) return reply.status();
  Completion c = std::move(*reply);
  c.model = o_.model;
  c.provider = "bedrock";
  c.seconds = res->seconds;
  return c;
}

}  // namespace minutes
