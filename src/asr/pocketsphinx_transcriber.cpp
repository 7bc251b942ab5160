#include "asr/pocketsphinx_transcriber.hpp"

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <vector>

#include "audio/speech_libs.hpp"

namespace minutes {
namespace {

constexpr double kFrameRate = 100.0;  // PocketSphinx frames per second (-frate 100)

struct DecoderFree {
  void operator()(ps_decoder_t* d) const { Sphinx().ps_free(d); }
};
using DecoderPtr = std::unique_ptr<ps_decoder_t, DecoderFree>;

// ps_init with -logfn is process-global and deadlocks in parallel; route the log away once
// and serialise initialisation.
std::mutex& InitMutex() {
  static std::mutex m;
  return m;
}

bool IsFiller(const std::string& w) {
  return w.empty() || w[0] == '<' || w[0] == '[' || w[0] == '+';
}

std::string StripAlternative(std::string w) {  // "to(3)" -> "to"
  auto p = w.find('(');
  if (p != std::string::npos && p > 0 && w.back() == ')') w.resize(p);
  return w;
}

Result<std::vector<Word>> Decode(ps_decoder_t* ps, std::span<const int16_t> samples,
                                 double offset_s) {
  std::vector<Word> words;
  if (samples.empty()) return words;
  if (Sphinx().ps_start_utt(ps) < 0)
    return Status::Internal("PocketSphinx could not start an utterance");
  if (Sphinx().ps_process_raw(ps, samples.data(), samples.size(), FALSE, TRUE) < 0) {
    Sphinx().ps_end_utt(ps);
    return Status::Internal("PocketSphinx failed to process audio");
  }
  if (Sphinx().ps_end_utt(ps) < 0)
    return Status::Internal("PocketSphinx could not end the utterance");
  int32 score = 0;
  if (!Sphinx().ps_get_hyp(ps, &score)) return words;
  logmath_t* lmath = Sphinx().ps_get_logmath(ps);
  double end_limit = offset_s + static_cast<double>(samples.size()) / 16000.0;
  for (ps_seg_t* seg = Sphinx().ps_seg_iter(ps); seg; seg = Sphinx().ps_seg_next(seg)) {
    std::string w = StripAlternative(Sphinx().ps_seg_word(seg));
    if (IsFiller(w)) continue;
    int sf = 0, ef = 0;
    Sphinx().ps_seg_frames(seg, &sf, &ef);
    int32 ascr = 0, lscr = 0, lback = 0;
    int32 post = Sphinx().ps_seg_prob(seg, &ascr, &lscr, &lback);
    double conf = std::clamp(Sphinx().logmath_exp(lmath, post), 0.0, 1.0);
    Word word;
    word.word = std::move(w);
    word.start = std::min(offset_s + sf / kFrameRate, end_limit);
    word.end = std::min(offset_s + (ef + 1) / kFrameRate, end_limit);
    word.confidence = conf;
    words.push_back(std::move(word));
  }
  return words;
}

class PocketSphinxTranscriber : public Transcriber {
 public:
  PocketSphinxTranscriber(std::string dir, int slots) : dir_(std::move(dir)), slots_(slots) {}

  std::string Name() const override { return "pocketsphinx"; }

  Result<std::unique_ptr<TranscriberSession>> NewSession() override;

  Status Warm() {
    auto d = NewDecoder();
    if (!d.ok()) return d.status();
    std::lock_guard lock(mu_);
    idle_.push_back(d.value().release());
    ++created_;
    return Status::Ok();
  }

  ~PocketSphinxTranscriber() override {
    for (auto* d : idle_) Sphinx().ps_free(d);
  }

 private:
  Result<DecoderPtr> NewDecoder() {
    std::lock_guard lock(InitMutex());
    if (auto api = LoadSphinx(); !api.ok()) return api.status();
    static const bool quiet = [] {
      Sphinx().err_set_logfp(nullptr);
      return true;
    }();
    (void)quiet;
    std::string hmm = dir_ + "/en-us", lm = dir_ + "/en-us.lm.bin",
                dict = dir_ + "/cmudict-en-us.dict";
    // -remove_silence no keeps word times exact (100 frames/s from the utterance start).
    // argv[0] is the program name for cmd_ln_parse_r.
    std::vector<std::string> args{"minutes",         "-hmm", hmm, "-lm", lm, "-dict", dict,
                                  "-remove_silence", "no"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    cmd_ln_t* cfg = Sphinx().cmd_ln_parse_r(nullptr, Sphinx().ps_args(),
                                            static_cast<int>(argv.size()), argv.data(), TRUE);
    if (!cfg) return Status::Internal("PocketSphinx rejected its configuration");
    DecoderPtr ps(Sphinx().ps_init(cfg));
    Sphinx().cmd_ln_free_r(cfg);
    if (!ps) return Status::Internal("PocketSphinx failed to load the model in " + dir_);
    return ps;
  }

  friend class PocketSphinxSession;

  // A decoder for a new session: an idle one, or a new one while fewer than `slots_` exist,
  // else wait for a session to end.
  Result<ps_decoder_t*> Acquire() {
    std::unique_lock lock(mu_);
    for (;;) {
      if (!idle_.empty()) {
        auto* d = idle_.back();
        idle_.pop_back();
        return d;
      }
      if (created_ < slots_) {
        ++created_;
        lock.unlock();
        auto d = NewDecoder();
        if (!d.ok()) {
          std::lock_guard relock(mu_);
          --created_;
          return d.status();
        }
        return d.value().release();
      }
      cv_.wait(lock);
    }
  }

  void Release(ps_decoder_t* d) {
    {
      std::lock_guard lock(mu_);
      idle_.push_back(d);
    }
    cv_.notify_one();
  }

  std::string dir_;
  int slots_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ps_decoder_t*> idle_;
  int created_ = 0;
};

// Owns one decoder for its lifetime and gives it back to the pool at the end.
class PocketSphinxSession : public TranscriberSession {
 public:
  PocketSphinxSession(PocketSphinxTranscriber* owner, ps_decoder_t* ps) : owner_(owner), ps_(ps) {}
  ~PocketSphinxSession() override { owner_->Release(ps_); }
  Result<std::vector<Word>> Transcribe(std::span<const int16_t> samples, double offset_s) override {
    return Decode(ps_, samples, offset_s);
  }

 private:
  PocketSphinxTranscriber* owner_;
  ps_decoder_t* ps_;
};

Result<std::unique_ptr<TranscriberSession>> PocketSphinxTranscriber::NewSession() {
  auto ps = Acquire();
  if (!ps.ok()) return ps.status();
  return std::unique_ptr<TranscriberSession>(std::make_unique<PocketSphinxSession>(this, *ps));
}

}  // namespace

Result<std::unique_ptr<Transcriber>> MakePocketSphinxTranscriber(const TranscriberOptions& o) {
  std::string dir = o.model_dir.empty() ? kPocketSphinxModelDir : o.model_dir;
  for (const char* f : {"/en-us/mdef", "/en-us.lm.bin", "/cmudict-en-us.dict"})
    if (!std::filesystem::exists(dir + f))
      return Status::BadInput("PocketSphinx model not found: " + dir + f +
                              " is missing (install the pocketsphinx-en-us package)");
  if (o.language != "en" && o.language != "en-us" && o.language != "auto")
    return Status::BadInput("the pocketsphinx engine only recognises English, not '" + o.language +
                            "'");
  auto t = std::make_unique<PocketSphinxTranscriber>(dir, std::max(1, o.threads));
  if (Status s = t->Warm(); !s.ok()) return s;  // fail early, before any audio work
  return std::unique_ptr<Transcriber>(std::move(t));
}

}  // namespace minutes
