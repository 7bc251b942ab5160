#include "asr/openai_transcriber.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/StringPartSource.h>
#include <Poco/URI.h>

#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "asr/provider_job.hpp"
#include "asr/provider_replies.hpp"
#include "net/http_client.hpp"

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
  Poco::URI uri;
  try {
    uri = Poco::URI(url);
  } catch (const Poco::Exception&) {
    return Status::BadInput("asr.engine: not a URL: " + UrlForMessages(url));
  }
  std::string scheme = uri.getScheme();
  if (scheme != "openai" && scheme != "openai+http")
    return Status::BadInput("asr.engine: unknown provider \"" + scheme + "\" in " +
                            UrlForMessages(url) + " (pocketsphinx, openai://…, openai+http://…)");
  std::string info = uri.getUserInfo();
  std::string key = info.find(':') == std::string::npos ? info : info.substr(info.find(':') + 1);
  Poco::URI::decode(key, o.api_key);
  for (const auto& [k, v] : uri.getQueryParameters()) {
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
                                UrlForMessages(url));
      if (k == "timeout_s")
        o.timeout = std::chrono::seconds(std::max(1L, n));
      else
        o.retries = static_cast<int>(std::min(n, 10L));
    } else {
      return Status::BadInput("asr.engine: unknown parameter \"" + k + "\" in " +
                              UrlForMessages(url));
    }
  }
  std::string port = uri.getPort() != 0 ? ":" + std::to_string(uri.getPort()) : "";
  o.base_url = std::string(scheme == "openai" ? "https" : "http") + "://" + uri.getHost() + port +
               uri.getPath();
  while (!o.base_url.empty() && o.base_url.back() == '/') o.base_url.pop_back();
  return o;
}

OpenAiTranscriber::OpenAiTranscriber(OpenAiTranscriberOptions options) : o_(std::move(options)) {}

Result<std::unique_ptr<TranscriberSession>> OpenAiTranscriber::NewSession() {
  return std::unique_ptr<TranscriberSession>(new OpenAiSession(this));
}

Result<std::vector<Word>> OpenAiTranscriber::Transcribe(std::span<const int16_t> samples,
                                                        double offset_s) {
  Poco::Net::HTMLForm form;
  form.setEncoding(Poco::Net::HTMLForm::ENCODING_MULTIPART);
  form.set("model", o_.model);
  form.set("response_format", "verbose_json");
  form.add("timestamp_granularities[]", "word");
  form.add("timestamp_granularities[]", "segment");
  if (!o_.language.empty()) form.set("language", o_.language);
  if (!o_.hotwords.empty()) {
    std::string prompt;
    for (const auto& h : o_.hotwords) prompt += (prompt.empty() ? "" : ", ") + h;
    form.set("prompt", prompt);
  }
  form.addPart("file",
               new Poco::Net::StringPartSource(WavBytes(samples), "audio/wav", "utterance.wav"));
  Poco::Net::HTTPRequest shape(Poco::Net::HTTPRequest::HTTP_POST, "/",
                               Poco::Net::HTTPMessage::HTTP_1_1);
  form.prepareSubmit(shape);
  std::ostringstream body;
  form.write(body);
  HttpRequest r = HttpRequest::Post(o_.base_url + "/audio/transcriptions",
                                    {{"Content-Type", shape.getContentType()}}, body.str());
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
