#pragma once
// Volcano Engine (火山引擎) recorded-audio recognition, the big-model API seed 004's users run:
// the recording is staged in object storage and handed over as a presigned URL, the job is
// submitted (POST /api/v3/auc/bigmodel/submit with enable_speaker_info, punctuation, ITN,
// utterances, and the task's hotwords as the corpus context) and polled
// (POST /api/v3/auc/bigmodel/query, X-Api-Status-Code 20000001/20000002 = still working)
// until its utterances, words and speakers come back.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "asr/media_stage.hpp"
#include "asr/provider_replies.hpp"
#include "asr/transcriber.hpp"
#include "net/http_client.hpp"

namespace minutes {

struct VolcengineOptions {
  std::string name = "volcengine";  ///< audited provider name
  std::string base_url = "https://openspeech.bytedance.com";
  std::string app_id, access_token;
  std::string resource = "volc.bigasr.auc";
  std::vector<std::string> hotwords;
  std::chrono::milliseconds poll{2000}, poll_max{15000};
  std::chrono::milliseconds timeout{6 * 3600 * 1000};
  std::chrono::milliseconds backoff{1000};
  int retries = 4;
  int in_flight = 8;  ///< jobs at once, across every task of the process
};

/// Parses `volcengine://APPID:TOKEN@openspeech.bytedance.com[?resource=…&name=…&app_env=VAR&
/// token_env=VAR&poll_s=…&poll_max_s=…&timeout_s=…&backoff_s=…&retries=…]` (volcengine+http://
/// for a server on a private network).
Result<VolcengineOptions> ParseVolcengineUrl(const std::string& url);

class VolcengineTranscriber : public Transcriber {
 public:
  VolcengineTranscriber(VolcengineOptions options, std::unique_ptr<MediaStage> stage);
  std::string Name() const override { return o_.name + ":bigmodel"; }
  Result<std::unique_ptr<TranscriberSession>> NewSession() override;
  bool WholeRecording() const override { return true; }
  Result<RecordingTranscript> TranscribeRecording(const RecordingRequest& request) override;

 private:
  struct Reply {
    long http = 0;
    std::string code;  ///< X-Api-Status-Code
    std::string message;
    std::string body;
  };
  /// POSTs to `path` with the job's headers, retried on 5xx/429/transport failures.
  Result<Reply> Post(const std::string& path, const std::string& request_id,
                     const std::string& body);

  VolcengineOptions o_;
  std::unique_ptr<MediaStage> stage_;
  HttpClient http_;
};

}  // namespace minutes
