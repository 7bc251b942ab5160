#pragma once
// Speech recognition on an OpenAI-compatible /v1/audio/transcriptions server: OpenAI, Groq,
// whisper.cpp's server, speaches/faster-whisper-server, LocalAI. The pipeline's VAD has cut
// the recording at pauses into utterances of at most 30 s; each goes up as a small WAV (far
// below any provider's size limit) with response_format=verbose_json and word timestamps, and
// the words come back offset to the utterance's place in the recording. The task's hotwords go
// in the prompt, Whisper's way of biasing its vocabulary.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "asr/transcriber.hpp"
#include "net/http_client.hpp"

namespace minutes {

struct OpenAiTranscriberOptions {
  std::string provider = "openai";  ///< audited provider name
  std::string base_url;             ///< "https://api.openai.com/v1"
  std::string api_key;
  std::string model = "whisper-1";
  std::string language;  ///< ISO-639-1 ("en", "zh"); empty = the server detects it
  std::vector<std::string> hotwords;
  std::chrono::milliseconds timeout{120000};
  int retries = 2;    ///< per utterance, on 429/5xx/timeouts (honouring Retry-After)
  int in_flight = 4;  ///< requests at once to this provider, across every task of the process
};

/// Parses `openai://[:KEY@]host/v1?model=whisper-1[&name=groq][&key_env=VAR][&timeout_s=]
/// [&retries=][&in_flight=]` (or
/// openai+http:// for a server on a private network).
Result<OpenAiTranscriberOptions> ParseOpenAiAsrUrl(const std::string& url);

class OpenAiTranscriber : public Transcriber {
 public:
  explicit OpenAiTranscriber(OpenAiTranscriberOptions options);
  std::string Name() const override { return o_.provider + ":" + o_.model; }
  Result<std::unique_ptr<TranscriberSession>> NewSession() override;
  /// One utterance (public for the sessions).
  Result<std::vector<Word>> Transcribe(std::span<const int16_t> samples, double offset_s);

 private:
  OpenAiTranscriberOptions o_;
  HttpClient http_;
};

/// 16 kHz mono 16-bit PCM as a WAV file's bytes.
std::string WavBytes(std::span<const int16_t> samples, int rate = 16000);

}  // namespace minutes
