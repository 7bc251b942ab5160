#include "asr/openai_transcriber.hpp"

#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "asr/provider_job.hpp"
#include "asr/provider_replies.hpp"
#include "net/http_client.hpp"
#include "net/url.hpp"

namespace minutes {
namespace {

class OpenAiSession : public TranscriberSession {
 public:
  explicit OpenAiSession(OpenAiTranscriber* t) : t_(t) {}
  Result<std::vector<Word>> Transcribe(std::span<const int16_t> samples, double offset_s) override {
    return t_->Transcribe(samples, offset_s);
  }

 private:
  OpenAiTranscriber* t_;
};

// A multipart/form-data body (RFC 7578) built in memory: fields, then files.
class FormData {
 public:
  FormData() : boundary_("minutes-" + RandomHex(32)) {}
  void Field(const std::string& name, const std::string& value) {
    body_ += "--" + boundary_ + "\r\nContent-Disposition: form-data; name=\"" + name +
             "\"\r\n\r\n" + value + "\r\n";
  }
  void File(const std::string& name, const std::string& filename, const std::string& type,
            const std::string& bytes) {
    body_ += "--" + boundary_ + "\r\nContent-Disposition: form-data; name=\"" + name +
             "\"; filename=\"" + filename + "\"\r\nContent-Type: " + type + "\r\n\r\n";
    body_ += bytes;
    body_ += "\r\n";
  }
  std::string content_type() const { return "multipart/form-data; boundary=" + boundary_; }
  /// The body, closed; the form is empty afterwards.
  std::string Take() { return std::move(body_) + "--" + boundary_ + "--\r\n"; }

 private:
  std::string boundary_;  // 32 random hex digits: never inside the content in practice
  std::string body_;
};

}  // namespace

std::string WavBytes(std::span<const int16_t> samples, int rate) {
  uint32_t data = static_cast<uint32_t>(samples.size() * 2);
  std::string w = "RIFF";
  auto u32 = [&](uint32_t v) { w.append(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](uint16_t v) { w.append(reinterpret_cast<const char*>(&v), 2); };
  u32(36 + data);
  w += "WAVEfmt ";
  u32(16);
  u16(1);
  u16(1);
  u32(static_cast<uint32_t>(rate));
  u32(static_cast<uint32_t>(rate * 2));
  u16(2);
  u16(16);
  w += "data";
  u32(data);
  w.append(reinterpret_cast<const char*>(samples.data()), data);
  return w;
}

Result<OpenAiTranscriberOptions> ParseOpenAiAsrUrl(const std::string& url) {
  OpenAiTranscriberOptions o;
  auto uri = ParseUrl(url);
  if (!uri.ok())
    return Status::BadInput("asr.engine: not a URL (" + uri.status().message() +
                            "): " + UrlWithoutCredentials(url));
  std::string scheme = uri->scheme;
  if (scheme != "openai" && scheme != "openai+http")
    return Status::BadInput("asr.engine: unknown provider \"" + scheme + "\" in " +
                            UrlWithoutCredentials(url) +
                            " (pocketsphinx, openai://…, openai+http://…)");
  // openai://:KEY@host (or openai://KEY@host): the key is the password, or the whole user info.
  o.api_key = uri->user_info.find(':') == std::string::npos ? uri->User() : uri->Password();
  auto params = uri->Params();
  if (!params.ok())
    return Status::BadInput("asr.engine: " + params.status().message() + " in " +
                            UrlWithoutCredentials(url));
  for (const auto& [k, v] : *params) {
    if (k == "model") {
      o.model = v;
    } else if (k == "name") {
      o.provider = v;
    } else if (k == "key_env") {
      const char* env = std::getenv(v.c_str());
      if (env == nullptr || !*env)
        return Status::BadInput("asr.engine: key_env names " + v + ", which is not set");
      o.api_key = env;
    } else if (k == "in_flight") {
      auto n = NumberParam("asr.engine: in_flight", v, 1, 256);
      if (!n.ok()) return n.status();
      o.in_flight = static_cast<int>(*n);
    } else if (k == "timeout_s" || k == "retries") {
      char* end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n < 0 || n > 3600)
        return Status::BadInput("asr.engine: " + k + " must be a whole number in " +
                                UrlWithoutCredentials(url));
      if (k == "timeout_s")
        o.timeout = std::chrono::seconds(std::max(1L, n));
      else
        o.retries = static_cast<int>(std::min(n, 10L));
    } else {
      return Status::BadInput("asr.engine: unknown parameter \"" + k + "\" in " +
                              UrlWithoutCredentials(url));
    }
  }
  o.base_url =
      std::string(scheme == "openai" ? "https" : "http") + "://" + uri->HostPort() + uri->path;
  while (!o.base_url.empty() && o.base_url.back() == '/') o.base_url.pop_back();
  return o;
}

OpenAiTranscriber::OpenAiTranscriber(OpenAiTranscriberOptions options) : o_(std::move(options)) {}

Result<std::unique_ptr<TranscriberSession>> OpenAiTranscriber::NewSession() {
  return std::unique_ptr<TranscriberSession>(new OpenAiSession(this));
}

Result<std::vector<Word>> OpenAiTranscriber::Transcribe(std::span<const int16_t> samples,
                                                        double offset_s) {
  FormData form;
  form.Field("model", o_.model);
  form.Field("response_format", "verbose_json");
  form.Field("timestamp_granularities[]", "word");
  form.Field("timestamp_granularities[]", "segment");
  if (!o_.language.empty()) form.Field("language", o_.language);
  if (!o_.hotwords.empty()) {
    std::string prompt;
    for (const auto& h : o_.hotwords) prompt += (prompt.empty() ? "" : ", ") + h;
    form.Field("prompt", prompt);
  }
  form.File("file", "utterance.wav", "audio/wav", WavBytes(samples));
  std::string type = form.content_type();
  HttpRequest r = HttpRequest::Post(o_.base_url + "/audio/transcriptions", {{"Content-Type", type}},
                                    form.Take());
  if (!o_.api_key.empty()) r.headers.push_back({"Authorization", "Bearer " + o_.api_key});
  r.timeout = o_.timeout;
  Result<HttpResponse> res = Status::Internal("unset");
  for (int attempt = 0;; ++attempt) {
    {
      ProviderSlot slot(o_.provider + " " + o_.base_url, o_.in_flight);
      res = http_.Send(r);
    }
    bool passing = !res.ok() || res->status == 429 || res->status >= 500;
    if (!passing || attempt >= o_.retries) break;
    double wait = res.ok() ? RetryAfterSeconds(*res) : -1;
    if (wait < 0) wait = 0.5 * (1 << attempt);
    if (wait > 30) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int64_t>(wait * 1000)));
  }
  if (!res.ok()) return Status(res.status().kind(), o_.provider + ": " + res.status().message());
  if (res->status < 200 || res->status >= 300) {
    std::string detail;
    auto e = nlohmann::json::parse(res->body, nullptr, false);
    if (e.is_object() && e.contains("error") && e["error"].is_object())
      detail = e["error"].value("message", "");
    std::string msg =
        Name() + ": HTTP " + std::to_string(res->status) + (detail.empty() ? "" : ": " + detail);
    if (res->status == 429 || res->status >= 500)
      return Status(ErrorKind::kUnavailable, msg).WithRetryAfter(RetryAfterSeconds(*res));
    return Status::BadInput(msg);
  }
  double span = static_cast<double>(samples.size()) / 16000.0;
  return ParseOpenAiTranscription(Name(), res->body, span, offset_s);
}

}  // namespace minutes
