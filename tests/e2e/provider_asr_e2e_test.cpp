// Speech recognition by a provider through the real service: `asr.engine` set to an
// OpenAI-compatible transcription server (a local one checking requests strictly). The task's
// hotword set reaches the provider as its prompt, the words land at their times, the local
// diarizer still names the speakers, and the call is audited with the audio seconds.
#include <gtest/gtest.h>

#include <fstream>

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
  EXPECT_NE(txt.body.find("release on friday"), std::string::npos) << txt.body;
  auto json =
      Call(svc.port(), "GET", "/api/v1/tasks/" + id + "/transcript?format=json", "", token).json();
  EXPECT_GE(json["speakers"].size(), 2u) << "the local diarizer ran";
  ASSERT_FALSE(asr.audio().empty());
  for (auto& a : asr.audio()) {
    EXPECT_EQ(a.prompt, "Minutes, PocketSphinx");
    EXPECT_EQ(a.language, "en");
    EXPECT_LE(a.seconds, 30.0 + 1e-6);
  }
  EXPECT_TRUE(asr.violations().empty()) << asr.violations()[0];
  auto db = svc.dir() / "minutes.db";
  auto engine =
      RunCommand("sqlite3 " + ShellQuote(db.string()) +
                 " \"SELECT engine FROM transcripts; SELECT provider, model, audio_seconds > 30 "
                 "FROM audit_logs WHERE action = 'provider.call' AND provider = 'speaches'\"");
  EXPECT_EQ(engine.output, "speaches:whisper-1\nspeaches|whisper-1|1\n") << engine.output;
  fs::remove(cfg);
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
