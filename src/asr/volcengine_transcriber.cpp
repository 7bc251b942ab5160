#include "asr/volcengine_transcriber.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>

#include "asr/provider_job.hpp"
#include "net/http_client.hpp"
#include "net/url.hpp"

namespace minutes {
namespace {

using nlohmann::json;

}  // namespace

Result<VolcengineOptions> ParseVolcengineUrl(const std::string& url) {
  VolcengineOptions o;
  auto uri = ParseUrl(url);
  if (!uri.ok())
    return Status::BadInput("asr.engine: not a URL (" + uri.status().message() +
                            "): " + MaskUrl(url));
  std::string scheme = uri->scheme;
  if (scheme != "volcengine" && scheme != "volcengine+http")
    return Status::BadInput("asr.engine: not a volcengine:// URL: " + MaskUrl(url));
  o.app_id = uri->User();
  o.access_token = uri->Password();
  auto params = uri->Params();
  if (!params.ok())
    return Status::BadInput("asr.engine: " + params.status().message() + " in " + MaskUrl(url));
  for (const auto& [k, v] : *params) {
    auto ms = [&](std::chrono::milliseconds* out, double lo, double hi) -> Status {
      auto n = NumberParam("asr.engine: " + k, v, lo, hi);
      if (!n.ok()) return n.status();
      *out = std::chrono::milliseconds(static_cast<int64_t>(*n * 1000));
      return Status::Ok();
    };
    Status s;
    if (k == "resource") {
      o.resource = v;
    } else if (k == "name") {
      o.name = v;
    } else if (k == "app_env" || k == "token_env") {
      const char* env = std::getenv(v.c_str());
      if (env == nullptr || !*env)
        return Status::BadInput("asr.engine: " + k + " names " + v + ", which is not set");
      (k == "app_env" ? o.app_id : o.access_token) = env;
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
    } else if (k == "backoff_s") {
      s = ms(&o.backoff, 0.01, 60);
    } else {
      return Status::BadInput("asr.engine: unknown parameter \"" + k + "\" in " + MaskUrl(url));
    }
    if (!s.ok()) return s;
  }
  if (o.app_id.empty() || o.access_token.empty())
    return Status::BadInput("asr.engine: " + MaskUrl(url) +
                            " needs the app id and access token (volcengine://APPID:TOKEN@host, "
                            "or app_env=/token_env=)");
  o.base_url = std::string(scheme == "volcengine" ? "https" : "http") + "://" + uri->HostPort();
  return o;
}

VolcengineTranscriber::VolcengineTranscriber(VolcengineOptions options,
                                             std::unique_ptr<MediaStage> stage)
    : o_(std::move(options)), stage_(std::move(stage)) {}

Result<std::unique_ptr<TranscriberSession>> VolcengineTranscriber::NewSession() {
  return std::unique_ptr<TranscriberSession>(new WholeRecordingsOnlySession);
}

Result<VolcengineTranscriber::Reply> VolcengineTranscriber::Post(const std::string& path,
                                                                 const std::string& request_id,
                                                                 const std::string& body) {
  for (int attempt = 0;; ++attempt) {
    HttpRequest r = HttpRequest::Post(o_.base_url + path,
                                      {{"Content-Type", "application/json"},
                                       {"X-Api-App-Key", o_.app_id},
                                       {"X-Api-Access-Key", o_.access_token},
                                       {"X-Api-Resource-Id", o_.resource},
                                       {"X-Api-Request-Id", request_id},
                                       {"X-Api-Sequence", "-1"}},
                                      body);
    r.timeout = std::chrono::milliseconds(60000);
    auto res = http_.Send(r);
    std::string why;
    if (!res.ok()) {
      why = res.status().message();
    } else {
      Reply reply{
          res->status,
          res->headers.count("x-api-status-code") ? res->headers.at("x-api-status-code") : "",
          res->headers.count("x-api-message") ? res->headers.at("x-api-message") : "", res->body};
      // Busy servers answer HTTP 429/5xx or a 55xxxxxx status code; anything else is final.
      bool busy = res->status == 429 || res->status >= 500 || reply.code.rfind("55", 0) == 0;
      if (!busy) {
        if (res->status != 200 && reply.code.empty())
          return Status(ErrorKind::kUnavailable,
                        o_.name + ": " + path + ": HTTP " + std::to_string(res->status));
        return reply;
      }
      why = "HTTP " + std::to_string(res->status) +
            (reply.code.empty() ? "" : " status " + reply.code + " " + reply.message);
    }
    if (attempt >= o_.retries)
      return Status(ErrorKind::kUnavailable, o_.name + ": " + path + ": " + why + " (after " +
                                                 std::to_string(attempt + 1) + " tries)");
    auto wait = o_.backoff * (1 << std::min(attempt, 6));
    if (res.ok() && RetryAfterSeconds(*res) > 0)
      wait = std::chrono::milliseconds(
          static_cast<int64_t>(std::min(RetryAfterSeconds(*res), 60.0) * 1000));
    SleepUnlessCanceled(wait, nullptr);
  }
}

Result<RecordingTranscript> VolcengineTranscriber::TranscribeRecording(
    const RecordingRequest& request) {
  ProviderSlot slot(o_.name + " " + o_.base_url, o_.in_flight);  // waits for a free place
  auto media = stage_->Put(request.wav_path);
  if (!media.ok()) return media.status();
  auto done = [&](Status s) {
    stage_->Remove(*media);
    return s;
  };
  if (media->url.empty())
    return done(Status::BadInput(o_.name + ": the media store cannot presign a download URL"));
  json req = {{"model_name", "bigmodel"},
              {"enable_itn", true},
              {"enable_punc", true},
              {"enable_speaker_info", true},
              {"show_utterances", true}};
  if (!o_.hotwords.empty()) {
    json words = json::array();
    for (const auto& h : o_.hotwords) words.push_back({{"word", h}});
    req["corpus"] = {{"context", json{{"hotwords", words}}.dump()}};
  }
  json body = {{"user", {{"uid", "minutes"}}},
               {"audio",
                {{"url", media->url},
                 {"format", "wav"},
                 {"codec", "raw"},
                 {"rate", 16000},
                 {"bits", 16},
                 {"channel", 1}}},
               {"request", req}};
  std::string id = RandomHex(8) + "-" + RandomHex(4) + "-4" + RandomHex(3) + "-a" + RandomHex(3) +
                   "-" + RandomHex(12);
  auto submitted = Post("/api/v3/auc/bigmodel/submit", id, body.dump());
  if (!submitted.ok()) return done(submitted.status());
  if (submitted->code != "20000000")
    return done(Status(ErrorKind::kUnavailable, o_.name + ": submit refused: HTTP " +
                                                    std::to_string(submitted->http) + " status " +
                                                    submitted->code + " " + submitted->message));
  if (request.progress) request.progress(0.05);
  auto t0 = std::chrono::steady_clock::now();
  for (int n = 0;; ++n) {
    if (!SleepUnlessCanceled(PollDelay(n, o_.poll, o_.poll_max), request.canceled))
      return done(Status(ErrorKind::kUnavailable, o_.name + ": canceled"));
    auto q = Post("/api/v3/auc/bigmodel/query", id, "{}");
    if (!q.ok()) return done(q.status());
    if (q->code == "20000000") {
      auto parsed = ParseVolcengineResult(q->body);
      if (!parsed.ok()) return done(parsed.status());
      stage_->Remove(*media);
      if (request.progress) request.progress(1);
      return parsed;
    }
    if (q->code == "20000003") {  // silence: a transcript with no words
      stage_->Remove(*media);
      return RecordingTranscript{};
    }
    if (q->code != "20000001" && q->code != "20000002")
      return done(Status(ErrorKind::kUnavailable,
                         o_.name + ": the job failed: status " + q->code + " " + q->message));
    double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (request.progress)
      request.progress(q->code == "20000002"
                           ? 0.1
                           : 0.2 + 0.7 * std::min(1.0, waited / (request.seconds * 0.25 + 30)));
    if (std::chrono::steady_clock::now() - t0 > o_.timeout)
      return done(Status(ErrorKind::kUnavailable, o_.name + ": the job did not finish in time"));
  }
}

}  // namespace minutes
