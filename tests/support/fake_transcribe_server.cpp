#include "fake_transcribe_server.hpp"

#include <Poco/Net/HTTPServerResponse.h>

#include <regex>

#include "fake_http_server.hpp"
#include "sigv4_check.hpp"

namespace minutes::testing {

FakeTranscribeServer::FakeTranscribeServer(AwsCredentials creds, std::string region,
                                           std::string s3_endpoint)
    : creds_(std::move(creds)),
      region_(std::move(region)),
      s3_(std::move(s3_endpoint)),
      server_(std::make_unique<FakeHttpServer>(
          [this](const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
            Handle(r, res);
          })) {}

FakeTranscribeServer::~FakeTranscribeServer() = default;

std::string FakeTranscribeServer::Endpoint() const { return server_->Url(); }

void FakeTranscribeServer::Send(Poco::Net::HTTPServerResponse& res, int status, const json& body) {
  res.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  res.setContentType("application/x-amz-json-1.1");
  res.set("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000");
  res.send() << body.dump();
}

std::string FakeTranscribeServer::Keys(const json& body, const std::set<std::string>& allowed,
                                       const std::set<std::string>& required) {
  if (!body.is_object()) return "the request body is not a JSON object";
  for (auto& [k, v] : body.items())
    if (!allowed.count(k)) return "Unknown parameter in input: \"" + k + "\"";
  for (auto& k : required)
    if (!body.contains(k)) return "Missing required parameter in input: \"" + k + "\"";
  return "";
}

bool FakeTranscribeServer::NameOk(const json& v) {
  static const std::regex kName("^[0-9a-zA-Z._-]{1,200}$");
  return v.is_string() && std::regex_match(v.get<std::string>(), kName);
}

std::string FakeTranscribeServer::ReadMedia(const std::string& uri, std::string* why) {
  if (uri.rfind("s3://", 0) != 0) {
    *why =
        "The URI that you provided doesn't point to an S3 object. Make sure that the "
        "object exists and try your request again.";
    return "";
  }
  int status = 0;
  std::string body = HttpGet(s3_ + "/" + uri.substr(5), &status);
  if (status != 200)
    *why =
        "The S3 URI that you provided can't be accessed. Make sure that you have read "
        "permission and try your request again.";
  return body;
}

FakeTranscribeServer::Refusal FakeTranscribeServer::Start(const json& b) {
  static const std::set<std::string> kTop = {"TranscriptionJobName",
                                             "LanguageCode",
                                             "MediaSampleRateHertz",
                                             "MediaFormat",
                                             "Media",
                                             "OutputBucketName",
                                             "OutputKey",
                                             "OutputEncryptionKMSKeyId",
                                             "KMSEncryptionContext",
                                             "Settings",
                                             "ModelSettings",
                                             "JobExecutionSettings",
                                             "ContentRedaction",
                                             "IdentifyLanguage",
                                             "IdentifyMultipleLanguages",
                                             "LanguageOptions",
                                             "Subtitles",
                                             "Tags",
                                             "LanguageIdSettings",
                                             "ToxicityDetection"};
  if (auto bad = Keys(b, kTop, {"TranscriptionJobName", "Media"}); !bad.empty())
    return {400, "BadRequestException", bad};
  if (!NameOk(b["TranscriptionJobName"]))
    return {400, "BadRequestException", "TranscriptionJobName must match ^[0-9a-zA-Z._-]+"};
  int language_ways = b.contains("LanguageCode") + b.contains("IdentifyLanguage") +
                      b.contains("IdentifyMultipleLanguages");
  if (language_ways != 1)
    return {400, "BadRequestException",
            "Specify exactly one of LanguageCode, IdentifyLanguage or IdentifyMultipleLanguages."};
  if (b.contains("LanguageCode") &&
      !std::regex_match(b["LanguageCode"].get<std::string>(), std::regex("^[a-z]{2}-[A-Z]{2}$")))
    return {400, "BadRequestException", "1 validation error detected: LanguageCode"};
  if (!b["Media"].is_object() || !b["Media"].contains("MediaFileUri") ||
      !b["Media"]["MediaFileUri"].is_string())
    return {400, "BadRequestException", "Media.MediaFileUri is required"};
  static const std::set<std::string> kFormats = {"mp3", "mp4", "wav",  "flac",
                                                 "ogg", "amr", "webm", "m4a"};
  if (b.contains("MediaFormat") && !kFormats.count(b["MediaFormat"].get<std::string>()))
    return {400, "BadRequestException",
            "MediaFormat is not one of mp3|mp4|wav|flac|ogg|amr|webm|m4a"};
  if (b.contains("MediaSampleRateHertz") &&
      (!b["MediaSampleRateHertz"].is_number_integer() || b["MediaSampleRateHertz"] < 8000 ||
       b["MediaSampleRateHertz"] > 48000))
    return {400, "BadRequestException", "MediaSampleRateHertz must be 8000..48000"};
  if (b.contains("Settings")) {
    const json& s = b["Settings"];
    static const std::set<std::string> kSettings = {
        "VocabularyName",   "ShowSpeakerLabels", "MaxSpeakerLabels",     "ChannelIdentification",
        "ShowAlternatives", "MaxAlternatives",   "VocabularyFilterName", "VocabularyFilterMethod"};
    if (auto bad = Keys(s, kSettings, {}); !bad.empty()) return {400, "BadRequestException", bad};
    bool show = s.value("ShowSpeakerLabels", false);
    if (show != s.contains("MaxSpeakerLabels"))
      return {400, "BadRequestException",
              "If you set ShowSpeakerLabels to true, you must also set MaxSpeakerLabels."};
    if (s.contains("MaxSpeakerLabels") && (!s["MaxSpeakerLabels"].is_number_integer() ||
                                           s["MaxSpeakerLabels"] < 2 || s["MaxSpeakerLabels"] > 30))
      return {400, "BadRequestException", "MaxSpeakerLabels must be 2..30"};
    if (show && s.value("ChannelIdentification", false))
      return {400, "BadRequestException",
              "You can't set both ShowSpeakerLabels and ChannelIdentification."};
    if (s.contains("VocabularyName")) {
      if (!b.contains("LanguageCode"))
        return {400, "BadRequestException",
                "With language identification, give vocabularies in LanguageIdSettings."};
      auto v = vocab_.find(s["VocabularyName"].get<std::string>());
      if (v == vocab_.end())
        return {400, "BadRequestException",
                "The requested vocabulary couldn't be found. Check the vocabulary name and "
                "try your request again."};
      if (v->second.polls <= vocabulary_pending_polls)
        return {400, "BadRequestException", "The vocabulary isn't ready yet."};
      if (v->second.language != b["LanguageCode"])
        return {400, "BadRequestException",
                "The vocabulary's language doesn't match the job's language."};
    }
  }
  std::string name = b["TranscriptionJobName"];
  if (jobs_.count(name))
    return {400, "ConflictException",
            "The requested job name already exists. Use a different job name."};
  TranscribeJob job;
  job.request = b;
  if (b.contains("Settings") && b["Settings"].contains("VocabularyName"))
    job.vocabulary = vocab_[b["Settings"]["VocabularyName"].get<std::string>()].phrases;
  std::string why, media = ReadMedia(b["Media"]["MediaFileUri"], &why);
  if (why.empty() && b.value("MediaFormat", "wav") == "wav") {
    std::string bad = CheckWav(media, b.value("MediaSampleRateHertz", 16000), &job.seconds);
    if (!bad.empty()) why = "Invalid file format: " + bad;
  }
  job.failure = why.empty() ? fail_jobs_with : why;
  jobs_[name] = job;
  return {200, "", ""};
}

FakeTranscribeServer::json FakeTranscribeServer::JobJson(const std::string& name,
                                                         const TranscribeJob& job,
                                                         const std::string& state) {
  json j = {{"TranscriptionJobName", name},
            {"TranscriptionJobStatus", state},
            {"MediaFormat", job.request.value("MediaFormat", "wav")},
            {"Media", job.request["Media"]},
            {"CreationTime", 1.7e9}};
  if (job.request.contains("LanguageCode"))
    j["LanguageCode"] = job.request["LanguageCode"];
  else
    j["LanguageCode"] = "en-US";  // what identification "found"
  if (job.request.contains("Settings")) j["Settings"] = job.request["Settings"];
  if (state == "FAILED") j["FailureReason"] = job.failure;
  if (state == "COMPLETED")
    j["Transcript"] = {{"TranscriptFileUri",
                        server_->Url("/transcripts/" + name +
                                     ".json?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=0")}};
  return j;
}

FakeTranscribeServer::json FakeTranscribeServer::TranscriptJson(const std::string& name,
                                                                const TranscribeJob& job) {
  bool speakers =
      job.request.contains("Settings") && job.request["Settings"].value("ShowSpeakerLabels", false);
  int max = speakers ? job.request["Settings"]["MaxSpeakerLabels"].get<int>() : 0;
  json items = json::array(), segments = json::array();
  std::string text;
  std::set<std::string> seen;
  auto t = [](double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.3f", v);
    return std::string(b);
  };
  for (const auto& w : ScriptWords(script, job.seconds)) {
    std::string word = w.text, punct;
    while (!word.empty() && std::strchr(",.?!", word.back())) {
      punct = word.back() + punct;
      word.pop_back();
    }
    std::string label = w.speaker;
    if (speakers) {
      seen.insert(label);
      if (static_cast<int>(seen.size()) > max) label = *seen.begin();  // more than asked: merged
    }
    json item = {{"start_time", t(w.start)},
                 {"end_time", t(w.end)},
                 {"alternatives", {{{"confidence", "0.97"}, {"content", word}}}},
                 {"type", "pronunciation"}};
    if (speakers) {
      item["speaker_label"] = label;
      if (segments.empty() || segments.back()["speaker_label"] != label)
        segments.push_back({{"start_time", t(w.start)},
                            {"end_time", t(w.end)},
                            {"speaker_label", label},
                            {"items", json::array()}});
      segments.back()["end_time"] = t(w.end);
      segments.back()["items"].push_back(
          {{"start_time", t(w.start)}, {"end_time", t(w.end)}, {"speaker_label", label}});
    }
    items.push_back(item);
    text += (text.empty() ? "" : " ") + word + punct;
    if (!punct.empty())
      items.push_back({{"alternatives", {{{"confidence", "0.0"}, {"content", punct}}}},
                       {"type", "punctuation"}});
  }
  json results = {{"transcripts", {{{"transcript", text}}}}, {"items", items}};
  if (speakers)
    results["speaker_labels"] = {{"channel_label", "ch_0"},
                                 {"speakers", static_cast<int>(seen.size())},
                                 {"segments", segments}};
  return {{"jobName", name},
          {"accountId", "123456789012"},
          {"results", results},
          {"status", "COMPLETED"}};
}

void FakeTranscribeServer::Handle(const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
  std::lock_guard lock(mu_);
  if (r.method == "GET" && r.uri.rfind("/transcripts/", 0) == 0) {
    std::string name = r.uri.substr(13, r.uri.find(".json") - 13);
    auto it = jobs_.find(name);
    if (it == jobs_.end() || it->second.deleted) {
      res.setStatus(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
      res.send() << "<Error><Code>NoSuchKey</Code></Error>";
      return;
    }
    res.setContentType("application/json");
    res.send() << TranscriptJson(name, it->second).dump();
    return;
  }
  auto refuse = [&](int status, const std::string& type, const std::string& message) {
    violations_.push_back(type + ": " + message);
    Send(res, status, {{"__type", type}, {"Message", message}});
  };
  if (std::string bad = CheckSigV4(r, creds_, region_, "transcribe"); !bad.empty())
    return refuse(403,
                  bad.find("token") != std::string::npos ? "UnrecognizedClientException"
                                                         : "InvalidSignatureException",
                  bad);
  const std::string prefix = "Transcribe.";
  std::string target = r.header("x-amz-target");
  if (r.method != "POST" || r.uri != "/" || target.rfind(prefix, 0) != 0)
    return refuse(400, "UnknownOperationException", r.method + " " + r.uri + " " + target);
  if (r.header("content-type") != "application/x-amz-json-1.1")
    return refuse(400, "SerializationException", "Content-Type must be application/x-amz-json-1.1");
  std::string op = target.substr(prefix.size());
  ops_.push_back(op);
  json b = json::parse(r.body, nullptr, false);
  if (fail_times_ > 0) {
    --fail_times_;
    return Send(res, fail_status_, {{"__type", fail_type_}, {"Message", "try again later"}});
  }
  auto job_of = [&](const json& body, TranscribeJob** job) -> std::string {
    if (auto bad = Keys(body, {"TranscriptionJobName"}, {"TranscriptionJobName"}); !bad.empty())
      return bad;
    auto it = jobs_.find(body["TranscriptionJobName"].get<std::string>());
    *job = it == jobs_.end() || it->second.deleted ? nullptr : &it->second;
    return "";
  };
  if (op == "StartTranscriptionJob") {
    Refusal f = Start(b);
    if (f.status != 200) return refuse(f.status, f.type, f.message);
    return Send(res, 200,
                {{"TranscriptionJob",
                  JobJson(b["TranscriptionJobName"], jobs_[b["TranscriptionJobName"]], "QUEUED")}});
  }
  if (op == "GetTranscriptionJob" || op == "DeleteTranscriptionJob") {
    TranscribeJob* job = nullptr;
    if (auto bad = job_of(b, &job); !bad.empty()) return refuse(400, "BadRequestException", bad);
    if (job == nullptr)
      return Send(res, 400,
                  {{"__type", "NotFoundException"},
                   {"Message",
                    "The requested job couldn't be found. Check the job name and "
                    "try your request again."}});
    std::string name = b["TranscriptionJobName"];
    if (op == "DeleteTranscriptionJob") {
      job->deleted = true;
      return Send(res, 200, json::object());
    }
    int n = ++job->polls;
    std::string state = n == 1                       ? "QUEUED"
                        : n <= 1 + in_progress_polls ? "IN_PROGRESS"
                        : job->failure.empty()       ? "COMPLETED"
                                                     : "FAILED";
    return Send(res, 200, {{"TranscriptionJob", JobJson(name, *job, state)}});
  }
  if (op == "CreateVocabulary") {
    if (auto bad = Keys(b,
                        {"VocabularyName", "LanguageCode", "Phrases", "VocabularyFileUri", "Tags",
                         "DataAccessRoleArn"},
                        {"VocabularyName", "LanguageCode"});
        !bad.empty())
      return refuse(400, "BadRequestException", bad);
    if (!NameOk(b["VocabularyName"]))
      return refuse(400, "BadRequestException", "VocabularyName must match ^[0-9a-zA-Z._-]+");
    if (b.contains("Phrases") == b.contains("VocabularyFileUri"))
      return refuse(400, "BadRequestException", "Give either Phrases or VocabularyFileUri.");
    Vocabulary v{b["LanguageCode"], {}, 0};
    for (const auto& p : b["Phrases"]) {
      if (!p.is_string() || p.get<std::string>().empty() || p.get<std::string>().size() > 256 ||
          p.get<std::string>().find(' ') != std::string::npos)
        return refuse(400, "BadRequestException",
                      "Phrases must be non-empty strings of at most 256 characters with no "
                      "spaces (hyphenate multi-word phrases)");
      v.phrases.push_back(p);
    }
    std::string name = b["VocabularyName"];
    if (vocabulary_race) vocab_.emplace(name, v);
    if (vocab_.count(name))
      return Send(res, 400,
                  {{"__type", "ConflictException"},
                   {"Message", "The requested vocabulary name already exists."}});
    vocab_[name] = v;
    return Send(
        res, 200,
        {{"VocabularyName", name}, {"LanguageCode", v.language}, {"VocabularyState", "PENDING"}});
  }
  if (op == "GetVocabulary") {
    if (auto bad = Keys(b, {"VocabularyName"}, {"VocabularyName"}); !bad.empty())
      return refuse(400, "BadRequestException", bad);
    auto it = vocab_.find(b["VocabularyName"].get<std::string>());
    if (it == vocab_.end())
      return Send(res, 400,
                  {{"__type", "NotFoundException"},
                   {"Message",
                    "The requested vocabulary couldn't be found. Check the vocabulary "
                    "name and try your request again."}});
    int n = ++it->second.polls;
    return Send(res, 200,
                {{"VocabularyName", it->first},
                 {"LanguageCode", it->second.language},
                 {"VocabularyState", n <= vocabulary_pending_polls ? "PENDING" : "READY"}});
  }
  refuse(400, "UnknownOperationException", op);
}
}  // namespace minutes::testing
