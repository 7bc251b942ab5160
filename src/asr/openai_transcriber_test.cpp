// Speech recognition through an OpenAI-compatible transcription server (a local one that checks
// requests as the API reference describes them): one piece, a whole recording packed into pieces
// by the pipeline (FLAC, the previous piece's text as context, under the upload limit), errors.
#include "asr/openai_transcriber.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

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
  ASSERT_TRUE((*session)->Transcribe(samples, 14.0).ok());
  EXPECT_EQ(server.audio().at(1).prompt, "Minutes, 王芳. hello world")
      << "the next piece of a session carries what was said before";
}

// Where the reference says each line was spoken, and a check that every word of a transcript
// lies on one of them (within `slack` seconds) and every line got a word.
void ExpectWordsWhereTheyAreSaid(const Transcript& t, const std::string& meeting, double slack) {
  std::ifstream in(testing::TestData(meeting) / "reference.json");
  auto ref = nlohmann::json::parse(in)["utterances"];
  std::vector<int> heard(ref.size(), 0);
  size_t words = 0;
  for (auto& seg : t.segments)
    for (auto& w : seg.words) {
      ++words;
      bool on_a_line = false;
      for (size_t i = 0; i < ref.size(); ++i)
        if (w.start >= ref[i]["start"].get<double>() - slack &&
            w.end <= ref[i]["end"].get<double>() + slack)
          on_a_line = true, ++heard[i];
      EXPECT_TRUE(on_a_line) << w.word << " at " << w.start << "-" << w.end
                             << " s is not where anything is said";
    }
  EXPECT_GE(words, ref.size());
  for (size_t i = 0; i < ref.size(); ++i)
    EXPECT_GT(heard[i], 0) << "nothing heard of line " << i << " at " << ref[i]["start"];
}

TEST(OpenAiAsr, ARecordingGoesUpInOnePieceAndComesBackWithItsTimes) {
  FakeTranscriptionServer server;
  server.hear = true;
  PipelineOptions po;
  po.engine = Url(server);
  po.threads = 2;
  auto r = TranscribeRecording((testing::TestData("standup") / "meeting.wav").string(), po, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->engine, "openai:whisper-1");
  EXPECT_GE(r->utterances, 3u);
  ASSERT_EQ(server.requests(), 1) << "one request for a 39 s meeting, not one per utterance";
  auto audio = server.audio();
  EXPECT_LT(audio[0].seconds, r->audio.seconds() - 1) << "the pauses squeezed";
  EXPECT_LT(audio[0].bytes, static_cast<size_t>(r->audio.samples) * 2) << "FLAC, not WAV";
  ExpectWordsWhereTheyAreSaid(r->transcript, "standup", 0.35);
  EXPECT_GE(r->transcript.speakers.size(), 2u) << "the local diarizer still tells speakers apart";
  EXPECT_TRUE(server.violations().empty()) << server.violations()[0];
}

TEST(OpenAiAsr, PiecesGoUpInOrderEachWithThePreviousText) {
  FakeTranscriptionServer server;
  server.hear = true;
  server.number_words = true;
  server.expect_context = true;
  server.expect_hotwords = {"Minutes", "PocketSphinx"};
  PipelineOptions po;
  po.engine = Url(server, "&piece_s=12&in_flight=1");
  po.hotwords = {"Minutes", "PocketSphinx"};
  auto r = TranscribeRecording((testing::TestData("review") / "meeting.wav").string(), po, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto audio = server.audio();
  EXPECT_GE(audio.size(), 4u);
  EXPECT_LT(audio.size(), r->utterances);
  for (auto& a : audio) EXPECT_LE(a.seconds, 12.0 + 1e-3);
  for (size_t i = 1; i < audio.size(); ++i)
    EXPECT_NE(audio[i].prompt.find(audio[i - 1].text), std::string::npos) << audio[i].prompt;
  EXPECT_EQ(audio[0].prompt, "Minutes, PocketSphinx");
  ExpectWordsWhereTheyAreSaid(r->transcript, "review", 0.35);
  EXPECT_TRUE(server.violations().empty()) << server.violations()[0];
}

TEST(OpenAiAsr, PiecesStayUnderTheUploadLimit) {
  FakeTranscriptionServer server;
  server.max_upload_bytes = 1024 * 1024;
  PipelineOptions po;
  po.engine = Url(server, "&piece_s=3600&max_upload_mb=1");
  auto r = TranscribeRecording((testing::TestData("review") / "meeting.wav").string(), po, {});
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto audio = server.audio();
  EXPECT_GE(audio.size(), 2u) << "72 s of speech do not fit 1 MB as 16-bit PCM";
  // 1 MB of PCM is 32.8 s: the limit holds whatever FLAC makes of the audio.
  for (auto& a : audio) EXPECT_LE(a.seconds, 32.8);
  EXPECT_TRUE(server.violations().empty()) << server.violations()[0];
  auto t = MakeTranscriber(Url(server, "&piece_s=3600"), {});
  EXPECT_NEAR((*t)->Packing().piece_s, 801, 1) << "25 MB as PCM, with room for the form";
  EXPECT_EQ((*MakeTranscriber(Url(server), {}))->Packing().piece_s, 240);
  EXPECT_EQ((*MakeTranscriber(Url(server), {}))->Packing().runs, 4);
  for (const char* bad : {"&piece_s=5", "&piece_s=long", "&max_upload_mb=0"})
    EXPECT_EQ(MakeTranscriber(Url(server, bad), {}).status().kind(), ErrorKind::kBadInput) << bad;
}

TEST(OpenAiAsr, ServersThatReadOnlyWavGetWav) {
  FakeTranscriptionServer server;
  server.accept_wav = true;
  std::vector<int16_t> samples(16000 * 3, 0);
  auto t = MakeTranscriber(Url(server, "&audio=wav"), {});
  ASSERT_TRUE(t.ok()) << t.status().message();
  ASSERT_TRUE((*(*t)->NewSession())->Transcribe(samples, 0).ok());
  ASSERT_EQ(server.audio().size(), 1u);
  EXPECT_EQ(server.audio()[0].file_bytes, 44u + samples.size() * 2) << "a WAV, not FLAC";
  EXPECT_NEAR(server.audio()[0].seconds, 3.0, 1e-9);
  EXPECT_TRUE(server.violations().empty()) << server.violations()[0];
  EXPECT_EQ(MakeTranscriber(Url(server, "&audio=mp3"), {}).status().kind(), ErrorKind::kBadInput);
}

TEST(OpenAiAsr, ThePromptKeepsTheHotwordsAndTheEndOfWhatWasSaid) {
  std::string said;
  for (int i = 0; i < 300; ++i) said += "w" + std::to_string(i) + " ";
  std::string p = PiecePrompt({"Minutes", "Ada"}, said);
  EXPECT_EQ(p.rfind("Minutes, Ada. w200 w201 ", 0), 0u) << p;
  EXPECT_EQ(p.substr(p.size() - 4), "w299");
  std::string chinese;
  for (int i = 0; i < 400; ++i) chinese += "我们";  // 800 characters, no spaces
  std::string c = PiecePrompt({}, chinese);
  EXPECT_LE(c.size(), 600u);
  EXPECT_EQ(c.size() % 3, 0u) << "cut at a character";
  EXPECT_EQ(c.substr(c.size() - 3), "们");
  EXPECT_EQ(PiecePrompt({"Ada"}, ""), "Ada");
  EXPECT_EQ(PiecePrompt({}, "  "), "");
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

// A piece is minutes of audio and a provider may think for a long while over it: a cancel
// (the task deleted or canceled) stops the request in flight, not at the timeout.
TEST(OpenAiAsr, ACancelStopsThePieceInFlight) {
  testing::FakeTranscriptionServer server;
  server.delay = std::chrono::milliseconds(4000);
  auto t = MakeTranscriber("openai+http://:sk-asr@127.0.0.1:" + std::to_string(server.port()) +
                               "/v1?model=whisper-1&timeout_s=60&retries=0",
                           {});
  ASSERT_TRUE(t.ok()) << t.status().message();
  auto session = (*t)->NewSession();
  ASSERT_TRUE(session.ok());
  std::atomic<bool> stop{false};
  (*session)->SetStop(&stop);
  std::thread canceler([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stop = true;
  });
  std::vector<int16_t> samples(16000 * 2, 0);
  auto t0 = std::chrono::steady_clock::now();
  auto words = (*session)->Transcribe(samples, 0);
  auto took = std::chrono::steady_clock::now() - t0;
  canceler.join();
  ASSERT_FALSE(words.ok());
  EXPECT_EQ(words.status().kind(), ErrorKind::kUnavailable) << words.status().message();
  EXPECT_LT(took, std::chrono::milliseconds(2500)) << "stopped, not waited out";
}

TEST(OpenAiAsr, RequestsInFlightToAProviderAreLimitedAcrossTasks) {
  testing::FakeTranscriptionServer server;
  server.delay = std::chrono::milliseconds(150);
  std::string url = "openai+http://:sk-asr@127.0.0.1:" + std::to_string(server.port()) +
                    "/v1?model=whisper-1&in_flight=2&piece_s=10";
  // Two tasks at once, each with pieces enough for two runs: never more than two requests at
  // the server.
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
