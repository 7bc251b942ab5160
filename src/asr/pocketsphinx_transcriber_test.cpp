#include "asr/pocketsphinx_transcriber.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "audio/decoder.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

std::vector<int16_t> LoadPcm(const std::string& path, double from, double to) {
  std::vector<int16_t> all;
  EXPECT_TRUE(DecodeAudio(
                  path,
                  [&](std::span<const int16_t> b) {
                    all.insert(all.end(), b.begin(), b.end());
                    return Status::Ok();
                  },
                  nullptr)
                  .ok());
  auto a = static_cast<size_t>(from * 16000), b = std::min(all.size(), size_t(to * 16000));
  return {all.begin() + a, all.begin() + b};
}

std::string Text(const std::vector<Word>& w) {
  std::string s;
  for (auto& x : w) s += (s.empty() ? "" : " ") + x.word;
  return s;
}

TEST(PocketSphinx, RecognisesAnUtteranceWithTimesAndConfidences) {
  TranscriberOptions o;
  auto t = MakePocketSphinxTranscriber(o);
  ASSERT_TRUE(t.ok()) << t.status().message();
  // standup.txt's first two turns: "Good morning everyone. Let us start the weekly standup." and
  // "Yesterday I finished the login page and fixed two bugs in the upload form."
  auto pcm = LoadPcm(minutes::testing::TestData("standup/meeting.wav"), 0, 12);
  auto session = (*t)->NewSession();
  ASSERT_TRUE(session.ok());
  auto words = (*session)->Transcribe(pcm, 100.0);
  ASSERT_TRUE(words.ok()) << words.status().message();
  std::string text = Text(*words);
  EXPECT_NE(text.find("weekly stand up"), std::string::npos) << text;
  EXPECT_NE(text.find("upload form"), std::string::npos) << text;
  double prev = 100.0;
  for (auto& w : *words) {
    EXPECT_GE(w.start, prev - 1e-9) << w.word;
    EXPECT_GT(w.end, w.start) << w.word;
    EXPECT_LE(w.end, 100.0 + pcm.size() / 16000.0 + 1e-9);
    EXPECT_GE(w.confidence, 0.0);
    EXPECT_LE(w.confidence, 1.0);
    EXPECT_EQ(w.word.find('('), std::string::npos) << "alternative markers are stripped";
    EXPECT_NE(w.word[0], '<') << "fillers are dropped";
    prev = w.start;
  }
}

TEST(PocketSphinx, ParallelCallsGiveTheSameTextAsSerialOnes) {
  TranscriberOptions o;
  o.threads = 2;
  auto t = MakePocketSphinxTranscriber(o);
  ASSERT_TRUE(t.ok());
  auto pcm = LoadPcm(minutes::testing::TestData("standup/meeting.wav"), 0, 12);
  auto serial = (*(*t)->NewSession())->Transcribe(pcm, 0);
  ASSERT_TRUE(serial.ok());
  std::string a, b;
  // Two sessions at once: two decoders, decoding in parallel.
  std::thread t1([&] { a = Text((*(*t)->NewSession())->Transcribe(pcm, 0).value()); });
  std::thread t2([&] { b = Text((*(*t)->NewSession())->Transcribe(pcm, 0).value()); });
  t1.join();
  t2.join();
  EXPECT_EQ(a, Text(*serial));
  EXPECT_EQ(b, Text(*serial));
}

TEST(PocketSphinx, EmptyAudioGivesNoWords) {
  auto t = MakePocketSphinxTranscriber({});
  ASSERT_TRUE(t.ok());
  auto words = (*(*t)->NewSession())->Transcribe({}, 0);
  ASSERT_TRUE(words.ok());
  EXPECT_TRUE(words->empty()) << Text(*words);
}

TEST(PocketSphinx, MissingModelIsAClearError) {
  TranscriberOptions o;
  o.model_dir = "/nonexistent/model";
  auto t = MakePocketSphinxTranscriber(o);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().kind(), ErrorKind::kBadInput);
  EXPECT_NE(t.status().message().find("/nonexistent/model"), std::string::npos);
}

TEST(TranscriberFactory, UnknownEngineListsKnownOnes) {
  auto t = MakeTranscriber("kaldi", {});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("pocketsphinx"), std::string::npos);
}

}  // namespace
}  // namespace minutes
