// Minutes from a language model over HTTP (an OpenAI-compatible test server): the prompt, the
// structured-output schema, repairs and the one repair round, and map-reduce over a two-hour
// meeting on an 8k-token context.
#include "minutes/llm_generator.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "fake_openai_server.hpp"
#include "llm/openai_chat_model.hpp"

namespace minutes {
namespace {

using testing::FakeOpenAiServer;
using testing::ScriptedReply;

Transcript Meeting() {
  Transcript t;
  t.duration = 30;
  t.language = "zh";
  t.speakers = {{"S1", std::string("王芳"), 20}, {"S2", std::nullopt, 10}};
  t.segments = {{"seg-0001", "S1", 0, 8, "我们决定下周五发布新版本。", {}},
                {"seg-0002", "S2", 8, 18, "好的，我负责测试，周三之前完成。", {}},
                {"seg-0003", "S1", 18, 30, "那就这么定了。", {}}};
  return t;
}

std::shared_ptr<LanguageModel> Model(const FakeOpenAiServer& s) {
  OpenAiChatOptions o;
  o.base_url = s.BaseUrl();
  o.api_key = "sk-test";
  o.model = "qwen-plus";
  o.provider = "dashscope";
  return std::make_shared<OpenAiChatModel>(o);
}

const char* kGood = R"({"title":"发布计划","summary":["决定下周五发布。"],
  "decisions":[{"text":"下周五发布新版本","speaker":"S1","segment":"seg-0001"}],
  "action_items":[{"text":"完成测试","owner":"S2","due":"周三之前","segment":"seg-0002"}],
  "topics":["发布"]})";

TEST(LlmMinutes, PromptsWithNamesAndSegmentsAndReadsTheJson) {
  FakeOpenAiServer server;
  server.Push({200, std::string("```json\n") + kGood + "\n```"});
  LlmMinutesGenerator gen(Model(server), {"Keep it short.", 8192, 1000});
  auto doc = gen.Generate(Meeting(), {});
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  EXPECT_EQ(doc->title, "发布计划");
  ASSERT_EQ(doc->decisions.size(), 1u);
  EXPECT_EQ(doc->decisions[0].segment, "seg-0001");
  ASSERT_EQ(doc->action_items.size(), 1u);
  EXPECT_EQ(doc->action_items[0].due, "周三之前");
  ASSERT_EQ(doc->speakers.size(), 2u);
  EXPECT_EQ(doc->speakers[0].name, "王芳");
  EXPECT_NEAR(doc->speakers[0].share, 2.0 / 3, 1e-9);
  EXPECT_EQ(gen.Name(), "dashscope:qwen-plus");
  ASSERT_TRUE(server.violations().empty()) << server.violations()[0];
  auto body = server.bodies().at(0);
  std::string system = body["messages"][0]["content"], user = body["messages"][1]["content"];
  EXPECT_NE(system.find("Keep it short."), std::string::npos);
  EXPECT_NE(system.find("\"action_items\""), std::string::npos);
  EXPECT_NE(user.find("[seg-0001] 00:00:00 王芳 (S1): 我们决定下周五发布新版本。"),
            std::string::npos)
      << user;
  EXPECT_NE(user.find("[seg-0002] 00:00:08 S2: "), std::string::npos) << user;
  EXPECT_EQ(body["response_format"]["type"], "json_schema");
  GenerateOptions titled;
  titled.title_hint = "Weekly";
  server.Push({200, kGood});
  EXPECT_EQ(gen.Generate(Meeting(), titled)->title, "Weekly");
}

TEST(LlmMinutes, ABadCitationIsDroppedNotSentBack) {
  // One unknown segment used to cost a second request, and a second bad answer the whole
  // model output; now the decision stays without it and the repair says what was dropped.
  FakeOpenAiServer server;
  std::string bad = kGood;
  bad.replace(bad.find("seg-0001"), 8, "seg-0999");
  server.Push({200, bad});
  LlmMinutesGenerator gen(Model(server), {});
  auto written = gen.Write(Meeting(), {});
  ASSERT_TRUE(written.ok()) << written.status().message();
  EXPECT_EQ(server.bodies().size(), 1u);
  ASSERT_EQ(written->doc.decisions.size(), 1u);
  EXPECT_EQ(written->doc.decisions[0].text, "下周五发布新版本");
  EXPECT_EQ(written->doc.decisions[0].segment, "");
  EXPECT_EQ(written->doc.decisions[0].speaker, "S1");
  EXPECT_EQ(RepairsToJson(written->repairs),
            nlohmann::json::parse(R"([{"path":"decisions[0].segment","action":"dropped",
                                       "reason":"unknown segment","from":"seg-0999"}])"));
}

TEST(LlmMinutes, AReplyThatIsNotJsonIsSentBackOnce) {
  FakeOpenAiServer server;
  server.Push({200, "Sure! Here are the minutes: the team will ship."});
  server.Push({200, kGood});
  LlmMinutesGenerator gen(Model(server), {});
  auto written = gen.Write(Meeting(), {});
  ASSERT_TRUE(written.ok()) << written.status().message();
  EXPECT_EQ(written->doc.title, "发布计划");
  EXPECT_TRUE(written->repairs.empty());
  auto second = server.bodies().at(1)["messages"];
  ASSERT_EQ(second.size(), 4u);  // system, transcript, the bad reply, the correction
  EXPECT_EQ(second[2]["role"], "assistant");
  EXPECT_EQ(second[2]["content"], "Sure! Here are the minutes: the team will ship.");
  EXPECT_NE(second[3]["content"].get<std::string>().find("not a JSON object"), std::string::npos);
}

TEST(LlmMinutes, UnusableTwiceIsAClearError) {
  FakeOpenAiServer server;
  server.Push({200, "Sure! Here are the minutes: the team will ship."});
  server.Push({200, R"({"title":"发布计划","summary":["决定下周五)", "length"});
  LlmMinutesGenerator gen(Model(server), {});
  auto doc = gen.Generate(Meeting(), {});
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().kind(), ErrorKind::kBadInput);
  EXPECT_NE(doc.status().message().find("unusable minutes twice"), std::string::npos)
      << doc.status().message();
  EXPECT_NE(doc.status().message().find("cut off"), std::string::npos) << doc.status().message();
}

TEST(LlmMinutes, TheMinutesSchemaIsSentAsStructuredOutput) {
  FakeOpenAiServer server;
  server.Push({200, kGood});
  LlmMinutesGenerator gen(Model(server), {});
  ASSERT_TRUE(gen.Generate(Meeting(), {}).ok());
  auto format = server.bodies().at(0)["response_format"];
  EXPECT_EQ(format["type"], "json_schema");
  EXPECT_EQ(format["json_schema"]["name"], "minutes");
  EXPECT_EQ(format["json_schema"]["schema"], MinutesReplySchema());
  EXPECT_TRUE(server.violations().empty()) << server.violations()[0];
}

TEST(LlmMinutes, ATwoHourMeetingIsMapReducedWithinAn8kContext) {
  // 2 hours: 1,440 five-second segments, turns of three segments, three speakers.
  Transcript t;
  t.duration = 7200;
  t.speakers = {
      {"S1", std::string("Ana"), 2400}, {"S2", std::nullopt, 2400}, {"S3", std::nullopt, 2400}};
  for (int i = 0; i < 1440; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "seg-%04d", i + 1);
    t.segments.push_back({id,
                          "S" + std::to_string(i / 3 % 3 + 1),
                          i * 5.0,
                          i * 5.0 + 5,
                          "we went through item number " + std::to_string(i) +
                              " of the quarterly plan and agreed on the next steps for it",
                          {}});
  }
  FakeOpenAiServer server;
  int maps = 0, reduces = 0;
  server.Respond([&](const nlohmann::json& body) {
    std::string system = body["messages"][0]["content"], user = body["messages"][1]["content"];
    nlohmann::json out = {{"title", "Part"},
                          {"summary", {"Items were discussed."}},
                          {"decisions", nlohmann::json::array()},
                          {"action_items", nlohmann::json::array()},
                          {"topics", {"plan"}}};
    if (system.rfind("You merge", 0) == 0) {  // reduce: keep every decision of the parts
      ++reduces;
      auto parts = nlohmann::json::parse(user.substr(user.find('\n') + 1));
      for (auto& p : parts)
        for (auto& d : p["decisions"]) out["decisions"].push_back(d);
      out["title"] = "Quarterly plan review";
    } else {  // map: one decision citing the part's first segment
      ++maps;
      std::smatch m;
      std::regex first(R"(\[(seg-\d+)\] \S+ (?:\S+ \()?(S\d)\)?:)");
      if (std::regex_search(user, m, first))
        out["decisions"].push_back({{"text", "agreed"}, {"speaker", m[2]}, {"segment", m[1]}});
      if (maps == 1)  // the first part cites a segment that does not exist
        out["decisions"].push_back(
            {{"text", "made up"}, {"speaker", "S1"}, {"segment", "seg-9999"}});
    }
    return ScriptedReply{200, out.dump()};
  });
  LlmMinutesGenerator gen(Model(server), {"", 8192, 1500});
  auto parts = gen.Parts(t);
  ASSERT_GE(parts.size(), 5u);
  auto written = gen.Write(t, {});
  ASSERT_TRUE(written.ok()) << written.status().message();
  auto* doc = &written->doc;
  // The part's repair is recorded once, under its part; the merge that carried the decision
  // on without a segment adds nothing.
  EXPECT_EQ(RepairsToJson(written->repairs),
            nlohmann::json::parse(R"([{"path":"parts[0].decisions[1].segment","action":"dropped",
                                       "reason":"unknown segment","from":"seg-9999"}])"));
  EXPECT_EQ(maps, static_cast<int>(parts.size()));
  EXPECT_GE(reduces, 1);
  EXPECT_EQ(doc->title, "Quarterly plan review");
  ASSERT_EQ(doc->decisions.size(), parts.size() + 1) << "a decision from every part survives";
  EXPECT_EQ(doc->decisions.front().segment, "seg-0001");
  EXPECT_GT(doc->decisions.back().segment, "seg-1200");
  for (auto& body : server.bodies()) {
    int tokens = 0;
    for (auto& m : body["messages"]) tokens += EstimateTokens(m["content"]);
    EXPECT_LE(tokens + body["max_tokens"].get<int>(), 8192);
  }
  EXPECT_TRUE(server.violations().empty());
}

TEST(LlmMinutes, TokenEstimatesCountCjkCharacters) {
  EXPECT_EQ(EstimateTokens("abcdefgh"), 2);
  EXPECT_EQ(EstimateTokens("决定下周"), 4);
  EXPECT_EQ(EstimateTokens(""), 0);
}

}  // namespace
}  // namespace minutes
