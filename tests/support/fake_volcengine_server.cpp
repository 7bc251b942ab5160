#include "fake_volcengine_server.hpp"

#include <Poco/Net/HTTPServerResponse.h>

#include "fake_http_server.hpp"

namespace minutes::testing {

FakeVolcengineServer::FakeVolcengineServer(std::string app_id, std::string token)
    : app_(std::move(app_id)),
      token_(std::move(token)),
      server_(std::make_unique<FakeHttpServer>(
          [this](const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
            Handle(r, res);
          })) {}

FakeVolcengineServer::~FakeVolcengineServer() = default;

std::string FakeVolcengineServer::Url(const std::string& app, const std::string& token) const {
  return "volcengine+http://" + app + ":" + token + "@127.0.0.1:" + std::to_string(server_->port());
}

void FakeVolcengineServer::Send(Poco::Net::HTTPServerResponse& res, int http,
                                const std::string& code, const std::string& message,
                                const json& body) {
  res.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(http));
  res.set("X-Api-Status-Code", code);
  res.set("X-Api-Message", message);
  res.set("X-Tt-Logid", "20261123000000000000000000000000");
  res.setContentType("application/json");
  res.send() << body.dump();
}

std::string FakeVolcengineServer::Keys(const json& o, const std::string& where,
                                       const std::set<std::string>& allowed,
                                       const std::set<std::string>& required) {
  if (!o.is_object()) return where + " must be an object";
  for (auto& [k, v] : o.items())
    if (!allowed.count(k)) return "unknown field " + where + "." + k;
  for (auto& k : required)
    if (!o.contains(k)) return "missing field " + where + "." + k;
  return "";
}

std::string FakeVolcengineServer::CheckSubmit(const json& b, VolcengineJob* job) {
  if (auto bad = Keys(b, "body", {"user", "audio", "request", "callback", "callback_data"},
                      {"audio", "request"});
      !bad.empty())
    return bad;
  if (b.contains("user"))
    if (auto bad = Keys(b["user"], "user", {"uid"}, {}); !bad.empty()) return bad;
  const json& a = b["audio"];
  if (auto bad = Keys(a, "audio", {"url", "format", "codec", "rate", "bits", "channel", "language"},
                      {"url", "format"});
      !bad.empty())
    return bad;
  static const std::set<std::string> kFormats = {"raw", "wav", "mp3", "ogg"};
  if (!a["format"].is_string() || !kFormats.count(a["format"].get<std::string>()))
    return "audio.format must be raw, wav, mp3 or ogg";
  if (a.contains("codec") && a["codec"] != "raw" && a["codec"] != "opus")
    return "audio.codec must be raw or opus";
  for (const char* k : {"rate", "bits", "channel"})
    if (a.contains(k) && !a[k].is_number_integer())
      return std::string("audio.") + k + " must be an int";
  const json& q = b["request"];
  if (auto bad =
          Keys(q, "request",
               {"model_name", "model_version", "enable_itn", "enable_punc", "enable_ddc",
                "enable_speaker_info", "enable_channel_split", "show_utterances", "vad_segment",
                "end_window_size", "sensitive_words_filter", "corpus", "boosting_table_name"},
               {"model_name"});
      !bad.empty())
    return bad;
  if (q["model_name"] != "bigmodel") return "request.model_name must be bigmodel";
  for (const char* k : {"enable_itn", "enable_punc", "enable_ddc", "enable_speaker_info",
                        "enable_channel_split", "show_utterances"})
    if (q.contains(k) && !q[k].is_boolean()) return std::string("request.") + k + " must be a bool";
  if (q.contains("corpus")) {
    const json& c = q["corpus"];
    if (auto bad =
            Keys(c, "request.corpus", {"boosting_table_name", "correct_table_name", "context"}, {});
        !bad.empty())
      return bad;
    if (c.contains("context")) {
      if (!c["context"].is_string()) return "request.corpus.context must be a JSON string";
      json ctx = json::parse(c["context"].get<std::string>(), nullptr, false);
      if (!ctx.is_object() || !ctx.contains("hotwords") || !ctx["hotwords"].is_array())
        return "request.corpus.context must hold {\"hotwords\":[{\"word\":…}]}";
      for (auto& h : ctx["hotwords"]) {
        if (!h.is_object() || !h.contains("word") || !h["word"].is_string())
          return "each hotword must be {\"word\": \"…\"}";
        job->hotwords.push_back(h["word"]);
      }
    }
  }
  // The service downloads the audio when the job is taken.
  int status = 0;
  std::string wav = HttpGet(a["url"].get<std::string>(), &status);
  if (status != 200)
    job->failure = "45000006";
  else if (a["format"] == "wav" && !CheckWav(wav, a.value("rate", 16000), &job->seconds).empty())
    job->failure = "45000151";
  return "";
}

FakeVolcengineServer::json FakeVolcengineServer::Result(const VolcengineJob& job) {
  bool speakers = job.request["request"].value("enable_speaker_info", false);
  bool utterances = job.request["request"].value("show_utterances", false);
  json utts = json::array();
  std::string text;
  for (const auto& w : ScriptWords(script, job.seconds)) {
    int s = static_cast<int>(w.start * 1000), e = static_cast<int>(w.end * 1000);
    bool same = !utts.empty() && (!speakers || utts.back()["additions"]["speaker"] == w.speaker) &&
                s - utts.back()["end_time"].get<int>() < 800;
    if (!same) {
      json u = {{"start_time", s},
                {"end_time", e},
                {"text", ""},
                {"definite", true},
                {"words", json::array()}};
      if (speakers) u["additions"] = {{"speaker", w.speaker}};
      utts.push_back(u);
    }
    json& u = utts.back();
    u["end_time"] = e;
    u["text"] = u["text"].get<std::string>() + w.text;
    u["words"].push_back(
        {{"start_time", s}, {"end_time", e}, {"text", w.text}, {"blank_duration", 0}});
    text += w.text;
  }
  json result = {{"text", text}};
  if (utterances) result["utterances"] = utts;
  return {{"audio_info", {{"duration", static_cast<int>(job.seconds * 1000)}}}, {"result", result}};
}

void FakeVolcengineServer::Handle(const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res) {
  std::lock_guard lock(mu_);
  auto refuse = [&](int http, const std::string& code, const std::string& why) {
    violations_.push_back(why);
    Send(res, http, code, why);
  };
  if (r.method != "POST" ||
      (r.uri != "/api/v3/auc/bigmodel/submit" && r.uri != "/api/v3/auc/bigmodel/query"))
    return refuse(404, "45000000", "unknown endpoint " + r.method + " " + r.uri);
  if (r.header("x-api-app-key") != app_ || r.header("x-api-access-key") != token_)
    return refuse(401, "45000010", "invalid X-Api-App-Key or X-Api-Access-Key");
  if (r.header("x-api-resource-id") != "volc.bigasr.auc")
    return refuse(403, "45000030", "X-Api-Resource-Id must be volc.bigasr.auc");
  if (r.header("x-api-sequence") != "-1")
    return refuse(400, "45000001", "X-Api-Sequence must be -1");
  std::string id = r.header("x-api-request-id");
  if (id.empty()) return refuse(400, "45000001", "X-Api-Request-Id is required");
  if (fail_times_ > 0) {
    --fail_times_;
    return Send(res, fail_http_, fail_code_, "server is busy");
  }
  json b = json::parse(r.body, nullptr, false);
  if (r.uri.ends_with("/submit")) {
    VolcengineJob job;
    job.request = b;
    if (!b.is_object()) return refuse(400, "45000001", "the body is not JSON");
    if (auto bad = CheckSubmit(b, &job); !bad.empty()) return refuse(400, "45000001", bad);
    if (jobs_.count(id)) return refuse(400, "45000001", "X-Api-Request-Id already used");
    jobs_[id] = job;
    return Send(res, 200, "20000000", "OK");
  }
  if (!b.is_object() || !b.empty()) return refuse(400, "45000001", "the query body must be {}");
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return refuse(400, "45000001", "no job with this X-Api-Request-Id");
  int n = ++it->second.queries;
  if (n == 1) return Send(res, 200, "20000002", "queued");
  if (n <= 1 + processing_queries) return Send(res, 200, "20000001", "processing");
  if (!it->second.failure.empty())
    return Send(res, 200, it->second.failure, "audio download or format failed");
  Send(res, 200, "20000000", "OK", Result(it->second));
}
}  // namespace minutes::testing
