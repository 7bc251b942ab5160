#include "asr/openai_transcriber.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "asr/provider_job.hpp"
#include "asr/provider_replies.hpp"
#include "audio/flac.hpp"
#include "core/json_read.hpp"
#include "core/text.hpp"
#include "net/http_client.hpp"
#include "net/url.hpp"

namespace minutes {
namespace {

// One run of consecutive pieces: each goes up with the end of the previous one's text.
class OpenAiSession : public TranscriberSession {
 public:
  explicit OpenAiSession(OpenAiTranscriber* t) : t_(t) {}
  Result<std::vector<Word>> Transcribe(std::span<const int16_t> samples, double offset_s) override {
    std::string text;
    auto words = t_->Transcribe(samples, offset_s, previous_, &text, stop_);
    if (words.ok()) previous_ = std::move(text);
    return words;
  }
  // A piece takes minutes at the provider: a cancel stops the request in flight.
  void SetStop(const std::atomic<bool>* stop) override { stop_ = stop; }

 private:
  OpenAiTranscriber* t_;
  std::string previous_;
  const std::atomic<bool>* stop_ = nullptr;
};

// Form fields, multipart framing and the JSON reply's room, on top of the audio (bytes).
constexpr int64_t kRequestOverhead = 64 * 1024;
// What FLAC adds to the PCM it holds at worst (frame headers, verbatim subframes): well under 2%.
constexpr double kFlacWorstRatio = 1.02;

// The end of `text`: its last `max_words` words, at most `max_bytes` bytes (cut at a character
// for text without spaces, such as Chinese).
std::string Tail(const std::string& text, size_t max_words, size_t max_bytes) {
  size_t end = text.find_last_not_of(' ');
  if (end == std::string::npos) return "";
  ++end;
  size_t from = end, pos = end, words = 0;
  while (words < max_words && pos > 0) {
    while (pos > 0 && text[pos - 1] == ' ') --pos;
    if (pos == 0) break;
    size_t space = text.find_last_of(' ', pos - 1);
    size_t start = space == std::string::npos ? 0 : space + 1;
    if (end - start > max_bytes) break;
    from = pos = start;
    ++words;
  }
  if (from == end) {  // the last word alone is too long (text without spaces): its end
    from = end - max_bytes;
    while (from < end && (static_cast<unsigned char>(text[from]) & 0xC0) == 0x80) ++from;
  }
  return text.substr(from, end - from);
}

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
                            "): " + MaskUrl(url));
  std::string scheme = uri->scheme;
  if (scheme != "openai" && scheme != "openai+http")
    return Status::BadInput("asr.engine: unknown provider \"" + scheme + "\" in " + MaskUrl(url) +
                            " (pocketsphinx, openai://…, openai+http://…)");
  // openai://:KEY@host (or openai://KEY@host): the key is the password, or the whole user info.
  o.api_key = uri->user_info.find(':') == std::string::npos ? uri->User() : uri->Password();
  auto params = uri->Params();
  if (!params.ok())
    return Status::BadInput("asr.engine: " + params.status().message() + " in " + MaskUrl(url));
  bool timeout_given = false;
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
    } else if (k == "piece_s") {
      auto n = NumberParam("asr.engine: piece_s", v, 10, 3600);
      if (!n.ok()) return n.status();
      o.piece_s = *n;
    } else if (k == "audio") {
      if (v != "flac" && v != "wav")
        return Status::BadInput("asr.engine: audio must be flac or wav in " + MaskUrl(url));
      o.wav = v == "wav";
    } else if (k == "max_upload_mb") {
      auto n = NumberParam("asr.engine: max_upload_mb", v, 1, 1024);
      if (!n.ok()) return n.status();
      o.max_upload_bytes = static_cast<int64_t>(*n * 1024 * 1024);
    } else if (k == "timeout_s" || k == "retries") {
      char* end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n < 0 || n > 3600)
        return Status::BadInput("asr.engine: " + k + " must be a whole number in " + MaskUrl(url));
      if (k == "timeout_s")
        o.timeout = std::chrono::seconds(std::max(1L, n)), timeout_given = true;
      else
        o.retries = static_cast<int>(std::min(n, 10L));
    } else {
      return Status::BadInput("asr.engine: unknown parameter \"" + k + "\" in " + MaskUrl(url));
    }
  }
  // A slow self-hosted server takes a while over a piece of minutes: unless told otherwise, it
  // gets as long as the piece lasts.
  if (!timeout_given)
    o.timeout = std::max<std::chrono::milliseconds>(
        o.timeout, std::chrono::milliseconds(static_cast<int64_t>(o.piece_s * 1000)));
  o.base_url =
      std::string(scheme == "openai" ? "https" : "http") + "://" + uri->HostPort() + uri->path;
  while (!o.base_url.empty() && o.base_url.back() == '/') o.base_url.pop_back();
  return o;
}

OpenAiTranscriber::OpenAiTranscriber(OpenAiTranscriberOptions options) : o_(std::move(options)) {}

Result<std::unique_ptr<TranscriberSession>> OpenAiTranscriber::NewSession() {
  return std::unique_ptr<TranscriberSession>(new OpenAiSession(this));
}

PiecePacking OpenAiTranscriber::Packing() const {
  PiecePacking p;
  // FLAC of 16-bit PCM is never much larger than the PCM (32000 bytes a second): a piece no
  // longer than this fits the upload limit without encoding it first.
  const double fits =
      static_cast<double>(o_.max_upload_bytes - kRequestOverhead) / (kFlacWorstRatio * 2 * 16000);
  p.piece_s = std::max(1.0, std::min(o_.piece_s, fits));
  p.runs = o_.in_flight;
  return p;
}

std::string PiecePrompt(const std::vector<std::string>& hotwords, const std::string& previous) {
  std::string prompt;
  for (const auto& h : hotwords) prompt += (prompt.empty() ? "" : ", ") + h;
  std::string before = Tail(previous, 100, 600);
  if (!before.empty()) prompt += (prompt.empty() ? "" : ". ") + before;
  return prompt;
}

Result<std::vector<Word>> OpenAiTranscriber::Transcribe(std::span<const int16_t> samples,
                                                        double offset_s,
                                                        const std::string& previous,
                                                        std::string* text,
                                                        const std::atomic<bool>* stop) {
  auto audio = o_.wav ? Result<std::string>(WavBytes(samples)) : EncodeFlac(samples, 16000);
  if (!audio.ok()) return audio.status();
  FormData form;
  form.Field("model", o_.model);
  form.Field("response_format", "verbose_json");
  form.Field("timestamp_granularities[]", "word");
  form.Field("timestamp_granularities[]", "segment");
  if (!o_.language.empty()) form.Field("language", o_.language);
  if (std::string prompt = PiecePrompt(o_.hotwords, previous); !prompt.empty())
    form.Field("prompt", prompt);
  if (static_cast<int64_t>(audio->size()) + kRequestOverhead > o_.max_upload_bytes)
    return Status::Internal(
        Name() + ": a piece of " + FormatSeconds(static_cast<double>(samples.size()) / 16000.0) +
        " came to " + std::to_string(audio->size()) + " bytes, over the provider's upload limit");
  if (o_.wav)
    form.File("file", "piece.wav", "audio/wav", *audio);
  else
    form.File("file", "piece.flac", "audio/flac", *audio);
  std::string type = form.content_type();
  HttpRequest r = HttpRequest::Post(o_.base_url + "/audio/transcriptions", {{"Content-Type", type}},
                                    form.Take());
  if (!o_.api_key.empty()) r.headers.push_back({"Authorization", "Bearer " + o_.api_key});
  r.timeout = o_.timeout;
  r.cancel = stop;
  Result<HttpResponse> res = Status::Internal("unset");
  for (int attempt = 0;; ++attempt) {
    if (stop != nullptr && stop->load()) return Status::Unavailable(Name() + ": canceled");
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
  auto words = ParseOpenAiTranscription(Name(), res->body, span, offset_s);
  if (words.ok() && text != nullptr)
    *text = JsonString(JsonMember(nlohmann::json::parse(res->body, nullptr, false), "text"));
  return words;
}

}  // namespace minutes
