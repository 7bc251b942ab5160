#pragma once
// whisper.cpp in-process: one whisper_context (the weights, loaded once however many threads
// run) and one whisper_state per session/thread. The pipeline's VAD has cut the recording into
// pieces of at most 30 s — whisper's window — so a long meeting runs in parallel and reports
// progress. Token-level timestamps and probabilities become words; the task's hotwords are the
// initial prompt; whisper's own safeguards against loops and hallucinated text on silence are on
// (temperature fallback, entropy and log-probability thresholds, no-speech probability), and
// pieces the VAD found no speech in never reach it.
#include <memory>
#include <string>
#include <vector>

#include "asr/transcriber.hpp"

struct whisper_context;

namespace minutes {

struct WhisperOptions {
  std::string model_path;
  std::string language = "en";  ///< "auto" detects it per piece
  std::vector<std::string> hotwords;
  /// ggml threads per state: 2 on machines with 2+ threads for sessions to share (two threads
  /// split a window's work nearly twice as fast, and a state per thread would cost ~70–85 MB
  /// more each).
  int threads_per_session = 1;
};

/// The model file `options` names: TranscriberOptions.model_dir when it is a file, else
/// ggml-<name>.bin in the models directory ($MINUTES_MODELS_DIR, else
/// $XDG_DATA_HOME/minutes/models, else ~/.local/share/minutes/models); `name` defaults to
/// base.en for English and base otherwise.
std::string WhisperModelPath(const std::string& model, const std::string& language);

/// The directory models are kept in (see WhisperModelPath).
std::string WhisperModelsDir();

/// Makes `dir` the models directory for this process (config asr.models_dir); "" = the default.
void SetWhisperModelsDir(const std::string& dir);

class WhisperTranscriber : public Transcriber {
 public:
  /// Loads the model; BadInput naming the file when it is missing or not a whisper model.
  static Result<std::unique_ptr<Transcriber>> Load(WhisperOptions options);
  ~WhisperTranscriber() override;
  std::string Name() const override { return name_; }
  double WindowSeconds() const override { return 29.5; }  ///< its 30 s window, with headroom
  int ThreadsPerSession() const override { return o_.threads_per_session; }
  Result<std::unique_ptr<TranscriberSession>> NewSession() override;

 private:
  WhisperTranscriber(WhisperOptions o, whisper_context* ctx, std::string name)
      : o_(std::move(o)), ctx_(ctx), name_(std::move(name)) {}
  WhisperOptions o_;
  whisper_context* ctx_;
  std::string name_;
};

}  // namespace minutes
