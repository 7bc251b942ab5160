// Speech recognition through an OpenAI-compatible transcription server (a local one that checks
// requests as the API reference describes them): one utterance, a whole recording cut at pauses
// by the pipeline, errors.
#include "asr/openai_transcriber.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "fake_transcription_server.hpp"
#include "pipeline/pipeline.hpp"
#include "testdata.hpp"

namespace minutes {
namespace {

using testing::FakeTranscriptionServer;

std::string Url(const FakeTranscriptionServer& s, const std::string& extra = "") {
  return "openai+http://:sk-asr@127.0.0.1:" + std::to_string(s.port()) + "/v1?model=whisper-1" +
         extra;
}

TEST(OpenAiAsr, OneUtteranceComesBackAsWordsAtTheirPlace) {
  FakeTranscriptionServer server;
  TranscriberOptions to;
  to.language = "zh";
  to.hotwords = {"Minutes", "王芳"};
  auto t = MakeTranscriber(Url(server, "&name=groq"), to);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ((*t)->Name(), "groq:whisper-1");
  auto session = (*t)->NewSession();
  ASSERT_TRUE(session.ok());
  std::vector<int16_t> samples(16000 * 2, 0);  // 2 s
  auto words = (*session)->Transcribe(samples, 12.0);
  ASSERT_TRUE(words.ok()) << words.status().message();
  ASSERT_EQ(words->size(), 2u);
  EXPECT_EQ((*words)[0].word, "hello");
  EXPECT_NEAR((*words)[0].start, 12.1, 1e-9);
  EXPECT_NEAR((*words)[1].end, 12.8, 1e-9);
  EXPECT_NEAR((*words)[0].confidence, std::exp(-0.1), 1e-9);
  ASSERT_TRUE(server.violations().empty()) << server.violations()[0];
  auto audio = server.audio().at(0);
  EXPECT_NEAR(audio.seconds, 2.0, 1e-9);
  EXPECT_EQ(audio.language, "zh");
  EXPECT_EQ(audio.prompt, "Minutes, 王芳");
}

TEST(OpenAiAsr, ARecordingGoesUpCutAtPausesAndComesBackWithItsTimes) {
  FakeTranscriptionServer server;
  PipelineOptions po;
  po.engine = Url(server);
  po.threads = 2;
  auto r = TranscribeRecording((testing::TestData("standup") / "meeting.wav").string(), po, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->engine, "openai:whisper-1");
  auto audio = server.audio();
  EXPECT_EQ(audio.size(), r->utterances);
  EXPECT_GE(audio.size(), 3u);
  for (auto& a : audio) EXPECT_LE(a.seconds, 30.0 + 1e-6) << "each piece fits the 30 s window";
  size_t words = 0;
  double last = -1;
  for (auto& seg : r->transcript.segments)
    for (auto& w : seg.words) {
      ++words;
      EXPECT_GE(w.start, 0);
      EXPECT_LE(w.end, r->transcript.duration + 1e-6);
      EXPECT_GE(w.start, last - 1e-9) << "words in time order across pieces";
      last = w.start;
    }
  EXPECT_EQ(words, 2 * audio.size());
  EXPECT_GE(r->transcript.speakers.size(), 2u) << "the local diarizer still tells speakers apart";
  EXPECT_TRUE(server.violations().empty());
}

TEST(OpenAiAsr, BusyServersAreRetriedAndRefusalsAreClear) {
  FakeTranscriptionServer server;
  std::vector<int16_t> samples(16000, 0);
  server.FailNext(429, 1, "0");
  auto t = MakeTranscriber(Url(server), {});
  ASSERT_TRUE(t.ok());
  auto s = (*t)->NewSession();
  EXPECT_TRUE((*s)->Transcribe(samples, 0).ok()) << "429 once, then answered";
  server.FailNext(503, 5, "0");
  auto down = (*s)->Transcribe(samples, 0);
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.status().kind(), ErrorKind::kUnavailable);
  auto wrong =
      MakeTranscriber("openai+http://:sk-bad-key@127.0.0.1:" + std::to_string(server.port()) +
                          "/v1?model=whisper-1",
                      {});
  auto refused = (*(*wrong)->NewSession())->Transcribe(samples, 0);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().kind(), ErrorKind::kBadInput);
  EXPECT_NE(refused.status().message().find("HTTP 401: Incorrect API key"), std::string::npos);
  EXPECT_EQ(refused.status().message().find("sk-bad"), std::string::npos);
  for (const char* bad : {"openai+http://h/v1?model=m&colour=blue", "wav2vec://h/v1",
                          "openai://h/v1?timeout_s=soon"}) {
    auto m = MakeTranscriber(bad, {});
    ASSERT_FALSE(m.ok()) << bad;
    EXPECT_EQ(m.status().message().rfind("asr.engine: ", 0), 0u) << m.status().message();
  }
}

}  // namespace
}  // namespace minutes

namespace minutes {
namespace {

TEST(OpenAiAsr, RequestsInFlightToAProviderAreLimitedAcrossTasks) {
  testing::FakeTranscriptionServer server;
  server.delay = std::chrono::milliseconds(150);
  std::string url = "openai+http://:sk-asr@127.0.0.1:" + std::to_string(server.port()) +
                    "/v1?model=whisper-1&in_flight=2";
  // Two tasks at once, three threads each: never more than two requests at the server.
  auto run = [&] {
    PipelineOptions po;
    po.engine = url;
    po.threads = 3;
    auto r = TranscribeRecording((testing::TestData("standup") / "meeting.wav").string(), po, {});
    EXPECT_TRUE(r.ok()) << r.status().message();
  };
  std::thread a(run), b(run);
  a.join();
  b.join();
  EXPECT_EQ(server.max_concurrent(), 2);
  EXPECT_FALSE(ValidateAsrEngine(url.substr(0, url.find('&')) + "&in_flight=0").ok());
}

}  // namespace
}  // namespace minutes
