#pragma once
// An OpenAI-compatible speech-to-text server for tests, checking requests the way the API
// reference describes /v1/audio/transcriptions (multipart/form-data: file, model, language,
// prompt, response_format, temperature, timestamp_granularities[]; word timestamps only with
// verbose_json; 25 MB at most) and the way this service promises to send them: the audio as
// FLAC (decoded here with FFmpeg), the hotwords at the start of every prompt, the previous
// answer's text in the prompt. It cannot hear words: it answers every file with the words it is
// given at fixed times inside the file or, when `hear` is set, one word at each burst of sound
// it finds in the audio (at the burst's time); it records each request.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "received_request.hpp"

namespace Poco::Net {
class HTMLForm;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace minutes::testing {

class FakeHttpServer;

struct ReceivedAudio {
  double seconds = 0;
  size_t bytes = 0;       ///< the request body's size
  size_t file_bytes = 0;  ///< the audio file's size in it
  std::string model, prompt, language;
  std::string text;  ///< what the server answered
};

/// Bursts of sound in 16 kHz samples as [start, end] seconds: 20 ms frames louder than the
/// silence between a synthesized meeting's lines, pauses under 0.3 s bridged.
std::vector<std::pair<double, double>> SoundBursts(const std::vector<int16_t>& pcm);

class FakeTranscriptionServer {
 public:
  explicit FakeTranscriptionServer(std::string key = "sk-asr");
  ~FakeTranscriptionServer();
  std::string BaseUrl() const;
  int port() const;
  std::vector<std::string> words = {"hello", "world"};
  /// Answer one word per burst of sound (`words` in turn).
  bool hear = false;
  /// Number the words by request ("hello3"), so that each answer's text is its own.
  bool number_words = false;
  /// Every prompt must start with these, joined by ", " (empty: not checked).
  std::vector<std::string> expect_hotwords;
  /// Every request after the first must carry the previous answer's text in its prompt (for
  /// requests sent one after another).
  bool expect_context = false;
  size_t max_upload_bytes = 25u * 1024 * 1024;
  /// Take WAV files too (servers that read WAV only are set up with accept_wav and no FLAC).
  bool accept_wav = false;
  /// Every request that reached the server, well-formed or not.
  int requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
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
  struct Parts;
  static void Error(Poco::Net::HTTPServerResponse& res, int code, const std::string& message);
  std::string Check(const ReceivedRequest& r, Poco::Net::HTMLForm& form, Parts& parts,
                    ReceivedAudio* audio);

  // Decodes FLAC bytes with FFmpeg: "" and *seconds when the file is sound, else the error.
  std::string Decode(const std::string& flac, double* seconds);
  std::vector<int16_t> last_pcm_;  // the audio of the request being answered (Handle's lock)

 public:
  /// Each reply waits this long (to see how many requests a client has in flight).
  std::chrono::milliseconds delay{0};
  int max_concurrent() {
    std::lock_guard lock(mu_);
    return max_concurrent_;
  }

 private:
  struct InFlight;
  int concurrent_ = 0, max_concurrent_ = 0;

 private:
  void Handle(const ReceivedRequest& r, Poco::Net::HTTPServerResponse& res);

  std::string key_;
  std::mutex handle_mu_, mu_;
  int requests_ = 0;
  int fail_status_ = 0, fail_times_ = 0;
  std::string retry_after_;
  std::vector<ReceivedAudio> audio_;
  std::vector<std::string> violations_;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace minutes::testing
