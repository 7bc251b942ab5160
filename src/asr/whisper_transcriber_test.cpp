// whisper.cpp in-process with a model of the true tiny.en shapes and random weights (see
// whisper_random_model.hpp): it transcribes nonsense, but loading, parallel states, chunking,
// timestamps, progress, engine selection and memory are all real.
#include "asr/whisper_transcriber.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "asr/whisper_random_model.hpp"
#include "pipeline/pipeline.hpp"
#include "testdata.hpp"
#include "whisper.h"

namespace minutes {
namespace {

namespace fs = std::filesystem;

int64_t RssBytes() {
  std::ifstream in("/proc/self/statm");
  int64_t pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

class Whisper : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ =
        new fs::path(fs::temp_directory_path() / ("minutes-whisper-" + std::to_string(getpid())));
    fs::create_directories(*dir_);
    auto shape = WhisperShapeOf("tiny.en");
    ASSERT_TRUE(shape.ok());
    ASSERT_TRUE(WriteRandomWhisperModel((*dir_ / "ggml-tiny.en.bin").string(), *shape).ok());
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static std::string Model() { return (*dir_ / "ggml-tiny.en.bin").string(); }
  static fs::path* dir_;
};
fs::path* Whisper::dir_ = nullptr;

TEST_F(Whisper, TheRandomModelHasTheTrueTinyShapes) {
  // 39 M parameters, mostly f16: ≈ 75 MB like the official ggml-tiny.en.bin.
  auto size = fs::file_size(Model());
  EXPECT_GT(size, 70u * 1000 * 1000);
  EXPECT_LT(size, 80u * 1000 * 1000);
  EXPECT_FALSE(WhisperShapeOf("medium").ok());
}

TEST_F(Whisper, ARecordingIsTranscribedInParallelWithWordsInsideTheAudio) {
  PipelineOptions po;
  po.engine = "whisper";
  po.whisper_model = Model();
  po.threads = 4;  // two sessions of two threads each, one per 30 s window of the meeting
  double last = 0;
  bool monotonic = true;
  auto r = TranscribeRecording((testing::TestData("standup") / "meeting.wav").string(), po,
                               [&](const std::string& stage, double f) {
                                 if (stage == "transcribe")
                                   monotonic = monotonic && f >= last, last = f;
                               });
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->engine, "whisper:tiny.en");
  EXPECT_TRUE(monotonic);
  EXPECT_DOUBLE_EQ(last, 1.0);
  EXPECT_GE(r->utterances, 3u);
  for (const auto& seg : r->transcript.segments)
    for (const auto& w : seg.words) {
      EXPECT_GE(w.start, 0.0);
      EXPECT_LE(w.end, r->transcript.duration + 1e-6);
      EXPECT_LE(w.start, w.end);
      EXPECT_GE(w.start, seg.start - 1e-6);
      EXPECT_LE(w.end, seg.end + 1e-6);
      EXPECT_GE(w.confidence, 0.0);
      EXPECT_LE(w.confidence, 1.0);
    }
}

TEST_F(Whisper, TwoSessionsFitTheModelPlus200MegabytesBudget) {
  // The memory target for a run on this 2-core machine (two decoding threads): peak
  // RSS ≤ model size + 200 MB. Were the weights copied per session, two sessions alone would
  // already need three copies (≈ 230 MB for tiny) on top of their states and fail this.
  TranscriberOptions to;
  to.whisper_model = Model();
  int64_t before = RssBytes();
  auto t = MakeTranscriber("whisper", to);
  ASSERT_TRUE(t.ok()) << t.status().message();
  int64_t loaded = RssBytes();
  std::vector<std::unique_ptr<TranscriberSession>> sessions;
  std::vector<int16_t> two_seconds(16000 * 2, 0);
  for (int i = 0; i < 2; ++i) {
    auto s = (*t)->NewSession();
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->Transcribe(two_seconds, 5.0).ok());
    sessions.push_back(std::move(*s));
  }
  int64_t two = RssBytes();
  const int64_t model = static_cast<int64_t>(fs::file_size(Model()));
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer adds shadow memory (1/8) and keeps freed blocks in a 256 MB quarantine.
  const double shadow = 1.125;
  const int64_t quarantine = int64_t{256} << 20;
#else
  const double shadow = 1.0;
  const int64_t quarantine = 0;
#endif
  EXPECT_GT(loaded - before, model / 2) << "the weights are in memory";
  EXPECT_LT(loaded - before, (model + (32 << 20)) * shadow + quarantine) << "once";
  EXPECT_LE(two - before, (model + (200 << 20)) * shadow + quarantine)
      << "model + two states within the budget";
}

std::vector<int16_t> Noise(double seconds) {
  std::mt19937 rng(7);
  std::normal_distribution<double> n(0, 3000);
  std::vector<int16_t> pcm(static_cast<size_t>(seconds * 16000));
  for (auto& x : pcm) x = static_cast<int16_t>(std::clamp(n(rng), -32000.0, 32000.0));
  return pcm;
}

double SecondsToTranscribe(TranscriberSession& s, const std::vector<int16_t>& pcm, Status* st) {
  auto t0 = std::chrono::steady_clock::now();
  auto r = s.Transcribe(pcm, 0);
  *st = r.status();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

TEST_F(Whisper, AStopEndsAPieceAtWhispersNextCheck) {
  // whisper.cpp asks before each window's encoder and polls the abort callback after every
  // decoding step: a stop raised before a piece ends it before the encoder runs.
  TranscriberOptions to;
  to.whisper_model = Model();
  auto t = MakeTranscriber("whisper", to);
  ASSERT_TRUE(t.ok()) << t.status().message();
  auto s = (*t)->NewSession();
  ASSERT_TRUE(s.ok());
  std::atomic<bool> stop{false};
  (*s)->SetStop(&stop);
  const auto pcm = Noise(28);
  Status whole;
  const double full = SecondsToTranscribe(**s, pcm, &whole);
  ASSERT_TRUE(whole.ok()) << whole.message();
  stop = true;
  Status stopped;
  const double cut = SecondsToTranscribe(**s, pcm, &stopped);
  EXPECT_FALSE(stopped.ok());
  EXPECT_NE(stopped.message().find("canceled"), std::string::npos) << stopped.message();
  EXPECT_LT(cut, full / 4) << "neither the encoder nor the decoder ran";
}

TEST_F(Whisper, ACanceledRecordingStopsBeforeTheLastPiece) {
  PipelineOptions po;
  po.engine = "whisper";
  po.whisper_model = Model();
  po.threads = 1;
  std::atomic<bool> transcribing{false};
  po.canceled = [&] { return transcribing.load(); };
  double reached = 0;
  auto r = TranscribeRecording((testing::TestData("standup") / "meeting.wav").string(), po,
                               [&](const std::string& stage, double f) {
                                 if (stage == "transcribe") transcribing = true, reached = f;
                               });
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("canceled"), std::string::npos) << r.status().message();
  EXPECT_LT(reached, 1.0);
}

TEST_F(Whisper, TheLanguageHeardIsReported) {
  const fs::path multi = *dir_ / "ggml-tiny.bin";
  auto shape = WhisperShapeOf("tiny");
  ASSERT_TRUE(shape.ok());
  ASSERT_TRUE(WriteRandomWhisperModel(multi.string(), *shape).ok());
  const auto pcm = Noise(3);
  for (std::string lang : {"auto", "de"}) {
    TranscriberOptions to;
    to.whisper_model = multi.string();
    to.language = lang;
    auto t = MakeTranscriber("whisper", to);
    ASSERT_TRUE(t.ok()) << t.status().message();
    auto s = (*t)->NewSession();
    ASSERT_TRUE(s.ok());
    EXPECT_EQ((*s)->Language(), "") << "nothing heard yet";
    ASSERT_TRUE((*s)->Transcribe(pcm, 0).ok());
    const std::string heard = (*s)->Language();
    EXPECT_GE(whisper_lang_id(heard.c_str()), 0) << lang << " → '" << heard << "'";
    if (lang == "de") {
      EXPECT_EQ(heard, "de") << "a forced language is what is reported";
    }
  }
  // The language flows into the transcript (the meeting's first 12 s keep this test short).
  const fs::path clip = *dir_ / "clip.wav";
  ASSERT_EQ(std::system(("sox " + (testing::TestData("standup") / "meeting.wav").string() + " " +
                         clip.string() + " trim 0 12")
                            .c_str()),
            0);
  PipelineOptions po;
  po.engine = "whisper";
  po.whisper_model = multi.string();
  po.language = "auto";
  auto r = TranscribeRecording(clip.string(), po);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_GE(whisper_lang_id(r->transcript.language.c_str()), 0) << r->transcript.language;
  fs::remove(multi);
}

TEST_F(Whisper, AutoPicksWhisperOnlyWhenItsModelExists) {
  TranscriberOptions to;
  to.whisper_model = Model();
  auto with = MakeTranscriber("auto", to);
  ASSERT_TRUE(with.ok());
  EXPECT_EQ((*with)->Name(), "whisper:tiny.en");
  to.whisper_model = (*dir_ / "ggml-missing.bin").string();
  auto without = MakeTranscriber("auto", to);
  ASSERT_TRUE(without.ok());
  EXPECT_EQ((*without)->Name(), "pocketsphinx");
  auto forced = MakeTranscriber("whisper", to);
  ASSERT_FALSE(forced.ok());
  EXPECT_NE(forced.status().message().find("ggml-missing.bin"), std::string::npos);
  std::ofstream(*dir_ / "ggml-junk.bin") << "not a model";
  to.whisper_model = (*dir_ / "ggml-junk.bin").string();
  auto junk = MakeTranscriber("whisper", to);
  ASSERT_FALSE(junk.ok());
  EXPECT_NE(junk.status().message().find("not a whisper.cpp (ggml) model"), std::string::npos);
}

}  // namespace
}  // namespace minutes
