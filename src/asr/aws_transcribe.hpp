#pragma once
// Amazon Transcribe batch jobs (seed 000's speech recognition): the recording goes to S3, a
// StartTranscriptionJob with speaker labels (and the task's hotwords as a custom vocabulary)
// is polled with backoff, the transcript JSON is read from its presigned URL, and the job and
// the staged audio are deleted. Every call is signed with SigV4 (service "transcribe").
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "asr/media_stage.hpp"
#include "asr/provider_replies.hpp"
#include "asr/transcriber.hpp"
#include "net/http_client.hpp"
#include "net/sigv4.hpp"

namespace minutes {

struct AwsTranscribeOptions {
  std::string name = "transcribe";  ///< audited provider name
  std::string region;
  std::string endpoint;  ///< default https://transcribe.REGION.amazonaws.com
  AwsCredentials credentials;
  std::string language = "en";  ///< "en", "zh", "en-US"…; "auto" = IdentifyLanguage
  std::vector<std::string> hotwords;
  int max_speakers = 10;                      ///< MaxSpeakerLabels when the task does not say
  std::chrono::milliseconds poll{2000};       ///< first wait between polls (grows by half)
  std::chrono::milliseconds poll_max{15000};  ///< longest wait between polls
  std::chrono::milliseconds timeout{6 * 3600 * 1000};  ///< the whole job
  std::chrono::milliseconds vocabulary_wait{600000};   ///< a new vocabulary to become READY
  std::chrono::milliseconds backoff{1000};             ///< first retry wait on throttling / 5xx
  int retries = 4;
  int in_flight = 8;  ///< jobs at once, across every task of the process
};

/// Parses `transcribe://REGION[?endpoint=…&name=…&max_speakers=…&poll_s=…&poll_max_s=…&
/// timeout_s=…&vocabulary_wait_s=…&backoff_s=…&retries=…]`; credentials from the AWS_*
/// environment.
Result<AwsTranscribeOptions> ParseTranscribeUrl(const std::string& url);

/// "en" → "en-US", "zh" → "zh-CN", "en-GB" kept; "" for "auto"; BadInput for others.
Result<std::string> TranscribeLanguageCode(const std::string& language);

class AwsTranscribeTranscriber : public Transcriber {
 public:
  AwsTranscribeTranscriber(AwsTranscribeOptions options, std::unique_ptr<MediaStage> stage);
  std::string Name() const override { return o_.name + ":batch"; }
  Result<std::unique_ptr<TranscriberSession>> NewSession() override;
  bool WholeRecording() const override { return true; }
  Result<RecordingTranscript> TranscribeRecording(const RecordingRequest& request) override;

 private:
  /// One JSON operation (X-Amz-Target Transcribe.`op`), retried on throttling and 5xx.
  Result<std::string> Call(const std::string& op, const std::string& body);
  /// The vocabulary holding the hotwords, created when missing; "" when there are none or it
  /// could not be made ready in time (the job then runs without it).
  std::string Vocabulary(const std::string& language_code, const RecordingRequest& request);

  AwsTranscribeOptions o_;
  std::unique_ptr<MediaStage> stage_;
  HttpClient http_;
};

}  // namespace minutes
