#pragma once
// An OpenAI-compatible speech-to-text server for tests, checking requests the way the API
// reference describes /v1/audio/transcriptions (multipart/form-data: file, model, language,
// prompt, response_format, temperature, timestamp_granularities[]; word timestamps only with
// verbose_json; 25 MB at most). It cannot hear: it answers every file with the words it is
// given, at fixed times inside the file, and records each file's duration and the prompt.
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/StreamCopier.h>

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "fake_http_server.hpp"

namespace minutes::testing {

struct ReceivedAudio {
  double seconds = 0;
  std::string model, prompt, language;
};

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
    if (r.body.size() > 25u * 1024 * 1024) return "Maximum content size limit (26214400) exceeded";
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
    const std::string& wav = parts.files["file"];
    if (wav.size() < 44 || wav.compare(0, 4, "RIFF") != 0 || wav.compare(8, 4, "WAVE") != 0)
      return "Invalid file format.";
    uint32_t rate = 0, data = 0;
    std::memcpy(&rate, wav.data() + 24, 4);
    std::memcpy(&data, wav.data() + 40, 4);
    if (rate == 0 || data != wav.size() - 44) return "Invalid file format.";
    audio->seconds = data / 2.0 / rate;
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
    return "";
  }

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
    std::string broken = Check(r, form, parts, &audio);
    std::lock_guard lock(mu_);
    if (!broken.empty()) {
      violations_.push_back(broken);
      return Error(res, 400, broken);
    }
    if (fail_times_ > 0) {
      --fail_times_;
      if (!retry_after_.empty()) res.set("Retry-After", retry_after_);
      return Error(res, fail_status_, "scripted failure");
    }
    audio_.push_back(audio);
    nlohmann::json ws = nlohmann::json::array();
    std::string text;
    for (size_t i = 0; i < words.size(); ++i) {
      double s = std::min(audio.seconds, 0.1 + 0.4 * i), e = std::min(audio.seconds, s + 0.3);
      ws.push_back({{"word", words[i]}, {"start", s}, {"end", e}});
      text += (text.empty() ? "" : " ") + words[i];
    }
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
  std::mutex mu_;
  int fail_status_ = 0, fail_times_ = 0;
  std::string retry_after_;
  std::vector<ReceivedAudio> audio_;
  std::vector<std::string> violations_;
  FakeHttpServer server_;
};

}  // namespace minutes::testing
