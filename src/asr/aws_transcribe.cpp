#include "asr/aws_transcribe.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>

#include "asr/provider_job.hpp"
#include "core/text.hpp"
#include "crypto/sha256.hpp"
#include "net/url.hpp"

namespace minutes {
namespace {

using nlohmann::json;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// "com.amazonaws.transcribe#BadRequestException" → "BadRequestException".
std::string ErrorType(const HttpResponse& r, const json& body) {
  std::string t = r.headers.count("x-amzn-errortype") ? r.headers.at("x-amzn-errortype") : "";
  if (body.is_object() && body.contains("__type") && body["__type"].is_string())
    t = body["__type"].get<std::string>();
  t = t.substr(0, t.find(':'));
  if (t.find('#') != std::string::npos) t = t.substr(t.find('#') + 1);
  return t;
}

}  // namespace

Result<AwsTranscribeOptions> ParseTranscribeUrl(const std::string& url) {
  AwsTranscribeOptions o;
  auto uri = ParseUrl(url);
  if (!uri.ok())
    return Status::BadInput("asr.engine: not a URL (" + uri.status().message() + "): " + url);
  if (uri->scheme != "transcribe")
    return Status::BadInput("asr.engine: not a transcribe:// URL: " + url);
  o.region = uri->host;
  if (o.region.empty())
    return Status::BadInput("asr.engine: no region in " + url + " (transcribe://REGION)");
  auto params = uri->Params();
  if (!params.ok())
    return Status::BadInput("asr.engine: " + params.status().message() + " in " + url);
  for (const auto& [k, v] : *params) {
    auto ms = [&](std::chrono::milliseconds* out, double lo, double hi) -> Status {
      auto n = NumberParam("asr.engine: " + k, v, lo, hi);
      if (!n.ok()) return n.status();
      *out = std::chrono::milliseconds(static_cast<int64_t>(*n * 1000));
      return Status::Ok();
    };
    Status s;
    if (k == "endpoint") {
      o.endpoint = v;
    } else if (k == "name") {
      o.name = v;
    } else if (k == "max_speakers") {
      auto n = NumberParam("asr.engine: max_speakers", v, 2, 30);
      if (!n.ok()) return n.status();
      o.max_speakers = static_cast<int>(*n);
    } else if (k == "in_flight") {
      auto n = NumberParam("asr.engine: in_flight", v, 1, 256);
      if (!n.ok()) return n.status();
      o.in_flight = static_cast<int>(*n);
    } else if (k == "retries") {
      auto n = NumberParam("asr.engine: retries", v, 0, 10);
      if (!n.ok()) return n.status();
      o.retries = static_cast<int>(*n);
    } else if (k == "poll_s") {
      s = ms(&o.poll, 0.01, 600);
    } else if (k == "poll_max_s") {
      s = ms(&o.poll_max, 0.01, 600);
    } else if (k == "timeout_s") {
      s = ms(&o.timeout, 1, 48 * 3600);
    } else if (k == "vocabulary_wait_s") {
      s = ms(&o.vocabulary_wait, 0, 3600);
    } else if (k == "backoff_s") {
      s = ms(&o.backoff, 0.01, 60);
    } else {
      return Status::BadInput("asr.engine: unknown parameter \"" + k + "\" in " + url);
    }
    if (!s.ok()) return s;
  }
  if (o.endpoint.empty()) o.endpoint = "https://transcribe." + o.region + ".amazonaws.com";
  while (!o.endpoint.empty() && o.endpoint.back() == '/') o.endpoint.pop_back();
  o.credentials = {Env("AWS_ACCESS_KEY_ID"), Env("AWS_SECRET_ACCESS_KEY"),
                   Env("AWS_SESSION_TOKEN")};
  return o;
}

Result<std::string> TranscribeLanguageCode(const std::string& language) {
  static const std::map<std::string, std::string> kCodes = {
      {"en", "en-US"}, {"zh", "zh-CN"}, {"de", "de-DE"}, {"fr", "fr-FR"}, {"es", "es-US"},
      {"it", "it-IT"}, {"ja", "ja-JP"}, {"ko", "ko-KR"}, {"pt", "pt-BR"}, {"nl", "nl-NL"},
      {"ru", "ru-RU"}, {"hi", "hi-IN"}, {"ar", "ar-SA"}, {"tr", "tr-TR"}, {"sv", "sv-SE"}};
  if (language.empty() || language == "auto") return std::string();
  if (language.size() == 5 && language[2] == '-') return language;
  auto it = kCodes.find(language);
  if (it == kCodes.end())
    return Status::BadInput("amazon transcribe: no language code for \"" + language +
                            "\" (give one such as en-GB, or auto)");
  return it->second;
}

AwsTranscribeTranscriber::AwsTranscribeTranscriber(AwsTranscribeOptions options,
                                                   std::unique_ptr<MediaStage> stage)
    : o_(std::move(options)), stage_(std::move(stage)) {}

Result<std::unique_ptr<TranscriberSession>> AwsTranscribeTranscriber::NewSession() {
  return std::unique_ptr<TranscriberSession>(new WholeRecordingsOnlySession);
}

Result<std::string> AwsTranscribeTranscriber::Call(const std::string& op, const std::string& body) {
  if (o_.credentials.access_key.empty() || o_.credentials.secret_key.empty())
    return Status::BadInput(o_.name +
                            ": no AWS credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)");
  std::string scheme = o_.endpoint.substr(0, o_.endpoint.find("://"));
  std::string host = o_.endpoint.substr(scheme.size() + 3);
  host = host.substr(0, host.find('/'));
  const std::string target = "Transcribe." + op, type = "application/x-amz-json-1.1";
  for (int attempt = 0;; ++attempt) {
    SigV4Request sr{
        "POST", host, "/", {}, {{"content-type", type}, {"x-amz-target", target}}, Sha256Hex(body)};
    SignedRequest signed_req = SignV4(
        sr, o_.credentials, {o_.region, "transcribe", AmzDate(std::chrono::system_clock::now())});
    HttpRequest r = HttpRequest::Post(o_.endpoint + "/",
                                      {{"Content-Type", type}, {"X-Amz-Target", target}}, body);
    for (auto& h : signed_req.headers) r.headers.push_back(h);
    r.timeout = std::chrono::milliseconds(60000);
    auto res = http_.Send(r);
    std::string why;
    bool again = false;
    if (!res.ok()) {
      why = res.status().message();
      again = true;
    } else if (res->status >= 200 && res->status < 300) {
      return res->body;
    } else {
      auto j = json::parse(res->body, nullptr, false);
      std::string t = ErrorType(*res, j);
      std::string msg = j.is_object() ? j.value("message", j.value("Message", "")) : "";
      why = "HTTP " + std::to_string(res->status) + (t.empty() ? "" : " " + t) +
            (msg.empty() ? "" : ": " + msg);
      again = res->status >= 500 || res->status == 429 || t == "LimitExceededException" ||
              t == "ThrottlingException" || t == "InternalFailureException";
      if (!again)
        return Status(t == "NotFoundException" ? ErrorKind::kNotFound : ErrorKind::kUnavailable,
                      o_.name + ": " + op + ": " + why)
            .WithCode(t);
    }
    if (!again || attempt >= o_.retries)
      return Status(ErrorKind::kUnavailable, o_.name + ": " + op + ": " + why + " (after " +
                                                 std::to_string(attempt + 1) + " tries)");
    auto wait = o_.backoff * (1 << std::min(attempt, 6));
    if (res.ok()) {
      double ra = RetryAfterSeconds(*res);
      if (ra > 0) wait = std::chrono::milliseconds(static_cast<int64_t>(std::min(ra, 60.0) * 1000));
    }
    SleepUnlessCanceled(wait, nullptr);
  }
}

std::string AwsTranscribeTranscriber::Vocabulary(const std::string& code,
                                                 const RecordingRequest& request) {
  json phrases = json::array();
  std::string all = code;
  for (std::string h : o_.hotwords) {
    std::replace(h.begin(), h.end(), ' ', '-');  // multi-word phrases are hyphenated
    if (h.empty() || h.size() > 256) continue;
    phrases.push_back(h);
    all += "\n" + h;
  }
  if (phrases.empty() || code.empty()) return "";
  // One vocabulary per distinct word list, shared by every task that uses it.
  std::string name = "minutes-" + Sha256Hex(all).substr(0, 24);
  json get = {{"VocabularyName", name}};
  auto state = Call("GetVocabulary", get.dump());
  if (!state.ok() && state.status().kind() == ErrorKind::kNotFound) {
    json create = {{"VocabularyName", name}, {"LanguageCode", code}, {"Phrases", phrases}};
    auto made = Call("CreateVocabulary", create.dump());
    // Another task made it since GetVocabulary: theirs is the same word list, wait for it.
    if (!made.ok() && made.status().code() == "ConflictException")
      made = Call("GetVocabulary", get.dump());
    if (!made.ok()) return "";
    state = made;
  }
  auto until = std::chrono::steady_clock::now() + o_.vocabulary_wait;
  for (int n = 0; state.ok(); ++n) {
    auto j = json::parse(*state, nullptr, false);
    std::string s = j.is_object() ? j.value("VocabularyState", "") : "";
    if (s == "READY") return name;
    if (s == "FAILED" || std::chrono::steady_clock::now() > until) return "";
    if (!SleepUnlessCanceled(PollDelay(n, o_.poll, o_.poll_max), request.canceled)) return "";
    state = Call("GetVocabulary", get.dump());
  }
  return "";
}

Result<RecordingTranscript> AwsTranscribeTranscriber::TranscribeRecording(
    const RecordingRequest& request) {
  ProviderSlot slot(o_.name + " " + o_.endpoint, o_.in_flight);  // waits for a free place
  auto code = TranscribeLanguageCode(o_.language);
  if (!code.ok()) return code.status();
  std::string vocabulary = Vocabulary(*code, request);
  auto media = stage_->Put(request.wav_path);
  if (!media.ok()) return media.status();
  if (media->s3_uri.empty()) {
    stage_->Remove(*media);
    return Status::BadInput(o_.name + ": the media store has no s3:// URI");
  }
  std::string job_name = "minutes-" + RandomHex(24);
  json start = {{"TranscriptionJobName", job_name},
                {"Media", {{"MediaFileUri", media->s3_uri}}},
                {"MediaFormat", "wav"},
                {"MediaSampleRateHertz", 16000}};
  if (code->empty())
    start["IdentifyLanguage"] = true;
  else
    start["LanguageCode"] = *code;
  json settings = json::object();
  if (request.speakers != 1) {
    settings["ShowSpeakerLabels"] = true;
    settings["MaxSpeakerLabels"] =
        request.speakers > 1 ? std::min(request.speakers, 30) : o_.max_speakers;
  }
  if (!vocabulary.empty()) settings["VocabularyName"] = vocabulary;
  if (!settings.empty()) start["Settings"] = settings;
  auto started = Call("StartTranscriptionJob", start.dump());
  auto finish = [&](Status s) -> Status {
    if (started.ok())
      (void)Call("DeleteTranscriptionJob", json{{"TranscriptionJobName", job_name}}.dump());
    stage_->Remove(*media);
    return s;
  };
  if (!started.ok()) return finish(started.status());
  if (request.progress) request.progress(0.05);
  auto t0 = std::chrono::steady_clock::now();
  json job;
  for (int n = 0;; ++n) {
    if (!SleepUnlessCanceled(PollDelay(n, o_.poll, o_.poll_max), request.canceled))
      return finish(Status(ErrorKind::kUnavailable, o_.name + ": canceled"));
    auto got = Call("GetTranscriptionJob", json{{"TranscriptionJobName", job_name}}.dump());
    if (!got.ok()) return finish(got.status());
    auto j = json::parse(*got, nullptr, false);
    if (!j.is_object() || !j.contains("TranscriptionJob"))
      return finish(Status(ErrorKind::kUnavailable, o_.name + ": GetTranscriptionJob: no job"));
    job = j["TranscriptionJob"];
    std::string s = job.value("TranscriptionJobStatus", "");
    if (s == "COMPLETED") break;
    if (s == "FAILED")
      return finish(Status(ErrorKind::kUnavailable, o_.name + ": the job failed: " +
                                                        job.value("FailureReason", "no reason")));
    double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (request.progress)
      request.progress(
          s == "QUEUED" ? 0.1 : 0.2 + 0.7 * std::min(1.0, waited / (request.seconds * 0.25 + 30)));
    if (std::chrono::steady_clock::now() - t0 > o_.timeout)
      return finish(Status(ErrorKind::kUnavailable, o_.name + ": the job did not finish in time"));
  }
  std::string uri;
  if (job.contains("Transcript") && job["Transcript"].is_object())
    uri = job["Transcript"].value("TranscriptFileUri", "");
  if (uri.empty())
    return finish(
        Status(ErrorKind::kUnavailable, o_.name + ": the finished job has no transcript"));
  HttpRequest get;
  get.method = "GET";
  get.url = uri;  // presigned by the service
  get.timeout = std::chrono::milliseconds(300000);
  auto file = http_.Send(get);
  if (!file.ok()) return finish(file.status());
  if (file->status != 200)
    return finish(Status(ErrorKind::kUnavailable, o_.name + ": reading the transcript: HTTP " +
                                                      std::to_string(file->status)));
  auto parsed = ParseTranscribeTranscript(file->body);
  if (!parsed.ok()) return finish(parsed.status());
  if (parsed->language.empty() && job.contains("LanguageCode") && job["LanguageCode"].is_string())
    parsed->language = job["LanguageCode"].get<std::string>().substr(0, 2);
  (void)finish(Status::Ok());
  if (request.progress) request.progress(1);
  return parsed;
}

}  // namespace minutes
