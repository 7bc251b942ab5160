#pragma once
// An OpenAI-compatible speech-to-text server for tests, checking requests the way the API
// reference describes /v1/audio/transcriptions (multipart/form-data: file, model, language,
// prompt, response_format, temperature, timestamp_granularities[]; word timestamps only with
// verbose_json; 25 MB at most) and the way this service promises to send them: the audio as
// FLAC (decoded here with FFmpeg), the hotwords at the start of every prompt, the previous
// answer's text in the prompt. It cannot hear words: it answers every file with the words it is
// given at fixed times inside the file or, when `hear` is set, one word at each burst of sound
// it finds in the audio (at the burst's time); it records each request.
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/StreamCopier.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "audio/decoder.hpp"
#include "fake_http_server.hpp"

namespace minutes::testing {

struct ReceivedAudio {
  double seconds = 0;
  size_t bytes = 0;       ///< the request body's size
  size_t file_bytes = 0;  ///< the audio file's size in it
  std::string model, prompt, language;
  std::string text;  ///< what the server answered
};

/// Bursts of sound in 16 kHz samples as [start, end] seconds: 20 ms frames louder than the
/// silence between a synthesized meeting's lines, pauses under 0.3 s bridged.
inline std::vector<std::pair<double, double>> SoundBursts(const std::vector<int16_t>& pcm) {
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

class FakeTranscriptionServer {
 public:
  explicit FakeTranscriptionServer(std::string key = "sk-asr")
      : key_(std::move(key)),
        server_([this](const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
          Handle(r, res);
        }) {}
  std::string BaseUrl() const { return server_.Url("/v1"); }
  int port() const { return server_.port(); }
  std::vector<std::string> words = {"hello", "world"};
  /// Answer one word per burst of sound (`words` in turn).
  bool hear = false;
  /// Number the words by request ("hello3"), so that each answer's text is its own.
  bool number_words = false;
  /// Every prompt must start with these, joined by ", " (empty: not checked).
  std::vector<std::string> expect_hotwords;
  /// Every request after the first must carry the previous answer's text in its prompt (for
  /// requests sent one after another).
  bool expect_context = false;
  size_t max_upload_bytes = 25u * 1024 * 1024;
  /// Take WAV files too (servers that read WAV only are set up with accept_wav and no FLAC).
  bool accept_wav = false;
  /// Every request that reached the server, well-formed or not.
  int requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  void FailNext(int status, int times, const std::string& retry_after = "") {
    std::lock_guard lock(mu_);
    fail_status_ = status;
    fail_times_ = times;
    retry_after_ = retry_after;
  }
  std::vector<ReceivedAudio> audio() {
    std::lock_guard lock(mu_);
    return audio_;
  }
  std::vector<std::string> violations() {
    std::lock_guard lock(mu_);
    return violations_;
  }

 private:
  struct Parts : Poco::Net::PartHandler {
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
  static void Error(Poco::Net::HTTPServerResponse& res, int code, const std::string& message) {
    res.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(code));
    res.setContentType("application/json");
    res.send() << nlohmann::json{{"error",
                                  {{"message", message}, {"type", "invalid_request_error"}}}}
                      .dump();
  }
  std::string Check(const ReceivedRequest& r, Poco::Net::HTMLForm& form, Parts& parts,
                    ReceivedAudio* audio) {
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
    if (!form.has("model") || form.get("model").empty())
      return "you must provide a model parameter";
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
    if (!audio->language.empty() && audio->language.size() != 2)
      return "language must be ISO-639-1";
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
  std::string Decode(const std::string& flac, double* seconds) {
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
  std::vector<int16_t> last_pcm_;  // the audio of the request being answered (Handle's lock)

 public:
  /// Each reply waits this long (to see how many requests a client has in flight).
  std::chrono::milliseconds delay{0};
  int max_concurrent() {
    std::lock_guard lock(mu_);
    return max_concurrent_;
  }

 private:
  struct InFlight {
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
  int concurrent_ = 0, max_concurrent_ = 0;

 private:
  void Handle(const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
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

  std::string key_;
  std::mutex handle_mu_, mu_;
  int requests_ = 0;
  int fail_status_ = 0, fail_times_ = 0;
  std::string retry_after_;
  std::vector<ReceivedAudio> audio_;
  std::vector<std::string> violations_;
  FakeHttpServer server_;
};

}  // namespace minutes::testing
