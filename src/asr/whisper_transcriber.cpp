#include "asr/whisper_transcriber.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "log/log.hpp"
#include "whisper.h"

namespace minutes {
namespace {

// whisper's log lines go into ours: errors and warnings as they are, the rest at debug.
void RouteLog(ggml_log_level level, const char* text, void*) {
  std::string line(text ? text : "");
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
  if (line.empty()) return;
  LogLevel l = level == GGML_LOG_LEVEL_ERROR  ? LogLevel::kError
               : level == GGML_LOG_LEVEL_WARN ? LogLevel::kWarn
                                              : LogLevel::kDebug;
  LogEvent(l, "whisper", {{"message", line}});
}

class WhisperSession : public TranscriberSession {
 public:
  WhisperSession(whisper_context* ctx, whisper_state* state, const WhisperOptions& o)
      : ctx_(ctx), state_(state), o_(o) {
    for (const auto& h : o_.hotwords) prompt_ += (prompt_.empty() ? "" : ", ") + h;
  }
  ~WhisperSession() override { whisper_free_state(state_); }

  Result<std::vector<Word>> Transcribe(std::span<const int16_t> samples, double offset_s) override {
    const double seconds = static_cast<double>(samples.size()) / WHISPER_SAMPLE_RATE;
    // whisper wants at least a second; the padding is silence and no word is placed in it.
    std::vector<float> pcm(std::max<size_t>(samples.size(), WHISPER_SAMPLE_RATE + 1600), 0.f);
    for (size_t i = 0; i < samples.size(); ++i) pcm[i] = samples[i] / 32768.0f;
    whisper_full_params p = whisper_full_default_params(WHISPER_SAMPLING_GREEDY);
    p.n_threads = o_.threads_per_session;
    p.no_context = true;  // pieces are independent: no carried text to loop on
    p.print_progress = p.print_realtime = p.print_timestamps = p.print_special = false;
    p.token_timestamps = true;
    p.suppress_blank = true;
    p.suppress_nst = true;
    p.temperature = 0.0f;
    p.temperature_inc = 0.2f;  // fallback when a decode looks like a loop or is unsure
    // One candidate per fallback temperature, not five: each extra decoder costs a state ~11 MB
    // (tiny) and the retry time, and with a state per thread that decides whether a run stays
    // within model + 200 MB. Fallbacks are rare on real speech.
    p.greedy.best_of = 1;
    p.entropy_thold = 2.4f;  // OpenAI's compression-ratio check
    p.logprob_thold = -1.0f;
    p.no_speech_thold = 0.6f;
    p.language = o_.language == "auto" ? "auto" : o_.language.c_str();
    p.detect_language = false;
    if (!prompt_.empty()) p.initial_prompt = prompt_.c_str();
    if (stop_ != nullptr) {  // whisper checks before each window's encoder and per token
      auto* flag = const_cast<std::atomic<bool>*>(stop_);
      p.abort_callback = [](void* stop) { return static_cast<std::atomic<bool>*>(stop)->load(); };
      p.abort_callback_user_data = flag;
      p.encoder_begin_callback = [](whisper_context*, whisper_state*, void* stop) {
        return !static_cast<std::atomic<bool>*>(stop)->load();
      };
      p.encoder_begin_callback_user_data = flag;
    }
    language_.clear();
    if (whisper_full_with_state(ctx_, state_, p, pcm.data(), static_cast<int>(pcm.size())) != 0) {
      if (stop_ != nullptr && stop_->load()) return Status::Unavailable("transcription canceled");
      return Status::Internal("whisper could not transcribe a piece at " +
                              std::to_string(offset_s) + " s");
    }
    if (stop_ != nullptr && stop_->load()) return Status::Unavailable("transcription canceled");
    const int lang = whisper_full_lang_id_from_state(state_);
    if (lang >= 0 && whisper_lang_str(lang) != nullptr) language_ = whisper_lang_str(lang);
    const whisper_token eot = whisper_token_eot(ctx_);
    std::vector<Word> words;
    double conf_sum = 0;
    int conf_n = 0;
    auto close = [&] {
      if (!words.empty() && conf_n > 0) words.back().confidence = conf_sum / conf_n;
      conf_sum = 0, conf_n = 0;
    };
    for (int s = 0; s < whisper_full_n_segments_from_state(state_); ++s) {
      if (whisper_full_get_segment_no_speech_prob_from_state(state_, s) > p.no_speech_thold)
        continue;  // whisper says nobody speaks here: no invented text
      for (int t = 0; t < whisper_full_n_tokens_from_state(state_, s); ++t) {
        whisper_token_data d = whisper_full_get_token_data_from_state(state_, s, t);
        if (d.id >= eot) continue;  // special and timestamp tokens
        std::string text = whisper_full_get_token_text_from_state(ctx_, state_, s, t);
        if (text.empty()) continue;
        double t0 = std::clamp(d.t0 / 100.0, 0.0, seconds),
               t1 = std::clamp(d.t1 / 100.0, t0, seconds);
        bool starts = text[0] == ' ' || words.empty();
        if (starts) {
          close();
          std::string w = text.substr(text.find_first_not_of(' ') == std::string::npos
                                          ? text.size()
                                          : text.find_first_not_of(' '));
          if (w.empty()) continue;
          words.push_back({w, offset_s + t0, offset_s + t1, 0});
        } else {
          words.back().word += text;
          words.back().end = std::max(words.back().end, offset_s + t1);
        }
        conf_sum += d.p, ++conf_n;
      }
    }
    close();
    return words;
  }

  void SetStop(const std::atomic<bool>* stop) override { stop_ = stop; }
  std::string Language() const override { return language_; }

 private:
  const std::atomic<bool>* stop_ = nullptr;
  std::string language_;
  whisper_context* ctx_;
  whisper_state* state_;
  const WhisperOptions& o_;
  std::string prompt_;
};

std::string EnvOrEmpty(const char* n) {
  const char* v = std::getenv(n);
  return v ? v : "";
}

}  // namespace

std::mutex g_models_dir_mu;
std::string g_models_dir;

void SetWhisperModelsDir(const std::string& dir) {
  std::lock_guard lock(g_models_dir_mu);
  g_models_dir = dir;
}

std::string WhisperModelsDir() {
  {
    std::lock_guard lock(g_models_dir_mu);
    if (!g_models_dir.empty()) return g_models_dir;
  }
  if (!EnvOrEmpty("MINUTES_MODELS_DIR").empty()) return EnvOrEmpty("MINUTES_MODELS_DIR");
  if (!EnvOrEmpty("XDG_DATA_HOME").empty()) return EnvOrEmpty("XDG_DATA_HOME") + "/minutes/models";
  return (EnvOrEmpty("HOME").empty() ? std::string("/tmp") : EnvOrEmpty("HOME")) +
         "/.local/share/minutes/models";
}

std::string WhisperModelPath(const std::string& model, const std::string& language) {
  if (model.find('/') != std::string::npos) return model;
  std::string name = !model.empty() ? model : language == "en" ? "base.en" : "base";
  return WhisperModelsDir() + "/ggml-" + name + ".bin";
}

Result<std::unique_ptr<Transcriber>> WhisperTranscriber::Load(WhisperOptions o) {
  static bool routed = (whisper_log_set(RouteLog, nullptr), true);
  (void)routed;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(o.model_path, ec))
    return Status::BadInput("whisper model " + o.model_path +
                            " not found (minutes models pull base.en, or set asr.model)");
  whisper_context_params cp = whisper_context_default_params();
  cp.use_gpu = false;
  whisper_context* ctx = whisper_init_from_file_with_params_no_state(o.model_path.c_str(), cp);
  if (ctx == nullptr) return Status::BadInput(o.model_path + " is not a whisper.cpp (ggml) model");
  std::string stem = std::filesystem::path(o.model_path).stem().string();
  if (stem.rfind("ggml-", 0) == 0) stem = stem.substr(5);
  return std::unique_ptr<Transcriber>(new WhisperTranscriber(std::move(o), ctx, "whisper:" + stem));
}

WhisperTranscriber::~WhisperTranscriber() { whisper_free(ctx_); }

Result<std::unique_ptr<TranscriberSession>> WhisperTranscriber::NewSession() {
  whisper_state* state = whisper_init_state(ctx_);
  if (state == nullptr) return Status::Internal("whisper could not allocate a decoding state");
  return std::unique_ptr<TranscriberSession>(new WhisperSession(ctx_, state, o_));
}

}  // namespace minutes
