// Speech recognition by a provider through the real service: `asr.engine` set to an
// OpenAI-compatible transcription server (a local one checking requests strictly). The meeting
// goes up in pieces of minutes as FLAC, not one request per utterance; the task's hotword set
// reaches the provider as its prompt, the words land at the times they are said, the local
// diarizer still names the speakers, the transcript names the engine and its model, and the call
// is audited with the audio seconds.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "fake_transcription_server.hpp"
#include "run_command.hpp"
#include "service_fixture.hpp"

namespace minutes {
namespace {

using namespace minutes::testing;
namespace fs = std::filesystem;

TEST(ProviderAsr, TheServiceTranscribesThroughAProvider) {
  FakeTranscriptionServer asr("sk-asr-secret");
  asr.words = {"release", "on", "friday"};
  asr.hear = true;  // the meeting is one piece: a word wherever there is speech in it
  fs::path cfg = fs::temp_directory_path() / ("minutes-asr-" + std::to_string(getpid()) + ".yaml");
  std::ofstream(cfg) << "asr:\n  engine: \"openai+http://:${TEST_ASR_KEY}@127.0.0.1:" << asr.port()
                     << "/v1?model=whisper-1&name=speaches\"\n"
                     << "server: {max_upload_mb: 50}\n";
  setenv("TEST_ASR_KEY", "sk-asr-secret", 1);
  TestService svc("asr", {{"alice", "acme", false}}, {"--config", cfg.string()});
  ASSERT_GT(svc.port(), 0);
  std::string token = svc.Token("alice");
  auto set = Call(svc.port(), "POST", "/api/v1/hotword-sets",
                  R"({"name":"product","words":["Minutes","PocketSphinx"]})", token);
  ASSERT_EQ(set.status, 201) << set.body;
  std::ifstream in(TestData("standup") / "meeting.wav", std::ios::binary);
  std::string wav((std::istreambuf_iterator<char>(in)), {});
  auto up =
      Call(svc.port(), "POST", "/api/v1/tasks?hotword_set=" + set.json()["id"].get<std::string>(),
           wav, token, "audio/wav");
  ASSERT_EQ(up.status, 201) << up.body;
  std::string id = up.json()["id"];
  auto t = svc.WaitDone(id, token, 240);
  ASSERT_EQ(t["state"], "succeeded") << t.dump();
  auto txt = Call(svc.port(), "GET", "/api/v1/tasks/" + id + "/transcript?format=txt", "", token);
  for (const char* word : {"release", "on", "friday"})
    EXPECT_NE(txt.body.find(word), std::string::npos) << txt.body;
  auto json =
      Call(svc.port(), "GET", "/api/v1/tasks/" + id + "/transcript?format=json", "", token).json();
  EXPECT_GE(json["speakers"].size(), 2u) << "the local diarizer ran";
  ASSERT_FALSE(asr.audio().empty());
  for (auto& a : asr.audio()) {
    EXPECT_EQ(a.prompt, "Minutes, PocketSphinx");
    EXPECT_EQ(a.language, "en");
    EXPECT_LE(a.seconds, 240.0 + 1e-6);
  }
  EXPECT_EQ(asr.requests(), 1) << "a 39 s meeting is one piece";
  EXPECT_TRUE(asr.violations().empty()) << asr.violations()[0];
  auto db = svc.dir() / "minutes.db";
  auto engine =
      RunCommand("sqlite3 " + ShellQuote(db.string()) +
                 " \"SELECT engine FROM transcripts; SELECT provider, model, audio_seconds > 30 "
                 "FROM audit_logs WHERE action = 'provider.call' AND provider = 'speaches'\"");
  EXPECT_EQ(engine.output, "speaches:whisper-1\nspeaches|whisper-1|1\n") << engine.output;
  fs::remove(cfg);
}

// Every word of the transcript lies on a line of the reference (within `slack` seconds), and
// every line has a word.
void ExpectWordsWhereTheyAreSaid(const nlohmann::json& transcript, const std::string& meeting,
                                 double slack) {
  std::ifstream in(TestData(meeting) / "reference.json");
  auto ref = nlohmann::json::parse(in)["utterances"];
  std::vector<int> heard(ref.size(), 0);
  for (auto& seg : transcript["segments"])
    for (auto& w : seg["words"]) {
      double s = w["start"], e = w["end"];
      bool on_a_line = false;
      for (size_t i = 0; i < ref.size(); ++i)
        if (s >= ref[i]["start"].get<double>() - slack && e <= ref[i]["end"].get<double>() + slack)
          on_a_line = true, ++heard[i];
      EXPECT_TRUE(on_a_line) << w.dump() << " is not where anything is said";
    }
  for (size_t i = 0; i < ref.size(); ++i)
    EXPECT_GT(heard[i], 0) << "nothing heard of line " << i << " at " << ref[i]["start"];
}

TEST(ProviderAsr, AMeetingGoesUpAsOnePieceAndItsWordsLandWhereTheyAreSaid) {
  FakeTranscriptionServer asr("sk-asr-secret");
  asr.hear = true;  // one word per line it hears, at the time it hears it in the piece
  fs::path cfg =
      fs::temp_directory_path() / ("minutes-asr-p-" + std::to_string(getpid()) + ".yaml");
  std::ofstream(cfg) << "asr:\n  engine: \"openai+http://:sk-asr-secret@127.0.0.1:" << asr.port()
                     << "/v1?model=whisper-1&name=speaches\"\n";
  TestService svc("asr-pieces", {{"alice", "acme", false}}, {"--config", cfg.string()});
  ASSERT_GT(svc.port(), 0);
  std::string token = svc.Token("alice");
  std::ifstream in(TestData("review") / "meeting.wav", std::ios::binary);
  std::string wav((std::istreambuf_iterator<char>(in)), {});
  auto up = Call(svc.port(), "POST", "/api/v1/tasks", wav, token, "audio/wav");
  ASSERT_EQ(up.status, 201) << up.body;
  std::string id = up.json()["id"];
  auto t = svc.WaitDone(id, token, 240);
  ASSERT_EQ(t["state"], "succeeded") << t.dump();
  // 72 s, 16 lines: 16 or more utterances, one request each before; one piece now.
  EXPECT_EQ(asr.requests(), 1);
  ASSERT_EQ(asr.audio().size(), 1u);
  EXPECT_LT(asr.audio()[0].seconds, 70.0) << "the pauses squeezed";
  EXPECT_LT(asr.audio()[0].bytes, wav.size()) << "FLAC, smaller than the WAV";
  EXPECT_TRUE(asr.violations().empty()) << asr.violations()[0];
  auto json =
      Call(svc.port(), "GET", "/api/v1/tasks/" + id + "/transcript?format=json", "", token).json();
  EXPECT_EQ(json["engine"], "speaches:whisper-1");
  EXPECT_EQ(json["model"], "whisper-1");
  ExpectWordsWhereTheyAreSaid(json, "review", 0.35);
  auto vtt = Call(svc.port(), "GET", "/api/v1/tasks/" + id + "/transcript?format=vtt", "", token);
  EXPECT_NE(vtt.body.find("NOTE transcribed by speaches:whisper-1"), std::string::npos) << vtt.body;
  fs::remove(cfg);
}

TEST(ProviderAsr, TheCommandLineNamesTheEngineInItsSummaryAndTranscript) {
  FakeTranscriptionServer asr("sk-cli");
  fs::path out = fs::temp_directory_path() / ("minutes-asr-cli-" + std::to_string(getpid()));
  auto r = RunCommand(MinutesBinary() + " run " +
                      ShellQuote((TestData("standup") / "meeting.wav").string()) +
                      " --engine 'openai+http://:sk-cli@127.0.0.1:" + std::to_string(asr.port()) +
                      "/v1?model=whisper-large-v3&name=groq' -o " + ShellQuote(out.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("engine groq:whisper-large-v3"), std::string::npos) << r.output;
  std::ifstream in(out / "transcript.json");
  auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["engine"], "groq:whisper-large-v3");
  EXPECT_EQ(j["model"], "whisper-large-v3");
  EXPECT_EQ(asr.requests(), 1);
  fs::remove_all(out);
}

TEST(ProviderAsr, AWrongProviderUrlStopsStartUp) {
  fs::path dir = fs::temp_directory_path() / ("minutes-asr-bad-" + std::to_string(getpid()));
  auto r = RunCommand("MINUTES_ASR_ENGINE='openai://h/v1?model=m&colour=blue' " + MinutesBinary() +
                      " serve --port 0 --data-dir " + ShellQuote(dir.string()));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("asr.engine: unknown parameter \"colour\""), std::string::npos)
      << r.output;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace minutes
