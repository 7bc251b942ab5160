#pragma once
// Speech recognition on an OpenAI-compatible /v1/audio/transcriptions server: OpenAI, Groq,
// whisper.cpp's server, speaches/faster-whisper-server, LocalAI. Such providers bill (and
// round-trip) per request, often with a minimum per request, so the pipeline packs the
// recording's utterances into pieces of a few minutes (Packing()), the pauses squeezed; each
// piece goes up as FLAC with response_format=verbose_json and word timestamps, and the words come
// back at their place in the piece. The prompt carries the task's hotwords (Whisper's way of
// biasing its vocabulary) and the end of the previous piece's text (what was said just before,
// which Whisper models continue from).
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
  /// A piece's most seconds of audio. 240 s: 15 requests an hour (instead of ~800 utterances),
  /// 4 MB or so of FLAC each, far from any upload limit; a failed request repeats 4 minutes at
  /// most; an hour still splits into enough pieces to keep `in_flight` requests busy.
  double piece_s = 240;
  int64_t max_upload_bytes = 25 * 1024 * 1024;  ///< the provider's limit on a request (OpenAI's)
  /// Pieces go up as FLAC; `audio=wav` for servers that read WAV only (whisper.cpp's server
  /// before it read other formats through miniaudio).
  bool wav = false;
};

/// Parses `openai://[:KEY@]host/v1?model=whisper-1[&name=groq][&key_env=VAR][&timeout_s=]
/// [&retries=][&in_flight=][&piece_s=][&max_upload_mb=][&audio=flac|wav]` (or
/// openai+http:// for a server on a private network).
Result<OpenAiTranscriberOptions> ParseOpenAiAsrUrl(const std::string& url);

class OpenAiTranscriber : public Transcriber {
 public:
  explicit OpenAiTranscriber(OpenAiTranscriberOptions options);
  std::string Name() const override { return o_.provider + ":" + o_.model; }
  Result<std::unique_ptr<TranscriberSession>> NewSession() override;
  PiecePacking Packing() const override;
  /// One piece (public for the sessions); `previous` is the text said just before it ("" for
  /// none), and *text gets what the provider heard in this one. When `stop` becomes true the
  /// request in flight is abandoned (kUnavailable).
  Result<std::vector<Word>> Transcribe(std::span<const int16_t> samples, double offset_s,
                                       const std::string& previous, std::string* text,
                                       const std::atomic<bool>* stop = nullptr);

 private:
  OpenAiTranscriberOptions o_;
  HttpClient http_;
};

/// The prompt for a piece: the hotwords, then the last words of what was said before (at most
/// 100 words and 600 bytes: whisper-1 reads only the last 224 tokens of a prompt, and the
/// hotwords at its start must stay within them).
std::string PiecePrompt(const std::vector<std::string>& hotwords, const std::string& previous);

/// 16 kHz mono 16-bit PCM as a WAV file's bytes.
std::string WavBytes(std::span<const int16_t> samples, int rate = 16000);

}  // namespace minutes
