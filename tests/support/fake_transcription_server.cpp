#include "fake_transcription_server.hpp"

#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/StreamCopier.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "audio/decoder.hpp"
#include "fake_http_server.hpp"

namespace minutes::testing {

/// Bursts of sound in 16 kHz samples as [start, end] seconds: 20 ms frames louder than the
/// silence between a synthesized meeting's lines, pauses under 0.3 s bridged.
std::vector<std::pair<double, double>> SoundBursts(const std::vector<int16_t>& pcm) {
  std::vector<std::pair<double, double>> out;
  constexpr size_t kFrame = 320;
  for (size_t at = 0; at + kFrame <= pcm.size(); at += kFrame) {
    double sum = 0;
    for (size_t i = at; i < at + kFrame; ++i) sum += static_cast<double>(pcm[i]) * pcm[i];
    if (std::sqrt(sum / kFrame) < 200) continue;
    double s = static_cast<double>(at) / 16000, e = static_cast<double>(at + kFrame) / 16000;
    if (!out.empty() && s - out.back().second < 0.3)
      out.back().second = e;
    else
      out.push_back({s, e});
  }
  return out;
}

FakeTranscriptionServer::FakeTranscriptionServer(std::string key)
    : key_(std::move(key)),
      server_(std::make_unique<FakeHttpServer>(
          [this](const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
            Handle(r, res);
          })) {}

FakeTranscriptionServer::~FakeTranscriptionServer() = default;

std::string FakeTranscriptionServer::BaseUrl() const { return server_->Url("/v1"); }

int FakeTranscriptionServer::port() const { return server_->port(); }

struct FakeTranscriptionServer::Parts : Poco::Net::PartHandler {
  std::map<std::string, std::string> files, types;
  void handlePart(const Poco::Net::MessageHeader& h, std::istream& in) override {
    std::string disposition;
    Poco::Net::NameValueCollection params;
    Poco::Net::MessageHeader::splitParameters(h.get("Content-Disposition", ""), disposition,
                                              params);
    std::string data;
    Poco::StreamCopier::copyToString(in, data);
    files[params.get("name", "")] = data;
    types[params.get("name", "")] = h.get("Content-Type", "");
  }
};

void FakeTranscriptionServer::Error(Poco::Net::HTTPServerResponse& res, int code,
                                    const std::string& message) {
  res.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(code));
  res.setContentType("application/json");
  res.send() << nlohmann::json{{"error", {{"message", message}, {"type", "invalid_request_error"}}}}
                    .dump();
}
std::string FakeTranscriptionServer::Check(const ReceivedRequest& r, Poco::Net::HTMLForm& form,
                                           Parts& parts, ReceivedAudio* audio) {
  if (r.method != "POST" || r.uri != "/v1/audio/transcriptions") return "unknown path " + r.uri;
  if (r.header("content-type").rfind("multipart/form-data", 0) != 0)
    return "Content-Type must be multipart/form-data";
  if (r.body.size() > max_upload_bytes)
    return "Maximum content size limit (" + std::to_string(max_upload_bytes) + ") exceeded";
  audio->bytes = r.body.size();
  try {
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, r.uri);
    req.setContentType(r.header("content-type"));
    std::istringstream in(r.body);
    form.load(req, in, parts);
  } catch (const std::exception& e) {
    return std::string("malformed multipart body: ") + e.what();
  }
  static const std::set<std::string> kFields = {"model",
                                                "language",
                                                "prompt",
                                                "response_format",
                                                "temperature",
                                                "timestamp_granularities[]",
                                                "chunking_strategy",
                                                "include[]",
                                                "stream"};
  for (auto& [k, v] : form)
    if (!kFields.count(k)) return "Unrecognized request argument supplied: " + k;
  if (parts.files.size() != 1 || !parts.files.count("file"))
    return "a single 'file' part is required";
  const std::string& flac = parts.files["file"];
  audio->file_bytes = flac.size();
  const bool wav = flac.compare(0, 4, "RIFF") == 0;
  if (wav && !accept_wav) return "Invalid file format: expected FLAC.";
  if (!wav && flac.compare(0, 4, "fLaC") != 0) return "Invalid file format: expected FLAC.";
  if (parts.types["file"] != (wav ? "audio/wav" : "audio/flac"))
    return "the file's Content-Type is not audio/flac or audio/wav";
  if (std::string bad = Decode(flac, &audio->seconds); !bad.empty()) return bad;
  if (!form.has("model") || form.get("model").empty()) return "you must provide a model parameter";
  audio->model = form.get("model");
  std::string format = form.get("response_format", "json");
  static const std::set<std::string> kFormats = {"json", "text", "srt", "verbose_json", "vtt"};
  if (!kFormats.count(format))
    return "response_format must be json, text, srt, verbose_json or vtt";
  for (auto it = form.find("timestamp_granularities[]");
       it != form.end() && it->first == "timestamp_granularities[]"; ++it) {
    if (it->second != "word" && it->second != "segment")
      return "timestamp_granularities must be word or segment";
    if (format != "verbose_json")
      return "timestamp_granularities requires response_format=verbose_json";
  }
  audio->language = form.get("language", "");
  if (!audio->language.empty() && audio->language.size() != 2) return "language must be ISO-639-1";
  audio->prompt = form.get("prompt", "");
  std::string hot;
  for (auto& h : expect_hotwords) hot += (hot.empty() ? "" : ", ") + h;
  if (audio->prompt.rfind(hot, 0) != 0) return "the prompt does not start with the hotwords";
  std::lock_guard lock(mu_);
  if (expect_context && !audio_.empty() &&
      audio->prompt.find(audio_.back().text) == std::string::npos)
    return "the prompt lacks the previous piece's text \"" + audio_.back().text + "\"";
  return "";
}

// Decodes FLAC bytes with FFmpeg: "" and *seconds when the file is sound, else the error.
std::string FakeTranscriptionServer::Decode(const std::string& flac, double* seconds) {
  namespace fs = std::filesystem;
  static std::atomic<int> n{0};
  fs::path path = fs::temp_directory_path() /
                  ("minutes-fake-asr-" + std::to_string(getpid()) + "-" + std::to_string(++n));
  std::ofstream(path, std::ios::binary)
      .write(flac.data(), static_cast<std::streamsize>(flac.size()));
  std::vector<int16_t> pcm;
  DecodeInfo info;
  Status st = DecodeAudio(
      path.string(),
      [&](std::span<const int16_t> b) {
        pcm.insert(pcm.end(), b.begin(), b.end());
        return Status::Ok();
      },
      &info);
  fs::remove(path);
  if (!st.ok()) return "Invalid file format: " + st.message();
  if (info.codec != "flac" && info.codec != "pcm_s16le")
    return "the file is " + info.codec + ", not FLAC or 16-bit WAV";
  *seconds = info.seconds();
  last_pcm_ = std::move(pcm);
  return "";
}

struct FakeTranscriptionServer::InFlight {
  FakeTranscriptionServer* s;
  explicit InFlight(FakeTranscriptionServer* server) : s(server) {
    std::lock_guard lock(s->mu_);
    s->max_concurrent_ = std::max(s->max_concurrent_, ++s->concurrent_);
  }
  ~InFlight() {
    std::lock_guard lock(s->mu_);
    --s->concurrent_;
  }
};

void FakeTranscriptionServer::Handle(const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
  InFlight in_flight(this);
  if (delay.count() > 0) std::this_thread::sleep_for(delay);
  if (!key_.empty() && r.header("authorization") != "Bearer " + key_)
    return Error(res, 401, "Incorrect API key provided.");
  Poco::Net::HTMLForm form;
  Parts parts;
  ReceivedAudio audio;
  std::lock_guard serial(handle_mu_);  // one request checked and answered at a time
  std::string broken = Check(r, form, parts, &audio);
  std::lock_guard lock(mu_);
  ++requests_;
  if (!broken.empty()) {
    violations_.push_back(broken);
    return Error(res, 400, broken);
  }
  if (fail_times_ > 0) {
    --fail_times_;
    if (!retry_after_.empty()) res.set("Retry-After", retry_after_);
    return Error(res, fail_status_, "scripted failure");
  }
  nlohmann::json ws = nlohmann::json::array();
  std::string text;
  auto say = [&](const std::string& w, double s, double e) {
    ws.push_back({{"word", w}, {"start", s}, {"end", e}});
    text += (text.empty() ? "" : " ") + w;
  };
  if (hear) {
    auto bursts = SoundBursts(last_pcm_);
    for (size_t i = 0; i < bursts.size(); ++i)
      say(words[i % words.size()] + (number_words ? std::to_string(audio_.size() + 1) : ""),
          bursts[i].first, bursts[i].second);
  } else {
    for (size_t i = 0; i < words.size(); ++i) {
      double s = std::min(audio.seconds, 0.1 + 0.4 * i);
      say(words[i], s, std::min(audio.seconds, s + 0.3));
    }
  }
  audio.text = text;
  audio_.push_back(audio);
  res.setContentType("application/json");
  res.send() << nlohmann::json{{"task", "transcribe"},
                               {"language", audio.language.empty() ? "english" : audio.language},
                               {"duration", audio.seconds},
                               {"text", text},
                               {"words", ws},
                               {"segments",
                                {{{"id", 0},
                                  {"start", 0.0},
                                  {"end", audio.seconds},
                                  {"text", text},
                                  {"avg_logprob", -0.1},
                                  {"no_speech_prob", 0.01}}}}}
                    .dump();
}

}  // namespace minutes::testing
