// People correcting the machine through the API: a line's text (the exports follow, its words
// are re-timed over the line) and the minutes (a new version; the old one stays). Bad edits are
// refused with the reason and change nothing.
#include <gtest/gtest.h>

#include <fstream>

#include "service_fixture.hpp"

namespace minutes {
namespace {

using namespace minutes::testing;

TEST(Edits, ALineAndTheMinutesAreCorrectedAndBadEditsChangeNothing) {
  TestService svc("edits", {{"alice", "acme", true}});
  ASSERT_GT(svc.port(), 0);
  int p = svc.port();
  std::string token = svc.Token("alice");
  std::ifstream in(TestData("standup") / "meeting.wav", std::ios::binary);
  std::string wav((std::istreambuf_iterator<char>(in)), {});
  std::string id = Call(p, "POST", "/api/v1/tasks", wav, token, "audio/wav").json()["id"];
  ASSERT_EQ(svc.WaitDone(id, token)["state"], "succeeded");
  std::string base = "/api/v1/tasks/" + id;

  auto fixed = Call(p, "PATCH", base + "/segments/seg-0002",
                    R"({"text":"  Yesterday I finished the login page.  "})", token);
  ASSERT_EQ(fixed.status, 200) << fixed.body;
  auto seg = fixed.json();
  EXPECT_EQ(seg["text"], "Yesterday I finished the login page.");
  ASSERT_EQ(seg["words"].size(), 6u);
  EXPECT_DOUBLE_EQ(seg["words"][0]["start"].get<double>(), seg["start"].get<double>());
  EXPECT_NEAR(seg["words"][5]["end"].get<double>(), seg["end"].get<double>(), 1e-9);
  EXPECT_NE(Call(p, "GET", base + "/transcript?format=srt", "", token)
                .body.find("Yesterday I finished the login page."),
            std::string::npos);
  auto json = Call(p, "GET", base + "/transcript?format=json", "", token).json();
  EXPECT_EQ(json["segments"][1]["text"], "Yesterday I finished the login page.");

  for (auto [body, status] : {std::pair{R"({"text":"   "})", 400},
                              {R"({"txt":"x"})", 400},
                              {R"({"text":"x","speaker":"S9"})", 400},
                              {R"(not json)", 400}})
    EXPECT_EQ(Call(p, "PATCH", base + "/segments/seg-0002", body, token).status, status) << body;
  auto missing = Call(p, "PATCH", base + "/segments/seg-9999", R"({"text":"x"})", token);
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("seg-9999"), std::string::npos);

  auto edited = Call(p, "PUT", base + "/minutes",
                     R"({"title":"Standup, corrected","action_items":[{"text":"Book the room",
                         "owner":"S1","due":"Friday","segment":""}]})",
                     token);
  ASSERT_EQ(edited.status, 201) << edited.body;
  EXPECT_EQ(edited.json()["version"], 2);
  auto md = Call(p, "GET", base + "/minutes?format=md", "", token).body;
  EXPECT_NE(md.find("Standup, corrected"), std::string::npos) << md;
  EXPECT_NE(md.find("Book the room"), std::string::npos) << md;
  auto versions = Call(p, "GET", base + "/minutes/versions", "", token).json()["items"];
  ASSERT_EQ(versions.size(), 2u);
  bool by_alice = false;
  for (auto& v : versions) by_alice |= v["generator"] == "edited by alice";
  EXPECT_TRUE(by_alice) << versions.dump();
  EXPECT_EQ(Call(p, "GET", base + "/minutes?format=md&version=1", "", token)
                .body.find("Standup, corrected"),
            std::string::npos)
      << "the machine's version stays as it was";

  // What GET …?format=json answers goes back as it is, edited: owners by name (a speaker's
  // resolves to the speaker), nulls where nothing is cited.
  ASSERT_EQ(Call(p, "PUT", base + "/speakers", R"({"S2":"Bob"})", token).status, 200);
  auto doc = Call(p, "GET", base + "/minutes?format=json", "", token).json();
  ASSERT_EQ(doc["action_items"].size(), 1u) << doc.dump();
  EXPECT_EQ(doc["action_items"][0]["owner"], "S1");
  EXPECT_EQ(doc["action_items"][0]["owner_name"], nullptr) << "S1 has no name yet";
  EXPECT_EQ(doc["action_items"][0]["segment"], nullptr);
  nlohmann::json round = {{"action_items", doc["action_items"]}, {"decisions", doc["decisions"]}};
  round["action_items"].push_back(
      {{"text", "Write the notes"}, {"owner", nullptr}, {"owner_name", "Bob"}, {"due", nullptr}});
  round["action_items"].push_back(
      {{"text", "Ask legal"}, {"owner", nullptr}, {"owner_name", "the lawyers"}});
  round["decisions"].push_back({{"text", "Ship it"}, {"speaker", nullptr}, {"segment", nullptr}});
  ASSERT_EQ(Call(p, "PUT", base + "/minutes", round.dump(), token).status, 201);
  auto v3 = Call(p, "GET", base + "/minutes?format=json", "", token).json();
  ASSERT_EQ(v3["version"], 3);
  ASSERT_EQ(v3["action_items"].size(), 3u) << v3.dump();
  EXPECT_EQ(v3["action_items"][1]["owner"], "S2") << "Bob is S2";
  EXPECT_EQ(v3["action_items"][1]["owner_name"], "Bob");
  EXPECT_EQ(v3["action_items"][2]["owner"], nullptr) << "not a speaker";
  EXPECT_EQ(v3["action_items"][2]["owner_name"], "the lawyers");
  EXPECT_EQ(v3["decisions"].back()["speaker"], nullptr);
  EXPECT_EQ(v3["decisions"].back()["segment"], nullptr);

  auto invalid = Call(p, "PUT", base + "/minutes", R"({"decisions":[{"text":""}]})", token);
  EXPECT_EQ(invalid.status, 400);
  EXPECT_NE(invalid.body.find("decisions"), std::string::npos) << invalid.body;
  EXPECT_EQ(Call(p, "PUT", base + "/minutes", R"({"speakers":[]})", token).status, 400);
  EXPECT_EQ(Call(p, "GET", base + "/minutes/versions", "", token).json()["items"].size(), 3u);
}

}  // namespace
}  // namespace minutes
