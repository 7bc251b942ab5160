// Minutes written by a language model through the real service: `llm.chain` pointing at an
// OpenAI-compatible test server. The model's minutes are stored with its name, every call is
// audited with tokens, latency, outcome and cost, and when the provider fails the extractive
// generator still writes the minutes.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <regex>

#include "fake_openai_server.hpp"
#include "run_command.hpp"
#include "service_fixture.hpp"

namespace minutes {
namespace {

using namespace minutes::testing;
namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

TEST(LlmMinutes, TheServiceWritesMinutesWithAModelAndFallsBackWhenItFails) {
  FakeOpenAiServer llm("sk-e2e-secret");
  std::atomic<bool> failing{false};
  llm.Respond([&](const nlohmann::json& body) {
    if (failing) return ScriptedReply::Error(503, "model overloaded");
    std::string system = body["messages"][0]["content"], user = body["messages"][1]["content"];
    if (system.rfind("You answer questions", 0) == 0) {
      std::smatch q;
      std::regex last(R"(\[(seg-\d+)\][^\n]*\n\nQuestion:)");
      nlohmann::json cites = nlohmann::json::array();
      if (std::regex_search(user, q, last)) cites.push_back(q[1].str());
      return ScriptedReply(
          200,
          nlohmann::json{{"answer", "Friday, said the last speaker."}, {"citations", cites}}.dump(),
          "stop", 1200, 150);
    }
    std::smatch m;
    std::regex first(R"(\[(seg-\d+)\] \S+ (S\d+):)");
    nlohmann::json out = {{"title", "Standup by the model"},
                          {"summary", {"The team went through yesterday and today."}},
                          {"decisions", nlohmann::json::array()},
                          {"action_items", nlohmann::json::array()},
                          {"topics", {"standup"}}};
    if (std::regex_search(user, m, first))
      out["decisions"].push_back(
          {{"text", "Keep the standup short"}, {"speaker", m[2]}, {"segment", m[1]}});
    return ScriptedReply(200, out.dump(), "stop", 1200, 150);
  });
  fs::path cfg = fs::temp_directory_path() / ("minutes-llm-" + std::to_string(getpid()) + ".yaml");
  std::ofstream(cfg) << "llm:\n  chain:\n    - \"openai+http://:${TEST_LLM_KEY}@127.0.0.1:"
                     << llm.BaseUrl().substr(llm.BaseUrl().rfind(':') + 1)
                     << "?model=gpt-4o-mini&retries=0&timeout_s=20\"\n"
                     << "prices:\n  openai.gpt-4o-mini.input_1k_tokens: 0.15\n"
                     << "  openai.gpt-4o-mini.output_1k_tokens: 0.6\n"
                     << "server: {max_upload_mb: 50}\n";
  setenv("TEST_LLM_KEY", "sk-e2e-secret", 1);
  TestService svc("llm", {{"alice", "acme", true}}, {"--config", cfg.string()});
  ASSERT_GT(svc.port(), 0);
  std::string token = svc.Token("alice");
  auto shown = RunCommand(MinutesBinary() + " config show --config " + ShellQuote(cfg.string()));
  EXPECT_EQ(shown.output.find("sk-e2e-secret"), std::string::npos) << shown.output;

  auto up = Call(svc.port(), "POST", "/api/v1/tasks", Slurp(TestData("standup") / "meeting.wav"),
                 token, "audio/wav");
  ASSERT_EQ(up.status, 201) << up.body;
  std::string id = up.json()["id"];
  auto t = svc.WaitDone(id, token, 240);
  ASSERT_EQ(t["state"], "succeeded") << t.dump();
  auto minutes = Call(svc.port(), "GET", "/api/v1/tasks/" + id + "/minutes?format=json", "", token);
  ASSERT_EQ(minutes.status, 200) << minutes.body;
  EXPECT_EQ(minutes.json()["title"], "Standup by the model") << minutes.body;
  ASSERT_EQ(minutes.json()["decisions"].size(), 1u) << minutes.body;
  EXPECT_EQ(minutes.json()["decisions"][0]["text"], "Keep the standup short");
  auto versions =
      Call(svc.port(), "GET", "/api/v1/tasks/" + id + "/minutes/versions", "", token).json();
  EXPECT_EQ(versions["items"][0]["generator"], "openai:gpt-4o-mini") << versions.dump();
  EXPECT_TRUE(llm.violations().empty()) << llm.violations()[0];
  EXPECT_EQ(llm.requests().at(0).header("authorization"), "Bearer sk-e2e-secret");
  // The default template's own prompt reached the model.
  EXPECT_NE(llm.bodies().at(0).dump().find("Summarise the meeting for someone who missed it"),
            std::string::npos)
      << llm.bodies().at(0).dump();

  // Questions: answered by the model, citing a segment that exists.
  auto ask = Call(svc.port(), "POST", "/api/v1/tasks/" + id + "/ask",
                  R"({"question":"When do we ship?"})", token);
  ASSERT_EQ(ask.status, 200) << ask.body;
  EXPECT_EQ(ask.json()["answer"], "Friday, said the last speaker.");
  EXPECT_EQ(ask.json()["generator"], "openai:gpt-4o-mini");
  ASSERT_EQ(ask.json()["citations"].size(), 1u) << ask.body;
  EXPECT_GT(ask.json()["citations"][0]["end"].get<double>(), 0);
  EXPECT_FALSE(ask.json()["citations"][0]["text"].get<std::string>().empty());
  EXPECT_EQ(
      Call(svc.port(), "POST", "/api/v1/tasks/" + id + "/ask", R"({"question":" "})", token).status,
      400);

  // The provider fails: the regenerated version is written by the extractive generator, and
  // questions are answered with the best-matching segments.
  failing = true;
  auto offline = Call(svc.port(), "POST", "/api/v1/tasks/" + id + "/ask",
                      R"({"question":"Who writes the release notes?"})", token);
  ASSERT_EQ(offline.status, 200) << offline.body;
  EXPECT_EQ(offline.json()["generator"], "extractive");
  EXPECT_FALSE(offline.json()["citations"].empty()) << offline.body;
  auto regen = Call(svc.port(), "POST", "/api/v1/tasks/" + id + "/minutes",
                    R"({"template":"default"})", token);
  ASSERT_EQ(regen.status, 202) << regen.body;
  for (int i = 0; i < 150; ++i) {
    versions =
        Call(svc.port(), "GET", "/api/v1/tasks/" + id + "/minutes/versions", "", token).json();
    if (versions["items"].size() == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_EQ(versions["items"].size(), 2u) << versions.dump();
  std::set<std::string> generators;
  for (auto& v : versions["items"]) generators.insert(v["generator"]);
  EXPECT_EQ(generators, (std::set<std::string>{"openai:gpt-4o-mini", "extractive"}));

  // Every call audited: good ones with tokens and cost, failed ones with their outcome.
  auto db = svc.dir() / "minutes.db";
  auto rows = RunCommand("sqlite3 " + ShellQuote(db.string()) +
                         " \"SELECT outcome, tokens_in, tokens_out, round(cost, 6), latency_ms > 0 "
                         "FROM audit_logs WHERE action = 'provider.call' AND provider = 'openai' "
                         "ORDER BY id\"")
                  .output;
  // Minutes, question, failed question, failed regeneration; 1.2k in at 0.15, 0.15k out at 0.6.
  EXPECT_EQ(rows, "ok|1200|150|0.27|1\nok|1200|150|0.27|1\nfailed|0|0|0.0|1\nfailed|0|0|0.0|1\n")
      << rows;
  auto usage = Call(svc.port(), "GET", "/api/v1/usage?group_by=user", "", token);
  EXPECT_NE(usage.body.find("0.54"), std::string::npos) << usage.body;
  fs::remove(cfg);
}

}  // namespace
}  // namespace minutes
