#pragma once
// Speech recognition behind one interface: embedded engines now, cloud providers later.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "core/transcript.hpp"

namespace minutes {

/// Options every engine understands; engines ignore what does not apply to them.
struct TranscriberOptions {
  int threads = 1;        ///< how many Transcribe calls may run at once
  std::string model_dir;  ///< engine-specific model location; empty = the engine's default
  /// whisper: a model name ("base.en", looked up in the models directory) or a file path;
  /// empty = base.en for English, base otherwise.
  std::string whisper_model;
  std::string language = "en";
  std::vector<std::string> hotwords;  ///< words to favour (a provider's prompt or vocabulary)
  /// Where whole-recording providers (Amazon Transcribe, Volcano Engine) put the audio for the
  /// provider to fetch: an object store URL (s3://…); empty = none configured.
  std::string media_store;
  std::string media_access_key, media_secret_key;  ///< the store's credentials, when not from env
};

/// A word as a whole-recording provider returned it, with the provider's speaker label ("" when
/// the provider does not separate speakers).
struct LabeledWord {
  Word word;
  std::string speaker;
};

/// One recording for a whole-recording provider.
struct RecordingRequest {
  std::string wav_path;  ///< 16 kHz mono 16-bit WAV of the whole recording
  double seconds = 0;
  int speakers = 0;  ///< expected speakers; 0 = unknown
  /// Polled while waiting; true stops the wait (the provider's job is abandoned).
  std::function<bool()> canceled;
  /// 0..1 as the provider's job advances (called from the calling thread).
  std::function<void(double)> progress;
};

struct RecordingTranscript {
  std::vector<LabeledWord> words;  ///< in time order
  bool has_speakers = false;       ///< the provider labelled speakers (its own diarization)
  std::string language;            ///< what the provider says was spoken; "" = not said
};

/// How a provider that bills by the request wants the recording (OpenAI-compatible servers):
/// consecutive utterances packed into pieces, fewer and longer requests than one per utterance.
struct PiecePacking {
  double piece_s = 0;  ///< a piece's most seconds (under the upload limit); 0 = no pieces
  double gap_s = 0.5;  ///< the most of a pause between two packed utterances that is kept
  int runs = 1;        ///< requests at once; each run of consecutive pieces goes up in order
};

/// One thread's use of an engine (for PocketSphinx: one decoder). Not thread-safe.
class TranscriberSession {
 public:
  virtual ~TranscriberSession() = default;
  TranscriberSession() = default;
  TranscriberSession(const TranscriberSession&) = delete;
  TranscriberSession& operator=(const TranscriberSession&) = delete;

  /// Recognises `samples` (one utterance, ≤ 30 s; or a packed piece of minutes, see Packing());
  /// word times are offset by `offset_s`.
  /// The caller owns the samples.
  virtual Result<std::vector<Word>> Transcribe(std::span<const int16_t> samples,
                                               double offset_s) = 0;

  /// For packed pieces (Transcriber::Packing()): a session given consecutive pieces in order
  /// passes the text of the one before as context, so a run of pieces keeps one session.

  /// Engines that can stop mid-utterance poll `stop` while they work (it outlives the session's
  /// use); a stopped Transcribe returns an error. Others finish the utterance they are on.
  virtual void SetStop(const std::atomic<bool>* stop) { (void)stop; }

  /// The language the last Transcribe call heard ("" when the engine does not say).
  virtual std::string Language() const { return ""; }
};

/// The session of an engine that takes whole recordings only (cloud batch APIs): there are no
/// utterances to recognise one at a time.
class WholeRecordingsOnlySession : public TranscriberSession {
 public:
  Result<std::vector<Word>> Transcribe(std::span<const int16_t>, double) override {
    return Status::Internal("whole recordings only");
  }
};

/// A speech recognition engine: loads its model once and hands out sessions.
class Transcriber {
 public:
  virtual ~Transcriber() = default;
  Transcriber() = default;
  Transcriber(const Transcriber&) = delete;
  Transcriber& operator=(const Transcriber&) = delete;

  /// Engine name recorded in transcripts and task records ("pocketsphinx").
  virtual std::string Name() const = 0;
  /// A session for the calling thread. Thread-safe; sessions must not outlive the transcriber.
  virtual Result<std::unique_ptr<TranscriberSession>> NewSession() = 0;

  /// Engines that decode a fixed window whatever the audio's length (whisper: 30 s, its encoder
  /// costs the same for 3 s as for 30 s) return its length: consecutive utterances are then
  /// packed into windows of up to this many seconds. 0 = one utterance at a time.
  virtual double WindowSeconds() const { return 0; }

  /// Providers billed per request pack utterances into pieces of minutes (see PiecePacking);
  /// piece_s = 0 (the default) for engines that decode utterances or windows.
  virtual PiecePacking Packing() const { return {}; }

  /// Threads one session computes with (whisper: 2, splitting its matrix work). The pipeline
  /// runs threads / this many sessions at once, so memory per session is spent only where it
  /// buys speed.
  virtual int ThreadsPerSession() const { return 1; }

  /// True for providers that take the whole recording in one job instead of utterances.
  virtual bool WholeRecording() const { return false; }
  /// The whole recording in one provider job (only when WholeRecording()).
  virtual Result<RecordingTranscript> TranscribeRecording(const RecordingRequest&) {
    return Status::Internal(Name() + " transcribes utterances, not whole recordings");
  }
};

/// Builds a transcriber from an engine name or provider URL: "whisper" (whisper.cpp, needs a
/// model file), "auto" (whisper when its model file exists, else PocketSphinx), "pocketsphinx"
/// (embedded, no download),
/// openai://…, transcribe://REGION…, volcengine://…. Unknown names give Status::BadInput listing
/// the known ones.
Result<std::unique_ptr<Transcriber>> MakeTranscriber(const std::string& engine,
                                                     const TranscriberOptions& options);

/// Checks an engine name or provider URL without opening anything (for start-up checks).
Status ValidateAsrEngine(const std::string& engine);

/// The name a task or tenant picks an engine by: its URL's name= parameter, else its scheme
/// ("openai", "transcribe", "volcengine"), or the engine's own name ("pocketsphinx").
std::string AsrEngineName(const std::string& engine);

}  // namespace minutes
