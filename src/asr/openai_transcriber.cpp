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

// Words split from a segment's text, spread evenly over its time (servers without word times).
std::vector<Word> Spread(const nlohmann::json& seg) {
  std::vector<Word> out;
  std::istringstream in(seg.value("text", ""));
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  double start = seg.value("start", 0.0), end = seg.value("end", start);
  double step = words.empty() ? 0 : (end - start) / static_cast<double>(words.size());
  for (size_t i = 0; i < words.size(); ++i)
    out.push_back({words[i], start + step * static_cast<double>(i),
                   start + step * static_cast<double>(i + 1), 0.5});
  return out;
}

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
  auto j = nlohmann::json::parse(res->body, nullptr, false);
  if (!j.is_object()) return Status(ErrorKind::kUnavailable, Name() + ": the reply is not JSON");
  // Confidence per segment from its average log-probability, when the server gives one.
  std::vector<std::pair<double, double>> seg_conf;  // (end, confidence)
  if (j.contains("segments") && j["segments"].is_array())
    for (const auto& s : j["segments"])
      if (s.contains("avg_logprob") && s["avg_logprob"].is_number())
        seg_conf.push_back({s.value("end", 0.0), std::exp(s["avg_logprob"].get<double>())});
  auto confidence = [&](double t) {
    for (auto& [end, c] : seg_conf)
      if (t <= end + 1e-6) return std::clamp(c, 0.0, 1.0);
    return 0.9;
  };
  std::vector<Word> words;
  double span = static_cast<double>(samples.size()) / 16000.0;
  if (j.contains("words") && j["words"].is_array() && !j["words"].empty()) {
    for (const auto& w : j["words"]) {
      if (!w.contains("word") || !w["word"].is_string()) continue;
      std::string text = w["word"];
      while (!text.empty() && text.front() == ' ') text.erase(0, 1);
      if (text.empty()) continue;
      double s = std::clamp(w.value("start", 0.0), 0.0, span);
      double e = std::clamp(w.value("end", s), s, span);
      words.push_back({text, offset_s + s, offset_s + e, confidence(s)});
    }
  } else if (j.contains("segments") && j["segments"].is_array()) {
    for (const auto& seg : j["segments"])
      for (auto w : Spread(seg)) {
        w.start = offset_s + std::clamp(w.start, 0.0, span);
        w.end = offset_s + std::clamp(w.end, w.start - offset_s, span);
        words.push_back(w);
      }
  } else if (j.contains("text") && j["text"].is_string()) {
    for (auto w : Spread({{"text", j["text"]}, {"start", 0.0}, {"end", span}})) {
      w.start += offset_s;
      w.end += offset_s;
      words.push_back(w);
    }
  }
  return words;
}

}  // namespace minutes
