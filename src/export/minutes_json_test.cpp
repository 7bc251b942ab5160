#include "export/minutes_json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace minutes {
namespace {

using nlohmann::json;
using ::testing::StartsWith;

MinutesDoc Sample() {
  MinutesDoc d;
  d.title = "预算会议 📊";
  d.summary = {"We agreed the budget.", "Hiring is on hold."};
  d.decisions = {{"Ship in May", "S1", "seg-0003"}};
  d.action_items = {{"Send the slides", "Smith, John", "by Friday", "seg-0004"},
                    {"Book a room", "S2", "", "seg-0005"}};
  d.topics = {"budget", "hiring"};
  d.speakers = {{"S1", "Smith, John", 60.1234, 0.66666}, {"S2", "S2", 30, 0.33333}};
  return d;
}

Status Parse(const json& j) { return MinutesFromJson(j).status(); }

TEST(MinutesJson, ProducesTheDocumentedShape) {
  json j = MinutesToJson(Sample());
  EXPECT_EQ(j["title"], "预算会议 📊");
  EXPECT_EQ(j["summary"], json({"We agreed the budget.", "Hiring is on hold."}));
  EXPECT_EQ(j["decisions"][0],
            json({{"text", "Ship in May"}, {"speaker", "S1"}, {"segment", "seg-0003"}}));
  EXPECT_EQ(j["action_items"][0]["due"], "by Friday");
  EXPECT_TRUE(j["action_items"][1]["due"].is_null());
  EXPECT_EQ(j["topics"], json({"budget", "hiring"}));
  EXPECT_EQ(j["speakers"][0],
            json({{"id", "S1"}, {"name", "Smith, John"}, {"talk_time", 60.123}, {"share", 0.667}}));
  EXPECT_EQ(j.size(), 6u);
}

TEST(MinutesJson, RoundTrips) {
  json first = MinutesToJson(Sample());
  auto back = MinutesFromJson(json::parse(first.dump()));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->title, "预算会议 📊");
  EXPECT_EQ(back->action_items[0].owner, "Smith, John");
  EXPECT_EQ(back->action_items[1].due, "");
  EXPECT_EQ(back->speakers[1].share, 0.333);
  EXPECT_EQ(MinutesToJson(*back), first);
}

TEST(MinutesJson, EmptyDocumentRoundTrips) {
  auto back = MinutesFromJson(MinutesToJson(MinutesDoc{}));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_TRUE(back->decisions.empty());
}

TEST(MinutesJson, ErrorsNameTheField) {
  json j = MinutesToJson(Sample());
  json bad = j;
  bad["action_items"][1]["owner"] = nullptr;
  Status s = Parse(bad);
  EXPECT_EQ(s.kind(), ErrorKind::kBadInput);
  EXPECT_THAT(s.message(), StartsWith("action_items[1].owner: expected a string, got null"));

  bad = j;
  bad["summary"][1] = 3;
  EXPECT_THAT(Parse(bad).message(), StartsWith("summary[1]: expected a string"));

  bad = j;
  bad.erase("topics");
  EXPECT_THAT(Parse(bad).message(), StartsWith("topics: missing"));

  bad = j;
  bad["decisions"] = json::object();
  EXPECT_THAT(Parse(bad).message(), StartsWith("decisions: expected an array"));

  bad = j;
  bad["decisions"][0]["text"] = "";
  EXPECT_THAT(Parse(bad).message(), StartsWith("decisions[0].text: must not be empty"));

  bad = j;
  bad["speakers"][0]["share"] = 1.2;
  EXPECT_THAT(Parse(bad).message(), StartsWith("speakers[0].share:"));

  bad = j;
  bad["action_items"][0]["due"] = false;
  EXPECT_THAT(Parse(bad).message(), StartsWith("action_items[0].due:"));
}

TEST(MinutesJson, AbsentDueMeansNone) {
  json j = MinutesToJson(Sample());
  j["action_items"][0].erase("due");
  auto back = MinutesFromJson(j);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->action_items[0].due, "");
}

}  // namespace
}  // namespace minutes
