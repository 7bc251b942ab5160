// A language model that answers the way real ones misbehave — null and missing fields, names
// instead of ids, extra fields, unknown segment ids, Markdown fences, truncated JSON, an answer
// to another question — through the real service and a two-link llm.chain. Each case asserts
// what the user reads through the API: the model's minutes kept with the bad citations left out
// and listed in `repairs`, the generator still the model; only unusable answers fall back to the
// extractive minutes, with a log event saying why.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

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
using nlohmann::json;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// The service's log: its stderr (inherited from this process while it starts) goes to a file.
class StderrToFile {
 public:
  explicit StderrToFile(const fs::path& file) {
    saved_ = dup(STDERR_FILENO);
    int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, STDERR_FILENO);
    close(fd);
  }
  ~StderrToFile() {
    dup2(saved_, STDERR_FILENO);
    close(saved_);
  }

 private:
  int saved_ = -1;
};

enum class Misbehaviour {
  kNullAndMissing,  // speaker null, no segment, owner missing, extra fields, in ```json fences
  kNames,           // owner and speaker given as names
  kUnknownSegment,  // a segment id that does not exist
  kTruncatedOnce,   // cut off at max_tokens, then a good answer
  kOtherQuestion,   // valid JSON of another shape, twice
};

// The first line of the transcript the model was shown: its segment id and speaker id.
std::pair<std::string, std::string> FirstLine(const std::string& user) {
  std::smatch m;
  static const std::regex first(R"(\[(seg-\d+)\] \S+ (?:[^(\n]* \()?(S\d+)\)?:)");
  if (!std::regex_search(user, m, first)) return {"", ""};
  return {m[1], m[2]};
}

ScriptedReply MinutesReply(Misbehaviour how, const std::string& user, bool first_try) {
  auto [segment, speaker] = FirstLine(user);
  json good = {
      {"title", "Standup by the model"},
      {"summary", {"The team went through yesterday and today."}},
      {"decisions",
       {{{"text", "Release version two on Friday"}, {"speaker", speaker}, {"segment", segment}}}},
      {"action_items",
       {{{"text", "Send the release notes"},
         {"owner", speaker},
         {"due", "Thursday"},
         {"segment", segment}}}},
      {"topics", {"release"}}};
  switch (how) {
    case Misbehaviour::kNullAndMissing: {
      json j = good;
      j["decisions"][0]["speaker"] = nullptr;
      j["decisions"][0].erase("segment");
      j["action_items"][0].erase("owner");
      j["action_items"][0]["due"] = "";
      j["confidence"] = 0.8;
      j["decisions"][0]["importance"] = "high";
      return {200, "Here are the minutes:\n```json\n" + j.dump(2) + "\n```"};
    }
    case Misbehaviour::kNames: {
      json j = good;
      j["decisions"][0]["speaker"] = "alice (" + speaker + ")";
      j["action_items"][0]["owner"] = "Alice";
      return {200, j.dump()};
    }
    case Misbehaviour::kUnknownSegment: {
      json j = good;
      j["decisions"][0]["segment"] = "seg-9999";
      return {200, j.dump()};
    }
    case Misbehaviour::kTruncatedOnce:
      if (first_try) return {200, good.dump().substr(0, 80), "length"};
      return {200, good.dump()};
    case Misbehaviour::kOtherQuestion:
      return {200, json{{"answer", "Friday."}, {"citations", {segment}}}.dump()};
  }
  return {500, ""};
}

class LlmRepair : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto* server : {&primary_, &backup_})
      server->Respond([this, server](const json& body) {
        if (server == &primary_ && primary_down_) return ScriptedReply::Error(503, "overloaded");
        std::string system = body["messages"][0]["content"], user = body["messages"][1]["content"];
        bool first_try = body["messages"].size() == 2;
        if (system.rfind("You answer questions", 0) == 0)
          return ScriptedReply(200, "```json\n" + ask_reply_.dump() + "\n```");
        return MinutesReply(how_, user, first_try);
      });
    cfg_ = fs::temp_directory_path() / ("minutes-repair-" + std::to_string(getpid()) + ".yaml");
    auto port = [](const FakeOpenAiServer& s) {
      return s.BaseUrl().substr(s.BaseUrl().rfind(':') + 1);
    };
    std::ofstream(cfg_) << "llm:\n  chain:\n"
                        << "    - \"openai+http://:sk-test@127.0.0.1:" << port(primary_)
                        << "?model=gpt-4o-mini&retries=0&timeout_s=20\"\n"
                        << "    - \"openai+http://:sk-test@127.0.0.1:" << port(backup_)
                        << "?model=llama3.1&name=ollama&retries=0&timeout_s=20\"\n"
                        << "server: {max_upload_mb: 50}\n";
    log_ = fs::temp_directory_path() / ("minutes-repair-" + std::to_string(getpid()) + ".log");
    {
      StderrToFile to_log(log_);
      svc_ = std::make_unique<TestService>(
          "repair",
          std::vector<std::tuple<std::string, std::string, bool>>{{"alice", "acme", true}},
          std::vector<std::string>{"--config", cfg_.string()});
    }
    ASSERT_GT(svc_->port(), 0);
    token_ = svc_->Token("alice");
  }
  void TearDown() override {
    svc_.reset();
    fs::remove(cfg_);
    fs::remove(log_);
  }
  // Uploads the standup meeting and waits for it; the first minutes are a good model answer.
  std::string Meeting() {
    how_ = Misbehaviour::kTruncatedOnce;
    auto up = Call(svc_->port(), "POST", "/api/v1/tasks",
                   Slurp(TestData("standup") / "meeting.wav"), token_, "audio/wav");
    EXPECT_EQ(up.status, 201) << up.body;
    std::string id = up.json()["id"];
    auto t = svc_->WaitDone(id, token_, 240);
    EXPECT_EQ(t["state"], "succeeded") << t.dump();
    return id;
  }
  // Regenerates the minutes with the model misbehaving `how`; the new version's JSON.
  json Regenerate(const std::string& id, Misbehaviour how) {
    how_ = how;
    auto regen = Call(svc_->port(), "POST", "/api/v1/tasks/" + id + "/minutes",
                      R"({"template":"default"})", token_);
    EXPECT_EQ(regen.status, 202) << regen.body;
    int64_t version = regen.json()["version"];
    for (int i = 0; i < 300; ++i) {
      auto m =
          Call(svc_->port(), "GET",
               "/api/v1/tasks/" + id + "/minutes?format=json&version=" + std::to_string(version),
               "", token_);
      if (m.status == 200) return m.json();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "version " << version << " was not written";
    return json();
  }
  std::vector<json> LogEvents(const std::string& event) {
    std::vector<json> out;
    std::ifstream in(log_);
    for (std::string line; std::getline(in, line);) {
      auto j = json::parse(line, nullptr, false);
      if (j.is_object() && j.value("event", "") == event) out.push_back(j);
    }
    return out;
  }

  FakeOpenAiServer primary_{"sk-test"}, backup_{"sk-test"};
  std::atomic<Misbehaviour> how_{Misbehaviour::kTruncatedOnce};
  std::atomic<bool> primary_down_{false};
  json ask_reply_;
  fs::path cfg_, log_;
  std::unique_ptr<TestService> svc_;
  std::string token_;
};

TEST_F(LlmRepair, WhatTheUserReadsWhenTheModelMisbehaves) {
  std::string id = Meeting();
  // The first answer was cut off: sent back once, and the second one is the minutes.
  auto first =
      Call(svc_->port(), "GET", "/api/v1/tasks/" + id + "/minutes?format=json", "", token_).json();
  EXPECT_EQ(first["title"], "Standup by the model") << first.dump();
  EXPECT_EQ(first["generator"], "openai:gpt-4o-mini");
  EXPECT_EQ(first["repairs"], json::array());
  ASSERT_EQ(primary_.bodies().size(), 2u);
  EXPECT_NE(primary_.bodies()[1]["messages"][3]["content"].get<std::string>().find("cut off"),
            std::string::npos);
  auto [segment, speaker] = FirstLine(primary_.bodies()[0]["messages"][1]["content"]);
  ASSERT_FALSE(segment.empty());

  // Null and missing fields, extra ones, in fences: everything the model wrote is kept but the
  // two bad citations of the decision and the missing owner, each listed.
  auto v = Regenerate(id, Misbehaviour::kNullAndMissing);
  EXPECT_EQ(v["title"], "Standup by the model") << v.dump();
  EXPECT_EQ(v["summary"], json({"The team went through yesterday and today."}));
  ASSERT_EQ(v["decisions"].size(), 1u) << v.dump();
  EXPECT_EQ(v["decisions"][0], json({{"text", "Release version two on Friday"},
                                     {"speaker", nullptr},
                                     {"speaker_name", nullptr},
                                     {"segment", nullptr}}));
  ASSERT_EQ(v["action_items"].size(), 1u);
  EXPECT_EQ(v["action_items"][0]["segment"], segment);
  EXPECT_EQ(v["action_items"][0]["due"], nullptr);
  EXPECT_EQ(v["generator"], "openai:gpt-4o-mini");
  EXPECT_EQ(v["repairs"], json::parse(R"([
    {"path":"decisions[0].segment","action":"dropped","reason":"missing"},
    {"path":"decisions[0].speaker","action":"dropped","reason":"null"},
    {"path":"action_items[0].owner","action":"dropped","reason":"missing"}])"));
  auto versions = Call(svc_->port(), "GET", "/api/v1/tasks/" + id + "/minutes/versions", "", token_)
                      .json()["items"];
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0]["repairs"], json::array());
  EXPECT_EQ(versions[1]["repairs"], v["repairs"]);

  // Names instead of ids: resolved to the speaker they name (shown with the name, stored as the
  // id, so a later rename reaches it).
  ASSERT_EQ(Call(svc_->port(), "PUT", "/api/v1/tasks/" + id + "/speakers",
                 json{{speaker, "Alice"}}.dump(), token_)
                .status,
            200);
  v = Regenerate(id, Misbehaviour::kNames);
  EXPECT_EQ(v["decisions"][0]["speaker"], speaker) << v.dump();
  EXPECT_EQ(v["decisions"][0]["segment"], segment);
  EXPECT_EQ(v["action_items"][0]["owner"], speaker);
  EXPECT_EQ(v["action_items"][0]["owner_name"], "Alice");
  EXPECT_EQ(v["decisions"][0]["speaker_name"], "Alice");
  EXPECT_EQ(v["repairs"], json::array({json{{"path", "decisions[0].speaker"},
                                            {"action", "resolved"},
                                            {"from", "alice (" + speaker + ")"},
                                            {"to", speaker}},
                                       json{{"path", "action_items[0].owner"},
                                            {"action", "resolved"},
                                            {"from", "Alice"},
                                            {"to", speaker}}}));
  ASSERT_EQ(Call(svc_->port(), "PUT", "/api/v1/tasks/" + id + "/speakers",
                 json{{speaker, "Alicia"}}.dump(), token_)
                .status,
            200);
  auto renamed =
      Call(svc_->port(), "GET", "/api/v1/tasks/" + id + "/minutes?format=json", "", token_).json();
  EXPECT_EQ(renamed["action_items"][0]["owner"], speaker);  // the id, whatever the name
  EXPECT_EQ(renamed["action_items"][0]["owner_name"], "Alicia");

  // An unknown segment: the decision stays without it.
  v = Regenerate(id, Misbehaviour::kUnknownSegment);
  EXPECT_EQ(v["decisions"][0]["text"], "Release version two on Friday");
  EXPECT_EQ(v["decisions"][0]["segment"], nullptr);
  EXPECT_EQ(v["decisions"][0]["speaker"], speaker);
  EXPECT_EQ(v["repairs"], json::parse(R"([{"path":"decisions[0].segment","action":"dropped",
                                           "reason":"unknown segment","from":"seg-9999"}])"));

  // An answer to another question, twice: nothing usable, so the extractive minutes, and the
  // log says why.
  size_t before = primary_.bodies().size();
  v = Regenerate(id, Misbehaviour::kOtherQuestion);
  EXPECT_EQ(v["generator"], "extractive") << v.dump();
  EXPECT_EQ(v["repairs"], json::array());
  EXPECT_NE(v["title"], "Standup by the model");
  EXPECT_EQ(primary_.bodies().size(), before + 2) << "sent back once for a repair";
  auto fallbacks = LogEvents("minutes_fallback");
  for (int i = 0; i < 50 && fallbacks.empty(); ++i) {  // the log is written in batches
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    fallbacks = LogEvents("minutes_fallback");
  }
  ASSERT_EQ(fallbacks.size(), 1u);
  EXPECT_EQ(fallbacks[0]["task_id"], id);
  EXPECT_NE(fallbacks[0]["error"].get<std::string>().find("unusable minutes twice"),
            std::string::npos)
      << fallbacks[0].dump();

  // Through the failover chain: the first link is down, the second answers with bad citations
  // and its minutes are kept, under its name.
  primary_down_ = true;
  v = Regenerate(id, Misbehaviour::kNullAndMissing);
  EXPECT_EQ(v["generator"], "ollama:llama3.1") << v.dump();
  EXPECT_EQ(v["title"], "Standup by the model");
  EXPECT_EQ(v["repairs"].size(), 3u) << v.dump();

  // Ask: citations that name no segment are left out, the answer stays the model's.
  primary_down_ = false;
  ask_reply_ = {{"answer", "On Friday."}, {"citations", {"seg-9999", nullptr, segment}}};
  auto ask = Call(svc_->port(), "POST", "/api/v1/tasks/" + id + "/ask",
                  R"({"question":"When do we release?"})", token_);
  ASSERT_EQ(ask.status, 200) << ask.body;
  EXPECT_EQ(ask.json()["answer"], "On Friday.");
  EXPECT_EQ(ask.json()["generator"], "openai:gpt-4o-mini");
  ASSERT_EQ(ask.json()["citations"].size(), 1u);
  EXPECT_EQ(ask.json()["citations"][0]["segment"], segment);
  EXPECT_EQ(ask.json()["repairs"], json::parse(R"([
    {"path":"citations[0]","action":"dropped","reason":"unknown segment","from":"seg-9999"},
    {"path":"citations[1]","action":"dropped","reason":"null"}])"));
  ask_reply_ = {{"answer", "Nobody said."}, {"citations", "seg-9999"}};
  ask = Call(svc_->port(), "POST", "/api/v1/tasks/" + id + "/ask",
             R"({"question":"What is the budget?"})", token_);
  EXPECT_EQ(ask.json()["answer"], "Nobody said.") << ask.body;
  EXPECT_EQ(ask.json()["citations"], json::array());
  EXPECT_EQ(ask.json()["repairs"].size(), 2u) << ask.body;  // coerced to a list, then dropped

  // Every request asked for structured output, and was one the servers accept.
  for (auto* s : {&primary_, &backup_}) {
    EXPECT_TRUE(s->violations().empty()) << s->violations()[0];
    for (auto& body : s->bodies()) EXPECT_EQ(body["response_format"]["type"], "json_schema");
  }
}

}  // namespace
}  // namespace minutes
