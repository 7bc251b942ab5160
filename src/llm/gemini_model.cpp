#include "llm/gemini_model.hpp"

#include <cctype>
#include <nlohmann/json.hpp>
#include <set>

#include "llm/openai_chat_model.hpp"
#include "llm/provider_replies.hpp"

namespace minutes {
namespace {

// The error reply's details of google.rpc type `type` ("RetryInfo", "ErrorInfo"); null when
// there is none.
nlohmann::json ErrorDetail(const std::string& body, const std::string& type) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("error") || !j["error"].is_object() ||
      !j["error"].contains("details") || !j["error"]["details"].is_array())
    return nullptr;
  for (const auto& d : j["error"]["details"])
    if (d.is_object() && d.value("@type", "") == "type.googleapis.com/google.rpc." + type) return d;
  return nullptr;
}

// google.rpc.RetryInfo's retryDelay ("12s", "0.5s") in the error details; -1 when absent.
double RetryDelay(const std::string& body) {
  auto d = ErrorDetail(body, "RetryInfo");
  if (!d.is_object() || !d.contains("retryDelay") || !d["retryDelay"].is_string()) return -1;
  return std::atof(d["retryDelay"].get<std::string>().c_str());
}

// google.rpc.ErrorInfo's reason ("API_KEY_INVALID"), Google's code for which error it was;
// "" when absent.
std::string ErrorReason(const std::string& body) {
  auto d = ErrorDetail(body, "ErrorInfo");
  return d.is_object() && d.contains("reason") && d["reason"].is_string()
             ? d["reason"].get<std::string>()
             : "";
}

std::string UpperType(const nlohmann::json& t) {
  std::string s = t.is_string() ? t.get<std::string>() : "string";
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

nlohmann::json GeminiSchema(const nlohmann::json& schema) {
  nlohmann::json out = nlohmann::json::object();
  if (!schema.is_object()) return out;
  static const std::set<std::string> kCopied = {"description", "format",   "enum",
                                                "required",    "minItems", "maxItems",
                                                "nullable",    "minimum",  "maximum"};
  for (auto& [k, v] : schema.items()) {
    if (k == "type" && v.is_array()) {  // ["string", "null"]: nullable string
      for (const auto& t : v)
        if (t == "null")
          out["nullable"] = true;
        else
          out["type"] = UpperType(t);
    } else if (k == "type") {
      out["type"] = UpperType(v);
    } else if (k == "properties" && v.is_object()) {
      for (auto& [name, sub] : v.items()) out["properties"][name] = GeminiSchema(sub);
    } else if (k == "items") {
      out["items"] = GeminiSchema(v);
    } else if (kCopied.count(k)) {
      out[k] = v;
    }
  }
  return out;
}

GeminiModel::GeminiModel(GeminiOptions options, Clock clock)
    : o_(std::move(options)), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return std::chrono::steady_clock::now(); };
  while (!o_.base_url.empty() && o_.base_url.back() == '/') o_.base_url.pop_back();
  rest_until_.assign(o_.keys.size(), {});
}

std::string GeminiModel::Body(const CompletionRequest& request) const {
  nlohmann::json contents = nlohmann::json::array();
  for (const auto& m : request.messages)
    contents.push_back(
        {{"role", m.role == "assistant" ? "model" : "user"}, {"parts", {{{"text", m.content}}}}});
  nlohmann::json config = {{"temperature", request.temperature},
                           {"maxOutputTokens", request.max_tokens}};
  if (request.json_mode) config["responseMimeType"] = "application/json";
  if (request.json_mode && request.schema)
    config["responseSchema"] = GeminiSchema(request.schema->schema);
  nlohmann::json body = {{"contents", contents}, {"generationConfig", config}};
  if (!request.system.empty())
    body["systemInstruction"] = {{"parts", {{{"text", request.system}}}}};
  return body.dump();
}

int GeminiModel::NextKey(double* wait_s) {
  std::lock_guard lock(mu_);
  auto now = clock_();
  *wait_s = -1;
  for (size_t tried = 0; tried < o_.keys.size(); ++tried) {
    size_t k = next_++ % o_.keys.size();
    if (rest_until_[k] <= now) return static_cast<int>(k);
    double left = std::chrono::duration<double>(rest_until_[k] - now).count();
    if (*wait_s < 0 || left < *wait_s) *wait_s = left;
  }
  return -1;
}

void GeminiModel::Rest(int key, double seconds) {
  std::lock_guard lock(mu_);
  rest_until_[key] = clock_() + std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

Result<Completion> GeminiModel::Complete(const CompletionRequest& request) {
  if (o_.keys.empty()) return Status::BadInput(Name() + ": no API key");
  std::string body = Body(request);
  Status last;
  for (size_t attempt = 0; attempt < o_.keys.size(); ++attempt) {
    double wait_s = -1;
    int key = NextKey(&wait_s);
    if (key < 0)
      return Status(ErrorKind::kUnavailable, Name() + ": every key is resting after quota errors" +
                                                 (last.ok() ? "" : " (" + last.message() + ")"))
          .WithRetryAfter(wait_s);
    HttpRequest r = HttpRequest::Post(
        o_.base_url + "/models/" + o_.model + ":generateContent",
        {{"Content-Type", "application/json"}, {"x-goog-api-key", o_.keys[key]}}, body);
    r.timeout = o_.timeout;
    auto res = http_.Send(r);
    if (!res.ok()) return Status(res.status().kind(), "gemini: " + res.status().message());
    if (res->status == 429 || res->status == 401 || res->status == 403 ||
        (res->status == 400 && ErrorReason(res->body) == "API_KEY_INVALID")) {
      // This key is out of quota (or not valid): rest it, let the next key serve.
      last = ProviderHttpError(Name() + " key " + std::to_string(key + 1), *res);
      double delay = RetryDelay(res->body);
      if (delay < 0) delay = RetryAfterSeconds(*res);
      if (res->status != 429) delay = 3600;
      Rest(key, delay >= 0 ? delay : 60);
      continue;
    }
    if (res->status < 200 || res->status >= 300) return ProviderHttpError(Name(), *res);
    auto reply = ParseGeminiReply(Name(), res->body);
    if (!reply.ok()) return reply.status();
    Completion c = std::move(*reply);
    if (c.model.empty()) c.model = o_.model;
    c.provider = "gemini";
    c.seconds = res->seconds;
    return c;
  }
  double wait_s = -1;
  (void)NextKey(&wait_s);
  return Status(ErrorKind::kUnavailable, last.message()).WithRetryAfter(wait_s);
}

}  // namespace minutes
