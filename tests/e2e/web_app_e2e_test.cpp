// The web app in a real browser: `minutes serve` started here, then tests/tools/
// web-app.e2e.mjs drives Debian's headless Chromium through it with playwright-core — log in,
// upload a synthesized meeting, watch it finish, rename a speaker and see it everywhere,
// download every export, regenerate the minutes, ask, switch language, log out. Screenshots of
// each page are kept under <build>/test-output/web/. Then what a language model got wrong, as
// the meeting page shows it (tests/tools/web-repairs.e2e.mjs).
#include <gtest/gtest.h>

#include <fstream>

#include "contract_guard.hpp"
#include "fake_openai_server.hpp"
#include "run_command.hpp"
#include "service_fixture.hpp"

namespace minutes {
namespace {

using namespace minutes::testing;
namespace fs = std::filesystem;

TEST(WebApp, APersonUploadsAMeetingAndWorksWithItInTheBrowser) {
  fs::path cfg = fs::temp_directory_path() / ("minutes-web-" + std::to_string(getpid()) + ".yaml");
  std::ofstream(cfg) << "server: {max_upload_mb: 2}\n";
  TestService svc("web", {{"alice", "acme", true}}, {"--config", cfg.string()});
  ASSERT_GT(svc.port(), 0);
  fs::path shots = BinaryDir() / "test-output" / "web";
  fs::remove_all(shots);
  std::string env =
      "MINUTES_URL=http://127.0.0.1:" + std::to_string(svc.port()) +
      " MINUTES_USER=alice MINUTES_PASSWORD=correct-battery-42 MINUTES_MAX_UPLOAD=" +
      std::to_string(2 * 1024 * 1024) +
      " MINUTES_RECORDING=" + ShellQuote((TestData("standup") / "meeting.wav").string()) +
      " MINUTES_RECORDING2=" + ShellQuote((TestData("planning") / "meeting.wav").string()) +
      " MINUTES_SHOTS=" + ShellQuote(shots.string()) +
      " MINUTES_ANSWERS=" + ShellQuote((shots / "answers.jsonl").string());
  fs::remove(shots / "answers.jsonl");
  auto r =
      RunCommand(env + " node " + ShellQuote(SourcePath("tests/tools/web-app.e2e.mjs").string()));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("every step passed"), std::string::npos) << r.output;
  // What the service answered the browser, held to its contract like every other answer.
  EXPECT_GT(CheckRecordedAnswers(svc.port(), (shots / "answers.jsonl").string()), 30);
  for (const char* page : {"01-login", "04-meeting", "05-renamed", "07-edited", "08-meeting-zh"})
    EXPECT_TRUE(fs::exists(shots / (std::string(page) + ".png"))) << page;
  fs::remove(cfg);
}

// A model (a strict local OpenAI-compatible server) writes minutes whose one decision cites a
// segment that does not exist and no speaker, and answers a question citing a segment that does
// not exist: the meeting page shows the model's words and says, beside each, what was left out.
TEST(WebApp, WhatTheModelGotWrongIsSaidBesideItsMinutesAndAnswers) {
  FakeOpenAiServer llm("sk-web-secret");
  llm.Respond([](const nlohmann::json& body) {
    std::string system = body["messages"][0]["content"];
    if (system.rfind("You answer questions", 0) == 0)
      return ScriptedReply(200, R"({"answer": "Friday, as agreed.", "citations": ["seg-9999"]})",
                           "stop", 900, 40);
    nlohmann::json minutes = {
        {"title", "Standup by the model"},
        {"summary", {"The team agreed when to ship."}},
        {"decisions",
         {{{"text", "Ship the beta on Friday"}, {"speaker", nullptr}, {"segment", "seg-9999"}}}},
        {"action_items", nlohmann::json::array()},
        {"topics", {"release"}}};
    return ScriptedReply(200, minutes.dump(), "stop", 1200, 150);
  });
  fs::path cfg =
      fs::temp_directory_path() / ("minutes-web-llm-" + std::to_string(getpid()) + ".yaml");
  std::string base = llm.BaseUrl();
  std::ofstream(cfg) << "llm:\n  chain:\n    - \"openai+http://:sk-web-secret@127.0.0.1:"
                     << base.substr(base.rfind(':') + 1)
                     << "?model=gpt-4o-mini&retries=0&timeout_s=20\"\n";
  TestService svc("web-llm", {{"alice", "acme", true}}, {"--config", cfg.string()});
  ASSERT_GT(svc.port(), 0);
  std::string token = svc.Token("alice");
  std::ifstream wav(TestData("standup") / "meeting.wav", std::ios::binary);
  std::string audio((std::istreambuf_iterator<char>(wav)), {});
  auto up = Call(svc.port(), "POST", "/api/v1/tasks", audio, token, "audio/wav");
  ASSERT_EQ(up.status, 201) << up.body;
  std::string id = up.json()["id"];
  ASSERT_EQ(svc.WaitDone(id, token, 240)["state"], "succeeded");
  fs::path shots = BinaryDir() / "test-output" / "web";
  std::string env = "MINUTES_URL=http://127.0.0.1:" + std::to_string(svc.port()) +
                    " MINUTES_USER=alice MINUTES_PASSWORD=correct-battery-42 MINUTES_TASK=" + id +
                    " MINUTES_SHOTS=" + ShellQuote(shots.string()) +
                    " MINUTES_ANSWERS=" + ShellQuote((shots / "repairs-answers.jsonl").string());
  fs::remove(shots / "repairs-answers.jsonl");
  auto r = RunCommand(env + " node " +
                      ShellQuote(SourcePath("tests/tools/web-repairs.e2e.mjs").string()));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("every step passed"), std::string::npos) << r.output;
  EXPECT_GT(CheckRecordedAnswers(svc.port(), (shots / "repairs-answers.jsonl").string()), 5);
  EXPECT_TRUE(llm.violations().empty()) << llm.violations()[0];
  fs::remove(cfg);
}

}  // namespace
}  // namespace minutes
