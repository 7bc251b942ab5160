#pragma once
// Volcano Engine's big-model recorded-audio recognition for tests, as its API document
// describes it: POST /api/v3/auc/bigmodel/submit then /query, the X-Api-App-Key,
// X-Api-Access-Key, X-Api-Resource-Id (volc.bigasr.auc), X-Api-Request-Id and X-Api-Sequence
// (-1) headers, results in the X-Api-Status-Code header (20000000 done, 20000001 processing,
// 20000002 queued). The submit body is checked field by field (a wrong one is 45000001 and a
// recorded violation). The audio is downloaded from audio.url at submit, as the service does;
// the result is the script's words inside the audio's duration, as utterances with words (ms)
// and additions.speaker when enable_speaker_info is on.
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "received_request.hpp"
#include "scripted_speech.hpp"

namespace Poco::Net {
class HTTPServerResponse;
}

namespace minutes::testing {

class FakeHttpServer;

struct VolcengineJob {
  nlohmann::json request;
  double seconds = 0;
  int queries = 0;
  std::string failure;  ///< status code when the job fails
  std::vector<std::string> hotwords;
};

class FakeVolcengineServer {
 public:
  FakeVolcengineServer(std::string app_id, std::string token);
  ~FakeVolcengineServer();
  /// "volcengine+http://APP:TOKEN@127.0.0.1:PORT"
  std::string Url(const std::string& app, const std::string& token) const;
  std::vector<ScriptLine> script;
  int processing_queries = 2;
  void FailNext(int times, int http_status = 429, const std::string& code = "55000031") {
    std::lock_guard lock(mu_);
    fail_times_ = times;
    fail_http_ = http_status;
    fail_code_ = code;
  }
  std::vector<std::string> violations() {
    std::lock_guard lock(mu_);
    return violations_;
  }
  std::map<std::string, VolcengineJob> jobs() {
    std::lock_guard lock(mu_);
    return jobs_;
  }

 private:
  using json = nlohmann::json;
  static void Send(Poco::Net::HTTPServerResponse& res, int http, const std::string& code,
                   const std::string& message, const json& body = json::object());
  static std::string Keys(const json& o, const std::string& where,
                          const std::set<std::string>& allowed,
                          const std::set<std::string>& required);
  std::string CheckSubmit(const json& b, VolcengineJob* job);
  json Result(const VolcengineJob& job);
  void Handle(const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res);

  std::string app_, token_;
  std::mutex mu_;
  std::map<std::string, VolcengineJob> jobs_;
  std::vector<std::string> violations_;
  int fail_times_ = 0, fail_http_ = 429;
  std::string fail_code_;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace minutes::testing
